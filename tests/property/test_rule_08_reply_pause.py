"""SPEC §5 rule 8: an inbound reply pauses automatic escalation for `reply_pause`.

As implemented: what the client wrote about an invoice (or about no invoice in particular)
holds back that invoice's steps after the due date until `reply_pause` after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    after_due,
    books_a_sent_message,
    cases,
    checked,
    example_case,
    example_invoice,
    gap_end,
)

import paychase


@st.composite
def replied_cases(draw: st.DrawFn) -> tuple[Json, datetime]:
    """A random case in which clients wrote back in the last ten days (inside or just past
    every built-in reply pause), by e-mail, by phone, or to say they paid, about one of
    their invoices or about everything they owe."""
    case, now = draw(cases())
    owner = {contract["id"]: contract["client"] for contract in case["contracts"]}
    for _ in range(draw(st.integers(1, 3))):
        client = draw(st.sampled_from(case["clients"]))
        mine = [i["id"] for i in case["invoices"] if owner[i["contract"]] == client["id"]]
        at = now - timedelta(minutes=draw(st.integers(0, 60 * 24 * 10)))
        kind = draw(st.sampled_from(["reply", "payment_notice", "call"]))
        about = draw(st.lists(st.sampled_from(mine), max_size=1)) if mine else []
        event: Json = {
            "at": at.isoformat(),
            "client": client["id"],
            "direction": "in",
            "kind": kind,
            "channel": "phone" if kind == "call" else "email",
            "invoices": about,
        }
        case["history"].append(event)
    case["history"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
    return case, now


def _check_pause(case: Json, now: datetime) -> None:
    """Ladder steps that come after the due date wait `reply_pause` after the client's last
    inbound event about the invoice (an event naming no invoice is about all of them).

    Only steps counted from the due date with a positive offset are checked: their own time
    is always after the due date, which is when a step escalates (a note before the due date
    is not held back by a reply).
    """
    parsed = checked(case)
    parties, policy, pause = Parties(parsed), parsed.policy, parsed.policy.reply_pause
    for action in paychase.plan(case, now=now).actions:
        client = parties.client(action.client)
        events = parties.events_of(client.id, now)
        if books_a_sent_message(action, policy, events, client):
            continue  # the fee of a message sent before the reply: no new escalation
        for invoice_id in action.invoices:
            own = action.step_for(invoice_id)  # each invoice of a message at its own step
            index = policy.step_index(own) if own else None
            if index is None or not after_due(policy.steps[index]):
                continue  # reviews and restorations are not the ladder; notes before due
            inbound = [
                e
                for e in events
                if e.direction == "in" and (not e.invoices or invoice_id in e.invoices)
            ]
            for event in inbound:
                resume = gap_end(pause, event.at, client)
                assert action.at >= resume, (action.key, action.at, event.kind, event.at)


def _two_replies_over_new_year() -> tuple[Json, datetime]:
    """Replies late on 31 Dec and early on 1 Jan (a holiday in PL): the second, counted
    from a holiday, ends its 5bd pause the day before the first one's, which must still hold
    (a regression: only the latest reply used to count)."""
    reply = {"client": "c1", "direction": "in", "kind": "reply", "channel": "email"}
    case = example_case(
        invoices=[example_invoice(issued="2024-12-01", due="2024-12-20")],
        history=[
            reply | {"at": "2024-12-31T23:30:00+01:00"},
            reply | {"at": "2025-01-01T01:00:00+01:00"},
        ],
    )
    return case, datetime.fromisoformat("2025-01-01T09:00:00+01:00")


@example(case_and_now=_two_replies_over_new_year())
@given(st.one_of(cases(), replied_cases()))
def test_rule_08_every_reply_pauses_the_ladder(case_and_now: tuple[Json, datetime]) -> None:
    _check_pause(*case_and_now)
