"""What an action costs: an invoice's money on a day, and the fee bookings its steps ask for.

Rule 6: late fees only where the contract provides them, statutory interest and fixed
compensation only where the contract and the law grant them — a step's ``apply_late_fee``,
``add_compensation`` and ``suspend_service`` effects are kept only for a contract that allows
them (`kept_effects`), and the charging ones only on a day after the due date: on or before
it nothing is late, so they would charge nothing. Every amount is computed as of the
action's local date. A message step that charges a fee is booked by an ``apply_fee`` action
of its own, once. A step's own ``late_fee`` is booked in place of what the contract's clause
books at it, only under a contractual clause (`_facts.owed_on`, `money._fees`).

Rule 11: what the invoice owes comes from `conversation._facts.owed_on` and the contract's
`ChargeBook`, with payments allocated in the order the contract or the law says.
"""

from __future__ import annotations

from datetime import date, datetime

from paychase._reason import Note, ReasonPart, joined, part
from paychase.case._case import version_of
from paychase.conversation._facts import InvoiceFacts, first_demand, owed_on
from paychase.money._charges import Owed, amounts_of
from paychase.planner._context import ClientContext
from paychase.planner._end_state import cancellation
from paychase.planner._outputs import Action
from paychase.planner._timing import AT_ONCE
from paychase.policy._policy import Effect, Policy, Step

__all__ = ["FEE_EFFECTS", "Costs", "kept_effects", "nothing_to_charge"]

FEE_EFFECTS: frozenset[Effect] = frozenset({"apply_late_fee", "add_compensation"})
"""The effects that charge the client: a step with one of them is booked as an `apply_fee`."""


class Costs:
    """The client's invoices' money on a day, computed once, and the bookings of their fees."""

    __slots__ = ("_context", "_memo")

    def __init__(self, context: ClientContext) -> None:
        self._context = context
        # An invoice's money on a day is asked for by its review, its message and its booking.
        self._memo: dict[tuple[str, date, str | None], Owed] = {}

    def owed(self, facts: InvoiceFacts, day: date, applying: str | None = None) -> Owed:
        """What the invoice owes on the local date `day` (the action's date, rule 6).

        `applying` names a fee-charging step performed on `day`: its fee counts too.
        """
        memo = (facts.invoice.id, day, applying)
        owed = self._memo.get(memo)
        if owed is None:
            context = self._context
            owed = owed_on(
                facts, context.book, context.clock, today=context.today, day=day, applying=applying
            )
            self._memo[memo] = owed
        return owed

    def late_bookings(self, facts: InvoiceFacts, ladder: Policy) -> list[Action]:
        """Fee bookings of message steps performed without their booking recorded.

        A host that performs one action at a time may send the message and plan again before
        booking its fee: the booking is still due, its fee claimed from the day the message
        went and computed, like every action's amounts, as of the booking's own date (rule 6).
        """
        clock, bookings = self._context.clock, []
        for performed in facts.progress.performed:
            step = performed.step
            if performed.given_up or performed.sending > 1 or step.action == "apply_fee":
                continue  # a repetition charges nothing: its step's first sending did
            sent = clock.local(performed.at).date()
            effects = kept_effects(self._context, step, facts, [], sent)
            if not any(effect in FEE_EFFECTS for effect in effects):
                continue
            at = clock.first_open(self._context.now, AT_ONCE)
            owed = self.owed(facts, clock.local(at).date())
            booking = self.fee_booking(facts, step, effects, ladder, at=at, owed=owed, sent=sent)
            if booking is not None:
                bookings.append(booking)
        return bookings

    def fee_booking(
        self,
        facts: InvoiceFacts,
        step: Step,
        effects: tuple[Effect, ...],
        ladder: Policy,
        *,
        at: datetime,
        owed: Owed,
        sent: date | None = None,
    ) -> Action | None:
        """The booking of what `step` charges, unless booked already (`sent`: performed then)."""
        key = f"{facts.contract.id}/{facts.invoice.id}/fee:{step.id}/1"
        if any(e.kind == "fee" and (e.key == key or e.step == step.id) for e in facts.events):
            return None
        wanted = {"interest", "late_fee"} if "apply_late_fee" in effects else set()
        if "add_compensation" in effects:
            wanted.add("compensation")
        charges = tuple(c for c in owed.charges if c.kind in wanted and c.amount > 0)
        if not charges:
            return None
        booked = tuple(
            part(
                "charge",
                kind=c.kind,
                what=c.kind.replace("_", " "),
                amount=c.amount,
                currency=c.currency,
            )
            for c in charges
        )
        day = self._context.clock.local(at).date()
        fee = part(
            "fee.charges",
            step=step.id,
            invoice=facts.invoice.label,
            due=facts.due,
            charges=booked,
            on=day,
            effects=", ".join(e for e in effects if e in FEE_EFFECTS),
        )
        book = part("fee.book") if sent is None else part("fee.book_unrecorded", sent=sent)
        why = (part("rule", number=6, clause=fee), book)
        return Action.trusted(
            key=key,
            kind="apply_fee",
            client=self._context.client.id,
            invoices=(facts.invoice.id,),
            step=step.id,
            channel="system",
            at=at,
            amounts=amounts_of([owed], facts.invoice.currency),
            charges=charges,
            policy=version_of(ladder),
            why=why,
            reason=joined(why),
        )


def kept_effects(
    context: ClientContext, step: Step, facts: InvoiceFacts, notes: list[Note], day: date
) -> tuple[Effect, ...]:
    """The step's effects that do something for the invoice on the local date `day`.

    The contract must allow each; a charging effect is dropped on or before the due date,
    where nothing is late (a pre-due reminder that lists ``apply_late_fee`` claims nothing).
    `notes` get why each dropped effect is dropped.
    """
    kept: list[Effect] = []
    early = day <= facts.due
    for effect in step.effects:
        not_allowed = context.book.charges_allowed(facts.contract)
        if early and effect in FEE_EFFECTS:
            code = "no_fee.not_late" if effect == "apply_late_fee" else "no_compensation.not_late"
            notes.append(part(code, invoice=facts.invoice.label, on=day, due=facts.due))
        elif effect == "apply_late_fee" and not_allowed is not None:
            notes.append(part("no_fee.not_allowed", why=not_allowed))
        elif effect == "suspend_service" and facts.contract.suspension is None:
            notes.append(part("no_suspension.no_clause", contract=facts.contract.id))
        elif effect == "suspend_service" and cancellation(context, facts.contract.id):
            notes.append(part("no_suspension.cancelled", contract=facts.contract.id))
        elif effect == "add_compensation" and not (
            facts.contract.fixed_compensation and context.client.kind == "business"
        ):
            notes.append(part("no_compensation.not_provided", contract=facts.contract.id))
        else:
            kept.append(effect)
    if "apply_late_fee" in kept and step.late_fee is not None:
        _own_fee_note(step, facts, notes)
    if "apply_late_fee" in kept and _delay_starts_now(context, facts, day):
        notes.append(part("interest.awaits_demand", invoice=facts.invoice.label))
    return tuple(kept)


def _delay_starts_now(context: ClientContext, facts: InvoiceFacts, day: date) -> bool:
    """Whether this demand, on the local date `day`, is the one that puts the client in delay.

    Only where the law needs a demand after a due date the invoice alone set (`needs_demand`),
    and no earlier demand reached the client.
    """
    if not context.book.needs_demand(facts.contract):
        return False
    demanded = first_demand(facts, context.clock)
    return demanded is None or demanded >= day


def _own_fee_note(step: Step, facts: InvoiceFacts, notes: list[Note]) -> None:
    """Rule 6: a step's own fee replaces a contractual fee, never statutory interest."""
    if facts.contract.late_fee.kind == "statutory":
        notes.append(part("no_step_fee", contract=facts.contract.id, step=step.id))


def nothing_to_charge(context: ClientContext, facts: InvoiceFacts) -> ReasonPart | None:
    """Why an apply_fee step has nothing to charge (neither a fee nor compensation)."""
    no_fee = context.book.charges_allowed(facts.contract)
    compensation = facts.contract.fixed_compensation and context.client.kind == "business"
    if no_fee is None or compensation:
        return None
    return no_fee
