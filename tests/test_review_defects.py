"""Small defects found in review (issue 15, item 5), one section each.

The sample case (`tests.samples`): Studio Kowalski in Warsaw owes inv-1, 1200.00 PLN issued
Monday 16 February 2026 and due Monday 2 March, under the freelancer policy (``send_at``
10:00, quiet hours 20:00-08:00, working days only): its ``polite`` step falls on Tuesday
3 March at 10:00.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.samples import sample_case

from paychase import Action, plan


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
