"""Requests the client agreed to pay on a day: prepayments, stage payments, instalments.

They are planned before the ladder, and the ladder's messages keep min_gap around them
(rule 5, `_spacing.PlannedContacts`):

* a contract's deposit, materials, milestones and kill fee (`conversation._work`) become
  ``request_deposit`` / ``request_milestone`` messages, a client's requests min_gap apart, and
  ``pause_work`` on channel ``system`` (resuming the work is `_settlement`'s);
* an honoured instalment plan (rule 7) gets a reminder before each instalment and a note once
  one is late — they replace the ladder for the plan's invoices while the plan is kept.

Each goes the client's usual way (SPEC §2 fallback); with no working contact it becomes a
review (rule 9).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final

from paychase._reason import Param, ReasonPart, as_part, joined, part
from paychase.calendar._durations import Duration
from paychase.case._invoices import Invoice
from paychase.conversation._arrangements import Arrangement
from paychase.conversation._work import needs_of, work_books
from paychase.conversation._work_books import WorkBooks, WorkNeed
from paychase.money._balances import ZERO, balance_of
from paychase.money._charges import Owed, amounts_of
from paychase.planner._context import ClientContext
from paychase.planner._outputs import Action, InstalmentDue
from paychase.planner._routing import route
from paychase.planner._spacing import PlannedContacts, gap_after
from paychase.planner._timing import AT_ONCE, CATCHING_UP, first_allowed_moment
from paychase.policy._policy import ActionKind, Channel, Step
from paychase.policy._schedule import Bound

__all__ = [
    "INSTALMENT",
    "INSTALMENT_MISSED",
    "client_books",
    "instalment_actions",
    "work_actions",
]

INSTALMENT: Final = "instalment"
"""The step an instalment reminder names (its history event's ``step``)."""
INSTALMENT_MISSED: Final = "instalment_missed"
"""The step the note after a missed instalment names."""

# Requests for prepayments and stage payments go the client's usual way (SPEC §2 fallback).
_REQUEST_STEP = Step.model_validate({"id": "request", "from": "issued", "action": "send_reminder"})
# The note after an instalment's day passed unpaid: the next working day, at the usual hour.
_INSTALMENT_MISSED = Step.model_validate(
    {"id": INSTALMENT_MISSED, "from": "due", "offset": "+1d", "action": "send_reminder"}
)


def client_books(context: ClientContext) -> WorkBooks:
    """What the work-contract rules read about the client (`conversation._work`)."""
    clock = context.clock
    return work_books(
        context.client.id,
        context.portfolio.contracts_of.get(context.client.id, ()),
        context.portfolio.invoices_of.get(context.client.id, ()),
        context.events,
        today=context.today,
        calendar=clock.calendar,
        local_date=lambda moment: clock.local(moment).date(),
        sanctions=context.sanctions,
    )


def work_actions(
    context: ClientContext, planned: PlannedContacts, books: WorkBooks
) -> list[Action]:
    """Prepayment and stage requests, and pauses of work (see `conversation._work`).

    Requests are contacts: they come first, a client's requests min_gap apart, and the
    ladder's messages keep min_gap after the last of them (rule 5).
    """
    clock = context.clock
    needs = needs_of(books)
    actions = []
    previous: Bound | None = None
    for need in needs:
        action = _work_action(context, need, previous)
        actions.append(action)
        if action.channel != "system":
            local = clock.local(action.at)
            planned.record([action])
            why = part(
                "gap.deposit_request"
                if need.kind == "request_deposit"
                else "gap.milestone_request",
                gap=str(context.policy.min_gap),
                on=local.date(),
                time=f"{local:%H:%M}",
            )
            previous = gap_after(context.policy, clock, local, why)
    return actions


def _work_action(context: ClientContext, need: WorkNeed, previous: Bound | None) -> Action:
    clock = context.clock
    bounds = [Bound(context.now, "now"), Bound(clock.start_of(need.not_before), "not before")]
    channel: Channel | None = "system"
    notes: list[ReasonPart] = []
    kind: ActionKind = need.kind
    if need.kind in ("request_deposit", "request_milestone"):
        _, channel, notes = route(context, _REQUEST_STEP)
        bounds += [b for b in (context.gap_bound, previous) if b is not None]
    hour = AT_ONCE if channel == "system" else clock.hour_for(kind)
    at = clock.first_open(max(bound.moment for bound in bounds), hour)
    if channel is None:
        channel, kind = "system", "review"
        notes.append(part("no_channel"))
    asked = Owed(need.amount, ZERO, need.amount, ZERO, ZERO, ZERO)
    why = (*need.why, *notes)
    return Action.trusted(
        key=need.key,
        kind=kind,
        client=context.client.id,
        invoices=need.invoices,
        step=need.topic,
        channel=channel,
        at=at,
        amounts=amounts_of([asked], need.currency) if need.amount > 0 else None,
        deadline=need.deadline,
        charges=need.charges,
        why=why,
        reason=joined(why),
    )


def instalment_actions(
    context: ClientContext, planned: PlannedContacts, arrangements: Mapping[str, Arrangement]
) -> list[Action]:
    """A reminder before each instalment of an honoured plan, and a note when one is late.

    They are contacts planned first, like requests: the ladder's messages for the client's
    other invoices keep min_gap around them (rule 5).
    """
    actions = []
    honoured = (
        a
        for a in dict.fromkeys(arrangements.values())
        if a.standing.honoured and not _settled(a.invoices, context.today)
    )
    for arrangement in sorted(honoured, key=lambda a: a.plan.id):
        action = _instalment_action(context, arrangement)
        if action is not None:
            actions.append(action)
            planned.record([action])
    return actions


def _settled(invoices: Sequence[Invoice], today: date) -> bool:
    """Whether payments and credit notes have settled every invoice (no more instalments)."""
    return all(balance_of(invoice, today).owed == ZERO for invoice in invoices)


def _instalment_step(before: Duration) -> Step:
    """The reminder `before` an instalment falls due, timed like a pre-due step."""
    offset = Duration(-before.count, before.unit, before.weekday)
    return Step.model_validate(
        {"id": INSTALMENT, "from": "due", "offset": offset, "action": "send_reminder"}
    )


def _instalment_action(context: ClientContext, arrangement: Arrangement) -> Action | None:
    clock, policy, plan = context.clock, context.policy, arrangement.plan
    due = arrangement.standing.next
    assert due is not None  # an honoured plan is not complete
    late = context.today > due.due
    topic = INSTALMENT_MISSED if late else INSTALMENT
    key = f"{arrangement.key_prefix}/{topic}-{due.number}:{plan.id}/1"
    if any(event.key == key for event in context.events):
        return None
    kind, channel, routing = route(context, _REQUEST_STEP)
    hour = clock.hour_for(kind)
    step = _INSTALMENT_MISSED if late else _instalment_step(policy.instalment_reminder)
    anchor = clock.start_of(due.due)
    scheduled = clock.scheduled(step, anchor, due.due, hour)
    bounds = [
        Bound(context.now, CATCHING_UP),
        Bound(clock.start_of(plan.agreed), part("bound.agreed")),
    ]
    if context.gap_bound is not None:
        bounds.append(context.gap_bound)
    at, timing = first_allowed_moment(context, scheduled, bounds, hour)
    grace_end = arrangement.grace_end(due.due)
    if (not late and at.date() >= due.due) or at.date() > grace_end:
        return None  # too late to remind: the missed note, or the plan's end, comes next
    currency = arrangement.currency
    standing = arrangement.standing
    asked = Owed(arrangement.total, standing.paid, standing.short, ZERO, ZERO, ZERO)
    reason = [*_instalment_reason(context, arrangement, late, grace_end), *timing, *routing]
    if channel is None:
        channel, kind, topic = "system", "review", f"review:{topic}"
        reason.append(part("no_channel"))
    why = tuple(as_part(note) for note in reason)
    return Action.trusted(
        key=key,
        kind=kind,
        client=context.client.id,
        invoices=tuple(sorted(i.id for i in arrangement.invoices)),
        step=topic,
        tone="friendly",
        channel=channel,
        at=at,
        template=f"instalment/{'missed' if late else 'reminder'}",
        amounts=amounts_of([asked], currency),
        deadline=grace_end if late else due.due,
        instalment=InstalmentDue(
            plan=plan.id,
            number=due.number,
            of=len(arrangement.instalments),
            due=due.due,
            amount=due.amount,
            short=standing.short,
            currency=currency,
        ),
        why=why,
        reason=joined(why),
    )


def _instalment_reason(
    context: ClientContext, arrangement: Arrangement, late: bool, grace_end: date
) -> tuple[ReasonPart, ReasonPart]:
    due, standing = arrangement.standing.next, arrangement.standing
    assert due is not None
    plan = arrangement.plan
    head: dict[str, Param] = {
        "plan": plan.id,
        "agreed": plan.agreed,
        "number": due.number,
        "of": len(arrangement.instalments),
        "amount": due.amount,
        "currency": arrangement.currency,
        "due": due.due,
    }
    if late:
        missed = part("instalment.missed", **head, short=standing.short)
        return part("rule", number=7, clause=missed), part("instalment.breaks", until=grace_end)
    before = str(context.policy.instalment_reminder)
    coming = part("instalment.coming", **head, before=before)
    return part("rule", number=7, clause=coming), part("instalment.kept")
