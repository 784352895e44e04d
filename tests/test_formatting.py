"""Money, dates, rates and spans as a reader sees them (paychase.messages._formatting).

Expected strings are written out by hand from CLDR as babel ships it: the separators are
no-break spaces (U+00A0) where the locale uses them, and Russian dates end in a narrow no-break
space (U+202F) before ``г.``. Plural forms are checked against babel's plural rules over a wide
range of counts and, for Polish and Russian, against the textbook rules written out here.
"""

# ruff: noqa: RUF001, RUF002 - Cyrillic and Greek text is what these tests are about

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.units import format_unit
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import DictLoader, Template, TemplateError

from paychase import Duration
from paychase.messages._formatting import Day, Moment, Money, Rate, Span, days, plural_category
from paychase.messages._render import _environment

NBSP = "\u00a0"
NNBSP = "\u202f"

LANGUAGES = ("en", "pl", "ru", "el", "de")
LOCALES = ("en", "en_GB", "en_US", "pl", "pl_PL", "ru", "ru_RU", "el", "el_GR", "de", "de_DE")
# Counts of days a contract or a deadline can name, and far beyond: the rules repeat every 100.
COUNTS = st.integers(min_value=0, max_value=10**6)


# -- money --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("1183.65", "PLN", "pl_PL", f"1{NBSP}183,65{NBSP}zł"),
        ("11183.65", "PLN", "pl_PL", f"11{NBSP}183,65{NBSP}zł"),
        ("1234567.5", "EUR", "pl_PL", f"1{NBSP}234{NBSP}567,50{NBSP}€"),
        ("1183.65", "PLN", "en", "PLN1,183.65"),
        ("1183.65", "GBP", "en_GB", "£1,183.65"),
        ("1183.65", "USD", "en_US", "$1,183.65"),
        ("1234567.5", "EUR", "en", "€1,234,567.50"),
        ("1183.65", "RUB", "ru_RU", f"1{NBSP}183,65{NBSP}₽"),
        ("1183.65", "EUR", "ru_RU", f"1{NBSP}183,65{NBSP}€"),
        ("1183.65", "EUR", "el_GR", f"1.183,65{NBSP}€"),
        ("1234567.5", "EUR", "de_DE", f"1.234.567,50{NBSP}€"),
        ("1183.65", "PLN", "de_DE", f"1.183,65{NBSP}PLN"),
        ("0", "EUR", "de_DE", f"0,00{NBSP}€"),
        ("-5.5", "EUR", "en", "-€5.50"),
        ("-5.5", "EUR", "pl_PL", f"-5,50{NBSP}€"),
    ],
)
def test_money_in_each_language(amount: str, currency: str, locale: str, expected: str) -> None:
    assert str(Money(Decimal(amount), currency, locale)) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected", "number"),
    [
        # JPY has no minor unit: no decimals, and a fraction is rounded away, never printed.
        ("1500", "JPY", "en", "¥1,500", "1,500"),
        ("1500.4", "JPY", "en", "¥1,500", "1,500"),
        ("1500", "JPY", "en_GB", "JP¥1,500", "1,500"),
        ("1500", "JPY", "de_DE", f"1.500{NBSP}¥", "1.500"),
        ("1500", "JPY", "pl_PL", f"1{NBSP}500{NBSP}JPY", f"1{NBSP}500"),
        ("1500", "JPY", "el_GR", f"1.500{NBSP}JP¥", "1.500"),
        # KWD has three decimals (fils): 5 dinars are 5.000, never 5.00.
        ("1234.567", "KWD", "en", "KWD1,234.567", "1,234.567"),
        ("1234.567", "KWD", "de_DE", f"1.234,567{NBSP}KWD", "1.234,567"),
        ("1234.567", "KWD", "ru_RU", f"1{NBSP}234,567{NBSP}KWD", f"1{NBSP}234,567"),
        ("5", "KWD", "en", "KWD5.000", "5.000"),
        ("5", "KWD", "pl_PL", f"5,000{NBSP}KWD", "5,000"),
        # Two decimals, shown even when they are zero.
        ("1183.6", "PLN", "pl_PL", f"1{NBSP}183,60{NBSP}zł", f"1{NBSP}183,60"),
        ("7", "EUR", "el_GR", f"7,00{NBSP}€", "7,00"),
    ],
)
def test_money_minor_units(
    amount: str, currency: str, locale: str, expected: str, number: str
) -> None:
    money = Money(Decimal(amount), currency, locale)
    assert str(money) == expected
    assert money.number == number


def test_money_is_false_only_when_zero() -> None:
    # Templates write {% if amounts.late_fee %}: a zero charge must not print a line.
    assert not Money(Decimal("0.00"), "EUR", "en")
    assert Money(Decimal("0.01"), "EUR", "en")
    assert Money(Decimal("-1"), "EUR", "en")


# -- dates, moments, rates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "long", "short", "medium", "weekday"),
    [
        ("en_GB", "10 March 2026", "10/03/2026", "10 Mar 2026", "Tuesday"),
        ("en_US", "March 10, 2026", "3/10/26", "Mar 10, 2026", "Tuesday"),
        ("pl_PL", "10 marca 2026", "10.03.2026", "10 mar 2026", "wtorek"),
        ("ru_RU", f"10 марта 2026{NNBSP}г.", "10.03.2026", f"10 мар. 2026{NNBSP}г.", "вторник"),
        ("el_GR", "10 Μαρτίου 2026", "10/3/26", "10 Μαρ 2026", "Τρίτη"),
        ("de_DE", "10. März 2026", "10.03.26", "10.03.2026", "Dienstag"),
    ],
)
def test_day_in_each_language(
    locale: str, long: str, short: str, medium: str, weekday: str
) -> None:
    day = Day(date(2026, 3, 10), locale)
    assert (str(day), day.short, day.medium, day.weekday) == (long, short, medium, weekday)
    assert day.iso == "2026-03-10"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en_GB", "10 March 2026, 14:30"),
        ("en_US", f"March 10, 2026, 2:30{NNBSP}PM"),
        ("pl_PL", "10 marca 2026 r., godz. 14:30"),
        ("ru_RU", f"10 марта 2026{NNBSP}г., 14:30"),
        ("el_GR", "10 Μαρτίου 2026, 14:30"),  # 24 hours, not "2:30 μ.μ."
        ("de_DE", "10. März 2026, 14:30 Uhr"),
    ],
)
def test_moment_is_the_local_date_and_time(locale: str, expected: str) -> None:
    moment = Moment(datetime(2026, 3, 10, 14, 30, tzinfo=ZoneInfo("Europe/Warsaw")), locale)
    assert str(moment) == expected
    assert moment.day == Day(date(2026, 3, 10), locale)


@pytest.mark.parametrize(
    ("percent", "locale", "expected"),
    [
        ("11.5", "en", "11.5%"),
        ("11.5", "pl_PL", "11,5%"),
        ("11.5", "ru_RU", f"11,5{NBSP}%"),
        ("11.5", "el_GR", "11,5%"),
        ("11.5", "de_DE", f"11,5{NBSP}%"),
        ("8", "pl_PL", "8%"),
        # A daily rate keeps its digits: rounding 0.05 % to 0 % would misstate the contract.
        ("0.05", "en", "0.05%"),
        ("0.05", "de_DE", f"0,05{NBSP}%"),
        ("10.25", "pl_PL", "10,25%"),
    ],
)
def test_rate_in_each_language(percent: str, locale: str, expected: str) -> None:
    assert str(Rate(Decimal(percent), locale)) == expected


# -- spans and plural forms ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "counts", "expected"),
    [
        ("pl_PL", (1, 3, 5), "1 dzień / 3 dni / 5 dni"),
        ("pl_PL", (2, 12, 22, 25), "2 dni / 12 dni / 22 dni / 25 dni"),
        ("ru_RU", (1, 3, 5), "1 день / 3 дня / 5 дней"),
        ("ru_RU", (11, 21, 22, 25), "11 дней / 21 день / 22 дня / 25 дней"),
        ("el_GR", (1, 3), "1 ημέρα / 3 ημέρες"),
        ("de_DE", (1, 3), "1 Tag / 3 Tage"),
        ("en_GB", (0, 1, 3), "0 days / 1 day / 3 days"),
    ],
)
def test_days_plural_forms(locale: str, counts: tuple[int, ...], expected: str) -> None:
    assert " / ".join(str(days(n, locale)) for n in counts) == expected


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("2w", "pl_PL", "2 tygodnie"),
        ("5w", "pl_PL", "5 tygodni"),
        ("1h", "ru_RU", "1 час"),
        ("36h", "ru_RU", "36 часов"),
        ("2w", "de_DE", "2 Wochen"),
        ("36h", "el_GR", "36 ώρες"),
        ("14d", "en", "14 days"),
        # An offset back from the due date reads as its length: "3 days", not "-3 days".
        ("-3d", "pl_PL", "3 dni"),
    ],
)
def test_span_units(text: str, locale: str, expected: str) -> None:
    span = Span(Duration.parse(text), locale)
    assert str(span) == expected
    assert span.count == abs(Duration.parse(text).count)


@pytest.mark.parametrize(
    ("locale", "count", "expected"),
    [
        # Polish: one 1; few 2-4, 22-24 (not 12-14); many 0, 5-21, 25-31...
        ("pl_PL", 1, "1 dzień roboczy"),
        ("pl_PL", 2, "2 dni robocze"),
        ("pl_PL", 5, "5 dni roboczych"),
        ("pl_PL", 12, "12 dni roboczych"),
        ("pl_PL", 22, "22 dni robocze"),
        ("pl_PL", 0, "0 dni roboczych"),
        # Russian: one 1, 21, 31 (not 11); few 2-4, 22-24; many 0, 5-20, 25-30...
        ("ru_RU", 1, "1 рабочий день"),
        ("ru_RU", 2, "2 рабочих дня"),
        ("ru_RU", 5, "5 рабочих дней"),
        ("ru_RU", 11, "11 рабочих дней"),
        ("ru_RU", 21, "21 рабочий день"),
        ("ru_RU", 22, "22 рабочих дня"),
        ("el_GR", 1, "1 εργάσιμη ημέρα"),
        ("el_GR", 5, "5 εργάσιμες ημέρες"),
        ("de_DE", 1, "1 Werktag"),
        ("de_DE", 5, "5 Werktage"),
        ("en_GB", 1, "1 business day"),
        ("en_GB", 10, "10 business days"),
        ("pl_PL", 1000, f"1{NBSP}000 dni roboczych"),
    ],
)
def test_business_days(locale: str, count: int, expected: str) -> None:
    assert str(Span(Duration(count, "bd"), locale)) == expected


def _slavic_category(n: int, language: str) -> str:
    """The textbook rule for whole numbers, written independently of CLDR's data."""
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "few"
    if language == "pl":
        return "one" if n == 1 else "many"
    return "one" if n % 10 == 1 and n % 100 != 11 else "many"


@given(n=COUNTS, language=st.sampled_from(["pl", "ru"]))
def test_plural_category_matches_the_textbook_rule(n: int, language: str) -> None:
    assert plural_category(n, f"{language}_{language.upper()}") == _slavic_category(n, language)


def test_a_number_keeps_its_plural_category_as_written_once_remembered() -> None:
    """1 and 1.0 are equal, but CLDR reads the written decimals: "1 invoice", "1.0 invoices"."""
    assert [plural_category(n, "en") for n in (1, Decimal("1.0"), 1, Decimal("1"))] == [
        "one",
        "other",
        "one",
        "one",
    ]
    assert plural_category(Decimal("2.0"), "pl_PL") == "other"
    assert plural_category(2, "pl_PL") == "few"


def test_a_date_is_written_in_each_form_and_locale_once_remembered() -> None:
    day = date(2026, 3, 10)
    first = [(str(Day(day, loc)), Day(day, loc).short) for loc in ("pl_PL", "de_DE")]
    again = [(str(Day(day, loc)), Day(day, loc).short) for loc in ("pl_PL", "de_DE")]
    assert first == again == [("10 marca 2026", "10.03.2026"), ("10. März 2026", "10.03.26")]


@given(n=COUNTS, locale=st.sampled_from(LOCALES))
def test_days_match_cldr_units(n: int, locale: str) -> None:
    assert str(Span(Duration(n, "d"), locale)) == format_unit(
        n, "duration-day", length="long", locale=locale
    )


_BUSINESS_DAY_WORDS = {
    "pl": {"one": "dzień roboczy", "few": "dni robocze", "many": "dni roboczych"},
    "ru": {"one": "рабочий день", "few": "рабочих дня", "many": "рабочих дней"},
}


@given(n=COUNTS, language=st.sampled_from(["pl", "ru"]))
def test_business_days_follow_the_plural_rule(n: int, language: str) -> None:
    text = str(Span(Duration(n, "bd"), language))
    word = _BUSINESS_DAY_WORDS[language][_slavic_category(n, language)]
    assert text.endswith(f" {word}"), text
    assert text.removesuffix(f" {word}").replace(NBSP, "") == str(n)


_PLURAL = "{{ n|plural(zero='zero', one='one', two='two', few='few', many='many', other='other') }}"


def _plural_template(source: str = _PLURAL) -> Template:
    return _environment(DictLoader({"t": source}), html=False).get_template("t")


@given(n=COUNTS, locale=st.sampled_from(LOCALES))
def test_plural_filter_picks_the_cldr_form(n: int, locale: str) -> None:
    rendered = _plural_template().render(n=n, locale=locale)
    assert rendered == Locale.parse(locale).plural_form(n)


@pytest.mark.parametrize(
    ("locale", "n", "expected"),
    [
        ("pl_PL", 1, "faktura"),
        ("pl_PL", 3, "faktury"),
        ("pl_PL", 5, "faktur"),
        ("pl_PL", 22, "faktury"),
        ("ru_RU", 21, "счёт"),
        ("ru_RU", 5, "счетов"),
        ("en", 1, "invoice"),
        ("en", 2, "invoices"),
    ],
)
def test_plural_filter_words(locale: str, n: int, expected: str) -> None:
    forms = {
        "pl_PL": "one='faktura', few='faktury', many='faktur', other='faktury'",
        "ru_RU": "one='счёт', few='счёта', many='счетов', other='счёта'",
        "en": "one='invoice', other='invoices'",
    }[locale]
    template = _plural_template(f"{{{{ n|plural({forms}) }}}}")
    assert template.render(n=n, locale=locale) == expected


def test_plural_filter_falls_back_to_other_and_requires_it() -> None:
    # A template written with English's two forms still renders for a Polish reader.
    two_forms = _plural_template("{{ n|plural(one='a', other='b') }}")
    assert two_forms.render(n=5, locale="pl_PL") == "b"
    assert two_forms.render(n=1, locale="pl_PL") == "a"
    no_other = _plural_template("{{ n|plural(one='a') }}")
    with pytest.raises(TemplateError, match="other"):
        no_other.render(n=1, locale="en")
