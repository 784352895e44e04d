"""The ends of a ladder: writing an invoice off, cancelling a contract's service (issue 16).

A ladder may end in ``write_off`` (the host books the invoice as bad debt) or
``cancel_service`` (the host terminates the contract's service for non-payment), planned like
``escalate``: an action for the host on channel ``system`` with the amounts it is about. Their
bounds are the escalation's and the suspension's (`_timing`): a write-off waits for the final
notice's deadline to pass (rule 4), a cancellation for the warnings the contract's suspension
clause asks for and the last one's deadline (rule 10). Here is what follows once the host has
recorded one (history kinds ``write_off`` and ``cancel_service``):

* a written-off invoice gets nothing more — no step, fee booking, charges or dispute review,
  limitation watch — and its state is ``written_off``;
* the ladder of an invoice whose service was cancelled goes on (only ``escalate`` or
  ``write_off`` may follow the cancellation), but no step of any invoice of that contract
  suspends or cancels its service again, and no suspension of it is lifted: a cancelled
  service is not switched back on by a payment;
* a payment that arrives on or after the day of either one gets a ``review`` for a person
  (reverse the write-off? reinstate the contract?), never a message or a restoration. A
  payment's date has no hour: one made that day may have come after the booking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Final

from paychase._reason import ReasonPart, part
from paychase.case._history import ContactEvent
from paychase.case._invoices import Payment
from paychase.conversation._facts import SETTLED, InvoiceFacts
from paychase.conversation._sanctions import concerned_contracts
from paychase.planner._context import ClientContext
from paychase.policy._policy import Step

__all__ = [
    "cancellation",
    "cancellations",
    "end_note",
    "late_payment_why",
    "late_payments",
    "sanction_unmet",
    "written_off",
    "written_off_state",
]

_DID_NOT_HAPPEN: Final = frozenset({"bounced", "failed"})


def _happened(event: ContactEvent) -> bool:
    return event.direction == "out" and event.outcome not in _DID_NOT_HAPPEN


def written_off(facts: InvoiceFacts) -> ContactEvent | None:
    """The first recorded write-off of the invoice (None: it was not written off)."""
    return next((e for e in facts.events if e.kind == "write_off" and _happened(e)), None)


def written_off_state(facts: InvoiceFacts) -> None:
    """Show the invoice as ``written_off`` where the history writes off a balance still owed.

    The plan and the statement say it alike. The invoice's own status wins: one the host
    marked cancelled stays cancelled.
    """
    if written_off(facts) is not None and facts.balance.owed > 0 and facts.state not in SETTLED:
        facts.state = "written_off"


def cancellation(context: ClientContext, contract: str) -> ContactEvent | None:
    """The first recorded cancellation of the service of `contract` (None: none)."""
    return context.cancelled.get(contract)


def cancellations(
    events: Sequence[ContactEvent], contract_of: Mapping[str, str], contracts: Sequence[str]
) -> dict[str, ContactEvent]:
    """The first recorded cancellation of each contract's service, by contract id.

    Read once per client from its history (`events`, oldest first). A cancellation event
    names the invoices it was for, and their contracts (`contract_of`) are cancelled; one
    naming none cancels the contracts its key names, else all of the client's (`contracts`),
    as a suspension does.
    """
    found: dict[str, ContactEvent] = {}
    for event in events:
        if event.kind != "cancel_service" or not _happened(event):
            continue
        for contract in concerned_contracts(
            event.invoices, event.key, contract_of=contract_of, contracts=contracts
        ):
            found.setdefault(contract, event)
    return found


def late_payments(
    context: ClientContext, facts: InvoiceFacts, ending: ContactEvent
) -> list[Payment]:
    """The invoice's payments dated on or after the day of `ending`, up to today.

    Nothing for an invoice issued after a cancellation: its payment is the client settling a
    bill, not a question about the contract.
    """
    day = context.clock.local(ending.at).date()
    if facts.invoice.issued > day:
        return []
    return [p for p in facts.invoice.payments if day <= p.date <= context.today]


def late_payment_why(
    context: ClientContext, facts: InvoiceFacts, ending: ContactEvent, payments: Sequence[Payment]
) -> ReasonPart:
    """Why a person reviews payments that came after a write-off or a cancellation."""
    day: date = context.clock.local(ending.at).date()
    paid = _payments(payments, facts.invoice.currency)
    label = facts.invoice.label
    if ending.kind == "write_off":
        return part("late_payment.written_off", invoice=label, on=day, paid=paid)
    return part(
        "late_payment.cancelled", contract=facts.contract.id, on=day, invoice=label, paid=paid
    )


def _payments(payments: Sequence[Payment], currency: str) -> ReasonPart:
    """``a payment of 300.00 EUR arrived on 2026-04-28``, or every one of several, and their sum."""
    if len(payments) == 1:
        first = payments[0]
        return part("payment.one", amount=first.amount, currency=currency, on=first.date)
    each = tuple(
        part("payment.item", amount=p.amount, currency=currency, on=p.date) for p in payments
    )
    total = sum((p.amount for p in payments), Decimal(0))
    return part("payment.several", count=len(payments), total=total, currency=currency, each=each)


def end_note(step: Step, facts: InvoiceFacts) -> ReasonPart | None:
    """What the host is asked to do at an end step, for the action's reason (rule 12)."""
    if step.action == "write_off":
        return part("end.write_off", invoice=facts.invoice.label)
    if step.action == "cancel_service":
        return part("end.cancel", contract=facts.contract.id)
    return None


def sanction_unmet(context: ClientContext, step: Step, facts: InvoiceFacts) -> ReasonPart | None:
    """Why a step that suspends or cancels the service does not apply (None: it does).

    Cancelling needs the contract's suspension clause, as suspending does: the clause is the
    contract's remedy of withholding the service for non-payment, and its ``warnings`` and
    ``after`` are what a cancellation waits for too. A cancelled service is neither suspended
    nor cancelled again.
    """
    if step.action not in ("suspend_service", "cancel_service"):
        return None  # an effect that suspends is dropped, not the message (`_costs`)
    cancelled = cancellation(context, facts.contract.id)
    if cancelled is not None:
        day = context.clock.local(cancelled.at).date()
        return part("sanction.cancelled", contract=facts.contract.id, on=day)
    if not facts.contract.suspension:
        return part("sanction.no_clause_cancel" if step.cancels else "sanction.no_clause")
    return None
