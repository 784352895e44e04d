"""`plan()` semantics beyond the shared scenarios (SPEC §4, §5).

Each test builds a small case around one client in Warsaw (contract k1 in PLN, invoice inv-1
issued 16 Feb 2026 and due Monday 2 March) under a short ladder, changes one thing, and reads
the plan.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pydantic
import pytest

from paychase import Action, Case, Plan, plan
from paychase.errors import InvalidCaseError, PluginError

REPO = Path(__file__).resolve().parent.parent

WARSAW = ZoneInfo("Europe/Warsaw")
NOW = datetime(2026, 3, 3, 9, 0, tzinfo=WARSAW)  # Tuesday, the day after the due date

LADDER: dict[str, Any] = {
    "name": "ladder",
    "min_gap": "3d",
    "send_at": "10:00",
    "call_at": "12:00",
    "quiet_hours": ["20:00", "08:00"],
    "business_days_only": True,
    "reply_pause": "5bd",
    "max_attempts_per_step": 2,
    "steps": [
        {
            "id": "polite",
            "from": "due",
            "offset": "+1d",
            "action": "send_reminder",
            "channels": ["email"],
            "tone": "friendly",
        },
        {
            "id": "firm",
            "from": "previous",
            "offset": "+7d",
            "action": "send_reminder",
            "channels": ["email"],
            "tone": "firm",
            "requires": ["no_reply"],
        },
        {
            "id": "final",
            "from": "due",
            "offset": "+30d",
            "action": "send_letter",
            "channels": ["registered_letter"],
            "tone": "final",
            "deadline": "14d",
        },
        {"id": "legal", "from": "deadline", "offset": "+1d", "action": "escalate", "tone": "legal"},
    ],
}

PRE_DUE: dict[str, Any] = {
    "id": "pre_due",
    "from": "due",
    "offset": "-3d",
    "action": "send_reminder",
    "channels": ["email"],
}


def _case(policy: dict[str, Any] | str | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": 1,
        "now": NOW.isoformat(),
        "policy": copy.deepcopy(LADDER) if policy is None else policy,
        "clients": [
            {
                "id": "c1",
                "name": "Studio Kowalski",
                "country": "PL",
                "timezone": "Europe/Warsaw",
                "contacts": {
                    "email": "c1@example.com",
                    "phone": "+48 600 100 200",
                    "sms": "+48 600 100 201",
                    "postal": "ul. Prosta 1, Warszawa",
                },
            },
        ],
        "contracts": [{"id": "k1", "client": "c1", "currency": "PLN", "payment_terms": "14d"}],
        "invoices": [_invoice("inv-1")],
        "history": [],
    }
    data.update(changes)
    return data


def _invoice(
    invoice_id: str,
    *,
    contract: str = "k1",
    due: str = "2026-03-02",
    total: str = "1200.00",
    **more: Any,
) -> dict[str, Any]:
    return {
        "id": invoice_id,
        "contract": contract,
        "issued": "2026-02-16",
        "due": due,
        "total": total,
        "currency": "PLN",
        **more,
    }


def _event(
    at: str,
    step: str | None = None,
    *,
    kind: str = "reminder",
    direction: str = "out",
    channel: str | None = "email",
    outcome: str | None = "delivered",
    invoices: tuple[str, ...] = ("inv-1",),
    **more: Any,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "at": at,
        "client": "c1",
        "invoices": list(invoices),
        "direction": direction,
        "kind": kind,
        **more,
    }
    for name, value in (("step", step), ("channel", channel), ("outcome", outcome)):
        if value is not None:
            event[name] = value
    return event


def _reply(at: str) -> dict[str, Any]:
    return _event(at, kind="reply", direction="in", outcome=None)


def _at(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=WARSAW)


def _only(result: Plan) -> Action:
    assert len(result.actions) == 1, [action.key for action in result.actions]
    return result.actions[0]


def _state(result: Plan, invoice_id: str = "inv-1") -> Any:
    return next(state for state in result.invoices if state.id == invoice_id)


# -- the planning moment -----------------------------------------------------------------------


def test_now_none_takes_the_cases_now() -> None:
    result = plan(_case(), now=None)
    assert result.now == NOW
    assert _only(result).at == _at(3)


def test_an_explicit_now_overrides_the_cases_now() -> None:
    later = _at(12, 9)
    assert plan(_case(), now=later).now == later


def test_without_any_now_there_is_nothing_to_plan_for() -> None:
    data = _case()
    del data["now"]
    with pytest.raises(InvalidCaseError) as caught:
        plan(data, now=None)
    assert caught.value.field == "now"
    assert "no planning moment" in caught.value.problem


@pytest.mark.parametrize(
    "moment",
    [datetime(2026, 3, 3, 9, 0), "2026-03-03T09:00:00+01:00", date(2026, 3, 3)],  # noqa: DTZ001
)
def test_now_must_be_an_aware_datetime(moment: Any) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        plan(_case(), now=moment)
    assert caught.value.field == "now"


def test_now_in_another_zone_gives_the_same_plan_in_the_clients_offset() -> None:
    in_utc = plan(_case(), now=NOW.astimezone(ZoneInfo("UTC")))
    in_warsaw = plan(_case(), now=NOW)
    assert in_utc.actions == in_warsaw.actions
    assert _only(in_utc).at.utcoffset() == timedelta(hours=1)


def test_a_case_and_its_dict_give_the_same_bytes() -> None:
    data = _case()
    assert plan(data, now=None).to_json() == plan(Case.model_validate(data), now=None).to_json()
    assert plan(data, now=None).to_json() == plan(data, now=None).to_json()


# -- order and keys ----------------------------------------------------------------------------


def _two_zone_portfolio() -> dict[str, Any]:
    """Clients listed in an order unlike their actions': ties at one instant, several zones."""
    data = _case()
    data["clients"] = [
        {
            "id": "zeta",
            "name": "Zeta",
            "country": "PL",
            "timezone": "Europe/Warsaw",
            "contacts": {"email": "z@example.com"},
        },
        {
            "id": "nyc",
            "name": "NYC",
            "country": "US",
            "timezone": "America/New_York",
            "contacts": {"email": "n@example.com"},
        },
        {
            "id": "alpha",
            "name": "Alpha",
            "country": "PL",
            "timezone": "Europe/Warsaw",
            "contacts": {"email": "a@example.com"},
        },
    ]
    data["contracts"] = [
        {"id": "kz", "client": "zeta", "currency": "PLN", "payment_terms": "14d"},
        {"id": "kn", "client": "nyc", "currency": "USD", "payment_terms": "14d"},
        {"id": "ka", "client": "alpha", "currency": "PLN", "payment_terms": "14d"},
    ]
    data["invoices"] = [
        _invoice("z-1", contract="kz"),
        {**_invoice("n-1", contract="kn"), "currency": "USD"},
        _invoice("a-1", contract="ka"),
    ]
    return data


def test_actions_are_sorted_by_time_then_key() -> None:
    result = plan(_two_zone_portfolio(), now=None)
    order = [(action.at, action.key) for action in result.actions]
    assert order == sorted(order)
    assert [action.client for action in result.actions] == ["alpha", "zeta", "nyc"]
    # Same instant for alpha and zeta: the key decides, not the order of the case file.
    assert result.actions[0].at == result.actions[1].at
    assert result.actions[2].at == datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert result.actions[2].at.utcoffset() == timedelta(hours=-5)


@pytest.mark.parametrize(
    "moment",
    [_at(1, 9), _at(2, 9), _at(2, 23), _at(3, 9), _at(3, 9).replace(minute=59)],
)
def test_the_key_and_time_do_not_change_while_the_action_waits(moment: datetime) -> None:
    action = _only(plan(_case(), now=moment))
    assert action.key == "k1/inv-1/polite/1"
    assert action.at == _at(3)


def test_a_combined_action_key_names_every_contract_and_invoice() -> None:
    data = _case()
    data["contracts"].append(
        {"id": "k2", "client": "c1", "currency": "PLN", "payment_terms": "30d"}
    )
    data["invoices"] = [
        _invoice("inv-b", contract="k2", total="300.00"),
        _invoice("inv-a", total="1200.00"),
    ]
    action = _only(plan(data, now=None))
    assert action.key == "k1+k2/inv-a+inv-b/polite/1"
    assert action.invoices == ("inv-a", "inv-b")
    assert action.amounts is not None
    assert action.amounts.invoiced == Decimal("1500.00")
    assert action.amounts.total == Decimal("1500.00")


def test_the_attempt_number_is_the_last_part_of_the_key() -> None:
    data = _case(history=[_event("2026-03-03T10:00:00+01:00", "polite", outcome="bounced")])
    action = _only(plan(data, now=_at(4, 9)))
    assert action.key == "k1/inv-1/polite/2"
    assert action.step == "polite"
    assert action.channel == "sms"


# -- combining and spacing (rule 5) ------------------------------------------------------------


def test_invoices_at_the_same_step_go_in_one_message() -> None:
    data = _case(
        invoices=[
            _invoice("inv-1"),
            _invoice("inv-2", total="300.00"),
            _invoice("inv-3", total="45.50"),
        ]
    )
    action = _only(plan(data, now=None))
    assert action.invoices == ("inv-1", "inv-2", "inv-3")
    assert action.amounts is not None
    assert action.amounts.principal == Decimal("1545.50")
    assert "inv-2" in action.reason
    assert "inv-3" in action.reason


def _two_steps_at_once() -> dict[str, Any]:
    # inv-1 had its polite reminder on 24 Feb, so 'firm' falls on 3 March, the day inv-2's
    # 'polite' falls: two different messages for one client on one day.
    return _case(
        invoices=[_invoice("inv-1", due="2026-02-23"), _invoice("inv-2", total="300.00")],
        history=[_event("2026-02-24T10:00:00+01:00", "polite")],
    )


def test_different_steps_at_one_moment_go_as_one_message() -> None:
    """Rule 5: one contact covers the whole account, each invoice at its own step."""
    (action,) = plan(_two_steps_at_once(), now=None).actions
    assert (action.step, action.invoices, action.at) == ("firm", ("inv-1", "inv-2"), _at(3))
    assert action.key == "k1/inv-1+inv-2@polite/firm/1"
    assert [(own.invoice, own.step) for own in action.invoice_steps] == [
        ("inv-1", "firm"),
        ("inv-2", "polite"),
    ]
    assert "inv-2: at its own step 'polite'" in action.reason


def test_a_step_due_inside_min_gap_after_a_contact_waits_for_the_gap() -> None:
    """inv-2's 'polite' falls the day after inv-1's 'firm': not yet due at that contact (it
    would call a payment overdue before it is), so it comes min_gap later."""
    case = _two_steps_at_once()
    case["invoices"][1]["due"] = "2026-03-03"
    first, second = plan(case, now=None).actions
    assert (first.step, first.invoices, first.at) == ("firm", ("inv-1",), _at(3))
    assert (second.step, second.invoices, second.at) == ("polite", ("inv-2",), _at(6))
    assert "min_gap 3d after the message planned for 2026-03-03 10:00" in second.reason


def test_min_gap_counts_from_the_last_contact_on_record() -> None:
    data = _case(
        invoices=[_invoice("inv-1"), _invoice("inv-2", due="2026-02-20")],
        history=[_event("2026-03-02T15:00:00+01:00", "polite", invoices=("inv-2",))],
    )
    result = plan(data, now=None)
    action = next(action for action in result.actions if action.invoices == ("inv-1",))
    assert action.step == "polite"
    # Three days after the contact of 2 March, 15:00: 5 March, counted in whole days.
    assert action.at == _at(5)


# -- channels (rule 9) -------------------------------------------------------------------------

BOUNCED = _event("2026-03-03T10:00:00+01:00", "polite", outcome="bounced")


def test_a_bounced_channel_is_not_used_again() -> None:
    action = _only(plan(_case(history=[BOUNCED]), now=_at(12, 9)))
    assert (action.step, action.channel) == ("polite", "sms")


def test_the_next_channel_asks_to_verify_the_contact_details() -> None:
    action = _only(plan(_case(history=[BOUNCED]), now=_at(12, 9)))
    assert "verify" in action.reason
    assert "bounced" in action.reason


def test_a_later_delivered_email_mends_the_channel() -> None:
    delivered = _event("2026-03-05T10:00:00+01:00", "polite", outcome="delivered")
    action = _only(plan(_case(history=[BOUNCED, delivered]), now=_at(12, 9)))
    assert (action.step, action.channel) == ("firm", "email")


def test_a_bounce_from_an_old_address_does_not_break_the_new_one() -> None:
    old = _event("2026-03-03T10:00:00+01:00", "polite", outcome="bounced", to="old@example.com")
    action = _only(plan(_case(history=[old]), now=_at(12, 9)))
    assert (action.step, action.channel) == ("polite", "email")
    assert action.key == "k1/inv-1/polite/2"


def test_a_bounce_from_the_current_address_breaks_it() -> None:
    same = _event("2026-03-03T10:00:00+01:00", "polite", outcome="bounced", to="c1@example.com")
    action = _only(plan(_case(history=[same]), now=_at(12, 9)))
    assert action.channel != "email"


def test_a_step_is_given_up_after_max_attempts() -> None:
    history = [
        BOUNCED,
        _event("2026-03-06T10:00:00+01:00", "polite", channel="sms", outcome="failed"),
    ]
    result = plan(_case(history=history), now=_at(12, 9))
    action = _only(result)
    assert action.step == "firm"
    assert action.key == "k1/inv-1/firm/1"
    assert action.channel not in ("email", "sms")
    assert "given up" in action.reason
    assert _state(result).step == "polite"


def test_a_message_that_falls_back_to_the_phone_is_a_call_at_call_at() -> None:
    history = [
        BOUNCED,
        _event("2026-03-06T10:00:00+01:00", "polite", channel="sms", outcome="failed"),
    ]
    action = _only(plan(_case(history=history), now=_at(12, 9)))
    assert (action.kind, action.channel) == ("call", "phone")
    assert action.at.hour == 12


def test_with_no_working_contact_a_person_must_look() -> None:
    data = _case(history=[BOUNCED])
    data["clients"][0]["contacts"] = {"email": "c1@example.com"}
    action = _only(plan(data, now=_at(12, 9)))
    assert action.kind == "review"
    assert action.channel == "system"
    assert "verify the client's contact details" in action.reason


# -- what counts at `now` ----------------------------------------------------------------------


def test_payments_and_events_after_now_are_not_known_yet() -> None:
    data = _case(history=[_event("2026-03-04T10:00:00+01:00", "polite")])
    data["invoices"][0]["payments"] = [{"date": "2026-03-05", "amount": "1200.00"}]
    before = plan(data, now=None)
    action = _only(before)
    assert (action.step, action.at) == ("polite", _at(3))
    assert action.amounts is not None
    assert action.amounts.paid == 0
    assert _state(before).state == "overdue"
    assert _state(before).balance == Decimal("1200.00")
    after = plan(data, now=_at(5, 12))
    assert after.actions == ()
    assert _state(after).state == "paid"


def test_an_invoice_issued_after_now_is_a_draft_announced_from_its_issue_date() -> None:
    """A host sleeping until the plan's next action must not miss a draft's first step."""
    data = _case(invoices=[{**_invoice("inv-1", due="2026-03-24"), "issued": "2026-03-10"}])
    result = plan(data, now=None)
    assert [action.step for action in result.actions] == ["polite"]
    assert all(action.at.date() >= date(2026, 3, 10) for action in result.actions)
    assert _state(result).state == "draft"
    assert _state(result).next_review == date(2026, 3, 25)


def test_a_draft_is_reviewed_no_earlier_than_its_issue_date() -> None:
    """Rule 3: a step held back for a person is not reported before the invoice exists."""
    final = {**LADDER["steps"][2], "requires": ["balance_over:5000"]}
    legal = {**LADDER["steps"][3], "from": "due", "offset": "+45d"}
    policy = {**LADDER, "steps": [final, legal]}
    data = _case(policy, invoices=[{**_invoice("inv-1", due="2026-03-24"), "issued": "2026-03-10"}])
    (review,) = plan(data, now=None).actions
    assert review.key == "k1/inv-1/review:legal/1"
    assert review.at.date() == date(2026, 3, 10)


def test_a_disputed_draft_is_not_reviewed_before_it_is_issued() -> None:
    draft = {**_invoice("inv-1", due="2026-03-24"), "issued": "2026-03-10", "status": "disputed"}
    result = plan(_case(invoices=[draft]), now=None)
    assert result.actions == ()
    assert _state(result).state == "draft"


@pytest.mark.parametrize("status", ["cancelled", "written_off"])
def test_cancelled_and_written_off_invoices_get_nothing(status: str) -> None:
    data = _case(
        invoices=[{**_invoice("inv-1", due="2026-01-02"), "issued": "2026-01-01", "status": status}]
    )
    result = plan(data, now=None)
    assert result.actions == ()
    assert _state(result).state == status
    assert _state(result).days_overdue == 0


def test_a_paid_invoice_gets_nothing() -> None:
    data = _case()
    data["invoices"][0]["payments"] = [{"date": "2026-02-20", "amount": "1500.00"}]
    result = plan(data, now=None)
    assert result.actions == ()
    assert _state(result).state == "paid"
    assert _state(result).balance == 0


# -- disputes, replies, requirements (rules 7, 8) ----------------------------------------------


def test_a_partial_dispute_reviews_it_and_chases_the_rest() -> None:
    dispute = _event(
        "2026-03-02T15:00:00+01:00",
        kind="dispute",
        direction="in",
        outcome=None,
        dispute={"amount": "200.00", "reason": "one item missing"},
    )
    result = plan(_case(history=[dispute]), now=None)
    review = next(action for action in result.actions if action.kind == "review")
    reminder = next(action for action in result.actions if action.kind == "send_reminder")
    assert review.key == "k1/inv-1/review:dispute/1"
    assert review.channel == "system"
    assert "200.00" in review.reason
    assert "one item missing" in review.reason
    assert reminder.step == "polite"
    assert reminder.amounts is not None
    assert reminder.amounts.principal == Decimal("1000.00")
    assert reminder.amounts.total == Decimal("1000.00")
    assert reminder.amounts.invoiced == Decimal("1200.00")
    assert _state(result).balance == Decimal("1200.00")


def test_a_whole_dispute_stops_the_reminders() -> None:
    dispute = _event("2026-03-02T15:00:00+01:00", kind="dispute", direction="in", outcome=None)
    result = plan(_case(history=[dispute]), now=None)
    assert [action.kind for action in result.actions] == ["review"]
    assert _state(result).state == "disputed"


def test_an_invoice_marked_disputed_is_reviewed_not_chased() -> None:
    data = _case(invoices=[{**_invoice("inv-1"), "status": "disputed"}])
    action = _only(plan(data, now=None))
    assert action.kind == "review"
    assert "marked disputed" in action.reason


REPLIED = [_event("2026-03-03T10:00:00+01:00", "polite"), _reply("2026-03-04T10:00:00+01:00")]


def test_a_step_that_requires_no_reply_is_skipped_after_a_reply() -> None:
    action = _only(plan(_case(history=REPLIED), now=_at(12, 9)))
    assert action.step == "final"
    assert action.kind == "send_letter"


def test_the_skipped_step_is_named_in_the_reason() -> None:
    action = _only(plan(_case(history=REPLIED), now=_at(12, 9)))
    assert "'firm' skipped" in action.reason


def test_a_reply_about_another_invoice_does_not_skip_the_step() -> None:
    data = _case(
        invoices=[_invoice("inv-1"), _invoice("inv-2", due="2026-04-30")],
        history=[REPLIED[0], {**REPLIED[1], "invoices": ["inv-2"]}],
    )
    result = plan(data, now=_at(12, 9))
    assert [action.step for action in result.actions if "inv-1" in action.invoices] == ["firm"]


def test_a_reply_pauses_the_next_message() -> None:
    data = _case(
        history=[_event("2026-03-03T10:00:00+01:00", "polite"), _reply("2026-03-09T11:00:00+01:00")]
    )
    data["policy"]["steps"][1]["requires"] = []
    action = _only(plan(data, now=_at(10, 9)))
    assert action.step == "firm"
    assert action.at >= _at(16)  # five business days after Monday 9 March


# -- guards on escalation and suspension (rules 4, 10) -----------------------------------------


def test_escalation_without_a_final_notice_is_a_review() -> None:
    policy = copy.deepcopy(LADDER)
    policy["steps"][2]["requires"] = ["balance_over:5000"]  # the final notice never applies
    policy["steps"][3] = {
        "id": "legal",
        "from": "due",
        "offset": "+45d",
        "action": "escalate",
        "tone": "legal",
    }
    data = _case(
        policy,
        history=[
            _event("2026-03-03T10:00:00+01:00", "polite"),
            _event("2026-03-10T10:00:00+01:00", "firm"),
        ],
    )
    result = plan(data, now=_at(20, 9, month=4))
    action = _only(result)
    assert action.kind == "review"
    assert action.key == "k1/inv-1/review:legal/1"
    assert "no final notice" in action.reason
    assert all(action.kind != "escalate" for action in result.actions)


def test_escalation_from_a_deadline_never_stated_is_a_review() -> None:
    policy = copy.deepcopy(LADDER)
    policy["steps"][2]["requires"] = ["balance_over:5000"]
    data = _case(
        policy,
        history=[
            _event("2026-03-03T10:00:00+01:00", "polite"),
            _event("2026-03-10T10:00:00+01:00", "firm"),
        ],
    )
    action = _only(plan(data, now=_at(20, 9, month=4)))
    assert action.kind == "review"
    assert "deadline" in action.reason


def test_escalation_waits_for_the_stated_deadline() -> None:
    history = [
        _event("2026-03-03T10:00:00+01:00", "polite"),
        _event("2026-03-10T10:00:00+01:00", "firm"),
        _event(
            "2026-04-01T10:00:00+02:00",
            "final",
            kind="letter",
            channel="registered_letter",
            deadline="2026-04-15",
        ),
    ]
    early = _only(plan(_case(history=history), now=_at(2, 9, month=4)))
    assert early.kind == "escalate"
    assert early.at.date() == date(2026, 4, 16)


SAAS_HISTORY = [
    _event("2026-03-03T10:00:00+01:00", "notice"),
    _event("2026-03-17T10:00:00+01:00", "warning", deadline="2026-03-20"),
]


def test_suspension_without_a_contract_clause_is_skipped() -> None:
    action = _only(plan(_case("saas", history=SAAS_HISTORY), now=_at(15, 9, month=4)))
    assert action.kind != "suspend_service"
    assert action.step == "final"
    assert "'suspend' skipped: the contract has no suspension clause" in action.reason


def test_suspension_with_a_clause_suspends() -> None:
    data = _case("saas", history=SAAS_HISTORY)
    data["contracts"][0]["suspension"] = {"after": "14d", "warnings": 2}
    action = _only(plan(data, now=_at(15, 9, month=4)))
    assert action.kind == "suspend_service"
    assert action.channel == "system"


# -- calendars ---------------------------------------------------------------------------------


class _ShutdownCalendar:
    """Weekends off, and the whole week of 2 March 2026 (a company shutdown)."""

    def __init__(self) -> None:
        self.asked: list[date] = []

    def is_business_day(self, day: date, /) -> bool:
        self.asked.append(day)
        return day.weekday() < 5 and not date(2026, 3, 2) <= day <= date(2026, 3, 6)


def test_a_host_calendar_is_honoured() -> None:
    calendar = _ShutdownCalendar()
    requested: list[tuple[str, str | None]] = []

    def factory(country: str, subdivision: str | None) -> _ShutdownCalendar:
        requested.append((country, subdivision))
        return calendar

    data = _case()
    data["clients"][0]["subdivision"] = "14"
    action = _only(plan(data, now=None, calendars=factory))
    assert action.at == _at(9)
    assert requested == [("PL", "14")]
    assert calendar.asked


def test_a_failing_host_calendar_is_a_plugin_error() -> None:
    def broken(country: str, subdivision: str | None) -> Any:
        raise RuntimeError("calendar service is down")

    with pytest.raises(PluginError) as caught:
        plan(_case(), now=None, calendars=broken)
    assert "calendar service is down" in caught.value.problem
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert caught.value.field is not None
    assert caught.value.field == "clients[0].country"


@pytest.mark.parametrize(
    ("country", "zone", "due", "polite"),
    [
        # 10 business days from Friday 24 April: Poland rests on 1 May, the US does not.
        ("PL", "Europe/Warsaw", date(2026, 5, 11), date(2026, 5, 12)),
        ("US", "America/New_York", date(2026, 5, 8), date(2026, 5, 11)),  # Saturday → Monday
    ],
)
def test_terms_in_business_days_follow_the_clients_calendar(
    country: str, zone: str, due: date, polite: date
) -> None:
    data = _case()
    data["clients"][0].update(country=country, timezone=zone)
    data["contracts"][0]["payment_terms"] = "10bd"
    invoice = data["invoices"][0]
    del invoice["due"]
    invoice["issued"] = "2026-04-24"
    result = plan(data, now=datetime(2026, 4, 25, 9, 0, tzinfo=ZoneInfo(zone)))
    assert _state(result).due == due
    assert _only(result).at.date() == polite


# -- grace -------------------------------------------------------------------------------------

DUE_DAY: dict[str, Any] = {
    "id": "due_day",
    "from": "due",
    "offset": "0d",
    "action": "send_reminder",
    "channels": ["email"],
}


def test_grace_delays_post_due_steps() -> None:
    data = _case()
    data["contracts"][0]["grace"] = "3d"
    action = _only(plan(data, now=None))
    assert action.step == "polite"
    assert action.at == _at(6)  # due 2 March + 3 days' grace + 1 day


def test_grace_does_not_delay_the_due_day_step() -> None:
    policy = copy.deepcopy(LADDER)
    policy["steps"].insert(0, DUE_DAY)
    data = _case(policy)
    data["contracts"][0]["grace"] = "3d"
    action = _only(plan(data, now=_at(27, 9, month=2)))
    assert (action.step, action.at) == ("due_day", _at(2))


def test_grace_counts_the_next_step_after_the_due_day() -> None:
    policy = copy.deepcopy(LADDER)
    policy["steps"].insert(0, DUE_DAY)
    data = _case(policy, history=[_event("2026-03-02T10:00:00+01:00", "due_day")])
    data["contracts"][0]["grace"] = "3d"
    action = _only(plan(data, now=_at(2, 11)))
    assert (action.step, action.at) == ("polite", _at(6))


# -- pre-due steps (SPEC §4: they expire at the due date) --------------------------------------


def _with_pre_due() -> dict[str, Any]:
    policy = copy.deepcopy(LADDER)
    policy["steps"].insert(0, PRE_DUE)
    return _case(policy)


def test_a_pre_due_reminder_comes_before_the_due_date() -> None:
    action = _only(plan(_with_pre_due(), now=_at(20, 9, month=2)))
    assert (action.step, action.key) == ("pre_due", "k1/inv-1/pre_due/1")
    assert action.at == _at(27, month=2)  # Friday, three days before Monday 2 March


def test_a_missed_pre_due_reminder_is_not_sent_late() -> None:
    action = _only(plan(_with_pre_due(), now=None))
    assert action.step == "polite"


def test_min_gap_never_pushes_a_pre_due_reminder_to_the_due_date() -> None:
    data = _with_pre_due()
    data["invoices"].append(_invoice("inv-2", due="2026-03-06", total="300.00"))
    result = plan(data, now=None)
    for action in result.actions:
        if action.step == "pre_due":
            assert action.at.date() < date(2026, 3, 6), action


def test_one_clients_many_invoices_are_planned_without_comparing_them_pairwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reliability review D7: clustering by `m not in joined` made 500 501 model comparisons
    for 1 000 invoices (5 s). Grouping by key keeps planning linear within a client."""
    portfolio = json.loads((REPO / "examples" / "portfolio.json").read_text(encoding="utf-8"))
    invoice = next(i for i in portfolio["invoices"] if i["id"] == "pl-2026-021")
    portfolio["invoices"] += [
        {**copy.deepcopy(invoice), "id": f"pl-x{k}", "number": f"FV/X/{k}"} for k in range(1000)
    ]
    case = Case.model_validate(portfolio)
    comparisons = 0
    compare = pydantic.BaseModel.__eq__

    def counting(self: pydantic.BaseModel, other: object) -> bool:
        nonlocal comparisons
        comparisons += 1
        return compare(self, other)

    monkeypatch.setattr(pydantic.BaseModel, "__eq__", counting)
    planned = plan(case, now=None)
    assert any(len(a.invoices) > 1000 for a in planned.actions)  # one message for them all
    assert comparisons <= 5 * len(case.invoices)
