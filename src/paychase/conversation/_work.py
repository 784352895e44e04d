"""Work contracts: the prepayments, stage payments and stops a job needs (SPEC §2).

A job done under a contract is paid for differently from a plain invoice: money up front, stage
payments as it goes, and a kill fee when the client disappears half-way. Practitioners agree on
the order of things — ask for the deposit before starting, never let work start or continue
unpaid, bill each stage when it is reached, and stop when the client goes silent, billing the
work done (the ``tradesperson`` policy's "deposit/materials paid up front, stage payments on
multi-day jobs"). This module states those needs for one client; it neither times nor routes
them (the planner does), and once an invoice exists it is chased like any other invoice.

The rules, the library's contract:

1. **Prepayments** — the contract's ``deposit`` (when ``due_before_start``) and ``materials``.
   The sum required is the clause's ``amount``, or its ``rate`` percent of the contract value
   (`contract_value`); a deposit giving neither is 50 % for a first-time client and 25 % for a
   returning one — a client with an invoice under another contract paid in full by today. What
   is *paid* counts the payments dated up to today on the contract's invoices of kind
   ``deposit`` (resp. ``materials``); what is *billed* counts their totals.

   * Work not started yet (``work_started`` unknown or later than today) and less billed than
     required: ``request_deposit`` of the required sum less what is paid, from today, stating
     the day before ``work_started`` as its deadline when that is known. Once a request
     (history key ``{contract}/{topic}/request_deposit/N``) went out and did not bounce or fail,
     it is not asked again; a bounced one is retried under the next number. With enough
     billed, the prepayment invoice is chased like any invoice instead.
   * Work started and not finished (``work_finished`` unknown or later than today) with less
     paid than required: ``pause_work``, so that work does not start or continue unpaid —
     unless the work on the contract is paused already, whatever for, or another need pauses
     it today (a kill fee, the other prepayment): one pause per contract at a time, which the
     unpaid prepayment joins (`conversation._sanctions`).
   * Paused work resumes once every prepayment it waits for is paid and nothing else holds it:
     the planner decides that with the invoices the pause covers (`planner._settlement`).

2. **Milestones** — a milestone no invoice names yet: ``request_milestone`` of its amount,
   from its due date (or today, if that is later), until a request keyed
   ``{contract}/{milestone}/request_milestone/N`` gets through. Once an invoice names the
   milestone, that invoice is chased like any other.

3. **Kill fee** — work started and not finished, and the client silent for the clause's
   ``after_silence`` since the later of ``work_started`` and the local date of their last
   inbound contact of any kind: ``pause_work`` (topic ``kill_fee``) charging the kill fee — its
   ``amount``, or ``rate`` percent of the remaining contract value (the value less the totals of
   the contract's work, milestone and deposit invoices, never below zero) — plus the milestones
   already due that no invoice bills yet. The computation comes as a `Charge`. The pause is
   never lifted automatically: the host resumes the work when the client is back. Not again
   while the latest pause or resume recorded for ``{contract}/kill_fee/`` is a pause. It is
   planned even while the work is paused for something else, because it bills the kill fee;
   on the day it is due, it is the contract's only pause (a prepayment unpaid joins it).

Every need's key is ``{contract}/{topic}/{kind}/{number}``, the number counting the earlier
attempts of the same need in the history, so that a host performing a need once records it
once and the next attempt gets a new key. Cancelled invoices count nowhere: they bill nothing.

Each rule has its module: `_prepayments` (1), `_milestones` (2), `_kill_fee` (3); what they
share, the `WorkNeed` they state and the client's books they read, is `_work_books`'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime

from paychase.calendar._protocols import HolidayCalendar
from paychase.case._contracts import Contract
from paychase.case._history import ContactEvent
from paychase.case._invoices import Invoice
from paychase.conversation._kill_fee import kill_fee_need
from paychase.conversation._milestones import milestone_needs
from paychase.conversation._prepayments import PREPAYMENTS, prepayment_need
from paychase.conversation._sanctions import Sanctions
from paychase.conversation._work_books import WorkBooks, WorkNeed

__all__ = ["needs_of", "work_books", "work_needs"]


def work_needs(
    client_id: str,
    contracts: Sequence[Contract],
    invoices: Sequence[Invoice],
    events: Sequence[ContactEvent],
    *,
    today: date,
    calendar: HolidayCalendar,
    local_date: Callable[[datetime], date],
    sanctions: Sanctions | None = None,
) -> list[WorkNeed]:
    """What the client's work contracts need as of `today`, by the rules of this module.

    Args:
        client_id: the client; contracts, invoices and events of others are ignored.
        contracts: the contracts (those of other clients are left out).
        invoices: the client's invoices, under any of its contracts.
        events: the client's contact history up to now, oldest first.
        today: the client's local date.
        calendar: the client's working days, for an ``after_silence`` in business days.
        local_date: the client's local date of a moment, for the dates of inbound contacts.
        sanctions: the pauses of work in force on the client's contracts; by default read
            from `events`, which do not tell which contract a project chase paused.

    Returns:
        The needs, sorted by `not_before` then key.

    >>> from paychase.case._case import Contract
    >>> from paychase.testing import FixedCalendar
    >>> contract = Contract.model_validate({"id": "k1", "client": "c1", "currency": "EUR",
    ...     "value": "2000", "deposit": {"rate": "30"}, "work_started": "2026-04-01"})
    >>> [need] = work_needs("c1", [contract], [], [], today=date(2026, 3, 10),
    ...     calendar=FixedCalendar(), local_date=lambda moment: moment.date())
    >>> need.key, need.amount, need.deadline
    ('k1/deposit/request_deposit/1', Decimal('600.00'), datetime.date(2026, 3, 31))
    """
    books = work_books(
        client_id,
        contracts,
        invoices,
        events,
        today=today,
        calendar=calendar,
        local_date=local_date,
        sanctions=sanctions,
    )
    return needs_of(books)


def needs_of(books: WorkBooks) -> list[WorkNeed]:
    """What the contracts of `books` need, sorted by `not_before` then key (`work_needs`)."""
    needs = [need for contract in books.contracts for need in _contract_needs(contract, books)]
    return sorted(needs, key=lambda need: (need.not_before, need.key))


def work_books(
    client_id: str,
    contracts: Sequence[Contract],
    invoices: Sequence[Invoice],
    events: Sequence[ContactEvent],
    *,
    today: date,
    calendar: HolidayCalendar,
    local_date: Callable[[datetime], date],
    sanctions: Sanctions | None = None,
) -> WorkBooks:
    """What the rules read about the client, gathered once (arguments as `work_needs`')."""
    mine = tuple(c for c in contracts if c.client == client_id)
    ids = [c.id for c in mine]
    own_events = tuple(e for e in events if e.client == client_id)
    if sanctions is None:
        contract_of = {i.id: i.contract for i in invoices if i.contract in ids}
        sanctions = Sanctions.of(
            own_events, contract_of=contract_of, contracts=ids, chase_contracts={}
        )
    return WorkBooks(
        contracts=mine,
        invoices=tuple(i for i in invoices if i.contract in ids and i.status != "cancelled"),
        events=own_events,
        today=today,
        calendar=calendar,
        local_date=local_date,
        sanctions=sanctions,
    )


def _contract_needs(contract: Contract, books: WorkBooks) -> Iterator[WorkNeed]:
    """The contract's needs: one pause of work at most, the kill fee's before a prepayment's."""
    kill = kill_fee_need(contract, books)
    paused = kill is not None or books.work_paused(contract)
    for topic in PREPAYMENTS:
        need = prepayment_need(contract, topic, books, paused=paused)
        if need is not None:
            paused = paused or need.kind == "pause_work"
            yield need
    yield from milestone_needs(contract, books)
    if kill is not None:
        yield kill
