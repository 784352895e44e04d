"""The knobs of a richer ladder (issue 16, item 4): the ``end_of_month`` anchor, a repeated
step, a per-step late fee, a client-level balance threshold — each planned end to end from a
small case."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from paychase import Plan, contractual_fee, plan
from paychase.case import LateFee
from paychase.errors import InvalidCaseError, PolicyError
from paychase.planner._anchors import month_end
from paychase.policy._step_fee import StepFee

WARSAW = ZoneInfo("Europe/Warsaw")


def _policy(*steps: dict[str, Any], **limits: Any) -> dict[str, Any]:
    return {"name": "knobs", "min_gap": "3d", "steps": list(steps), **limits}


def _step(step_id: str, anchor: str, offset: str, **more: Any) -> dict[str, Any]:
    return {
        "id": step_id,
        "from": anchor,
        "offset": offset,
        "action": "send_reminder",
        "channels": ["email"],
        **more,
    }


def _invoice(invoice_id: str, due: str, total: str = "1000.00", **more: Any) -> dict[str, Any]:
    return {
        "id": invoice_id,
        "contract": more.pop("contract", "k1"),
        "issued": "2026-01-02",
        "due": due,
        "total": total,
        "currency": more.pop("currency", "PLN"),
        **more,
    }


def _case(
    policy: dict[str, Any],
    invoices: list[dict[str, Any]],
    *,
    now: str,
    history: list[dict[str, Any]] | None = None,
    contracts: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "version": 1,
        "now": now,
        "policy": copy.deepcopy(policy),
        "clients": [
            {
                "id": "c1",
                "name": "Studio Kowalski",
                "country": "PL",
                "timezone": "Europe/Warsaw",
                "contacts": {"email": "c1@example.com"},
            }
        ],
        "contracts": contracts or [{"id": "k1", "client": "c1", "currency": "PLN"}],
        "invoices": invoices,
        "history": history or [],
    }


def _sent(
    at: str, step: str, invoices: tuple[str, ...] = ("inv-1",), **more: Any
) -> dict[str, Any]:
    return {
        "at": at,
        "client": "c1",
        "invoices": list(invoices),
        "direction": "out",
        "kind": "reminder",
        "step": step,
        "channel": "email",
        "outcome": "delivered",
        **more,
    }


def _keys(result: Plan) -> list[str]:
    return [action.key for action in result.actions]


# -- end_of_month ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "end"),
    [
        (date(2026, 3, 2), date(2026, 3, 31)),
        (date(2026, 4, 30), date(2026, 4, 30)),  # due on the month's end: that very day
        (date(2028, 2, 10), date(2028, 2, 29)),  # a leap year's February
        (date(2027, 2, 10), date(2027, 2, 28)),
        (date(2026, 12, 15), date(2026, 12, 31)),
    ],
)
def test_month_end_is_the_last_day_of_the_due_month(due: date, end: date) -> None:
    assert month_end(due) == end


@pytest.mark.parametrize(
    ("due", "offset", "expected"),
    [
        ("2026-03-02", "+0d", datetime(2026, 3, 31, 10, tzinfo=WARSAW)),
        ("2026-04-30", "+1d", datetime(2026, 5, 4, 10, tzinfo=WARSAW)),  # 1 May holiday, weekend
        ("2028-02-10", "+0d", datetime(2028, 2, 29, 10, tzinfo=WARSAW)),
        ("2026-12-15", "+1d", datetime(2027, 1, 4, 10, tzinfo=WARSAW)),  # New Year, weekend
        ("2026-12-15", "+5d", datetime(2027, 1, 5, 10, tzinfo=WARSAW)),
    ],
)
def test_an_end_of_month_step_counts_from_the_due_months_last_day(
    due: str, offset: str, expected: datetime
) -> None:
    policy = _policy(_step("statement", "end_of_month", offset))
    result = plan(_case(policy, [_invoice("inv-1", due)], now=f"{due}T09:00:00+01:00"), now=None)
    action = result.actions[0]
    assert (action.step, action.at) == ("statement", expected)
    assert "end_of_month" in action.reason


def test_an_end_of_month_step_waits_out_the_grace_period() -> None:
    contracts = [{"id": "k1", "client": "c1", "currency": "PLN", "grace": "10d"}]
    policy = _policy(_step("statement", "end_of_month", "+0d"))
    invoices = [_invoice("inv-1", "2026-03-27")]
    result = plan(
        _case(policy, invoices, now="2026-03-27T09:00:00+01:00", contracts=contracts), now=None
    )
    assert result.actions[0].at == datetime(2026, 4, 7, 10, tzinfo=WARSAW)


def test_an_end_of_month_step_may_follow_a_due_step() -> None:
    policy = _policy(
        _step("polite", "due", "+1d"), _step("statement", "end_of_month", "+1d", tone="firm")
    )
    history = [_sent("2026-03-03T10:00:00+01:00", "polite")]
    case = _case(
        policy, [_invoice("inv-1", "2026-03-02")], now="2026-03-10T09:00:00+01:00", history=history
    )
    action = plan(case, now=None).actions[0]
    assert (action.step, action.at) == ("statement", datetime(2026, 4, 1, 10, tzinfo=WARSAW))


def test_a_chase_for_an_answer_cannot_count_from_the_end_of_month() -> None:
    policy = _policy(_step("nudge", "end_of_month", "+1d"), purpose="prospect")
    with pytest.raises(PolicyError, match=r"steps\[0\]\.from"):
        plan(
            _case(policy, [_invoice("inv-1", "2026-03-02")], now="2026-03-03T09:00:00+01:00"),
            now=None,
        )


# -- client_balance_over -----------------------------------------------------------------------

_THRESHOLD = _policy(
    _step("big", "due", "+1d", tone="firm", requires=["client_balance_over:1000"]),
    _step("polite", "due", "+2d"),
)
_TWO_CONTRACTS = [
    {"id": "k1", "client": "c1", "currency": "PLN"},
    {"id": "k2", "client": "c1", "currency": "EUR"},
]


def _threshold_plan(*invoices: dict[str, Any]) -> Plan:
    case = _case(
        _THRESHOLD, list(invoices), now="2026-03-03T09:00:00+01:00", contracts=_TWO_CONTRACTS
    )
    return plan(case, now=None)


def test_a_client_balance_over_the_threshold_lets_the_step_go() -> None:
    result = _threshold_plan(
        _invoice("inv-1", "2026-03-02", "600.00"), _invoice("inv-2", "2026-02-20", "500.00")
    )
    assert {action.step for action in result.actions} == {"big"}


def test_partial_payments_bring_the_client_balance_under_the_threshold() -> None:
    paid = [{"date": "2026-02-25", "amount": "200.00"}]
    result = _threshold_plan(
        _invoice("inv-1", "2026-03-02", "600.00"),
        _invoice("inv-2", "2026-02-20", "500.00", payments=paid),
    )
    assert {action.step for action in result.actions} == {"polite"}
    assert "the client's overdue balance 900.00 PLN is not over 1000 PLN" in (
        result.actions[0].reason
    )


def test_an_invoice_not_yet_due_is_not_in_the_client_balance() -> None:
    result = _threshold_plan(
        _invoice("inv-1", "2026-03-02", "600.00"), _invoice("inv-2", "2026-03-20", "900.00")
    )
    assert [a.step for a in result.actions if "inv-1" in a.invoices] == ["polite"]


def test_each_currency_is_measured_on_its_own() -> None:
    result = _threshold_plan(
        _invoice("inv-1", "2026-03-02", "800.00"),
        _invoice("inv-2", "2026-03-02", "800.00", contract="k2", currency="EUR"),
        _invoice("inv-3", "2026-03-02", "300.00", contract="k2", currency="EUR"),
    )
    steps = {invoice: a.step for a in result.actions for invoice in a.invoices}
    assert steps == {"inv-1": "polite", "inv-2": "big", "inv-3": "big"}


@pytest.mark.parametrize("condition", ["client_balance_over:", "client_balance_over:1e3"])
def test_a_malformed_client_threshold_names_the_requirement(condition: str) -> None:
    policy = _policy(_step("big", "due", "+1d", requires=[condition]))
    with pytest.raises(PolicyError, match=r"policy\.steps\[0\]\.requires\[0\]"):
        plan(_case(policy, [_invoice("inv-1", "2026-03-02")], now="2026-03-03T09:00:00Z"), now=None)


# -- repeat ------------------------------------------------------------------------------------

_REPEATING = _policy(
    _step("polite", "due", "+1d"),
    _step(
        "nag",
        "previous",
        "+7d",
        tone="firm",
        channels=["email", "sms"],
        requires=["no_reply"],
        effects=["apply_late_fee"],
        repeat={"every": "10d", "times": 3},
    ),
    _step("final", "previous", "+7d", action="send_letter", tone="final", deadline="14d"),
    {"id": "legal", "from": "deadline", "offset": "+1d", "action": "escalate", "tone": "legal"},
)
_FEE_CONTRACT = [
    {
        "id": "k1",
        "client": "c1",
        "currency": "PLN",
        "late_fee": {"kind": "flat", "amount": "50.00", "per": "step"},
    }
]
_SENT_POLITE = _sent("2026-03-03T10:00:00+01:00", "polite")
_SENT_NAG = _sent("2026-03-10T10:00:00+01:00", "nag", key="k1/inv-1/nag/1")
_BOOKED_NAG = _sent("2026-03-10T10:00:00+01:00", "nag", kind="fee", channel="system")


def _repeating_plan(now: str, *history: dict[str, Any], **invoice: Any) -> Plan:
    contacts = {"email": "c1@example.com", "sms": "+48 600 100 201"}
    case = _case(
        _REPEATING,
        [_invoice("inv-1", "2026-03-02", **invoice)],
        now=now,
        history=[_SENT_POLITE, *history],
        contracts=_FEE_CONTRACT,
    )
    case["clients"][0]["contacts"] = contacts
    return plan(case, now=None)


def test_a_repeated_step_is_sent_again_every_interval_under_its_own_key() -> None:
    action = _repeating_plan("2026-03-11T09:00:00+01:00", _SENT_NAG, _BOOKED_NAG).actions[0]
    assert (action.key, action.step, action.at) == (
        "k1/inv-1/nag#2/1",
        "nag",
        datetime(2026, 3, 20, 10, tzinfo=WARSAW),
    )
    assert "step 'nag' (sending 2 of 3, 10d after the last) falls on 2026-03-20" in action.reason
    assert "'nag' was performed on 2026-03-10" in action.reason


def test_each_repetition_counts_from_the_one_before() -> None:
    second = _sent("2026-03-20T10:00:00+01:00", "nag", key="k1/inv-1/nag#2/1")
    action = _repeating_plan("2026-03-21T09:00:00+01:00", _SENT_NAG, _BOOKED_NAG, second).actions[0]
    assert (action.key, action.at) == ("k1/inv-1/nag#3/1", datetime(2026, 3, 30, 10, tzinfo=WARSAW))
    assert "'nag' was sent for the 2nd time on 2026-03-20" in action.reason


def test_the_ladder_moves_on_after_the_last_repetition() -> None:
    history = [
        _SENT_NAG,
        _BOOKED_NAG,
        _sent("2026-03-20T10:00:00+01:00", "nag", key="k1/inv-1/nag#2/1"),
        _sent("2026-03-30T10:00:00+02:00", "nag", key="k1/inv-1/nag#3/1"),
    ]
    action = _repeating_plan("2026-03-31T09:00:00+02:00", *history).actions[0]
    # 30 March + 7 days is Easter Monday, a holiday in Poland
    assert (action.key, action.at) == ("k1/inv-1/final/1", datetime(2026, 4, 7, 10, tzinfo=WARSAW))


def test_a_sending_recorded_twice_counts_once() -> None:
    second = _sent("2026-03-20T10:00:00+01:00", "nag", key="k1/inv-1/nag#2/1")
    again = second | {"at": "2026-03-20T10:05:00+01:00"}
    result = _repeating_plan("2026-03-21T09:00:00+01:00", _SENT_NAG, _BOOKED_NAG, second, again)
    assert [a.key for a in result.actions] == ["k1/inv-1/nag#3/1"]


def test_a_failed_repetition_is_tried_again_as_its_next_attempt() -> None:
    bounced = _sent("2026-03-20T10:00:00+01:00", "nag", key="k1/inv-1/nag#2/1", outcome="bounced")
    action = _repeating_plan("2026-03-20T11:00:00+01:00", _SENT_NAG, _BOOKED_NAG, bounced).actions[
        0
    ]
    assert (action.key, action.channel) == ("k1/inv-1/nag#2/2", "sms")


def test_a_reply_ends_the_repetitions() -> None:
    reply = {
        "at": "2026-03-12T08:00:00+01:00",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "in",
        "kind": "reply",
    }
    action = _repeating_plan("2026-03-13T09:00:00+01:00", _SENT_NAG, _BOOKED_NAG, reply).actions[0]
    assert action.step == "final"
    assert "'nag' not repeated: the client replied on 2026-03-12" in action.reason


def test_payment_in_full_ends_the_repetitions() -> None:
    paid = [{"date": "2026-03-12", "amount": "1050.00"}]
    result = _repeating_plan("2026-03-13T09:00:00+01:00", _SENT_NAG, _BOOKED_NAG, payments=paid)
    assert not [a for a in result.actions if a.kind != "review"]


def test_catching_up_sends_one_repetition_at_a_time() -> None:
    late = _repeating_plan("2026-05-04T09:00:00+02:00", _SENT_NAG, _BOOKED_NAG)
    assert [a.key for a in late.actions] == ["k1/inv-1/nag#2/1"]
    caught_up = _sent("2026-05-04T10:00:00+02:00", "nag", key="k1/inv-1/nag#2/1")
    after = _repeating_plan("2026-05-04T11:00:00+02:00", _SENT_NAG, _BOOKED_NAG, caught_up)
    assert [(a.key, a.at) for a in after.actions] == [
        ("k1/inv-1/nag#3/1", datetime(2026, 5, 14, 10, tzinfo=WARSAW))
    ]


def test_the_fee_of_a_repeated_step_is_booked_once() -> None:
    first = _repeating_plan("2026-03-10T09:00:00+01:00")
    assert [a.kind for a in first.actions] == ["apply_fee", "send_reminder"]
    assert first.actions[0].key == "k1/inv-1/fee:nag/1"
    repeated = _repeating_plan("2026-03-20T09:00:00+01:00", _SENT_NAG, _BOOKED_NAG)
    assert [a.kind for a in repeated.actions] == ["send_reminder"]
    assert repeated.actions[0].amounts.late_fee == first.actions[1].amounts.late_fee


def test_a_repetition_sent_before_the_fee_was_booked_books_it_once() -> None:
    result = _repeating_plan("2026-03-20T09:00:00+01:00", _SENT_NAG)
    assert [a.key for a in result.actions] == ["k1/inv-1/fee:nag/1", "k1/inv-1/nag#2/1"]


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        (_step("p", "due", "+1d", action="escalate"), "only a contact step"),
        (_step("p", "due", "+1d", deadline="7d"), "states a deadline"),
        (_step("p", "due", "-3d"), "before \\(or on\\) the due date"),
    ],
)
def test_a_step_that_cannot_repeat_is_refused(step: dict[str, Any], problem: str) -> None:
    step["repeat"] = {"every": "10d", "times": 2}
    with pytest.raises(PolicyError, match=rf"steps\[0\]\.repeat: .*{problem}"):
        plan(
            _case(_policy(step), [_invoice("inv-1", "2026-03-02")], now="2026-03-01T09:00:00Z"),
            now=None,
        )


@pytest.mark.parametrize(
    ("repeat", "field"),
    [
        ({"every": "0d", "times": 2}, "every"),
        ({"every": "-1d", "times": 2}, "every"),
        ({"every": "10d", "times": 1}, "times"),
        ({"every": "10d"}, "times"),
        ({"every": "10d", "times": 2, "until": "paid"}, "until"),
    ],
)
def test_a_malformed_repeat_names_its_field(repeat: dict[str, Any], field: str) -> None:
    step = _step("nag", "due", "+1d", repeat=repeat)
    with pytest.raises(PolicyError, match=rf"policy\.steps\[0\]\.repeat\.{field}"):
        plan(
            _case(_policy(step), [_invoice("inv-1", "2026-03-02")], now="2026-03-01T09:00:00Z"),
            now=None,
        )


def test_a_chase_for_an_answer_does_not_repeat() -> None:
    policy = _policy(
        _step("nudge", "issued", "+7d", repeat={"every": "7d", "times": 2}), purpose="prospect"
    )
    with pytest.raises(PolicyError, match=r"steps\[0\]\.repeat: a prospect ladder"):
        plan(_case(policy, [_invoice("inv-1", "2026-03-02")], now="2026-03-01T09:00:00Z"), now=None)


def test_a_combined_message_names_each_invoices_own_sending_in_its_key() -> None:
    contacts = {"email": "c1@example.com", "sms": "+48 600 100 201"}
    history = [
        _SENT_POLITE,
        _SENT_NAG,
        _BOOKED_NAG,
        _sent("2026-03-13T10:00:00+01:00", "polite", ("inv-2",)),
    ]
    invoices = [_invoice("inv-1", "2026-03-02"), _invoice("inv-2", "2026-03-05")]
    case = _case(_REPEATING, invoices, now="2026-03-19T09:00:00+01:00", history=history)
    case["clients"][0]["contacts"] = contacts
    messages = [a for a in plan(case, now=None).actions if a.kind == "send_reminder"]
    assert [a.key for a in messages] == ["k1/inv-1+inv-2@nag/nag#2/1"]
    case["history"].append(
        _sent("2026-03-20T10:00:00+01:00", "nag", ("inv-1", "inv-2"), key=messages[0].key)
        | {"invoice_steps": [s.model_dump() for s in messages[0].invoice_steps]}
    )
    case["now"] = "2026-03-21T09:00:00+01:00"
    later = [a for a in plan(case, now=None).actions if a.kind == "send_reminder"]
    assert [a.key for a in later] == ["k1/inv-1+inv-2@nag#2/nag#3/1"]


# -- the worked example ------------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "richer_ladder.json"


def test_the_worked_example_plans_a_month_end_statement_and_a_third_sending() -> None:
    case = json.loads(EXAMPLE.read_text())
    result = plan(case, now=None)
    assert [(a.key, a.at.date()) for a in result.actions] == [
        ("k1/inv-2/statement/1", date(2026, 4, 1)),
        ("k2/inv-3/statement/1", date(2026, 4, 1)),
        ("k1/inv-1/nag#3/1", date(2026, 4, 7)),
    ]


def test_the_worked_example_calls_only_over_the_client_threshold() -> None:
    case = json.loads(EXAMPLE.read_text())
    case["history"] += [
        _sent("2026-04-01T10:00:00+02:00", "statement", ("inv-2",)),
        _sent("2026-04-01T10:00:00+02:00", "statement", ("inv-3",)),
        _sent("2026-04-07T10:00:00+02:00", "nag", key="k1/inv-1/nag#3/1"),
    ]
    case["now"] = "2026-04-08T09:00:00+02:00"
    action = next(a for a in plan(case, now=None).actions if "inv-1" in a.invoices)
    assert (action.key, action.at.date()) == ("k1/inv-1/call_big/1", date(2026, 4, 10))
    case["invoices"][1]["payments"].append({"date": "2026-04-08", "amount": "1000.00"})
    booking, action = [a for a in plan(case, now=None).actions if "inv-1" in a.invoices]
    # 40.00 PLN booked by 'nag' under the clause, and 'final''s own 2 % of 4000.00
    assert (booking.key, booking.amounts.late_fee) == ("k1/inv-1/fee:final/1", Decimal("120.00"))
    assert action.step == "final"
    assert "'call_big' skipped: the client's overdue balance 4500.00 PLN" in action.reason


# -- a step's own late fee ---------------------------------------------------------------------

_LEVELS = _policy(
    _step(
        "first",
        "due",
        "+1d",
        effects=["apply_late_fee"],
        late_fee={"kind": "flat", "amount": "25.00"},
    ),
    _step(
        "second",
        "previous",
        "+7d",
        tone="firm",
        effects=["apply_late_fee"],
        late_fee={"kind": "percent", "rate": "5"},
    ),
)
_FIRST_DONE = [
    _sent("2026-03-03T10:00:00+01:00", "first"),
    _sent("2026-03-03T10:00:00+01:00", "first", kind="fee", channel="system"),
]


def _levels_plan(clause: dict[str, Any], now: str, history: list[dict[str, Any]]) -> Plan:
    contracts = [{"id": "k1", "client": "c1", "currency": "PLN", "late_fee": clause}]
    invoices = [_invoice("inv-1", "2026-03-02")]
    return plan(_case(_LEVELS, invoices, now=now, history=history, contracts=contracts), now=None)


def test_each_level_books_its_own_fee_in_place_of_the_clauses() -> None:
    clause = {"kind": "flat", "amount": "40.00", "per": "step"}
    first = _levels_plan(clause, "2026-03-03T09:00:00+01:00", [])
    assert [(a.key, a.amounts.late_fee) for a in first.actions] == [
        ("k1/inv-1/fee:first/1", Decimal("25.00")),
        ("k1/inv-1/first/1", Decimal("25.00")),
    ]
    second = _levels_plan(clause, "2026-03-10T09:00:00+01:00", _FIRST_DONE)
    assert [(a.key, a.amounts.late_fee) for a in second.actions] == [
        ("k1/inv-1/fee:second/1", Decimal("75.00")),  # 25.00 + 5 % of 1000.00
        ("k1/inv-1/second/1", Decimal("75.00")),
    ]


def test_the_clauses_cap_covers_the_steps_own_fees() -> None:
    clause = {"kind": "flat", "amount": "40.00", "cap": "60.00"}
    second = _levels_plan(clause, "2026-03-10T09:00:00+01:00", _FIRST_DONE)
    assert second.actions[0].amounts.late_fee == Decimal("60.00")


def test_a_running_fee_still_runs_beside_a_steps_own_fee() -> None:
    clause = {"kind": "daily_rate", "rate": "0.1"}
    first = _levels_plan(clause, "2026-03-03T09:00:00+01:00", [])
    # 25.00 of its own, and 0.1 % a day of 1000.00 from 3 March, the day after the due date
    assert first.actions[0].amounts.late_fee == Decimal("26.00")


def test_a_contract_without_a_fee_clause_books_no_step_fee() -> None:
    result = _levels_plan({"kind": "none"}, "2026-03-03T09:00:00+01:00", [])
    assert [a.kind for a in result.actions] == ["send_reminder"]
    assert result.actions[0].amounts.late_fee == 0
    assert "no late fee: contract k1 has no late-fee clause" in result.actions[0].reason


def test_statutory_interest_is_never_replaced_by_a_step_fee() -> None:
    result = _levels_plan({"kind": "statutory"}, "2026-03-10T09:00:00+01:00", _FIRST_DONE)
    message = result.actions[-1]
    assert message.amounts.late_fee == 0
    assert message.amounts.interest > 0
    assert "no step fee: contract k1 charges statutory interest" in message.reason


@pytest.mark.parametrize(
    ("step", "field"),
    [
        (_step("p", "due", "+1d", late_fee={"kind": "flat", "amount": "5"}), "late_fee"),
        (
            _step("p", "due", "+1d", effects=["apply_late_fee"], late_fee={"kind": "flat"}),
            "late_fee",
        ),
        (
            _step(
                "p",
                "due",
                "+1d",
                effects=["apply_late_fee"],
                late_fee={"kind": "flat", "amount": 2.5},
            ),
            "late_fee.amount",
        ),
        (
            _step(
                "p",
                "due",
                "+1d",
                effects=["apply_late_fee"],
                late_fee={"kind": "percent", "rate": "5", "amount": "1"},
            ),
            "late_fee",
        ),
        (
            _step(
                "p",
                "due",
                "+1d",
                effects=["apply_late_fee"],
                late_fee={"kind": "percent", "rate": "0"},
            ),
            "late_fee.rate",
        ),
    ],
)
def test_a_malformed_step_fee_names_its_field(step: dict[str, Any], field: str) -> None:
    with pytest.raises(PolicyError, match=rf"policy\.steps\[0\]\.{field}:"):
        plan(
            _case(_policy(step), [_invoice("inv-1", "2026-03-02")], now="2026-03-01T09:00:00Z"),
            now=None,
        )


def test_contractual_fee_books_each_steps_own_fee_once_per_application() -> None:
    fee = contractual_fee(
        LateFee(kind="flat", amount="40.00"),  # once per invoice: the first step's
        principal=Decimal("1000.00"),
        currency="PLN",
        fee_from=date(2026, 3, 3),
        as_of=date(2026, 3, 20),
        applied=[date(2026, 3, 17)],
        step_fees=[
            (date(2026, 3, 3), StepFee(kind="flat", amount="25.00")),
            (date(2026, 3, 10), StepFee(kind="percent", rate="5")),
        ],
    )
    assert fee.fee == Decimal("75.00")
    assert [line.what for line in fee.lines] == [
        "the step's own flat fee, applied on 2026-03-03",
        "the step's own 5 % of the unpaid principal, applied on 2026-03-10",
    ]


def test_contractual_fee_wants_step_fees_in_date_order() -> None:
    own = StepFee(kind="flat", amount="25.00")
    with pytest.raises(InvalidCaseError, match="step_fees"):
        contractual_fee(
            LateFee(kind="flat", amount="40.00"),
            principal=Decimal("1000.00"),
            currency="PLN",
            fee_from=date(2026, 3, 3),
            as_of=date(2026, 3, 20),
            applied=[],
            step_fees=[(date(2026, 3, 10), own), (date(2026, 3, 3), own)],
        )
