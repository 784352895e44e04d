"""Conversations in the planner: instalment plans, promises, disputes, chases, policy versions.

Each test builds one small case around a freelancer's invoice of 1 000.00 PLN (issued 1
February 2026, due 15 February, three days of grace) and reads the plan at a chosen moment.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from paychase import Action, Case, Plan, builtin_policy, plan
from paychase.cli._plan import print_plan
from paychase.errors import CurrencyMismatchError, InvalidCaseError, PolicyError

WARSAW = ZoneInfo("Europe/Warsaw")

BASE: dict[str, Any] = {
    "version": 1,
    "policy": "freelancer",
    "clients": [
        {
            "id": "c1",
            "name": "ACME",
            "country": "PL",
            "timezone": "Europe/Warsaw",
            "contacts": {"email": "a@acme.example", "phone": "+48 22 555 01 23"},
        }
    ],
    "contracts": [{"id": "k1", "client": "c1", "currency": "PLN", "grace": "3d"}],
    "invoices": [
        {
            "id": "inv-1",
            "contract": "k1",
            "issued": "2026-02-01",
            "due": "2026-02-15",
            "total": "1000.00",
            "currency": "PLN",
        }
    ],
}


def _case(**changes: Any) -> dict[str, Any]:
    case = copy.deepcopy(BASE)
    case.update(copy.deepcopy(changes))
    return case


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WARSAW)


def _plan(case: dict[str, Any], when: str) -> Plan:
    return plan(case, now=_at(when))


def _state(result: Plan) -> str:
    return result.invoices[0].state


def _ladder(result: Plan) -> list[Action]:
    """The actions that are ladder steps of the freelancer policy."""
    steps = {step.id for step in builtin_policy("freelancer").steps}
    return [action for action in result.actions if action.step in steps]


def _event(at: str, kind: str, **fields: Any) -> dict[str, Any]:
    direction = "out" if kind in ("reminder", "call", "letter") else "in"
    return {
        "at": f"{at}+01:00",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": fields.pop("direction", direction),
        "kind": kind,
        **fields,
    }


def _paid(*payments: tuple[str, str]) -> list[dict[str, str]]:
    return [{"date": day, "amount": amount} for day, amount in payments]


# -- instalment plans ---------------------------------------------------------------------------

PLAN = {
    "id": "p1",
    "client": "c1",
    "invoices": ["inv-1"],
    "agreed": "2026-03-01",
    "instalments": 3,
    "first": "2026-03-16",
}


def _with_plan(*payments: tuple[str, str], **changes: Any) -> dict[str, Any]:
    case = _case(instalment_plans=[{**PLAN, **changes}])
    case["invoices"][0]["payments"] = _paid(*payments)
    return case


def test_an_honoured_plan_replaces_the_ladder_with_instalment_reminders() -> None:
    result = _plan(_with_plan(), "2026-03-10T09:00")
    assert _state(result) == "in_plan"
    assert _ladder(result) == []
    (reminder,) = result.actions
    assert reminder.key == "k1/inv-1/instalment-1:p1/1"
    assert reminder.step == "instalment"
    assert reminder.template == "instalment/reminder"
    assert reminder.at == _at("2026-03-13T10:00")  # 3 days before the 16th, at send_at
    assert reminder.instalment is not None
    assert (reminder.instalment.number, reminder.instalment.of) == (1, 3)
    assert reminder.instalment.amount == Decimal("333.33")
    assert reminder.amounts is not None
    assert reminder.amounts.total == Decimal("333.33")
    assert reminder.deadline == date(2026, 3, 16)
    assert "instalment 1 of 3" in reminder.reason


def test_the_last_instalment_absorbs_the_rounding() -> None:
    paid_two = _with_plan(("2026-03-16", "333.33"), ("2026-04-16", "333.33"))
    (reminder,) = _plan(paid_two, "2026-05-10T09:00").actions
    assert reminder.instalment is not None
    assert reminder.instalment.number == 3
    assert reminder.instalment.amount == Decimal("333.34")


def test_a_reminder_already_sent_is_not_planned_again() -> None:
    case = _with_plan()
    case["history"] = [
        _event("2026-03-13T10:00", "reminder", step="instalment", key="k1/inv-1/instalment-1:p1/1")
    ]
    assert _plan(case, "2026-03-14T09:00").actions == ()


def test_an_unpaid_instalment_gets_a_note_inside_its_grace() -> None:
    result = _plan(_with_plan(), "2026-03-17T09:00")
    (note,) = result.actions
    assert note.step == "instalment_missed"
    assert note.template == "instalment/missed"
    assert note.deadline == date(2026, 3, 19)  # 16 March + 3 days of grace
    assert "the plan breaks unless it is paid by 2026-03-19" in note.reason
    assert _state(result) == "in_plan"


def test_a_missed_instalment_after_grace_breaks_the_plan_and_the_ladder_resumes_firm() -> None:
    result = _plan(_with_plan(), "2026-03-20T09:00")
    assert _state(result) == "overdue"
    (step,) = _ladder(result)
    assert step.step == "firm"
    assert "instalment plan 'p1' agreed on 2026-03-01 was broken" in step.reason
    assert "instalment 1 of 3 (333.33 PLN, due 2026-03-16) was not paid by 2026-03-19" in (
        step.reason
    )
    assert "the ladder resumes at 'firm'" in step.reason


def test_paying_inside_grace_keeps_the_plan() -> None:
    result = _plan(_with_plan(("2026-03-18", "333.33")), "2026-03-20T09:00")
    assert _state(result) == "in_plan"
    assert _ladder(result) == []


def _due_on_a_holiday(country: str, *payments: tuple[str, str]) -> dict[str, Any]:
    """Instalment 1 of 3 due on Friday 1 May 2026, a public holiday in Poland; no grace."""
    case = _with_plan(*payments, first="2026-05-01", agreed="2026-04-20")
    case["clients"][0] |= {"country": country}
    case["contracts"][0] |= {"grace": "0d"}
    case["invoices"][0] |= {"due": "2026-04-15"}
    return case


def test_an_instalment_due_on_a_holiday_may_be_paid_on_the_next_working_day_in_poland() -> None:
    # Art. 115 KC: a deadline on a holiday or Saturday ends on the next working day (4 May).
    result = _plan(_due_on_a_holiday("PL"), "2026-05-04T09:00")
    assert _state(result) == "in_plan"
    (note,) = [a for a in result.actions if a.instalment is not None]
    assert (note.step, note.deadline) == ("instalment_missed", date(2026, 5, 4))
    paid = _plan(_due_on_a_holiday("PL", ("2026-05-04", "333.33")), "2026-05-05T09:00")
    assert _state(paid) == "in_plan"
    assert _ladder(paid) == []


def test_an_instalment_due_on_a_holiday_is_missed_where_the_law_does_not_move_it() -> None:
    result = _plan(_due_on_a_holiday("US"), "2026-05-04T09:00")
    assert _state(result) == "overdue"
    (step,) = _ladder(result)
    assert "was not paid by 2026-05-01" in step.reason


def test_a_late_payment_does_not_mend_a_broken_plan() -> None:
    result = _plan(_with_plan(("2026-03-25", "333.33")), "2026-03-26T09:00")
    assert _state(result) == "overdue"
    assert [a.step for a in _ladder(result)] == ["firm"]


def test_paying_the_plan_in_full_settles_the_invoice() -> None:
    result = _plan(_with_plan(("2026-03-05", "1000.00")), "2026-03-10T09:00")
    assert _state(result) == "paid"
    assert result.actions == ()


def test_a_plan_counts_the_balance_left_when_it_was_agreed() -> None:
    case = _with_plan(("2026-02-20", "400.00"))
    (reminder,) = _plan(case, "2026-03-10T09:00").actions
    assert reminder.instalment is not None
    assert reminder.instalment.amount == Decimal("200.00")  # 600.00 in three


def test_a_plan_in_a_currency_without_decimals_splits_whole_units() -> None:
    case = _with_plan(total="1000")
    case["contracts"][0]["currency"] = "JPY"
    case["invoices"][0].update(currency="JPY", total="1000")
    (reminder,) = _plan(case, "2026-03-10T09:00").actions
    assert reminder.instalment is not None
    assert reminder.instalment.amount == Decimal(333)


def test_a_plan_agreed_later_than_now_does_not_hold_yet() -> None:
    result = _plan(_with_plan(agreed="2026-03-20", first="2026-04-01"), "2026-03-10T09:00")
    assert _state(result) == "overdue"
    assert _ladder(result)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"invoices": ["nope"]}, "instalment_plans[0].invoices[0]"),
        ({"client": "nobody"}, "instalment_plans[0].client"),
        ({"first": "2026-02-01"}, "instalment_plans.0"),
        ({"instalments": 0}, "instalment_plans.0.instalments"),
        ({"every": "1y"}, "instalment_plans.0.every"),
        ({"total": "10.001"}, "instalment_plans[0].total"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        _plan(_with_plan(**change), "2026-03-10T09:00")
    assert (
        str(caught.value)
        .replace("[", ".")
        .replace("]", "")
        .startswith(field.replace("[", ".").replace("]", ""))
    )


def test_a_plan_for_less_than_a_minor_unit_per_instalment_is_refused_saying_why() -> None:
    case = _with_plan(("2026-02-20", "999.98"))  # 0.02 PLN left for three instalments
    with pytest.raises(InvalidCaseError) as caught:
        _plan(case, "2026-03-10T09:00")
    assert str(caught.value) == (
        "instalment_plans: plan 'p1': the 0.02 PLN it settles is too small to split into "
        "3 instalments of at least 0.01 PLN each"
    )


def test_a_plan_over_two_currencies_is_refused() -> None:
    case = _with_plan(invoices=["inv-1", "inv-2"])
    case["contracts"].append({"id": "k2", "client": "c1", "currency": "EUR"})
    case["invoices"].append(
        {**case["invoices"][0], "id": "inv-2", "contract": "k2", "currency": "EUR"}
    )
    with pytest.raises(CurrencyMismatchError):
        _plan(case, "2026-03-10T09:00")


# -- promises -------------------------------------------------------------------------------------


def test_a_promise_beyond_the_maximum_hold_gives_a_review_and_no_hold() -> None:
    case = _case(history=[_event("2026-02-20T10:00", "promise", promise={"date": "2026-06-01"})])
    result = _plan(case, "2026-02-21T09:00")
    review = next(a for a in result.actions if a.kind == "review")
    assert review.key == "k1/inv-1/review:promise/1"
    assert "later than a promise may hold (30 days: max_promise_hold 30d)" in review.reason
    assert _state(result) == "overdue"
    assert _ladder(result)


def test_a_partial_promise_kept_lets_the_rest_be_chased_after_the_hold() -> None:
    promise = _event("2026-02-20T10:00", "promise", promise={"date": "2026-03-01", "amount": "400"})
    case = _case(history=[promise])
    case["invoices"][0]["payments"] = _paid(("2026-02-27", "400.00"))
    during = _plan(case, "2026-02-25T09:00")
    assert _state(during) == "promised"
    assert all(a.at.date() > date(2026, 3, 4) for a in _ladder(during))
    after = _plan(case, "2026-03-05T09:00")
    assert _state(after) == "overdue"
    (step,) = _ladder(after)
    assert step.amounts is not None
    assert step.amounts.principal == Decimal("600.00")
    assert "was broken" not in step.reason


def test_a_partial_promise_not_kept_is_broken_and_escalates() -> None:
    promise = _event("2026-02-20T10:00", "promise", promise={"date": "2026-03-01", "amount": "400"})
    case = _case(history=[promise])
    case["invoices"][0]["payments"] = _paid(("2026-02-27", "100.00"))
    (step,) = _ladder(_plan(case, "2026-03-05T09:00"))
    # 'polite' is passed over: a broken promise escalates to 'firm', which the promise itself
    # does not count as a reply to
    assert step.step == "firm"
    assert "the promise made on 2026-02-20 to pay 400 PLN by 2026-03-01 was broken" in (step.reason)
    assert "the ladder resumes at 'firm'" in step.reason


def test_a_promise_after_a_broken_one_holds_without_grace_and_for_half_as_long() -> None:
    first = _event("2026-02-16T10:00", "promise", promise={"date": "2026-02-20"})
    second = _event("2026-02-25T10:00", "promise", promise={"date": "2026-03-09"})
    case = _case(history=[first, second])
    during = _plan(case, "2026-03-02T09:00")
    assert _state(during) == "promised"
    assert all(a.at.date() >= date(2026, 3, 10) for a in _ladder(during))  # no grace now
    too_far = _event("2026-02-25T10:00", "promise", promise={"date": "2026-03-15"})
    refused = _plan(_case(history=[first, too_far]), "2026-03-02T09:00")
    review = next(a for a in refused.actions if a.kind == "review")
    assert "15 days: max_promise_hold 30d, halved for each of the 1 promise broken before" in (
        review.reason
    )


def test_a_part_kept_promise_after_a_broken_one_does_not_undo_the_breach() -> None:
    first = _event("2026-02-16T10:00", "promise", promise={"date": "2026-02-20"})
    second = _event("2026-02-25T10:00", "promise", promise={"date": "2026-03-02", "amount": "300"})
    case = _case(history=[first, second])
    case["invoices"][0]["payments"] = _paid(("2026-02-27", "300.00"))
    (step,) = _ladder(_plan(case, "2026-03-04T09:00"))
    # Past 'polite', at 'firm' or further: the second promise, made after the breach, is a
    # reply 'firm' waits for, so the call comes next.
    assert step.step == "check_call"
    assert "the promise made on 2026-02-16 to pay it by 2026-02-20 was broken" in step.reason
    assert "the ladder resumes at 'firm'" in step.reason


def test_a_promise_superseded_before_its_date_is_not_broken() -> None:
    first = _event("2026-02-16T10:00", "promise", promise={"date": "2026-03-01"})
    second = _event("2026-02-25T10:00", "promise", promise={"date": "2026-03-20"})
    result = _plan(_case(history=[first, second]), "2026-03-02T09:00")
    assert _state(result) == "promised"
    assert not any(a.kind == "review" for a in result.actions)


# -- disputes -------------------------------------------------------------------------------------

DISPUTE = _event("2026-02-20T10:00", "dispute", dispute={"amount": "1000.00", "reason": "scope"})


@pytest.mark.parametrize("resolution", ["rejected", "withdrawn"])
def test_dunning_resumes_where_it_stopped_after_a_dispute_ends(resolution: str) -> None:
    sent = _event("2026-02-16T10:00", "reminder", step="polite")
    ended = _event("2026-03-20T10:00", "dispute_resolved", resolution=resolution, direction="out")
    case = _case(history=[sent, DISPUTE, ended])
    during = _plan(case, "2026-03-01T09:00")
    assert _state(during) == "disputed"
    assert [a.key for a in during.actions] == ["k1/inv-1/review:dispute/1"]
    after = _plan(case, "2026-03-21T09:00")
    assert _state(after) == "overdue"
    assert not any(a.kind == "review" for a in after.actions)
    (step,) = _ladder(after)
    # the step after 'polite', where it stopped: the dispute, answered by its resolution, is
    # no reply 'firm' waits for
    assert step.step == "firm"
    assert step.at >= _at("2026-03-20T10:00")
    assert f"the dispute was resolved on 2026-03-20 ({resolution})" in step.reason


def test_a_dispute_and_its_resolution_naming_no_invoice_concern_the_whole_account() -> None:
    case = _case(
        invoices=[
            BASE["invoices"][0],
            {**BASE["invoices"][0], "id": "inv-2", "issued": "2026-02-05", "due": "2026-02-19"},
        ],
        history=[{**DISPUTE, "invoices": [], "dispute": {"reason": "the whole project"}}],
    )
    during = _plan(case, "2026-03-01T09:00")
    assert [a.key for a in during.actions] == [
        "k1/inv-1/review:dispute/1",
        "k1/inv-2/review:dispute/1",
    ]
    assert {state.state for state in during.invoices} == {"disputed"}
    ended = _event("2026-03-20T10:00", "dispute_resolved", resolution="rejected", direction="out")
    case["history"].append({**ended, "invoices": []})
    after = _plan(case, "2026-03-21T09:00")
    assert not any(a.kind == "review" for a in after.actions)
    assert {state.state for state in after.invoices} == {"overdue"}


def test_a_credit_note_lowers_the_balance_a_resolved_dispute_leaves() -> None:
    ended = _event("2026-03-20T10:00", "dispute_resolved", resolution="credited", direction="out")
    case = _case(history=[DISPUTE, ended])
    case["invoices"][0]["credit_notes"] = [{"date": "2026-03-20", "amount": "400.00"}]
    result = _plan(case, "2026-03-23T09:00")
    (step,) = _ladder(result)
    assert step.amounts is not None
    assert (step.amounts.invoiced, step.amounts.principal) == (
        Decimal("600.00"),
        Decimal("600.00"),
    )
    assert result.invoices[0].balance == Decimal("600.00")


def test_a_credit_note_for_the_whole_invoice_settles_it() -> None:
    case = _case()
    case["invoices"][0]["credit_notes"] = [{"date": "2026-02-20", "amount": "1000.00"}]
    result = _plan(case, "2026-03-01T09:00")
    assert _state(result) == "paid"
    assert result.actions == ()


def test_a_partial_dispute_resolved_chases_the_whole_balance_again() -> None:
    partial = _event("2026-02-20T10:00", "dispute", dispute={"amount": "300.00"})
    ended = _event("2026-03-02T10:00", "dispute_resolved", resolution="withdrawn")
    case = _case(history=[partial, ended])
    during = _ladder(_plan(case, "2026-02-27T09:00"))
    assert during[0].amounts is not None
    assert during[0].amounts.principal == Decimal("700.00")
    (after,) = _ladder(_plan(case, "2026-03-03T09:00"))
    assert after.amounts is not None
    assert after.amounts.principal == Decimal("1000.00")


@pytest.mark.parametrize(
    ("invoice", "message"),
    [
        ({"credit_notes": [{"date": "2026-02-20", "amount": "1000.01"}]}, "more than its total"),
        ({"credit_notes": [{"date": "2026-01-20", "amount": "10.00"}]}, "before the invoice"),
        ({"credit_notes": [{"date": "2026-02-20", "amount": "1.001"}]}, "decimal"),
    ],
)
def test_bad_credit_notes_are_refused(invoice: dict[str, Any], message: str) -> None:
    case = _case()
    case["invoices"][0].update(invoice)
    with pytest.raises(InvalidCaseError, match=message):
        _plan(case, "2026-03-01T09:00")


def test_a_resolution_needs_its_outcome() -> None:
    case = _case(history=[_event("2026-03-02T10:00", "dispute_resolved")])
    with pytest.raises(InvalidCaseError, match="resolution"):
        _plan(case, "2026-03-03T09:00")


# -- chases that are not about money -------------------------------------------------------------

PROSPECT = {
    "id": "q1",
    "client": "c1",
    "kind": "prospect",
    "started": "2026-03-02T11:00:00+01:00",
    "subject": "the quote for your new shop",
}


def _chase_event(at: str, step: str, chase: str = "q1") -> dict[str, Any]:
    return {
        "at": f"{at}+01:00",
        "client": "c1",
        "direction": "out",
        "kind": "reminder",
        "step": step,
        "channel": "email",
        "chase": chase,
        "key": f"chase:{chase}/{step}/1",
    }


def test_a_silent_prospect_is_followed_up_four_business_days_later() -> None:
    result = _plan(_case(invoices=[], chases=[PROSPECT]), "2026-03-03T09:00")
    (action,) = result.actions
    assert action.key == "chase:q1/follow_up/1"
    assert action.chase == "q1"
    assert action.invoices == ()
    assert action.at == _at("2026-03-06T10:00")
    assert action.template == "prospect/follow_up"
    assert "the quote for your new shop" in action.reason
    assert result.chases is not None
    assert result.chases[0].state == "waiting"


def test_the_prospect_ladder_checks_in_a_last_time_then_closes() -> None:
    history = [_chase_event("2026-03-06T10:00", "follow_up")]
    (check_in,) = _plan(
        _case(invoices=[], chases=[PROSPECT], history=history), "2026-03-07T09:00"
    ).actions
    assert (check_in.step, check_in.at) == ("last_check_in", _at("2026-03-13T10:00"))
    history.append(_chase_event("2026-03-13T10:00", "last_check_in"))
    (close,) = _plan(
        _case(invoices=[], chases=[PROSPECT], history=history), "2026-03-14T09:00"
    ).actions
    assert (close.step, close.at) == ("close", _at("2026-03-20T10:00"))
    history.append(_chase_event("2026-03-20T10:00", "close"))
    ended = _plan(_case(invoices=[], chases=[PROSPECT], history=history), "2026-03-21T09:00")
    assert ended.actions == ()
    assert ended.chases is not None
    assert (ended.chases[0].state, ended.chases[0].step) == ("ended", "close")


def test_a_reply_ends_the_chase_and_does_not_pause_dunning() -> None:
    reply = {
        "at": "2026-03-04T10:00:00+01:00",
        "client": "c1",
        "direction": "in",
        "kind": "reply",
        "chase": "q1",
    }
    result = _plan(_case(chases=[PROSPECT], history=[reply]), "2026-03-05T09:00")
    assert result.chases is not None
    assert result.chases[0].state == "answered"
    assert not any(a.chase for a in result.actions)
    assert _ladder(result)[0].at == _at("2026-03-05T09:00")  # no reply pause for the invoice


def test_a_call_the_client_answers_ends_the_chase() -> None:
    call = {
        "at": "2026-03-17T12:00:00+01:00",
        "client": "c1",
        "direction": "out",
        "kind": "call",
        "step": "check_call",
        "channel": "phone",
        "key": "chase:f1/check_call/1",
        "outcome": "answered",
        "chase": "f1",
    }
    result = _plan(_case(chases=[PROJECT], history=[call]), "2026-03-18T09:00")
    assert result.chases is not None
    assert result.chases[0].state == "answered"
    assert not any(a.chase for a in result.actions)
    unanswered = {**call, "outcome": "no_answer"}
    result = _plan(_case(chases=[PROJECT], history=[unanswered]), "2026-03-18T09:00")
    assert result.chases is not None
    assert result.chases[0].state == "waiting"


def test_a_closed_chase_gets_nothing() -> None:
    result = _plan(
        _case(invoices=[], chases=[{**PROSPECT, "status": "closed"}]), "2026-03-03T09:00"
    )
    assert result.actions == ()
    assert result.chases is not None
    assert result.chases[0].state == "closed"


PROJECT = {
    "id": "f1",
    "client": "c1",
    "kind": "project",
    "contract": "k1",
    "started": "2026-03-04T15:00:00+01:00",
    "subject": "the homepage mock-ups",
}


def test_a_silent_client_mid_project_is_followed_up_on_tuesday_of_next_week() -> None:
    (action,) = _plan(_case(invoices=[], chases=[PROJECT]), "2026-03-05T09:00").actions
    assert (action.step, action.at) == ("follow_up", _at("2026-03-10T10:00"))
    assert action.at.weekday() == 1


def test_the_project_ladder_calls_tries_another_channel_then_announces_the_pause() -> None:
    contract = {**BASE["contracts"][0], "kill_fee": {"after_silence": "60d", "rate": "25"}}
    contract.update(value="9000.00")
    case = _case(invoices=[], chases=[PROJECT], contracts=[contract])
    case["clients"][0]["contacts"]["sms"] = "+48 600 000 000"
    history = [_chase_event("2026-03-10T10:00", "follow_up", "f1")]
    (call,) = _plan({**case, "history": history}, "2026-03-11T09:00").actions
    assert (call.kind, call.step, call.at) == ("call", "check_call", _at("2026-03-17T12:00"))
    history.append({**_chase_event("2026-03-17T12:00", "check_call", "f1"), "kind": "call"})
    (other,) = _plan({**case, "history": history}, "2026-03-18T09:00").actions
    assert (other.step, other.channel) == ("other_channel", "sms")
    history.append({**_chase_event("2026-03-19T10:00", "other_channel", "f1"), "channel": "sms"})
    (notice,) = _plan({**case, "history": history}, "2026-03-20T09:00").actions
    assert notice.step == "pause_notice"
    assert notice.deadline is not None
    assert "kill fee: 25 % of the remaining value, after 60d of silence" in notice.reason
    history.append(
        {**_chase_event("2026-03-26T10:00", "pause_notice", "f1"), "deadline": "2026-04-02"}
    )
    (pause,) = _plan({**case, "history": history}, "2026-03-27T09:00").actions
    assert (pause.kind, pause.channel, pause.key) == ("pause_work", "system", "chase:f1/pause/1")
    assert pause.at.date() == date(2026, 4, 3)


def test_a_project_chase_needs_its_contract() -> None:
    with pytest.raises(InvalidCaseError, match="contract"):
        _plan(_case(chases=[{**PROJECT, "contract": None}]), "2026-03-05T09:00")
    with pytest.raises(InvalidCaseError, match="unknown contract"):
        _plan(_case(chases=[{**PROJECT, "contract": "k9"}]), "2026-03-05T09:00")


def test_a_chase_with_a_payment_policy_is_refused() -> None:
    with pytest.raises(InvalidCaseError, match="is for payment chases"):
        _plan(_case(chases=[{**PROSPECT, "policy": "freelancer"}]), "2026-03-05T09:00")


def test_a_chase_contact_counts_against_min_gap_and_yields_to_the_ladder() -> None:
    history = [_chase_event("2026-03-04T10:00", "follow_up")]
    result = _plan(_case(chases=[PROSPECT], history=history), "2026-03-05T09:00")
    (step,) = _ladder(result)
    # The invoice, never chased, catches up to the check call (freelancer's catch_up); min_gap
    # after the follow-up of the 4th: Saturday the 7th, so Monday the 9th at call time
    assert (step.step, step.at) == ("check_call", _at("2026-03-09T12:00"))
    assert "min_gap 3d after the contact on 2026-03-04" in step.reason
    # the check-in, due on the 11th, waits min_gap (whole days) after the call of the 9th
    (check_in,) = [a for a in result.actions if a.chase]
    assert check_in.at == _at("2026-03-12T10:00")
    assert "min_gap 3d after the contact planned for 2026-03-09 12:00" in check_in.reason


def test_a_chase_does_not_make_a_pre_due_reminder_expire() -> None:
    """The pre-due note (12 February) is due before the follow-up could go after it; the
    follow-up waits, and the note is sent."""
    chase = {**PROSPECT, "started": "2026-02-06T11:00:00+01:00"}
    result = _plan(_case(chases=[chase]), "2026-02-09T09:00")
    (pre_due,) = _ladder(result)
    assert (pre_due.step, pre_due.at) == ("pre_due", _at("2026-02-12T10:00"))
    (follow_up,) = [a for a in result.actions if a.chase]
    assert follow_up.at >= _at("2026-02-15T10:00")


# -- policy versions -----------------------------------------------------------------------------


def _version(number: int, firm_offset: str) -> dict[str, Any]:
    policy = builtin_policy("freelancer").model_dump(mode="json", by_alias=True)
    policy["version"] = number
    for step in policy["steps"]:
        if step["id"] == "firm":
            step["offset"] = firm_offset
    return policy


def test_an_invoice_stays_on_the_version_it_entered_dunning_under() -> None:
    sent = {**_event("2026-02-16T10:00", "reminder", step="polite"), "policy": "freelancer@1"}
    case = _case(policy=_version(2, "+14d"), policy_versions=[_version(1, "+7d")], history=[sent])
    (step,) = _ladder(_plan(case, "2026-02-24T09:00"))
    assert (step.step, step.policy) == ("firm", "freelancer@1")
    assert step.at.date() == date(2026, 2, 24)  # 7 days after, as version 1 says


def test_an_invoice_migrated_explicitly_follows_the_new_version() -> None:
    sent = {**_event("2026-02-16T10:00", "reminder", step="polite"), "policy": "freelancer@1"}
    case = _case(policy=_version(2, "+14d"), policy_versions=[_version(1, "+7d")], history=[sent])
    case["invoices"][0]["policy"] = "freelancer@2"
    (step,) = _ladder(_plan(case, "2026-02-24T09:00"))
    assert (step.step, step.policy) == ("firm", "freelancer@2")
    assert step.at.date() == date(2026, 3, 2)  # 14 days after, as version 2 says


def test_an_invoice_new_to_dunning_follows_the_current_version() -> None:
    case = _case(policy=_version(2, "+14d"), policy_versions=[_version(1, "+7d")])
    (step,) = _ladder(_plan(case, "2026-02-16T09:00"))
    assert step.policy == "freelancer@2"


def test_a_version_the_case_does_not_hold_asks_a_person() -> None:
    sent = {**_event("2026-02-16T10:00", "reminder", step="polite"), "policy": "freelancer@7"}
    result = _plan(_case(history=[sent]), "2026-02-24T09:00")
    (review,) = result.actions
    assert review.key == "k1/inv-1/review:policy/1"
    assert "entered dunning under policy freelancer@7" in review.reason


def test_versions_are_checked() -> None:
    with pytest.raises(InvalidCaseError, match="given twice"):
        _plan(_case(policy_versions=[_version(1, "+7d")]), "2026-02-24T09:00")
    case = _case()
    case["invoices"][0]["policy"] = "freelancer@3"
    with pytest.raises(InvalidCaseError, match="no such policy version"):
        _plan(case, "2026-02-24T09:00")


def test_another_policy_applies_to_invoices_new_to_dunning_only() -> None:
    sent = {**_event("2026-02-16T10:00", "reminder", step="polite"), "policy": "freelancer@1"}
    second = copy.deepcopy(BASE["invoices"][0]) | {"id": "inv-2", "due": "2026-02-20"}
    case = Case.model_validate(_case(history=[sent], invoices=[BASE["invoices"][0], second]))
    strict = case.with_policy("b2b_strict")
    # b2b_strict@1 is the built-in's earlier version, held for invoices that entered under it.
    assert sorted(strict.policies) == ["b2b_strict@1", "b2b_strict@2", "freelancer@1"]
    (action,) = plan(strict, now=_at("2026-03-10T09:00")).actions
    # One message for the whole account, each invoice at a step of its own version; inv-2,
    # never chased, catches up (b2b_strict's catch_up) to the formal claim, which is required.
    assert (action.step, action.policy) == ("formal_claim", "b2b_strict@2")
    assert {(own.invoice, own.step, own.policy) for own in action.invoice_steps} == {
        ("inv-1", "firm", "freelancer@1"),
        ("inv-2", "formal_claim", "b2b_strict@2"),
    }


def test_another_policy_replaces_a_version_of_the_same_name() -> None:
    case = Case.model_validate(
        _case(policy=_version(2, "+14d"), policy_versions=[_version(1, "+7d")])
    )
    back = case.with_policy("freelancer")
    assert back.policy == builtin_policy("freelancer")
    assert sorted(back.policies) == ["freelancer@1", "freelancer@2"]
    assert case.with_policy(case.policy) == case


def _demand_letter(history: list[dict[str, Any]], **changes: Any) -> Action:
    """The demand letter b2b_strict plans for inv-1 (due Sunday 15 February, 3 days' grace)."""
    result = _plan(_case(policy="b2b_strict", history=history, **changes), "2026-02-17T08:00")
    (letter,) = [action for action in result.actions if action.step == "demand_letter"]
    return letter


def test_a_built_in_policy_keeps_its_earlier_versions_for_invoices_in_dunning() -> None:
    call = {**_event("2026-02-16T12:00", "call", step="due_day_call"), "outcome": "answered"}
    # Version 2 states a term: two business days, the date the payment call asks for too.
    letter = _demand_letter([call | {"policy": "b2b_strict@2"}])
    assert letter.at.date() == date(2026, 2, 19)  # a Thursday
    assert (letter.policy, letter.deadline) == ("b2b_strict@2", date(2026, 2, 23))
    # An invoice that entered dunning under version 1 (paychase 0.1.0) stays on it, with no
    # copy of it in the case and no review.
    letter = _demand_letter([call | {"policy": "b2b_strict@1"}])
    assert (letter.policy, letter.deadline) == ("b2b_strict@1", None)
    pinned = copy.deepcopy(BASE["invoices"][0]) | {"policy": "b2b_strict@1"}
    assert _demand_letter([], invoices=[pinned]).policy == "b2b_strict@1"


def test_earlier_built_in_versions_are_not_lent_to_a_policy_of_the_same_name() -> None:
    own = builtin_policy("b2b_strict").model_dump(mode="json", by_alias=True) | {"min_gap": "2d"}
    assert "b2b_strict@1" not in Case.model_validate(_case(policy=own)).policies
    sent = {**_event("2026-02-16T12:00", "call", step="due_day_call"), "policy": "b2b_strict@1"}
    result = _plan(_case(policy=own, history=[sent]), "2026-02-17T08:00")
    assert [action.key for action in result.actions] == ["k1/inv-1/review:policy/1"]


def test_another_policy_must_chase_money() -> None:
    case = Case.model_validate(_case())
    with pytest.raises(InvalidCaseError, match="chases no money"):
        case.with_policy("prospect")
    with pytest.raises(PolicyError, match="unknown built-in policy"):
        case.with_policy("lenient")


def test_the_plan_table_shows_chases(capsys: pytest.CaptureFixture[str]) -> None:
    print_plan(_plan(_case(chases=[PROSPECT]), "2026-03-03T09:00"))
    table = capsys.readouterr().out
    assert "chase:q1" in table
    assert "CHASE" in table
    assert any(line.split()[:3] == ["q1", "waiting", "prospect"] for line in table.splitlines())
