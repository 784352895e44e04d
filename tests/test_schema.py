"""The published JSON Schemas: current in docs/, they accept what paychase accepts, and every
field of every public model says what it means."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import textwrap
import typing
from pathlib import Path

import jsonschema
import pytest
from pydantic import BaseModel
from tests.test_public_api import PUBLIC_MODULES

import paychase

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples").glob("*.json")) + sorted(
    (REPO / "examples" / "simulation").glob("*.json")
)


def test_case_schema_accepts_the_shipped_examples() -> None:
    schema = paychase.case_schema()
    for example in EXAMPLES:
        jsonschema.validate(json.loads(example.read_text()), schema)


def test_case_schema_accepts_every_valid_shared_scenario(scenarios_dir: Path) -> None:
    schema = paychase.case_schema()
    for path in sorted(scenarios_dir.glob("*.json")):
        scenario = json.loads(path.read_text())
        if "error" not in scenario["expect"]:
            jsonschema.validate(scenario["case"], schema)


def test_case_schema_refuses_an_unknown_field(scenarios_dir: Path) -> None:
    case = json.loads((scenarios_dir / "error_unknown_field.json").read_text())["case"]
    with pytest.raises(jsonschema.ValidationError, match="totl"):
        jsonschema.validate(case, paychase.case_schema())


def test_plan_schema_accepts_a_serialised_plan() -> None:
    case = paychase.load_case(REPO / "examples" / "portfolio.json")
    plan = json.loads(paychase.plan(case, now=None).to_json())
    jsonschema.validate(plan, paychase.plan_schema())


@pytest.mark.parametrize("which", ["case", "plan"])
def test_published_schema_files_are_current(which: str) -> None:
    published = json.loads((REPO / "docs" / "schema" / f"{which}.schema.json").read_text())
    current = paychase.case_schema() if which == "case" else paychase.plan_schema()
    assert published == json.loads(json.dumps(current)), "run: python scripts/gen_docs.py"


def _public_models() -> list[type[BaseModel]]:
    """Every model a public package exports, and every model their fields hold, transitively."""

    def models_in(annotation: object) -> list[type[BaseModel]]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [annotation]
        return [model for argument in typing.get_args(annotation) for model in models_in(argument)]

    found: dict[type[BaseModel], None] = {}
    todo = [
        model
        for module in PUBLIC_MODULES
        for name in importlib.import_module(module).__all__
        for model in models_in(getattr(importlib.import_module(module), name))
    ]
    while todo:
        model = todo.pop()
        if model not in found:
            found[model] = None
            todo += [
                m for field in model.model_fields.values() for m in models_in(field.annotation)
            ]
    return sorted(found, key=lambda model: f"{model.__module__}.{model.__qualname__}")


def _declares_a_description(model: type[BaseModel], name: str) -> bool:
    """Whether the class that declares field `name` assigns it ``Field(..., description=...)``.

    That call is what the API reference reads (scripts/griffe_fields.py); a description that
    only comes with the field's type (``id: Identifier``) reaches the JSON Schema but not it.
    """
    owner = next(k for k in model.__mro__ if name in inspect.get_annotations(k))
    body = ast.parse(textwrap.dedent(inspect.getsource(owner))).body[0]
    assert isinstance(body, ast.ClassDef)
    for node in body.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name:
            call = node.value
            return (
                isinstance(call, ast.Call)
                and getattr(call.func, "id", getattr(call.func, "attr", None)) == "Field"
                and any(keyword.arg == "description" for keyword in call.keywords)
            )
    return False


@pytest.mark.parametrize(
    "model", [pytest.param(model, id=model.__qualname__) for model in _public_models()]
)
def test_every_field_of_a_public_model_has_a_description(model: type[BaseModel]) -> None:
    """Descriptions feed the JSON Schemas and the API reference (STYLE.md, "Data")."""
    undescribed = [
        name
        for name, field in model.model_fields.items()
        if not (field.description or "").strip() or not _declares_a_description(model, name)
    ]
    assert not undescribed, (
        f"{model.__qualname__}: give these Field(description=...): {undescribed}"
    )


def test_the_public_models_are_found() -> None:
    """The walk above reaches the models behind the case, the plan and the shell's outputs."""
    names = {model.__qualname__ for model in _public_models()}
    assert {"Case", "Invoice", "Plan", "Action", "Message", "Attempt", "Timeline"} <= names
    assert sum(len(model.model_fields) for model in _public_models()) > 400
