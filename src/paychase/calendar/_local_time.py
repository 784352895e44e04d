"""Local time: a client's zone, wall-clock moments across DST, and when contact is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from paychase.calendar._protocols import HolidayCalendar

__all__ = ["ContactWindow", "local_moment", "zone"]

_MAX_DAYS_SEARCHED = 3660  # a window that never opens in ten years is a configuration error


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

        >>> from paychase.calendar import HolidaysCalendar
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
