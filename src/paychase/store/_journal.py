"""The journal: what a person records by hand — a payment, a credit note, a contact — checked.

Each value is checked against the workspace before it is written: the invoice or client must
exist, an amount must be positive and fit its currency, a date may lie neither in the client's
future nor before the invoice was issued, a contact must name invoices of its own client and a
step its policy has, a task key must be one the runner handed over. The client's whole case is
checked with the new fact in it, so nothing is recorded that the planner would refuse later.

Corrections never delete: `void` marks an entry void, saying why and when. It stays in the
journal (``paychase history list`` shows it) and the planner no longer reads it.

Entries have ids a person can type: ``E12`` for a contact (row 12 of the history), ``P3`` for
a payment and ``C4`` for a credit note recorded by hand.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

from pydantic import AwareDatetime, Field

from paychase._model import FrozenModel
from paychase.calendar._local_time import zone
from paychase.case._case import Case
from paychase.case._history import ContactEvent
from paychase.case._invoices import CreditNote, Invoice, Payment
from paychase.case._money import check_precision
from paychase.errors import CurrencyMismatchError, InvalidCaseError, PaychaseError
from paychase.planner._known_steps import check_history_steps
from paychase.store._database import transaction
from paychase.store._sqlite import fingerprint, insert_events, utc_text

__all__ = ["CaseOf", "Entry", "MoneyKind", "journal", "record_event", "record_money", "void"]

MoneyKind = Literal["payment", "credit_note"]
"""What money a person records by hand: a payment received, or a credit note issued."""

CaseOf = Callable[[str], Case]
"""Reads one client's part of the workspace's case, as it stands (`Workspace.case`)."""

_PREFIX: Final[dict[str, str]] = {"payment": "P", "credit_note": "C"}
_ID: Final = re.compile(r"^(?P<prefix>[EPC])(?P<row>[1-9][0-9]{0,17})$")


class Entry(FrozenModel):
    """One line of the journal: a contact, or a payment or credit note recorded by hand."""

    id: str = Field(description="Its id: E12 (a contact), P3 (a payment), C4 (a credit note)")
    kind: str = Field(
        description="The contact's kind (reply, promise, ...), payment or credit_note"
    )
    client: str = Field(description="The client it concerns")
    invoices: tuple[str, ...] = Field(default=(), description="The invoices it names")
    at: AwareDatetime | None = Field(default=None, description="When the contact happened")
    on: date | None = Field(default=None, description="The day the money moved")
    amount: Decimal | None = Field(default=None, description="The payment's or note's amount")
    key: str | None = Field(default=None, description="The action key a contact performed")
    summary: str = Field(description="The entry in one line")
    void: str | None = Field(default=None, description="Why it was voided; None while it counts")

    @property
    def day(self) -> date:
        """The entry's day: the contact's own (at its offset), or the money's."""
        return self.at.date() if self.at is not None else self.on or date.min


def record_money(
    db: sqlite3.Connection,
    case_of: CaseOf,
    kind: MoneyKind,
    *,
    invoice: str,
    amount: Decimal | str,
    on: date | None,
    ref: str | None,
    currency: str | None,
    at: datetime,
) -> Entry:
    """Record a payment or a credit note against `invoice`; refuse what cannot be true.

    `on` None: the client's today.

    Raises:
        InvalidCaseError: naming ``invoice``, ``amount``, ``currency``, ``date`` or ``ref``.
    """
    client = _client_of_invoice(db, invoice)
    case = case_of(client)
    today = at.astimezone(zone(case.clients[0].timezone)).date()
    model = Payment if kind == "payment" else CreditNote
    money = model.model_validate({"date": on or today, "amount": amount, "ref": ref})
    billed = next(i for i in case.invoices if i.id == invoice)
    _check_money(money.amount, money.date, billed, currency=currency, today=today)
    body = money.model_dump(mode="json", exclude_none=True)

    def add(data: dict[str, Any]) -> None:
        listed = next(i for i in data["invoices"] if i["id"] == invoice)
        listed.setdefault("payments" if kind == "payment" else "credit_notes", []).append(body)

    _check(case, add, whole="amount")
    with transaction(db):
        cursor = db.execute(
            "INSERT INTO entries (kind, client, invoice, body, recorded_at) VALUES (?, ?, ?, ?, ?)",
            (kind, client, invoice, json.dumps(body), utc_text(at, "at")),
        )
    assert cursor.lastrowid is not None
    return _money_entry(cursor.lastrowid, kind, client, invoice, body, void_why=None)


def record_event(
    db: sqlite3.Connection,
    case: Case,
    event: ContactEvent,
    *,
    at: datetime,
    task_keys: Collection[str],
) -> tuple[Entry, bool]:
    """Record a contact; its entry, and whether it was new (an identical one is kept once).

    Args:
        db: the workspace's connection.
        case: the case the contact is checked against: the workspace's own, or the case
            file a run reads beside it.
        event: the contact.
        at: when it is recorded; the contact may not be later.
        task_keys: the keys of the actions performed or handed to a person: a contact naming
            a key (the outcome of a call task) must name one of them.

    Raises:
        InvalidCaseError: naming ``client``, ``invoices[i]``, ``step``, ``key`` or ``at``.
    """
    if not any(client.id == event.client for client in case.clients):
        where = (
            "the workspace"
            if case.clients
            else "the workspace, which holds no case yet (paychase import CASE, or --case CASE)"
        )
        raise InvalidCaseError(f"no such client in {where}", field="client", value=event.client)
    owners = {invoice.id: contract for invoice, contract in _contracts_of(case)}
    for index, invoice in enumerate(event.invoices):
        owner = owners.get(invoice)
        if owner is None:
            raise InvalidCaseError("no such invoice", field=f"invoices[{index}]", value=invoice)
        if owner != event.client:
            raise InvalidCaseError(
                f"invoice {invoice} is client {owner}'s, not {event.client}'s",
                field=f"invoices[{index}]",
                value=invoice,
            )
    if event.at > at:
        raise InvalidCaseError(
            f"in the future (it is now {at.isoformat()})", field="at", value=event.at.isoformat()
        )
    if event.key is not None and event.key not in task_keys:
        raise InvalidCaseError(
            "no action was performed or handed to a person with this key",
            field="key",
            value=event.key,
        )
    dumped = event.model_dump(mode="json", by_alias=True, exclude_none=True)
    _check(case.of_client(event.client), lambda data: data.setdefault("history", []).append(dumped))
    with transaction(db):
        new = insert_events(db, [event]) == 1
        row = db.execute(
            "SELECT id, void_why FROM events WHERE fingerprint = ?", (fingerprint(event),)
        ).fetchone()
        if new:
            db.execute(
                "UPDATE events SET recorded_at = ? WHERE id = ?", (utc_text(at, "at"), row["id"])
            )
    return _event_entry(row["id"], event, void_why=row["void_why"]), new


def _contracts_of(case: Case) -> list[tuple[Invoice, str]]:
    """Each invoice of the case with the client it belongs to."""
    clients = {contract.id: contract.client for contract in case.contracts}
    return [(invoice, clients[invoice.contract]) for invoice in case.invoices]


def void(db: sqlite3.Connection, entry: str, *, why: str, at: datetime) -> Entry:
    """Mark an entry void: kept and shown, no longer a fact the planner reads.

    Raises:
        InvalidCaseError: naming ``entry`` (not an id, unknown, already void) or ``why``.
    """
    match = _ID.match(entry.strip())
    if match is None:
        raise InvalidCaseError("an entry id such as E12, P3 or C4", field="entry", value=entry)
    if not why.strip():
        raise InvalidCaseError("say why it is void", field="why")
    row_id, prefix = int(match["row"]), match["prefix"]
    with transaction(db):
        if prefix == "E":
            row = db.execute("SELECT void_at FROM events WHERE id = ?", (row_id,)).fetchone()
        else:
            row = db.execute(
                "SELECT void_at FROM entries WHERE id = ? AND kind = ?",
                (row_id, "payment" if prefix == "P" else "credit_note"),
            ).fetchone()
        if row is None:
            raise InvalidCaseError("no such entry", field="entry", value=entry)
        if row["void_at"] is not None:
            raise InvalidCaseError("already void", field="entry", value=entry)
        table = "events" if prefix == "E" else "entries"
        db.execute(
            f"UPDATE {table} SET void_at = ?, void_why = ? WHERE id = ?",
            (utc_text(at, "at"), why.strip(), row_id),
        )
    return next(e for e in journal(db, None) if e.id == f"{prefix}{row_id}")


def journal(db: sqlite3.Connection, client: str | None) -> tuple[Entry, ...]:
    """Every contact and every payment or credit note recorded by hand, void ones included.

    Sorted by day, contacts before money on one day, then in the order they were recorded.
    """
    where, params = ("WHERE client = ?", (client,)) if client is not None else ("", ())
    found: list[Entry] = []
    rows = db.execute(f"SELECT id, body, void_why FROM events {where}", params)
    for row in rows:
        event = ContactEvent.model_validate_json(row["body"])
        found.append(_event_entry(row["id"], event, void_why=row["void_why"]))
    rows = db.execute(
        f"SELECT id, kind, client, invoice, body, void_why FROM entries {where}",
        params,
    )
    for row in rows:
        body = json.loads(row["body"])
        found.append(
            _money_entry(
                row["id"],
                row["kind"],
                row["client"],
                row["invoice"],
                body,
                void_why=row["void_why"],
            )
        )
    return tuple(sorted(found, key=lambda e: (e.day, e.at is None, int(e.id[1:]))))


# -- checks ------------------------------------------------------------------------------------


def _client_of_invoice(db: sqlite3.Connection, invoice: str, *, field: str = "invoice") -> str:
    row = db.execute(
        "SELECT client FROM records WHERE kind = 'invoice' AND id = ?", (invoice,)
    ).fetchone()
    if row is None or row["client"] is None:
        empty = db.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None
        where = (
            "the workspace (empty: paychase import your case file)" if empty else "the workspace"
        )
        raise InvalidCaseError(f"no such invoice in {where}", field=field, value=invoice)
    return str(row["client"])


def _check_money(
    amount: Decimal, on: date, invoice: Invoice, *, currency: str | None, today: date
) -> None:
    """A currency that is the invoice's, an amount that fits it, a day that can be true."""
    if currency is not None and currency != invoice.currency:
        raise CurrencyMismatchError(
            f"invoice {invoice.id} is in {invoice.currency}", field="currency", value=currency
        )
    check_precision(amount, invoice.currency, field="amount")
    if on > today:
        raise InvalidCaseError(
            f"after today ({today} where the client is)", field="date", value=on.isoformat()
        )
    if on < invoice.issued:
        raise InvalidCaseError(
            f"before the invoice was issued ({invoice.issued})", field="date", value=on.isoformat()
        )


def _check(
    case: Case, change: Callable[[dict[str, Any]], None], *, whole: str | None = None
) -> None:
    """Refuse `change` unless the client's case with it made is still a valid case.

    `whole`: how to name a problem of the whole record changed (an invoice whose credit notes
    now exceed it is a problem of the amount recorded).
    """
    data = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    change(data)
    try:
        check_history_steps(Case.model_validate(data))
    except PaychaseError as error:
        raise _as_recorded(error, whole) from None


def _as_recorded(error: PaychaseError, whole: str | None) -> PaychaseError:
    """`error` with its field named as the recorded value's (``amount``, ``invoices[0]``)."""
    path = re.sub(r"^(history|invoices)\[\d+\]\.?", "", error.field or "")
    path = re.sub(r"^(payments|credit_notes)\[\d+\]\.", "", path)
    given: dict[str, Any] = {"value": error.value} if error.has_value else {}
    named = path or whole or error.field
    return type(error)(error.problem, field=named, others=error.others, **given)


# -- entries -----------------------------------------------------------------------------------


def _event_entry(row: int, event: ContactEvent, *, void_why: str | None) -> Entry:
    parts = [event.kind, "from the client" if event.direction == "in" else "", event.step or ""]
    parts += [event.channel or "", event.outcome or ""]
    if event.promise is not None:
        amount = f" {event.promise.amount}" if event.promise.amount is not None else ""
        parts.append(f"to pay{amount} by {event.promise.date}")
    if event.dispute is not None and event.dispute.reason:
        parts.append(f"«{event.dispute.reason}»")
    if event.note:
        parts.append(f"«{event.note}»")
    return Entry(
        id=f"E{row}",
        kind=event.kind,
        client=event.client,
        invoices=event.invoices,
        at=event.at,
        key=event.key,
        summary=" ".join(part for part in parts if part),
        void=void_why,
    )


def _money_entry(
    row: int,
    kind: str,
    client: str,
    invoice: str,
    body: Mapping[str, Any],
    *,
    void_why: str | None,
) -> Entry:
    what = "payment" if kind == "payment" else "credit note"
    ref = f" ref {body['ref']}" if body.get("ref") else ""
    return Entry(
        id=f"{_PREFIX[kind]}{row}",
        kind=kind,
        client=client,
        invoices=(invoice,),
        on=date.fromisoformat(body["date"]),
        amount=Decimal(body["amount"]),
        summary=f"{what} of {body['amount']} on {body['date']}{ref}",
        void=void_why,
    )
