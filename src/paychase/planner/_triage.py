"""Triage: what each invoice of a client needs at the planning moment, in the order it needs it.

* a cancelled or written-off invoice — nothing (rule 2); one the host wrote off at the end of
  its ladder — nothing either, but a review of a payment that came after (`_end_state`), as
  for a payment after its contract's service was cancelled;
* a paid one — a review of the fees and interest left on it, if any (rule 11);
* one whose policy version cannot be used — a review;
* an issued one, under a policy with ``limitation_warning`` — the limitation watch's review;
* an issued, disputed one — a review of the dispute, every plan (rule 7);
* with nothing undisputed left to chase — nothing more; otherwise the fee bookings of steps
  performed without their booking (rule 6), a review of charges the planner cannot compute
  (rule 11), nothing below the contract's ``tolerance``, a review of a promise later than the
  policy allows (rule 7), and nothing while an instalment plan is kept (its reminders replace
  the ladder, `_requests`);
* then its next ladder step (`_next_step`).

An invoice not issued yet gets only its first step, timed from its issue date: nothing is
reviewed before the invoice exists (rule 3). Where triage plans nothing for an invoice, it says
why, for the invoice's state in the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from paychase._reason import ReasonPart
from paychase.case._invoices import Invoice
from paychase.conversation._arrangements import Arrangement
from paychase.conversation._facts import InvoiceFacts, own_policy, policy_of, read_facts
from paychase.money._balances import ZERO
from paychase.planner._candidate import Candidate
from paychase.planner._context import ClientContext
from paychase.planner._costs import Costs
from paychase.planner._end_state import (
    cancellation,
    late_payments,
    written_off,
    written_off_state,
)
from paychase.planner._next_step import LadderWalk
from paychase.planner._outputs import Action
from paychase.planner._reviews import Reviews
from paychase.policy._ladder import ladder_progress
from paychase.policy._policy import Policy

__all__ = ["InvoiceTriage", "Triaged"]


@dataclass(frozen=True, slots=True)
class Triaged:
    """One invoice after triage: its facts, its next step, and why there is none."""

    facts: InvoiceFacts
    candidate: Candidate | None
    why: str | None = None  # when triage plans nothing for the invoice


class InvoiceTriage:
    """Reads each invoice of one client and plans what it needs before combining."""

    __slots__ = ("_context", "_costs", "_reviews", "_walk")

    def __init__(
        self, context: ClientContext, costs: Costs, reviews: Reviews, walk: LadderWalk
    ) -> None:
        self._context = context
        self._costs = costs
        self._reviews = reviews
        self._walk = walk

    def triage(
        self, invoice: Invoice, arrangement: Arrangement | None, actions: list[Action]
    ) -> Triaged:
        """The invoice's facts and its next step; the other actions it needs go to `actions`.

        `arrangement` is the instalment plan in force for the invoice, if there is one.
        """
        facts, ladder = self._read(invoice, arrangement)
        ended = self._ended(facts, ladder, actions)
        if ended is not None:
            return Triaged(facts, None, ended)
        if facts.state in ("cancelled", "written_off", "paid"):
            if facts.state == "paid":
                residue_ladder = ladder if isinstance(ladder, Policy) else self._context.policy
                actions += self._reviews.residue_review(facts, residue_ladder)
            return Triaged(facts, None, f"{facts.state.replace('_', ' ')}: nothing to chase")
        watch = self._reviews.limitation_review(
            facts, ladder if isinstance(ladder, Policy) else self._context.policy
        )
        if watch is not None:  # limitation runs whatever the ladder does: disputed, in a plan
            actions.append(watch)
        if not isinstance(ladder, Policy):
            actions.append(self._reviews.review(facts, "policy", ladder))
            return Triaged(facts, None)
        outcome = self._chase(facts, ladder, arrangement, actions)
        if isinstance(outcome, Action):
            actions.append(outcome)
            return Triaged(facts, None)
        if isinstance(outcome, str):
            return Triaged(facts, None, outcome)
        return Triaged(facts, outcome)

    def _ended(
        self, facts: InvoiceFacts, ladder: Policy | ReasonPart, actions: list[Action]
    ) -> str | None:
        """Why nothing more is planned for an invoice written off (None: it was not).

        A payment since its write-off, or since its contract's service was cancelled, gets a
        review (in `actions`); a cancelled service leaves the rest of the ladder to go on.
        """
        context = self._context
        ending = written_off(facts)
        cancelled = cancellation(context, facts.contract.id)
        for event in (ending, cancelled):
            if event is None:
                continue
            payments = late_payments(context, facts, event)
            if payments:
                actions.append(self._reviews.late_payment_review(facts, event, payments))
                break  # one review says it: a write-off after a cancellation is the later word
        if ending is None:
            return None
        if isinstance(ladder, Policy):  # the plan shows the step it ended at
            facts.progress = ladder_progress(
                ladder, facts.events, context.clock.deadline_of, facts.invoice.id
            )
        written_off_state(facts)
        day = context.clock.local(ending.at).date()
        return f"written off on {day}: nothing more is planned"

    def _read(
        self, invoice: Invoice, arrangement: Arrangement | None
    ) -> tuple[InvoiceFacts, Policy | ReasonPart]:
        """The invoice's facts, and the policy version it follows (or why none can be used)."""
        context = self._context
        portfolio = context.portfolio
        contract = portfolio.contracts[invoice.contract]
        events = portfolio.events_of_invoice.get(invoice.id, ())
        current = own_policy(contract, context.client, context.policy)
        ladder = policy_of(invoice, events, portfolio.policies, current)
        facts = read_facts(
            invoice,
            contract,
            events,
            context.clock,
            context.today,
            max_promise_hold=ladder.max_promise_hold if isinstance(ladder, Policy) else None,
            plan_dates=arrangement.dates if arrangement is not None else None,
        )
        return facts, ladder

    def _chase(
        self,
        facts: InvoiceFacts,
        ladder: Policy,
        arrangement: Arrangement | None,
        actions: list[Action],
    ) -> Candidate | Action | str:
        """The invoice's next ladder step, or why it has none (a string).

        The reviews and fee bookings it needs go to `actions`.
        """
        issued = facts.state != "draft"
        reviews = self._reviews
        # The steps performed decide which fees the invoice owes: known before any amount is
        # asked for (the dispute review's amounts are remembered for the day's later asks).
        facts.progress = ladder_progress(
            ladder, facts.events, self._context.clock.deadline_of, facts.invoice.id
        )
        if issued and (facts.disputes or facts.invoice.status == "disputed"):
            actions.append(reviews.dispute_review(facts))
        if facts.balance.owed == ZERO:  # paid before it was issued
            return "paid: nothing to chase"
        if facts.balance.chased == ZERO:
            return "disputed in full: dunning waits for the dispute's outcome"
        actions += self._costs.late_bookings(facts, ladder)
        owed = self._costs.owed(facts, self._context.today)
        if issued and owed.problems:
            actions.append(reviews.charges_review(facts, owed.problems))
        tolerance = facts.contract.tolerance
        if tolerance is not None and owed.principal + owed.extra < tolerance:
            currency = facts.invoice.currency
            return (
                f"owes {owed.principal + owed.extra} {currency}, below the contract's "
                f"tolerance of {tolerance} {currency}: not chased"
            )
        if issued and facts.promised is not None and facts.promised.refused is not None:
            actions.append(reviews.promise_review(facts, facts.promised.refused))
        if arrangement is not None and arrangement.standing.honoured:
            return "in an instalment plan that is kept: its reminders replace the ladder"
        step = self._walk.next_step(facts, ladder)
        if step is None:
            why = self._walk.idle(facts)
            assert why is not None  # a walk that finds no step says why
            return why
        return step
