"""Balances: billed, paid, disputed and owed, and the `amounts` block of an action.

SPEC §4: `amounts` is in one currency, rounded to its minor unit; `total` is what the client is
asked to pay. Overpayment leaves nothing owed (never a negative debt); payments dated after
the planning date do not count yet.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from paychase import Amounts, Invoice
from paychase.money._balances import Balance, balance_of, paid_in_full_on
from paychase.money._charges import Owed, amounts_of

D = Decimal


def _invoice(total: str, *payments: tuple[str, str], currency: str = "EUR", **more: Any) -> Invoice:
    return Invoice.model_validate(
        {
            "id": "inv-1",
            "contract": "k1",
            "issued": "2026-02-01",
            "due": "2026-02-15",
            "total": total,
            "currency": currency,
            "payments": [{"date": day, "amount": amount} for day, amount in payments],
            **more,
        }
    )


# -- Balance -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("invoiced", "paid", "disputed", "owed", "chased"),
    [
        ("1200.00", "0", "0", "1200.00", "1200.00"),
        ("1200.00", "200.00", "0", "1000.00", "1000.00"),
        ("1200.00", "200.00", "300.00", "1000.00", "700.00"),
        ("1200.00", "1200.00", "0", "0", "0"),
        ("1200.00", "1500.00", "0", "0", "0"),  # overpaid: nothing owed, not -300
        ("1200.00", "200.00", "5000.00", "1000.00", "0"),  # disputes beyond the balance
        ("0", "0", "0", "0", "0"),
    ],
)
def test_balance_owed_and_chased(
    invoiced: str, paid: str, disputed: str, owed: str, chased: str
) -> None:
    balance = Balance(D(invoiced), D(paid), D(disputed))
    assert balance.owed == D(owed)
    assert balance.chased == D(chased)
    assert balance.owed >= 0
    assert balance.chased >= 0


def test_balance_counts_payments_up_to_and_including_the_day() -> None:
    invoice = _invoice("1200.00", ("2026-02-20", "200.00"), ("2026-03-05", "300.00"))
    assert balance_of(invoice, date(2026, 2, 19)).paid == 0
    assert balance_of(invoice, date(2026, 2, 20)).paid == D("200.00")
    assert balance_of(invoice, date(2026, 3, 4)).owed == D("1000.00")
    assert balance_of(invoice, date(2026, 3, 5)).owed == D("700.00")


def test_a_dispute_is_capped_at_what_is_still_owed() -> None:
    invoice = _invoice("1200.00", ("2026-02-20", "1000.00"))
    balance = balance_of(invoice, date(2026, 3, 1), disputed=D("500.00"))
    assert balance.disputed == D("200.00")
    assert balance.chased == 0


def test_an_overpaid_invoice_owes_nothing_and_disputes_nothing() -> None:
    invoice = _invoice("100.00", ("2026-02-10", "150.00"))
    balance = balance_of(invoice, date(2026, 3, 1), disputed=D("20.00"))
    assert (balance.paid, balance.owed, balance.disputed, balance.chased) == (
        D("150.00"),
        0,
        0,
        0,
    )


def test_a_zero_total_invoice_owes_nothing() -> None:
    balance = balance_of(_invoice("0"), date(2026, 3, 1))
    assert (balance.invoiced, balance.paid, balance.owed, balance.chased) == (0, 0, 0, 0)


# -- paid_in_full_on ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "payments", "settled"),
    [
        ("1200.00", [], None),
        ("1200.00", [("2026-02-20", "200.00")], None),
        ("1200.00", [("2026-02-20", "1200.00")], date(2026, 2, 20)),
        ("1200.00", [("2026-02-20", "200.00"), ("2026-03-01", "1000.00")], date(2026, 3, 1)),
        # Out of order in the file: the running total is taken in date order.
        ("1200.00", [("2026-03-01", "1000.00"), ("2026-02-20", "200.00")], date(2026, 3, 1)),
        # Overpaid: settled on the day the total was first covered; later money changes nothing.
        ("1200.00", [("2026-02-20", "1500.00"), ("2026-03-01", "10.00")], date(2026, 2, 20)),
        ("1200.00", [("2026-02-20", "600.00"), ("2026-02-20", "600.00")], date(2026, 2, 20)),
        # Nothing to pay: settled as soon as it exists.
        ("0", [], date(2026, 2, 1)),
        ("0", [("2026-02-05", "10.00")], date(2026, 2, 5)),
    ],
)
def test_paid_in_full_on(total: str, payments: list[tuple[str, str]], settled: date | None) -> None:
    assert paid_in_full_on(_invoice(total, *payments)) == settled


def test_a_one_cent_shortfall_is_not_paid() -> None:
    assert paid_in_full_on(_invoice("1200.00", ("2026-02-20", "1199.99"))) is None


# -- amounts_of --------------------------------------------------------------------------------


def _owed(balance: Balance) -> Owed:
    """What a balance owes with no fee, interest or compensation."""
    zero = D("0")
    return Owed(balance.invoiced, balance.paid, balance.chased, zero, zero, zero)


def test_amounts_add_up_several_invoices() -> None:
    balances = [
        Balance(D("1200.00"), D("200.00"), D("0")),
        Balance(D("300.00"), D("0"), D("100.00")),
    ]
    amounts = amounts_of([_owed(b) for b in balances], "PLN")
    assert amounts == Amounts(
        invoiced=D("1500.00"),
        paid=D("200.00"),
        principal=D("1200.00"),
        late_fee=D("0.00"),
        interest=D("0.00"),
        compensation=D("0.00"),
        total=D("1200.00"),
        currency="PLN",
    )


def test_amounts_total_is_principal_plus_charges() -> None:
    amounts = amounts_of([_owed(Balance(D("99.99"), D("0.99"), D("0")))], "EUR")
    assert amounts.total == (
        amounts.principal + amounts.late_fee + amounts.interest + amounts.compensation
    )


def test_amounts_of_an_overpaid_invoice_ask_for_nothing() -> None:
    amounts = amounts_of([_owed(Balance(D("100.00"), D("150.00"), D("0")))], "EUR")
    assert (amounts.principal, amounts.total, amounts.paid) == (D("0.00"), D("0.00"), D("150.00"))


def test_amounts_of_nothing_are_zero_in_the_currency() -> None:
    amounts = amounts_of([], "KWD")
    assert str(amounts.total) == "0.000"
    assert amounts.currency == "KWD"


@pytest.mark.parametrize(
    ("currency", "invoiced", "paid", "principal"),
    [
        ("EUR", "1200", "200", "1000.00"),
        ("EUR", "0.005", "0", "0.01"),  # half-up, not banker's rounding
        ("EUR", "0.015", "0", "0.02"),
        ("JPY", "120000", "20000", "100000"),
        ("JPY", "1000.5", "0", "1001"),
        ("JPY", "2.5", "0", "3"),
        ("KWD", "1.001", "0", "1.001"),
        ("KWD", "1.0005", "0", "1.001"),
        ("KWD", "10", "2.5", "7.500"),
        ("BHD", "1", "0", "1.000"),
        ("CLP", "1500", "0", "1500"),
    ],
)
def test_amounts_are_rounded_to_the_currencys_minor_unit(
    currency: str, invoiced: str, paid: str, principal: str
) -> None:
    amounts = amounts_of([_owed(Balance(D(invoiced), D(paid), D("0")))], currency)
    assert str(amounts.principal) == principal
    assert str(amounts.total) == principal
    for charge in (amounts.late_fee, amounts.interest, amounts.compensation):
        assert charge == 0
        assert charge.as_tuple().exponent == amounts.principal.as_tuple().exponent


def test_amounts_serialise_as_strings() -> None:
    amounts = amounts_of([_owed(Balance(D("1200"), D("200"), D("0")))], "JPY")
    dumped = amounts.model_dump(mode="json")
    assert dumped["principal"] == "1000"
    assert dumped["late_fee"] == "0"
    assert dumped["currency"] == "JPY"


def test_a_yen_invoice_keeps_whole_yen_from_case_to_amounts() -> None:
    invoice = _invoice("120000", ("2026-02-20", "20000"), currency="JPY")
    amounts = amounts_of([_owed(balance_of(invoice, date(2026, 3, 1)))], "JPY")
    assert str(amounts.principal) == "100000"
    assert str(amounts.paid) == "20000"
