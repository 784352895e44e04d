"""SPEC §5 rule 10: a service is suspended only after the configured number of warnings, the
last of which stated a deadline that has passed, and never before `suspension.after` past the
due date; one suspension (work pause) per contract is in force at a time, and `restore_service`
(`resume_work`) is planned only once every invoice it names is settled."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import assume, given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    amounts,
    calendar_of,
    cases,
    checked,
    clients,
    contracts,
    inline_policies,
    is_charges_review,
    ladder_walks,
    local,
    nows,
    paid_on,
    performed_steps,
    sanction_runs,
    written_off_in,
)

import paychase
from paychase import Action, Invoice

_THROUGH = st.sampled_from(["delivered", "delivered", "read", None, "bounced"])


@st.composite
def suspension_cases(
    draw: st.DrawFn,
    *,
    warnings: int | None = None,
    depth: int | None = None,
    outcomes: st.SearchStrategy[str | None] = _THROUGH,
) -> tuple[Json, datetime]:
    """The saas ladder (built in or a variant) under a contract with a suspension clause, one
    client with 1-2 invoices part-way up it, planned up to six weeks after the last step."""
    policy_data = draw(st.sampled_from(["saas"]) | inline_policies(bases=["saas"]))
    policy = paychase.Case.model_validate({"policy": policy_data}).policy
    client = draw(clients(client_id="c1"))
    contract = draw(contracts(contract_id="k1", client_id="c1", suspension=True))
    if warnings is not None:
        contract["suspension"]["warnings"] = warnings
    tz = ZoneInfo(client["timezone"])
    start = draw(nows()).astimezone(tz)
    issued = start.date() - timedelta(days=draw(st.integers(14, 40)))
    ids = [f"i{n}" for n in range(1, draw(st.integers(1, 2)) + 1)]
    invoice_list = [
        {
            "id": i,
            "contract": "k1",
            "issued": issued.isoformat(),
            "due": (issued + timedelta(days=14)).isoformat(),
            "currency": contract["currency"],
            "total": draw(amounts(currency=contract["currency"], min_value=Decimal(1))),
        }
        for i in ids
    ]
    walk = draw(
        ladder_walks(
            policy=policy,
            client=client,
            invoice_ids=ids,
            since=datetime.combine(start.date(), time(9), tzinfo=tz),
            until=start + timedelta(days=60),
            depth=draw(st.integers(0, 3)) if depth is None else depth,
            outcomes=outcomes,
        )
    )
    last = datetime.fromisoformat(walk[-1]["at"]) if walk else start
    now = last + timedelta(days=draw(st.integers(0, 42)), hours=draw(st.integers(0, 23)))
    case: Json = {
        "version": 1,
        "policy": policy_data,
        "clients": [client],
        "contracts": [contract],
        "invoices": invoice_list,
        "history": walk,
    }
    return case, now


def _check_suspensions(case: Json, now: datetime) -> None:
    parsed = checked(case)
    parties, policy = Parties(parsed), parsed.policy
    for action in paychase.plan(case, now=now).actions:
        if action.kind != "suspend_service" and "suspend_service" not in action.effects:
            continue
        client = parties.client(action.client)
        day = local(action.at, client).date()
        events = parties.events_of(client.id, now)
        for invoice_id in action.invoices:
            invoice = parties.invoice(invoice_id)
            contract = parties.contract(invoice.contract)
            terms = contract.suspension
            assert terms is not None, (action.key, "no suspension clause")
            warned = {
                index: deadline
                for index, _, deadline in performed_steps(policy, events, invoice_id, client)
                if policy.steps[index].is_contact
            }
            assert len(warned) >= terms.warnings, (action.key, warned)
            assert any(d is not None and d < day for d in warned.values()), (action.key, warned)
            due = invoice.due or paychase.Duration(0, "d").shift_date(
                invoice.issued, calendar_of(client)
            )
            assert day >= terms.after.shift_date(due, calendar_of(client)), (action.key, day)


@given(st.one_of(cases(suspension=True), suspension_cases()))
def test_rule_10_suspend_only_after_warnings_and_a_passed_deadline(
    case_and_now: tuple[Json, datetime],
) -> None:
    _check_suspensions(*case_and_now)


@given(suspension_cases(warnings=3))
def test_rule_10_never_suspend_without_enough_warnings(case_and_now: tuple[Json, datetime]) -> None:
    # The saas ladder sends two warnings before its suspension step: three are never there.
    case, now = case_and_now
    kinds = {action.kind for action in paychase.plan(case, now=now).actions}
    assert "suspend_service" not in kinds


@given(
    suspension_cases(
        warnings=2,
        depth=2,
        outcomes=st.sampled_from(["delivered", "read", None]),
    )
)
def test_rule_10_suspends_once_warned_past_the_deadline(
    case_and_now: tuple[Json, datetime],
) -> None:
    # Notice and warning went through: the next thing to do is the suspension, after both
    # the warning's deadline and `suspension.after` past the due date.
    case, now = case_and_now
    parsed = checked(case)
    client = parsed.clients[0]
    invoice = parsed.invoices[0]
    terms = parsed.contracts[0].suspension
    assert terms is not None
    assert invoice.due is not None
    warning = parsed.history[-1]
    stated = performed_steps(parsed.policy, parsed.history, invoice.id, client)[-1][2]
    assert stated is not None
    assert warning.step == "warning"
    actions = [a for a in paychase.plan(case, now=now).actions if not is_charges_review(a)]
    assert [a.kind for a in actions] == ["suspend_service"]
    day = local(actions[0].at, client).date()
    assert day > stated
    assert day >= terms.after.shift_date(invoice.due, calendar_of(client))


@st.composite
def suspended_cases(draw: st.DrawFn) -> tuple[Json, datetime]:
    """A random case in which a client's service was suspended (or work paused) for some or
    all of their invoices, perhaps restored since, and the invoices perhaps paid since."""
    case, now = draw(cases())
    client = draw(st.sampled_from(case["clients"]))
    mine = {c["id"] for c in case["contracts"] if c["client"] == client["id"]}
    invoice_list = [i for i in case["invoices"] if i["contract"] in mine]
    today = now.astimezone(ZoneInfo(client["timezone"])).date()
    stop, start = draw(st.sampled_from([("suspend", "restore"), ("pause_work", "resume_work")]))
    at = now - timedelta(minutes=draw(st.integers(0, 60 * 24 * 30)))
    about: list[Json] = []
    if invoice_list:
        about = draw(st.lists(st.sampled_from(invoice_list), unique_by=lambda i: i["id"]))
    case["history"].append(
        {
            "at": at.isoformat(),
            "client": client["id"],
            "direction": "out",
            "kind": stop,
            "channel": "system",
            "invoices": [i["id"] for i in about],
        }
    )
    if draw(st.integers(0, 3)) == 0:
        later = at + timedelta(minutes=draw(st.integers(0, 60 * 24)))
        if later <= now:
            case["history"].append(
                {
                    "at": later.isoformat(),
                    "client": client["id"],
                    "direction": "out",
                    "kind": start,
                    "channel": "system",
                }
            )
    for invoice in about or invoice_list:
        issued = date.fromisoformat(invoice["issued"])
        if issued <= today and draw(st.sampled_from([True, True, False])):
            invoice["payments"] = (
                [{"date": draw(st.dates(issued, today)).isoformat(), "amount": invoice["total"]}]
                if Decimal(invoice["total"]) > 0
                else []
            )
    case["history"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
    return case, now


def _settled(invoice: Invoice, today: date) -> bool:
    if invoice.status in ("cancelled", "written_off"):
        return True
    return invoice.issued <= today and paid_on(invoice, today) >= invoice.total


@st.composite
def joining_cases(draw: st.DrawFn) -> tuple[Json, datetime]:
    """Two invoices walked in step up the saas ladder past the warning, the service then
    suspended over the first alone: the second's suspension step is due, or soon."""
    case, now = draw(
        suspension_cases(warnings=2, depth=2, outcomes=st.sampled_from(["delivered", None]))
    )
    ids = [invoice["id"] for invoice in case["invoices"]]
    assume(len(ids) == 2 and len(case["history"]) == 2)
    warned = datetime.fromisoformat(case["history"][-1]["at"])
    suspended = warned + timedelta(hours=draw(st.integers(1, 24 * 7)))
    assume(suspended <= now)
    case["history"].append(
        {
            "at": suspended.isoformat(),
            "client": "c1",
            "invoices": ids[:1],
            "direction": "out",
            "kind": "suspend",
            "step": "suspend",
            "channel": "system",
        }
    )
    return case, now


@given(st.one_of(cases(suspension=True), suspended_cases(), joining_cases()))
def test_rule_10_no_second_suspension_while_one_is_in_force(
    case_and_now: tuple[Json, datetime],
) -> None:
    # One suspension per contract at a time: none of a contract suspended already, and one
    # action at most for a contract in one plan (its invoices at one step go together).
    case, now = case_and_now
    parties = Parties(checked(case))
    actions = paychase.plan(case, now=now).actions
    for client in parties.case.clients:
        events = parties.events_of(client.id, now)
        runs = sanction_runs(parties.case, client.id, events, stop="suspend", start="restore")
        suspending = Counter(
            contract
            for action in actions
            if action.client == client.id and action.kind == "suspend_service"
            for contract in {parties.invoice(invoice).contract for invoice in action.invoices}
        )
        for contract, count in suspending.items():
            assert contract not in runs, (contract, [e.key for e in runs[contract]])
            assert count == 1, (contract, count)


@given(st.one_of(cases(), suspended_cases()))
def test_rule_10_restore_only_once_every_suspended_invoice_is_settled(
    case_and_now: tuple[Json, datetime],
) -> None:
    # Per contract: the sanction in force is lifted once every invoice its events name (all of
    # the contract's, for an event naming none) is settled, and never before. An invoice whose
    # own suspension step joined it holds it too, so a restore is certain only once every
    # invoice of the contract is settled. A written-off invoice among those it covers leaves
    # the lifting to the host (issue 16), whatever the invoice still owes.
    case, now = case_and_now
    parties = Parties(checked(case))
    actions = paychase.plan(case, now=now).actions
    for client in parties.case.clients:
        today = local(now, client).date()
        events = parties.events_of(client.id, now)
        for stop, start, kind in (
            ("suspend", "restore", "restore_service"),
            ("pause_work", "resume_work", "resume_work"),
        ):
            runs = sanction_runs(parties.case, client.id, events, stop=stop, start=start)
            for contract in (c for c in parties.case.contracts if c.client == client.id):
                undone = [a for a in actions if a.kind == kind and _contract_of(a) == contract.id]
                mine = {i.id for i in parties.case.invoices if i.contract == contract.id}
                named = set().union(
                    *(
                        (set(e.invoices) & mine if e.invoices else mine)
                        for e in runs.get(contract.id, [])
                    )
                )
                settled = {i for i in mine if _settled(parties.invoice(i), today)}
                written = {i for i in mine if written_off_in(events, parties.invoice(i))}
                if not named or not named <= settled or named & written:
                    assert not undone, [a.key for a in undone]
                elif mine <= settled and written:  # held for the host if one of them joined
                    assert len(undone) <= 1, [a.key for a in undone]
                elif mine <= settled:  # one lift, naming the invoices held and any that joined
                    assert len(undone) == 1, [a.key for a in undone]
                    assert named <= set(undone[0].invoices) <= mine, undone[0].key
                else:
                    assert [set(a.invoices) for a in undone] in ([], [named]), [
                        a.key for a in undone
                    ]


def _contract_of(action: Action) -> str:
    """The contract a restore or resume lifts the sanction of: its key's first part."""
    return action.key.split("/", 1)[0]
