"""Working days, local time and contact windows (``paychase.calendar._working_days``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from paychase import Duration, HolidayCalendar, HolidaysCalendar
from paychase.calendar._local_time import ContactWindow, local_moment, zone
from paychase.calendar._working_days import default_calendar

WARSAW = ZoneInfo("Europe/Warsaw")
ATHENS = ZoneInfo("Europe/Athens")


def _warsaw(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=WARSAW)  # type: ignore[misc]


class _NeverWorks:
    """A broken host calendar: no day is ever a working day."""

    def is_business_day(self, day: date, /) -> bool:
        return False


# -- public holidays -------------------------------------------------------------------------

# (country, subdivision, day, is a business day, why)
DAYS = [
    # Poland
    ("PL", None, date(2026, 5, 1), False, "Labour Day (Friday)"),
    ("PL", None, date(2026, 5, 3), False, "Constitution Day (a Sunday anyway)"),
    ("PL", None, date(2026, 4, 6), False, "Easter Monday"),
    ("PL", None, date(2026, 1, 6), False, "Epiphany"),
    ("PL", None, date(2026, 6, 4), False, "Corpus Christi"),
    ("PL", None, date(2026, 11, 11), False, "Independence Day"),
    ("PL", None, date(2026, 12, 24), False, "Christmas Eve, a holiday since 2025"),
    ("PL", None, date(2026, 5, 4), True, "the Monday after the May long weekend"),
    ("PL", None, date(2026, 4, 13), True, "Orthodox Easter Monday is not a Polish holiday"),
    ("PL", None, date(2026, 3, 14), False, "Saturday"),
    ("PL", None, date(2026, 3, 15), False, "Sunday"),
    ("PL", None, date(2026, 3, 16), True, "an ordinary Monday"),
    # Greece: Orthodox Easter
    ("GR", None, date(2026, 4, 13), False, "Orthodox Easter Monday"),
    ("GR", None, date(2026, 4, 10), False, "Orthodox Good Friday"),
    ("GR", None, date(2026, 3, 25), False, "Independence Day"),
    ("GR", None, date(2026, 2, 23), False, "Clean Monday"),
    ("GR", None, date(2026, 10, 28), False, "Ohi Day"),
    ("GR", None, date(2026, 4, 6), True, "Western Easter Monday is a working day"),
    ("GR", None, date(2026, 4, 14), True, "the Tuesday after Easter"),
    # Russia: the New Year holidays and Russia Day
    *[("RU", None, date(2026, 1, n), False, f"New Year holidays, day {n}") for n in range(1, 10)],
    ("RU", None, date(2026, 1, 12), True, "first working day of 2026"),
    ("RU", None, date(2026, 6, 12), False, "Russia Day"),
    ("RU", None, date(2026, 2, 23), False, "Defender of the Fatherland Day"),
    ("RU", None, date(2026, 11, 4), False, "Unity Day"),
    ("RU", None, date(2026, 6, 11), True, "the day before Russia Day"),
    # Germany: national days, and days that differ by Land
    ("DE", None, date(2026, 10, 3), False, "German Unity Day (a Saturday in 2026)"),
    ("DE", None, date(2025, 10, 3), False, "German Unity Day on a Friday"),
    ("DE", None, date(2026, 4, 3), False, "Good Friday"),
    ("DE", None, date(2026, 5, 14), False, "Ascension Day"),
    ("DE", None, date(2026, 1, 6), True, "Epiphany is not a national holiday"),
    ("DE", "BY", date(2026, 1, 6), False, "Epiphany in Bavaria"),
    ("DE", "BE", date(2026, 1, 6), True, "Epiphany is a working day in Berlin"),
    ("DE", "BY", date(2026, 6, 4), False, "Corpus Christi in Bavaria"),
    ("DE", "BE", date(2026, 6, 4), True, "Corpus Christi is a working day in Berlin"),
    ("DE", "BE", date(2027, 3, 9), True, "an ordinary Tuesday in Berlin"),
    ("DE", "BE", date(2027, 3, 8), False, "International Women's Day in Berlin"),
    ("DE", "BY", date(2027, 3, 8), True, "Women's Day is a working day in Bavaria"),
    # United Kingdom. Without a subdivision the holidays package gives only the days common
    # to all four nations: Easter Monday and the August bank holiday are absent (Scotland
    # has neither on those dates), so a client in England needs subdivision "ENG".
    ("GB", None, date(2026, 12, 25), False, "Christmas Day"),
    ("GB", None, date(2026, 12, 28), False, "Boxing Day (substitute day)"),
    ("GB", None, date(2026, 5, 25), False, "Spring bank holiday, the last Monday in May"),
    ("GB", None, date(2026, 5, 4), False, "Early May bank holiday"),
    ("GB", None, date(2026, 4, 3), False, "Good Friday"),
    ("GB", None, date(2026, 4, 6), True, "Easter Monday: not UK-wide"),
    ("GB", None, date(2026, 8, 31), True, "Late summer bank holiday: not UK-wide"),
    ("GB", "ENG", date(2026, 4, 6), False, "Easter Monday in England"),
    ("GB", "ENG", date(2026, 8, 31), False, "Late summer bank holiday in England"),
    ("GB", "ENG", date(2026, 5, 25), False, "Spring bank holiday in England"),
    ("GB", "SCT", date(2026, 8, 3), False, "Summer bank holiday in Scotland"),
    ("GB", "SCT", date(2026, 8, 31), True, "not a holiday in Scotland"),
    ("GB", "SCT", date(2026, 1, 2), False, "2 January in Scotland"),
    ("GB", "ENG", date(2026, 1, 2), True, "2 January is a working day in England"),
]


@pytest.mark.parametrize(
    ("country", "subdivision", "day", "business", "why"),
    DAYS,
    ids=[f"{c}{'-' + s if s else ''}-{d}" for c, s, d, _, _ in DAYS],
)
def test_public_holidays(
    country: str, subdivision: str | None, day: date, business: bool, why: str
) -> None:
    calendar = HolidaysCalendar(country, subdivision)
    assert calendar.knows_holidays
    assert calendar.is_business_day(day) is business, why


# (country, subdivision, start, business days, expected): shifting over long weekends
LONG_WEEKENDS = [
    ("PL", None, date(2026, 4, 30), 1, date(2026, 5, 4)),  # 1 May, Saturday, 3 May
    ("PL", None, date(2026, 4, 3), 1, date(2026, 4, 7)),  # Easter weekend and Monday
    ("PL", None, date(2026, 12, 23), 1, date(2026, 12, 28)),  # 24-27 December
    ("GR", None, date(2026, 4, 9), 1, date(2026, 4, 14)),  # Orthodox Good Friday..Monday
    ("RU", None, date(2025, 12, 30), 1, date(2026, 1, 12)),  # 31 Dec, New Year holidays
    ("RU", None, date(2026, 6, 11), 1, date(2026, 6, 15)),  # Russia Day on a Friday
    ("DE", "BY", date(2026, 1, 5), 1, date(2026, 1, 7)),  # Epiphany in Bavaria...
    ("DE", "BE", date(2026, 1, 5), 1, date(2026, 1, 6)),  # ...but not in Berlin
    ("DE", None, date(2025, 10, 2), 1, date(2025, 10, 6)),  # Unity Day on a Friday
    ("GB", None, date(2026, 12, 24), 1, date(2026, 12, 29)),  # Christmas, Boxing Day (sub.)
    ("GB", None, date(2026, 5, 22), 1, date(2026, 5, 26)),  # spring bank holiday
    ("GB", None, date(2026, 4, 2), 1, date(2026, 4, 6)),  # UK-wide: Easter Monday works
    ("GB", "ENG", date(2026, 4, 2), 1, date(2026, 4, 7)),  # England: it does not
    ("PL", None, date(2026, 5, 4), -1, date(2026, 4, 30)),
    ("GB", None, date(2026, 12, 29), -1, date(2026, 12, 24)),
]


@pytest.mark.parametrize(("country", "subdivision", "start", "count", "expected"), LONG_WEEKENDS)
def test_business_days_over_long_weekends(
    country: str, subdivision: str | None, start: date, count: int, expected: date
) -> None:
    calendar = HolidaysCalendar(country, subdivision)
    assert Duration(count, "bd").shift_date(start, calendar) == expected


def test_answers_are_stable_when_asked_again() -> None:
    calendar = HolidaysCalendar("PL")
    first = [calendar.is_business_day(date(2026, 5, day)) for day in range(1, 8)]
    again = [calendar.is_business_day(date(2026, 5, day)) for day in range(1, 8)]
    assert first == again == [False, False, False, True, True, True, True]


def test_the_calendar_is_a_holiday_calendar_plugin() -> None:
    calendar = HolidaysCalendar("PL")
    assert isinstance(calendar, HolidayCalendar)
    assert calendar.country == "PL"
    assert calendar.subdivision is None


# -- weekends that are not Saturday and Sunday; countries the package does not know ----------

# (country, Monday..Sunday of the week of 9 March 2026 as business days; no holidays that week)
WEEKENDS = [
    ("PL", (True, True, True, True, True, False, False)),
    ("IL", (True, True, True, True, False, False, True)),  # Friday and Saturday off
    ("SA", (True, True, True, True, False, False, True)),  # Friday and Saturday off
    ("EG", (True, True, True, True, False, False, True)),  # Friday and Saturday off
    ("AE", (True, True, True, True, True, False, False)),  # Saturday and Sunday since 2022
]


@pytest.mark.parametrize(("country", "week"), WEEKENDS)
def test_weekends_of_the_country(country: str, week: tuple[bool, ...]) -> None:
    calendar = HolidaysCalendar(country)
    monday = date(2026, 3, 9)
    days = tuple(calendar.is_business_day(monday + timedelta(days=n)) for n in range(7))
    assert days == week


def test_weekend_follows_the_year_it_applies_to() -> None:
    emirates = HolidaysCalendar("AE")
    assert not emirates.is_business_day(date(2021, 6, 4))  # a Friday in 2021
    assert emirates.is_business_day(date(2021, 6, 6))  # a Sunday in 2021


def test_transferred_working_saturday_is_a_business_day() -> None:
    assert HolidaysCalendar("RU").is_business_day(date(2025, 11, 1))


def test_business_days_count_over_the_israeli_weekend() -> None:
    israel = HolidaysCalendar("IL")
    thursday = date(2026, 3, 12)
    assert Duration.parse("1bd").shift_date(thursday, israel) == date(2026, 3, 15)  # Sunday
    assert Duration.parse("-1bd").shift_date(date(2026, 3, 15), israel) == thursday


@pytest.mark.parametrize("country", ["AC", "TA", "DG"])
def test_unknown_country_falls_back_to_saturday_and_sunday(country: str) -> None:
    calendar = HolidaysCalendar(country)
    assert not calendar.knows_holidays
    monday = date(2026, 3, 9)
    week = [calendar.is_business_day(monday + timedelta(days=n)) for n in range(7)]
    assert week == [True, True, True, True, True, False, False]
    # and no public holidays at all: Christmas and New Year are working days
    assert calendar.is_business_day(date(2026, 12, 25))
    assert calendar.is_business_day(date(2026, 1, 1))


def test_unknown_subdivision_keeps_national_holidays_or_is_refused() -> None:
    try:
        calendar = HolidaysCalendar("DE", "XX")
    except ValueError:  # refusing the typo is also acceptable
        return
    assert not calendar.is_business_day(date(2026, 12, 25))


def test_default_calendar_is_built_once_per_country_and_subdivision() -> None:
    assert default_calendar("PL") is default_calendar("PL")
    assert default_calendar("DE", "BY") is default_calendar("DE", "BY")
    assert default_calendar("DE", "BY") is not default_calendar("DE", "BE")
    assert default_calendar("DE", "BY").subdivision == "BY"


def test_zone_is_cached() -> None:
    assert zone("Europe/Warsaw") is zone("Europe/Warsaw")
    assert zone("Europe/Warsaw") == WARSAW


# -- local moments (DST in Europe/Warsaw: 29 March 02:00->03:00, 25 October 03:00->02:00) ----

LOCAL = [
    (date(2026, 3, 28), time(10), "2026-03-28T10:00:00+01:00"),
    (date(2026, 3, 29), time(10), "2026-03-29T10:00:00+02:00"),  # same slot, new offset
    (date(2026, 3, 29), time(1, 59), "2026-03-29T01:59:00+01:00"),
    (date(2026, 3, 29), time(2), "2026-03-29T03:00:00+02:00"),  # inside the gap: forward
    (date(2026, 3, 29), time(2, 30), "2026-03-29T03:30:00+02:00"),
    (date(2026, 3, 29), time(3), "2026-03-29T03:00:00+02:00"),
    (date(2026, 3, 29), time(0), "2026-03-29T00:00:00+01:00"),
    (date(2026, 10, 24), time(10), "2026-10-24T10:00:00+02:00"),
    (date(2026, 10, 25), time(10), "2026-10-25T10:00:00+01:00"),
    (date(2026, 10, 25), time(2, 30), "2026-10-25T02:30:00+02:00"),  # ambiguous: the first
    (date(2026, 10, 25), time(3, 30), "2026-10-25T03:30:00+01:00"),
]


@pytest.mark.parametrize(("day", "at", "expected"), LOCAL)
def test_local_moment(day: date, at: time, expected: str) -> None:
    moment = local_moment(day, at, WARSAW)
    assert moment.isoformat() == expected
    assert moment.tzinfo is WARSAW


# -- contact windows -------------------------------------------------------------------------

OVER_MIDNIGHT = (time(20), time(8))
MIDDAY = (time(12), time(14))

# (window: business days only, quiet hours; earliest; opens; expected), on the Polish calendar
WINDOWS = [
    # quiet hours over midnight, any day
    (False, OVER_MIDNIGHT, _warsaw(2026, 3, 10, 15), time(10), "2026-03-10T15:00:00+01:00"),
    (False, OVER_MIDNIGHT, _warsaw(2026, 3, 10, 7), time(10), "2026-03-10T10:00:00+01:00"),
    (False, OVER_MIDNIGHT, _warsaw(2026, 3, 10, 19, 59), time(10), "2026-03-10T19:59:00+01:00"),
    (False, OVER_MIDNIGHT, _warsaw(2026, 3, 10, 20), time(10), "2026-03-11T10:00:00+01:00"),
    (False, OVER_MIDNIGHT, _warsaw(2026, 3, 10, 23, 30), time(10), "2026-03-11T10:00:00+01:00"),
    (False, OVER_MIDNIGHT, _warsaw(2026, 3, 14, 21), time(10), "2026-03-15T10:00:00+01:00"),
    # something to do "at once" (opens at midnight) waits for quiet hours to end
    (False, OVER_MIDNIGHT, _warsaw(2026, 3, 10, 3), time(0), "2026-03-10T08:00:00+01:00"),
    (False, OVER_MIDNIGHT, _warsaw(2026, 3, 10, 21), time(0), "2026-03-11T08:00:00+01:00"),
    (False, OVER_MIDNIGHT, _warsaw(2026, 3, 10, 8), time(0), "2026-03-10T08:00:00+01:00"),
    # quiet hours inside one day
    (False, MIDDAY, _warsaw(2026, 3, 10, 11), time(10), "2026-03-10T11:00:00+01:00"),
    (False, MIDDAY, _warsaw(2026, 3, 10, 12), time(10), "2026-03-10T14:00:00+01:00"),
    (False, MIDDAY, _warsaw(2026, 3, 10, 13, 59), time(10), "2026-03-10T14:00:00+01:00"),
    (False, MIDDAY, _warsaw(2026, 3, 10, 14), time(10), "2026-03-10T14:00:00+01:00"),
    (False, MIDDAY, _warsaw(2026, 3, 10, 22), time(10), "2026-03-10T22:00:00+01:00"),
    # no quiet hours: only the opening hour matters
    (False, None, _warsaw(2026, 3, 10, 23), time(10), "2026-03-10T23:00:00+01:00"),
    (False, None, _warsaw(2026, 3, 10, 6), time(10), "2026-03-10T10:00:00+01:00"),
    (False, None, _warsaw(2026, 5, 1, 6), time(10), "2026-05-01T10:00:00+02:00"),  # holiday ok
    # business days only, over weekends and holidays
    (True, OVER_MIDNIGHT, _warsaw(2026, 3, 6, 21), time(10), "2026-03-09T10:00:00+01:00"),
    (True, OVER_MIDNIGHT, _warsaw(2026, 3, 7, 10), time(10), "2026-03-09T10:00:00+01:00"),
    (True, None, _warsaw(2026, 3, 14, 9), time(10), "2026-03-16T10:00:00+01:00"),
    (True, OVER_MIDNIGHT, _warsaw(2026, 4, 30, 21), time(10), "2026-05-04T10:00:00+02:00"),
    (True, OVER_MIDNIGHT, _warsaw(2026, 5, 1, 9), time(10), "2026-05-04T10:00:00+02:00"),
    (True, OVER_MIDNIGHT, _warsaw(2026, 4, 3, 21), time(12), "2026-04-07T12:00:00+02:00"),
    (True, OVER_MIDNIGHT, _warsaw(2026, 12, 23, 20), time(10), "2026-12-28T10:00:00+01:00"),
    (True, MIDDAY, _warsaw(2026, 4, 30, 12, 30), time(10), "2026-04-30T14:00:00+02:00"),
    # business days only across the DST changes: 10:00 stays 10:00, the offset changes
    (True, OVER_MIDNIGHT, _warsaw(2026, 3, 27, 21), time(10), "2026-03-30T10:00:00+02:00"),
    (True, OVER_MIDNIGHT, _warsaw(2026, 10, 23, 21), time(10), "2026-10-26T10:00:00+01:00"),
    (False, OVER_MIDNIGHT, _warsaw(2026, 3, 28, 21), time(10), "2026-03-29T10:00:00+02:00"),
    (False, OVER_MIDNIGHT, _warsaw(2026, 10, 24, 21), time(10), "2026-10-25T10:00:00+01:00"),
    # an opening hour inside the spring-forward gap opens just after it
    (False, None, _warsaw(2026, 3, 29, 0, 30), time(2, 30), "2026-03-29T03:30:00+02:00"),
]


@pytest.mark.parametrize(("business_only", "quiet", "earliest", "opens", "expected"), WINDOWS)
def test_first_open(
    business_only: bool,
    quiet: tuple[time, time] | None,
    earliest: datetime,
    opens: time,
    expected: str,
) -> None:
    window = ContactWindow(business_days_only=business_only, quiet=quiet)
    moment = window.first_open(earliest, opens, default_calendar("PL"))
    assert moment.isoformat() == expected
    assert moment >= earliest


def test_first_open_over_greek_easter() -> None:
    window = ContactWindow(business_days_only=True, quiet=OVER_MIDNIGHT)
    thursday_night = datetime(2026, 4, 9, 21, tzinfo=ATHENS)
    moment = window.first_open(thursday_night, time(10), HolidaysCalendar("GR"))
    assert moment.isoformat() == "2026-04-14T10:00:00+03:00"


def test_first_open_over_the_israeli_weekend() -> None:
    jerusalem = ZoneInfo("Asia/Jerusalem")
    window = ContactWindow(business_days_only=True, quiet=OVER_MIDNIGHT)
    thursday_night = datetime(2026, 3, 12, 21, tzinfo=jerusalem)
    moment = window.first_open(thursday_night, time(10), HolidaysCalendar("IL"))
    assert moment.isoformat() == "2026-03-15T10:00:00+02:00"  # Sunday


def test_first_open_in_a_country_without_holiday_data() -> None:
    window = ContactWindow(business_days_only=True, quiet=None)
    christmas = _warsaw(2026, 12, 25, 9)  # a Friday; no holidays known for AC
    moment = window.first_open(christmas, time(10), HolidaysCalendar("AC"))
    assert moment.isoformat() == "2026-12-25T10:00:00+01:00"


def test_a_window_that_never_opens_is_an_error() -> None:
    window = ContactWindow(business_days_only=True, quiet=None)
    with pytest.raises(ValueError, match="never opens"):
        window.first_open(_warsaw(2026, 3, 10, 9), time(10), _NeverWorks())
