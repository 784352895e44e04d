"""SPEC §5 rule 7: a dispute stops dunning on the disputed amount and plans a `review`; a
promise to pay holds the chase until the promised date plus the contract's grace."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    calendar_of,
    cases,
    checked,
    concerns,
    is_booking,
    local,
    paid_on,
    settled_on,
    start_of,
    written_off_in,
)

import paychase
from paychase import ContactEvent, Invoice


@st.composite
def _with_inbound(draw: st.DrawFn, kind: str) -> tuple[Json, datetime]:
    """A random case plus 1-3 disputes or promises about some of its invoices, in the last
    two months (promised dates from a week back to a month ahead)."""
    case, now = draw(cases())
    owner = {contract["id"]: contract["client"] for contract in case["contracts"]}
    for _ in range(draw(st.integers(1, 3))):
        invoice = draw(st.sampled_from(case["invoices"]))
        at = now - timedelta(minutes=draw(st.integers(0, 60 * 24 * 60)))
        event: Json = {
            "at": at.isoformat(),
            "client": owner[invoice["contract"]],
            "invoices": [invoice["id"]],
            "direction": "in",
            "kind": kind,
        }
        if kind == "dispute":
            event["dispute"] = {"reason": "work not finished"}
            if draw(st.booleans()):
                # A part of the total, or more than all of it.
                share = draw(st.sampled_from(["0.01", "0.5", "0.99", "1", "2"]))
                amount = max(Decimal(invoice["total"]) * Decimal(share), Decimal(1))
                event["dispute"]["amount"] = str(amount.quantize(Decimal(1)))
        else:
            day = at.date() + timedelta(days=draw(st.integers(-7, 30)))
            event["promise"] = {"date": day.isoformat()}
        case["history"].append(event)
    case["history"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
    return case, now


def _disputed(invoice: Invoice, events: list[ContactEvent]) -> Decimal:
    """The part of an invoice the client contests (the whole when any dispute names no sum)."""
    if invoice.status == "disputed":
        return invoice.total
    total = Decimal(0)
    for event in events:
        if event.kind != "dispute" or not concerns(event, invoice):
            continue
        if event.dispute is None or event.dispute.amount is None:
            return invoice.total
        total += event.dispute.amount
    return total


@given(st.one_of(cases(), _with_inbound("dispute")))
def test_rule_07_dispute_stops_dunning_and_plans_a_review(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    parties = Parties(checked(case))
    actions = paychase.plan(case, now=now).actions
    for invoice in parties.case.invoices:
        client = parties.client_of(invoice)
        today = local(now, client).date()
        if invoice.issued > today or settled_on(invoice, today):
            continue
        events = parties.events_of(client.id, now)
        if written_off_in(events, invoice):
            continue  # a written-off invoice gets nothing more, not even a review (issue 16)
        disputed = _disputed(invoice, events)
        if disputed == 0:
            continue
        about = [a for a in actions if invoice.id in a.invoices]
        assert any(a.kind == "review" for a in about), invoice.id
        if disputed >= invoice.total - paid_on(invoice, today):
            assert all(a.kind == "review" for a in about), [a.key for a in about]


@given(_with_inbound("promise"))
def test_rule_07_promise_holds_the_chase(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parties = Parties(checked(case))
    actions = paychase.plan(case, now=now).actions
    for invoice in parties.case.invoices:
        client = parties.client_of(invoice)
        promises = [
            e
            for e in parties.events_of(client.id, now)
            if e.kind == "promise" and concerns(e, invoice)
        ]
        # One promise: after a broken one, holds shorten and may be refused (their property
        # tests are in test_conversations.py).
        if len(promises) != 1 or promises[-1].promise is None:
            continue
        # A promise further off than the policy's max_promise_hold, counted from the client's
        # own day it was made, goes to a person instead (a review, not a hold).
        made = local(promises[-1].at, client).date()
        limit = parties.case.policy.max_promise_hold.shift_date(made, calendar_of(client))
        if promises[-1].promise.date > limit:
            continue
        grace = parties.contract(invoice.contract).grace
        holds_until = grace.shift_date(promises[-1].promise.date, calendar_of(client))
        if local(now, client).date() > holds_until:
            continue
        resume = start_of(holds_until + timedelta(days=1), client)
        for action in actions:
            # A fee booking goes with its message, or books one sent before the promise.
            if invoice.id in action.invoices and action.step is not None and not is_booking(action):
                assert action.at >= resume, (action.key, action.at, holds_until)
