"""Texts that hold for any count and any party (issue 17, item 2), over the generated matrix.

`tests/text_matrix.py` renders every built-in template in every language for 1, 2, 5 and 21
invoices, a company, a man, a woman and a person of unknown gender, a business and a consumer,
with charges and without. Every rendered text must:

* agree: the count before "invoice" takes the plural form CLDR gives it, and a person is
  never addressed in the other gender's forms (nor a consumer as a firm);
* fit: a subject under 120 characters, an SMS in at most two segments (GSM-7 or UCS-2);
* be exact: every rate of a computation line has its period, the computation lines left to
  pay add up to each charge claimed, and the amount asked for is the plan's;
* date what it knows: no "yesterday" or "a week ago" where a date can be given;
* never give one due date for all: when the invoices fall due on different days, the first
  invoice's due date and its days overdue are not written as those of every invoice;
* be spelled right: every word passes the language's Hunspell dictionary (or its word list),
  as in `tests/test_spelling.py`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel.numbers import format_decimal, get_currency_precision
from tests.spelling_check import hunspell_available, unknown_words
from tests.text_matrix import Cell, cells, template_ids

from paychase.messages._formatting import Day, days
from paychase.messages._sms import sms_length
from paychase.planner._statement import statement

# The matrix checks the texts, not the code: the renderer's lines are covered by the render,
# golden and message tests. Traced, its ~1 300 renders per language cost a fifth of the suite's
# CI time; untraced, about half of that.
pytestmark = pytest.mark.no_cover

# The invoice word in each language, by CLDR plural category of the number before it.
INVOICE_FORMS: dict[str, dict[str, str]] = {
    "en": {"one": "invoice", "other": "invoices"},
    "pl": {"one": "faktura", "few": "faktury", "many": "faktur", "other": "faktury"},
    "ru": {"one": "счёт", "few": "счёта", "many": "счетов", "other": "счёта"},
    "el": {"one": "τιμολόγιο", "other": "τιμολόγια"},
    "de": {"one": "Rechnung", "other": "Rechnungen"},
}
# A rate written straight before what it is charged on, with no period between.
RATE_WITHOUT_PERIOD = {
    "en": r"\d\s?%\s+on\s",
    "pl": r"\d\s?%\s+od kwoty",
    "ru": r"по ставке [\d,]+\s?%\s+(?:за|на)\s",
    "el": r"\d\s?%\s+επί\s",
    "de": r"\d\s?%\s+auf\s",
}
# Elapsed time written in where the date is known.
ELAPSED = {
    "en": r"\b(yesterday|a week ago|a few days ago|last week|days ago)\b",
    "pl": r"\b(wczoraj|tydzień temu|kilka dni temu|przed kilkoma dniami)\b",
    "ru": r"(?i)\b(вчера|неделю назад|несколько дней назад)\b",
    "el": r"(χθες|πριν από μία εβδομάδα|πριν από λίγες ημέρες)",
    "de": r"\b(gestern|vor einer Woche|vor einigen Tagen)\b",
}
# Forms that address the other gender, or a firm, in each language.
WRONG_ADDRESS: dict[str, dict[str, str]] = {
    "en": {"man": r"\bMs\b|\bMrs\b", "woman": r"\bMr\b"},
    "pl": {
        "man": r"Szanowna Pani\b|\bPani\b",
        "woman": r"Szanowny Panie|\bPan\b|\bPana\b|\bPanu\b",
        "consumer": r"Państw",
    },
    "ru": {"man": r"Уважаемая", "woman": r"Уважаемый"},
    "el": {"man": r"Αξιότιμη κυρία", "woman": r"Αξιότιμε κύριε"},
    "de": {"man": r"Sehr geehrte Frau", "woman": r"Sehr geehrter Herr"},
}
# Words that mark a date or a count of days as the oldest invoice's, not every invoice's.
OLDEST = {
    "en": r"oldest|earliest|up to",
    "pl": r"najstarsz|najwcześniejsz|najdłuższ",
    "ru": r"самого раннего|самому раннему|самый ранний|самой ранней|наибольш|первый срок",
    "el": r"παλαιότερ|μεγαλύτερ|έως",
    "de": r"älteste|bis zu|ab dem|frühest",
}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def flat(text: str) -> str:
    return _SPACES.sub(" ", text)


def plural_category(language: str, count: int) -> str:
    from babel import Locale  # noqa: PLC0415

    return str(Locale.parse(language).plural_form(count))


def agreement_problems(cell: Cell, text: str) -> list[str]:
    forms = INVOICE_FORMS[cell.language]
    words = "|".join(sorted(set(forms.values()), key=len, reverse=True))
    problems = []
    for number, word in re.findall(rf"(?<![\d/.,])(\d+) ({words})\b", text):
        expected = forms.get(plural_category(cell.language, int(number)), forms["other"])
        if word != expected and not _oblique(cell.language, word):
            problems.append(f"'{number} {word}' (expected '{expected}')")
    wrong = WRONG_ADDRESS[cell.language]
    for who in (cell.party, cell.kind):
        if who in wrong and (found := re.search(wrong[who], text)):
            problems.append(f"{found.group()!r} addressing a {who}")
    return problems


def _oblique(language: str, word: str) -> bool:
    """A case form that a preposition may ask for ("z 2 faktur", "по 2 счетам")."""
    return language == "pl" and word == "faktur"


def asked_amounts(cell: Cell) -> set[str]:
    """The plan's amounts as the text may write them: the total, or the principal alone."""
    amounts = cell.action.amounts
    assert amounts is not None
    digits = get_currency_precision(amounts.currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    locale = cell.case.clients[0].locale or "en"
    return {
        flat(format_decimal(value, format=pattern, locale=locale))
        for value in (amounts.total, amounts.principal)
    }


def one_due_date_for_all(cell: Cell, text: str) -> list[str]:
    """Where a text with invoices due on different days gives one due date as all's.

    The first invoice of a staggered cell is the newest, so its due date belongs in a text only
    beside every other invoice's (a list with each one's date; the table writes dates in
    another form), and its days overdue not at all. The oldest invoice's date and days may be
    named, but as the oldest's: a word of `OLDEST` comes shortly before them.
    """
    if not cell.staggered:
        return []
    client = cell.case.clients[0]
    locale = client.locale or "en"
    today = cell.action.at.astimezone(ZoneInfo(client.timezone)).date()
    dues: list[date] = [
        due
        for number in cell.action.invoices
        for invoice in cell.case.invoices
        if invoice.id == number and (due := invoice.due) is not None
    ]
    written = [flat(str(Day(due, locale))) for due in dues]
    if all(date_ in text for date_ in written):
        return []  # each invoice with its own due date
    problems = []
    first, oldest = dues[0], min(dues)
    if written[0] in text:
        problems.append(f"the first invoice's due date {written[0]!r} as the only one")
    if (late := (today - first).days) > 0:
        problems += _unqualified(cell, text, flat(str(days(late, locale))), "first")
    if (late := (today - oldest).days) > 0:
        for phrase in (str(days(late, locale)), str(Day(oldest, locale))):
            problems += _unqualified(cell, text, flat(phrase), "oldest")
    return problems


def _unqualified(cell: Cell, text: str, phrase: str, what: str) -> list[str]:
    """`phrase` written with no word saying it is the oldest invoice's, within 100 characters.

    "(15 days)" is a computation line's own period, not a claim about the invoices.
    """
    return [
        f"the {what} invoice's {phrase!r} as all invoices'"
        for found in re.finditer(rf"(?<![\d.,(]){re.escape(phrase)}", text)
        if what == "first"
        or not re.search(OLDEST[cell.language], text[max(found.start() - 100, 0) : found.start()])
    ]


def cell_problems(cell: Cell) -> list[str]:
    message = cell.message
    text = flat(message.text)
    problems = agreement_problems(cell, f"{message.subject}\n{text}")
    problems += one_due_date_for_all(cell, flat(f"{message.subject}\n{message.text}"))
    if len(message.subject) >= 120:
        problems.append(f"subject of {len(message.subject)} characters")
    if message.channel == "sms" and (size := sms_length(message.text.strip())).segments > 2:
        problems.append(f"SMS of {size.segments} segments ({size.encoding}, {size.units} units)")
    if found := re.search(r"(?<!\.)\.\.(?!\.)|,,|\s[.,;:]", text):
        problems.append(f"stray punctuation {text[max(found.start() - 30, 0) : found.end()]!r}")
    if re.search(RATE_WITHOUT_PERIOD[cell.language], text):
        problems.append("a rate without its period")
    if found := re.search(ELAPSED[cell.language], text):
        problems.append(f"elapsed time {found.group()!r}")
    amounts = cell.action.amounts
    if (
        amounts is not None
        and amounts.total > 0
        and cell.action.kind in ("send_reminder", "send_letter", "call", "suspend_service")
        and not any(asked in text for asked in asked_amounts(cell))
    ):
        problems.append(f"neither {amounts.total} nor {amounts.principal} is asked for")
    if hunspell_available(cell.language):  # test_spelling fails in CI where it is not
        text = f"{message.subject}\n{message.text}"
        if unknown := unknown_words(cell.case, cell.action, text, cell.language):
            problems.append(f"unknown words {sorted(unknown)}")
    return problems


@pytest.mark.parametrize(("language", "index"), template_ids())
def test_every_text_holds_for_any_count_and_party(language: str, index: int) -> None:
    problems = [f"{cell}: {p}" for cell in cells(language, index) for p in cell_problems(cell)]
    assert not problems, "\n".join(problems[:12]) + f"\n({len(problems)} problems)"


@pytest.mark.parametrize("count", [1, 2, 5, 21])
def test_the_computation_lines_add_up_to_each_charge(count: int) -> None:
    """The lines not settled by a payment sum to the charge claimed, in every language."""
    for language, index in template_ids():
        if index:  # one template per language: the lines come from the money engine
            continue
        for cell in cells(language, index):
            if cell.count != count or not cell.charges:
                continue
            account = statement(cell.case, "client", now=cell.action.at)
            for charge in account.charges:
                if charge.lines and charge.kind in ("interest", "late_fee"):
                    left = sum((x.amount for x in charge.lines if x.settled_on is None), Decimal(0))
                    assert abs(left - charge.amount) < Decimal("0.01"), (str(cell), charge)
