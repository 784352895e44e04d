"""SPEC §5 rule 11: partial payments reduce the balance an action asks for; the amounts of a
message covering several invoices add up. Payments go to costs and interest before principal by
default (principal first where the regime or the contract says so), so the unpaid principal is
never less than what was invoiced less what was paid and disputed, and never more than what was
invoiced less what is disputed; fixed compensation takes no part. Interest only grows while
nothing is paid."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    cases,
    checked,
    disputed_of,
    example_case,
    example_client,
    example_contract,
    example_invoice,
    invoices,
    local,
    local_day_of,
    paid_on,
)

import paychase
from paychase import Invoice
from paychase.planner._statement import Statement, statement

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


any_cases = st.one_of(cases(), part_paid_cases())


def _bounds(invoice: Invoice, disputed: Decimal, today: date) -> tuple[Decimal, Decimal]:
    """The least and most unpaid principal an allocation can leave on `today`: what is not
    paid of the undisputed part (every payment went to principal), and the whole undisputed
    part (every payment went to costs and interest)."""
    base = max(invoice.total - disputed, ZERO)
    return max(base - paid_on(invoice, today), ZERO), base


@given(any_cases)
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
        invoiced = paid = least = most = ZERO
        exact = True  # no fee or interest clause: every payment goes to principal
        for invoice_id in action.invoices:
            invoice = parties.invoice(invoice_id)
            assert invoice.currency == money.currency, action.key
            low, high = _bounds(invoice, disputed_of(invoice, events, today), today)
            invoiced += invoice.total
            paid += paid_on(invoice, today)
            least += low
            most += high
            exact = exact and parties.contract(invoice.contract).late_fee.kind == "none"
        assert (money.invoiced, money.paid) == (invoiced, paid), (action.key, money)
        assert least <= money.principal <= most, (action.key, money, least, most)
        if exact:
            assert money.principal == least, (action.key, money)
        assert money.total == (
            money.principal + money.late_fee + money.interest + money.compensation
        ), action.key


@given(any_cases)
def test_rule_11_balance_of_each_invoice(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parties = Parties(checked(case))
    for state in paychase.plan(case, now=now).invoices:
        invoice = parties.invoice(state.id)
        today = local(now, parties.client_of(invoice)).date()
        assert state.balance == max(invoice.total - paid_on(invoice, today), ZERO), state.id
        assert state.currency == invoice.currency


def _statements(case: Json, now: datetime) -> list[Statement]:
    return [statement(case, client["id"], now=now) for client in case["clients"]]


@given(any_cases)
def test_rule_11_allocation_keeps_the_totals(case_and_now: tuple[Json, datetime]) -> None:
    """Per invoice on a statement: what was paid is the payments up to the client's today, the
    principal lies between the two extreme allocations, and the total adds up."""
    case, now = case_and_now
    parties = Parties(checked(case))
    for account in _statements(case, now):
        events = parties.events_of(account.client, now)
        for line in account.lines:
            invoice = parties.invoice(line.invoice)
            assert line.paid == paid_on(invoice, account.as_of), line
            if invoice.status == "written_off" or line.state == "written_off":
                assert line.total == 0, line  # written off, on the invoice or in the history
                continue
            low, high = _bounds(invoice, disputed_of(invoice, events, account.as_of), account.as_of)
            assert low <= line.principal <= high, (line, low, high)
            if parties.contract(invoice.contract).late_fee.kind == "none":
                assert line.principal == low, line
            charges = line.late_fee + line.interest + line.compensation
            assert line.total == line.principal + charges, line


def _unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


# Regression (found by this property): the RU rate table ends on 2025-12-22, and a payment
# after that day was not applied at all, so an invoice paid in full in February 2026 still
# showed its whole principal and plan() asked a person to claim the 1000.00 "left".
_PAID_AFTER_THE_TABLE = example_case(
    client=example_client(kind="business", country="RU", timezone="Europe/Moscow"),
    contracts=[example_contract(currency="EUR", late_fee={"kind": "statutory"})],
    invoices=[
        example_invoice(
            issued="2025-12-01",
            due="2026-01-10",
            total="1000.00",
            currency="EUR",
            payments=[{"date": "2026-02-01", "amount": "1000.00"}],
        )
    ],
)


@example(case_and_now=(_PAID_AFTER_THE_TABLE, datetime.fromisoformat("2026-03-01T09:00+03:00")))
@given(any_cases)
def test_rule_11_payments_not_spent_on_charges_pay_principal(
    case_and_now: tuple[Json, datetime],
) -> None:
    """The principal exceeds the unpaid amount only by what the payments paid of fees and
    interest: never more than the charges computed (their lines, before rounding)."""
    case, now = case_and_now
    parties = Parties(checked(case))
    for account in _statements(case, now):
        events = parties.events_of(account.client, now)
        for line in account.lines:
            invoice = parties.invoice(line.invoice)
            if invoice.status == "written_off":
                continue
            low, _ = _bounds(invoice, disputed_of(invoice, events, account.as_of), account.as_of)
            mine = [c for c in account.charges if c.invoice == invoice.id]
            computed = sum((x.amount for c in mine for x in c.lines), ZERO)
            # Each rounding (at a payment or at the end) may add half a minor unit.
            slack = _unit(invoice.currency) * (len(invoice.payments) + 1)
            assert line.principal - low <= computed + slack, (line, low, mine)


@st.composite
def quiet_periods(draw: st.DrawFn) -> tuple[Json, datetime, datetime]:
    """A case, its moment and a later one, with no payment dated in between (payments after
    the first moment's local date are dropped) and no history after the first."""
    case, now = draw(any_cases)
    case = copy.deepcopy(case)
    owner = {contract["id"]: contract["client"] for contract in case["contracts"]}
    zones = {client["id"]: client["timezone"] for client in case["clients"]}
    for invoice in case["invoices"]:
        today = local_day_of(now, zones[owner[invoice["contract"]]])
        kept = [p for p in invoice.get("payments", []) if date.fromisoformat(p["date"]) <= today]
        invoice["payments"] = kept
    later = now + timedelta(days=draw(st.integers(1, 400)), hours=draw(st.integers(0, 23)))
    return case, now, later


@given(quiet_periods())
def test_rule_11_interest_never_decreases_while_nothing_is_paid(
    drawn: tuple[Json, datetime, datetime],
) -> None:
    case, now, later = drawn
    for before, after in zip(_statements(case, now), _statements(case, later), strict=True):
        then = {line.invoice: line for line in after.lines}
        for line in before.lines:
            assert line.interest <= then[line.invoice].interest, (line, then[line.invoice])
        totals = {total.currency: total for total in after.totals}
        for total in before.totals:
            assert total.interest <= totals[total.currency].interest, (total, totals)
