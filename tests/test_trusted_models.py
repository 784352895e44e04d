"""The engine's fast path builds exactly what validation would have built (issue 20).

The planner and the money engines build their output models with `FrozenModel.trusted`,
skipping pydantic's validation of values they have just computed. That is only sound if each
value already has the type and form validation would give it. These tests validate every plan
again, field by field, and require the same value of the same type (and, for money, the same
digits), over every example and scenario and over the benchmark's varied portfolio.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from tests.test_stream import bench

from paychase import Plan, plan, statement
from paychase._model import FrozenModel
from paychase._reason import ReasonPart

REPO = Path(__file__).resolve().parent.parent
CASES = [
    *sorted((REPO / "examples").glob("*.json")),
    *sorted((REPO / "tests" / "scenarios").glob("*.json")),
    *sorted((REPO.parent / "shared" / "scenarios").glob("*.json")),
]


def _cases() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in CASES:
        data = json.loads(path.read_text(encoding="utf-8"))
        case = data.get("case", data)
        if "now" in case and "error" not in data.get("expect", {}):
            yield path.name, case


@cache
def _portfolio() -> dict[str, Any]:
    return json.loads(bench().portfolio(600, seed=7)[0])


def _differences(built: Any, checked: Any, where: str) -> Iterator[str]:
    """Where `built` and its validated copy `checked` differ in type, value or digits."""
    if type(built) is not type(checked):
        yield f"{where}: {type(built).__name__} where validation gives {type(checked).__name__}"
    elif isinstance(built, BaseModel):
        for name in type(built).model_fields:
            yield from _differences(getattr(built, name), getattr(checked, name), f"{where}.{name}")
    elif isinstance(built, tuple | list):
        if len(built) != len(checked):
            yield f"{where}: {len(built)} items where validation gives {len(checked)}"
        for index, (one, other) in enumerate(zip(built, checked, strict=False)):
            yield from _differences(one, other, f"{where}[{index}]")
    elif isinstance(built, dict):
        if built.keys() != checked.keys():
            yield f"{where}: keys {sorted(built)} != {sorted(checked)}"
        for key in built.keys() & checked.keys():
            yield from _differences(built[key], checked[key], f"{where}[{key!r}]")
    elif isinstance(built, Decimal):
        if str(built) != str(checked):
            yield f"{where}: {built} where validation gives {checked}"
    elif built != checked:
        yield f"{where}: {built!r} where validation gives {checked!r}"


def _revalidated(model: FrozenModel) -> FrozenModel:
    """`model` built again through validation, from the fields it was given."""
    return type(model).model_validate(model.model_dump(by_alias=False, exclude_unset=True))


@pytest.mark.parametrize(
    ("name", "case"), list(_cases()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_plan_is_what_validation_builds(name: str, case: dict[str, Any]) -> None:
    result = plan(case, now=None)
    assert not list(_differences(result, _revalidated(result), name))


def test_a_varied_portfolio_plans_what_validation_builds() -> None:
    case = _portfolio()
    result = plan(case, now=datetime.fromisoformat(case["now"]))
    assert not list(_differences(result, _revalidated(result), "plan"))
    assert Plan.model_validate_json(result.to_json()).to_json() == result.to_json()


def test_a_varied_portfolio_states_what_validation_builds() -> None:
    case = _portfolio()
    now = datetime.fromisoformat(case["now"])
    for client in case["clients"][:40]:
        result = statement(case, client["id"], now=now)
        assert not list(_differences(result, _revalidated(result), client["id"]))


def test_the_check_sees_a_value_of_the_wrong_type() -> None:
    wrong = ReasonPart.trusted(code="invoice.overdue", params=[("days", "3")])
    assert list(_differences(wrong, ReasonPart(code="invoice.overdue"), "part"))


def test_a_field_left_out_takes_its_default_and_stays_unset() -> None:
    built = ReasonPart.trusted(code="text")
    assert built.params == {}
    assert built.model_fields_set == {"code"}
    assert built == ReasonPart(code="text")
    assert built.params is not ReasonPart.trusted(code="text").params


def test_a_misspelt_or_missing_field_is_a_bug_it_reports() -> None:
    with pytest.raises(TypeError, match="has no field"):
        ReasonPart.trusted(code="text", parmas={})
    with pytest.raises(TypeError, match=r"needs the fields \[.code.\]"):
        ReasonPart.trusted(params={})
