"""Which reviews arise: the tasks for a person the planner cannot or may not decide itself.

A review is an action of kind ``review`` on channel ``system``, about one invoice, as soon as
the invoice exists and the contact window allows. They arise for:

* rule 7 — a dispute (every plan until it is resolved or the invoice settled), and a promise
  later than the policy allows;
* rule 11 — charges the planner cannot compute (a rate table that stops short, a missing
  exchange rate), and fees or interest left on a paid invoice;
* a step that cannot go as written: no usable policy, a ``deadline`` anchor with no deadline
  stated, a bound that can never pass, no working channel (rule 9);
* the end of a ladder — a payment that arrived after the invoice was written off or its
  contract's service cancelled (`_end_state`): undo it or not is a person's decision;
* the limitation watch — the policy's ``limitation_warning`` before a claim to an unpaid
  invoice becomes time-barred under its contract's jurisdiction (`money._limitation`), dated
  then, or at once when that day has passed.

Each reason names the rule and the dates behind it (rule 12).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from paychase._reason import Param, ReasonPart, joined, part
from paychase.case._contracts import Contract
from paychase.case._history import ContactEvent
from paychase.case._invoices import Payment
from paychase.conversation._facts import InvoiceFacts
from paychase.money._balances import ZERO
from paychase.money._charges import amounts_of
from paychase.money._limitation import claim_barred_after
from paychase.planner._context import ClientContext
from paychase.planner._costs import Costs
from paychase.planner._end_state import late_payment_why
from paychase.planner._outputs import Action
from paychase.planner._reasons import standing_of
from paychase.planner._timing import AT_ONCE
from paychase.policy._ladder import ladder_progress
from paychase.policy._policy import Policy

__all__ = ["Reviews"]


class Reviews:
    """The client's reviews, each with the invoice's amounts on the client's today."""

    __slots__ = ("_context", "_costs")

    def __init__(self, context: ClientContext, costs: Costs) -> None:
        self._context = context
        self._costs = costs

    def review(self, facts: InvoiceFacts, topic: str, why: ReasonPart) -> Action:
        """A review of the invoice's `topic` (a step id, ``contact`` or ``policy``)."""
        decide = part("review.decide", clause=why)
        return self._action(facts, topic, 1, (standing_of(facts, self._context.today), decide))

    def charges_review(self, facts: InvoiceFacts, problems: Sequence[ReasonPart]) -> Action:
        """Rule 11: charges the planner cannot compute, or that remain on a paid invoice."""
        *first, last = problems
        return self._action(facts, "charges", 1, (*first, part("review.decide", clause=last)))

    def dispute_review(self, facts: InvoiceFacts) -> Action:
        """Rule 7: a dispute stops dunning on the disputed amount until a person resolves it."""
        if facts.disputes:
            last = facts.disputes[-1]
            detail = last.dispute
            amount = detail.amount if detail and detail.amount else facts.balance.owed
            on = self._context.clock.local(last.at).date()
            currency = facts.invoice.currency
            money: dict[str, Param] = {"amount": amount, "currency": currency, "on": on}
            why = (
                part("dispute.disputed_said", **money, said=detail.reason)
                if detail and detail.reason
                else part("dispute.disputed", **money)
            )
        else:
            why = part("dispute.marked", issued=facts.invoice.issued, due=facts.due)
        review = (
            part("dispute.review_stopped")
            if facts.balance.chased == ZERO
            else part(
                "dispute.review_continues",
                amount=facts.balance.chased,
                currency=facts.invoice.currency,
            )
        )
        reason = (part("rule", number=7, clause=why), review)
        return self._action(facts, "dispute", max(len(facts.disputes), 1), reason)

    def promise_review(self, facts: InvoiceFacts, why: ReasonPart) -> Action:
        """Rule 7: a promise later than the policy allows is not granted without a person."""
        assert facts.promised is not None
        reason = (part("rule", number=7, clause=why), part("promise.review"))
        number = sum(1 for e in facts.events if e.kind == "promise")
        return self._action(facts, "promise", number, reason)

    def residue_review(self, facts: InvoiceFacts, ladder: Policy) -> list[Action]:
        """Rule 11: a paid invoice's fees and interest stay claimable.

        Unless the contract waives them, a person decides whether to claim them: they are never
        chased automatically once the invoiced amount is paid.
        """
        contract, context = facts.contract, self._context
        if contract.waive_charges_when_paid or (
            contract.late_fee.kind == "none" and not contract.fixed_compensation
        ):
            return []
        facts.progress = ladder_progress(
            ladder, facts.events, context.clock.deadline_of, facts.invoice.id
        )
        owed = self._costs.owed(facts, context.today)
        left = owed.principal + owed.extra
        tolerance = contract.tolerance or ZERO
        problems = owed.problems
        if left == ZERO or left < tolerance:
            return [self.charges_review(facts, problems)] if problems else []
        currency = facts.invoice.currency
        items = tuple(
            part("residue.item", kind=kind, name=name, amount=amount, currency=currency)
            for kind, name, amount in (
                ("principal", "principal", owed.principal),
                ("late_fee", "late fee", owed.late_fee),
                ("interest", "interest", owed.interest),
                ("compensation", "compensation", owed.compensation),
            )
            if amount > 0
        )
        residue = part(
            "residue",
            invoice=facts.invoice.label,
            due=facts.due,
            items=items,
            currency=currency,
            allocation=self._allocation(contract),
        )
        why = (part("rule", number=11, clause=residue), *owed.problems)
        *first, last = why
        reason = (*first, part("review.decide", clause=last))
        return [self._action(facts, "charges", 1, reason)]

    def late_payment_review(
        self, facts: InvoiceFacts, ending: ContactEvent, payments: Sequence[Payment]
    ) -> Action:
        """A payment after a write-off or a cancellation: a person decides whether to undo it.

        Keyed by the number of such payments, so each new one gets a review of its own.
        """
        written_off = ending.kind == "write_off"
        topic = "written_off" if written_off else "cancelled"
        why = late_payment_why(self._context, facts, ending, payments)
        # Rule 2: a written-off invoice is not dunned; rule 10: a cancelled service is not
        # switched back on by a payment.
        ruled = part("rule", number=2 if written_off else 10, clause=why)
        reason = (part("review.nothing_sent", clause=ruled),)
        return self._action(facts, topic, len(payments), reason)

    def limitation_review(self, facts: InvoiceFacts, ladder: Policy) -> Action | None:
        """The limitation watch: a review `limitation_warning` before the claim is time-barred.

        None without the setting, for an invoice not issued yet, or for a jurisdiction paychase
        has no limitation rule for. Part payments restart the period only where the law says
        so (`LimitationRule.restarted_by_payment`); the key names the last day, so a restarted
        period gets a review of its own.
        """
        lead = ladder.limitation_warning
        if lead is None or facts.state == "draft":
            return None
        context = self._context
        jurisdiction = facts.contract.jurisdiction or context.client.country
        found = claim_barred_after(
            jurisdiction, facts.due, (p.date for p in facts.invoice.payments)
        )
        if found is None:
            return None
        last, rule = found
        warn = replace(lead, count=-lead.count).shift_date(last, context.clock.calendar)
        standing = part(
            "limitation.standing",
            invoice=facts.invoice.label,
            due=facts.due,
            amount=facts.balance.owed,
            currency=facts.invoice.currency,
        )
        law: dict[str, Param] = {"act": rule.act, "article": rule.article, "years": rule.years}
        why = (
            part("limitation.barred", last=last, **law)
            if context.today > last
            else part("limitation.open", last=last, opens=warn, **law)
        )
        reason = (standing, why)
        return self._action(facts, f"limitation:{last}", 1, reason, context.clock.start_of(warn))

    def _allocation(self, contract: Contract) -> ReasonPart:
        """The order payments are allocated in: the contract's, else the law's (rule 11)."""
        order: tuple[str, ...] | None = contract.allocation
        if order is None:
            law = self._context.book.law(contract)
            first = law.rules.allocation if law.rules is not None else "interest_first"
            if first == "principal_first":
                return part("allocation.principal_first")
            order = ("costs", "interest", "principal")
        return part("list", items=tuple(part("allocation.item", item=item) for item in order))

    def _action(
        self,
        facts: InvoiceFacts,
        topic: str,
        number: int,
        reason: tuple[ReasonPart, ...],
        not_before: datetime | None = None,
    ) -> Action:
        """A task for a person about one invoice, as soon as it exists and the window allows.

        `not_before` dates a review that waits for a day of its own (the limitation watch).
        """
        context = self._context
        issued = context.clock.start_of(facts.invoice.issued)
        if not_before is not None:
            issued = max(issued, not_before)
        return Action.trusted(
            key=f"{facts.contract.id}/{facts.invoice.id}/review:{topic}/{number}",
            kind="review",
            client=context.client.id,
            invoices=(facts.invoice.id,),
            channel="system",
            at=context.clock.first_open(max(context.now, issued), AT_ONCE),
            amounts=amounts_of([self._costs.owed(facts, context.today)], facts.invoice.currency),
            why=reason,
            reason=joined(reason),
        )
