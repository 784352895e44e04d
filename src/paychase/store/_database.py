"""The history store's SQLite file: opening it, its schema and migrations, write transactions.

A file is opened in autocommit mode with the pragmas the store relies on (WAL, foreign keys,
``synchronous=FULL``), waiting while another process holds a lock; its schema is versioned and
migrated forward when opened, one migration per transaction, and a file from a newer paychase or
someone else's database is refused. Every write is one `transaction` that holds the write lock
from its start (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from paychase.errors import PluginError
from paychase.store._guarded import GuardedConnection, file_fault

__all__ = ["SCHEMA_VERSION", "connect", "migrate", "transaction"]

# Each migration is applied once, in its own transaction, in order; a migration is never
# edited after release (a database records only its number), a change is a new migration.
# The status CHECK is written out rather than built from AttemptStatus for the same reason.
_MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY)",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            client TEXT NOT NULL,
            key TEXT,
            fingerprint TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL
        )""",
        "CREATE INDEX events_by_time ON events (at, id)",
        """CREATE TABLE attempts (
            key TEXT PRIMARY KEY,
            client TEXT NOT NULL,
            kind TEXT NOT NULL,
            channel TEXT NOT NULL,
            message_id TEXT,
            planned_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN
                ('claimed', 'sending', 'done', 'failed', 'task', 'uncertain', 'released')),
            runner TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            tries INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),
            receipt TEXT,
            error TEXT,
            message TEXT,
            event TEXT
        )""",
        "CREATE INDEX attempts_by_status ON attempts (status, claimed_at)",
        """CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL REFERENCES attempts (key),
            at TEXT NOT NULL,
            status TEXT NOT NULL,
            provider_id TEXT,
            error TEXT,
            transient INTEGER NOT NULL CHECK (transient IN (0, 1))
        )""",
        "CREATE INDEX deliveries_by_key ON deliveries (key)",
    ),
    (
        # The workspace: the case's records, what people record by hand, reviews with a life.
        "ALTER TABLE events ADD COLUMN recorded_at TEXT",
        "ALTER TABLE events ADD COLUMN void_at TEXT",
        "ALTER TABLE events ADD COLUMN void_why TEXT",
        "CREATE INDEX events_by_client ON events (client, at, id)",
        """CREATE TABLE records (
            kind TEXT NOT NULL CHECK (kind IN ('client', 'contract', 'invoice', 'exchange_rate',
                'policy_version', 'instalment_plan', 'chase')),
            id TEXT NOT NULL,
            position INTEGER NOT NULL,
            client TEXT,
            body TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (kind, id)
        )""",
        "CREATE INDEX records_by_client ON records (client, kind, position)",
        """CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            body TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('payment', 'credit_note')),
            client TEXT NOT NULL,
            invoice TEXT NOT NULL,
            body TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            void_at TEXT,
            void_why TEXT
        )""",
        "CREATE INDEX entries_by_client ON entries (client, id)",
        """CREATE TABLE reviews (
            key TEXT PRIMARY KEY,
            client TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            reason TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'done', 'lapsed')),
            closed_at TEXT,
            note TEXT
        )""",
    ),
    (
        # Incremental runs: per client, the fingerprint of the facts it was last planned on
        # and the next moment time alone can change its plan (`paychase.store._marks`).
        """CREATE TABLE plan_marks (
            client TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            next_review TEXT,
            planned_at TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION: Final = len(_MIGRATIONS)
"""The schema version this code writes; a database from a newer version is refused."""

_BUSY_SECONDS: Final = 30
_BUSY: Final = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})
_PRAGMAS: Final = (
    # Set only once the file is known to be ours (or empty): each changes a foreign file.
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    # FULL syncs the WAL at every commit: a settled attempt survives a power cut, not only a
    # crash of the process (NORMAL may lose the last commits, and with them "sent" records).
    "PRAGMA synchronous = FULL",
)


def connect(path: str) -> sqlite3.Connection:
    """Open `path` in autocommit mode (transactions are explicit) and set the pragmas.

    Someone else's database is refused before anything is written to it: switching the
    journal to WAL rewrites the file's header, which a program expecting a rollback journal
    (or a network file system) may not survive.
    """
    try:
        db = sqlite3.connect(path, isolation_level=None, factory=GuardedConnection)
    except sqlite3.Error as error:
        raise file_fault(error, path) from None
    db.name(path)
    db.row_factory = sqlite3.Row
    try:
        # The busy timeout first: switching to WAL takes a lock another process may hold.
        db.execute(f"PRAGMA busy_timeout = {_BUSY_SECONDS * 1000}")
        _schema_version(db, path)  # refuses a file that is not a paychase history
        for pragma in _PRAGMAS:
            _execute_waiting(db, pragma, path)
    except BaseException:
        db.close()
        raise
    return db


def _execute_waiting(db: sqlite3.Connection, statement: str, path: str) -> None:
    """Run `statement`, waiting while another process holds the lock it needs.

    Switching a new file to WAL needs an exclusive lock, and SQLite reports a busy database
    there at once instead of calling the busy handler: two runners opening a fresh store
    together would otherwise fail.
    """
    deadline = time.monotonic() + _BUSY_SECONDS
    while True:
        try:
            sqlite3.Connection.execute(db, statement)  # the error itself, to tell a busy one
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorname not in _BUSY or time.monotonic() > deadline:
                raise file_fault(error, path) from None
            time.sleep(0.02)


def migrate(db: sqlite3.Connection, path: str) -> None:
    """Bring the schema to `SCHEMA_VERSION`, one migration per transaction."""
    version = _schema_version(db, path)
    if version > SCHEMA_VERSION:
        raise PluginError(
            f"the history database has schema version {version}, newer than the "
            f"{SCHEMA_VERSION} this paychase knows: upgrade paychase to open it",
            field="db",
            value=path,
        )
    for number in range(version + 1, SCHEMA_VERSION + 1):
        with transaction(db):
            # Another process may have applied it while this one waited for the lock.
            if _schema_version(db, path) < number:
                for statement in _MIGRATIONS[number - 1]:
                    db.execute(statement)
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))


def _schema_version(db: sqlite3.Connection, path: str) -> int:
    """The version recorded in the file: 0 for an empty database."""
    tables = {
        name
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith("sqlite_")
    }
    if "schema_version" not in tables:
        if tables:
            raise PluginError(
                "a SQLite database, but not a paychase history (no schema_version table)",
                field="db",
                value=path,
            )
        return 0
    (version,) = db.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(version)


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, holding the write lock from the start; rolled back on error.

    ``IMMEDIATE`` takes the lock before the first read, so a check and the write after it
    (the transition checks) cannot interleave with another process's.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
