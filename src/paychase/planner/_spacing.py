"""``min_gap``: never two outbound contacts to one client closer than the policy allows (rule 5).

The rule is kept in three places, in the order the planner meets them:

* every contact step of the client is bounded by min_gap after the client's last contact that
  got through (`gap_after_contact`; a bounced or failed one does not count) — one bound for
  every invoice, added by `_timing.step_bounds`;
* the contacts planned in this plan keep min_gap around each other (`PlannedContacts`): the
  prepayment, stage and instalment requests first, then the ladder's messages, then the chases,
  each later kind moved clear of the earlier ones;
* the ladder's messages themselves, combined per step, go min_gap apart in time order
  (`_combine`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time

from paychase._reason import ReasonPart, part
from paychase.case._history import ContactEvent
from paychase.conversation._facts import latest
from paychase.planner._outputs import Action
from paychase.policy._policy import Policy
from paychase.policy._schedule import Bound, ClientClock

__all__ = ["PlannedContacts", "gap_after", "gap_after_contact", "last_contact"]


def last_contact(events: Sequence[ContactEvent]) -> ContactEvent | None:
    """The client's last outbound contact that got through: what min_gap counts from."""
    return latest(events, _got_through)


def _got_through(event: ContactEvent) -> bool:
    return (
        event.direction == "out"
        and event.channel not in (None, "system")
        and event.outcome not in ("bounced", "failed")
    )


def gap_after_contact(
    policy: Policy, clock: ClientClock, contact: ContactEvent | None
) -> Bound | None:
    """The bound min_gap after the client's last contact (None: there was none)."""
    if contact is None:
        return None
    last = clock.local(contact.at)
    why = part("gap.contact", gap=str(policy.min_gap), on=last.date())
    return gap_after(policy, clock, last, why)


def gap_after(policy: Policy, clock: ClientClock, local: datetime, why: ReasonPart) -> Bound:
    """The bound min_gap after the contact at the local moment `local`, `why` naming both."""
    return Bound(clock.after(policy.min_gap, local), why)


class PlannedContacts:
    """The client's contacts planned so far in this plan, and min_gap around them."""

    __slots__ = ("_clock", "_gap", "_moments")

    def __init__(self, policy: Policy, clock: ClientClock) -> None:
        self._clock = clock
        self._gap = policy.min_gap
        self._moments: list[datetime] = []  # local moments

    def record(self, actions: Iterable[Action]) -> None:
        """Note the contacts among `actions` (an action on channel ``system`` is none)."""
        self._moments += [self._clock.local(a.at) for a in actions if a.channel != "system"]

    def clear(self, at: datetime, hour: time) -> tuple[datetime, list[ReasonPart]]:
        """`at`, moved to min_gap after any planned contact it is near, and notes saying so.

        A contact planned weeks later does not hold a reminder back; one within min_gap of
        it, before or after, moves the reminder to min_gap after the planned contact.
        """
        clock, gap = self._clock, self._gap
        notes: list[ReasonPart] = []
        for planned in sorted(self._moments):
            until = clock.after(gap, planned)
            if clock.after(gap, clock.local(at)) > planned and clock.local(at) < until:
                at = clock.first_open(until, hour)
                notes.append(
                    part(
                        "spacing.contact", gap=str(gap), on=planned.date(), time=f"{planned:%H:%M}"
                    )
                )
        return at, notes
