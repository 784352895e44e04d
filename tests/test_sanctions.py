"""Sanctions per contract (SPEC §5 rules 2 and 10, issue 15 item 2): one suspension and one
work pause in force per contract at a time, a later invoice joining it, and the service
restored (the work resumed) only once every invoice it covers is settled.

The saas cases follow one client in Warsaw with three invoices of contract k1 falling due two
weeks apart under the built-in ``saas`` ladder (notice the day after the due date, a warning
14 days later stating a 3-day deadline, the suspension the day after that deadline, a final
letter 14 days after the suspension):

====  ==========  ==========  ================  ===========  ===============
inv   issued      due         notice            warning      suspension step
====  ==========  ==========  ================  ===========  ===============
i1    2026-02-02  2026-02-16  2026-02-17        2026-03-03   2026-03-09
i2    2026-02-16  2026-03-02  2026-03-06        2026-03-20   2026-03-24
i3    2026-03-02  2026-03-16  2026-03-17        2026-03-31   (2026-04-04)
====  ==========  ==========  ================  ===========  ===============
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

import paychase
from paychase import Action, Case, Plan
from paychase.messages import Renderer

Json = dict[str, Any]

RENDERER = Renderer()
SUSPENSION = {"after": "21d", "warnings": 2}
ISSUED = {"i1": "2026-02-02", "i2": "2026-02-16", "i3": "2026-03-02"}
DUE = {"i1": "2026-02-16", "i2": "2026-03-02", "i3": "2026-03-16"}


def at(text: str) -> datetime:
    """A moment in Warsaw (CET until 29 March 2026, CEST after)."""
    moment = datetime.fromisoformat(text)
    offset = "+02:00" if moment.date() >= date(2026, 3, 29) else "+01:00"
    return datetime.fromisoformat(f"{text}{offset}")


def sent(when: str, invoice: str, step: str, deadline: str | None = None) -> Json:
    """A message of the saas ladder about one invoice, delivered at `when` (local time)."""
    event: Json = {
        "at": at(when).isoformat(),
        "client": "c1",
        "invoices": [invoice],
        "direction": "out",
        "kind": "reminder",
        "step": step,
        "channel": "email",
        "outcome": "delivered",
        "key": f"k1/{invoice}/{step}/1",
    }
    if deadline is not None:
        event["deadline"] = deadline
    return event


def system(when: str, kind: str, invoices: list[str], key: str, step: str | None = None) -> Json:
    """Something the host did itself (a suspension, a restore) at `when` (local time)."""
    event: Json = {
        "at": at(when).isoformat(),
        "client": "c1",
        "invoices": invoices,
        "direction": "out",
        "kind": kind,
        "channel": "system",
        "key": key,
    }
    if step is not None:
        event["step"] = step
    return event


# The story of the table above, up to the suspension of k1's service for i1.
I1_SUSPENDED = [
    sent("2026-02-17T10:00", "i1", "notice"),
    sent("2026-03-03T10:00", "i1", "warning", "2026-03-06"),
    system("2026-03-09T10:00", "suspend", ["i1"], "k1/i1/suspend/1", "suspend"),
]
# i2 warned with a deadline that has passed on 24 March: its own suspension step is due.
I2_WARNED = [
    sent("2026-03-06T10:00", "i2", "notice"),
    sent("2026-03-20T10:00", "i2", "warning", "2026-03-23"),
]


def saas_case(history: list[Json], *, paid: dict[str, str] | None = None) -> Json:
    """Client c1 owes i1-i3 (100.00 PLN each) under k1, a saas contract with suspension terms;
    `paid` maps an invoice to the date it was paid in full."""
    paid = paid or {}
    return {
        "version": 1,
        "policy": "saas",
        "sender": {"name": "Lumen Cloud"},
        "clients": [
            {
                "id": "c1",
                "name": "Studio Kowalski",
                "country": "PL",
                "timezone": "Europe/Warsaw",
                "locale": "en_GB",
                "contacts": {"email": "c1@example.com"},
            }
        ],
        "contracts": [{"id": "k1", "client": "c1", "currency": "PLN", "suspension": SUSPENSION}],
        "invoices": [
            {
                "id": invoice,
                "contract": "k1",
                "issued": ISSUED[invoice],
                "due": DUE[invoice],
                "total": "100.00",
                "currency": "PLN",
                "payments": [{"date": paid[invoice], "amount": "100.00"}]
                if invoice in paid
                else [],
            }
            for invoice in ("i1", "i2", "i3")
        ],
        "history": sorted(history, key=lambda e: datetime.fromisoformat(e["at"])),
    }


def kinds(result: Plan, kind: str) -> list[Action]:
    return [a for a in result.actions if a.kind == kind]


# -- one suspension in force per contract ------------------------------------------------------


@pytest.mark.xfail(strict=True, reason="issue 15 item 2")
def test_a_later_invoice_joins_the_suspension_in_force_instead_of_suspending_again() -> None:
    result = paychase.plan(saas_case(I1_SUSPENDED + I2_WARNED), now=at("2026-03-25T09:00"))

    assert kinds(result, "suspend_service") == []


@pytest.mark.xfail(strict=True, reason="issue 15 item 2")
def test_the_warning_before_a_joined_suspension_says_the_service_is_suspended() -> None:
    history = [*I1_SUSPENDED, sent("2026-03-17T10:00", "i3", "notice")]
    case = saas_case(history, paid={"i2": "2026-03-10"})

    [warning] = [
        a for a in paychase.plan(case, now=at("2026-03-31T09:00")).actions if a.step == "warning"
    ]
    message = RENDERER.render(Case.model_validate(case), warning)

    assert "suspended since 9 March 2026" in message.subject
    assert "will have to suspend" not in message.text


# -- restore only when everything the suspension covers is paid --------------------------------


@pytest.mark.xfail(strict=True, reason="issue 15 item 2")
def test_paying_only_the_newest_suspended_invoice_does_not_restore_the_service() -> None:
    # Two suspensions in force (recorded before one contract could hold only one): paying i2,
    # named by the later, leaves i1 of the earlier unpaid.
    history = [
        *I1_SUSPENDED,
        *I2_WARNED,
        system("2026-03-24T10:00", "suspend", ["i2"], "k1/i2/suspend/1", "suspend"),
    ]
    case = saas_case(history, paid={"i2": "2026-03-26"})

    assert kinds(paychase.plan(case, now=at("2026-03-27T09:00")), "restore_service") == []


@pytest.mark.xfail(strict=True, reason="issue 15 item 2")
def test_paying_the_suspended_invoice_does_not_restore_while_one_that_joined_is_unpaid() -> None:
    case = saas_case(I1_SUSPENDED + I2_WARNED, paid={"i1": "2026-03-26"})

    assert kinds(paychase.plan(case, now=at("2026-03-27T09:00")), "restore_service") == []


# -- one work pause per contract ------------------------------------------------------------

# An invoice ladder that pauses the work: a reminder stating a 5-day deadline, then the pause.
PAUSING = {
    "name": "pausing",
    "min_gap": "3d",
    "steps": [
        {
            "id": "reminder",
            "from": "due",
            "offset": "+1d",
            "action": "send_reminder",
            "deadline": "5d",
        },
        {"id": "pause", "from": "deadline", "offset": "+1d", "action": "pause_work"},
    ],
}


def work_case(contract: Json, history: list[Json], *, policy: str | Json = "freelancer") -> Json:
    """Client c1 under work contract k1 (`contract` adds its clauses); i1 and i2 as above."""
    case = saas_case(history)
    case["policy"] = policy
    case["contracts"] = [{"id": "k1", "client": "c1", "currency": "PLN", **contract}]
    case["invoices"] = case["invoices"][:2]
    return case


@pytest.mark.xfail(strict=True, reason="issue 15 item 2")
def test_a_deposit_a_materials_prepayment_and_a_kill_fee_pause_the_work_once() -> None:
    job = {
        "value": "1000.00",
        "deposit": {"rate": "50"},
        "materials": {"amount": "200.00"},
        "work_started": "2026-03-02",
        "kill_fee": {"after_silence": "7d", "rate": "25"},
    }
    result = paychase.plan(work_case(job, []), now=at("2026-03-10T09:00"))

    assert [a.key for a in kinds(result, "pause_work")] == ["k1/kill_fee/pause_work/1"]


@pytest.mark.xfail(strict=True, reason="issue 15 item 2")
def test_a_later_invoice_joins_the_work_pause_in_force() -> None:
    history = [
        sent("2026-02-17T10:00", "i1", "reminder", "2026-02-22"),
        system("2026-02-23T00:00", "pause_work", ["i1"], "k1/i1/pause/1", "pause"),
        sent("2026-03-03T10:00", "i2", "reminder", "2026-03-08"),
    ]
    result = paychase.plan(work_case({}, history, policy=PAUSING), now=at("2026-03-10T09:00"))

    assert kinds(result, "pause_work") == []
