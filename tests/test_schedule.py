"""A client's clock (``paychase.policy._schedule``): when a step happens, in local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from paychase import Duration, HolidaysCalendar, Policy, Step
from paychase.calendar._local_time import ContactWindow
from paychase.policy._schedule import Bound, ClientClock

WARSAW = ZoneInfo("Europe/Warsaw")
POLAND = HolidaysCalendar("PL")


def _warsaw(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=WARSAW)  # type: ignore[misc]


def _policy(**changes: Any) -> Policy:
    data: dict[str, Any] = {
        "name": "test",
        "send_at": "10:00",
        "call_at": "12:00",
        "quiet_hours": ["20:00", "08:00"],
        "business_days_only": True,
        "steps": [{"id": "polite", "from": "due", "offset": "+1d", "action": "send_reminder"}],
    }
    data.update(changes)
    return Policy.model_validate(data)


def _step(offset: str, action: str = "send_reminder", **extra: Any) -> Step:
    return Step.model_validate(
        {"id": "s", "from": "due", "offset": offset, "action": action, **extra}
    )


CLOCK = ClientClock(_policy(), WARSAW, POLAND)
ANY_DAY = ClientClock(_policy(business_days_only=False), WARSAW, POLAND)


def test_window_follows_the_policy() -> None:
    assert CLOCK.window == ContactWindow(business_days_only=True, quiet=(time(20), time(8)))
    assert ANY_DAY.window.business_days_only is False
    assert ClientClock(_policy(quiet_hours=None), WARSAW, POLAND).window.quiet is None


def test_local() -> None:
    moment = datetime(2026, 3, 10, 9, tzinfo=UTC)
    assert CLOCK.local(moment).isoformat() == "2026-03-10T10:00:00+01:00"
    assert CLOCK.local(moment) == moment


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 10), "2026-03-10T00:00:00+01:00"),
        (date(2026, 3, 29), "2026-03-29T00:00:00+01:00"),  # midnight comes before the change
        (date(2026, 3, 30), "2026-03-30T00:00:00+02:00"),
        (date(2026, 10, 25), "2026-10-25T00:00:00+02:00"),
        (date(2026, 10, 26), "2026-10-26T00:00:00+01:00"),
    ],
)
def test_start_of(day: date, expected: str) -> None:
    assert CLOCK.start_of(day).isoformat() == expected


@pytest.mark.parametrize(
    ("action", "hour"),
    [
        ("call", time(12)),
        ("send_reminder", time(10)),
        ("send_letter", time(10)),
        ("escalate", time(10)),
        ("suspend_service", time(10)),
        ("apply_fee", time(10)),
    ],
)
def test_hour_of(action: str, hour: time) -> None:
    assert CLOCK.hour_of(_step("+1d", action)) == hour


# -- a step's own time ----------------------------------------------------------------------

DUE = date(2026, 3, 16)  # a Monday

# (clock, (offset, action), anchor, due, expected)
SCHEDULED = [
    # after the due date: the policy's hour on the day, working day or not (the contact
    # window moves it later); calls at call_at
    (CLOCK, ("+1d", "send_reminder"), _warsaw(2026, 3, 16), DUE, "2026-03-17T10:00:00+01:00"),
    (CLOCK, ("+1d", "call"), _warsaw(2026, 3, 16), DUE, "2026-03-17T12:00:00+01:00"),
    (CLOCK, ("+5d", "send_reminder"), _warsaw(2026, 3, 16), DUE, "2026-03-21T10:00:00+01:00"),
    (CLOCK, ("+7d", "send_reminder"), _warsaw(2026, 3, 17, 10), DUE, "2026-03-24T10:00:00+01:00"),
    (CLOCK, ("+1w@TU", "call"), _warsaw(2026, 3, 24, 10), DUE, "2026-03-31T12:00:00+02:00"),
    (CLOCK, ("+1bd", "send_reminder"), _warsaw(2026, 4, 3, 15), DUE, "2026-04-07T10:00:00+02:00"),
    (CLOCK, ("0d", "call"), _warsaw(2026, 3, 16), DUE, "2026-03-16T12:00:00+01:00"),
    # hours keep the time they arrive at
    (
        CLOCK,
        ("36h", "send_reminder"),
        _warsaw(2026, 3, 16, 9, 15),
        DUE,
        "2026-03-17T21:15:00+01:00",
    ),
    # DST: the 10:00 slot stays 10:00 while the offset changes
    (
        CLOCK,
        ("+1d", "send_reminder"),
        _warsaw(2026, 3, 28),
        date(2026, 3, 20),
        "2026-03-29T10:00:00+02:00",
    ),
    (
        CLOCK,
        ("+7d", "send_reminder"),
        _warsaw(2026, 10, 20),
        date(2026, 10, 1),
        "2026-10-27T10:00:00+01:00",
    ),
    (
        CLOCK,
        ("24h", "send_reminder"),
        _warsaw(2026, 3, 28, 10),
        date(2026, 3, 20),
        "2026-03-29T11:00:00+02:00",
    ),
    # before the due date: moved back off weekends and holidays, so it still comes first
    (CLOCK, ("-3d", "send_reminder"), _warsaw(2026, 3, 16), DUE, "2026-03-13T10:00:00+01:00"),
    (CLOCK, ("-1d", "send_reminder"), _warsaw(2026, 3, 16), DUE, "2026-03-13T10:00:00+01:00"),
    (CLOCK, ("-2d", "call"), _warsaw(2026, 3, 16), DUE, "2026-03-13T12:00:00+01:00"),
    (CLOCK, ("-3bd", "call"), _warsaw(2026, 3, 16), DUE, "2026-03-11T12:00:00+01:00"),
    # due Monday 4 May: Sunday 3 May, Saturday, Friday 1 May are all days off in Poland
    (
        CLOCK,
        ("-1d", "send_reminder"),
        _warsaw(2026, 5, 4),
        date(2026, 5, 4),
        "2026-04-30T10:00:00+02:00",
    ),
    # due Tuesday 7 April: Easter Monday and the weekend before it
    (
        CLOCK,
        ("-1d", "send_reminder"),
        _warsaw(2026, 4, 7),
        date(2026, 4, 7),
        "2026-04-03T10:00:00+02:00",
    ),
    # ... across the DST change: back to Friday 27 March, at +01:00
    (
        CLOCK,
        ("-1d", "send_reminder"),
        _warsaw(2026, 3, 30),
        date(2026, 3, 30),
        "2026-03-27T10:00:00+01:00",
    ),
    # a policy that contacts any day does not move pre-due steps
    (ANY_DAY, ("-1d", "send_reminder"), _warsaw(2026, 3, 16), DUE, "2026-03-15T10:00:00+01:00"),
    (
        ANY_DAY,
        ("-1d", "send_reminder"),
        _warsaw(2026, 5, 4),
        date(2026, 5, 4),
        "2026-05-03T10:00:00+02:00",
    ),
]


@pytest.mark.parametrize(("clock", "step", "anchor", "due", "expected"), SCHEDULED)
def test_scheduled(
    clock: ClientClock, step: tuple[str, str], anchor: datetime, due: date, expected: str
) -> None:
    moment = clock.scheduled(_step(*step), anchor, due)
    assert moment.isoformat() == expected
    assert moment.tzinfo is WARSAW


def test_scheduled_reads_the_anchor_in_the_clients_zone() -> None:
    # 23:30 UTC on 15 March is already 16 March in Warsaw
    anchor = datetime(2026, 3, 15, 23, 30, tzinfo=UTC)
    moment = CLOCK.scheduled(_step("+1d"), anchor, DUE)
    assert moment.isoformat() == "2026-03-17T10:00:00+01:00"


def test_send_time_inside_the_spring_forward_gap_moves_forward() -> None:
    clock = ClientClock(_policy(quiet_hours=None, send_at="02:30"), WARSAW, POLAND)
    moment = clock.scheduled(_step("+1d"), _warsaw(2026, 3, 28), date(2026, 3, 20))
    assert moment.isoformat() == "2026-03-29T03:30:00+02:00"


# -- the contact window, durations, deadlines ----------------------------------------------

FIRST_OPEN = [
    (_warsaw(2026, 3, 13, 21), time(10), "2026-03-16T10:00:00+01:00"),  # Friday night
    (datetime(2026, 3, 13, 20, 30, tzinfo=UTC), time(10), "2026-03-16T10:00:00+01:00"),
    (_warsaw(2026, 4, 30, 12), time(12), "2026-04-30T12:00:00+02:00"),
    (_warsaw(2026, 4, 30, 20), time(12), "2026-05-04T12:00:00+02:00"),
    (_warsaw(2026, 3, 27, 21), time(10), "2026-03-30T10:00:00+02:00"),
    (_warsaw(2026, 3, 10, 3), time(0), "2026-03-10T08:00:00+01:00"),
]


@pytest.mark.parametrize(("earliest", "opens", "expected"), FIRST_OPEN)
def test_first_open(earliest: datetime, opens: time, expected: str) -> None:
    moment = CLOCK.first_open(earliest, opens)
    assert moment.isoformat() == expected
    assert moment.tzinfo is WARSAW


AFTER = [
    # whole days: from the start of the day they end on, whatever the hour counted from
    ("3d", _warsaw(2026, 3, 13, 10), "2026-03-16T00:00:00+01:00"),
    ("3d", _warsaw(2026, 3, 13, 17), "2026-03-16T00:00:00+01:00"),
    ("1d", _warsaw(2026, 3, 28, 12), "2026-03-29T00:00:00+01:00"),  # DST starts at 02:00
    # hours: exact elapsed time, across the DST change
    ("24h", _warsaw(2026, 3, 28, 12), "2026-03-29T13:00:00+02:00"),
    ("2bd", _warsaw(2026, 4, 30, 9), "2026-05-05T00:00:00+02:00"),
    # business days are the client's days, not the UTC day (24 March 23:30 UTC is the 25th)
    ("5bd", datetime(2026, 3, 24, 23, 30, tzinfo=UTC), "2026-04-01T00:00:00+02:00"),
]


@pytest.mark.parametrize(("duration", "moment", "expected"), AFTER)
def test_after(duration: str, moment: datetime, expected: str) -> None:
    assert CLOCK.after(Duration.parse(duration), moment).isoformat() == expected


DEADLINES = [
    (None, _warsaw(2026, 3, 24, 10), None),
    ("5bd", _warsaw(2026, 3, 24, 10), date(2026, 3, 31)),
    ("14d", _warsaw(2026, 6, 22, 10), date(2026, 7, 6)),
    ("3d", _warsaw(2026, 3, 31, 10), date(2026, 4, 3)),
    ("1bd", _warsaw(2026, 4, 30, 12), date(2026, 5, 4)),
    ("0d", _warsaw(2026, 3, 24, 10), date(2026, 3, 24)),
    # counted from the local date: 23:30 UTC on 23 March is 24 March in Warsaw
    ("14d", datetime(2026, 3, 23, 23, 30, tzinfo=UTC), date(2026, 4, 7)),
]


@pytest.mark.parametrize(("deadline", "at", "expected"), DEADLINES)
def test_deadline_of(deadline: str | None, at: datetime, expected: date | None) -> None:
    step = _step("+7d", "send_letter", deadline=deadline)
    assert CLOCK.deadline_of(step, at) == expected


def test_bound_is_a_moment_with_a_reason() -> None:
    bound = Bound(_warsaw(2026, 3, 17), "the grace period runs to 2026-03-16")
    assert bound.moment.date() == date(2026, 3, 17)
    assert "grace" in bound.why
