"""The runner: plan, render, deliver what is due, record it — each action key exactly once.

One run reads the case and the store's history, settles what an earlier run left half done,
plans, and performs every action due by `now`:

* a message for a channel the host configured (e-mail, SMS gateway…) is **sent**: the key is
  claimed in the store first (a unique row: a second runner skips it), the message and the
  event it will record are kept, the channel is called, and the outcome and its history event
  are written in one transaction. A transient failure is retried with exponential backoff,
  then the key is given back for a later run. A bounce or refusal is recorded as such, so the
  next plan switches channel (SPEC §5 rule 9);
* a call, a postal letter, a message for a channel with no machine behind it, and what the
  host does itself (book a fee, suspend a service) become **tasks** for a person, closed when
  the outcome is recorded (``paychase history add``);

After a crash the next run finds the keys left ``claimed`` (nothing went out: they are given
back) or ``sending`` (the channel may have delivered): a channel that can check by Message-ID
is asked; otherwise the attempt is marked ``uncertain`` and shown, never sent again on its own.
Every run reports each uncertain send again until a person settles it, and each key another
runner holds: ``held`` while a process of this host is at work on it, ``stalled`` when the
holder may have died or hung.

An **incremental** run on a `paychase.store.Workspace` plans only the clients whose facts
changed since a run last planned them, or whose next review has come (`PlanMark`): the
earliest moment any of their planned actions falls due, or the date alone may bring their plan
something it does not list ahead (`paychase.delivery._next_review`: an invoice turning overdue
or leaving its grace period; any day while an invoice is promised, disputed, in a plan or
escalated, or an open invoice or chase has nothing planned; a fact dated after now). Every
other client has nothing due before its next
review, so the run performs exactly what a full run performs. Each run that plans a client on
a workspace keeps its mark, a full run every client's; a client whose facts the run itself
changed (a message sent, a bounce recorded) is planned again at its end, on its new facts, and
its mark kept, so the next day's run does not plan it again for what this run did.

Before each send the client's facts are read again: on a workspace, when its fingerprint is
the one the run planned from, nothing was recorded in between and the action stands as
planned; otherwise, and on any other source, the client is planned again on the latest facts.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal, get_args

from paychase.case._case import Case, version_of
from paychase.case._history import ContactEvent
from paychase.delivery._channel import CheckableChannel, DeliveryChannel
from paychase.delivery._liveness import runner_id, runner_state
from paychase.delivery._next_review import plan_marks
from paychase.delivery._sources import CaseSource, Snapshot
from paychase.errors import PaychaseError, PluginError
from paychase.messages._message import Message, Receipt
from paychase.messages._render import Renderer
from paychase.money._rates import RateTable
from paychase.planner._outputs import Action
from paychase.planner._performed import MESSAGE_KINDS, performed_event
from paychase.planner._plan import plan
from paychase.policy._policy import ActionKind, Channel
from paychase.store._history import Attempt, HistoryStore
from paychase.store._workspace import Workspace

__all__ = [
    "Outcome",
    "OutcomeStatus",
    "RunReport",
    "RunStoppedError",
    "Runner",
]

OutcomeStatus = Literal[
    "sent",
    "bounced",
    "failed",
    "task",
    "review",
    "would_send",
    "skipped",
    "retry_later",
    "uncertain",
    "cancelled",
    "postponed",
    "held",
    "stalled",
]

# What only a person can do: calls and letters on paper.
_PERSON_CHANNELS: frozenset[Channel] = frozenset({"phone", "letter", "registered_letter"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run did with one action key."""

    key: str
    client: str
    kind: ActionKind
    channel: Channel
    status: OutcomeStatus
    detail: str = ""


@dataclass(slots=True)
class RunReport:
    """Everything one run did, in the order it did it."""

    now: datetime
    outcomes: list[Outcome] = field(default_factory=list)
    next_at: datetime | None = None
    """When the plan's next action falls due, if any is planned later than `now`."""
    planned: tuple[Action, ...] = ()
    """The plan the run started from: every action, due or not, of the clients it planned."""
    clients: tuple[str, ...] = ()
    """The clients the run planned: all of them, unless it was `incremental`."""
    incremental: bool = False
    """Whether the run planned only the clients whose facts changed or whose moment came."""

    def count(self, status: OutcomeStatus) -> int:
        """How many outcomes have `status`."""
        return sum(1 for outcome in self.outcomes if outcome.status == status)


class RunStoppedError(PluginError):
    """The store or the case's source failed under a run, which stopped there.

    The problem is the store's (a damaged or full database), with how far the run got; what
    the run performed before it is recorded, and `report` lists it, so that a host can show
    what went out before the stop.
    """

    def __init__(self, error: PluginError, report: RunReport, *, performed: int, due: int) -> None:
        problem = f"{error.problem}; the run stopped after {performed} of {due} due actions"
        given = {"value": error.value} if error.has_value else {}
        super().__init__(problem, field=error.field, others=error.others, **given)
        self.report = report
        """What the run did before it stopped."""


def _check_runner(runner: Runner) -> None:
    """Refuse settings the runner cannot work with, naming each (not a failure mid-run)."""
    if not isinstance(runner.store, HistoryStore):
        raise PluginError("not a HistoryStore", field="store", value=type(runner.store).__name__)
    if not isinstance(runner.channels, Mapping):
        raise PluginError("a mapping of channel names to channels", field="channels")
    for name, channel in runner.channels.items():
        if name not in get_args(Channel):
            raise PluginError(
                f"not a channel: use {', '.join(get_args(Channel))}", field="channels", value=name
            )
        if not isinstance(channel, DeliveryChannel):
            raise PluginError(
                "not a DeliveryChannel (it has no send(message) method)",
                field=f"channels[{name!r}]",
                value=type(channel).__name__,
            )
    if not isinstance(runner.renderer, Renderer):
        raise PluginError("not a Renderer", field="renderer", value=type(runner.renderer).__name__)
    checks = (
        (
            "retries",
            type(runner.retries) is int and runner.retries >= 0,
            "a whole number, 0 or more",
        ),
        (
            "backoff",
            type(runner.backoff) in (int, float) and runner.backoff >= 0,
            "seconds, 0 or more",
        ),
        (
            "stale_after",
            isinstance(runner.stale_after, timedelta) and runner.stale_after >= timedelta(0),
            "a timedelta, 0 or more",
        ),
        ("sleep", callable(runner.sleep), "callable"),
        ("clock", callable(runner.clock), "callable"),
        ("runner_id", isinstance(runner.runner_id, str) and bool(runner.runner_id), "a name"),
    )
    for setting, fits, what in checks:
        if not fits:
            raise PluginError(f"must be {what}", field=setting, value=getattr(runner, setting))


@dataclass(slots=True)
class Runner:
    """Performs the plan's due actions through `channels`, recording everything in `store`.

    Args:
        store: the history store (see `SqliteStore`).
        channels: the machine channels by name, e.g. ``{"email": SmtpChannel(...)}``; any
            other channel's messages become tasks for a person.
        renderer: renders messages (host templates, invoice documents).
        retries: further tries after a transient failure, with exponential backoff.
        backoff: the first wait in seconds; doubled at each retry.
        stale_after: a ``claimed`` or ``sending`` attempt older than this is taken to be left
            by a runner that died, when that runner is not a process of this host; younger
            ones may belong to a runner still at work. A process of this host is asked
            instead: gone, its keys are settled at once; running, they are left to it (and
            reported as ``stalled`` once older than this).
        sleep: waits between retries; injectable for tests.
        clock: dates attempts, never the plan; injectable for tests.
        runner_id: names this runner in the attempts it claims; ``host:pid@start`` by default
            (``start``: when the process started, so that a reused process id is told apart).

    Raises:
        PluginError: an argument the runner cannot use (a store that is not a `HistoryStore`,
            a channel name that is not a channel, a negative number of retries...), named.
    """

    store: HistoryStore
    channels: Mapping[Channel, DeliveryChannel] = field(default_factory=dict)
    renderer: Renderer = field(default_factory=Renderer)
    retries: int = 3
    backoff: float = 1.0
    stale_after: timedelta = timedelta(minutes=15)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    runner_id: str = field(default_factory=runner_id)

    def __post_init__(self) -> None:
        _check_runner(self)

    def run(
        self,
        case: Case | CaseSource,
        *,
        now: datetime,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
        incremental: bool = False,
    ) -> RunReport:
        """Settle interrupted attempts, plan, and perform what is due — each on fresh facts.

        Args:
            case: the portfolio: a `CaseSource` (a `paychase.store.Workspace`, a `CaseFile`)
                read again before each send, or a `Case`, whose history is added to the
                store's.
            now: the planning moment; actions dated up to it are due.
            dry_run: plan and render, but claim, send and record nothing.
            progress: called with (done, total) after each due action.
            incremental: plan only the clients whose facts changed or whose next review
                came (see the module docstring); only a `paychase.store.Workspace` keeps
                what this needs, any other source is planned in full.

        Raises:
            RunStoppedError: the store or the case's source failed under the run (a damaged or
                full database): the run stopped there; what it performed before is kept, and
                the error's `RunStoppedError.report` says what that was.
            PluginError: the store failed before the run performed anything.
        """
        source = case if isinstance(case, CaseSource) else self._snapshot(case, dry_run=dry_run)
        report = RunReport(now=now)
        if not dry_run:
            report.outcomes += self.reconcile()
        report.outcomes += self._still_uncertain({o.key for o in report.outcomes})
        report.incremental = incremental and isinstance(source, Workspace)
        basis = _basis(self.renderer.rates)
        current, planned, waiting, prints = self._plan(
            source, now, report.incremental, basis, dry_run=dry_run
        )
        due = [a for a in planned if a.due(now)]
        report.planned = tuple(planned)
        report.clients = tuple(client.id for client in current.clients)
        later = [a.not_before or a.at for a in planned if not a.due(now)]
        report.next_at = min([*later, *waiting], default=None)
        planned_from = _Planned(_Parts(current), prints, basis)
        for done, action in enumerate(due, start=1):
            try:
                outcome = self._perform(source, planned_from, action, now, dry_run=dry_run)
            except PluginError as error:  # the store or the case's source failed under it
                raise RunStoppedError(error, report, performed=done - 1, due=len(due)) from error
            report.outcomes.append(outcome)
            if progress is not None:
                progress(done, len(due))
        if isinstance(source, Workspace) and not dry_run:
            try:
                self._mark_changed(source, planned_from, {a.client for a in due}, now)
            except PluginError as error:  # all was performed; the next run plans them again
                raise RunStoppedError(error, report, performed=len(due), due=len(due)) from error
        return report

    def _plan(
        self, source: CaseSource, now: datetime, incremental: bool, basis: str, *, dry_run: bool
    ) -> tuple[Case, tuple[Action, ...], list[datetime], dict[str, str]]:
        """The case the run plans, its actions, and the next reviews of the clients it skips.

        Also the fingerprints of the facts it planned from, by client (none but on a
        workspace). A workspace keeps the marks of the clients planned (unless `dry_run`). Their
        fingerprints are taken before their facts are read: a fact recorded in between makes
        the next run plan the client again, never miss it.
        """
        if not isinstance(source, Workspace):
            current = source.case()
            return current, plan(current, now=now, rates=self.renderer.rates).actions, [], {}
        prints = source.fact_fingerprints(basis)
        marks = source.plan_marks() if incremental else {}
        chosen = [c for c, facts in prints.items() if c not in marks or marks[c].stale(facts, now)]
        current = source.case_of(chosen) if incremental else source.case()
        result = plan(current, now=now, rates=self.renderer.rates)
        if not dry_run:
            source.keep_plan_marks(plan_marks(result, current, prints, now), at=self.clock())
        skipped = set(prints) - set(chosen) if incremental else set()
        waiting = [
            review
            for client in skipped
            if (review := marks[client].next_review) is not None and review > now
        ]
        return current, result.actions, waiting, prints

    def _mark_changed(
        self, source: Workspace, planned: _Planned, clients: set[str], now: datetime
    ) -> None:
        """Plan again, and mark, the `clients` whose facts changed since the run planned them.

        What the run recorded (a message sent, a bounce) changed them; marked on their new
        facts now, they are not planned again by the next run unless something else changes
        or their next review comes.
        """
        prints = source.fact_fingerprints(planned.basis, clients)
        changed = [c for c, facts in prints.items() if facts != planned.prints.get(c)]
        if not changed:
            return
        after = source.case_of(changed)
        result = plan(after, now=now, rates=self.renderer.rates)
        source.keep_plan_marks(plan_marks(result, after, prints, now), at=self.clock())

    def _latest(
        self, source: CaseSource, planned: _Planned, action: Action, now: datetime
    ) -> tuple[Case, Action] | Outcome:
        """The client's case and `action` on the latest facts, if still due.

        On a workspace whose fingerprint of the client is the one the run planned from,
        nothing was recorded since: the action stands as planned (a plan is a function of the
        facts and `now`). Otherwise the client is planned again (`_fresh`).
        """
        client = action.client
        if isinstance(source, Workspace) and client in planned.prints:
            latest = source.fact_fingerprints(planned.basis, [client]).get(client)
            if latest == planned.prints[client]:
                return planned.parts.of(client), action
        return self._fresh(source, action, now)

    def _snapshot(self, case: Case, *, dry_run: bool) -> Snapshot:
        """A case given as it is: its history goes to the store (a dry run only reads it)."""
        if not dry_run:
            self.store.add_events(case.history)
        return Snapshot(case, self.store, with_own_history=dry_run)

    def _fresh(
        self, source: CaseSource, action: Action, now: datetime
    ) -> tuple[Case, Action] | Outcome:
        """The client's case read again and `action` as the latest facts plan it, if still due.

        A payment, reply or dispute recorded since the run planned may have made the action
        unneeded (it is not sent) or later (it waits for its new time).
        """
        fresh_case = source.case(action.client)
        again = next(
            (
                a
                for a in plan(fresh_case, now=now, rates=self.renderer.rates).actions
                if a.key == action.key
            ),
            None,
        )
        if again is None:
            return self._outcome(
                action, "cancelled", "not sent: the latest facts no longer call for it"
            )
        if not again.due(now):
            return self._outcome(
                action, "postponed", f"not yet: the latest facts move it to {again.at.isoformat()}"
            )
        return fresh_case, again

    # -- one action ------------------------------------------------------------------------

    def _perform(
        self, source: CaseSource, planned: _Planned, action: Action, now: datetime, *, dry_run: bool
    ) -> Outcome:
        if action.kind == "review":
            # A decision for a person; a workspace keeps it until a person closes it.
            return self._outcome(action, "review", action.reason)
        if dry_run:
            case = planned.parts.of(action.client)
        else:
            latest = self._latest(source, planned, action, now)
            if isinstance(latest, Outcome):
                return latest
            case, action = latest
        channel = self.channels.get(action.channel) if _by_machine(action) else None
        try:
            message = self.renderer.render(case, action)
        except PaychaseError as error:
            return self._outcome(action, "retry_later", f"not rendered: {error.summary()}")
        if dry_run:
            what = "would send" if channel else "would hand to a person"
            return self._outcome(action, "would_send", f"{what}: {message.subject}")
        if not self.store.claim(
            action.key,
            client=action.client,
            kind=action.kind,
            channel=action.channel,
            message_id=message.header("Message-ID"),
            planned_at=action.at,
            runner=self.runner_id,
            at=self.clock(),
        ):
            return self._not_claimed(action)
        event = _event(action, message, now)
        if channel is None:
            return self._hand_over(action, message, event)
        return self._send(action, channel, message, event)

    def _hand_over(self, action: Action, message: Message, event: ContactEvent) -> Outcome:
        """A task for a person: kept with its script or letter, closed when they record it."""
        self.store.prepare(action.key, message=message, event=event, at=self.clock())
        self.store.complete(
            action.key,
            status="task",
            receipt=Receipt(status="task"),
            event=None,
            message=message,
            at=self.clock(),
        )
        return self._outcome(action, "task", message.subject)

    def _send(
        self, action: Action, channel: DeliveryChannel, message: Message, event: ContactEvent
    ) -> Outcome:
        for attempt in range(self.retries + 1):
            self.store.prepare(action.key, message=message, event=event, at=self.clock())
            try:
                receipt = channel.send(message)
            except Exception as error:  # a host channel misbehaved: it may or may not have sent
                why = f"the channel raised {type(error).__name__}: {error}"
                self.store.mark_uncertain(action.key, at=self.clock(), why=why)
                return self._outcome(action, "uncertain", why)
            if receipt.status == "uncertain":
                return self._outcome(action, "uncertain", self._doubt(action.key, receipt))
            if not (receipt.status == "failed" and receipt.transient):
                return self._settle(action, message, event, receipt)
            if attempt < self.retries:
                self.sleep(self.backoff * 2**attempt)
        self.store.release(action.key, error=receipt.error or "transient failure")
        return self._outcome(action, "retry_later", receipt.error or "transient failure")

    def _doubt(self, key: str, receipt: Receipt) -> str:
        """Keep `key` uncertain: shown to a person, never sent again on its own; why."""
        why = receipt.error or "the channel cannot tell whether the message arrived"
        self.store.mark_uncertain(key, at=self.clock(), why=why)
        return why

    def _settle(
        self, action: Action, message: Message, event: ContactEvent, receipt: Receipt
    ) -> Outcome:
        delivered = receipt.status == "delivered"
        self.store.complete(
            action.key,
            status="done" if delivered else "failed",
            receipt=receipt,
            event=event.model_copy(update={"outcome": _outcome_of(receipt)}),
            message=message,
            at=self.clock(),
        )
        status: OutcomeStatus = (
            "sent" if delivered else ("bounced" if receipt.status == "bounced" else "failed")
        )
        return self._outcome(action, status, receipt.error or message.subject)

    @staticmethod
    def _outcome(action: Action, status: OutcomeStatus, detail: str) -> Outcome:
        return Outcome(action.key, action.client, action.kind, action.channel, status, detail)

    # -- after a crash ---------------------------------------------------------------------

    def reconcile(self) -> list[Outcome]:
        """Settle the attempts a dead runner left ``claimed`` or ``sending``.

        A runner is taken to be dead at once when it was a process of this host that no
        longer exists, and once its attempt is older than `stale_after` when this host cannot
        see it (another host's). A process of this host that is still running is never taken
        for dead, however long it holds a key: a run reports the key as ``stalled`` instead.
        """
        limit = self.clock() - self.stale_after
        settled: list[Outcome] = []
        for attempt in self.store.attempts({"claimed", "sending"}):
            state = runner_state(attempt.runner)
            if state == "gone" or (state == "unknown" and attempt.updated_at <= limit):
                settled.append(self._reconcile(attempt))
        return settled

    def _still_uncertain(self, reported: set[str]) -> list[Outcome]:
        """Each send left uncertain by an earlier run, once more: until a person settles it."""
        return [
            Outcome(
                attempt.key,
                attempt.client,
                attempt.kind,
                attempt.channel,
                "uncertain",
                f"still uncertain since {attempt.updated_at.isoformat(timespec='minutes')} "
                f"({attempt.error or 'the channel could not tell'}): once you know, "
                f"paychase settle {attempt.key} --arrived or --send-again",
            )
            for attempt in self.store.attempts({"uncertain"})
            if attempt.key not in reported
        ]

    def _not_claimed(self, action: Action) -> Outcome:
        """Why `action`'s key could not be claimed: another runner holds it, or it is done.

        ``held``: a process of this host, running, took it less than `stale_after` ago: it
        is at work. ``stalled``: a runner this host cannot see (another host's) holds it, or
        a process of this host still holds it after `stale_after`: it may have died or hung,
        which a person should know.
        """
        holder = next(
            (a for a in self.store.attempts({"claimed", "sending"}) if a.key == action.key), None
        )
        if holder is None:
            doubtful = any(a.key == action.key for a in self.store.attempts({"uncertain"}))
            why = "uncertain: a person settles it" if doubtful else "performed by an earlier run"
            return self._outcome(action, "skipped", why)
        since = holder.updated_at.isoformat(timespec="seconds")
        stale = holder.updated_at + self.stale_after
        if runner_state(holder.runner) == "alive":
            if self.clock() < stale:
                return self._outcome(
                    action, "held", f"being sent by runner {holder.runner} since {since}"
                )
            return self._outcome(
                action,
                "stalled",
                f"held by runner {holder.runner} since {since}: that process of this host is "
                f"still running after {_duration(self.stale_after)} and may hang; the key is "
                "settled once it has ended",
            )
        return self._outcome(
            action,
            "stalled",
            f"held by runner {holder.runner} since {since}, which this host cannot see at work; "
            f"if that run died, a run after {stale.isoformat(timespec='minutes')} settles it",
        )

    def _reconcile(self, attempt: Attempt) -> Outcome:
        def outcome(status: OutcomeStatus, detail: str) -> Outcome:
            return Outcome(
                attempt.key, attempt.client, attempt.kind, attempt.channel, status, detail
            )

        if attempt.status == "claimed" or attempt.message is None or attempt.event is None:
            self.store.release(attempt.key, error="the runner stopped before sending")
            return outcome("retry_later", "interrupted before sending: will be sent again")
        channel = self.channels.get(attempt.channel)
        if channel is None or attempt.channel in _PERSON_CHANNELS:
            self.store.complete(
                attempt.key,
                status="task",
                receipt=Receipt(status="task"),
                event=None,
                message=attempt.message,
                at=self.clock(),
            )
            return outcome("task", attempt.message.subject)
        if isinstance(channel, CheckableChannel):
            receipt = channel.lookup(attempt.message)
            if receipt is None:
                self.store.release(attempt.key, error="interrupted; the channel never got it")
                return outcome("retry_later", "interrupted; the channel never got it")
            if receipt.status == "uncertain":
                return outcome("uncertain", self._doubt(attempt.key, receipt))
            self.store.complete(
                attempt.key,
                status="done" if receipt.status == "delivered" else "failed",
                receipt=receipt,
                event=attempt.event.model_copy(update={"outcome": _outcome_of(receipt)}),
                message=attempt.message,
                at=self.clock(),
            )
            return outcome("sent", "settled from the channel's record after an interruption")
        why = "interrupted while sending; the channel cannot tell whether it went out"
        self.store.mark_uncertain(attempt.key, at=self.clock(), why=why)
        return outcome("uncertain", why)


def _duration(span: timedelta) -> str:
    """`span` in words: ``15 minutes``, ``2 hours``, ``90 seconds``."""
    seconds = int(span.total_seconds())
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _by_machine(action: Action) -> bool:
    """Whether a machine can perform the action: a message on a channel that is not a person's."""
    return action.kind in MESSAGE_KINDS and action.channel not in _PERSON_CHANNELS


def _outcome_of(receipt: Receipt) -> str:
    return {"delivered": "delivered", "bounced": "bounced"}.get(receipt.status, "failed")


def _event(action: Action, message: Message, now: datetime) -> ContactEvent:
    """The history event performing `action` records (its outcome is set when settled)."""
    recipient = message.recipients[0].address if message.recipients else None
    return performed_event(action, at=now, channel=message.channel, to=recipient)


@dataclass(frozen=True, slots=True)
class _Planned:
    """What a run planned from: the case split by client, and the facts' fingerprints."""

    parts: _Parts
    prints: dict[str, str]  # by client; empty unless the source is a workspace
    basis: str  # what the fingerprints hash besides the workspace (`_basis`)


class _Parts:
    """The planned case split by client, once: a message is rendered on its client's part.

    Rendering reads the client's account (`paychase.messages`), which indexes the case it is
    given: on the whole case, each message would cost as much as the portfolio.
    """

    def __init__(self, case: Case) -> None:
        self._case = case
        self._parts: dict[str, Case] | None = None

    def of(self, client: str) -> Case:
        """`client`'s part of the case, as `Case.of_client` gives it."""
        if self._parts is None:
            self._parts = _split(self._case)
        return self._parts[client]


def _split(case: Case) -> dict[str, Case]:
    """`Case.of_client` for every client of `case`, in one pass over its records."""
    owner = {contract.id: contract.client for contract in case.contracts}
    groups: dict[str, defaultdict[str, list[Any]]] = {
        name: defaultdict(list)
        for name in ("contracts", "invoices", "instalment_plans", "chases", "history")
    }
    for contract in case.contracts:
        groups["contracts"][contract.client].append(contract)
    for invoice in case.invoices:
        groups["invoices"][owner[invoice.contract]].append(invoice)
    for kind, records in (
        ("instalment_plans", case.instalment_plans),
        ("chases", case.chases),
        ("history", case.history),
    ):
        for record in records:
            groups[kind][record.client].append(record)
    policies = case.policies
    shared = {version_of(p) for p in (case.policy, *case.policy_versions)}
    parts: dict[str, Case] = {}
    for client in case.clients:
        contracts = groups["contracts"][client.id]
        kept = shared | {version_of(c.policy) for c in contracts if c.policy is not None}
        if client.policy is not None:
            kept.add(version_of(client.policy))
        others = tuple(policy for name, policy in policies.items() if name not in kept)
        update: dict[str, Any] = {name: tuple(group[client.id]) for name, group in groups.items()}
        update["clients"] = (client,)
        update["policy_versions"] = (*case.policy_versions, *others)
        parts[client.id] = case.model_copy(update=update)
    return parts


def _basis(rates: RateTable | None) -> str:
    """What a plan depends on besides the workspace: paychase, the rate table, the calendars."""
    table = (
        "built-in"
        if rates is None
        else hashlib.blake2b(rates.model_dump_json().encode(), digest_size=16).hexdigest()
    )
    return f"paychase {_version('paychase')}; rates {table}; holidays {_version('holidays')}"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # a source tree run without installing it
        return "unknown"
