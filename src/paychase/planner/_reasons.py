"""The reason of a ladder step's action: the invoices, the step, its dates (rule 12).

Every action says in words why it is planned: how late each invoice is, the step and the day
it falls on, the step performed before it, the attempt, and the notes the walk, the bounds,
the channel and the spacing left on it — each note once, the lead invoice's first. An invoice
at another step than the lead's, in the same message, has its own step named.
"""

from __future__ import annotations

from datetime import date

from paychase._reason import ReasonPart, as_part, deduplicated, part
from paychase.conversation._facts import InvoiceFacts
from paychase.planner._candidate import Candidate
from paychase.policy._ladder import Performed
from paychase.policy._schedule import ClientClock

__all__ = ["standing_of", "step_reason"]


def step_reason(
    cluster: list[Candidate], clock: ClientClock, today: date
) -> tuple[tuple[ReasonPart, ...], str]:
    """The reason of the action for `cluster`, whose first member leads it: clauses, English.

    The members' standings make one clause (a list), as the English reads.
    """
    lead = cluster[0]
    step = lead.step
    standings = [standing_of(member.facts, today) for member in cluster]
    parts = [
        _listed(standings),
        part("step.falls_on", step=step.id, timing=_timing(lead), on=lead.scheduled.date()),
    ]
    last = lead.facts.progress.last
    if last is not None:
        parts.append(_performed(last, clock))
    if lead.attempt > 1:
        parts.append(part("attempt", attempt=lead.attempt, of=lead.ladder.max_attempts_per_step))
    for member in cluster:
        own = member.notes if member is lead else [n for n in member.notes if n not in lead.notes]
        clauses = [as_part(note) for note in own]
        if member.rung != lead.rung:
            clauses = [_own_step(member), *clauses]
        if member is not lead:
            clauses = [part("about", invoice=member.facts.invoice.label, clause=c) for c in clauses]
        parts += clauses
    return deduplicated(parts)


def _listed(clauses: list[ReasonPart]) -> ReasonPart:
    """Several clauses as one, separated by commas: ``a, b, c``."""
    return clauses[0] if len(clauses) == 1 else part("list", items=tuple(clauses))


def _timing(member: Candidate) -> ReasonPart:
    """What the step's time counts from (`Candidate.timing`), as a clause."""
    step, repeat = member.step, member.step.repeat
    if member.sending == 1 or repeat is None:
        return part("timing.offset", anchor=step.from_, offset=f"{step.offset:+}")
    return part(
        "timing.repeat", sending=member.sending, times=repeat.times, every=str(repeat.every)
    )


def _own_step(member: Candidate) -> ReasonPart:
    """A member at another step than the lead's: its own step, in the lead's message."""
    return part("step.own", step=member.step.id, timing=_timing(member), on=member.scheduled.date())


def standing_of(facts: InvoiceFacts, today: date) -> ReasonPart:
    """How late the invoice is on the client's local date `today`."""
    label = facts.invoice.label
    late = (today - facts.due).days
    if late > 0:
        return part("invoice.overdue", invoice=label, days=late, due=facts.due)
    if late == 0:
        return part("invoice.due_today", invoice=label, due=facts.due)
    return part("invoice.falls_due", invoice=label, due=facts.due)


def _performed(last: Performed, clock: ClientClock) -> ReasonPart:
    day = clock.local(last.at).date()
    if last.given_up:
        return part("step.given_up", step=last.step.id, on=day)
    if last.joined is not None:
        since = clock.local(last.joined).date()
        code = (
            "step.joined_suspension"
            if last.step.action == "suspend_service"
            else "step.joined_pause"
        )
        return part(code, step=last.step.id, on=day, since=since)
    if last.sending > 1:
        return part("step.sent_again", step=last.step.id, count=last.sending, on=day)
    return part("step.performed", step=last.step.id, on=day)
