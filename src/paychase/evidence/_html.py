"""The evidence pack for people and for the record: its printable HTML, and the files written.

`evidence_html` renders the pack through the built-in template ``evidence/pack`` (a host
template of that name replaces it), in the pack's language (`EvidencePack.locale`) with every
value formatted for it, in the same sandbox as messages. Beyond the pack itself the template is
given what a lawyer reads first: the jurisdiction of each contract with the statutory regime
that follows from it, and, for every interest rate used, its official source as the rate table
records it (publisher, series, dates, address) — never the table's research notes.
`write_evidence` writes the pack's JSON and its HTML beside each other, each file replaced
atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale

from paychase._files import write_text_atomically
from paychase.case._contracts import Contract
from paychase.case._history import ContactEvent
from paychase.case._invoices import Invoice
from paychase.case._parties import Client, Contacts
from paychase.evidence._pack import (
    KEPT,
    MOVED,
    NO_ACTION,
    NO_KEY,
    EvidencePack,
    SentMessage,
    TimelineEntry,
)
from paychase.messages._context import charge_variables, sender_variables, terms_variables
from paychase.messages._formatting import Day, Moment, Money, Rate, days
from paychase.messages._render import Renderer
from paychase.messages._templates import language_of
from paychase.money._amounts import Charge, ChargeLine
from paychase.money._rates import RatePeriod, RateTable, Regime, builtin_rate_table
from paychase.money._regimes import regime_for, regime_rules
from paychase.planner._statement import Statement

__all__ = ["EVIDENCE_TEMPLATE", "evidence_html", "write_evidence"]

EVIDENCE_TEMPLATE = "evidence/pack"
"""The template name of the printable pack; a host template of this name replaces it."""


def evidence_html(pack: EvidencePack, renderer: Renderer | None = None) -> str:
    """The pack as one printable HTML5 document (A4), in the pack's language.

    The template is ``evidence/pack``, looked up along the chain of `EvidencePack.locale` (the
    sender's locale, else the client's) with the renderer's host templates before the built-in
    ones, in the same sandbox as messages.

    Args:
        pack: from `evidence_pack`.
        renderer: supplies the host's template loaders and the rate table whose sources the
            pack cites (the built-in one when it has none); a default `Renderer` when None.

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
    renderer = renderer or Renderer()
    table = renderer.rates or builtin_rate_table()
    return renderer.render_page(
        EVIDENCE_TEMPLATE, pack.locale, lambda locale: _html_context(pack, locale, table)
    )


def _html_context(pack: EvidencePack, locale: str, table: RateTable) -> dict[str, Any]:
    """The template's variables: the pack with every value formatted for `locale`."""
    numbers = {i.id: i.label for i in pack.invoices}
    currencies = {i.id: i.currency for i in pack.invoices}
    fallback = pack.contracts[0].currency if pack.contracts else None
    laws = {c.id: _law(c, pack.client, table, locale) for c in pack.contracts}
    contract_of = {i.id: i.contract for i in pack.invoices}
    charges = _Charges(
        table,
        locale,
        numbers,
        laws={i: laws.get(c) for i, c in contract_of.items()},
        fee_units={i.id: _fee_unit(pack, i.contract) for i in pack.invoices},
    )
    return {
        "locale": locale,
        "language": language_of(locale),
        "as_of": Moment(pack.as_of, locale),
        "policy": pack.policy,
        "client": _party(pack.client, locale),
        "sender": sender_variables(pack.sender),
        "jurisdictions": list({(j["country"], j["regime"]): j for j in laws.values()}.values()),
        "contracts": [_contract(c, laws[c.id], locale) for c in pack.contracts],
        "invoices": [_invoice(i, pack.statement, locale) for i in pack.invoices],
        "statement": _account(pack.statement, charges, locale),
        "sources": charges.sources,
        "timeline": [
            _entry(e, numbers, _currency_of(e, currencies, fallback), locale) for e in pack.timeline
        ],
    }


def _country(code: str, locale: str) -> str:
    """The country's name in the reader's language: ``Polska``, ``Deutschland``."""
    return str(Locale.parse(locale).territories.get(code, code))


def _law(contract: Contract, client: Client, table: RateTable, locale: str) -> dict[str, Any]:
    """The contract's jurisdiction and the statutory-interest regime that follows from it.

    The same choice the statement's charges made (`ChargeBook.law`): the contract's
    jurisdiction, else the client's country, and the regime the contract names or the law
    of that country gives a debtor of the client's kind. `title` is the statute in words,
    from the rate table; `regime` is None where the law grants no statutory interest; `year`
    is the length of the interest year in words where the day-count basis fixes it.
    """
    country = contract.jurisdiction or client.country
    key, why = regime_for(country, client.kind, contract.interest_regime)
    regime = _regime(table, key)
    return {
        "country": country,
        "country_name": _country(country, locale),
        "named": contract.jurisdiction is not None,
        "regime": key,
        "title": (regime.title if regime else "") or (regime_rules(key).statute if key else ""),
        "statute": regime_rules(key).statute if key else None,
        "basis": regime.basis if regime else None,
        "year": days(_YEAR[regime.basis], locale) if regime and regime.basis in _YEAR else None,
        "reference": regime.reference if regime else None,
        "why": why,
    }


# The days of an interest year where the basis fixes them; ACT_ACT counts the year's own.
_YEAR = {"ACT_365": 365, "ACT_360": 360}


def _regime(table: RateTable, key: str | None) -> Regime | None:
    return next((r for r in table.regimes if r.regime == key), None)


def _fee_unit(pack: EvidencePack, contract_id: str) -> str | None:
    """The time unit of a contractual late fee's rate: a month, a day, or None (one-off)."""
    contract = next((c for c in pack.contracts if c.id == contract_id), None)
    kind = contract.late_fee.kind if contract else None
    return {"percent_per_month": "month", "daily_rate": "day"}.get(kind or "")


def _party(client: Client, locale: str) -> dict[str, Any]:
    channels = tuple(Contacts.model_fields)
    return {
        "id": client.id,
        "name": client.name,
        "kind": client.kind,
        "country": client.country,
        "country_name": _country(client.country, locale),
        "subdivision": client.subdivision,
        "timezone": client.timezone,
        "contacts": [
            {"channel": name, "address": value}
            for person in client.people
            for name, value in person.model_dump(include=set(channels), exclude_none=True).items()
        ],
    }


def _contract(contract: Contract, law: dict[str, Any], locale: str) -> dict[str, Any]:
    currency = contract.currency
    return {
        "id": contract.id,
        "terms": terms_variables(contract, locale),
        "law": law,
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


class _Charges:
    """Each charge's variables, with every rate's official source numbered once for the pack.

    A computation line carries the source text of its rate period; the period itself, found
    in the rate table by that text, gives the parts a reader checks: who publishes the rate,
    the series, since when it is in force, when it was published and where.
    """

    def __init__(
        self,
        table: RateTable,
        locale: str,
        numbers: Mapping[str, str],
        *,
        laws: Mapping[str, dict[str, Any] | None],
        fee_units: Mapping[str, str | None],
    ) -> None:
        self._table = table
        self._locale = locale
        self._numbers = numbers
        self._laws = laws
        self._fee_units = fee_units
        self.sources: list[dict[str, Any]] = []
        self._numbered: dict[tuple[Any, ...], int] = {}

    def variables(self, charge: Charge) -> dict[str, Any]:
        """`charge_variables`, with the law, the rate's time unit and numbered sources."""
        found = charge_variables(charge, self._numbers, self._locale)
        law = self._laws.get(charge.invoice) if charge.kind == "interest" else None
        regime = _regime(self._table, law["regime"]) if law else None
        for line, variables in zip(charge.lines, found["lines"], strict=True):
            variables["source"] = self._number(line, regime)
        found["law"] = law
        units = {"interest": "year", "late_fee": self._fee_units.get(charge.invoice)}
        found["rate_unit"] = units.get(charge.kind)
        return found

    def _number(self, line: ChargeLine, regime: Regime | None) -> int | None:
        """The number of the line's source in `sources`, adding it the first time."""
        if line.source is None:
            return None
        period = _period(regime, line) if regime else None
        source = _source(period, line.source, self._locale)
        key = tuple(str(value) for value in source.values())
        if key not in self._numbered:
            self.sources.append(source)
            self._numbered[key] = len(self.sources)
        return self._numbered[key]


def _period(regime: Regime, line: ChargeLine) -> RatePeriod | None:
    """The rate period the line's rate was taken from: the latest one by then with its source.

    A rate fixed at the start of the debt is taken from an earlier period than the line's
    own days, so the period is the last one that started by the line's first day and whose
    source is the line's.
    """
    started = [p for p in regime.periods if p.from_ <= line.from_ and p.source == line.source]
    return started[-1] if started else None


def _source(period: RatePeriod | None, text: str, locale: str) -> dict[str, Any]:
    """A rate's source as a reader of a claim checks it; the table's `source` text otherwise.

    Only the publication is shown: the table's research tags and notes are for its
    maintainers.
    """
    if period is None or period.publisher is None:
        return {"publisher": None, "text": text}
    return {
        "publisher": period.publisher,
        "series": period.series,
        "in_force": Day(period.from_, locale),
        "reference_rate": Rate(period.reference_rate, locale) if period.reference_rate else None,
        "reference_date": Day(period.reference_date, locale) if period.reference_date else None,
        "published": Day(period.published, locale) if period.published else None,
        "url": period.url,
        "text": text,
    }


def _account(account: Statement, charges: _Charges, locale: str) -> dict[str, Any]:
    def sums(record: Any) -> dict[str, Money]:
        return {name: Money(getattr(record, name), record.currency, locale) for name in _SUMS}

    return {
        "as_of": Day(account.as_of, locale),
        "lines": [
            {
                "number": line.number or line.invoice,
                "state": line.state,
                "currency": line.currency,
                **sums(line),
            }
            for line in account.lines
        ],
        "totals": [{"currency": total.currency, **sums(total)} for total in account.totals],
        "charges": [charges.variables(c) for c in account.charges],
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
        "notes": [_Note(note) for note in entry.notes],
    }


class _Note(str):
    """A note of the pack: its text, as ``str``, with the `code` a translation words it by.

    ``kept``, ``no_key``, ``no_action`` (no plan of that moment has the contact's key) and
    ``moved`` (the plan put the action at the message's ``planned_at``); None for any other,
    whose text is shown as written. A template that prints the note gets the English text.
    """

    code: str | None

    def __new__(cls, text: str) -> _Note:
        note = super().__new__(cls, text)
        codes = ((KEPT, "kept"), (NO_KEY, "no_key"), (NO_ACTION, "no_action"), (MOVED, "moved"))
        note.code = next((code for start, code in codes if text.startswith(start)), None)
        return note


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
