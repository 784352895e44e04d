"""Holds: what the host stopped, for a client, a contract or one invoice (`case.Hold`).

A hold in force keeps every step of an invoice it covers from going before it ends — a hold
with no end keeps them all, and the invoice's state says why. When a hold ends, the steps
whose time came while it held are a backlog, caught up as the ladder catches up a case picked
up late (`_catch_up`): the client gets the most advanced of them, not a burst of every one.
Reviews are a person's, so a hold never stops them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from paychase._reason import Param, ReasonPart, part
from paychase.case._holds import Hold
from paychase.conversation._facts import InvoiceFacts
from paychase.planner._context import ClientContext
from paychase.planner._outputs import Action
from paychase.policy._schedule import Bound

__all__ = ["held_until", "hold_bound", "holding", "open_hold"]


def _holds(context: ClientContext, facts: InvoiceFacts) -> Iterator[Hold]:
    for record in (context.client, facts.contract, facts.invoice):
        if record.hold is not None:
            yield record.hold


def open_hold(context: ClientContext, facts: InvoiceFacts) -> Hold | None:
    """A hold in force with no end over the invoice (None: there is none)."""
    return next(
        (hold for hold in _holds(context, facts) if hold.until is None),
        None,
    )


def hold_bound(context: ClientContext, facts: InvoiceFacts) -> Bound | None:
    """The day after the last day of the holds in force over the invoice (None: none holds)."""
    held = [
        hold
        for hold in _holds(context, facts)
        if hold.until is not None and hold.holds_on(context.today)
    ]
    if not held:
        return None
    last = max(held, key=lambda hold: hold.until or date.min)
    assert last.until is not None
    resumes = context.clock.start_of(last.until + timedelta(days=1))
    return Bound(resumes, hold_why(last))


def hold_why(hold: Hold) -> ReasonPart:
    """The hold as the plan says it (`Hold.describe`): until when, why and by whom."""
    named: dict[str, Param] = {"reason": hold.reason}
    if hold.until is not None:
        named["until"] = hold.until
    if hold.by is not None:
        named["by"] = hold.by
    code = {
        ("reason",): "hold",
        ("reason", "until"): "hold.until",
        ("reason", "by"): "hold.by",
        ("reason", "until", "by"): "hold.until_by",
    }[tuple(named)]
    return part(code, **named)


def held_until(context: ClientContext, facts: InvoiceFacts) -> date | None:
    """The last day held of the hold over the invoice that ends last (None: no hold ends).

    The steps whose time came by then are the backlog the hold leaves (`_catch_up`).
    """
    return max(
        (hold.until for hold in _holds(context, facts) if hold.until is not None),
        default=None,
    )


_NEVER_HELD = frozenset({"review", "restore_service", "resume_work"})
"""A person's review, and undoing a sanction once paid: a hold never stops good news."""


def holding(context: ClientContext, action: Action) -> Hold | None:
    """The hold in force on the action's local day over what it is about (None: none).

    An instalment reminder, a request for a prepayment or a chase's message is held like a
    ladder step: by its client's hold, its contract's, or one of its invoices'.
    """
    if action.kind in _NEVER_HELD:
        return None
    day = context.clock.local(action.at).date()
    portfolio = context.portfolio
    owed = {invoice.id: invoice for invoice in portfolio.invoices_of.get(context.client.id, ())}
    invoices = [owed[i] for i in action.invoices if i in owed]
    contracts = {invoice.contract for invoice in invoices}
    contracts.add(action.key.split("/", 1)[0])
    if action.chase is not None:
        chase = next(
            c for c in portfolio.chases_of.get(context.client.id, ()) if c.id == action.chase
        )
        contracts.add(chase.contract or "")
    holds = [context.client.hold, *(invoice.hold for invoice in invoices)]
    holds += [portfolio.contracts[c].hold for c in sorted(contracts) if c in portfolio.contracts]
    return next((hold for hold in holds if hold is not None and hold.holds_on(day)), None)
