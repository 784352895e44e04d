"""Where the runner reads the facts, afresh immediately before each send.

A payment, a reply or a dispute may be recorded while a run is under way — by a person, by
another process, in the case file itself. The runner plans at the start of a run, but before
it performs each action it reads that client's part of the case again and re-plans it: an
action the latest facts no longer call for is not sent (SPEC §7: "re-plans on the latest facts
immediately before each send").

A `CaseSource` gives the case as it stands, whole or one client's part:

* a `paychase.store.Workspace` is one: the records and every contact, read from the file;
* `CaseFile` reads a case file (again only when it changed) and adds the store's history;
* a `Case` given to `Runner.run` is a snapshot: the store's history is read afresh each time.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from paychase._files import load_case
from paychase.case._case import Case
from paychase.case._client_parts import ClientParts
from paychase.case._history import ContactEvent
from paychase.errors import PluginError
from paychase.store._history import HistoryStore
from paychase.store._sqlite import SqliteStore

__all__ = ["CaseFile", "CaseSource", "Snapshot", "case_with_history", "merged_history"]


@runtime_checkable
class CaseSource(Protocol):
    """Gives the case as it stands now: the whole portfolio, or one client's part of it."""

    def case(self, client: str | None = None) -> Case:
        """The case with every contact recorded so far; only `client`'s part when given."""
        ...


def case_with_history(case: Case, events: Sequence[ContactEvent]) -> Case:
    """`case` with its history replaced by `events`, validated again (references must hold)."""
    data = case.model_dump(by_alias=True, exclude_none=True)
    data["history"] = [e.model_dump(by_alias=True, exclude_none=True) for e in events]
    return Case.model_validate(data)


def merged_history(
    stored: Sequence[ContactEvent], extra: Sequence[ContactEvent]
) -> list[ContactEvent]:
    """`stored` and the events of `extra` not among them, oldest first."""
    known = set(stored)
    return sorted([*stored, *(e for e in extra if e not in known)], key=lambda event: event.at)


def _events_of(store: HistoryStore, client: str | None) -> list[ContactEvent]:
    """The store's contacts, one client's only when asked (by SQL where the store can)."""
    if isinstance(store, SqliteStore):
        return list(store.events(client))
    return [e for e in store.events() if client is None or e.client == client]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A case given once, with the store's history read afresh at each call.

    `with_own_history`: add the case's own history to the store's (a dry run writes nothing
    to the store, so it reads both).
    """

    fixed: Case
    store: HistoryStore
    with_own_history: bool = False
    _parts: ClientParts = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_parts", ClientParts(self.fixed))

    def case(self, client: str | None = None) -> Case:
        """The case, whole or `client`'s part, with the store's history as it is now."""
        part = self.fixed if client is None else self._parts.of(client)
        stored = _events_of(self.store, client)
        events = merged_history(stored, part.history) if self.with_own_history else stored
        return case_with_history(part, events)


@dataclass(slots=True)
class CaseFile:
    """A case file read again whenever it changes, its history added to the store's.

    A person may record a payment in the file while ``paychase run --for 12h`` waits: the
    next send sees it.

    Args:
        path: the case file (JSON, or YAML with PyYAML).
        store: the history store the runner records in.

    Raises:
        PluginError: `path` is not a path or `store` not a `SqliteStore`.
    """

    path: Path
    store: SqliteStore
    _stamp: tuple[int, int, int] | None = field(default=None, init=False)
    _case: Case | None = field(default=None, init=False)
    _parts: ClientParts | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.path, str | os.PathLike):
            raise PluginError("not a file path", field="path", value=self.path)
        if not isinstance(self.store, SqliteStore):
            raise PluginError(
                "a SqliteStore (or Workspace)", field="store", value=type(self.store).__name__
            )
        self.path = Path(self.path)

    def case(self, client: str | None = None) -> Case:
        """The file's case as it is now, whole or `client`'s part, with the store's history.

        Raises:
            InvalidCaseError: the file cannot be read or is no longer a valid case.
        """
        current = self._read()
        if client is None:
            return case_with_history(current, _events_of(self.store, None))
        if self._parts is None or self._parts.case is not current:
            self._parts = ClientParts(current)
        part = self._parts.of(client)
        return case_with_history(part, _events_of(self.store, client))

    def _read(self) -> Case:
        """The file's case, read again only when its size, time or inode changed."""
        try:
            info = os.stat(self.path)
        except OSError:
            return load_case(self.path)  # names the path and why it cannot be read
        stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        if self._case is None or stamp != self._stamp:
            self._case = load_case(self.path)
            self._stamp = stamp
            self.store.add_events(self._case.history)
        return self._case
