"""`plan()`: the pure decision core — from a case and a moment to the next actions.

`plan()` indexes the case, builds each client's `ClientContext` and runs the collaborators
that plan the client, each owning its part of SPEC §4 and §5:

* `_requests` — prepayment, stage and instalment requests, planned first (rules 5, 7);
* `_triage` — what each invoice needs: nothing, reviews, late fee bookings, its next step;
* `_next_step` — which ladder step is next (rule 4; catch-up and pre-due expiry, §4), and
  `_catch_up` which one a ladder picked up late goes to (the policy's ``catch_up``);
* `_timing` — when it may happen: its bounds and its moment (rules 3, 4, 7, 8, 10; grace);
* `_spacing` — ``min_gap`` after the last contact and around planned contacts (rule 5);
* `_routing` — the channel, past bounced ones (rule 9);
* `_costs` — what it costs: amounts as of the action's date, fee bookings (rules 6, 11);
* `_reviews` — what a person must decide (rules 7, 11, 12);
* `_joining` — a sanction step of a contract already suspended or paused joins it (rule 10);
* `_combine` — one message per step, currency and moment, min_gap apart (rule 5);
* `_reasons` — why, in words (rule 12);
* `_chases` — chases that are not about money, planned last;
* `_settlement` — restoring a service or resuming work once all it covers is paid (rules 2, 10).
* `_end_state` — a ladder's end: nothing after a write-off, no restoring a cancelled service,
  a review of a payment after either.

Nothing here reads a clock, a file or the network: the same case and moment always give the
same plan (rule 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from paychase.calendar._local_time import zone
from paychase.calendar._protocols import CalendarFactory
from paychase.calendar._working_days import client_calendar
from paychase.case._case import Case, version_of
from paychase.case._history import ContactEvent
from paychase.case._invoices import Invoice
from paychase.case._parties import Client
from paychase.case._types import EARLIEST, LATEST
from paychase.conversation._arrangements import Arrangement, arrangements_of
from paychase.conversation._channels import broken_routes
from paychase.conversation._facts import SETTLED, InvoiceFacts, Portfolio
from paychase.conversation._sanctions import Sanctions
from paychase.errors import InvalidCaseError
from paychase.money._charges import ChargeBook
from paychase.money._rates import RateTable
from paychase.planner._chases import plan_chase
from paychase.planner._combine import Combiner
from paychase.planner._context import ClientContext
from paychase.planner._costs import Costs
from paychase.planner._end_state import cancellations
from paychase.planner._holds import holding
from paychase.planner._inputs import read_inputs
from paychase.planner._joining import SanctionJoins, pausing
from paychase.planner._next_step import LadderWalk
from paychase.planner._outputs import Action, ChaseState, InvoiceState, Plan
from paychase.planner._requests import client_books, instalment_actions, work_actions
from paychase.planner._reviews import Reviews
from paychase.planner._settlement import settlement_actions
from paychase.planner._spacing import PlannedContacts, gap_after_contact, last_contact
from paychase.planner._timing import reply_pauses
from paychase.planner._triage import InvoiceTriage, Triaged
from paychase.policy._policy import Policy
from paychase.policy._schedule import ClientClock

__all__ = ["plan"]


def plan(
    case: Case | Mapping[str, Any],
    *,
    now: datetime | None,
    calendars: CalendarFactory | None = None,
    rates: RateTable | None = None,
) -> Plan:
    """Plan the next action of every open chase in `case` at the moment `now`.

    Args:
        case: a `Case`, or a mapping in the case-file format (validated here).
        now: the planning moment, timezone-aware. ``None`` takes the case's own ``now``;
            paychase never reads the clock.
        calendars: builds the working-day calendar for a country and subdivision; the
            default uses the ``holidays`` package.
        rates: the reference-rate table for statutory interest; the one shipped with
            paychase by default (see `builtin_rate_table`). Pass a newer one when you have it.

    Returns:
        The `Plan`: actions sorted by time then key, and the state of every invoice.

    Raises:
        InvalidCaseError: the case is not valid, or there is no usable planning moment.
        PolicyError: the policy cannot work as written.
        PluginError: `calendars` is not a calendar factory, or a host calendar failed.

    Examples:
        >>> import json, pathlib
        >>> case = json.loads(pathlib.Path("examples/portfolio.json").read_text())
        >>> result = plan(case, now=None)
        >>> sorted({action.kind for action in result.actions})
        ['apply_fee', 'call', 'request_milestone', 'review', 'send_reminder']
    """
    inputs = read_inputs(case, now, calendars, rates)
    checked, moment, calendar_for = inputs.case, inputs.moment, inputs.calendars
    portfolio = Portfolio.of(checked, moment)
    actions: list[Action] = []
    states: dict[str, InvoiceState] = {}
    chases: dict[str, ChaseState] = {}
    clocks: dict[tuple[str, str, str | None, str], ClientClock] = {}
    for position, client in enumerate(checked.clients):
        timing = client.policy or checked.policy  # a client's contacts keep its policy's timing
        where = (client.timezone, client.country, client.subdivision, version_of(timing))
        clock = clocks.get(where)
        if clock is None:  # clients who share a zone, a calendar and a policy share a clock
            calendar = client_calendar(calendar_for, client, f"clients[{position}].country")
            clock = clocks[where] = ClientClock(timing, zone(client.timezone), calendar)
        book = ChargeBook(
            client, clock.calendar, inputs.rates, checked.exchange_rates, checked.contracts
        )
        context = _client_context(timing, client, clock, now=moment, portfolio=portfolio, book=book)
        client_actions, client_states, chase_states = _plan_client(context)
        _check_dates(client_actions, checked, position, context.today)
        actions += client_actions
        states.update((state.id, state) for state in client_states)
        chases.update((state.id, state) for state in chase_states)
    # On UTC moments: comparing datetimes of different zones calls utcoffset() on both, which
    # made this sort cost 5 µs per invoice.
    actions.sort(key=lambda action: (action.at.astimezone(UTC), action.key))
    return Plan(
        now=moment,
        policy=checked.policy.name,
        actions=tuple(actions),
        invoices=tuple(states[invoice.id] for invoice in checked.invoices),
        chases=tuple(chases[chase.id] for chase in checked.chases) if checked.chases else None,
    )


def _check_dates(actions: Sequence[Action], case: Case, position: int, today: date) -> None:
    """Refuse a plan with an action dated outside the dates a case may hold (1900 to 2199).

    Each action is dated in its client's own time zone, as a host renders or performs it. An
    action is never earlier than the planning moment, so the error names ``now`` when the
    client's `today` is itself outside those dates, else the record whose dates (and the
    durations counted from them) led past 2199.
    """
    for action in actions:
        day = action.at.date()
        if EARLIEST <= day <= LATEST:
            continue
        if not EARLIEST <= today <= LATEST:
            raise InvalidCaseError(
                f"in the time zone of client {action.client} this is {today}, outside "
                f"{EARLIEST} to {LATEST}",
                field="now",
            )
        raise InvalidCaseError(
            f"its next action would fall on {day}, after {LATEST}, the last day a plan may "
            "hold: check its dates and the durations counted from them",
            field=_origin(action, case, position),
            value=action.key,
        )


def _origin(action: Action, case: Case, position: int) -> str:
    """The path of the record an action is planned for, as precise as the action tells.

    A chase, an instalment plan, an invoice, a contract (a request for work, whose key starts
    with the contract's id), else the client.
    """
    if action.chase is not None:
        return _path("chases", case.chases, action.chase)
    if action.instalment is not None:
        return _path("instalment_plans", case.instalment_plans, action.instalment.plan)
    if action.invoices:
        return _path("invoices", case.invoices, action.invoices[0])
    contract = action.key.split("/", 1)[0]
    if any(known.id == contract for known in case.contracts):
        return _path("contracts", case.contracts, contract)
    return f"clients[{position}]"


def _path(name: str, records: Sequence[Any], identifier: str) -> str:
    """``name[i]`` for the record with `identifier` (it is in the case: the plan came from it)."""
    return f"{name}[{next(i for i, record in enumerate(records) if record.id == identifier)}]"


def _client_context(
    policy: Policy,
    client: Client,
    clock: ClientClock,
    *,
    now: datetime,
    portfolio: Portfolio,
    book: ChargeBook,
) -> ClientContext:
    """What every collaborator reads about the client: built once, before planning them."""
    events = portfolio.events_of_client.get(client.id, ())
    contact = last_contact(events)
    inbound = tuple(e for e in events if e.direction == "in")
    return ClientContext(
        policy=policy,
        client=client,
        clock=clock,
        now=now,
        today=clock.local(now).date(),
        portfolio=portfolio,
        book=book,
        events=events,
        inbound=inbound,
        broken=broken_routes(client, events),
        last_contact=contact,
        pauses=reply_pauses(policy, clock, inbound),
        gap_bound=gap_after_contact(policy, clock, contact),
        sanctions=_sanctions(portfolio, client.id, events),
        cancelled=cancellations(
            events,
            {i.id: i.contract for i in portfolio.invoices_of.get(client.id, ())},
            [c.id for c in portfolio.contracts_of.get(client.id, ())],
        ),
    )


def _sanctions(portfolio: Portfolio, client_id: str, events: Sequence[ContactEvent]) -> Sanctions:
    """The suspensions and work pauses in force on the client's contracts (rule 10)."""
    return Sanctions.of(
        events,
        contract_of={i.id: i.contract for i in portfolio.invoices_of.get(client_id, ())},
        contracts=[c.id for c in portfolio.contracts_of.get(client_id, ())],
        chase_contracts={c.id: c.contract for c in portfolio.chases_of.get(client_id, ())},
    )


def _plan_client(
    context: ClientContext,
) -> tuple[list[Action], list[InvoiceState], list[ChaseState]]:
    """The client's actions, and the state of each of their invoices and chases.

    The order is rule 5's: requests and instalments are contacts planned first, the ladder's
    messages keep min_gap around them, and the chases keep it around both.
    """
    planned = PlannedContacts(context.policy, context.clock)
    books = client_books(context)
    actions = work_actions(context, planned, books)
    invoices = context.portfolio.invoices_of.get(context.client.id, ())
    arrangements = _arrangements(context, invoices)
    actions += instalment_actions(context, planned, arrangements)
    costs = Costs(context)
    reviews = Reviews(context, costs)
    walk = LadderWalk(context, planned, reviews, arrangements)
    triage = InvoiceTriage(context, costs, reviews, walk)
    triaged = [triage.triage(i, arrangements.get(i.id), actions) for i in invoices]
    joins = SanctionJoins(context, walk)
    candidates = joins.resolve([t.candidate for t in triaged if t.candidate is not None], actions)
    steps = Combiner(context, costs, planned, walk).combine(candidates)
    actions += steps
    planned.record(steps)
    chase_actions, chase_states = _chase_actions(context, planned, pausing(context, actions))
    actions += chase_actions
    actions += settlement_actions(context, [t.facts for t in triaged], joins, books)
    actions = [action for action in actions if holding(context, action) is None]
    first = _first_action_at(actions)
    states = [
        _invoice_state(context, t.facts, first.get(t.facts.invoice.id), _why(t, walk), joins)
        for t in triaged
    ]
    return actions, states, chase_states


def _why(triaged: Triaged, walk: LadderWalk) -> str | None:
    """Why nothing may be planned for the invoice: triage's reason, or the walk's.

    Combining drops a candidate in two cases: a pre-due step that spacing pushed past its
    expiry, replaced by a new walk of the ladder (which says why if it found nothing), and
    an ``apply_fee`` step with nothing accrued yet, which waits.
    """
    if triaged.why is not None or triaged.candidate is None:
        return triaged.why
    replaced = walk.idle(triaged.facts)
    if replaced is not None:
        return replaced
    return f"'{triaged.candidate.step.id}' waits: nothing has accrued for it to charge yet"


def _arrangements(context: ClientContext, invoices: Sequence[Invoice]) -> dict[str, Arrangement]:
    """The instalment plan in force for each of the client's invoices, by invoice id."""
    return arrangements_of(
        context.portfolio.plans_of.get(context.client.id, ()),
        {invoice.id: invoice for invoice in invoices},
        context.portfolio.contracts,
        today=context.today,
        calendar=context.clock.calendar,
        legal_due=context.book.legal_due,
    )


def _chase_actions(
    context: ClientContext, planned: PlannedContacts, pausing: frozenset[str]
) -> tuple[list[Action], list[ChaseState]]:
    """The next step of each of the client's chases that are not about money (`_chases`).

    Planned last: a chase's message keeps min_gap around every contact planned for the
    client, and yields to them, because a ladder's pre-due reminder expires at the due date
    and a request or an instalment is due on its day, while a chase can wait (rule 5).
    `pausing` are the contracts whose work the plan pauses already.
    """
    actions, states = [], []
    for chase in context.portfolio.chases_of.get(context.client.id, ()):
        action, state = plan_chase(chase, context, planned, pausing)
        states.append(state)
        if action is not None:
            actions.append(action)
            planned.record([action])
    return actions, states


def _first_action_at(actions: list[Action]) -> dict[str, datetime]:
    """The moment of each invoice's earliest action, by invoice id (the first of equal ones)."""
    first: dict[str, datetime] = {}
    for action in actions:
        for invoice_id in action.invoices:
            known = first.get(invoice_id)
            if known is None or action.at < known:
                first[invoice_id] = action.at
    return first


def _invoice_state(
    context: ClientContext,
    facts: InvoiceFacts,
    next_at: datetime | None,
    why: str | None,
    joins: SanctionJoins,
) -> InvoiceState:
    """The invoice's state in the plan.

    `next_at` is the moment of its earliest action; `why` why nothing may be planned for it,
    said only when nothing is; `joins` tell which invoices joined a suspension or pause of
    work in force.
    """
    settled = facts.state in SETTLED
    overdue = 0 if settled else max((context.today - facts.due).days, 0)
    last = facts.progress.last
    suspension = joins.covering(facts, "suspend")
    pause = joins.covering(facts, "pause_work")
    return InvoiceState.trusted(
        id=facts.invoice.id,
        client=context.client.id,
        state=facts.state,
        due=facts.due,
        days_overdue=overdue,
        step=last.step.id if last is not None else None,
        balance=facts.balance.owed,
        currency=facts.invoice.currency,
        next_review=context.clock.local(next_at).date() if next_at is not None else None,
        why=why if next_at is None else None,
        suspended_since=context.clock.local(suspension.since).date() if suspension else None,
        paused_since=context.clock.local(pause.since).date() if pause else None,
    )
