"""A workspace's records: the case file's clients, contracts, invoices… kept one row each.

Each record is kept as the case file gave it (its JSON, keys in the order written), with its
kind, its id within the kind and the client it belongs to, so one client's part of the case can
be read without the rest. Importing a case file merges it into the records:

* a record not seen before is added (after the others of its kind);
* a record whose id is known is updated when it changed, and left alone when it did not — so
  importing the same file twice changes nothing;
* a record that would move to another client (a contract, invoice, instalment plan or chase
  whose id is known under a different client) is refused, naming the field: it is almost
  always two different things given the same id;
* a record missing from the file is kept: an import adds and updates, it never deletes (a
  cancelled invoice is marked ``"status": "cancelled"``).

The case-level settings — the default ``policy`` and the ``sender`` — are kept by name. A new
default policy keeps the old one among the policy versions, so invoices already in dunning stay
on the ladder they entered it under (as `Case.with_policy` does). The file's ``now`` is not a
fact and is not kept: a workspace is planned at the moment you ask.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from paychase.case._case import version_of
from paychase.errors import InvalidCaseError, PaychaseError
from paychase.policy._builtin import resolve_policy
from paychase.policy._policy import Policy

__all__ = [
    "CASE_LISTS",
    "Merge",
    "Record",
    "RecordKind",
    "Records",
    "body_text",
    "merge",
    "rebase_error",
]

RecordKind = Literal[
    "client", "contract", "invoice", "exchange_rate", "policy_version", "instalment_plan", "chase"
]

CASE_LISTS: Final[dict[RecordKind, str]] = {
    "client": "clients",
    "contract": "contracts",
    "invoice": "invoices",
    "exchange_rate": "exchange_rates",
    "policy_version": "policy_versions",
    "instalment_plan": "instalment_plans",
    "chase": "chases",
}
"""Each record kind and the case-file list that holds it, in the case file's order."""

_OWNED_BY_FIELD: Final = frozenset({"contract", "instalment_plan", "chase"})
_PATH: Final = re.compile(r"^(?P<list>[a-z_]+)\[(?P<index>\d+)\](?P<rest>.*)$")


@dataclass(frozen=True, slots=True)
class Record:
    """One record of the case: its kind, id, owning client (None for shared ones) and JSON."""

    kind: RecordKind
    id: str
    client: str | None
    body: dict[str, Any]


@dataclass(slots=True)
class Records:
    """A workspace's records by kind, each kind in case-file order, and its settings."""

    by_kind: dict[RecordKind, dict[str, Record]] = field(
        default_factory=lambda: {kind: {} for kind in CASE_LISTS}
    )
    settings: dict[str, Any] = field(default_factory=dict)

    def case_data(
        self, history: Iterable[Mapping[str, Any]], *, client: str | None = None
    ) -> dict[str, Any]:
        """The case file these records make, with `history`; only `client`'s part when given.

        Keys come in the case file's order and empty lists are left out, so the same records
        always make the same text.
        """
        data: dict[str, Any] = {"version": 1}
        if "policy" in self.settings:
            data["policy"] = self.settings["policy"]
        if "sender" in self.settings:
            data["sender"] = self.settings["sender"]
        for kind, name in CASE_LISTS.items():
            bodies = [
                record.body
                for record in self.by_kind[kind].values()
                if client is None or record.client in (None, client)
            ]
            if bodies:
                data[name] = bodies
        events = list(history)
        if events:
            data["history"] = events
        return data

    def owner_of(self, kind: RecordKind, body: Mapping[str, Any]) -> str | None:
        """The client a record belongs to: itself, its ``client``, or its contract's client."""
        if kind == "client":
            return _text(body.get("id"))
        if kind in _OWNED_BY_FIELD:
            return _text(body.get("client"))
        if kind == "invoice":
            contract = self.by_kind["contract"].get(_text(body.get("contract")) or "")
            return contract.client if contract is not None else None
        return None


@dataclass(slots=True)
class Merge:
    """What an import changes: the records after it, and how each incoming one was placed."""

    records: Records
    added: list[Record] = field(default_factory=list)
    updated: list[Record] = field(default_factory=list)
    unchanged: int = 0
    # (list name, index in the merged list) -> index in the imported file, for error messages
    positions: dict[tuple[str, int], int] = field(default_factory=dict)


def merge(current: Records, incoming: Mapping[str, Any]) -> Merge:
    """Merge a case file's data into `current` (left untouched); refuse moves between clients.

    Raises:
        InvalidCaseError: a list is not a list, a record not an object or without its id, or
            a record would move to another client; the field is the file's own.
    """
    records = Records(
        {kind: dict(by_id) for kind, by_id in current.by_kind.items()}, dict(current.settings)
    )
    result = Merge(records)
    for kind, name in CASE_LISTS.items():
        for index, body in enumerate(_list(incoming, name)):
            where = f"{name}[{index}]"
            if not isinstance(body, Mapping):
                raise InvalidCaseError("must be an object", field=where)
            record = Record(
                kind, _record_id(kind, body, where), records.owner_of(kind, body), {**body}
            )
            _place(records, record, where, result)
            result.positions[(name, list(records.by_kind[kind]).index(record.id))] = index
    _merge_settings(records, incoming, result)
    return result


def rebase_error(error: PaychaseError, positions: Mapping[tuple[str, int], int]) -> PaychaseError:
    """`error` about the merged case, its field named as in the imported file where it can be.

    A problem in a record the file brought is named by the file's own position; one in a
    record the workspace already had is named by the record's id.
    """
    match = _PATH.match(error.field or "")
    if match is None:
        return error
    name, index, rest = match["list"], int(match["index"]), match["rest"]
    if (name, index) in positions:
        where = f"{name}[{positions[name, index]}]{rest}"
    else:
        where = f"the workspace's {name}[{index}]{rest}"
    given: dict[str, Any] = {"value": error.value} if error.has_value else {}
    return type(error)(error.problem, field=where, others=error.others, **given)


def body_text(body: Mapping[str, Any]) -> str:
    """A record's JSON as stored: keys in the order given; exact numbers kept as text."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)


def _place(records: Records, record: Record, where: str, result: Merge) -> None:
    """Add `record`, or update the known one of its id; refuse a move to another client."""
    known = records.by_kind[record.kind].get(record.id)
    if known is None:
        records.by_kind[record.kind][record.id] = record
        result.added.append(record)
        return
    if known.client is not None and record.client is not None and known.client != record.client:
        field = "contract" if record.kind == "invoice" else "client"
        raise InvalidCaseError(
            f"{record.kind} {record.id} belongs to client {known.client} in the workspace, not "
            f"{record.client}: give the new one another id",
            field=f"{where}.{field}",
            value=record.body.get(field),
        )
    if body_text(known.body) == body_text(record.body):
        result.unchanged += 1
        return
    records.by_kind[record.kind][record.id] = Record(
        record.kind, record.id, record.client or known.client, record.body
    )
    result.updated.append(record)


def _merge_settings(records: Records, incoming: Mapping[str, Any], result: Merge) -> None:
    """Take the file's sender and default policy; the old default stays as a policy version."""
    if "sender" in incoming:
        records.settings["sender"] = incoming["sender"]
    if "policy" not in incoming or incoming["policy"] == records.settings.get("policy"):
        return
    previous = records.settings.get("policy")
    records.settings["policy"] = incoming["policy"]
    if previous is None:
        return
    old, new = _as_policy(previous), _as_policy(incoming["policy"])
    kept = records.by_kind["policy_version"]
    if version_of(old) != version_of(new) and version_of(old) not in kept:
        body = old.model_dump(mode="json", by_alias=True)
        kept[version_of(old)] = record = Record("policy_version", version_of(old), None, body)
        result.added.append(record)


def _as_policy(value: Any) -> Policy:
    """A policy setting as kept (a built-in name or an inline policy) as a `Policy`."""
    return resolve_policy(value) if isinstance(value, str) else Policy.model_validate(value)


def _record_id(kind: RecordKind, body: Mapping[str, Any], where: str) -> str:
    """The record's id within its kind; exchange rates and policies have composite ones."""
    if kind == "exchange_rate":
        parts = (body.get("date"), body.get("from"), body.get("to"))
        if not all(isinstance(part, str) for part in parts):
            raise InvalidCaseError("needs its date, from and to", field=where)
        return "/".join(str(part) for part in parts)
    if kind == "policy_version":
        name = body.get("name")
        if not isinstance(name, str):
            raise InvalidCaseError("needs its name", field=f"{where}.name")
        return f"{name}@{body.get('version', 1)}"
    identifier = body.get("id")
    if not isinstance(identifier, str) or not identifier:
        raise InvalidCaseError("needs its id", field=f"{where}.id")
    return identifier


def _list(incoming: Mapping[str, Any], name: str) -> list[Any]:
    value = incoming.get(name, [])
    if not isinstance(value, list):
        raise InvalidCaseError("must be a list", field=name)
    return value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
