"""Work contracts: the prepayments, stage payments and stops a job needs (SPEC §2).

A job done under a contract is paid for differently from a plain invoice: money up front, stage
payments as it goes, and a kill fee when the client disappears half-way. Practitioners agree on
the order of things — ask for the deposit before starting, never let work start or continue
unpaid, bill each stage when it is reached, and stop when the client goes silent, billing the
work done (the ``tradesperson`` policy's "deposit/materials paid up front, stage payments on
multi-day jobs"). This module states those needs for one client; it neither times nor routes
them (the planner does), and once an invoice exists it is chased like any other invoice.

The rules, the library's contract:

1. **Prepayments** — the contract's ``deposit`` (when ``due_before_start``) and ``materials``.
   The sum required is the clause's ``amount``, or its ``rate`` percent of the contract value
   (`contract_value`); a deposit giving neither is 50 % for a first-time client and 25 % for a
   returning one — a client with an invoice under another contract paid in full by today. What
   is *paid* counts the payments dated up to today on the contract's invoices of kind
   ``deposit`` (resp. ``materials``); what is *billed* counts their totals.

   * Work not started yet (``work_started`` unknown or later than today) and less billed than
     required: ``request_deposit`` of the required sum less what is paid, from today, stating
     the day before ``work_started`` as its deadline when that is known. Once a request
     (history key ``{contract}/{topic}/request_deposit/N``) went out and did not bounce or fail,
     it is not asked again; a bounced one is retried under the next number. With enough
     billed, the prepayment invoice is chased like any invoice instead.
   * Work started and not finished (``work_finished`` unknown or later than today) with less
     paid than required: ``pause_work``, so that work does not start or continue unpaid —
     unless the latest pause or resume recorded for ``{contract}/{topic}/`` is a pause.
   * Paused for a prepayment that is now paid: ``resume_work``.

2. **Milestones** — a milestone no invoice names yet: ``request_milestone`` of its amount,
   from its due date (or today, if that is later), until a request keyed
   ``{contract}/{milestone}/request_milestone/N`` gets through. Once an invoice names the
   milestone, that invoice is chased like any other.

3. **Kill fee** — work started and not finished, and the client silent for the clause's
   ``after_silence`` since the later of ``work_started`` and the local date of their last
   inbound contact of any kind: ``pause_work`` (topic ``kill_fee``) charging the kill fee — its
   ``amount``, or ``rate`` percent of the remaining contract value (the value less the totals of
   the contract's work, milestone and deposit invoices, never below zero) — plus the milestones
   already due that no invoice bills yet. The computation comes as a `Charge`. The pause is
   never lifted automatically: the host resumes the work when the client is back. Not again
   while the latest pause or resume recorded for ``{contract}/kill_fee/`` is a pause.

Every need's key is ``{contract}/{topic}/{kind}/{number}``, the number counting the earlier
attempts of the same need in the history, so that a host performing a need once records it
once and the next attempt gets a new key. Cancelled invoices count nowhere: they bill nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final, Literal

from paychase.calendar._durations import Duration
from paychase.calendar._protocols import HolidayCalendar
from paychase.case._contracts import Contract, Deposit, KillFee, Materials, contract_value
from paychase.case._history import ContactEvent
from paychase.case._invoices import Invoice
from paychase.case._money import round_money
from paychase.conversation._facts import latest
from paychase.money._amounts import Charge, ChargeLine
from paychase.money._balances import ZERO, balance_of, paid_in_full_on

__all__ = ["WorkNeed", "WorkNeedKind", "is_work_key", "work_needs", "work_paused"]

WorkNeedKind = Literal["request_deposit", "request_milestone", "pause_work", "resume_work"]
"""What a work contract needs: a prepayment or stage asked for, work paused or resumed."""

Prepayment = Literal["deposit", "materials"]
_PREPAYMENTS: Final[tuple[Prepayment, ...]] = ("deposit", "materials")

_ONE_DAY: Final = timedelta(days=1)
_HUNDRED: Final = Decimal(100)
# The practitioners' default deposit when the contract names no sum: half up front from a
# client one has never been paid by, a quarter from one who has paid before.
_FIRST_TIME_DEPOSIT: Final = Decimal(50)
_RETURNING_DEPOSIT: Final = Decimal(25)
_DID_NOT_ARRIVE: Final = frozenset({"bounced", "failed"})
# Invoices that bill the job itself; materials are passed-through costs, not contract value.
_BILLS_WORK: Final = frozenset({"invoice", "milestone", "deposit"})
_UNIT_WORDS: Final = {"d": "days", "bd": "business days", "w": "weeks", "h": "hours"}


@dataclass(frozen=True, slots=True)
class WorkNeed:
    """One thing a work contract needs, with the money and the reason behind it."""

    kind: WorkNeedKind
    contract: str
    topic: str  # "deposit", "materials", a milestone id, or "kill_fee"
    number: int  # 1 for the first such need, n + 1 after n earlier ones in the history
    invoices: tuple[str, ...]  # the invoices it concerns (prepayment invoices), maybe none
    not_before: date  # the client's local date from which it should happen
    amount: Decimal  # what is asked for or charged, rounded to the currency
    currency: str
    reason: str  # names the rule and the dates behind it
    deadline: date | None = None  # the payment deadline the request states, if any
    charges: tuple[Charge, ...] = ()  # a kill fee's computation

    @property
    def key(self) -> str:
        """The idempotency key: ``{contract}/{topic}/{kind}/{number}``."""
        return f"{self.contract}/{self.topic}/{self.kind}/{self.number}"


@dataclass(frozen=True, slots=True)
class _Books:
    """What the rules read about one client, gathered once."""

    invoices: tuple[Invoice, ...]  # of the client's contracts, cancelled ones left out
    events: tuple[ContactEvent, ...]  # the client's history, oldest first
    today: date
    calendar: HolidayCalendar
    local_date: Callable[[datetime], date]

    def of(self, contract: Contract, kinds: frozenset[str]) -> tuple[Invoice, ...]:
        """The contract's invoices of these kinds."""
        return tuple(i for i in self.invoices if i.contract == contract.id and i.kind in kinds)

    def attempts(self, prefix: str) -> list[ContactEvent]:
        """Outbound contacts made for the need whose keys are `prefix` plus a number."""
        return [
            e
            for e in self.events
            if e.direction == "out" and e.key is not None and _numbered(e.key, prefix)
        ]

    def count(self, kind: Literal["pause_work", "resume_work"], prefix: str) -> int:
        """How many `kind` events (pause or resume) were recorded under `prefix`."""
        return sum(1 for e in self.events if e.kind == kind and (e.key or "").startswith(prefix))

    def paused(self, prefix: str) -> bool:
        """Whether the latest pause or resume under `prefix` that took effect is a pause."""
        return work_paused(self.events, (prefix,))

    def working(self, contract: Contract) -> bool:
        """Whether work on the contract has started and is not finished as of today."""
        started, finished = contract.work_started, contract.work_finished
        return (
            started is not None
            and started <= self.today
            and (finished is None or finished > self.today)
        )


def work_needs(
    client_id: str,
    contracts: Sequence[Contract],
    invoices: Sequence[Invoice],
    events: Sequence[ContactEvent],
    *,
    today: date,
    calendar: HolidayCalendar,
    local_date: Callable[[datetime], date],
) -> list[WorkNeed]:
    """What the client's work contracts need as of `today`, by the rules of this module.

    Args:
        client_id: the client; contracts, invoices and events of others are ignored.
        contracts: the contracts (those of other clients are left out).
        invoices: the client's invoices, under any of its contracts.
        events: the client's contact history up to now, oldest first.
        today: the client's local date.
        calendar: the client's working days, for an ``after_silence`` in business days.
        local_date: the client's local date of a moment, for the dates of inbound contacts.

    Returns:
        The needs, sorted by `not_before` then key.

    >>> from paychase.case._case import Contract
    >>> from paychase.testing import FixedCalendar
    >>> contract = Contract.model_validate({"id": "k1", "client": "c1", "currency": "EUR",
    ...     "value": "2000", "deposit": {"rate": "30"}, "work_started": "2026-04-01"})
    >>> [need] = work_needs("c1", [contract], [], [], today=date(2026, 3, 10),
    ...     calendar=FixedCalendar(), local_date=lambda moment: moment.date())
    >>> need.key, need.amount, need.deadline
    ('k1/deposit/request_deposit/1', Decimal('600.00'), datetime.date(2026, 3, 31))
    """
    mine = [c for c in contracts if c.client == client_id]
    ids = {c.id for c in mine}
    books = _Books(
        invoices=tuple(i for i in invoices if i.contract in ids and i.status != "cancelled"),
        events=tuple(e for e in events if e.client == client_id),
        today=today,
        calendar=calendar,
        local_date=local_date,
    )
    needs = [need for contract in mine for need in _contract_needs(contract, books)]
    return sorted(needs, key=lambda need: (need.not_before, need.key))


def _contract_needs(contract: Contract, books: _Books) -> Iterator[WorkNeed]:
    for topic in _PREPAYMENTS:
        need = _prepayment_need(contract, topic, books)
        if need is not None:
            yield need
    yield from _milestone_needs(contract, books)
    kill = _kill_fee_need(contract, books)
    if kill is not None:
        yield kill


# -- rule 1: prepayments -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepaid:
    """Where one prepayment stands today."""

    topic: Prepayment
    required: Decimal
    basis: str  # how the required sum was set, for the reason
    invoices: tuple[Invoice, ...]
    paid: Decimal
    billed: Decimal

    @property
    def missing(self) -> Decimal:
        """What is still to be paid."""
        return self.required - self.paid

    def describe(self, currency: str) -> str:
        """``the deposit of 600.00 EUR (30 % of the contract value 2000.00)``."""
        what = "deposit" if self.topic == "deposit" else "materials prepayment"
        return f"the {what} of {self.required} {currency} ({self.basis})"


def _prepayment_need(contract: Contract, topic: Prepayment, books: _Books) -> WorkNeed | None:
    prepaid = _prepaid(contract, topic, books)
    if prepaid is None:
        return None
    prefix = f"{contract.id}/{topic}/"
    if prepaid.paid >= prepaid.required:
        return _resume(contract, prepaid, books) if books.paused(prefix) else None
    started = contract.work_started
    if started is None or started > books.today:
        return _request(contract, prepaid, books) if prepaid.billed < prepaid.required else None
    if not books.working(contract) or books.paused(prefix):
        return None
    return _pause_unpaid(contract, prepaid, books)


def _prepaid(contract: Contract, topic: Prepayment, books: _Books) -> _Prepaid | None:
    """The prepayment's required, paid and billed sums, or None if the contract asks none."""
    clause: Deposit | Materials | None
    if topic == "deposit":
        clause = (
            contract.deposit if contract.deposit and contract.deposit.due_before_start else None
        )
    else:
        clause = contract.materials
    if clause is None:
        return None
    required = _required(contract, clause, books)
    if required is None:
        return None
    invoices, currency = books.of(contract, frozenset({topic})), contract.currency
    return _Prepaid(
        topic=topic,
        required=required[0],
        basis=required[1],
        invoices=invoices,
        paid=round_money(sum((balance_of(i, books.today).paid for i in invoices), ZERO), currency),
        billed=round_money(sum((i.billed for i in invoices), ZERO), currency),
    )


def _required(
    contract: Contract, clause: Deposit | Materials, books: _Books
) -> tuple[Decimal, str] | None:
    """The sum a prepayment clause asks for, and how it was set."""
    currency = contract.currency
    if clause.amount is not None:
        return round_money(clause.amount, currency), "as agreed"
    rate, who = clause.rate, ""
    if rate is None:  # a deposit naming no sum
        returning = _returning(contract, books)
        rate = _RETURNING_DEPOSIT if returning else _FIRST_TIME_DEPOSIT
        who = f", the default for a {'returning' if returning else 'first-time'} client"
    value = contract_value(contract)
    if value is None:  # Case validation refuses a share of an unknown contract value
        return None
    basis = f"{_percent(rate)} of the contract value {round_money(value, currency)}{who}"
    return round_money(value * rate / _HUNDRED, currency), basis


def _returning(contract: Contract, books: _Books) -> bool:
    """Whether the client has paid an invoice of another contract in full by today."""
    return any(
        (paid := paid_in_full_on(i)) is not None and paid <= books.today
        for i in books.invoices
        if i.contract != contract.id
    )


def _request(contract: Contract, prepaid: _Prepaid, books: _Books) -> WorkNeed | None:
    attempts = books.attempts(f"{contract.id}/{prepaid.topic}/request_deposit/")
    if any(e.outcome not in _DID_NOT_ARRIVE for e in attempts):
        return None
    currency, start = contract.currency, contract.work_started
    deadline = start - _ONE_DAY if start is not None else None
    when = (
        f"work starts {start}, so it is due by {deadline}"
        if start is not None
        else "work has no start date yet"
    )
    retry = f"; request {len(attempts)} did not arrive, so ask again" if attempts else ""
    return WorkNeed(
        kind="request_deposit",
        contract=contract.id,
        topic=prepaid.topic,
        number=len(attempts) + 1,
        invoices=tuple(i.id for i in prepaid.invoices),
        not_before=books.today,
        amount=prepaid.missing,
        currency=currency,
        deadline=deadline,
        reason=f"contract {contract.id} asks {prepaid.describe(currency)} before work starts; "
        f"{prepaid.paid} paid and {prepaid.billed} billed as of {books.today}: request "
        f"{prepaid.missing} {currency}; {when}{retry}",
    )


def _pause_unpaid(contract: Contract, prepaid: _Prepaid, books: _Books) -> WorkNeed:
    currency = contract.currency
    return WorkNeed(
        kind="pause_work",
        contract=contract.id,
        topic=prepaid.topic,
        number=books.count("pause_work", f"{contract.id}/{prepaid.topic}/") + 1,
        invoices=tuple(i.id for i in prepaid.invoices),
        not_before=books.today,
        amount=prepaid.missing,
        currency=currency,
        reason=f"contract {contract.id} asks {prepaid.describe(currency)} before work starts; "
        f"work started {contract.work_started} but only {prepaid.paid} is paid as of "
        f"{books.today}: pause the work so that it does not continue unpaid until "
        f"{prepaid.missing} {currency} more is paid",
    )


def _resume(contract: Contract, prepaid: _Prepaid, books: _Books) -> WorkNeed:
    currency = contract.currency
    return WorkNeed(
        kind="resume_work",
        contract=contract.id,
        topic=prepaid.topic,
        number=books.count("resume_work", f"{contract.id}/{prepaid.topic}/") + 1,
        invoices=tuple(i.id for i in prepaid.invoices),
        not_before=books.today,
        amount=round_money(ZERO, currency),  # nothing is asked: the prepayment is paid
        currency=currency,
        reason=f"work on contract {contract.id} was paused for {prepaid.describe(currency)}; "
        f"{prepaid.paid} {currency} is paid as of {books.today}: resume the work",
    )


# -- rule 2: milestones ------------------------------------------------------------------


def _billed_milestones(contract: Contract, books: _Books) -> set[str | None]:
    return {i.milestone for i in books.of(contract, frozenset({"milestone"}))}


def _milestone_needs(contract: Contract, books: _Books) -> Iterator[WorkNeed]:
    billed = _billed_milestones(contract, books)
    currency = contract.currency
    for milestone in contract.milestones:
        if milestone.id in billed:
            continue
        attempts = books.attempts(f"{contract.id}/{milestone.id}/request_milestone/")
        if any(e.outcome not in _DID_NOT_ARRIVE for e in attempts):
            continue
        amount = round_money(milestone.amount, currency)
        retry = f"; request {len(attempts)} did not arrive, so ask again" if attempts else ""
        yield WorkNeed(
            kind="request_milestone",
            contract=contract.id,
            topic=milestone.id,
            number=len(attempts) + 1,
            invoices=(),
            not_before=max(books.today, milestone.due),
            amount=amount,
            currency=currency,
            deadline=None,
            charges=(),
            reason=f"milestone {milestone.id} '{milestone.name}' of contract {contract.id} "
            f"({amount} {currency}) is due {milestone.due} and no invoice bills it yet: "
            f"request the stage payment{retry}",
        )


# -- rule 3: kill fee --------------------------------------------------------------------


def _kill_fee_need(contract: Contract, books: _Books) -> WorkNeed | None:
    clause, started = contract.kill_fee, contract.work_started
    prefix = f"{contract.id}/kill_fee/"
    if clause is None or started is None or not books.working(contract) or books.paused(prefix):
        return None
    heard = [books.local_date(e.at) for e in books.events if e.direction == "in"]
    silent_since = max([started, *heard])
    silence_ends = clause.after_silence.shift_date(silent_since, books.calendar)
    if books.today < silence_ends:
        return None
    charge = _kill_fee_charge(contract, clause, silent_since, books)
    if charge is None:
        return None
    currency = contract.currency
    billed = _billed_milestones(contract, books)
    done = [m for m in contract.milestones if m.due <= books.today and m.id not in billed]
    amount = charge.amount + sum((round_money(m.amount, currency) for m in done), ZERO)
    work = "; ".join(f"{m.id} {m.name} {round_money(m.amount, currency)}" for m in done)
    since = "last heard from" if heard and max(heard) >= started else "work started"
    return WorkNeed(
        kind="pause_work",
        contract=contract.id,
        topic="kill_fee",
        number=books.count("pause_work", prefix) + 1,
        invoices=(),
        not_before=books.today,
        amount=amount,
        currency=currency,
        charges=(charge,),
        reason=f"no word from the client since {silent_since} ({since}); "
        f"{_spoken(clause.after_silence)} of silence ended {silence_ends}: pause the work on "
        f"contract {contract.id} and bill the kill fee of {charge.amount} {currency} "
        f"({charge.rule}); "
        + (f"bill the work done: {work}" if done else "no work done is left unbilled")
        + f"; {amount} {currency} in all. The pause is not lifted automatically: resume the "
        "work when the client is back",
    )


def _kill_fee_charge(
    contract: Contract, clause: KillFee, silent_since: date, books: _Books
) -> Charge | None:
    """The kill fee with its computation, or None for a share of an unknown contract value."""
    currency, today = contract.currency, books.today
    silence = f"after {_spoken(clause.after_silence)} of silence since {silent_since}"
    if clause.amount is not None:
        fee = base = exact = round_money(clause.amount, currency)
        rule = f"kill fee: {fee} as agreed {silence}"
    else:
        value = contract_value(contract)
        if clause.rate is None or value is None:  # Case validation refuses both
            return None
        billed = sum((i.billed for i in books.of(contract, _BILLS_WORK)), ZERO)
        base = round_money(max(value - billed, ZERO), currency)
        exact = base * clause.rate / _HUNDRED
        fee = round_money(exact, currency)
        rule = (
            f"kill fee: {_percent(clause.rate)} of the remaining contract value {base} "
            f"(value {round_money(value, currency)} less {round_money(billed, currency)} "
            f"billed) {silence}"
        )
    line = ChargeLine(
        from_=silent_since,
        to=today,
        days=(today - silent_since).days,
        base=base,
        rate=clause.rate,
        amount=exact,
    )
    return Charge(
        invoice=contract.id,
        kind="kill_fee",
        amount=fee,
        currency=currency,
        as_of=today,
        rule=rule,
        lines=(line,),
    )


# -- wording -----------------------------------------------------------------------------


def _numbered(key: str, prefix: str) -> bool:
    """Whether `key` is `prefix` followed by an attempt number."""
    number = key.removeprefix(prefix)
    return number != key and number.isascii() and number.isdigit()


def _percent(rate: Decimal) -> str:
    """``Decimal("25.0")`` → ``25 %``."""
    return f"{rate.normalize():f} %"


def _spoken(duration: Duration) -> str:
    """``21d`` → ``21 days``; a duration moved to a weekday (``+1w@TU``) stays as written."""
    if duration.weekday is not None:
        return str(duration)
    words = _UNIT_WORDS[duration.unit]
    return f"{duration.count} {words.removesuffix('s') if duration.count == 1 else words}"


_TOPICS_THAT_PAUSE: Final = frozenset({"deposit", "materials", "kill_fee"})


def work_paused(events: Sequence[ContactEvent], prefixes: tuple[str, ...]) -> bool:
    """Whether work is paused: the latest pause or resume keyed under one of `prefixes`.

    Only those that took effect count (not bounced or failed); `events` are oldest first.
    """
    last = latest(
        events,
        lambda e: (
            e.kind in ("pause_work", "resume_work")
            and (e.key or "").startswith(prefixes)
            and e.outcome not in _DID_NOT_ARRIVE
        ),
    )
    return last is not None and last.kind == "pause_work"


def is_work_key(key: str | None) -> bool:
    """Whether an action key is a pause or resume of work decided here (not by the ladder).

    >>> is_work_key("k1/deposit/pause_work/1"), is_work_key("k1/inv-1/pause/1")
    (True, False)
    """
    if key is None:
        return False
    parts = key.split("/")
    return (
        len(parts) == 4
        and parts[1] in _TOPICS_THAT_PAUSE
        and parts[2] in ("pause_work", "resume_work")
    )
