"""Catching up (issue 15, item 4): a ladder picked up late, walked forward with `simulate`.

One invoice nobody has chased is picked up some days to months after its due date, under a
policy that catches up (``latest`` or ``latest_before_contact``), and every planned action is
performed until the ladder runs out or a year has passed. Whatever the ladder:

* the steps performed come in ladder order (rule 4): a subsequence of the ladder;
* no required step after the due date is passed over (a pre-due one expires at the due date);
* on a ladder whose steps all count from the due date, the contacts made before the walk
  reaches the most advanced step due at the pick-up are exactly the steps a catch-up must stop
  at — the required steps and those booking a charge — each once: none of the steps it may
  pass over, none of those it may not passed over.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    after_due,
    clients,
    contracts,
    example_case,
    example_contract,
    example_invoice,
    inline_policies,
    ladders,
    nows,
    policy_of,
)

from paychase import Policy
from paychase.simulation._simulate import simulate
from paychase.simulation._timeline import Timeline

_CATCHING_UP = st.sampled_from(["latest", "latest_before_contact"])
_WARSAW = ZoneInfo("Europe/Warsaw")
_DUE = date(2026, 3, 2)


def _picked_up(case: Json, at: datetime, days: int) -> Timeline:
    return simulate(case, now=at, until=at + timedelta(days=days))


def _ladder_steps(timeline: Timeline, policy: Policy) -> list[int]:
    """The ladder index of each action performed, a fee booking standing with its message."""
    indexes = []
    for entry in timeline.entries:
        index = policy.step_index(entry.step) if entry.step is not None else None
        if index is not None and entry.what != "review":
            indexes.append(index)
    return indexes


@st.composite
def late_invoices(draw: st.DrawFn) -> tuple[Json, datetime]:
    """A case of one invoice nobody has chased, and the moment it is picked up: 1-150 days
    after its due date, under a built-in ladder or one of its own that catches up.

    Conditions are dropped from the steps: a step skipped for its condition is not passed over,
    and whether it is skipped is the condition's business.
    """
    policy = draw(st.one_of(inline_policies(), ladders()))
    policy["catch_up"] = draw(_CATCHING_UP)
    for step in policy["steps"]:
        step["requires"] = []
    client = draw(clients(client_id="c1"))
    contract = draw(contracts(contract_id="k1", client_id="c1"))
    moment = draw(nows()).astimezone(ZoneInfo(client["timezone"]))
    due = moment.date() - timedelta(days=draw(st.integers(1, 150)))
    invoice = example_invoice(
        issued=(due - timedelta(days=14)).isoformat(),
        due=due.isoformat(),
        currency=contract["currency"],
        total="1000",
    )
    case = example_case(invoices=[invoice], contracts=[contract], client=client, policy=policy)
    return case, moment


@given(late_invoices())
def test_a_ladder_caught_up_goes_in_order_and_never_passes_a_required_step(
    case_and_moment: tuple[Json, datetime],
) -> None:
    case, moment = case_and_moment
    policy = policy_of(case["policy"])
    walked = _ladder_steps(_picked_up(case, moment, days=365), policy)
    assert walked == sorted(walked), walked
    furthest = max(walked, default=0)
    for index, step in enumerate(policy.steps[:furthest]):
        if policy.is_required(index) and step.is_contact and after_due(step):
            assert index in walked, (step.id, [policy.steps[i].id for i in walked])


_Ladder = tuple[Json, datetime, int, set[int]]


def _due_counted(steps: list[Json], *, charging: bool, late: int, policy: Json) -> _Ladder:
    """The case of `steps` under `policy`, picked up `late` days after the due date; the index
    of the most advanced step due then (-1: none) and those of the steps a catch-up stops at."""
    fee = {"kind": "flat", "amount": "40.00"} if charging else {"kind": "none"}
    case = example_case(
        invoices=[example_invoice(issued="2026-02-16", due=_DUE.isoformat())],
        contracts=[example_contract(late_fee=fee)],
        policy=policy | {"name": "from-due", "steps": steps},
    )
    moment = datetime.combine(_DUE + timedelta(days=late), time(9), tzinfo=_WARSAW)
    offsets = [int(step["offset"].strip("+d")) for step in steps]
    due_by_then = [n for n, offset in enumerate(offsets) if offset <= late]
    stops = {
        n
        for n, step in enumerate(steps)
        if step.get("required") or (charging and step.get("effects"))
    }
    return case, moment, max(due_by_then, default=-1), stops


@st.composite
def due_counted_ladders(draw: st.DrawFn) -> _Ladder:
    """An invoice due on Monday 2 March 2026, picked up 1-150 days later, under a ladder of
    2-7 reminders and letters counted from the due date (1-120 days after it), some required,
    some charging a late fee; the contract has a flat late fee or none.
    """
    offsets = sorted(draw(st.sets(st.integers(1, 120), min_size=2, max_size=7)))
    steps = [
        {
            "id": f"s{n}",
            "from": "due",
            "offset": f"+{offset}d",
            "action": draw(st.sampled_from(["send_reminder", "send_letter"])),
            "channels": ["email"],
            "required": draw(st.sampled_from([False, False, True])),
            "effects": draw(st.sampled_from([[], [], ["apply_late_fee"]])),
        }
        for n, offset in enumerate(offsets)
    ]
    policy: Json = {
        "catch_up": draw(_CATCHING_UP),
        "min_gap": draw(st.sampled_from(["0d", "3d", "7d"])),
    }
    return _due_counted(
        steps, charging=draw(st.booleans()), late=draw(st.integers(1, 150)), policy=policy
    )


def _reminder(days: int, **fields: Any) -> Json:
    """A reminder `days` after the due date."""
    return {"id": f"r{days}", "from": "due", "offset": f"+{days}d", "action": "send_reminder"} | (
        fields
    )


@given(due_counted_ladders())
@example(  # the step due last fell due on the day of the first contact: still the backlog's
    _due_counted(
        [_reminder(5, effects=["apply_late_fee"]), _reminder(6), _reminder(120)],
        charging=True,
        late=120,
        policy={"catch_up": "latest_before_contact"},
    )
)
def test_before_the_most_advanced_step_due_only_the_steps_it_must_stop_at_are_sent(
    ladder: _Ladder,
) -> None:
    case, moment, most_advanced, stops = ladder
    policy = policy_of(case["policy"])
    contacts = [
        policy.step_index(entry.step)
        for entry in _picked_up(case, moment, days=200).entries
        if entry.what in ("send_reminder", "send_letter") and entry.step is not None
    ]
    before = [index for index in contacts if index is not None and index < most_advanced]
    # every step it must stop at, and nothing else, each once
    assert before == sorted(stop for stop in stops if stop < most_advanced), (before, stops)
    if most_advanced >= 0:
        assert max(contacts) >= most_advanced  # and the walk gets there
