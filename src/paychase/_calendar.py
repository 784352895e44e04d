"""Working days, local time and the moments a client may be contacted.

Business days come from the ``holidays`` package for the client's country (and subdivision,
where holidays differ by region, as in Germany); a country it does not know gets Saturday and
Sunday off and nothing else. Calendars are built once per country and remember each day they
are asked about, so a portfolio of a million invoices does not recompute Easter a million times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from paychase._protocols import HolidayCalendar

__all__ = ["ContactWindow", "HolidaysCalendar", "default_calendar", "local_moment"]

_SATURDAY_SUNDAY = frozenset({5, 6})
_MAX_DAYS_SEARCHED = 3660  # a window that never opens in ten years is a configuration error


class HolidaysCalendar:
    """Business days of one country from the ``holidays`` package: not a weekend, not a holiday.

    >>> poland = HolidaysCalendar("PL")
    >>> poland.is_business_day(date(2026, 5, 1)), poland.is_business_day(date(2026, 5, 4))
    (False, True)
    """

    def __init__(self, country: str, subdivision: str | None = None) -> None:
        self.country = country
        self.subdivision = subdivision
        self._holidays: holidays.HolidayBase | None = None
        if country in holidays.list_supported_countries():
            try:
                self._holidays = holidays.country_holidays(country, subdiv=subdivision)
            except NotImplementedError as error:  # a typo must not silently drop the holidays
                raise ValueError(f"unknown subdivision {subdivision!r} of {country}") from error
        self._known: dict[date, bool] = {}

    @property
    def knows_holidays(self) -> bool:
        """False when the ``holidays`` package has no data for the country (weekends only)."""
        return self._holidays is not None

    def is_business_day(self, day: date, /) -> bool:
        """Whether `day` is a working day: not a weekend or holiday, or a moved working day.

        The ``holidays`` package knows each country's weekend as it was on the day (the UAE
        moved to Saturday-Sunday in 2022) and Saturdays made working days (Russia).
        """
        known = self._known.get(day)
        if known is None:
            if self._holidays is None:
                known = day.weekday() not in _SATURDAY_SUNDAY
            else:
                known = self._holidays.is_working_day(day)
            self._known[day] = known
        return known


@lru_cache(maxsize=256)
def default_calendar(country: str, subdivision: str | None = None) -> HolidaysCalendar:
    """The shared calendar for a country, built on first use."""
    return HolidaysCalendar(country, subdivision)


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` (cached: ZoneInfo objects are immutable)."""
    return ZoneInfo(name)


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`day` at wall-clock `at` in `tz`; a time skipped by a DST change moves forward past it."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).astimezone(tz)


@dataclass(frozen=True, slots=True)
class ContactWindow:
    """When a policy allows contact: working days only or not, outside quiet hours.

    Each day the window opens at the action's hour (``send_at``, ``call_at``) and closes when
    quiet hours start; a moment that falls outside it moves to the next moment inside it.
    """

    business_days_only: bool
    quiet: tuple[time, time] | None

    def first_open(self, earliest: datetime, opens: time, calendar: HolidayCalendar) -> datetime:
        """The first moment at or after `earliest` (aware, local) when contact is allowed.

        >>> window = ContactWindow(business_days_only=True, quiet=(time(20), time(8)))
        >>> warsaw = ZoneInfo("Europe/Warsaw")
        >>> friday_night = datetime(2026, 3, 6, 21, 0, tzinfo=warsaw)
        >>> window.first_open(friday_night, time(10), HolidaysCalendar("PL")).isoformat()
        '2026-03-09T10:00:00+01:00'
        """
        tz = earliest.tzinfo
        assert isinstance(tz, ZoneInfo)
        moment = earliest
        for _ in range(_MAX_DAYS_SEARCHED * 2):
            day = moment.date()
            if self.business_days_only and not calendar.is_business_day(day):
                moment = local_moment(day + timedelta(days=1), opens, tz)
                continue
            moment = max(moment, local_moment(day, opens, tz))
            later = self._after_quiet(moment, opens, tz)
            if later is None:
                return moment
            moment = later
        raise ValueError("the contact window never opens: check quiet_hours and send_at/call_at")

    def _after_quiet(self, moment: datetime, opens: time, tz: ZoneInfo) -> datetime | None:
        """None when `moment` is outside quiet hours, else the next candidate moment."""
        if self.quiet is None:
            return None
        start, end = self.quiet
        clock = moment.time()
        if start > end:  # quiet over midnight, e.g. 20:00-08:00
            if clock >= start:
                return local_moment(moment.date() + timedelta(days=1), opens, tz)
            if clock < end:
                return local_moment(moment.date(), end, tz)
            return None
        if start <= clock < end:
            return local_moment(moment.date(), end, tz)
        return None
