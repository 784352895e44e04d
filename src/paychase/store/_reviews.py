"""Reviews with a life: a decision the planner hands to a person, open until it is closed.

The planner plans a ``review`` whenever something needs a person (a dispute, a promise too far
off, a rate table that ran out). Planned again at every run, it would reach the owner again at
every run — cron mails it daily. So each review is kept by its action key:

* ``open``   — first seen at a run, reported that once; it stays open while it is planned;
* ``done``   — a person closed it, with a note (``paychase reviews done KEY --note ...``): it
               is not reported again for as long as the same situation lasts (same key);
* ``lapsed`` — the plan no longer asks for it (the dispute was resolved, the invoice paid):
               it closed itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from paychase._model import FrozenModel
from paychase.errors import InvalidCaseError
from paychase.planner._outputs import Action
from paychase.store._database import transaction
from paychase.store._sqlite import utc_text

__all__ = ["Review", "ReviewStatus", "close_review", "lapse_reviews", "note_reviews", "reviews"]

ReviewStatus = Literal["open", "done", "lapsed"]
"""Where a review stands: waiting for a person, closed by one, or no longer asked for."""


class Review(FrozenModel):
    """A decision the planner asked a person for, and what became of it."""

    key: str = Field(description="The review action's key: the same situation, the same key")
    client: str = Field(description="The client it concerns")
    reason: str = Field(description="Why a person is needed, as the planner last said it")
    first_seen: AwareDatetime = Field(description="The run that first planned it")
    last_seen: AwareDatetime = Field(description="The last run that planned it")
    status: ReviewStatus = Field(description="open, done (closed by a person) or lapsed")
    closed_at: AwareDatetime | None = Field(default=None, description="When it was closed")
    note: str | None = Field(default=None, description="What the person decided")


def note_reviews(
    db: sqlite3.Connection, planned: Iterable[Action], *, at: datetime
) -> list[Review]:
    """Keep the review actions of a plan; the ones to report: new, or lapsed and back again.

    A review planned again refreshes its reason; one a person closed stays closed.
    """
    when = utc_text(at, "at")
    new: list[str] = []
    with transaction(db):
        for action in planned:
            if action.kind != "review":
                continue
            cursor = db.execute(
                "INSERT INTO reviews (key, client, first_seen, last_seen, reason, status)"
                " VALUES (?, ?, ?, ?, ?, 'open') ON CONFLICT (key) DO NOTHING",
                (action.key, action.client, when, when, action.reason),
            )
            reopened = db.execute(
                "UPDATE reviews SET status = 'open', closed_at = NULL WHERE key = ?"
                " AND status = 'lapsed'",
                (action.key,),
            )
            if cursor.rowcount == 1 or reopened.rowcount == 1:
                new.append(action.key)
            db.execute(
                "UPDATE reviews SET last_seen = ?, reason = ? WHERE key = ?",
                (when, action.reason, action.key),
            )
    return [review for review in reviews(db) if review.key in new]


def lapse_reviews(
    db: sqlite3.Connection, planned: Collection[str], *, clients: Collection[str], at: datetime
) -> int:
    """Close the open reviews of `clients` that the plan (keys `planned`) no longer asks for."""
    if not clients:
        return 0
    marks = ", ".join("?" * len(clients))
    with transaction(db):
        rows = db.execute(
            f"SELECT key FROM reviews WHERE status = 'open' AND client IN ({marks})",
            tuple(clients),
        ).fetchall()
        gone = [row["key"] for row in rows if row["key"] not in planned]
        for key in gone:
            db.execute(
                "UPDATE reviews SET status = 'lapsed', closed_at = ? WHERE key = ?",
                (utc_text(at, "at"), key),
            )
    return len(gone)


def close_review(db: sqlite3.Connection, key: str, *, note: str, at: datetime) -> Review:
    """A person decided: the review is done, with their note.

    Raises:
        InvalidCaseError: naming ``key`` (no such review, or not open) or ``note`` (empty).
    """
    if not note.strip():
        raise InvalidCaseError("say what was decided", field="note")
    with transaction(db):
        row = db.execute("SELECT status FROM reviews WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise InvalidCaseError("no review has this key", field="key", value=key)
        if row["status"] != "open":
            raise InvalidCaseError(
                f"the review is {row['status']}, not open", field="key", value=key
            )
        db.execute(
            "UPDATE reviews SET status = 'done', closed_at = ?, note = ? WHERE key = ?",
            (utc_text(at, "at"), note.strip(), key),
        )
    return next(review for review in reviews(db) if review.key == key)


def reviews(
    db: sqlite3.Connection, statuses: Collection[ReviewStatus] = ("open", "done", "lapsed")
) -> tuple[Review, ...]:
    """The reviews in `statuses`, oldest first."""
    marks = ", ".join("?" * len(statuses))
    rows = db.execute(
        f"SELECT * FROM reviews WHERE status IN ({marks}) ORDER BY first_seen, key",
        tuple(statuses),
    )
    return tuple(
        Review(
            key=row["key"],
            client=row["client"],
            reason=row["reason"],
            first_seen=datetime.fromisoformat(row["first_seen"]),
            last_seen=datetime.fromisoformat(row["last_seen"]),
            status=row["status"],
            closed_at=datetime.fromisoformat(row["closed_at"]) if row["closed_at"] else None,
            note=row["note"],
        )
        for row in rows
    )
