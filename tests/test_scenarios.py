"""The shared scenarios (../shared/scenarios), and our own (tests/scenarios), run through `plan()`.

CI runs the real ``check.py`` against the installed CLI; this runs the same expectations
through the library, so a failing scenario shows up in pytest with a traceback and coverage.
The matching rules are ``check.py``'s own `matches`, imported from beside the scenarios. Our
own scenarios are written in the same form, for what the shared ones do not cover yet.
"""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from paychase import plan
from paychase.errors import PaychaseError

# Collected from the same place as conftest's `scenarios_dir` fixture, which the tests use
# to read them (and which skips them when ../shared is not checked out beside the repo).
_FOLDER = Path(__file__).resolve().parent.parent.parent / "shared" / "scenarios"
SCENARIOS = sorted(path.name for path in _FOLDER.glob("*.json"))
OWN = Path(__file__).resolve().parent / "scenarios"


@pytest.fixture(scope="module")
def checker(scenarios_dir: Path) -> ModuleType:
    """The shared ``check.py``, imported as a module (it runs nothing on import)."""
    spec = importlib.util.spec_from_file_location(
        "shared_scenario_check", scenarios_dir / "check.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _scenario(folder: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8"))
    return data


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_there_are_scenarios(scenarios_dir: Path) -> None:
    assert SCENARIOS, f"no scenario files in {scenarios_dir}"


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(name: str, scenarios_dir: Path, checker: ModuleType) -> None:
    _check(_scenario(scenarios_dir, name), checker)


@pytest.mark.parametrize("name", sorted(path.name for path in OWN.glob("*.json")))
def test_own_scenario(name: str, checker: ModuleType) -> None:
    _check(_scenario(OWN, name), checker)


def _check(scenario: dict[str, Any], checker: ModuleType) -> None:
    """Plan the scenario's case and hold the plan to its `expect` block."""
    case, expect = scenario["case"], scenario["expect"]
    if "error" in expect:
        _check_error(case, expect["error"])
        return
    first = plan(case, now=None).to_json()
    assert plan(case, now=None).to_json() == first, "not deterministic"
    result = json.loads(first)
    actions = result["actions"]
    now = _moment(case["now"])
    for action in actions:
        assert action["reason"].strip(), f"action without a reason: {action['key']}"
        assert _moment(action["at"]) >= now, f"action before now: {action['key']}"
    summary = [(a["kind"], a.get("step"), a.get("channel"), a["at"]) for a in actions]
    if "count" in expect:
        assert len(actions) == expect["count"], summary
    for matcher in expect.get("actions", []):
        assert any(checker.matches(a, matcher) for a in actions), (matcher, summary)
    for matcher in expect.get("forbid", []):
        hits = [a["key"] for a in actions if checker.matches(a, matcher)]
        assert not hits, (matcher, hits)
    for matcher in expect.get("invoices", []):
        assert any(checker.matches(s, matcher) for s in result["invoices"]), (
            matcher,
            result["invoices"],
        )


def _check_error(case: dict[str, Any], error: dict[str, Any]) -> None:
    with pytest.raises(PaychaseError) as caught:
        plan(case, now=None)
    summary = caught.value.summary()
    assert "\n" not in summary
    assert caught.value.field
    text = "\n".join([summary, *caught.value.others])
    for pattern in error.get("mentions", []):
        assert re.search(pattern, text, re.IGNORECASE), (pattern, text)
