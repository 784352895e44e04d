"""How one client's candidates become actions: one message per step and moment (rule 5).

Candidates with the same step, currency, action kind and channel at the same moment — or
later the same day, once every bound of theirs has passed — go as one action covering all
their invoices, each invoice at its own step; a client owing in two currencies gets one
message per currency. The messages then go min_gap apart, in time order: a message spacing
moves onto another of the same step joins it, and a pre-due step spacing pushes past its
expiry is dropped and the invoice's next step planned after it instead (SPEC §4).

A message step that charges a fee is preceded, at the same moment, by its fee booking
(`_costs`); an ``apply_fee`` step with nothing accrued yet waits.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import UTC, date, datetime

from paychase.case._case import version_of
from paychase.money._charges import Owed, amounts_of
from paychase.planner._candidate import Candidate
from paychase.planner._context import ClientContext
from paychase.planner._costs import Costs
from paychase.planner._next_step import LadderWalk, expired
from paychase.planner._outputs import Action
from paychase.planner._reasons import step_reason
from paychase.planner._spacing import PlannedContacts
from paychase.policy._schedule import Bound

__all__ = ["Combiner"]


class Combiner:
    """Turns one client's candidates into actions: combined, spaced, with their bookings."""

    __slots__ = ("_context", "_costs", "_planned", "_walk")

    def __init__(
        self, context: ClientContext, costs: Costs, planned: PlannedContacts, walk: LadderWalk
    ) -> None:
        self._context = context
        self._costs = costs
        self._planned = planned
        self._walk = walk

    def combine(self, candidates: list[Candidate]) -> list[Action]:
        """One action per step, currency and moment; a client's contacts min_gap apart.

        A step that spacing pushes past its expiry (a pre-due reminder that would land on the
        due date) is dropped and the invoice's next step planned after it instead.
        """
        actions: list[Action] = []
        previous: Candidate | None = None
        queue = _clusters(candidates)
        while queue:
            cluster = queue.pop(0)
            lead = cluster[0]
            if lead.step.is_contact and previous is not None and self._space_out(cluster, previous):
                late = [m for m in cluster if expired(m.scheduled, m.at, m.facts.due)]
                if late:
                    replanned = self._replan_after(late)
                    actions += [r for r in replanned if isinstance(r, Action)]
                    rest = [m for c in queue for m in c] + [m for m in cluster if m not in late]
                    queue = _clusters(rest + [r for r in replanned if isinstance(r, Candidate)])
                    continue
                self._absorb(cluster, queue, previous)
            if lead.step.is_contact:
                previous = lead
            actions += self._actions(cluster)
        return actions

    def _replan_after(self, late: list[Candidate]) -> list[Candidate | Action]:
        """The next steps of the invoices whose step expired waiting for min_gap."""
        replanned = []
        for member in late:
            bound = Bound(member.at, f"'{member.step.id}' expired waiting for min_gap")
            outcome = self._walk.next_step(
                member.facts, member.ladder, start=member.index + 1, not_before=bound
            )
            if outcome is not None:
                replanned.append(outcome)
        return replanned

    def _space_out(self, cluster: list[Candidate], previous: Candidate) -> bool:
        """Move the cluster to min_gap after the previous contact; whether it had to move."""
        clock, gap = self._context.clock, self._context.policy.min_gap
        lead = cluster[0]
        same_contact = lead.at == previous.at and lead.step.id == previous.step.id
        earliest = clock.after(gap, previous.at)
        if same_contact or lead.at >= earliest:
            return False
        hour = clock.hour_for(lead.kind)
        at, cleared = self._planned.clear(clock.first_open(earliest, hour), hour)
        for member in cluster:
            member.at = at
            member.notes.append(
                f"min_gap {gap} after the message planned for "
                f"{clock.local(previous.at):%Y-%m-%d %H:%M}"
            )
            member.notes += cleared
        return True

    def _absorb(
        self, cluster: list[Candidate], queue: list[list[Candidate]], previous: Candidate
    ) -> None:
        """Rule 5: clusters of the same message that spacing has brought to `cluster` join it.

        A cluster moved to min_gap after the previous contact may land on the moment of a later
        cluster of the same step, or on its day before it: they go as one message.
        """
        lead = cluster[0]
        for other in [c for c in queue if _cluster_key(c[0]) == _cluster_key(lead)]:
            if other[0].at <= lead.at:
                self._space_out(other, previous)  # to the moment `cluster` was moved to
            if all(m.at == lead.at or _may_join(m, lead.at) for m in other):
                for member in other:
                    member.at = lead.at
                cluster += other
                queue.remove(other)

    def _actions(self, cluster: list[Candidate]) -> list[Action]:
        """The cluster's action, after the fee bookings its step asks for (if any)."""
        day = self._context.clock.local(cluster[0].at).date()
        owed = [
            self._costs.owed(
                member.facts, day, applying=member.step.id if member.charges_late_fee else None
            )
            for member in cluster
        ]
        bookings = [
            booking
            for member, member_owed in zip(cluster, owed, strict=True)
            if (booking := self._booking(member, member_owed)) is not None
        ]
        action = self._action(cluster, owed)
        if action.kind == "apply_fee" and not any(c.amount > 0 for c in action.charges):
            return bookings  # nothing has accrued yet: the step waits until something has
        return [*bookings, action]

    def _booking(self, member: Candidate, owed: Owed) -> Action | None:
        """An `apply_fee` for a message step whose effects charge a fee, unless booked already."""
        if member.kind == "apply_fee" or not member.applies_fee:
            return None
        return self._costs.fee_booking(
            member.facts, member.step, member.effects, member.ladder, at=member.at, owed=owed
        )

    def _action(self, cluster: list[Candidate], owed: list[Owed]) -> Action:
        """The one action of the cluster: its lead's step, every member's invoice."""
        context = self._context
        lead = cluster[0]
        step = lead.step
        invoice_ids = sorted(member.facts.invoice.id for member in cluster)
        contract_ids = sorted({member.facts.contract.id for member in cluster})
        attempt = max(member.attempt for member in cluster)
        currency = lead.facts.invoice.currency
        return Action(
            key=f"{'+'.join(contract_ids)}/{'+'.join(invoice_ids)}/{step.id}/{attempt}",
            kind=lead.kind,
            client=context.client.id,
            invoices=tuple(invoice_ids),
            step=step.id,
            tone=step.tone,
            channel=lead.channel,
            at=lead.at,
            template=step.template or f"{lead.ladder.name}/{step.id}",
            amounts=amounts_of(owed, currency),
            deadline=context.clock.deadline_of(step, lead.at),
            # Each invoice's own contract decides its fees; the message names every effect
            # some invoice in it carries, and the amounts charge each invoice by its contract.
            effects=tuple(e for e in step.effects if any(e in m.effects for m in cluster)),
            attach_invoice=step.attach_invoice,
            policy=version_of(lead.ladder),
            charges=tuple(c for one in owed for c in one.charges)
            if lead.kind == "apply_fee"
            else (),
            reason=step_reason(cluster, context.clock, context.today),
        )


def _clusters(candidates: list[Candidate]) -> list[list[Candidate]]:
    """Candidates of one step, currency, kind and channel at the same moment, in time order.

    Taken in time order, a candidate joins the first cluster of its group and day whose lead
    it may go with (at its own moment, or `_may_join`), else it leads a cluster of its own.
    """
    groups: dict[tuple[str, ...], list[Candidate]] = defaultdict(list)
    for candidate in sorted(candidates, key=lambda c: (c.at, c.facts.invoice.id)):
        groups[_cluster_key(candidate)].append(candidate)
    clusters: list[list[Candidate]] = []
    for members in groups.values():
        day: _DayLeads | None = None
        for member in members:
            if day is None or member.at.date() != day.date:
                day = _DayLeads(member.at.date())
            cluster = day.cluster_for(member)
            if cluster is None:
                clusters.append(day.lead(member))
            else:
                cluster.append(member)
    clusters.sort(key=lambda c: (c[0].at, -c[0].index, c[0].facts.invoice.id))
    return clusters


class _DayLeads:
    """The clusters one group has so far on one day, and the search for a member's cluster.

    Members come in time order, so each lead is later than the one before and not later than
    the member. The member goes with the first lead at or after its `earliest` (`_may_join`),
    or else with the last lead if that is at the member's own moment. The lead is found by
    bisection, so a client's n candidates cluster in O(n log n) rather than O(n²).

    Python compares two moments of one zone by wall time and moments of two zones by instant;
    the two orders differ in the hour a DST change repeats. So the search runs on the leads'
    local moments where `earliest` is in the client's zone, and otherwise on the running
    maximum of their UTC instants (the first lead at or after an instant is where that
    maximum first reaches it): either way it answers exactly what `_may_join` would.
    """

    __slots__ = ("_clusters", "_instants", "_moments", "date")

    def __init__(self, day: date) -> None:
        self.date = day
        self._clusters: list[list[Candidate]] = []
        self._moments: list[datetime] = []  # the leads' moments, in the client's zone
        self._instants: list[datetime] = []  # the running maximum of their UTC instants

    def cluster_for(self, member: Candidate) -> list[Candidate] | None:
        """The first cluster `member` may join (None: it leads one of its own)."""
        if not self._moments:
            return None
        earliest = member.earliest
        if earliest.tzinfo is self._moments[0].tzinfo:
            found = bisect_left(self._moments, earliest)
        else:
            found = bisect_left(self._instants, earliest.astimezone(UTC))
        if found == len(self._moments) and self._moments[-1] == member.at:
            found -= 1
        return self._clusters[found] if found < len(self._clusters) else None

    def lead(self, member: Candidate) -> list[Candidate]:
        """A new cluster led by `member`."""
        cluster = [member]
        self._clusters.append(cluster)
        self._moments.append(member.at)
        instant = member.at.astimezone(UTC)
        self._instants.append(max(instant, self._instants[-1]) if self._instants else instant)
        return cluster


def _cluster_key(candidate: Candidate) -> tuple[str, ...]:
    """What candidates must share to go in one message: step, currency, kind and channel."""
    return (
        candidate.step.id,
        candidate.facts.invoice.currency,
        candidate.kind,
        str(candidate.channel),
    )


def _may_join(member: Candidate, lead_at: datetime) -> bool:
    """Whether a step planned for later on the lead's day may go with it (rule 5).

    The hour is the policy's preference, the bounds are rules: a step due later the same day,
    with every bound passed by the lead's moment, goes in the lead's message rather than in a
    second message a few hours later (a caught-up step goes before `send_at`).
    """
    return member.at.date() == lead_at.date() and member.earliest <= lead_at
