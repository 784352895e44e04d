"""Statutory late-payment interest: the day-by-day computation a court can read.

This module owns the arithmetic of ../shared/law/README.md ("Conventions every vector follows"):
interest runs from the day after the due date (Directive 2011/7/EU art. 3(3)(a) "from the day
following"), simple interest per constant-rate segment ``principal * rate/100 * days /
denominator``, segments split where the rate changes, where a payment changes the principal
and, for ACT_ACT, at 1 January. Rates are data, never code (`paychase.money._rates`): a host
may pass its own table or its own rate segments instead. Where the table does not cover the
whole period the computation stops at the last covered day and reports the missing period: a
rate is never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Context, Decimal, localcontext
from itertools import pairwise
from typing import Any, Self

from pydantic import Field, model_validator

from paychase._model import FrozenModel, InputModel
from paychase.case._money import Amount, CurrencyCode, round_money
from paychase.errors import InvalidCaseError
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
    "InterestSegment",
    "MissingPeriod",
    "Payment",
    "statutory_interest",
]

# 28 significant digits (Decimal's default) is enough for one segment, but a host may have
# lowered the context; interest is computed in a private context and rounded only at the end.
_CONTEXT = Context(prec=40)
_HUNDRED = Decimal(100)
# 5 CFR 1315.10(a)(1): a late-payment penalty unpaid after 30 days is added to the principal
# "and interest penalties shall thereafter accrue on the added amount", for up to one year.
_PPA_PERIOD_DAYS = 30
_PPA_MAX_PERIODS = 12


class Payment(FrozenModel):
    """A payment received: on `date`, `amount` in the debt's currency."""

    date: date
    amount: Amount


class InterestSegment(FrozenModel):
    """A stretch of days with one rate, one principal and one denominator: one line of the sum."""

    from_: date = Field(
        validation_alias="from",
        serialization_alias="from",
        description="First interest day (inclusive).",
    )
    to: date = Field(description="Last interest day (inclusive).")
    days: int = Field(description="Interest days in the segment.")
    rate: Decimal = Field(description="Annual rate in percent.")
    denominator: int = Field(description="365, 366 or 360, from the basis.")
    principal: Decimal = Field(description="The amount interest runs on (PPA: with penalties).")
    interest: Decimal = Field(description="principal x rate/100 x days / denominator, unrounded.")
    rate_from: date = Field(description="Start of the rate period the rate was taken from.")
    provenance: str | None = Field(default=None, description="Tag of that rate period.")
    source: str | None = Field(default=None, description="Source of that rate period.")


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

    from_: date = Field(validation_alias="from", serialization_alias="from")
    to: date


class InterestComputation(FrozenModel):
    """The whole computation: totals, the segments summed and what each payment did."""

    currency: str
    principal: Decimal
    due: date
    interest_from: date = Field(description="The day after the due date.")
    interest_to: date | None = Field(description="Last day interest was computed for.")
    interest: Decimal = Field(description="Total interest, rounded to the minor unit.")
    days: int = Field(description="Interest days computed.")
    basis: Basis
    semantics: Semantics
    rounding: Rounding
    allocation: Allocation
    compounding: Compounding
    payment_day_counted: bool
    segments: tuple[InterestSegment, ...]
    periods: tuple[InterestPeriod, ...]
    principal_outstanding: Decimal
    interest_outstanding: Decimal
    overpaid: Decimal
    missing: MissingPeriod | None = Field(
        description="The uncovered days, when the rate table stops before the end; else null."
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


def _denominator(basis: Basis, day: date) -> int:
    """The day-count denominator for `day` (law README, "Day-count basis")."""
    if basis == "ACT_360":  # US Prompt Payment Act, 5 CFR 1315.10: 360-day year
        return 360
    if basis == "ACT_ACT":  # RU Plenum 7 (2016) p. 84; Greek calculators: 366 in a leap year
        year = day.year
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 366 if leap else 365
    return 365


@dataclass
class _Rates:
    """Rate lookup by day for one computation, honouring the regime's semantics."""

    periods: tuple[RatePeriod, ...]
    semantics: Semantics
    kind: RateKind
    start: date
    fixed: RatePeriod | None = field(default=None)

    def __post_init__(self) -> None:
        if self.semantics == "FIXED_AT_START":
            # UK s. 4(2) LPCDIA 1998, US 5 CFR 1315.10: the rate in force when interest starts
            # applies to the whole debt, so only the start day needs a table row.
            self.fixed = self._row(self.start)

    def _row(self, day: date) -> RatePeriod | None:
        for row in self.periods:
            if row.from_ <= day and (row.to is None or day <= row.to):
                return row if row.rate_of(self.kind) is not None else None
        return None

    def covered_to(self, end: date) -> date:
        """The last day up to `end` reachable from the start without a gap in the table."""
        if self.semantics == "FIXED_AT_START":
            return end if self.fixed is not None else self.start - timedelta(days=1)
        day = self.start
        while day <= end:
            row = self._row(day)
            if row is None:
                break
            if row.to is None:
                return end
            day = row.to + timedelta(days=1)
        return min(day - timedelta(days=1), end)

    def row_for(self, day: date) -> tuple[RatePeriod, date]:
        """The row giving `day`'s rate and the last day that rate is certain to hold."""
        if self.fixed is not None:
            return self.fixed, date.max
        row = self._row(day)
        if row is None:  # pragma: no cover - callers stop at covered_to()
            raise AssertionError(f"no rate for {day}")
        return row, row.to or date.max


def _round_pending(
    segments: Sequence[InterestSegment], rounding: Rounding, currency: str
) -> Decimal:
    """Round one rounding period's segments as `rounding` says (law README, "Rounding")."""
    if not segments:
        return round_money(Decimal(0), currency)
    if rounding == "R1":
        return round_money(sum((s.interest for s in segments), Decimal(0)), currency)
    if rounding == "R2":
        return sum((round_money(s.interest, currency) for s in segments), Decimal(0))
    # R2M, the Greek calculator's rule (TV-05): merge consecutive segments with the same rate
    # and principal — even across the ACT_ACT split at 1 Jan — then round each run.
    total = Decimal(0)
    run = segments[0].interest
    for before, after in pairwise(segments):
        if after.rate == before.rate and after.principal == before.principal:
            run += after.interest
        else:
            total += round_money(run, currency)
            run = after.interest
    return total + round_money(run, currency)


@dataclass
class _State:
    """The running balance while the computation walks through the payments."""

    principal: Decimal
    interest_due: Decimal  # rounded, unpaid
    pending: list[InterestSegment]  # accrued since the last rounding point, unrounded
    capitalised: Decimal  # PPA: unpaid penalty added to the interest-bearing base
    since_capitalised: int  # PPA: interest days since the last 30-day boundary
    capitalisations: int  # PPA: how many 30-day additions so far (at most 12)


def _accrue(
    state: _State,
    rates: _Rates,
    first: date,
    last: date,
    *,
    basis: Basis,
    compounding: Compounding,
) -> list[InterestSegment]:
    """Simple interest for the days `first`..`last`, split at every change of rate or base."""
    out: list[InterestSegment] = []
    day = first
    while day <= last:
        row, row_end = rates.row_for(day)
        end = min(last, row_end)
        if basis == "ACT_ACT":  # split at 1 Jan: the denominator changes with the year
            end = min(end, date(day.year, 12, 31))
        ppa = compounding == "PPA_MONTHLY" and state.capitalisations < _PPA_MAX_PERIODS
        if ppa:
            end = min(end, day + timedelta(days=_PPA_PERIOD_DAYS - state.since_capitalised - 1))
        days = (end - day).days + 1
        rate = row.rate_of(rates.kind)
        assert rate is not None  # guaranteed by _Rates._row
        base = state.principal + state.capitalised
        denominator = _denominator(basis, day)
        segment = InterestSegment(
            **{"from": day},
            to=end,
            days=days,
            rate=rate,
            denominator=denominator,
            principal=base,
            interest=base * rate / _HUNDRED * days / denominator,
            rate_from=row.from_,
            provenance=row.provenance,
            source=row.source,
        )
        out.append(segment)
        state.pending.append(segment)
        if ppa:
            state.since_capitalised += days
            if state.since_capitalised == _PPA_PERIOD_DAYS:
                # 5 CFR 1315.10(a)(1): the unpaid penalty joins the principal every 30 days.
                accrued = sum((s.interest for s in state.pending), Decimal(0))
                state.capitalised = state.interest_due + accrued
                state.since_capitalised = 0
                state.capitalisations += 1
        day = end + timedelta(days=1)
    return out


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
            _Rates(rows, semantics, rate_kind, request.due + timedelta(days=1)),
            semantics=semantics,
            basis=basis,
            rounding=rounding,
            allocation=allocation,
            compounding=compounding,
            payment_day_counted=payment_day_counted,
            round_per_payment=round_per_payment,
        )


def _allocate(
    state: _State, amount: Decimal, allocation: Allocation
) -> tuple[Decimal, Decimal, Decimal]:
    """Apply a payment; return (interest paid, principal paid, overpaid).

    Interest first: BGB § 367, KC art. 451, Greek civil code art. 423 (costs, interest, then
    principal). Principal first: RU art. 395 interest is paid after the principal (Plenum 54 of
    22.11.2016 p. 37). Fixed compensation is a separate claim and never part of the allocation.
    """
    zero = amount - amount
    interest_paid = principal_paid = zero
    remaining = amount
    for part in (
        ("interest", "principal") if allocation == "interest_first" else ("principal", "interest")
    ):
        if part == "interest":
            interest_paid = min(remaining, state.interest_due)
            state.interest_due -= interest_paid
            remaining -= interest_paid
        else:
            principal_paid = min(remaining, state.principal)
            state.principal -= principal_paid
            remaining -= principal_paid
    # A paid penalty stops bearing interest (PPA): only unpaid interest stays capitalised.
    state.capitalised = min(state.capitalised, state.interest_due)
    return interest_paid, principal_paid, remaining


def _compute(
    request: _Request,
    rates: _Rates,
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
    missing = (
        MissingPeriod(**{"from": covered + one}, to=final_day) if covered < final_day else None
    )

    state = _State(request.principal, zero, [], Decimal(0), 0, 0)
    segments: list[InterestSegment] = []
    periods: list[InterestPeriod] = []
    cursor = start
    total = zero
    overpaid_total = zero
    for index, (event_day, payment) in enumerate(events):
        last = min(event_day, covered)  # never guess a rate: no accrual past the table
        period_from = cursor
        new = _accrue(state, rates, cursor, last, basis=basis, compounding=compounding)
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
            rounded = _round_pending(state.pending, rounding, currency)
            period_interest = rounded
            state.interest_due += rounded
            total += rounded
            state.pending = []
        interest_paid = principal_paid = overpaid = zero
        if payment is not None:
            interest_paid, principal_paid, overpaid = _allocate(state, amount, allocation)
            overpaid_total += overpaid
        periods.append(
            InterestPeriod(
                **{"from": period_from},
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
    return InterestComputation(
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
