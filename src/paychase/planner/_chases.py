"""Chases that are not about money: a silent prospect, a silent client in the middle of a project.

A chase (a case's ``chases``) follows its own ladder — the built-in ``prospect`` and ``project``
policies, or an inline one — counted from the moment our unanswered message went out. The rules,
the library's contract:

1. A chase the host closed gets nothing (state ``closed``).
2. Any message from the client after our unanswered one — about the chase, an invoice or
   anything else — ends the chase (state ``answered``), and so does a call of ours the client
   answered: the client is not silent, and a person takes the conversation from there.
3. Otherwise the next step of the chase's ladder is planned like a dunning step: counted from
   its anchor (``issued`` is the moment our message went out), at the policy's hour, inside the
   client's contact window, ``min_gap`` after the client's last contact of any kind, on the
   first working channel (a bounced or failed one is passed over, rule 9). A chase's contacts
   count against ``min_gap`` for the client's invoices too, and keep it around every contact
   planned for the client: a chase is planned last and yields (rule 5).
4. A project chase's ``pause_work`` step pauses the work on its contract; it is skipped when the
   work is paused already (for a kill fee, a prepayment, or by the ladder), or the plan pauses
   it: one pause per contract at a time (`conversation._sanctions`). The step before it quotes
   the contract's kill-fee terms where the contract has them.
5. When the ladder has run out the chase has ``ended``.

Keys are ``chase:{id}/{step}/{attempt}``; the runner records each contact with the chase's id, so
that the history tells the chase's contacts from the invoices'.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from paychase._reason import Note, ReasonPart, as_part, deduplicated, part
from paychase.case._case import version_of
from paychase.case._chase import Chase
from paychase.case._contracts import Contract, KillFee
from paychase.case._history import ContactEvent
from paychase.conversation._facts import latest
from paychase.planner._context import ClientContext
from paychase.planner._outputs import Action, ChaseState, ChaseStatus
from paychase.planner._routing import route
from paychase.planner._spacing import PlannedContacts
from paychase.planner._timing import AT_ONCE, CATCHING_UP, first_allowed_moment
from paychase.policy._ladder import Progress, ladder_progress
from paychase.policy._policy import Step
from paychase.policy._schedule import Bound, ClientClock

__all__ = ["plan_chase"]


def plan_chase(
    chase: Chase, context: ClientContext, planned: PlannedContacts, pausing: Collection[str]
) -> tuple[Action | None, ChaseState]:
    """The chase's next action (None when it waits for nothing) and its state.

    `planned` are the client's contacts planned so far: the chase's message keeps min_gap
    around them (rule 3 above); `pausing` the contracts whose work is paused already, or
    that the plan pauses (rule 4).
    """
    ladder = chase.ladder
    events = [e for e in context.events if e.chase == chase.id]
    progress = ladder_progress(ladder, events, context.clock.deadline_of)
    last = progress.last

    def state(name: ChaseStatus, action: Action | None = None) -> ChaseState:
        review = context.clock.local(action.at).date() if action is not None else None
        return ChaseState(
            id=chase.id,
            client=chase.client,
            kind=chase.kind,
            state=name,
            step=last.step.id if last is not None else None,
            next_review=review,
        )

    if chase.status == "closed":
        return None, state("closed")
    if _answered(chase, context.events):
        return None, state("answered")
    for index in range(progress.next_index, len(ladder.steps)):
        step = ladder.steps[index]
        if step.action == "pause_work" and chase.contract in pausing:
            continue
        action = _step_action(chase, index, progress, context, planned)
        return action, state("waiting", action)
    return None, state("ended")


def _answered(chase: Chase, events: Sequence[ContactEvent]) -> bool:
    """Rule 2: the client wrote or called, or picked up one of our calls, after we went silent."""
    return any(
        e.at > chase.started
        and (e.direction == "in" or (e.kind == "call" and e.outcome == "answered"))
        for e in events
    )


def _step_action(
    chase: Chase,
    index: int,
    progress: Progress,
    context: ClientContext,
    planned: PlannedContacts,
) -> Action:
    clock, step = context.clock, chase.ladder.steps[index]
    anchor = _anchor(chase, step, progress, context)
    kind, channel, routing = route(context, step)
    hour = clock.hour_for(kind)
    scheduled = clock.scheduled(step, anchor, clock.local(anchor).date(), hour)
    bounds = [Bound(context.now, CATCHING_UP), Bound(chase.started, part("bound.our_message"))]
    if step.is_contact and context.gap_bound is not None:
        bounds.append(context.gap_bound)
    opens = hour if channel != "system" else AT_ONCE
    at, timing = first_allowed_moment(context, scheduled, bounds, opens)
    if step.is_contact:
        at, cleared = planned.clear(at, hour)
        timing += cleared
    attempt = progress.attempts_at(index) + 1
    notes: list[Note] = [
        _standing(chase, clock),
        part(
            "step.falls_on",
            step=step.id,
            timing=part("timing.offset", anchor=step.from_, offset=f"{step.offset:+}"),
            on=scheduled.date(),
        ),
    ]
    if progress.last is not None:
        on = clock.local(progress.last.at).date()
        notes.append(part("step.performed", step=progress.last.step.id, on=on))
    if attempt > 1:
        notes.append(part("attempt", attempt=attempt, of=chase.ladder.max_attempts_per_step))
    notes += [*timing, *routing, *_terms(chase, step, context.portfolio.contracts)]
    if channel is None:
        channel, kind = "system", "review"
        notes.append(part("no_channel"))
    why, reason = deduplicated([as_part(note) for note in notes])
    return Action.trusted(
        key=f"chase:{chase.id}/{step.id}/{attempt}",
        kind=kind,
        client=chase.client,
        invoices=(),
        step=step.id,
        tone=step.tone,
        channel=channel,
        at=at,
        template=step.template or f"{chase.ladder.name}/{step.id}",
        to=step.to,
        cc=step.cc or None,
        deadline=clock.deadline_of(step, at),
        effects=step.effects,
        chase=chase.id,
        policy=version_of(chase.ladder),
        why=why,
        reason=reason,
    )


def _anchor(chase: Chase, step: Step, progress: Progress, context: ClientContext) -> datetime:
    last = progress.last
    if step.from_ == "previous" and last is not None:
        return last.at
    if step.from_ == "deadline":
        stated = progress.last_deadline()
        if stated is not None and stated.deadline is not None:
            return context.clock.start_of(stated.deadline)
    if step.from_ == "last_contact":
        contact = latest(context.events, lambda e: e.direction == "out")
        if contact is not None and contact.at > chase.started:
            return contact.at
    return chase.started


def _standing(chase: Chase, clock: ClientClock) -> ReasonPart:
    return part(
        "chase.unanswered",
        kind="prospect" if chase.kind == "prospect" else "project",
        chase=chase.id,
        on=clock.local(chase.started).date(),
        subject=chase.subject,
    )


def _terms(chase: Chase, step: Step, contracts: Mapping[str, Contract]) -> list[ReasonPart]:
    """The kill-fee terms a pause announcement quotes (rule 4)."""
    if chase.contract is None or not step.is_contact or step.deadline is None:
        return []
    clause = contracts[chase.contract].kill_fee
    if clause is None:
        return [part("kill_fee.none", contract=chase.contract)]
    return [_kill_fee_terms(contracts[chase.contract], clause)]


def _kill_fee_terms(contract: Contract, clause: KillFee) -> ReasonPart:
    """``contract k1's kill fee: 25 % of the remaining value, after 14d of silence``."""
    silence = str(clause.after_silence)
    if clause.rate:
        return part("kill_fee.terms_rate", contract=contract.id, rate=clause.rate, silence=silence)
    assert clause.amount is not None  # a kill fee names a share or a sum (Case validation)
    return part(
        "kill_fee.terms_amount",
        contract=contract.id,
        amount=clause.amount,
        currency=contract.currency,
        silence=silence,
    )
