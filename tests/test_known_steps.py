"""A history event names a step its policy has, or one the planner plans itself (rule 13).

A typo in a step (``polit``) would hide the step it meant from the ladder: the plan would send
it again. The case is refused instead, at every door: `plan`, `statement`, the command line.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.samples import kowalski_contract, sample_case

import paychase
from paychase.errors import InvalidCaseError


def _sent(step: str, **fields: Any) -> dict[str, Any]:
    return {
        "at": "2026-03-03T10:00:00+01:00",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "out",
        "kind": "reminder",
        "step": step,
        "channel": "email",
        "outcome": "delivered",
    } | fields


def test_a_mistyped_step_is_refused_naming_the_event_and_the_steps() -> None:
    case = sample_case(history=[_sent("polite"), _sent("polit")])
    with pytest.raises(InvalidCaseError) as refused:
        paychase.plan(case, now=None)
    assert refused.value.field == "history[1].step"
    assert refused.value.value == "polit"
    assert "policy freelancer@1 (pre_due, polite, firm" in refused.value.problem


def test_the_statement_refuses_it_too() -> None:
    with pytest.raises(InvalidCaseError, match=r"history\[0\]\.step"):
        paychase.statement(sample_case(history=[_sent("frim")]), "c1", now=None)


@pytest.mark.parametrize(
    "step",
    [
        "pre_due",
        "with_fee",
        "legal",
        "deposit",
        "materials",
        "kill_fee",
        "instalment",
        "instalment_missed",
        "design",
    ],
)
def test_ladder_steps_and_the_planners_own_topics_pass(step: str) -> None:
    contract = kowalski_contract(
        milestones=[{"id": "design", "name": "Design", "amount": "600.00", "due": "2026-03-20"}]
    )
    paychase.plan(sample_case(contracts=[contract], history=[_sent(step)]), now=None)


def test_an_event_naming_its_policy_version_is_checked_against_that_version() -> None:
    saas = paychase.builtin_policy("saas").model_dump(mode="json", by_alias=True)
    case = sample_case(policy_versions=[saas], history=[_sent("polite", policy="saas@1")])
    with pytest.raises(InvalidCaseError, match="not a step of policy saas@1"):
        paychase.plan(case, now=None)


def test_a_chase_event_is_checked_against_the_chase_ladder() -> None:
    chase = {
        "id": "q1",
        "client": "c1",
        "kind": "prospect",
        "started": "2026-02-20T10:00:00+01:00",
        "subject": "the quote",
    }
    event = _sent("polite", invoices=[], chase="q1")
    with pytest.raises(InvalidCaseError, match="not a step of chase policy prospect@1"):
        paychase.plan(sample_case(chases=[chase], history=[event]), now=None)
