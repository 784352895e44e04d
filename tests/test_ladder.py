"""The invoice state machine and ladder progress (``paychase.policy._ladder``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, get_args
from zoneinfo import ZoneInfo

import pytest
from tests.samples import short_ladder_steps

from paychase import TRANSITIONS, ContactEvent, InvoiceStatus, Policy, Step, state_diagram
from paychase.policy._ladder import Progress, Signal, fold_state, ladder_progress

WARSAW = ZoneInfo("Europe/Warsaw")
STATES = get_args(InvoiceStatus)
SIGNALS = get_args(Signal)
UNPAID = ("open", "due", "overdue", "promised", "disputed", "escalated", "in_plan")


def _day(day: int, month: int = 3) -> date:
    return date(2026, month, day)


# -- the transition table -----------------------------------------------------------------------

# (state, signal, next state): the whole table, written out
TABLE = [
    ("draft", "issued", "open"),
    ("open", "falls_due", "due"),
    ("due", "goes_overdue", "overdue"),
    ("open", "promised", "promised"),
    ("due", "promised", "promised"),
    ("overdue", "promised", "promised"),
    ("promised", "promise_broken", "overdue"),
    ("open", "disputed", "disputed"),
    ("due", "disputed", "disputed"),
    ("overdue", "disputed", "disputed"),
    ("promised", "disputed", "disputed"),
    ("escalated", "disputed", "disputed"),
    ("due", "escalated", "escalated"),
    ("overdue", "escalated", "escalated"),
    ("promised", "escalated", "escalated"),
    ("promised", "promise_lapsed", "overdue"),
    ("in_plan", "disputed", "disputed"),
    ("disputed", "dispute_resolved", "open"),
    ("open", "plan_agreed", "in_plan"),
    ("due", "plan_agreed", "in_plan"),
    ("overdue", "plan_agreed", "in_plan"),
    ("promised", "plan_agreed", "in_plan"),
    ("escalated", "plan_agreed", "in_plan"),
    ("in_plan", "plan_broken", "overdue"),
    *[(state, "paid_in_full", "paid") for state in UNPAID],
]


@pytest.mark.parametrize(("state", "signal", "after"), TABLE)
def test_transition(state: str, signal: str, after: str) -> None:
    assert TRANSITIONS[(state, signal)] == after  # type: ignore[index]


def test_the_table_has_nothing_else() -> None:
    assert dict(TRANSITIONS) == {(state, signal): after for state, signal, after in TABLE}


def test_the_table_speaks_the_public_vocabulary() -> None:
    for (state, signal), after in TRANSITIONS.items():
        assert state in STATES
        assert after in STATES
        assert signal in SIGNALS


@pytest.mark.parametrize("state", ["paid", "written_off", "cancelled"])
def test_final_states_have_no_way_out(state: str) -> None:
    assert not [pair for pair in TRANSITIONS if pair[0] == state]


def test_reachable_states() -> None:
    reached, frontier = {"draft"}, ["draft"]
    while frontier:
        state = frontier.pop()
        for (source, _), after in TRANSITIONS.items():
            if source == state and after not in reached:
                reached.add(after)
                frontier.append(after)
    # written_off and cancelled come from the invoice's own status
    assert reached == set(STATES) - {"written_off", "cancelled"}


# -- folding dated signals --------------------------------------------------------------------

LIFE = [(_day(2), "issued"), (_day(16), "falls_due"), (_day(17), "goes_overdue")]

# (signals, on, state)
FOLDS: list[tuple[list[tuple[date, Any]], date, str]] = [
    ([], _day(1), "draft"),
    (LIFE, _day(1), "draft"),
    (LIFE, _day(2), "open"),
    (LIFE, _day(15), "open"),
    (LIFE, _day(16), "due"),
    (LIFE, _day(17), "overdue"),
    (list(reversed(LIFE)), _day(20), "overdue"),  # input order does not matter
    # a payment on the due date: never due, never overdue
    ([*LIFE, (_day(16), "paid_in_full")], _day(30), "paid"),
    # paid late
    ([*LIFE, (_day(20), "paid_in_full")], _day(19), "overdue"),
    ([*LIFE, (_day(20), "paid_in_full")], _day(20), "paid"),
    # promised, then the promise broken, then escalated
    ([*LIFE, (_day(18), "promised")], _day(18), "promised"),
    ([*LIFE, (_day(18), "promised"), (_day(25), "promise_broken")], _day(25), "overdue"),
    (
        [*LIFE, (_day(18), "promised"), (_day(25), "promise_broken"), (_day(28), "escalated")],
        _day(28),
        "escalated",
    ),
    # a promise before the due date keeps it from going overdue
    ([*LIFE, (_day(10), "promised")], _day(20), "promised"),
    # disputed on the day it falls due: the dispute comes first
    ([*LIFE, (_day(16), "disputed")], _day(20), "disputed"),
    ([*LIFE, (_day(20), "disputed"), (_day(25), "paid_in_full")], _day(25), "paid"),
    # escalated, then disputed
    ([*LIFE, (_day(20), "escalated"), (_day(22), "disputed")], _day(22), "disputed"),
    # escalated on the day it went overdue: overdue first
    ([*LIFE, (_day(17), "escalated")], _day(17), "escalated"),
    # an escalation before the due date is not in the table: nothing changes
    ([*LIFE, (_day(10), "escalated")], _day(12), "open"),
    # a signal a state does not know changes nothing
    ([*LIFE, (_day(20), "promise_broken")], _day(21), "overdue"),
    # once paid, later signals change nothing
    (
        [*LIFE, (_day(17), "paid_in_full"), (_day(20), "disputed"), (_day(21), "escalated")],
        _day(25),
        "paid",
    ),
]


@pytest.mark.parametrize(("signals", "on", "state"), FOLDS)
def test_fold_state(signals: list[tuple[date, Any]], on: date, state: str) -> None:
    assert fold_state(signals, on) == state


# -- the docs diagram -------------------------------------------------------------------------


def test_state_diagram_is_generated_from_the_table() -> None:
    diagram = state_diagram()
    lines = diagram.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert "    [*] --> draft" in lines
    for (state, signal), after in TRANSITIONS.items():
        assert f"    {state} --> {after}: {signal}" in lines
    assert {"    paid --> [*]", "    written_off --> [*]", "    cancelled --> [*]"} <= set(lines)
    assert len(lines) == len(TRANSITIONS) + 5
    assert diagram.endswith("\n")


# -- ladder progress --------------------------------------------------------------------------

_POLITE, _FINAL, _LEGAL = short_ladder_steps()
POLICY = Policy.model_validate(
    {
        "name": "test",
        "max_attempts_per_step": 2,
        "steps": [
            _POLITE,
            {
                "id": "firm",
                "from": "previous",
                "offset": "+7d",
                "action": "send_reminder",
                "deadline": "5bd",
            },
            {"id": "call", "from": "previous", "offset": "+2bd", "action": "call"},
            _FINAL,
            _LEGAL,
        ],
    }
)
START = datetime(2026, 3, 17, 10, tzinfo=WARSAW)


def _event(day: int, step: str | None, outcome: str | None = "delivered", **extra: Any) -> Any:
    fields: dict[str, Any] = {
        "at": START + timedelta(days=day),
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "out",
        "kind": "call" if step == "call" else "reminder",
        "step": step,
        "channel": "phone" if step == "call" else "email",
        "outcome": outcome,
    }
    fields.update(extra)
    return ContactEvent.model_validate(fields)


def _stated(step: Step, at: datetime) -> date | None:
    """A stand-in for ClientClock.deadline_of: a week after the sending date."""
    return at.date() + timedelta(days=7) if step.deadline is not None else None


def _progress(*events: ContactEvent) -> Progress:
    return ladder_progress(POLICY, list(events), _stated)


# (history, steps performed in order, given up, next index)
PROGRESS: list[tuple[list[Any], list[str], list[str], int]] = [
    ([], [], [], 0),
    ([_event(0, "polite")], ["polite"], [], 1),
    ([_event(0, "polite"), _event(7, "firm")], ["polite", "firm"], [], 2),
    # every outcome that got through counts; none recorded counts too
    ([_event(0, "polite", "read")], ["polite"], [], 1),
    ([_event(0, "polite", None)], ["polite"], [], 1),
    (
        [_event(0, "polite"), _event(7, "firm"), _event(9, "call", "answered")],
        ["polite", "firm", "call"],
        [],
        3,
    ),
    (
        [_event(0, "polite"), _event(7, "firm"), _event(9, "call", "voicemail")],
        ["polite", "firm", "call"],
        [],
        3,
    ),
    # a bounce, a failure or an unanswered call is an attempt that did not get through
    ([_event(0, "polite", "bounced")], [], [], 0),
    ([_event(0, "polite", "failed"), _event(1, "polite")], ["polite"], [], 1),
    (
        [_event(0, "polite"), _event(7, "firm"), _event(9, "call", "no_answer")],
        ["polite", "firm"],
        [],
        2,
    ),
    # after max_attempts_per_step misses the step is given up and the ladder moves on
    ([_event(0, "polite", "bounced"), _event(1, "polite", "failed")], ["polite"], ["polite"], 1),
    (
        [
            _event(0, "polite"),
            _event(7, "firm"),
            _event(9, "call", "no_answer"),
            _event(10, "call", "no_answer"),
        ],
        ["polite", "firm", "call"],
        ["call"],
        3,
    ),
    # a step performed out of order counts where it stands; progress never goes back
    ([_event(0, "final")], ["final"], [], 4),
    ([_event(0, "firm"), _event(1, "polite")], ["firm"], [], 2),
    ([_event(0, "polite"), _event(1, "polite")], ["polite"], [], 1),
    # not ladder steps: inbound, unknown steps, contacts without a step
    ([_event(0, "elsewhere")], [], [], 0),
    ([_event(0, None)], [], [], 0),
    ([_event(0, None, None, direction="in", kind="reply")], [], [], 0),
    ([_event(0, "polite", None, direction="in", kind="call")], [], [], 0),
]


@pytest.mark.parametrize(("events", "performed", "given_up", "next_index"), PROGRESS)
def test_ladder_progress(
    events: list[ContactEvent], performed: list[str], given_up: list[str], next_index: int
) -> None:
    progress = _progress(*events)
    assert [p.step.id for p in progress.performed] == performed
    assert [p.step.id for p in progress.performed if p.given_up] == given_up
    assert progress.next_index == next_index
    assert [p.index for p in progress.performed] == [POLICY.step_index(step) for step in performed]


def test_progress_of_nothing() -> None:
    progress = Progress()
    assert progress.last is None
    assert progress.next_index == 0
    assert progress.last_deadline() is None
    assert progress.attempts_at(0) == 0


def test_attempts_are_counted_per_step() -> None:
    progress = _progress(_event(0, "polite"), _event(7, "firm"), _event(9, "call", "no_answer"))
    assert progress.attempts_at(2) == 1
    assert progress.attempts_at(1) == 0
    assert progress.failed[2][0].outcome == "no_answer"


def test_performed_records_when() -> None:
    progress = _progress(_event(0, "polite"), _event(7, "firm"))
    assert progress.last is not None
    assert progress.last.at == START + timedelta(days=7)
    assert progress.last.step.id == "firm"


def test_deadline_recorded_in_history_wins() -> None:
    progress = _progress(_event(0, "polite"), _event(7, "firm", deadline=date(2026, 3, 31)))
    stated = progress.last_deadline()
    assert stated is not None
    assert stated.step.id == "firm"
    assert stated.deadline == date(2026, 3, 31)


def test_deadline_is_derived_when_history_has_none() -> None:
    progress = _progress(_event(0, "polite"), _event(7, "firm"))
    stated = progress.last_deadline()
    assert stated is not None
    assert stated.deadline == (START + timedelta(days=14)).date()  # _stated: a week later


def test_last_deadline_is_the_most_advanced_one() -> None:
    progress = _progress(
        _event(0, "polite"),
        _event(7, "firm", deadline=date(2026, 3, 31)),
        _event(9, "call", "answered"),
        _event(16, "final", deadline=date(2026, 4, 16)),
    )
    stated = progress.last_deadline()
    assert stated is not None
    assert (stated.step.id, stated.deadline) == ("final", date(2026, 4, 16))
    # the call after 'firm' states nothing, and does not hide firm's deadline
    earlier = _progress(
        _event(0, "polite"),
        _event(7, "firm", deadline=date(2026, 3, 31)),
        _event(9, "call", "answered"),
    )
    assert earlier.last is not None
    assert earlier.last.deadline is None
    stated_before = earlier.last_deadline()
    assert stated_before is not None
    assert stated_before.step.id == "firm"


def test_a_given_up_step_states_no_deadline() -> None:
    progress = _progress(
        _event(0, "polite"), _event(7, "firm", "bounced"), _event(8, "firm", "bounced")
    )
    assert progress.last is not None
    assert progress.last.given_up
    assert progress.last.deadline is None
    assert progress.last_deadline() is None
