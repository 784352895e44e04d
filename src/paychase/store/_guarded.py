"""The store's file failing under it — damaged, full, locked, read-only — as a `PluginError`.

A store is opened once and then read and written many times; any of those statements can meet
a fault of the file itself (a damaged page found only when it is read, a disk that fills up in
the middle of a run). Every statement goes through a connection that turns such a fault into a
one-line `PluginError` naming the file, so no command ends in a traceback and a runner stops
cleanly with what it already recorded kept (each write is its own transaction). A constraint
the store's own logic relies on (a unique key refusing a second claim) is not a fault of the
file and passes through unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from paychase.errors import PluginError

__all__ = ["GuardedConnection", "file_fault"]

_FAULTS = {
    "SQLITE_FULL": "the disk holding the history database is full: free some space and run "
    "again (what was done so far is recorded)",
    "SQLITE_CORRUPT": "the history database is damaged ({error}): restore it from a backup, "
    "or copy out what SQLite can still read with `sqlite3 FILE .recover`",
    "SQLITE_NOTADB": "not a SQLite database (is it the right file?)",
    "SQLITE_CANTOPEN": "cannot open the history database: {error}",
    "SQLITE_READONLY": "the history database cannot be written ({error}): check its "
    "permissions and those of its folder",
    "SQLITE_BUSY": "the history database stayed locked by another process ({error})",
    "SQLITE_LOCKED": "the history database stayed locked by another process ({error})",
}


def file_fault(error: sqlite3.Error, path: str) -> PluginError:
    """`error`, met reading or writing the store at `path`, as one line a person can act on."""
    name = (getattr(error, "sqlite_errorname", None) or "").split("_", 2)
    family = "_".join(name[:2])  # SQLITE_IOERR_WRITE → SQLITE_IOERR
    template = _FAULTS.get(family, "cannot read or write the history database: {error}")
    return PluginError(template.format(error=error), field="db", value=path)


class _Guard:
    """Turns a fault of the file at `path`, raised inside it, into a `PluginError`."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: object
    ) -> None:
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(
            error, sqlite3.IntegrityError
        ):
            raise file_fault(error, self.path) from error


class _GuardedCursor(sqlite3.Cursor):
    """A cursor whose statements and fetches report a fault of the file as a `PluginError`."""

    connection: GuardedConnection

    def execute(self, sql: str, parameters: Any = (), /) -> _GuardedCursor:
        with self.connection.faults:
            super().execute(sql, parameters)
        return self

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> _GuardedCursor:
        with self.connection.faults:
            super().executemany(sql, parameters)
        return self

    def fetchone(self) -> Any:
        with self.connection.faults:
            return super().fetchone()

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        with self.connection.faults:
            return super().fetchmany(size)

    def fetchall(self) -> list[Any]:
        with self.connection.faults:
            return super().fetchall()

    def __next__(self) -> Any:
        with self.connection.faults:
            return super().__next__()


class GuardedConnection(sqlite3.Connection):
    """A connection to the store's file whose faults are `PluginError`s naming it.

    Open it with ``sqlite3.connect(path, factory=GuardedConnection)``, then `name` it.
    """

    faults: _Guard = _Guard("")

    def name(self, path: str) -> None:
        """Say which file this is, for the errors."""
        self.faults = _Guard(path)

    def execute(self, sql: str, parameters: Any = (), /) -> _GuardedCursor:
        return self.cursor(_GuardedCursor).execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> _GuardedCursor:
        return self.cursor(_GuardedCursor).executemany(sql, parameters)
