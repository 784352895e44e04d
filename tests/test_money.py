"""Money (``paychase.case._money``): the Amount type, currencies and the one rounding function."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from paychase import InvalidCaseError, round_money
from paychase.case._money import Amount, CurrencyCode, check_precision, minor_unit

AMOUNT: TypeAdapter[Decimal] = TypeAdapter(Amount)
CURRENCY: TypeAdapter[str] = TypeAdapter(CurrencyCode)


# -- the Amount type ---------------------------------------------------------------------------

ACCEPTED = [
    ("1200.00", Decimal("1200.00")),
    ("0.10", Decimal("0.10")),
    (" 12.50 ", Decimal("12.50")),
    ("-5", Decimal("-5")),  # the sign is the model's business (NonNegativeAmount etc.)
    ("1e3", Decimal("1000")),
    (12, Decimal("12")),
    (0, Decimal("0")),
    (Decimal("3.141"), Decimal("3.141")),
]


@pytest.mark.parametrize(("value", "expected"), ACCEPTED)
def test_amount_accepts_strings_integers_and_decimals(value: object, expected: Decimal) -> None:
    parsed = AMOUNT.validate_python(value)
    assert isinstance(parsed, Decimal)
    assert parsed == expected


def test_amount_keeps_the_written_exponent() -> None:
    assert str(AMOUNT.validate_python("1200.00")) == "1200.00"


@pytest.mark.parametrize("value", [0.1, 12.0, 1e3, float("nan")])
def test_amount_rejects_floats(value: float) -> None:
    with pytest.raises(ValidationError, match="not floats"):
        AMOUNT.validate_python(value)


@pytest.mark.parametrize("value", [True, False])
def test_amount_rejects_booleans(value: bool) -> None:
    with pytest.raises(ValidationError, match="not floats"):
        AMOUNT.validate_python(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("twelve", "not a decimal number"),
        ("", "not a decimal number"),
        ("12,50", "not a decimal number"),
        ("NaN", "finite"),
        ("Infinity", "finite"),
        ("-inf", "finite"),
        (Decimal("NaN"), "finite"),
        (None, "not NoneType"),
        ([1], "not list"),
    ],
)
def test_amount_rejects_non_numbers(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AMOUNT.validate_python(value)


def test_amount_rejects_a_json_float() -> None:
    with pytest.raises(ValidationError, match="not floats"):
        AMOUNT.validate_json("12.5")


def test_amount_serialises_to_a_json_string() -> None:
    assert AMOUNT.dump_json(Decimal("1200.00")) == b'"1200.00"'
    assert AMOUNT.dump_python(Decimal("1200.00")) == Decimal("1200.00")


# -- currencies --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["EUR", "PLN", "JPY", "KWD", "GBP", "RUB"])
def test_currency_codes(code: str) -> None:
    assert CURRENCY.validate_python(code) == code


@pytest.mark.parametrize("code", ["eur", "EURO", "ZZZ", "", 978, None])
def test_currency_codes_rejected(code: object) -> None:
    with pytest.raises(ValidationError, match="ISO 4217"):
        CURRENCY.validate_python(code)


@pytest.mark.parametrize(
    ("currency", "unit"),
    [
        ("JPY", "1"),
        ("KRW", "1"),
        ("EUR", "0.01"),
        ("PLN", "0.01"),
        ("GBP", "0.01"),
        ("KWD", "0.001"),
        ("BHD", "0.001"),
        ("TND", "0.001"),
    ],
)
def test_minor_unit(currency: str, unit: str) -> None:
    assert minor_unit(currency) == Decimal(unit)
    assert str(minor_unit(currency)) == unit


# -- rounding ----------------------------------------------------------------------------------

# (value, currency, rounded): half-up to the minor unit; half-up rounds a half away from zero
ROUNDING = [
    # 0 decimals
    ("1000.5", "JPY", "1001"),
    ("1000.49", "JPY", "1000"),
    ("2.5", "JPY", "3"),
    ("-2.5", "JPY", "-3"),
    ("0.4", "JPY", "0"),
    ("1000", "JPY", "1000"),
    # 2 decimals
    ("137.465753", "EUR", "137.47"),
    ("0.125", "EUR", "0.13"),
    ("0.124999", "EUR", "0.12"),
    ("2.675", "EUR", "2.68"),  # a float would give 2.67
    ("-0.125", "EUR", "-0.13"),
    ("1200", "PLN", "1200.00"),
    ("0.005", "PLN", "0.01"),
    ("0.004", "PLN", "0.00"),
    # 3 decimals
    ("1.0005", "KWD", "1.001"),
    ("1.0004", "KWD", "1.000"),
    ("12.34", "KWD", "12.340"),
    ("-1.0005", "KWD", "-1.001"),
]


@pytest.mark.parametrize(("value", "currency", "expected"), ROUNDING)
def test_round_money(value: str, currency: str, expected: str) -> None:
    rounded = round_money(Decimal(value), currency)
    assert str(rounded) == expected


@pytest.mark.parametrize(("value", "currency", "expected"), ROUNDING)
def test_round_money_is_idempotent(value: str, currency: str, expected: str) -> None:
    once = round_money(Decimal(value), currency)
    assert round_money(once, currency) == once


# -- precision checks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency"),
    [
        ("100", "JPY"),
        ("100.000", "JPY"),
        ("12.50", "EUR"),
        ("12.5", "EUR"),
        ("12", "EUR"),
        ("1.001", "KWD"),
        ("1.10", "KWD"),
    ],
)
def test_check_precision_accepts(value: str, currency: str) -> None:
    check_precision(Decimal(value), currency, field="invoices[0].total")


@pytest.mark.parametrize(
    ("value", "currency", "places"),
    [
        ("0.5", "JPY", "0 decimal places"),
        ("1.001", "EUR", "2 decimal places"),
        ("1.0001", "KWD", "3 decimal places"),
    ],
)
def test_check_precision_rejects_naming_the_field(value: str, currency: str, places: str) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        check_precision(Decimal(value), currency, field="invoices[0].total")
    assert caught.value.field == "invoices[0].total"
    assert caught.value.value == value
    assert places in caught.value.problem
    assert isinstance(caught.value, ValueError)


def test_check_precision_on_an_absurdly_long_amount_names_the_field() -> None:
    with pytest.raises(InvalidCaseError) as caught:
        check_precision(Decimal("1" * 30), "EUR", field="invoices[0].total")
    assert caught.value.field == "invoices[0].total"
