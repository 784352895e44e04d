"""The workspace: one SQLite file that is the user's source of truth (issue 14).

A real file in a temporary folder each time; the shipped example portfolio as the data.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import paychase
from paychase._files import load_case_data
from paychase.case import ContactEvent
from paychase.errors import CurrencyMismatchError, InvalidCaseError, PluginError
from paychase.store import SqliteStore, Workspace

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "portfolio.json"
NOW = datetime(2026, 3, 10, 9, tzinfo=UTC)


@pytest.fixture
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = load_case_data(EXAMPLE)
    return loaded


@pytest.fixture
def books(tmp_path: Path, data: dict[str, Any]) -> Workspace:
    workspace = Workspace.create(tmp_path / "books.paychase")
    workspace.import_case(data, at=NOW)
    return workspace


def _invoice(data: dict[str, Any], invoice_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in data["invoices"] if i["id"] == invoice_id)
    return found


# -- opening -----------------------------------------------------------------------------------


def test_a_missing_workspace_is_refused_naming_the_path_and_init(tmp_path: Path) -> None:
    target = tmp_path / "mistyped.paychase"
    with pytest.raises(PluginError, match="paychase init") as refused:
        Workspace(target)
    assert refused.value.value == str(target)
    assert not target.exists()


def test_create_never_overwrites(books: Workspace) -> None:
    with pytest.raises(PluginError, match="a file is there already"):
        Workspace.create(books.path)
    assert books.clients()


def test_a_history_store_of_the_old_format_opens_as_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with sqlite3.connect(path) as db:  # what paychase 0.1 wrote: schema version 1
        db.executescript(
            """CREATE TABLE schema_version (version INTEGER PRIMARY KEY);
            INSERT INTO schema_version VALUES (1);
            CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, client TEXT NOT NULL,
                key TEXT, fingerprint TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
            CREATE TABLE attempts (key TEXT PRIMARY KEY, client TEXT NOT NULL, kind TEXT NOT NULL,
                channel TEXT NOT NULL, message_id TEXT, planned_at TEXT NOT NULL,
                status TEXT NOT NULL, runner TEXT NOT NULL, claimed_at TEXT NOT NULL,
                updated_at TEXT NOT NULL, tries INTEGER NOT NULL DEFAULT 0, receipt TEXT,
                error TEXT, message TEXT, event TEXT);
            CREATE TABLE deliveries (id INTEGER PRIMARY KEY, key TEXT NOT NULL, at TEXT NOT NULL,
                status TEXT NOT NULL, provider_id TEXT, error TEXT, transient INTEGER NOT NULL);
            INSERT INTO events (at, client, fingerprint, body) VALUES ('2026-03-01T09:00:00',
                'c1', 'f1', '{"at":"2026-03-01T09:00:00Z","client":"c1","direction":"in",
                "kind":"reply"}');"""
        )
    db.close()
    with Workspace(path) as upgraded:
        assert [event.kind for event in upgraded.events()] == ["reply"]
        assert upgraded.is_empty()


# -- import and export -------------------------------------------------------------------------


def test_importing_makes_the_case_the_file_is(books: Workspace) -> None:
    from_file = paychase.plan(paychase.load_case(EXAMPLE), now=None)
    from_books = paychase.plan(books.case(), now=from_file.now)
    assert from_books.to_json() == from_file.to_json()


def test_importing_the_same_file_twice_changes_nothing(
    books: Workspace, data: dict[str, Any]
) -> None:
    before = books.export_text()
    again = books.import_case(data, at=NOW)
    assert not again.changed
    assert again.unchanged == 25
    assert books.export_text() == before


def test_a_changed_invoice_is_updated_and_a_new_one_added(
    books: Workspace, data: dict[str, Any]
) -> None:
    changed = copy.deepcopy(data)
    _invoice(changed, "pl-2026-014")["total"] = "999.00"
    new = {**_invoice(data, "pl-2026-014"), "id": "pl-2026-099"}
    changed["invoices"].append(new)
    report = books.import_case(changed, at=NOW)
    assert report.updated == ("invoice pl-2026-014",)
    assert report.added == ("invoice pl-2026-099",)
    invoices = {i.id: i for i in books.case().invoices}
    assert invoices["pl-2026-014"].total == 999
    assert list(invoices)[-1] == "pl-2026-099"


def test_an_import_adds_to_what_is_there_and_never_deletes(books: Workspace) -> None:
    only_new = {
        "version": 1,
        "invoices": [
            {
                "id": "de-2026-100",
                "contract": "lindner-2026",
                "issued": "2026-03-09",
                "due": "2026-04-08",
                "total": "500.00",
                "currency": "EUR",
            }
        ],
    }
    report = books.import_case(only_new, at=NOW)
    assert report.added == ("invoice de-2026-100",)
    assert len(books.case().invoices) == 14


def test_an_id_given_to_another_clients_record_is_refused_naming_the_field(
    books: Workspace, data: dict[str, Any]
) -> None:
    before = books.export_text()
    moved = {
        "version": 1,
        "invoices": [{**_invoice(data, "pl-2026-014"), "contract": "lindner-2026"}],
    }
    with pytest.raises(InvalidCaseError, match="belongs to client nowak") as refused:
        books.import_case(moved, at=NOW)
    assert refused.value.field == "invoices[0].contract"
    assert books.export_text() == before


def test_an_invalid_import_names_the_files_own_field_and_writes_nothing(
    books: Workspace,
) -> None:
    before = books.export_text()
    bad = {
        "version": 1,
        "invoices": [
            {
                "id": "x-1",
                "contract": "no-such-contract",
                "issued": "2026-03-09",
                "total": "5.00",
                "currency": "EUR",
            }
        ],
    }
    with pytest.raises(InvalidCaseError) as refused:
        books.import_case(bad, at=NOW)
    assert refused.value.field == "invoices[0].contract"
    assert books.export_text() == before


def test_a_mistyped_history_step_is_refused_at_import(books: Workspace) -> None:
    event = {
        "at": "2026-03-09T10:00:00+01:00",
        "client": "nowak",
        "invoices": ["pl-2026-014"],
        "direction": "out",
        "kind": "reminder",
        "step": "polit",
        "channel": "email",
    }
    with pytest.raises(InvalidCaseError) as refused:
        books.import_case({"version": 1, "history": [event]}, at=NOW)
    assert refused.value.field == "history[0].step"


def test_export_then_import_is_byte_identical(books: Workspace, tmp_path: Path) -> None:
    books.record_payment("pl-2026-014", "100.00", on=date(2026, 3, 9), at=NOW, ref="T-1")
    exported = books.export_text()
    twin = Workspace.create(tmp_path / "twin.paychase")
    twin.import_case(json.loads(exported), at=NOW)
    assert twin.export_text() == exported
    assert not twin.import_case(json.loads(exported), at=NOW).changed


def test_a_new_default_policy_keeps_the_old_one_for_invoices_in_dunning(
    books: Workspace,
) -> None:
    books.import_case({"version": 1, "policy": "b2b_strict"}, at=NOW)
    case = books.case()
    assert case.policy.name == "b2b_strict"
    assert "freelancer@1" in case.policies


# -- recording by hand -------------------------------------------------------------------------


def test_a_payment_recorded_by_hand_counts_and_is_not_doubled_by_a_later_export(
    books: Workspace, data: dict[str, Any]
) -> None:
    books.record_payment("pl-2026-014", "100.00", on=date(2026, 3, 9), at=NOW, ref="T-1")
    paid = {i.id: i for i in books.case().invoices}["pl-2026-014"].payments
    assert [(p.amount, p.ref) for p in paid][-1] == (100, "T-1")
    # The accounting system's next export lists the same payment: it is the same payment.
    export = copy.deepcopy(data)
    _invoice(export, "pl-2026-014").setdefault("payments", []).append(
        {"date": "2026-03-09", "amount": "100.00", "ref": "T-1"}
    )
    books.import_case(export, at=NOW)
    again = {i.id: i for i in books.case().invoices}["pl-2026-014"].payments
    assert len(again) == len(paid)


@pytest.mark.parametrize(
    ("invoice", "amount", "changes", "error", "field"),
    [
        ("nope", "10", {}, InvalidCaseError, "invoice"),
        ("pl-2026-014", "-5", {}, InvalidCaseError, "amount"),
        ("pl-2026-014", "ten", {}, InvalidCaseError, "amount"),
        ("pl-2026-014", "10.001", {}, InvalidCaseError, "amount"),
        ("pl-2026-014", "10", {"currency": "EUR"}, CurrencyMismatchError, "currency"),
        ("pl-2026-014", "10", {"on": date(2026, 3, 11)}, InvalidCaseError, "date"),
        ("pl-2026-014", "10", {"on": date(2025, 1, 1)}, InvalidCaseError, "date"),
    ],
)
def test_a_payment_that_cannot_be_true_is_refused_naming_the_field(
    books: Workspace,
    *,
    invoice: str,
    amount: str,
    changes: dict[str, Any],
    error: type[Exception],
    field: str,
) -> None:
    arguments: dict[str, Any] = {"on": date(2026, 3, 9), "at": NOW, **changes}
    with pytest.raises(error) as refused:
        books.record_payment(invoice, amount, **arguments)
    assert getattr(refused.value, "field", None) == field


def test_credit_notes_may_not_exceed_the_invoice(books: Workspace) -> None:
    with pytest.raises(InvalidCaseError, match="credit notes lower the invoice by more"):
        books.record_credit_note("pl-2026-014", "99999.00", on=date(2026, 3, 9), at=NOW)


def _reply(**changes: Any) -> ContactEvent:
    fields: dict[str, Any] = {
        "at": datetime(2026, 3, 9, 10, tzinfo=UTC),
        "client": "nowak",
        "direction": "in",
        "kind": "reply",
    }
    return ContactEvent(**{**fields, **changes})


def test_a_contact_is_recorded_once_and_checked_against_the_workspace(books: Workspace) -> None:
    entry, new = books.record_contact(_reply(note="will pay friday"), at=NOW)
    assert new
    assert entry.id.startswith("E")
    assert not books.record_contact(_reply(note="will pay friday"), at=NOW)[1]
    with pytest.raises(InvalidCaseError, match="no such client") as unknown:
        books.record_contact(_reply(client="nowk"), at=NOW)
    assert unknown.value.field == "client"
    with pytest.raises(InvalidCaseError, match="client lindner's") as other:
        books.record_contact(_reply(invoices=("de-2026-007",)), at=NOW)
    assert other.value.field == "invoices[0]"
    with pytest.raises(InvalidCaseError, match="in the future"):
        books.record_contact(_reply(at=datetime(2026, 3, 11, tzinfo=UTC)), at=NOW)
    with pytest.raises(InvalidCaseError) as key:
        books.record_contact(_reply(kind="call", outcome="answered", key="no/such/key/1"), at=NOW)
    assert key.value.field == "key"


def test_a_void_entry_is_kept_and_shown_but_no_longer_counts(books: Workspace) -> None:
    entry = books.record_payment("pl-2026-014", "100.00", on=date(2026, 3, 9), at=NOW)
    voided = books.void(entry.id, why="typed the wrong invoice", at=NOW)
    assert voided.void == "typed the wrong invoice"
    assert entry.id in {e.id for e in books.journal("nowak")}
    paid = {i.id: i for i in books.case().invoices}["pl-2026-014"].payments
    assert all(p.amount != 100 for p in paid)
    with pytest.raises(InvalidCaseError, match="already void"):
        books.void(entry.id, why="again", at=NOW)
    with pytest.raises(InvalidCaseError) as bad:
        books.void("X1", why="?", at=NOW)
    assert bad.value.field == "entry"


def test_a_void_contact_leaves_the_history_the_planner_reads(books: Workspace) -> None:
    entry, _ = books.record_contact(_reply(), at=NOW)
    assert any(e.kind == "reply" and e.at == _reply().at for e in books.case().history)
    books.void(entry.id, why="it was another client", at=NOW)
    assert not any(e.kind == "reply" and e.at == _reply().at for e in books.case().history)
    assert not any(e.kind == "reply" and e.at == _reply().at for e in books.events())


# -- one client's part -------------------------------------------------------------------------


def test_one_clients_part_plans_exactly_as_in_the_whole(books: Workspace) -> None:
    whole = paychase.plan(books.case(), now=NOW)
    for client in books.clients():
        alone = paychase.plan(books.case(client), now=NOW)
        assert alone.actions == tuple(a for a in whole.actions if a.client == client)


# -- reviews -----------------------------------------------------------------------------------


def test_a_review_is_reported_once_closed_by_a_person_and_lapses_when_gone(
    books: Workspace,
) -> None:
    planned = [a for a in paychase.plan(books.case(), now=NOW).actions if a.kind == "review"]
    assert planned
    first = books.note_reviews(planned, at=NOW)
    assert {r.key for r in first} == {a.key for a in planned}
    assert books.note_reviews(planned, at=NOW) == []
    closed = books.close_review(planned[0].key, note="agreed a discount", at=NOW)
    assert (closed.status, closed.note) == ("done", "agreed a discount")
    assert books.note_reviews(planned, at=NOW) == []
    rest = planned[1:]
    assert books.lapse_reviews(set(), clients={r.client for r in rest}, at=NOW) == len(rest)
    assert {r.key for r in books.reviews(["open"])} == set()
    assert {r.key for r in books.note_reviews(rest, at=NOW)} == {a.key for a in rest}
    with pytest.raises(InvalidCaseError, match="not open"):
        books.close_review(planned[0].key, note="again", at=NOW)


def test_the_store_underneath_is_a_history_store(books: Workspace) -> None:
    assert isinstance(books, SqliteStore)
    assert len(books.events()) == 21
