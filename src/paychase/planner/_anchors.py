"""A step's own time: what its ``from`` counts from, and when a pre-due step expires.

A step's anchor is found on the timeline of the steps before it. The timeline is what the
history says (`Timeline.of`): when the last step was performed, the client's last contact,
the deadline stated last. A catch-up (`_catch_up`) extends it with the steps it passes over,
as if each had gone on its day, so that a step counted from 'previous' counts from the step
passed over before it.

A step meant for the due date or before it expires then: it is never sent late (SPEC §4).

``end_of_month`` counts from the last day of the calendar month the invoice falls due in (a
month-end statement run, as Odoo's and Tryton's "end of month" payment terms count): an invoice
due on 31 January counts from that day, one due on 1 February from 28 (29) February. Grace does
not move it; the grace bound still holds every step after the due date back (`_timing`).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from paychase.conversation._facts import InvoiceFacts
from paychase.planner._context import ClientContext
from paychase.policy._policy import Step
from paychase.policy._schedule import ClientClock

__all__ = ["Timeline", "anchor_of", "expired", "month_end"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Timeline:
    """When the step before went, the last contact, and the payment deadline stated last."""

    previous: datetime | None
    last_contact: datetime | None
    deadline: date | None

    @classmethod
    def of(cls, context: ClientContext, facts: InvoiceFacts) -> Timeline:
        """The invoice's timeline as the history has it."""
        progress = facts.progress
        stated = progress.last_deadline()
        return cls(
            previous=progress.last.at if progress.last is not None else None,
            last_contact=context.last_contact.at if context.last_contact is not None else None,
            deadline=stated.deadline if stated is not None else None,
        )

    def after(self, step: Step, at: datetime, clock: ClientClock) -> Timeline:
        """The timeline once `step` went at `at`."""
        stated = clock.deadline_of(step, at)
        return replace(
            self,
            previous=at,
            last_contact=at if step.is_contact else self.last_contact,
            deadline=stated if stated is not None else self.deadline,
        )


def anchor_of(
    step: Step, facts: InvoiceFacts, clock: ClientClock, timeline: Timeline
) -> datetime | None:
    """What the step's ``from`` counts from (None: no deadline was stated to count from).

    ``due`` counts from the last day of grace for a step after the due date; ``previous`` and
    ``last_contact`` with nothing before them count from there too.
    """
    after_grace = clock.start_of(facts.grace_end)
    if step.from_ == "issued":
        return clock.start_of(facts.invoice.issued)
    if step.from_ == "due":
        return after_grace if step.offset.count > 0 else clock.start_of(facts.due)
    if step.from_ == "end_of_month":
        return clock.start_of(month_end(facts.due))
    if step.from_ == "previous":
        return timeline.previous or after_grace
    if step.from_ == "last_contact":
        return timeline.last_contact or after_grace
    return None if timeline.deadline is None else clock.start_of(timeline.deadline)


def month_end(day: date) -> date:
    """The last day of `day`'s calendar month (the ``end_of_month`` anchor).

    >>> month_end(date(2028, 2, 10)), month_end(date(2026, 12, 31))
    (datetime.date(2028, 2, 29), datetime.date(2026, 12, 31))
    """
    return day.replace(day=monthrange(day.year, day.month)[1])


def expired(scheduled: datetime, at: datetime, due: date) -> bool:
    """A step meant for before (or on) the due date is not sent late (SPEC §4)."""
    if scheduled.date() > due:
        return False
    expiry = due if scheduled.date() < due else due + _ONE_DAY
    return at.date() >= expiry
