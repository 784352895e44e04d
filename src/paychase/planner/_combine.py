"""How one client's candidates become actions: one contact covers the whole account (rule 5).

A client hears from us about everything at once. The contacts — messages, letters and calls —
are taken in time order; each contact takes every invoice whose step's time has come by then
(its bounds passed, its day reached), each invoice at its **own** step: the message has the
tone and template of the most advanced step among them and names each invoice's step
(`Action.invoice_steps`). A pre-due reminder that would otherwise wait past its due date, or
until the next contact min_gap later, goes early with this one instead. The next contact comes
min_gap later at the earliest; a client owing in two currencies gets one message per currency
at the same contact moment, and the invoices whose step is a call get one call then. A pre-due
step that spacing still pushes past its expiry (no
contact it could join) is dropped and the invoice's next step planned after it (SPEC §4).

Other actions — fee bookings, suspensions, pauses, escalations — go one per step and moment,
their invoices combined. A message step that charges a fee is preceded, at the same moment,
by its fee booking (`_costs`); an ``apply_fee`` step with nothing accrued yet waits.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from paychase._reason import part
from paychase.case._case import version_of
from paychase.case._history import InvoiceStep
from paychase.money._charges import Owed, amounts_of
from paychase.planner._candidate import Candidate
from paychase.planner._context import ClientContext
from paychase.planner._costs import Costs
from paychase.planner._next_step import LadderWalk, day_opening, expired
from paychase.planner._outputs import Action
from paychase.planner._reasons import step_reason
from paychase.planner._spacing import PlannedContacts
from paychase.policy._policy import Effect
from paychase.policy._schedule import Bound

__all__ = ["Combiner"]

# The most advanced step of a message leads it: the sterner tone, then a letter over an
# e-mail, then the later rung of its ladder.
_TONE_RANK = {"friendly": 0, "neutral": 1, "firm": 2, "final": 3, "legal": 4}
_KIND_RANK = {"send_reminder": 0, "send_letter": 1}
_ONE_DAY = timedelta(days=1)


class Combiner:
    """Turns one client's candidates into actions: whole-account contacts min_gap apart."""

    __slots__ = ("_context", "_costs", "_planned", "_walk")

    def __init__(
        self, context: ClientContext, costs: Costs, planned: PlannedContacts, walk: LadderWalk
    ) -> None:
        self._context = context
        self._costs = costs
        self._planned = planned
        self._walk = walk

    def combine(self, candidates: list[Candidate]) -> list[Action]:
        """The client's contacts, each covering every invoice due then, and its other actions."""
        contacts = [c for c in candidates if c.step.is_contact]
        actions = self._contacts(contacts)
        for cluster in _clusters([c for c in candidates if not c.step.is_contact]):
            actions += self._actions(cluster)
        return actions

    def _contacts(self, candidates: list[Candidate]) -> list[Action]:
        """One contact at a time, in time order, each taking what is due by its moment."""
        actions: list[Action] = []
        pending = sorted(candidates, key=_in_time_order)
        previous: datetime | None = None
        while pending:
            first = pending[0]
            moved = previous is not None and self._space_out(first, previous)
            if moved and expired(first.scheduled, first.at, first.facts.due):
                replanned = self._replan_after(first)
                actions += [r for r in replanned if isinstance(r, Action)]
                fresh = [r for r in replanned if isinstance(r, Candidate)]
                pending = sorted(pending[1:] + fresh, key=_in_time_order)
                continue
            members, pending = self._gather(first, pending[1:])
            for message in _by_message(members).values():
                actions += self._actions(_lead_first(message))
            previous = first.at
        return actions

    def _gather(
        self, first: Candidate, rest: list[Candidate]
    ) -> tuple[list[Candidate], list[Candidate]]:
        """The contact `first` leads at its moment: every candidate it takes, and those left.

        A candidate goes with it when its time has come by then (`not_before`), or when it is
        a pre-due reminder the next contact, min_gap later, would come too late for or after.
        `rest` is in time order, so the search stops at the first candidate past that window.
        """
        clock, at = self._context.clock, first.at
        next_contact = clock.after(self._context.policy.min_gap, at)
        # Nothing of a later day can go now (its day has not come) unless it goes early.
        scanned = max(next_contact, clock.start_of(clock.local(at).date() + _ONE_DAY))
        members, left = [first], []
        for position, candidate in enumerate(rest):
            if candidate.at >= scanned:
                left += rest[position:]
                break
            if candidate.not_before <= at:
                candidate.at = at
                members.append(candidate)
            elif candidate.not_before < next_contact and self._may_go_early(candidate, at):
                candidate.notes.append(
                    part(
                        "spacing.early",
                        on=self._context.clock.local(at).date(),
                        gap=str(self._context.policy.min_gap),
                    )
                )
                candidate.at, candidate.not_before = at, first.not_before
                members.append(candidate)
            else:
                left.append(candidate)
        return members, left

    def _may_go_early(self, candidate: Candidate, at: datetime) -> bool:
        """Whether a pre-due step may go at `at`, before its own day.

        Every bound of it must have passed by then (the invoice issued, no promise holding),
        and it must not have expired.
        """
        facts = candidate.facts
        before_due = candidate.scheduled.date() <= facts.due
        return (
            before_due
            and candidate.earliest <= at
            and not expired(candidate.scheduled, at, facts.due)
        )

    def _replan_after(self, late: Candidate) -> list[Candidate | Action]:
        """The next step of an invoice whose step expired waiting for min_gap."""
        bound = Bound(late.at, part("bound.expired", step=late.step.id))
        outcome = self._walk.next_step(
            late.facts, late.ladder, start=late.index + 1, not_before=bound
        )
        return [] if outcome is None else [outcome]

    def _space_out(self, first: Candidate, previous: datetime) -> bool:
        """Move `first` to min_gap after the previous contact; whether it had to move."""
        clock, gap = self._context.clock, self._context.policy.min_gap
        earliest = clock.after(gap, previous)
        if first.at >= earliest:
            return False
        hour = clock.hour_for(first.kind)
        at, cleared = self._planned.clear(clock.first_open(earliest, hour), hour)
        first.at = at
        first.not_before = day_opening(clock, [], at)  # the gap ends at a day's start
        local = clock.local(previous)
        first.notes.append(
            part("spacing.message", gap=str(gap), on=local.date(), time=f"{local:%H:%M}")
        )
        first.notes += cleared
        return True

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
        # A booking goes with its message, from the same moment on.
        bookings = [b.model_copy(update={"not_before": action.not_before}) for b in bookings]
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
        not_before = max(member.not_before for member in cluster)
        why, reason = step_reason(cluster, context.clock, context.today)
        return Action.trusted(
            key=f"{'+'.join(contract_ids)}/{_invoices_part(cluster)}/{lead.rung}/{attempt}",
            kind=lead.kind,
            client=context.client.id,
            invoices=tuple(invoice_ids),
            step=step.id,
            invoice_steps=_invoice_steps(cluster),
            tone=step.tone,
            channel=lead.channel,
            at=lead.at,
            not_before=not_before if not_before < lead.at else None,
            template=step.template or f"{lead.ladder.name}/{step.id}",
            to=step.to,
            cc=step.cc or None,
            amounts=amounts_of(owed, currency),
            deadline=context.clock.deadline_of(step, lead.at),
            # Each invoice's own step and contract decide its effects and fees; the message
            # names every effect some invoice in it carries, the lead's first.
            effects=_effects(cluster),
            attach_invoice=any(member.step.attach_invoice for member in cluster),
            policy=version_of(lead.ladder),
            charges=tuple(c for one in owed for c in one.charges)
            if lead.kind == "apply_fee"
            else (),
            why=why,
            reason=reason,
        )


def _in_time_order(candidate: Candidate) -> tuple[datetime, str]:
    return candidate.at.astimezone(UTC), candidate.facts.invoice.id


def _by_message(members: list[Candidate]) -> dict[tuple[str, bool], list[Candidate]]:
    """The members of one contact moment by message: one per currency (SPEC §4).

    Calls go apart from what is written: a call is made, not swallowed by an e-mail.
    """
    groups: dict[tuple[str, bool], list[Candidate]] = defaultdict(list)
    for member in members:
        groups[member.facts.invoice.currency, member.kind == "call"].append(member)
    return groups


def _lead_first(members: list[Candidate]) -> list[Candidate]:
    """`members` with the most advanced step first, the others by invoice id."""
    lead = max(
        members,
        key=lambda m: (
            _TONE_RANK[m.step.tone],
            _KIND_RANK.get(m.kind, 0),
            m.index,
            [-ord(c) for c in m.facts.invoice.id],  # the first invoice id at a tie
        ),
    )
    rest = sorted((m for m in members if m is not lead), key=lambda m: m.facts.invoice.id)
    return [lead, *rest]


def _invoices_part(cluster: list[Candidate]) -> str:
    """The key's invoices: each id, with ``@step`` where its step is not the lead's.

    Two messages about the same invoices differ in their steps: ``inv-1@polite+inv-2`` (inv-2
    at the lead's step) is not ``inv-1+inv-2`` (both at it). ``@`` is in no id or step id. A
    repeated step's sending counts as its step: ``inv-1@firm#3+inv-2`` under a lead at
    ``firm#2`` (`Candidate.rung`).
    """
    lead = cluster[0].rung
    named = sorted((m.facts.invoice.id, "" if m.rung == lead else f"@{m.rung}") for m in cluster)
    return "+".join(invoice + own for invoice, own in named)


def _invoice_steps(cluster: list[Candidate]) -> tuple[InvoiceStep, ...]:
    """Each invoice's own step, when the cluster's invoices are not all at the lead's step."""
    lead = cluster[0]
    if all(m.step.id == lead.step.id and m.ladder is lead.ladder for m in cluster):
        return ()
    return tuple(
        InvoiceStep.trusted(invoice=m.facts.invoice.id, step=m.step.id, policy=version_of(m.ladder))
        for m in sorted(cluster, key=lambda m: m.facts.invoice.id)
    )


def _effects(cluster: list[Candidate]) -> tuple[Effect, ...]:
    """The effects some member carries: the lead's step's order first, then the others'."""
    ordered = [*cluster[0].step.effects, *(e for m in cluster[1:] for e in m.step.effects)]
    return tuple(e for e in dict.fromkeys(ordered) if any(e in m.effects for m in cluster))


def _clusters(candidates: list[Candidate]) -> list[list[Candidate]]:
    """Candidates of one step, currency, kind and channel at the same moment, in time order.

    Taken in time order, a candidate joins the first cluster of its group and day whose lead
    it may go with — at its own moment, or later that day once every bound of the member has
    passed by the lead's moment — else it leads a cluster of its own.
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
    the member. The member goes with the first lead at or after its `earliest`,
    or else with the last lead if that is at the member's own moment. The lead is found by
    bisection, so a client's n candidates cluster in O(n log n) rather than O(n²).

    Python compares two moments of one zone by wall time and moments of two zones by instant;
    the two orders differ in the hour a DST change repeats. So the search runs on the leads'
    local moments where `earliest` is in the client's zone, and otherwise on the running
    maximum of their UTC instants (the first lead at or after an instant is where that
    maximum first reaches it): either way it finds the first lead the member may go with.
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
