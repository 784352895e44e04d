"""Work contracts inside `plan()`: deposits, milestones and the kill fee become timed actions."""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from typing import Any

import paychase
from paychase import Action, Plan

NOW = datetime.fromisoformat("2026-03-10T09:00:00+02:00")  # a Tuesday in Athens

CASE: dict[str, Any] = {
    "version": 1,
    "policy": "tradesperson",
    "clients": [
        {
            "id": "c1",
            "name": "Papadopoulou",
            "country": "GR",
            "timezone": "Europe/Athens",
            "contacts": {"email": "a@example.gr", "sms": "+30 690 000 0000"},
        }
    ],
    "contracts": [
        {
            "id": "k1",
            "client": "c1",
            "currency": "EUR",
            "payment_terms": "14d",
            "value": "1800.00",
            "deposit": {"rate": "30"},
            "work_started": "2026-03-16",
        }
    ],
    "invoices": [],
    "history": [],
}


def _case(**contract: Any) -> dict[str, Any]:
    case = copy.deepcopy(CASE)
    case["contracts"][0].update(contract)
    return case


def _kinds(result: Plan) -> list[str]:
    return [action.kind for action in result.actions]


def _one(result: Plan, kind: str) -> Action:
    found = [a for a in result.actions if a.kind == kind]
    assert len(found) == 1, [a.key for a in result.actions]
    return found[0]


def test_a_deposit_is_requested_before_work_starts() -> None:
    request = _one(paychase.plan(_case(), now=NOW), "request_deposit")
    assert request.key == "k1/deposit/request_deposit/1"
    assert request.channel == "email"
    assert request.at.isoformat() == "2026-03-10T09:00:00+02:00"  # send_at, local time
    assert request.amounts is not None
    assert request.amounts.total == Decimal("540.00")
    assert request.deadline is not None
    assert request.deadline.isoformat() == "2026-03-15"


def test_work_that_would_start_unpaid_is_paused_and_resumed_once_paid() -> None:
    case = _case(work_started="2026-03-09")
    pause = _one(paychase.plan(case, now=NOW), "pause_work")
    assert (pause.key, pause.channel) == ("k1/deposit/pause_work/1", "system")
    case["history"] = [
        {
            "at": "2026-03-10T09:00:00+02:00",
            "client": "c1",
            "direction": "out",
            "kind": "pause_work",
            "channel": "system",
            "key": pause.key,
        }
    ]
    case["invoices"] = [
        {
            "id": "d1",
            "contract": "k1",
            "kind": "deposit",
            "issued": "2026-03-10",
            "total": "540.00",
            "currency": "EUR",
            "payments": [{"date": "2026-03-11", "amount": "540.00"}],
        }
    ]
    later = paychase.plan(case, now=datetime.fromisoformat("2026-03-11T12:00:00+02:00"))
    assert _kinds(later) == ["resume_work"]
    resume = later.actions[0]
    assert (resume.key, resume.invoices) == ("k1/deposit/resume_work/1", ("d1",))
    assert "the deposit of 540.00 EUR (30 % of the contract value 1800.00) is paid" in (
        resume.reason
    )
    assert "the pause of work of contract k1 in force since 2026-03-10" in resume.reason
    # A payment dated after the planning day has not arrived yet.
    assert "resume_work" not in _kinds(paychase.plan(case, now=NOW))


def test_paused_work_resumes_only_once_every_prepayment_is_paid() -> None:
    # Paused for the deposit; the materials, unpaid too, joined that pause.
    case = _case(work_started="2026-03-09", materials={"amount": "200.00"})
    assert [a.key for a in paychase.plan(case, now=NOW).actions if a.kind == "pause_work"] == [
        "k1/deposit/pause_work/1"
    ]
    case["history"] = [
        {
            "at": "2026-03-10T09:00:00+02:00",
            "client": "c1",
            "direction": "out",
            "kind": "pause_work",
            "channel": "system",
            "key": "k1/deposit/pause_work/1",
        }
    ]
    paid = [{"date": "2026-03-11", "amount": "540.00"}]
    deposit = {"id": "d1", "contract": "k1", "kind": "deposit", "issued": "2026-03-10"}
    case["invoices"] = [deposit | {"total": "540.00", "currency": "EUR", "payments": paid}]
    later = datetime.fromisoformat("2026-03-11T12:00:00+02:00")
    assert _kinds(paychase.plan(case, now=later)) == []
    materials = {"id": "m1", "contract": "k1", "kind": "materials", "issued": "2026-03-10"}
    paid = [{"date": "2026-03-11", "amount": "200.00"}]
    case["invoices"].append(materials | {"total": "200.00", "currency": "EUR", "payments": paid})
    resume = _one(paychase.plan(case, now=later), "resume_work")
    assert (resume.key, resume.invoices) == ("k1/deposit/resume_work/1", ("d1",))


def test_a_milestone_reached_is_requested_and_a_billed_one_is_chased_as_an_invoice() -> None:
    milestones = [{"id": "m1", "name": "Tiling", "amount": "600.00", "due": "2026-03-09"}]
    case = _case(deposit=None, milestones=milestones)
    request = _one(paychase.plan(case, now=NOW), "request_milestone")
    assert request.key == "k1/m1/request_milestone/1"
    case["invoices"] = [
        {
            "id": "s1",
            "contract": "k1",
            "kind": "milestone",
            "milestone": "m1",
            "issued": "2026-03-09",
            "total": "600.00",
            "currency": "EUR",
        }
    ]
    assert "request_milestone" not in _kinds(paychase.plan(case, now=NOW))


def test_a_silent_client_mid_project_gets_a_kill_fee() -> None:
    case = _case(
        deposit=None,
        work_started="2026-02-02",
        kill_fee={"after_silence": "21d", "rate": "25"},
    )
    pause = _one(paychase.plan(case, now=NOW), "pause_work")
    assert pause.key == "k1/kill_fee/pause_work/1"
    assert [(c.kind, c.amount) for c in pause.charges] == [("kill_fee", Decimal("450.00"))]


def test_a_request_keeps_min_gap_before_the_ladder_writes() -> None:
    case = _case()
    case["invoices"] = [
        {
            "id": "i1",
            "contract": "k1",
            "issued": "2026-02-20",
            "due": "2026-03-06",
            "total": "300.00",
            "currency": "EUR",
        }
    ]
    result = paychase.plan(case, now=NOW)
    request = _one(result, "request_deposit")
    reminder = _one(result, "send_reminder")
    assert (reminder.at - request.at).days >= 1
    assert "min_gap" in reminder.reason


def test_a_request_planned_weeks_ahead_does_not_hold_back_an_earlier_reminder() -> None:
    # The stage payment falls due on 2026-04-20; the invoice's reminder is due now. The
    # request planned six weeks ahead is no reason to wait: min_gap is about contacts close
    # together (rule 5), and the pre-due step would otherwise expire.
    milestones = [{"id": "m1", "name": "Roof", "amount": "900.00", "due": "2026-04-20"}]
    case = _case(deposit=None, milestones=milestones, work_started="2026-03-02")
    case["invoices"] = [
        {
            "id": "i1",
            "contract": "k1",
            "issued": "2026-03-10",
            "due": "2026-03-24",
            "total": "300.00",
            "currency": "EUR",
        }
    ]
    result = paychase.plan(case, now=NOW)
    request = _one(result, "request_milestone")
    reminder = _one(result, "send_reminder")
    assert request.at.date().isoformat() == "2026-04-20"
    assert reminder.at < request.at
    assert reminder.at.date().isoformat() == "2026-03-10"
    assert "min_gap" not in reminder.reason
