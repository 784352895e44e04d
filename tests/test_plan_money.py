"""The money engine inside `plan()` and `statement()`: worked cases checked to the cent.

Each expected figure is computed by hand in the comment next to it, from the packaged rate
table (PL_B2B: NBP reference + 10 pp; H1 2025 15.75 %, H2 2025 15.25 %, H1 2026 14.00 %).
"""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import paychase
from paychase import Action, Plan
from paychase.planner._statement import statement

WARSAW = ZoneInfo("Europe/Warsaw")
D = Decimal

BASE: dict[str, Any] = {
    "version": 1,
    "policy": "freelancer",
    "clients": [
        {
            "id": "c1",
            "name": "Studio",
            "kind": "business",
            "country": "PL",
            "locale": "pl_PL",
            "timezone": "Europe/Warsaw",
            "contacts": {"email": "biuro@example.pl"},
        }
    ],
    "contracts": [
        {
            "id": "k1",
            "client": "c1",
            "currency": "PLN",
            "payment_terms": "14d",
            "late_fee": {"kind": "statutory"},
        }
    ],
    "invoices": [
        {
            "id": "inv-1",
            "contract": "k1",
            "issued": "2025-06-02",
            "due": "2025-06-16",
            "total": "20000.00",
            "currency": "PLN",
            "payments": [{"date": "2025-06-30", "amount": "8000.00"}],
        }
    ],
}


def _case(**changes: Any) -> dict[str, Any]:
    """BASE with the contract, invoice or client fields in `changes` replaced."""
    case = copy.deepcopy(BASE)
    for name, value in changes.items():
        record, _, field = name.partition("__")
        target = {"contract": case["contracts"][0], "invoice": case["invoices"][0]}.get(record)
        if target is None:
            case[name] = value
        elif value is None:
            target.pop(field, None)
        else:
            target[field] = value
    return case


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WARSAW)


def _only(result: Plan, kind: str) -> Action:
    found = [a for a in result.actions if a.kind == kind]
    assert len(found) == 1, [a.key for a in result.actions]
    return found[0]


# -- statutory interest ------------------------------------------------------------------------


def test_partly_paid_pln_invoice_across_a_rate_change_matches_a_court_calculator() -> None:
    # Interest from 2025-06-17. Up to the payment (14 days at 15.75 %):
    #   20000 x 15.75 % x 14/365 = 120.8219... -> 120.82, paid first (art. 451 KC),
    #   so the 8000.00 payment leaves principal 20000 - (8000 - 120.82) = 12120.82.
    # Then 2025-07-01..2025-07-20 (20 days) at the H2 rate 15.25 %:
    #   12120.82 x 15.25 % x 20/365 = 101.2835... -> 101.28.
    line = statement(_case(), "c1", now=_at("2025-07-20T12:00")).lines[0]
    assert (line.principal, line.interest, line.total) == (
        D("12120.82"),
        D("101.28"),
        D("12222.10"),
    )
    assert (line.invoiced, line.paid) == (D("20000.00"), D("8000.00"))


def test_the_plan_charges_interest_as_of_the_actions_own_date() -> None:
    # 2025-07-20 is a Sunday: the catch-up reminder goes on Monday 21st, one more day:
    #   12120.82 x 15.25 % x 21/365 = 106.3477... -> 106.35; total 12227.17.
    action = _only(paychase.plan(_case(), now=_at("2025-07-20T12:00")), "send_reminder")
    assert action.at.date().isoformat() == "2025-07-21"
    assert action.amounts is not None
    assert (action.amounts.principal, action.amounts.interest, action.amounts.total) == (
        D("12120.82"),
        D("106.35"),
        D("12227.17"),
    )


def test_a_saturday_deadline_moves_to_monday_before_interest_starts() -> None:
    # TV-11: due Sat 2025-05-31 -> Mon 2025-06-02 (art. 115 KC); paying the vector's 1003.45 on
    # 2025-06-10 (1000 x 15.75 % x 8/365 = 3.4520... -> 3.45) settles everything.
    case = _case(
        invoice__issued="2025-05-17",
        invoice__due="2025-05-31",
        invoice__total="1000.00",
        invoice__payments=[{"date": "2025-06-10", "amount": "1003.45"}],
    )
    result = statement(case, "c1", now=_at("2025-06-20T12:00"))
    assert (result.lines[0].principal, result.lines[0].interest) == (D("0.00"), D("0.00"))
    assert not paychase.plan(case, now=_at("2025-06-20T12:00")).actions


def test_paying_only_the_invoiced_amount_late_leaves_a_claim_for_a_person_to_decide() -> None:
    case = _case(invoice__payments=[{"date": "2025-06-30", "amount": "20000.00"}])
    review = _only(paychase.plan(case, now=_at("2025-07-01T09:00")), "review")
    assert review.key == "k1/inv-1/review:charges/1"
    assert "remain claimable" in review.reason
    assert review.amounts is not None
    assert review.amounts.principal == D("120.82")  # the payment paid the interest first


def test_a_contract_may_waive_the_charges_once_the_principal_is_paid() -> None:
    case = _case(
        contract__waive_charges_when_paid=True,
        invoice__payments=[{"date": "2025-06-30", "amount": "20000.00"}],
    )
    assert not paychase.plan(case, now=_at("2025-07-01T09:00")).actions


def test_russian_interest_is_paid_after_the_principal() -> None:
    # RU art. 395: principal first, so the partial payment reduces the principal in full.
    case = _case(
        contract__currency="RUB",
        contract__jurisdiction="RU",
        invoice__currency="RUB",
        invoice__issued="2024-10-01",
        invoice__due="2024-10-15",
        invoice__total="1000000.00",
        invoice__payments=[{"date": "2024-11-15", "amount": "400000.00"}],
    )
    line = statement(case, "c1", now=_at("2024-12-01T12:00")).lines[0]
    assert line.principal == D("600000.00")
    assert line.interest > 0


def test_a_rate_table_gap_is_reviewed_never_guessed() -> None:
    case = _case(contract__jurisdiction="RU", contract__currency="RUB", invoice__currency="RUB")
    case["invoices"][0].update(issued="2025-12-01", due="2025-12-15", payments=[])
    result = paychase.plan(case, now=_at("2026-02-02T09:00"))
    review = _only(result, "review")
    assert "rule 11" in review.reason
    assert "2025-12-23" in review.reason  # the day after the table's last RU rate


def test_consumers_in_other_eu_states_get_no_statutory_interest() -> None:
    case = _case(contract__jurisdiction="FR", contract__currency="EUR", invoice__currency="EUR")
    case["clients"][0]["kind"] = "consumer"
    line = statement(case, "c1", now=_at("2025-07-20T12:00")).lines[0]
    assert line.interest == 0
    assert line.principal == D("12000.00")


# -- fixed compensation --------------------------------------------------------------------------


def test_polish_compensation_is_converted_at_the_nbp_rate_of_the_month_before() -> None:
    # 20000 PLN is in the EUR 70 tier; due 2025-06-16, so the rate of Fri 2025-05-30 counts.
    case = _case(
        contract__fixed_compensation=True,
        exchange_rates=[{"date": "2025-05-30", "from": "EUR", "to": "PLN", "rate": "4.2497"}],
    )
    line = statement(case, "c1", now=_at("2025-07-20T12:00")).lines[0]
    assert line.compensation == D("297.48")  # 70 x 4.2497 = 297.479
    assert line.total == D("12222.10") + D("297.48")


def test_compensation_without_the_exchange_rate_is_left_out_and_reviewed() -> None:
    case = _case(contract__fixed_compensation=True)
    result = paychase.plan(case, now=_at("2025-07-20T12:00"))
    review = _only(result, "review")
    assert "2025-05-30" in review.reason
    reminder = _only(result, "send_reminder")
    assert reminder.amounts is not None
    assert reminder.amounts.compensation == 0


def test_no_compensation_for_an_invoice_paid_on_time() -> None:
    case = _case(
        contract__fixed_compensation=True,
        contract__jurisdiction="DE",
        contract__currency="EUR",
        invoice__currency="EUR",
        invoice__payments=[{"date": "2025-06-16", "amount": "20000.00"}],
    )
    line = statement(case, "c1", now=_at("2025-07-20T12:00")).lines[0]
    assert (line.compensation, line.interest, line.total) == (D("0.00"), D("0.00"), D("0.00"))


# -- contractual late fees -----------------------------------------------------------------------


FEE_POLICY = {
    "name": "fees",
    "min_gap": "1d",
    "send_at": "10:00",
    "call_at": "12:00",
    "quiet_hours": ["20:00", "08:00"],
    "business_days_only": True,
    "reply_pause": "5bd",
    "max_attempts_per_step": 2,
    "steps": [
        {"id": "polite", "from": "due", "offset": "+1d", "action": "send_reminder"},
        {
            "id": "with_fee",
            "from": "due",
            "offset": "+21d",
            "action": "send_reminder",
            "effects": ["apply_late_fee"],
        },
    ],
}
POLITE_SENT = {
    "at": "2025-06-20T10:00:00+02:00",
    "client": "c1",
    "invoices": ["inv-1"],
    "direction": "out",
    "kind": "reminder",
    "step": "polite",
    "channel": "email",
    "outcome": "delivered",
}


def _fee_case(fee: dict[str, Any], *, polite_sent: bool = True, **changes: Any) -> dict[str, Any]:
    """1000.00 PLN due 2025-06-16, 3 days' grace: 'polite' (sent 2025-06-20), then 'with_fee'
    at due + grace + 21 days = Thu 2025-07-10 10:00."""
    defaults = {
        "contract__late_fee": fee,
        "contract__grace": "3d",
        "invoice__payments": [],
        "invoice__total": "1000.00",
        "policy": FEE_POLICY,
        "history": [POLITE_SENT] if polite_sent else [],
    }
    return _case(**{**defaults, **changes})


def test_a_flat_fee_is_charged_from_the_step_that_applies_it_and_booked_once() -> None:
    case = _fee_case({"kind": "flat", "amount": "40.00"}, polite_sent=False)
    early = paychase.plan(case, now=_at("2025-06-17T09:00"))
    assert _only(early, "send_reminder").amounts.late_fee == 0  # type: ignore[union-attr]
    case = _fee_case({"kind": "flat", "amount": "40.00"})
    late = paychase.plan(case, now=_at("2025-07-10T09:00"))
    booking = _only(late, "apply_fee")
    message = next(a for a in late.actions if a.step == "with_fee" and a.kind != "apply_fee")
    assert booking.key == "k1/inv-1/fee:with_fee/1"
    assert [(c.kind, c.amount) for c in booking.charges] == [("late_fee", D("40.00"))]
    assert message.amounts is not None
    assert (message.amounts.late_fee, message.amounts.total) == (D("40.00"), D("1040.00"))


def test_a_booked_fee_is_not_booked_again_and_does_not_perform_the_message_step() -> None:
    case = _fee_case({"kind": "flat", "amount": "40.00"})
    late = paychase.plan(case, now=_at("2025-07-10T09:00"))
    booking = _only(late, "apply_fee")
    case["history"] = [
        POLITE_SENT,
        {
            "at": booking.at.isoformat(),
            "client": "c1",
            "invoices": ["inv-1"],
            "direction": "out",
            "kind": "fee",
            "step": "with_fee",
            "channel": "system",
            "key": booking.key,
        },
    ]
    again = paychase.plan(case, now=booking.at)
    assert not [a for a in again.actions if a.kind == "apply_fee"]
    message = next(a for a in again.actions if a.step == "with_fee")
    assert message.amounts is not None
    assert message.amounts.late_fee == D("40.00")


def test_compensation_a_pre_due_step_lists_is_dropped_and_never_booked_for_it() -> None:
    early = {"id": "early", "from": "due", "offset": "-3d", "action": "send_reminder"}
    case = _case(
        policy=FEE_POLICY | {"steps": [early | {"effects": ["add_compensation"]}]},
        contract__fixed_compensation=True,
        contract__jurisdiction="DE",
        contract__currency="EUR",
        invoice__currency="EUR",
        invoice__payments=[],
    )
    reminder = _only(paychase.plan(case, now=_at("2025-06-13T09:00")), "send_reminder")
    assert reminder.amounts is not None
    assert reminder.amounts.compensation == 0  # nothing is late yet
    assert reminder.effects == ()
    assert "no fixed compensation: inv-1 is not late on 2025-06-13" in reminder.reason
    case["history"] = [POLITE_SENT | {"at": "2025-06-13T10:00:00+02:00", "step": "early"}]
    assert not paychase.plan(case, now=_at("2025-06-16T09:00")).actions  # due today
    # The pre-due message claimed nothing: no booking is planned for it once the invoice is
    # late (the compensation is in the amounts of every later message all the same).
    assert not paychase.plan(case, now=_at("2025-06-17T09:00")).actions


def test_no_fee_is_booked_without_a_clause() -> None:
    case = _fee_case({"kind": "none"})
    late = paychase.plan(case, now=_at("2025-07-10T09:00"))
    assert not [a for a in late.actions if a.kind == "apply_fee"]
    message = next(a for a in late.actions if a.step == "with_fee")
    assert "no late fee" in message.reason


def test_a_daily_fee_runs_from_the_end_of_grace() -> None:
    # Due 2025-06-16, grace 3 days: fee days from 2025-06-20. The with_fee step falls on
    # due + 21 + 3 = 2025-07-10 (a Thursday): 21 days x 0.1 % x 1000 = 21.00.
    case = _fee_case({"kind": "daily_rate", "rate": "0.1"})
    booking = _only(paychase.plan(case, now=_at("2025-07-10T09:00")), "apply_fee")
    assert booking.at.date().isoformat() == "2025-07-10"
    assert booking.charges[0].amount == D("21.00")


def test_a_fee_cap_holds() -> None:
    case = _fee_case({"kind": "daily_rate", "rate": "1", "cap_rate": "10"})
    booking = _only(paychase.plan(case, now=_at("2025-07-10T09:00")), "apply_fee")
    assert booking.charges[0].amount == D("100.00")  # 21 % would be 210.00; 10 % cap


# -- discount and tolerance ----------------------------------------------------------------------


def test_an_early_payment_discount_is_offered_until_it_expires_exactly() -> None:
    case = _fee_case(
        {"kind": "none"},
        contract__early_payment_discount={"rate": "2", "within": "12d"},
        invoice__issued="2025-06-01",
        policy="freelancer",
        history=[],
    )
    # freelancer pre_due is due - 3 days = 2025-06-13, the last day of the discount.
    pre_due = _only(paychase.plan(case, now=_at("2025-06-13T08:00")), "send_reminder")
    assert pre_due.amounts is not None
    assert pre_due.amounts.discount == D("20.00")
    assert pre_due.amounts.discounted_total == D("980.00")
    assert pre_due.amounts.discount_until is not None
    assert pre_due.amounts.discount_until.isoformat() == "2025-06-13"
    later = paychase.plan(case, now=_at("2025-06-17T08:00")).actions[0]
    assert later.amounts is not None
    assert later.amounts.discount is None


@pytest.mark.parametrize(("total", "chased"), [("4.99", False), ("5.00", True)])
def test_a_balance_below_the_tolerance_is_not_chased(total: str, chased: bool) -> None:
    case = _fee_case(
        {"kind": "none"}, polite_sent=False, contract__tolerance="5.00", invoice__total=total
    )
    result = paychase.plan(case, now=_at("2025-06-17T09:00"))
    assert bool(result.actions) is chased


def _paid_late_in_greece(dispute_at: str) -> dict[str, Any]:
    """A 20 000 EUR invoice of a Greek business, due 2025-06-16, paid in full on 2025-06-30
    (two weeks late: EUR 40 under art. 6 of Directive 2011/7/EU), then a dispute naming
    neither an invoice nor an amount: the client contests the account."""
    greek = {**BASE["clients"][0], "country": "GR", "locale": "el_GR", "timezone": "Europe/Athens"}
    return _case(
        clients=[greek],
        contract__currency="EUR",
        contract__fixed_compensation=True,
        invoice__currency="EUR",
        invoice__payments=[{"date": "2025-06-30", "amount": "20000.00"}],
        history=[{"at": dispute_at, "client": "c1", "direction": "in", "kind": "dispute"}],
    )


def test_a_dispute_after_the_invoice_was_paid_leaves_its_compensation_claimable() -> None:
    # Nothing of the invoice was unpaid when the client complained: the late payment's
    # EUR 40 stands.
    case = _paid_late_in_greece("2025-07-02T10:00:00+03:00")
    assert statement(case, "c1", now=_at("2025-07-20T12:00")).lines[0].compensation == D("40.00")


def test_a_dispute_raised_while_the_invoice_was_unpaid_contests_its_compensation() -> None:
    case = _paid_late_in_greece("2025-06-20T10:00:00+03:00")
    assert statement(case, "c1", now=_at("2025-07-20T12:00")).lines[0].compensation == D("0.00")


def test_a_partly_disputed_invoice_still_books_the_fee_of_a_step_sent_without_its_booking() -> None:
    # 'with_fee' went out on 2025-07-10 but its booking was not recorded; the client then
    # disputes 100.00 of the 1000.00. The review of the dispute is planned first: its amounts
    # must not hide the fee from the booking that follows.
    with_fee_sent = {**POLITE_SENT, "at": "2025-07-10T10:00:00+02:00", "step": "with_fee"}
    dispute = {
        "at": "2025-07-11T09:00:00+02:00",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "in",
        "kind": "dispute",
        "dispute": {"amount": "100.00", "reason": "one item missing"},
    }
    case = _fee_case(
        {"kind": "flat", "amount": "50.00"}, history=[POLITE_SENT, with_fee_sent, dispute]
    )
    result = paychase.plan(case, now=_at("2025-07-14T09:00"))
    booking = _only(result, "apply_fee")
    assert [(c.kind, c.amount) for c in booking.charges] == [("late_fee", D("50.00"))]
    assert booking.amounts is not None
    assert booking.amounts.late_fee == D("50.00")


# -- the German consumer's delay (§ 286 BGB) -------------------------------------------------


def _german_consumer(*history: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A consumer in Germany owing 1000.00 EUR, due 2025-06-16 by the invoice alone."""
    fields: dict[str, Any] = {
        "contract__jurisdiction": "DE",
        "contract__currency": "EUR",
        "contract__payment_terms": None,
        "invoice__currency": "EUR",
        "invoice__total": "1000.00",
        "invoice__payments": [],
    }
    case = _case(**{**fields, **changes})
    case["clients"][0].update(kind="consumer", country="DE", timezone="Europe/Berlin")
    case["history"] = [{"client": "c1", "invoices": ["inv-1"], **event} for event in history]
    return case


def _reminder(at: str, **fields: Any) -> dict[str, Any]:
    return {"at": at, "direction": "out", "kind": "reminder", "channel": "email", **fields}


AS_OF = _at("2025-07-20T12:00")


def test_a_german_consumer_owes_no_interest_before_a_reminder_after_a_date_the_invoice_set() -> (
    None
):
    case = _german_consumer(_reminder("2025-06-10T10:00:00+02:00"))  # before the due date
    result = paychase.plan(case, now=AS_OF)
    assert statement(case, "c1", now=AS_OF).lines[0].interest == 0
    assert all(a.amounts is None or a.amounts.interest == 0 for a in result.actions)


def test_a_german_consumers_delay_starts_with_the_first_reminder_that_reached_them() -> None:
    bounced = _reminder("2025-06-20T10:00:00+02:00", outcome="bounced")
    case = _german_consumer(bounced, _reminder("2025-06-25T10:00:00+02:00"))
    # The same debt, had the contract agreed 2025-06-25 as its due date.
    agreed = _german_consumer(invoice__due="2025-06-25", contract__payment_terms="9d")
    agreed["invoices"][0]["issued"] = "2025-06-16"
    line = statement(case, "c1", now=AS_OF).lines[0]
    assert line.interest == statement(agreed, "c1", now=AS_OF).lines[0].interest
    # 1000.00 x (7.27 % x 5 days + 6.27 % x 20 days) / 365: from 26 June to 20 July 2025.
    assert line.interest in (D("4.43"), D("4.44"))


def test_a_due_date_the_contract_agreed_starts_a_german_consumers_delay_by_itself() -> None:
    case = _german_consumer(contract__payment_terms="14d", invoice__issued="2025-06-02")
    assert statement(case, "c1", now=AS_OF).lines[0].interest > 0


def test_a_german_business_is_in_delay_from_the_due_date() -> None:
    case = _german_consumer()
    case["clients"][0]["kind"] = "business"
    assert statement(case, "c1", now=AS_OF).lines[0].interest > 0


# -- a rate table that ends after the debt was paid (rule 11) ------------------------------------


def _russian(*payments: dict[str, str]) -> dict[str, Any]:
    """A Russian client's 1000.00 RUB due 2025-12-15; the RU table's last rate ends 2025-12-22."""
    case = _case(contract__jurisdiction="RU", contract__currency="RUB", invoice__currency="RUB")
    case["invoices"][0].update(
        issued="2025-11-01", due="2025-12-15", total="1000.00", payments=list(payments)
    )
    return case


def test_an_invoice_paid_on_time_needs_no_rate_the_table_lacks() -> None:
    result = paychase.plan(
        _russian({"date": "2025-12-10", "amount": "1000.00"}), now=_at("2026-03-10T09:00")
    )
    assert result.actions == ()


def test_a_rate_gap_ends_on_the_day_the_debt_was_paid() -> None:
    case = _russian({"date": "2026-01-20", "amount": "1000.00"})
    review = _only(paychase.plan(case, now=_at("2026-03-10T09:00")), "review")
    assert "no rate for 2025-12-23..2026-01-20" in review.reason


def test_interest_paid_off_before_the_table_ends_is_claimed_with_no_gap() -> None:
    case = _russian({"date": "2025-12-20", "amount": "1000.00"})
    review = _only(paychase.plan(case, now=_at("2026-03-10T09:00")), "review")
    assert "interest 2.26 RUB remain claimable" in review.reason
    assert "no rate" not in review.reason


MAHNUNG = {
    "name": "mahnung",
    "steps": [
        {
            "id": "mahnung",
            "from": "due",
            "offset": "+10d",
            "action": "send_reminder",
            "channels": ["email"],
            "tone": "firm",
            "effects": ["apply_late_fee"],
        }
    ],
}


def test_the_demand_that_starts_a_german_consumers_delay_says_so() -> None:
    case = _german_consumer(policy=MAHNUNG)
    reminder = _only(paychase.plan(case, now=_at("2025-06-26T09:00")), "send_reminder")
    assert reminder.amounts is not None
    assert reminder.amounts.interest == 0
    assert "this demand puts the client in delay (§ 286 BGB)" in reminder.reason
    assert "interest.awaits_demand" in [p.code for p in reminder.why]


def test_a_demand_after_the_delay_began_does_not_say_it_starts_it() -> None:
    case = _german_consumer(_reminder("2025-06-20T10:00:00+02:00"), policy=MAHNUNG)
    reminder = _only(paychase.plan(case, now=_at("2025-06-26T09:00")), "send_reminder")
    assert reminder.amounts is not None
    assert reminder.amounts.interest > 0
    assert "§ 286" not in reminder.reason


def test_a_rate_table_without_the_regime_is_reviewed_never_silent() -> None:
    table = paychase.builtin_rate_table()
    without_pl = table.model_copy(
        update={"regimes": tuple(r for r in table.regimes if not r.regime.startswith("PL"))}
    )
    result = paychase.plan(_case(), now=_at("2025-07-20T12:00"), rates=without_pl)
    review = _only(result, "review")
    assert "the rate table has no PL_B2B regime" in review.reason
    assert "no statutory interest on inv-1 is computed from 2025-06-17" in review.reason  # rule 12
    assert all(a.amounts is None or a.amounts.interest == 0 for a in result.actions)
