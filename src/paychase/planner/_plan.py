"""`plan()`: the pure decision core — from a case and a moment to the next actions.

For every invoice the planner reads where it stands (balance, state, ladder progress, promises,
disputes), finds the next ladder step that applies, and times it (see `_schedule`). A client's
invoices at the same step are then combined into one action, and a client's contacts are
spaced by ``min_gap``. Nothing here reads a clock, a file or the network: the same case and
moment always give the same plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from paychase.calendar._durations import Duration
from paychase.calendar._local_time import zone
from paychase.calendar._protocols import CalendarFactory
from paychase.calendar._working_days import client_calendar, default_calendar
from paychase.case._case import Case, planning_moment, version_of
from paychase.case._history import ContactEvent
from paychase.case._invoices import Invoice
from paychase.case._parties import Client
from paychase.conversation._arrangements import Arrangement, arrangements_of
from paychase.conversation._channels import broken_routes, choose_channel
from paychase.conversation._facts import (
    SETTLED,
    InvoiceFacts,
    Portfolio,
    about,
    latest,
    owed_on,
    policy_of,
    read_facts,
)
from paychase.conversation._work import WorkNeed, is_work_key, work_needs
from paychase.money._balances import ZERO, balance_of
from paychase.money._charges import ChargeBook, Owed, amounts_of
from paychase.money._rates import RateTable, builtin_rate_table
from paychase.planner._chases import ChaseContext, plan_chase
from paychase.planner._outputs import Action, ChaseState, InstalmentDue, InvoiceState, Plan
from paychase.policy._ladder import Performed, ladder_progress
from paychase.policy._policy import ActionKind, Channel, Effect, Policy, Step
from paychase.policy._schedule import Bound, ClientClock

__all__ = ["plan"]

_ONE_DAY = timedelta(days=1)
_AT_ONCE = time(0)
_FEE_EFFECTS: frozenset[Effect] = frozenset({"apply_late_fee", "add_compensation"})
# Requests for prepayments and stage payments go the client's usual way (SPEC §2 fallback).
_REQUEST_STEP = Step.model_validate({"id": "request", "from": "issued", "action": "send_reminder"})
# The note after an instalment's day passed unpaid: the next working day, at the usual hour.
_INSTALMENT_MISSED = Step.model_validate(
    {"id": "instalment_missed", "from": "due", "offset": "+1d", "action": "send_reminder"}
)


def _instalment_step(before: Duration) -> Step:
    """The reminder `before` an instalment falls due, timed like a pre-due step."""
    offset = Duration(-before.count, before.unit, before.weekday)
    return Step.model_validate(
        {"id": "instalment", "from": "due", "offset": offset, "action": "send_reminder"}
    )


# What undoes a sanction once everything it was for is settled (rules 2 and 10).
_UNDO: tuple[tuple[str, str, ActionKind], ...] = (
    ("suspend", "restore", "restore_service"),
    ("pause_work", "resume_work", "resume_work"),
)


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
        PluginError: a host calendar failed.

    Examples:
        >>> import json, pathlib
        >>> case = json.loads(pathlib.Path("examples/portfolio.json").read_text())
        >>> result = plan(case, now=None)
        >>> sorted({action.kind for action in result.actions})
        ['apply_fee', 'call', 'request_milestone', 'review', 'send_reminder']
    """
    checked = case if isinstance(case, Case) else Case.model_validate(case)
    moment = planning_moment(checked, now)
    calendar_for = calendars or default_calendar
    portfolio = Portfolio.of(checked, moment)
    actions: list[Action] = []
    states: dict[str, InvoiceState] = {}
    chases: dict[str, ChaseState] = {}
    clocks: dict[tuple[str, str, str | None], ClientClock] = {}
    for position, client in enumerate(checked.clients):
        where = (client.timezone, client.country, client.subdivision)
        clock = clocks.get(where)
        if clock is None:  # clients who share a zone and a calendar share a clock and its memory
            calendar = client_calendar(calendar_for, client, f"clients[{position}].country")
            clock = clocks[where] = ClientClock(checked.policy, zone(client.timezone), calendar)
        book = ChargeBook(
            client, clock.calendar, rates or builtin_rate_table(), checked.exchange_rates
        )
        planner = _ClientPlanner(checked.policy, client, clock, moment, portfolio, book=book)
        client_actions, client_states = planner.plan()
        actions += client_actions
        states.update((state.id, state) for state in client_states)
        chases.update((state.id, state) for state in planner.chase_states)
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


@dataclass(slots=True)
class _Candidate:
    """The next step of one invoice, timed, before invoices are combined."""

    facts: InvoiceFacts
    index: int
    step: Step
    kind: ActionKind
    channel: Channel
    at: datetime
    scheduled: datetime
    attempt: int
    effects: tuple[Effect, ...]
    notes: list[str]
    ladder: Policy  # the policy version the step belongs to
    earliest: datetime  # the latest of its bounds: it may go at any open moment from then

    @property
    def applies_fee(self) -> bool:
        """Whether performing this step charges a fee or compensation."""
        return self.kind == "apply_fee" or any(e in _FEE_EFFECTS for e in self.effects)

    @property
    def charges_late_fee(self) -> bool:
        """Whether performing this step claims the contractual late fee."""
        return self.kind == "apply_fee" or "apply_late_fee" in self.effects


class _ClientPlanner:
    """Plans one client's invoices: the unit within which min_gap and combining apply."""

    def __init__(
        self,
        policy: Policy,
        client: Client,
        clock: ClientClock,
        now: datetime,
        portfolio: Portfolio,
        *,
        book: ChargeBook,
    ) -> None:
        self.policy = policy
        self.book = book
        # An invoice's money on a day is asked for by its review, its message and its booking.
        self._owed_memo: dict[tuple[str, date, str | None], Owed] = {}
        self.client = client
        self.clock = clock
        self.now = now
        self.today = clock.local(now).date()
        self.portfolio = portfolio
        self.events = portfolio.events_of_client.get(client.id, ())
        self.broken = broken_routes(client, self.events)
        self.last_contact = latest(self.events, _is_contact_that_got_through)
        self.inbound = [e for e in self.events if e.direction == "in"]
        self.pauses = [(event, self._pause_after(event)) for event in self.inbound]
        # The same for every contact step of every invoice of the client: built once.
        self.gap_bound: Bound | None = None
        # Local moments of the contacts planned so far: the deposit, stage and instalment
        # requests first, then the ladder's messages, which keep min_gap around them, then the
        # chases, which keep it around both (see `_clear_of_requests`).
        self.planned_requests: list[datetime] = []
        # The policy version each invoice follows (see `policy_of`).
        self.ladders: dict[str, Policy] = {}
        # The instalment plan in force for each invoice (see `_arrangements`).
        self.arrangements: dict[str, Arrangement] = {}
        self.chase_states: list[ChaseState] = []
        if self.last_contact is not None:
            last = clock.local(self.last_contact.at)
            self.gap_bound = Bound(
                clock.after(policy.min_gap, last),
                f"min_gap {policy.min_gap} after the contact on {last.date()}",
            )

    def _pause_after(self, event: ContactEvent) -> Bound:
        wrote = self.clock.local(event.at)
        return Bound(
            self.clock.after(self.policy.reply_pause, wrote),
            f"the client wrote on {wrote.date()}: reply pause {self.policy.reply_pause}",
        )

    def plan(self) -> tuple[list[Action], list[InvoiceState]]:
        """The client's actions and the state of each of their invoices."""
        actions: list[Action] = self._work_actions()
        invoices = self.portfolio.invoices_of.get(self.client.id, ())
        arrangements = arrangements_of(
            self.portfolio.plans_of.get(self.client.id, ()),
            {invoice.id: invoice for invoice in invoices},
            self.portfolio.contracts,
            today=self.today,
            calendar=self.clock.calendar,
            legal_due=self.book.legal_due,
        )
        self.arrangements = arrangements
        actions += self._instalment_actions(arrangements)
        candidates: list[_Candidate] = []
        facts_of: list[InvoiceFacts] = []
        for invoice in invoices:
            arrangement = arrangements.get(invoice.id)
            facts, ladder = self._facts(invoice, arrangement)
            facts_of.append(facts)
            if facts.state in ("cancelled", "written_off"):
                continue
            if facts.state == "paid":
                actions += self._residue_review(facts)
                continue
            if isinstance(ladder, str):
                actions.append(self._review(facts, "policy", ladder))
                continue
            outcome = self._chase_invoice(facts, ladder, arrangement, actions)
            if isinstance(outcome, Action):
                actions.append(outcome)
            elif outcome is not None:
                candidates.append(outcome)
        steps = self._combine(candidates)
        actions += steps
        self.planned_requests += [
            self.clock.local(action.at) for action in steps if action.channel != "system"
        ]
        actions += self._chase_actions()
        actions += self._settlement_actions(facts_of)
        return actions, [self._state(facts, actions) for facts in facts_of]

    def _chase_actions(self) -> list[Action]:
        """The next step of each of the client's chases that are not about money (`_chases`).

        Planned last: a chase's message keeps min_gap around every contact planned for the
        client, and yields to them, because a ladder's pre-due reminder expires at the due date
        and a request or an instalment is due on its day, while a chase can wait (rule 5).
        """
        context = ChaseContext(
            self.clock,
            self.now,
            self.events,
            self.gap_bound,
            dict(self.portfolio.contracts),
            self._route,
            self._time,
            self._clear_of_requests,
        )
        actions = []
        for chase in self.portfolio.chases_of.get(self.client.id, ()):
            action, state = plan_chase(chase, context)
            self.chase_states.append(state)
            if action is not None:
                actions.append(action)
                if action.channel != "system":
                    self.planned_requests.append(self.clock.local(action.at))
        return actions

    def _facts(
        self, invoice: Invoice, arrangement: Arrangement | None
    ) -> tuple[InvoiceFacts, Policy | str]:
        """The invoice's facts, and the policy version it follows (or why none can be used)."""
        contract = self.portfolio.contracts[invoice.contract]
        events = self.portfolio.events_of_invoice.get(invoice.id, ())
        ladder = policy_of(invoice, events, self.portfolio.policies, self.policy)
        facts = read_facts(
            invoice,
            contract,
            events,
            self.clock,
            self.today,
            max_promise_hold=ladder.max_promise_hold if isinstance(ladder, Policy) else None,
            plan_dates=arrangement.dates if arrangement is not None else None,
        )
        if isinstance(ladder, Policy):
            self.ladders[invoice.id] = ladder
        return facts, ladder

    def _chase_invoice(
        self,
        facts: InvoiceFacts,
        ladder: Policy,
        arrangement: Arrangement | None,
        actions: list[Action],
    ) -> _Candidate | Action | None:
        """The invoice's next ladder step; reviews and fee bookings it needs go to `actions`.

        An invoice not issued yet gets only its first step, timed from its issue date: nothing
        is reviewed before the invoice exists (rule 3).
        """
        issued = facts.state != "draft"
        if issued and (facts.disputes or facts.invoice.status == "disputed"):
            actions.append(self._dispute_review(facts))
        if facts.balance.chased == ZERO:
            return None
        facts.progress = ladder_progress(ladder, facts.events, self.clock.deadline_of)
        actions += self._late_bookings(facts)
        owed = self._owed(facts, self.today)
        if issued and owed.problems:
            actions.append(self._charges_review(facts, "; ".join(owed.problems)))
        tolerance = facts.contract.tolerance
        if tolerance is not None and owed.principal + owed.extra < tolerance:
            return None
        if issued and facts.promised is not None and facts.promised.refused is not None:
            actions.append(self._promise_review(facts, facts.promised.refused))
        if arrangement is not None and arrangement.standing.honoured:
            return None  # the plan's instalment reminders replace the ladder
        return self._next_step(facts)

    # -- the next ladder step -------------------------------------------------------------

    def _next_step(
        self, facts: InvoiceFacts, *, start: int | None = None, not_before: Bound | None = None
    ) -> _Candidate | Action | None:
        """The first ladder step from `start` that applies to the invoice, timed and routed."""
        ladder = self.ladders[facts.invoice.id]
        notes: list[str] = []
        first = facts.progress.next_index if start is None else start
        restart: list[Bound] = [] if not_before is None else [not_before]
        broken = self._broken_commitment(facts)
        if broken is not None:
            why, since = broken
            resume = ladder.resume_index
            if start is None and first < resume:
                first = resume
                why += f": the ladder resumes at '{ladder.steps[resume].id}'"
            notes.append(why)
            restart.append(Bound(self.clock.start_of(since), why))
        resumed = self._resumed_after_dispute(facts)
        if resumed is not None:
            notes.append(resumed.why)
            restart.append(resumed)
        not_before = max(restart, key=lambda bound: bound.moment) if restart else None
        for index in range(first, len(ladder.steps)):
            step = ladder.steps[index]
            unmet = self._unmet(step, facts)
            if unmet is None and step.action == "suspend_service" and not facts.contract.suspension:
                unmet = "the contract has no suspension clause"
            if unmet is None and step.action == "apply_fee":
                unmet = self._nothing_to_charge(facts)
            if unmet is not None:
                notes.append(f"'{step.id}' skipped: {unmet}")
                continue
            anchor = self._anchor(step, facts)
            if anchor is None:
                return self._review(
                    facts,
                    step.id,
                    f"step '{step.id}' counts from a payment deadline, but no "
                    "earlier step stated one",
                )
            kind, channel, routing = self._route(step)
            hour = self.clock.hour_for(kind)
            scheduled = self.clock.scheduled(step, anchor, facts.due, hour)
            bounds = self._bounds(step, facts, scheduled)
            if isinstance(bounds, str):
                return self._review(facts, step.id, f"step '{step.id}' is held back: {bounds}")
            if not_before is not None:
                bounds.append(not_before)
            at, timing = self._time(scheduled, bounds, hour)
            earliest = max(bound.moment for bound in bounds)
            if step.is_contact:
                at, cleared = self._clear_of_requests(at, hour)
                timing += cleared
                earliest = at if cleared else earliest
            if _expired(scheduled, at, facts.due):
                continue
            if channel is None:
                return self._review(
                    facts,
                    "contact",
                    f"rule 9: step '{step.id}' ({scheduled.date()}) has no working channel: "
                    "verify the client's contact details",
                )
            notes += timing + routing
            effects = self._effects(step, facts, notes)
            attempt = facts.progress.attempts_at(index) + 1
            return _Candidate(
                facts,
                index,
                step,
                kind,
                channel,
                at,
                scheduled,
                attempt,
                effects,
                notes,
                ladder,
                earliest,
            )
        return None

    def _resumed_after_dispute(self, facts: InvoiceFacts) -> Bound | None:
        """Rule 7: dunning resumes where it stopped once a dispute is resolved, not before."""
        resolution = facts.resolution
        last = facts.progress.last
        if resolution is None or facts.disputes or (last is not None and last.at > resolution.at):
            return None
        day = self.clock.local(resolution.at).date()
        return Bound(
            resolution.at,
            f"rule 7: the dispute was resolved on {day} ({resolution.resolution}): dunning "
            "resumes where it stopped",
        )

    def _broken_commitment(self, facts: InvoiceFacts) -> tuple[str, date] | None:
        """Rule 7: a broken instalment plan or promise, and the day it broke, if there is one."""
        arrangement = self.arrangements.get(facts.invoice.id)
        if arrangement is not None and arrangement.standing.broken_on is not None:
            return f"rule 7: {arrangement.broken_text()}", arrangement.standing.broken_on
        promised = facts.promised.breach if facts.promised is not None else None
        if promised is None:
            return None
        amount = f"{promised.amount} {facts.invoice.currency}" if promised.amount else "it"
        held = f" (held until {promised.holds_until})" if promised.granted else ""
        return (
            f"rule 7: the promise made on {promised.made} to pay {amount} by {promised.by} "
            f"was broken{held}",
            (promised.holds_until or promised.by) + _ONE_DAY,
        )

    def _clear_of_requests(self, at: datetime, hour: time) -> tuple[datetime, list[str]]:
        """Rule 5 against the planned requests: `at`, moved to min_gap after any it is near.

        A request planned weeks later does not hold a reminder back; one within min_gap of
        it, before or after, moves the reminder to min_gap after the request.
        """
        clock, gap, notes = self.clock, self.policy.min_gap, []
        for planned in sorted(self.planned_requests):
            until = clock.after(gap, planned)
            if clock.after(gap, clock.local(at)) > planned and clock.local(at) < until:
                at = clock.first_open(until, hour)
                notes.append(
                    f"min_gap {gap} after the contact planned for {planned:%Y-%m-%d %H:%M}"
                )
        return at, notes

    def _route(self, step: Step) -> tuple[ActionKind, Channel | None, list[str]]:
        """The action's kind and channel (None: no working contact), with notes on bounces."""
        if not step.is_contact:
            return step.action, "system", []
        choice = choose_channel(step, self.client, self.broken)
        notes = [
            f"{failure.channel} {failure.outcome} on "
            f"{self.clock.local(failure.at).date()}: verify the client's contact details"
            for failure in choice.passed_over
        ]
        if choice.channel is None:
            return step.action, None, notes
        return _kind_for(step.action, choice.channel), choice.channel, notes

    def _unmet(self, step: Step, facts: InvoiceFacts) -> str | None:
        for condition in step.requires:
            problem = self._condition_fails(condition, facts)
            if problem is not None:
                return problem
        return None

    def _condition_fails(self, condition: str, facts: InvoiceFacts) -> str | None:
        if condition == "no_reply":
            since = self._answers_count_from(facts)
            reply = latest(self.inbound, lambda e: e.at > since and about(e, facts.invoice))
            return (
                None
                if reply is None
                else (f"the client replied on {self.clock.local(reply.at).date()}")
            )
        if condition == "no_promise":
            promised = facts.promised
            active = promised is not None and promised.granted and not promised.broken
            return "the client has promised to pay" if active else None
        if condition == "late_fee_allowed":
            return self.book.charges_allowed(facts.contract)
        if condition == "business_client":
            return None if self.client.kind == "business" else "the client is a consumer"
        threshold = Decimal(condition.removeprefix("balance_over:"))
        chased = facts.balance.chased
        return None if chased > threshold else f"the balance {chased} is not over {threshold}"

    def _answers_count_from(self, facts: InvoiceFacts) -> datetime:
        """Since when a message from the client answers the ladder (`no_reply`).

        What the client wrote before our last step was answered by that step. What led to a
        commitment the client then broke, or to a dispute since resolved, was answered by the
        breach or the resolution: it does not spare the client the firm step the ladder
        resumes at (rule 7).
        """
        moments = [self.clock.start_of(facts.invoice.issued)]
        if facts.progress.last is not None:
            moments.append(facts.progress.last.at)
        broken = self._broken_commitment(facts)
        if broken is not None:
            moments.append(self.clock.start_of(broken[1]))
        if facts.resolution is not None:
            moments.append(facts.resolution.at)
        return max(moments)

    def _anchor(self, step: Step, facts: InvoiceFacts) -> datetime | None:
        clock, progress = self.clock, facts.progress
        after_grace = clock.start_of(facts.grace_end)
        if step.from_ == "issued":
            return clock.start_of(facts.invoice.issued)
        if step.from_ == "due":
            return after_grace if step.offset.count > 0 else clock.start_of(facts.due)
        if step.from_ == "previous":
            return progress.last.at if progress.last is not None else after_grace
        if step.from_ == "last_contact":
            return self.last_contact.at if self.last_contact is not None else after_grace
        stated = progress.last_deadline()
        return (
            None if stated is None or stated.deadline is None else clock.start_of(stated.deadline)
        )

    def _bounds(self, step: Step, facts: InvoiceFacts, scheduled: datetime) -> list[Bound] | str:
        clock = self.clock
        bounds = [
            Bound(self.now, "catching up"),
            Bound(clock.start_of(facts.invoice.issued), "the invoice date"),
        ]
        if scheduled.date() > facts.due:
            bounds.append(
                Bound(
                    clock.start_of(facts.grace_end + _ONE_DAY),
                    f"the grace period runs to {facts.grace_end}",
                )
            )
        if step.is_contact and self.gap_bound is not None:
            bounds.append(self.gap_bound)
        # Rule 8 pauses escalation about what the client wrote about; a note before or on the
        # due date is not escalation. Each message pauses on its own: counted in business days,
        # a later reply's pause can end before an earlier one's.
        pauses = [bound for event, bound in self.pauses if about(event, facts.invoice)]
        if pauses and scheduled.date() > facts.due:
            bounds.append(max(pauses, key=lambda bound: bound.moment))
        promised = facts.promised
        if promised is not None and promised.holds_until is not None and not promised.broken:
            bounds.append(
                Bound(
                    clock.start_of(promised.holds_until + _ONE_DAY),
                    f"the client promised to pay by {promised.holds_until}",
                )
            )
        guard = self._guard(step, facts, scheduled)
        if isinstance(guard, str):
            return guard
        return bounds + guard

    def _guard(self, step: Step, facts: InvoiceFacts, scheduled: datetime) -> list[Bound] | str:
        """Rules 4 and 10: no escalation or suspension before a stated deadline has passed."""
        if step.action == "escalate":
            final = self._final_notice(step, facts)
            if isinstance(final, str):
                return final
            notice, deadline = final
            return [
                Bound(
                    self.clock.start_of(deadline + _ONE_DAY),
                    f"the deadline {deadline} stated by '{notice.step.id}'",
                )
            ]
        suspends = step.action == "suspend_service" or "suspend_service" in step.effects
        if suspends and facts.contract.suspension is not None:
            return self._suspension_bounds(facts)
        return []

    def _final_notice(self, step: Step, facts: InvoiceFacts) -> tuple[Performed, date] | str:
        """The final notice an escalation rests on: the last deadline-stating step before it.

        An earlier deadline does not do: if the final notice never reached the client (given up
        after failed attempts, or skipped), there is nothing to escalate on (rule 4).
        """
        stated = facts.progress.last_deadline()
        if stated is None or stated.deadline is None:
            return "no final notice with a deadline has been sent"
        ladder = self.ladders[facts.invoice.id]
        until = ladder.step_index(step.id) or len(ladder.steps)
        for later in ladder.steps[stated.index + 1 : until]:
            if later.deadline is not None:
                return f"the final notice '{later.id}' has not reached the client"
        return stated, stated.deadline

    def _suspension_bounds(self, facts: InvoiceFacts) -> list[Bound] | str:
        terms = facts.contract.suspension
        assert terms is not None  # only asked where the contract has a suspension clause
        warnings = [p for p in facts.progress.performed if p.step.is_contact and not p.given_up]
        if len(warnings) < terms.warnings:
            return (
                f"{len(warnings)} of the {terms.warnings} warnings the contract requires "
                "have been sent"
            )
        last = warnings[-1]
        if last.deadline is None:
            return f"the last warning ('{last.step.id}') stated no deadline"
        not_before = terms.after.shift_date(facts.due, self.clock.calendar)
        return [
            Bound(
                self.clock.start_of(last.deadline + _ONE_DAY),
                f"the deadline {last.deadline} stated by '{last.step.id}'",
            ),
            Bound(
                self.clock.start_of(not_before),
                f"the contract allows suspension {terms.after} after the due date",
            ),
        ]

    def _time(
        self, scheduled: datetime, bounds: list[Bound], hour: time
    ) -> tuple[datetime, list[str]]:
        """The action's moment, and a note naming the bound that delayed it, if one did.

        A step whose day has passed is caught up at the first allowed moment from now, not at
        today's `hour`: a host that runs once a day at 09:00 must find it due then, or a
        10:00 step would be put off from one day to the next forever.
        """
        binding = max(bounds, key=lambda bound: bound.moment)
        if binding.moment <= scheduled:
            return self.clock.first_open(scheduled, hour), []
        if binding.why == "catching up":
            others = [bound.moment for bound in bounds if bound is not binding]
            meant = self.clock.first_open(max([scheduled, *others]), hour)
            opens = hour
            if meant.date() < self.today:
                opens = min(
                    self.policy.quiet_hours[1] if self.policy.quiet_hours else time(0), hour
                )
            at = self.clock.first_open(binding.moment, opens)
            return at, [f"catching up: it was due on {scheduled.date()}"]
        at = self.clock.first_open(binding.moment, hour)
        return at, [f"not before {self.clock.local(binding.moment):%Y-%m-%d %H:%M}: {binding.why}"]

    def _effects(self, step: Step, facts: InvoiceFacts, notes: list[str]) -> tuple[Effect, ...]:
        kept: list[Effect] = []
        for effect in step.effects:
            not_allowed = self.book.charges_allowed(facts.contract)
            if effect == "apply_late_fee" and not_allowed is not None:
                notes.append(f"no late fee: {not_allowed}")
            elif effect == "suspend_service" and facts.contract.suspension is None:
                notes.append(
                    f"no suspension: contract {facts.contract.id} has no suspension clause"
                )
            elif effect == "add_compensation" and not (
                facts.contract.fixed_compensation and self.client.kind == "business"
            ):
                notes.append(
                    f"no fixed compensation: contract {facts.contract.id} does not provide it "
                    "for this client"
                )
            else:
                kept.append(effect)
        return tuple(kept)

    # -- combining invoices into actions ---------------------------------------------------

    def _combine(self, candidates: list[_Candidate]) -> list[Action]:
        """One action per step, currency and moment; a client's contacts min_gap apart.

        A step that spacing pushes past its expiry (a pre-due reminder that would land on the
        due date) is dropped and the invoice's next step planned after it instead.
        """
        actions: list[Action] = []
        previous: _Candidate | None = None
        queue = _clusters(candidates)
        while queue:
            cluster = queue.pop(0)
            lead = cluster[0]
            if lead.step.is_contact and previous is not None and self._space_out(cluster, previous):
                expired = [m for m in cluster if _expired(m.scheduled, m.at, m.facts.due)]
                if expired:
                    replanned = self._replan_after(expired)
                    actions += [r for r in replanned if isinstance(r, Action)]
                    rest = [m for c in queue for m in c] + [m for m in cluster if m not in expired]
                    queue = _clusters(rest + [r for r in replanned if isinstance(r, _Candidate)])
                    continue
                self._absorb(cluster, queue, previous)
            if lead.step.is_contact:
                previous = lead
            actions += self._actions(cluster)
        return actions

    def _replan_after(self, expired: list[_Candidate]) -> list[_Candidate | Action]:
        replanned = []
        for member in expired:
            bound = Bound(member.at, f"'{member.step.id}' expired waiting for min_gap")
            outcome = self._next_step(member.facts, start=member.index + 1, not_before=bound)
            if outcome is not None:
                replanned.append(outcome)
        return replanned

    def _space_out(self, cluster: list[_Candidate], previous: _Candidate) -> bool:
        """Move the cluster to min_gap after the previous contact; whether it had to move."""
        lead = cluster[0]
        same_contact = lead.at == previous.at and lead.step.id == previous.step.id
        earliest = self.clock.after(self.policy.min_gap, previous.at)
        if same_contact or lead.at >= earliest:
            return False
        hour = self.clock.hour_for(lead.kind)
        at, cleared = self._clear_of_requests(self.clock.first_open(earliest, hour), hour)
        for member in cluster:
            member.at = at
            member.notes.append(
                f"min_gap {self.policy.min_gap} after the message planned for "
                f"{self.clock.local(previous.at):%Y-%m-%d %H:%M}"
            )
            member.notes += cleared
        return True

    def _absorb(
        self, cluster: list[_Candidate], queue: list[list[_Candidate]], previous: _Candidate
    ) -> None:
        """Rule 5: clusters of the same message that spacing has brought to `cluster` join it.

        A cluster moved to min_gap after the previous contact may land on the moment of a later
        cluster of the same step, or on its day before it: they go as one message.
        """
        lead = cluster[0]
        for other in [c for c in queue if _cluster_key(c[0]) == _cluster_key(lead)]:
            if other[0].at <= lead.at:
                self._space_out(other, previous)  # to the moment `cluster` was moved to
            if all(m.at == lead.at or _may_join(m, lead.at) for m in other):
                for member in other:
                    member.at = lead.at
                cluster += other
                queue.remove(other)

    def _actions(self, cluster: list[_Candidate]) -> list[Action]:
        """The cluster's action, after the fee bookings its step asks for (if any)."""
        day = self.clock.local(cluster[0].at).date()
        owed = [
            self._owed(
                member.facts, day, applying=member.step.id if member.charges_late_fee else None
            )
            for member in cluster
        ]
        bookings = [
            booking
            for member, member_owed in zip(cluster, owed, strict=True)
            if (booking := self._booking(member, member_owed)) is not None
        ]
        action = self._action(cluster, owed)
        if action.kind == "apply_fee" and not any(c.amount > 0 for c in action.charges):
            return bookings  # nothing has accrued yet: the step waits until something has
        return [*bookings, action]

    def _booking(self, member: _Candidate, owed: Owed) -> Action | None:
        """An `apply_fee` for a message step whose effects charge a fee, unless booked already."""
        if member.kind == "apply_fee" or not member.applies_fee:
            return None
        return self._fee_booking(member.facts, member.step, member.effects, at=member.at, owed=owed)

    def _late_bookings(self, facts: InvoiceFacts) -> list[Action]:
        """Fee bookings of message steps performed without their booking recorded.

        A host that performs one action at a time may send the message and plan again before
        booking its fee: the booking is still due, its fee claimed from the day the message
        went and computed, like every action's amounts, as of the booking's own date (rule 6).
        """
        bookings = []
        for performed in facts.progress.performed:
            step = performed.step
            if performed.given_up or step.action == "apply_fee":
                continue
            effects = self._effects(step, facts, [])
            if not any(effect in _FEE_EFFECTS for effect in effects):
                continue
            sent = self.clock.local(performed.at).date()
            at = self.clock.first_open(self.now, _AT_ONCE)
            owed = self._owed(facts, self.clock.local(at).date())
            booking = self._fee_booking(facts, step, effects, at=at, owed=owed, sent=sent)
            if booking is not None:
                bookings.append(booking)
        return bookings

    def _fee_booking(
        self,
        facts: InvoiceFacts,
        step: Step,
        effects: tuple[Effect, ...],
        *,
        at: datetime,
        owed: Owed,
        sent: date | None = None,
    ) -> Action | None:
        """The booking of what `step` charges, unless booked already (`sent`: performed then)."""
        key = f"{facts.contract.id}/{facts.invoice.id}/fee:{step.id}/1"
        if any(e.kind == "fee" and (e.key == key or e.step == step.id) for e in facts.events):
            return None
        wanted = {"interest", "late_fee"} if "apply_late_fee" in effects else set()
        if "add_compensation" in effects:
            wanted.add("compensation")
        charges = tuple(c for c in owed.charges if c.kind in wanted and c.amount > 0)
        if not charges:
            return None
        booked = ", ".join(f"{c.kind.replace('_', ' ')} {c.amount} {c.currency}" for c in charges)
        when = (
            f"with the message sent on {sent}: its booking is not recorded yet"
            if sent is not None
            else "with the message"
        )
        day = self.clock.local(at).date()
        return Action(
            key=key,
            kind="apply_fee",
            client=self.client.id,
            invoices=(facts.invoice.id,),
            step=step.id,
            channel="system",
            at=at,
            amounts=amounts_of([owed], facts.invoice.currency),
            charges=charges,
            policy=version_of(self.ladders[facts.invoice.id]),
            reason=f"rule 6: step '{step.id}' charges {facts.invoice.label} (due {facts.due}) "
            f"{booked} as of {day}, as its effects "
            f"{', '.join(e for e in effects if e in _FEE_EFFECTS)} say; book it {when}",
        )

    def _action(self, cluster: list[_Candidate], owed: list[Owed]) -> Action:
        lead = cluster[0]
        step = lead.step
        invoice_ids = sorted(member.facts.invoice.id for member in cluster)
        contract_ids = sorted({member.facts.contract.id for member in cluster})
        attempt = max(member.attempt for member in cluster)
        currency = lead.facts.invoice.currency
        return Action(
            key=f"{'+'.join(contract_ids)}/{'+'.join(invoice_ids)}/{step.id}/{attempt}",
            kind=lead.kind,
            client=self.client.id,
            invoices=tuple(invoice_ids),
            step=step.id,
            tone=step.tone,
            channel=lead.channel,
            at=lead.at,
            template=step.template or f"{lead.ladder.name}/{step.id}",
            amounts=amounts_of(owed, currency),
            deadline=self.clock.deadline_of(step, lead.at),
            # Each invoice's own contract decides its fees; the message names every effect
            # some invoice in it carries, and the amounts charge each invoice by its contract.
            effects=tuple(e for e in step.effects if any(e in m.effects for m in cluster)),
            attach_invoice=step.attach_invoice,
            policy=version_of(lead.ladder),
            charges=tuple(c for one in owed for c in one.charges)
            if lead.kind == "apply_fee"
            else (),
            reason=self._reason(cluster),
        )

    # -- reasons -------------------------------------------------------------------------

    def _reason(self, cluster: list[_Candidate]) -> str:
        lead = cluster[0]
        step = lead.step
        parts = [
            _standing(cluster, self.today),
            f"step '{step.id}' ({step.from_} {step.offset:+}) falls on {lead.scheduled.date()}",
        ]
        last = lead.facts.progress.last
        if last is not None:
            parts.append(_performed_text(last, self.clock))
        if lead.attempt > 1:
            parts.append(f"attempt {lead.attempt} of {lead.ladder.max_attempts_per_step}")
        for member in cluster:
            prefix = "" if member is lead else f"{member.facts.invoice.label}: "
            own = (
                member.notes if member is lead else [n for n in member.notes if n not in lead.notes]
            )
            parts += [prefix + note for note in own]
        return "; ".join(dict.fromkeys(parts))

    # -- work contracts: deposits, milestones, kill fee -------------------------------------

    def _work_actions(self) -> list[Action]:
        """Prepayment and stage requests, and pauses of work (see `_work`).

        Requests are contacts: they come first, a client's requests min_gap apart, and the
        ladder's messages keep min_gap after the last of them (rule 5).
        """
        clock = self.clock
        needs = work_needs(
            self.client.id,
            self.portfolio.contracts_of.get(self.client.id, ()),
            self.portfolio.invoices_of.get(self.client.id, ()),
            self.events,
            today=self.today,
            calendar=clock.calendar,
            local_date=lambda moment: clock.local(moment).date(),
        )
        actions = []
        previous: Bound | None = None
        for need in needs:
            action = self._work_action(need, previous)
            actions.append(action)
            if action.channel != "system":
                local = clock.local(action.at)
                self.planned_requests.append(local)
                previous = Bound(
                    clock.after(self.policy.min_gap, local),
                    f"min_gap {self.policy.min_gap} after the {need.kind.replace('_', ' ')} "
                    f"planned for {local:%Y-%m-%d %H:%M}",
                )
        return actions

    def _work_action(self, need: WorkNeed, previous: Bound | None) -> Action:
        clock = self.clock
        bounds = [Bound(self.now, "now"), Bound(clock.start_of(need.not_before), "not before")]
        channel: Channel | None = "system"
        notes: list[str] = []
        kind: ActionKind = need.kind
        if need.kind in ("request_deposit", "request_milestone"):
            _, channel, notes = self._route(_REQUEST_STEP)
            bounds += [b for b in (self.gap_bound, previous) if b is not None]
        hour = _AT_ONCE if channel == "system" else clock.hour_for(kind)
        at = clock.first_open(max(bound.moment for bound in bounds), hour)
        if channel is None:
            channel, kind = "system", "review"
            notes.append("rule 9: no working channel: verify the client's contact details")
        asked = Owed(need.amount, ZERO, need.amount, ZERO, ZERO, ZERO)
        return Action(
            key=need.key,
            kind=kind,
            client=self.client.id,
            invoices=need.invoices,
            step=need.topic,
            channel=channel,
            at=at,
            amounts=amounts_of([asked], need.currency) if need.amount > 0 else None,
            deadline=need.deadline,
            charges=need.charges,
            reason="; ".join([need.reason, *notes]),
        )

    # -- money ---------------------------------------------------------------------------

    def _owed(self, facts: InvoiceFacts, day: date, applying: str | None = None) -> Owed:
        """What the invoice owes on the local date `day` (the action's date, rule 6).

        `applying` names a fee-charging step performed on `day`: its fee counts too.
        """
        memo = (facts.invoice.id, day, applying)
        owed = self._owed_memo.get(memo)
        if owed is None:
            owed = owed_on(
                facts, self.book, self.clock, today=self.today, day=day, applying=applying
            )
            self._owed_memo[memo] = owed
        return owed

    def _nothing_to_charge(self, facts: InvoiceFacts) -> str | None:
        """Why an apply_fee step has nothing to charge (neither a fee nor compensation)."""
        no_fee = self.book.charges_allowed(facts.contract)
        compensation = facts.contract.fixed_compensation and self.client.kind == "business"
        if no_fee is None or compensation:
            return None
        return no_fee

    def _residue_review(self, facts: InvoiceFacts) -> list[Action]:
        """Rule 11: a paid invoice's fees and interest stay claimable.

        Unless the contract waives them, a person decides whether to claim them: they are never
        chased automatically once the invoiced amount is paid.
        """
        contract = facts.contract
        if contract.waive_charges_when_paid or (
            contract.late_fee.kind == "none" and not contract.fixed_compensation
        ):
            return []
        ladder = self.ladders.get(facts.invoice.id, self.policy)
        facts.progress = ladder_progress(ladder, facts.events, self.clock.deadline_of)
        owed = self._owed(facts, self.today)
        left = owed.principal + owed.extra
        tolerance = contract.tolerance or ZERO
        problems = "; ".join(owed.problems)
        if left == ZERO or left < tolerance:
            return [self._charges_review(facts, problems)] if problems else []
        parts = [
            f"{name} {amount}"
            for name, amount in (
                ("principal", owed.principal),
                ("late fee", owed.late_fee),
                ("interest", owed.interest),
                ("compensation", owed.compensation),
            )
            if amount > 0
        ]
        why = (
            f"rule 11: {facts.invoice.label} (due {facts.due}) is paid, but {', '.join(parts)} "
            f"{facts.invoice.currency} remain claimable (payments go to "
            f"{self._order_text(contract)}): decide whether to claim them"
        )
        return [self._charges_review(facts, f"{why}; {problems}" if problems else why)]

    def _order_text(self, contract: Any) -> str:
        order = contract.allocation
        if order is not None:
            return ", ".join(order)
        law = self.book.law(contract)
        first = law.rules.allocation if law.rules is not None else "interest_first"
        return "principal first" if first == "principal_first" else "costs, interest, principal"

    def _charges_review(self, facts: InvoiceFacts, why: str) -> Action:
        return self._review_action(facts, "charges", 1, f"{why}: a person should decide")

    # -- actions outside the ladder -----------------------------------------------------------

    def _review(self, facts: InvoiceFacts, topic: str, why: str) -> Action:
        reason = f"{_standing_one(facts, self.today)}; {why}: a person should decide"
        return self._review_action(facts, topic, 1, reason)

    def _review_action(self, facts: InvoiceFacts, topic: str, number: int, reason: str) -> Action:
        """A task for a person about one invoice, as soon as it exists and the window allows."""
        issued = self.clock.start_of(facts.invoice.issued)
        return Action(
            key=f"{facts.contract.id}/{facts.invoice.id}/review:{topic}/{number}",
            kind="review",
            client=self.client.id,
            invoices=(facts.invoice.id,),
            channel="system",
            at=self.clock.first_open(max(self.now, issued), _AT_ONCE),
            amounts=amounts_of([self._owed(facts, self.today)], facts.invoice.currency),
            reason=reason,
        )

    def _dispute_review(self, facts: InvoiceFacts) -> Action:
        if facts.disputes:
            last = facts.disputes[-1]
            detail = last.dispute
            amount = detail.amount if detail and detail.amount else facts.balance.owed
            said = f" ('{detail.reason}')" if detail and detail.reason else ""
            why = (
                f"the client disputed {amount} {facts.invoice.currency} on "
                f"{self.clock.local(last.at).date()}{said}"
            )
        else:
            why = f"the invoice is marked disputed (issued {facts.invoice.issued}, due {facts.due})"
        stopped = (
            "dunning stopped"
            if facts.balance.chased == ZERO
            else f"dunning continues on the undisputed {facts.balance.chased}"
        )
        reason = f"rule 7: {why}; {stopped}: review the dispute and record the outcome"
        return self._review_action(facts, "dispute", max(len(facts.disputes), 1), reason)

    def _promise_review(self, facts: InvoiceFacts, why: str) -> Action:
        """Rule 7: a promise later than the policy allows is not granted without a person."""
        assert facts.promised is not None
        reason = (
            f"rule 7: {why}; dunning goes on: accept it as an instalment plan with one "
            "instalment, or answer the client"
        )
        number = sum(1 for e in facts.events if e.kind == "promise")
        return self._review_action(facts, "promise", number, reason)

    # -- instalment plans ----------------------------------------------------------------

    def _instalment_actions(self, arrangements: dict[str, Arrangement]) -> list[Action]:
        """A reminder before each instalment of an honoured plan, and a note when one is late.

        They are contacts planned first, like requests: the ladder's messages for the client's
        other invoices keep min_gap around them (rule 5).
        """
        actions = []
        honoured = (
            a
            for a in dict.fromkeys(arrangements.values())
            if a.standing.honoured and not self._settled(a.invoices)
        )
        for arrangement in sorted(honoured, key=lambda a: a.plan.id):
            action = self._instalment_action(arrangement)
            if action is not None:
                actions.append(action)
                if action.channel != "system":
                    self.planned_requests.append(self.clock.local(action.at))
        return actions

    def _settled(self, invoices: Sequence[Invoice]) -> bool:
        """Whether payments and credit notes have settled every invoice (no more instalments)."""
        return all(balance_of(invoice, self.today).owed == ZERO for invoice in invoices)

    def _instalment_action(self, arrangement: Arrangement) -> Action | None:
        clock, policy, plan = self.clock, self.policy, arrangement.plan
        due = arrangement.standing.next
        assert due is not None  # an honoured plan is not complete
        late = self.today > due.due
        topic = "instalment_missed" if late else "instalment"
        key = f"{arrangement.key_prefix}/{topic}-{due.number}:{plan.id}/1"
        if any(event.key == key for event in self.events):
            return None
        kind, channel, routing = self._route(_REQUEST_STEP)
        hour = clock.hour_for(kind)
        step = _INSTALMENT_MISSED if late else _instalment_step(policy.instalment_reminder)
        anchor = clock.start_of(due.due)
        scheduled = clock.scheduled(step, anchor, due.due, hour)
        bounds = [Bound(self.now, "catching up"), Bound(clock.start_of(plan.agreed), "agreed")]
        if self.gap_bound is not None:
            bounds.append(self.gap_bound)
        at, timing = self._time(scheduled, bounds, hour)
        grace_end = arrangement.grace_end(due.due)
        if (not late and at.date() >= due.due) or at.date() > grace_end:
            return None  # too late to remind: the missed note, or the plan's end, comes next
        currency = arrangement.currency
        standing = arrangement.standing
        asked = Owed(arrangement.total, standing.paid, standing.short, ZERO, ZERO, ZERO)
        reason = [self._instalment_reason(arrangement, late, grace_end), *timing, *routing]
        if channel is None:
            channel, kind, topic = "system", "review", f"review:{topic}"
            reason.append("rule 9: no working channel: verify the client's contact details")
        return Action(
            key=key,
            kind=kind,
            client=self.client.id,
            invoices=tuple(sorted(i.id for i in arrangement.invoices)),
            step=topic,
            tone="friendly",
            channel=channel,
            at=at,
            template=f"instalment/{'missed' if late else 'reminder'}",
            amounts=amounts_of([asked], currency),
            deadline=grace_end if late else due.due,
            instalment=InstalmentDue(
                plan=plan.id,
                number=due.number,
                of=len(arrangement.instalments),
                due=due.due,
                amount=due.amount,
                short=standing.short,
                currency=currency,
            ),
            reason="; ".join(reason),
        )

    def _instalment_reason(self, arrangement: Arrangement, late: bool, grace_end: date) -> str:
        due, standing = arrangement.standing.next, arrangement.standing
        assert due is not None
        plan, currency = arrangement.plan, arrangement.currency
        head = (
            f"rule 7: instalment plan '{plan.id}' (agreed {plan.agreed}): instalment "
            f"{due.number} of {len(arrangement.instalments)}, {due.amount} {currency}, "
        )
        if late:
            return (
                f"{head}fell due on {due.due} and {standing.short} {currency} of it is unpaid; "
                f"the plan breaks unless it is paid by {grace_end}"
            )
        return (
            f"{head}falls due on {due.due}: a reminder {self.policy.instalment_reminder} "
            "before; the plan is kept so far, so the ladder waits"
        )

    def _settlement_actions(self, facts_of: list[InvoiceFacts]) -> list[Action]:
        """Rule 10 and 2: restore a suspended service / resume paused work once all is paid."""
        settled = {facts.invoice.id for facts in facts_of if facts.state in SETTLED}
        everything = [facts.invoice.id for facts in facts_of]
        actions = []
        for stop, start, kind in _UNDO:
            # Pauses for a prepayment or a kill fee are undone by `_work`, not by settling.
            ladder = [e for e in self.events if not is_work_key(e.key) and e.chase is None]
            stops = [e for e in ladder if e.kind == stop]
            toggles = [e for e in ladder if e.kind in (stop, start)]
            latest = toggles[-1] if toggles else None
            if latest is None or latest.kind != stop:
                continue
            covered = list(latest.invoices) or everything
            if not covered or not all(invoice_id in settled for invoice_id in covered):
                continue
            issued = max(f.invoice.issued for f in facts_of if f.invoice.id in covered)
            earliest = max(self.now, self.clock.start_of(issued))
            contracts = sorted(
                {
                    self.portfolio.contracts[f.invoice.contract].id
                    for f in facts_of
                    if f.invoice.id in covered
                }
            )
            actions.append(
                Action(
                    key=f"{'+'.join(contracts)}/{'+'.join(sorted(covered))}/{start}/{len(stops)}",
                    kind=kind,
                    client=self.client.id,
                    invoices=tuple(sorted(covered)),
                    channel="system",
                    at=self.clock.first_open(earliest, _AT_ONCE),
                    reason=f"rule 10: {', '.join(sorted(covered))} settled; the "
                    f"{stop.replace('_', ' ')} of {self.clock.local(latest.at).date()} "
                    "should be undone at once",
                )
            )
        return actions

    def _state(self, facts: InvoiceFacts, actions: list[Action]) -> InvoiceState:
        mine = [a.at for a in actions if facts.invoice.id in a.invoices]
        settled = facts.state in SETTLED
        overdue = 0 if settled else max((self.today - facts.due).days, 0)
        last = facts.progress.last
        return InvoiceState(
            id=facts.invoice.id,
            client=self.client.id,
            state=facts.state,
            due=facts.due,
            days_overdue=overdue,
            step=last.step.id if last is not None else None,
            balance=facts.balance.owed,
            currency=facts.invoice.currency,
            next_review=self.clock.local(min(mine)).date() if mine else None,
        )


def _clusters(candidates: list[_Candidate]) -> list[list[_Candidate]]:
    """Candidates of one step, currency, kind and channel at the same moment, in time order."""
    groups: dict[tuple[str, ...], list[_Candidate]] = defaultdict(list)
    for candidate in sorted(candidates, key=lambda c: (c.at, c.facts.invoice.id)):
        groups[_cluster_key(candidate)].append(candidate)
    clusters: list[list[_Candidate]] = []
    for members in groups.values():
        remaining = members
        while remaining:
            lead_at = remaining[0].at
            joined = [m for m in remaining if m.at <= lead_at or _may_join(m, lead_at)]
            clusters.append(joined)
            remaining = [m for m in remaining if m not in joined]
    clusters.sort(key=lambda c: (c[0].at, -c[0].index, c[0].facts.invoice.id))
    return clusters


def _cluster_key(candidate: _Candidate) -> tuple[str, ...]:
    """What candidates must share to go in one message: step, currency, kind and channel."""
    return (
        candidate.step.id,
        candidate.facts.invoice.currency,
        candidate.kind,
        str(candidate.channel),
    )


def _may_join(member: _Candidate, lead_at: datetime) -> bool:
    """Whether a step planned for later on the lead's day may go with it (rule 5).

    The hour is the policy's preference, the bounds are rules: a step due later the same day,
    with every bound passed by the lead's moment, goes in the lead's message rather than in a
    second message a few hours later (a caught-up step goes before `send_at`).
    """
    return member.at.date() == lead_at.date() and member.earliest <= lead_at


def _is_contact_that_got_through(event: ContactEvent) -> bool:
    return (
        event.direction == "out"
        and event.channel not in (None, "system")
        and event.outcome not in ("bounced", "failed")
    )


def _expired(scheduled: datetime, at: datetime, due: date) -> bool:
    """A step meant for before (or on) the due date is not sent late (SPEC §4)."""
    if scheduled.date() > due:
        return False
    expiry = due if scheduled.date() < due else due + _ONE_DAY
    return at.date() >= expiry


def _kind_for(action: ActionKind, channel: Channel) -> ActionKind:
    """A message that falls back to the phone becomes a call, a call that cannot be a message."""
    if channel == "phone":
        return "call"
    if action == "call":
        return "send_reminder"
    return action


def _standing_one(facts: InvoiceFacts, today: date) -> str:
    label = facts.invoice.label
    late = (today - facts.due).days
    if late > 0:
        return f"{label} is {late} day{'s' if late != 1 else ''} overdue (due {facts.due})"
    if late == 0:
        return f"{label} is due today ({facts.due})"
    return f"{label} falls due on {facts.due}"


def _standing(cluster: list[_Candidate], today: date) -> str:
    return ", ".join(_standing_one(member.facts, today) for member in cluster)


def _performed_text(last: Performed, clock: ClientClock) -> str:
    day = clock.local(last.at).date()
    if last.given_up:
        return f"'{last.step.id}' was given up on {day} after unanswered attempts"
    return f"'{last.step.id}' was performed on {day}"
