"""`plan_parallel` and ``paychase plan --jobs N``: the plan of `plan()`, byte for byte.

Clients are cut into chunks planned in worker processes and merged; the merged plan must be
the single-process plan as JSON text, whatever the chunks.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from tests.strategies import cases
from tests.test_stream import EXAMPLES, REPO, bench

from paychase import InvalidCaseError, parse_case, plan, plan_parallel, plan_parallel_json
from paychase._stream import _chunks, _plan_chunk
from paychase.cli._main import main


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_each_example_plans_the_same_in_two_processes(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    single = plan(case, now=None).to_json()
    assert plan_parallel(case, now=None, jobs=2).to_json() == single
    assert plan_parallel_json(case, now=None, jobs=2) == single


def test_a_portfolio_plans_the_same_in_two_processes() -> None:
    """Invoices of clients interleaved: the states still follow the case's order."""
    text, about = bench().portfolio(300, seed=5)
    data = json.loads(text)
    random.Random(1).shuffle(data["invoices"])
    case = parse_case(data)
    assert len(_chunks(case, 8)) == 8  # as many chunks as asked, for 2 processes
    assert about["clients"] > 8
    single = plan(case, now=None).to_json()
    assert plan_parallel(case, now=None, jobs=2).to_json() == single
    assert plan_parallel_json(case, now=None, jobs=3) == single


@settings(max_examples=5)
@given(generated=cases())
def test_a_generated_case_plans_the_same_text_in_two_processes(
    generated: tuple[dict[str, Any], datetime],
) -> None:
    case, now = generated
    assert plan_parallel_json(case, now=now, jobs=2) == plan(case, now=now).to_json()


def test_chunks_hold_each_client_once_with_its_records() -> None:
    text, _ = bench().portfolio(120, seed=9)
    case = parse_case(text)
    chunks = _chunks(case, 5)
    clients = [client.id for part, _ in chunks for client in part.clients]
    assert clients == [client.id for client in case.clients]
    for part, positions in chunks:
        owned = {client.id for client in part.clients}
        assert {contract.client for contract in part.contracts} <= owned
        assert {event.client for event in part.history} <= owned
        assert [case.invoices[i] for i in positions["invoices"]] == list(part.invoices)
    assert sum(len(part.invoices) for part, _ in chunks) == len(case.invoices)


def test_an_error_in_a_worker_names_the_record_as_the_case_numbers_it() -> None:
    """A chase planned past 2199, found in a worker, is named by its index in the whole case."""
    case: dict[str, Any] = json.loads((REPO / "examples" / "portfolio.json").read_text("utf-8"))
    first, last = case["clients"][0]["id"], case["clients"][-1]["id"]
    prospect = {"kind": "prospect", "subject": "the quote"}
    case["chases"] = [
        {**prospect, "id": "q-1", "client": first, "started": "2026-03-01T10:00:00+01:00"},
        {**prospect, "id": "q-2", "client": last, "started": "2199-12-31T23:59:59-12:00"},
    ]
    with pytest.raises(InvalidCaseError) as in_memory:
        plan(case, now=None)
    assert in_memory.value.field == "chases[1]"
    with pytest.raises(InvalidCaseError) as parallel:
        plan_parallel(case, now=None, jobs=2)
    assert str(parallel.value) == str(in_memory.value)
    # Where the platform cannot fork, a worker receives its chunk itself: the same error.
    *_, (part, positions) = _chunks(parse_case(case), 8)
    assert part.chases[0].id == "q-2"
    with pytest.raises(InvalidCaseError) as pickled:
        _plan_chunk((part, positions), now=None, calendars=None, rates=None)
    assert str(pickled.value) == str(in_memory.value)


def test_chases_and_empty_chunks_merge_as_json_too() -> None:
    """Chase states in the case's order, and a chunk with no action at all."""
    case: dict[str, Any] = json.loads((REPO / "examples" / "portfolio.json").read_text("utf-8"))
    clients = [client["id"] for client in case["clients"]]
    prospect = {"kind": "prospect", "subject": "the quote", "started": "2026-03-01T10:00:00+01:00"}
    case["chases"] = [
        {**prospect, "id": f"q-{number}", "client": client}
        for number, client in enumerate(reversed(clients))
    ]
    case["clients"].append(
        {"id": "idle", "name": "Nobody Owes", "country": "PL", "timezone": "Europe/Warsaw"}
    )
    single = plan(case, now=None).to_json()
    assert '"chases": [' in single
    assert plan_parallel_json(case, now=None, jobs=2) == single
    assert plan_parallel(case, now=None, jobs=2).to_json() == single


def test_jobs_below_one_are_refused() -> None:
    with pytest.raises(InvalidCaseError, match="at least one process"):
        plan_parallel({"version": 1}, now=None, jobs=0)
    with pytest.raises(InvalidCaseError, match="at least one process"):
        plan_parallel_json({"version": 1}, now=None, jobs=0)


def test_plan_jobs_prints_the_same_json(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(REPO / "examples" / "portfolio.json")
    assert main(["plan", path, "--format", "json"]) == 0
    single = capsys.readouterr().out
    assert main(["plan", path, "--format", "json", "--jobs", "2"]) == 0
    assert capsys.readouterr().out == single
    assert main(["plan", path]) == 0
    table = capsys.readouterr().out
    assert main(["plan", path, "--jobs", "2"]) == 0
    assert capsys.readouterr().out == table
