"""Catching up: the step a walk goes to when the times of several steps have passed.

A ladder picked up late — an invoice imported long after its due date, a host that stopped
running for weeks — finds several steps whose time has come. The policy's ``catch_up`` says
what the walk does (SPEC §3, `Policy.catch_up`):

* ``sequential`` — the first step not performed; the next one after it, and so on, each at
  the first allowed moment (SPEC §4);
* ``latest`` — the most advanced step whose time has come, passing over the ones before it,
  but never a step it must stop at (`_stop`): a required one (`Policy.is_required`: the final
  notice, the warnings before a sanction, a step marked ``required``); one that is not a
  contact (a fee booking, a suspension, a pause, an escalation: what the host does is never
  passed over); a message that charges a fee its contract allows — the fee and its booking
  belong to that step (`_costs`), so a catch-up neither loses nor double-charges it;
* ``latest_before_contact`` — ``latest`` over the steps whose time came by the day of the
  first contact about the invoice, either way (the backlog of a case picked up late); each
  step in turn after it.

Whatever the policy says, the steps whose time came while a hold held the invoice are a
backlog too (`_holds`): a hold ends without a burst.

Whether a step's time has come is decided on the client's local date, so that every run on
one day finds the same step, and on the timeline the walk would have followed had every step
gone on its day (`_anchors.Timeline`): a step counted from 'previous' counts from the step
passed over before it. A pre-due step that has expired is neither gone to nor passed over: it
is never sent late (`expired`). A step whose ``requires`` fail is skipped, as the walk skips it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from paychase._reason import Note, ReasonPart, as_part, part
from paychase.conversation._arrangements import Arrangement
from paychase.conversation._facts import InvoiceFacts
from paychase.planner._anchors import Timeline, anchor_of, expired
from paychase.planner._context import ClientContext
from paychase.planner._costs import FEE_EFFECTS, kept_effects
from paychase.planner._holds import held_until
from paychase.policy._policy import Policy, Step

__all__ = ["Jump", "catch_up"]

_CONTACTS = frozenset({"reminder", "call", "letter"})


@dataclass(frozen=True, slots=True)
class Jump:
    """Where a catch-up takes the walk: the step, the timeline before it, and why."""

    index: int
    timeline: Timeline  # what the step counts from, the steps passed over having gone
    notes: list[Note]  # steps skipped on the way, the steps passed over, why it stopped there


@dataclass(slots=True)
class _Reached:
    """The steps a catch-up found due, in ladder order, and what it noted on the way."""

    steps: list[tuple[int, Timeline]] = field(default_factory=list)  # a step, what it counts from
    skipped: list[tuple[int, Note]] = field(default_factory=list)  # a step whose requires fail
    stop: ReasonPart | None = None  # why the last step reached may not be passed over
    beyond: ReasonPart | None = None  # a later step due too, that the stop holds back


def catch_up(
    context: ClientContext,
    facts: InvoiceFacts,
    ladder: Policy,
    first: int,
    *,
    unmet: Callable[[Step], Note | None],
    arrangement: Arrangement | None,
) -> Jump | None:
    """The step from `first` on a catch-up goes to, or None: the walk goes on from `first`.

    `unmet` says why a step does not apply to the invoice (its ``requires``). `arrangement`
    is the invoice's instalment plan, if one was agreed: a contact with the client.
    """
    held = held_until(context, facts)
    if ladder.catch_up == "sequential" and held is None:
        return None
    backlog = _backlog_end(context, facts, ladder, held, arrangement)
    reached = _reach(context, facts, ladder, first, unmet=unmet, contacted=backlog)
    if not reached.steps or (len(reached.steps) == 1 and reached.beyond is None):
        return None
    index, timeline = reached.steps[-1]
    notes: list[Note] = [note for at, note in reached.skipped if at < index]
    if len(reached.steps) > 1:
        passed = ", ".join(f"'{ladder.steps[at].id}'" for at, _ in reached.steps[:-1])
        notes.append(
            part("caught_up.held", steps=passed, until=held)
            if ladder.catch_up == "sequential" and held is not None
            else part("caught_up.policy", steps=passed, mode=ladder.catch_up)
        )
    if reached.beyond is not None:
        notes.append(reached.beyond)
    return Jump(index, timeline, notes)


def _backlog_end(
    context: ClientContext,
    facts: InvoiceFacts,
    ladder: Policy,
    held: date | None,
    arrangement: Arrangement | None,
) -> date | None:
    """The last day whose steps are a backlog to catch up (None: every day's).

    ``latest`` catches up every step whose time has come; ``latest_before_contact`` those up
    to the first contact about the invoice; ``sequential`` none. A hold over the invoice adds
    the steps whose time came while it held, whatever the policy says: it ends without a
    burst (`_holds`).
    """
    if ladder.catch_up == "latest":
        return None
    ends = [held] if held is not None else []
    if ladder.catch_up == "latest_before_contact":
        contacted = _first_contact(context, facts, arrangement)
        if contacted is None:
            return None
        ends.append(contacted)
    return max(ends)


def _reach(
    context: ClientContext,
    facts: InvoiceFacts,
    ladder: Policy,
    first: int,
    *,
    unmet: Callable[[Step], Note | None],
    contacted: date | None,
) -> _Reached:
    """The steps from `first` whose time has come, up to the first the catch-up stops at.

    `contacted` is the day of the first contact: only steps whose time came by then may be
    gone to (None: any).
    """
    clock, reached = context.clock, _Reached()
    timeline = Timeline.of(context, facts)
    for index in range(first, len(ladder.steps)):
        step = ladder.steps[index]
        problem = unmet(step)
        if problem is not None:
            reached.skipped.append(
                (index, part("step.skipped", step=step.id, why=as_part(problem)))
            )
            continue
        anchor = anchor_of(step, facts, clock, timeline)
        own = None if anchor is None else clock.scheduled(step, anchor, facts.due)
        if own is None or own.date() > context.today:
            break  # its time has not come (or it counts from a deadline no step stated)
        if reached.stop is not None:
            reached.beyond = part("catch_up.beyond", stop=reached.stop, step=step.id)
            break
        if contacted is not None and own.date() > contacted:
            break  # the backlog ends: the steps after the first contact go in turn
        if expired(own, clock.local(context.now), facts.due):
            continue
        reached.steps.append((index, timeline))
        why = _stop(context, facts, ladder, index)
        if why is not None:
            reached.stop = part("catch_up.stop", step=step.id, why=why)
        went = own if timeline.previous is None else max(own, timeline.previous)
        timeline = timeline.after(step, went, clock)
    return reached


def _stop(
    context: ClientContext, facts: InvoiceFacts, ladder: Policy, index: int
) -> ReasonPart | None:
    """Why a catch-up stops at step `index` (None: it may pass it over)."""
    step = ladder.steps[index]
    if ladder.is_required(index):
        return part("catch_up.required")
    if not step.is_contact:
        return part("catch_up.not_message", action=step.action)
    if any(
        effect in FEE_EFFECTS for effect in kept_effects(context, step, facts, [], context.today)
    ):
        return part("catch_up.books_charge")
    return None


def _first_contact(
    context: ClientContext, facts: InvoiceFacts, arrangement: Arrangement | None
) -> date | None:
    """The client's local day of the first contact about the invoice (None: none yet).

    A contact either way: a message or call of ours for one of its steps (got through or
    not), anything the client said about it, an instalment plan agreed for it.
    """
    days = [arrangement.plan.agreed] if arrangement is not None else []
    event = next(
        (
            event
            for event in facts.events
            if event.direction == "in" or (event.step is not None and event.kind in _CONTACTS)
        ),
        None,
    )
    if event is not None:
        days.append(context.clock.local(event.at).date())
    return min(days, default=None)
