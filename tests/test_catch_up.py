"""Catching up: an invoice picked up long after its steps fell due (issue 15, item 4).

The invoice of `tests.test_simulate.one_invoice` (1200.00 PLN due Monday 16 March 2026, a
client in Warsaw) is picked up 100 days after its due date with nothing in its history, and
walked forward under a built-in ladder whose ``catch_up`` is set by the test.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from tests.test_simulate import one_invoice

from paychase import Case, Policy, PolicyError, builtin_policy, plan
from paychase.messages import BUILTIN_LOCALES, Renderer
from paychase.simulation._simulate import simulate
from paychase.simulation._timeline import Timeline

Json = dict[str, Any]

# 100 days after the due date, a Wednesday.
PICKED_UP = datetime.fromisoformat("2026-06-24T09:00:00+02:00")
NO_FEE = {"late_fee": {"kind": "none"}}
FLAT_FEE = {"late_fee": {"kind": "flat", "amount": "40.00"}}


def under(case: Json, catch_up: str, *, required: tuple[str, ...] = ()) -> Json:
    """`case` under its built-in ladder, inline, with `catch_up` and the `required` steps."""
    policy = builtin_policy(case["policy"]).model_dump(mode="json", by_alias=True)
    policy["catch_up"] = catch_up
    for step in policy["steps"]:
        step["required"] = step["required"] or step["id"] in required
    return case | {"policy": policy}


def picked_up(case: Json, *, at: datetime = PICKED_UP, days: int = 60) -> Timeline:
    """`case` walked forward from `at`, every planned action performed."""
    return simulate(case, now=at, until=at + timedelta(days=days))


def contacts(timeline: Timeline) -> list[tuple[str, str | None]]:
    """(local day, step) of every contact made, in order."""
    return [
        (f"{entry.at:%Y-%m-%d}", entry.step)
        for entry in timeline.entries
        if entry.what in ("send_reminder", "send_letter", "call")
    ]


def first_reason(timeline: Timeline) -> str:
    """The reason of the first contact."""
    return next(e.reason for e in timeline.entries if e.what != "apply_fee")


def test_sequential_walks_a_ladder_picked_up_late_through_every_step() -> None:
    walked = contacts(picked_up(under(one_invoice("freelancer", **NO_FEE), "sequential")))
    assert walked == [
        ("2026-06-24", "polite"),  # caught up at once
        ("2026-07-01", "firm"),  # previous +7d
        ("2026-07-07", "check_call"),  # previous +1w@TU, no answer
        ("2026-07-10", "check_call"),  # min_gap 3d: given up
        ("2026-07-13", "with_fee"),  # from here every step is overdue: min_gap apart
        ("2026-07-16", "overdue_30"),
        ("2026-07-20", "overdue_60"),
        ("2026-07-23", "overdue_90"),
        ("2026-07-30", "final"),  # previous +7d
    ]


def test_latest_goes_to_the_most_advanced_step_due_and_names_the_steps_passed_over() -> None:
    timeline = picked_up(under(one_invoice("freelancer", **NO_FEE), "latest"))
    assert contacts(timeline) == [("2026-06-24", "final")]
    assert [e.step for e in timeline.entries] == ["final", "legal"]
    reason = first_reason(timeline)
    assert (
        "caught up: 'polite', 'firm', 'check_call', 'with_fee', 'overdue_30', 'overdue_60', "
        "'overdue_90' passed over (catch_up latest)" in reason
    )
    # counted from 'overdue_90' had it gone on its day (Monday 15 June): + 7 days
    assert "step 'final' (previous +7d) falls on 2026-06-21" in reason
    assert "'pre_due'" not in reason  # it expired at the due date: never sent, never passed


def test_latest_stops_at_a_message_that_charges_a_fee_and_books_the_fee_once() -> None:
    timeline = picked_up(under(one_invoice("freelancer", **FLAT_FEE), "latest"))
    assert contacts(timeline) == [
        ("2026-06-24", "with_fee"),
        ("2026-06-29", "overdue_90"),  # min_gap; 'overdue_30' and 'overdue_60' passed over
        ("2026-07-06", "final"),
    ]
    assert (
        "'with_fee' is not passed over (it books a charge the contract allows), though "
        "'overdue_30' would be due by now too"
    ) in first_reason(timeline)
    bookings = [e for e in timeline.entries if e.what == "apply_fee"]
    assert [(f"{e.at:%Y-%m-%d}", e.step) for e in bookings] == [("2026-06-24", "with_fee")]
    final = next(e for e in timeline.entries if e.step == "final")
    assert final.amount == Decimal("1240.00")  # the fee of 40.00 claimed once


def test_latest_never_passes_a_warning_before_a_suspension() -> None:
    case = one_invoice("saas", **NO_FEE)
    latest = picked_up(under(case, "latest"), at=PICKED_UP - timedelta(days=40))
    sequential = picked_up(under(case, "sequential"), at=PICKED_UP - timedelta(days=40))
    assert [e.step for e in latest.entries] == ["notice", "warning", "suspend", "final", "legal"]
    assert latest.performed == sequential.performed
    assert (
        "'notice' is not passed over (the ladder requires it), though 'warning' would be due "
        "by now too"
    ) in first_reason(latest)


def test_a_step_marked_required_is_not_passed_over() -> None:
    case = under(one_invoice("freelancer", **NO_FEE), "latest", required=("overdue_60",))
    assert contacts(picked_up(case)) == [
        ("2026-06-24", "overdue_60"),
        ("2026-06-29", "overdue_90"),
        ("2026-07-06", "final"),
    ]


def test_latest_before_contact_catches_up_an_invoice_nobody_has_chased() -> None:
    case = one_invoice("freelancer", **FLAT_FEE)
    assert picked_up(under(case, "latest_before_contact")).performed == (
        picked_up(under(case, "latest")).performed
    )


def test_latest_before_contact_walks_step_by_step_once_the_client_was_contacted() -> None:
    pre_due = {
        "at": "2026-03-13T10:00:00+01:00",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "out",
        "kind": "reminder",
        "step": "pre_due",
        "channel": "email",
    }
    case = one_invoice("freelancer", **NO_FEE) | {"history": [pre_due]}
    assert picked_up(under(case, "latest_before_contact")).performed == (
        picked_up(under(case, "sequential")).performed
    )


def test_a_step_whose_condition_fails_is_skipped_not_passed_over() -> None:
    reply = {
        "at": "2026-03-20T10:00:00+01:00",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "in",
        "kind": "reply",
    }
    case = under(one_invoice("freelancer", **NO_FEE), "latest") | {"history": [reply]}
    (action,) = plan(case, now=PICKED_UP - timedelta(days=90)).actions  # 10 days overdue
    assert action.step == "check_call"  # 'polite' + 1w@TU: Tuesday 24 March
    assert (
        "'firm' skipped: the client replied on 2026-03-20; caught up: 'polite' passed over"
    ) in action.reason


@pytest.mark.parametrize("hour", ["00:30", "09:00", "19:30"])
def test_every_run_of_a_day_goes_to_the_same_step(hour: str) -> None:
    case = under(one_invoice("freelancer", **NO_FEE), "latest")
    # 'overdue_30' falls on Wednesday 15 April, at 10:00
    (action,) = plan(case, now=datetime.fromisoformat(f"2026-04-15T{hour}:00+02:00")).actions
    assert action.step == "overdue_30"


# -- the policy ------------------------------------------------------------------------------


def test_a_policy_walks_step_by_step_unless_it_says_otherwise() -> None:
    policy = Policy.model_validate(
        {"name": "custom", "steps": [{"id": "a", "from": "due", "action": "send_reminder"}]}
    )
    assert policy.catch_up == "sequential"
    assert policy.steps[0].required is False


@pytest.mark.parametrize(
    ("name", "required"),
    [
        ("freelancer", ["final"]),  # the final notice before 'legal'
        ("b2b_strict", ["formal_claim"]),
        ("saas", ["notice", "warning", "final"]),  # the warnings before 'suspend'
        ("tradesperson", ["final"]),
        ("project", ["follow_up", "check_call", "other_channel", "pause_notice"]),
    ],
)
def test_the_built_in_ladders_require_their_final_notice_and_warnings(
    name: str, required: list[str]
) -> None:
    policy = builtin_policy(name)
    assert [s.id for i, s in enumerate(policy.steps) if policy.is_required(i)] == required


@pytest.mark.parametrize("name", ["freelancer", "b2b_strict", "saas", "tradesperson"])
def test_the_built_in_payment_ladders_catch_up_the_backlog(name: str) -> None:
    assert builtin_policy(name).catch_up == "latest_before_contact"


@pytest.mark.parametrize("language", BUILTIN_LOCALES)
def test_a_caught_up_first_message_claims_no_earlier_reminder(language: str) -> None:
    """Picked up 100 days late, the freelancer ladder opens with its final notice: the letter
    must not say that we reminded the client before; once a reminder got through, the next
    firm message names the day it went."""
    case = one_invoice("freelancer", sender=True, **NO_FEE)
    case["clients"][0]["locale"] = language
    (first,) = plan(case, now=PICKED_UP).actions
    assert first.step == "final"
    text = Renderer().render(Case.model_validate(case), first).text
    for claim in _EARLIER[language]:
        assert claim not in text, (language, claim)


_EARLIER = {
    "en": ("reminded you before", "earlier reminders", "unanswered"),
    "de": ("bisherigen Zahlungsaufforderungen", "Erinnerung"),
    "pl": ("wcześniejszych przypomnień", "przypomnień"),
    "el": ("υπενθυμίσεις", "υπενθυμίσει"),
    "ru": ("напоминания остались без ответа", "напоминания"),
}


def test_a_walked_firm_message_names_the_day_of_the_last_reminder() -> None:
    sent = {
        "at": "2026-03-17T10:00:00+01:00",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "out",
        "kind": "reminder",
        "step": "polite",
        "channel": "email",
        "outcome": "delivered",
    }
    case = one_invoice("freelancer", sender=True, **NO_FEE) | {"history": [sent]}
    (firm,) = plan(case, now=datetime.fromisoformat("2026-03-24T09:00:00+01:00")).actions
    assert firm.step == "firm"
    text = " ".join(Renderer().render(Case.model_validate(case), firm).text.split())
    assert "I wrote to you about invoice inv-1 on March 17, 2026 and haven't heard back" in text
    bounced = one_invoice("freelancer", sender=True, **NO_FEE) | {
        "history": [sent | {"outcome": "bounced", "to": "old@example.com"}]
    }
    text = Renderer().render(Case.model_validate(bounced), firm).text
    assert "I wrote to you" not in text  # a reminder that bounced reached no one


def test_the_warnings_before_a_sanction_go_back_to_the_sanction_before_it() -> None:
    policy = Policy.model_validate(
        {
            "name": "two_sanctions",
            "steps": [
                {"id": "polite", "from": "due", "offset": "+1d", "action": "send_reminder"},
                {
                    "id": "warning",
                    "from": "previous",
                    "offset": "+7d",
                    "action": "send_reminder",
                    "deadline": "3d",
                },
                {"id": "pause", "from": "deadline", "offset": "+1d", "action": "pause_work"},
                {"id": "firm", "from": "previous", "offset": "+7d", "action": "send_reminder"},
                {
                    "id": "last_warning",
                    "from": "previous",
                    "offset": "+7d",
                    "action": "send_reminder",
                    "deadline": "3d",
                },
                {
                    "id": "suspend",
                    "from": "deadline",
                    "offset": "+1d",
                    "action": "suspend_service",
                },
            ],
        }
    )
    required = [s.id for i, s in enumerate(policy.steps) if policy.is_required(i)]
    assert required == ["polite", "warning", "firm", "last_warning"]


def test_a_chase_for_an_answer_does_not_catch_up() -> None:
    prospect = builtin_policy("prospect").model_dump(mode="json", by_alias=True)
    with pytest.raises(PolicyError) as caught:
        Policy.model_validate(prospect | {"catch_up": "latest"})
    assert caught.value.field == "catch_up"
    assert "payment ladders" in caught.value.problem
