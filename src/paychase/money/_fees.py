"""Contractual late fees: what the contract's `late_fee` clause adds to an overdue invoice.

A late fee is owed only because the contract says so (SPEC §5 rule 6); statutory interest, which
the law grants without a clause, is `paychase.money._interest`'s business. This module turns one
`LateFee` clause, the invoice's principal, its payments and the days on which the dunning ladder
applied the fee into the fee owed on a given day, line by line, so that a court can follow it.

The contract, as `contractual_fee` reads it (these are paychase's public semantics):

* **When a fee may run.** ``fee_from`` is the first day a fee may run: the caller passes the day
  after the grace period ends. ``applied`` lists the days on which a ladder step with the
  ``apply_late_fee`` effect was performed. Only the steps from ``fee_from`` to ``as_of`` count (a
  step inside the grace period applied nothing). Nothing is owed before the first such step;
  without one the fee is 0, and `FeeComputation.rule` says why.
* **flat**: ``amount`` once, booked on the first step (``per="invoice"``), or at every step
  (``per="step"``).
* **percent**: ``rate`` % of the principal still unpaid on the first step (that day's payments
  counted), once.
* **daily_rate**: ``rate`` % of the unpaid principal for every day from ``fee_from`` to
  ``as_of`` inclusive. A payment day still accrues on the old principal; the new one runs from
  the next day. Once a step applied the fee, everything accrued since ``fee_from`` is owed.
* **percent_per_month**: months are counted by anniversaries of ``fee_from``: month *k* runs from
  ``fee_from`` + *k* months (a 31st becomes the month's last day, as dateutil counts) to the day
  before month *k* + 1, and each of its days accrues ``rate`` % x base / (days in month *k*), so
  a whole month is exactly ``rate`` %. The base is the unpaid principal; with ``compound`` the fee
  accrued and unpaid at each anniversary joins it (an unpaid fee earns a fee only where the
  contract says so: SPEC rule 6).
* **The cap.** The fee never exceeds the lower of ``cap`` and ``cap_rate`` % of the principal,
  rounded to the minor unit. When the accrued fee reaches it, accrual stops, the fee is exactly
  the cap and `FeeComputation.capped` is true.
* **Payments** dated after ``as_of`` are ignored. A payment made before the fee was applied
  (including one on the day of the first step: the step books the fee after the day's payments)
  pays principal only. Later ones pay the fee owed so far first and then the principal
  (``fees_first``: costs before principal, as BGB § 367, KC art. 451 and most civil codes order
  them), or the other way round (``principal_first``). Whatever exceeds both is reported as
  ``overpaid``; it is never an error.
* **Rounding** is half-up to the currency's minor unit (`round_money`): the unrounded accruals of
  one rounding period are summed and rounded once, when a payment is applied to the fee and at
  ``as_of`` — the convention of the statutory interest module (``R1``).
* ``compound`` matters only to ``percent_per_month``, ``per`` only to ``flat``.
* **A step's own fee.** ``step_fees`` lists the days on which a step with its own ``late_fee``
  (`paychase.policy.Step.late_fee`) applied the fee, with that fee: such a step books its own
  flat ``amount`` or ``rate`` % of the unpaid principal, in place of what the clause would book
  at it, and counts as a step that applied the fee (a ``flat`` clause ``per="invoice"`` then
  books nothing more: its one fee was that step's). A running fee (``daily_rate``,
  ``percent_per_month``) still runs; the step's fee comes on top of it. The cap covers both.

The module is pure: no clock, no I/O.
"""

from __future__ import annotations

import math
from calendar import monthrange
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Context, Decimal, localcontext
from typing import Literal, NamedTuple, Self

from pydantic import Field, model_validator

from paychase._model import FrozenModel, InputModel
from paychase.case._contracts import LateFee
from paychase.case._money import Amount, CurrencyCode, check_precision, round_money
from paychase.errors import InvalidCaseError
from paychase.money._interest import Payment
from paychase.policy._step_fee import StepFee

__all__ = ["MAX_FEE", "FeeAllocation", "FeeComputation", "FeeKind", "FeeLine", "contractual_fee"]

FeeAllocation = Literal["fees_first", "principal_first"]
"""Which part of the debt a payment made after the fee was applied pays first."""
FeeKind = Literal["none", "flat", "percent", "percent_per_month", "daily_rate", "statutory"]
"""The kinds of late-fee clause (`LateFee.kind`)."""

# A repeating quotient (a day of a 31-day month) must not lose cents over a long debt, whatever
# context the host has set: fees are computed in a private context and rounded only as stated.
_CONTEXT = Context(prec=40)
_HUNDRED = Decimal(100)
# The largest fee this module states: a case's bounded amounts and percentages stay far below it
# (100 % a day for three centuries on the largest principal), so only a fee compounding for
# decades without a cap reaches it; rounding such a fee would overflow the context above.
MAX_FEE = Decimal(10) ** 18
_ONE_DAY = timedelta(days=1)


class FeeLine(FrozenModel):
    """One line of the fee computation: a booked fee or a stretch of days with one base."""

    from_: date = Field(
        validation_alias="from",
        serialization_alias="from",
        description="First day of the line (the booking day).",
    )
    to: date = Field(description="Last day of the line, inclusive.")
    days: int = Field(description="Fee days accrued in the line; 0 for a one-off fee.")
    base: Decimal = Field(
        description="The amount the line is computed on: the unpaid principal (plus, when "
        "compounding, the unpaid fee); for a flat fee, the principal unpaid when it was booked."
    )
    rate: Decimal | None = Field(description="Percent (once, a day or a month); null if flat.")
    amount: Decimal = Field(
        description="The line's fee: exact for a one-off fee, unrounded for an accrual."
    )
    what: str = Field(description="The line in words, e.g. '0.1 % a day'.")
    settled_on: date | None = Field(
        default=None,
        description="The date of the payment that paid the line's fee off, if one has.",
    )


class FeeComputation(FrozenModel):
    """The fee owed under a contract's late-fee clause on one day, with the lines behind it."""

    kind: FeeKind = Field(description="The clause's kind.")
    currency: str = Field(description="ISO 4217 code of every amount.")
    principal: Decimal = Field(description="The invoice principal the clause applies to.")
    fee_from: date = Field(description="The first day a fee could run.")
    as_of: date = Field(description="The day the fee is computed for.")
    allocation: FeeAllocation = Field(description="The order payments were applied in.")
    fee: Decimal = Field(description="Total fee charged, rounded to the minor unit.")
    fee_paid: Decimal = Field(description="The part of the payments that paid the fee.")
    fee_outstanding: Decimal = Field(description="Fee charged and not paid: fee - fee_paid.")
    principal_outstanding: Decimal = Field(description="Principal not paid by as_of.")
    overpaid: Decimal = Field(description="Payments beyond the principal and the fee owed.")
    days: int = Field(description="Fee days counted; 0 for a one-off fee.")
    cap: Decimal | None = Field(description="The effective cap (rounded), if the clause has one.")
    capped: bool = Field(description="Whether the cap was reached (accrual stopped there).")
    lines: tuple[FeeLine, ...] = Field(description="What was summed, in order.")
    rule: str = Field(description="The clause and its outcome, in one sentence.")


class _Request(InputModel):
    """The validated inputs of `contractual_fee` (errors name the argument)."""

    principal: Amount
    currency: CurrencyCode
    fee_from: date
    as_of: date
    applied: tuple[date, ...]
    step_fees: tuple[tuple[date, StepFee], ...]
    payments: tuple[Payment, ...]

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_amount(self.principal, self.currency, "principal")
        for index, payment in enumerate(self.payments):
            _check_amount(payment.amount, self.currency, f"payments[{index}].amount")
        if list(self.applied) != sorted(self.applied):
            raise InvalidCaseError("must be in date order", field="applied")
        if [day for day, _ in self.step_fees] != sorted(day for day, _ in self.step_fees):
            raise InvalidCaseError("must be in date order", field="step_fees")
        if [p.date for p in self.payments] != sorted(p.date for p in self.payments):
            raise InvalidCaseError("must be in date order", field="payments")
        return self


def _check_amount(value: Decimal, currency: str, where: str) -> None:
    """A principal or payment: zero or more, in whole minor units of `currency`."""
    if value < 0:
        raise InvalidCaseError("must not be negative", field=where, value=str(value))
    check_precision(value, currency, field=where)


def _required(value: Decimal | None, name: str) -> Decimal:
    """A clause parameter its kind needs (`LateFee` checks it; this narrows the type)."""
    if value is None:
        raise InvalidCaseError("missing for this kind of late fee", field=f"late_fee.{name}")
    return value


def _percent(rate: Decimal) -> str:
    """``Decimal("0.10")`` → ``"0.1"``, ``Decimal("1E+1")`` → ``"10"``."""
    return format(rate.normalize(), "f")


def _effective_cap(terms: LateFee, principal: Decimal, currency: str) -> Decimal | None:
    """min(cap, cap_rate % of the principal), rounded; None when the clause sets no cap."""
    limits = [round_money(terms.cap, currency)] if terms.cap is not None else []
    if terms.cap_rate is not None:
        limits.append(round_money(principal * terms.cap_rate / _HUNDRED, currency))
    return min(limits, default=None)


def _month_start(fee_from: date, month: int) -> date:
    """First day of fee month `month` (0-based), computed from the anchor in one step.

    As ``fee_from + relativedelta(months=month)``: the anchor's day of the month, or the last
    day of a shorter month (31 January, then 28 or 29 February, then 31 March); a fee that runs
    for years asks for each month's start twice, and relativedelta is seven times slower.
    """
    year, index = divmod(fee_from.month - 1 + month, 12)
    year += fee_from.year
    return date(year, index + 1, min(fee_from.day, monthrange(year, index + 1)[1]))


def _month_of(fee_from: date, day: date) -> int:
    """The 0-based fee month `day` falls in (`day` is not before `fee_from`)."""
    # The anniversary in day's calendar month; if it is later in that month, the month before.
    month = (day.year - fee_from.year) * 12 + day.month - fee_from.month
    return month - 1 if _month_start(fee_from, month) > day else month


class _Piece(NamedTuple):
    """Days `start`..`end` with one per-day divisor: a fee day is rate % x base / divisor."""

    start: date
    end: date
    divisor: int
    what: str
    anniversary: bool


def _pieces(
    terms: LateFee, rate: Decimal, fee_from: date, first: date, last: date
) -> Iterator[_Piece]:
    """Split `first`..`last` where the per-day fee changes: at every fee-month anniversary."""
    if terms.kind == "daily_rate":
        yield _Piece(first, last, 1, f"{_percent(rate)} % a day", anniversary=False)
        return
    month = _month_of(fee_from, first)
    day = first
    while day <= last:
        start, following = _month_start(fee_from, month), _month_start(fee_from, month + 1)
        length = (following - start).days
        what = (
            f"{_percent(rate)} % a month: month {month + 1}, {start} to "
            f"{following - _ONE_DAY} ({length} days)"
        )
        end = min(last, following - _ONE_DAY)
        yield _Piece(day, end, length, what, anniversary=day == start and month > 0)
        day = end + _ONE_DAY
        month += 1


@dataclass
class _Ledger:
    """The running account of one computation: principal, fee owed, fee accrued, the lines."""

    terms: LateFee
    currency: str
    fee_from: date
    allocation: FeeAllocation
    principal: Decimal
    cap: Decimal | None
    claimable: bool = False  # a step has applied the fee
    cursor: date = date.min  # next day to accrue
    accrued: Decimal = Decimal(0)  # every accrual and booking, unrounded, never above the cap
    pending: Decimal = Decimal(0)  # accrued since the last rounding point, unrounded
    charged: Decimal = Decimal(0)  # rounded fee charged at the rounding points so far
    fee_due: Decimal = Decimal(0)  # charged and unpaid
    capitalised: Decimal = Decimal(0)  # compound: unpaid fee in the base since the anniversary
    fee_paid: Decimal = Decimal(0)
    overpaid: Decimal = Decimal(0)
    lines: list[FeeLine] = field(default_factory=list)
    closes: list[tuple[int, Decimal]] = field(default_factory=list)  # (lines, charged) at each
    fee_payments: list[tuple[date, Decimal]] = field(default_factory=list)  # (day, fee_paid)

    @property
    def reached(self) -> bool:
        """Whether the fee has reached the cap: nothing more accrues or is booked."""
        return self.cap is not None and (self.accrued >= self.cap or self.charged >= self.cap)

    def _room(self, amount: Decimal) -> Decimal:
        """The part of `amount` that still fits under the cap."""
        return amount if self.cap is None else min(amount, self.cap - self.accrued)

    def _add(self, line: FeeLine) -> None:
        self.lines.append(line)
        self.accrued += line.amount
        self.pending += line.amount
        if self.accrued >= MAX_FEE:
            raise InvalidCaseError(
                f"by {line.to} the fee would reach {MAX_FEE:,} {self.currency}: give the "
                "clause a cap or cap_rate",
                field="late_fee",
            )

    def book(self, day: date, amount: Decimal, rate: Decimal | None, what: str) -> None:
        """A one-off fee booked by the step on `day`, cut to what the cap leaves."""
        booked = self._room(amount)
        if booked < amount:
            what += f" (cut to {booked} by the cap)"
        self._add(
            FeeLine.trusted(
                from_=day,
                to=day,
                days=0,
                base=self.principal,
                rate=rate,
                amount=booked,
                what=what,
            )
        )

    def accrue_through(self, last: date) -> None:
        """Accrue the fee day by day from the cursor to `last` inclusive (accrual kinds only)."""
        first, self.cursor = max(self.cursor, self.fee_from), max(self.cursor, last + _ONE_DAY)
        if self.terms.kind not in ("daily_rate", "percent_per_month") or first > last:
            return
        rate = _required(self.terms.rate, "rate")
        for piece in _pieces(self.terms, rate, self.fee_from, first, last):
            if piece.anniversary and self.terms.compound:
                # The contract capitalises: the fee accrued and unpaid joins the base.
                self.capitalised = self.fee_due + self.pending
            if self.reached:
                return
            self._accrue(piece, rate)

    def _accrue(self, piece: _Piece, rate: Decimal) -> None:
        base = self.principal + self.capitalised
        days = (piece.end - piece.start).days + 1
        # Multiply before dividing: a whole month is then exactly rate % of the base.
        amount = base * rate * days / (_HUNDRED * piece.divisor)
        if amount == 0:
            return  # nothing to run a fee on
        what, end = piece.what, piece.end
        if self._room(amount) < amount:
            amount = self._room(amount)
            # The first day on which the running fee reaches the cap; accrual stops there.
            days = math.ceil(amount * _HUNDRED * piece.divisor / (base * rate))
            end = piece.start + timedelta(days=days - 1)
            what += ", until the cap is reached"
        if self.capitalised:
            what += (
                f", on the principal plus {round_money(self.capitalised, self.currency)} unpaid fee"
            )
        self._add(
            FeeLine.trusted(
                from_=piece.start,
                to=end,
                days=days,
                base=base,
                rate=rate,
                amount=amount,
                what=what,
            )
        )

    def close(self) -> None:
        """A rounding point: round the pending accrual and charge it, never above the cap."""
        total = self.charged + round_money(self.pending, self.currency)
        if self.cap is not None and (self.accrued >= self.cap or total > self.cap):
            total = self.cap
        self.fee_due += total - self.charged
        self.charged, self.pending = total, Decimal(0)
        self.closes.append((len(self.lines), total))

    def step(self, day: date, own: StepFee | None = None) -> None:
        """A ladder step applied the fee on `day` (after that day's payments).

        `own` is the step's own fee, booked in place of what the clause books at a step.
        """
        first, self.claimable = not self.claimable, True
        if own is not None:
            self._book_own(day, own)
            return
        kind = self.terms.kind
        if kind == "flat" and (first or self.terms.per == "step"):
            amount = _required(self.terms.amount, "amount")
            self.book(day, amount, None, f"flat fee applied by the step on {day}")
        elif kind == "percent" and first:
            rate = _required(self.terms.rate, "rate")
            what = f"{_percent(rate)} % of the unpaid principal, applied by the step on {day}"
            self.book(day, self.principal * rate / _HUNDRED, rate, what)

    def _book_own(self, day: date, own: StepFee) -> None:
        """The step's own fee: its flat amount, or its rate of the unpaid principal."""
        if own.kind == "flat":
            amount = _required(own.amount, "amount")
            self.book(day, amount, None, f"the step's own flat fee, applied on {day}")
            return
        rate = _required(own.rate, "rate")
        what = f"the step's own {_percent(rate)} % of the unpaid principal, applied on {day}"
        self.book(day, self.principal * rate / _HUNDRED, rate, what)

    def pay(self, day: date, amount: Decimal) -> None:
        """Apply a payment: principal only before the fee was applied, else in `allocation`."""
        if self.claimable and (self.allocation == "fees_first" or amount > self.principal):
            self.close()  # the payment reaches the fee: round what it pays
        order = ("fee", "principal") if self.allocation == "fees_first" else ("principal", "fee")
        for part in order if self.claimable else ("principal",):
            if part == "fee":
                paid = min(amount, self.fee_due)
                self.fee_due -= paid
                self.fee_paid += paid
                if paid:
                    self.fee_payments.append((day, self.fee_paid))
            else:
                paid = min(amount, self.principal)
                self.principal -= paid
            amount -= paid
        self.overpaid += amount
        # A paid fee leaves the base: only the fee still unpaid stays capitalised.
        self.capitalised = min(self.capitalised, self.fee_due + self.pending)


def _cap_text(terms: LateFee, principal: Decimal, currency: str) -> str:
    """The rule sentence's ", capped at ..." part; empty without a cap."""
    amount = f"{round_money(terms.cap, currency)} {currency}" if terms.cap is not None else ""
    if terms.cap_rate is None:
        return f", capped at {amount}" if amount else ""
    share = round_money(principal * terms.cap_rate / _HUNDRED, currency)
    by_rate = f"{_percent(terms.cap_rate)} % of the principal ({share} {currency})"
    if amount:
        return f", capped at the lower of {amount} and {by_rate}"
    return f", capped at {by_rate}"


def _clause(terms: LateFee, fee_from: date, currency: str) -> str:
    """The clause in words, without its cap."""
    if terms.kind == "flat":
        amount = f"{_required(terms.amount, 'amount')} {currency}"
        if terms.per == "step":
            return f"a flat {amount} at every dunning step that applies it"
        return f"a flat {amount} once per invoice"
    rate = _percent(_required(terms.rate, "rate"))
    if terms.kind == "percent":
        return f"{rate} % of the principal unpaid when a dunning step applies it, once"
    if terms.kind == "daily_rate":
        return f"{rate} % a day on the unpaid principal from {fee_from}"
    compounded = ", compounded monthly" if terms.compound else ""
    return f"{rate} % a month on the unpaid principal from {fee_from}{compounded}"


def _rule(terms: LateFee, request: _Request, ledger: _Ledger) -> str:
    """One sentence naming the clause and, where it matters, why nothing is owed or the cap."""
    if terms.kind == "none":
        return "no late-fee clause"
    text = "contract late fee: " + _clause(terms, request.fee_from, request.currency)
    text += _cap_text(terms, request.principal, request.currency)
    if not ledger.claimable:
        return f"{text}; no dunning step had applied it by {request.as_of}, so none is owed yet"
    if ledger.reached:
        return f"{text}; the cap is reached"
    return text


def contractual_fee(
    terms: LateFee,
    *,
    principal: Decimal,
    currency: str,
    fee_from: date,
    as_of: date,
    applied: Sequence[date],
    payments: Sequence[tuple[date, Decimal]] = (),
    allocation: FeeAllocation = "fees_first",
    step_fees: Sequence[tuple[date, StepFee]] = (),
) -> FeeComputation:
    """The fee a contract's late-fee clause adds to one invoice on `as_of`, line by line.

    The semantics are the module's (see its docstring): the fee may run from `fee_from`, is owed
    once a dunning step applied it, is capped, and payments are allocated as `allocation` says.

    Args:
        terms: the contract's `LateFee` clause.
        principal: the invoice's principal (total due, before any payment).
        currency: ISO 4217 code; amounts are rounded to its minor unit.
        fee_from: the first day a fee may run (the day after the grace period ends).
        as_of: compute the fee owed on this day.
        applied: the days, in order, on which a ladder step applied the fee
            (``apply_late_fee``).
        payments: ``(date, amount)`` pairs in date order; those after `as_of` are ignored.
        allocation: ``fees_first`` (default) or ``principal_first``, for payments made after the
            fee was applied.
        step_fees: ``(date, StepFee)`` pairs in date order: a step with its own fee applied it
            that day (it books that fee instead of the clause's).

    Returns:
        The `FeeComputation`: the fee, what the payments paid, the lines and the rule.

    Raises:
        InvalidCaseError: for a ``statutory`` clause (see `statutory_interest`), a negative or
            too precise amount, an unknown currency or dates out of order (`field` names the
            argument), or a fee that would reach `MAX_FEE` (`field` is ``late_fee``).

    Examples:
        >>> fee = contractual_fee(
        ...     LateFee(kind="daily_rate", rate="0.1", cap_rate="10"), principal=Decimal("1200.00"),
        ...     currency="PLN", fee_from=date(2026, 3, 6), as_of=date(2026, 3, 20),
        ...     applied=[date(2026, 3, 20)])
        >>> fee.fee, fee.days, fee.cap
        (Decimal('18.00'), 15, Decimal('120.00'))
        >>> print(fee.rule)  # doctest: +NORMALIZE_WHITESPACE
        contract late fee: 0.1 % a day on the unpaid principal from 2026-03-06,
        capped at 10 % of the principal (120.00 PLN)
    """
    if terms.kind == "statutory":
        raise InvalidCaseError(
            "statutory interest is not a contractual fee: compute it with statutory_interest",
            field="late_fee.kind",
            value=terms.kind,
        )
    request = _Request.model_validate(
        {
            "principal": principal,
            "currency": currency,
            "fee_from": fee_from,
            "as_of": as_of,
            "applied": tuple(applied),
            "step_fees": tuple(step_fees),
            "payments": [{"date": day, "amount": amount} for day, amount in payments],
        }
    )
    with localcontext(_CONTEXT):
        return _compute(terms, request, allocation)


def _compute(terms: LateFee, request: _Request, allocation: FeeAllocation) -> FeeComputation:
    currency, as_of = request.currency, request.as_of
    ledger = _Ledger(
        terms,
        currency,
        request.fee_from,
        allocation,
        request.principal,
        _effective_cap(terms, request.principal, currency) if terms.kind != "none" else None,
    )
    _walk(ledger, request)
    lines = _settled(ledger) if ledger.claimable else ()
    return FeeComputation.trusted(
        kind=terms.kind,
        currency=currency,
        principal=request.principal,
        fee_from=request.fee_from,
        as_of=as_of,
        allocation=allocation,
        fee=round_money(ledger.charged, currency),
        fee_paid=round_money(ledger.fee_paid, currency),
        fee_outstanding=round_money(ledger.fee_due, currency),
        principal_outstanding=round_money(ledger.principal, currency),
        overpaid=round_money(ledger.overpaid, currency),
        days=sum(line.days for line in lines),
        cap=ledger.cap,
        capped=ledger.claimable and ledger.reached,
        lines=lines,
        rule=_rule(terms, request, ledger),
    )


def _settled(ledger: _Ledger) -> tuple[FeeLine, ...]:
    """The ledger's lines, each paid off by a payment marked with that payment's date.

    The fee is rounded, and so paid, a rounding period at a time: the lines up to a rounding
    point form one group, settled by the first payment that brings the fee paid so far up to
    everything charged through it (the oldest fee is paid first). A group only partly paid
    stays unmarked.
    """
    settled: list[FeeLine] = []
    start = 0
    for count, charged in ledger.closes:
        day = next((d for d, paid in ledger.fee_payments if paid >= charged), None)
        settled += [
            line.model_copy(update={"settled_on": day}) if day else line
            for line in ledger.lines[start:count]
        ]
        start = count
    return (*settled, *ledger.lines[start:])


def _walk(ledger: _Ledger, request: _Request) -> None:
    """Run through the payments and steps up to `as_of`; payments first on a shared day."""
    as_of = request.as_of
    events: list[tuple[date, int, Decimal | StepFee | None]] = [
        (p.date, 0, p.amount) for p in request.payments if p.date <= as_of
    ]
    events += [(day, 1, None) for day in request.applied if request.fee_from <= day <= as_of]
    events += [(day, 1, own) for day, own in request.step_fees if request.fee_from <= day <= as_of]
    for day, _, amount in sorted(events, key=lambda event: event[:2]):
        if not isinstance(amount, Decimal):
            ledger.step(day, amount)
        else:
            ledger.accrue_through(day)
            ledger.pay(day, amount)
    ledger.accrue_through(as_of)
    if ledger.claimable:
        ledger.close()
