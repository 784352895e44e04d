"""The history store: every contact as it happened and every attempt to perform an action.

`HistoryStore` is the interface; `SqliteStore` keeps it in one SQLite file, safe across
processes and crashes.
"""

from paychase.store._history import Attempt, AttemptStatus, HistoryStore
from paychase.store._sqlite import SqliteStore

__all__ = ["Attempt", "AttemptStatus", "HistoryStore", "SqliteStore"]
