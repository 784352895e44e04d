"""The reason of a ladder step's action: the invoices, the step, its dates (rule 12).

Every action says in words why it is planned: how late each invoice is, the step and the day
it falls on, the step performed before it, the attempt, and the notes the walk, the bounds,
the channel and the spacing left on it — each note once, the lead invoice's first. An invoice
at another step than the lead's, in the same message, has its own step named.
"""

from __future__ import annotations

from datetime import date

from paychase.conversation._facts import InvoiceFacts
from paychase.planner._candidate import Candidate
from paychase.policy._ladder import Performed
from paychase.policy._schedule import ClientClock

__all__ = ["standing_of", "step_reason"]


def step_reason(cluster: list[Candidate], clock: ClientClock, today: date) -> str:
    """The reason of the action for `cluster`, whose first member leads it."""
    lead = cluster[0]
    step = lead.step
    parts = [
        ", ".join(standing_of(member.facts, today) for member in cluster),
        f"step '{step.id}' ({lead.timing}) falls on {lead.scheduled.date()}",
    ]
    last = lead.facts.progress.last
    if last is not None:
        parts.append(_performed_text(last, clock))
    if lead.attempt > 1:
        parts.append(f"attempt {lead.attempt} of {lead.ladder.max_attempts_per_step}")
    for member in cluster:
        prefix = "" if member is lead else f"{member.facts.invoice.label}: "
        own = member.notes if member is lead else [n for n in member.notes if n not in lead.notes]
        if member.rung != lead.rung:
            own = [_own_step_text(member), *own]
        parts += [prefix + note for note in own]
    return "; ".join(dict.fromkeys(parts))


def _own_step_text(member: Candidate) -> str:
    """A member at another step than the lead's: its own step, in the lead's message."""
    return (
        f"at its own step '{member.step.id}' ({member.timing}, "
        f"falls on {member.scheduled.date()}) in this message"
    )


def standing_of(facts: InvoiceFacts, today: date) -> str:
    """How late the invoice is on the client's local date `today`."""
    label = facts.invoice.label
    late = (today - facts.due).days
    if late > 0:
        return f"{label} is {late} day{'s' if late != 1 else ''} overdue (due {facts.due})"
    if late == 0:
        return f"{label} is due today ({facts.due})"
    return f"{label} falls due on {facts.due}"


def _performed_text(last: Performed, clock: ClientClock) -> str:
    day = clock.local(last.at).date()
    if last.given_up:
        return f"'{last.step.id}' was given up on {day} after unanswered attempts"
    if last.joined is not None:
        what = "suspension" if last.step.action == "suspend_service" else "pause of work"
        since = clock.local(last.joined).date()
        return (
            f"'{last.step.id}' joined on {day} the {what} in force since {since} "
            "rather than imposing a second one"
        )
    if last.sending > 1:
        return f"'{last.step.id}' was sent for the {_ordinal(last.sending)} time on {day}"
    return f"'{last.step.id}' was performed on {day}"


def _ordinal(count: int) -> str:
    """``2nd``, ``3rd``, ``11th``: how many times a repeated step has been sent."""
    suffix = (
        "th" if count % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(count % 10, "th")
    )
    return f"{count}{suffix}"
