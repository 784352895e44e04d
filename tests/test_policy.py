"""Policies (SPEC §3): validation, the built-in ladders, and each ladder's timeline."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from importlib.resources import files
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.samples import kowalski, short_ladder_steps
from tests.strategies import HISTORY_KIND

import paychase
from paychase import BUILTIN_POLICIES, Duration, Policy, PolicyError, builtin_policy
from paychase.policy._builtin import resolve_policy

WARSAW = ZoneInfo("Europe/Warsaw")


def _policy(**changes: Any) -> dict[str, Any]:
    """A small valid inline policy, with `changes` applied."""
    data: dict[str, Any] = {"name": "custom", "steps": short_ladder_steps()}
    data.update(changes)
    return data


def _steps(*steps: dict[str, Any]) -> list[dict[str, Any]]:
    return list(steps)


POLITE = {"id": "polite", "from": "due", "offset": "+1d", "action": "send_reminder"}
FINAL = {"id": "final", "from": "due", "offset": "+30d", "action": "send_letter", "deadline": "14d"}


# -- a valid policy --------------------------------------------------------------------------


def test_defaults() -> None:
    policy = Policy.model_validate(_policy())
    assert policy.min_gap == Duration(3, "d")
    assert policy.send_at == time(10)
    assert policy.call_at == time(12)
    assert policy.quiet_hours is None
    assert policy.business_days_only is True
    assert policy.reply_pause == Duration(5, "bd")
    assert policy.max_attempts_per_step == 2
    assert policy.steps[1].from_ == "previous"
    assert policy.step_index("final") == 1
    assert policy.step_index("nope") is None


def test_the_spec_example_policy_is_valid() -> None:
    """The §3 example, verbatim apart from its comments."""
    policy = Policy.model_validate(
        {
            "name": "custom",
            "min_gap": "3d",
            "send_at": "10:00",
            "call_at": "12:00",
            "quiet_hours": ["20:00", "08:00"],
            "business_days_only": True,
            "reply_pause": "5bd",
            "max_attempts_per_step": 2,
            "steps": [
                {
                    "id": "pre_due",
                    "from": "due",
                    "offset": "-3d",
                    "action": "send_reminder",
                    "channels": ["email"],
                    "tone": "friendly",
                },
                {
                    "id": "polite",
                    "from": "due",
                    "offset": "+1d",
                    "action": "send_reminder",
                    "tone": "friendly",
                },
                {
                    "id": "firm",
                    "from": "previous",
                    "offset": "+7d",
                    "action": "send_reminder",
                    "tone": "firm",
                    "requires": ["no_reply"],
                    "effects": [],
                },
                {"id": "check_call", "from": "previous", "offset": "+1w@TU", "action": "call"},
                {
                    "id": "with_fee",
                    "from": "due",
                    "offset": "+30d",
                    "action": "send_reminder",
                    "channels": ["email", "registered_letter"],
                    "effects": ["apply_late_fee"],
                    "tone": "firm",
                },
                {
                    "id": "final",
                    "from": "due",
                    "offset": "+60d",
                    "action": "send_letter",
                    "tone": "final",
                    "deadline": "14d",
                    "attach_invoice": True,
                },
                {
                    "id": "legal",
                    "from": "deadline",
                    "offset": "+1d",
                    "action": "escalate",
                    "tone": "legal",
                },
            ],
        }
    )
    assert [step.id for step in policy.steps][-1] == "legal"
    assert policy.steps[3].offset == Duration(1, "w", 1)


@pytest.mark.parametrize(
    "quiet",
    [None, ["20:00", "08:00"], ["22:00", "07:00"], ["13:00", "14:00"], ["08:00", "08:00"]],
)
def test_send_and_call_times_outside_quiet_hours(quiet: list[str] | None) -> None:
    Policy.model_validate(_policy(quiet_hours=quiet, send_at="10:00", call_at="12:00"))


@pytest.mark.parametrize(
    "requirement",
    [
        "no_reply",
        "no_promise",
        "late_fee_allowed",
        "business_client",
        "balance_over:100",
        "balance_over:99.50",
    ],
)
def test_known_requirements(requirement: str) -> None:
    step = {**POLITE, "requires": [requirement]}
    policy = Policy.model_validate(_policy(steps=[step]))
    assert policy.steps[0].requires == (requirement,)


def test_is_contact() -> None:
    policy = Policy.model_validate(_policy())
    assert [step.is_contact for step in policy.steps] == [True, True, False]


# -- validation errors, each naming its field ------------------------------------------------

# (description, changes to the valid policy, field named, a word of the problem)
INVALID = [
    (
        "duplicate step id",
        {"steps": _steps(POLITE, {**POLITE, "offset": "+3d"})},
        "steps[1].id",
        "duplicate",
    ),
    (
        "first step from previous",
        {"steps": _steps({**POLITE, "from": "previous"})},
        "steps[0].from",
        "first step",
    ),
    (
        "first step from deadline",
        {"steps": _steps({**POLITE, "from": "deadline"})},
        "steps[0].from",
        "first step",
    ),
    (
        "negative offset from previous",
        {
            "steps": _steps(
                POLITE, {"id": "b", "from": "previous", "offset": "-1d", "action": "call"}
            )
        },
        "steps[1].offset",
        "cannot come before",
    ),
    (
        "negative offset from last_contact",
        {
            "steps": _steps(
                POLITE, {"id": "b", "from": "last_contact", "offset": "-2bd", "action": "call"}
            )
        },
        "steps[1].offset",
        "cannot come before",
    ),
    (
        "negative offset from deadline",
        {
            "steps": _steps(
                POLITE, FINAL, {"id": "b", "from": "deadline", "offset": "-1d", "action": "call"}
            )
        },
        "steps[2].offset",
        "cannot come before",
    ),
    (
        "escalate without a deadline before it",
        {
            "steps": _steps(
                POLITE, {"id": "legal", "from": "due", "offset": "+60d", "action": "escalate"}
            )
        },
        "steps[1]",
        "deadline",
    ),
    (
        "escalate stating its own deadline is not enough",
        {
            "steps": _steps(
                POLITE,
                {
                    "id": "legal",
                    "from": "due",
                    "offset": "+60d",
                    "action": "escalate",
                    "deadline": "7d",
                },
            )
        },
        "steps[1]",
        "deadline",
    ),
    (
        "escalate before the step with the deadline",
        {
            "steps": _steps(
                POLITE,
                {"id": "legal", "from": "due", "offset": "+60d", "action": "escalate"},
                FINAL,
            )
        },
        "steps[1]",
        "deadline",
    ),
    (
        "suspend without a deadline before it",
        {
            "steps": _steps(
                POLITE, {"id": "off", "from": "due", "offset": "+20d", "action": "suspend_service"}
            )
        },
        "steps[1]",
        "deadline",
    ),
    (
        "from deadline without a deadline before it",
        {
            "steps": _steps(
                POLITE, {"id": "b", "from": "deadline", "offset": "+1d", "action": "call"}
            )
        },
        "steps[1]",
        "deadline",
    ),
    (
        "send_at inside quiet hours over midnight",
        {"send_at": "21:00", "quiet_hours": ["20:00", "08:00"]},
        "send_at",
        "quiet_hours",
    ),
    (
        "send_at before quiet hours end",
        {"send_at": "07:59", "quiet_hours": ["20:00", "08:00"]},
        "send_at",
        "quiet_hours",
    ),
    (
        "send_at when quiet hours start",
        {"send_at": "20:00", "quiet_hours": ["20:00", "08:00"]},
        "send_at",
        "quiet_hours",
    ),
    (
        "call_at inside quiet hours inside a day",
        {"call_at": "13:00", "quiet_hours": ["12:00", "14:00"]},
        "call_at",
        "quiet_hours",
    ),
    (
        "bad offset",
        {"steps": _steps({**POLITE, "offset": "3x"})},
        "steps[0].offset",
        "not a duration",
    ),
    (
        "weekday on business days",
        {"steps": _steps({**POLITE, "offset": "+1bd@TU"})},
        "steps[0].offset",
        "weekday",
    ),
    (
        "unknown anchor",
        {"steps": _steps({**POLITE, "from": "paid"})},
        "steps[0].from",
        "Input should be",
    ),
    (
        "unknown action",
        {"steps": _steps({**POLITE, "action": "review"})},
        "steps[0].action",
        "Input should be",
    ),
    (
        "unknown channel",
        {"steps": _steps({**POLITE, "channels": ["pigeon"]})},
        "steps[0].channels[0]",
        "Input should be",
    ),
    (
        "unknown requirement",
        {"steps": _steps({**POLITE, "requires": ["rainy"]})},
        "steps[0].requires[0]",
        "unknown condition",
    ),
    (
        "unknown effect",
        {"steps": _steps({**POLITE, "effects": ["confetti"]})},
        "steps[0].effects[0]",
        "Input should be",
    ),
    ("bad step id", {"steps": _steps({**POLITE, "id": "a/b"})}, "steps[0].id", "pattern"),
    (
        "negative step deadline",
        {"steps": _steps({**POLITE, "deadline": "-1d"})},
        "steps[0].deadline",
        "negative",
    ),
    ("no steps", {"steps": []}, "steps", "at least 1"),
    ("negative min_gap", {"min_gap": "-1d"}, "min_gap", "negative"),
    ("negative reply_pause", {"reply_pause": "-5bd"}, "reply_pause", "negative"),
    ("send_at with an offset", {"send_at": "10:00+01:00"}, "send_at", "wall-clock"),
    (
        "quiet hours with an offset",
        {"quiet_hours": ["20:00+01:00", "08:00"]},
        "quiet_hours[0]",
        "wall-clock",
    ),
    ("no attempts", {"max_attempts_per_step": 0}, "max_attempts_per_step", "greater"),
    ("too many attempts", {"max_attempts_per_step": 11}, "max_attempts_per_step", "less"),
    ("bad name", {"name": "my policy"}, "name", "pattern"),
    ("unknown field", {"colour": "red"}, "colour", "unknown field"),
    (
        "unknown step field",
        {"steps": _steps({**POLITE, "tone_": "firm"})},
        "steps[0].tone_",
        "unknown field",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_policies_raise_policy_error_naming_the_field(
    changes: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(PolicyError) as caught:
        Policy.model_validate(_policy(**changes))
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


def test_suspend_effect_without_a_deadline_before_it_is_refused() -> None:
    warning = {
        "id": "warn",
        "from": "due",
        "offset": "+20d",
        "action": "send_reminder",
        "effects": ["suspend_service"],
    }
    with pytest.raises(PolicyError) as caught:
        Policy.model_validate(_policy(steps=_steps(POLITE, warning)))
    assert caught.value.field == "steps[1]"


def test_invalid_policy_through_the_constructor_raises_policy_error() -> None:
    with pytest.raises(PolicyError) as caught:
        Policy(**_policy(steps=_steps({**POLITE, "from": "previous"})))
    assert caught.value.field == "steps[0].from"


def test_invalid_policy_from_json_raises_policy_error() -> None:
    with pytest.raises(PolicyError) as caught:
        Policy.model_validate_json(
            json.dumps(_policy(send_at="23:00", quiet_hours=["20:00", "08:00"]))
        )
    assert caught.value.field == "send_at"
    assert caught.value.value == "23:00"


def test_policies_are_frozen() -> None:
    policy = Policy.model_validate(_policy())
    with pytest.raises(ValueError, match="frozen"):
        policy.name = "other"  # type: ignore[misc]


# -- built-in policies ------------------------------------------------------------------------


def test_builtin_names() -> None:
    assert BUILTIN_POLICIES == ("freelancer", "b2b_strict", "saas", "tradesperson")
    shipped = {path.name for path in files("paychase.policy").joinpath("builtin").iterdir()}
    assert shipped >= {f"{name}.json" for name in BUILTIN_POLICIES}


@pytest.mark.parametrize("name", BUILTIN_POLICIES)
def test_builtin_policy_loads(name: str) -> None:
    policy = builtin_policy(name)
    assert isinstance(policy, Policy)
    assert policy.name == name
    assert builtin_policy(name) is policy  # built once
    assert resolve_policy(name) is policy
    assert resolve_policy(policy) is policy


@pytest.mark.parametrize("name", BUILTIN_POLICIES)
def test_builtin_step_ids_are_unique(name: str) -> None:
    ids = [step.id for step in builtin_policy(name).steps]
    assert len(ids) == len(set(ids))
    assert all(builtin_policy(name).step_index(step_id) == i for i, step_id in enumerate(ids))


@pytest.mark.parametrize("name", BUILTIN_POLICIES)
def test_builtin_ladders_end_in_escalation_after_a_deadline(name: str) -> None:
    steps = builtin_policy(name).steps
    assert steps[-1].action == "escalate"
    assert steps[-1].from_ == "deadline"
    assert steps[-2].deadline is not None
    assert steps[-2].tone == "final"


@pytest.mark.parametrize("name", BUILTIN_POLICIES)
def test_builtin_policy_round_trips_through_json(name: str) -> None:
    policy = builtin_policy(name)
    assert Policy.model_validate_json(policy.model_dump_json()) == policy


@pytest.mark.parametrize("name", ["", "Freelancer", "custom", "b2b-strict"])
def test_unknown_builtin_policy(name: str) -> None:
    with pytest.raises(PolicyError) as caught:
        builtin_policy(name)
    assert caught.value.field == "policy"
    assert caught.value.value == name
    assert "freelancer" in caught.value.problem


# -- each built-in ladder, walked end to end for one invoice ----------------------------------
#
# A business client in Warsaw with every contact; invoice issued Monday 2 March 2026, due
# Monday 16 March 2026, no grace. Each action planned is recorded as delivered and the clock
# moves to it. Expected dates reasoned from the policy JSON (PL holidays: Easter Monday
# 6 April; DST from 29 March, so `at` goes from +01:00 to +02:00).


def _case(policy: str, history: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "policy": policy,
        "clients": [
            kowalski(
                kind="business",
                locale="pl_PL",
                contacts={
                    "email": "biuro@example.pl",
                    "phone": "+48 22 000 00 00",
                    "sms": "+48 600 000 000",
                    "postal": "ul. Prosta 1, Warszawa",
                },
            )
        ],
        "contracts": [
            {
                "id": "k1",
                "client": "c1",
                "currency": "PLN",
                "suspension": {"after": "21d", "warnings": 2},
            }
        ],
        "invoices": [
            {
                "id": "inv-1",
                "contract": "k1",
                "issued": "2026-03-02",
                "due": "2026-03-16",
                "total": "1200.00",
                "currency": "PLN",
            }
        ],
        "history": history,
    }


def _walk(policy: str) -> list[tuple[str, str, str, str, date | None]]:
    """(step, local `at`, channel, kind, deadline) of every action until the ladder ends."""
    now = datetime(2026, 3, 2, 8, tzinfo=WARSAW)
    history: list[dict[str, Any]] = []
    timeline = []
    for _ in range(20):
        planned = paychase.plan(_case(policy, history), now=now)
        actions = [action for action in planned.actions if action.step is not None]
        assert [a for a in planned.actions if a.step is None] == []  # no reviews
        if not actions:
            return timeline
        assert len(actions) == 1
        action = actions[0]
        assert action.at >= now
        assert action.at.utcoffset() == action.at.astimezone(WARSAW).utcoffset()
        timeline.append(
            (action.step, action.at.isoformat(), action.channel, action.kind, action.deadline)
        )
        history.append(
            {
                "at": action.at.isoformat(),
                "client": "c1",
                "invoices": list(action.invoices),
                "direction": "out",
                "kind": HISTORY_KIND[action.kind],
                "step": action.step,
                "channel": action.channel,
                "key": action.key,
                "outcome": "delivered",
                **({"deadline": action.deadline.isoformat()} if action.deadline else {}),
            }
        )
        now = action.at
    pytest.fail("the ladder did not end within 20 actions")


TIMELINES = {
    "freelancer": [
        # due -3d: Friday 13 March
        ("pre_due", "2026-03-13T10:00:00+01:00", "email", "send_reminder", None),
        # due +1d
        ("polite", "2026-03-17T10:00:00+01:00", "email", "send_reminder", None),
        # previous +7d; deadline 5bd
        ("firm", "2026-03-24T10:00:00+01:00", "email", "send_reminder", date(2026, 3, 31)),
        # previous +1w@TU: the Tuesday of the next ISO week, at call_at, after DST
        ("check_call", "2026-03-31T12:00:00+02:00", "phone", "call", None),
        # due +21d is Easter Monday 6 April: next business day
        ("with_fee", "2026-04-07T10:00:00+02:00", "email", "send_reminder", None),
        ("overdue_30", "2026-04-15T10:00:00+02:00", "email", "send_reminder", None),
        ("overdue_60", "2026-05-15T10:00:00+02:00", "email", "send_reminder", None),
        # due +90d is Sunday 14 June: Monday
        ("overdue_90", "2026-06-15T10:00:00+02:00", "email", "send_reminder", None),
        # previous +7d; deadline 14d; registered letter first
        (
            "final",
            "2026-06-22T10:00:00+02:00",
            "registered_letter",
            "send_letter",
            date(2026, 7, 6),
        ),
        # deadline +1d
        ("legal", "2026-07-07T10:00:00+02:00", "system", "escalate", None),
    ],
    "b2b_strict": [
        # due -3bd: Wednesday 11 March, at midday
        ("pre_due_call", "2026-03-11T12:00:00+01:00", "phone", "call", None),
        ("due_day_call", "2026-03-16T12:00:00+01:00", "phone", "call", None),
        # due +1d at 09:00: min_gap 1d after the 12:00 call counts whole days; deadline 2bd
        (
            "demand_letter",
            "2026-03-17T09:00:00+01:00",
            "email",
            "send_letter",
            date(2026, 3, 19),
        ),
        # previous +1bd; deadline 1bd
        ("payment_call", "2026-03-18T12:00:00+01:00", "phone", "call", date(2026, 3, 19)),
        ("follow_up_call", "2026-03-19T12:00:00+01:00", "phone", "call", None),
        # previous +1bd at 09:00, the day after the call; deadline 7d
        (
            "formal_claim",
            "2026-03-20T09:00:00+01:00",
            "registered_letter",
            "send_letter",
            date(2026, 3, 27),
        ),
        # deadline +1d is Saturday 28 March: Monday, after DST
        ("legal", "2026-03-30T09:00:00+02:00", "system", "escalate", None),
    ],
    "saas": [
        ("notice", "2026-03-17T10:00:00+01:00", "email", "send_reminder", None),
        # previous +14d; deadline 3d
        ("warning", "2026-03-31T10:00:00+02:00", "email", "send_reminder", date(2026, 4, 3)),
        # deadline +1d is Saturday 4 April; the contract allows suspension 21d after due
        # (6 April, Easter Monday): Tuesday 7 April
        ("suspend", "2026-04-07T10:00:00+02:00", "system", "suspend_service", None),
        # previous +14d; deadline 14d
        ("final", "2026-04-21T10:00:00+02:00", "email", "send_letter", date(2026, 5, 5)),
        ("legal", "2026-05-06T10:00:00+02:00", "system", "escalate", None),
    ],
    "tradesperson": [
        # issued +0d, by SMS first
        ("settle_up", "2026-03-02T09:00:00+01:00", "sms", "send_reminder", None),
        ("polite", "2026-03-17T09:00:00+01:00", "sms", "send_reminder", None),
        # previous +3d; deadline 3bd
        ("firm", "2026-03-20T09:00:00+01:00", "email", "send_reminder", date(2026, 3, 25)),
        # previous +2bd, at the 17:30 call time
        ("call", "2026-03-24T17:30:00+01:00", "phone", "call", None),
        # due +14d
        ("with_fee", "2026-03-30T09:00:00+02:00", "email", "send_reminder", None),
        # due +30d; deadline 14d
        (
            "final",
            "2026-04-15T09:00:00+02:00",
            "registered_letter",
            "send_letter",
            date(2026, 4, 29),
        ),
        ("legal", "2026-04-30T09:00:00+02:00", "system", "escalate", None),
    ],
}


@pytest.mark.parametrize("name", BUILTIN_POLICIES)
def test_builtin_ladder_timeline(name: str) -> None:
    assert _walk(name) == TIMELINES[name]


@pytest.mark.parametrize("name", BUILTIN_POLICIES)
def test_builtin_ladder_visits_every_step_in_order(name: str) -> None:
    assert [entry[0] for entry in TIMELINES[name]] == [s.id for s in builtin_policy(name).steps]
