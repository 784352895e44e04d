"""When a scripted move happens: the moments a script names, and where they fall on the clock.

A move's moment (`ScriptMoment`) is a date (the move happens as it begins, in the client's
zone), an aware date-time, or a duration counted from the simulation's start; a day a move
names (`MoveDay`: the promised date, the first instalment) is a date or a duration counted from
the move. `moment_of` and `day_of` turn them into the client's moment and date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated, Final, TypeVar

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from paychase.calendar._durations import Duration
from paychase.calendar._local_time import local_moment, zone
from paychase.calendar._working_days import default_calendar
from paychase.case._parties import Client
from paychase.errors import InvalidCaseError

__all__ = ["MoveDay", "ScriptMoment", "day_of", "moment_of"]

_T = TypeVar("_T")

When = date | datetime | Duration
"""A move's moment: a date (as it begins, client's time), an aware datetime, or a duration
counted from the simulation's start (``+10d``: as day 10 begins; ``+36h``: exactly)."""


def _forward(duration: Duration) -> Duration:
    if duration.is_negative:
        raise ValueError("must not be negative: moves are counted forward from the start")
    return duration


def _when(value: object) -> When:
    """Read a moment of the script: a duration, a date or an aware date-time."""
    if isinstance(value, Duration):
        return _forward(value)
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        duration = _parsed(Duration.parse, text)
        if duration is not None:
            return _forward(duration)
        moment = _parsed(datetime.fromisoformat, text.replace("Z", "+00:00"))
        if moment is not None and len(text) == 10:
            return moment.date()
        if moment is not None:
            return _aware(moment)
    raise ValueError(
        "a date (2026-03-20), a date-time with a UTC offset (2026-03-20T15:00:00+01:00) or a "
        "duration from the simulation's start ('+10d', '+2w', '+36h', '+5bd')"
    )


def _parsed(reader: Callable[[str], _T], text: str) -> _T | None:
    try:
        return reader(text)
    except ValueError:
        return None


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: add a UTC offset such as +01:00")
    return moment


def _day(value: object) -> date | Duration:
    """Read a day a move names (promised, first instalment): a date, or a span from the move."""
    moment = _when(value)
    if isinstance(moment, datetime):
        raise ValueError(
            "a date (2026-04-01) or a duration from the move's day ('+7d'), not a time"
        )
    return moment


def _when_text(value: When) -> str:
    return f"{value:+}" if isinstance(value, Duration) else value.isoformat()


_WHEN_SCHEMA: Final = {
    "type": "string",
    "examples": ["2026-03-20", "2026-03-20T15:00:00+01:00", "+10d", "+36h"],
}
ScriptMoment = Annotated[
    When,
    PlainValidator(_when),
    PlainSerializer(_when_text, return_type=str),
    WithJsonSchema(_WHEN_SCHEMA),
]
MoveDay = Annotated[
    date | Duration,
    PlainValidator(_day),
    PlainSerializer(_when_text, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["2026-04-01", "+7d"]}),
]


def moment_of(on: When, client: Client, start: datetime, *, field: str) -> datetime:
    """When a move happens: a day as it begins, in the client's zone; never before the start."""
    tz = zone(client.timezone)
    begun = start.astimezone(tz)
    if isinstance(on, Duration):
        calendar = default_calendar(client.country, client.subdivision)
        moment = (
            on.shift(begun, calendar)
            if on.keeps_time_of_day
            else local_moment(on.shift_date(begun.date(), calendar), time(0), tz)
        )
    elif isinstance(on, datetime):
        moment = on.astimezone(tz)
    else:
        moment = local_moment(on, time(0), tz)
    if moment.date() < begun.date():
        raise InvalidCaseError(
            f"before the simulation's start ({begun.date()})", field=field, value=_when_text(on)
        )
    return max(moment, begun)


def day_of(named: date | Duration | None, client: Client, day: date) -> date:
    """The day a move names (promised, first instalment): a date, or counted from `day`."""
    if isinstance(named, Duration):
        return named.shift_date(day, default_calendar(client.country, client.subdivision))
    assert named is not None  # the moves that name a day have it (Behaviour checks it)
    return named
