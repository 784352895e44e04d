"""Instalment plans: the schedule agreed with a client, and whether the client is keeping to it.

A client who cannot pay a balance at once may agree to pay it in ``count`` instalments, the
first on a given date and then every few days, weeks or calendar months. This module owns the
rules of such a plan, as pure functions of their inputs (no clock, no I/O):

* **Dates.** Instalment ``k`` (0-based) falls ``k`` steps after the first one, counted from the
  first date each time and never chained from the previous instalment: a monthly plan starting
  on 31 January falls due on 31 January, 28 (or 29) February, 31 March, 30 April. A day that
  does not exist in a month becomes that month's last day (dateutil's ``relativedelta``).
* **Amounts.** Every instalment but the last is the total divided by ``count``, rounded *down*
  to the currency's minor unit; the last one absorbs what rounding left over, so the amounts
  add up exactly to the total and the last is never smaller than the others (it is larger by
  fewer than ``count`` minor units). A total that cannot give every instalment at least one
  minor unit, or that is finer than the currency's minor unit, is refused.
* **Adherence.** Payments count cumulatively toward the plan in date order: paying ahead covers
  later instalments, and a partial payment covers part of the next one. Only payments dated on
  or before ``today`` are known. Each instalment is judged once, at the end of its grace
  (``grace_end(due)``, which the caller computes with its contract's grace on its calendar): if
  the payments made up to and including that day do not cover everything due through that
  instalment, the plan is broken the next day. A catch-up payment made after that does not mend
  the plan: a broken plan stays broken, even if the balance is later paid in full, because the
  client did not pay as agreed and the creditor may have acted on the breach in the meantime.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate, pairwise

from babel.numbers import get_currency_precision

from paychase.case._instalment_plan import Frequency
from paychase.case._money import check_precision, minor_unit
from paychase.errors import InvalidCaseError

__all__ = ["Instalment", "Standing", "schedule", "standing"]


@dataclass(frozen=True, slots=True)
class Instalment:
    """One instalment of a plan: its 1-based number, its due date and its amount."""

    number: int
    due: date
    amount: Decimal


def schedule(
    total: Decimal, currency: str, count: int, first: date, every: Frequency
) -> tuple[Instalment, ...]:
    """Split `total` into `count` instalments due from `first` on, one every `every`.

    All instalments but the last are equal, rounded down to the currency's minor unit; the last
    absorbs the remainder, so the amounts add up exactly to `total` and the last is never the
    smallest (rounding down keeps the regular amount the same every time, and the few minor
    units left over are asked for once, at the end).

    Args:
        total: the balance the plan pays off, exact to the currency's minor unit.
        currency: its ISO 4217 code, which fixes the minor unit (1 JPY, 0.01 EUR, 0.001 KWD).
        count: how many instalments, 1 or more.
        first: the due date of the first instalment.
        every: how often the following ones fall due.

    Returns:
        The instalments in order, numbered from 1.

    Raises:
        InvalidCaseError: (a `ValueError`) when `count` is below 1, `total` is not finite or is
            finer than the currency's minor unit, `total` is too small to give every instalment
            at least one minor unit, or the last due date would fall after the year 9999.

    Examples:
        >>> plan = schedule(Decimal("100.00"), "EUR", 3, date(2026, 1, 31), Frequency.parse("1m"))
        >>> [(i.number, i.due.isoformat(), str(i.amount)) for i in plan]
        [(1, '2026-01-31', '33.33'), (2, '2026-02-28', '33.33'), (3, '2026-03-31', '33.34')]
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidCaseError("a plan needs at least one instalment", field="count", value=count)
    if not isinstance(total, Decimal) or not total.is_finite():
        raise InvalidCaseError("the total must be a finite Decimal", field="total", value=total)
    check_precision(total, currency, field="total")
    places = get_currency_precision(currency)
    # Work in whole minor units: integer division is the rounding down, and nothing is lost.
    units = int(total.scaleb(places))
    if units < count:
        raise InvalidCaseError(
            f"too small to split into {count} instalments of at least "
            f"{minor_unit(currency)} {currency} each",
            field="total",
            value=str(total),
        )
    regular = units // count
    last = units - regular * (count - 1)
    try:
        dues = [every.nth(first, k) for k in range(count)]
    except ValueError as error:
        raise InvalidCaseError(str(error), field="count", value=count) from None
    return tuple(
        Instalment(
            number=k + 1,
            due=due,
            amount=Decimal(last if k == count - 1 else regular).scaleb(-places),
        )
        for k, due in enumerate(dues)
    )


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a client stands on an instalment plan on a given day.

    Attributes:
        paid: the payments counted toward the plan so far (dated on or before ``today``).
        covered: how many instalments, from the first, the cumulative payments fully cover.
        next: the first instalment not fully covered; None when the plan is complete.
        short: what is still missing on `next` (everything due through it, less `paid`);
            0 when the plan is complete.
        missed: the first instalment whose grace ended before ``today`` without the payments
            made by its grace end covering everything due through it; None if there is none.
        broken_on: the day after `missed`'s grace end, when the plan broke; None if unbroken.
        complete: whether `paid` covers the whole plan.
    """

    paid: Decimal
    covered: int
    next: Instalment | None
    short: Decimal
    missed: Instalment | None
    broken_on: date | None
    complete: bool

    @property
    def honoured(self) -> bool:
        """Whether the plan is still running as agreed: not yet complete and never missed."""
        return not self.complete and self.missed is None


def standing(
    instalments: Sequence[Instalment],
    payments: Iterable[tuple[date, Decimal]],
    today: date,
    grace_end: Callable[[date], date],
) -> Standing:
    """Judge an instalment plan on `today` from the payments made toward it.

    Args:
        instalments: the plan, in due-date order with positive amounts (as `schedule` makes it).
        payments: ``(date, amount)`` of each payment counted toward the plan; the caller passes
            only those made on or after the plan was agreed. Those after `today` are ignored.
        today: the day of the judgement.
        grace_end: the last day an instalment due on the given day may still be paid without
            breaking the plan (the caller applies its contract's grace on its calendar).

    Returns:
        The standing: what is paid and covered, what is next and short, and whether and when the
        plan broke. A plan broken once stays broken, whatever is paid afterwards.

    Raises:
        ValueError: when `instalments` is empty, out of due-date order or has an amount that is
            not positive, or when `grace_end` returns a day before the due date it was given.

    Examples:
        >>> plan = schedule(Decimal("300"), "EUR", 3, date(2026, 1, 1), Frequency.parse("1m"))
        >>> def week_of_grace(due: date) -> date:
        ...     return due + timedelta(days=7)
        >>> paid = [(date(2026, 1, 1), Decimal("100")), (date(2026, 2, 20), Decimal("100"))]
        >>> state = standing(plan, paid, date(2026, 2, 25), week_of_grace)
        >>> state.covered, state.missed.number, state.broken_on.isoformat(), state.honoured
        (2, 2, '2026-02-09', False)
    """
    plan = tuple(instalments)
    if not plan:
        raise ValueError("an instalment plan needs at least one instalment")
    if any(instalment.amount <= 0 for instalment in plan):
        raise ValueError("every instalment of a plan must have a positive amount")
    if any(later.due < earlier.due for earlier, later in pairwise(plan)):
        raise ValueError("the instalments of a plan must be in due-date order")

    known = sorted(((day, amount) for day, amount in payments if day <= today), key=lambda p: p[0])
    days = [day for day, _ in known]
    # running[i] is the sum of the first i known payments, so running[bisect(days, d)] is what
    # had been paid by the end of day d.
    running = list(accumulate((amount for _, amount in known), initial=Decimal(0)))
    paid = running[-1]
    owed = list(accumulate(instalment.amount for instalment in plan))

    covered = bisect_right(owed, paid)
    complete = covered == len(plan)
    upcoming = None if complete else plan[covered]
    short = Decimal(0) if complete else owed[covered] - paid

    missed: Instalment | None = None
    broken_on: date | None = None
    for instalment, owed_through in zip(plan, owed, strict=True):
        last_day = grace_end(instalment.due)
        if last_day < instalment.due:
            raise ValueError(
                f"grace_end({instalment.due}) returned {last_day}, a day before the due date"
            )
        if today > last_day and running[bisect_right(days, last_day)] < owed_through:
            missed, broken_on = instalment, last_day + timedelta(days=1)
            break

    return Standing(
        paid=paid,
        covered=covered,
        next=upcoming,
        short=short,
        missed=missed,
        broken_on=broken_on,
        complete=complete,
    )
