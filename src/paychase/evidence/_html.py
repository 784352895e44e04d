"""The evidence pack for people and for the record: its printable HTML, and the files written.

`evidence_html` renders the pack through the built-in template ``evidence/pack`` (a host
template of that name replaces it), with every value formatted for the sender's locale, in the
same sandbox as messages. `write_evidence` writes the pack's JSON and its HTML beside each
other, each file replaced atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from paychase._files import write_text_atomically
from paychase.case._contracts import Contract
from paychase.case._history import ContactEvent
from paychase.case._invoices import Invoice
from paychase.case._parties import Client, Contacts
from paychase.evidence._pack import EvidencePack, SentMessage, TimelineEntry
from paychase.messages._context import charge_variables, sender_variables, terms_variables
from paychase.messages._formatting import Day, Moment, Money
from paychase.messages._render import Renderer
from paychase.messages._templates import language_of
from paychase.planner._statement import Statement

__all__ = ["EVIDENCE_TEMPLATE", "evidence_html", "write_evidence"]

EVIDENCE_TEMPLATE = "evidence/pack"
"""The template name of the printable pack; a host template of this name replaces it."""


def evidence_html(pack: EvidencePack, renderer: Renderer | None = None) -> str:
    """The pack as one printable HTML5 document (A4), in the sender's language.

    The template is ``evidence/pack``, looked up along the sender's locale chain with the
    renderer's host templates before the built-in ones, in the same sandbox as messages.

    Args:
        pack: from `evidence_pack`.
        renderer: supplies the host's template loaders; a default `Renderer` when None.

    Returns:
        The HTML document.

    Raises:
        PluginError: no template exists, or the template failed.

    Examples:
        >>> import json, pathlib, paychase
        >>> from paychase.evidence import evidence_pack
        >>> case = paychase.Case.model_validate(json.loads(pathlib.Path(
        ...     "examples/portfolio.json").read_text()))
        >>> evidence_html(evidence_pack(case, "lindner", now=None)).startswith("<!DOCTYPE html>")
        True
    """
    return (renderer or Renderer()).render_page(
        EVIDENCE_TEMPLATE, pack.sender.locale, lambda locale: _html_context(pack, locale)
    )


def _html_context(pack: EvidencePack, locale: str) -> dict[str, Any]:
    """The template's variables: the pack with every value formatted for `locale`."""
    numbers = {i.id: i.label for i in pack.invoices}
    currencies = {i.id: i.currency for i in pack.invoices}
    fallback = pack.contracts[0].currency if pack.contracts else None
    return {
        "locale": locale,
        "language": language_of(locale),
        "as_of": Moment(pack.as_of, locale),
        "policy": pack.policy,
        "client": _party(pack.client),
        "sender": sender_variables(pack.sender),
        "contracts": [_contract(c, locale) for c in pack.contracts],
        "invoices": [_invoice(i, pack.statement, locale) for i in pack.invoices],
        "statement": _account(pack.statement, numbers, locale),
        "timeline": [
            _entry(e, numbers, _currency_of(e, currencies, fallback), locale) for e in pack.timeline
        ],
    }


def _party(client: Client) -> dict[str, Any]:
    channels = tuple(Contacts.model_fields)
    return {
        "id": client.id,
        "name": client.name,
        "kind": client.kind,
        "country": client.country,
        "subdivision": client.subdivision,
        "timezone": client.timezone,
        "contacts": [
            {"channel": name, "address": value}
            for person in client.people
            for name, value in person.model_dump(include=set(channels), exclude_none=True).items()
        ],
    }


def _contract(contract: Contract, locale: str) -> dict[str, Any]:
    currency = contract.currency
    return {
        "id": contract.id,
        "terms": terms_variables(contract, locale),
        "interest_regime": contract.interest_regime,
        "allocation": list(contract.allocation) if contract.allocation else None,
        "tolerance": Money(contract.tolerance, currency, locale) if contract.tolerance else None,
        "waive_charges_when_paid": contract.waive_charges_when_paid,
        "work_started": _day(contract.work_started, locale),
        "work_finished": _day(contract.work_finished, locale),
        "milestones": [
            {
                "id": m.id,
                "name": m.name,
                "amount": Money(m.amount, currency, locale),
                "due": Day(m.due, locale),
            }
            for m in contract.milestones
        ],
    }


def _invoice(invoice: Invoice, account: Statement, locale: str) -> dict[str, Any]:
    line = next((line for line in account.lines if line.invoice == invoice.id), None)
    currency = invoice.currency
    return {
        "id": invoice.id,
        "number": invoice.label,
        "contract": invoice.contract,
        "kind": invoice.kind,
        "status": invoice.status,
        "state": line.state if line else None,
        "issued": Day(invoice.issued, locale),
        "due": _day(line.due if line else invoice.due, locale),
        "total": Money(invoice.total, currency, locale),
        "payments": [
            {"date": Day(p.date, locale), "amount": Money(p.amount, currency, locale), "ref": p.ref}
            for p in invoice.payments
            if p.date <= account.as_of
        ],
    }


_SUMS = ("invoiced", "paid", "principal", "late_fee", "interest", "compensation", "total")


def _account(account: Statement, numbers: Mapping[str, str], locale: str) -> dict[str, Any]:
    def sums(record: Any) -> dict[str, Money]:
        return {name: Money(getattr(record, name), record.currency, locale) for name in _SUMS}

    return {
        "as_of": Day(account.as_of, locale),
        "lines": [
            {"number": line.number or line.invoice, "state": line.state, **sums(line)}
            for line in account.lines
        ],
        "totals": [{"currency": total.currency, **sums(total)} for total in account.totals],
        "charges": [charge_variables(c, numbers, locale) for c in account.charges],
        "problems": list(account.problems),
    }


def _currency_of(
    entry: TimelineEntry, currencies: Mapping[str, str], fallback: str | None
) -> str | None:
    """The currency an entry's amounts are in: its own, its first invoice's, the contract's."""
    if entry.currency:
        return entry.currency
    return next((currencies[i] for i in entry.invoices if i in currencies), fallback)


def _entry(
    entry: TimelineEntry, numbers: Mapping[str, str], currency: str | None, locale: str
) -> dict[str, Any]:
    def money(amount: Decimal | None) -> Money | str | None:
        if amount is None or currency is None:
            return None if amount is None else str(amount)
        return Money(amount, currency, locale)

    return {
        "kind": entry.kind,
        "day": Day(entry.day, locale),
        "at": Moment(entry.at, locale) if entry.at else None,
        "invoices": [numbers.get(i, i) for i in entry.invoices],
        "amount": money(entry.amount),
        "reference": entry.reference,
        "contact": _event(entry.contact, money, locale) if entry.contact else None,
        "message": _message(entry.message, locale) if entry.message else None,
        "notes": list(entry.notes),
    }


def _event(
    event: ContactEvent, money: Callable[[Decimal | None], Money | str | None], locale: str
) -> dict[str, Any]:
    promise, dispute = event.promise, event.dispute
    return {
        "direction": event.direction,
        "kind": event.kind,
        "channel": event.channel,
        "step": event.step,
        "key": event.key,
        "outcome": event.outcome,
        "to": event.to,
        "deadline": _day(event.deadline, locale),
        "promise": {"date": Day(promise.date, locale), "amount": money(promise.amount)}
        if promise
        else None,
        "dispute": {"amount": money(dispute.amount), "reason": dispute.reason} if dispute else None,
        "note": event.note,
    }


def _message(message: SentMessage, locale: str) -> dict[str, Any]:
    return {
        "key": message.key,
        "planned_at": Moment(message.planned_at, locale),
        "channel": message.channel,
        "locale": message.locale,
        "template": message.template,
        "recipients": [
            f"{r.name} <{r.address}>" if r.name else r.address for r in message.recipients
        ],
        "subject": message.subject,
        "text": message.text,
        "notes": list(message.notes),
    }


def _day(value: date | None, locale: str) -> Day | None:
    return Day(value, locale) if value else None


def write_evidence(pack: EvidencePack, html: str, out_dir: Path) -> list[Path]:
    """Write ``evidence-<client>.json`` and ``evidence-<client>.html`` into `out_dir`.

    The directory is created if needed. Each file is written to a temporary file beside it and
    moved into place, so a reader never sees half a file and a crash leaves the old one.

    Args:
        pack: from `evidence_pack`.
        html: from `evidence_html`.
        out_dir: the directory to write into.

    Returns:
        The paths written: the JSON file, then the HTML file.

    Raises:
        OSError: the directory or a file cannot be written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"evidence-{pack.client.id}"
    files = ((out_dir / f"{stem}.json", pack.to_json() + "\n"), (out_dir / f"{stem}.html", html))
    for path, text in files:
        write_text_atomically(path, text)
    return [path for path, _ in files]
