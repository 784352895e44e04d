"""The history-store contract (``paychase.store._history``), against every store paychase ships.

`SqliteStore` and the in-memory `paychase.testing.MemoryStore` must behave alike: the same
attempt state machine, the same refusals, the same order of events and attempts, the same
times handed back. The examples below run against both; `StoresAgree` then drives both with
the same random calls and compares everything they say after each one. What only a file can
do (WAL, several processes, crashes, migrations) stays in ``tests/test_sqlite.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from pydantic import TypeAdapter

from paychase import Case, ContactEvent
from paychase.delivery import Receipt
from paychase.errors import PluginError
from paychase.messages import Attachment, Message, Recipient
from paychase.store import HistoryStore, SqliteStore
from paychase.testing import MemoryStore

T0 = datetime(2026, 3, 17, 9, tzinfo=UTC)
DELIVERED = Receipt(status="delivered", provider_id="queue-1")
BOUNCED = Receipt(status="bounced", error="550 no such user")
STORES = ["sqlite", "memory"]

Store = SqliteStore | MemoryStore


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


def _claim(store: HistoryStore, key: str, *, runner: str = "host:1", minute: int = 0) -> bool:
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


def _prepare(store: HistoryStore, key: str, *, minute: int = 1) -> None:
    store.prepare(key, message=_message(key), event=_event(key=key), at=_at(minute))


def _settle(store: HistoryStore, key: str, status: str, minute: int = 5) -> None:
    store.complete(
        key,
        status=status,  # type: ignore[arg-type]
        receipt=DELIVERED,
        event=None,
        message=None,
        at=_at(minute),
    )


def _statuses(store: HistoryStore) -> dict[str, str]:
    return {attempt.key: attempt.status for attempt in store.attempts()}


def _deliveries(store: Store) -> list[tuple[str, str, str, str | None, bool]]:
    """What the channel said at each try, as (key, UTC time, status, error, transient)."""
    if isinstance(store, SqliteStore):
        rows = store._db.execute(
            "SELECT key, at, status, error, transient FROM deliveries ORDER BY id"
        )
        return [(k, at, status, error, bool(t)) for k, at, status, error, t in rows]
    return [
        (key, at.isoformat(timespec="microseconds"), r.status, r.error, r.transient)
        for key, at, r in store.deliveries()
    ]


def _open(kind: str, folder: Path) -> Store:
    return SqliteStore(folder / "history.sqlite") if kind == "sqlite" else MemoryStore()


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with _open(request.param, tmp_path) as opened:
        yield opened


# -- the attempt lifecycle ---------------------------------------------------------------


def test_it_is_a_history_store(store: Store) -> None:
    assert isinstance(store, HistoryStore)


def test_a_sent_message_is_settled_with_its_event_message_and_delivery(store: Store) -> None:
    assert _claim(store, "k1")
    _prepare(store, "k1")
    [sending] = store.attempts()
    assert (sending.status, sending.tries, sending.event) == ("sending", 1, _event(key="k1"))
    assert sending.message == _message("k1")
    sent = _event(key="k1", outcome="delivered")
    store.complete(
        "k1", status="done", receipt=DELIVERED, event=sent, message=_message("k1"), at=_at(2)
    )
    [done] = store.attempts()
    assert done.status == "done"
    assert (done.receipt, done.event, done.message) == (DELIVERED, sent, _message("k1"))
    assert (done.claimed_at, done.updated_at, done.planned_at) == (_at(0), _at(2), _at(-60))
    assert (done.runner, done.message_id) == ("host:1", "<k1@studio.example>")
    assert store.events() == (sent,)
    assert _deliveries(store) == [
        ("k1", _at(2).isoformat(timespec="microseconds"), "delivered", None, False)
    ]


def test_times_come_back_in_utc(store: Store) -> None:
    warsaw = timezone(timedelta(hours=1))
    store.claim(
        "k1",
        client="c1",
        kind="call",
        channel="phone",
        message_id=None,
        planned_at=_at(0).astimezone(warsaw),
        runner="r",
        at=_at(1).astimezone(warsaw),
    )
    [claimed] = store.attempts()
    assert [t.utcoffset() for t in (claimed.planned_at, claimed.claimed_at)] == [timedelta(0)] * 2
    assert (claimed.planned_at, claimed.claimed_at) == (_at(0), _at(1))


def test_a_bounce_is_settled_as_failed_and_keeps_the_providers_error(store: Store) -> None:
    _claim(store, "k1")
    _prepare(store, "k1")
    bounced = _event(key="k1", outcome="bounced")
    store.complete("k1", status="failed", receipt=BOUNCED, event=bounced, message=None, at=_at(2))
    [failed] = store.attempts()
    assert (failed.status, failed.error, failed.receipt) == ("failed", "550 no such user", BOUNCED)
    assert failed.message == _message("k1"), "a message of None keeps the prepared one"
    assert store.events() == (bounced,)


def test_a_task_stays_open_until_a_new_event_with_its_key_is_added(store: Store) -> None:
    for key in ("call", "other"):
        _claim(store, key)
        _prepare(store, key)
    store.complete(
        "call", status="task", receipt=Receipt(status="task"), event=None, message=None, at=_at(2)
    )
    assert store.events() == ()
    assert store.attempts({"task"})[0].event == _event(key="call"), "kept for `history add`"
    assert store.add_events([_event(5, key="other")]) == 1
    assert _statuses(store) == {"call": "task", "other": "sending"}, "only a task is closed"
    assert store.add_events([_event(9, key="call", outcome="answered")]) == 1
    assert _statuses(store)["call"] == "done"
    assert store.attempts({"done"})[0].updated_at == _at(9), "dated by the outcome"


def test_an_event_already_stored_does_not_close_a_task(store: Store) -> None:
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


def test_a_released_key_is_hidden_and_can_be_claimed_again(store: Store) -> None:
    _claim(store, "k1", runner="first")
    _prepare(store, "k1", minute=3)
    store.release("k1", error="421 try later")
    assert store.attempts() == ()
    assert _claim(store, "k1", runner="second", minute=10)
    assert not _claim(store, "k1", runner="third", minute=11)
    [again] = store.attempts()
    assert (again.status, again.runner, again.claimed_at) == ("claimed", "second", _at(10))
    assert (again.tries, again.error, again.message, again.event, again.receipt) == (
        1,
        "421 try later",
        None,
        None,
        None,
    )
    assert _deliveries(store) == [
        ("k1", _at(3).isoformat(timespec="microseconds"), "failed", "421 try later", True)
    ]


def test_an_interrupted_send_is_uncertain_and_only_a_settlement_moves_it(store: Store) -> None:
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


def test_an_uncertain_send_a_person_found_lost_is_given_back(store: Store) -> None:
    _claim(store, "k1")
    _prepare(store, "k1")
    store.mark_uncertain("k1", at=_at(4), why="the reply was lost")
    store.release("k1", error="not delivered: the client never got it")
    assert store.attempts() == ()
    assert _claim(store, "k1")


def test_a_key_is_claimed_once(store: Store) -> None:
    assert _claim(store, "k1", runner="first")
    assert not _claim(store, "k1", runner="second")
    assert [a.runner for a in store.attempts()] == ["first"]


# The transition table of paychase.store._sqlite's docstring, restated: how each status is
# reached from a fresh claim, and every call it refuses.
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


def _apply(store: HistoryStore, call: str) -> None:
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
def test_a_transition_not_in_the_table_is_refused(store: Store, status: str, call: str) -> None:
    if status != "unclaimed":
        _claim(store, "k1")
    for step in _REACH[status]:
        _apply(store, step)
    before = store.attempts()
    with pytest.raises(PluginError) as raised:
        _apply(store, call)
    assert (raised.value.field, raised.value.value) == ("key", "k1")
    assert store.attempts() == before


def test_complete_refuses_a_status_that_does_not_settle(store: Store) -> None:
    _claim(store, "k1")
    with pytest.raises(PluginError, match="done, failed or task") as raised:
        _settle(store, "k1", "sending")
    assert raised.value.field == "status"


NAIVE = datetime(2026, 3, 17, 9)  # noqa: DTZ001 - the naive value under test

_NAIVE_CALLS: dict[str, tuple[Callable[[HistoryStore], object], str]] = {
    "claim planned_at": (
        lambda s: s.claim(
            "k1",
            client="c1",
            kind="call",
            channel="phone",
            message_id=None,
            planned_at=NAIVE,
            runner="r",
            at=T0,
        ),
        "planned_at",
    ),
    "claim at": (
        lambda s: s.claim(
            "k1",
            client="c1",
            kind="call",
            channel="phone",
            message_id=None,
            planned_at=T0,
            runner="r",
            at=NAIVE,
        ),
        "at",
    ),
    "prepare at": (
        lambda s: s.prepare("k1", message=_message("k1"), event=_event(key="k1"), at=NAIVE),
        "at",
    ),
    "complete at": (
        lambda s: s.complete(
            "k1", status="done", receipt=DELIVERED, event=None, message=None, at=NAIVE
        ),
        "at",
    ),
    "mark_uncertain at": (lambda s: s.mark_uncertain("k1", at=NAIVE, why="?"), "at"),
}


@pytest.mark.parametrize("call", sorted(_NAIVE_CALLS))
def test_naive_datetimes_are_refused_naming_the_field(store: Store, call: str) -> None:
    act, field = _NAIVE_CALLS[call]
    with pytest.raises(PluginError) as raised:
        act(store)
    assert raised.value.field == field
    assert store.attempts() == ()


def test_attempts_come_oldest_claim_first_and_filter_by_status(store: Store) -> None:
    for key, minute in (("late", 30), ("early", 10), ("middle", 20), ("tie", 10)):
        _claim(store, key, minute=minute)
    _prepare(store, "middle")
    assert [a.key for a in store.attempts()] == ["early", "tie", "middle", "late"]
    assert [a.key for a in store.attempts({"claimed"})] == ["early", "tie", "late"]
    assert store.attempts(()) == ()
    with pytest.raises(PluginError, match="not an attempt status") as raised:
        store.attempts({"released"})  # type: ignore[arg-type]
    assert raised.value.field == "statuses"


# -- events --------------------------------------------------------------------------------


def test_an_identical_event_is_stored_once(store: Store) -> None:
    first = _event(key="k1", hours=1)
    assert store.add_events([first, first]) == 1
    assert store.add_events([first]) == 0
    assert store.add_events([_event(key="k1", hours=-7)]) == 0, "the same instant, another offset"
    assert store.add_events([_event(key="k1", note="called back")]) == 1
    assert store.events() == (first, _event(key="k1", note="called back"))


def test_events_come_in_time_order_then_insertion_order_with_their_offsets(store: Store) -> None:
    # 10:00+05:00 is before 09:30Z, though its text sorts after it.
    early = _event(-90, hours=5, note="early")
    tie_a, tie_b = _event(0, hours=2, note="a"), _event(0, hours=-3, note="b")
    late = _event(30, note="late")
    store.add_events([late, tie_a])
    store.add_events(iter([tie_b, early]))  # any iterable, consumed once
    events = store.events()
    assert [e.note for e in events] == ["early", "a", "b", "late"]
    assert [e.at.utcoffset() for e in events] == [timedelta(hours=h) for h in (5, 2, -3, 0)]


def test_the_history_exports_as_a_case_files_history_and_imports_back(store: Store) -> None:
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


def test_both_stores_export_the_same_text(tmp_path: Path) -> None:
    events = [_event(5, hours=1, key="k1"), _event(0, note="first"), _event(0, note="first")]
    with SqliteStore(tmp_path / "history.sqlite") as sqlite, MemoryStore() as memory:
        assert sqlite.add_events(events) == memory.add_events(events) == 2
        assert sqlite.export_history() == memory.export_history()


def test_a_memory_store_refuses_what_is_not_an_event_and_adds_nothing() -> None:
    store = MemoryStore()
    with pytest.raises(PluginError) as raised:
        store.add_events([_event(1), "a reminder"])  # type: ignore[list-item]
    assert raised.value.field == "events[1]"
    assert store.events() == ()


def test_a_memory_store_stays_readable_after_closing() -> None:
    with MemoryStore() as store:
        store.add_events([_event()])
    assert store.events() == (_event(),)


# -- both stores, the same random calls ---------------------------------------------------

KEYS = ("k1", "k2", "k3")

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
minutes = st.integers(0, 3)


def _outcome(call: Callable[[], object]) -> object:
    """What a call said: its result, or the PluginError it raised (class, field, value)."""
    try:
        return ("returned", call())
    except PluginError as error:
        return ("refused", type(error), error.field, error.value)


class StoresAgree(RuleBasedStateMachine):
    """`SqliteStore` and `MemoryStore` given the same calls: each says what the other says."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(self._folder())
        self.sqlite = SqliteStore(self.folder / "history.sqlite")
        self.memory = MemoryStore()

    @staticmethod
    def _folder() -> str:
        import tempfile  # noqa: PLC0415 - one folder per run of the machine

        return tempfile.mkdtemp(prefix="paychase-stores-")

    def teardown(self) -> None:
        self.sqlite.close()
        self.memory.close()
        import shutil  # noqa: PLC0415

        shutil.rmtree(self.folder, ignore_errors=True)

    def _both(self, call: Callable[[Store], object]) -> None:
        said = _outcome(lambda: call(self.sqlite))
        assert _outcome(lambda: call(self.memory)) == said

    @rule(key=st.sampled_from(KEYS), minute=minutes, runner=st.sampled_from(("a", "b")))
    def claim(self, key: str, minute: int, runner: str) -> None:
        self._both(lambda s: _claim(s, key, runner=runner, minute=minute))

    @rule(key=st.sampled_from(KEYS), minute=minutes)
    def prepare(self, key: str, minute: int) -> None:
        self._both(lambda s: _prepare(s, key, minute=minute))

    @rule(
        key=st.sampled_from(KEYS),
        status=st.sampled_from(("done", "failed", "task")),
        receipt=st.sampled_from((DELIVERED, BOUNCED, Receipt(status="task"))),
        event_minute=st.none() | minutes,
        with_message=st.booleans(),
        minute=minutes,
    )
    def complete(
        self,
        *,
        key: str,
        status: Any,
        receipt: Receipt,
        event_minute: int | None,
        with_message: bool,
        minute: int,
    ) -> None:
        event = None if event_minute is None else _event(event_minute, key=key, note="settled")
        message = _message(key) if with_message else None
        self._both(
            lambda s: s.complete(
                key, status=status, receipt=receipt, event=event, message=message, at=_at(minute)
            )
        )

    @rule(key=st.sampled_from(KEYS), error=st.sampled_from(("down", "421 later")))
    def release(self, key: str, error: str) -> None:
        self._both(lambda s: s.release(key, error=error))

    @rule(key=st.sampled_from(KEYS), minute=minutes)
    def mark_uncertain(self, key: str, minute: int) -> None:
        self._both(lambda s: s.mark_uncertain(key, at=_at(minute), why="interrupted"))

    @rule(events=event_lists)
    def add_events(self, events: list[ContactEvent]) -> None:
        self._both(lambda s: s.add_events(events))

    @rule(statuses=st.none() | st.sets(st.sampled_from(("claimed", "sending", "task", "done"))))
    def attempts(self, statuses: set[Any] | None) -> None:
        self._both(lambda s: s.attempts(statuses))

    @invariant()
    def they_hold_the_same(self) -> None:
        assert self.memory.attempts() == self.sqlite.attempts()
        assert [e.model_dump_json() for e in self.memory.events()] == [
            e.model_dump_json() for e in self.sqlite.events()
        ]
        assert _deliveries(self.memory) == _deliveries(self.sqlite)


TestStoresAgree = StoresAgree.TestCase
TestStoresAgree.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
