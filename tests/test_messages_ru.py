"""The Russian texts after the native review (issue 17, review of 2026-12 §4): each corrected
phrase is rendered from the real templates, for a company and for a consumer (a man, a woman,
someone known only by name, no one named) and for one and several invoices, and the phrase the
reviewer marked wrong is checked gone.
"""

# ruff: noqa: RUF001 - the Russian text is what these tests are about

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

import paychase
from paychase import Action, Case
from paychase.messages import Message, Renderer
from paychase.messages._samples import _amounts, sample_case, samples

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
    assert "переводом на счёт PL61 1090" in text
    text = _plain(RENDERER.render(russian, _action("tradesperson", settle, russian)).text)
    assert "переводом на р/с 40702810900000012345" in text
    by_sms = next(
        s for s in samples("freelancer", "ru") if s.label == "instalment:reminder"
    ).action.model_copy(update={"channel": "sms"})
    sms = RENDERER.render(sample_case("freelancer", "ru"), by_sms).text
    assert "IBAN: PL61 1090" in sms
    assert "Р/с" not in sms
    data = _data("freelancer")
    russian = Case.model_validate({**data, "sender": _russian_sender(data)})
    assert "Р/с: 40702810900000012345." in RENDERER.render(russian, by_sms).text


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
    ("invoices", "asked"), [(1, "дошёл ли до Вас счёт № 2026/01/7"), (2, "дошли ли до Вас счета")]
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
