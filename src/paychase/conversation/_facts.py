"""What is known about each invoice at the planning moment, read from the case.

The portfolio index gives the planner each client's invoices and each invoice's history in
one dict access; `read_facts` turns one invoice into its due date, balance (disputed part
apart), promise, disputes and state — everything later decisions rest on, computed once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from paychase._reason import ReasonPart, part
from paychase.calendar._durations import Duration
from paychase.case._case import Case
from paychase.case._chase import Chase
from paychase.case._contracts import Contract
from paychase.case._history import ContactEvent
from paychase.case._instalment_plan import InstalmentPlan
from paychase.case._invoices import Invoice
from paychase.case._parties import Client
from paychase.money._balances import ZERO, Balance, balance_of, paid_in_full_on
from paychase.money._charges import ChargeBook, Owed
from paychase.money._discount import DiscountTaken, discount_taken
from paychase.policy._ladder import InvoiceStatus, Progress, Signal, fold_state
from paychase.policy._policy import Policy
from paychase.policy._schedule import ClientClock
from paychase.policy._step_fee import StepFee

__all__ = [
    "SETTLED",
    "InvoiceFacts",
    "Portfolio",
    "PromiseFacts",
    "about",
    "first_demand",
    "latest",
    "owed_on",
    "own_policy",
    "policy_of",
    "read_facts",
]

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
    plans_of: Mapping[str, Sequence[InstalmentPlan]]
    chases_of: Mapping[str, Sequence[Chase]]
    policies: Mapping[str, Policy]

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
            named = event.invoices
            if not named and _about_the_whole_account(event):
                named = tuple(invoice.id for invoice in invoices_of[event.client])
            for invoice_id in named:
                of_invoice[invoice_id].append(event)
        plans_of: dict[str, list[InstalmentPlan]] = defaultdict(list)
        for arrangement in case.instalment_plans:
            plans_of[arrangement.client].append(arrangement)
        chases_of: dict[str, list[Chase]] = defaultdict(list)
        for chase in case.chases:
            chases_of[chase.client].append(chase)
        return cls(
            contracts,
            contracts_of,
            invoices_of,
            of_client,
            of_invoice,
            plans_of,
            chases_of,
            case.policies,
        )


@dataclass(frozen=True, slots=True)
class PromiseFacts:
    """The client's latest promise to pay, judged at the planning moment (rule 7).

    A promise holds escalation until its date plus the contract's grace. After a broken
    promise the next one holds only to its own date, and the longest hold a promise may ask
    for (the policy's ``max_promise_hold``) halves with each broken promise: a promise beyond
    it is not granted, and a person reviews it. A promise is kept when what it promised (the
    whole balance, where it names no amount) was paid between its making and its hold's end.
    """

    event: ContactEvent
    made: date
    by: date
    amount: Decimal | None
    holds_until: date | None  # None: not granted (see `refused`)
    kept: bool
    broken: bool
    broken_before: int
    refused: ReasonPart | None = None
    last_broken: PromiseFacts | None = None  # the latest of the promises broken before this one

    @property
    def granted(self) -> bool:
        """Whether the promise holds escalation at all (not refused for asking too long)."""
        return self.holds_until is not None

    @property
    def breach(self) -> PromiseFacts | None:
        """The promise whose breach still stands: this one if broken, else the last broken.

        A later promise that was refused, or kept only in part, does not undo the breach of an
        earlier one: the ladder stays at least at its firm step (rule 7).
        """
        return self if self.broken else self.last_broken


@dataclass(slots=True)
class InvoiceFacts:
    """What is known about one invoice at the planning moment."""

    invoice: Invoice
    contract: Contract
    due: date
    events: Sequence[ContactEvent]
    balance: Balance
    promised: PromiseFacts | None
    disputes: list[ContactEvent]  # the open ones: raised after the latest resolution
    resolution: ContactEvent | None  # the latest resolution of a dispute
    grace_end: date
    disputed: Decimal = ZERO  # what the client contests, even where payments cover it
    discount: DiscountTaken | None = None  # an early-payment discount the client earned
    state: InvoiceStatus = "draft"
    progress: Progress = field(default_factory=Progress)


def read_facts(
    invoice: Invoice,
    contract: Contract,
    events: Sequence[ContactEvent],
    clock: ClientClock,
    today: date,
    *,
    max_promise_hold: Duration | None = None,
    plan_dates: tuple[date, date | None] | None = None,
) -> InvoiceFacts:
    """The facts of `invoice` on the client's local date `today`, from its history `events`.

    `max_promise_hold` is the policy's limit on promises (None: no limit); `plan_dates` the
    agreement and breaking dates of an instalment plan covering the invoice.
    """
    due = invoice.due or _due_by_terms(invoice, contract, clock)
    resolution = latest(events, lambda e: e.kind == "dispute_resolved")
    disputes = [
        e for e in events if e.kind == "dispute" and (resolution is None or e.at > resolution.at)
    ]
    disputed = _disputed_amount(invoice, disputes, clock)
    taken = discount_taken(invoice, contract.early_payment_discount, clock.calendar)
    balance = balance_of(invoice, today, disputed, taken)
    promises = [e for e in events if e.kind == "promise"]
    promised = (
        _judge_promises(invoice, contract, promises, clock, today=today, max_hold=max_promise_hold)
        if promises
        else None
    )
    grace_end = contract.grace.shift_date(due, clock.calendar)
    facts = InvoiceFacts(
        invoice,
        contract,
        due,
        events,
        balance,
        promised,
        disputes,
        resolution,
        grace_end,
        min(disputed, invoice.billed),
        taken,
    )
    facts.state = _state(facts, clock, today, plan_dates)
    return facts


def _judge_promises(
    invoice: Invoice,
    contract: Contract,
    promises: list[ContactEvent],
    clock: ClientClock,
    *,
    today: date,
    max_hold: Duration | None,
) -> PromiseFacts:
    """The latest promise, judged after counting the promises broken before it."""
    broken_before = 0
    last_broken: PromiseFacts | None = None
    for current, following in pairwise(promises):
        earlier = _judge(
            invoice, contract, current, clock, broken_before=broken_before, max_hold=max_hold
        )
        superseded_on = clock.local(following.at).date()
        end = earlier.holds_until or earlier.by
        if end < superseded_on and not _kept(invoice, earlier.made, end, earlier.amount):
            broken_before += 1
            last_broken = replace(earlier, broken=True)
    judged = _judge(
        invoice, contract, promises[-1], clock, broken_before=broken_before, max_hold=max_hold
    )
    judged = replace(judged, last_broken=last_broken)
    if judged.holds_until is None:
        return judged
    hold = judged.holds_until
    kept = _kept(invoice, judged.made, min(today, hold), judged.amount)
    return replace(judged, kept=kept, broken=not kept and today > hold)


def _judge(
    invoice: Invoice,
    contract: Contract,
    event: ContactEvent,
    clock: ClientClock,
    *,
    broken_before: int,
    max_hold: Duration | None,
) -> PromiseFacts:
    """One promise's hold, before knowing whether it is kept."""
    assert event.promise is not None  # ContactEvent validation guarantees it
    made = clock.local(event.at).date()
    promised = event.promise.date
    # Grace is a courtesy to a client who has kept their word so far.
    holds_until: date | None = (
        contract.grace.shift_date(promised, clock.calendar) if broken_before == 0 else promised
    )
    refused = None
    if max_hold is not None:
        longest = (max_hold.shift_date(made, clock.calendar) - made).days >> broken_before
        if promised > made + timedelta(days=longest):
            refused = part(
                "promise.refused_halved" if broken_before else "promise.refused",
                made=made,
                by=promised,
                days=longest,
                limit=str(max_hold),
                **({"broken": broken_before} if broken_before else {}),
            )
            holds_until = None
    return PromiseFacts(
        event,
        made,
        promised,
        event.promise.amount,
        holds_until,
        kept=False,
        broken=False,
        broken_before=broken_before,
        refused=refused,
    )


def _kept(invoice: Invoice, made: date, until: date, amount: Decimal | None) -> bool:
    """Whether what was promised on `made` was paid by `until` (the whole balance if no amount)."""
    paid_before = sum((p.amount for p in invoice.payments if p.date < made), ZERO)
    target = amount if amount is not None else max(invoice.billed - paid_before, ZERO)
    paid = sum((p.amount for p in invoice.payments if made <= p.date <= until), ZERO)
    return paid >= target


def _state(
    facts: InvoiceFacts,
    clock: ClientClock,
    today: date,
    plan_dates: tuple[date, date | None] | None,
) -> InvoiceStatus:
    """The invoice's state: its dated signals folded through the state table."""
    invoice = facts.invoice
    if invoice.status in ("cancelled", "written_off"):
        return invoice.status
    signals: list[tuple[date, Signal]] = [
        (invoice.issued, "issued"),
        (facts.due, "falls_due"),
        (facts.due + _ONE_DAY, "goes_overdue"),
    ]
    settled_on = paid_in_full_on(invoice, facts.discount)
    if settled_on is not None:  # a prepayment settles the invoice when it is issued
        signals.append((max(settled_on, invoice.issued), "paid_in_full"))
    signals += _promise_signals(facts.promised, facts.balance)
    if invoice.status == "disputed" or (facts.disputes and facts.balance.chased == ZERO):
        first = clock.local(facts.disputes[0].at).date() if facts.disputes else invoice.issued
        signals.append((first, "disputed"))
    if facts.resolution is not None and invoice.status != "disputed":
        signals += _reopening(clock.local(facts.resolution.at).date(), facts.due)
    if plan_dates is not None:
        agreed, broken_on = plan_dates
        signals.append((agreed, "plan_agreed"))
        if broken_on is not None:
            signals.append((broken_on, "plan_broken"))
    signals += [
        (clock.local(e.at).date(), "escalated")
        for e in facts.events
        if e.kind == "escalate" and e.direction == "out"
    ]
    return fold_state(signals, today)


def _promise_signals(promised: PromiseFacts | None, balance: Balance) -> list[tuple[date, Signal]]:
    if promised is None or promised.holds_until is None:
        return []
    signals: list[tuple[date, Signal]] = [(promised.made, "promised")]
    ends = promised.holds_until + _ONE_DAY
    if promised.broken:
        signals.append((ends, "promise_broken"))
    elif balance.owed > ZERO:
        signals.append((ends, "promise_lapsed"))
    return signals


def _reopening(resolved: date, due: date) -> list[tuple[date, Signal]]:
    """A resolved dispute reopens the invoice, due or overdue again if those days have passed."""
    signals: list[tuple[date, Signal]] = [(resolved, "dispute_resolved")]
    if resolved >= due:
        signals.append((resolved, "falls_due"))
    if resolved > due:
        signals.append((resolved, "goes_overdue"))
    return signals


def own_policy(contract: Contract, client: Client, case_policy: Policy) -> Policy:
    """The policy a new invoice of `contract` enters dunning under.

    The contract's own, else its client's, else the case's; an invoice's ``policy`` migrates
    it explicitly (`policy_of`).
    """
    return contract.policy or client.policy or case_policy


def policy_of(
    invoice: Invoice,
    events: Sequence[ContactEvent],
    policies: Mapping[str, Policy],
    current: Policy,
) -> Policy | ReasonPart:
    """The policy version the invoice follows, or why it cannot be known.

    An invoice explicitly migrated (its ``policy``) follows that version; otherwise the version
    it entered dunning under — the one its first recorded ladder contact names — and an
    invoice with no such contact follows the current policy.
    """
    if invoice.policy is not None:
        return policies[invoice.policy]  # Case validation guarantees it exists
    entered = next(
        (
            version
            for e in events
            if e.direction == "out" and (version := e.policy_for(invoice.id)) is not None
        ),
        None,
    )
    if entered is None:
        return current
    found = policies.get(entered)
    if found is not None:
        return found
    return part("policy.unknown", invoice=invoice.label, version=entered)


def latest(
    events: Sequence[ContactEvent], wanted: Callable[[ContactEvent], bool]
) -> ContactEvent | None:
    """The latest of `events` (oldest first) that is `wanted`."""
    for event in reversed(events):
        if wanted(event):
            return event
    return None


def _about_the_whole_account(event: ContactEvent) -> bool:
    """Whether an event naming no invoice is about every invoice of its client.

    What the client says (a reply, a promise, a dispute) and how a dispute ends concern the
    whole account when they name no invoice; our own contacts and a chase's do not (a message
    naming no invoice performs no invoice's step).
    """
    return event.chase is None and (event.direction == "in" or event.kind == "dispute_resolved")


def about(event: ContactEvent, invoice: Invoice) -> bool:
    """Whether an event concerns the invoice.

    An event naming no invoice concerns them all, unless it belongs to a chase (a prospect or a
    project waiting on the client), which is not about money owed.
    """
    if event.chase is not None:
        return False
    return not event.invoices or invoice.id in event.invoices


def _due_by_terms(invoice: Invoice, contract: Contract, clock: ClientClock) -> date:
    assert contract.payment_terms is not None  # Case validation guarantees it
    return contract.payment_terms.shift_date(invoice.issued, clock.calendar)


def _disputed_amount(invoice: Invoice, disputes: list[ContactEvent], clock: ClientClock) -> Decimal:
    """What the client contests: the amounts its disputes name, or the whole balance.

    A dispute naming no amount contests the balance the invoice had on the local day it was
    raised: an invoice paid in full before the client complained about the account is not
    contested, so what its late payment earned (fixed compensation) stays claimable.
    """
    if invoice.status == "disputed":
        return invoice.billed
    disputed = ZERO
    for event in disputes:
        if event.dispute is None or event.dispute.amount is None:
            return balance_of(invoice, clock.local(event.at).date()).owed
        disputed += event.dispute.amount
    return disputed


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

    A past `day` (a fee booked late, as of the day its message went) counts only the payments
    made by then. `applying` names a fee-charging step being performed on `day`: its fee
    counts too. Each step applies the fee once, however often it is sent; a step with a
    ``late_fee`` of its own books that fee (`Step.late_fee`).
    """
    days = _fee_days(facts, clock)
    if applying is not None:
        days.setdefault(applying, day)
    own = _own_fees(facts, days)
    return book.owed(
        facts.invoice,
        facts.contract,
        due=facts.due,
        grace_end=facts.grace_end,
        disputed=facts.disputed,
        paid_until=min(today, day),
        as_of=day,
        applied=sorted(when for step, when in days.items() if step not in own),
        step_fees=sorted(((days[step], fee) for step, fee in own.items()), key=lambda p: p[0]),
        demanded=first_demand(facts, clock) if book.needs_demand(facts.contract) else None,
    )


_DEMANDS = frozenset({"reminder", "call", "letter", "fee", "suspend", "pause_work"})
"""Our contacts that ask the client to pay (a Mahnung may be written or oral)."""

_NOT_RECEIVED = frozenset({"bounced", "failed", "no_answer"})


def first_demand(facts: InvoiceFacts, clock: ClientClock) -> date | None:
    """The local day our first demand to pay the invoice after its due date reached the client.

    A reminder, letter or call that got through counts; None before there is one.
    """
    for event in facts.events:
        if (
            event.direction == "out"
            and event.kind in _DEMANDS
            and event.channel != "system"
            and event.outcome not in _NOT_RECEIVED
        ):
            day = clock.local(event.at).date()
            if day > facts.due:
                return day
    return None


def _own_fees(facts: InvoiceFacts, days: Mapping[str, date]) -> dict[str, StepFee]:
    """The steps among `days` that book a fee of their own, with it, by step id."""
    ladder = facts.progress.ladder
    if ladder is None:
        return {}
    steps = (ladder.step_index(step) for step in days)
    fees = {ladder.steps[i].id: ladder.steps[i].late_fee for i in steps if i is not None}
    return {step: fee for step, fee in fees.items() if fee is not None}


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
