"""The published JSON Schemas: current in docs/, and they accept what paychase accepts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

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
