"""SPEC §5 rule 6: late fees only where the contract provides them; statutory interest only
under a ``statutory`` clause where the law grants it (from the day after the due date, grace
or not); fixed compensation only for business clients whose contract and law grant it, and
only in the contract's currency once a rate converts it. Every amount is rounded to the
currency's minor unit, is never negative, and the total is what its parts add up to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    amounts,
    calendar_of,
    cases,
    checked,
    clients,
    compensation_granted,
    contested_of,
    contracts,
    currencies,
    disputed_of,
    due_of,
    example_case,
    example_client,
    example_contract,
    example_invoice,
    fee_and_no_fee_case,
    interest_granted,
    ladder_walks,
    last_business_days,
    legal_due,
    local,
    nows,
    paid_on,
    performed_steps,
    policy_of,
    regime_of,
    written_off_in,
)

import paychase
from paychase import Client, ContactEvent, Contract, Invoice, Policy
from paychase.calendar._working_days import default_calendar
from paychase.planner._statement import Statement, statement

ZERO = Decimal(0)
_CONTRACTUAL = frozenset({"flat", "percent", "percent_per_month", "daily_rate"})
_FEE_EFFECTS = frozenset({"apply_late_fee", "add_compensation"})
_POLAND = default_calendar("PL")


@st.composite
def two_contract_cases(draw: st.DrawFn) -> tuple[Json, datetime]:
    """One client, two contracts in one currency with different fee clauses, one invoice
    under each, due the same day and chased together up the freelancer ladder."""
    client = draw(clients(client_id="c1"))
    currency = draw(currencies())
    terms = [
        draw(contracts(contract_id=f"k{n}", client_id="c1", currency=currency, suspension=False))
        for n in (1, 2)
    ]
    now = draw(nows())
    issued = now.date() - timedelta(days=draw(st.integers(20, 120)))
    invoice_list = [
        {
            "id": f"i{n}",
            "contract": f"k{n}",
            "issued": issued.isoformat(),
            "due": (issued + timedelta(days=14)).isoformat(),
            "currency": currency,
            "total": draw(amounts(currency=currency, min_value=Decimal(1))),
        }
        for n in (1, 2)
    ]
    policy = paychase.builtin_policy("freelancer")
    since = datetime.combine(issued + timedelta(days=15), now.timetz())
    walk = draw(
        ladder_walks(policy=policy, client=client, invoice_ids=["i1", "i2"], since=since, until=now)
    )
    case: Json = {
        "version": 1,
        "policy": "freelancer",
        "clients": [client],
        "contracts": terms,
        "invoices": invoice_list,
        "history": walk,
    }
    return case, now


@st.composite
def compensation_cases(draw: st.DrawFn) -> tuple[Json, datetime]:
    """A random case in which every client is a business and every contract asks for fixed
    compensation: the law (and the exchange rates) alone decide what is added."""
    case, now = draw(cases())
    for client in case["clients"]:
        client["kind"] = "business"
    for contract in case["contracts"]:
        contract["fixed_compensation"] = True
    return case, now


any_cases = st.one_of(cases(), two_contract_cases())


# -- effects ------------------------------------------------------------------------------


def _check_effects(case: Json, now: datetime, *, combined: bool) -> None:
    """An effect appears only where some covered invoice's contract provides it, and every
    invoice at a fee step (each goes at its own step) whose contract does not provide it is
    named in the reason as exempt."""
    parties = Parties(checked(case))
    fee_steps = _fee_steps(policy_of(case["policy"]))
    for action in paychase.plan(case, now=now).actions:
        client = parties.client(action.client)
        terms = {parties.contract(parties.invoice(i).contract) for i in action.invoices}
        if (len(terms) > 1) != combined:
            continue
        at_fee_step = {
            parties.contract(parties.invoice(i).contract)
            for i in action.invoices
            if action.step_for(i) in fee_steps
        }
        if "apply_late_fee" in action.effects:
            assert any(c.late_fee.kind != "none" for c in terms), action.key
            for contract in at_fee_step:
                if contract.late_fee.kind == "none":
                    assert f"no late fee: contract {contract.id}" in action.reason, action.key
        if "add_compensation" in action.effects:
            assert client.kind == "business", (action.key, client.id)
            assert any(c.fixed_compensation for c in terms), action.key


@given(any_cases)
def test_rule_06_fees_only_where_the_contract_provides_them(
    case_and_now: tuple[Json, datetime],
) -> None:
    _check_effects(*case_and_now, combined=False)


@example(case_and_now=fee_and_no_fee_case(fixed_compensation=True))
@given(two_contract_cases())
def test_rule_06_combined_message_charges_only_where_each_contract_allows(
    case_and_now: tuple[Json, datetime],
) -> None:
    _check_effects(*case_and_now, combined=True)


# -- oracles ------------------------------------------------------------------------------


def _exact(value: Decimal, currency: str) -> bool:
    """Whether `value` is written to exactly the currency's minor unit (JPY 0, KWD 3)."""
    exponent = value.as_tuple().exponent
    return exponent == -get_currency_precision(currency)


_PARTS = ("invoiced", "paid", "principal", "late_fee", "interest", "compensation", "total")


def _check_money(money: Any, currency: str, where: str) -> None:
    """Minor-unit rounding, never negative, and total = principal + charges (rule 6, §4)."""
    for name in (*_PARTS, "discount", "discounted_total"):
        value = getattr(money, name, None)
        if value is None:
            continue
        assert value >= 0, (where, name, value)
        assert _exact(value, currency), (where, name, value, currency)
    charges = money.late_fee + money.interest + money.compensation
    assert money.total == money.principal + charges, (where, money)


def _fee_steps(policy: Policy) -> set[str]:
    """Steps that apply a contractual late fee when performed."""
    return {s.id for s in policy.steps if s.action == "apply_fee" or "apply_late_fee" in s.effects}


def _fee_started(
    invoice: Invoice, client: Client, events: Iterable[ContactEvent], fee_steps: set[str]
) -> list[date]:
    """The local dates a fee was applied to the invoice: its fee-step events (whatever their
    outcome: lenient) and the fee bookings recorded for it."""
    return [
        local(e.at, client).date()
        for e in events
        if e.direction == "out"
        and invoice.id in e.invoices
        and (e.kind == "fee" or e.step_for(invoice.id) in fee_steps)
    ]


def _grace_end(invoice: Invoice, contract: Contract, client: Client) -> date:
    return contract.grace.shift_date(due_of(invoice, contract, client), calendar_of(client))


def _may_charge_late_fee(
    invoice: Invoice, contract: Contract, client: Client, on: date, starts: Iterable[date]
) -> bool:
    """A contractual clause, past the grace period, and a fee step inside the fee period."""
    grace_end = _grace_end(invoice, contract, client)
    return (
        contract.late_fee.kind in _CONTRACTUAL
        and on > grace_end
        and any(grace_end < day <= on for day in starts)
    )


def _may_charge_interest(invoice: Invoice, contract: Contract, client: Client, on: date) -> bool:
    return interest_granted(contract, client) and on > due_of(invoice, contract, client)


def _may_charge_compensation(
    invoice: Invoice, contract: Contract, client: Client, parties: Parties, now: datetime
) -> bool:
    """Granted, and the invoice was not settled (its undisputed part) by its due date."""
    today = local(now, client).date()
    due = due_of(invoice, contract, client)
    base = invoice.total - contested_of(invoice, parties.events_of(client.id, now), client)
    return (
        compensation_granted(contract, client)
        and base > 0
        and paid_on(invoice, min(due, today)) < base
    )


def _statements(case: Json, now: datetime) -> list[Statement]:
    return [statement(case, client["id"], now=now) for client in case["clients"]]


# -- amounts ------------------------------------------------------------------------------


@given(any_cases)
def test_rule_06_amounts_rounded_never_negative_and_adding_up(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    for action in paychase.plan(case, now=now).actions:
        money = action.amounts
        if money is not None:
            _check_money(money, money.currency, action.key)
            if money.discount is not None:
                assert money.discounted_total == money.total - money.discount, action.key
        for charge in action.charges:
            assert charge.amount >= 0, (action.key, charge)
            assert _exact(charge.amount, charge.currency), (action.key, charge)
    for account in _statements(case, now):
        for line in account.lines:
            _check_money(line, line.currency, line.invoice)
        for total in account.totals:
            mine = [line for line in account.lines if line.currency == total.currency]
            for name in _PARTS:
                assert getattr(total, name) == sum((getattr(x, name) for x in mine), ZERO), name
            _check_money(total, total.currency, total.currency)


@given(st.one_of(any_cases, compensation_cases()))
def test_rule_06_charges_only_where_the_contract_and_the_law_allow(
    case_and_now: tuple[Json, datetime],
) -> None:
    """Each kind of charge needs at least one invoice of the action that may carry it."""
    case, now = case_and_now
    parties = Parties(checked(case))
    fee_steps = _fee_steps(policy_of(case["policy"]))
    for action in paychase.plan(case, now=now).actions:
        money = action.amounts
        if money is None:
            continue
        client = parties.client(action.client)
        on = local(action.at, client).date()
        covered = [(i, parties.contract(i.contract)) for i in map(parties.invoice, action.invoices)]
        if money.late_fee > 0:
            assert any(
                c.late_fee.kind in _CONTRACTUAL and on > _grace_end(i, c, client)
                for i, c in covered
            ), (action.key, money)
        if money.interest > 0:
            assert any(_may_charge_interest(i, c, client, on) for i, c in covered), action.key
        if money.compensation > 0:
            assert any(
                _may_charge_compensation(i, c, client, parties, now) and on > due_of(i, c, client)
                for i, c in covered
            ), action.key
    for account in _statements(case, now):
        client = parties.client(account.client)
        events = parties.events_of(client.id, now)
        for line in account.lines:
            invoice = parties.invoice(line.invoice)
            contract = parties.contract(invoice.contract)
            starts = _fee_started(invoice, client, events, fee_steps)
            if contract.late_fee.kind in ("none", "statutory"):
                assert line.late_fee == 0, line
            if line.late_fee > 0:
                assert _may_charge_late_fee(invoice, contract, client, account.as_of, starts), line
            if line.interest > 0:
                assert _may_charge_interest(invoice, contract, client, account.as_of), line
            if line.compensation > 0:
                assert _may_charge_compensation(invoice, contract, client, parties, now), line


def _fee_case(policy: Json, *, client: Json, contract: Json, **invoice: str) -> Json:
    return example_case(
        policy=policy,
        client=client,
        contracts=[contract],
        invoices=[example_invoice(total="1000.00", currency="EUR", **invoice)],
    )


_FR_BUSINESS: Json = example_client(kind="business", country="FR", timezone="Europe/Paris")
# Regression (found by this property): a step whose only effect is compensation applies no
# late fee, but the planned step's amounts carried the flat fee all the same.
_COMPENSATION_STEP_CASE = _fee_case(
    {
        "name": "compensation-only",
        "min_gap": "0d",
        "steps": [
            {
                "id": "comp",
                "from": "due",
                "offset": "+10d",
                "action": "send_reminder",
                "effects": ["add_compensation"],
            }
        ],
    },
    client=_FR_BUSINESS,
    contract=example_contract(
        currency="EUR", late_fee={"kind": "flat", "amount": "50.00"}, fixed_compensation=True
    ),
    issued="2025-03-01",
    due="2025-03-15",
)


@example(case_and_now=(_COMPENSATION_STEP_CASE, datetime.fromisoformat("2025-03-20T09:00+01:00")))
@given(any_cases)
def test_rule_06_contractual_fee_only_from_a_late_fee_step(
    case_and_now: tuple[Json, datetime],
) -> None:
    """A late fee in an action's amounts needs a step that applied it in the fee period: one
    performed, or the action's own step when its effects include apply_late_fee."""
    case, now = case_and_now
    parties = Parties(checked(case))
    fee_steps = _fee_steps(policy_of(case["policy"]))
    for action in paychase.plan(case, now=now).actions:
        if action.amounts is None or action.amounts.late_fee == 0:
            continue
        client = parties.client(action.client)
        events = parties.events_of(client.id, now)
        on = local(action.at, client).date()
        assert any(
            _may_charge_late_fee(
                invoice,
                parties.contract(invoice.contract),
                client,
                on,
                _fee_started(invoice, client, events, fee_steps)
                + ([on] if action.step_for(invoice.id) in fee_steps else []),
            )
            for invoice in map(parties.invoice, action.invoices)
        ), (action.key, action.amounts)


# -- fee bookings -------------------------------------------------------------------------


def _allowed(kind: str, invoice: Invoice, contract: Contract, client: Client, on: date) -> bool:
    if kind == "late_fee":
        return contract.late_fee.kind in _CONTRACTUAL
    if kind == "interest":
        return _may_charge_interest(invoice, contract, client, on)
    if kind == "compensation":
        return compensation_granted(contract, client)
    return False


@given(st.one_of(any_cases, compensation_cases()))
def test_rule_06_fee_actions_charge_only_what_is_allowed(
    case_and_now: tuple[Json, datetime],
) -> None:
    """An apply_fee action's charges are positive, of its invoices and currency, each allowed
    for its invoice, and agree with its amounts; a booking goes with its step's message."""
    case, now = case_and_now
    parties = Parties(checked(case))
    policy = policy_of(case["policy"])
    actions = paychase.plan(case, now=now).actions
    for action in actions:
        if action.kind != "apply_fee":
            assert not [c for c in action.charges if c.kind != "kill_fee"], action.key
            continue
        client = parties.client(action.client)
        on = local(action.at, client).date()
        assert action.amounts is not None, action.key
        for charge in action.charges:
            assert charge.invoice in action.invoices, (action.key, charge)
            assert charge.currency == action.amounts.currency, (action.key, charge)
            invoice = parties.invoice(charge.invoice)
            contract = parties.contract(invoice.contract)
            assert _allowed(charge.kind, invoice, contract, client, on), (action.key, charge)
        for kind in {c.kind for c in action.charges}:
            charged = sum((c.amount for c in action.charges if c.kind == kind), ZERO)
            assert charged == getattr(action.amounts, kind), (action.key, kind)
        if "/fee:" not in action.key:
            continue
        # A booking for a message step: the step's effects charge, and its message goes too.
        assert action.charges, action.key
        assert all(c.amount > 0 for c in action.charges), action.key
        index = policy.step_index(action.step or "")
        assert index is not None, action.key
        step = policy.steps[index]
        assert step.action != "apply_fee", action.key
        assert _FEE_EFFECTS & set(step.effects), action.key
        with_message = any(  # each invoice goes at its own step in a combined message
            other.kind != "apply_fee"
            and set(action.invoices) <= set(other.invoices)
            and all(other.step_for(i) == action.step for i in action.invoices)
            and other.at == action.at
            for other in actions
        )
        events = parties.events_of(client.id, now)
        after_message = all(
            index in {i for i, _, _ in performed_steps(policy, events, invoice_id, client)}
            for invoice_id in action.invoices
        )
        assert with_message or after_message, action.key


# Regression: an apply_fee step for a consumer whose contract has fixed compensation only has
# nothing it may charge, yet it was planned with no charges at all.
_NOTHING_TO_BOOK_CASE = _fee_case(
    {
        "name": "book",
        "min_gap": "0d",
        "steps": [{"id": "book", "from": "due", "offset": "+10d", "action": "apply_fee"}],
    },
    client=_FR_BUSINESS | {"kind": "consumer"},
    contract=example_contract(currency="EUR", fixed_compensation=True),
    issued="2025-03-01",
    due="2025-03-15",
)


@example(case_and_now=(_NOTHING_TO_BOOK_CASE, datetime.fromisoformat("2025-03-20T09:00+01:00")))
@given(any_cases)
def test_rule_06_fee_actions_charge_something(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    for action in paychase.plan(case, now=now).actions:
        if action.kind == "apply_fee":
            assert action.charges, action.key
            assert all(c.amount > 0 for c in action.charges), (action.key, action.charges)


# -- statutory interest: when it starts ---------------------------------------------------


_SEATS: dict[str, tuple[str, str]] = {
    "PL": ("Europe/Warsaw", "PLN"),
    "DE": ("Europe/Berlin", "EUR"),
    "GR": ("Europe/Athens", "EUR"),
    "FR": ("Europe/Paris", "EUR"),
    "GB": ("Europe/London", "GBP"),
}


@st.composite
def statutory_cases(draw: st.DrawFn) -> tuple[Json, Client, date]:
    """A business client with one unpaid invoice under a statutory clause, with or without a
    grace period, due on a day every shipped rate table covers (2025 to May 2026)."""
    country = draw(st.sampled_from(sorted(_SEATS)))
    tz, currency = _SEATS[country]
    client = example_client(kind="business", country=country, timezone=tz)
    due = date(2025, 1, 2) + timedelta(days=draw(st.integers(0, 500)))
    contract = example_contract(
        currency=currency,
        late_fee={"kind": "statutory"},
        grace=draw(st.sampled_from(["0d", "7d", "14d", "30d", "10bd"])),
    )
    invoice = example_invoice(
        issued=(due - timedelta(days=14)).isoformat(),
        due=due.isoformat(),
        currency=currency,
        total=draw(amounts(currency=currency, min_value=Decimal(1000), max_value=Decimal(90_000))),
    )
    case = example_case(client=client, contracts=[contract], invoices=[invoice])
    return case, Client.model_validate(client), due


def _noon(day: date, client: Client) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(client.timezone))


@given(statutory_cases(), st.integers(min_value=1, max_value=30))
def test_rule_06_interest_runs_from_the_day_after_due_grace_or_not(
    drawn: tuple[Json, Client, date], later: int
) -> None:
    case, client, due = drawn
    contract = checked(case).contracts[0]
    start = legal_due(due, regime_of(contract, client)) + timedelta(days=1)
    before = statement(case, "c1", now=_noon(start - timedelta(days=1), client)).lines[0]
    first = statement(case, "c1", now=_noon(start, client)).lines[0]
    after = statement(case, "c1", now=_noon(start + timedelta(days=later), client)).lines[0]
    assert before.interest == 0, before
    assert 0 < first.interest <= after.interest, (first, after)
    assert first.late_fee == after.late_fee == 0
    assert first.principal == after.principal == first.invoiced


# Regression: art. 115 KC moves a deadline off Polish holidays, but the client's calendar was
# used: 11 November (Independence Day) is a working day in Britain.
def test_rule_06_polish_deadline_moves_off_polish_holidays_for_foreign_clients() -> None:
    client = example_client(kind="business", country="GB", timezone="Europe/London")
    case = example_case(
        client=client,
        contracts=[
            example_contract(currency="PLN", jurisdiction="PL", late_fee={"kind": "statutory"})
        ],
        invoices=[example_invoice(issued="2025-11-01", due="2025-11-11")],
    )
    line = statement(case, "c1", now=datetime.fromisoformat("2025-11-12T12:00:00+00:00")).lines[0]
    assert line.interest == 0, line


# -- contractual fees: when they run -------------------------------------------------------


@st.composite
def daily_fee_cases(draw: st.DrawFn) -> tuple[Json, datetime, Decimal]:
    """An unpaid EUR invoice under a daily-rate clause, a fee booked some day after the due
    date, a statement some days after that; with the fee the clause owes by then."""
    rate = draw(st.sampled_from(["0.01", "0.05", "0.1", "0.5"]))
    grace = draw(st.integers(0, 14))
    due = date(2025, 1, 2) + timedelta(days=draw(st.integers(0, 700)))
    booked = due + timedelta(days=draw(st.integers(1, 30)))
    today = booked + timedelta(days=draw(st.integers(0, 40)))
    total = draw(amounts(currency="EUR", min_value=Decimal(1), max_value=Decimal(90_000)))
    case = example_case(
        client=_FR_BUSINESS,
        contracts=[
            example_contract(
                currency="EUR", grace=f"{grace}d", late_fee={"kind": "daily_rate", "rate": rate}
            )
        ],
        invoices=[
            example_invoice(
                issued=(due - timedelta(days=7)).isoformat(),
                due=due.isoformat(),
                currency="EUR",
                total=total,
            )
        ],
        history=[
            {
                "at": f"{booked}T10:00:00+01:00",
                "client": "c1",
                "invoices": ["i1"],
                "direction": "out",
                "kind": "fee",
                "channel": "system",
                "key": "host/fee/1",
            }
        ],
    )
    grace_end = due + timedelta(days=grace)
    days = max((today - grace_end).days, 0) if booked > grace_end else 0
    fee = Decimal(total) * Decimal(rate) * days / 100
    expected = fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return case, datetime.combine(today, time(18), tzinfo=ZoneInfo("Europe/Paris")), expected


@given(daily_fee_cases())
def test_rule_06_running_fee_accrues_from_the_day_after_grace(
    drawn: tuple[Json, datetime, Decimal],
) -> None:
    """rate % a day for each day after the grace period, once a step applied it after grace;
    a fee booked inside the grace period applies nothing."""
    case, now, expected = drawn
    line = statement(case, "c1", now=now).lines[0]
    assert line.late_fee == expected, (line, expected)
    assert line.interest == 0


# -- fixed compensation --------------------------------------------------------------------

# Art. 10 of the Polish act of 8 March 2013: EUR 40 up to PLN 5,000, EUR 70 under PLN 50,000,
# EUR 100 from PLN 50,000, at the NBP rate of the last business day before the due month.


def _polish_tier(principal: Decimal) -> Decimal:
    if principal <= 5000:
        return Decimal(40)
    return Decimal(70) if principal < 50_000 else Decimal(100)


@st.composite
def polish_compensation_cases(draw: st.DrawFn) -> tuple[Json, datetime, date, Decimal]:
    """A PLN invoice of a Polish business due on a working day, paid late or not at all, with
    the EUR/PLN rate quoted on the last Polish business day of some months around it."""
    due = draw(st.dates(date(2025, 2, 1), date(2027, 3, 31)).filter(_POLAND.is_business_day))
    total = Decimal(draw(amounts(currency="PLN", min_value=Decimal(1), max_value=Decimal(90_000))))
    rate = Decimal(draw(st.integers(30_000, 50_000))).scaleb(-4)
    days = last_business_days(due - timedelta(days=70), due + timedelta(days=40))
    quoted = draw(st.sets(st.sampled_from(days)))
    invoice = example_invoice(
        issued=(due - timedelta(days=14)).isoformat(), due=due.isoformat(), total=f"{total:.2f}"
    )
    today = due + timedelta(days=draw(st.integers(1, 60)))
    if draw(st.booleans()):  # paid late, in full
        paid = due + timedelta(days=draw(st.integers(1, (today - due).days)))
        invoice["payments"] = [{"date": paid.isoformat(), "amount": f"{total:.2f}"}]
    case = example_case(
        client=example_client(kind="business"),
        contracts=[example_contract(fixed_compensation=True)],
        invoices=[invoice],
    )
    case["exchange_rates"] = [
        {"date": day.isoformat(), "from": "EUR", "to": "PLN", "rate": f"{rate:.4f}"}
        for day in sorted(quoted)
    ]
    rate_day = last_business_days(due.replace(day=1) - timedelta(days=1), due)[0]
    expected = ZERO
    if rate_day in quoted:
        expected = (_polish_tier(total) * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    now = datetime.combine(today, time(12), tzinfo=ZoneInfo("Europe/Warsaw"))
    return case, now, rate_day, expected


@given(polish_compensation_cases())
def test_rule_06_polish_compensation_at_the_rate_of_the_month_before(
    drawn: tuple[Json, datetime, date, Decimal],
) -> None:
    """The tier in euro converted at that day's rate; without that rate, nothing and a note of
    the missing rate (a review while the invoice is chased)."""
    case, now, rate_day, expected = drawn
    account = statement(case, "c1", now=now)
    line = account.lines[0]
    assert line.compensation == expected, (line, rate_day, expected)
    if expected == 0:
        assert any("fixed compensation" in p and str(rate_day) in p for p in account.problems)
        if line.state != "paid":
            reviews = [a for a in paychase.plan(case, now=now).actions if a.kind == "review"]
            assert any("fixed compensation" in a.reason for a in reviews), reviews
    else:
        assert not account.problems


def test_rule_06_polish_compensation_for_a_foreign_client_at_the_polish_rate_date() -> None:
    """Monday 31 May 2027 is a British bank holiday but a Polish business day: NBP's rate of
    that day is the one art. 10 asks for, whatever the client's own calendar says."""
    case = example_case(
        client=example_client(kind="business", country="GB", timezone="Europe/London"),
        contracts=[example_contract(jurisdiction="PL", fixed_compensation=True)],
        invoices=[example_invoice(issued="2027-06-01", due="2027-06-15", total="1000.00")],
    )
    case["exchange_rates"] = [{"date": "2027-05-31", "from": "EUR", "to": "PLN", "rate": "4.25"}]
    account = statement(case, "c1", now=datetime.fromisoformat("2027-07-01T09:00:00+01:00"))
    assert account.lines[0].compensation == Decimal("170.00"), account
    assert not account.problems


def _needs_a_rate(regime: str | None, currency: str) -> bool:
    """Whether fixed compensation under `regime` must be converted (PL tiers are in PLN and the
    sums in EUR; the UK's in GBP; the Directive's in EUR)."""
    if regime is None:
        return False
    if regime.startswith("PL"):
        return True
    return currency != ("GBP" if regime == "UK" else "EUR")


@given(compensation_cases())
def test_rule_06_compensation_without_a_rate_is_not_added_and_a_review_says_why(
    case_and_now: tuple[Json, datetime],
) -> None:
    """Where compensation is due on a chased invoice but the case gives no exchange rates and
    the law's sum is in another currency, it is left out and a review names it."""
    case, now = case_and_now
    if case.get("exchange_rates"):
        return
    parties = Parties(checked(case))
    plan = paychase.plan(case, now=now)
    statements = {account.client: account for account in _statements(case, now)}
    for invoice in parties.case.invoices:
        contract = parties.contract(invoice.contract)
        client = parties.client_of(invoice)
        today = local(now, client).date()
        due = due_of(invoice, contract, client)
        events = parties.events_of(client.id, now)
        if not (
            compensation_granted(contract, client)
            and _needs_a_rate(regime_of(contract, client), invoice.currency)
            and invoice.status == "open"
            and invoice.total > 0
            and invoice.issued <= today
            and today > due + timedelta(days=7)  # past any art. 115 shift
            and paid_on(invoice, today) < invoice.total
            and disputed_of(invoice, events, today) == 0
            and not written_off_in(events, invoice)
        ):
            continue
        line = next(x for x in statements[client.id].lines if x.invoice == invoice.id)
        assert line.compensation == 0, line
        review = [
            a
            for a in plan.actions
            if a.kind == "review" and a.key.endswith(f"/{invoice.id}/review:charges/1")
        ]
        assert review, invoice.id
        assert "fixed compensation" in review[0].reason, review


def test_rule_06_paid_late_compensation_without_a_rate_gets_a_review() -> None:
    case = example_case(
        client=example_client(kind="business"),
        contracts=[example_contract(fixed_compensation=True)],
        invoices=[
            example_invoice(
                issued="2025-03-01",
                due="2025-03-14",
                total="1000.00",
                payments=[{"date": "2025-04-01", "amount": "1000.00"}],
            )
        ],
    )
    plan = paychase.plan(case, now=datetime.fromisoformat("2025-04-10T09:00:00+02:00"))
    assert any(a.kind == "review" and "fixed compensation" in a.reason for a in plan.actions)


def _is_eu_sum(contract: Contract, client: Client) -> bool:
    return regime_of(contract, client) in ("EU", "GR_B2B", "DE_B2B")


@given(st.one_of(any_cases, compensation_cases()))
def test_rule_06_compensation_in_euro_is_forty_euro_when_paid_late(
    case_and_now: tuple[Json, datetime],
) -> None:
    """Directive 2011/7/EU art. 6: EUR 40 for a late payment, no conversion needed."""
    case, now = case_and_now
    parties = Parties(checked(case))
    for account in _statements(case, now):
        client = parties.client(account.client)
        for line in account.lines:
            invoice = parties.invoice(line.invoice)
            contract = parties.contract(invoice.contract)
            if not (
                line.currency == "EUR" and _is_eu_sum(contract, client) and invoice.status == "open"
            ):
                continue
            today = local(now, client).date()
            if paid_on(invoice, today) < invoice.total and written_off_in(
                parties.events_of(client.id, now), invoice
            ):
                continue  # written off while owed: its line owes nothing (rule 11's test)
            late = _may_charge_compensation(invoice, contract, client, parties, now) and (
                account.as_of > due_of(invoice, contract, client)
            )
            assert line.compensation == (Decimal("40.00") if late else ZERO), (line, late)
