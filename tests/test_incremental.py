"""Incremental runs (issue 20): which clients a run plans, the marks it keeps, old workspaces.

The property that an incremental run performs what a full run performs is in
tests/property/test_incremental.py; here are the cases one can name.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.samples import lumen_portfolio

from paychase import Case
from paychase.cli._main import main
from paychase.delivery import _runner as runner_module
from paychase.delivery._outbox import FileOutbox
from paychase.delivery._runner import Runner, RunStoppedError, _split
from paychase.errors import PluginError
from paychase.messages._render import Renderer
from paychase.money._rates import builtin_rate_table
from paychase.store._database import SCHEMA_VERSION
from paychase.store._workspace import Workspace

NOW = datetime.fromisoformat("2026-03-02T16:00:00+01:00")
CLIENTS = ("c0", "c1", "c2")


def _portfolio() -> dict[str, Any]:
    """c0 owes since a week ago, c1 owes in two weeks, c2 in a month."""
    dues = [["2026-02-23"], ["2026-03-16"], ["2026-04-01"]]
    return lumen_portfolio(dues, issued="2026-02-01", locale=None, sms=False)


@pytest.fixture
def books(tmp_path: Path) -> Workspace:
    workspace = Workspace.create(tmp_path / "books.paychase")
    workspace.import_case(_portfolio(), at=NOW)
    return workspace


def _runner(books: Workspace, folder: Path, **settings: Any) -> Runner:
    return Runner(
        store=books, channels={"email": FileOutbox(folder)}, clock=lambda: NOW, **settings
    )


def test_a_second_run_plans_only_the_clients_it_must(books: Workspace, tmp_path: Path) -> None:
    runner = _runner(books, tmp_path / "outbox")
    first = runner.run(books, now=NOW, incremental=True)
    assert first.incremental
    assert set(first.clients) == set(CLIENTS)  # no marks yet: everyone
    sent = {o.client for o in first.outcomes if o.status == "sent"}
    assert sent  # c0 is overdue
    # What was sent is a new contact: the run planned those clients again on it, at its end,
    # and kept their marks; nothing else changed, so the next run plans no one.
    second = runner.run(books, now=NOW, incremental=True)
    assert second.clients == ()
    assert second.outcomes == []
    assert second.next_at is not None
    assert second.next_at == runner.run(books, now=NOW).next_at  # as a full run would wait
    reviews = [m.next_review for m in books.plan_marks().values() if m.next_review]
    assert second.next_at == min(reviews)


def test_a_send_plans_its_client_again_only_where_facts_changed(
    books: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run plans once; before each send the client's facts are the ones it planned from
    # (same fingerprint), so the action stands as planned; at the end the clients messaged
    # are planned once more, on their new facts, for their marks.
    planned: list[tuple[str, ...]] = []
    real = runner_module.plan

    def counted(case: Case, **options: Any) -> Any:
        planned.append(tuple(client.id for client in case.clients))
        return real(case, **options)

    monkeypatch.setattr(runner_module, "plan", counted)
    report = _runner(books, tmp_path / "outbox").run(books, now=NOW)
    sent = tuple(sorted({o.client for o in report.outcomes if o.status == "sent"}))
    assert sent
    assert [tuple(sorted(p)) for p in planned] == [CLIENTS, sent]


def test_a_store_failing_while_marking_stops_the_run_with_what_it_performed(
    books: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(clients: Any) -> Case:
        raise PluginError("the disk is full", field="db")

    monkeypatch.setattr(books, "case_of", fails)  # a full run reads it only to mark
    with pytest.raises(RunStoppedError) as stopped:
        _runner(books, tmp_path / "outbox").run(books, now=NOW)
    sent = {o.client for o in stopped.value.report.outcomes if o.status == "sent"}
    assert sent
    assert "the disk is full" in str(stopped.value)
    monkeypatch.undo()
    # Their marks are the ones from before the sends: the next run plans them again.
    again = _runner(books, tmp_path / "outbox").run(books, now=NOW, incremental=True)
    assert set(again.clients) == sent
    assert again.outcomes == []


def test_a_clients_fingerprint_alone_is_the_one_of_all_fingerprints(books: Workspace) -> None:
    everyone = books.fact_fingerprints("basis")
    assert books.fact_fingerprints("basis", ["c1", "c2"]) == {
        "c1": everyone["c1"],
        "c2": everyone["c2"],
    }
    assert books.fact_fingerprints("basis", ["nobody"]) == {}
    books.record_payment("i1", "100.00", at=NOW)
    assert books.fact_fingerprints("basis", ["c1"])["c1"] != everyone["c1"]


def test_a_payment_makes_its_client_planned_again(books: Workspace, tmp_path: Path) -> None:
    runner = _runner(books, tmp_path / "outbox")
    runner.run(books, now=NOW, incremental=True)
    runner.run(books, now=NOW, incremental=True)
    books.record_payment("i1", "100.00", at=NOW)
    assert runner.run(books, now=NOW, incremental=True).clients == ("c1",)


def test_a_client_is_planned_again_when_its_moment_comes(books: Workspace, tmp_path: Path) -> None:
    runner = _runner(books, tmp_path / "outbox")
    runner.run(books, now=NOW, incremental=True)
    runner.run(books, now=NOW, incremental=True)
    marks = books.plan_marks()
    moment = min(m.next_review for m in marks.values() if m.next_review is not None)
    due = [c for c, m in marks.items() if m.next_review == moment]
    assert runner.run(books, now=moment - timedelta(seconds=1), incremental=True).clients == ()
    report = runner.run(books, now=moment, incremental=True)
    assert sorted(report.clients) == sorted(due)


def test_another_rate_table_plans_everyone_again(books: Workspace, tmp_path: Path) -> None:
    _runner(books, tmp_path / "outbox").run(books, now=NOW, incremental=True)
    _runner(books, tmp_path / "outbox").run(books, now=NOW, incremental=True)
    table = builtin_rate_table()
    newer = table.model_copy(update={"about": f"{table.about} (updated)"})
    runner = _runner(books, tmp_path / "outbox", renderer=Renderer(rates=newer))
    assert set(runner.run(books, now=NOW, incremental=True).clients) == set(CLIENTS)


def test_a_dry_run_keeps_no_marks(books: Workspace, tmp_path: Path) -> None:
    report = _runner(books, tmp_path / "outbox").run(books, now=NOW, dry_run=True, incremental=True)
    assert any(o.status == "would_send" for o in report.outcomes)
    assert books.plan_marks() == {}


def test_a_full_run_plans_everyone_and_keeps_their_marks(books: Workspace, tmp_path: Path) -> None:
    report = _runner(books, tmp_path / "outbox").run(books, now=NOW)
    assert not report.incremental
    assert set(report.clients) == set(CLIENTS)
    assert set(books.plan_marks()) == set(CLIENTS)


def test_the_command_line_runs_incrementally_unless_full(books: Workspace, tmp_path: Path) -> None:
    books.close()
    db = str(tmp_path / "books.paychase")
    channel = ["--channel", f"email=outbox:{tmp_path / 'outbox'}"]
    for _ in range(2):
        main(["run", "--db", db, "--now", NOW.isoformat(), *channel])
    later = ["--now", (NOW + timedelta(hours=1)).isoformat()]
    times = _planned_at(db)
    assert set(times) == set(CLIENTS)
    main(["run", "--db", db, *later, *channel])
    assert _planned_at(db) == times  # nothing changed and nothing came due: nobody planned
    main(["run", "--db", db, *later, *channel, "--full"])
    assert all(times[client] != at for client, at in _planned_at(db).items())


def _planned_at(db: str) -> dict[str, str]:
    with sqlite3.connect(db) as connection:
        return dict(connection.execute("SELECT client, planned_at FROM plan_marks"))


def test_a_workspace_of_schema_version_2_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.paychase"
    with Workspace.create(path) as books:
        books.import_case(_portfolio(), at=NOW)
    with sqlite3.connect(path) as db:  # as paychase wrote it before incremental runs
        db.execute("DROP TABLE plan_marks")
        db.execute("DELETE FROM schema_version WHERE version > 2")
    with Workspace(path) as books:
        assert books.plan_marks() == {}
        report = _runner(books, tmp_path / "outbox").run(books, now=NOW, incremental=True)
        assert set(report.clients) == set(CLIENTS)
        assert set(books.plan_marks()) == set(CLIENTS)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)


def test_the_case_split_by_client_is_each_clients_part() -> None:
    case = Case.model_validate(json.loads(Path("examples/portfolio.json").read_text()))
    parts = _split(case)
    assert list(parts) == [client.id for client in case.clients]
    for client in case.clients:
        assert parts[client.id] == case.of_client(client.id)


def test_the_workspace_reads_the_part_of_several_clients(books: Workspace) -> None:
    part = books.case_of(["c2", "c0"])
    assert [c.id for c in part.clients] == ["c0", "c2"]
    assert [i.id for i in part.invoices] == ["i0", "i2"]
    assert books.case_of([]).clients == ()
