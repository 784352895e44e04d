"""The host in control (issue 16, items 1 and 2): a policy per client and per contract, holds
on a client, a contract or an invoice, and channels a client opted out of.

The case is `tests.test_simulate.one_invoice`: client c1 in Warsaw owes inv-1, 1200.00 PLN
due Monday 16 March 2026 under the built-in freelancer policy.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_simulate import one_invoice, with_second_invoice

from paychase import Case, InvalidCaseError, builtin_policy, plan
from paychase.simulation._simulate import simulate

Json = dict[str, Any]

MARCH_10 = datetime.fromisoformat("2026-03-10T09:00:00+01:00")
MAY_1 = datetime.fromisoformat("2026-05-01T09:00:00+02:00")


def held(case: Json, where: str, hold: Json, index: int = 0) -> Json:
    """`case` with `hold` on its `where` record ("clients", "contracts" or "invoices")."""
    case = copy.deepcopy(case)
    case[where][index]["hold"] = hold
    return case


# -- holds -----------------------------------------------------------------------------------


def test_a_hold_with_no_end_stops_the_invoice_and_says_why() -> None:
    case = held(one_invoice(), "invoices", {"reason": "complaint under review", "by": "Anna"})
    result = plan(case, now=MARCH_10)
    assert result.actions == ()
    assert result.invoices[0].why == "on hold: complaint under review (by Anna)"


def test_a_hold_keeps_every_step_until_the_day_after_it() -> None:
    case = held(one_invoice(), "clients", {"until": "2026-04-30", "reason": "negotiating"})
    (step,) = plan(case, now=MARCH_10).actions
    # 1 May is a holiday in Poland and 2-3 May a weekend
    assert step.at.date() == date(2026, 5, 4)
    assert "on hold until 2026-04-30: negotiating" in step.reason


def test_a_hold_that_ends_resumes_without_a_burst() -> None:
    """The steps whose time came while the client was held are a backlog: the client gets the
    most advanced of them, not each in turn, whatever the policy's catch_up."""
    case = held(one_invoice(), "clients", {"until": "2026-04-30", "reason": "negotiating"})
    policy = builtin_policy("freelancer").model_dump(mode="json", by_alias=True)
    case["policy"] = policy | {"catch_up": "sequential"}
    timeline = simulate(case, now=MARCH_10, until=MAY_1 + timedelta(days=30))
    contacts = [e for e in timeline.entries if e.what in ("send_reminder", "send_letter", "call")]
    assert contacts[0].at.date() == date(2026, 5, 4)
    assert contacts[0].step == "overdue_30"
    assert "(held until 2026-04-30)" in contacts[0].reason
    assert all(e.at.date() >= date(2026, 5, 4) for e in timeline.entries if e.key is not None)


def test_a_contract_hold_holds_only_that_contracts_invoices() -> None:
    case = with_second_invoice(one_invoice())
    case["contracts"].append(case["contracts"][0] | {"id": "k2"})
    case["invoices"][1]["contract"] = "k2"
    case = held(case, "contracts", {"reason": "dispute with the site manager"}, index=1)
    result = plan(case, now=MARCH_10)
    assert {i for a in result.actions for i in a.invoices} == {"inv-1"}
    assert result.invoices[1].why == "on hold: dispute with the site manager"


def test_a_hold_still_lets_a_review_through() -> None:
    case = held(one_invoice(), "invoices", {"reason": "the client's lawyer asked us to wait"})
    case["history"] = [
        {
            "at": "2026-03-20T10:00:00+01:00",
            "client": "c1",
            "invoices": ["inv-1"],
            "direction": "in",
            "kind": "dispute",
            "dispute": {"reason": "the work is incomplete"},
        }
    ]
    result = plan(case, now=datetime.fromisoformat("2026-03-21T09:00:00+01:00"))
    assert [a.kind for a in result.actions] == ["review"]


def test_a_hold_holds_an_instalment_reminder() -> None:
    case = one_invoice()
    case["instalment_plans"] = [
        {
            "id": "p1",
            "client": "c1",
            "invoices": ["inv-1"],
            "agreed": "2026-03-20",
            "instalments": 2,
            "first": "2026-04-01",
        }
    ]
    now = datetime.fromisoformat("2026-03-25T09:00:00+01:00")
    assert any(a.instalment for a in plan(case, now=now).actions)
    stopped = held(case, "clients", {"reason": "moving to a new accounting system"})
    assert not any(a.instalment for a in plan(stopped, now=now).actions)


@settings(max_examples=12, deadline=None)
@given(
    where=st.sampled_from(["clients", "contracts", "invoices"]),
    days=st.one_of(st.none(), st.integers(0, 60)),
    start=st.integers(0, 40),
)
def test_a_hold_is_never_crossed(where: str, days: int | None, start: int) -> None:
    """Whatever is held and for how long, nothing but a review happens on a day it holds."""
    begin = MARCH_10 + timedelta(days=start)
    until = None if days is None else begin.date() + timedelta(days=days)
    hold: Json = {"reason": "held by the test"} | ({} if until is None else {"until": str(until)})
    case = held(with_second_invoice(one_invoice()), where, hold)
    timeline = simulate(case, now=begin, until=begin + timedelta(days=75))
    for entry in timeline.entries:
        if entry.key is None or entry.what == "review":
            continue
        covered = where != "invoices" or "inv-1" in (entry.invoices or ())
        if covered:
            assert until is not None, (entry.key, entry.at)
            assert entry.at.date() > until, (entry.key, entry.at)


# -- opt-outs --------------------------------------------------------------------------------


def test_a_channel_the_client_opted_out_of_is_never_used() -> None:
    case = one_invoice()
    case["clients"][0]["opt_outs"] = [
        {"channel": "email", "reason": "GDPR art. 21 objection", "since": "2026-02-01"}
    ]
    (step,) = plan(case, now=MARCH_10).actions
    assert step.channel == "sms"
    assert "no email: the client opted out of email on 2026-02-01 (GDPR art. 21 objection)" in (
        step.reason
    )


def test_an_opt_out_of_letters_covers_registered_letters() -> None:
    case = one_invoice()
    case["clients"][0]["opt_outs"] = [{"channel": "letter"}]
    timeline = simulate(case, now=MARCH_10, until=MARCH_10 + timedelta(days=150))
    assert timeline.entries
    assert not any(e.channel in ("letter", "registered_letter") for e in timeline.entries)


# -- a policy per client and per contract ----------------------------------------------------


def test_a_contract_policy_beats_the_clients_and_the_cases() -> None:
    case = with_second_invoice(one_invoice())
    case["clients"][0]["policy"] = "tradesperson"
    case["contracts"].append(case["contracts"][0] | {"id": "k2", "policy": "b2b_strict"})
    case["invoices"][1]["contract"] = "k2"
    result = plan(case, now=datetime.fromisoformat("2026-03-18T09:00:00+01:00"))
    steps = {(own.invoice, own.policy) for a in result.actions for own in a.invoice_steps}
    steps |= {(i, a.policy) for a in result.actions for i in a.invoices if not a.invoice_steps}
    assert ("inv-1", "tradesperson@1") in steps
    assert ("inv-2", "b2b_strict@2") in steps


def test_a_client_policy_times_every_contact_with_the_client() -> None:
    case = one_invoice()
    case["clients"][0]["policy"] = "tradesperson"  # sends at 09:00, the case's freelancer at 10:00
    (step,) = plan(case, now=MARCH_10).actions
    assert step.policy == "tradesperson@1"
    assert step.at.hour == 9


def test_two_different_policies_may_not_share_a_name_and_version() -> None:
    case = one_invoice()
    own = builtin_policy("freelancer").model_dump(mode="json", by_alias=True)
    own["min_gap"] = "5d"
    case["clients"][0]["policy"] = own
    with pytest.raises(InvalidCaseError) as raised:
        Case.model_validate(case)
    assert raised.value.field == "clients[0].policy"


def test_a_policy_for_a_client_must_chase_money() -> None:
    case = one_invoice()
    case["contracts"][0]["policy"] = "prospect"
    with pytest.raises(InvalidCaseError) as raised:
        Case.model_validate(case)
    assert raised.value.field == "contracts[0].policy.purpose"


def test_a_client_part_keeps_the_policy_versions_its_invoices_name() -> None:
    case = with_second_invoice(one_invoice())
    case["clients"].append(case["clients"][0] | {"id": "c2", "policy": "saas"})
    case["contracts"].append(case["contracts"][0] | {"id": "k2", "client": "c2"})
    case["invoices"][1]["contract"] = "k2"
    case["invoices"][0]["policy"] = "saas@1"  # migrated to the policy c2 follows
    part = Case.model_validate(case).of_client("c1")
    assert "saas@1" in part.policies
    assert {a.policy for a in plan(part, now=MARCH_10).actions} == {"saas@1"}
