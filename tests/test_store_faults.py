"""The store's file failing: someone else's database, damaged pages, a disk that fills up.

Each ends in one `PluginError` naming the file (exit 2 on the command line), never a traceback;
a foreign file is left byte for byte as it was; a run stopped by a full disk keeps what it did
and, once there is room, the next run sends each remaining key once.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.delivery_helpers import LoggingChannel, sent_keys

from paychase import PluginError, load_case
from paychase.delivery import RunStoppedError
from paychase.delivery._outbox import FileOutbox
from paychase.delivery._runner import Runner
from paychase.store._sqlite import SqliteStore

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "portfolio.json"
AFTERNOON = datetime.fromisoformat("2026-03-10T16:00:00+01:00")
PAGE = 4096


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _foreign(path: Path) -> Path:
    with sqlite3.connect(path) as db:  # another program's database, with a rollback journal
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.executemany("INSERT INTO notes (body) VALUES (?)", [("keep me",)] * 50)
    db.close()
    return path


def test_someone_elses_database_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    foreign = _foreign(tmp_path / "notes.sqlite")
    before = _digest(foreign)
    with pytest.raises(PluginError, match="not a paychase history") as refused:
        SqliteStore(foreign)
    assert refused.value.field == "db"
    assert _digest(foreign) == before  # still a rollback journal: the header is unchanged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]  # no -wal, no -shm


def _store_with_history(path: Path, events: int) -> Path:
    case = load_case(EXAMPLE)
    template = case.history[0]
    with SqliteStore(path) as store:
        store.add_events(
            template.model_copy(
                update={"at": template.at + timedelta(minutes=n), "note": "x" * 300}
            )
            for n in range(events)
        )
    return path


def _damage_pages(path: Path) -> None:
    """Overwrite the first 200 bytes of every third page after the first, as a bad disk might."""
    data = bytearray(path.read_bytes())
    for page in range(3, len(data) // PAGE, 3):
        data[page * PAGE : page * PAGE + 200] = b"\xa5" * 200
    path.write_bytes(bytes(data))


def test_damaged_pages_are_a_plugin_error_naming_the_file(tmp_path: Path) -> None:
    store_path = _store_with_history(tmp_path / "history.sqlite", events=400)
    _damage_pages(store_path)
    with SqliteStore(store_path) as store, pytest.raises(PluginError, match="damaged") as damaged:
        store.events()
    assert damaged.value.field == "db"
    assert "sqlite3 FILE .recover" in damaged.value.problem


def test_damaged_pages_on_the_command_line_are_one_line_and_exit_2(tmp_path: Path) -> None:
    store_path = _store_with_history(tmp_path / "history.sqlite", events=400)
    _damage_pages(store_path)
    result = subprocess.run(
        [sys.executable, "-m", "paychase", "history", "list", "--db", str(store_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "db: the history database is damaged" in result.stderr


def _full_after(store: SqliteStore, pages: int) -> None:
    """Let the database grow by only `pages` more pages: SQLite then says the disk is full."""
    (count,) = store._db.execute("PRAGMA page_count").fetchone()
    store._db.execute(f"PRAGMA max_page_count = {count + pages}")


def test_a_disk_full_mid_run_stops_the_run_and_keeps_what_was_done(tmp_path: Path) -> None:
    case = load_case(EXAMPLE)
    log = tmp_path / "sent.log"
    with SqliteStore(tmp_path / "history.sqlite") as store:
        store.add_events(case.history)
        _full_after(store, pages=3)
        runner = Runner(store=store, channels={"email": LoggingChannel(log)}, sleep=lambda _: None)
        with pytest.raises(PluginError, match="disk holding the history database is full") as full:
            runner.run(case, now=AFTERNOON)
        assert "the run stopped after" in full.value.problem
        done = {a.key for a in store.attempts({"done"})}
        assert done  # what went out before the disk filled is recorded
        assert isinstance(full.value, RunStoppedError)  # and reported, for the host to show
        assert {o.key for o in full.value.report.outcomes if o.status == "sent"} == done
        assert set(sent_keys(log)) >= done
        assert len(sent_keys(log)) - len(done) <= 1  # at most the send being recorded
    assert len(sent_keys(log)) == len(set(sent_keys(log)))


def test_after_a_full_disk_the_next_run_sends_each_remaining_key_once(tmp_path: Path) -> None:
    case = load_case(EXAMPLE)
    outbox = FileOutbox(tmp_path / "outbox")  # checkable: a send cut short is settled from it
    clock = datetime(2026, 3, 10, 15, tzinfo=UTC)
    with SqliteStore(tmp_path / "history.sqlite") as store:
        store.add_events(case.history)
        _full_after(store, pages=3)
        runner = Runner(store=store, channels={"email": outbox}, clock=lambda: clock)
        with pytest.raises(PluginError, match="full"):
            runner.run(case, now=AFTERNOON)
        store._db.execute("PRAGMA max_page_count = 1073741823")  # room again
        clock += timedelta(minutes=16)  # the stopped run's claims are stale now
        runner.run(case, now=AFTERNOON)
        assert runner.run(case, now=AFTERNOON).count("sent") == 0
        keys = [a.key for a in store.attempts({"done"}) if a.channel == "email"]
        assert not store.attempts({"claimed", "sending", "uncertain"})
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == len(keys)
