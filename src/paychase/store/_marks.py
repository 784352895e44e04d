"""Plan marks: what an incremental run needs to know about each client without planning it.

A run that planned a client keeps a mark for it: the **fingerprint** of the facts the plan
was made from and the **next review**, the earliest moment at which time alone can make the
client's plan call for something (see `paychase.delivery._runner`). A later run plans a client
again only when its fingerprint differs (a record, a contact, a payment changed; a shared
policy version or setting changed; another rate table, calendar data or paychase version) or
its next review has come; the other clients have nothing due, so they are not planned.

The fingerprint is a hash of the stored text of every row the client's part of the case is
read from (`Workspace.case` with a client): its own records, contacts and hand-recorded money
not void, plus what every client shares (records without a client, the settings) and a
`basis` the runner gives (versions of what the planner reads besides the workspace). It is
computed in one ordered pass over each table, without building a `Case`, so finding the
changed clients costs a small part of planning them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from paychase.store._database import transaction
from paychase.store._sqlite import utc_text

__all__ = ["PlanMark", "fact_fingerprints", "keep_marks", "plan_marks"]

# Separates fields and rows in the hashed text: it cannot occur in JSON text or an id.
_SEP: Final = b"\x00"


@dataclass(frozen=True, slots=True)
class PlanMark:
    """What the last run that planned `client` knew: its facts' fingerprint, its next review.

    `next_review` None: time alone changes nothing in the client's plan (nothing is open).
    """

    client: str
    fingerprint: str
    next_review: datetime | None

    def stale(self, fingerprint: str, now: datetime) -> bool:
        """Whether the client must be planned again at `now`, its facts now `fingerprint`."""
        if fingerprint != self.fingerprint:
            return True
        return self.next_review is not None and self.next_review <= now


def fact_fingerprints(
    db: sqlite3.Connection, basis: str, clients: Collection[str] | None = None
) -> dict[str, str]:
    """Each client's fingerprint, by client id (see the module docstring).

    Only `clients`' when given; a client not in the workspace has none. `basis` names what
    the plan depends on beyond the workspace (paychase's version, the rate table's, the
    calendars'): another basis gives every client another fingerprint.
    """
    shared = hashlib.blake2b(basis.encode(), digest_size=16)
    rows = db.execute("SELECT kind, id, body FROM records WHERE client IS NULL ORDER BY kind, id")
    for kind, identifier, body in rows:
        shared.update(_row(kind, identifier, body))
    for name, body in db.execute("SELECT name, body FROM settings ORDER BY name"):
        shared.update(_row("setting", name, body))
    common = shared.digest()
    hashes: dict[str, hashlib.blake2b] = {}

    def feed(client: str, data: bytes) -> None:
        digest = hashes.get(client)
        if digest is None:
            digest = hashes[client] = hashlib.blake2b(common, digest_size=16)
        digest.update(data)

    wanted, parameters = _only(clients)
    clients_rows = db.execute(f"SELECT id FROM records WHERE kind = 'client'{wanted}", parameters)
    for (client,) in clients_rows:
        feed(client, b"")
    records = db.execute(
        f"SELECT client, kind, id, body FROM records WHERE client IS NOT NULL{wanted}"
        " ORDER BY client, kind, position",
        parameters,
    )
    for client, kind, identifier, body in records:
        feed(client, _row(kind, identifier, body))
    events = db.execute(
        f"SELECT client, body FROM events WHERE void_at IS NULL{wanted} ORDER BY client, at, id",
        parameters,
    )
    for client, body in events:
        feed(client, _row("event", "", body))
    entries = db.execute(
        f"SELECT client, kind, invoice, body FROM entries WHERE void_at IS NULL{wanted}"
        " ORDER BY client, id",
        parameters,
    )
    for client, kind, invoice, body in entries:
        feed(client, _row(kind, invoice, body))
    return {client: digest.hexdigest() for client, digest in hashes.items()}


def _only(clients: Collection[str] | None) -> tuple[str, tuple[str, ...]]:
    """The SQL condition (and its parameter) keeping the rows of `clients`; none for all."""
    if clients is None:
        return "", ()
    return " AND client IN (SELECT value FROM json_each(?))", (json.dumps(sorted(clients)),)


def _row(kind: str, identifier: str, body: str) -> bytes:
    return _SEP.join((kind.encode(), identifier.encode(), body.encode(), b""))


def plan_marks(db: sqlite3.Connection) -> dict[str, PlanMark]:
    """The marks kept by earlier runs, by client id."""
    rows = db.execute("SELECT client, fingerprint, next_review FROM plan_marks")
    return {
        client: PlanMark(
            client, fingerprint, datetime.fromisoformat(review) if review is not None else None
        )
        for client, fingerprint, review in rows
    }


def keep_marks(db: sqlite3.Connection, marks: Iterable[PlanMark], *, at: datetime) -> int:
    """Keep the marks of the clients a run planned (replacing their earlier ones); how many."""
    when = utc_text(at, "at")
    rows = [
        (
            mark.client,
            mark.fingerprint,
            None if mark.next_review is None else utc_text(mark.next_review, "next_review"),
            when,
        )
        for mark in marks
    ]
    with transaction(db):
        db.executemany(
            "INSERT INTO plan_marks (client, fingerprint, next_review, planned_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (client) DO UPDATE SET"
            " fingerprint = excluded.fingerprint, next_review = excluded.next_review,"
            " planned_at = excluded.planned_at",
            rows,
        )
    return len(rows)
