"""The built-in history store: contact history and delivery attempts in one SQLite file.

`SqliteStore` implements `HistoryStore` on the standard library's ``sqlite3``. It owns the
store's operations: the rule that an identical event is kept once, and the attempt state machine
that makes delivery exactly-once (the file itself, its schema, migrations and transactions, is
`paychase.store._database`'s):

* a claim is an ``INSERT`` into ``attempts`` inside ``BEGIN IMMEDIATE``; the key is the
  table's primary key, so a second claim of a key fails in SQLite itself — even from another
  process — and `SqliteStore.claim` returns False;
* every change that belongs together (settling an attempt, its delivery row and its history
  event) is one transaction, written with ``synchronous=FULL`` in WAL mode: a crash or a
  killed process leaves all of it or none of it.

Transitions (every other call raises `PluginError`, naming the key):

==============  ===========================  ==================  ===================================
call            from                         to                  also
==============  ===========================  ==================  ===================================
claim           no attempt, or released      claimed             False when any other attempt exists
prepare         claimed, sending             sending             keeps message and event; tries + 1
complete        claimed, sending, uncertain  done, failed, task  delivery row; the event, if given
release         claimed, sending, uncertain  released            delivery row (transient failure)
mark_uncertain  sending                      uncertain           keeps why as the error
add_events      task                         done                when a *new* event has its key
==============  ===========================  ==================  ===================================

``released`` is the store's own status and never shown: `SqliteStore.attempts` leaves such
rows out and a later claim takes the key again. The row stays (rather than being deleted) so
the key keeps one attempt ever, its ``tries`` keep counting across runs and the ``deliveries``
rows recording each transient failure keep a valid foreign key. ``complete`` or
``release`` from ``uncertain`` is how a person (or a channel checked later) settles a doubtful
send: it arrived, or it did not and the next run sends it.

Only a *new* event closes a task: re-importing a history that already holds an event must not
close a task opened after it.

Times are stored as UTC ISO 8601 text with microseconds (so text order is time order) and
come back as aware UTC datetimes; an event's own offset is kept in its JSON body.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Final, Literal, Self, get_args

from paychase.case._case import Case
from paychase.case._history import ContactEvent
from paychase.errors import PluginError
from paychase.messages._message import Message, Receipt
from paychase.policy._policy import ActionKind, Channel
from paychase.store._database import connect, migrate, transaction
from paychase.store._history import (
    ATTEMPT_TRANSITIONS,
    Attempt,
    AttemptStatus,
    StoreOperation,
)

__all__ = ["SqliteStore", "fingerprint", "insert_events", "utc_text"]

# The transition table of the module docstring, as the code checks it.
_ALLOWED_FROM: Final = ATTEMPT_TRANSITIONS
_SETTLED: Final = frozenset({"done", "failed", "task"})
_VISIBLE: Final[tuple[AttemptStatus, ...]] = get_args(AttemptStatus)
_RELEASED: Final = "released"


class SqliteStore:
    """A `HistoryStore` in one SQLite file, shared safely by runners in several processes.

    Args:
        path: the database file, created with the current schema when missing
            (``":memory:"`` gives a private in-memory store, without WAL).

    Raises:
        PluginError: `path` is not a path, or the file cannot be opened, is not a SQLite
            database, holds someone else's tables, or was written by a newer paychase (its
            schema version is named).

    Examples:
        >>> from datetime import datetime, timezone
        >>> at = datetime(2026, 3, 17, 9, tzinfo=timezone.utc)
        >>> def claim(store):
        ...     return store.claim("k1", client="c1", kind="send_reminder", channel="email",
        ...                        message_id=None, planned_at=at, runner="host:1", at=at)
        >>> with SqliteStore(":memory:") as store:
        ...     claim(store), claim(store), [a.status for a in store.attempts()]
        (True, False, ['claimed'])
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        if not isinstance(path, str | os.PathLike):
            raise PluginError("not a file path", field="db", value=path)
        self.path = os.fspath(path)
        self._db = connect(self.path)
        try:
            migrate(self._db, self.path)
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; calling it again does nothing."""
        self._db.close()

    # -- history ---------------------------------------------------------------------------

    def events(self, client: str | None = None) -> tuple[ContactEvent, ...]:
        """Every recorded contact, oldest first (ties in the order they were added).

        Only `client`'s when given. A contact a person marked void
        (`paychase.store.Workspace.void`) is left out.
        """
        if client is None:
            rows = self._db.execute("SELECT body FROM events WHERE void_at IS NULL ORDER BY at, id")
        else:
            rows = self._db.execute(
                "SELECT body FROM events WHERE void_at IS NULL AND client = ? ORDER BY at, id",
                (client,),
            )
        return tuple(ContactEvent.model_validate_json(body) for (body,) in rows)

    def add_events(self, events: Iterable[ContactEvent], /) -> int:
        """Record contacts not yet recorded (an identical event is kept once); how many were new.

        A new event whose ``key`` names an open task closes it (status ``done``), dated by
        the event. All the events are added in one transaction.
        """
        batch = tuple(events)
        with transaction(self._db) as db:
            return insert_events(db, batch)

    def export_history(self) -> str:
        """The history as the case file's ``history`` array, in JSON text, oldest first."""
        data = [e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in self.events()]
        return json.dumps(data, indent=2, ensure_ascii=False)

    def import_case_history(self, case: Case) -> int:
        """Add the case file's history to the store (see `add_events`); how many were new."""
        return self.add_events(case.history)

    # -- attempts --------------------------------------------------------------------------

    def claim(
        self,
        key: str,
        *,
        client: str,
        kind: ActionKind,
        channel: Channel,
        message_id: str | None,
        planned_at: datetime,
        runner: str,
        at: datetime,
    ) -> bool:
        """Take `key` for this runner; False when any attempt for it exists already.

        A key given back by `release` can be claimed again.
        """
        row = {
            "key": key,
            "client": client,
            "kind": kind,
            "channel": channel,
            "message_id": message_id,
            "planned_at": utc_text(planned_at, "planned_at"),
            "runner": runner,
            "at": utc_text(at, "at"),
        }
        with transaction(self._db) as db:
            try:
                db.execute(
                    "INSERT INTO attempts (key, client, kind, channel, message_id, planned_at,"
                    " status, runner, claimed_at, updated_at) VALUES (:key, :client, :kind,"
                    " :channel, :message_id, :planned_at, 'claimed', :runner, :at, :at)",
                    row,
                )
            except sqlite3.IntegrityError as error:
                if error.sqlite_errorname != "SQLITE_CONSTRAINT_PRIMARYKEY":
                    raise
                return _reclaim(db, row)
        return True

    def prepare(self, key: str, /, *, message: Message, event: ContactEvent, at: datetime) -> None:
        """Keep the rendered message and the event it will record; the send is about to start.

        Moves a ``claimed`` attempt to ``sending`` and counts a try; called again before each
        retry.
        """
        when = utc_text(at, "at")
        with transaction(self._db) as db:
            _require(db, key, "prepare")
            db.execute(
                "UPDATE attempts SET status = 'sending', tries = tries + 1, updated_at = ?,"
                " message = ?, event = ? WHERE key = ?",
                (when, message.to_json(indent=None), _event_json(event), key),
            )

    def complete(
        self,
        key: str,
        /,
        *,
        status: Literal["done", "failed", "task"],
        receipt: Receipt,
        event: ContactEvent | None,
        message: Message | None,
        at: datetime,
    ) -> None:
        """Settle the attempt, keep the message, record the history event: all or nothing.

        A `message` or `event` of None keeps the one `prepare` stored.
        """
        if status not in _SETTLED:
            raise PluginError(
                "an attempt settles as done, failed or task", field="status", value=status
            )
        when = utc_text(at, "at")
        with transaction(self._db) as db:
            _require(db, key, "complete")
            _settle(
                db, key, status=status, receipt=receipt, message=message, event=event, when=when
            )
            _record_delivery(db, key, when, receipt)
            if event is not None:
                _insert_event(db, event)

    def release(self, key: str, /, *, error: str) -> None:
        """Give the key back (a transient failure before anything went out): a later run retries.

        The failure is kept as a delivery row dated by the attempt's last update (the
        contract passes no time).
        """
        with transaction(self._db) as db:
            current = _require(db, key, "release")
            failure = Receipt(status="failed", error=error, transient=True)
            _record_delivery(db, key, current["updated_at"], failure)
            db.execute(
                "UPDATE attempts SET status = 'released', error = ? WHERE key = ?", (error, key)
            )

    def mark_uncertain(self, key: str, /, *, at: datetime, why: str) -> None:
        """A send was interrupted and nobody can tell whether it went out."""
        when = utc_text(at, "at")
        with transaction(self._db) as db:
            _require(db, key, "mark_uncertain")
            db.execute(
                "UPDATE attempts SET status = 'uncertain', error = ?, updated_at = ? WHERE key = ?",
                (why, when, key),
            )

    def attempts(self, statuses: Collection[AttemptStatus] | None = None) -> tuple[Attempt, ...]:
        """Attempts, oldest claim first; only those in `statuses` when given.

        Raises:
            PluginError: `statuses` names a status attempts do not have.
        """
        wanted = _VISIBLE if statuses is None else tuple(statuses)
        unknown = sorted(set(wanted) - set(_VISIBLE))
        if unknown:
            raise PluginError("not an attempt status", field="statuses", value=unknown)
        marks = ", ".join("?" * len(wanted))
        rows = self._db.execute(
            f"SELECT * FROM attempts WHERE status IN ({marks}) ORDER BY claimed_at, rowid",
            wanted,
        )
        return tuple(_attempt(row) for row in rows)


# -- attempts --------------------------------------------------------------------------------


def _reclaim(db: sqlite3.Connection, row: dict[str, Any]) -> bool:
    """Claim a released key again (keeping its tries and last error); False for any other."""
    cursor = db.execute(
        "UPDATE attempts SET client = :client, kind = :kind, channel = :channel,"
        " message_id = :message_id, planned_at = :planned_at, status = 'claimed',"
        " runner = :runner, claimed_at = :at, updated_at = :at, receipt = NULL,"
        " message = NULL, event = NULL WHERE key = :key AND status = 'released'",
        row,
    )
    return cursor.rowcount == 1


def _require(db: sqlite3.Connection, key: str, operation: StoreOperation) -> sqlite3.Row:
    """The attempt row for `key`, if `operation` may be applied to it; else PluginError."""
    row: sqlite3.Row | None = db.execute(
        "SELECT status, updated_at FROM attempts WHERE key = ?", (key,)
    ).fetchone()
    if row is None or row["status"] == _RELEASED:
        raise PluginError(
            f"{operation}: no runner holds this key (claim it first)", field="key", value=key
        )
    allowed = _ALLOWED_FROM[operation]
    if row["status"] not in allowed:
        raise PluginError(
            f"{operation}: the attempt is {row['status']}, "
            f"but only {' or '.join(sorted(allowed))} attempts allow it",
            field="key",
            value=key,
        )
    return row


def _settle(
    db: sqlite3.Connection,
    key: str,
    *,
    status: str,
    receipt: Receipt,
    message: Message | None,
    event: ContactEvent | None,
    when: str,
) -> None:
    """Write the settled state; a None `message` or `event` keeps the prepared one."""
    db.execute(
        "UPDATE attempts SET status = ?, receipt = ?, error = coalesce(?, error),"
        " message = coalesce(?, message), event = coalesce(?, event), updated_at = ?"
        " WHERE key = ?",
        (
            status,
            receipt.model_dump_json(exclude_none=True),
            receipt.error,
            None if message is None else message.to_json(indent=None),
            None if event is None else _event_json(event),
            when,
            key,
        ),
    )


def _record_delivery(db: sqlite3.Connection, key: str, when: str, receipt: Receipt) -> None:
    """One row per channel result: what the channel said, kept after the attempt changes."""
    db.execute(
        "INSERT INTO deliveries (key, at, status, provider_id, error, transient)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (key, when, receipt.status, receipt.provider_id, receipt.error, int(receipt.transient)),
    )


def _attempt(row: sqlite3.Row) -> Attempt:
    def parsed(column: str, model: type[Receipt] | type[Message] | type[ContactEvent]) -> Any:
        text = row[column]
        return None if text is None else model.model_validate_json(text)

    return Attempt(
        key=row["key"],
        client=row["client"],
        kind=row["kind"],
        channel=row["channel"],
        message_id=row["message_id"],
        planned_at=datetime.fromisoformat(row["planned_at"]),
        status=row["status"],
        runner=row["runner"],
        claimed_at=datetime.fromisoformat(row["claimed_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        tries=row["tries"],
        receipt=parsed("receipt", Receipt),
        error=row["error"],
        message=parsed("message", Message),
        event=parsed("event", ContactEvent),
    )


# -- events ----------------------------------------------------------------------------------


def insert_events(db: sqlite3.Connection, events: Iterable[ContactEvent]) -> int:
    """Add the events not stored yet, closing the tasks new ones name; how many were new."""
    added = 0
    for event in events:
        if _insert_event(db, event):
            added += 1
            _close_task(db, event)
    return added


def _insert_event(db: sqlite3.Connection, event: ContactEvent) -> bool:
    """Add `event` unless an identical one is stored; whether it was new."""
    cursor = db.execute(
        "INSERT INTO events (at, client, key, fingerprint, body) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (fingerprint) DO NOTHING",
        (
            utc_text(event.at, "event.at"),
            event.client,
            event.key,
            fingerprint(event),
            _event_json(event),
        ),
    )
    return cursor.rowcount == 1


def _close_task(db: sqlite3.Connection, event: ContactEvent) -> None:
    """A person recorded the outcome of the task `event.key` names: the task is done."""
    if event.key is not None:
        db.execute(
            "UPDATE attempts SET status = 'done', updated_at = ? WHERE key = ? AND status = 'task'",
            (utc_text(event.at, "event.at"), event.key),
        )


def fingerprint(event: ContactEvent) -> str:
    """The sha256 of `event`'s canonical JSON: equal for the same contact at the same instant.

    Canonical: keys sorted, no None fields, the time in UTC — so the same moment written with
    another offset is the same event.
    """
    data = event.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["at"] = utc_text(event.at, "event.at")
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _event_json(event: ContactEvent) -> str:
    """The event as stored: its JSON with its own offset kept."""
    return event.model_dump_json(by_alias=True, exclude_none=True)


def utc_text(moment: datetime, field: str) -> str:
    """`moment` as sortable UTC text; a naive datetime is refused, naming `field`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PluginError(
            "naive datetime: give a timezone-aware one", field=field, value=moment.isoformat()
        )
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
