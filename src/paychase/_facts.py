"""What is known about each invoice at the planning moment, read from the case.

The portfolio index gives the planner each client's invoices and each invoice's history in
one dict access; `read_facts` turns one invoice into its due date, balance (disputed part
apart), promise, disputes and state — everything later decisions rest on, computed once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from paychase._actions import InvoiceStatus
from paychase._amounts import ZERO, Balance, balance_of, paid_in_full_on
from paychase._case import Case, ContactEvent, Contract, Invoice
from paychase._charges import ChargeBook, Owed
from paychase._ladder import Progress, Signal, fold_state
from paychase._schedule import ClientClock

__all__ = ["SETTLED", "InvoiceFacts", "Portfolio", "about", "latest", "owed_on", "read_facts"]

SETTLED: frozenset[InvoiceStatus] = frozenset({"paid", "cancelled", "written_off"})
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Portfolio:
    """The case indexed for planning: each lookup the planner needs is a dict access.

    Only the history up to the planning moment is indexed: what happens later is not known yet.
    """

    contracts: Mapping[str, Contract]
    contracts_of: Mapping[str, Sequence[Contract]]
    invoices_of: Mapping[str, Sequence[Invoice]]
    events_of_client: Mapping[str, Sequence[ContactEvent]]
    events_of_invoice: Mapping[str, Sequence[ContactEvent]]

    @classmethod
    def of(cls, case: Case, now: datetime) -> Portfolio:
        """Index `case` as known at `now`."""
        contracts = {contract.id: contract for contract in case.contracts}
        contracts_of: dict[str, list[Contract]] = defaultdict(list)
        for contract in case.contracts:
            contracts_of[contract.client].append(contract)
        invoices_of: dict[str, list[Invoice]] = defaultdict(list)
        for invoice in case.invoices:
            invoices_of[contracts[invoice.contract].client].append(invoice)
        of_client: dict[str, list[ContactEvent]] = defaultdict(list)
        of_invoice: dict[str, list[ContactEvent]] = defaultdict(list)
        for event in sorted(case.history, key=lambda e: e.at):
            if event.at > now:
                break  # in time order: every later event is after `now` too
            of_client[event.client].append(event)
            for invoice_id in event.invoices:
                of_invoice[invoice_id].append(event)
        return cls(contracts, contracts_of, invoices_of, of_client, of_invoice)


@dataclass(slots=True)
class InvoiceFacts:
    """What is known about one invoice at the planning moment."""

    invoice: Invoice
    contract: Contract
    due: date
    events: Sequence[ContactEvent]
    balance: Balance
    promise: ContactEvent | None
    promise_holds_until: date | None
    promise_broken: bool
    disputes: list[ContactEvent]
    grace_end: date
    disputed: Decimal = ZERO  # what the client contests, even where payments cover it
    state: InvoiceStatus = "draft"
    progress: Progress = field(default_factory=Progress)


def read_facts(
    invoice: Invoice,
    contract: Contract,
    events: Sequence[ContactEvent],
    clock: ClientClock,
    today: date,
) -> InvoiceFacts:
    """The facts of `invoice` on the client's local date `today`, from its history `events`."""
    due = invoice.due or _due_by_terms(invoice, contract, clock)
    disputes = [e for e in events if e.kind == "dispute"]
    disputed = _disputed_amount(invoice, disputes)
    balance = balance_of(invoice, today, disputed)
    promise = latest(events, lambda e: e.kind == "promise")
    holds_until: date | None = None
    broken = False
    if promise is not None and promise.promise is not None:
        holds_until = contract.grace.shift_date(promise.promise.date, clock.calendar)
        promised = promise.promise.amount
        kept = balance.owed == ZERO or (
            promised is not None and _paid_since(invoice, promise, clock) >= promised
        )
        broken = not kept and today > holds_until
    grace_end = contract.grace.shift_date(due, clock.calendar)
    facts = InvoiceFacts(
        invoice,
        contract,
        due,
        events,
        balance,
        promise,
        holds_until,
        broken,
        disputes,
        grace_end,
        min(disputed, invoice.total),
    )
    facts.state = _state(facts, clock, today)
    return facts


def _state(facts: InvoiceFacts, clock: ClientClock, today: date) -> InvoiceStatus:
    """The invoice's state: its dated signals folded through the state table."""
    invoice = facts.invoice
    if invoice.status in ("cancelled", "written_off"):
        return invoice.status
    signals: list[tuple[date, Signal]] = [
        (invoice.issued, "issued"),
        (facts.due, "falls_due"),
        (facts.due + _ONE_DAY, "goes_overdue"),
    ]
    settled_on = paid_in_full_on(invoice)
    if settled_on is not None:  # a prepayment settles the invoice when it is issued
        signals.append((max(settled_on, invoice.issued), "paid_in_full"))
    if facts.promise is not None:
        signals.append((clock.local(facts.promise.at).date(), "promised"))
        if facts.promise_broken and facts.promise_holds_until is not None:
            signals.append((facts.promise_holds_until + _ONE_DAY, "promise_broken"))
    if invoice.status == "disputed" or (facts.disputes and facts.balance.chased == ZERO):
        first = clock.local(facts.disputes[0].at).date() if facts.disputes else invoice.issued
        signals.append((first, "disputed"))
    signals += [
        (clock.local(e.at).date(), "escalated")
        for e in facts.events
        if e.kind == "escalate" and e.direction == "out"
    ]
    return fold_state(signals, today)


def latest(
    events: Sequence[ContactEvent], wanted: Callable[[ContactEvent], bool]
) -> ContactEvent | None:
    """The latest of `events` (oldest first) that is `wanted`."""
    for event in reversed(events):
        if wanted(event):
            return event
    return None


def about(event: ContactEvent, invoice: Invoice) -> bool:
    """Whether an event concerns the invoice (an event naming no invoice concerns them all)."""
    return not event.invoices or invoice.id in event.invoices


def _due_by_terms(invoice: Invoice, contract: Contract, clock: ClientClock) -> date:
    assert contract.payment_terms is not None  # Case validation guarantees it
    return contract.payment_terms.shift_date(invoice.issued, clock.calendar)


def _disputed_amount(invoice: Invoice, disputes: list[ContactEvent]) -> Decimal:
    if invoice.status == "disputed":
        return invoice.total
    disputed = ZERO
    for event in disputes:
        if event.dispute is None or event.dispute.amount is None:
            return invoice.total
        disputed += event.dispute.amount
    return disputed


def _paid_since(invoice: Invoice, promise: ContactEvent, clock: ClientClock) -> Decimal:
    since = clock.local(promise.at).date()
    return sum((p.amount for p in invoice.payments if p.date >= since), ZERO)


def owed_on(
    facts: InvoiceFacts,
    book: ChargeBook,
    clock: ClientClock,
    *,
    today: date,
    day: date,
    applying: str | None = None,
) -> Owed:
    """What the invoice owes on the local date `day`, with payments known on `today`.

    `applying` names a fee-charging step being performed on `day`: its fee counts too.
    """
    applied = _fee_days(facts, clock)
    if applying is not None:
        applied.setdefault(applying, day)
    return book.owed(
        facts.invoice,
        facts.contract,
        due=facts.due,
        grace_end=facts.grace_end,
        disputed=facts.disputed,
        paid_until=today,
        as_of=day,
        applied=sorted(applied.values()),
    )


def _fee_days(facts: InvoiceFacts, clock: ClientClock) -> dict[str, date]:
    """The day each fee-charging step was performed (or its fee booked), by step."""
    days: dict[str, date] = {}
    for performed in facts.progress.performed:
        step = performed.step
        if not performed.given_up and (
            step.action == "apply_fee" or "apply_late_fee" in step.effects
        ):
            days.setdefault(step.id, clock.local(performed.at).date())
    for event in facts.events:
        if event.kind == "fee":
            days.setdefault(event.step or event.key or "", clock.local(event.at).date())
    return days
