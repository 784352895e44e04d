"""`plan_stream` and ``paychase plan --stream``: the plan of a case file, client by client.

The streamed lines, joined (actions sorted by `at` then `key`, invoice states in the case's
order), must be the in-memory plan exactly: compared as JSON text, on the shipped examples, on
the benchmark's portfolio written in any order of its arrays, and on generated cases.
"""

from __future__ import annotations

import importlib.util
import io
import json
import random
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from tests.strategies import cases

import paychase
from paychase import InvalidCaseError, plan, plan_stream
from paychase.cli._main import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples").glob("*.json")) + sorted(
    (REPO / "examples" / "simulation").glob("*.json")
)


def bench() -> Any:
    """The benchmark script as a module: its `portfolio(n)` builds a realistic case file."""
    spec = importlib.util.spec_from_file_location("bench_plan", REPO / "benchmarks/bench_plan.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def joined(lines: list[str], case: dict[str, Any]) -> str:
    """The streamed lines as the SPEC §4 plan JSON (the text `Plan.to_json()` writes)."""
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    records = [json.loads(line) for line in lines]
    *clients, last = records
    summary = last["summary"]
    assert [record["client"] for record in clients] == [c["id"] for c in case.get("clients", ())]
    actions = [action for record in clients for action in record["actions"]]
    states = {state["id"]: state for record in clients for state in record["invoices"]}
    chases = {state["id"]: state for record in clients for state in record.get("chases", ())}
    assert summary["clients"] == len(clients)
    assert (summary["actions"], summary["invoices"], summary["chases"]) == (
        len(actions),
        len(states),
        len(chases),
    )
    actions.sort(key=lambda action: (datetime.fromisoformat(action["at"]), action["key"]))
    result: dict[str, Any] = {
        "now": summary["now"],
        "policy": summary["policy"],
        "actions": actions,
        "invoices": [states[invoice["id"]] for invoice in case.get("invoices", ())],
    }
    if case.get("chases"):
        result["chases"] = [chases[chase["id"]] for chase in case["chases"]]
    return json.dumps(result, indent=2, ensure_ascii=False)


def check_stream(path: Path, now: datetime | None = None, **options: Any) -> list[str]:
    """Stream `path`; assert the lines join into the in-memory plan; return them."""
    case = json.loads(path.read_text(encoding="utf-8"))
    lines = list(plan_stream(path, now=now, **options))
    assert joined(lines, case) == plan(case, now=now).to_json()
    return lines


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_the_stream_of_each_example_is_its_plan(path: Path) -> None:
    check_stream(path)


def test_a_portfolio_in_any_order_of_its_arrays_streams_to_its_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Arrays in reverse order, invoices and history of clients interleaved: the same plan."""
    monkeypatch.setattr("paychase._stream._BATCH", 7)  # many inserts into the spill file
    text, _ = bench().portfolio(150, seed=7)
    case = json.loads(text)
    rng = random.Random(3)
    rng.shuffle(case["invoices"])
    case["history"] = sorted(case["history"], key=lambda event: (event["at"], event["client"]))
    reordered = dict(reversed(list(case.items())))
    assert next(iter(reordered)) == "history"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(reordered, indent=1), encoding="utf-8")
    lines = check_stream(path)
    assert json.loads(lines[-1])["summary"]["invoices"] == 150


def test_processes_stream_the_same_lines(tmp_path: Path) -> None:
    text, about = bench().portfolio(200, seed=11)
    assert about["clients"] > 16  # more than one task of clients
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    assert list(plan_stream(path, now=None, jobs=2)) == check_stream(path)


def test_a_binary_file_streams_and_the_spill_is_removed(tmp_path: Path) -> None:
    spill = tmp_path / "spill"
    spill.mkdir()
    data = (REPO / "examples" / "portfolio.json").read_bytes()
    lines = list(plan_stream(io.BytesIO(data), now=None, spill_dir=spill))
    assert lines == list(plan_stream(REPO / "examples" / "portfolio.json", now=None))
    assert list(spill.iterdir()) == []


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=cases())
def test_a_generated_case_streams_to_its_plan(
    tmp_path: Path, generated: tuple[dict[str, Any], datetime]
) -> None:
    case, now = generated
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    check_stream(path, now=now)


def test_another_clients_policy_version_reaches_an_invoice_migrated_to_it(tmp_path: Path) -> None:
    """c2's invoice follows b2b_strict@1, which only c1's own policy brings into the case."""
    case = json.loads((REPO / "examples" / "portfolio.json").read_text(encoding="utf-8"))
    first, second = case["clients"][:2]
    first["policy"] = "b2b_strict"
    owned = {c["id"] for c in case["contracts"] if c["client"] == second["id"]}
    invoice = next(i for i in case["invoices"] if i["contract"] in owned)
    invoice["policy"] = "b2b_strict@1"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    check_stream(path)


def _write(tmp_path: Path, case: Any) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case) if not isinstance(case, str) else case, encoding="utf-8")
    return path


def _example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO / "examples" / "portfolio.json").read_text("utf-8"))
    return data


def _stream_error(path: Path) -> InvalidCaseError:
    with pytest.raises(InvalidCaseError) as caught:
        list(plan_stream(path, now=None))
    return caught.value


def test_a_clients_policy_that_does_not_exist_is_named_where_it_is(tmp_path: Path) -> None:
    case = _example()
    case["contracts"][2]["policy"] = "no such policy"
    with pytest.raises(paychase.PolicyError) as in_memory:
        paychase.parse_case(case)
    with pytest.raises(paychase.PolicyError) as streamed:
        list(plan_stream(_write(tmp_path, case), now=None))
    assert in_memory.value.field is not None
    assert in_memory.value.field.startswith("contracts[2].policy")
    assert streamed.value.field == "contracts[2].policy"
    assert streamed.value.problem == in_memory.value.problem


def test_two_policies_of_one_version_in_two_clients_are_refused(tmp_path: Path) -> None:
    case = _example()
    saas = paychase.builtin_policy("saas").model_dump(mode="json")
    case["clients"][0]["policy"] = {**saas, "name": "own"}
    case["clients"][1]["policy"] = {**saas, "name": "own", "min_gap": "9d"}
    error = _stream_error(_write(tmp_path, case))
    assert error.field is not None
    assert error.field.endswith(".policy")
    assert "another policy of this name and version" in error.problem


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[1, 2]", "a case file is a JSON object"),
        ('{"version": 1, "clients": [', "not valid JSON"),
        ('{"version": 1} trailing', "not valid JSON"),
        ('{"clients": [], "clients": []}', "given twice"),
        ('{"clients": ["c1"]}', "a record is a JSON object"),
        ('{"clients": [{"name": "no id"}]}', "missing or not text: id"),
        ('{"versio": 1}', "versio"),
    ],
)
def test_a_file_that_is_no_case_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    assert problem in str(_stream_error(_write(tmp_path, text)))


def test_records_of_different_clients_are_checked_together(tmp_path: Path) -> None:
    """What one client's part cannot see: ids given twice across clients, unknown owners."""
    case = _example()
    case["invoices"][-1]["id"] = case["invoices"][0]["id"]
    error = _stream_error(_write(tmp_path, case))
    last = len(case["invoices"]) - 1
    assert (error.field, error.problem) == (f"invoices[{last}].id", "duplicate id")

    case = _example()
    case["invoices"][3]["contract"] = "nobody"
    error = _stream_error(_write(tmp_path, case))
    assert (error.field, error.problem, error.value) == (
        "invoices[3].contract",
        "unknown contract",
        "nobody",
    )

    case = _example()
    case["history"][2]["client"] = "nobody"
    error = _stream_error(_write(tmp_path, case))
    assert (error.field, error.problem) == ("history[2].client", "unknown client")


def test_an_error_in_a_clients_record_names_it_as_the_file_numbers_it(tmp_path: Path) -> None:
    case = _example()
    last = len(case["invoices"]) - 1
    case["invoices"][last]["total"] = "-5.00"
    with pytest.raises(InvalidCaseError) as caught:
        paychase.parse_case(case)
    in_memory = caught.value
    error = _stream_error(_write(tmp_path, case))
    assert error.field == in_memory.field
    assert error.field is not None
    assert error.field.startswith(f"invoices[{last}]")
    assert str(error) == str(in_memory)


def test_without_ijson_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ijson", None)
    with pytest.raises(InvalidCaseError, match=r"pip install 'paychase\[stream\]'"):
        list(plan_stream(REPO / "examples" / "portfolio.json", now=None))


def test_jobs_below_one_are_refused() -> None:
    with pytest.raises(InvalidCaseError, match="at least one process"):
        list(plan_stream(REPO / "examples" / "portfolio.json", now=None, jobs=0))


# -- the command line --------------------------------------------------------------------------


def test_plan_stream_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    path = REPO / "examples" / "portfolio.json"
    assert main(["plan", str(path), "--stream", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines(keepends=True)
    assert lines == list(plan_stream(path, now=None))


def test_plan_stream_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = REPO / "examples" / "portfolio.json"
    stdin = io.TextIOWrapper(io.BytesIO(path.read_bytes()))
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["plan", "-", "--stream", "--now", "2026-03-12T09:00:00+01:00"]) == 0
    lines = capsys.readouterr().out.splitlines(keepends=True)
    moment = datetime.fromisoformat("2026-03-12T09:00:00+01:00")
    assert lines == list(plan_stream(path, now=moment))


def test_plan_stream_takes_the_clock_when_the_file_has_no_moment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = _example()
    del case["now"]
    assert main(["plan", str(_write(tmp_path, case)), "--stream"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])["summary"]
    assert datetime.fromisoformat(summary["now"]).year >= 2026


def test_plan_stream_needs_a_case_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "--stream"]) == 2
    assert "--stream reads a case file" in capsys.readouterr().err
