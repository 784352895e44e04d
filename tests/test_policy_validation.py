"""Policies (SPEC §3): the stricter checks on a ladder, the chase policies, the newer fields.

A ladder is refused when it cannot work as written: steps counted from the same date listed
out of their order in time, a pre-due step after a post-due one, a suspension with no warning
or an escalation with no final notice before it, a chase for an answer that charges fees.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tests.samples import short_ladder_steps
from tests.strategies import Json, ladders

from paychase import BUILTIN_POLICIES, Duration, Policy, PolicyError, builtin_policy, past_versions
from paychase.calendar._working_days import default_calendar
from paychase.policy._builtin import CHASE_POLICIES

CONTACTS = ("send_reminder", "call", "send_letter")


def _step(
    step_id: str, anchor: str, offset: str, action: str = "send_reminder", **rest: Any
) -> Json:
    return {"id": step_id, "from": anchor, "offset": offset, "action": action, **rest}


def _refusal(*steps: Json, **fields: Any) -> PolicyError:
    """The error refusing a policy of `steps` (and `fields`)."""
    with pytest.raises(PolicyError) as caught:
        Policy.model_validate({"name": "custom", "steps": list(steps), **fields})
    return caught.value


def _valid(*steps: Json, **fields: Any) -> Policy:
    return Policy.model_validate({"name": "custom", "steps": list(steps), **fields})


# -- rule 1: steps counted from the same date, in the order they happen ---------------------


def test_a_step_certainly_earlier_than_one_before_it_is_refused() -> None:
    error = _refusal(_step("a", "due", "+7d"), _step("b", "due", "+3d"))
    assert error.field == "steps[1].offset"
    assert error.value == "3d"
    assert error.problem == (
        "step 'b' (due +3d) comes before step 'a' (due +7d) in time but after it in the "
        "ladder: order the steps by when they happen"
    )
    assert str(error).startswith("steps[1].offset: ")


def test_the_first_step_it_comes_before_is_named() -> None:
    error = _refusal(
        _step("a", "issued", "+2d"),
        _step("b", "issued", "+5d"),
        _step("c", "issued", "+9d"),
        _step("d", "issued", "+4d"),
    )
    assert error.field == "steps[3].offset"
    assert error.problem.startswith("step 'd' (issued +4d) comes before step 'b' (issued +5d)")


# (earlier offset, later offset, refused?) for two steps counted from the same date.
ORDER = [
    ("+3d", "+3d", False),  # equal is fine
    ("+3d", "+72h", False),
    ("+1d", "+23h", True),
    ("+7d", "+1w", False),
    ("+2w", "+13d", True),
    ("-3d", "-2d", False),
    ("-2d", "-3d", True),
    ("+3bd", "+2d", True),  # 3 business days are at least 3 days
    ("+3bd", "+3d", False),
    ("+5d", "+1bd", False),  # 1 business day may be any number of days
    ("-1bd", "-5d", False),  # and so may -1
    ("-2d", "-3bd", True),  # -3 business days are at most -3 days
    ("+7d", "+1w@TU", False),  # +1w@TU lands 2 to 8 days on
    ("+9d", "+1w@TU", True),
    ("+2d", "+1w@MO", False),  # 1 to 7 days
    ("+2d", "+1d@MO", True),  # -5 to 1 day
    ("+6d", "+0d@SU", False),  # 0 to 6 days
    ("+7d", "+0d@SU", True),
    ("+1w@SU", "+1w@MO", False),  # 7..13 and 1..7 overlap at 7
    ("+2w@SU", "+1w@MO", True),  # 14..20 against 1..7
]


@pytest.mark.parametrize(
    ("earlier", "later", "refused"),
    ORDER,
    ids=[f"{a} then {b}" for a, b, _ in ORDER],
)
@pytest.mark.parametrize("anchor", ["issued", "due"])
def test_order_uses_the_certain_bounds_of_each_offset(
    anchor: str, earlier: str, later: str, refused: bool
) -> None:
    steps = (_step("a", anchor, earlier), _step("b", anchor, later))
    if not refused:
        _valid(*steps)
        return
    error = _refusal(*steps)
    assert error.field == "steps[1].offset"
    assert "in time but after it in the ladder" in error.problem


@pytest.mark.parametrize(
    "steps",
    [
        # Different dates: an invoice may be issued after its due date is set, or long before.
        [_step("a", "issued", "+30d"), _step("b", "due", "+1d")],
        [_step("a", "due", "+7d"), _step("b", "issued", "+1d")],
        # Relative anchors are not compared.
        [_step("a", "due", "+7d"), _step("b", "last_contact", "+1d")],
        [_step("a", "due", "+7d"), _step("b", "previous", "+1d"), _step("c", "due", "+7d")],
    ],
)
def test_steps_counted_from_other_dates_are_not_compared(steps: list[Json]) -> None:
    _valid(*steps)


# -- rule 2: a pre-due or due-day step after a post-due one is never sent ----------------------


def test_a_pre_due_step_after_a_post_due_one_is_refused() -> None:
    error = _refusal(_step("polite", "due", "+1d"), _step("pre", "due", "-3d"))
    assert error.field == "steps[1].offset"
    assert error.value == "-3d"
    assert error.problem == (
        "step 'pre' (due -3d) can never be sent: it expires at the due date, but comes after "
        "step 'polite' (due +1d), which is sent after the due date: move it before 'polite'"
    )


def test_a_due_day_step_after_steps_that_follow_a_post_due_one_is_refused() -> None:
    error = _refusal(
        _step("polite", "due", "+1bd"),
        _step("firm", "previous", "+7d", deadline="5d"),
        _step("call", "deadline", "+1d", "call"),
        _step("due_day", "due", "0d"),
    )
    assert error.field == "steps[3].offset"
    assert "step 'due_day' (due +0d) can never be sent" in error.problem
    assert "after step 'polite' (due +1bd)" in error.problem


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("+1d@TU", "0d"),  # +1d@TU may land five days before the due date
        ("+1d", "+0d@SU"),  # 0d@SU may land six days after the due date
        ("-1d", "0d"),
    ],
)
def test_steps_not_certainly_apart_are_both_reachable(first: str, second: str) -> None:
    _valid(_step("a", "due", first), _step("b", "due", second))


# -- rule 3: the first step counts from a date ------------------------------------------------


@pytest.mark.parametrize("anchor", ["previous", "deadline"])
def test_the_first_step_cannot_count_from_a_step_before_it(anchor: str) -> None:
    error = _refusal(_step("a", anchor, "+1d"))
    assert error.field == "steps[0].from"
    assert error.problem == f"the first step cannot count from '{anchor}': nothing comes before it"


# -- rule 4: no suspension without warnings -----------------------------------------------------

SUSPEND_WITHOUT_CONTACT = "suspends the service, so it needs an earlier contact step"


@pytest.mark.parametrize(
    "suspension",
    [
        _step("off", "due", "+20d", "suspend_service"),
        _step("off", "due", "+20d", "apply_fee", effects=["suspend_service"]),
    ],
    ids=["action", "effect"],
)
def test_a_suspension_needs_an_earlier_contact(suspension: Json) -> None:
    fee = _step("fee", "due", "+1d", "apply_fee", deadline="7d")  # a deadline, but no message
    error = _refusal(fee, suspension)
    assert error.field == "steps[1]"
    assert error.problem == (
        "step 'off' suspends the service, so it needs an earlier contact step "
        "(send_reminder, call or send_letter) that warns the client"
    )


def test_a_suspension_as_the_first_step_is_refused_for_want_of_a_warning() -> None:
    error = _refusal(_step("off", "due", "+20d", "suspend_service"))
    assert error.field == "steps[0]"
    assert SUSPEND_WITHOUT_CONTACT in error.problem


def test_a_suspension_after_a_warning_without_a_deadline_is_refused() -> None:
    error = _refusal(_step("polite", "due", "+1d"), _step("off", "due", "+20d", "suspend_service"))
    assert error.field == "steps[1]"
    assert error.problem == (
        "step 'off' needs an earlier step that states a payment deadline "
        "(a final notice or warning with 'deadline')"
    )


@pytest.mark.parametrize("action", CONTACTS)
def test_a_suspension_after_a_warning_with_a_deadline_is_accepted(action: str) -> None:
    policy = _valid(
        _step("warning", "due", "+1d", action, deadline="3d"),
        _step("off", "deadline", "+1d", "suspend_service", tone="final"),
    )
    assert policy.steps[1].suspends


# -- rule 5: a legal step needs a final notice before it ---------------------------------------


def _final_notice_problem(step_id: str, what: str) -> str:
    return (
        f"step '{step_id}' {what}, so it needs a final notice before it: an earlier contact "
        "step (send_reminder, call or send_letter) that states a 'deadline'"
    )


@pytest.mark.parametrize(
    ("step", "what"),
    [
        (_step("legal", "due", "+60d", "escalate"), "escalates"),
        (_step("legal", "due", "+60d", "send_letter", tone="legal"), "is in the legal tone"),
        (
            _step("legal", "due", "+60d", "escalate", tone="legal"),
            "escalates and is in the legal tone",
        ),
    ],
)
def test_a_legal_step_needs_an_earlier_contact_stating_a_deadline(step: Json, what: str) -> None:
    fee = _step("fee", "due", "+1d", "apply_fee", deadline="7d")  # states one, reaches nobody
    polite = _step("polite", "due", "+2d")  # reaches the client, states none
    error = _refusal(fee, polite, step)
    assert error.field == "steps[2]"
    assert error.problem == _final_notice_problem("legal", what)


def test_a_legal_step_stating_its_own_deadline_is_refused() -> None:
    error = _refusal(_step("legal", "due", "+60d", "send_letter", tone="legal", deadline="7d"))
    assert error.field == "steps[0]"
    assert error.problem == _final_notice_problem("legal", "is in the legal tone")


@pytest.mark.parametrize("action", ["escalate", "send_letter"])
def test_a_legal_step_after_a_final_notice_is_accepted(action: str) -> None:
    _valid(
        _step("final", "due", "+30d", "call", deadline="14d"),
        _step("legal", "deadline", "+1d", action, tone="legal"),
    )


# -- the built-in policies all pass --------------------------------------------------------------


@pytest.mark.parametrize("name", BUILTIN_POLICIES + CHASE_POLICIES)
def test_every_builtin_policy_passes_the_checks(name: str) -> None:
    policy = builtin_policy(name)
    assert policy.name == name
    past = past_versions(name)
    assert [p.version for p in (*past, policy)] == list(range(1, len(past) + 2))
    for version in (*past, policy):
        assert version.name == name
        assert Policy.model_validate(version.model_dump()) == version
    assert all(version.steps != policy.steps for version in past)  # each changed the ladder


def test_chase_policies() -> None:
    assert CHASE_POLICIES == ("prospect", "project")
    assert {builtin_policy(name).purpose for name in BUILTIN_POLICIES} == {"payment"}
    assert [builtin_policy(name).purpose for name in CHASE_POLICIES] == list(CHASE_POLICIES)


def _ladder(name: str) -> list[tuple[str, str, str, str, str]]:
    return [
        (step.id, step.from_, f"{step.offset:+}", step.action, step.tone)
        for step in builtin_policy(name).steps
    ]


def test_the_prospect_ladder() -> None:
    policy = builtin_policy("prospect")
    assert _ladder("prospect") == [
        # 4 business days: 4 to 6 calendar days after our unanswered message
        ("follow_up", "issued", "+4bd", "send_reminder", "friendly"),
        ("last_check_in", "previous", "+1w", "send_reminder", "neutral"),
        ("close", "previous", "+1w", "send_reminder", "friendly"),
    ]
    assert policy.min_gap == Duration(3, "d")
    assert policy.max_attempts_per_step == 2
    assert policy.business_days_only is True
    assert [hour.isoformat("minutes") for hour in policy.quiet_hours or ()] == ["20:00", "08:00"]


def test_the_project_ladder() -> None:
    policy = builtin_policy("project")
    assert _ladder("project") == [
        ("follow_up", "issued", "+1w@TU", "send_reminder", "friendly"),
        ("check_call", "previous", "+1w", "call", "neutral"),
        ("other_channel", "previous", "+2bd", "send_reminder", "neutral"),
        ("pause_notice", "previous", "+1w", "send_reminder", "firm"),
        ("pause", "deadline", "+1d", "pause_work", "firm"),
    ]
    assert policy.steps[2].channels == ("sms", "messenger", "linkedin", "letter")
    assert policy.steps[3].deadline == Duration(5, "bd")
    assert policy.min_gap == Duration(3, "d")


def test_an_unknown_builtin_name_lists_the_chase_policies_too() -> None:
    with pytest.raises(PolicyError) as caught:
        builtin_policy("lead")
    assert caught.value.field == "policy"
    assert "prospect, project" in caught.value.problem


# -- purpose: chases for an answer --------------------------------------------------------------


@pytest.mark.parametrize("purpose", ["prospect", "project"])
def test_a_chase_cannot_count_from_a_due_date(purpose: str) -> None:
    error = _refusal(_step("a", "issued", "+3d"), _step("b", "due", "+1d"), purpose=purpose)
    assert error.field == "steps[1].from"
    assert error.value == "due"
    assert error.problem.startswith(f"a {purpose} ladder has no due date to count from")


MONEY_ACTIONS = ["apply_fee", "suspend_service", "escalate"]
MONEY_EFFECTS = ["apply_late_fee", "add_compensation", "suspend_service"]


@pytest.mark.parametrize("purpose", ["prospect", "project"])
@pytest.mark.parametrize("action", MONEY_ACTIONS)
def test_a_chase_takes_no_money_action(purpose: str, action: str) -> None:
    notice = _step("notice", "issued", "+3d", deadline="5d")
    error = _refusal(notice, _step("b", "deadline", "+1d", action), purpose=purpose)
    assert error.field == "steps[1].action"
    assert error.value == action
    assert error.problem == (
        f"a {purpose} ladder chases an answer, not money: '{action}' belongs in a payment ladder"
    )


@pytest.mark.parametrize("purpose", ["prospect", "project"])
@pytest.mark.parametrize("effect", MONEY_EFFECTS)
def test_a_chase_has_no_money_effect(purpose: str, effect: str) -> None:
    notice = _step("notice", "issued", "+3d", deadline="5d")
    step = _step("b", "previous", "+1w", effects=["resend_invoice", effect])
    error = _refusal(notice, step, purpose=purpose)
    assert error.field == "steps[1].effects[1]"
    assert error.value == effect
    assert "chases an answer, not money" in error.problem


@pytest.mark.parametrize(
    "step",
    [
        _step("pause", "deadline", "+1d", "pause_work"),
        _step("pause", "deadline", "+1d", "send_reminder", effects=["pause_work"]),
    ],
    ids=["action", "effect"],
)
def test_only_a_project_or_payment_ladder_pauses_work(step: Json) -> None:
    notice = _step("notice", "issued", "+3d", deadline="5d")
    error = _refusal(notice, step, purpose="prospect")
    assert error.field in ("steps[1].action", "steps[1].effects[0]")
    assert error.value == "pause_work"
    assert error.problem == (
        "a prospect has no work to pause: 'pause_work' belongs in a project ladder"
    )
    assert _valid(notice, step, purpose="project").purpose == "project"
    assert _valid(notice, step).purpose == "payment"


def test_an_unknown_purpose_is_refused() -> None:
    error = _refusal(*short_ladder_steps(), purpose="lead")
    assert error.field == "purpose"
    assert "Input should be" in error.problem


# -- version, resume_at, promise hold, instalment reminders ----------------------------------


def test_the_new_fields_default() -> None:
    policy = _valid(*short_ladder_steps())
    assert policy.version == 1
    assert policy.purpose == "payment"
    assert policy.resume_at is None
    assert policy.max_promise_hold == Duration(30, "d")
    assert policy.instalment_reminder == Duration(3, "d")


def test_the_new_fields_are_read_and_round_trip() -> None:
    policy = _valid(
        *short_ladder_steps(),
        version=3,
        resume_at="final",
        max_promise_hold="6w",
        instalment_reminder="2bd",
    )
    assert (policy.version, policy.resume_at) == (3, "final")
    assert policy.max_promise_hold == Duration(6, "w")
    assert policy.instalment_reminder == Duration(2, "bd")
    assert Policy.model_validate_json(policy.model_dump_json()) == policy


# (changes, field named, a word of the problem)
BAD_FIELDS = [
    ({"version": 0}, "version", "greater than or equal to 1"),
    ({"version": "two"}, "version", "integer"),
    ({"max_promise_hold": "-1d"}, "max_promise_hold", "must not be negative"),
    ({"max_promise_hold": "a month"}, "max_promise_hold", "not a duration"),
    ({"instalment_reminder": "-3d"}, "instalment_reminder", "must not be negative"),
    ({"resume_at": "nope"}, "resume_at", "no step of this policy has that id"),
    ({"resume_at": ""}, "resume_at", "no step of this policy has that id"),
]


@pytest.mark.parametrize(("changes", "field", "problem"), BAD_FIELDS)
def test_bad_new_fields_are_refused(changes: Json, field: str, problem: str) -> None:
    error = _refusal(*short_ladder_steps(), **changes)
    assert error.field == field
    assert problem in error.problem


def test_resume_at_names_the_step() -> None:
    error = _refusal(*short_ladder_steps(), resume_at="firm")
    assert error.value == "firm"
    assert error.problem == "no step of this policy has that id: name the step to resume at"


def test_the_new_fields_are_described_in_the_schema() -> None:
    properties = Policy.model_json_schema()["properties"]
    for name in ("version", "purpose", "resume_at", "max_promise_hold", "instalment_reminder"):
        assert properties[name]["description"]
    assert properties["version"]["minimum"] == 1
    assert properties["purpose"]["enum"] == ["payment", "prospect", "project"]


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("freelancer", 2),  # 'firm'
        ("b2b_strict", 2),  # 'demand_letter'
        ("saas", 1),  # 'warning'
        ("tradesperson", 2),  # 'firm'
        ("prospect", 0),  # nothing firm: from the top
        ("project", 3),  # 'pause_notice'
    ],
)
def test_resume_index_defaults_to_the_first_stern_step(name: str, index: int) -> None:
    policy = builtin_policy(name)
    assert policy.resume_index == index
    assert all(step.tone not in ("firm", "final", "legal") for step in policy.steps[:index])


@pytest.mark.parametrize("tone", ["firm", "final", "legal"])
def test_resume_index_finds_each_stern_tone(tone: str) -> None:
    steps = [
        _step("polite", "due", "+1d", tone="neutral"),
        _step("notice", "due", "+2d", deadline="5d"),
        _step("stern", "previous", "+3d", tone=tone),
    ]
    assert _valid(*steps).resume_index == 2


def test_resume_at_overrides_the_default() -> None:
    policy = _valid(*short_ladder_steps(), resume_at="legal")
    assert policy.resume_index == 2
    assert _valid(*short_ladder_steps(), resume_at="polite").resume_index == 0


# -- properties ------------------------------------------------------------------------------------


@given(ladders())
def test_every_generated_ladder_is_valid(ladder: Json) -> None:
    policy = Policy.model_validate(ladder)
    assert [step.id for step in policy.steps] == [step["id"] for step in ladder["steps"]]


def _bounds(offset: Duration) -> tuple[Fraction | None, Fraction | None]:
    """The fewest and the most days an offset can span, None where unbounded (the rule as
    written: business days are at least as many days, a weekday moves by weekday-6..weekday)."""
    per_unit = {"d": Fraction(1), "w": Fraction(7), "bd": Fraction(1), "h": Fraction(1, 24)}
    days = per_unit[offset.unit] * offset.count
    if offset.unit == "bd" and offset.count > 0:
        return days, None
    if offset.unit == "bd" and offset.count < 0:
        return None, days
    if offset.weekday is not None:
        return days + offset.weekday - 6, days + offset.weekday
    return days, days


def _lands_before(first: Duration, second: Duration) -> bool:
    """Whether offset `first` always lands before offset `second`, counted from one moment."""
    latest, earliest = _bounds(first)[1], _bounds(second)[0]
    return latest is not None and earliest is not None and latest < earliest


def _ordered_pairs(steps: list[Json]) -> list[tuple[int, int]]:
    """(i, j), i < j, for steps counted from the same date where step i always comes first."""
    return [
        (i, j)
        for j, second in enumerate(steps)
        for i, first in enumerate(steps[:j])
        if first["from"] == second["from"] in ("issued", "due")
        and _lands_before(Duration.parse(first["offset"]), Duration.parse(second["offset"]))
    ]


def _swapped(steps: list[Json], pair: tuple[int, int]) -> list[Json]:
    i, j = pair
    swapped = list(steps)
    swapped[i], swapped[j] = steps[j], steps[i]
    return swapped


@given(ladders(), st.data())
def test_swapping_two_certainly_ordered_steps_is_refused(ladder: Json, data: st.DataObject) -> None:
    pairs = _ordered_pairs(ladder["steps"])
    assume(pairs)
    i, j = data.draw(st.sampled_from(pairs))
    with pytest.raises(PolicyError) as caught:
        Policy.model_validate({**ladder, "steps": _swapped(ladder["steps"], (i, j))})
    # Steps between the two may now lose what they counted on (a stated deadline) or clash
    # with the step moved up: the refusal is never about a step before the moved one.
    field = caught.value.field or ""
    assert field.startswith("steps[")
    assert i <= int(field.removeprefix("steps[").split("]")[0]) <= j


@given(ladders(), st.data())
def test_swapping_is_refused_for_the_order(ladder: Json, data: st.DataObject) -> None:
    """With no deadlines, escalations or suspensions to lose, the refusal is the order's."""
    steps = [
        {key: value for key, value in step.items() if key != "deadline"}
        | {"action": "send_reminder", "tone": "friendly", "effects": []}
        for step in ladder["steps"]
        if step["from"] in ("issued", "due")
    ]
    pairs = _ordered_pairs(steps)
    assume(pairs)
    pair = data.draw(st.sampled_from(pairs))
    with pytest.raises(PolicyError) as caught:
        Policy.model_validate({**ladder, "steps": _swapped(steps, pair)})
    assert (caught.value.field or "").endswith("].offset")
    assert (
        "in time but after it in the ladder" in caught.value.problem
        or "can never be sent" in caught.value.problem
    )


OFFSETS = st.builds(
    lambda sign, count, unit, weekday: Duration.parse(
        f"{sign}{count}{unit}{weekday if unit in ('d', 'w') else ''}"
    ),
    st.sampled_from(["+", "-"]),
    st.integers(0, 40),
    st.sampled_from(["d", "bd", "w", "h"]),
    st.sampled_from(["", "@MO", "@TU", "@SU"]),
)


@given(
    OFFSETS,
    OFFSETS,
    st.dates(date(2024, 1, 1), date(2028, 12, 31)),
    st.integers(0, 23),
    st.sampled_from(["PL", "GR", "US"]),
)
def test_certainly_earlier_is_earlier_on_every_calendar_day(
    first: Duration, second: Duration, day: date, hour: int, country: str
) -> None:
    """The bounds the order check relies on hold for the planner's own arithmetic."""
    assume(_lands_before(first, second))
    calendar = default_calendar(country)
    moment = datetime.combine(day, time(hour), tzinfo=UTC)
    assert first.shift(moment, calendar) < second.shift(moment, calendar)
