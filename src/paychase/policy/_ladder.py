"""Where an invoice stands: its state machine (one table) and its progress up the ladder.

The invoice's state is a fold of dated signals — issued, falls due, goes overdue, promised,
promise broken, disputed, escalated, paid in full — through `TRANSITIONS`, the single table of
the state machine (docs/states.md is generated from it). Ladder progress is read from the
history: a step counts as performed when a contact recorded for it got through; a bounce, a
failure or an unanswered call is an attempt that did not. The booking of a fee (a ``fee`` event)
performs only a step whose action is ``apply_fee``. A step with ``repeat`` is performed again by
each later contact for it that gets through: each is a sending of its own (`Performed.sending`),
so the walk knows how many went; one that is given up ends its repetitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Final, Literal

from paychase.policy._policy import Policy, Step

if TYPE_CHECKING:
    from paychase.case._history import ContactEvent

__all__ = [
    "TRANSITIONS",
    "DeadlineOf",
    "InvoiceStatus",
    "Performed",
    "Progress",
    "Signal",
    "fold_state",
    "ladder_progress",
    "state_diagram",
]

InvoiceStatus = Literal[
    "draft",
    "open",
    "due",
    "overdue",
    "paid",
    "disputed",
    "promised",
    "in_plan",
    "escalated",
    "written_off",
    "cancelled",
]
"""Where an invoice stands (SPEC §4): the states of `TRANSITIONS`."""

Signal = Literal[
    "issued",
    "falls_due",
    "goes_overdue",
    "promised",
    "promise_broken",
    "promise_lapsed",
    "disputed",
    "dispute_resolved",
    "plan_agreed",
    "plan_broken",
    "escalated",
    "paid_in_full",
]

_UNPAID: Final = ("open", "due", "overdue", "promised", "disputed", "escalated", "in_plan")

TRANSITIONS: Final[Mapping[tuple[InvoiceStatus, Signal], InvoiceStatus]] = {
    ("draft", "issued"): "open",
    ("open", "falls_due"): "due",
    ("due", "goes_overdue"): "overdue",
    ("open", "promised"): "promised",
    ("due", "promised"): "promised",
    ("overdue", "promised"): "promised",
    ("promised", "promise_broken"): "overdue",
    ("promised", "promise_lapsed"): "overdue",
    ("open", "disputed"): "disputed",
    ("due", "disputed"): "disputed",
    ("overdue", "disputed"): "disputed",
    ("promised", "disputed"): "disputed",
    ("escalated", "disputed"): "disputed",
    ("in_plan", "disputed"): "disputed",
    ("disputed", "dispute_resolved"): "open",
    **{
        (state, "plan_agreed"): "in_plan"
        for state in ("open", "due", "overdue", "promised", "escalated")
    },
    ("in_plan", "plan_broken"): "overdue",
    ("due", "escalated"): "escalated",
    ("overdue", "escalated"): "escalated",
    ("promised", "escalated"): "escalated",
    **{(state, "paid_in_full"): "paid" for state in _UNPAID},
}
"""The invoice state machine: (state, signal) → next state; a pair not listed changes nothing.

``written_off`` and ``cancelled`` come from the invoice's own status and end the machine. A
resolved dispute reopens the invoice; the planner re-emits ``falls_due`` and ``goes_overdue`` on
the day of the resolution when those dates have passed.
"""

# Signals that happen on the same date apply in this order (a payment on the due date means
# the invoice never went overdue).
_SIGNAL_ORDER: Final[Mapping[Signal, int]] = {
    "issued": 0,
    "paid_in_full": 1,
    "disputed": 2,
    "dispute_resolved": 3,
    "promised": 4,
    "plan_agreed": 5,
    "falls_due": 6,
    "goes_overdue": 7,
    "promise_broken": 8,
    "promise_lapsed": 9,
    "plan_broken": 10,
    "escalated": 11,
}


def fold_state(signals: Iterable[tuple[date, Signal]], on: date) -> InvoiceStatus:
    """The state reached by the signals dated up to `on`, starting from ``draft``.

    >>> fold_state([(date(2026, 2, 1), "issued"), (date(2026, 2, 15), "falls_due"),
    ...             (date(2026, 2, 16), "goes_overdue")], on=date(2026, 3, 1))
    'overdue'
    """
    state: InvoiceStatus = "draft"
    for when, signal in sorted(signals, key=lambda pair: (pair[0], _SIGNAL_ORDER[pair[1]])):
        if when > on:
            break
        state = TRANSITIONS.get((state, signal), state)
    return state


def state_diagram() -> str:
    """The state machine as a Mermaid diagram, generated from `TRANSITIONS` for the docs."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    lines += [f"    {a} --> {b}: {signal}" for (a, signal), b in TRANSITIONS.items()]
    lines += ["    paid --> [*]", "    written_off --> [*]", "    cancelled --> [*]"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Performed:
    """A ladder step that got through to the client, or was given up after its attempts.

    A step that would suspend the service or pause the work while its contract's was already
    suspended (paused) joined that sanction instead: `joined` is when the sanction was imposed.
    `sending` counts the sendings of a repeated step: 1 for the first, 2 for its first
    repetition, and so on.
    """

    index: int
    step: Step
    at: datetime
    deadline: date | None
    given_up: bool = False
    joined: datetime | None = None
    sending: int = 1
    key: str | None = None  # the action key the contact recorded, if it recorded one


DeadlineOf = Callable[[Step, datetime], date | None]
"""The deadline a step states when performed at a moment, for history that did not record it."""

_GOT_THROUGH: Final = frozenset({None, "delivered", "answered", "read", "voicemail"})


@dataclass(slots=True)
class Progress:
    """How far up the ladder one invoice has come."""

    performed: list[Performed] = field(default_factory=list)
    failed: dict[int, list[ContactEvent]] = field(default_factory=dict)
    ladder: Policy | None = None  # the policy it was read against

    @property
    def last(self) -> Performed | None:
        """The most advanced step performed."""
        return self.performed[-1] if self.performed else None

    @property
    def repeating(self) -> Performed | None:
        """The last sending of a repeated step that may be sent again (None: none may).

        The step is the most advanced one performed, its last sending got through, and it has
        been sent fewer than its ``repeat.times``.
        """
        last = self.last
        if last is None or last.given_up:
            return None
        repeat = last.step.repeat
        return last if repeat is not None and last.sending < repeat.times else None

    @property
    def next_index(self) -> int:
        """The first ladder step not yet performed (or given up)."""
        last = self.last
        return 0 if last is None else last.index + 1

    def last_deadline(self) -> Performed | None:
        """The most advanced performed step that stated a payment deadline."""
        for performed in reversed(self.performed):
            if performed.deadline is not None:
                return performed
        return None

    def attempts_at(self, index: int) -> int:
        """How many contacts for step `index` did not get through."""
        return len(self.failed.get(index, ()))


def ladder_progress(
    policy: Policy,
    events: Sequence[ContactEvent],
    deadline_of: DeadlineOf,
    invoice: str | None = None,
) -> Progress:
    """Read the outbound history of `invoice` (oldest first) against the policy's ladder.

    A step is performed by a contact that got through; after ``max_attempts_per_step`` that did
    not, the step is given up and the ladder moves on. A step performed out of order counts
    where it stands in the ladder, so progress never goes backwards. A contact that covered
    several invoices at their own steps moves `invoice` by its own (`ContactEvent.step_for`).
    """
    progress = Progress(ladder=policy)
    for event in events:
        own = event.step_for(invoice)
        if event.direction != "out" or own is None:
            continue
        index = policy.step_index(own)
        again = progress.repeating
        if again is not None and index == again.index:
            _repeat(progress, again, event, policy.max_attempts_per_step)
            continue
        if index is None or index < progress.next_index:
            continue
        step = policy.steps[index]
        if event.kind == "fee" and step.action != "apply_fee":
            continue  # the booking of a message step's fee; the message performs the step
        if event.outcome in _GOT_THROUGH:
            deadline = event.deadline or deadline_of(step, event.at)
            progress.performed.append(Performed(index, step, event.at, deadline, key=event.key))
            progress.failed.pop(index, None)  # a repetition counts its own attempts
            continue
        misses = progress.failed.setdefault(index, [])
        misses.append(event)
        if len(misses) >= policy.max_attempts_per_step:
            progress.performed.append(Performed(index, step, event.at, None, given_up=True))
    return progress


def _repeat(progress: Progress, last: Performed, event: ContactEvent, attempts: int) -> None:
    """Read `event`, a contact for the repeated step `last` performed, as its next sending.

    The same action recorded twice (its key again) is one sending, and the booking of the step's
    fee is none. After `attempts` contacts
    that did not get through, the sending is given up and the repetitions end.
    """
    if event.kind == "fee" or (event.key is not None and event.key == last.key):
        return  # the booking of the step's fee, or the sending recorded twice
    sending = last.sending + 1
    if event.outcome in _GOT_THROUGH:
        progress.performed.append(replace(last, at=event.at, sending=sending, key=event.key))
        progress.failed.pop(last.index, None)
        return
    misses = progress.failed.setdefault(last.index, [])
    misses.append(event)
    if len(misses) >= attempts:
        progress.performed.append(
            replace(last, at=event.at, sending=sending, key=event.key, given_up=True)
        )
