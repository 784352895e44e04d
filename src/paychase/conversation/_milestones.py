"""Rule 2 of the work contracts (`paychase.conversation._work`): milestones.

A milestone no invoice names yet is asked for (``request_milestone``) from its due date until a
request gets through; once an invoice names it, that invoice is chased like any other. Bill
each stage when it is reached.
"""

from __future__ import annotations

from collections.abc import Iterator

from paychase._reason import part
from paychase.case._contracts import Contract
from paychase.case._money import round_money
from paychase.conversation._work_books import DID_NOT_ARRIVE, WorkBooks, WorkNeed, retried

__all__ = ["billed_milestones", "milestone_needs"]


def billed_milestones(contract: Contract, books: WorkBooks) -> set[str | None]:
    """The milestones the contract's milestone invoices name."""
    return {i.milestone for i in books.of(contract, frozenset({"milestone"}))}


def milestone_needs(contract: Contract, books: WorkBooks) -> Iterator[WorkNeed]:
    """A ``request_milestone`` for each milestone no invoice bills and no request reached."""
    billed = billed_milestones(contract, books)
    currency = contract.currency
    for milestone in contract.milestones:
        if milestone.id in billed:
            continue
        attempts = books.attempts(f"{contract.id}/{milestone.id}/request_milestone/")
        if any(e.outcome not in DID_NOT_ARRIVE for e in attempts):
            continue
        amount = round_money(milestone.amount, currency)
        due = part(
            "milestone.due",
            milestone=milestone.id,
            name=milestone.name,
            contract=contract.id,
            amount=amount,
            currency=currency,
            due=milestone.due,
        )
        yield WorkNeed(
            kind="request_milestone",
            contract=contract.id,
            topic=milestone.id,
            number=len(attempts) + 1,
            invoices=(),
            not_before=max(books.today, milestone.due),
            amount=amount,
            currency=currency,
            deadline=None,
            charges=(),
            why=(due, *retried(attempts)),
        )
