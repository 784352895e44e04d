"""The workspace: the user's one source of truth, in one SQLite file.

A `Workspace` is the history store (`SqliteStore`: contacts and delivery attempts) plus the
case itself — clients, contracts, invoices, policies, instalment plans, chases, kept as records
(`paychase.store._records`) — plus what people record by hand: payments, credit notes and
contacts, each an entry of the journal that can be voided but never deleted
(`paychase.store._journal`), and the reviews the planner asked for, each open until a person
closes it (`paychase.store._reviews`).

It opens only a file that exists: a mistyped path is an error naming it, never a fresh empty
workspace that would send everything again. `Workspace.create` makes a new one.

The case file stays the interchange format: `import_case` merges one in (twice the same file
changes nothing), `export_case` writes the workspace back as one, and `case` gives the `Case`
the planner reads — the whole portfolio, or one client's part, read afresh each time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Self

from paychase.case._case import Case
from paychase.case._history import ContactEvent
from paychase.errors import PaychaseError, PluginError
from paychase.planner._known_steps import check_history_steps
from paychase.planner._outputs import Action
from paychase.store._database import transaction
from paychase.store._journal import Entry, journal, record_event, record_money, void
from paychase.store._marks import PlanMark, fact_fingerprints, keep_marks, plan_marks
from paychase.store._records import Record, Records, body_text, merge, rebase_error
from paychase.store._reviews import (
    Review,
    ReviewStatus,
    close_review,
    lapse_reviews,
    note_reviews,
    reviews,
)
from paychase.store._sqlite import SqliteStore, insert_events, utc_text

__all__ = ["ImportReport", "Workspace"]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import changed: records added, updated and left as they were; contacts added."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: int
    events: int

    @property
    def changed(self) -> bool:
        """Whether the import changed anything at all."""
        return bool(self.added or self.updated or self.events)


class Workspace(SqliteStore):
    """The case, its history and everything recorded since, in one SQLite file.

    Args:
        path: the workspace file; it must exist (see `create`).

    Raises:
        PluginError: there is no file at `path` (the error says to create it), or it is not
            a paychase workspace or history store.

    Examples:
        >>> import tempfile, pathlib
        >>> from datetime import datetime, timezone
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> with Workspace.create(folder / "books.paychase") as books:
        ...     report = books.import_case(
        ...         {"version": 1, "clients": [{"id": "c1", "name": "Studio", "country": "PL",
        ...           "timezone": "Europe/Warsaw"}]},
        ...         at=datetime(2026, 12, 7, 9, tzinfo=timezone.utc))
        ...     report.added, [c.id for c in books.case().clients]
        (('client c1',), ['c1'])
        >>> Workspace(folder / "book.paychase")
        Traceback (most recent call last):
        ...
        paychase.errors.PluginError: db: no workspace here: create it with `paychase init` ...
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        if not isinstance(path, str | os.PathLike):
            raise PluginError("not a file path", field="db", value=path)
        if os.fspath(path) != ":memory:" and not Path(path).is_file():
            raise PluginError(
                "no workspace here: create it with `paychase init` (or Workspace.create)",
                field="db",
                value=os.fspath(path),
            )
        super().__init__(path)

    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> Self:
        """Make a new, empty workspace at `path`; an existing file is never overwritten.

        Raises:
            PluginError: something is at `path` already, or its folder does not exist.
        """
        target = Path(path)
        if target.exists():
            raise PluginError(
                "a file is there already: open it, or choose another path",
                field="db",
                value=str(target),
            )
        if not target.parent.is_dir():
            raise PluginError("its folder does not exist", field="db", value=str(target))
        SqliteStore(target).close()
        return cls(target)

    # -- reading ---------------------------------------------------------------------------

    def case(self, client: str | None = None) -> Case:
        """The case as it stands: records, hand-recorded payments and every contact not void.

        Args:
            client: only this client's part (its records, contacts and payments), which is
                all the planner needs to plan that client again.

        Raises:
            InvalidCaseError: the workspace's data no longer makes a valid case (it did when
                it was written: this means another program changed the file).
        """
        records = self._records(client)
        data = records.case_data(self._history(client), client=client)
        add_recorded_money(data, self._money_entries(client))
        return Case.model_validate(data)

    def case_of(self, clients: Collection[str]) -> Case:
        """The part of the case `clients` need (see `case`): what an incremental run plans.

        Raises:
            InvalidCaseError: as `case`.
        """
        wanted = json.dumps(sorted(set(clients)))
        records = self._records_of(wanted)
        history = self._rows(
            "SELECT body FROM events WHERE void_at IS NULL AND client IN"
            " (SELECT value FROM json_each(?)) ORDER BY at, id",
            wanted,
        )
        data = records.case_data([json.loads(body) for (body,) in history])
        money = self._rows(
            "SELECT kind, invoice, body FROM entries WHERE void_at IS NULL AND client IN"
            " (SELECT value FROM json_each(?)) ORDER BY id",
            wanted,
        )
        add_recorded_money(
            data, [(kind, invoice, json.loads(body)) for kind, invoice, body in money]
        )
        return Case.model_validate(data)

    def export_case(self) -> dict[str, Any]:
        """The workspace as case-file data: every record, payment and contact not void.

        Written as JSON (`export_text`), it imports back into an identical workspace.
        """
        data = self._records(None).case_data(self._history(None))
        add_recorded_money(data, self._money_entries(None))
        return data

    def export_text(self) -> str:
        """`export_case` as JSON text: two-space indents, UTF-8 characters as they are."""
        return json.dumps(self.export_case(), indent=2, ensure_ascii=False) + "\n"

    def clients(self) -> tuple[str, ...]:
        """The ids of the workspace's clients, in the order they were imported."""
        rows = self._db.execute("SELECT id FROM records WHERE kind = 'client' ORDER BY position")
        return tuple(identifier for (identifier,) in rows)

    def is_empty(self) -> bool:
        """Whether nothing was imported yet."""
        return self._db.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None

    # -- importing -------------------------------------------------------------------------

    def import_case(self, data: Mapping[str, Any], *, at: datetime) -> ImportReport:
        """Merge case-file data into the workspace; all of it, or nothing when it is invalid.

        Records are added or updated by id (see `paychase.store._records`); contacts are added
        unless an identical one is recorded. The merged case must be valid, and each contact's
        step one its policy has, before anything is written.

        Raises:
            InvalidCaseError: the data is invalid, or would make the workspace invalid; the
                field is named as in `data` where the problem is in a record `data` brings.
            PolicyError: an inline policy cannot work as written.
        """
        if not isinstance(data, Mapping):
            raise PluginError("case-file data is a mapping", field="case", value=data)
        when = utc_text(at, "at")
        with transaction(self._db) as db:
            current = self._records(None)
            history = [*self._history(None), *_list(data, "history")]
            merged = merge(current, data)
            combined = merged.records.case_data(history)
            add_recorded_money(combined, self._money_entries(None))
            positions = dict(merged.positions)
            first_new = len(history) - len(_list(data, "history"))
            positions.update(
                (("history", first_new + i), i) for i in range(len(_list(data, "history")))
            )
            try:
                case = Case.model_validate(combined)
                check_history_steps(case)
            except PaychaseError as error:
                raise rebase_error(error, positions) from None
            for record in [*merged.added, *merged.updated]:
                _write_record(db, merged.records.by_kind[record.kind][record.id], when)
            events = insert_events(db, case.history[first_new:])
            for name, value in merged.records.settings.items():
                if current.settings.get(name) != value:
                    db.execute(
                        "INSERT INTO settings (name, body, updated_at) VALUES (?, ?, ?)"
                        " ON CONFLICT (name) DO UPDATE SET body = excluded.body,"
                        " updated_at = excluded.updated_at",
                        (name, body_text({"value": value}), when),
                    )
        return ImportReport(
            added=tuple(f"{r.kind.replace('_', ' ')} {r.id}" for r in merged.added),
            updated=tuple(f"{r.kind.replace('_', ' ')} {r.id}" for r in merged.updated),
            unchanged=merged.unchanged,
            events=events,
        )

    # -- recording by hand ------------------------------------------------------------------

    def record_payment(
        self,
        invoice: str,
        amount: Decimal | str,
        *,
        at: datetime,
        on: date | None = None,
        ref: str | None = None,
        currency: str | None = None,
    ) -> Entry:
        """Record money received against `invoice` on the day `on`; its journal entry.

        Args:
            invoice: the invoice's id.
            amount: what was paid, in the invoice's currency.
            at: now (when it is recorded).
            on: the day the money arrived (default: the client's today); not in the client's
                future, not before the invoice was issued.
            ref: the bank's reference, to tell two equal payments apart.
            currency: checked against the invoice's, when given.

        Raises:
            InvalidCaseError: naming ``invoice``, ``amount``, ``currency``, ``date`` or ``ref``.
        """
        return record_money(
            self._db,
            self.case,
            "payment",
            invoice=invoice,
            amount=amount,
            on=on,
            ref=ref,
            currency=currency,
            at=at,
        )

    def record_credit_note(
        self,
        invoice: str,
        amount: Decimal | str,
        *,
        at: datetime,
        on: date | None = None,
        ref: str | None = None,
        currency: str | None = None,
    ) -> Entry:
        """Record a credit note lowering `invoice` by `amount` (see `record_payment`).

        Raises:
            InvalidCaseError: as `record_payment`; also when the notes would exceed the invoice.
        """
        return record_money(
            self._db,
            self.case,
            "credit_note",
            invoice=invoice,
            amount=amount,
            on=on,
            ref=ref,
            currency=currency,
            at=at,
        )

    def record_contact(
        self, event: ContactEvent, *, at: datetime, case: Case | None = None
    ) -> tuple[Entry, bool]:
        """Record a contact (a reply, promise, dispute, a call's outcome…); is it new?

        Checked against the workspace's case (or `case`, a case file a run reads beside the
        workspace): its client and invoices, its step, the task its key names; an identical
        contact recorded before is kept once.

        Raises:
            InvalidCaseError: naming the contact's field.
        """
        keys = {attempt.key for attempt in self.attempts()}
        checked = case if case is not None else self.case()
        return record_event(self._db, checked, event, at=at, task_keys=keys)

    def void(self, entry: str, *, why: str, at: datetime) -> Entry:
        """Mark journal entry `entry` (``E12``, ``P3``, ``C4``) void: kept, no longer a fact.

        Raises:
            InvalidCaseError: naming ``entry`` or ``why``.
        """
        return void(self._db, entry, why=why, at=at)

    def journal(self, client: str | None = None) -> tuple[Entry, ...]:
        """Every contact and hand-recorded payment or credit note, void ones included."""
        return journal(self._db, client)

    # -- incremental runs ------------------------------------------------------------------

    def fact_fingerprints(
        self, basis: str, clients: Collection[str] | None = None
    ) -> dict[str, str]:
        """Each client's facts as a fingerprint, by client id (see `paychase.store._marks`).

        Only `clients`' when given. `basis`: what the plan depends on beyond the workspace
        (versions of paychase, of the rate table, of the calendars), hashed into every
        fingerprint.
        """
        return fact_fingerprints(self._db, basis, clients)

    def plan_marks(self) -> dict[str, PlanMark]:
        """What the runs that planned each client kept: fingerprint and next review."""
        return plan_marks(self._db)

    def keep_plan_marks(self, marks: Iterable[PlanMark], *, at: datetime) -> int:
        """Keep the marks of the clients a run planned, replacing their earlier ones; how many."""
        return keep_marks(self._db, marks, at=at)

    # -- reviews ---------------------------------------------------------------------------

    def note_reviews(self, planned: Iterable[Action], *, at: datetime) -> list[Review]:
        """Keep a plan's reviews; those to tell a person about (see `paychase.store._reviews`)."""
        return note_reviews(self._db, planned, at=at)

    def lapse_reviews(
        self, planned: Collection[str], *, clients: Collection[str], at: datetime
    ) -> int:
        """Close the open reviews of `clients` that the plan no longer has; how many."""
        return lapse_reviews(self._db, planned, clients=clients, at=at)

    def close_review(self, key: str, *, note: str, at: datetime) -> Review:
        """A person decided: close review `key` with their `note`.

        Raises:
            InvalidCaseError: no open review has this key, or the note is empty.
        """
        return close_review(self._db, key, note=note, at=at)

    def reviews(
        self, statuses: Collection[ReviewStatus] = ("open", "done", "lapsed")
    ) -> tuple[Review, ...]:
        """The reviews in `statuses`, oldest first."""
        return reviews(self._db, statuses)

    def open_reviews(self) -> tuple[Review, ...]:
        """The reviews waiting for a person, oldest first."""
        waiting: tuple[ReviewStatus, ...] = ("open",)
        return reviews(self._db, waiting)

    # -- the rows behind it ----------------------------------------------------------------

    def _records(self, client: str | None) -> Records:
        records = Records()
        query = "SELECT kind, id, client, body FROM records"
        params: tuple[str, ...] = ()
        if client is not None:
            query += " WHERE client = ? OR client IS NULL"
            params = (client,)
        for kind, identifier, owner, body in self._db.execute(
            query + " ORDER BY kind, position", params
        ):
            records.by_kind[kind][identifier] = Record(kind, identifier, owner, json.loads(body))
        for name, body in self._db.execute("SELECT name, body FROM settings"):
            records.settings[name] = json.loads(body)["value"]
        return records

    def _records_of(self, wanted: str) -> Records:
        """The records of the clients in JSON array `wanted`, and those all clients share."""
        records = Records()
        rows = self._rows(
            "SELECT kind, id, client, body FROM records WHERE client IS NULL OR client IN"
            " (SELECT value FROM json_each(?)) ORDER BY kind, position",
            wanted,
        )
        for kind, identifier, owner, body in rows:
            records.by_kind[kind][identifier] = Record(kind, identifier, owner, json.loads(body))
        for name, body in self._db.execute("SELECT name, body FROM settings"):
            records.settings[name] = json.loads(body)["value"]
        return records

    def _rows(self, query: str, *params: str) -> list[Any]:
        return self._db.execute(query, params).fetchall()

    def _history(self, client: str | None) -> list[dict[str, Any]]:
        query = "SELECT body FROM events WHERE void_at IS NULL"
        params: tuple[str, ...] = ()
        if client is not None:
            query += " AND client = ?"
            params = (client,)
        rows = self._db.execute(query + " ORDER BY at, id", params)
        return [json.loads(body) for (body,) in rows]

    def _money_entries(self, client: str | None) -> list[tuple[str, str, dict[str, Any]]]:
        """Payments and credit notes recorded by hand and not void: (kind, invoice, body)."""
        query = "SELECT kind, invoice, body FROM entries WHERE void_at IS NULL"
        params: tuple[str, ...] = ()
        if client is not None:
            query += " AND client = ?"
            params = (client,)
        rows = self._db.execute(query + " ORDER BY id", params)
        return [(kind, invoice, json.loads(body)) for kind, invoice, body in rows]


def add_recorded_money(
    data: dict[str, Any], entries: list[tuple[str, str, dict[str, Any]]]
) -> None:
    """Add hand-recorded payments and credit notes to their invoices in case-file `data`.

    One the invoice lists already — the same date, amount and reference, as when an accounting
    export is imported after the payment was recorded by hand — is not counted twice; two
    equal ones recorded by hand against one listed count as two.
    """
    invoices = {invoice["id"]: invoice for invoice in data.get("invoices", ())}
    unmatched: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for kind, invoice_id, body in entries:
        invoice = invoices.get(invoice_id)
        if invoice is None:
            continue
        name = "payments" if kind == "payment" else "credit_notes"
        listed = invoice.setdefault(name, [])
        imported = unmatched.setdefault((name, invoice_id), list(listed))
        twin = next((known for known in imported if _same_money(body, known)), None)
        if twin is None:
            listed.append(body)
        else:
            imported.remove(twin)


def _same_money(one: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    return (one.get("date"), str(one.get("amount")), one.get("ref")) == (
        other.get("date"),
        str(other.get("amount")),
        other.get("ref"),
    )


def _write_record(db: Any, record: Record, when: str) -> None:
    """Insert or update one record; a new one goes after the others of its kind."""
    db.execute(
        "INSERT INTO records (kind, id, position, client, body, updated_at) VALUES (?, ?,"
        " (SELECT coalesce(max(position), 0) + 1 FROM records WHERE kind = ?), ?, ?, ?)"
        " ON CONFLICT (kind, id) DO UPDATE SET client = excluded.client, body = excluded.body,"
        " updated_at = excluded.updated_at",
        (record.kind, record.id, record.kind, record.client, body_text(record.body), when),
    )


def _list(data: Mapping[str, Any], name: str) -> list[Any]:
    value = data.get(name, [])
    return value if isinstance(value, list) else []
