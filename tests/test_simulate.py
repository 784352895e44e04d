"""`simulate()`, its timeline, script, chart and ``paychase simulate``.

The ladders below are computed by hand from src/paychase/policy/builtin/*.json for one invoice of
1200.00 PLN issued on Monday 2 March 2026 and due on Monday 16 March, for a client in Warsaw
(CET until 29 March, CEST after; Easter Monday 6 April is a Polish holiday, Good Friday is not).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from paychase import ActionKind, Case, ContactEvent, builtin_policy, plan
from paychase.cli import _main as _cli
from paychase.cli._simulate import parse_cadence, parse_until
from paychase.errors import InvalidCaseError, PluginError
from paychase.messages._render import Renderer
from paychase.simulation import _chart
from paychase.simulation import _simulate as simulation
from paychase.simulation._chart import timeline_chart
from paychase.simulation._script import Behaviour, Move, load_script, parse_script
from paychase.simulation._simulate import SimulationError, simulate
from paychase.simulation._timeline import SimulationEntry, Timeline

Json = dict[str, Any]

START = datetime.fromisoformat("2026-03-02T09:00:00+01:00")
REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "portfolio.json"
SCRIPTS = REPO / "examples" / "scripts"
POLICIES = ("freelancer", "b2b_strict", "saas", "tradesperson")
# Compiling the built-in templates is most of the cost of rendering subjects: compile once.
RENDERER = Renderer()
# What must never concern an invoice once it is paid in full (rule 2): every outbound contact,
# every fee, sanction and escalation. Reviews and undoing a sanction are allowed.
DUNNING = frozenset(
    {
        "send_reminder",
        "send_letter",
        "call",
        "apply_fee",
        "pause_work",
        "suspend_service",
        "escalate",
    }
)


def one_invoice(policy: str = "freelancer", *, sender: bool = False, **contract: Any) -> Json:
    """Client c1 in Warsaw (e-mail, SMS, phone, post) owes inv-1: 1200.00 PLN due 16 March."""
    terms: Json = {"id": "k1", "client": "c1", "currency": "PLN", **contract}
    if policy == "saas":
        terms.setdefault("suspension", {"after": "21d", "warnings": 2})
    case: Json = {
        "version": 1,
        "policy": policy,
        "clients": [
            {
                "id": "c1",
                "name": "Studio Kowalski",
                "country": "PL",
                "timezone": "Europe/Warsaw",
                "locale": "en",
                "contacts": {
                    "email": "c1@example.com",
                    "sms": "+48 600 100 200",
                    "phone": "+48 22 100 200",
                    "postal": "ul. Hoża 1, 00-001 Warszawa",
                },
            }
        ],
        "contracts": [terms],
        "invoices": [
            {
                "id": "inv-1",
                "contract": "k1",
                "issued": "2026-03-02",
                "due": "2026-03-16",
                "total": "1200.00",
                "currency": "PLN",
            }
        ],
    }
    if sender:
        case["sender"] = {"name": "Studio Lumen", "email": "marta@lumen.example"}
    return case


def with_second_invoice(case: Json) -> Json:
    """`case` plus inv-2 of the same client: 300.00 PLN issued 9 March, due 23 March."""
    second = case["invoices"][0] | {
        "id": "inv-2",
        "issued": "2026-03-09",
        "due": "2026-03-23",
        "total": "300.00",
    }
    return case | {"invoices": [*case["invoices"], second]}


def run(case: Json | Case, days: int = 90, **options: Any) -> Timeline:
    return simulate(case, now=START, until=START + timedelta(days=days), **options)


def performed(timeline: Timeline) -> list[tuple[str, str | None]]:
    """(local time, key) of every action performed, in order."""
    return [
        (entry.at.isoformat(timespec="minutes"), entry.key)
        for entry in timeline.entries
        if entry.key is not None and entry.what != "review"
    ]


def pays(day: int | None, invoice: str = "inv-1") -> tuple[Behaviour, ...]:
    """c1 pays `invoice` in full as day `day` after the start begins (no move for None)."""
    if day is None:
        return ()
    return parse_script([{"on": f"+{day}d", "client": "c1", "do": "pay", "invoice": invoice}])


# -- the built-in ladders, one unpaid invoice ------------------------------------------------

FREELANCER_90_DAYS = [
    ("2026-03-13T10:00+01:00", "k1/inv-1/pre_due/1"),  # due -3d, a Friday
    ("2026-03-17T10:00+01:00", "k1/inv-1/polite/1"),  # due +1d
    ("2026-03-24T10:00+01:00", "k1/inv-1/firm/1"),  # previous +7d; deadline 5bd: 31 March
    ("2026-03-31T12:00+02:00", "k1/inv-1/check_call/1"),  # previous +1w@TU, call_at, no answer
    ("2026-04-03T12:00+02:00", "k1/inv-1/check_call/2"),  # again after min_gap 3d: given up
    ("2026-04-07T10:00+02:00", "k1/inv-1/with_fee/1"),  # due +21d = Easter Monday: next day
    ("2026-04-15T10:00+02:00", "k1/inv-1/overdue_30/1"),
    ("2026-05-15T10:00+02:00", "k1/inv-1/overdue_60/1"),
]
FREELANCER_TO_THE_END = [
    *FREELANCER_90_DAYS,
    ("2026-06-15T10:00+02:00", "k1/inv-1/overdue_90/1"),  # due +90d = a Sunday: Monday
    ("2026-06-22T10:00+02:00", "k1/inv-1/final/1"),  # previous +7d; deadline 14d: 6 July
    ("2026-07-07T10:00+02:00", "k1/inv-1/legal/1"),  # deadline +1d
]
B2B_STRICT_90_DAYS = [
    ("2026-03-11T12:00+01:00", "k1/inv-1/pre_due_call/1"),  # due -3bd, no answer
    ("2026-03-12T12:00+01:00", "k1/inv-1/pre_due_call/2"),  # min_gap 1d: given up
    ("2026-03-16T12:00+01:00", "k1/inv-1/due_day_call/1"),  # a second try would be too late
    ("2026-03-17T09:00+01:00", "k1/inv-1/demand_letter/1"),  # due +1d: min_gap 1d in whole days
    ("2026-03-18T12:00+01:00", "k1/inv-1/payment_call/1"),  # previous +1bd
    ("2026-03-19T12:00+01:00", "k1/inv-1/payment_call/2"),
    ("2026-03-20T12:00+01:00", "k1/inv-1/follow_up_call/1"),
    ("2026-03-23T12:00+01:00", "k1/inv-1/follow_up_call/2"),  # Saturday 21st: Monday
    ("2026-03-24T09:00+01:00", "k1/inv-1/formal_claim/1"),  # deadline 7d: 31 March
    ("2026-04-01T09:00+02:00", "k1/inv-1/legal/1"),  # deadline +1d at send_at
]


def test_freelancer_ladder_over_90_days() -> None:
    assert performed(run(one_invoice("freelancer"))) == FREELANCER_90_DAYS


def test_freelancer_ladder_runs_to_escalation_and_stops_there() -> None:
    timeline = run(one_invoice("freelancer"), days=160)
    assert performed(timeline) == FREELANCER_TO_THE_END
    final = next(e for e in timeline.entries if e.step == "final")
    assert (final.channel, final.outcome, str(final.deadline)) == (
        "registered_letter",
        "delivered",
        "2026-07-06",
    )
    assert timeline.entries[-1].what == "escalate"
    assert [state.state for state in timeline.invoices] == ["escalated"]


def test_b2b_strict_ladder_over_90_days() -> None:
    timeline = run(one_invoice("b2b_strict"))
    assert performed(timeline) == B2B_STRICT_90_DAYS
    calls = [e.outcome for e in timeline.entries if e.what == "call"]
    assert set(calls) == {"no_answer"}


@pytest.mark.parametrize("policy", POLICIES)
def test_every_ladder_advances_in_order_and_ends_in_escalation(policy: str) -> None:
    timeline = run(one_invoice(policy), days=160)
    ladder = [step.id for step in Case.model_validate(one_invoice(policy)).policy.steps]
    positions = [ladder.index(e.step) for e in timeline.entries if e.step in ladder]
    assert positions == sorted(positions)
    assert timeline.entries[-1].step == "legal"
    keys = timeline.performed
    assert len(keys) == len(set(keys))


def test_saas_suspends_after_two_warnings_and_restores_on_payment() -> None:
    unpaid = run(one_invoice("saas"))
    assert [e.step for e in unpaid.entries] == ["notice", "warning", "suspend", "final", "legal"]
    suspend = next(e for e in unpaid.entries if e.what == "suspend_service")
    assert suspend.at.isoformat() == "2026-04-07T10:00:00+02:00"  # due +21d, after Easter
    paid = run(one_invoice("saas"), script=pays(40))  # Saturday 11 April
    whats = [e.what for e in paid.entries]
    after = paid.entries[whats.index("pay") :]
    assert [e.what for e in after] == ["pay", "restore_service"]
    assert after[0].at.isoformat() == "2026-04-11T00:00:00+02:00"
    # Rule 3 keeps even a system action out of weekends and quiet hours: Monday 08:00.
    assert after[1].at.isoformat() == "2026-04-13T08:00:00+02:00"


def test_tradesperson_calls_at_half_past_five_and_settles_up_on_the_issue_day() -> None:
    timeline = run(one_invoice("tradesperson"))
    first = timeline.entries[0]
    assert (first.step, first.channel, first.at.isoformat()) == (
        "settle_up",
        "sms",
        "2026-03-02T09:00:00+01:00",
    )
    calls = [e.at.strftime("%H:%M") for e in timeline.entries if e.what == "call"]
    assert calls == ["17:30", "17:30"]


def test_an_invoice_issued_later_is_chased_from_its_issue_day() -> None:
    case = one_invoice("tradesperson")
    case["invoices"][0] |= {"issued": "2026-03-09", "due": "2026-03-23"}
    timeline = run(case, days=20)
    assert performed(timeline)[0] == ("2026-03-09T09:00+01:00", "k1/inv-1/settle_up/1")


# -- scripted clients ------------------------------------------------------------------------


@settings(max_examples=20)
@given(policy=st.sampled_from(POLICIES), day=st.integers(min_value=0, max_value=89))
def test_nothing_is_sent_about_an_invoice_after_it_is_paid_in_full(policy: str, day: int) -> None:
    case = with_second_invoice(
        one_invoice(policy, late_fee={"kind": "statutory"}, fixed_compensation=True)
    )
    timeline = run(case, script=pays(day))
    payment = next(e for e in timeline.entries if e.what == "pay")
    after = [e for e in timeline.entries if e.at >= payment.at and "inv-1" in e.invoices]
    assert not [e.key for e in after if e.what in DUNNING]
    assert timeline.invoices[0].state == "paid"


def test_a_payment_in_part_leaves_the_rest_chased() -> None:
    script = parse_script([{"on": "+16d", "client": "c1", "do": "pay_in_part", "amount": "200"}])
    timeline = run(one_invoice(), script=script)
    move = next(e for e in timeline.entries if e.what == "pay_in_part")
    assert (move.amount, move.currency) == (Decimal("200.00"), "PLN")
    assert "1000.00 PLN left" in move.reason
    later = [e for e in timeline.entries if e.at > move.at and e.what == "send_reminder"]
    assert later
    assert all(e.amount == 1000 for e in later)


def test_a_promise_holds_the_ladder_until_its_date_plus_grace() -> None:
    promise = {"on": "+20d", "client": "c1", "do": "promise", "date": "2026-03-31"}
    timeline = run(one_invoice(grace="3d"), script=parse_script([promise]))
    made = next(e for e in timeline.entries if e.what == "promise")
    assert made.at.isoformat() == "2026-03-22T00:00:00+01:00"
    # Held until 31 March + 3 days of grace; Saturday 4 April, Easter Monday: Tuesday 7th.
    held_until = datetime.fromisoformat("2026-04-04T00:00:00+02:00")
    contacts = [e for e in timeline.entries if e.what in DUNNING and e.at > made.at]
    assert contacts
    assert all(e.at >= held_until for e in contacts)
    assert (contacts[0].step, contacts[0].at.isoformat()) == (
        "firm",  # the broken promise is no reply that would pass it over
        "2026-04-07T10:00:00+02:00",
    )
    assert "the promise made on 2026-03-22 to pay it by 2026-03-31 was broken" in contacts[0].reason


def test_a_kept_promise_ends_the_chase() -> None:
    script = parse_script(
        [
            {"on": "+20d", "client": "c1", "do": "promise", "date": "+9d"},
            {"on": "2026-03-31", "client": "c1", "do": "pay"},
        ]
    )
    timeline = run(one_invoice(grace="3d"), script=script)
    assert [e.what for e in timeline.entries][-2:] == ["promise", "pay"]


def test_a_bounce_switches_channel() -> None:
    bounce = {"on": "+14d", "client": "c1", "do": "bounce"}  # e-mail dies on the due date
    timeline = run(one_invoice(), days=40, script=parse_script([bounce]))
    polite = [(e.key, e.channel, e.outcome) for e in timeline.entries if e.step == "polite"]
    assert polite == [
        ("k1/inv-1/polite/1", "email", "bounced"),
        ("k1/inv-1/polite/2", "sms", "delivered"),
    ]
    later = [e for e in timeline.entries if e.at > START + timedelta(days=14) and e.key]
    assert {e.channel for e in later} == {"email", "sms", "phone", "letter"}
    assert [e.key for e in later if e.channel == "email"] == ["k1/inv-1/polite/1"]
    assert "verify the client's contact details" in timeline.entries[3].reason


def test_a_client_who_answers_the_phone_is_reached_by_the_first_call() -> None:
    answers = {"on": "+0d", "client": "c1", "do": "reply", "channel": "phone"}
    timeline = run(one_invoice("b2b_strict"), script=parse_script([answers]))
    calls = [(e.key, e.outcome) for e in timeline.entries if e.what == "call"]
    assert calls[0] == ("k1/inv-1/pre_due_call/1", "answered")
    assert calls[1][0] == "k1/inv-1/due_day_call/1"


def test_a_reply_pauses_escalation_and_a_dispute_plans_one_review() -> None:
    script = parse_script(
        [
            {"on": "+18d", "client": "c1", "do": "reply"},
            {"on": "+30d", "client": "c1", "do": "dispute", "amount": "1200", "reason": "scope"},
        ]
    )
    timeline = run(one_invoice(), script=script)
    reply = next(e for e in timeline.entries if e.what == "reply")
    after = [e for e in timeline.entries if e.at > reply.at and e.what in DUNNING]
    # reply_pause 5bd from Friday 20 March; 'firm' requires no reply and is skipped.
    assert after[0].at.isoformat() == "2026-03-27T12:00:00+01:00"
    assert "firm" not in {e.step for e in timeline.entries}
    reviews = [e for e in timeline.entries if e.what == "review"]
    assert len(reviews) == 1
    assert "the client disputed 1200" in reviews[0].reason
    assert not [e for e in timeline.entries if e.at > reviews[0].at and e.what in DUNNING]


def test_the_same_input_gives_the_same_timeline() -> None:
    script = parse_script(
        [
            {"on": "+20d", "client": "c1", "do": "pay_in_part", "amount": "100.00"},
            {"on": "+25d", "client": "c1", "do": "bounce", "channel": "email"},
        ]
    )
    case = one_invoice(sender=True)
    first = run(case, script=script, renderer=RENDERER).to_json()
    assert first == run(case, script=script, renderer=Renderer()).to_json()
    assert json.loads(first)["entries"][0]["subject"]


# -- the example portfolio -----------------------------------------------------------------


@pytest.fixture(scope="module")
def portfolio() -> Timeline:
    case = Case.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert case.now is not None
    return simulate(case, until=case.now + timedelta(days=90), renderer=RENDERER)


def test_portfolio_timeline_is_in_order_with_subjects_in_each_language(
    portfolio: Timeline,
) -> None:
    moments = [entry.at for entry in portfolio.entries]
    assert moments == sorted(moments)
    subjects = " ".join(e.subject for e in portfolio.entries if e.subject)
    for word in ("Invoice", "Faktura", "Rechnung", "Счёт", "Τιμολόγιο"):
        assert word in subjects
    assert len(portfolio.performed) == len(set(portfolio.performed))


def test_portfolio_settled_invoices_are_left_alone(portfolio: Timeline) -> None:
    settled = {s.id for s in portfolio.invoices if s.state in ("paid", "cancelled")}
    assert settled == {"pl-2026-004", "gr-2026-118", "gb-0031", "gb-0040", "us-098"}
    touched = [e for e in portfolio.entries if e.what in DUNNING and settled & set(e.invoices)]
    assert touched == []


def test_portfolio_reviews_are_shown_once(portfolio: Timeline) -> None:
    reviews = [e.key for e in portfolio.entries if e.what == "review"]
    assert reviews
    assert len(reviews) == len(set(reviews))
    assert "brightline-identity/us-117/review:dispute/1" in reviews


def test_portfolio_text_groups_entries_by_day(portfolio: Timeline) -> None:
    text = portfolio.text()
    assert text.startswith("Simulation under policy 'freelancer' from 2026-03-10 09:00+01:00")
    assert "\nTue 2026-03-10\n" in text
    assert "“Stage payment: Logo concepts”" in text
    assert "  us-117           overdue" in text


# -- run-frequency independence ------------------------------------------------------------


def _days(timeline: Timeline) -> set[tuple[str, date]]:
    """(key, local day) of every action performed: what must not depend on the cadence."""
    return {
        (entry.key, entry.at.date())
        for entry in timeline.entries
        if entry.key is not None and entry.what != "review"
    }


def _window_hours(policy: str) -> tuple[int, int]:
    """The hours a daily run may start at for the policy: inside its contact window, even
    once summer time moves the run an hour later on the client's clock (a cron in UTC)."""
    quiet = builtin_policy(policy).quiet_hours
    if quiet is None:
        return 0, 22
    opens, closes = quiet[1], quiet[0]
    return opens.hour + (1 if opens.minute else 0), closes.hour - 2


CADENCES = {"15 minutes": timedelta(minutes=15), "hour": timedelta(hours=1), "day": timedelta(1)}


@st.composite
def host_runs(draw: st.DrawFn) -> tuple[str, int | None, bool, str, datetime]:
    """A policy, a payment day (or none), one or two invoices, a cadence, and the moment the
    runs start: any minute, and for a daily run a minute inside the contact window."""
    policy = draw(st.sampled_from(POLICIES))
    every = draw(st.sampled_from(sorted(CADENCES)))
    hours = _window_hours(policy) if every == "day" else (0, 23)
    start = datetime(
        2026, 3, 2, draw(st.integers(*hours)), draw(st.integers(0, 59)), tzinfo=START.tzinfo
    )
    paid = draw(st.none() | st.integers(min_value=0, max_value=29))
    return policy, paid, draw(st.booleans()), every, start


@settings(max_examples=12)
@given(host_runs())
@example(("b2b_strict", None, False, "hour", START))
@example(("tradesperson", 3, True, "day", START))
@example(("tradesperson", None, True, "day", START))
def test_the_plan_does_not_depend_on_how_often_the_host_runs(
    runs: tuple[str, int | None, bool, str, datetime],
) -> None:
    """Issue 15, item 3: the actions performed, and their local days, are the same for a run
    every 15 minutes, every hour, once a day inside the contact window, and an event-driven
    loop — pre-due reminders and due-day calls included, whatever minute the runs start at."""
    policy, paid, second, every, start = runs
    case = one_invoice(policy, late_fee={"kind": "statutory"}, fixed_compensation=True)
    case = with_second_invoice(case) if second else case
    until = datetime(2026, 4, 1, 23, 59, tzinfo=START.tzinfo)  # whole days: the last one too
    script = pays(paid)
    event_driven = simulate(case, now=start, until=until, script=script)
    cron = simulate(case, now=start, until=until, script=script, cadence=CADENCES[every])
    assert _days(cron) == _days(event_driven)


def test_a_daily_run_sends_the_pre_due_reminder_and_the_due_day_call() -> None:
    """Once lost: a 09:00 run found the pre-due reminder (10:00) and the due-day call (12:00)
    not yet due, and the next day's run found them expired."""
    case = one_invoice("b2b_strict")
    start = datetime.fromisoformat("2026-03-02T09:00:00+01:00")
    daily = simulate(case, now=start, until=start + timedelta(days=20), cadence=timedelta(1))
    steps: dict[str | None, datetime] = {}
    for entry in daily.entries:
        if entry.key is not None:
            steps.setdefault(entry.step, entry.at)  # the first attempt
    assert steps["pre_due_call"].date() == date(2026, 3, 11)  # due -3bd
    assert steps["due_day_call"].date() == date(2026, 3, 16)  # the due date
    assert steps["due_day_call"].hour == 9  # the run's hour: before call_at, on its day


def test_performing_one_action_at_a_time_books_every_fee() -> None:
    case = Case.model_validate(
        one_invoice("b2b_strict", late_fee={"kind": "statutory"}, fixed_compensation=True)
    )
    history = [
        _done(key, at, "no_answer")
        for key, at in (
            ("k1/inv-1/pre_due_call/1", "2026-03-11T12:00:00+01:00"),
            ("k1/inv-1/pre_due_call/2", "2026-03-12T12:00:00+01:00"),
            ("k1/inv-1/due_day_call/1", "2026-03-16T12:00:00+01:00"),
        )
    ]
    moment = datetime.fromisoformat("2026-03-17T12:00:00+01:00")
    before = case.model_copy(update={"history": tuple(history)})
    due = [a.key for a in plan(before, now=moment).actions if a.at <= moment]
    assert due[:2] == ["k1/inv-1/demand_letter/1", "k1/inv-1/fee:demand_letter/1"]
    letter = _done("k1/inv-1/demand_letter/1", moment.isoformat(), "delivered", kind="letter")
    after = before.model_copy(update={"history": (*history, letter)})
    assert "k1/inv-1/fee:demand_letter/1" in [a.key for a in plan(after, now=moment).actions]


def test_a_plan_announces_an_invoice_issued_later() -> None:
    case = one_invoice("tradesperson")
    case["invoices"][0] |= {"issued": "2026-03-09", "due": "2026-03-23"}
    result = plan(case, now=START)
    assert result.actions or result.invoices[0].next_review is not None


def test_a_late_booking_counts_payments_and_interest_to_its_own_date() -> None:
    """The fee of a letter sent on 17 March, booked on 20 March after a part payment on the
    19th: interest runs to the booking's date (rule 6), on what was unpaid each day."""
    case = one_invoice("b2b_strict", late_fee={"kind": "statutory"})
    case["invoices"][0]["payments"] = [{"date": "2026-03-19", "amount": "200.00"}]
    letter = _done(
        "k1/inv-1/demand_letter/1", "2026-03-17T10:00:00+01:00", "delivered", kind="letter"
    )
    later = Case.model_validate(case).model_copy(update={"history": (letter,)})
    moment = datetime.fromisoformat("2026-03-20T12:00:00+01:00")
    booking = next(a for a in plan(later, now=moment).actions if "/fee:" in a.key)
    assert booking.amounts is not None
    assert booking.amounts.paid == Decimal("200.00")
    (interest,) = booking.charges
    assert interest.as_of.isoformat() == "2026-03-20"
    assert "as of 2026-03-20" in booking.reason
    assert "with the message sent on 2026-03-17" in booking.reason


def _done(key: str, at: str, outcome: str, *, kind: str = "call") -> ContactEvent:
    """The event recording that the action `key` was performed at `at`."""
    return ContactEvent.model_validate(
        {
            "at": at,
            "client": "c1",
            "invoices": ["inv-1"],
            "direction": "out",
            "kind": kind,
            "step": key.split("/")[2],
            "channel": "phone" if kind == "call" else "email",
            "key": key,
            "outcome": outcome,
        }
    )


# -- guards ----------------------------------------------------------------------------------


def test_a_planner_that_plans_a_performed_key_again_is_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = plan

    def stuck(case: Case, *, now: datetime) -> Any:
        result = real(case, now=START)
        return result.model_copy(update={"actions": result.actions[:1], "now": now})

    monkeypatch.setattr(simulation, "plan", stuck)
    case = one_invoice()
    case["invoices"][0]["issued"] = "2026-02-20"
    with pytest.raises(SimulationError, match="planner bug") as caught:
        run(case)
    assert caught.value.value == "k1/inv-1/pre_due/1"


def test_a_simulation_that_never_settles_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(simulation, "MAX_STEPS", 3)
    with pytest.raises(SimulationError, match="more than 3 actions"):
        run(one_invoice())


@pytest.mark.parametrize(
    ("until", "field"),
    [(START, "until"), (START.replace(tzinfo=None) + timedelta(days=1), "until")],
)
def test_a_bad_end_is_refused(until: datetime, field: str) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        simulate(one_invoice(), now=START, until=until)
    assert caught.value.field == field


def test_a_bad_cadence_is_refused() -> None:
    with pytest.raises(InvalidCaseError) as caught:
        run(one_invoice(), cadence=timedelta(0))
    assert caught.value.field == "cadence"


# -- the script ------------------------------------------------------------------------------

PAY: Json = {"on": "+1d", "client": "c1", "do": "pay"}
REPLY: Json = {"on": "+1d", "client": "c1", "do": "reply"}
PROMISE: Json = {"on": "+1d", "client": "c1", "do": "promise", "date": "+7d"}
AGREE: Json = {"on": "+18d", "client": "c1", "do": "agree_plan", "instalments": 3, "first": "+12d"}
RESOLVE: Json = {"on": "+30d", "client": "c1", "do": "resolve_dispute", "resolution": "withdrawn"}


@pytest.mark.parametrize(
    ("move", "field", "problem"),
    [
        ({"on": "+1d", "client": "c1", "do": "pay_in_part"}, "script[0].amount", "needs"),
        ({"on": "+1d", "client": "c1", "do": "pay", "amount": "5"}, "script[0].amount", "no"),
        ({"on": "+1d", "client": "c1", "do": "promise"}, "script[0].date", "promised"),
        ({"on": "+1d", "client": "c1", "do": "pay", "channel": "sms"}, "script[0].channel", "no"),
        ({"on": "soon", "client": "c1", "do": "pay"}, "script[0].on", "duration"),
        ({"on": "-1d", "client": "c1", "do": "pay"}, "script[0].on", "negative"),
        ({"on": "2026-03-03T10:00", "client": "c1", "do": "pay"}, "script[0].on", "naive"),
        ({"on": "+1d", "client": "c1", "do": "leave"}, "script[0].do", "Input should be"),
        ({"on": "+1d", "client": "c1", "do": "pay", "when": 1}, "script[0].when", "unknown"),
        # the conversation moves: what each needs, and the fields of other moves refused
        ({**AGREE, "instalments": None}, "script[0].instalments", "needs"),
        ({**AGREE, "first": None}, "script[0].first", "needs"),
        ({**AGREE, "instalments": 0}, "script[0].instalments", "greater than or equal to 1"),
        ({**AGREE, "instalments": 361}, "script[0].instalments", "less than or equal to 360"),
        ({**AGREE, "every": "1y"}, "script[0].every", "not an instalment frequency"),
        ({**AGREE, "first": "2026-04-01T10:00:00+02:00"}, "script[0].first", "not a time"),
        ({**AGREE, "date": "+7d"}, "script[0].date", "'agree_plan' takes no date"),
        ({**AGREE, "reason": "x"}, "script[0].reason", "'agree_plan' takes no reason"),
        ({**AGREE, "resolution": "credited"}, "script[0].resolution", "only resolve_dispute"),
        ({**PAY, "instalments": 2}, "script[0].instalments", "'pay' takes no instalments"),
        ({**PAY, "first": "+7d"}, "script[0].first", "'pay' takes no first"),
        ({**PROMISE, "every": "1m"}, "script[0].every", "'promise' takes no every"),
        ({**PAY, "chase": "q1"}, "script[0].chase", "'pay' takes no chase"),
        ({**RESOLVE, "resolution": None}, "script[0].resolution", "needs"),
        ({**RESOLVE, "resolution": "won"}, "script[0].resolution", "Input should be"),
        ({**RESOLVE, "amount": "5"}, "script[0].amount", "'withdrawn' resolution takes no"),
        ({**RESOLVE, "date": "+1d"}, "script[0].date", "'resolve_dispute' takes no date"),
        ({**RESOLVE, "instalments": 3}, "script[0].instalments", "only agree_plan does"),
        ({**REPLY, "chase": "q1", "invoice": "inv-1"}, "script[0].invoice", "about no invoice"),
        ({**REPLY, "chase": "q1", "channel": "phone"}, "script[0].chase", "next call"),
    ],
)
def test_a_bad_move_is_refused_naming_its_field(move: Json, field: str, problem: str) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        parse_script([{name: value for name, value in move.items() if value is not None}])
    assert caught.value.field == field
    assert problem in caught.value.problem


@pytest.mark.parametrize(
    ("move", "field"),
    [
        ({"on": "+1d", "client": "c9", "do": "pay"}, "script[0].client"),
        ({"on": "+1d", "client": "c1", "do": "pay", "invoice": "inv-9"}, "script[0].invoice"),
        ({"on": "2026-03-01", "client": "c1", "do": "pay"}, "script[0].on"),
        ({"on": "+1d", "client": "c1", "do": "pay_in_part", "amount": "1.001"}, "script[0].amount"),
    ],
)
def test_a_move_that_does_not_fit_the_case_is_refused(move: Json, field: str) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        run(one_invoice(), script=parse_script([move]))
    assert caught.value.field == field


def test_a_script_is_a_list() -> None:
    with pytest.raises(InvalidCaseError, match="a list of moves"):
        parse_script({"on": "+1d"})


def test_scripts_load_from_json_and_yaml(tmp_path: Path) -> None:
    moves = [{"on": "2026-03-20", "client": "c1", "do": "promise", "date": "+7d", "amount": "5"}]
    (tmp_path / "s.json").write_text(json.dumps(moves), encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        "- on: 2026-03-20\n  client: c1\n  do: promise\n  date: +7d\n  amount: 5.00\n",
        encoding="utf-8",
    )
    from_json, from_yaml = load_script(tmp_path / "s.json"), load_script(tmp_path / "s.yaml")
    assert from_json == from_yaml == parse_script(moves)
    (tmp_path / "bad.json").write_text("[{", encoding="utf-8")
    with pytest.raises(InvalidCaseError, match="not valid JSON") as caught:
        load_script(tmp_path / "bad.json")
    assert caught.value.field == "script"
    with pytest.raises(InvalidCaseError, match="cannot read"):
        load_script(tmp_path / "missing.json")


def test_a_move_serialises_as_written() -> None:
    move = Behaviour.model_validate({"on": "+10d", "client": "c1", "do": "promise", "date": "+7d"})
    assert move.model_dump(mode="json", exclude_none=True) == {
        "on": "+10d",
        "client": "c1",
        "do": "promise",
        "date": "+7d",
    }


# -- instalment plans and disputes -----------------------------------------------------------

# c1 agrees on Friday 20 March, after 'polite', to pay in three monthly instalments from 1 April.
AGREED: Json = {**AGREE, "first": "2026-04-01"}
# The client disputes the whole of inv-1 on Wednesday 18 March, the day after 'polite'.
DISPUTES: Json = {"on": "+16d", "client": "c1", "do": "dispute", "reason": "scope"}


def instalment(day: str, amount: str = "400.00") -> Json:
    return {"on": day, "client": "c1", "do": "pay_in_part", "amount": amount}


def after(timeline: Timeline, what: str) -> list[SimulationEntry]:
    """The entries after the first one that is `what`."""
    whats = [entry.what for entry in timeline.entries]
    return list(timeline.entries[whats.index(what) + 1 :])


def ladder_steps(entries: list[SimulationEntry]) -> list[SimulationEntry]:
    """The entries that are steps of the freelancer ladder (not instalment reminders)."""
    steps = {step.id for step in builtin_policy("freelancer").steps}
    return [entry for entry in entries if entry.step in steps and entry.what != "review"]


def test_a_kept_plan_replaces_the_ladder_with_instalment_reminders() -> None:
    paid = [instalment(day) for day in ("2026-04-01", "2026-05-01", "2026-06-01")]
    timeline = run(one_invoice(), days=100, script=parse_script([AGREED, *paid]))
    agreed = next(e for e in timeline.entries if e.what == "agree_plan")
    assert (agreed.at.isoformat(), agreed.invoices) == ("2026-03-20T00:00:00+01:00", ("inv-1",))
    assert (agreed.amount, agreed.currency) == (Decimal("1200.00"), "PLN")
    assert "agrees to 3 instalments of 400.00 PLN, every 1m from 2026-04-01" in agreed.reason
    assert "(plan 'script-plan-0')" in agreed.reason
    later = [e for e in after(timeline, "agree_plan") if e.key is not None]
    assert [(e.key, str(e.deadline), e.amount) for e in later] == [
        ("k1/inv-1/instalment-1:script-plan-0/1", "2026-04-01", Decimal("400.00")),
        ("k1/inv-1/instalment-2:script-plan-0/1", "2026-05-01", Decimal("400.00")),
        ("k1/inv-1/instalment-3:script-plan-0/1", "2026-06-01", Decimal("400.00")),
    ]
    assert ladder_steps(later) == []
    assert timeline.invoices[0].state == "paid"


def test_a_plan_splits_its_total_and_the_last_instalment_absorbs_the_rounding() -> None:
    agreed = {**AGREED, "amount": "1000.00", "every": "2w"}
    timeline = run(one_invoice(), days=30, script=parse_script([agreed]))
    move = next(e for e in timeline.entries if e.what == "agree_plan")
    assert move.amount == Decimal("1000.00")
    assert "3 instalments of 333.33 PLN (the last 333.34), every 2w from 2026-04-01" in move.reason
    reminder = next(e for e in timeline.entries if e.step == "instalment")
    assert (reminder.amount, str(reminder.deadline)) == (Decimal("333.33"), "2026-04-01")
    assert timeline.invoices[0].state == "in_plan"


def test_a_missed_instalment_breaks_the_plan_and_the_ladder_resumes_at_firm() -> None:
    timeline = run(one_invoice(), script=parse_script([AGREED, instalment("2026-04-01")]))
    resumed = ladder_steps(after(timeline, "agree_plan"))
    # Due 1 May (a holiday), no grace: payable on Monday 4 May (art. 115 KC), when the missed
    # note goes; broken on the 5th, resumed min_gap after the note.
    missed = next(e for e in timeline.entries if e.step == "instalment_missed")
    assert (missed.at.isoformat(), missed.deadline) == (
        "2026-05-04T10:00:00+02:00",
        date(2026, 5, 4),
    )
    assert (resumed[0].step, resumed[0].at.isoformat()) == ("firm", "2026-05-07T10:00:00+02:00")
    assert "the instalment plan 'script-plan-0' agreed on 2026-03-20 was broken" in (
        resumed[0].reason
    )
    assert "instalment 2 of 3 (400.00 PLN, due 2026-05-01) was not paid by 2026-05-04" in (
        resumed[0].reason
    )
    assert resumed[0].amount == Decimal("800.00")
    assert all(e.at >= resumed[0].at for e in resumed)
    assert (timeline.invoices[0].state, timeline.invoices[0].balance) == (
        "overdue",
        Decimal("800.00"),
    )


def test_an_agreement_recorded_with_a_reply_still_resumes_at_firm_when_the_plan_breaks() -> None:
    """What the client wrote before the breach is no answer to the ladder after it: 'firm'
    (requires no_reply) is sent, with or without a reply beside the agreement."""
    for moves in ([AGREED], [AGREED, {**REPLY, "on": "2026-03-20"}]):
        script = parse_script([*moves, instalment("2026-04-01")])
        resumed = ladder_steps(after(run(one_invoice(), script=script), "agree_plan"))
        assert resumed[0].step == "firm", moves
        assert "skipped" not in resumed[0].reason


def test_a_credited_resolution_lowers_the_balance_and_dunning_resumes() -> None:
    resolve = {**RESOLVE, "on": "2026-04-08", "resolution": "credited", "amount": "300.00"}
    timeline = run(
        one_invoice(late_fee={"kind": "statutory"}), script=parse_script([DISPUTES, resolve])
    )
    during = after(timeline, "dispute")
    resolved = next(e for e in during if e.what == "resolve_dispute")
    assert [e.what for e in during if e.at < resolved.at] == ["review"]  # dunning stopped
    assert (resolved.invoices, resolved.amount, resolved.currency) == (
        ("inv-1",),
        Decimal("300.00"),
        "PLN",
    )
    assert resolved.reason == "scripted: we credit inv-1 (a credit note): the dispute ends"
    resumed = ladder_steps(after(timeline, "resolve_dispute"))
    # The step after 'polite', that same day: the dispute, answered by its resolution, is no
    # reply that would pass 'firm' over.
    assert (resumed[0].step, resumed[0].at.isoformat()) == (
        "firm",
        "2026-04-08T10:00:00+02:00",
    )
    assert "the dispute was resolved on 2026-04-08 (credited): dunning resumes" in (
        resumed[0].reason
    )
    # 900.00 PLN and its interest since the due date: none ever ran on the credited 300.00.
    assert resumed[0].amount is not None
    assert Decimal("900.00") < resumed[0].amount < Decimal("910.00")
    assert timeline.invoices[0].balance == Decimal("900.00")


def test_a_credit_note_defaults_to_the_amount_disputed() -> None:
    dispute = {**DISPUTES, "amount": "250.00"}
    credited = {**RESOLVE, "resolution": "credited"}
    timeline = run(one_invoice(), days=45, script=parse_script([dispute, credited]))
    resolved = next(e for e in timeline.entries if e.what == "resolve_dispute")
    assert resolved.amount == Decimal("250.00")
    assert timeline.invoices[0].balance == Decimal("950.00")


@pytest.mark.parametrize(
    ("resolution", "said"),
    [("withdrawn", "c1 withdraws the dispute about inv-1"), ("rejected", "we reject the dispute")],
)
def test_a_dispute_withdrawn_or_rejected_resumes_dunning_on_the_whole_balance(
    resolution: str, said: str
) -> None:
    resolve = {**RESOLVE, "resolution": resolution}
    timeline = run(one_invoice(), days=45, script=parse_script([DISPUTES, resolve]))
    resolved = next(e for e in timeline.entries if e.what == "resolve_dispute")
    assert resolved.amount is None
    assert said in resolved.reason
    resumed = ladder_steps(after(timeline, "resolve_dispute"))
    assert resumed
    assert f"the dispute was resolved on 2026-04-01 ({resolution})" in resumed[0].reason
    assert resumed[0].amount == Decimal("1200.00")


def test_resolving_a_dispute_reopens_an_invoice_whose_status_is_disputed() -> None:
    case = one_invoice()
    case["invoices"][0]["status"] = "disputed"
    unresolved = run(case, days=45)
    assert ladder_steps(list(unresolved.entries)) == []
    resolved = run(case, days=45, script=parse_script([{**RESOLVE, "resolution": "rejected"}]))
    assert ladder_steps(after(resolved, "resolve_dispute"))
    assert resolved.invoices[0].state == "overdue"


def two_currencies() -> Json:
    """`one_invoice()` plus inv-eur: 100.00 EUR of c1, under contract k2."""
    case = one_invoice()
    case["contracts"].append({"id": "k2", "client": "c1", "currency": "EUR"})
    euro = case["invoices"][0] | {"id": "inv-eur", "contract": "k2", "currency": "EUR"}
    case["invoices"].append(euro | {"total": "100.00"})
    return case


@pytest.mark.parametrize(
    ("moves", "field", "problem"),
    [
        ([AGREED], "script[0].invoice", "one plan settles one currency"),
        ([{**AGREED, "invoice": "inv-1", "first": "2026-03-19"}], "script[0].first", "before"),
        ([{**AGREED, "invoice": "inv-1", "amount": "1.001"}], "script[0].amount", "decimal"),
        ([{**AGREED, "invoice": "inv-1", "amount": "0.02"}], "script[0].amount", "too small"),
        (
            [{**PAY, "invoice": "inv-1"}, {**AGREED, "invoice": "inv-1"}],
            "script[1].invoice",
            "owes",
        ),
        ([RESOLVE], "script[0].on", "no open dispute of c1"),
        (
            [{**DISPUTES, "invoice": "inv-1"}, {**RESOLVE, "invoice": "inv-eur"}],
            "script[1].invoice",
            "no open dispute about this invoice",
        ),
        ([DISPUTES, {**RESOLVE, "resolution": "credited"}], "script[1].invoice", "name the"),
        (
            [{**DISPUTES, "invoice": "inv-1"}, {**RESOLVE, "resolution": "credited"}],
            "script[1].amount",
            "named no amount",
        ),
        (
            [
                {**DISPUTES, "invoice": "inv-1"},
                {**RESOLVE, "resolution": "credited", "amount": "1200.01"},
            ],
            "script[1].amount",
            "more than inv-1 still bills",
        ),
        ([{**REPLY, "chase": "q9"}], "script[0].chase", "unknown chase"),
    ],
)
def test_a_conversation_that_does_not_fit_the_case_is_refused(
    moves: list[Json], field: str, problem: str
) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        run(two_currencies(), days=40, script=parse_script(moves))
    assert caught.value.field == field
    assert problem in caught.value.problem


# -- chases that are not about money -----------------------------------------------------------

PROSPECT: Json = {
    "id": "q1",
    "client": "c1",
    "kind": "prospect",
    "started": "2026-03-02T11:00:00+01:00",
    "subject": "the quote for your new shop",
}


def with_chase(case: Json, chase: Json = PROSPECT) -> Json:
    return case | {"chases": [chase]}


def prospect_only() -> Json:
    """c1, a prospect who owes nothing yet, and the chase of our quote of 2 March."""
    return with_chase(one_invoice() | {"contracts": [], "invoices": []})


def test_a_silent_prospect_is_chased_to_the_polite_close() -> None:
    timeline = run(prospect_only(), days=30)
    assert performed(timeline) == [
        ("2026-03-06T10:00+01:00", "chase:q1/follow_up/1"),  # 4 business days
        ("2026-03-13T10:00+01:00", "chase:q1/last_check_in/1"),
        ("2026-03-20T10:00+01:00", "chase:q1/close/1"),
    ]
    assert {(e.chase, e.invoices) for e in timeline.entries} == {("q1", ())}
    assert timeline.chases is not None
    assert [(c.id, c.state, c.step) for c in timeline.chases] == [("q1", "ended", "close")]
    assert run(one_invoice(), days=5).chases is None


@pytest.mark.parametrize("about", [{}, {"chase": "q1"}])
def test_a_reply_ends_the_chase(about: Json) -> None:
    reply = {**REPLY, "on": "2026-03-09", **about}
    timeline = run(prospect_only(), days=30, script=parse_script([reply]))
    assert [e.key for e in timeline.entries if e.key] == ["chase:q1/follow_up/1"]
    assert timeline.entries[-1].what == "reply"
    assert timeline.entries[-1].chase == about.get("chase")
    assert timeline.chases is not None
    assert (timeline.chases[0].state, timeline.chases[0].step) == ("answered", "follow_up")


def test_a_reply_to_a_chase_does_not_pause_dunning_but_a_reply_about_invoices_does() -> None:
    """Friday 20 March, after 'polite' (17th): a reply about the quote leaves inv-1's ladder
    alone; a reply about everything pauses it (reply_pause 5bd) and 'firm' (no_reply) goes."""
    case = with_chase(one_invoice())
    for about, first_after in (({"chase": "q1"}, "firm"), ({}, "check_call")):
        reply = parse_script([{**REPLY, "on": "+18d", **about}])
        timeline = run(case, days=40, script=reply)
        later = [e for e in after(timeline, "reply") if e.key]
        assert later[0].step == first_after
        assert all(e.chase is None for e in later)  # the chase ended with the reply
        assert timeline.chases is not None
        # The check-in yielded its day to 'polite' (min_gap): the reply came before it.
        assert (timeline.chases[0].state, timeline.chases[0].step) == ("answered", "follow_up")
    assert later[0].at.isoformat() == "2026-03-27T12:00:00+01:00"  # 5 business days later


def test_a_project_chase_announces_the_pause_then_pauses_the_work_once() -> None:
    case = one_invoice() | {"invoices": []}
    project = PROSPECT | {"id": "f1", "kind": "project", "contract": "k1"}
    timeline = run(with_chase(case, project), days=60)
    keys = [key for _, key in performed(timeline)]
    assert keys == [
        "chase:f1/follow_up/1",
        "chase:f1/check_call/1",
        "chase:f1/check_call/2",
        "chase:f1/other_channel/1",
        "chase:f1/pause_notice/1",
        "chase:f1/pause/1",
    ]
    notice = next(e for e in timeline.entries if e.step == "pause_notice")
    assert str(notice.deadline) == "2026-04-08"
    pause = timeline.entries[-1]
    assert (pause.what, pause.chase, pause.at.date().isoformat()) == (
        "pause_work",
        "f1",
        "2026-04-09",
    )
    assert timeline.chases is not None
    assert (timeline.chases[0].state, timeline.chases[0].step) == ("ended", "pause")


def test_chases_show_in_the_text_json_and_chart_lanes() -> None:
    timeline = run(with_chase(one_invoice()), days=30)
    text = timeline.text()
    assert "(chases under their own)" in text.splitlines()[0]
    assert "  10:00+01:00  c1        chase:q1        follow_up " in text
    assert "\n  chase:q1         ended      prospect      last step close " in text
    data = json.loads(timeline.to_json())
    assert data["chases"][0]["id"] == "q1"
    assert {e.get("chase") for e in data["entries"]} == {None, "q1"}
    assert _chart._lanes(timeline) == [("c1", "inv-1"), ("c1", "chase:q1")]
    project = one_invoice() | {"invoices": []}
    chase = PROSPECT | {"id": "f1", "kind": "project", "contract": "k1"}
    notice = run(with_chase(project, chase), days=40).text()
    assert "reply by 2026-04-08" in notice
    assert "pay by" not in notice


def test_every_move_and_action_has_a_marker_on_the_chart() -> None:
    assert set(get_args(Move)) | set(get_args(ActionKind)) <= set(_chart._LOOKS)


# -- the chart -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def busy_timeline() -> Timeline:
    """Every kind of marker: a paid-late saas client and a bouncing, promising freelancer."""
    case = with_second_invoice(one_invoice("saas"))
    script = parse_script(
        [
            {"on": "+14d", "client": "c1", "do": "bounce"},
            {"on": "+20d", "client": "c1", "do": "reply"},
            {"on": "+45d", "client": "c1", "do": "pay", "invoice": "inv-1"},
        ]
    )
    return run(case, script=script)


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_charts_are_written(busy_timeline: Timeline, tmp_path: Path, suffix: str) -> None:
    written = timeline_chart(busy_timeline, tmp_path / f"chart.{suffix}")
    data = written.read_bytes()
    if suffix == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        return
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert b"paychase simulation" in data or root.find(".//{*}title") is not None
    again = timeline_chart(busy_timeline, tmp_path / "again.svg").read_bytes()
    assert again == data


def test_a_chart_needs_a_known_format_and_matplotlib(
    busy_timeline: Timeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InvalidCaseError, match=r"\.svg or a \.png"):
        timeline_chart(busy_timeline, tmp_path / "chart.pdf")
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)
    with pytest.raises(PluginError, match=r"pip install 'paychase\[charts\]'"):
        timeline_chart(busy_timeline, tmp_path / "chart.svg")


# -- the command line --------------------------------------------------------------------------


@pytest.fixture
def cli() -> Any:
    """The ``paychase`` command line."""
    return _cli.main


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    case = one_invoice(sender=True) | {"now": START.isoformat()}
    path.write_text(json.dumps(case), encoding="utf-8")
    return path


def test_cli_prints_the_timeline(
    cli: Any, case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["simulate", str(case_file), "--until", "2026-05-31"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Simulation under policy 'freelancer' from 2026-03-02 09:00+01:00")
    assert "\nFri 2026-03-13\n  10:00+01:00  c1" in out
    assert "“Invoice inv-1 falls due on 16 March 2026”" in out or "pre_due" in out
    assert "overdue_60" in out


def test_cli_writes_json_and_a_chart_with_a_script_and_a_cadence(
    cli: Any, case_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps([{"on": "+20d", "client": "c1", "do": "pay"}]))
    chart = tmp_path / "out.svg"
    argv = ["simulate", str(case_file), "--until", "+30d", "--format", "json"]
    argv += ["--script", str(script), "--cadence", "1h", "--chart", str(chart)]
    assert cli(argv) == 0
    captured = capsys.readouterr()
    timeline = json.loads(captured.out)
    assert [e["what"] for e in timeline["entries"]][-1] == "pay"
    assert timeline["cadence"] == "PT1H"
    assert f"chart written to {chart}" in captured.err
    ET.parse(chart)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--until", "tomorrow"], "--until"),
        (["--until", "2026-02-01"], "until: must be after the start"),
        (["--until", "+90d", "--cadence", "0h"], "--cadence"),
        (["--until", "+90d", "--chart", "x.pdf"], "chart"),
    ],
)
def test_cli_bad_options_exit_2(
    cli: Any, case_file: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert cli(["simulate", str(case_file), *extra]) == 2
    assert message in capsys.readouterr().err


def test_until_and_cadence_are_read_as_documented() -> None:
    assert parse_until("2026-03-05T12:00:00+01:00", START).isoformat() == (
        "2026-03-05T12:00:00+01:00"
    )
    assert parse_until("+2w", START) == START + timedelta(weeks=2)
    assert parse_cadence("30min") == timedelta(minutes=30)
    with pytest.raises(InvalidCaseError):
        parse_until("+5bd", START)
    with pytest.raises(InvalidCaseError):
        parse_until("2026-13-01", START)


@pytest.fixture
def compiled_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line renders with the templates compiled once for this module."""
    monkeypatch.setattr(simulation, "Renderer", lambda: RENDERER)


@pytest.mark.usefixtures("compiled_templates")
def test_cli_plays_a_shipped_script(cli: Any, capsys: pytest.CaptureFixture[str]) -> None:
    case = str(REPO / "examples" / "simulation" / "freelancer.json")
    script = str(SCRIPTS / "instalments.json")
    argv = ["simulate", case, "--until", "+90d", "--script", script, "--format", "json"]
    assert cli(argv) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    assert [e["what"] for e in entries][2:4] == ["agree_plan", "send_reminder"]
    firm = next(e for e in entries if e.get("step") == "firm")
    assert "was broken" in firm["reason"]


@pytest.mark.usefixtures("compiled_templates")
def test_cli_answers_what_if_under_another_policy(
    cli: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = REPO / "examples" / "simulation"
    assert cli(["simulate", str(shipped / "tradesperson.json"), "--until", "+90d"]) == 0
    as_shipped = capsys.readouterr().out
    argv = ["simulate", str(shipped / "freelancer.json"), "--until", "+90d"]
    assert cli([*argv, "--policy", "tradesperson"]) == 0
    assert capsys.readouterr().out == as_shipped


@pytest.mark.usefixtures("compiled_templates")
def test_cli_walks_the_case_under_every_built_in_policy(
    cli: Any, case_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["simulate", str(case_file), "--until", "+90d", "--policy", "all"]
    assert cli(argv) == 0
    headers = re.findall(r"^Simulation under policy '(\w+)'", capsys.readouterr().out, re.M)
    assert headers == list(POLICIES)
    assert cli([*argv, "--format", "json", "--chart", str(tmp_path / "ladder.svg")]) == 0
    captured = capsys.readouterr()
    by_policy = json.loads(captured.out)
    assert list(by_policy) == list(POLICIES)
    assert {t["policy"] for t in by_policy.values()} == set(POLICIES)
    assert by_policy["b2b_strict"]["entries"] != by_policy["freelancer"]["entries"]
    for name in POLICIES:
        ET.parse(tmp_path / f"ladder-{name}.svg")
        assert f"ladder-{name}.svg" in captured.err
    assert not (tmp_path / "ladder.svg").exists()


def test_cli_refuses_a_policy_it_does_not_know(
    cli: Any, case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["simulate", str(case_file), "--until", "+90d", "--policy", "lenient"]) == 2
    err = capsys.readouterr().err
    assert "'lenient' is not one of" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("name", ["instalments", "dispute"])
def test_the_shipped_scripts_say_the_same_in_json_and_yaml(name: str) -> None:
    assert load_script(SCRIPTS / f"{name}.yaml") == load_script(SCRIPTS / f"{name}.json")


_DOCUMENTED_RUN = re.compile(r"```console\n\$ (paychase simulate examples/[^\n]*)\n(.*?)```", re.S)


@pytest.mark.usefixtures("compiled_templates")
def test_the_documented_runs_of_the_shipped_examples_print_what_the_docs_show(
    cli: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    runs = _DOCUMENTED_RUN.findall((REPO / "docs" / "simulation.md").read_text(encoding="utf-8"))
    assert len(runs) == 9  # four policies, the freelancer's longer run, two chases, two scripts
    for command, printed in runs:
        assert cli(command.split()[1:]) == 0
        assert capsys.readouterr().out == printed, command


@st.composite
def busy_accounts(draw: st.DrawFn) -> dict[str, Any]:
    """A freelancer client with two to five invoices falling due within three weeks, each
    issued at least a week before it is due."""
    case = one_invoice("freelancer")
    template = case["invoices"][0]
    invoices = []
    for number in range(draw(st.integers(2, 5))):
        due = date(2026, 3, 10) + timedelta(days=draw(st.integers(0, 20)))
        issued = due - timedelta(days=draw(st.integers(7, 20)))
        invoices.append(
            template
            | {"id": f"i{number}", "issued": f"{issued}", "due": f"{due}", "total": "100.00"}
        )
    return case | {"invoices": invoices}


def _pre_due_reached(timeline: Timeline) -> set[str]:
    """The invoices a performed message took to their 'pre_due' step (alone or with others)."""
    reached = set()
    for entry in timeline.entries:
        if entry.key is None or entry.what == "review":
            continue
        _, invoices, lead, _ = entry.key.split("/")
        for part in invoices.split("+"):
            invoice, _, own = part.partition("@")
            if (own or lead) == "pre_due":
                reached.add(invoice)
    return reached


@settings(max_examples=6)
@given(busy_accounts(), st.sampled_from([None, timedelta(1)]))
def test_no_pre_due_reminder_is_lost_to_spacing(
    case: dict[str, Any], cadence: timedelta | None
) -> None:
    """Issue 15: every invoice of a busy account gets its pre-due reminder — alone, or in a
    message about the account — whether the host runs once a day or when something is due."""
    start = datetime.fromisoformat("2026-02-01T09:00:00+01:00")
    until = datetime.fromisoformat("2026-04-15T23:00:00+02:00")
    timeline = simulate(case, now=start, until=until, cadence=cadence)
    assert _pre_due_reached(timeline) == {invoice["id"] for invoice in case["invoices"]}
