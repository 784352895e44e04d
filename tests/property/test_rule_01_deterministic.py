"""SPEC §5 rule 1: planning is deterministic and pure; actions are sorted by `at`, then `key`."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

from hypothesis import given
from tests.strategies import Json, cases

import paychase


@given(cases())
def test_rule_01_same_input_same_plan(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    pristine = copy.deepcopy(case)
    first = paychase.plan(case, now=now).to_json()
    assert case == pristine, "plan() changed the case it was given"
    assert paychase.plan(case, now=now).to_json() == first
    # The same case read back from its JSON text, and as a validated Case, plans the same.
    text = json.dumps(case)
    assert paychase.plan(paychase.parse_case(text), now=now).to_json() == first
    assert paychase.plan(paychase.Case.model_validate(case), now=now).to_json() == first


@given(cases())
def test_rule_01_the_zone_now_is_written_in_does_not_matter(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    here = paychase.plan(case, now=now)
    there = paychase.plan(case, now=now.astimezone(UTC))
    assert here.actions == there.actions
    assert here.invoices == there.invoices


@given(cases())
def test_rule_01_now_argument_wins_over_the_case_file(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    in_file = dict(case, now=now.isoformat())
    assert paychase.plan(in_file, now=None).to_json() == paychase.plan(case, now=now).to_json()


@given(cases())
def test_rule_01_actions_sorted_by_at_then_key(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    actions = paychase.plan(case, now=now).actions
    order = [(action.at, action.key) for action in actions]
    assert order == sorted(order)


@given(cases())
def test_rule_01_keys_identify_one_action(case_and_now: tuple[Json, datetime]) -> None:
    # A runner performs each key once, so two different actions must never share one.
    case, now = case_and_now
    keys = [action.key for action in paychase.plan(case, now=now).actions]
    assert len(keys) == len(set(keys)), keys
