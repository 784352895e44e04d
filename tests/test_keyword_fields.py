"""Fields named after a Python keyword: ``from_`` in Python, ``"from"`` in JSON.

A field aliased with ``alias=`` gets the alias as its constructor argument in every type
checker that reads pydantic's ``dataclass_transform`` (mypy without the plugin, pyright), and
``from`` cannot be written as a keyword argument. These fields declare
``validation_alias``/``serialization_alias`` instead; these tests keep the runtime half of
that promise (``tests/typing`` keeps the type-checker half).
"""

from __future__ import annotations

import importlib
import inspect
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from paychase import ChargeLine, ExchangeRate, FeeLine, MissingPeriod, RatePeriod, Step
from paychase.money import InterestPeriod, InterestSegment

PUBLIC_PACKAGES = [
    "paychase.case",
    "paychase.calendar",
    "paychase.policy",
    "paychase.money",
    "paychase.conversation",
    "paychase.planner",
    "paychase.messages",
    "paychase.evidence",
    "paychase.delivery",
    "paychase.store",
    "paychase.simulation",
]

DAY = date(2026, 3, 1)
TEN = Decimal("10.00")

# One model of each kind that has a ``from_`` field, built the way a Python caller writes it.
BUILT: dict[str, BaseModel] = {
    "ExchangeRate": ExchangeRate(date=DAY, from_="EUR", to="PLN", rate=Decimal("4.2497")),
    "ChargeLine": ChargeLine(from_=DAY, to=DAY, days=1, base=TEN, amount=TEN),
    "FeeLine": FeeLine(from_=DAY, to=DAY, days=0, base=TEN, rate=None, amount=TEN, what="flat"),
    "RatePeriod": RatePeriod(from_=DAY, to=None, rate=Decimal("8")),
    "MissingPeriod": MissingPeriod(from_=DAY, to=DAY),
    "Step": Step(id="polite", from_="due", action="send_reminder"),
    "InterestSegment": InterestSegment(
        from_=DAY,
        to=DAY,
        days=1,
        rate=Decimal("8"),
        denominator=365,
        principal=TEN,
        interest=TEN,
        rate_from=DAY,
    ),
    "InterestPeriod": InterestPeriod(
        from_=DAY,
        to=DAY,
        days=1,
        payment_date=None,
        payment=None,
        interest=TEN,
        rounded=True,
        interest_paid=TEN,
        principal_paid=TEN,
        overpaid=TEN,
        principal_after=TEN,
        interest_after=TEN,
    ),
}


def _public_models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for name in PUBLIC_PACKAGES:
        package = importlib.import_module(name)
        for item in package.__all__:
            value = getattr(package, item)
            if inspect.isclass(value) and issubclass(value, BaseModel):
                found[f"{name}.{item}"] = value
    return [found[key] for key in sorted(found)]


def _nested_models() -> list[type[BaseModel]]:
    """The public models and every model their fields hold, however deep."""
    seen: dict[type[BaseModel], None] = {}
    todo = _public_models()
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen[model] = None
        for field in model.model_fields.values():
            todo += [t for t in _types_in(field.annotation) if t not in seen]
    return sorted(seen, key=lambda m: f"{m.__module__}.{m.__qualname__}")


def _types_in(annotation: Any) -> list[type[BaseModel]]:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [annotation]
    return [t for argument in getattr(annotation, "__args__", ()) for t in _types_in(argument)]


@pytest.mark.parametrize("model", _nested_models(), ids=lambda m: m.__qualname__)
def test_no_field_takes_an_alias_as_its_argument_name(model: type[BaseModel]) -> None:
    for name, field in model.model_fields.items():
        assert field.alias is None, f"{model.__qualname__}.{name}: use validation_alias"


def test_every_keyword_field_is_built_above() -> None:
    keyword_models = {
        model.__qualname__
        for model in _nested_models()
        if any(name.endswith("_") for name in model.model_fields)
    }
    assert keyword_models == set(BUILT)


@pytest.mark.parametrize("name", sorted(BUILT))
def test_python_says_from_underscore_and_json_says_from(name: str) -> None:
    built = BUILT[name]
    data = json.loads(built.model_dump_json())
    assert "from" in data
    assert "from_" not in data
    assert built.model_dump()["from"] == built.model_dump(by_alias=False)["from_"]
    assert built.model_dump()["from"] == getattr(built, "from_")  # noqa: B009 - any model
    model = type(built)
    assert model.model_validate_json(json.dumps(data)) == built
    assert model.model_validate(data) == built
    # The Python name is accepted as input too, e.g. `dict(model)` fed back in.
    assert model.model_validate(dict(built)) == built


@pytest.mark.parametrize("mode", ["validation", "serialization"])
@pytest.mark.parametrize("name", sorted(BUILT))
def test_the_json_schema_names_the_field_from(name: str, mode: str) -> None:
    schema = type(BUILT[name]).model_json_schema(mode=mode)  # type: ignore[arg-type]
    assert "from" in schema["properties"]
    assert "from_" not in schema["properties"]
    assert "from" in schema["required"]
