"""Issue 16, item 5: nothing is planned for an invoice after its write-off, except reviews.

An invoice walked up the ladder of `examples/end_state.json` (reminder, warning, suspension,
last warning, cancellation) is written off on a random day, paid in part on random days before
and after, beside a second invoice of the same client still being chased; at any later moment
the plan holds nothing but reviews about it, and a review of a payment exactly when one came
on or after the day of the write-off.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_end_state import CANCELLED, WARNED, case, event

import paychase

_LONDON = ZoneInfo("Europe/London")
_LEAN = settings(max_examples=20, deadline=None)
_SECOND = {
    "id": "i2",
    "number": "ND-2",
    "contract": "k1",
    "issued": "2026-05-01",
    "total": "300.00",
    "currency": "GBP",
}


@st.composite
def written_off_cases(draw: st.DrawFn) -> tuple[dict[str, object], date, datetime]:
    """A case with i1 written off on a day it returns, and a planning moment after it."""
    day = draw(st.dates(min_value=date(2026, 4, 3), max_value=date(2026, 7, 31)))
    cancelled = draw(st.booleans())
    history = [
        *(CANCELLED if cancelled else WARNED),
        event(f"{day.isoformat()}T11:00", "write_off", "write_off"),
    ]
    # Each payment under a third of the invoice: together never more than it.
    payments = draw(
        st.lists(
            st.tuples(
                st.dates(min_value=date(2026, 2, 16), max_value=date(2026, 10, 31)),
                st.decimals(min_value=Decimal("0.01"), max_value=Decimal(800), places=2),
            ),
            max_size=3,
        )
    )
    chased = draw(st.booleans())
    data = case(
        history,
        payments=[{"date": d.isoformat(), "amount": str(a)} for d, a in sorted(payments)],
        invoices=[_SECOND] if chased else [],
    )
    # Planned from the moment of the write-off (11:00) up to five months later.
    later = draw(st.integers(min_value=0, max_value=150 * 24))
    now = datetime.combine(day, time(11), _LONDON) + timedelta(hours=later)
    return data, day, now


@_LEAN
@given(written_off_cases())
def test_nothing_but_reviews_after_a_write_off(
    drawn: tuple[dict[str, object], date, datetime],
) -> None:
    data, day, now = drawn
    result = paychase.plan(data, now=now)
    about = [action for action in result.actions if "i1" in action.invoices]
    assert all(action.kind == "review" for action in about), about
    today = now.astimezone(_LONDON).date()
    payments = data["invoices"][0]["payments"]  # type: ignore[index]
    late = [p for p in payments if day <= date.fromisoformat(p["date"]) <= today]
    reviewed = [a for a in about if "/review:written_off/" in a.key]
    assert len(reviewed) == (1 if late else 0)
    if late:
        assert reviewed[0].key.endswith(f"/{len(late)}")
    [state] = [s for s in result.invoices if s.id == "i1"]
    assert state.state in ("written_off", "paid")
