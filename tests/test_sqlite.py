"""The built-in SQLite history store (``paychase.store._sqlite``), against real files."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from pydantic import TypeAdapter

from paychase import Case, ContactEvent
from paychase.errors import PluginError
from paychase.messages._message import Attachment, Message, Receipt, Recipient
from paychase.store import _database, _sqlite
from paychase.store._database import SCHEMA_VERSION
from paychase.store._history import AttemptStatus
from paychase.store._sqlite import SqliteStore

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 3, 17, 9, tzinfo=UTC)
DELIVERED = Receipt(status="delivered", provider_id="queue-1")
BOUNCED = Receipt(status="bounced", error="550 no such user")


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _event(
    minute: int = 0,
    *,
    key: str | None = None,
    hours: int = 0,
    note: str | None = None,
    outcome: str | None = None,
) -> ContactEvent:
    """An outgoing reminder at T0 + `minute`, written with a UTC offset of `hours`."""
    offset = timezone(timedelta(hours=hours))
    return ContactEvent.model_validate(
        {
            "at": _at(minute).astimezone(offset),
            "client": "c1",
            "direction": "out",
            "kind": "reminder",
            "channel": "email",
            "key": key,
            "note": note,
            "outcome": outcome,
        }
    )


def _message(key: str) -> Message:
    return Message(
        key=key,
        kind="send_reminder",
        channel="email",
        locale="en",
        template="en/freelancer/polite",
        recipients=(Recipient(name="Studio", address="pay@studio.example"),),
        subject="Invoice 1 is due",
        text="Please pay.",
        html="<p>Please pay.</p>",
        attachments=(
            Attachment(filename="i.pdf", content_type="application/pdf", data=b"%\0\xff"),
        ),
    )


def _claim(store: SqliteStore, key: str, *, runner: str = "host:1", minute: int = 0) -> bool:
    return store.claim(
        key,
        client="c1",
        kind="send_reminder",
        channel="email",
        message_id=f"<{key}@studio.example>",
        planned_at=_at(-60),
        runner=runner,
        at=_at(minute),
    )


def _prepare(store: SqliteStore, key: str, *, minute: int = 1) -> None:
    store.prepare(key, message=_message(key), event=_event(key=key), at=_at(minute))


def _statuses(store: SqliteStore) -> dict[str, str]:
    return {attempt.key: attempt.status for attempt in store.attempts()}


def _rows(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Read the file through a connection of its own, as another process would."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite"


@pytest.fixture
def store(path: Path) -> Iterator[SqliteStore]:
    with SqliteStore(path) as opened:
        yield opened


# -- the attempt lifecycle ---------------------------------------------------------------


def test_a_sent_message_is_settled_with_its_event_message_and_delivery(
    store: SqliteStore, path: Path
) -> None:
    assert _claim(store, "k1")
    _prepare(store, "k1")
    [sending] = store.attempts()
    assert (sending.status, sending.tries, sending.event) == ("sending", 1, _event(key="k1"))
    sent = _event(key="k1", outcome="delivered")
    store.complete(
        "k1", status="done", receipt=DELIVERED, event=sent, message=_message("k1"), at=_at(2)
    )
    [done] = store.attempts()
    assert done.status == "done"
    assert (done.receipt, done.event, done.message) == (DELIVERED, sent, _message("k1"))
    assert (done.claimed_at, done.updated_at, done.planned_at) == (_at(0), _at(2), _at(-60))
    assert done.updated_at.utcoffset() == timedelta(0)
    assert store.events() == (sent,)
    assert _rows(path, "SELECT key, at, status, provider_id, transient FROM deliveries") == [
        ("k1", _at(2).isoformat(timespec="microseconds"), "delivered", "queue-1", 0)
    ]


def test_an_event_already_stored_does_not_close_a_task(store: SqliteStore) -> None:
    # A task settled with its event, then the same history imported again from the case file.
    _claim(store, "k1")
    store.complete(
        "k1",
        status="task",
        receipt=Receipt(status="task"),
        event=_event(key="k1"),
        message=None,
        at=_at(1),
    )
    assert store.add_events([_event(key="k1")]) == 0
    assert _statuses(store) == {"k1": "task"}


def test_a_released_key_is_hidden_and_can_be_claimed_again(store: SqliteStore, path: Path) -> None:
    _claim(store, "k1", runner="first")
    _prepare(store, "k1", minute=3)
    store.release("k1", error="421 try later")
    assert store.attempts() == ()
    assert _claim(store, "k1", runner="second", minute=10)
    assert not _claim(store, "k1", runner="third", minute=11)
    [again] = store.attempts()
    assert (again.status, again.runner, again.claimed_at) == ("claimed", "second", _at(10))
    assert (again.tries, again.error, again.message, again.event) == (
        1,
        "421 try later",
        None,
        None,
    )
    assert _rows(path, "SELECT key, at, status, error, transient FROM deliveries") == [
        ("k1", _at(3).isoformat(timespec="microseconds"), "failed", "421 try later", 1)
    ]


def test_an_interrupted_send_is_uncertain_and_only_a_settlement_moves_it(
    store: SqliteStore,
) -> None:
    _claim(store, "k1")
    _prepare(store, "k1")
    store.mark_uncertain("k1", at=_at(4), why="the channel raised OSError")
    [doubt] = store.attempts({"uncertain"})
    assert (doubt.error, doubt.updated_at) == ("the channel raised OSError", _at(4))
    assert not _claim(store, "k1")
    with pytest.raises(PluginError, match="uncertain"):
        _prepare(store, "k1")
    with pytest.raises(PluginError, match="uncertain"):
        store.mark_uncertain("k1", at=_at(5), why="again")
    store.complete(
        "k1", status="done", receipt=DELIVERED, event=_event(key="k1"), message=None, at=_at(9)
    )
    assert _statuses(store) == {"k1": "done"}


def _settle(store: SqliteStore, key: str, status: str) -> None:
    store.complete(
        key,
        status=status,  # type: ignore[arg-type]
        receipt=DELIVERED,
        event=None,
        message=None,
        at=_at(5),
    )


# How each status is reached from a fresh claim, and which calls it refuses.
_REACH = {
    "unclaimed": [],
    "released": ["prepare", "release"],
    "claimed": [],
    "sending": ["prepare"],
    "done": ["settle:done"],
    "failed": ["settle:failed"],
    "task": ["settle:task"],
    "uncertain": ["prepare", "uncertain"],
}
_REFUSED = [
    ("unclaimed", "prepare"),
    ("unclaimed", "complete"),
    ("unclaimed", "release"),
    ("unclaimed", "uncertain"),
    ("released", "prepare"),
    ("released", "complete"),
    ("released", "uncertain"),
    ("claimed", "uncertain"),
    *((s, call) for s in ("done", "failed", "task") for call in ("prepare", "complete")),
    *((s, call) for s in ("done", "failed", "task") for call in ("release", "uncertain")),
    ("uncertain", "uncertain"),
]


def _apply(store: SqliteStore, call: str) -> None:
    if call == "prepare":
        _prepare(store, "k1")
    elif call == "release":
        store.release("k1", error="down")
    elif call == "uncertain":
        store.mark_uncertain("k1", at=_at(5), why="?")
    elif call == "complete":
        _settle(store, "k1", "done")
    else:
        _settle(store, "k1", call.removeprefix("settle:"))


@pytest.mark.parametrize(("status", "call"), _REFUSED)
def test_a_transition_not_in_the_table_is_refused(
    store: SqliteStore, status: str, call: str
) -> None:
    if status != "unclaimed":
        _claim(store, "k1")
    for step in _REACH[status]:
        _apply(store, step)
    before = store.attempts()
    with pytest.raises(PluginError) as raised:
        _apply(store, call)
    assert (raised.value.field, raised.value.value) == ("key", "k1")
    assert store.attempts() == before


def test_complete_refuses_a_status_that_does_not_settle(store: SqliteStore) -> None:
    _claim(store, "k1")
    with pytest.raises(PluginError, match="done, failed or task"):
        _settle(store, "k1", "sending")


def test_naive_datetimes_are_refused_naming_the_field(store: SqliteStore) -> None:
    with pytest.raises(PluginError) as raised:
        store.claim(
            "k1",
            client="c1",
            kind="call",
            channel="phone",
            message_id=None,
            planned_at=datetime(2026, 3, 17, 9),  # noqa: DTZ001 - the naive value under test
            runner="r",
            at=T0,
        )
    assert raised.value.field == "planned_at"


def test_a_claim_that_breaks_a_constraint_raises_rather_than_reading_as_taken(
    store: SqliteStore,
) -> None:
    # Only the key's uniqueness means "taken": a False here would skip the action for good.
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
        store.claim(
            "k1",
            client=None,  # type: ignore[arg-type]
            kind="call",
            channel="phone",
            message_id=None,
            planned_at=T0,
            runner="r",
            at=T0,
        )
    assert store.attempts() == ()


def test_attempts_come_oldest_claim_first_and_filter_by_status(store: SqliteStore) -> None:
    for key, minute in (("late", 30), ("early", 10), ("middle", 20)):
        _claim(store, key, minute=minute)
    _prepare(store, "middle")
    assert [a.key for a in store.attempts()] == ["early", "middle", "late"]
    assert [a.key for a in store.attempts({"claimed"})] == ["early", "late"]
    assert store.attempts(()) == ()
    with pytest.raises(PluginError, match="not an attempt status"):
        store.attempts({"released"})  # type: ignore[arg-type]


# -- events --------------------------------------------------------------------------------


def test_events_come_in_time_order_then_insertion_order_with_their_offsets(
    store: SqliteStore,
) -> None:
    # 10:00+05:00 is before 09:30Z, though its text sorts after it.
    early = _event(-90, hours=5, note="early")
    tie_a, tie_b = _event(0, hours=2, note="a"), _event(0, hours=-3, note="b")
    late = _event(30, note="late")
    store.add_events([late, tie_a])
    store.add_events([tie_b, early])
    events = store.events()
    assert [e.note for e in events] == ["early", "a", "b", "late"]
    assert [e.at.utcoffset() for e in events] == [timedelta(hours=h) for h in (5, 2, -3, 0)]


def test_the_history_exports_as_a_case_files_history_and_imports_back(
    store: SqliteStore, tmp_path: Path
) -> None:
    case = Case.model_validate(
        {
            "clients": [{"id": "c1", "name": "Studio", "country": "PL", "timezone": "UTC"}],
            "history": [
                _event(5, hours=1).model_dump(mode="json", exclude_none=True),
                _event(0, note="first").model_dump(mode="json", exclude_none=True),
            ],
        }
    )
    assert store.import_case_history(case) == 2
    assert store.import_case_history(case) == 0
    exported = store.export_history()
    assert json.loads(exported)[0]["note"] == "first"
    assert TypeAdapter(tuple[ContactEvent, ...]).validate_json(exported) == store.events()
    with SqliteStore(tmp_path / "other.sqlite") as other:
        assert other.import_case_history(case.model_copy(update={"history": store.events()})) == 2
        assert other.export_history() == exported


# -- the file ----------------------------------------------------------------------------


def test_everything_is_intact_after_closing_and_reopening(path: Path) -> None:
    with SqliteStore(path) as store:
        store.add_events([_event(3, hours=2), _event(1, key="k2")])
        for key in ("k1", "k2", "k3"):
            _claim(store, key)
        _prepare(store, "k1")
        store.complete(
            "k1", status="done", receipt=DELIVERED, event=_event(key="k1"), message=None, at=T0
        )
        _prepare(store, "k2")
        store.mark_uncertain("k2", at=T0, why="?")
        events, attempts = store.events(), store.attempts()
    with SqliteStore(path) as store:
        assert (store.events(), store.attempts()) == (events, attempts)
        assert store.events()[-1].at.utcoffset() == timedelta(hours=2)
        assert not _claim(store, "k3")


def test_wal_full_sync_busy_timeout_and_foreign_keys_are_on(store: SqliteStore, path: Path) -> None:
    assert _rows(path, "PRAGMA journal_mode") == [("wal",)], "WAL is a property of the file"
    db = store._db  # the other pragmas belong to the store's own connection
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
    assert db.isolation_level is None
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute(
            "INSERT INTO deliveries (key, at, status, transient) VALUES ('nobody', '', 'task', 0)"
        )


def test_the_schema_version_is_recorded(store: SqliteStore, path: Path) -> None:
    assert _rows(path, "SELECT version FROM schema_version") == [
        (number,) for number in range(1, SCHEMA_VERSION + 1)
    ]
    assert SCHEMA_VERSION == len(_database._MIGRATIONS) >= 1
    tables = {name for (name,) in _rows(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"schema_version", "events", "attempts", "deliveries"} <= tables


def test_the_status_check_admits_exactly_the_attempt_statuses_and_released(path: Path) -> None:
    SqliteStore(path).close()
    [(sql,)] = _rows(path, "SELECT sql FROM sqlite_master WHERE name = 'attempts'")
    for status in (*get_args(AttemptStatus), "released"):
        assert f"'{status}'" in sql


def test_a_database_from_a_newer_paychase_is_refused_naming_its_version(path: Path) -> None:
    SqliteStore(path).close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION + 41,))
    with pytest.raises(PluginError, match=f"schema version {SCHEMA_VERSION + 41}") as raised:
        SqliteStore(path)
    assert raised.value.value == str(path)


def test_a_file_that_is_not_a_database_is_refused(path: Path) -> None:
    path.write_text("invoice,amount\n1,100\n" * 100)
    with pytest.raises(PluginError, match="not a SQLite database"):
        SqliteStore(path)
    assert path.read_text().startswith("invoice,amount"), "the file is left as it was"


def test_someone_elses_database_is_refused(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(PluginError, match="not a paychase history"):
        SqliteStore(path)


def test_a_database_that_cannot_be_opened_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match="cannot open"):
        SqliteStore(tmp_path / "no such folder" / "history.sqlite")


@pytest.mark.parametrize("step", ["_record_delivery", "_insert_event"])
def test_a_failure_inside_complete_leaves_nothing_half_written(
    store: SqliteStore, path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    _claim(store, "k1")
    _prepare(store, "k1")
    before = store.attempts()

    def power_cut(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_sqlite, step, power_cut)
    with pytest.raises(KeyboardInterrupt):
        store.complete(
            "k1", status="done", receipt=DELIVERED, event=_event(key="k1"), message=None, at=T0
        )
    monkeypatch.undo()
    assert (store.attempts(), store.events()) == (before, ())
    assert _rows(path, "SELECT count(*) FROM deliveries") == [(0,)]
    store.complete(
        "k1", status="done", receipt=DELIVERED, event=_event(key="k1"), message=None, at=T0
    )
    assert _statuses(store) == {"k1": "done"}


def test_a_transition_holds_the_write_lock_from_its_check_to_its_write(
    store: SqliteStore, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Between reading the status and writing the new one no other writer may get in, or two
    # runners could both move the same attempt (BEGIN IMMEDIATE, not a deferred BEGIN).
    _claim(store, "k1")
    check, seen = _sqlite._require, []

    def check_then_intrude(*args: Any) -> Any:
        row = check(*args)
        with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as other:
            try:
                other.execute("UPDATE attempts SET runner = 'intruder'")
            except sqlite3.OperationalError as error:
                seen.append(str(error))
            else:
                seen.append("the intruder wrote")
        return row

    monkeypatch.setattr(_sqlite, "_require", check_then_intrude)
    _prepare(store, "k1")
    assert seen == ["database is locked"]
    assert [(a.status, a.runner) for a in store.attempts()] == [("sending", "host:1")]


# -- several processes ---------------------------------------------------------------------


def _claim_in_process(path: str, runner: str, seed: int, barrier: Any, won: Any) -> None:
    """A runner in its own process: claims every key in its own order, preparing each it wins.

    Preparing reads the attempt before writing it: without ``BEGIN IMMEDIATE`` the other
    process's commits in between would make SQLite refuse the write ("database is locked").
    """
    keys = [f"k{n}" for n in range(200)]
    random.Random(seed).shuffle(keys)
    mine, error = [], None
    try:
        with SqliteStore(path) as store:
            barrier.wait(timeout=60)
            for key in keys:
                if _claim(store, key, runner=runner):
                    mine.append(key)
                    _prepare(store, key)
    except Exception as failure:  # reported to the test rather than lost in the child
        error = repr(failure)
    won.put((runner, mine, error))


@pytest.fixture
def spawn(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The 'spawn' context, able to import this module (pytest's importlib mode names it
    ``tests.test_sqlite`` without putting the project root on ``sys.path``)."""
    monkeypatch.syspath_prepend(str(REPO))
    return multiprocessing.get_context("spawn")


def test_two_processes_never_win_the_same_key(spawn: Any, path: Path) -> None:
    # Both open the fresh file at once too: the migration must be applied once.
    barrier, won = spawn.Barrier(2), spawn.Queue()
    runners = [
        spawn.Process(target=_claim_in_process, args=(str(path), name, seed, barrier, won))
        for seed, name in enumerate(("left", "right"))
    ]
    for process in runners:
        process.start()
    reports = [won.get(timeout=60) for _ in runners]
    for process in runners:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert [error for _, _, error in reports] == [None, None]
    results = {runner: keys for runner, keys, _ in reports}
    left, right = set(results["left"]), set(results["right"])
    assert not left & right
    assert left | right == {f"k{n}" for n in range(200)}
    winners = {
        key: (runner, status, tries)
        for key, runner, status, tries in _rows(
            path, "SELECT key, runner, status, tries FROM attempts"
        )
    }
    assert winners == {key: (name, "sending", 1) for name, keys in results.items() for key in keys}
    assert _rows(path, "SELECT version FROM schema_version") == [
        (number,) for number in range(1, SCHEMA_VERSION + 1)
    ]


def _complete_forever(path: str) -> None:
    """Claim, prepare and settle keys one after another until killed."""
    with SqliteStore(path) as store:
        for n in range(10**9):
            key = f"k{n}"
            _claim(store, key)
            _prepare(store, key)
            store.complete(
                key, status="done", receipt=DELIVERED, event=_event(key=key), message=None, at=T0
            )


def _done_count(path: Path) -> int:
    try:
        return int(_rows(path, "SELECT count(*) FROM attempts WHERE status = 'done'")[0][0])
    except sqlite3.OperationalError:  # the child has not created the tables yet
        return 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_process_leaves_no_half_written_attempt(spawn: Any, path: Path) -> None:
    child = spawn.Process(target=_complete_forever, args=(str(path),))
    child.start()
    deadline = time.monotonic() + 60
    while _done_count(path) < 40 and time.monotonic() < deadline and child.is_alive():
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=60)
    assert child.exitcode == -signal.SIGKILL
    with SqliteStore(path) as store:
        attempts, events = store.attempts(), store.events()
        assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    delivered = {key for (key,) in _rows(path, "SELECT key FROM deliveries")}
    done = {a.key for a in attempts if a.status == "done"}
    assert len(done) >= 40
    assert {a.status for a in attempts} <= {"claimed", "sending", "done"}
    assert {e.key for e in events} == done == delivered
    assert len(events) == len(done) == len(_rows(path, "SELECT id FROM deliveries"))


# -- the store against a model ---------------------------------------------------------------

KEYS = ("k1", "k2", "k3")
_ALLOWED = {
    "prepare": {"claimed", "sending"},
    "complete": {"claimed", "sending", "uncertain"},
    "release": {"claimed", "sending", "uncertain"},
    "uncertain": {"sending"},
}


def _identity(event: ContactEvent) -> str:
    """What makes two events the same contact: the instant, not the offset it is written in."""
    data = event.model_dump(mode="json", exclude_none=True, exclude={"at"})
    return json.dumps([event.at.timestamp(), data], sort_keys=True)


# Few minutes, keys and offsets, so duplicates, ties and task-closing events are common.
event_lists = st.lists(
    st.builds(
        _event,
        st.integers(0, 3),
        key=st.none() | st.sampled_from(KEYS),
        hours=st.sampled_from((0, 2, -5)),
        note=st.none() | st.just("noted"),
    ),
    max_size=3,
)


class StoreMachine(RuleBasedStateMachine):
    """Random calls against a store and a dict-and-list model of what it should hold."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "history.sqlite"
        self.store = SqliteStore(self.path)
        self.status: dict[str, str] = {}
        self.tries: dict[str, int] = {}
        self.events: list[ContactEvent] = []

    def teardown(self) -> None:
        self.store.close()
        self.folder.cleanup()

    def _add(self, event: ContactEvent) -> bool:
        if _identity(event) in {_identity(e) for e in self.events}:
            return False
        self.events.append(event)
        return True

    def _call(self, key: str, call: str, action: Any, to: str) -> None:
        if self.status.get(key) in _ALLOWED[call]:
            action()
            self.status[key] = to
        else:
            with pytest.raises(PluginError):
                action()

    @rule(key=st.sampled_from(KEYS))
    def claim(self, key: str) -> None:
        free = self.status.get(key, "released") == "released"
        assert _claim(self.store, key) == free
        if free:
            self.status[key] = "claimed"

    @rule(key=st.sampled_from(KEYS))
    def prepare(self, key: str) -> None:
        if self.status.get(key) in _ALLOWED["prepare"]:
            self.tries[key] = self.tries.get(key, 0) + 1
        self._call(key, "prepare", lambda: _prepare(self.store, key), "sending")

    @rule(
        key=st.sampled_from(KEYS),
        status=st.sampled_from(("done", "failed", "task")),
        minute=st.none() | st.integers(0, 3),
    )
    def complete(self, key: str, status: str, minute: int | None) -> None:
        event = None if minute is None else _event(minute, key=key)
        if event is not None and self.status.get(key) in _ALLOWED["complete"]:
            self._add(event)
        self._call(
            key,
            "complete",
            lambda: self.store.complete(
                key,
                status=status,  # type: ignore[arg-type]
                receipt=DELIVERED,
                event=event,
                message=None,
                at=T0,
            ),
            status,
        )

    @rule(key=st.sampled_from(KEYS))
    def release(self, key: str) -> None:
        self._call(key, "release", lambda: self.store.release(key, error="down"), "released")

    @rule(key=st.sampled_from(KEYS))
    def mark_uncertain(self, key: str) -> None:
        self._call(
            key, "uncertain", lambda: self.store.mark_uncertain(key, at=T0, why="?"), "uncertain"
        )

    @rule(events=event_lists)
    def add_events(self, events: list[ContactEvent]) -> None:
        new = [event for event in events if self._add(event)]
        for event in new:
            if event.key is not None and self.status.get(event.key) == "task":
                self.status[event.key] = "done"
        assert self.store.add_events(events) == len(new)

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = SqliteStore(self.path)

    @invariant()
    def attempts_match(self) -> None:
        shown = {k: s for k, s in self.status.items() if s != "released"}
        attempts = self.store.attempts()
        assert {a.key: a.status for a in attempts} == shown
        assert {a.key: a.tries for a in attempts} == {k: self.tries.get(k, 0) for k in shown}

    @invariant()
    def events_match(self) -> None:
        expected = sorted(self.events, key=lambda e: e.at)  # stable: ties stay as added
        assert [e.model_dump_json() for e in self.store.events()] == [
            e.model_dump_json() for e in expected
        ]


TestStoreMachine = StoreMachine.TestCase
TestStoreMachine.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
