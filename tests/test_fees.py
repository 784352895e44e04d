"""Contractual late fees: a worked example for every kind of clause, then properties.

Each example's comment is the computation done by hand; the assertions check the engine
reaches the same figures to the minor unit.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from paychase.case._contracts import LateFee
from paychase.case._money import round_money
from paychase.errors import InvalidCaseError
from paychase.money._fees import FeeComputation, _month_start, contractual_fee

from .strategies import amounts, currencies

D = Decimal


def fee(
    terms: LateFee,
    *,
    principal: str = "1000.00",
    currency: str = "PLN",
    fee_from: date = date(2026, 3, 6),
    as_of: date = date(2026, 3, 31),
    applied: tuple[date, ...] = (date(2026, 3, 20),),
    payments: tuple[tuple[date, str], ...] = (),
    **options: Any,
) -> FeeComputation:
    return contractual_fee(
        terms,
        principal=D(principal),
        currency=currency,
        fee_from=fee_from,
        as_of=as_of,
        applied=applied,
        payments=[(day, D(amount)) for day, amount in payments],
        **options,
    )


def totals(result: FeeComputation) -> tuple[Decimal, ...]:
    return (
        result.fee,
        result.fee_paid,
        result.fee_outstanding,
        result.principal_outstanding,
        result.overpaid,
    )


# -- flat ---------------------------------------------------------------------------------


def test_flat_per_invoice_is_booked_once_on_the_first_step() -> None:
    # 40.00 on the first step (20 Mar); the second step (20 Apr) books nothing more.
    terms = LateFee(kind="flat", amount=D("40.00"))
    result = fee(terms, applied=(date(2026, 3, 20), date(2026, 4, 20)), as_of=date(2026, 5, 1))
    assert totals(result) == (D("40.00"), 0, D("40.00"), D("1000.00"), 0)
    assert result.days == 0
    [line] = result.lines
    assert (line.from_, line.to, line.days, line.amount) == (date(2026, 3, 20),) * 2 + (0, 40)
    assert (line.base, line.rate) == (D("1000.00"), None)
    assert line.what == "flat fee applied by the step on 2026-03-20"
    assert result.rule == "contract late fee: a flat 40.00 PLN once per invoice"
    assert result.model_dump(mode="json")["lines"][0]["from"] == "2026-03-20"


def test_flat_per_step_is_booked_at_each_step_up_to_as_of() -> None:
    # Steps on 20 Mar and 20 Apr are before 1 May: 2 x 40.00 = 80.00; the 20 May one is later.
    terms = LateFee(kind="flat", amount=D("40.00"), per="step")
    applied = (date(2026, 3, 20), date(2026, 4, 20), date(2026, 5, 20))
    result = fee(terms, applied=applied, as_of=date(2026, 5, 1))
    assert result.fee == D("80.00")
    assert [line.from_ for line in result.lines] == list(applied[:2])
    assert "at every dunning step" in result.rule


def test_no_fee_before_the_first_step_and_the_rule_says_why() -> None:
    # The clause exists but no step has applied it by 19 Mar: nothing is owed yet.
    result = fee(LateFee(kind="flat", amount=D("40.00")), as_of=date(2026, 3, 19))
    assert totals(result) == (0, 0, 0, D("1000.00"), 0)
    assert result.lines == ()
    assert result.rule.endswith("no dunning step had applied it by 2026-03-19, so none is owed yet")


def test_a_step_inside_the_grace_period_applies_nothing() -> None:
    # fee_from is 6 Mar: the step of 2 Mar was premature; the fee is booked by the 20 Mar one.
    terms = LateFee(kind="flat", amount=D("40.00"), per="step")
    result = fee(terms, applied=(date(2026, 3, 2), date(2026, 3, 20)))
    assert result.fee == D("40.00")
    assert [line.from_ for line in result.lines] == [date(2026, 3, 20)]


# -- percent ------------------------------------------------------------------------------


def test_percent_of_the_principal_unpaid_on_the_first_step() -> None:
    # Paid 100.00 on 10 Mar and 200.00 on the step's own day, 20 Mar: both pay principal only
    # (the step books the fee after the day's payments). 5 % of 700.00 = 35.00, once.
    terms = LateFee(kind="percent", rate=D("5"))
    payments = ((date(2026, 3, 10), "100.00"), (date(2026, 3, 20), "200.00"))
    result = fee(terms, payments=payments, applied=(date(2026, 3, 20), date(2026, 3, 27)))
    assert totals(result) == (D("35.00"), 0, D("35.00"), D("700.00"), 0)
    [line] = result.lines
    assert (line.base, line.rate, line.amount) == (D("700.00"), D("5"), D("35.00"))
    assert line.what == "5 % of the unpaid principal, applied by the step on 2026-03-20"


def test_percent_is_rounded_half_up_to_the_minor_unit() -> None:
    # 2.5 % of 1000.30 = 25.0075 -> 25.01; the line keeps the exact figure.
    result = fee(LateFee(kind="percent", rate=D("2.5")), principal="1000.30")
    assert result.fee == D("25.01")
    assert result.lines[0].amount == D("25.0075")


# -- daily rate ---------------------------------------------------------------------------


def daily(**parameters: Any) -> LateFee:
    return LateFee(kind="daily_rate", rate=D("0.1"), **parameters)


def test_daily_rate_with_a_partial_payment_fees_first() -> None:
    # 0.1 % a day of 1000.00 = 1.00 a day, 6..15 Mar (10 days, the payment day on the old
    # principal) = 10.00. The 500.00 of 15 Mar pays the 10.00 fee, then 490.00 of principal:
    # 510.00 left. 16..25 Mar: 10 days x 0.51 = 5.10. Fee 15.10, of which 10.00 paid.
    result = fee(
        daily(),
        applied=(date(2026, 3, 10),),
        payments=((date(2026, 3, 15), "500.00"),),
        as_of=date(2026, 3, 25),
    )
    assert totals(result) == (D("15.10"), D("10.00"), D("5.10"), D("510.00"), 0)
    assert result.days == 20
    assert [(line.from_, line.to, line.days, line.base, line.amount) for line in result.lines] == [
        (date(2026, 3, 6), date(2026, 3, 15), 10, D("1000.00"), D("10.00")),
        (date(2026, 3, 16), date(2026, 3, 25), 10, D("510.00"), D("5.10")),
    ]
    assert result.lines[0].what == "0.1 % a day"
    assert result.rule == "contract late fee: 0.1 % a day on the unpaid principal from 2026-03-06"


def test_daily_rate_with_a_partial_payment_principal_first() -> None:
    # The same, principal first: the 500.00 pays principal only (500.00 left) and the fee
    # keeps accruing unrounded: 10.00 + 10 days x 0.50 = 15.00, none of it paid.
    result = fee(
        daily(),
        applied=(date(2026, 3, 10),),
        payments=((date(2026, 3, 15), "500.00"),),
        as_of=date(2026, 3, 25),
        allocation="principal_first",
    )
    assert totals(result) == (D("15.00"), 0, D("15.00"), D("500.00"), 0)


def test_daily_fee_accrued_before_the_step_is_owed_once_it_is_applied() -> None:
    # Accrual runs from 6 Mar; the step of 20 Mar makes all of it claimable: 26 days to 31 Mar.
    before = fee(daily(), as_of=date(2026, 3, 19))
    after = fee(daily(), as_of=date(2026, 3, 31))
    assert (before.fee, before.days) == (0, 0)
    assert (after.fee, after.days) == (D("26.00"), 26)


def test_each_rounding_period_is_rounded_once() -> None:
    # 0.05 % of 1005.00 = 0.5025 a day from 1 Mar (step on 1 Mar). Payments of 0.01 on 2..6 Mar
    # each reach the fee (fees first) and close a rounding period:
    #   1-2 Mar 1.005 -> 1.01; 3, 4, 5 and 6 Mar 0.5025 -> 0.50 each: 1.01 + 4 x 0.50 = 3.01,
    # not round(6 x 0.5025 = 3.015) = 3.02. The 0.05 paid leaves 2.96 outstanding.
    terms = LateFee(kind="daily_rate", rate=D("0.05"))
    payments = tuple((date(2026, 3, day), "0.01") for day in range(2, 7))
    arguments: dict[str, Any] = {
        "principal": "1005.00",
        "fee_from": date(2026, 3, 1),
        "applied": (date(2026, 3, 1),),
        "payments": payments,
        "as_of": date(2026, 3, 6),
    }
    result = fee(terms, **arguments)
    assert totals(result) == (D("3.01"), D("0.05"), D("2.96"), D("1005.00"), 0)
    # Without the payments there is one rounding period, rounded at the end: 3.015 -> 3.02.
    assert fee(terms, **{**arguments, "payments": ()}).fee == D("3.02")


# -- percent per month --------------------------------------------------------------------


def monthly(rate: str = "2", **parameters: Any) -> LateFee:
    return LateFee(kind="percent_per_month", rate=D(rate), **parameters)


def test_months_run_between_anniversaries_of_a_31st() -> None:
    # From 31 Jan 2026: month 1 is 31 Jan..27 Feb (31 Jan + 1 month = 28 Feb), 28 days;
    # month 2 is 28 Feb..30 Mar (31 Jan + 2 months = 31 Mar), 31 days.
    # To 15 Mar: 2 % of 1000.00 = 20.00 for month 1, + 20.00 x 16/31 = 10.3225806... -> 30.32.
    arguments: dict[str, Any] = {
        "currency": "EUR",
        "fee_from": date(2026, 1, 31),
        "applied": (date(2026, 2, 10),),
    }
    result = fee(monthly(), as_of=date(2026, 3, 15), **arguments)
    assert (result.fee, result.days) == (D("30.32"), 44)
    assert [(line.from_, line.to, line.days) for line in result.lines] == [
        (date(2026, 1, 31), date(2026, 2, 27), 28),
        (date(2026, 2, 28), date(2026, 3, 15), 16),
    ]
    assert result.lines[1].what == "2 % a month: month 2, 2026-02-28 to 2026-03-30 (31 days)"
    # A whole month is exactly 2 %: to 30 Mar 40.00; 31 Mar opens month 3 (31 Mar..29 Apr,
    # 30 days): + 20.00 / 30 = 0.666... -> 40.67.
    assert fee(monthly(), as_of=date(2026, 3, 30), **arguments).fee == D("40.00")
    assert fee(monthly(), as_of=date(2026, 3, 31), **arguments).fee == D("40.67")


def test_months_over_a_leap_day() -> None:
    # From 30 Jan 2024: month 1 is 30 Jan..28 Feb (30 Jan + 1 month = 29 Feb 2024), 30 days;
    # month 2 starts on the leap day and runs to 29 Mar, 30 days. At 3 %: 30.00 for month 1,
    # + 30.00 x 1/30 on 29 Feb = 31.00.
    jan30 = fee(
        monthly("3"),
        fee_from=date(2024, 1, 30),
        applied=(date(2024, 2, 1),),
        as_of=date(2024, 2, 29),
    )
    assert (jan30.fee, jan30.days) == (D("31.00"), 31)
    assert jan30.lines[1].what == "3 % a month: month 2, 2024-02-29 to 2024-03-29 (30 days)"
    # From 29 Feb 2024: month 1 is 29 Feb..28 Mar (29 days): to 28 Mar exactly 30.00; month 2
    # is 29 Mar..28 Apr (31 days): 29 Mar adds 30.00 / 31 = 0.967... -> 30.97.
    leap = {"fee_from": date(2024, 2, 29), "applied": (date(2024, 3, 1),)}
    assert fee(monthly("3"), as_of=date(2024, 3, 28), **leap).fee == D("30.00")
    assert fee(monthly("3"), as_of=date(2024, 3, 29), **leap).fee == D("30.97")


def test_compound_only_when_the_contract_says_so() -> None:
    # 2 % a month on 1000.00 from 1 Jan 2026, to 31 Mar (three whole months).
    # Simple: 3 x 20.00 = 60.00.
    # Compound: Jan 20.00; on 1 Feb the unpaid 20.00 joins the base: 1020.00 x 2 % = 20.40;
    # on 1 Mar 40.40 joins: 1040.40 x 2 % = 20.808. Total 61.208 -> 61.21.
    arguments: dict[str, Any] = {
        "currency": "EUR",
        "fee_from": date(2026, 1, 1),
        "applied": (date(2026, 1, 15),),
        "as_of": date(2026, 3, 31),
    }
    simple = fee(monthly(), **arguments)
    compound = fee(monthly(compound=True), **arguments)
    assert simple.fee == D("60.00")
    assert compound.fee == D("61.21")
    assert [line.base for line in compound.lines] == [D("1000.00"), D("1020.00"), D("1040.40")]
    assert compound.lines[2].what.endswith("on the principal plus 40.40 unpaid fee")
    assert compound.rule.endswith("from 2026-01-01, compounded monthly")


def test_a_paid_fee_does_not_compound() -> None:
    # As above, but 20.00 paid on 31 Jan pays January's fee (fees first): nothing unpaid joins
    # the base on 1 Feb, so February is 20.00 again; on 1 Mar 20.00 is unpaid: 1020.00 x 2 %
    # = 20.40. Total 60.40, of which 20.00 paid.
    result = fee(
        monthly(compound=True),
        currency="EUR",
        fee_from=date(2026, 1, 1),
        applied=(date(2026, 1, 15),),
        payments=((date(2026, 1, 31), "20.00"),),
        as_of=date(2026, 3, 31),
    )
    assert totals(result) == (D("60.40"), D("20.00"), D("40.40"), D("1000.00"), 0)


# -- caps ---------------------------------------------------------------------------------


def test_cap_by_amount_stops_accrual() -> None:
    # 1.00 a day from 6 Mar reaches the 5.00 cap on 10 Mar (5 days); nothing accrues after.
    result = fee(daily(cap=D("5.00")), applied=(date(2026, 3, 6),))
    assert (result.fee, result.days, result.cap, result.capped) == (D("5.00"), 5, D("5.00"), True)
    assert result.lines[-1].to == date(2026, 3, 10)
    assert result.lines[-1].what == "0.1 % a day, until the cap is reached"
    assert result.rule.endswith("capped at 5.00 PLN; the cap is reached")


def test_cap_by_rate_is_a_share_of_the_principal() -> None:
    # 1 % a day of 1000.00 = 10.00 a day; 10 % of the principal = 100.00 is reached on
    # 15 Mar, the 10th day, and the fee stays 100.00 to 30 Apr.
    terms = LateFee(kind="daily_rate", rate=D("1"), cap_rate=D("10"))
    result = fee(terms, applied=(date(2026, 3, 6),), as_of=date(2026, 4, 30))
    assert (result.fee, result.days, result.capped) == (D("100.00"), 10, True)
    assert "capped at 10 % of the principal (100.00 PLN)" in result.rule


def test_the_lower_cap_wins() -> None:
    # min(150.00, 10 % of 1000.00 = 100.00) = 100.00.
    terms = LateFee(kind="daily_rate", rate=D("1"), cap=D("150.00"), cap_rate=D("10"))
    result = fee(terms, as_of=date(2026, 12, 31))
    assert (result.fee, result.cap) == (D("100.00"), D("100.00"))
    assert "capped at the lower of 150.00 PLN and 10 % of the principal (100.00 PLN)" in result.rule


def test_cap_reached_part_way_through_a_day() -> None:
    # 0.3 % of 1000.00 = 3.00 a day; 10.00 is passed on the 4th day (12.00), so the line runs
    # 4 days and is cut to 10.00.
    result = fee(daily(cap=D("10.00")).model_copy(update={"rate": D("0.3")}))
    assert (result.fee, result.days) == (D("10.00"), 4)
    assert result.lines[-1].amount == D("10.00")


def test_cap_cuts_one_off_fees() -> None:
    # Per step 40.00, cap 100.00: 40.00 + 40.00 + 20.00 (cut) + 0.00.
    terms = LateFee(kind="flat", amount=D("40.00"), per="step", cap=D("100.00"))
    applied = tuple(date(2026, 3, day) for day in (20, 21, 22, 23))
    result = fee(terms, applied=applied)
    assert (result.fee, result.capped) == (D("100.00"), True)
    assert [line.amount for line in result.lines] == [D("40.00"), D("40.00"), D("20.00"), 0]
    assert result.lines[2].what.endswith("(cut to 20.00 by the cap)")
    # 15 % of 1000.00 = 150.00, cut to 10 % = 100.00.
    percent = fee(LateFee(kind="percent", rate=D("15"), cap_rate=D("10")))
    assert (percent.fee, percent.capped) == (D("100.00"), True)


# -- currencies ---------------------------------------------------------------------------


def test_jpy_has_no_minor_unit() -> None:
    # 50 % of 1001 JPY = 500.5 -> 501 (half-up, not half-even's 500).
    result = fee(LateFee(kind="percent", rate=D("50")), principal="1001", currency="JPY")
    assert result.fee == D("501")
    assert str(result.fee) == "501"
    # 0.05 % a day of 123457 JPY = 61.7285 a day; 26 days = 1604.941 -> 1605.
    assert fee(
        daily().model_copy(update={"rate": D("0.05")}), principal="123457", currency="JPY"
    ).fee == D("1605")


def test_kwd_has_three_decimals() -> None:
    # 10 % of 1.225 KWD = 0.1225 -> 0.123 (half-up).
    result = fee(LateFee(kind="percent", rate=D("10")), principal="1.225", currency="KWD")
    assert str(result.fee) == "0.123"
    # 0.1 % a day of 1000.000 KWD: 26 days = 26.000; a 0.005 payment on 21 Mar pays fee first.
    paid = fee(
        daily(), principal="1000.000", currency="KWD", payments=((date(2026, 3, 21), "0.005"),)
    )
    assert totals(paid) == (D("26.000"), D("0.005"), D("25.995"), D("1000.000"), D("0.000"))


# -- payments -----------------------------------------------------------------------------


FLAT = LateFee(kind="flat", amount=D("50.00"))


def test_allocation_fees_first_and_principal_first() -> None:
    # 1020.00 on 25 Mar against 1000.00 principal and a 50.00 fee booked on 20 Mar.
    # Fees first: 50.00 fee, 970.00 principal -> 30.00 principal left.
    # Principal first: 1000.00 principal, 20.00 fee -> 30.00 fee left.
    payments = ((date(2026, 3, 25), "1020.00"),)
    fees_first = fee(FLAT, payments=payments)
    principal_first = fee(FLAT, payments=payments, allocation="principal_first")
    assert totals(fees_first) == (D("50.00"), D("50.00"), 0, D("30.00"), 0)
    assert totals(principal_first) == (D("50.00"), D("20.00"), D("30.00"), 0, 0)


def test_a_payment_before_the_fee_was_applied_pays_principal_only() -> None:
    # 300.00 on 15 Mar, before the step of 20 Mar, pays principal: 700.00 left; the 50.00 fee is
    # then booked in full. The same holds for a payment on the step's own day.
    for day in (date(2026, 3, 15), date(2026, 3, 20)):
        result = fee(FLAT, payments=((day, "300.00"),))
        assert totals(result) == (D("50.00"), 0, D("50.00"), D("700.00"), 0)


def test_overpayment_is_reported_not_refused() -> None:
    # 1100.00 after the fee: 50.00 fee + 1000.00 principal, 50.00 over.
    after = fee(FLAT, payments=((date(2026, 3, 25), "1100.00"),))
    assert totals(after) == (D("50.00"), D("50.00"), 0, 0, D("50.00"))
    # 1100.00 before the fee: 1000.00 principal, 100.00 over; the fee booked later is unpaid.
    before = fee(FLAT, payments=((date(2026, 3, 15), "1100.00"),))
    assert totals(before) == (D("50.00"), 0, D("50.00"), 0, D("100.00"))


def test_payments_after_as_of_are_ignored() -> None:
    result = fee(FLAT, payments=((date(2026, 4, 1), "1050.00"),))
    assert totals(result) == (D("50.00"), 0, D("50.00"), D("1000.00"), 0)


# -- clauses and errors -------------------------------------------------------------------


def test_no_clause_no_fee() -> None:
    result = fee(LateFee(), payments=((date(2026, 3, 25), "400.00"),))
    assert totals(result) == (0, 0, 0, D("600.00"), 0)
    assert (result.rule, result.lines, result.cap, result.capped) == (
        "no late-fee clause",
        (),
        None,
        False,
    )


def test_statutory_is_not_a_contractual_fee() -> None:
    with pytest.raises(InvalidCaseError) as caught:
        fee(LateFee(kind="statutory"))
    assert caught.value.field == "late_fee.kind"


def test_a_clause_built_without_validation_still_names_the_missing_parameter() -> None:
    with pytest.raises(InvalidCaseError) as caught:
        fee(LateFee.model_construct(kind="flat", per="invoice", cap=None, cap_rate=None))
    assert caught.value.field == "late_fee.amount"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"principal": "-1.00"}, "principal"),
        ({"principal": "1.001"}, "principal"),
        ({"payments": ((date(2026, 3, 25), "-5.00"),)}, "payments[0].amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"applied": (date(2026, 3, 21), date(2026, 3, 20))}, "applied"),
        (
            {"payments": ((date(2026, 3, 25), "1.00"), (date(2026, 3, 24), "1.00"))},
            "payments",
        ),
    ],
)
def test_invalid_arguments_are_named(arguments: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        fee(FLAT, **arguments)
    assert caught.value.field == field


# -- properties ---------------------------------------------------------------------------

# Rates: up to 2 % a day (730 % a year, beyond any enforceable clause), 20 % a month and
# 100 % once, with up to three decimals; caps anywhere from nothing to a large flat amount.
_RATES = {"daily_rate": 2, "percent_per_month": 20, "percent": 100}
_FIRST_DAY = date(2023, 1, 1)


def _decimals(high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=high * 1000).map(lambda n: D(n).scaleb(-3))


_KINDS = ("none", "flat", "percent", "percent_per_month", "daily_rate")


@st.composite
def clauses(draw: st.DrawFn, *, currency: str, kinds: tuple[str, ...] = _KINDS) -> LateFee:
    """A late-fee clause of one of `kinds` (by default every kind paychase computes)."""
    kind = draw(st.sampled_from(kinds))
    cap = draw(st.none() | amounts(currency=currency, max_value=D(5000)).map(D))
    return LateFee(
        kind=kind,
        amount=D(draw(amounts(currency=currency, max_value=D(500)))) if kind == "flat" else None,
        rate=draw(_decimals(_RATES[kind])) if kind in _RATES else None,
        cap=cap,
        cap_rate=draw(st.none() | _decimals(50)),
        per=draw(st.sampled_from(["invoice", "step"])),
        compound=draw(st.booleans()),
    )


@st.composite
def situations(draw: st.DrawFn, *, kinds: tuple[str, ...] = _KINDS) -> dict[str, Any]:
    """A clause, an invoice and its history: steps and payments over about two years."""
    currency = draw(currencies())
    principal = D(draw(amounts(currency=currency, max_value=D(100_000))))
    fee_from = _FIRST_DAY + timedelta(days=draw(st.integers(0, 1500)))
    # Days around fee_from: a little before (grace-period steps and early payments), then two
    # years: long enough for caps to bite and months to compound.
    days = st.integers(-20, 730).map(lambda n: fee_from + timedelta(days=n))
    payment = st.tuples(days, amounts(currency=currency, max_value=principal / 2 + 10).map(D))
    return {
        "terms": draw(clauses(currency=currency, kinds=kinds)),
        "principal": principal,
        "currency": currency,
        "fee_from": fee_from,
        "as_of": draw(days),
        "applied": sorted(draw(st.lists(days, max_size=4))),
        "payments": sorted(draw(st.lists(payment, max_size=4))),
        "allocation": draw(st.sampled_from(["fees_first", "principal_first"])),
    }


@given(situations())
def test_amounts_are_never_negative_and_in_minor_units(case: dict[str, Any]) -> None:
    result = contractual_fee(**case)
    for amount in totals(result):
        assert amount >= 0
        assert amount == round_money(amount, case["currency"])
        assert amount.as_tuple().exponent == round_money(D(0), case["currency"]).as_tuple().exponent
    assert all(line.amount >= 0 for line in result.lines)


@given(situations())
def test_allocation_preserves_totals(case: dict[str, Any]) -> None:
    result = contractual_fee(**case)
    received = sum((amount for day, amount in case["payments"] if day <= case["as_of"]), D(0))
    principal_paid = case["principal"] - result.principal_outstanding
    assert result.fee_paid + principal_paid + result.overpaid == received
    assert result.fee == result.fee_paid + result.fee_outstanding


@given(situations())
def test_no_fee_without_a_clause_or_before_the_first_step(case: dict[str, Any]) -> None:
    result = contractual_fee(**case)
    steps = [day for day in case["applied"] if case["fee_from"] <= day <= case["as_of"]]
    if case["terms"].kind == "none" or not steps:
        assert result.fee == 0
        assert result.lines == ()


@given(situations(), st.integers(1, 400))
def test_fee_does_not_decrease_as_as_of_moves_later(case: dict[str, Any], later: int) -> None:
    earlier = contractual_fee(**case)
    case["as_of"] += timedelta(days=later)
    assert contractual_fee(**case).fee >= earlier.fee


@given(situations())
def test_the_cap_is_respected(case: dict[str, Any]) -> None:
    terms, currency = case["terms"], case["currency"]
    result = contractual_fee(**case)
    if terms.cap is not None:
        assert result.fee <= terms.cap
    if terms.cap_rate is not None:
        assert result.fee <= round_money(case["principal"] * terms.cap_rate / 100, currency)
    if result.capped:
        assert result.fee == result.cap


@given(situations(kinds=("percent_per_month",)))
def test_simple_never_exceeds_compound(case: dict[str, Any]) -> None:
    terms = case["terms"]
    simple = contractual_fee(**{**case, "terms": terms.model_copy(update={"compound": False})})
    compound = contractual_fee(**{**case, "terms": terms.model_copy(update={"compound": True})})
    assert simple.fee <= compound.fee


@given(
    anchor=st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
    month=st.integers(min_value=0, max_value=3600),
)
def test_a_fee_month_starts_where_relativedelta_puts_it(anchor: date, month: int) -> None:
    """The anchor's day of the month, or the last day of a shorter month (31 Jan -> 29 Feb)."""
    assert _month_start(anchor, month) == anchor + relativedelta(months=month)
