"""Money: the `Amount` input type, ISO 4217 currencies and the one rounding function.

Money is `Decimal`, never float: a float cannot hold 0.10 exactly and an invoice must add up to
the cent. Every rounding in paychase goes through `round_money`, half-up to the currency's minor
unit (0 decimals for JPY, 2 for EUR, 3 for KWD, as babel's CLDR data says), which is what the
late-payment calculators in ../shared/law do.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Annotated, Any

from babel.numbers import get_currency_precision, list_currencies
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from paychase.errors import InvalidCaseError

__all__ = ["Amount", "CurrencyCode", "check_precision", "minor_unit", "round_money"]


# Decimal's default context keeps 28 significant digits; leave room for the minor unit (up to 4
# decimals, CLF). The amounts paychase computes are this large at most: a case's own amounts
# are bounded far lower (`paychase.case._types.MAX_AMOUNT`), so its charges and sums fit.
_MAX_DIGITS = 24


def _to_decimal(value: Any) -> Decimal:
    """Accept str, int and Decimal; refuse float and bool, which would hide rounding errors."""
    if isinstance(value, (bool, float)):
        raise ValueError(
            "amounts must be strings or integers, not floats (a float cannot hold money exactly)"
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | str):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValueError(f"not a decimal number: {value!r}") from None
    else:
        raise ValueError(f"an amount must be a decimal string, not {type(value).__name__}")
    if not number.is_finite():
        raise ValueError("an amount must be a finite number")
    if number.adjusted() >= _MAX_DIGITS:
        raise ValueError(f"an amount must have fewer than {_MAX_DIGITS} digits before the point")
    return number


Amount = Annotated[
    Decimal,
    PlainValidator(_to_decimal),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"},
                {"type": "integer"},
            ],
            "examples": ["1200.00", 1200],
        }
    ),
]
"""A decimal amount of money: accepts ``"12.50"``, ``12`` or ``Decimal("12.50")``, never a float."""


@lru_cache(maxsize=1)
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def _currency_code(value: Any) -> str:
    if not isinstance(value, str) or value not in _known_currencies():
        raise ValueError("not an ISO 4217 currency code (e.g. EUR, PLN, JPY)")
    return value


CurrencyCode = Annotated[
    str,
    PlainValidator(_currency_code),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["EUR"]}),
]
"""An ISO 4217 currency code known to CLDR (babel)."""


@lru_cache(maxsize=512)
def minor_unit(currency: str) -> Decimal:
    """The smallest amount of `currency` as a Decimal exponent: ``Decimal("0.01")`` for EUR.

    >>> minor_unit("JPY"), minor_unit("EUR"), minor_unit("KWD")
    (Decimal('1'), Decimal('0.01'), Decimal('0.001'))
    """
    return Decimal(1).scaleb(-get_currency_precision(currency))


def round_money(value: Decimal, currency: str) -> Decimal:
    """Round `value` half-up to the minor unit of `currency`; the only rounding paychase does.

    Examples:
        >>> round_money(Decimal("137.465753"), "EUR")
        Decimal('137.47')
        >>> round_money(Decimal("1000.5"), "JPY")
        Decimal('1001')
    """
    return value.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def check_precision(value: Decimal, currency: str, *, field: str) -> None:
    """Refuse an amount finer than the currency's minor unit (e.g. 0.5 JPY, 1.001 EUR).

    Raises:
        InvalidCaseError: naming `field`.
    """
    try:
        exact = value == round_money(value, currency)
    except InvalidOperation:
        raise InvalidCaseError(
            f"too many digits for an amount (at most {_MAX_DIGITS} before the point)",
            field=field,
            value=str(value),
        ) from None
    if not exact:
        places = get_currency_precision(currency)
        raise InvalidCaseError(
            f"{currency} amounts have {places} decimal place{'s' if places != 1 else ''}",
            field=field,
            value=str(value),
        )
