"""The workspace and the history store: the case, every contact and every attempt, kept.

`Workspace` is the user's one source of truth in one SQLite file: the case's records, every
contact, what people record by hand (payments, credit notes, replies…), reviews with a life,
and the delivery attempts that make sending exactly-once. `HistoryStore` is the smaller
interface the runner needs; `SqliteStore` implements it, and `Workspace` is one.
"""

from paychase.store._history import Attempt, AttemptStatus, HistoryStore
from paychase.store._journal import Entry
from paychase.store._reviews import Review, ReviewStatus
from paychase.store._sqlite import SqliteStore
from paychase.store._workspace import ImportReport, Workspace

__all__ = [
    "Attempt",
    "AttemptStatus",
    "Entry",
    "HistoryStore",
    "ImportReport",
    "Review",
    "ReviewStatus",
    "SqliteStore",
    "Workspace",
]
