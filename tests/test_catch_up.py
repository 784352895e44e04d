"""Catching up: an invoice picked up long after its steps fell due (issue 15, item 4).

The invoice of `tests.test_simulate.one_invoice` (1200.00 PLN due Monday 16 March 2026, a
client in Warsaw) is picked up 100 days after its due date with nothing in its history.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.test_simulate import one_invoice

from paychase.simulation._simulate import simulate
from paychase.simulation._timeline import Timeline

Json = dict[str, Any]

# 100 days after the due date, a Wednesday.
PICKED_UP = datetime.fromisoformat("2026-06-24T09:00:00+02:00")


def picked_up(case: Json, days: int = 60) -> Timeline:
    """`case` walked forward from `PICKED_UP`, every planned action performed."""
    return simulate(case, now=PICKED_UP, until=PICKED_UP + timedelta(days=days))


def contacts(timeline: Timeline) -> list[tuple[str, str | None]]:
    """(local day, step) of every contact made, in order."""
    return [
        (f"{entry.at:%Y-%m-%d}", entry.step)
        for entry in timeline.entries
        if entry.what in ("send_reminder", "send_letter", "call")
    ]


def test_today_a_ladder_picked_up_late_walks_every_step_one_after_the_other() -> None:
    walked = contacts(picked_up(one_invoice("freelancer", late_fee={"kind": "none"})))
    assert walked == [
        ("2026-06-24", "polite"),  # caught up at once
        ("2026-07-01", "firm"),  # previous +7d
        ("2026-07-07", "check_call"),  # previous +1w@TU, no answer
        ("2026-07-10", "check_call"),  # min_gap 3d: given up
        ("2026-07-13", "with_fee"),  # from here every step is overdue: min_gap apart
        ("2026-07-16", "overdue_30"),
        ("2026-07-20", "overdue_60"),
        ("2026-07-23", "overdue_90"),
        ("2026-07-30", "final"),  # previous +7d
    ]
