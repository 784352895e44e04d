"""Simulation: a case's future, walked forward one planned action and one client move at a time.

`simulate()` runs the loop a host runs for weeks — plan, perform what is due, record it, plan
again — in one call that touches nothing outside memory. Performing an action writes the history
event the runner would record (a delivered message, an unanswered call, a booked fee, a
suspension, an escalation); scripted client behaviour (`Behaviour`: pays on day N, pays in part,
replies, promises, disputes, an address that starts bouncing) is written into the case at its
moment, and so are the conversations a script may hold with the client: an instalment plan the
client agrees to (`InstalmentPlan`) and our resolution of a dispute (a ``dispute_resolved`` event,
with a credit note where we credit the client). Chases that are not about money (a silent
prospect, a project waiting on the client) are walked like invoices. The result is a `Timeline`
— what would happen, when, through which channel, with which subject — which prints as text,
serialises to JSON and draws as a chart (`timeline_chart`).

Two clocks. Event-driven (the default) jumps straight to the next planned action, client move or
start of a client's day, plans there and performs what is due, like ``paychase run --for``. With
a `cadence` the clock ticks like a cron job and performs at each tick whatever is due by then:
the way to check that how often a host runs paychase does not change what it does.

This module owns the walk: the clocks, performing planned actions, one client at a time. The
script and its moments (`_script`, `_moments`), the moves played into a client's case (`_moves`,
`_world`), the timeline (`_timeline`) and its text and chart (`_text`, `_chart`) are their own.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any, Final

from paychase.calendar._local_time import local_moment, zone
from paychase.case._case import Case, planning_moment
from paychase.case._history import ContactEvent
from paychase.case._parties import Client
from paychase.errors import InvalidCaseError, PaychaseError
from paychase.messages._render import Renderer
from paychase.planner._outputs import Action, ChaseState, InvoiceState, Plan
from paychase.planner._performed import MESSAGE_KINDS, performed_event
from paychase.planner._plan import plan
from paychase.simulation._moves import play
from paychase.simulation._script import Behaviour, Scheduled, parse_script, schedule_moves
from paychase.simulation._timeline import SimulationEntry, Timeline
from paychase.simulation._world import World

__all__ = ["SimulationError", "simulate"]

MAX_STEPS: Final = 10_000
"""Actions and moves one simulation may perform: beyond this the planner is going round in
circles, and an error says so instead of looping for ever."""
MAX_TICKS: Final = 200_000
"""Ticks of a cadence (a year at 3 minutes): a finer cadence is a typo."""

_CONTACTS: Final[frozenset[str]] = MESSAGE_KINDS | {"call"}
_ONE_DAY: Final = timedelta(days=1)


class SimulationError(PaychaseError):
    """The simulation cannot go on: the planner re-planned a performed key, or never settles."""


def simulate(
    case: Case | Mapping[str, Any],
    *,
    until: datetime,
    now: datetime | None = None,
    script: Sequence[Behaviour] = (),
    cadence: timedelta | None = None,
    renderer: Renderer | None = None,
) -> Timeline:
    """Walk `case` forward from `now` to `until`, performing every planned action.

    Event-driven by default: plan at the current moment, take the earliest of the next planned
    action, the next scripted move and the start of the client's next day, jump the clock to
    it, apply the move or perform every action due then (from one plan, as a run does), and
    plan again. With a `cadence` the clock ticks from `now` instead, and at each tick every
    action planned for then or earlier is performed — what a cron runner does. Each client is
    walked on its own, as the planner plans each client on its own.

    Performing an action records the history event the runner would: messages are
    ``delivered`` (``bounced`` once a `bounce` move hit their channel), calls ``no_answer``
    unless the client was scripted to answer (a ``reply`` on ``phone``), fees, pauses,
    suspensions, restorations, escalations, write-offs and cancellations their own kinds (after
    a write-off the invoice's chase stops). A ``review`` needs a person: it is shown once and
    then left alone.

    Args:
        case: a `Case` or a case-file mapping.
        until: the end of the simulation (aware); nothing later is performed.
        now: the start; by default the case's own ``now``.
        script: scripted client moves (see `Behaviour`, `load_script`).
        cadence: the tick of a cron-like run (e.g. one hour); None for event-driven.
        renderer: renders the subjects of messages and calls (your templates first); the
            built-in templates by default. Nothing is rendered for a case without a sender.

    Returns:
        The `Timeline` of what happened and each invoice's state at `until`.

    Raises:
        InvalidCaseError: bad case, moment, cadence or script (unknown client or invoice…).
        SimulationError: the planner re-planned a performed key, or the run never settled.

    Examples:
        >>> from datetime import datetime, timedelta
        >>> case = {"policy": "freelancer", "clients": [{"id": "c1", "name": "Studio Kowalski",
        ...     "country": "PL", "timezone": "Europe/Warsaw",
        ...     "contacts": {"email": "c@x.example"}}],
        ...     "contracts": [{"id": "k1", "client": "c1", "currency": "PLN"}],
        ...     "invoices": [{"id": "inv-1", "contract": "k1", "issued": "2026-03-02",
        ...                   "due": "2026-03-16", "total": "1200.00", "currency": "PLN"}]}
        >>> start = datetime.fromisoformat("2026-03-02T09:00:00+01:00")
        >>> timeline = simulate(case, now=start, until=start + timedelta(days=30))
        >>> [(entry.at.date().isoformat(), entry.step) for entry in timeline.entries][:3]
        [('2026-03-13', 'pre_due'), ('2026-03-17', 'polite'), ('2026-03-24', 'firm')]
    """
    checked = case if isinstance(case, Case) else Case.model_validate(case)
    start = planning_moment(checked, now)
    until = _end(until, start)
    moves = schedule_moves(parse_script(script), checked, start)
    tick = None if cadence is None else _tick(cadence, start, until)
    # Clients are planned independently (min_gap, combining and channels are per client), so
    # each client's future is walked on its own: a plan costs one client, not the portfolio,
    # and the clock stops at that client's midnights only.
    entries: list[tuple[datetime, int, int, SimulationEntry]] = []
    states: dict[str, InvoiceState] = {}
    chases: dict[str, ChaseState] = {}
    renderer = renderer or Renderer()
    for position, client in enumerate(checked.clients):
        own_moves = [move for move in moves if move.behaviour.client == client.id]
        run = _Simulation(_one_client(checked, client.id), start, until, own_moves, renderer)
        if tick is None:
            run.event_driven()
        else:
            run.ticking(tick)
        entries += [(e.at.astimezone(UTC), position, n, e) for n, e in enumerate(run.world.entries)]
        final = run.plan_at(until)
        states.update((state.id, state) for state in final.invoices)
        chases.update((state.id, state) for state in final.chases or ())
    return Timeline(
        start=start,
        until=until,
        policy=checked.policy.name,
        cadence=cadence,
        entries=tuple(entry for *_, entry in sorted(entries, key=lambda item: item[:3])),
        invoices=tuple(states[invoice.id] for invoice in checked.invoices),
        chases=tuple(chases[chase.id] for chase in checked.chases) if checked.chases else None,
    )


def _one_client(case: Case, client_id: str) -> Case:
    """`case` cut down to one client: its contracts, invoices, plans, chases and history."""
    contracts = tuple(k for k in case.contracts if k.client == client_id)
    ids = {contract.id for contract in contracts}
    return case.model_copy(
        update={
            "clients": tuple(c for c in case.clients if c.id == client_id),
            "contracts": contracts,
            "invoices": tuple(i for i in case.invoices if i.contract in ids),
            "instalment_plans": tuple(p for p in case.instalment_plans if p.client == client_id),
            "chases": tuple(c for c in case.chases if c.client == client_id),
            "history": tuple(e for e in case.history if e.client == client_id),
        }
    )


def _end(until: datetime, start: datetime) -> datetime:
    if not isinstance(until, datetime) or until.tzinfo is None or until.utcoffset() is None:
        raise InvalidCaseError("must be a timezone-aware datetime", field="until", value=str(until))
    if until <= start:
        raise InvalidCaseError(
            f"must be after the start {start.isoformat()}", field="until", value=until.isoformat()
        )
    return until


def _tick(cadence: timedelta, start: datetime, until: datetime) -> timedelta:
    if not isinstance(cadence, timedelta) or cadence <= timedelta(0):
        raise InvalidCaseError("must be a positive timedelta", field="cadence", value=str(cadence))
    if (until - start) / cadence > MAX_TICKS:
        raise InvalidCaseError(
            f"more than {MAX_TICKS} ticks to {until.isoformat()}: use a coarser cadence",
            field="cadence",
            value=str(cadence),
        )
    return cadence


class _Simulation:
    """One client's run: its world, its clock, the moves still to come and what was done."""

    def __init__(
        self,
        case: Case,
        start: datetime,
        until: datetime,
        moves: Iterable[Scheduled],
        renderer: Renderer,
    ) -> None:
        self.world = World(case)
        self.start = start
        self.until = until
        self.moves = deque(moves)
        self.zones = [zone(name) for name in sorted({c.timezone for c in case.clients})]
        self.renderer = renderer if case.sender is not None else None
        self.performed: set[str] = set()
        self.shown: set[str] = set()
        self.steps = 0

    # -- the two clocks --------------------------------------------------------------------

    def event_driven(self) -> None:
        """Jump to the next planned action, scripted move or new day; act on what is due there.

        Woken at an action's moment, the run plans again and performs everything due by then
        from that one plan, as ``paychase run`` does: a fee booking planned beside its message
        goes with it, whichever of the two sorts first. The clock also stops as each client's
        day begins, because a plan does not announce what only the date changes: an invoice
        issued later is not planned until its day, nor a pause when work starts.
        """
        now = self.start
        while True:
            planned_at, result = now, self.plan_at(now)
            upcoming = self._next_action(result)
            move = self.moves[0] if self.moves else None
            later = [self._next_day(now)]
            later += [upcoming.at] if upcoming is not None else []
            later += [move.at] if move is not None else []
            if min(later) > self.until:
                return
            now = max(now, min(later))
            if move is not None and move.at <= now:  # the client first, at a tie
                self._apply(self.moves.popleft())
            elif upcoming is not None and upcoming.at <= now:
                due = result if now == planned_at else self.plan_at(now)
                if not self._perform_due(due, now):
                    self._count(f"a jump to {now.isoformat()} that found nothing due")
            # else a client's day began: the next turn plans for it

    def _next_day(self, now: datetime) -> datetime:
        """The first moment after `now` at which some client's local date changes."""
        return min(
            local_moment(now.astimezone(tz).date() + _ONE_DAY, time(0), tz) for tz in self.zones
        )

    def ticking(self, cadence: timedelta) -> None:
        """Tick from the start; at each tick, perform everything planned for then or before.

        Moves between ticks happen at their own moment (the client does not wait for cron);
        the tick after them is the first to see them. Ticks are counted in elapsed time, so a
        daily tick keeps its UTC time and its local time moves with daylight saving.
        """
        first = self.start.astimezone(UTC)
        ticks = int((self.until - self.start) / cadence)
        for number in range(ticks + 1):
            tick = (first + number * cadence).astimezone(self.start.tzinfo)
            while self.moves and self.moves[0].at <= tick:
                self._apply(self.moves.popleft())
            self._perform_due(self.plan_at(tick), tick)

    def _perform_due(self, result: Plan, now: datetime) -> int:
        """Perform every action of `result` due by `now`, as one run does; how many it did."""
        done = 0
        for action in result.actions:
            if action.due(now) and not self._already_shown(action):
                self._perform(action, now)
                done += 1
        return done

    def plan_at(self, now: datetime) -> Plan:
        """The plan at `now`; a performed key planned again stops the run (a planner bug)."""
        result = plan(self.world.case, now=now)
        for action in result.actions:
            if action.key in self.performed:
                raise SimulationError(
                    f"the planner planned '{action.key}' again at {now.isoformat()} after it was "
                    "performed and recorded: a planner bug worth reporting with this case",
                    field="key",
                    value=action.key,
                )
        return result

    def _next_action(self, result: Plan) -> Action | None:
        return next((a for a in result.actions if not self._already_shown(a)), None)

    def _already_shown(self, action: Action) -> bool:
        return action.kind == "review" and action.key in self.shown

    def _count(self, what: str) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise SimulationError(
                f"more than {MAX_STEPS} actions and moves before {self.until.isoformat()} (the "
                f"last: {what}): the planner keeps finding new work; shorten the simulation or "
                "report the case",
                field="until",
            )

    # -- performing an action --------------------------------------------------------------

    def _perform(self, action: Action, at: datetime) -> None:
        """Do `action` at `at`: record the runner's event (a review is only shown)."""
        self._count(action.key)
        client = self.world.clients[action.client]
        local = at.astimezone(zone(client.timezone))
        if action.kind == "review":
            self.shown.add(action.key)
            self.world.entries.append(_action_entry(action, local, outcome=None, subject=None))
            return
        self.performed.add(action.key)
        outcome = self.world.outcome(action, client)
        subject = self._subject(action)  # rendered from the case the action was planned from
        self.world.record(_event(action, client, local, outcome))
        self.world.entries.append(_action_entry(action, local, outcome=outcome, subject=subject))

    def _subject(self, action: Action) -> str | None:
        """The subject of a message sent to the client (none for what the host records)."""
        if self.renderer is None or action.kind not in _CONTACTS or action.channel == "system":
            return None
        return self.renderer.render(self.world.case, action).subject

    # -- applying a client's move ----------------------------------------------------------

    def _apply(self, move: Scheduled) -> None:
        """Play a scripted move at its moment, counted against the run's limit (see `play`)."""
        self._count(f"script[{move.index}]")
        play(self.world, move)


def _event(action: Action, client: Client, at: datetime, outcome: str | None) -> ContactEvent:
    """The history event the runner records for `action` performed at `at`."""
    to = client.address_for(action.channel, action.to)
    return performed_event(action, at=at, channel=action.channel, to=to, outcome=outcome)


def _action_entry(
    action: Action, at: datetime, *, outcome: str | None, subject: str | None
) -> SimulationEntry:
    amounts = action.amounts
    return SimulationEntry(
        at=at,
        client=action.client,
        invoices=action.invoices,
        chase=action.chase,
        what=action.kind,
        step=action.step,
        channel=action.channel,
        key=action.key,
        outcome=outcome,
        deadline=action.deadline,
        reason=action.reason,
        amount=amounts.total if amounts is not None else None,
        currency=amounts.currency if amounts is not None else None,
        subject=subject,
    )
