"""Which step is next: an invoice's ladder, walked from the first step not yet performed.

Rule 4: steps advance in ladder order and a performed step is not planned again (progress
comes from the history, `policy._ladder`). A broken promise or instalment plan resumes the
ladder no lower than its firm step (rule 7). A step whose conditions fail (``requires``, a
suspension without a clause, a fee with nothing to charge) is skipped and the reason says so.

SPEC §4: a step's time is its anchor (``from``, `_anchors`) plus its offset; a step whose
time has passed without being performed is due now (catch-up, `_timing.first_allowed_moment`);
a step meant for before the due date expires at the due date and is never sent late
(`expired`) — the walk moves on to the next step. When the times of several steps have passed,
the policy's ``catch_up`` says whether the walk goes to the first of them or to the latest
(`_catch_up`).

A step with ``repeat`` is sent again while it has been sent fewer than its ``times``: each
repetition counted ``every`` from the sending before it (so a case picked up late gets one
repetition now and the next ``every`` later, never a burst), the ladder moving on after the
last. A repetition whose step's ``requires`` fail is not sent: the ladder moves on. It carries
the message only: the step's effects (its fee, compensation, sanctions) happened with its first
sending.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from paychase._reason import Note, ReasonPart, as_part, part, words
from paychase.conversation._arrangements import Arrangement
from paychase.conversation._facts import InvoiceFacts, about, latest
from paychase.planner._anchors import Timeline, anchor_of, expired
from paychase.planner._candidate import Candidate
from paychase.planner._catch_up import catch_up
from paychase.planner._client_balance import overdue_totals
from paychase.planner._context import ClientContext
from paychase.planner._costs import kept_effects, nothing_to_charge
from paychase.planner._end_state import end_note, sanction_unmet
from paychase.planner._holds import hold_bound, open_hold
from paychase.planner._outputs import Action
from paychase.planner._reviews import Reviews
from paychase.planner._routing import route
from paychase.planner._spacing import PlannedContacts
from paychase.planner._timing import (
    CATCHING_UP,
    broken_commitment,
    first_allowed_moment,
    resumed_after_dispute,
    step_bounds,
)
from paychase.policy._policy import Policy, Step
from paychase.policy._schedule import Bound, ClientClock

# `expired` is `_combine`'s too: it drops a pre-due step that spacing pushed past its expiry.
__all__ = ["LadderWalk", "day_opening", "expired"]


class LadderWalk:
    """Finds the next step of each of one client's invoices, timed and routed."""

    __slots__ = ("_arrangements", "_context", "_idle", "_overdue", "_planned", "_reviews")

    def __init__(
        self,
        context: ClientContext,
        planned: PlannedContacts,
        reviews: Reviews,
        arrangements: Mapping[str, Arrangement],
    ) -> None:
        self._context = context
        self._planned = planned
        self._reviews = reviews
        self._arrangements = arrangements  # the instalment plan in force, by invoice
        self._idle: dict[str, str] = {}  # why the last walk of an invoice found no step
        self._overdue: Mapping[str, Decimal] | None = None  # read once a step asks for it

    def next_step(
        self,
        facts: InvoiceFacts,
        ladder: Policy,
        *,
        start: int | None = None,
        not_before: Bound | None = None,
    ) -> Candidate | Action | None:
        """The first step from `start` that applies to the invoice, or a review of why none can.

        `start` is the first step to consider (the first not performed, by default);
        `not_before` a bound every step keeps (a step that expired waiting for min_gap). A
        catch-up may take the walk further (`_catch_up`): to the step it goes to, counted on
        the timeline of the steps it passed over.
        """
        self._idle.pop(facts.invoice.id, None)
        held = open_hold(self._context, facts)
        if held is not None:
            self._idle[facts.invoice.id] = held.describe()
            return None
        first, notes, restart = self._restart(facts, ladder, start, not_before)
        if start is None:
            again = self._repetition(facts, ladder, first, restart, notes)
            if again is not None:
                return again
        jump = catch_up(
            self._context,
            facts,
            ladder,
            first,
            unmet=lambda step: self._unmet(step, facts),
            arrangement=self._arrangements.get(facts.invoice.id),
        )
        if jump is not None:
            first = jump.index
            notes += jump.notes
        for index in range(first, len(ladder.steps)):
            step = ladder.steps[index]
            unmet = self._unmet(step, facts)
            if unmet is not None:
                notes.append(part("step.skipped", step=step.id, why=as_part(unmet)))
                continue
            timeline = jump.timeline if jump is not None and index == jump.index else None
            outcome = self._timed(facts, ladder, index, restart, notes, timeline=timeline)
            if outcome is not None:
                return outcome
        self._idle[facts.invoice.id] = "; ".join(
            [*map(words, notes), "no step of the ladder is left"]
        )
        return None

    def _repetition(
        self,
        facts: InvoiceFacts,
        ladder: Policy,
        first: int,
        not_before: Bound | None,
        notes: list[Note],
    ) -> Candidate | Action | None:
        """The next sending of the repeated step last performed (None: the walk moves on)."""
        last = facts.progress.repeating
        if last is None or last.index != first - 1:
            return None  # nothing to repeat, or a broken promise resumes the ladder further on
        unmet = self._unmet(last.step, facts)
        if unmet is not None:
            notes.append(part("step.not_repeated", step=last.step.id, why=as_part(unmet)))
            return None
        return self._timed(facts, ladder, last.index, not_before, notes, sending=last.sending + 1)

    def idle(self, facts: InvoiceFacts) -> str | None:
        """Why the last walk of the invoice found no step to plan (None: it found one)."""
        return self._idle.get(facts.invoice.id)

    def _restart(
        self, facts: InvoiceFacts, ladder: Policy, start: int | None, not_before: Bound | None
    ) -> tuple[int, list[Note], Bound | None]:
        """Where the walk starts, its first notes, and the bound every step keeps (rule 7)."""
        notes: list[Note] = []
        first = facts.progress.next_index if start is None else start
        restart: list[Bound] = [] if not_before is None else [not_before]
        broken = broken_commitment(facts, self._arrangements.get(facts.invoice.id))
        if broken is not None:
            why, since = broken
            resume = ladder.resume_index
            if start is None and first < resume:
                first = resume
                why = part("ladder.resumes", clause=why, step=ladder.steps[resume].id)
            notes.append(why)
            restart.append(Bound(self._context.clock.start_of(since), why))
        resumed = resumed_after_dispute(self._context.clock, facts)
        if resumed is not None:
            moment, resolved = resumed
            notes.append(resolved)
            restart.append(Bound(moment, resolved))
        held = hold_bound(self._context, facts)
        if held is not None:
            restart.append(held)
        return first, notes, max(restart, key=lambda bound: bound.moment) if restart else None

    def _timed(
        self,
        facts: InvoiceFacts,
        ladder: Policy,
        index: int,
        not_before: Bound | None,
        notes: list[Note],
        *,
        timeline: Timeline | None = None,
        sending: int = 1,
    ) -> Candidate | Action | None:
        """Step `index` timed and routed, a review of why it cannot go, or None: it expired.

        The step counts from `timeline` (a catch-up's), else from what the history says; its
        `sending` after the first counts ``repeat.every`` from the sending before it.
        """
        context, step = self._context, ladder.steps[index]
        clock = context.clock
        if timeline is None:
            timeline = Timeline.of(context, facts)
        timed = _repeated(step) if sending > 1 else step
        anchor = anchor_of(timed, facts, clock, timeline)
        if anchor is None:
            return self._reviews.review(facts, step.id, part("review.no_anchor", step=step.id))
        kind, channel, routing = route(context, step)
        hour = clock.hour_for(kind)
        scheduled = clock.scheduled(timed, anchor, facts.due, hour)
        bounds = step_bounds(context, step, facts, scheduled, ladder)
        if isinstance(bounds, ReasonPart):
            held_back = part("review.held_back", step=step.id, why=bounds)
            return self._reviews.review(facts, step.id, held_back)
        if not_before is not None:
            bounds.append(not_before)
        at, timing = first_allowed_moment(context, scheduled, bounds, hour)
        earliest = max(bound.moment for bound in bounds)
        if step.is_contact:
            at, cleared = self._planned.clear(at, hour)
            timing += cleared
            earliest = at if cleared else earliest
        if expired(scheduled, at, facts.due):
            return None
        # A step counted in hours falls at its own moment; one counted in days on its day.
        exact = [Bound(scheduled, "")] if timed.offset.keeps_time_of_day else []
        opens = day_opening(clock, bounds + exact, at)
        if channel is None:
            no_channel = part("review.no_channel", step=step.id, on=scheduled.date())
            return self._reviews.review(facts, "contact", no_channel)
        notes += [*timing, *routing]
        notes += [note for note in [end_note(step, facts)] if note is not None]
        # A repetition repeats the message: the step's effects went with its first sending.
        effects = kept_effects(context, step, facts, notes, clock.local(at).date())
        effects = effects if sending == 1 else ()
        attempt = facts.progress.attempts_at(index) + 1
        return Candidate(
            facts,
            index,
            step,
            kind,
            channel,
            at,
            scheduled,
            attempt,
            effects,
            notes,
            ladder,
            earliest,
            opens,
            sending,
        )

    def _unmet(self, step: Step, facts: InvoiceFacts) -> Note | None:
        """Why the step does not apply to the invoice (None: it does)."""
        for condition in step.requires:
            problem = self._condition_fails(condition, facts)
            if problem is not None:
                return problem
        sanction = sanction_unmet(self._context, step, facts)
        if sanction is not None:
            return sanction
        if step.action == "apply_fee":
            return nothing_to_charge(self._context, facts)
        return None

    def _condition_fails(self, condition: str, facts: InvoiceFacts) -> Note | None:
        """Why one of the step's ``requires`` does not hold (None: it does)."""
        context = self._context
        if condition == "no_reply":
            since = self._answers_count_from(facts)
            reply = latest(context.inbound, lambda e: e.at > since and about(e, facts.invoice))
            if reply is None:
                return None
            return part("client.replied", on=context.clock.local(reply.at).date())
        if condition == "no_promise":
            promised = facts.promised
            active = promised is not None and promised.granted and not promised.broken
            return part("client.promised") if active else None
        if condition == "late_fee_allowed":
            return context.book.charges_allowed(facts.contract)
        if condition == "business_client":
            return None if context.client.kind == "business" else part("client.consumer")
        if condition.startswith("client_balance_over:"):
            return self._client_below(
                Decimal(condition.removeprefix("client_balance_over:")), facts
            )
        threshold = Decimal(condition.removeprefix("balance_over:"))
        chased = facts.balance.chased
        if chased > threshold:
            return None
        currency = facts.invoice.currency
        return part("balance.not_over", amount=chased, threshold=threshold, currency=currency)

    def _client_below(self, threshold: Decimal, facts: InvoiceFacts) -> ReasonPart | None:
        """Why the client's overdue total in the invoice's currency is not over `threshold`."""
        if self._overdue is None:
            self._overdue = overdue_totals(self._context)
        currency = facts.invoice.currency
        total = self._overdue.get(currency, Decimal(0))
        if total > threshold:
            return None
        return part("client_balance.not_over", amount=total, threshold=threshold, currency=currency)

    def _answers_count_from(self, facts: InvoiceFacts) -> datetime:
        """Since when a message from the client answers the ladder (`no_reply`).

        What the client wrote before our last step was answered by that step. What led to a
        commitment the client then broke, or to a dispute since resolved, was answered by the
        breach or the resolution: it does not spare the client the firm step the ladder
        resumes at (rule 7).
        """
        clock = self._context.clock
        moments = [clock.start_of(facts.invoice.issued)]
        if facts.progress.last is not None:
            moments.append(facts.progress.last.at)
        broken = broken_commitment(facts, self._arrangements.get(facts.invoice.id))
        if broken is not None:
            moments.append(clock.start_of(broken[1]))
        if facts.resolution is not None:
            moments.append(facts.resolution.at)
        return max(moments)


def _repeated(step: Step) -> Step:
    """The step as its repetitions are timed: ``repeat.every`` after the sending before."""
    assert step.repeat is not None  # only a repeated step has a second sending
    return step.model_copy(update={"from_": "previous", "offset": step.repeat.every})


def day_opening(clock: ClientClock, bounds: list[Bound], at: datetime) -> datetime:
    """The first moment of `at`'s day that the bounds allow and the contact window is open.

    `at` falls at the policy's preferred hour; a run earlier that day (a daily cron at 09:00,
    `send_at` 10:00) may perform the step then. `now` is left out: it bounds when the plan
    looks, not when the step may go.
    """
    floor = max(
        [bound.moment for bound in bounds if bound.why != CATCHING_UP]
        + [clock.start_of(clock.local(at).date())]
    )
    return min(clock.opening(floor), at)
