"""Properties of a richer ladder (issue 16, item 4): a repeated step never duplicates a key nor
charges its own per-step fee twice, an ``end_of_month`` step lands on its month's last day
whatever the month, and ``client_balance_over`` compares each currency's overdue total on its
own."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from paychase import Action, Case, performed_event, plan
from paychase.planner._anchors import month_end

WARSAW = ZoneInfo("Europe/Warsaw")
# A loop of plans is dearer than one plan: few examples, each walking a whole ladder.
_LEAN = settings(max_examples=15, deadline=None)

_OUTCOMES = st.sampled_from(["delivered", "delivered", "delivered", "bounced", "read"])


def _case(steps: list[dict[str, Any]], invoices: list[dict[str, Any]], **limits: Any) -> Case:
    return Case.model_validate(
        {
            "version": 1,
            "now": "2026-01-01T09:00:00+01:00",
            "policy": {"name": "knobs", "steps": steps, **limits},
            "clients": [
                {
                    "id": "c1",
                    "name": "Studio Kowalski",
                    "country": "PL",
                    "timezone": "Europe/Warsaw",
                    "contacts": {"email": "c1@example.com", "sms": "+48 600 100 201"},
                }
            ],
            "contracts": [
                {
                    "id": "k1",
                    "client": "c1",
                    "currency": "PLN",
                    "late_fee": {"kind": "flat", "amount": "40.00", "per": "step"},
                },
                {"id": "k2", "client": "c1", "currency": "EUR"},
            ],
            "invoices": invoices,
        }
    )


@st.composite
def repeating_cases(draw: st.DrawFn) -> Case:
    """Two or three invoices on a ladder whose middle step repeats and books a fee."""
    every = draw(st.integers(1, 12))
    nag = {
        "id": "nag",
        "from": "previous",
        "offset": f"+{draw(st.integers(0, 8))}d",
        "action": "send_reminder",
        "channels": ["email", "sms"],
        "tone": "firm",
        "effects": ["apply_late_fee"],
        "late_fee": {"kind": "flat", "amount": "25.00"},
        "repeat": {"every": f"{every}d", "times": draw(st.integers(2, 4))},
    }
    steps = [
        {"id": "polite", "from": "due", "offset": "+1d", "action": "send_reminder"},
        nag,
        {"id": "last", "from": "previous", "offset": "+5d", "action": "send_reminder"},
    ]
    start = date(2026, 1, 5)
    invoices = [
        {
            "id": f"inv-{n}",
            "contract": draw(st.sampled_from(["k1", "k1", "k2"])),
            "issued": "2026-01-02",
            "due": (start + timedelta(days=draw(st.integers(0, 20)))).isoformat(),
            "total": "500.00",
        }
        for n in range(draw(st.integers(2, 3)))
    ]
    for invoice in invoices:
        invoice["currency"] = "PLN" if invoice["contract"] == "k1" else "EUR"
    gap = draw(st.integers(0, 4))
    return _case(steps, invoices, min_gap=f"{gap}d", business_days_only=draw(st.booleans()))


def _perform(case: Case, action: Action, outcome: str | None) -> Case:
    """`case` with `action` recorded as performed at its moment, and the clock moved there."""
    event = performed_event(action, at=action.at, channel=action.channel, to=None, outcome=outcome)
    return case.model_copy(update={"history": (*case.history, event), "now": action.at})


@_LEAN
@given(repeating_cases(), st.data())
def test_a_repeat_never_duplicates_a_key_nor_books_its_fee_twice_and_keeps_its_interval(
    case: Case, data: st.DataObject
) -> None:
    performed: list[Action] = []
    for _ in range(30):
        actions = [a for a in plan(case, now=None).actions if a.kind != "review"]
        if not actions:
            break
        action = actions[0]
        outcome = "delivered" if action.kind == "apply_fee" else data.draw(_OUTCOMES)
        performed.append(action)
        case = _perform(case, action, outcome)
    keys = Counter(a.key for a in performed)
    assert max(keys.values(), default=0) == 1, keys
    fees = Counter((i, a.step) for a in performed if a.kind == "apply_fee" for i in a.invoices)
    assert max(fees.values(), default=0) <= 1, fees
    # 'nag' books its own 25.00 in place of the clause's 40.00 per step, once per invoice.
    for action in performed:
        assert action.amounts.late_fee <= Decimal("25.00") * len(action.invoices), action
    nag = case.policy.steps[1]
    assert nag.repeat is not None
    sent = Counter(
        invoice
        for event in case.history
        if event.outcome in ("delivered", "read") and event.kind == "reminder"
        for invoice in event.invoices
        if event.step_for(invoice) == "nag"
    )
    assert max(sent.values(), default=0) <= nag.repeat.times, sent
    every = timedelta(days=nag.repeat.every.count)
    for invoice in sent:
        days = [
            event.at.astimezone(WARSAW).date()
            for event in case.history
            if event.outcome in ("delivered", "read")
            and event.step_for(invoice) == "nag"
            and event.kind == "reminder"
            and invoice in event.invoices
        ]
        assert all(later - earlier >= every for earlier, later in pairwise(days)), days


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(1999, 1, 1), max_value=date(2099, 12, 31)))
def test_month_end_is_the_last_day_of_its_month(day: date) -> None:
    end = month_end(day)
    assert (end.year, end.month) == (day.year, day.month)
    assert end >= day
    assert (end + timedelta(days=1)).day == 1


@_LEAN
@given(
    due=st.one_of(
        st.dates(min_value=date(2026, 1, 1), max_value=date(2032, 12, 31)),
        st.sampled_from(
            [date(2028, 2, 29), date(2028, 2, 1), date(2026, 12, 31), date(2027, 12, 1)]
        ),
    ),
    offset=st.integers(0, 3),
)
def test_an_end_of_month_step_lands_on_its_months_last_day_plus_offset(
    due: date, offset: int
) -> None:
    steps = [
        {
            "id": "statement",
            "from": "end_of_month",
            "offset": f"+{offset}d",
            "action": "send_reminder",
        }
    ]
    invoice = {
        "id": "inv-1",
        "contract": "k1",
        "issued": (due - timedelta(days=14)).isoformat(),
        "due": due.isoformat(),
        "total": "100.00",
        "currency": "PLN",
    }
    case = _case(steps, [invoice], business_days_only=False)
    now = datetime.combine(due, time(8), WARSAW)
    action = plan(case, now=now).actions[0]
    assert action.at == datetime.combine(month_end(due) + timedelta(days=offset), time(10), WARSAW)


@_LEAN
@given(
    totals=st.lists(st.integers(1, 900), min_size=1, max_size=4),
    paid=st.lists(st.integers(0, 900), min_size=4, max_size=4),
    currencies=st.lists(st.sampled_from(["k1", "k2"]), min_size=4, max_size=4),
    threshold=st.integers(100, 2000),
)
def test_the_client_threshold_compares_each_currencys_overdue_total(
    totals: list[int], paid: list[int], currencies: list[str], threshold: int
) -> None:
    invoices = []
    for n, total in enumerate(totals):
        part = min(paid[n], total - 1)
        invoice = {
            "id": f"inv-{n}",
            "contract": currencies[n],
            "issued": "2026-02-01",
            "due": "2026-03-02",
            "total": f"{total}.00",
            "currency": "PLN" if currencies[n] == "k1" else "EUR",
        }
        if part:
            invoice["payments"] = [{"date": "2026-03-01", "amount": f"{part}.00"}]
        invoices.append(invoice)
    steps = [
        {
            "id": "big",
            "from": "due",
            "offset": "+1d",
            "action": "send_reminder",
            "requires": [f"client_balance_over:{threshold}"],
        },
        {"id": "small", "from": "due", "offset": "+2d", "action": "send_reminder"},
    ]
    case = _case(steps, invoices)
    owed: Counter[str] = Counter()
    for invoice in invoices:
        paid_part = sum(Decimal(p["amount"]) for p in invoice.get("payments", []))
        owed[invoice["currency"]] += Decimal(invoice["total"]) - paid_part
    result = plan(case, now=datetime(2026, 3, 3, 8, tzinfo=WARSAW))
    for action in result.actions:
        currency = next(i["currency"] for i in invoices if i["id"] == action.invoices[0])
        assert action.step == ("big" if owed[currency] > threshold else "small"), (owed, action)
    assert {i for a in result.actions for i in a.invoices} == {i["id"] for i in invoices}
