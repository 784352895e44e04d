"""When a client's plan can next change: the mark an incremental run keeps (issue 20).

A client whose facts did not change is planned again only at its next review: the earliest
moment one of its actions falls due, or the date alone may give its plan something new — an
invoice turning overdue or leaving its grace period, an unsettled state that any day may end,
and any fact the case dates after now (a payment, an event, a hold's end, an invoice issued
later), which the planner reads only once its moment has come.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta

from pydantic import BaseModel

from paychase.calendar._durations import Duration
from paychase.calendar._local_time import zone
from paychase.case._case import Case
from paychase.case._chase import Chase
from paychase.case._contracts import Contract
from paychase.case._history import ContactEvent
from paychase.case._instalment_plan import InstalmentPlan
from paychase.conversation._facts import SETTLED
from paychase.planner._outputs import Plan
from paychase.store._marks import PlanMark

__all__ = ["plan_marks"]


def plan_marks(
    result: Plan, case: Case, prints: Mapping[str, str], now: datetime
) -> list[PlanMark]:
    """The mark of each client `result` planned: its fingerprint and its next review.

    The next review is the earliest of: the moment one of its actions falls due, and each
    moment the date alone may change what its plan holds (`_turns`, `_dated_later`).
    """
    earliest: dict[str, datetime] = {}
    for action in result.actions:
        moment = action.not_before or action.at
        known = earliest.get(action.client)
        if known is None or moment < known:
            earliest[action.client] = moment
    zones = {client.id: client.timezone for client in case.clients}
    turns = [
        (client, _local_day_start(day, zones[client])) for client, day in _turns(result, case, now)
    ]
    for client, turn in [*turns, *_dated_later(case, now)]:
        known = earliest.get(client)
        if known is None or turn < known:
            earliest[client] = turn
    return [
        PlanMark(client.id, prints[client.id], earliest.get(client.id))
        for client in case.clients
        if client.id in prints  # else added after the fingerprints were taken
    ]


def _turns(result: Plan, case: Case, now: datetime) -> list[tuple[str, date]]:
    """Local days on which the date alone may give a client's plan something new.

    The planner lists each next step ahead, but not what only a date brings: an invoice
    turning overdue or leaving its grace period starts charges and their reviews (a missing
    exchange rate, a rate table that stops); a promise, a dispute, an instalment plan, a hold
    or an escalation end on dates it does not list. So: the day after the due date and the
    day after the grace period (counted generously), for an invoice not yet past them; the
    next day, every day, for an invoice in any other unsettled state, for one with nothing
    planned, and for a chase still open with nothing planned.
    """
    zones = {client.id: zone(client.timezone) for client in case.clients}
    grace = {contract.id: _days_at_most(contract.grace) for contract in case.contracts}
    contract_of = {invoice.id: invoice.contract for invoice in case.invoices}
    turns: list[tuple[str, date]] = []
    for state in result.invoices:
        if state.state in SETTLED:
            continue
        today = now.astimezone(zones[state.client]).date()
        tomorrow = today + timedelta(days=1)
        if state.next_review is None or state.state not in ("open", "due", "overdue"):
            turns.append((state.client, tomorrow))
            continue
        ends = (state.due, state.due + timedelta(days=grace[contract_of[state.id]]))
        turns += [(state.client, end + timedelta(days=1)) for end in ends if end >= today]
    for chase in result.chases or ():
        if chase.state in ("waiting", "answered") and chase.next_review is None:
            today = now.astimezone(zones[chase.client]).date()
            turns.append((chase.client, today + timedelta(days=1)))
    return turns


def _days_at_most(duration: Duration) -> int:
    """The most calendar days `duration` can span (business days across weekends, holidays)."""
    if duration.unit == "h":
        return -(-duration.count // 24) + 1
    if duration.unit == "bd":
        return duration.count * 7 // 5 + 7
    if duration.unit == "w":
        return duration.count * 7 + 7
    return duration.count


def _local_day_start(day: date, timezone: str) -> datetime:
    """The first moment of `day` in `timezone`."""
    return datetime(day.year, day.month, day.day, tzinfo=zone(timezone))


def _dated_later(case: Case, now: datetime) -> Iterator[tuple[str, datetime]]:
    """(client, moment) for every date or time in a client's records that lies after now.

    A payment, an event, a hold or an invoice dated later takes effect when its moment comes:
    the start of its local day for a date (one already begun is in effect), the moment itself
    for a time.
    """
    zones = {client.id: zone(client.timezone) for client in case.clients}
    owners = {contract.id: contract.client for contract in case.contracts}
    records: tuple[Contract | InstalmentPlan | Chase | ContactEvent, ...] = (
        *case.contracts,
        *case.instalment_plans,
        *case.chases,
        *case.history,
    )
    dated: list[tuple[str, BaseModel]] = [(c.id, c) for c in case.clients]
    dated += [(record.client, record) for record in records]
    dated += [(owners.get(invoice.contract, ""), invoice) for invoice in case.invoices]
    for owner, record in dated:
        if owner in zones:
            yield from ((owner, m) for m in _later(record, now, zones[owner]))


def _later(value: object, now: datetime, tz: object) -> Iterator[datetime]:
    if isinstance(value, datetime):
        if value > now:
            yield value
    elif isinstance(value, date):
        start = datetime(value.year, value.month, value.day, tzinfo=tz)  # type: ignore[arg-type]
        if start > now:  # a date already begun is in effect
            yield start
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _later(getattr(value, name), now, tz)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _later(item, now, tz)
