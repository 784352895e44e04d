"""Issue 17, the shared machinery: what every language's messages rest on (the matrix itself
is `tests/test_text_matrix.py`).

Each test renders the real built-in templates (through `Renderer`) for the sample case of
`paychase.messages._samples` — a business client owing invoice 2026/01/7 (2460.00, 460.00 paid
on 10 February 2026, interest first) and 2026/01/8 (615.00), both due on 26 January 2026 —
altered where a test needs it, in every language the item affects.
"""

# ruff: noqa: RUF001 - Cyrillic and Greek text is what these tests are about

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from paychase import Action, Case, InvalidCaseError
from paychase.evidence._html import evidence_html
from paychase.evidence._pack import evidence_pack
from paychase.messages._context import build_context, reference
from paychase.messages._formatting import Money
from paychase.messages._message import Message
from paychase.messages._render import Renderer
from paychase.messages._samples import (
    Sample,
    _amounts,
    _case_data,
    _moment,
    readdressed,
    sample_case,
    samples,
)
from paychase.messages._sms import sms_length
from paychase.planner._statement import statement
from paychase.policy._builtin import BUILTIN_POLICIES
from paychase.policy._policy import ActionKind, Channel, Tone

LANGUAGES = ("en", "pl", "ru", "el", "de")
LATE = date(2026, 3, 10)
RENDERER = Renderer()


class Host:
    """Host templates held in memory, `{(locale, name): text}`, to call one macro directly."""

    def __init__(self, texts: dict[tuple[str, str], str]) -> None:
        self.texts = texts

    def source(self, name: str, locale: str, /) -> str | None:
        return self.texts.get((locale, name))


def action(
    case: Case,
    *,
    kind: ActionKind = "send_reminder",
    tone: Tone = "firm",
    template: str = "generic/send_reminder",
    channel: Channel = "email",
    invoices: Iterable[str] = ("i1", "i2"),
    day: date = LATE,
    deadline: int | None = 7,
) -> Action:
    """An action of the sample client's, as the planner would give it on `day`."""
    at = _moment(case, day, 10)
    covered = tuple(invoices)
    return Action(
        key=f"k1/{'+'.join(covered)}/{kind}/1",
        kind=kind,
        client="client",
        invoices=covered,
        step="test",
        tone=tone,
        channel=channel,
        at=at,
        template=template,
        amounts=_amounts(case, at, covered),
        deadline=at.date() + timedelta(days=deadline) if deadline is not None else None,
        reason="test",
    )


def flat(text: str) -> str:
    """`text` with its reflowed lines joined and no-break spaces as plain ones."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def render(case: Case, planned: Action) -> Message:
    return RENDERER.render(case, planned)


def letter(case: Case, tone: Tone) -> Message:
    return render(
        case,
        action(
            case, kind="send_letter", tone=tone, template="generic/send_letter", channel="letter"
        ),
    )


def interest_case(language: str) -> Case:
    """The sample case, where interest runs: the Russian one under German law.

    The packaged RU rate table stops in 2025 (the review's note), so a Russian client's 2026
    debt carries no interest to show; German law (interest first, BGB § 367) gives the
    Russian texts the same computation lines as the others.
    """
    data = _case_data("freelancer", language)
    if language == "ru":
        data["contracts"][0]["jurisdiction"] = "DE"
    return Case.model_validate(data)


# -- X9: a letter that claims no charges states one total ------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_letter_claiming_no_charges_prints_no_charges_block(language: str) -> None:
    case = interest_case(language)
    firm, final = letter(case, "firm"), letter(case, "final")
    amounts = _amounts(case, _moment(case, LATE, 10), ("i1", "i2"))
    assert amounts.interest
    assert amounts.compensation
    principal, total, interest = (
        str(Money(value, amounts.currency, firm.locale))
        for value in (amounts.principal, amounts.total, amounts.interest)
    )
    # The final letter claims the charges: the breakdown and its total are there.
    assert total in final.text
    assert total in final.html
    assert interest in final.text
    # The firm one asks for the principal and states neither the charges nor their total.
    assert principal in firm.text
    for part in (firm.text, firm.html):
        assert total not in part
        assert interest not in part


# -- X5: every rate carries its unit ---------------------------------------------------------

UNITS = {
    "en": ("a year", "a month", "a day"),
    "pl": ("w stosunku rocznym", "miesięcznie", "dziennie"),
    "ru": ("годовых", "в месяц", "в день"),
    "el": ("ετησίως", "μηνιαίως", "ημερησίως"),
    "de": ("p. a.", "pro Monat", "pro Tag"),
}

# A message that prints, for each computation line, its rate, then what `rate_unit` adds.
_UNIT_PROBE = (
    '{% import "_strings" as s with context %}{% if part == "subject" %}probe{% else %}'
    "{% for charge in charges %}{% for line in charge.lines %}"
    "[{{ line.rate }}|{{ s.rate_unit(line) }}|{{ s.settled_note(line) }}]"
    "{% endfor %}{% endfor %}{% endif %}"
)


def probe(language: str, case: Case, planned: Action) -> list[list[str]]:
    """Each computation line as [rate, unit, settled note], rendered by `language`'s macros."""
    host = Host({(language, "probe/units"): _UNIT_PROBE})
    probed = action_with_template(planned, "probe/units")
    text = Renderer(templates=[host]).render(case, probed).text
    return [item.split("|") for item in text.strip().strip("[]").split("][")]


def action_with_template(planned: Action, template: str) -> Action:
    return planned.model_copy(update={"template": template})


@pytest.mark.parametrize("language", LANGUAGES)
def test_statutory_interest_lines_are_a_year(language: str) -> None:
    case = interest_case(language)
    lines = probe(language, case, action(case, tone="final"))
    assert len(lines) == 3
    assert {unit.strip() for _, unit, _ in lines} == {UNITS[language][0]}
    assert all(unit.startswith(" ") for _, unit, _ in lines)  # it follows the rate


@pytest.mark.parametrize(("kind", "per"), [("percent_per_month", 1), ("daily_rate", 2)])
@pytest.mark.parametrize("language", LANGUAGES)
def test_contractual_fee_lines_carry_a_month_or_a_day(language: str, kind: str, per: int) -> None:
    data = _case_data("freelancer", language)
    data["contracts"][0]["late_fee"] = {"kind": kind, "rate": "1.5" if per == 1 else "0.1"}
    data["contracts"][0]["grace"] = "0d"
    data["history"] = [fee_booked(data, date(2026, 2, 2))]
    case = Case.model_validate(data)
    lines = probe(language, case, action(case, tone="firm"))
    assert lines
    assert {unit.strip() for _, unit, _ in lines} == {UNITS[language][per]}


def fee_booked(data: dict[str, Any], day: date) -> dict[str, Any]:
    """The history event of a step that applied the late fee to both invoices on `day`."""
    return {
        "at": _moment(Case.model_validate(data), day, 10).isoformat(),
        "client": "client",
        "invoices": ["i1", "i2"],
        "direction": "out",
        "kind": "fee",
        "channel": "system",
    }


def test_a_one_off_percentage_has_no_time_unit() -> None:
    data = _case_data("freelancer", "en")
    data["contracts"][0]["late_fee"] = {"kind": "percent", "rate": "5"}
    data["contracts"][0]["grace"] = "0d"
    data["history"] = [fee_booked(data, date(2026, 2, 2))]
    case = Case.model_validate(data)
    lines = probe("en", case, action(case, tone="firm"))
    assert lines
    assert all(not unit for _, unit, _ in lines)
    text = render(case, action(case, tone="firm")).text
    assert "5% on " in text
    assert "5% a" not in text


def test_english_charge_lines_say_a_year() -> None:
    case = sample_case("freelancer", "en")
    text = letter(case, "final").text
    assert "11.75% a year on £2,460.00 from 27 January 2026" in text
    assert "% on " not in text


# -- X3: the lines add up to the interest claimed --------------------------------------------

NOTES = {
    "en": " (settled from the payment of 10 February 2026)",
    "pl": " (rozliczone z wpłaty z 10 lutego 2026 r.)",
    "ru": " (погашено платежом от 10 февраля 2026\u202fг.)",
    "el": " (εξοφλήθηκε με την καταβολή της 10 Φεβρουαρίου 2026)",
    "de": " (mit Zahlung vom 10. Februar 2026 verrechnet)",
}


def test_interest_paid_off_by_a_payment_is_marked_and_the_rest_is_claimed() -> None:
    """The review's case: 460.00 paid on 10 February went to the interest first."""
    case = sample_case("freelancer", "en")
    account = statement(case, "client", now=_moment(case, LATE, 10))
    interest = [c for c in account.charges if c.kind == "interest"]
    first = next(c for c in interest if c.invoice == "i1")
    assert [line.settled_on for line in first.lines] == [date(2026, 2, 10), None]
    assert first.paid == Decimal("11.88")
    assert sum((c.amount for c in interest), Decimal(0)) == Decimal("26.64")
    for charge in interest:  # each charge's interest is rounded once, as the law README says
        unsettled = sum((x.amount for x in charge.lines if x.settled_on is None), Decimal(0))
        settled = sum((x.amount for x in charge.lines if x.settled_on), Decimal(0))
        assert unsettled.quantize(Decimal("0.01")) == charge.amount
        assert settled.quantize(Decimal("0.01")) == charge.paid


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_settled_line_says_so_in_every_language(language: str) -> None:
    case = interest_case(language)
    lines = probe(language, case, action(case, tone="final"))
    assert [note for _, _, note in lines] == [NOTES[language], "", ""]


def test_english_letter_marks_the_settled_line() -> None:
    text = letter(sample_case("freelancer", "en"), "final").text
    assert "(15 days): £11.88 (settled from the payment of 10 February 2026)" in text


def test_a_payment_short_of_the_interest_settles_no_line() -> None:
    data = _case_data("freelancer", "en")
    data["invoices"][0]["payments"] = [{"date": "2026-02-10", "amount": "5.00"}]
    case = Case.model_validate(data)
    account = statement(case, "client", now=_moment(case, LATE, 10))
    first = next(c for c in account.charges if c.invoice == "i1" and c.kind == "interest")
    assert first.paid == Decimal("5.00")
    assert all(line.settled_on is None for line in first.lines)


def test_the_evidence_pack_states_each_rates_period_and_what_was_settled() -> None:
    case = sample_case("freelancer", "en")
    pack = evidence_pack(case, "client", now=_moment(case, LATE, 10))
    page = evidence_html(pack)
    assert "Rate (a year)" in page
    assert "11.75%" in page
    assert "settled 10 Feb 2026" in page
    assert "(£11.88 already paid)" in page


# -- X4: a message that claims no charges explains a balance the payments do not explain -----

ALLOCATION = {
    "en": "Of the £460.00 paid, £11.88 went first to the interest then due, as the law "
    "provides, so £2,626.88 remains unpaid on the invoices.",
    "pl": "Zgodnie z przepisami prawa z wpłaconej kwoty 460,00 zł w pierwszej kolejności "
    "zaliczono 14,15 zł na należne wówczas odsetki, dlatego do zapłaty pozostaje 2 629,15 zł.",
    "ru": "В соответствии с законом из уплаченных 460,00 ₽ в первую очередь 10,38 ₽ зачтено в "
    "погашение начисленных процентов, поэтому к оплате остаётся 2 625,38 ₽.",
    "el": "Από το ποσό των 460,00 € που καταβλήθηκε, ποσό 10,26 € καταλογίστηκε πρώτα, όπως "
    "προβλέπει ο νόμος, στους τόκους που ήδη οφείλονταν· γι’ αυτό το ανεξόφλητο υπόλοιπο "
    "ανέρχεται σε 2.625,26 €.",
    "de": "Von Ihren Zahlungen über 460,00 € wurden nach den gesetzlichen Vorschriften zunächst "
    "10,38 € auf die bis dahin angefallenen Zinsen angerechnet; offen sind daher noch "
    "2.625,38 €.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reminder_claiming_no_charges_explains_the_payment_that_went_to_interest(
    language: str,
) -> None:
    case = interest_case(language)
    planned = action(case, tone="friendly", deadline=None)
    message = render(case, planned)
    assert planned.amounts is not None
    asked = str(Money(planned.amounts.principal, planned.amounts.currency, message.locale))
    # The plan's principal is what the message asks for (SPEC §4), and one line says why it
    # is more than the invoices less the payments.
    assert planned.amounts.principal > planned.amounts.invoiced - planned.amounts.paid
    assert flat(asked) in ALLOCATION[language]
    assert ALLOCATION[language] in flat(message.text)
    assert ALLOCATION[language] in flat(message.html)
    # A letter claiming no charges says it too; one that claims them shows the lines instead.
    assert ALLOCATION[language] in flat(letter(case, "firm").text)
    assert ALLOCATION[language] not in flat(letter(case, "final").text)


def test_no_allocation_line_when_the_payments_paid_principal_only() -> None:
    russian = sample_case("freelancer", "ru")  # principal first, and no 2026 rate anyway
    english = case_paid_in_full_on_time()
    for case in (russian, english):
        text = render(case, action(case, tone="friendly", deadline=None)).text
        assert "зачтено" not in text
        assert "went first" not in text


def case_paid_in_full_on_time() -> Case:
    data = _case_data("freelancer", "en")
    data["invoices"][0]["payments"] = [{"date": "2026-01-20", "amount": "460.00"}]
    return Case.model_validate(data)


# -- X6, X7: any count of invoices, different due dates --------------------------------------


def invoices_case(language: str, count: int, *, spread: bool = False) -> Case:
    """The sample case with `count` unpaid invoices of 100.00; `spread`: due a week apart."""
    data = _case_data("freelancer", language)
    currency = data["contracts"][0]["currency"]
    data["invoices"] = [
        {
            "id": f"i{n}",
            "number": f"2026/01/{n}",
            "contract": "k1",
            "issued": (date(2026, 1, 5) + timedelta(days=7 * n * spread)).isoformat(),
            "total": "100.00",
            "currency": currency,
        }
        for n in range(1, count + 1)
    ]
    return Case.model_validate(data)


def reminder(case: Case, *, channel: Channel = "email", tone: Tone = "neutral") -> Message:
    covered = tuple(i.id for i in case.invoices)
    return render(case, action(case, tone=tone, channel=channel, invoices=covered, deadline=None))


@pytest.mark.parametrize(
    ("count", "phrase"),
    [
        (1, "invoice 2026/01/1 "),
        (2, "invoices 2026/01/1 and 2026/01/2 "),
        (3, "invoices 2026/01/1, 2026/01/2 and 2026/01/3 "),
    ],
)
def test_english_lists_invoices_with_and(count: int, phrase: str) -> None:
    message = reminder(invoices_case("en", count))
    assert phrase in flat(message.text)
    assert phrase.strip() in message.subject


@pytest.mark.parametrize("count", [5, 21])
def test_english_names_many_invoices_by_count(count: int) -> None:
    case = invoices_case("en", count)
    message = reminder(case)
    assert f"{count} invoices (listed below)" in flat(message.text)
    assert "quoting the invoice numbers as the reference" in flat(message.text)
    assert f"{count} invoices" in message.subject
    assert "listed below" not in message.subject
    assert len(message.subject) < 120
    assert "2026/01/2," not in flat(message.text).split("- Invoice")[0]  # not one by one
    sms = reminder(case, channel="sms", tone="friendly")
    assert f"{count} invoices (" in sms.text  # "(£…)": the amount, not the pointer
    assert "listed below" not in sms.text


COUNTED = {
    "pl": {1: "1 faktura", 2: "2 faktury", 5: "5 faktur", 21: "21 faktur", 22: "22 faktury"},
    "ru": {1: "1 счёт", 2: "2 счёта", 5: "5 счетов", 21: "21 счёт", 22: "22 счёта"},
    "el": {1: "1 τιμολόγιο", 2: "2 τιμολόγια", 5: "5 τιμολόγια", 21: "21 τιμολόγια"},
    "de": {1: "1 Rechnung", 2: "2 Rechnungen", 5: "5 Rechnungen", 21: "21 Rechnungen"},
    "en": {1: "1 invoice", 2: "2 invoices", 5: "5 invoices", 21: "21 invoices"},
}
POINTERS = {
    "pl": " (zestawienie poniżej)",
    "ru": " (перечень ниже)",
    "el": " (βλ. πίνακα)",
    "de": " (Aufstellung unten)",
    "en": " (listed below)",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_counts_many_invoices_with_its_plural(language: str) -> None:
    case = invoices_case(language, 5)
    template = (
        '{% import "_strings" as s with context %}'
        "{% for n in [1, 2, 5, 21, 22] %}[{{ s.invoices_counted(n) }}]{% endfor %}"
    )
    host = Host({(language, "probe/counted"): template})
    renderer = Renderer(templates=[host])
    planned = action_with_template(
        action(case, invoices=[i.id for i in case.invoices], deadline=None), "probe/counted"
    )
    text = renderer.render(case, planned).text
    for words in COUNTED[language].values():
        assert f"[{words}{POINTERS[language]}]" in text
    sms = planned.model_copy(update={"channel": "sms"})
    assert f"[{COUNTED[language][5]}]" in renderer.render(case, sms).text


def test_the_context_tells_whether_the_invoices_share_a_due_date() -> None:
    spread = invoices_case("en", 3, spread=True)
    planned = action(spread, invoices=("i1", "i2", "i3"), deadline=None)
    context = build_context(spread, planned, "en_GB", audience="client")
    assert context["same_due"] is False
    assert str(context["oldest_due"]) == "26 January 2026"  # issued 12 January, 14 days
    assert str(context["oldest_overdue_days"]) == "43 days"
    assert context["invoice_count"] == 3
    assert context["many_invoices"] is False
    same = invoices_case("en", 4)
    context = build_context(
        same, action(same, invoices=("i1", "i2", "i3", "i4")), "en_GB", audience="client"
    )
    assert context["same_due"] is True
    assert context["many_invoices"] is True


def test_an_english_sms_about_invoices_due_on_different_days_names_the_oldest() -> None:
    case = invoices_case("en", 3, spread=True)
    sms = reminder(case, channel="sms", tone="friendly")
    assert "were due, the oldest on 26 January 2026" in sms.text
    same = reminder(invoices_case("en", 3), channel="sms", tone="friendly")
    assert "were due on 19 January 2026" in same.text


# -- X11, X14: the date line and reference of a letter; foreign currencies by their code ----

DATE_LINES = {
    "en": ["Our reference: {ref}", "10 March 2026"],
    "pl": ["Nasz znak: {ref}", "Warszawa, 10 marca 2026\u00a0r."],
    "ru": ["Исх. №\u00a0{ref} от 10 марта 2026\u202fг."],
    "el": ["Warszawa, 10 Μαρτίου 2026", "Αρ. πρωτ.: {ref}"],  # place and date first
    "de": ["Unser Zeichen: {ref}", "Warszawa, 10. März 2026"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_letter_has_a_reference_and_a_place_and_date_line(language: str) -> None:
    case = sample_case("freelancer", language)
    planned = action(
        case, kind="send_letter", tone="final", template="generic/send_letter", channel="letter"
    )
    message = render(case, planned)
    ref = reference(planned.key)
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}", ref)
    expected = [line.format(ref=ref) for line in DATE_LINES[language]]
    assert "\n".join(expected) in message.text
    assert "<br>\n".join(expected) in message.html
    # Without a city the date stands alone; another action has another reference.
    data = _case_data("freelancer", language)
    del data["sender"]["city"]
    plain = render(Case.model_validate(data), planned)
    assert "Warszawa, 10" not in plain.text
    other = planned.model_copy(update={"key": "k1/i1+i2/send_letter/2"})
    assert reference(other.key) != ref
    assert reference(other.key) in render(case, other).text


def yen_case(language: str) -> Case:
    data = _case_data("freelancer", language)
    data["contracts"][0]["currency"] = "JPY"
    data["exchange_rates"] = [{"date": "2025-12-31", "from": "EUR", "to": "JPY", "rate": "160"}]
    for invoice, total in zip(data["invoices"], ("246000", "1000"), strict=True):
        invoice.update(currency="JPY", total=total, payments=[])
    return Case.model_validate(data)


YEN = {
    "en": "JPY\u00a0246,000",
    "pl": "246\u00a0000\u00a0JPY",
    "ru": "246\u00a0000\u00a0JPY",
    "el": "246.000\u00a0JPY",
    "de": "246.000\u00a0JPY",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_letters_print_a_foreign_currency_by_its_iso_code(language: str) -> None:
    case = yen_case(language)
    for tone in ("firm", "final"):
        text = letter(case, tone).text
        assert YEN[language] in text
        assert "¥" not in text
    # A reminder keeps the locale's own form; so does a letter in the reader's own currency.
    reminded = render(case, action(case, tone="friendly", deadline=None))
    assert str(Money(Decimal("246000"), "JPY", reminded.locale)) in reminded.text
    home = sample_case("freelancer", language)
    firm = letter(home, "firm")
    amounts = _amounts(home, _moment(home, LATE, 10), ("i1", "i2"))
    assert str(Money(amounts.principal, amounts.currency, firm.locale)) in firm.text


def test_the_iso_form_of_an_amount() -> None:
    assert Money(Decimal("246000"), "JPY", "de_DE").iso == "246.000\u00a0JPY"
    assert Money(Decimal("2626.88"), "GBP", "en_GB").iso == "GBP\u00a02,626.88"
    assert str(Money(Decimal("1"), "EUR", "pl_PL", coded=True)) == "1,00\u00a0EUR"


# -- §7: data the texts need, given to the templates -----------------------------------------


def test_the_sender_and_contract_data_reach_the_templates() -> None:
    data = _case_data("freelancer", "pl")
    data["sender"] |= {"voice": "I", "signatory_gender": "female"}
    data["contracts"][0] |= {"number": "12/2026", "signed": "2026-01-05"}
    data["contracts"][0]["deposit"] |= {"refundable": True}
    case = Case.model_validate(data)
    template = (
        '{% if part == "subject" %}probe{% else %}'
        "{{ sender.voice }}|{{ sender.signatory_gender }}|{{ sender.city }}|"
        "{{ contract.number }}|{{ contract.signed }}|{{ terms.deposit.refundable }}{% endif %}"
    )
    renderer = Renderer(templates=[Host({("pl", "probe/data"): template})])
    planned = action_with_template(action(case), "probe/data")
    text = renderer.render(case, planned).text.strip()
    assert text == "I|female|Warszawa|12/2026|5 stycznia 2026|True"
    bare = sample_case("freelancer", "pl")
    text = renderer.render(bare, planned).text.strip()
    assert text == "None|None|Warszawa|None|None|None"


@pytest.mark.parametrize(
    ("field", "value"),
    [("voice", "they"), ("signatory_gender", "f"), ("city", "Warszawa\nBcc: x")],
)
def test_the_new_sender_fields_refuse_what_they_cannot_print(field: str, value: str) -> None:
    data = _case_data("freelancer", "pl")
    data["sender"][field] = value
    with pytest.raises(InvalidCaseError):
        Case.model_validate(data)


# -- §2: the English rows of the shared strings ----------------------------------------------


def test_english_letters_close_as_british_letters_do() -> None:
    company = sample_case("freelancer", "en")
    for tone in ("firm", "final"):
        text = letter(company, tone).text
        assert "Dear Sir or Madam," in text
        assert "Yours faithfully,\nMarta Zielińska" in text
        assert "please disregard this\nletter." in text or "disregard this letter." in text
    data = _case_data("freelancer", "en")
    data["clients"][0]["contacts"] = [
        {
            "name": "Helen Roth",
            "family_name": "Roth",
            "gender": "female",
            "role": "billing",
            "email": "helen@client.example",
            "postal": "14 Calvert Avenue, London E2 7JP",
        }
    ]
    named = letter(Case.model_validate(data), "final").text
    assert "Dear Ms Roth," in named
    assert "Yours sincerely,\n" in named
    consumer = Case.model_validate(
        _case_data("freelancer", "en")
        | {"clients": [_case_data("freelancer", "en")["clients"][0] | {"kind": "consumer"}]}
    )
    assert "Yours sincerely,\n" in letter(consumer, "final").text


def test_english_messages_close_without_thanking_twice() -> None:
    case = sample_case("freelancer", "en")
    friendly = render(case, action(case, tone="friendly", deadline=None)).text
    assert "\nBest wishes,\n" in friendly
    assert "Thank you and best wishes" not in friendly
    assert "disregard this message." in flat(friendly)
    neutral = render(case, action(case, tone="neutral", deadline=None)).text
    assert "\nKind regards,\n" in neutral


def test_english_names_the_fixed_sum_compensation() -> None:
    text = letter(sample_case("freelancer", "en"), "final").text
    assert "Amount due on 10 March 2026, with the charges the law allows:" in text
    assert "added to the unpaid amount" not in text
    assert "- Fixed-sum compensation (recovery costs): £110.00" in text
    assert "Recovery-cost" not in text


# -- X15: the samples of requests and of resumed work ----------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_request_samples_ask_for_their_own_amounts(language: str) -> None:
    asked = {s.label: s for s in samples("freelancer", language) if s.label.startswith("request")}
    expected = {
        "request_deposit:deposit": Decimal("3600.00"),  # 30 % of 12000.00
        "request_deposit:materials": Decimal("1200.00"),  # 10 % of 12000.00
        "request_milestone:design": Decimal("3000.00"),  # the milestone's amount
    }
    for label, amount in expected.items():
        sample = asked[label]
        assert sample.action.amounts is not None
        assert sample.action.amounts.total == amount
        message = RENDERER.render(sample.case, sample.action)
        assert str(Money(amount, sample.action.amounts.currency, message.locale)) in message.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_resumed_work_and_restored_service_samples_follow_a_paid_invoice(language: str) -> None:
    for sample in samples("freelancer", language):
        if sample.action.kind not in ("resume_work", "restore_service"):
            continue
        account = statement(sample.case, "client", now=sample.action.at)
        line = next(line for line in account.lines if line.invoice == "i1")
        # Paid: principal and interest (compensation is a claim of its own, SPEC rule 11).
        assert line.principal + line.interest + line.late_fee == 0
        assert line.state == "paid"
        message = RENDERER.render(sample.case, sample.action)
        assert str(Money(Decimal(0), line.currency, message.locale)) in message.text


def test_a_contractual_fee_paid_off_is_marked_and_the_rest_is_claimed() -> None:
    """A daily fee applied on 2 February, then 460.00 paid on 10 February, fees first."""
    data = _case_data("freelancer", "en")
    data["contracts"][0] |= {"late_fee": {"kind": "daily_rate", "rate": "0.1"}, "grace": "0d"}
    data["history"] = [fee_booked(data, date(2026, 2, 2))]
    case = Case.model_validate(data)
    account = statement(case, "client", now=_moment(case, LATE, 10))
    fee = next(c for c in account.charges if c.invoice == "i1" and c.kind == "late_fee")
    assert [line.settled_on for line in fee.lines] == [date(2026, 2, 10), None]
    assert fee.paid > 0
    unsettled = sum((x.amount for x in fee.lines if x.settled_on is None), Decimal(0))
    assert unsettled.quantize(Decimal("0.01")) == fee.amount
    text = render(case, action(case, tone="firm")).text
    assert "0.1% a day on £2,460.00 from 27 January 2026 to 10 February 2026" in flat(text)
    assert "(settled from the payment of 10 February 2026)" in flat(text)


# -- The matrix: every English sample, 1, 2, 5 and 21 invoices, a business and a consumer ----


def with_invoices(sample: Sample, count: int, kind: str) -> tuple[Case, Action]:
    """`sample` with the client of `kind` owing `count` invoices: the first, then copies of the
    second (615.00, unpaid) numbered 2026/01/2, 2026/01/3, …"""
    data = sample.case.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["clients"][0]["kind"] = kind
    first, second = data["invoices"][:2]
    data["invoices"] = [first] + [
        second | {"id": f"i{n}", "number": f"2026/01/{n}"} for n in range(2, count + 1)
    ]
    kept = {invoice["id"] for invoice in data["invoices"]}
    for event in data.get("history", []):
        event["invoices"] = [i for i in event.get("invoices", []) if i in kept]
    case = Case.model_validate(data)
    ids = tuple(invoice.id for invoice in case.invoices)
    amounts = _amounts(case, sample.action.at, ids) if sample.action.amounts else None
    return case, sample.action.model_copy(update={"invoices": ids, "amounts": amounts})


def english_samples() -> list[Sample]:
    return [
        sample
        for policy in BUILTIN_POLICIES
        for sample in samples(policy, "en")
        # an instalment plan's reminders are about its instalments, not a list of invoices
        if set(sample.action.invoices) == {"i1", "i2"} and not sample.case.instalment_plans
    ]


@pytest.mark.parametrize("kind", ["business", "consumer"])
@pytest.mark.parametrize("count", [1, 2, 5, 21])
def test_english_texts_hold_for_any_count_of_invoices(count: int, kind: str) -> None:
    checked = 0
    for sample in english_samples():
        case, planned = with_invoices(sample, count, kind)
        message = render(case, planned)
        assert len(message.subject) < 120, (sample.label, message.subject)
        if message.channel == "sms":
            assert sms_length(message.text.strip()).segments <= 2, (sample.label, message.text)
        # Every rate of a computation line states its period, and the lines left to pay add
        # up to each charge claimed.
        assert not re.search(r"\d%(?! a (year|month|day)| of )", message.text), sample.label
        account = statement(case, "client", now=planned.at)
        for charge in account.charges:
            if charge.lines and charge.kind in ("interest", "late_fee"):
                left = sum((x.amount for x in charge.lines if x.settled_on is None), Decimal(0))
                assert abs(left - charge.amount) < Decimal("0.01"), (sample.label, charge)
        checked += 1
    assert checked > 30


def test_an_instalment_reminder_explains_no_allocation() -> None:
    """It asks for the instalment, not the invoices' principal: the line would not hold."""
    reminders = [s for s in samples("freelancer", "en") if s.action.instalment is not None]
    assert reminders
    for sample in reminders:
        assert "went first" not in RENDERER.render(sample.case, sample.action).text


# -- A date with a time of day, as each language writes it (call sheets) ---------------------


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "10 March 2026, 10:00"),
        ("pl", "10 marca 2026 r., godz. 10:00"),
        ("ru", "10 марта 2026 г., 10:00"),
        ("el", "10 Μαρτίου 2026, 10:00"),
        ("de", "10. März 2026, 10:00 Uhr"),
    ],
)
def test_a_call_sheet_dates_the_call_as_the_language_does(language: str, written: str) -> None:
    sample = next(s for s in samples("freelancer", language) if s.action.channel == "phone")
    assert written in flat(RENDERER.render(sample.case, sample.action).text)


# -- the gallery's addressees ---------------------------------------------------------------------


def test_a_sample_readdressed_to_a_consumer_asks_what_a_consumer_owes() -> None:
    sample = next(s for s in samples("freelancer", "pl") if s.action.step == "firm")
    sent = readdressed(sample, "pl", "man", "consumer")
    client = sent.case.clients[0]
    assert client.kind == "consumer"
    assert client.name == "Jan Kowalski"
    assert [(p.name, p.gender) for p in client.people] == [("Jan Kowalski", "male")]
    assert sample.action.amounts is not None
    assert sent.action.amounts is not None
    assert sample.action.amounts.compensation > 0  # a business owes the fixed compensation
    assert sent.action.amounts.compensation == 0  # a consumer never does
    lines = Renderer().render(sent.case, sent.action).text.splitlines()
    assert lines[0] == "Szanowny Panie,"


def test_a_sample_readdressed_to_a_company_keeps_its_billing_contact_unnamed() -> None:
    sample = next(s for s in samples("freelancer", "de") if s.action.step == "firm")
    sent = readdressed(sample, "de", "company", "business")
    assert sent.case.clients[0] == sample.case.clients[0]
    assert sent.action == sample.action
