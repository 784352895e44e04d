"""SPEC §5 rule 5: at most one contact moment per client per `min_gap`, and one contact
covers the whole account: every invoice whose step may go then, each at its own step, in one
message per currency (and one call for those whose step is a call)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    cases,
    checked,
    due_of,
    example_case,
    example_client,
    example_contract,
    example_invoice,
    fee_and_no_fee_case,
    gap_end,
    is_booking,
    local,
)

import paychase
from paychase import Action

_CONTACTS = frozenset({"send_reminder", "call", "send_letter"})

# One client with up to six invoices: where min_gap and combining have the most to do.
busy_clients = cases(max_clients=1, max_invoices=6)


def _contacts_by_client(actions: tuple[Action, ...]) -> dict[str, list[Action]]:
    mine: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        if action.kind in _CONTACTS:
            mine[action.client].append(action)
    return mine


@given(st.one_of(cases(), busy_clients))
def test_rule_05_one_contact_per_gap(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parsed = checked(case)
    parties, gap = Parties(parsed), parsed.policy.min_gap
    for client_id, planned in _contacts_by_client(paychase.plan(case, now=now).actions).items():
        client = parties.client(client_id)
        for first in planned:
            for second in planned:
                if first.at < second.at:
                    earliest = gap_end(gap, first.at, client)
                    assert second.at >= earliest, (first.key, first.at, second.key, second.at)


@given(st.one_of(cases(), busy_clients))
def test_rule_05_gap_after_the_last_contact_that_got_through(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    parsed = checked(case)
    parties, gap = Parties(parsed), parsed.policy.min_gap
    for client_id, planned in _contacts_by_client(paychase.plan(case, now=now).actions).items():
        client = parties.client(client_id)
        reached = [
            e
            for e in parties.events_of(client_id, now)
            if e.direction == "out"
            and e.channel not in (None, "system")
            and e.outcome not in ("bounced", "failed")
        ]
        if not reached:
            continue
        earliest = gap_end(gap, reached[-1].at, client)
        for action in planned:
            assert action.at >= earliest, (action.key, action.at, reached[-1].at)


@given(st.one_of(cases(), busy_clients))
def test_rule_05_no_invoice_in_two_messages(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parties = Parties(checked(case))
    for planned in _contacts_by_client(paychase.plan(case, now=now).actions).values():
        covered = [invoice for action in planned for invoice in action.invoices]
        assert len(covered) == len(set(covered)), "an invoice is in two messages"
        for action in planned:
            assert action.amounts is not None, action.key
            for invoice_id in action.invoices:
                assert parties.invoice(invoice_id).currency == action.amounts.currency


def _spaced_onto_a_later_message() -> tuple[Json, datetime]:
    """i3's 'polite' waits for a promise to 10 January; i4's, spaced min_gap after i1's call,
    lands on the same moment: the two go as one message."""
    case = example_case(
        policy="tradesperson",
        client=example_client(country="GR", locale="el_GR", timezone="Europe/Athens"),
        contracts=[
            example_contract("k0", grace="3d", late_fee={"kind": "none"}),
            example_contract("k1", grace="0d", late_fee={"kind": "none"}),
        ],
        invoices=[
            example_invoice(i, contract=k, issued="2025-01-01", due="2025-01-01", total="0.01")
            for i, k in (("i1", "k1"), ("i3", "k0"), ("i4", "k1"))
        ],
        history=[
            {
                "at": f"2025-01-01T{hour}:00:00+02:00",
                "client": "c1",
                "invoices": ["i1"],
                "direction": "out",
                "kind": "reminder",
                "step": step,
                "channel": "email",
                "outcome": "delivered",
            }
            for hour, step in (("10", "settle_up"), ("11", "polite"))
        ]
        + [
            {
                "at": "2025-01-01T20:00:00+02:00",
                "client": "c1",
                "invoices": ["i1", "i3", "i4"],
                "direction": "in",
                "kind": "promise",
                "promise": {"date": "2025-01-06"},
            }
        ],
    )
    return case, datetime.fromisoformat("2025-01-01T18:00:00+00:00")


@example(case_and_now=fee_and_no_fee_case())
@example(case_and_now=_spaced_onto_a_later_message())
@given(st.one_of(cases(), busy_clients))
def test_rule_05_one_contact_covers_the_whole_account(case_and_now: tuple[Json, datetime]) -> None:
    """At a contact moment: one message per currency and one call, no more; and no later
    contact holds an invoice whose action could have gone then (`not_before`)."""
    case, now = case_and_now
    for planned in _contacts_by_client(paychase.plan(case, now=now).actions).values():
        at_once: dict[datetime, list[Action]] = defaultdict(list)
        for action in planned:
            at_once[action.at].append(action)
        for together in at_once.values():
            media = [(a.amounts.currency, a.kind == "call") for a in together if a.amounts]
            assert len(media) == len(set(media)), [a.key for a in together]
        for earlier in planned:
            for later in planned:
                if earlier.at < later.at and _same_medium(earlier, later):
                    assert (later.not_before or later.at) > earlier.at, (earlier.key, later.key)


def _same_medium(one: Action, other: Action) -> bool:
    """Whether two contacts would go as one: one currency, both calls or both written."""
    if one.amounts is None or other.amounts is None:
        return False
    same_currency = one.amounts.currency == other.amounts.currency
    return same_currency and (one.kind == "call") == (other.kind == "call")


@given(st.one_of(cases(), busy_clients))
def test_rule_05_each_invoice_is_at_a_step_of_its_own_ladder(
    case_and_now: tuple[Json, datetime],
) -> None:
    """A message's invoices at different steps each name their own; the lead is the sternest."""
    case, now = case_and_now
    policy = checked(case).policy
    tones = ["friendly", "neutral", "firm", "final", "legal"]
    for action in paychase.plan(case, now=now).actions:
        if not action.invoice_steps:
            continue
        assert sorted(own.invoice for own in action.invoice_steps) == sorted(action.invoices)
        assert action.step in {own.step for own in action.invoice_steps}, action.key
        lead = policy.step_index(action.step or "")
        for own in action.invoice_steps:
            index = policy.step_index(own.step)
            if lead is None or index is None or own.policy != f"{policy.name}@{policy.version}":
                continue  # another version's ladder: its rungs do not compare
            assert tones.index(policy.steps[index].tone) <= tones.index(policy.steps[lead].tone), (
                action.key
            )


def _pre_due_behind_polite() -> tuple[Json, datetime]:
    """Invoice i2 is a day overdue (polite today), i1 falls due in three days (pre_due today)."""
    case = example_case(
        invoices=[example_invoice("i1", due="2026-03-05"), example_invoice("i2", due="2026-03-01")]
    )
    return case, datetime.fromisoformat("2026-03-02T09:00:00+01:00")


@example(case_and_now=_pre_due_behind_polite())
@given(busy_clients)
def test_rule_05_spacing_never_sends_a_pre_due_step_late(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    parsed = checked(case)
    parties, policy = Parties(parsed), parsed.policy
    for action in paychase.plan(case, now=now).actions:
        # A late fee a pre-due step carries is booked once the invoice is late, not with it.
        if action.step is None or is_booking(action):
            continue
        client = parties.client(action.client)
        for invoice_id in action.invoices:
            index = policy.step_index(action.step_for(invoice_id) or "")  # its own step
            if index is None:
                continue
            step = policy.steps[index]
            if step.from_ != "due" or step.offset.count > 0 or step.offset.weekday is not None:
                continue
            invoice = parties.invoice(invoice_id)
            due = due_of(invoice, parties.contract(invoice.contract), client)
            day = local(action.at, client).date()
            assert day < due if step.offset.count < 0 else day <= due, (action.key, day, due)
