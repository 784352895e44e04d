"""How statutory interest accrues: constant-rate segments on a running balance, and payments.

This module owns the arithmetic of ../shared/law/README.md ("Conventions every vector follows")
below `statutory_interest`: simple interest per constant-rate segment ``principal * rate/100 *
days / denominator`` (`accrue`), segments split where the rate changes, where the base changes
(PPA: every 30 days) and, for ACT_ACT, at 1 January; the rate of each day as the regime's
semantics say (`Rates`); how one rounding period's segments are rounded (`round_pending`); and
how a payment is applied to interest and principal (`allocate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from pydantic import Field

from paychase._model import FrozenModel
from paychase.case._money import round_money
from paychase.money._rates import (
    Allocation,
    Basis,
    Compounding,
    RateKind,
    RatePeriod,
    Rounding,
    Semantics,
)

__all__ = ["InterestSegment", "Rates", "State", "accrue", "allocate", "round_pending"]

_HUNDRED = Decimal(100)
# 5 CFR 1315.10(a)(1): a late-payment penalty unpaid after 30 days is added to the principal
# "and interest penalties shall thereafter accrue on the added amount", for up to one year.
_PPA_PERIOD_DAYS = 30
_PPA_MAX_PERIODS = 12


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
class Rates:
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


def round_pending(
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
class State:
    """The running balance while the computation walks through the payments."""

    principal: Decimal
    interest_due: Decimal  # rounded, unpaid
    pending: list[InterestSegment]  # accrued since the last rounding point, unrounded
    capitalised: Decimal  # PPA: unpaid penalty added to the interest-bearing base
    since_capitalised: int  # PPA: interest days since the last 30-day boundary
    capitalisations: int  # PPA: how many 30-day additions so far (at most 12)


def accrue(
    state: State,
    rates: Rates,
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
        assert rate is not None  # guaranteed by Rates._row
        base = state.principal + state.capitalised
        denominator = _denominator(basis, day)
        segment = InterestSegment.trusted(
            from_=day,
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


def allocate(
    state: State, amount: Decimal, allocation: Allocation
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
