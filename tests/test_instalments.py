"""Instalment plans: frequencies, schedules and adherence (paychase.conversation._instalments)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import jsonschema
import pytest
from babel.numbers import get_currency_precision
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from paychase._model import FrozenModel
from paychase.case._instalment_plan import Frequency
from paychase.conversation._instalments import Instalment, Standing, schedule, standing
from paychase.errors import InvalidCaseError

MONTHLY = Frequency.parse("1m")

# -- strategies ------------------------------------------------------------------------------


def currencies() -> st.SearchStrategy[str]:
    """Every minor unit in use: 0 decimals (JPY), 2 (EUR, PLN), 3 (KWD, BHD)."""
    return st.sampled_from(["JPY", "EUR", "PLN", "KWD", "BHD"])


def frequencies() -> st.SearchStrategy[Frequency]:
    """Up to a quarter in months, a quarter in weeks, and up to 100 days: real plans' spans."""
    return st.one_of(
        st.builds(Frequency, st.integers(1, 3), st.just("m")),
        st.builds(Frequency, st.integers(1, 13), st.just("w")),
        st.builds(Frequency, st.integers(1, 100), st.just("d")),
    )


def firsts() -> st.SearchStrategy[date]:
    """Two centuries of first due dates: many leap days, month ends and year ends."""
    return st.dates(min_value=date(1990, 1, 1), max_value=date(2190, 12, 31))


@st.composite
def totals(draw: st.DrawFn, *, currency: str, count: int) -> Decimal:
    """A total exact to the currency's minor unit that gives each instalment at least one unit.

    Up to 10**13 minor units (a hundred billion euros): past any real balance, yet well inside
    Decimal's 28 significant digits. Small totals are drawn often, since they are where the
    remainder is large relative to the instalment.
    """
    places = get_currency_precision(currency)
    units = draw(st.integers(count, count * 5) | st.integers(count, 10**13))
    return Decimal(units).scaleb(-places)


@st.composite
def plans(draw: st.DrawFn) -> tuple[Instalment, ...]:
    """A schedule of 1 to 12 instalments in any currency, every frequency."""
    currency = draw(currencies())
    count = draw(st.integers(1, 12))
    total = draw(totals(currency=currency, count=count))
    return schedule(total, currency, count, draw(firsts()), draw(frequencies()))


def after(days: int) -> Callable[[date], date]:
    """A grace of `days` calendar days after the due date."""
    return lambda due: due + timedelta(days=days)


def first_missed(
    plan: Sequence[Instalment],
    payments: Sequence[tuple[date, Decimal]],
    today: date,
    grace_end: Callable[[date], date],
) -> Instalment | None:
    """The rule restated naively: the first instalment whose grace passed uncovered."""
    for k, instalment in enumerate(plan):
        end = grace_end(instalment.due)
        if today <= end:
            continue
        paid_by_end = sum((amount for day, amount in payments if day <= end), Decimal(0))
        if paid_by_end < sum(i.amount for i in plan[: k + 1]):
            return instalment
    return None


# -- Frequency -------------------------------------------------------------------------------

PARSED = [
    ("1d", Frequency(1, "d")),
    ("10d", Frequency(10, "d")),
    ("1w", Frequency(1, "w")),
    ("2w", Frequency(2, "w")),
    ("1m", Frequency(1, "m")),
    ("12m", Frequency(12, "m")),
    ("9999d", Frequency(9999, "d")),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_frequency_parses_and_prints_back(text: str, expected: Frequency) -> None:
    assert Frequency.parse(text) == expected
    assert str(expected) == text


BAD_FREQUENCIES = [
    "",
    "m",  # no number
    "1",  # no unit
    "0m",  # at least one
    "0d",
    "-1m",  # never backwards
    "+1m",
    "01m",  # no leading zero: the text must print back as written
    "1.5m",  # whole numbers only
    "1y",  # years are 12m
    "1M",  # units are lower case
    "1bd",  # business days are the caller's grace, not a frequency
    "1 m",
    " 1m",
    "1m ",
    "10000d",  # at most four digits
]


@pytest.mark.parametrize("text", BAD_FREQUENCIES)
def test_frequency_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not an instalment frequency"):
        Frequency.parse(text)


@pytest.mark.parametrize(
    ("count", "unit"), [(0, "m"), (-1, "d"), (10_000, "w"), (1, "y"), (1, "bd")]
)
def test_frequency_refuses_direct_construction_parse_would_refuse(count: int, unit: str) -> None:
    with pytest.raises(ValueError, match="frequency's"):
        Frequency(count, unit)  # type: ignore[arg-type]


def test_frequency_refuses_a_non_integer_count() -> None:
    with pytest.raises(InvalidCaseError):
        Frequency(True, "m")
    with pytest.raises(InvalidCaseError):
        Frequency(1.0, "m")  # type: ignore[arg-type]


@given(st.integers(1, 9999), st.sampled_from(["d", "w", "m"]))
def test_frequency_text_round_trips(count: int, unit: str) -> None:
    frequency = Frequency(count, unit)  # type: ignore[arg-type]
    assert Frequency.parse(str(frequency)) == frequency


def test_frequency_is_a_frozen_value() -> None:
    frequency = Frequency.parse("2w")
    assert frequency == Frequency(2, "w")
    assert hash(frequency) == hash(Frequency(2, "w"))
    with pytest.raises(AttributeError):
        frequency.count = 3  # type: ignore[misc]


# -- Frequency.nth ---------------------------------------------------------------------------

NTH = [
    # Months are counted from the first date each time, so a month end stays a month end.
    ("1m", date(2026, 1, 31), ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]),
    ("1m", date(2026, 1, 30), ["2026-01-30", "2026-02-28", "2026-03-30", "2026-04-30"]),
    ("1m", date(2028, 1, 31), ["2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30"]),
    ("1m", date(2026, 12, 15), ["2026-12-15", "2027-01-15", "2027-02-15"]),
    ("3m", date(2026, 8, 31), ["2026-08-31", "2026-11-30", "2027-02-28", "2027-05-31"]),
    ("6m", date(2027, 8, 29), ["2027-08-29", "2028-02-29", "2028-08-29", "2029-02-28"]),
    # A leap day recurs only in leap years; the years between fall on 28 February.
    (
        "12m",
        date(2028, 2, 29),
        ["2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"],
    ),
    ("1w", date(2026, 12, 25), ["2026-12-25", "2027-01-01", "2027-01-08"]),
    ("1w", date(2028, 2, 22), ["2028-02-22", "2028-02-29", "2028-03-07"]),
    ("2w", date(2026, 1, 1), ["2026-01-01", "2026-01-15", "2026-01-29", "2026-02-12"]),
    ("10d", date(2026, 2, 20), ["2026-02-20", "2026-03-02", "2026-03-12"]),
    ("10d", date(2028, 2, 20), ["2028-02-20", "2028-03-01", "2028-03-11"]),
    ("1d", date(2028, 2, 28), ["2028-02-28", "2028-02-29", "2028-03-01"]),
]


@pytest.mark.parametrize(("text", "first", "expected"), NTH)
def test_nth(text: str, first: date, expected: list[str]) -> None:
    frequency = Frequency.parse(text)
    assert [frequency.nth(first, k).isoformat() for k in range(len(expected))] == expected


def test_nth_is_not_chained() -> None:
    # Chained, 31 Jan + 1m + 1m would be 28 March; counted from the first it is 31 March.
    assert MONTHLY.nth(date(2026, 1, 31), 2) == date(2026, 3, 31)
    assert MONTHLY.nth(MONTHLY.nth(date(2026, 1, 31), 1), 1) == date(2026, 3, 28)


def test_nth_refuses_a_negative_index() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        MONTHLY.nth(date(2026, 1, 1), -1)


@pytest.mark.parametrize("text", ["1m", "1w", "1d"])
def test_nth_past_year_9999_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="after 9999"):
        Frequency.parse(text).nth(date(9999, 12, 31), 1)


# -- pydantic --------------------------------------------------------------------------------


class _Plan(FrozenModel):
    every: Frequency


def test_pydantic_validates_from_text_and_serialises_to_text() -> None:
    held = _Plan.model_validate({"every": "2w"})
    assert held.every == Frequency(2, "w")
    assert held.model_dump() == {"every": "2w"}
    assert held.model_dump_json() == '{"every":"2w"}'
    assert _Plan.model_validate_json(held.model_dump_json()) == held
    assert _Plan(every=Frequency(1, "m")).every == MONTHLY


@pytest.mark.parametrize("value", ["0m", "1y", "", 1, None, 1.5])
def test_pydantic_rejects(value: object) -> None:
    with pytest.raises(InvalidCaseError, match="frequency"):
        _Plan.model_validate({"every": value})


def test_pydantic_model_stays_frozen() -> None:
    held = _Plan(every=MONTHLY)
    with pytest.raises(ValidationError):
        held.every = Frequency(2, "w")  # type: ignore[misc]


def test_json_schema_is_a_patterned_string() -> None:
    schema = _Plan.model_json_schema()
    field = schema["properties"]["every"]
    assert field["type"] == "string"
    pattern = re.compile(field["pattern"])
    assert all(pattern.match(text) for text, _ in PARSED)
    assert not any(pattern.match(text) for text in BAD_FREQUENCIES)
    jsonschema.validate(_Plan(every=Frequency(10, "d")).model_dump(mode="json"), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"every": "0m"}, schema)


# -- schedule --------------------------------------------------------------------------------

SPLITS = [
    ("100.00", "EUR", 3, ["33.33", "33.33", "33.34"]),
    ("100", "EUR", 3, ["33.33", "33.33", "33.34"]),
    ("0.03", "EUR", 3, ["0.01", "0.01", "0.01"]),  # the smallest total for three instalments
    ("0.05", "EUR", 3, ["0.01", "0.01", "0.03"]),
    ("1200.00", "PLN", 12, ["100.00"] * 12),
    ("1000.00", "PLN", 1, ["1000.00"]),
    ("10000", "JPY", 3, ["3333", "3333", "3334"]),
    ("10", "JPY", 6, ["1", "1", "1", "1", "1", "5"]),  # the last absorbs up to count-1 units
    ("1.000", "KWD", 3, ["0.333", "0.333", "0.334"]),
    ("10.001", "BHD", 2, ["5.000", "5.001"]),
]


@pytest.mark.parametrize(("total", "currency", "count", "amounts"), SPLITS)
def test_schedule_amounts(total: str, currency: str, count: int, amounts: list[str]) -> None:
    plan = schedule(Decimal(total), currency, count, date(2026, 1, 31), MONTHLY)
    assert [str(i.amount) for i in plan] == amounts
    assert [i.number for i in plan] == list(range(1, count + 1))
    assert sum(i.amount for i in plan) == Decimal(total)


def test_schedule_dates_follow_the_frequency() -> None:
    plan = schedule(Decimal("400.00"), "EUR", 4, date(2028, 1, 31), MONTHLY)
    assert plan == (
        Instalment(1, date(2028, 1, 31), Decimal("100.00")),
        Instalment(2, date(2028, 2, 29), Decimal("100.00")),
        Instalment(3, date(2028, 3, 31), Decimal("100.00")),
        Instalment(4, date(2028, 4, 30), Decimal("100.00")),
    )


REFUSED = [
    ("100.00", "EUR", 0, "count", "at least one instalment"),
    ("100.00", "EUR", -2, "count", "at least one instalment"),
    ("1.001", "EUR", 2, "total", "2 decimal places"),
    ("0.5", "JPY", 1, "total", "0 decimal places"),
    ("1.0001", "KWD", 1, "total", "3 decimal places"),
    ("0.02", "EUR", 3, "total", "too small to split into 3 instalments"),
    ("5", "JPY", 6, "total", "too small"),
    ("0", "EUR", 1, "total", "too small"),
    ("-10.00", "EUR", 2, "total", "too small"),
    ("NaN", "EUR", 2, "total", "finite"),
    ("Infinity", "EUR", 2, "total", "finite"),
    ("1E+30", "EUR", 2, "total", "too many digits"),
]


@pytest.mark.parametrize(("total", "currency", "count", "field", "problem"), REFUSED)
def test_schedule_refuses(total: str, currency: str, count: int, field: str, problem: str) -> None:
    with pytest.raises(InvalidCaseError, match=problem) as caught:
        schedule(Decimal(total), currency, count, date(2026, 1, 1), MONTHLY)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field


def test_schedule_refuses_a_plan_running_past_year_9999() -> None:
    with pytest.raises(InvalidCaseError, match="after 9999"):
        schedule(Decimal("100.00"), "EUR", 3, date(9999, 11, 1), MONTHLY)


@given(
    data=st.data(),
    currency=currencies(),
    count=st.integers(1, 60),
    first=firsts(),
    every=frequencies(),
)
def test_schedule_properties(
    data: st.DataObject, currency: str, count: int, first: date, every: Frequency
) -> None:
    total = data.draw(totals(currency=currency, count=count))
    plan = schedule(total, currency, count, first, every)
    unit = Decimal(1).scaleb(-get_currency_precision(currency))
    amounts = [i.amount for i in plan]

    assert len(plan) == count
    assert sum(amounts) == total  # exactly, not within a rounding
    assert all(amount > 0 for amount in amounts)
    assert all(amount == amount.quantize(unit) for amount in amounts)
    *regular, last = amounts
    assert len(set(regular)) <= 1
    if regular:
        assert last >= regular[0]
        assert last - regular[0] < count * unit
    assert plan[0].due == first
    assert all(a.due < b.due for a, b in pairwise(plan))
    assert [i.due for i in plan] == [every.nth(first, k) for k in range(count)]
    assert [i.number for i in plan] == list(range(1, count + 1))


# -- standing --------------------------------------------------------------------------------

# 300 EUR in three monthly instalments of 100 from 10 January 2026, a week of grace each:
# the graces end on 17 January, 17 February and 17 March.
PLAN = schedule(Decimal("300.00"), "EUR", 3, date(2026, 1, 10), MONTHLY)
WEEK = after(7)
FIRST, SECOND, THIRD = PLAN


def _pay(*payments: tuple[str, str]) -> list[tuple[date, Decimal]]:
    return [(date.fromisoformat(day), Decimal(amount)) for day, amount in payments]


def _on(day: str, *payments: tuple[str, str]) -> Standing:
    return standing(PLAN, _pay(*payments), date.fromisoformat(day), WEEK)


def test_honoured_when_every_instalment_is_paid_on_its_date() -> None:
    state = _on("2026-03-01", ("2026-01-10", "100.00"), ("2026-02-10", "100.00"))
    assert state == Standing(
        paid=Decimal("200.00"),
        covered=2,
        next=THIRD,
        short=Decimal("100.00"),
        missed=None,
        broken_on=None,
        complete=False,
    )
    assert state.honoured


def test_nothing_due_yet_is_honoured() -> None:
    state = _on("2026-01-05")
    assert (state.paid, state.covered, state.next, state.short) == (
        Decimal(0),
        0,
        FIRST,
        Decimal(100),
    )
    assert state.honoured


def test_paying_ahead_covers_later_instalments() -> None:
    state = _on("2026-03-15", ("2026-01-10", "250.00"))
    assert (state.covered, state.next, state.short) == (2, THIRD, Decimal("50.00"))
    assert state.honoured
    # ... until the third instalment's grace ends with 50 still missing.
    late = _on("2026-03-18", ("2026-01-10", "250.00"))
    assert (late.missed, late.broken_on) == (THIRD, date(2026, 3, 18))


def test_a_partial_payment_leaves_a_shortfall_on_the_next_instalment() -> None:
    state = _on("2026-01-12", ("2026-01-10", "60.00"))
    assert (state.paid, state.covered, state.next) == (Decimal(60), 0, FIRST)
    assert state.short == Decimal(40)
    assert state.honoured


def test_paying_inside_the_grace_is_still_honoured() -> None:
    # Nothing on the due date; paid on the last day of grace, which still counts.
    state = _on("2026-01-25", ("2026-01-17", "100.00"))
    assert state.missed is None
    assert state.honoured
    assert state.covered == 1


def test_missed_the_day_after_the_grace_ends() -> None:
    assert _on("2026-01-17").missed is None  # the last day of grace: not yet missed
    state = _on("2026-01-18")
    assert (state.missed, state.broken_on) == (FIRST, date(2026, 1, 18))
    assert not state.honoured


def test_a_partial_payment_by_the_grace_end_is_still_missed() -> None:
    state = _on("2026-01-18", ("2026-01-10", "99.99"))
    assert (state.missed, state.short) == (FIRST, Decimal("0.01"))


def test_a_later_instalment_can_be_the_one_missed() -> None:
    state = _on("2026-02-20", ("2026-01-10", "100.00"))
    assert (state.missed, state.broken_on) == (SECOND, date(2026, 2, 18))


def test_a_catch_up_payment_after_the_break_does_not_mend_the_plan() -> None:
    state = _on("2026-02-01", ("2026-01-20", "100.00"))
    assert (state.covered, state.next) == (1, SECOND)
    assert (state.missed, state.broken_on) == (FIRST, date(2026, 1, 18))
    assert not state.honoured
    # Not even paying everything off: the plan is complete, and it was broken.
    paid_off = _on("2026-02-01", ("2026-01-20", "300.00"))
    assert paid_off.complete
    assert (paid_off.missed, paid_off.broken_on) == (FIRST, date(2026, 1, 18))
    assert not paid_off.honoured


def test_complete() -> None:
    state = _on(
        "2026-04-01",
        ("2026-01-10", "100.00"),
        ("2026-02-10", "100.00"),
        ("2026-03-10", "100.00"),
    )
    assert state == Standing(
        paid=Decimal("300.00"),
        covered=3,
        next=None,
        short=Decimal(0),
        missed=None,
        broken_on=None,
        complete=True,
    )
    assert not state.honoured  # nothing left to honour: the plan is done


def test_overpaying_is_complete() -> None:
    state = _on("2026-01-10", ("2026-01-10", "500.00"))
    assert (state.complete, state.covered, state.next) == (True, 3, None)
    assert state.short == 0
    assert state.paid == Decimal("500.00")


def test_payments_after_today_are_ignored() -> None:
    state = _on("2026-02-01", ("2026-01-10", "100.00"), ("2026-02-15", "200.00"))
    assert (state.paid, state.covered, state.complete) == (Decimal(100), 1, False)
    # A payment dated after today does not cover a grace that ended before today either.
    state = _on("2026-01-20", ("2026-01-25", "300.00"))
    assert (state.paid, state.missed) == (Decimal(0), FIRST)


def test_payments_may_come_in_any_order_and_as_an_iterator() -> None:
    payments = _pay(("2026-02-10", "100.00"), ("2026-01-10", "100.00"))
    state = standing(PLAN, iter(payments), date(2026, 2, 20), WEEK)
    assert (state.covered, state.missed) == (2, None)


def test_grace_end_is_the_callers() -> None:
    # A grace ending on the last day of the due date's month, say.
    def month_end(due: date) -> date:
        return (due.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)

    state = standing(PLAN, [], date(2026, 1, 31), month_end)
    assert state.missed is None
    state = standing(PLAN, [], date(2026, 2, 1), month_end)
    assert (state.missed, state.broken_on) == (FIRST, date(2026, 2, 1))
    # No grace at all: missed the day after the due date.
    assert standing(PLAN, [], date(2026, 1, 11), after(0)).broken_on == date(2026, 1, 11)


@pytest.mark.parametrize(
    ("plan", "problem"),
    [
        ((), "at least one instalment"),
        ((SECOND, FIRST), "due-date order"),
        ((Instalment(1, date(2026, 1, 1), Decimal(0)),), "positive amount"),
    ],
)
def test_standing_refuses_a_malformed_plan(plan: tuple[Instalment, ...], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        standing(plan, [], date(2026, 1, 1), WEEK)


def test_standing_refuses_a_grace_ending_before_the_due_date() -> None:
    with pytest.raises(ValueError, match="before the due date"):
        standing(PLAN, [], date(2026, 1, 1), after(-1))


@st.composite
def paid_within_grace(
    draw: st.DrawFn, plan: Sequence[Instalment], grace_days: int
) -> list[tuple[date, Decimal]]:
    """Payments covering each instalment in full by its grace end, early or late within it."""
    payments = []
    for instalment in plan:
        early = draw(st.integers(0, 40))
        day = instalment.due + timedelta(days=draw(st.integers(-early, grace_days)))
        payments.append((day, instalment.amount))
    return payments


@given(data=st.data(), plan=plans(), grace_days=st.integers(0, 30))
def test_paying_each_instalment_by_its_grace_end_is_never_missed(
    data: st.DataObject, plan: tuple[Instalment, ...], grace_days: int
) -> None:
    payments = data.draw(paid_within_grace(plan, grace_days))
    span = (plan[-1].due - plan[0].due).days + grace_days + 60
    today = plan[0].due + timedelta(days=data.draw(st.integers(-30, span)))
    state = standing(plan, payments, today, after(grace_days))
    assert state.missed is None
    assert state.broken_on is None
    assert state.honoured is not state.complete


@st.composite
def payment_lists(draw: st.DrawFn, plan: Sequence[Instalment]) -> list[tuple[date, Decimal]]:
    """Up to eight payments of up to half the plan each, anywhere from a month before the first
    due date to a few months after the last: early, late, partial, over and not at all.
    """
    total = sum(i.amount for i in plan)
    span = (plan[-1].due - plan[0].due).days + 120
    unit = min(i.amount for i in plan)  # at least the currency's minor unit, exact to it
    amounts = st.integers(1, max(1, int(total / unit) // 2)).map(lambda n: n * unit)
    days = st.integers(-30, span).map(lambda n: plan[0].due + timedelta(days=n))
    return draw(st.lists(st.tuples(days, amounts), max_size=8))


@given(data=st.data(), plan=plans(), grace_days=st.integers(0, 30))
def test_missed_is_the_first_instalment_whose_grace_passed_uncovered(
    data: st.DataObject, plan: tuple[Instalment, ...], grace_days: int
) -> None:
    payments = data.draw(payment_lists(plan))
    span = (plan[-1].due - plan[0].due).days + grace_days + 120
    today = plan[0].due + timedelta(days=data.draw(st.integers(-30, span)))
    grace_end = after(grace_days)
    state = standing(plan, payments, today, grace_end)

    expected = first_missed(plan, [p for p in payments if p[0] <= today], today, grace_end)
    assert state.missed == expected
    if expected is None:
        assert state.broken_on is None
    else:
        assert state.broken_on == grace_end(expected.due) + timedelta(days=1)
        assert state.broken_on <= today

    paid = sum((amount for day, amount in payments if day <= today), Decimal(0))
    owed = [sum(i.amount for i in plan[: k + 1]) for k in range(len(plan))]
    assert state.paid == paid
    assert state.complete is (paid >= owed[-1])
    assert state.covered == sum(1 for o in owed if o <= paid)
    if state.next is None:
        assert state.complete
        assert state.short == 0
    else:
        assert state.next == plan[state.covered]
        assert 0 < state.short <= state.next.amount
        assert state.short == owed[state.covered] - paid


@given(data=st.data(), plan=plans(), grace_days=st.integers(0, 30))
def test_no_later_payment_mends_a_broken_plan(
    data: st.DataObject, plan: tuple[Instalment, ...], grace_days: int
) -> None:
    payments = data.draw(payment_lists(plan))
    span = (plan[-1].due - plan[0].due).days + grace_days + 120
    today = plan[0].due + timedelta(days=data.draw(st.integers(0, span)))
    broken = standing(plan, payments, today, after(grace_days))
    assume(broken.broken_on is not None)
    assert broken.broken_on is not None  # for mypy
    catch_up_day = broken.broken_on + timedelta(days=data.draw(st.integers(0, 60)))
    total = sum((i.amount for i in plan), Decimal(0))
    mended = standing(
        plan, [*payments, (catch_up_day, total)], max(today, catch_up_day), after(grace_days)
    )
    assert (mended.missed, mended.broken_on) == (broken.missed, broken.broken_on)
    assert mended.complete
    assert not mended.honoured
