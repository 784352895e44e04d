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


def test_a_later_invoice_joins_the_suspension_in_force_instead_of_suspending_again() -> None:
    result = paychase.plan(saas_case(I1_SUSPENDED + I2_WARNED), now=at("2026-03-25T09:00"))

    assert kinds(result, "suspend_service") == []


def test_the_invoice_that_joined_walks_on_from_the_moment_its_step_was_due() -> None:
    result = paychase.plan(saas_case(I1_SUSPENDED + I2_WARNED), now=at("2026-03-25T09:00"))

    [final] = [a for a in result.actions if a.invoices == ("i2",)]
    assert (final.step, final.at) == ("final", at("2026-04-07T10:00"))  # 24 March + 14 days
    assert (
        "'suspend' joined on 2026-03-24 the suspension in force since 2026-03-09 rather than "
        "imposing a second one" in final.reason
    )
    states = {state.id: state for state in result.invoices}
    assert (states["i1"].step, states["i1"].suspended_since) == ("suspend", date(2026, 3, 9))
    assert (states["i2"].step, states["i2"].suspended_since) == ("suspend", date(2026, 3, 9))
    assert states["i3"].suspended_since is None


def test_an_invoice_whose_suspension_step_is_still_ahead_waits_for_it() -> None:
    # On 24 March at 09:00, i2's suspension step is due at 10:00: it will join, nothing to do.
    result = paychase.plan(saas_case(I1_SUSPENDED + I2_WARNED), now=at("2026-03-24T09:00"))

    assert [a.key for a in result.actions if "i2" in a.invoices] == []
    assert {s.id: s.suspended_since for s in result.invoices}["i2"] is None


def test_invoices_reaching_their_suspension_step_together_are_suspended_by_one_action() -> None:
    history = [
        sent("2026-03-06T10:00", "i1", "notice") | {"invoices": ["i1", "i2"]},
        sent("2026-03-20T10:00", "i1", "warning", "2026-03-23") | {"invoices": ["i1", "i2"]},
    ]
    result = paychase.plan(saas_case(history), now=at("2026-03-25T09:00"))

    assert [(a.key, a.invoices) for a in kinds(result, "suspend_service")] == [
        ("k1/i1+i2/suspend/1", ("i1", "i2"))
    ]


def test_a_later_invoice_joins_a_suspension_planned_earlier_in_the_same_plan() -> None:
    # i1's suspension comes on 9 March; i2, warned early, may be suspended 21 days after its
    # due date, on 23 March: its step joins the suspension planned before it.
    history = [
        *I1_SUSPENDED[:2],
        sent("2026-03-03T10:00", "i2", "notice"),
        sent("2026-03-05T10:00", "i2", "warning", "2026-03-08"),
    ]
    result = paychase.plan(saas_case(history), now=at("2026-03-08T09:00"))

    assert [a.key for a in kinds(result, "suspend_service")] == ["k1/i1/suspend/1"]


def test_the_warning_before_a_joined_suspension_says_the_service_is_suspended() -> None:
    history = [*I1_SUSPENDED, sent("2026-03-17T10:00", "i3", "notice")]
    case = saas_case(history, paid={"i2": "2026-03-10"})

    [warning] = [
        a
        for a in paychase.plan(case, now=at("2026-03-31T09:00")).actions
        if "i3" in a.invoices and a.step_for("i3") == "warning"
    ]
    message = RENDERER.render(Case.model_validate(case), warning)

    # i3's warning goes in the one message of that day, led by i1's final notice (issue 15):
    # nothing in it announces a suspension that has already happened.
    assert warning.step == "final"
    assert "will have to suspend" not in message.text
    assert "Also on your account: invoice i3" in " ".join(message.text.split())


# -- restore only when everything the suspension covers is paid --------------------------------


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


def test_paying_the_suspended_invoice_does_not_restore_while_one_that_joined_is_unpaid() -> None:
    case = saas_case(I1_SUSPENDED + I2_WARNED, paid={"i1": "2026-03-26"})

    assert kinds(paychase.plan(case, now=at("2026-03-27T09:00")), "restore_service") == []


def test_an_invoice_that_joined_holds_the_suspension_after_its_later_steps_too() -> None:
    # i2 joined on 24 March and got its final letter on 7 April: i1 alone is paid.
    history = [*I1_SUSPENDED, *I2_WARNED, sent("2026-04-07T10:00", "i2", "final", "2026-04-21")]
    case = saas_case(history, paid={"i1": "2026-04-08"})

    result = paychase.plan(case, now=at("2026-04-09T09:00"))

    assert kinds(result, "restore_service") == []
    assert {s.id: s.suspended_since for s in result.invoices}["i2"] == date(2026, 3, 9)


def test_the_service_is_restored_once_every_invoice_it_covers_is_paid() -> None:
    paid = {"i1": "2026-03-26", "i2": "2026-03-26"}
    result = paychase.plan(
        saas_case(I1_SUSPENDED + I2_WARNED, paid=paid), now=at("2026-03-27T09:00")
    )

    [restore] = kinds(result, "restore_service")
    assert (restore.key, restore.invoices, restore.channel) == (
        "k1/i1/restore/1",
        ("i1",),
        "system",
    )
    assert restore.reason == (
        "rule 10: i1 settled: the suspension of contract k1 in force since 2026-03-09 should "
        "be undone at once"
    )


def test_an_invoice_not_yet_at_its_suspension_step_does_not_hold_the_restore() -> None:
    # i2 was warned, but its deadline (23 March) has not passed: it has not joined.
    result = paychase.plan(
        saas_case(I1_SUSPENDED + I2_WARNED, paid={"i1": "2026-03-21"}), now=at("2026-03-21T09:00")
    )

    assert [a.invoices for a in kinds(result, "restore_service")] == [("i1",)]


def test_a_restored_contract_is_suspended_again_by_a_later_invoice() -> None:
    history = [
        *I1_SUSPENDED,
        system("2026-03-21T09:00", "restore", ["i1"], "k1/i1/restore/1"),
        *I2_WARNED,
    ]
    case = saas_case(history, paid={"i1": "2026-03-21"})

    result = paychase.plan(case, now=at("2026-03-25T09:00"))

    assert [a.key for a in kinds(result, "suspend_service")] == ["k1/i2/suspend/1"]


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


def test_an_unpaid_deposit_and_a_pausing_ladder_pause_the_work_once() -> None:
    history = [sent("2026-03-03T10:00", "i2", "reminder", "2026-03-08")]
    job = {"value": "1000.00", "deposit": {"rate": "50"}, "work_started": "2026-03-02"}

    result = paychase.plan(work_case(job, history, policy=PAUSING), now=at("2026-03-10T09:00"))

    assert [a.key for a in kinds(result, "pause_work")] == ["k1/deposit/pause_work/1"]


def test_a_later_invoice_joins_the_work_pause_in_force() -> None:
    history = [
        sent("2026-02-17T10:00", "i1", "reminder", "2026-02-22"),
        system("2026-02-23T00:00", "pause_work", ["i1"], "k1/i1/pause/1", "pause"),
        sent("2026-03-03T10:00", "i2", "reminder", "2026-03-08"),
    ]
    result = paychase.plan(work_case({}, history, policy=PAUSING), now=at("2026-03-10T09:00"))

    assert kinds(result, "pause_work") == []


def test_a_project_chase_does_not_pause_work_the_plan_pauses_already() -> None:
    job = {"value": "1000.00", "deposit": {"rate": "50"}, "work_started": "2026-03-02"}
    case = work_case(job, [])
    case["invoices"] = []
    case["chases"] = [
        {
            "id": "p1",
            "client": "c1",
            "kind": "project",
            "contract": "k1",
            "started": at("2026-02-02T10:00").isoformat(),
            "subject": "the mock-ups",
            "policy": CHASE_PAUSING,
        }
    ]
    case["history"] = [
        {
            "at": at("2026-03-03T10:00").isoformat(),
            "client": "c1",
            "direction": "out",
            "kind": "reminder",
            "step": "pause_notice",
            "channel": "email",
            "chase": "p1",
            "key": "chase:p1/pause_notice/1",
            "deadline": "2026-03-06",
        }
    ]

    result = paychase.plan(case, now=at("2026-03-10T09:00"))

    assert [a.key for a in kinds(result, "pause_work")] == ["k1/deposit/pause_work/1"]
    assert result.chases is not None
    assert result.chases[0].state == "ended"


# A project chase announcing the pause, then pausing the work.
CHASE_PAUSING: Json = {
    "name": "pause-only",
    "purpose": "project",
    "steps": [
        {
            "id": "pause_notice",
            "from": "issued",
            "offset": "+1d",
            "action": "send_reminder",
            "deadline": "3d",
        },
        {"id": "pause", "from": "deadline", "offset": "+1d", "action": "pause_work"},
    ],
}


# A ladder whose last message suspends the service as its effect.
CUTTING_OFF: Json = {
    "name": "cutting-off",
    "steps": [
        {"id": "notice", "from": "due", "offset": "+1d", "action": "send_reminder"},
        {
            "id": "warning",
            "from": "previous",
            "offset": "+14d",
            "action": "send_reminder",
            "deadline": "3d",
        },
        {
            "id": "cut_off",
            "from": "deadline",
            "offset": "+1d",
            "action": "send_reminder",
            "effects": ["suspend_service"],
        },
    ],
}


def test_a_message_suspending_a_suspended_service_goes_without_its_effect() -> None:
    # The host suspended the service over i1 itself; i2's cut-off message is due.
    suspended = system("2026-03-09T10:00", "suspend", ["i1"], "k1/i1/suspend/1")
    case = saas_case([*I1_SUSPENDED[:2], suspended, *I2_WARNED], paid={"i1": "2026-03-10"})
    case["policy"] = CUTTING_OFF

    [cut_off] = [
        a for a in paychase.plan(case, now=at("2026-03-25T09:00")).actions if a.step == "cut_off"
    ]

    # i3's own step goes in the same message (issue 15); no effect suspends again.
    assert (cut_off.invoices, cut_off.effects) == (("i2", "i3"), ())
    assert cut_off.step_for("i2") == "cut_off"
    assert "no suspend_service: the service of contract k1 is suspended since 2026-03-09" in (
        cut_off.reason
    )
    # i2 reached its own cut-off: the suspension waits for it, though i1 is paid.
    assert kinds(paychase.plan(case, now=at("2026-03-25T09:00")), "restore_service") == []
