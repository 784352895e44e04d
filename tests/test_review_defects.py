"""Small defects found in review (issue 15, item 5), one section each.

The sample case (`tests.samples`): Studio Kowalski in Warsaw owes inv-1, 1200.00 PLN issued
Monday 16 February 2026 and due Monday 2 March, under the freelancer policy (``send_at``
10:00, quiet hours 20:00-08:00, working days only): its ``polite`` step falls on Tuesday
3 March at 10:00.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given
from tests.samples import first_invoice, kowalski_contract, sample_case
from tests.strategies import Json, cases

from paychase import Action, plan


def _at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+01:00")


def _step(case: dict[str, object], now: str, step: str) -> Action:
    return next(a for a in plan(case, now=_at(now)).actions if a.step == step)


# -- a caught-up step's time (docs/planning.md, "The contact window") --------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-03-03T09:00", "2026-03-03T10:00"),  # its own time is still to come: send_at
        ("2026-03-03T11:00", "2026-03-03T11:00"),  # passed today: at once
        ("2026-03-03T21:00", "2026-03-04T08:00"),  # passed today, window closed: next opening
        ("2026-03-05T07:00", "2026-03-05T08:00"),  # passed days ago: when quiet hours end
        ("2026-03-05T09:00", "2026-03-05T09:00"),
        ("2026-03-05T15:30", "2026-03-05T15:30"),
        ("2026-03-05T21:00", "2026-03-06T08:00"),
        ("2026-03-06T21:00", "2026-03-09T08:00"),  # Friday night: Monday morning
    ],
)
def test_a_caught_up_step_goes_at_the_first_moment_contact_is_allowed(
    now: str, expected: str
) -> None:
    """A step whose time has passed does not wait for send_at: not on a later day (a daily run
    at 09:00 would never find it due), nor when it is planned on the evening of its own day
    (it would go two hours later than when planned after midnight)."""
    polite = _step(sample_case(), now, "polite")
    assert polite.at == _at(expected)
    assert ("catching up" in polite.reason) is (expected != "2026-03-03T10:00")


# -- an effect that charges nothing is dropped -------------------------------------------------


def _charging_ladder() -> dict[str, Any]:
    """'pre_due' 3 days before the due date and 'polite' the day after it, both charging."""
    charging = ["apply_late_fee", "add_compensation"]
    return {
        "name": "charging",
        "min_gap": "1d",
        "send_at": "10:00",
        "quiet_hours": ["20:00", "08:00"],
        "business_days_only": True,
        "steps": [
            {
                "id": "pre_due",
                "from": "due",
                "offset": "-3d",
                "action": "send_reminder",
                "effects": charging,
            },
            {
                "id": "polite",
                "from": "due",
                "offset": "+1d",
                "action": "send_reminder",
                "effects": charging,
            },
        ],
    }


def _charging_case(**contract: Any) -> dict[str, Any]:
    """inv-1 in EUR under German law, with a flat late fee and fixed compensation."""
    terms = kowalski_contract(
        currency="EUR", jurisdiction="DE", fixed_compensation=True, **contract
    )
    return sample_case(
        policy=_charging_ladder(),
        contracts=[terms],
        invoices=[first_invoice(currency="EUR")],
    )


def test_a_pre_due_step_charges_nothing_and_says_so() -> None:
    """Nothing is late before the due date: the message claims no fee, and the reason tells
    the user why the effects the policy lists are not on it."""
    case = _charging_case(late_fee={"kind": "flat", "amount": "40.00"})
    reminder = _step(case, "2026-02-26T09:00", "pre_due")
    assert reminder.effects == ()
    assert "no late fee: inv-1 is not late on 2026-02-27 (due 2026-03-02)" in reminder.reason
    assert "no fixed compensation: inv-1 is not late on 2026-02-27" in reminder.reason
    polite = plan(case, now=_at("2026-03-03T09:00")).actions
    assert [(a.kind, a.step) for a in polite] == [
        ("apply_fee", "polite"),
        ("send_reminder", "polite"),
    ]
    assert polite[1].effects == ("apply_late_fee", "add_compensation")


def test_a_pre_due_step_performed_is_not_booked_once_the_invoice_is_late() -> None:
    """The pre-due message claimed nothing: the interest and compensation that run from the
    day after the due date are booked with the first message that claims them, not as
    charges of the pre-due reminder."""
    case = _charging_case(late_fee={"kind": "statutory"})
    case["history"] = [
        {
            "at": "2026-02-27T10:00:00+01:00",
            "client": "c1",
            "invoices": ["inv-1"],
            "direction": "out",
            "kind": "reminder",
            "step": "pre_due",
            "channel": "email",
        }
    ]
    keys = [a.key for a in plan(case, now=_at("2026-03-03T09:00")).actions]
    assert keys == ["k1/inv-1/fee:polite/1", "k1/inv-1/polite/1"]


# -- what the plan explains: a channel without an address, an invoice with nothing planned ------


def _letter_first_ladder() -> dict[str, Any]:
    """'polite' by registered letter, else e-mail, the day after the due date; 'firm' a week
    later by phone, only if the client has not replied."""
    return {
        "name": "letters",
        "min_gap": "3d",
        "send_at": "10:00",
        "call_at": "12:00",
        "quiet_hours": ["20:00", "08:00"],
        "business_days_only": True,
        "steps": [
            {
                "id": "polite",
                "from": "due",
                "offset": "+1d",
                "action": "send_letter",
                "channels": ["registered_letter", "email"],
            },
            {
                "id": "firm",
                "from": "previous",
                "offset": "+7d",
                "action": "call",
                "channels": ["phone"],
                "requires": ["no_reply"],
            },
        ],
    }


def _reminder(at: str, step: str) -> dict[str, Any]:
    return {
        "at": f"{at}+01:00",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "out",
        "kind": "reminder",
        "step": step,
        "channel": "email",
        "outcome": "delivered",
    }


def test_a_channel_without_an_address_is_passed_over_and_the_reason_says_so() -> None:
    case = sample_case(policy=_letter_first_ladder())  # the client has only an e-mail address
    letter = _step(case, "2026-03-03T09:00", "polite")
    assert (letter.kind, letter.channel) == ("send_letter", "email")
    assert "no registered_letter: the client has no postal address, so email" in letter.reason
    case["history"] = [_reminder("2026-03-03T10:00", "polite")]
    call = _step(case, "2026-03-10T09:00", "firm")
    assert (call.kind, call.channel) == ("send_reminder", "email")
    assert "no phone: the client has no phone number, so email" in call.reason


def test_a_channel_the_step_does_not_need_is_not_mentioned() -> None:
    """The first listed channel works: nothing was switched, nothing to explain."""
    case = sample_case(policy=_letter_first_ladder())
    case["clients"][0]["contacts"]["postal"] = "ul. Hoża 1, 00-001 Warszawa"
    letter = _step(case, "2026-03-03T09:00", "polite")
    assert letter.channel == "registered_letter"
    assert "no postal address" not in letter.reason


def _why(case: dict[str, Any], now: str) -> str | None:
    result = plan(case, now=_at(now))
    (state,) = result.invoices
    assert state.next_review is None, result.actions
    return state.why


def test_an_invoice_whose_steps_are_all_skipped_says_why_nothing_is_planned() -> None:
    case = sample_case(policy=_letter_first_ladder())
    reply = {"at": "2026-03-04T11:00:00+01:00", "client": "c1", "direction": "in", "kind": "reply"}
    case["history"] = [_reminder("2026-03-03T10:00", "polite"), reply]
    assert _why(case, "2026-03-10T09:00") == (
        "'firm' skipped: the client replied on 2026-03-04; no step of the ladder is left"
    )


def test_an_invoice_planned_for_has_no_why() -> None:
    result = plan(sample_case(), now=_at("2026-03-03T09:00"))
    (state,) = result.invoices
    assert (state.next_review is not None, state.why) == (True, None)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"payments": [{"date": "2026-03-01", "amount": "1200.00"}]}, "paid: nothing to chase"),
        ({"status": "cancelled"}, "cancelled: nothing to chase"),
        ({"status": "written_off"}, "written off: nothing to chase"),
        (
            {"payments": [{"date": "2026-03-01", "amount": "1196.00"}]},
            "owes 4.00 PLN, below the contract's tolerance of 5.00 PLN: not chased",
        ),
    ],
)
def test_an_invoice_with_nothing_to_chase_says_why(change: dict[str, Any], why: str) -> None:
    case = sample_case(
        contracts=[kowalski_contract(tolerance="5.00")], invoices=[first_invoice(**change)]
    )
    assert _why(case, "2026-03-03T09:00") == why


def test_the_why_is_in_the_plans_json_only_where_nothing_is_planned() -> None:
    case = sample_case(invoices=[first_invoice(), first_invoice(id="inv-2", status="cancelled")])
    states = json.loads(plan(case, now=_at("2026-03-03T09:00")).to_json())["invoices"]
    assert [state.get("why") for state in states] == [None, "cancelled: nothing to chase"]


def test_a_fee_step_with_nothing_accrued_yet_says_it_waits() -> None:
    """1.00 PLN at 14 % a year earns 0.01 PLN of interest only after 13 days: a fee booking
    two days after the due date has nothing to book, and waits."""
    ladder = {
        "name": "booking",
        "min_gap": "1d",
        "send_at": "10:00",
        "steps": [{"id": "interest", "from": "due", "offset": "+2d", "action": "apply_fee"}],
    }
    case = sample_case(
        policy=ladder,
        contracts=[kowalski_contract(late_fee={"kind": "statutory"})],
        invoices=[first_invoice(total="1.00")],
    )
    assert _why(case, "2026-03-04T11:00") == (
        "'interest' waits: nothing has accrued for it to charge yet"
    )


@given(cases())
def test_every_invoice_either_has_an_action_or_says_why_not(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    for state in plan(case, now=now).invoices:
        assert (state.next_review is None) == (state.why is not None), state
