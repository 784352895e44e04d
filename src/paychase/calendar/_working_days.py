"""Working days: which days of a client's country are business days.

Business days come from the ``holidays`` package for the client's country (and subdivision,
where holidays differ by region, as in Germany); a country it does not know gets Saturday and
Sunday off and nothing else. Calendars are built once per country and remember each day they
are asked about, so a portfolio of a million invoices does not recompute Easter a million times.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays

from paychase.calendar._protocols import CalendarFactory, HolidayCalendar
from paychase.errors import PluginError

if TYPE_CHECKING:
    from paychase.case._parties import Client

__all__ = ["HolidaysCalendar", "client_calendar", "default_calendar"]

_SATURDAY_SUNDAY = frozenset({5, 6})


class HolidaysCalendar:
    """Business days of one country from the ``holidays`` package: not a weekend, not a holiday.

    Examples:
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


def client_calendar(factory: CalendarFactory, client: Client, field: str) -> HolidayCalendar:
    """The client's working-day calendar; a failing host factory is a `PluginError`."""
    try:
        return factory(client.country, client.subdivision)
    except Exception as error:  # a host calendar is foreign code: report it as such
        raise PluginError(
            f"the calendar factory failed for {client.country}: {error}", field=field
        ) from error
