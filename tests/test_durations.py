"""Durations (SPEC §2): ``Nd``, ``Nbd``, ``Nw``, ``Nh``, signed, ``+1w@TU``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, ValidationError

from paychase import Duration, HolidaysCalendar

WARSAW = ZoneInfo("Europe/Warsaw")
POLAND = HolidaysCalendar("PL")


class _NoWeekends:
    """Every day is a working day: isolates calendar-day arithmetic from holidays."""

    def is_business_day(self, day: date, /) -> bool:
        return True


class _NeverWorks:
    """A broken calendar with no working day at all."""

    def is_business_day(self, day: date, /) -> bool:
        return False


def _warsaw(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=WARSAW)  # type: ignore[misc]


# -- parsing -------------------------------------------------------------------------------

PARSED = [
    ("14d", Duration(14, "d")),
    ("+7d", Duration(7, "d")),
    ("-3d", Duration(-3, "d")),
    ("0d", Duration(0, "d")),
    ("5bd", Duration(5, "bd")),
    ("-3bd", Duration(-3, "bd")),
    ("2w", Duration(2, "w")),
    ("36h", Duration(36, "h")),
    ("-12h", Duration(-12, "h")),
    ("+1w@TU", Duration(1, "w", 1)),
    ("1w@MO", Duration(1, "w", 0)),
    ("+3d@FR", Duration(3, "d", 4)),
    ("+0w@SU", Duration(0, "w", 6)),
    ("99999d", Duration(99999, "d")),
    ("  14d  ", Duration(14, "d")),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parse(text: str, expected: Duration) -> None:
    assert Duration.parse(text) == expected


BAD = [
    "14",  # no unit
    "3x",  # unknown unit
    "d",  # no number
    "",
    "   ",
    "1.5d",  # whole numbers only
    "--1d",
    "+-1d",
    "1 d",
    "1D",  # units are lower case
    "1bd@TU",  # a weekday follows days or weeks only
    "+2bd@MO",
    "36h@TU",
    "1w@tu",  # weekday codes are upper case
    "1w@TUE",
    "1w@",
    "@TU",
    "1w@XX",
    "123456d",  # at most five digits
    "1y",
    "1m",
    "P1D",  # not ISO 8601
]


@pytest.mark.parametrize("text", BAD)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"duration|weekday"):
        Duration.parse(text)


@pytest.mark.parametrize("value", [14, 14.0, None, b"14d"])
def test_parse_rejects_non_strings(value: object) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        Duration.parse(value)  # type: ignore[arg-type]


def test_weekday_on_business_days_names_the_rule() -> None:
    with pytest.raises(ValueError, match="days or weeks only"):
        Duration.parse("1bd@TU")


STRINGS = [
    ("14d", "14d"),
    ("+7d", "7d"),
    ("-3d", "-3d"),
    ("5bd", "5bd"),
    ("-3bd", "-3bd"),
    ("2w", "2w"),
    ("36h", "36h"),
    ("+1w@TU", "+1w@TU"),
    ("1w@TU", "+1w@TU"),
    ("+3d@FR", "+3d@FR"),
    ("-0d", "0d"),
]


@pytest.mark.parametrize(("text", "canonical"), STRINGS)
def test_str_is_canonical_and_round_trips(text: str, canonical: str) -> None:
    duration = Duration.parse(text)
    assert str(duration) == canonical
    assert Duration.parse(str(duration)) == duration


@pytest.mark.parametrize("text", ["-1w@FR", "-2d@MO"])
def test_negative_weekday_round_trips(text: str) -> None:
    duration = Duration.parse(text)
    assert Duration.parse(str(duration)) == duration


@pytest.mark.parametrize(
    ("text", "spec", "expected"),
    [
        ("7d", "+", "+7d"),
        ("0d", "+", "+0d"),
        ("5bd", "+", "+5bd"),
        ("7d", "", "7d"),
        ("-3d", "", "-3d"),
        ("5bd", ">6", "   5bd"),
    ],
)
def test_format(text: str, spec: str, expected: str) -> None:
    assert format(Duration.parse(text), spec) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [("-3d", "-3d"), ("-3bd", "-3bd"), ("+1w@TU", "+1w@TU")]
)
def test_format_signed_offsets(text: str, expected: str) -> None:
    assert f"{Duration.parse(text):+}" == expected


@pytest.mark.parametrize(
    ("text", "negative", "keeps_time"),
    [
        ("-3d", True, False),
        ("3d", False, False),
        ("0d", False, False),
        ("36h", False, True),
        ("-1h", True, True),
        ("5bd", False, False),
        ("+1w@TU", False, False),
    ],
)
def test_properties(text: str, negative: bool, keeps_time: bool) -> None:
    duration = Duration.parse(text)
    assert duration.is_negative is negative
    assert duration.keeps_time_of_day is keeps_time


# -- pydantic --------------------------------------------------------------------------------


class _Holder(BaseModel):
    span: Duration


def test_pydantic_validates_and_serialises_as_text() -> None:
    held = _Holder.model_validate({"span": "+1w@TU"})
    assert held.span == Duration(1, "w", 1)
    assert held.model_dump_json() == '{"span":"+1w@TU"}'
    assert _Holder(span=Duration(5, "bd")).span == Duration(5, "bd")


@pytest.mark.parametrize("value", ["14", "1bd@TU", 14])
def test_pydantic_rejects(value: object) -> None:
    with pytest.raises(ValidationError):
        _Holder.model_validate({"span": value})


def test_json_schema_is_a_patterned_string() -> None:
    schema = _Holder.model_json_schema()["properties"]["span"]
    assert schema["type"] == "string"
    assert "pattern" in schema


# -- shifting dates --------------------------------------------------------------------------

SHIFT_DATES = [
    # (duration, start, expected)
    ("14d", date(2026, 2, 1), date(2026, 2, 15)),
    ("-3d", date(2026, 3, 16), date(2026, 3, 13)),
    ("30d", date(2026, 1, 31), date(2026, 3, 2)),  # days, not months: no month-end clamping
    ("2w", date(2026, 3, 16), date(2026, 3, 30)),
    ("0d", date(2026, 3, 16), date(2026, 3, 16)),
    ("36h", date(2026, 3, 16), date(2026, 3, 17)),  # whole days elapsed
    ("23h", date(2026, 3, 16), date(2026, 3, 16)),
    ("48h", date(2026, 3, 16), date(2026, 3, 18)),
    # business days on the Polish calendar
    ("1bd", date(2026, 3, 13), date(2026, 3, 16)),  # Friday -> Monday
    ("5bd", date(2026, 3, 24), date(2026, 3, 31)),
    ("-1bd", date(2026, 3, 16), date(2026, 3, 13)),
    ("-3bd", date(2026, 3, 16), date(2026, 3, 11)),
    ("0bd", date(2026, 3, 14), date(2026, 3, 14)),  # zero business days stays put
    # the May long weekend: Fri 1 May (Labour Day), Sat, Sun 3 May (Constitution Day)
    ("1bd", date(2026, 4, 30), date(2026, 5, 4)),
    ("2bd", date(2026, 4, 30), date(2026, 5, 5)),
    ("-1bd", date(2026, 5, 4), date(2026, 4, 30)),
    # Easter: Sun 5 April, Easter Monday 6 April 2026
    ("1bd", date(2026, 4, 3), date(2026, 4, 7)),
    ("-1bd", date(2026, 4, 7), date(2026, 4, 3)),
    # Christmas Eve (a holiday since 2025), Christmas, Second Day of Christmas, Sunday
    ("1bd", date(2026, 12, 23), date(2026, 12, 28)),
    # a weekday moves to that day of the ISO week the shift lands in
    ("+3d@FR", date(2026, 3, 16), date(2026, 3, 20)),
    ("+0w@MO", date(2026, 3, 22), date(2026, 3, 16)),
]


@pytest.mark.parametrize(("text", "start", "expected"), SHIFT_DATES)
def test_shift_date(text: str, start: date, expected: date) -> None:
    assert Duration.parse(text).shift_date(start, POLAND) == expected


NEXT_WEEK = [date(2026, 3, 16) + timedelta(days=offset) for offset in range(7)]


@pytest.mark.parametrize("start", NEXT_WEEK, ids=[f"{d:%a}" for d in NEXT_WEEK])
def test_plus_one_week_at_tuesday_is_the_tuesday_of_the_next_iso_week(start: date) -> None:
    """Monday 16 March .. Sunday 22 March 2026 all lead to Tuesday 24 March."""
    assert start.isocalendar().week == 12
    landed = Duration.parse("+1w@TU").shift_date(start, POLAND)
    assert landed == date(2026, 3, 24)
    assert landed.isocalendar().week == 13
    assert landed.weekday() == 1


@pytest.mark.parametrize("start", NEXT_WEEK, ids=[f"{d:%a}" for d in NEXT_WEEK])
def test_plus_one_week_at_tuesday_keeps_the_wall_clock(start: date) -> None:
    moment = datetime(start.year, start.month, start.day, 15, 45, tzinfo=WARSAW)
    landed = Duration.parse("+1w@TU").shift(moment, POLAND)
    assert landed == _warsaw(2026, 3, 24, 15, 45)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # across the year end, into ISO week 1 of 2027
        (date(2026, 12, 31), date(2027, 1, 5)),
        # a Sunday belongs to the ISO week that began the Monday before
        (date(2026, 3, 29), date(2026, 3, 31)),
    ],
)
def test_plus_one_week_at_tuesday_edges(start: date, expected: date) -> None:
    assert Duration.parse("+1w@TU").shift_date(start, _NoWeekends()) == expected


def test_business_days_with_a_calendar_that_never_works_fail_loudly() -> None:
    with pytest.raises(ValueError, match="no 1 business days"):
        Duration.parse("1bd").shift_date(date(2026, 3, 16), _NeverWorks())


# -- shifting moments (DST in Europe/Warsaw: 29 March and 25 October 2026) -------------------

SHIFTS = [
    # days keep the wall-clock time while the UTC offset changes
    ("1d", _warsaw(2026, 3, 28, 10), "2026-03-29T10:00:00+02:00"),
    ("1d", _warsaw(2026, 10, 24, 10), "2026-10-25T10:00:00+01:00"),
    ("7d", _warsaw(2026, 3, 24, 10), "2026-03-31T10:00:00+02:00"),
    ("1w", _warsaw(2026, 10, 20, 10), "2026-10-27T10:00:00+01:00"),
    ("1bd", _warsaw(2026, 3, 27, 10), "2026-03-30T10:00:00+02:00"),
    ("-1d", _warsaw(2026, 3, 30, 10), "2026-03-29T10:00:00+02:00"),
    # hours are elapsed time: 24h across spring-forward shows 11:00 on the wall clock
    ("24h", _warsaw(2026, 3, 28, 10), "2026-03-29T11:00:00+02:00"),
    ("24h", _warsaw(2026, 10, 24, 10), "2026-10-25T09:00:00+01:00"),
    ("3h", _warsaw(2026, 3, 29, 1), "2026-03-29T05:00:00+02:00"),
    ("2h", _warsaw(2026, 10, 25, 1), "2026-10-25T02:00:00+01:00"),
    ("-24h", _warsaw(2026, 3, 29, 10), "2026-03-28T09:00:00+01:00"),
    # a wall time inside the spring-forward gap (02:00-03:00) moves forward past it
    ("1d", _warsaw(2026, 3, 28, 2, 30), "2026-03-29T03:30:00+02:00"),
    ("1w", _warsaw(2026, 3, 22, 2, 30), "2026-03-29T03:30:00+02:00"),
]


@pytest.mark.parametrize(("text", "start", "expected"), SHIFTS)
def test_shift_across_dst(text: str, start: datetime, expected: str) -> None:
    moved = Duration.parse(text).shift(start, POLAND)
    assert moved.isoformat() == expected
    assert moved.tzinfo is WARSAW


def test_hours_measure_elapsed_time() -> None:
    # (aware datetimes sharing a tzinfo subtract by wall clock, so compare in UTC)
    start = _warsaw(2026, 3, 28, 10)
    moved = Duration.parse("24h").shift(start, POLAND)
    assert moved.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=24)
    days = Duration.parse("1d").shift(start, POLAND)
    assert days.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)
