"""The field types every record of a case shares: ids, dates, moments, countries, amounts.

Each one checks its value when a record is built, so a wrong value is refused naming its field.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from pydantic import AfterValidator, AwareDatetime, Field, WithJsonSchema

from paychase._text import check_unicode
from paychase.calendar._durations import Duration
from paychase.calendar._local_time import zone
from paychase.calendar._working_days import NOT_A_COUNTRY, is_country
from paychase.case._money import Amount
from paychase.policy._builtin import resolve_policy

__all__ = [
    "EARLIEST",
    "LATEST",
    "MAX_AMOUNT",
    "MAX_EXCHANGE_RATE",
    "MAX_PERCENT",
    "MIN_EXCHANGE_RATE",
    "CaseDate",
    "CountryCode",
    "DiscountPercent",
    "ExchangeRateValue",
    "ForwardDuration",
    "Identifier",
    "LocaleName",
    "Moment",
    "NonNegativeAmount",
    "NonNegativePercent",
    "Percent",
    "PolicyVersion",
    "PositiveAmount",
    "TimeZoneName",
]

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
Identifier = Annotated[
    str,
    Field(pattern=_ID, max_length=128, description="Letters, digits and _ . : - (no '/' or '+')"),
]

PolicyVersion = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.-]+@[1-9][0-9]*$",
        max_length=80,
        description="A policy and its version, e.g. freelancer@2",
    ),
]


# Bounds on the numbers of a case, so that whatever paychase computes from them fits the
# amounts of its outputs (below 10^24): a contractual fee stops at 10^18 (`MAX_FEE`: only one
# that compounds for decades gets there), interest at the statutory rates over the three
# centuries between the earliest and the latest date stays far below it, and so does any sum
# of a million invoices' charges.
MAX_AMOUNT = Decimal(10) ** 12
"""Every amount of a case is less than a trillion (10^12) units of its currency."""
MAX_PERCENT = Decimal(1000)
"""A percentage is at most 1000: a contract may ask a deposit or a kill fee above the value."""
MIN_EXCHANGE_RATE, MAX_EXCHANGE_RATE = Decimal("1e-9"), Decimal("1e9")
"""An exchange rate is at least 10^-9 and less than 10^9, whichever way round it is used."""


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("negative amount: must be zero or more")
    return value


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("must be more than zero")
    return value


def _below_max_amount(value: Decimal) -> Decimal:
    if value >= MAX_AMOUNT:
        raise ValueError(f"an amount must be less than {MAX_AMOUNT:,} (10^12)")
    return value


def _percentage(value: Decimal) -> Decimal:
    if value > MAX_PERCENT:
        raise ValueError(f"a percentage must be at most {MAX_PERCENT}")
    return value


def _whole_at_most(value: Decimal) -> Decimal:
    if value > 100:
        raise ValueError("a discount must be at most 100 %")
    return value


def _plausible_rate(value: Decimal) -> Decimal:
    if not MIN_EXCHANGE_RATE <= value < MAX_EXCHANGE_RATE:
        raise ValueError("an exchange rate must be at least 0.000000001 and less than 10^9")
    return value


def _number_schema(largest: int, description: str, example: str) -> WithJsonSchema:
    """The JSON Schema of a non-negative decimal below `largest` + 1, as text or an integer."""
    return WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "string",
                    "pattern": rf"^\d{{1,{len(str(largest))}}}(\.\d+)?$",
                    "description": description,
                },
                {"type": "integer", "minimum": 0, "maximum": largest},
            ],
            "examples": [example],
        }
    )


def _forward(value: Duration) -> Duration:
    if value.is_negative:
        raise ValueError("must not be negative")
    return value


_AMOUNT = _number_schema(10**12 - 1, "A decimal amount, less than 10^12 (a trillion)", "1200.00")
_PERCENT = _number_schema(1000, "A percentage, at most 1000", "2.5")

NonNegativeAmount = Annotated[
    Amount, AfterValidator(_non_negative), AfterValidator(_below_max_amount), _AMOUNT
]
PositiveAmount = Annotated[
    Amount, AfterValidator(_positive), AfterValidator(_below_max_amount), _AMOUNT
]
NonNegativePercent = Annotated[
    Amount, AfterValidator(_non_negative), AfterValidator(_percentage), _PERCENT
]
Percent = Annotated[Amount, AfterValidator(_positive), AfterValidator(_percentage), _PERCENT]
DiscountPercent = Annotated[
    Amount,
    AfterValidator(_positive),
    AfterValidator(_whole_at_most),
    _number_schema(100, "A percentage, at most 100", "2"),
]
ExchangeRateValue = Annotated[
    Amount,
    AfterValidator(_positive),
    AfterValidator(_plausible_rate),
    _number_schema(10**9 - 1, "An exchange rate, at least 10^-9 and less than 10^9", "4.2497"),
]
ForwardDuration = Annotated[Duration, AfterValidator(_forward)]


def _country(value: str) -> str:
    if not is_country(value):
        raise ValueError(NOT_A_COUNTRY)
    return value


@lru_cache(maxsize=1024)
def _known_locale(value: str) -> bool:
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def _locale(value: str) -> str:
    if not _known_locale(value):
        raise ValueError("not a locale babel knows (e.g. en, pl_PL, de_DE)")
    return value


LocaleName = Annotated[
    str, Field(max_length=64), AfterValidator(check_unicode), AfterValidator(_locale)
]


def _timezone(value: str) -> str:
    try:
        zone(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as 'Europe'
        raise ValueError("not an IANA time zone (e.g. Europe/Warsaw)") from None
    return value


# The longest IANA name has 32 characters; a longer one cannot name a zone (and a name over
# 255 bytes is refused by the file system zoneinfo looks it up in).
TimeZoneName = Annotated[
    str, Field(max_length=64), AfterValidator(check_unicode), AfterValidator(_timezone)
]


# Dates far outside any real invoice's life are typos, and near year 9999 they would make date
# arithmetic overflow instead of failing with a clear message.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


def _plausible_date(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"a date between {EARLIEST} and {LATEST}")
    return value


def _plausible_moment(value: datetime) -> datetime:
    _plausible_date(value.date())
    return value


CaseDate = Annotated[date, AfterValidator(_plausible_date)]
Moment = Annotated[AwareDatetime, AfterValidator(_plausible_moment)]
CountryCode = Annotated[str, AfterValidator(_country)]


def _policy_by_name(value: Any) -> Any:
    return resolve_policy(value) if isinstance(value, str) else value
