"""SPEC §5 rule 11: partial payments reduce the balance an action asks for; the amounts of a
message covering several invoices add up."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import Json, Parties, cases, checked, invoices, local, paid_on

import paychase
from paychase import ContactEvent, Invoice

ZERO = Decimal(0)


@st.composite
def part_paid_cases(draw: st.DrawFn) -> tuple[Json, datetime]:
    """A random case whose invoices are redrawn part-paid (some payments after `now`)."""
    case, now = draw(cases(max_clients=2))
    terms = {contract["id"]: contract for contract in case["contracts"]}
    owner = {client["id"]: client for client in case["clients"]}
    for n, invoice in enumerate(case["invoices"]):
        contract = terms[invoice["contract"]]
        today = now.astimezone(_zone(owner[contract["client"]])).date()
        case["invoices"][n] = draw(
            invoices(
                invoice_id=invoice["id"],
                contract=contract,
                today=today,
                paid=draw(st.sampled_from(["partial", "partial", "later", "none"])),
            )
        )
    return case, now


def _zone(client: Json) -> ZoneInfo:
    return ZoneInfo(client["timezone"])


def _disputed(invoice: Invoice, events: list[ContactEvent]) -> Decimal:
    if invoice.status == "disputed":
        return invoice.total
    total = ZERO
    for event in events:
        if event.kind == "dispute" and invoice.id in event.invoices:
            if event.dispute is None or event.dispute.amount is None:
                return invoice.total
            total += event.dispute.amount
    return total


@given(st.one_of(cases(), part_paid_cases()))
def test_rule_11_partial_payments_reduce_the_balance(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parties = Parties(checked(case))
    for action in paychase.plan(case, now=now).actions:
        money = action.amounts
        if money is None:
            continue
        client = parties.client(action.client)
        today = local(now, client).date()
        events = parties.events_of(client.id, now)
        invoiced = paid = principal = ZERO
        for invoice_id in action.invoices:
            invoice = parties.invoice(invoice_id)
            assert invoice.currency == money.currency, action.key
            settled = paid_on(invoice, today)
            owed = max(invoice.total - settled, ZERO)
            invoiced += invoice.total
            paid += settled
            principal += owed - min(_disputed(invoice, events), owed)
        assert (money.invoiced, money.paid, money.principal) == (invoiced, paid, principal), (
            action.key,
            money,
        )
        assert money.principal >= 0
        assert money.total == (
            money.principal + money.late_fee + money.interest + money.compensation
        ), action.key


@given(st.one_of(cases(), part_paid_cases()))
def test_rule_11_balance_of_each_invoice(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parties = Parties(checked(case))
    for state in paychase.plan(case, now=now).invoices:
        invoice = parties.invoice(state.id)
        today = local(now, parties.client_of(invoice)).date()
        assert state.balance == max(invoice.total - paid_on(invoice, today), ZERO), state.id
        assert state.currency == invoice.currency
