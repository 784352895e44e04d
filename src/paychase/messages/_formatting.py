"""Values as a client reads them: money, dates, rates and spans formatted by babel.

Templates receive these small objects instead of raw numbers, so ``{{ amounts.total }}`` is
``1 183,65 zł`` for a Polish client and ``PLN 1,183.65`` for an English one without the
template knowing either. Every formatter is given its date explicitly: babel's own defaults
read the clock or the process locale, which would make rendering depend on when and where it
runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
    get_territory_currencies,
)
from babel.units import format_unit

from paychase.calendar._durations import Duration

__all__ = [
    "Day",
    "Moment",
    "Money",
    "Rate",
    "Span",
    "days",
    "home_currencies",
    "plural_category",
]


@lru_cache(maxsize=4096)
def _currency_text(amount: Decimal, signed: bool, currency: str, locale: str) -> str:
    """`amount` in `currency` as `locale` writes it; a message prints each sum several times.

    Equal amounts print alike (in the currency's own decimals), so ``1.0`` and ``1.00`` may
    share an entry; `signed` keeps ``-0`` (printed "-0.00") apart from ``0``, which it equals.
    """
    return format_currency(amount, currency, locale=locale)


def plural_category(count: Decimal | int, locale: str) -> str:
    """CLDR's plural category of `count` in `locale`: one, few, many or other (and zero, two).

    >>> plural_category(3, "pl_PL"), plural_category(5, "pl_PL"), plural_category(22, "ru_RU")
    ('few', 'many', 'few')
    """
    return _plural_of(str(count), locale)


@lru_cache(maxsize=4096)
def _plural_of(count: str, locale: str) -> str:
    """`plural_category` of the number written `count`: as written, since "1.0" is not "1"."""
    return str(Locale.parse(locale).plural_form(Decimal(count)))


@lru_cache(maxsize=4096)
def _date_text(value: date, form: str, locale: str) -> str:
    """`value` in babel's `form` for `locale`; a message prints each of its dates several times."""
    return format_date(value, form, locale=locale)


@dataclass(frozen=True, slots=True)
class Money:
    """A sum in a currency, printed with the locale's symbol, separators and decimals.

    `coded`: printed with the ISO 4217 code instead (`iso`), as letters and legal texts print
    a currency other than the reader's own: "¥" is the yen to one reader and the yuan to the
    next, "246 000 JPY" is not.
    """

    amount: Decimal
    currency: str
    locale: str
    coded: bool = False

    def __str__(self) -> str:
        if self.coded:
            return self.iso
        return _currency_text(self.amount, self.amount.is_signed(), self.currency, self.locale)

    @property
    def iso(self) -> str:
        r"""The amount with the ISO code, where the locale puts its symbol: ``246 000 JPY``.

        >>> Money(Decimal("246000"), "JPY", "pl_PL").iso, Money(Decimal("2.5"), "EUR", "en").iso
        ('246\xa0000\xa0JPY', 'EUR\xa02.50')
        """
        pattern = Locale.parse(self.locale).currency_formats["standard"].pattern
        pattern = pattern.replace("¤", "¤¤")
        # A symbol may touch the digits ("£1.00"); a code never does ("GBP 1.00").
        pattern = re.sub(r"¤¤(?=[#0])", "¤¤\u00a0", pattern)
        pattern = re.sub(r"(?<=[#0])¤¤", "\u00a0¤¤", pattern)
        return format_currency(self.amount, self.currency, locale=self.locale, format=pattern)

    def __bool__(self) -> bool:
        return self.amount != 0

    @property
    def number(self) -> str:
        """The amount without the currency, e.g. ``1 183,65``."""
        digits = get_currency_precision(self.currency)
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(self.amount, format=pattern, locale=self.locale)


def home_currencies(locale: str, on: date) -> tuple[str, ...]:
    """The currencies in use in the locale's country on `on`; none for a bare language.

    >>> home_currencies("pl_PL", date(2026, 3, 10)), home_currencies("en", date(2026, 3, 10))
    (('PLN',), ())
    """
    territory = Locale.parse(locale).territory
    return tuple(get_territory_currencies(territory, on)) if territory else ()


@dataclass(frozen=True, slots=True)
class Day:
    """A calendar date: ``str()`` is the long form a letter uses (``10 marca 2026``)."""

    value: date
    locale: str

    def __str__(self) -> str:
        return _date_text(self.value, "long", self.locale)

    @property
    def short(self) -> str:
        """Numeric form for tables, e.g. ``10.03.2026``."""
        return _date_text(self.value, "short", self.locale)

    @property
    def medium(self) -> str:
        """Abbreviated form, e.g. ``10 mar 2026``."""
        return _date_text(self.value, "medium", self.locale)

    @property
    def weekday(self) -> str:
        """The day of the week, e.g. ``wtorek``."""
        return _date_text(self.value, "EEEE", self.locale)

    @property
    def iso(self) -> str:
        """``2026-03-10``: for references and machine-readable parts."""
        return self.value.isoformat()


# How each language writes a date with a time of day, as in a call sheet's heading.
_MOMENTS = {
    "pl": "{day} r., godz. {time}",
    "de": "{day}, {time} Uhr",
}
# Languages whose short time babel writes on a 12-hour clock ("10:00 π.μ.") but whose
# business letters use 24 hours.
_TWENTY_FOUR_HOURS = frozenset({"el"})


@dataclass(frozen=True, slots=True)
class Moment:
    """A local date and time: ``str()`` is the date with the time of day, as written.

    ``10 marca 2026 r., godz. 10:00`` in Polish, ``10. März 2026, 10:00 Uhr`` in German.
    """

    value: datetime
    locale: str

    def __str__(self) -> str:
        pattern = _MOMENTS.get(self.locale[:2], "{day}, {time}")
        return pattern.format(day=self.day, time=self.time)

    @property
    def day(self) -> Day:
        """The local calendar date."""
        return Day(self.value.date(), self.locale)

    @property
    def time(self) -> str:
        """Hours and minutes in the locale's style, e.g. ``12:00`` or ``12:00 PM``."""
        if self.locale[:2] in _TWENTY_FOUR_HOURS:
            return format_time(self.value.timetz(), "HH:mm", locale=self.locale)
        return format_time(self.value.timetz(), "short", locale=self.locale)


@dataclass(frozen=True, slots=True)
class Rate:
    """A percentage such as a fee or interest rate: ``11,5 %`` in Polish, ``11.5%`` in English."""

    percent: Decimal
    locale: str

    def __str__(self) -> str:
        return format_percent(self.percent / 100, locale=self.locale, decimal_quantization=False)


# CLDR has no "business day" unit; these are the plural forms by CLDR category, for the
# languages paychase ships texts in. Others read as days plus the English qualifier.
_BUSINESS_DAYS = {
    "en": {"one": "business day", "other": "business days"},
    "pl": {
        "one": "dzień roboczy",
        "few": "dni robocze",
        "many": "dni roboczych",
        "other": "dnia roboczego",
    },
    "ru": {
        "one": "рабочий день",
        "few": "рабочих дня",
        "many": "рабочих дней",
        "other": "рабочего дня",
    },
    "el": {"one": "εργάσιμη ημέρα", "other": "εργάσιμες ημέρες"},
    "de": {"one": "Werktag", "other": "Werktage"},
}

_UNITS = {"d": "duration-day", "w": "duration-week", "h": "duration-hour"}


@dataclass(frozen=True, slots=True)
class Span:
    """A length of time from the contract (``14d``, ``5bd``, ``2w``), plural-correct in words.

    >>> str(Span(Duration.parse("5d"), "pl_PL")), str(Span(Duration.parse("22d"), "ru_RU"))
    ('5 dni', '22 дня')
    >>> str(Span(Duration.parse("2bd"), "de_DE"))
    '2 Werktage'
    """

    duration: Duration
    locale: str

    def __str__(self) -> str:
        count = abs(self.duration.count)
        if self.duration.unit != "bd":
            return format_unit(count, _UNITS[self.duration.unit], length="long", locale=self.locale)
        forms = _BUSINESS_DAYS.get(Locale.parse(self.locale).language, _BUSINESS_DAYS["en"])
        word = forms.get(plural_category(count, self.locale), forms["other"])
        return f"{format_decimal(count, locale=self.locale)} {word}"

    @property
    def count(self) -> int:
        """The number of units, without sign."""
        return abs(self.duration.count)

    @property
    def unit(self) -> str:
        """``d``, ``bd``, ``w`` or ``h``."""
        return self.duration.unit


def days(count: int, locale: str) -> Span:
    """`count` calendar days as a `Span` (``1 ημέρα``, ``3 ημέρες``)."""
    return Span(Duration(count, "d"), locale)
