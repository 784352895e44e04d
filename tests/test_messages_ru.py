"""The Russian texts after the native review (issue 17, review of 2026-12 §4): each corrected
phrase is rendered from the real templates, for a company and for a consumer (a man, a woman,
someone known only by name, no one named) and for one and several invoices, and the phrase the
reviewer marked wrong is checked gone.
"""

# ruff: noqa: RUF001 - the Russian text is what these tests are about

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from tests.test_message_machinery import action as machinery_action
from tests.test_message_machinery import fee_booked, interest_case

import paychase
from paychase import Action, Case
from paychase.messages import Message, Renderer
from paychase.messages._formatting import Money
from paychase.messages._samples import _amounts, sample_case, samples
from paychase.messages._sms import sms_length

RENDERER = Renderer()
NBSP = "\u00a0"

IVAN = {
    "name": "Иван Петров",
    "given_name": "Иван",
    "patronymic": "Петрович",
    "family_name": "Петров",
    "gender": "male",
}
ANNA = {
    "name": "Анна Смирнова",
    "given_name": "Анна",
    "patronymic": "Сергеевна",
    "family_name": "Смирнова",
    "gender": "female",
}
NAME_ONLY = {"name": "Иван Петров"}

# Who the client is: (client kind, contact person or None for the contacts object).
PARTIES = {
    "company": ("business", None),
    "company, Ivan": ("business", IVAN),
    "company, name only": ("business", NAME_ONLY),
    "man": ("consumer", IVAN),
    "woman": ("consumer", ANNA),
    "name only": ("consumer", NAME_ONLY),
    "unknown": ("consumer", None),
}


def _data(policy: str, party: str = "company", invoices: int = 2) -> dict[str, Any]:
    """The sample case as JSON, with the party and the number of invoices asked for."""
    data = sample_case(policy, "ru").model_dump(mode="json", by_alias=True)
    kind, person = PARTIES[party]
    client = data["clients"][0]
    client["kind"] = kind
    if person is not None:
        client["contacts"] = [{**person, "email": "person@client.example", "postal": "Москва"}]
    first, second = data["invoices"]
    extra = [
        {**second, "id": f"i{n}", "number": f"2026/01/{n + 6}"} for n in range(3, invoices + 1)
    ]
    data["invoices"] = [first, second, *extra][:invoices]
    return data


def _case(policy: str, party: str = "company", invoices: int = 2, **more: Any) -> Case:
    return Case.model_validate({**_data(policy, party, invoices), **more})


def _action(policy: str, label: str, case: Case) -> Action:
    """The sample action `label`, about every invoice of `case` and with its amounts."""
    action = next(s.action for s in samples(policy, "ru") if s.label == label)
    if not action.invoices:
        return action
    ids = tuple(invoice.id for invoice in case.invoices)
    return action.model_copy(update={"invoices": ids, "amounts": _amounts(case, action.at, ids)})


def _render(
    policy: str, label: str, party: str = "company", invoices: int = 2, **more: Any
) -> Message:
    case = _case(policy, party, invoices, **more)
    return RENDERER.render(case, _action(policy, label, case))


def _plain(text: str) -> str:
    """The text with its lines joined and non-breaking spaces read as spaces."""
    return " ".join(text.replace(NBSP, " ").split())


# --- the greeting (§4 row 1, §7) ---------------------------------------------------------------


@pytest.mark.parametrize("label", ["freelancer/firm", "freelancer/final"])
@pytest.mark.parametrize(
    ("party", "greeting"),
    [
        ("man", "Уважаемый Иван Петрович!"),
        ("woman", "Уважаемая Анна Сергеевна!"),
        ("name only", "Здравствуйте!"),
        ("unknown", "Здравствуйте!"),
        ("company, Ivan", "Уважаемый Иван Петрович!"),
    ],
)
def test_a_person_is_greeted_by_name_and_patronymic_or_without_a_name(
    label: str, party: str, greeting: str
) -> None:
    message = _render("freelancer", label, party)
    assert greeting in message.text.splitlines()
    assert "Иван Петров!" not in message.text  # first name and surname read as a mail merge
    assert "Здравствуйте, " not in message.text


@pytest.mark.parametrize("party", ["company", "company, name only"])
def test_a_company_with_no_one_to_greet_by_name_gets_the_plural_form(party: str) -> None:
    letter = _render("freelancer", "freelancer/final", party)
    assert "Уважаемые господа!" in letter.text.splitlines()
    firm = _render("freelancer", "freelancer/firm", party)
    assert "Здравствуйте!" in firm.text.splitlines()
    assert "Иван Петров!" not in letter.text + firm.text


def test_a_letter_names_the_contact_person_surname_first() -> None:
    message = _render("freelancer", "freelancer/final", "company, Ivan")
    assert "Контактное лицо: Петров Иван Петрович" in message.text
    assert "Контактное лицо: Петров Иван Петрович" in message.html


# --- "вы" to a company, "Вы" to one person (§4 "letters to a company") ----------------------------


@pytest.mark.parametrize("party", ["company", "company, name only"])
def test_a_letter_to_a_company_writes_vy_in_lower_case(party: str) -> None:
    text = _plain(_render("freelancer", "freelancer/final", party).text)
    assert "В ваш адрес были выставлены" in text
    assert "Если вы не согласны" in text
    assert "Обращаем ваше внимание" in text
    assert not re.search(r"\b(Вы|Вас|Вам|Ваш\w*)\b", text)


@pytest.mark.parametrize("party", ["man", "woman", "company, Ivan", "unknown"])
def test_a_letter_to_one_person_writes_vy_with_a_capital(party: str) -> None:
    text = _plain(_render("freelancer", "freelancer/final", party).text)
    assert "В Ваш адрес были выставлены" in text
    assert "Если Вы не согласны" in text
    assert not re.search(r"\b(вы|вас|вам|ваш\w*)\b", text)


# --- two documents, two names (§4 row 3) -------------------------------------------------------


def test_the_first_letter_is_a_demand_and_only_the_last_a_claim() -> None:
    demand = _render("b2b_strict", "b2b_strict/demand_letter")
    assert demand.subject.startswith("Требование об оплате задолженности по счетам")
    assert "ТРЕБОВАНИЕ ОБ ОПЛАТЕ ЗАДОЛЖЕННОСТИ" in demand.text.splitlines()
    assert "ПРЕТЕНЗИЯ" not in demand.text
    assert "<h1>ТРЕБОВАНИЕ ОБ ОПЛАТЕ ЗАДОЛЖЕННОСТИ</h1>" in demand.html
    claim = _render("b2b_strict", "b2b_strict/formal_claim")
    assert claim.subject.startswith("Досудебная претензия об оплате задолженности")
    assert "ДОСУДЕБНАЯ ПРЕТЕНЗИЯ" in claim.text.splitlines()
    assert "(ДОСУДЕБНАЯ)" not in claim.text.upper()
    call = _plain(_render("b2b_strict", "b2b_strict/payment_call").text)
    assert "Мы направили требование об оплате задолженности" in call
    assert "направили претензию" not in call


# --- numbers up to ten in words in a formal letter (§4 row 5) ---------------------------------


@pytest.mark.parametrize(
    ("invoices", "phrase"),
    [
        (1, "В ваш адрес был выставлен счёт № 2026/01/7 от 12 января 2026 г."),
        (2, "В ваш адрес были выставлены два счёта на общую сумму"),
        (5, "В ваш адрес было выставлено пять счетов на общую сумму"),
        (12, "В ваш адрес было выставлено 12 счетов на общую сумму"),
    ],
)
def test_the_claim_counts_its_invoices_in_words(invoices: int, phrase: str) -> None:
    text = _plain(_render("freelancer", "freelancer/final", invoices=invoices).text)
    assert phrase in text
    assert not re.search(r"выставлены [2-9] сч", text)


# --- "yesterday" (§4 row 2, X10) ---------------------------------------------------------------


def _call_event(case: Case) -> dict[str, Any]:
    return {
        "at": (case.now - timedelta(days=2)).isoformat(),
        "client": "client",
        "invoices": ["i1", "i2"],
        "direction": "out",
        "kind": "call",
        "channel": "phone",
        "outcome": "answered",
    }


def test_the_follow_up_call_names_the_day_of_the_last_call() -> None:
    case = _case("b2b_strict")
    with_call = case.model_copy(
        update={"history": (paychase.ContactEvent.model_validate(_call_event(case)),)}
    )
    text = _plain(
        RENDERER.render(
            with_call, _action("b2b_strict", "b2b_strict/follow_up_call", with_call)
        ).text
    )
    assert "8 марта 2026 г. мы звонили клиенту по поводу задолженности" in text
    assert "Вчера" not in text


def test_the_follow_up_call_without_a_call_does_not_claim_one() -> None:
    # The sample walked up to the step: its history has the reminder of 3 March 2026 only.
    sample = next(s for s in samples("b2b_strict", "ru") if s.label == "b2b_strict/follow_up_call")
    reminded = _plain(RENDERER.render(sample.case, sample.action).text)
    assert "3 марта 2026 г. мы обращались к клиенту по поводу задолженности" in reminded
    assert "Вчера" not in reminded
    assert "звонили" not in reminded
    silent = _plain(_render("b2b_strict", "b2b_strict/follow_up_call").text)
    assert "Мы уже обращались к клиенту по поводу задолженности" in silent
    assert "Вчера" not in silent
    assert "звонили" not in silent


# --- bank details and tax number of a foreign sender (§4 rows 6, 7) ----------------------------


def test_a_polish_account_is_an_iban_with_a_swift_code() -> None:
    for label in ("freelancer/firm", "freelancer/final"):
        message = _render("freelancer", label)
        text = _plain(message.text)
        assert "счёт (IBAN) PL61 1090 1014 0000 0712 1981 2874" in text
        assert "SWIFT WBKPPLPP" in text
        assert "БИК" not in text
        assert "БИК" not in message.html
        assert "расчётный счёт" not in text
    letter = _render("freelancer", "freelancer/final").html
    assert "<td>Счёт (IBAN)</td>" in letter
    assert "<td>SWIFT</td>" in letter
    assert "VAT ID PL5252555210" in letter
    assert "ИНН" not in letter


def _russian_sender(data: dict[str, Any]) -> dict[str, Any]:
    return {
        **data["sender"],
        "tax_id": "7701234567",
        "bank_account": {
            "account": "40702810900000012345",
            "bank": "ПАО Сбербанк",
            "bic": "044525225",
        },
    }


def test_a_russian_account_keeps_the_russian_names() -> None:
    data = _data("freelancer")
    case = Case.model_validate({**data, "sender": _russian_sender(data)})
    letter = RENDERER.render(case, _action("freelancer", "freelancer/final", case))
    text = _plain(letter.text)
    assert "расчётный счёт 40702810900000012345, банк ПАО Сбербанк, БИК 044525225" in text
    assert "SWIFT" not in text
    assert "IBAN" not in text
    assert "ИНН 7701234567" in letter.html
    reminder = RENDERER.render(case, _action("freelancer", "freelancer/firm", case))
    assert "расчётный счёт 40702810900000012345 в банке ПАО Сбербанк, БИК 044525225" in _plain(
        reminder.text
    )


def test_sms_name_the_account_as_its_country_does() -> None:
    data = _data("tradesperson")
    polish = Case.model_validate(data)
    russian = Case.model_validate({**data, "sender": _russian_sender(data)})
    settle = "tradesperson/settle_up"
    text = _plain(RENDERER.render(polish, _action("tradesperson", settle, polish)).text)
    assert "Наличные, карта или IBAN PL61 1090" in text
    text = _plain(RENDERER.render(russian, _action("tradesperson", settle, russian)).text)
    assert "Наличные, карта или р/с 40702810900000012345." in text
    by_sms = next(
        s for s in samples("freelancer", "ru") if s.label == "instalment:reminder"
    ).action.model_copy(update={"channel": "sms"})
    sms = RENDERER.render(sample_case("freelancer", "ru"), by_sms).text
    assert "IBAN PL61 1090" in sms
    assert "Р/с" not in sms
    data = _data("freelancer")
    russian = Case.model_validate({**data, "sender": _russian_sender(data)})
    assert "Р/с 40702810900000012345" in RENDERER.render(russian, by_sms).text


# --- пени, штраф, неустойка (§4 row 8) --------------------------------------------------------


@pytest.mark.parametrize(
    ("late_fee", "subject_end"),
    [
        ({"kind": "daily_rate", "rate": "0.1"}, ": начислены пени"),
        ({"kind": "flat", "amount": "500.00"}, ": начислен штраф"),
        ({"kind": "percent_per_month", "rate": "1.5"}, ": начислена неустойка"),
    ],
)
@pytest.mark.parametrize("policy", ["freelancer", "tradesperson"])
def test_a_contractual_fee_is_named_by_its_kind(
    policy: str, late_fee: dict[str, Any], subject_end: str
) -> None:
    data = _data(policy)
    data["contracts"][0]["late_fee"] = late_fee
    data["contracts"][0]["fixed_compensation"] = False
    case = Case.model_validate(data)
    action = _action(policy, f"{policy}/with_fee", case)
    assert action.amounts is not None
    # The fee as the step books it: the sample's day books nothing yet, so it is set here.
    fee = Decimal("120.00")
    booked = action.amounts.model_copy(
        update={"late_fee": fee, "total": action.amounts.principal + fee}
    )
    message = RENDERER.render(case, action.model_copy(update={"amounts": booked}))
    assert message.subject.endswith(subject_end), message.subject
    if late_fee["kind"] != "daily_rate":
        assert "пени" not in message.subject
    # The charges block names where the charges come from: the contract here.
    assert "с учётом начислений, предусмотренных договором:" in _plain(message.text)


def test_statutory_interest_is_introduced_as_the_law_s() -> None:
    case = _case("freelancer")
    action = _action("freelancer", "freelancer/final", case)
    assert action.amounts is not None
    interest = Decimal("35.10")
    claimed = action.amounts.model_copy(
        update={"interest": interest, "total": action.amounts.principal + interest}
    )
    text = _plain(RENDERER.render(case, action.model_copy(update={"amounts": claimed})).text)
    assert (
        "Сумма задолженности по состоянию на 10 марта 2026 г. с учётом начислений, "
        "предусмотренных законом:" in text
    )
    assert "предусмотренных договором" not in text


# --- wording of single messages (§4 rows 10-18) ------------------------------------------------


@pytest.mark.parametrize("invoices", [1, 2])
def test_overdue_90_speaks_with_one_voice(invoices: int) -> None:
    text = _plain(_render("freelancer", "freelancer/overdue_90", invoices=invoices).text)
    assert "так и не поступила: просрочка составляет уже" in text
    assert "Если я не получу ни оплаты, ни ответа" in text
    assert "не поступила и сейчас" not in text
    assert "Если мы не получим" not in text


@pytest.mark.parametrize(
    ("invoices", "asked"),
    [
        (1, "дошёл ли до Вас счёт № 2026/01/7"),
        (2, "дошли ли до Вас счета"),
        (5, "дошли ли до Вас 5 счетов (перечень ниже)"),
        (21, "дошёл ли до Вас 21 счёт (перечень ниже)"),
    ],
)
def test_polite_says_the_due_date_passed_and_the_payment_has_not_come(
    invoices: int, asked: str
) -> None:
    text = _plain(_render("freelancer", "freelancer/polite", invoices=invoices).text)
    assert asked in text
    assert "срок оплаты истёк 26 января 2026 г., а оплата пока не поступила." in text
    assert "я сразу всё исправлю" in text
    assert "поступления я пока не вижу" not in text
    assert "поправлю" not in text


def test_a_deposit_request_thanks_without_a_company_voice() -> None:
    text = _plain(_render("freelancer", "request_deposit:deposit").text)
    assert "Спасибо, что выбрали нас!" in text
    assert "выбор нашей компании" not in text


def test_the_kill_fee_notice_says_work_stops_in_subject_and_body() -> None:
    message = _render("freelancer", "pause_work:kill_fee")
    assert message.subject.startswith("Работы по проекту прекращены")
    assert "приостанов" not in message.subject + message.text
    assert "прекращаем работы" in _plain(message.text)


def test_instalment_texts_thank_the_client_and_say_what_falls_due() -> None:
    reminder = _plain(_render("freelancer", "instalment:reminder").text)
    assert "Спасибо, что Вы соблюдаете график платежей." in reminder
    assert "Благодарим Вас за то, что график соблюдается" not in reminder
    missed = _plain(_render("freelancer", "instalment:missed").text)
    assert "подлежит оплате в полном объёме незамедлительно." in missed
    assert "подлежит оплате сразу" not in missed


def test_resume_work_keeps_the_client_informed_without_repeating_works() -> None:
    text = _plain(_render("freelancer", "resume_work:deposit").text)
    assert "будем держать Вас в курсе." in text
    assert "в курсе хода работ" not in text


def test_a_task_gives_its_reason_as_a_reason() -> None:
    message = _render("freelancer", "freelancer/legal")
    assert "Причина: технические подробности (на англ.): sample of step 'legal'" in message.text
    assert "Основание:" not in message.text + message.html


# --- non-breaking spaces (X12) -----------------------------------------------------------------

_MONTHS = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"


@pytest.mark.parametrize("policy", ["freelancer", "b2b_strict", "tradesperson", "saas"])
def test_reflow_never_splits_a_date_a_number_sign_or_a_statute(policy: str) -> None:
    for sample in samples(policy, "ru"):
        text = RENDERER.render(sample.case, sample.action).text
        lines = text.splitlines()
        for line, after in itertools.pairwise(lines):
            where = f"{sample.label}: {line!r} / {after!r}"
            assert not (re.search(r"\b\d{1,2}$", line) and re.match(f"({_MONTHS})", after)), where
            assert not line.endswith(("№", " ст.", " ч.")), where
            assert not re.match(r"(дней|дня|день)\b", after), where
    text = _render("freelancer", "freelancer/final").text
    assert f"26{NBSP}января{NBSP}2026" in text
    assert f"№{NBSP}2026/01/7" in text
    assert f"ст.{NBSP}395{NBSP}ГК{NBSP}РФ" in text


# --- many invoices by count, in every case (issue 17, X7) ---------------------------------------


@pytest.mark.parametrize(
    ("invoices", "subject", "body"),
    [
        (5, "Просрочена оплата по 5 счетам", "по 5 счетам (перечень ниже)"),
        (21, "Просрочена оплата по 21 счёту", "по 21 счёту (перечень ниже)"),
    ],
)
def test_many_invoices_are_counted_in_the_case_the_sentence_asks(
    invoices: int, subject: str, body: str
) -> None:
    message = _render("tradesperson", "tradesperson/firm", invoices=invoices)
    assert message.subject == subject  # no pointer in a subject: nothing is listed under it
    text = _plain(message.text)
    assert body in text
    assert "№ 2026/01/9 и" not in message.subject + text  # no run of numbers in a sentence
    assert "2026/01/9" in message.text  # the list below still names every invoice


def test_a_short_list_is_still_named_invoice_by_invoice() -> None:
    message = _render("tradesperson", "tradesperson/firm", invoices=3)
    assert message.subject == "Просрочена оплата по счетам № 2026/01/7, № 2026/01/8 и № 2026/01/9"


@pytest.mark.parametrize(
    ("invoices", "subject_end"),
    [
        (1, "дошёл ли до клиента счёт № 2026/01/7"),
        (2, "дошли ли до клиента счета"),
        (5, "дошли ли до клиента 5 счетов"),
        (21, "дошёл ли до клиента 21 счёт"),
    ],
)
def test_a_verb_agrees_with_the_number_of_invoices(invoices: int, subject_end: str) -> None:
    message = _render("freelancer", "freelancer/check_call", invoices=invoices)
    assert subject_end in message.subject
    if invoices > 3:  # a call sheet lists the invoices above what to say
        assert f"{invoices} сч" in message.text
        assert "(перечень выше)" in message.text
        assert "(перечень ниже)" not in message.text


def test_many_invoices_are_not_written_into_the_payment_purpose() -> None:
    text = _plain(_render("tradesperson", "tradesperson/firm", invoices=21).text)
    assert "указав в назначении платежа номера оплачиваемых счетов" in text
    assert "номера счетов: 2026/01/7" not in text
    few = _plain(_render("tradesperson", "tradesperson/firm", invoices=2).text)
    assert "номера счетов: 2026/01/7, 2026/01/8" in few


def test_suspension_names_the_debt_without_a_genitive_after_a_number() -> None:
    message = _render("saas", "saas/suspend", invoices=21)
    assert message.subject == "Доступ к сервису приостановлен из-за задолженности по 21 счёту"


# --- SMS in two segments (issue 17, item 2) -----------------------------------------------------


@pytest.mark.parametrize("invoices", [1, 2, 21])
@pytest.mark.parametrize(
    ("policy", "label"),
    [
        ("tradesperson", "tradesperson/polite"),
        ("tradesperson", "tradesperson/firm"),
        ("tradesperson", "tradesperson/settle_up"),
        ("freelancer", "freelancer/pre_due"),
        ("saas", "saas/warning"),
        ("saas", "saas/suspend"),
    ],
)
def test_an_sms_fits_two_segments_and_keeps_amount_date_and_account(
    policy: str, label: str, invoices: int
) -> None:
    case = _case(policy, invoices=invoices)
    planned = _action(policy, label, case).model_copy(update={"channel": "sms"})
    message = RENDERER.render(case, planned)
    text = message.text.strip()
    assert sms_length(text).units <= 134, text
    assert text.startswith("Studio Lumen: ")
    assert planned.amounts is not None
    assert _plain(str(Money(planned.amounts.total, "RUB", message.locale))) in _plain(text) or (
        _plain(str(Money(planned.amounts.principal, "RUB", message.locale))) in _plain(text)
    )
    if label != "saas/suspend":  # a suspension announces; it sets no date
        assert re.search(r"\d\d\.\d\d\.2026", text)  # a date, in its short form
    if label not in ("saas/warning", "saas/suspend"):  # these are about the service
        assert "PL61 1090 1014 0000 0712 1981 2874" in text
    assert "Здравствуйте" not in text
    assert "(перечень" not in text
    if invoices == 21:
        assert "21 счёт" in text
        assert "2026/01/9" not in text


def test_an_sms_about_invoices_due_on_different_days_gives_the_first_date() -> None:
    data = _data("tradesperson", invoices=2)
    data["invoices"][1] |= {"issued": "2026-01-20"}
    case = Case.model_validate(data)
    planned = _action("tradesperson", "tradesperson/polite", case)
    text = RENDERER.render(case, planned.model_copy(update={"channel": "sms"})).text
    assert "по 2 счетам, первый срок истёк 26.01.2026." in text


# --- rates with their period, lines a payment settled (issue 17, X3, X5) -----------------------


def test_statutory_interest_lines_are_stated_a_year_and_the_settled_one_says_so() -> None:
    case = interest_case("ru")  # the RU table has no 2026 key rate: the contract is under DE law
    text = _plain(RENDERER.render(case, machinery_action(case, tone="final")).text)
    assert re.search(r"по ставке [\d,]+ % годовых за период с", text), text
    assert "(погашено платежом от 10 февраля 2026 г.)" in text
    assert not re.search(r"по ставке [\d,]+ % за период", text)


@pytest.mark.parametrize(
    ("fee", "unit"),
    [
        ({"kind": "percent_per_month", "rate": "1.5"}, "в месяц"),
        ({"kind": "daily_rate", "rate": "0.1"}, "в день"),
    ],
)
def test_contractual_fee_lines_are_stated_a_month_or_a_day(fee: dict[str, str], unit: str) -> None:
    data = _data("freelancer")
    data["contracts"][0] |= {"late_fee": fee, "grace": "0d", "fixed_compensation": False}
    data["history"] = [fee_booked(data, date(2026, 2, 2))]
    case = Case.model_validate(data)
    text = _plain(RENDERER.render(case, machinery_action(case, tone="final")).text)
    assert re.search(rf"по ставке [\d,]+ % {unit} за период с", text), text


# --- the contract, the signatory, аванс and задаток (issue 17, item 1) --------------------------


@pytest.mark.parametrize("label", ["b2b_strict/demand_letter", "b2b_strict/formal_claim"])
def test_the_demand_and_the_claim_name_the_contract(label: str) -> None:
    data = _data("b2b_strict")
    data["contracts"][0] |= {"number": "12/2025", "signed": "2025-12-15"}
    case = Case.model_validate(data)
    text = _plain(RENDERER.render(case, _action("b2b_strict", label, case)).text)
    assert (
        "Между Studio Lumen и Example & Co заключён договор № 12/2025 от 15 декабря 2025 г. "
        "В ваш адрес были выставлены" in text
    )
    assert "г.." not in text
    bare = _plain(_render("b2b_strict", label).text)
    assert "заключён договор" not in bare  # nothing known about it: nothing said


def test_a_consumer_s_letter_names_the_contract_with_vy() -> None:
    data = _data("freelancer", "woman")
    data["contracts"][0] |= {"signed": "2025-12-15"}
    case = Case.model_validate(data)
    text = _plain(RENDERER.render(case, _action("freelancer", "freelancer/final", case)).text)
    assert "Между Studio Lumen и Вами заключён договор от 15 декабря 2025 г. В Ваш адрес" in text


@pytest.mark.parametrize(
    ("gender", "sentence"),
    [
        (
            "female",
            "3 марта 2026 г. я писала Вам о счетах № 2026/01/7 и № 2026/01/8, "
            "но ответа не получила.",
        ),
        (
            "male",
            "3 марта 2026 г. я писал Вам о счетах № 2026/01/7 и № 2026/01/8, но ответа не получил.",
        ),
        (
            None,
            "Моё письмо от 3 марта 2026 г. о счетах № 2026/01/7 и № 2026/01/8 осталось без ответа.",
        ),
    ],
)
def test_a_sender_writing_as_i_speaks_in_the_signatory_s_gender(
    gender: str | None, sentence: str
) -> None:
    sample = next(s for s in samples("freelancer", "ru") if s.label == "freelancer/firm")
    data = sample.case.model_dump(mode="json", by_alias=True)
    data["sender"]["signatory_gender"] = gender
    text = _plain(RENDERER.render(Case.model_validate(data), sample.action).text)
    assert sentence in text, text


@pytest.mark.parametrize(
    ("refundable", "word", "forms"),
    [
        (True, "Аванс", ("внесения аванса", "внести аванс")),
        (False, "Задаток", ("внесения задатка", "внести задаток", "(ст. 380 ГК РФ)")),
    ],
)
def test_a_deposit_is_called_by_the_contract_s_word(
    refundable: bool, word: str, forms: tuple[str, ...]
) -> None:
    data = _data("freelancer")
    data["contracts"][0]["deposit"]["refundable"] = refundable
    case = Case.model_validate(data)
    message = RENDERER.render(case, _action("freelancer", "request_deposit:deposit", case))
    assert message.subject == f"{word} для начала работ"
    text = _plain(message.text)
    for form in forms:
        assert form in text
    assert "предоплат" not in text
    if refundable:
        assert "ст. 380" not in text


def test_a_claim_about_many_invoices_counts_them_and_points_to_the_list_once() -> None:
    message = _render("b2b_strict", "b2b_strict/formal_claim", invoices=21)
    assert message.subject == "Досудебная претензия об оплате задолженности по 21 счёту"
    text = _plain(message.text)
    assert "об оплате задолженности по 21 счёту Уважаемые господа!" in text
    assert "В ваш адрес был выставлен 21 счёт на общую сумму" in text
    assert text.count("(перечень") == 1
    assert "№ 2026/01/9, № 2026/01/10" not in text  # the table lists them, not a sentence
    assert "Счёт № 2026/01/27" in message.text  # the 21st invoice, in the table
    assert "Приложение: копии счетов согласно перечню (21 шт.)" in text


def test_invoices_due_on_different_days_are_dated_by_the_oldest() -> None:
    data = _data("tradesperson", invoices=2)
    first = data["invoices"][0]
    # The first in the list is the later one: the text must not date both by it.
    first |= {"issued": "2026-01-20"}
    case = Case.model_validate(data)
    text = _plain(RENDERER.render(case, _action("tradesperson", "tradesperson/firm", case)).text)
    assert "просрочка по самому раннему из счетов составляет уже 43 дня" in text
    same = _plain(_render("tradesperson", "tradesperson/firm").text)
    assert "просрочка составляет уже 43 дня" in same
    assert "по самому раннему" not in same


# --- invoices due on different days (X6) ---------------------------------------------------------


def _staggered(policy: str, label: str) -> str:
    """Invoice 2026/01/7 due on 2 February and 2026/01/8 on 26 January: the first is newer."""
    data = _data(policy)
    data["invoices"][0]["due"] = "2026-02-02"
    data["invoices"][1]["due"] = "2026-01-26"
    case = Case.model_validate(data)
    message = RENDERER.render(case, _action(policy, label, case))
    return _plain(f"{message.subject}\n{message.text}")


@pytest.mark.parametrize(
    ("policy", "label", "expected"),
    [
        (
            "freelancer",
            "freelancer/polite",
            "сроки оплаты истекли (самый ранний — 26 января 2026 г.)",
        ),
        (
            "freelancer",
            "freelancer/firm",
            "Просрочка по самому раннему из счетов составляет уже 43 дня.",
        ),
        ("freelancer", "freelancer/overdue_30", "наибольшая просрочка — 43 дня"),
        (
            "freelancer",
            "freelancer/overdue_30",
            "с самого раннего срока оплаты (26 января 2026 г.)",
        ),
        (
            "freelancer",
            "freelancer/with_fee",
            "Просрочка оплаты по самому раннему из счетов № 2026/01/7",
        ),
        ("freelancer", "freelancer/check_call", "самый ранний срок оплаты — 26 января 2026 г."),
        (
            "freelancer",
            "freelancer/pre_due",
            "26 января 2026 г. наступает первый из сроков оплаты по счетам",
        ),
        (
            "saas",
            "saas/notice",
            "Сроки оплаты по счетам № 2026/01/7 и № 2026/01/8 истекли (самый ранний",
        ),
    ],
)
def test_invoices_due_on_different_days_name_the_earliest_as_such(
    policy: str, label: str, expected: str
) -> None:
    text = _staggered(policy, label)
    assert expected in text
    assert "2 февраля 2026" not in text
    assert "36 дней" not in text
    assert "со срока оплаты (26 января" not in text


# --- a letter to an organisation goes to its head ----------------------------------------------


@pytest.mark.parametrize(
    ("party", "name", "addressee"),
    [
        ("company", "ООО «Ромашка»", "Руководителю ООО «Ромашка»"),
        ("company, Ivan", "ООО «Ромашка»", "Руководителю ООО «Ромашка», Контактное лицо: Петров"),
        ("company", "ИП Петров Иван Петрович", "ИП Петров Иван Петрович, ул."),
        ("man", "Иван Петрович Петров", "Иван Петрович Петров, "),
    ],
)
@pytest.mark.parametrize(
    ("policy", "label"),
    [("freelancer", "freelancer/final"), ("b2b_strict", "b2b_strict/formal_claim")],
)
def test_a_claim_to_an_organisation_is_addressed_to_its_head(
    policy: str, label: str, party: str, name: str, addressee: str
) -> None:
    data = _data(policy, party)
    data["clients"][0]["name"] = name
    case = Case.model_validate(data)
    message = RENDERER.render(case, _action(policy, label, case))
    head = _plain(message.text).split(" Исх. №")[0]
    assert addressee in head
    if not addressee.startswith("Руководителю"):
        assert "Руководителю" not in head
    assert f'<p class="addressee">{addressee.split(",", maxsplit=1)[0]}' in (message.html or "")
