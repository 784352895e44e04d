"""When a ladder step may happen: the bounds it may not precede, and the moment they leave.

A step's own time is its anchor plus its offset at the policy's hour (`policy._schedule`). It
may not come before any of these bounds (SPEC §4 and §5), and the latest one that delays it is
named in the action's reason:

* rule 3 — not before now: a step whose time has passed is caught up at the first allowed
  moment; nor before the invoice's issue date;
* SPEC §4 — no step after the due date inside the grace period;
* rule 5 — a contact not before min_gap after the client's last contact (`_spacing`);
* rule 8 — a step after the due date not inside the reply pause after what the client wrote
  about the invoice;
* rule 7 — not while a promise holds; after a broken promise or instalment plan, or a resolved
  dispute, not before the day it happened (`broken_commitment`, `resumed_after_dispute`);
* rule 4 — an escalation or a write-off not before the final notice's deadline has passed;
* rule 10 — a suspension or a cancellation of the service not before the contract's warnings
  were sent, the last one's deadline has passed and the contract's delay after the due date is
  over; a cancellation not before every warning since the sanction before it was sent.

The moment is then the first one the client's contact window is open (rule 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from paychase._reason import Note, Param, ReasonPart, as_part, part
from paychase.case._history import ContactEvent
from paychase.conversation._arrangements import Arrangement
from paychase.conversation._facts import InvoiceFacts, about
from paychase.planner._context import ClientContext
from paychase.policy._ladder import Performed
from paychase.policy._policy import Policy, Step
from paychase.policy._schedule import Bound, ClientClock

__all__ = [
    "AT_ONCE",
    "CATCHING_UP",
    "broken_commitment",
    "first_allowed_moment",
    "reply_pauses",
    "resumed_after_dispute",
    "step_bounds",
]

_ONE_DAY = timedelta(days=1)
AT_ONCE = time(0)
"""The hour of a system action: the first moment the contact window is open."""
CATCHING_UP = "catching up"
"""Why `now` bounds a step: its own time has passed (rule 3)."""


def reply_pauses(
    policy: Policy, clock: ClientClock, inbound: Sequence[ContactEvent]
) -> tuple[tuple[ContactEvent, Bound], ...]:
    """Rule 8: the pause after each message from the client, each counted on its own."""
    return tuple((event, _pause_after(policy, clock, event)) for event in inbound)


def _pause_after(policy: Policy, clock: ClientClock, event: ContactEvent) -> Bound:
    wrote = clock.local(event.at)
    return Bound(
        clock.after(policy.reply_pause, wrote),
        part("bound.reply_pause", on=wrote.date(), pause=str(policy.reply_pause)),
    )


def step_bounds(
    context: ClientContext, step: Step, facts: InvoiceFacts, scheduled: datetime, ladder: Policy
) -> list[Bound] | ReasonPart:
    """The bounds of `step` of the invoice, due at `scheduled`; a clause: why it cannot be."""
    clock = context.clock
    found = [
        Bound(context.now, CATCHING_UP),
        Bound(clock.start_of(facts.invoice.issued), part("bound.invoice_date")),
    ]
    if scheduled.date() > facts.due:
        found.append(
            Bound(
                clock.start_of(facts.grace_end + _ONE_DAY),
                part("bound.grace", until=facts.grace_end),
            )
        )
    if step.is_contact and context.gap_bound is not None:
        found.append(context.gap_bound)
    # Rule 8 pauses escalation about what the client wrote about; a note before or on the
    # due date is not escalation. Each message pauses on its own: counted in business days,
    # a later reply's pause can end before an earlier one's.
    pauses = [bound for event, bound in context.pauses if about(event, facts.invoice)]
    if pauses and scheduled.date() > facts.due:
        found.append(max(pauses, key=lambda bound: bound.moment))
    promised = facts.promised
    if promised is not None and promised.holds_until is not None and not promised.broken:
        found.append(
            Bound(
                clock.start_of(promised.holds_until + _ONE_DAY),
                part("bound.promise", by=promised.holds_until),
            )
        )
    guard = _guard(context, step, facts, ladder)
    if isinstance(guard, ReasonPart):
        return guard
    return found + guard


def _guard(
    context: ClientContext, step: Step, facts: InvoiceFacts, ladder: Policy
) -> list[Bound] | ReasonPart:
    """Rules 4 and 10: no escalation, write-off, suspension or cancellation before its deadline."""
    if step.action in ("escalate", "write_off"):
        final = _final_notice(step, facts, ladder)
        if isinstance(final, ReasonPart):
            return final
        notice, deadline = final
        return [
            Bound(
                context.clock.start_of(deadline + _ONE_DAY),
                part("bound.deadline", deadline=deadline, step=notice.step.id),
            )
        ]
    if step.cancels and facts.contract.suspension is not None:
        unsent = _unsent_warning(step, facts, ladder)
        return unsent if unsent is not None else _suspension_bounds(context.clock, facts)
    if step.suspends and facts.contract.suspension is not None:
        return _suspension_bounds(context.clock, facts)
    return []


def _unsent_warning(step: Step, facts: InvoiceFacts, ladder: Policy) -> ReasonPart | None:
    """Rule 10: why a cancellation cannot go yet, a warning since the sanction before it unsent.

    Every contact step between the sanction before the cancellation (or the ladder's start)
    and it must have reached the client: cancelling is for good, so no warning is passed over.
    """
    index = ladder.step_index(step.id)
    assert index is not None  # the walk plans the ladder's own steps
    reached = {p.index for p in facts.progress.performed if not p.given_up}
    for before in range(index - 1, -1, -1):
        earlier = ladder.steps[before]
        if earlier.is_sanction:
            break
        if earlier.is_contact and before not in reached:
            return part("guard.warning_unsent", step=earlier.id)
    return None


def _final_notice(
    step: Step, facts: InvoiceFacts, ladder: Policy
) -> tuple[Performed, date] | ReasonPart:
    """The final notice an escalation rests on: the last deadline-stating step before it.

    An earlier deadline does not do: if the final notice never reached the client (given up
    after failed attempts, or skipped), there is nothing to escalate on (rule 4).
    """
    stated = facts.progress.last_deadline()
    if stated is None or stated.deadline is None:
        return part("guard.no_final_notice")
    until = ladder.step_index(step.id) or len(ladder.steps)
    for later in ladder.steps[stated.index + 1 : until]:
        if later.deadline is not None:
            return part("guard.final_notice_unsent", step=later.id)
    return stated, stated.deadline


def _suspension_bounds(clock: ClientClock, facts: InvoiceFacts) -> list[Bound] | ReasonPart:
    """Rule 10: the warnings sent, the last one's deadline passed, the contract's delay over."""
    terms = facts.contract.suspension
    assert terms is not None  # only asked where the contract has a suspension clause
    warnings = [p for p in facts.progress.performed if p.step.is_contact and not p.given_up]
    if len(warnings) < terms.warnings:
        return part("guard.warnings_sent", sent=len(warnings), required=terms.warnings)
    last = warnings[-1]
    if last.deadline is None:
        return part("guard.no_deadline", step=last.step.id)
    not_before = terms.after.shift_date(facts.due, clock.calendar)
    return [
        Bound(
            clock.start_of(last.deadline + _ONE_DAY),
            part("bound.deadline", deadline=last.deadline, step=last.step.id),
        ),
        Bound(
            clock.start_of(not_before),
            part("bound.suspension_delay", after=str(terms.after)),
        ),
    ]


def broken_commitment(
    facts: InvoiceFacts, arrangement: Arrangement | None
) -> tuple[ReasonPart, date] | None:
    """Rule 7: a broken instalment plan or promise, and the day it broke, if there is one."""
    if arrangement is not None and arrangement.standing.broken_on is not None:
        return _rule_7(_plan_broken(arrangement)), arrangement.standing.broken_on
    promised = facts.promised.breach if facts.promised is not None else None
    if promised is None:
        return None
    made: dict[str, Param] = {"made": promised.made, "by": promised.by}
    if promised.amount:
        made |= {"amount": promised.amount, "currency": facts.invoice.currency}
    if promised.granted and promised.holds_until is not None:
        made["until"] = promised.holds_until
    code = "promise.broken" + "_amount" * bool(promised.amount) + "_held" * ("until" in made)
    return _rule_7(part(code, **made)), (promised.holds_until or promised.by) + _ONE_DAY


def _plan_broken(arrangement: Arrangement) -> ReasonPart:
    """Why the instalment plan no longer holds, naming the instalment missed and the dates."""
    standing = arrangement.standing
    missed = standing.missed
    assert missed is not None
    assert standing.broken_on is not None
    return part(
        "plan.broken",
        plan=arrangement.plan.id,
        agreed=arrangement.plan.agreed,
        number=missed.number,
        of=len(arrangement.instalments),
        amount=missed.amount,
        currency=arrangement.currency,
        due=missed.due,
        by=standing.broken_on - _ONE_DAY,
    )


def _rule_7(clause: ReasonPart) -> ReasonPart:
    return part("rule", number=7, clause=clause)


def resumed_after_dispute(
    clock: ClientClock, facts: InvoiceFacts
) -> tuple[datetime, ReasonPart] | None:
    """Rule 7: dunning resumes where it stopped once a dispute is resolved, not before."""
    resolution = facts.resolution
    last = facts.progress.last
    if resolution is None or facts.disputes or (last is not None and last.at > resolution.at):
        return None
    day = clock.local(resolution.at).date()
    resolved = part("dispute.resolved", on=day, resolution=str(resolution.resolution))
    return resolution.at, _rule_7(resolved)


def first_allowed_moment(
    context: ClientContext, scheduled: datetime, bounds: list[Bound], hour: time
) -> tuple[datetime, list[Note]]:
    """The action's moment, and a note naming the bound that delayed it, if one did.

    A step whose moment has passed is caught up at the first allowed moment from now: the
    window opens when quiet hours end, not at `hour`. A host that runs once a day at 09:00
    must find it due then, or a 10:00 step would be put off from one day to the next forever;
    and one planned on the evening of its own day goes when it would if planned after midnight.
    """
    clock = context.clock
    binding = max(bounds, key=lambda bound: bound.moment)
    if binding.moment <= scheduled:
        return clock.first_open(scheduled, hour), []
    if binding.why == CATCHING_UP:
        others = [bound.moment for bound in bounds if bound is not binding]
        meant = clock.first_open(max([scheduled, *others]), hour)
        opens = hour
        if meant < binding.moment:
            quiet = context.policy.quiet_hours
            opens = min(quiet[1] if quiet else time(0), hour)
        at = clock.first_open(binding.moment, opens)
        return at, [part("catching_up", due=scheduled.date())]
    at = clock.first_open(binding.moment, hour)
    local = clock.local(binding.moment)
    return at, [
        part("not_before", on=local.date(), time=f"{local:%H:%M}", why=as_part(binding.why))
    ]
