"""SPEC §5 rule 6: late fees only where the contract provides them; fixed compensation only
for business clients whose contract grants it. (Interest, fees and compensation amounts come
with the money engine; until then every action asks for the principal alone.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    amounts,
    cases,
    checked,
    clients,
    contracts,
    currencies,
    fee_and_no_fee_case,
    ladder_walks,
    nows,
)

import paychase
from paychase import Action


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


def _check_effects(case: Json, now: datetime, *, combined: bool) -> None:
    """An effect appears only where some covered invoice's contract provides it, and every
    covered invoice whose contract does not is named in the reason as exempt."""
    parties = Parties(checked(case))
    for action in paychase.plan(case, now=now).actions:
        client = parties.client(action.client)
        terms = {parties.contract(parties.invoice(i).contract) for i in action.invoices}
        if (len(terms) > 1) != combined:
            continue
        if "apply_late_fee" in action.effects:
            assert any(c.late_fee.kind != "none" for c in terms), action.key
            for contract in terms:
                if contract.late_fee.kind == "none":
                    assert f"no late fee: contract {contract.id}" in action.reason, action.key
        if "add_compensation" in action.effects:
            assert client.kind == "business", (action.key, client.id)
            assert any(c.fixed_compensation for c in terms), action.key


@given(st.one_of(cases(), two_contract_cases()))
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


def _asks_for_principal_only(action: Action) -> None:
    money = action.amounts
    if money is None:
        return
    zero = Decimal(0)
    assert (money.late_fee, money.interest, money.compensation) == (zero, zero, zero), action.key
    assert money.total == money.principal, action.key


@given(st.one_of(cases(), two_contract_cases()))
def test_rule_06_no_fee_interest_or_compensation_charged_yet(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    for action in paychase.plan(case, now=now).actions:
        _asks_for_principal_only(action)
