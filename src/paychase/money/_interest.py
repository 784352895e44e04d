"""Statutory late-payment interest: the day-by-day computation a court can read.

This module owns `statutory_interest` and the computation it returns, by the conventions of
../shared/law/README.md ("Conventions every vector follows"): interest runs from the day after
the due date (Directive 2011/7/EU art. 3(3)(a) "from the day following"), and each payment (or
the end) closes a period, where accrued interest is rounded and the payment applied. The
segments summed, simple interest per constant-rate segment ``principal * rate/100 * days /
denominator`` split where the rate changes, where a payment changes the principal and, for
ACT_ACT, at 1 January, are `paychase.money._accrual`'s. Rates are data, never code
(`paychase.money._rates`): a host may pass its own table or its own rate segments instead.
Where the table does not cover the whole period the computation stops at the last covered day
and reports the missing period: a rate is never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Context, Decimal, localcontext
from typing import Any, Self

from pydantic import Field, model_validator

from paychase._model import FrozenModel, InputModel
from paychase.case._money import Amount, CurrencyCode, round_money
from paychase.errors import InvalidCaseError
from paychase.money._accrual import InterestSegment, Rates, State, accrue, allocate, round_pending
from paychase.money._rates import (
    Allocation,
    Basis,
    Compounding,
    RateKind,
    RatePeriod,
    RateTable,
    Regime,
    Rounding,
    Semantics,
    builtin_rate_table,
    check_periods,
)

__all__ = [
    "InterestComputation",
    "InterestPeriod",
    "MissingPeriod",
    "Payment",
    "statutory_interest",
]

# 28 significant digits (Decimal's default) is enough for one segment, but a host may have
# lowered the context; interest is computed in a private context and rounded only at the end.
_CONTEXT = Context(prec=40)


class Payment(FrozenModel):
    """A payment received: on `date`, `amount` in the debt's currency."""

    date: date
    amount: Amount


class InterestPeriod(FrozenModel):
    """The days up to one payment (or the end) and what that payment paid."""

    from_: date = Field(
        validation_alias="from",
        serialization_alias="from",
        description="First interest day of the period.",
    )
    to: date = Field(description="Last interest day of the period (payment or as_of).")
    days: int = Field(description="Interest days in the period.")
    payment_date: date | None = Field(description="Date of the payment closing it, if any.")
    payment: Decimal | None = Field(description="Amount of that payment.")
    interest: Decimal = Field(
        description="If `rounded`: the rounded interest of the rounding period ending here "
        "(with any accrual carried from earlier periods); otherwise this period's exact accrual."
    )
    rounded: bool = Field(description="Whether this period closed a rounding period.")
    interest_paid: Decimal = Field(description="Part of the payment that paid interest.")
    principal_paid: Decimal = Field(description="Part of the payment that paid principal.")
    overpaid: Decimal = Field(description="Part of the payment beyond everything owed.")
    principal_after: Decimal = Field(description="Principal outstanding after the payment.")
    interest_after: Decimal = Field(
        description="Rounded interest still unpaid after the payment (excludes unrounded accrual)."
    )


class MissingPeriod(FrozenModel):
    """Days the rate table does not cover: no interest is computed for them."""

    from_: date = Field(
        validation_alias="from",
        serialization_alias="from",
        description="First day without a rate (inclusive).",
    )
    to: date = Field(description="Last day without a rate (inclusive).")


class InterestComputation(FrozenModel):
    """The whole computation: totals, the segments summed and what each payment did."""

    currency: str = Field(description="ISO 4217 code; amounts are rounded to its minor unit.")
    principal: Decimal = Field(description="The amount owed on the due date.")
    due: date = Field(description="The last day to pay; interest runs from the next day.")
    interest_from: date = Field(description="The day after the due date.")
    interest_to: date | None = Field(description="Last day interest was computed for.")
    interest: Decimal = Field(description="Total interest, rounded to the minor unit.")
    days: int = Field(description="Interest days computed.")
    basis: Basis = Field(description="Day-count basis used: ACT_365, ACT_ACT or ACT_360.")
    semantics: Semantics = Field(
        description="How the rate moved during the debt: PER_HALF_YEAR, ON_EVERY_CHANGE or "
        "FIXED_AT_START."
    )
    rounding: Rounding = Field(
        description="R1: rounded once per rounding period; R2: each segment; R2M: each "
        "same-rate run."
    )
    allocation: Allocation = Field(
        description="What each payment paid first: interest_first or principal_first."
    )
    compounding: Compounding = Field(
        description="simple, or PPA_MONTHLY (US Prompt Payment Act: unpaid interest joins the "
        "principal every 30 days)."
    )
    payment_day_counted: bool = Field(description="Whether a payment day was an interest day.")
    segments: tuple[InterestSegment, ...] = Field(
        description="Every stretch of days at one rate on one principal, in date order."
    )
    periods: tuple[InterestPeriod, ...] = Field(
        description="One per payment, then one up to as_of if later: what each payment paid."
    )
    principal_outstanding: Decimal = Field(
        description="Principal still unpaid at the end, rounded to the minor unit."
    )
    interest_outstanding: Decimal = Field(description="Rounded interest still unpaid at the end.")
    overpaid: Decimal = Field(description="What the payments paid beyond everything owed.")
    missing: MissingPeriod | None = Field(
        description="The days interest could accrue that the rate table has no rate for, when it "
        "stops before the end; else null. Days after the principal was paid need no rate."
    )

    @property
    def complete(self) -> bool:
        """Whether every interest day had a rate."""
        return self.missing is None


class _Request(InputModel):
    """The validated inputs of `statutory_interest` (errors name the argument)."""

    principal: Amount
    currency: CurrencyCode
    due: date
    payments: tuple[Payment, ...] = ()
    as_of: date | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.principal < 0:
            raise ValueError("the principal must not be negative")
        if any(p.amount < 0 for p in self.payments):
            raise ValueError("a payment must not be negative")
        dates = [p.date for p in self.payments]
        if dates != sorted(dates):
            raise ValueError("payments must be in date order")
        if self.as_of is None and not self.payments:
            raise ValueError("give payments or as_of (the day up to which interest runs)")
        if self.as_of is not None and dates and dates[-1] > self.as_of:
            raise ValueError("a payment is dated after as_of")
        return self


def statutory_interest(
    *,
    principal: Decimal | str | int,
    currency: str,
    due: date,
    payments: Iterable[tuple[date, Decimal | str | int] | Payment] = (),
    as_of: date | None = None,
    regime: Regime | str | None = None,
    rates: Sequence[RatePeriod | dict[str, Any]] | None = None,
    table: RateTable | None = None,
    semantics: Semantics | None = None,
    basis: Basis | None = None,
    rounding: Rounding = "R1",
    allocation: Allocation = "interest_first",
    compounding: Compounding | None = None,
    payment_day_counted: bool = True,
    round_per_payment: bool = False,
    rate_kind: RateKind = "rate",
) -> InterestComputation:
    """Statutory late-payment interest on one debt, with the computation behind it.

    Interest runs from the day after `due` (Directive 2011/7/EU art. 3: "from the day
    following") up to each payment date — inclusive unless `payment_day_counted` is false — and
    up to and including `as_of`. Payments are applied as they come: ``interest_first`` (BGB
    § 367, KC art. 451, Greek civil code art. 423) or ``principal_first`` (RU Plenum 54 of
    2016 p. 37). Accrued interest is rounded when a payment is applied to it and at the end
    (law README, "When rounding happens").

    Args:
        principal: the amount owed on the due date.
        currency: ISO 4217 code; every amount is rounded to its minor unit.
        due: the last day to pay (already moved off a holiday where the law says so, e.g. art.
            115 KC); interest starts the next day.
        payments: ``(date, amount)`` pairs or `Payment` objects, in date order.
        as_of: compute up to and including this day (after the payments, if any).
        regime: a `Regime`, or a regime key looked up in `table`.
        rates: explicit rate periods (the rates.json period shape); overrides the regime's.
        table: the rate table to look `regime` up in; the packaged one by default.
        semantics: overrides the regime's (default ``ON_EVERY_CHANGE`` for explicit rates).
        basis: overrides the regime's day count (default ``ACT_365`` for explicit rates).
        rounding: ``R1`` (default), ``R2`` or ``R2M``.
        allocation: ``interest_first`` (default) or ``principal_first``.
        compounding: overrides the regime's (``simple`` or ``PPA_MONTHLY``).
        payment_day_counted: whether a payment day is itself an interest day.
        round_per_payment: round the accrued interest at every payment, whatever the allocation.
        rate_kind: ``contractual_max`` takes each row's ``contractual_max_rate`` instead.

    Returns:
        The `InterestComputation`; check `missing` before relying on `interest`.

    Raises:
        InvalidCaseError: on invalid amounts, dates, rates or a missing regime/rates.

    Examples:
        >>> result = statutory_interest(
        ...     principal="10000.00", currency="EUR", due=date(2025, 3, 31),
        ...     payments=[(date(2025, 5, 15), "10137.47")], regime="EU")
        >>> result.interest, result.days, result.principal_outstanding
        (Decimal('137.47'), 45, Decimal('0.00'))
    """
    request = _Request.model_validate(
        {
            "principal": principal,
            "currency": currency,
            "due": due,
            "payments": [
                p if isinstance(p, Payment) else {"date": p[0], "amount": p[1]} for p in payments
            ],
            "as_of": as_of,
        }
    )
    chosen = (table or builtin_rate_table()).regime(regime) if isinstance(regime, str) else regime
    if rates is not None:
        try:
            rows = tuple(
                r if isinstance(r, RatePeriod) else RatePeriod.model_validate(r) for r in rates
            )
            check_periods(rows)
        except ValueError as error:
            raise InvalidCaseError(str(error), field="rates") from None
    elif chosen is not None:
        rows = chosen.periods
    else:
        raise InvalidCaseError("give a regime or explicit rates", field="regime")
    semantics = semantics or (chosen.semantics if chosen else "ON_EVERY_CHANGE")
    basis = basis or (chosen.basis if chosen else "ACT_365")
    compounding = compounding or (chosen.compounding if chosen else "simple")
    with localcontext(_CONTEXT):
        return _compute(
            request,
            Rates(rows, semantics, rate_kind, request.due + timedelta(days=1)),
            semantics=semantics,
            basis=basis,
            rounding=rounding,
            allocation=allocation,
            compounding=compounding,
            payment_day_counted=payment_day_counted,
            round_per_payment=round_per_payment,
        )


def _compute(
    request: _Request,
    rates: Rates,
    *,
    semantics: Semantics,
    basis: Basis,
    rounding: Rounding,
    allocation: Allocation,
    compounding: Compounding,
    payment_day_counted: bool,
    round_per_payment: bool,
) -> InterestComputation:
    currency = request.currency
    zero = round_money(Decimal(0), currency)
    start = request.due + timedelta(days=1)
    one = timedelta(days=1)
    # Each event ends an interest period: the payments, then as_of if it is later.
    events: list[tuple[date, Payment | None]] = [
        (p.date if payment_day_counted else p.date - one, p) for p in request.payments
    ]
    if request.as_of is not None and (not events or request.as_of > events[-1][0]):
        events.append((request.as_of, None))
    final_day = max(events[-1][0], start - one)
    covered = rates.covered_to(final_day)
    # The last day a rate is needed: interest accrues only while something bears it, so a
    # table that ends after the debt was paid is not a gap (rule 11 asks for no update then).
    needed_to = start - one

    state = State(request.principal, zero, [], Decimal(0), 0, 0)
    segments: list[InterestSegment] = []
    periods: list[InterestPeriod] = []
    cursor = start
    total = zero
    overpaid_total = zero
    for index, (event_day, payment) in enumerate(events):
        last = min(event_day, covered)  # never guess a rate: no accrual past the table
        if state.principal + state.capitalised > 0:
            needed_to = max(needed_to, event_day)
        period_from = cursor
        new = accrue(state, rates, cursor, last, basis=basis, compounding=compounding)
        segments.extend(new)
        cursor = max(cursor, last + one)
        is_last = index == len(events) - 1
        amount = payment.amount if payment is not None else zero
        exact = sum((s.interest for s in new), Decimal(0))
        close = (
            is_last
            or round_per_payment
            or allocation == "interest_first"
            or amount > state.principal
        )
        period_interest = exact
        if close:
            # Everything accrued since the last rounding point is rounded here, including
            # unrounded interest carried over earlier principal-first payments.
            rounded = round_pending(state.pending, rounding, currency)
            period_interest = rounded
            state.interest_due += rounded
            total += rounded
            state.pending = []
        interest_paid = principal_paid = overpaid = zero
        if payment is not None:
            interest_paid, principal_paid, overpaid = allocate(state, amount, allocation)
            overpaid_total += overpaid
        periods.append(
            InterestPeriod.trusted(
                from_=period_from,
                to=last if last >= period_from else period_from - one,
                days=sum(s.days for s in new),
                payment_date=payment.date if payment is not None else None,
                payment=amount if payment is not None else None,
                interest=period_interest,
                rounded=close,
                interest_paid=interest_paid,
                principal_paid=principal_paid,
                overpaid=overpaid,
                principal_after=round_money(state.principal, currency),
                interest_after=state.interest_due,
            )
        )
    if state.pending:  # pragma: no cover - the last event always closes a rounding period
        raise AssertionError("unrounded interest left")
    missing = (
        MissingPeriod.trusted(from_=covered + one, to=needed_to) if covered < needed_to else None
    )
    return InterestComputation.trusted(
        currency=currency,
        principal=request.principal,
        due=request.due,
        interest_from=start,
        interest_to=segments[-1].to if segments else None,
        interest=total,
        days=sum(s.days for s in segments),
        basis=basis,
        semantics=semantics,
        rounding=rounding,
        allocation=allocation,
        compounding=compounding,
        payment_day_counted=payment_day_counted,
        segments=tuple(segments),
        periods=tuple(periods),
        principal_outstanding=round_money(state.principal, currency),
        interest_outstanding=state.interest_due,
        overpaid=overpaid_total,
        missing=missing,
    )
