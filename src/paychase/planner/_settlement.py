"""Lifting a sanction once everything it waits for is settled (SPEC §5 rules 2 and 10).

A contract's suspension (pause of work) in force (`conversation._sanctions`) is lifted by one
``restore_service`` (``resume_work``) at the first open moment once:

* every invoice it covers is settled: each invoice its events name (every invoice of the
  contract, for an event naming none) and each whose own suspension (pause) step joined it
  (`_joining`) — paying the newest invoice alone does not switch the service back on;
* for a pause of work, every prepayment of the contract is paid that it was imposed for, or
  that is short while the work goes on (such a prepayment joined it, `conversation._work`);
* and nothing holds it that only the host lifts: a kill fee's or a project chase's pause, the
  contract's service cancelled, or an invoice it covers written off (`_end_state`: a payment
  after those gets a review, never an automatic restoration).

A settled invoice gets no dunning action, but it may get these (rule 2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from paychase._reason import joined, part
from paychase.conversation._facts import SETTLED, InvoiceFacts
from paychase.conversation._prepayments import PREPAYMENTS, Prepaid, prepaid_of
from paychase.conversation._sanctions import Sanction, SanctionKind
from paychase.conversation._work_books import WorkBooks
from paychase.planner._context import ClientContext
from paychase.planner._end_state import written_off
from paychase.planner._joining import SanctionJoins
from paychase.planner._outputs import Action
from paychase.planner._timing import AT_ONCE
from paychase.policy._policy import ActionKind

__all__ = ["settlement_actions"]

# What lifts a sanction: the history kind that records it, the action.
_LIFT: Mapping[SanctionKind, tuple[str, ActionKind]] = {
    "suspend": ("restore", "restore_service"),
    "pause_work": ("resume_work", "resume_work"),
}


def settlement_actions(
    context: ClientContext,
    facts_of: Sequence[InvoiceFacts],
    joins: SanctionJoins,
    books: WorkBooks,
) -> list[Action]:
    """Rules 10 and 2: lift each sanction in force once everything it waits for is settled.

    `joins` tell which invoices joined a sanction; `books` are what the work-contract rules
    read, for the prepayments a pause waits for.
    """
    settled = {facts.invoice.id for facts in facts_of if facts.state in SETTLED}
    actions = []
    for (kind, contract_id), sanction in sorted(context.sanctions.in_force.items()):
        if sanction.held:
            continue
        mine = [f for f in facts_of if f.contract.id == contract_id]
        named = sanction.named(f.invoice.id for f in mine)
        covered = named | {f.invoice.id for f in mine if joins.covers(f, sanction)}
        waited = _prepayments(context, sanction, books) if kind == "pause_work" else []
        if not covered <= settled or any(p.paid < p.required for p in waited):
            continue
        if contract_id in context.cancelled or any(
            written_off(f) is not None for f in mine if f.invoice.id in covered
        ):
            continue
        prepaid = [p for p in waited if p.topic in sanction.topics]
        if covered or prepaid:
            actions.append(_lift(context, sanction, mine, sorted(covered), prepaid))
    return actions


def _prepayments(context: ClientContext, sanction: Sanction, books: WorkBooks) -> list[Prepaid]:
    """The prepayments a pause of work waits for: those it was for, any short while working."""
    contract = context.portfolio.contracts[sanction.contract]
    working = books.working(contract)
    found = [prepaid_of(contract, topic, books) for topic in PREPAYMENTS]
    return [p for p in found if p is not None and (p.topic in sanction.topics or working)]


def _lift(
    context: ClientContext,
    sanction: Sanction,
    mine: Sequence[InvoiceFacts],
    covered: list[str],
    prepaid: list[Prepaid],
) -> Action:
    """The action lifting `sanction`, now that `covered` are settled and `prepaid` are paid.

    `prepaid` are the prepayments the sanction was imposed for: its key and reason name them.
    """
    clock, contract = context.clock, sanction.contract
    recorded, kind = _LIFT[sanction.kind]
    invoices = sorted({*covered, *(i.id for p in prepaid for i in p.invoices)})
    issued = [f.invoice.issued for f in mine if f.invoice.id in invoices]
    earliest = max([context.now, *(clock.start_of(day) for day in issued)])
    subject = "+".join(covered) or "+".join(p.topic for p in prepaid)
    number = context.sanctions.lifts.get((sanction.kind, contract), 0) + 1
    currency = context.portfolio.contracts[contract].currency
    why = [part("settled", invoices=", ".join(covered))] if covered else []
    why += [
        part(
            "prepayment.paid",
            prepayment=p.described(currency),
            paid=p.paid,
            currency=currency,
            on=context.today,
        )
        for p in prepaid
    ]
    since = clock.local(sanction.since).date()
    *first, last = why
    lift = part(f"lift.{sanction.kind}", settled=last, contract=contract, since=since)
    reason = (
        (part("rule", number=10, clause=first[0]), *first[1:], lift)
        if first
        else (part("rule", number=10, clause=lift),)
    )
    return Action(
        key=f"{contract}/{subject}/{recorded}/{number}",
        kind=kind,
        client=context.client.id,
        invoices=tuple(invoices),
        channel="system",
        at=clock.first_open(earliest, AT_ONCE),
        why=reason,
        reason=joined(reason),
    )
