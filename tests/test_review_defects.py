"""Small defects found in review (issue 15, item 5), one section each.

The sample case (`tests.samples`): Studio Kowalski in Warsaw owes inv-1, 1200.00 PLN issued
Monday 16 February 2026 and due Monday 2 March, under the freelancer policy (``send_at``
10:00, quiet hours 20:00-08:00, working days only): its ``polite`` step falls on Tuesday
3 March at 10:00.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from tests.samples import first_invoice, kowalski_contract, sample_case
from tests.strategies import Json, cases

from paychase import Action, Case, Step, builtin_policy, plan
from paychase.cli._main import main
from paychase.messages import Renderer
from paychase.messages._formatting import Day
from paychase.planner._performed import performed_event


def _at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+01:00")


def _step(case: dict[str, object], now: str, step: str) -> Action:
    return next(a for a in plan(case, now=_at(now)).actions if a.step == step)


# -- a caught-up step's time (docs/planning.md, "The contact window") --------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-03-03T09:00", "2026-03-03T10:00"),  # its own time is still to come: send_at
        ("2026-03-03T11:00", "2026-03-03T11:00"),  # passed today: at once
        ("2026-03-03T21:00", "2026-03-04T08:00"),  # passed today, window closed: next opening
        ("2026-03-05T07:00", "2026-03-05T08:00"),  # passed days ago: when quiet hours end
        ("2026-03-05T09:00", "2026-03-05T09:00"),
        ("2026-03-05T15:30", "2026-03-05T15:30"),
        ("2026-03-05T21:00", "2026-03-06T08:00"),
        ("2026-03-06T21:00", "2026-03-09T08:00"),  # Friday night: Monday morning
    ],
)
def test_a_caught_up_step_goes_at_the_first_moment_contact_is_allowed(
    now: str, expected: str
) -> None:
    """A step whose time has passed does not wait for send_at: not on a later day (a daily run
    at 09:00 would never find it due), nor when it is planned on the evening of its own day
    (it would go two hours later than when planned after midnight)."""
    polite = _step(sample_case(), now, "polite")
    assert polite.at == _at(expected)
    assert ("catching up" in polite.reason) is (expected != "2026-03-03T10:00")


# -- an effect that charges nothing is dropped -------------------------------------------------


def _charging_ladder() -> dict[str, Any]:
    """'pre_due' 3 days before the due date and 'polite' the day after it, both charging."""
    charging = ["apply_late_fee", "add_compensation"]
    return {
        "name": "charging",
        "min_gap": "1d",
        "send_at": "10:00",
        "quiet_hours": ["20:00", "08:00"],
        "business_days_only": True,
        "steps": [
            {
                "id": "pre_due",
                "from": "due",
                "offset": "-3d",
                "action": "send_reminder",
                "effects": charging,
            },
            {
                "id": "polite",
                "from": "due",
                "offset": "+1d",
                "action": "send_reminder",
                "effects": charging,
            },
        ],
    }


def _charging_case(**contract: Any) -> dict[str, Any]:
    """inv-1 in EUR under German law, with a flat late fee and fixed compensation."""
    terms = kowalski_contract(
        currency="EUR", jurisdiction="DE", fixed_compensation=True, **contract
    )
    return sample_case(
        policy=_charging_ladder(),
        contracts=[terms],
        invoices=[first_invoice(currency="EUR")],
    )


def test_a_pre_due_step_charges_nothing_and_says_so() -> None:
    """Nothing is late before the due date: the message claims no fee, and the reason tells
    the user why the effects the policy lists are not on it."""
    case = _charging_case(late_fee={"kind": "flat", "amount": "40.00"})
    reminder = _step(case, "2026-02-26T09:00", "pre_due")
    assert reminder.effects == ()
    assert "no late fee: inv-1 is not late on 2026-02-27 (due 2026-03-02)" in reminder.reason
    assert "no fixed compensation: inv-1 is not late on 2026-02-27" in reminder.reason
    polite = plan(case, now=_at("2026-03-03T09:00")).actions
    assert [(a.kind, a.step) for a in polite] == [
        ("apply_fee", "polite"),
        ("send_reminder", "polite"),
    ]
    assert polite[1].effects == ("apply_late_fee", "add_compensation")


def test_a_pre_due_step_performed_is_not_booked_once_the_invoice_is_late() -> None:
    """The pre-due message claimed nothing: the interest and compensation that run from the
    day after the due date are booked with the first message that claims them, not as
    charges of the pre-due reminder."""
    case = _charging_case(late_fee={"kind": "statutory"})
    case["history"] = [
        {
            "at": "2026-02-27T10:00:00+01:00",
            "client": "c1",
            "invoices": ["inv-1"],
            "direction": "out",
            "kind": "reminder",
            "step": "pre_due",
            "channel": "email",
        }
    ]
    keys = [a.key for a in plan(case, now=_at("2026-03-03T09:00")).actions]
    assert keys == ["k1/inv-1/fee:polite/1", "k1/inv-1/polite/1"]


# -- what the plan explains: a channel without an address, an invoice with nothing planned ------


def _letter_first_ladder() -> dict[str, Any]:
    """'polite' by registered letter, else e-mail, the day after the due date; 'firm' a week
    later by phone, only if the client has not replied."""
    return {
        "name": "letters",
        "min_gap": "3d",
        "send_at": "10:00",
        "call_at": "12:00",
        "quiet_hours": ["20:00", "08:00"],
        "business_days_only": True,
        "steps": [
            {
                "id": "polite",
                "from": "due",
                "offset": "+1d",
                "action": "send_letter",
                "channels": ["registered_letter", "email"],
            },
            {
                "id": "firm",
                "from": "previous",
                "offset": "+7d",
                "action": "call",
                "channels": ["phone"],
                "requires": ["no_reply"],
            },
        ],
    }


def _reminder(at: str, step: str) -> dict[str, Any]:
    return {
        "at": f"{at}+01:00",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "out",
        "kind": "reminder",
        "step": step,
        "channel": "email",
        "outcome": "delivered",
    }


def test_a_channel_without_an_address_is_passed_over_and_the_reason_says_so() -> None:
    case = sample_case(policy=_letter_first_ladder())  # the client has only an e-mail address
    letter = _step(case, "2026-03-03T09:00", "polite")
    assert (letter.kind, letter.channel) == ("send_letter", "email")
    assert "no registered_letter: the client has no postal address, so email" in letter.reason
    case["history"] = [_reminder("2026-03-03T10:00", "polite")]
    call = _step(case, "2026-03-10T09:00", "firm")
    assert (call.kind, call.channel) == ("send_reminder", "email")
    assert "no phone: the client has no phone number, so email" in call.reason


def test_a_channel_the_step_does_not_need_is_not_mentioned() -> None:
    """The first listed channel works: nothing was switched, nothing to explain."""
    case = sample_case(policy=_letter_first_ladder())
    case["clients"][0]["contacts"]["postal"] = "ul. Hoża 1, 00-001 Warszawa"
    letter = _step(case, "2026-03-03T09:00", "polite")
    assert letter.channel == "registered_letter"
    assert "no postal address" not in letter.reason


def _why(case: dict[str, Any], now: str) -> str | None:
    result = plan(case, now=_at(now))
    (state,) = result.invoices
    assert state.next_review is None, result.actions
    return state.why


def test_an_invoice_whose_steps_are_all_skipped_says_why_nothing_is_planned() -> None:
    case = sample_case(policy=_letter_first_ladder())
    reply = {"at": "2026-03-04T11:00:00+01:00", "client": "c1", "direction": "in", "kind": "reply"}
    case["history"] = [_reminder("2026-03-03T10:00", "polite"), reply]
    assert _why(case, "2026-03-10T09:00") == (
        "'firm' skipped: the client replied on 2026-03-04; no step of the ladder is left"
    )


def test_an_invoice_planned_for_has_no_why() -> None:
    result = plan(sample_case(), now=_at("2026-03-03T09:00"))
    (state,) = result.invoices
    assert (state.next_review is not None, state.why) == (True, None)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"payments": [{"date": "2026-03-01", "amount": "1200.00"}]}, "paid: nothing to chase"),
        ({"status": "cancelled"}, "cancelled: nothing to chase"),
        ({"status": "written_off"}, "written off: nothing to chase"),
        (
            {"payments": [{"date": "2026-03-01", "amount": "1196.00"}]},
            "owes 4.00 PLN, below the contract's tolerance of 5.00 PLN: not chased",
        ),
    ],
)
def test_an_invoice_with_nothing_to_chase_says_why(change: dict[str, Any], why: str) -> None:
    case = sample_case(
        contracts=[kowalski_contract(tolerance="5.00")], invoices=[first_invoice(**change)]
    )
    assert _why(case, "2026-03-03T09:00") == why


def test_an_invoice_paid_before_it_is_issued_says_so() -> None:
    prepaid = first_invoice(
        issued="2026-03-10",
        due="2026-03-24",
        payments=[{"date": "2026-03-02", "amount": "1200.00"}],
    )
    assert _why(sample_case(invoices=[prepaid]), "2026-03-03T09:00") == "paid: nothing to chase"


def test_the_why_is_in_the_plans_json_only_where_nothing_is_planned() -> None:
    case = sample_case(invoices=[first_invoice(), first_invoice(id="inv-2", status="cancelled")])
    states = json.loads(plan(case, now=_at("2026-03-03T09:00")).to_json())["invoices"]
    assert [state.get("why") for state in states] == [None, "cancelled: nothing to chase"]


def test_a_fee_step_with_nothing_accrued_yet_says_it_waits() -> None:
    """1.00 PLN at 14 % a year earns 0.01 PLN of interest only after 13 days: a fee booking
    two days after the due date has nothing to book, and waits."""
    ladder = {
        "name": "booking",
        "min_gap": "1d",
        "send_at": "10:00",
        "steps": [{"id": "interest", "from": "due", "offset": "+2d", "action": "apply_fee"}],
    }
    case = sample_case(
        policy=ladder,
        contracts=[kowalski_contract(late_fee={"kind": "statutory"})],
        invoices=[first_invoice(total="1.00")],
    )
    assert _why(case, "2026-03-04T11:00") == (
        "'interest' waits: nothing has accrued for it to charge yet"
    )


@given(cases())
def test_every_invoice_either_has_an_action_or_says_why_not(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    for state in plan(case, now=now).invoices:
        assert (state.next_review is None) == (state.why is not None), state


# -- an early-payment discount taken settles the invoice ---------------------------------------

DISCOUNT = {"rate": "2", "within": "14d"}  # 2 % off until 2 March, the due date: 24.00 PLN


def _discount_case(*payments: tuple[str, str], total: str = "1200.00", **contract: Any) -> Json:
    return sample_case(
        contracts=[kowalski_contract(early_payment_discount=DISCOUNT, **contract)],
        invoices=[
            first_invoice(
                total=total,
                currency=contract.get("currency", "PLN"),
                payments=[{"date": day, "amount": amount} for day, amount in payments],
            )
        ],
    )


def _invoice_state(case: Json, now: str) -> Any:
    moment = datetime.fromisoformat(now) if "+" in now else _at(now)
    result = plan(case, now=moment)
    (state,) = result.invoices
    return state, result.actions


@pytest.mark.parametrize(
    "payments",
    [
        [("2026-02-20", "1176.00")],  # the discounted total, in one payment
        [("2026-02-18", "500.00"), ("2026-03-02", "676.00")],  # two, the last on the last day
        [("2026-02-18", "500.00"), ("2026-02-20", "700.00")],  # more than enough: paid in full
    ],
)
def test_the_discounted_total_paid_within_the_window_settles_the_invoice(
    payments: list[tuple[str, str]],
) -> None:
    state, actions = _invoice_state(_discount_case(*payments), "2026-03-10T09:00")
    assert (state.state, state.balance, state.why) == ("paid", 0, "paid: nothing to chase")
    assert actions == ()  # no chase for the discount, no review of a remainder


def test_a_payment_one_day_after_the_window_loses_the_discount() -> None:
    case = _discount_case(("2026-03-03", "1176.00"))
    state, actions = _invoice_state(case, "2026-03-03T09:00")
    assert (state.state, state.balance) == ("overdue", Decimal("24.00"))
    (polite,) = actions
    assert polite.amounts is not None
    assert (polite.amounts.principal, polite.amounts.discount) == (Decimal("24.00"), None)


def test_a_part_payment_within_the_window_leaves_the_discount_on_offer_for_the_rest() -> None:
    """500.00 paid on 18 February: the pre-due reminder offers the rest at 676.00 — what,
    paid by 2 March, settles the invoice — not 2 % off the 700.00 left (686.00)."""
    case = _discount_case(("2026-02-18", "500.00"))
    reminder = _step(case, "2026-02-27T09:00", "pre_due")
    assert reminder.amounts is not None
    assert reminder.amounts.principal == Decimal("700.00")
    assert reminder.amounts.discount == Decimal("24.00")
    assert reminder.amounts.discounted_total == Decimal("676.00")
    assert str(reminder.amounts.discount_until) == "2026-03-02"
    state, _ = _invoice_state(case, "2026-03-10T09:00")
    assert (state.state, state.balance) == ("overdue", Decimal("700.00"))  # the rest, in full


@pytest.mark.parametrize(
    ("currency", "total", "exact", "short"),
    [
        ("JPY", "1234", "1209", "1208"),  # 2 % = 24.68, rounded to 25
        ("KWD", "123.456", "120.987", "120.986"),  # 2 % = 2.46912, rounded to 2.469
    ],
)
def test_the_discounted_total_is_rounded_to_the_currencys_minor_unit(
    currency: str, total: str, exact: str, short: str
) -> None:
    paid, _ = _invoice_state(
        _discount_case(("2026-02-20", exact), total=total, currency=currency), "2026-03-10T09:00"
    )
    assert (paid.state, paid.balance) == ("paid", 0)
    owing, _ = _invoice_state(
        _discount_case(("2026-02-20", short), total=total, currency=currency), "2026-03-10T09:00"
    )
    assert (owing.state, owing.balance) == ("overdue", Decimal(total) - Decimal(short))


def test_the_window_ends_with_its_last_day_in_the_clients_time_zone() -> None:
    """A client in Kiritimati (UTC+14): 3 March 10:00 there is still 2 March in UTC, but the
    discount ended with 2 March on the client's calendar: a payment dated 3 March is late,
    and the reminder of 3 March offers no discount."""
    case = _discount_case(("2026-03-02", "1176.00"))
    case["clients"][0] |= {"timezone": "Pacific/Kiritimati", "country": "KI"}
    assert _invoice_state(case, "2026-03-02T09:59:00+00:00")[0].state == "paid"  # 23:59 there
    late = _discount_case(("2026-03-03", "1176.00"))
    late["clients"][0] |= {"timezone": "Pacific/Kiritimati", "country": "KI"}
    state, (polite,) = _invoice_state(late, "2026-03-02T20:00:00+00:00")  # 3 March 10:00 there
    assert (state.state, state.balance) == ("overdue", Decimal("24.00"))
    assert polite.amounts is not None
    assert (polite.amounts.principal, polite.amounts.discount) == (Decimal("24.00"), None)


def test_recording_the_discounted_total_says_the_invoice_is_paid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    books, case = tmp_path / "books.paychase", tmp_path / "case.json"
    case.write_text(json.dumps(_discount_case()), encoding="utf-8")
    assert main(["init", str(books)]) == 0
    assert main(["import", str(case), "--db", str(books)]) == 0
    capsys.readouterr()
    pay = ["pay", "inv-1", "--db", str(books), "--at", "2026-03-02T12:00:00+01:00"]

    def said() -> str:
        return " ".join(capsys.readouterr().out.split())  # the line wraps at the width

    assert main([*pay[:2], "500.00", "--date", "2026-02-18", *pay[2:]]) == 0
    assert said().endswith("against inv-1: 700.00 PLN still owed")
    assert main([*pay[:2], "676.00", "--date", "2026-03-02", *pay[2:]]) == 0
    assert said().endswith("against inv-1: paid, with the early-payment discount of 24.00 PLN")


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 130_000)), max_size=4))
@example([(4, 117_600)])  # the discounted total in time
@example([(2, 50_000), (14, 67_600)])  # in two payments, the last on the last day
@example([(15, 117_600)])  # a day late
def test_an_invoice_is_paid_exactly_when_its_payments_reach_the_total_or_in_time_the_discounted_one(
    payments: list[tuple[int, int]],
) -> None:
    """Payments of any size on any day from the invoice date (16 February) to 18 March; the
    discount window closes on 2 March, the discounted total is 1176.00 of 1200.00."""
    dated = [
        (date(2026, 2, 16) + timedelta(days=day), Decimal(cents) / 100) for day, cents in payments
    ]
    case = _discount_case(*((day.isoformat(), f"{amount:.2f}") for day, amount in dated))
    state, _ = _invoice_state(case, "2026-03-20T09:00")
    paid = sum((amount for _, amount in dated), Decimal(0))
    in_time = sum((amount for day, amount in dated if day <= date(2026, 3, 2)), Decimal(0))
    settled = paid >= Decimal("1200.00") or in_time >= Decimal("1176.00")
    assert state.state == ("paid" if settled else "overdue")
    assert state.balance == (0 if settled else Decimal("1200.00") - paid)


# -- a prospect's last check-in is the last message --------------------------------------------

PROSPECT = {
    "id": "q1",
    "client": "c1",
    "kind": "prospect",
    "started": "2026-03-02T11:00:00+01:00",
    "subject": "the quote for your new shop",
}
SENDER = {"name": "Studio Lumen", "email": "marta@lumen.example"}


def _chase_sent(at: str, step: str) -> Json:
    return {
        "at": f"{at}+01:00",
        "client": "c1",
        "direction": "out",
        "kind": "reminder",
        "step": step,
        "channel": "email",
        "chase": "q1",
        "key": f"chase:q1/{step}/1",
    }


def _prospect_case(chase: Json = PROSPECT) -> Case:
    history = [
        _chase_sent("2026-03-06T10:00", "follow_up"),
        _chase_sent("2026-03-13T10:00", "last_check_in"),
    ]
    data = sample_case(invoices=[], chases=[chase], history=history, sender=SENDER)
    return Case.model_validate(data)


def test_the_prospect_file_is_closed_on_record_not_by_another_message() -> None:
    """The last check-in said it was the last: a week later the file is closed by the host,
    a task for the sender, nothing sent to the prospect."""
    case = _prospect_case()
    (close,) = plan(case, now=_at("2026-03-14T09:00")).actions
    assert (close.key, close.kind, close.channel) == ("chase:q1/close/1", "send_reminder", "system")
    assert close.at == _at("2026-03-20T10:00")
    assert "recorded, not sent: its only channel is system" in close.reason
    task = Renderer().render(case, close)
    assert task.channel == "system"
    assert [r.address for r in task.recipients] == ["marta@lumen.example"]
    assert task.subject == "Close the file for Studio Kowalski: “the quote for your new shop”"
    assert "nothing is sent to them" in task.text


@pytest.mark.parametrize(
    ("locale", "subject"),
    [
        ("en", "Closing the file: the quote for your new shop"),
        ("de", "Ich schließe den Vorgang ab: the quote for your new shop"),
        ("pl", "The quote for your new shop \N{EN DASH} zamykam temat"),
        ("el", "The quote for your new shop \N{EN DASH} κλείνω το θέμα"),
        ("ru", "The quote for your new shop: закрываю вопрос"),
    ],
)
def test_a_policy_may_still_send_the_close(locale: str, subject: str) -> None:
    ladder = builtin_policy("prospect").model_dump(mode="json", by_alias=True)
    ladder["steps"][-1] |= {"channels": ["email"], "template": "prospect/close"}
    case = _prospect_case(PROSPECT | {"policy": ladder | {"name": "prospect_sent"}})
    (close,) = plan(case, now=_at("2026-03-14T09:00")).actions
    assert (close.kind, close.channel) == ("send_reminder", "email")
    message = Renderer().render(case, close, locale=locale)
    assert [r.address for r in message.recipients] == ["c1@example.com"]
    assert message.subject == subject


def test_a_recorded_step_is_no_contact() -> None:
    """A step recorded, not sent, keeps no min_gap and counts as no warning."""
    step = Step.model_validate(
        {
            "id": "close",
            "from": "previous",
            "offset": "+1w",
            "action": "send_reminder",
            "channels": ["system"],
        }
    )
    assert (step.is_contact, step.recorded_only) == (False, True)


# -- the saas warning names one suspension date ------------------------------------------------


def _replayed(case: Case, now: datetime, until: str) -> list[tuple[Case, Action]]:
    """Each action performed in turn as a host does (reviews left to a person), with the case
    it was planned from, up to the first suspension or `until`."""
    done: list[tuple[Case, Action]] = []
    while not done or done[-1][1].kind != "suspend_service":
        todo = [a for a in plan(case, now=now).actions if a.kind != "review"]
        if not todo or todo[0].at > _at(until):
            break
        action = todo[0]
        done.append((case, action))
        event = performed_event(action, at=action.at, channel=action.channel, to=None)
        case = case.model_copy(update={"history": (*case.history, event)})
        now = action.at
    return done


@pytest.mark.parametrize(
    ("after", "suspended_on"),
    [
        ("21d", "2026-03-23"),  # the contract's delay after the due date ends on Monday 23rd
        ("7d", "2026-03-23"),  # the day after the deadline is a Saturday: the next working day
        ("30d", "2026-04-01"),  # the contract's delay ends later still
    ],
)
def test_the_saas_warning_names_the_day_the_service_is_suspended(
    after: str, suspended_on: str
) -> None:
    """Warned on Tuesday 17 March to pay by Friday 20 March, the client reads the day the
    service will in fact be suspended, in the subject and in the body alike — not 'on
    20 March' in one and 'the day after' in the other."""
    contract = kowalski_contract(suspension={"after": after, "warnings": 2})
    case = Case.model_validate(
        sample_case(policy="saas", contracts=[contract], sender=SENDER, history=[])
    )
    performed = _replayed(case, _at("2026-03-03T09:00"), "2026-04-30T00:00")
    suspended = performed[-1][1]
    assert suspended.kind == "suspend_service"
    day = suspended.at.date()
    assert str(day) == suspended_on
    warned, warning = next((c, a) for c, a in performed if a.step == "warning")
    assert str(warning.deadline) == "2026-03-20"
    for locale in ("en", "de", "pl", "el", "ru"):
        message = Renderer().render(warned, warning, locale=locale)
        subject, text = _words(message.subject), _words(message.text)  # wrapped, spaced
        named = _words(str(Day(day, locale)))
        assert named in subject, (locale, subject)
        assert named in text, (locale, text)
        assert _words(str(Day(warning.deadline, locale))) in text, locale


def _words(text: str) -> str:
    return " ".join(text.split())
