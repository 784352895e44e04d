"""``paychase settle``: a person's verdict on a send whose SMTP reply was lost.

A real aiosmtpd server keeps one message but answers it only after the client gave up: the
run records that key as uncertain (exit 1), `tasks` shows it, later runs leave it alone, and
`settle` either records it as sent or gives it back for the next run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from tests.delivery_helpers import SlowToAnswer, free_port

from paychase import load_case, plan
from paychase.cli._main import main
from paychase.store._sqlite import SqliteStore

EXAMPLE = "examples/portfolio.json"
AFTERNOON = "2026-03-10T16:00:00+01:00"
SLOW = sorted(
    a.key
    for a in plan(load_case(EXAMPLE), now=datetime.fromisoformat(AFTERNOON)).actions
    if a.channel == "email" and a.at <= datetime.fromisoformat(AFTERNOON)
)[0]


@pytest.fixture
def slow_server() -> Iterator[tuple[SlowToAnswer, int]]:
    handler, port = SlowToAnswer(SLOW, delay=2), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _run(db: Path, port: int) -> int:
    spec = f"email=smtp://127.0.0.1:{port}?security=none&timeout=1"
    args = ["run", "--db", str(db), "--case", EXAMPLE, "--now", AFTERNOON, "--channel", spec]
    return main(args)


def _uncertain_workspace(
    tmp_path: Path, server: tuple[SlowToAnswer, int], capsys: pytest.CaptureFixture[str]
) -> Path:
    db = tmp_path / "work.sqlite"
    assert main(["init", str(db)]) == 0
    assert _run(db, server[1]) == 1
    assert f"uncertain   {SLOW}" in capsys.readouterr().out
    return db


def test_a_lost_reply_is_shown_as_a_task_and_never_sent_again(
    tmp_path: Path, slow_server: tuple[SlowToAnswer, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = slow_server
    db = _uncertain_workspace(tmp_path, slow_server, capsys)
    assert main(["tasks", "--db", str(db)]) == 0
    assert SLOW in capsys.readouterr().out
    _run(db, port)
    assert handler.keys.count(SLOW) == 1


def test_settled_as_arrived_it_is_recorded_as_sent(
    tmp_path: Path, slow_server: tuple[SlowToAnswer, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = slow_server
    db = _uncertain_workspace(tmp_path, slow_server, capsys)
    assert main(["settle", SLOW, "--arrived", "--note", "in the server log", "--db", str(db)]) == 0
    assert f"recorded {SLOW} as sent" in capsys.readouterr().out
    with SqliteStore(db) as store:
        [event] = [e for e in store.events() if e.key == SLOW]
        assert not store.attempts({"uncertain"})
    assert (event.outcome, event.note) == ("delivered", "in the server log")
    _run(db, port)
    assert handler.keys.count(SLOW) == 1


def test_settled_as_lost_the_next_run_sends_it_once(
    tmp_path: Path, slow_server: tuple[SlowToAnswer, int], capsys: pytest.CaptureFixture[str]
) -> None:
    handler, port = slow_server
    db = _uncertain_workspace(tmp_path, slow_server, capsys)
    assert main(["settle", SLOW, "--send-again", "--db", str(db)]) == 0
    handler.delay = 0
    _run(db, port)
    assert f"sent        {SLOW}" in capsys.readouterr().out
    assert handler.keys.count(SLOW) == 2  # the person said the first never arrived
    with SqliteStore(db) as store:
        assert [a.status for a in store.attempts() if a.key == SLOW] == ["done"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["settle", "no/such/key/1", "--arrived"], "KEY: no uncertain send has this key"),
        (["settle", "no/such/key/1"], "--arrived: say --arrived or --send-again"),
        (["settle", "k", "--arrived", "--send-again"], "--arrived: say --arrived or --send-again"),
    ],
)
def test_settle_refuses_what_it_cannot_settle_in_one_line(
    tmp_path: Path, args: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "work.sqlite"
    assert main(["init", str(db)]) == 0
    capsys.readouterr()
    assert main([*args, "--db", str(db)]) == 2
    error = capsys.readouterr().err
    assert field in error
    assert len(error.splitlines()) == 1


def test_tasks_of_a_workspace_without_records_show_without_time_zones(
    tmp_path: Path, slow_server: tuple[SlowToAnswer, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """A workspace fed only by `run --case FILE` holds history but no clients."""
    db = _uncertain_workspace(tmp_path, slow_server, capsys)
    assert main(["tasks", "--db", str(db), "--ics", str(tmp_path / "calls.ics")]) == 2
    assert "--case: the calls need their clients' names" in capsys.readouterr().err
    assert main(["tasks", "--db", str(db), "--case", EXAMPLE]) == 0
