"""The knobs of a richer ladder (issue 16, item 4): the ``end_of_month`` anchor, a repeated
step, a client-level balance threshold — each planned end to end from a small case."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from paychase import Plan, plan
from paychase.errors import PolicyError
from paychase.planner._anchors import month_end

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
