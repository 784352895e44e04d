"""The command line (SPEC §6): ``paychase plan`` and ``paychase schema``.

Most tests call `main()` in-process (fast, and coverage sees them); a few run
``python -m paychase`` in a subprocess, as a user or the shared scenario checker would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.samples import first_invoice, kowalski, kowalski_contract, sample_case

from paychase import __version__, load_case, plan
from paychase.cli._main import main

CASE: dict[str, Any] = sample_case(
    clients=[
        kowalski(contacts={"email": "c1@example.com", "phone": "+48 600 100 200"}),
        {
            "id": "acme-gmbh",
            "name": "ACME GmbH",
            "country": "DE",
            "timezone": "Europe/Berlin",
            "contacts": {"email": "ap@acme.example"},
        },
    ],
    contracts=[
        kowalski_contract(),
        {"id": "k2", "client": "acme-gmbh", "currency": "EUR", "payment_terms": "30d"},
    ],
    invoices=[
        first_invoice(),
        {
            "id": "inv-2",
            "contract": "k1",
            "issued": "2026-02-10",
            "due": "2026-02-24",
            "total": "300.00",
            "currency": "PLN",
        },
        {
            "id": "inv-3",
            "contract": "k2",
            "issued": "2026-01-10",
            "due": "2026-02-09",
            "total": "5000.00",
            "currency": "EUR",
        },
    ],
    history=[
        {
            "at": "2026-02-25T10:00:00+01:00",
            "client": "c1",
            "invoices": ["inv-2"],
            "direction": "out",
            "kind": "reminder",
            "step": "polite",
            "channel": "email",
            "outcome": "delivered",
        },
    ],
)


def _write(folder: Path, data: dict[str, Any], name: str = "case.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    return _write(tmp_path, CASE)


@pytest.fixture
def bad_case_file(tmp_path: Path) -> Path:
    data = json.loads(json.dumps(CASE))
    data["invoices"][0]["totl"] = data["invoices"][0].pop("total")
    return _write(tmp_path, data, "bad.json")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# -- plan --------------------------------------------------------------------------------------


def test_plan_prints_a_table_of_every_action(
    case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(capsys, "plan", str(case_file))
    assert (status, err) == (0, "")
    expected = plan(load_case(case_file), now=None)
    assert expected.actions
    rows = out.splitlines()
    assert rows[0].startswith(f"Plan at {expected.now.isoformat()} under policy 'freelancer'")
    for action in expected.actions:
        when = f"{action.at.astimezone():%Y-%m-%d %H:%M}"  # the reader's own time
        assert any(
            row.startswith(when) and action.client in row and str(action.step) in row
            for row in rows
        ), action.key
        assert action.reason.split()[0] in out
    for state in expected.invoices:
        assert any(row.startswith(state.id) and state.state in row for row in rows)


@pytest.mark.parametrize("columns", [100, 240])
def test_the_table_takes_the_terminals_width_and_never_cuts_an_id(
    case_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    columns: int,
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    status, out, _ = _run(capsys, "plan", str(case_file))
    assert status == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= columns
    assert "…" not in out
    for action in plan(load_case(case_file), now=None).actions:
        assert any(",".join(action.invoices) in line for line in lines)
    if columns == 240:  # a wide terminal: a reason that fits on one line under its row
        text = " ".join(line.strip() for line in lines)
        for action in plan(load_case(case_file), now=None).actions:
            assert action.reason in text
            if len(action.reason) <= columns - 8:
                assert any(line.strip() == action.reason for line in lines)


def test_an_empty_plan_still_prints_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, {"version": 1, "now": "2026-03-03T09:00:00+01:00"})
    status, out, _ = _run(capsys, "plan", str(path))
    assert status == 0
    assert "0 actions" in out


def test_plan_json_is_the_plan_as_serialised(
    case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(capsys, "plan", str(case_file), "--format", "json")
    assert (status, err) == (0, "")
    expected = plan(load_case(case_file), now=None).to_json()
    assert out == expected + "\n"
    data = json.loads(out)
    assert data["now"] == CASE["now"]
    assert {action["client"] for action in data["actions"]} == {"c1", "acme-gmbh"}
    assert [state["id"] for state in data["invoices"]] == ["inv-1", "inv-2", "inv-3"]


def test_plan_is_the_same_twice(case_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _run(capsys, "plan", str(case_file), "--format", "json")
    second = _run(capsys, "plan", str(case_file), "--format", "json")
    assert first == second


@pytest.mark.parametrize("moment", ["2026-03-20T09:00:00+01:00", "2026-03-20T08:00:00Z"])
def test_now_overrides_the_cases_now(
    case_file: Path, capsys: pytest.CaptureFixture[str], moment: str
) -> None:
    status, out, _ = _run(capsys, "plan", str(case_file), "--now", moment, "--format", "json")
    assert status == 0
    data = json.loads(out)
    wanted = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    assert datetime.fromisoformat(data["now"]) == wanted
    assert out == plan(load_case(case_file), now=wanted).to_json() + "\n"
    assert all(datetime.fromisoformat(action["at"]) >= wanted for action in data["actions"])


def test_without_a_moment_anywhere_the_command_line_plans_now(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = dict(CASE)
    del data["now"]
    path = _write(tmp_path, data)
    before = datetime.now(UTC)
    status, out, _ = _run(capsys, "plan", str(path), "--format", "json")
    assert status == 0
    assert before <= datetime.fromisoformat(json.loads(out)["now"]) <= datetime.now(UTC)


@pytest.mark.parametrize(
    ("moment", "problem"),
    [
        ("2026-03-03T09:00:00", "naive datetime"),
        ("2026-03-03", "naive datetime"),
        ("next tuesday", "not an ISO 8601 date-time"),
    ],
)
def test_a_bad_now_exits_2_naming_it(
    case_file: Path, capsys: pytest.CaptureFixture[str], moment: str, problem: str
) -> None:
    status, out, err = _run(capsys, "plan", str(case_file), "--now", moment)
    assert (status, out) == (2, "")
    assert err.startswith(f"paychase: error: --now: {problem}")
    assert f"(got '{moment}')" in err
    assert "Traceback" not in err


def test_a_bad_case_exits_2_naming_the_field(
    bad_case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(capsys, "plan", str(bad_case_file))
    assert (status, out) == (2, "")
    first = err.splitlines()[0]
    assert first.startswith("paychase: error: invoices[0].totl: unknown field")
    assert "Traceback" not in err


def test_further_problems_are_counted_on_the_same_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(json.dumps(CASE))
    for invoice in data["invoices"]:
        del invoice["total"]
    status, _, err = _run(capsys, "plan", str(_write(tmp_path, data)))
    assert status == 2
    assert err == (
        "paychase: error: invoices[0].total: required field is missing (and 2 more problems)\n"
    )


@pytest.mark.parametrize(
    ("name", "text", "field"),
    [
        ("case.json", '{"version": 1,', "case"),
        ("missing.json", None, "case"),
        ("case.json", json.dumps({**CASE, "policy": "lenient"}), "policy"),
        ("case.json", json.dumps({**CASE, "now": "2026-03-03T09:00"}), "now"),
    ],
)
def test_unreadable_or_invalid_files_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str | None,
    field: str,
) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")
    status, out, err = _run(capsys, "plan", str(path))
    assert (status, out) == (2, "")
    assert err.startswith(f"paychase: error: {field}: ")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [
        pytest.param(
            "case.json", b'{"version": 1, "clients": [{"id": "\xff"}]}', "case: ", id="not-utf8"
        ),
        pytest.param("case.yaml", b"version: 1\nnow: .inf\n", "now: ", id="yaml-infinity"),
    ],
)
def test_undecodable_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, field: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    status, _, err = _run(capsys, "plan", str(path))
    assert status == 2
    assert err.startswith(f"paychase: error: {field}")


def test_a_yaml_case_plans_like_the_json(
    tmp_path: Path, case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml = pytest.importorskip("yaml")
    yaml_file = tmp_path / "case.yaml"
    yaml_file.write_text(yaml.safe_dump(CASE), encoding="utf-8")
    from_yaml = _run(capsys, "plan", str(yaml_file), "--format", "json")
    from_json = _run(capsys, "plan", str(case_file), "--format", "json")
    assert from_yaml == from_json


# -- schema and version ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "title"),
    [(["schema"], "Case"), (["schema", "case"], "Case"), (["schema", "plan"], "Plan")],
)
def test_schema_prints_a_json_schema(
    capsys: pytest.CaptureFixture[str], argv: list[str], title: str
) -> None:
    status, out, err = _run(capsys, *argv)
    assert (status, err) == (0, "")
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == title
    assert schema["type"] == "object"


def test_the_case_schema_forbids_unknown_fields(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "schema", "case")
    schema = json.loads(out)
    assert schema["additionalProperties"] is False
    assert "from" in schema["$defs"]["ExchangeRate"]["properties"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"paychase {__version__}"


@pytest.mark.parametrize(
    "argv",
    [["plan", "--now"], ["plan", "a.json", "--format", "xml"], ["schema", "invoice"], ["unknown"]],
)
def test_usage_errors_exit_2_on_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("paychase: error: ")
    assert len(err.splitlines()) == 1
    assert "--help" in err


def test_no_command_prints_the_commands_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "Usage: paychase" in err
    assert "plan" in err


# -- as a separate process ---------------------------------------------------------------------


def _paychase(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paychase", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_python_dash_m_paychase_plans(case_file: Path) -> None:
    done = _paychase("plan", str(case_file), "--format", "json")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == plan(load_case(case_file), now=None).to_json() + "\n"
    table = _paychase("plan", str(case_file))
    assert table.returncode == 0
    assert max(len(line) for line in table.stdout.splitlines()) <= 100


def test_python_dash_m_paychase_rejects_bad_input_without_a_traceback(
    case_file: Path, bad_case_file: Path
) -> None:
    done = _paychase("plan", str(bad_case_file))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "invoices[0].totl" in done.stderr
    assert "Traceback" not in done.stderr
    naive = _paychase("plan", str(case_file), "--now", "2026-03-03T09:00")
    assert naive.returncode == 2
    assert naive.stderr.startswith("paychase: error: --now: naive datetime")
    assert "Traceback" not in naive.stderr


def test_python_dash_m_paychase_version() -> None:
    done = _paychase("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"paychase {__version__}")


def test_a_closed_pipe_is_not_a_traceback() -> None:
    reader, writer = os.pipe()
    os.close(reader)  # like `| head` that has already stopped reading
    try:
        done = subprocess.run(
            [sys.executable, "-m", "paychase", "schema", "case"],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(writer)
    assert "Traceback" not in done.stderr


# -- statement ------------------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "portfolio.json"


def test_statement_prints_each_invoice_and_the_totals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["statement", str(EXAMPLE), "lindner"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Statement of Lindner")
    assert "RE-2026-007" in out
    assert "TOTAL" in out
    assert "§ 288(2) BGB" in " ".join(out.split())  # each charge names its statute
    assert max(len(line) for line in out.splitlines()) <= 100


def test_statement_json_adds_up(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["statement", str(EXAMPLE), "lindner", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    total = data["totals"][0]
    parts = ("principal", "late_fee", "interest", "compensation")
    assert sum(Decimal(total[p]) for p in parts) == Decimal(total["total"])


def test_statement_of_an_unknown_client_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["statement", str(EXAMPLE), "nobody"]) == 2
    assert "client" in capsys.readouterr().err
