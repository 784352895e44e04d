"""SPEC §5 rule 12: every action carries a human-readable reason naming the rule (or the
ladder step) and the dates behind it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from hypothesis import example, given
from tests.strategies import (
    Json,
    cases,
    checked,
    example_case,
    example_client,
    example_invoice,
    mentions_date,
)

import paychase


@given(cases())
def test_rule_12_ladder_reasons_name_the_step_and_a_date(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    for action in paychase.plan(case, now=now).actions:
        assert action.reason.strip(), action.key
        if action.step is not None:
            assert f"'{action.step}'" in action.reason, (action.key, action.reason)
            assert mentions_date(action.reason), (action.key, action.reason)


def _one_invoice(**changes: Any) -> tuple[Json, datetime]:
    """An overdue invoice of a client in Warsaw, with `changes` to the client or invoice."""
    to_client = {name: value for name, value in changes.items() if name == "contacts"}
    to_invoice = {name: value for name, value in changes.items() if name != "contacts"}
    case = example_case(
        client=example_client(**to_client), invoices=[example_invoice(**to_invoice)]
    )
    return case, datetime.fromisoformat("2026-03-02T09:00:00+01:00")


@example(case_and_now=_one_invoice(status="disputed"))
@given(cases())
def test_rule_12_every_reason_names_a_date(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    for action in paychase.plan(case, now=now).actions:
        assert mentions_date(action.reason), (action.key, action.reason)


@example(case_and_now=_one_invoice(contacts={}))
@given(cases())
def test_rule_12_every_reason_names_the_step_or_the_rule(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    steps = [f"'{step.id}'" for step in checked(case).policy.steps]
    for action in paychase.plan(case, now=now).actions:
        names_step = any(step in action.reason for step in steps)
        names_rule = re.search(r"\brule \d+\b", action.reason) is not None
        assert names_step or names_rule, (action.key, action.reason)
