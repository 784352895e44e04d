"""Small defects found in review (issue 15, item 5), one section each.

The sample case (`tests.samples`): Studio Kowalski in Warsaw owes inv-1, 1200.00 PLN issued
Monday 16 February 2026 and due Monday 2 March, under the freelancer policy (``send_at``
10:00, quiet hours 20:00-08:00, working days only): its ``polite`` step falls on Tuesday
3 March at 10:00.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from tests.samples import first_invoice, kowalski_contract, sample_case

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
