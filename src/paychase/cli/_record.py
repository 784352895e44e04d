"""Recording facts by hand: ``pay``, ``record …`` and ``history list|void|add``.

``paychase pay INVOICE AMOUNT`` records money received; ``paychase record reply|promise|
dispute|call|credit-note|resolution …`` a contact or a correction. Every value is checked
against the workspace — ids, amounts and currencies, dates, step ids, task keys, times with
their offset — and a wrong one ends in one line naming the option, with exit status 2: nothing
half-recorded. ``paychase history list`` shows the journal with each entry's id, and
``paychase history void ID --why TEXT`` corrects without deleting.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

import click

from paychase._files import load_case
from paychase.calendar._working_days import default_calendar
from paychase.case._history import ContactEvent
from paychase.cli._options import db_option, open_workspace, parse_at
from paychase.cli._output import Column, local_time, print_table, show
from paychase.errors import InvalidCaseError, PaychaseError
from paychase.money._balances import balance_of
from paychase.money._discount import discount_taken
from paychase.store._journal import Entry, MoneyKind
from paychase.store._workspace import Workspace

__all__ = ["history_group", "pay_command", "record_group"]

_CALL_OUTCOMES = ("answered", "no_answer", "voicemail")
_RESOLUTIONS = ("credited", "withdrawn", "rejected")
_INBOUND = ("reply", "promise", "dispute", "payment_notice")


@contextmanager
def _options_named(names: Mapping[str, str]) -> Iterator[None]:
    """Re-raise a `PaychaseError` with its field named as the command line spells it."""
    try:
        yield
    except PaychaseError as error:
        field = error.field or ""
        for inner, option in names.items():
            if field == inner or field.startswith((f"{inner}.", f"{inner}[")):
                field = option + field[len(inner) :]
                break
        given: dict[str, Any] = {"value": error.value} if error.has_value else {}
        raise type(error)(error.problem, field=field, others=error.others, **given) from None


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidCaseError("not a date (YYYY-MM-DD)", field=option, value=text) from None


def _recorded(workspace: Workspace, entry: Entry) -> str:
    """What was recorded, and what the invoice still owes after it.

    Payments that reached the discounted total within the early-payment discount's window
    settle the invoice, and the line says so.
    """
    line = f"recorded {entry.id}: {entry.summary}"
    if entry.on is None or not entry.invoices:
        return line
    case = workspace.case(entry.client)
    invoice = next(i for i in case.invoices if i.id == entry.invoices[0])
    contract = next(c for c in case.contracts if c.id == invoice.contract)
    client = next(c for c in case.clients if c.id == entry.client)
    calendar = default_calendar(client.country, client.subdivision)
    taken = discount_taken(invoice, contract.early_payment_discount, calendar)
    balance = balance_of(invoice, entry.on, taken=taken)
    if balance.owed:
        paid = f"{balance.owed} {invoice.currency} still owed"
    elif balance.discount:
        paid = f"paid, with the early-payment discount of {balance.discount} {invoice.currency}"
    else:
        paid = "paid in full"
    return f"{line} against {invoice.label}: {paid}"


_MONEY_OPTIONS = {
    "invoice": "INVOICE",
    "amount": "AMOUNT",
    "date": "--date",
    "ref": "--ref",
    "currency": "--currency",
}


def _money_options(function: Any) -> Any:
    for option in reversed(
        (
            click.argument("invoice", metavar="INVOICE"),
            click.argument("amount", metavar="AMOUNT"),
            click.option("--date", "on", metavar="YYYY-MM-DD", help="default: today"),
            click.option("--ref", help="the bank's or the note's reference"),
            click.option("--currency", help="checked against the invoice's currency"),
            click.option("--at", metavar="ISO-DATETIME", help="when it is recorded (default: now)"),
            db_option,
            click.pass_context,
        )
    ):
        function = option(function)
    return function


@click.command("pay")
@_money_options
def pay_command(ctx: click.Context, /, **given: Any) -> int:
    """Record a payment received against INVOICE."""
    return _record_money(ctx, "payment", **given)


@click.group("record")
def record_group() -> None:
    """Record a contact or a correction: reply, promise, dispute, call, credit-note, resolution."""


@record_group.command("credit-note")
@_money_options
def credit_note_command(ctx: click.Context, /, **given: Any) -> int:
    """Record a credit note lowering INVOICE by AMOUNT."""
    return _record_money(ctx, "credit_note", **given)


def _record_money(
    ctx: click.Context,
    kind: MoneyKind,
    *,
    invoice: str,
    amount: str,
    on: str | None,
    ref: str | None,
    currency: str | None,
    at: str | None,
    db: str | None,
) -> int:
    """Record a payment or a credit note, checked; print it and what the invoice still owes."""
    with open_workspace(ctx, db) as workspace, _options_named(_MONEY_OPTIONS):
        record = workspace.record_payment if kind == "payment" else workspace.record_credit_note
        entry = record(
            invoice, amount, on=_day(on, "--date"), ref=ref, currency=currency, at=parse_at(at)
        )
        show(_recorded(workspace, entry))
    return 0


_CONTACT_OPTIONS = {
    "client": "--client",
    "invoices": "--invoice",
    "at": "--at",
    "channel": "--channel",
    "note": "--note",
    "promise.date": "--date",
    "promise.amount": "--amount",
    "promise": "--date",
    "dispute.amount": "--amount",
    "dispute.reason": "--reason",
    "dispute": "--reason",
    "resolution": "--how",
    "outcome": "--outcome",
    "key": "--key",
    "step": "--key",
}


def _contact_options(function: Any) -> Any:
    for option in reversed(
        (
            click.option("--client", metavar="ID", help="the client (or --key for a task)"),
            click.option(
                "--invoice", "invoices", multiple=True, metavar="ID", help="an invoice it names"
            ),
            click.option("--at", metavar="ISO-DATETIME", help="when, with offset (default: now)"),
            click.option("--channel", help="email, phone, sms, letter …"),
            click.option("--note", help="what was said, in a line"),
            click.option(
                "--case",
                "case_option",
                metavar="FILE",
                help="check against this case file (a run reading it beside the workspace)",
            ),
            db_option,
            click.pass_context,
        )
    ):
        function = option(function)
    return function


def _record_contact(
    ctx: click.Context, db: str | None, fields: dict[str, Any], at: str | None
) -> int:
    """Build the contact, check it against the case, record it; print what happened."""
    case_option = fields.pop("case_option", None)
    with open_workspace(ctx, db) as workspace, _options_named(_CONTACT_OPTIONS):
        now = parse_at(None)
        fields["at"] = parse_at(at) if at else now
        fields.setdefault("direction", "in" if fields["kind"] in _INBOUND else "out")
        data = {name: value for name, value in fields.items() if value not in (None, ())}
        event = ContactEvent.model_validate(data)
        case = load_case(case_option) if case_option else None
        entry, new = workspace.record_contact(event, at=now, case=case)
    show(f"{'recorded' if new else 'already recorded'} {entry.id}: {entry.summary}")
    return 0


@record_group.command("reply")
@_contact_options
def reply_command(ctx: click.Context, *, db: str | None, at: str | None, **given: Any) -> int:
    """Record that the client wrote or said something (it pauses escalation, rule 8)."""
    return _record_contact(ctx, db, {"kind": "reply", **given}, at)


@record_group.command("promise")
@_contact_options
@click.option("--date", "promised", required=True, metavar="YYYY-MM-DD", help="to pay by")
@click.option("--amount", help="how much (default: the whole balance)")
def promise_command(
    ctx: click.Context,
    *,
    db: str | None,
    at: str | None,
    promised: str,
    amount: str | None,
    **given: Any,
) -> int:
    """Record the client's promise to pay by a date (it holds escalation, rule 7)."""
    promise = {"date": promised, "amount": amount}
    return _record_contact(ctx, db, {"kind": "promise", "promise": promise, **given}, at)


@record_group.command("dispute")
@_contact_options
@click.option("--reason", required=True, help="what the client contests, in their words")
@click.option("--amount", help="how much is contested (default: the whole balance)")
def dispute_command(
    ctx: click.Context,
    *,
    db: str | None,
    at: str | None,
    reason: str,
    amount: str | None,
    **given: Any,
) -> int:
    """Record that the client disputes an invoice (dunning stops on it, rule 7)."""
    dispute = {"amount": amount, "reason": reason}
    return _record_contact(ctx, db, {"kind": "dispute", "dispute": dispute, **given}, at)


@record_group.command("resolution")
@_contact_options
@click.option("--how", "resolution", required=True, type=click.Choice(_RESOLUTIONS))
def resolution_command(
    ctx: click.Context, *, db: str | None, at: str | None, resolution: str, **given: Any
) -> int:
    """Record how a dispute ended; dunning resumes on what is still owed."""
    fields = {"kind": "dispute_resolved", "resolution": resolution, "direction": "out", **given}
    return _record_contact(ctx, db, fields, at)


@record_group.command("call")
@_contact_options
@click.option("--outcome", required=True, type=click.Choice(_CALL_OUTCOMES))
@click.option("--key", help="the call task's key (from paychase tasks): closes the task")
def call_command(
    ctx: click.Context,
    *,
    db: str | None,
    at: str | None,
    outcome: str,
    key: str | None,
    **given: Any,
) -> int:
    """Record a call and how it went; with --key, the outcome of a planned call task."""
    fields: dict[str, Any] = {"kind": "call", "direction": "out", **given}
    if key is not None:
        with open_workspace(ctx, db) as workspace:
            task = next((a for a in workspace.attempts() if a.key == key), None)
        if task is None or task.event is None:
            raise InvalidCaseError(
                "no task has this key (see paychase tasks)", field="--key", value=key
            )
        planned = task.event.model_dump(mode="json", by_alias=True, exclude_none=True)
        fields = {**planned, **{k: v for k, v in fields.items() if v not in (None, ())}}
    return _record_contact(ctx, db, {**fields, "outcome": outcome, "key": key}, at)


# -- history -----------------------------------------------------------------------------------


@click.group("history")
def history_group() -> None:
    """The journal: every contact and payment recorded, with its id; void; add."""


_JOURNAL = (Column("ID"), Column("WHEN (YOUR TIME)"), Column("CLIENT"), Column("INVOICES"))


@history_group.command("list")
@db_option
@click.option("--client", metavar="ID", help="only this client's")
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table")
@click.pass_context
def history_list_command(
    ctx: click.Context, *, db: str | None, client: str | None, output_format: str
) -> int:
    """List the journal: contacts, payments and credit notes, void ones marked."""
    with open_workspace(ctx, db) as workspace:
        entries = workspace.journal(client)
    if output_format == "json":
        click.echo(
            json.dumps([e.model_dump(mode="json") for e in entries], indent=2, ensure_ascii=False)
        )
        return 0
    rows = [
        (
            entry.id,
            local_time(entry.at) if entry.at is not None else str(entry.on),
            entry.client,
            ",".join(entry.invoices) or "-",
        )
        for entry in entries
    ]
    notes = [_journal_note(entry) for entry in entries]
    print_table(_JOURNAL, rows, notes=notes)
    return 0


def _journal_note(entry: Entry) -> str:
    """An entry's line under its row: what it was, its key, and why it is void if it is."""
    note = entry.summary + (f" · key {entry.key}" if entry.key else "")
    return f"VOID ({entry.void}): {note}" if entry.void else note


@history_group.command("void")
@click.argument("entry", metavar="ID")
@click.option("--why", required=True, help="why it is wrong: kept with it")
@db_option
@click.pass_context
def void_command(ctx: click.Context, *, entry: str, why: str, db: str | None) -> int:
    """Mark an entry (E12, P3, C4) void: kept and shown, no longer a fact."""
    with open_workspace(ctx, db) as workspace, _options_named({"entry": "ID", "why": "--why"}):
        voided = workspace.void(entry, why=why, at=parse_at(None))
    show(f"void {voided.id}: {voided.summary} ({voided.void})")
    return 0


@history_group.command("add")
@db_option
@click.option("--case", "case_option", metavar="FILE", help="check against this case file")
@click.option("--key", help="the action key it completes (fills in the rest)")
@click.option("--client")
@click.option("--kind", help="reply, promise, dispute, payment_notice, call, letter …")
@click.option("--direction", type=click.Choice(("in", "out")))
@click.option("--at", metavar="ISO-DATETIME", help="when (default: now)")
@click.option("--invoices", help="comma-separated invoice ids")
@click.option("--channel")
@click.option("--outcome", help="delivered, bounced, failed, answered, no_answer …")
@click.option("--promise-date", metavar="DATE")
@click.option("--amount", help="the amount promised or disputed")
@click.option("--reason", help="why the client disputes")
@click.option("--note")
@click.pass_context
def history_add_command(
    ctx: click.Context, /, *, db: str | None, key: str | None, at: str | None, **given: str | None
) -> int:
    """Record a contact or a call's outcome (see also: paychase record)."""
    fields: dict[str, Any] = {}
    if key:
        with open_workspace(ctx, db) as workspace:
            task = next((a for a in workspace.attempts() if a.key == key), None)
        if task is None or task.event is None:
            raise InvalidCaseError("no task or attempt has this key", field="--key", value=key)
        fields = task.event.model_dump(mode="json", by_alias=True, exclude_none=True)
    invoices = given.pop("invoices")
    promise_date, amount, reason = (given.pop(n) for n in ("promise_date", "amount", "reason"))
    fields.update({name: value for name, value in given.items() if value is not None})
    fields["key"] = key
    if invoices:
        fields["invoices"] = [i.strip() for i in invoices.split(",") if i.strip()]
    if promise_date:
        fields["promise"] = {"date": promise_date, "amount": amount}
    elif amount or reason:
        fields["dispute"] = {"amount": amount, "reason": reason}
    if "kind" not in fields:
        raise InvalidCaseError("say what happened: --kind reply, promise, call …", field="--kind")
    return _record_contact(ctx, db, fields, at)
