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
from babel import Locale

from paychase.calendar._protocols import CalendarFactory, HolidayCalendar
from paychase.errors import InvalidCaseError, PluginError

if TYPE_CHECKING:
    from paychase.case._parties import Client

__all__ = ["NOT_A_COUNTRY", "HolidaysCalendar", "client_calendar", "default_calendar", "is_country"]

_SATURDAY_SUNDAY = frozenset({5, 6})

# CLDR lists groupings and private-use codes beside the ISO 3166-1 countries; Kosovo's XK is
# user-assigned but used by banks, tax offices and the holidays package, so it stays.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})

NOT_A_COUNTRY = "not an ISO 3166-1 alpha-2 country code (e.g. PL, DE, GB)"
"""What a wrong country code is told."""


@lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str) and code.isalpha() and code not in _NOT_COUNTRIES
    )


def is_country(code: object) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-2 country code (as CLDR lists them).

    Examples:
        >>> is_country("PL"), is_country("AC"), is_country("pl"), is_country("EU")
        (True, True, False, False)
    """
    return isinstance(code, str) and code in _territories()


class HolidaysCalendar:
    """Business days of one country from the ``holidays`` package: not a weekend, not a holiday.

    Args:
        country: an ISO 3166-1 alpha-2 code; one the package has no data for (``AC``) gets
            Saturday and Sunday off and nothing else.
        subdivision: the region whose holidays apply, as the package names it (DE: ``BY``).

    Raises:
        InvalidCaseError: `country` is not a country code, or `subdivision` is not one of its
            regions.

    Examples:
        >>> poland = HolidaysCalendar("PL")
        >>> poland.is_business_day(date(2026, 5, 1)), poland.is_business_day(date(2026, 5, 4))
        (False, True)
    """

    def __init__(self, country: str, subdivision: str | None = None) -> None:
        if not is_country(country):
            raise InvalidCaseError(NOT_A_COUNTRY, field="country", value=country)
        if subdivision is not None and not isinstance(subdivision, str):
            raise InvalidCaseError(
                "a subdivision is a code such as BY or ENG", field="subdivision", value=subdivision
            )
        self.country = country
        self.subdivision = subdivision
        self._holidays: holidays.HolidayBase | None = None
        if country in holidays.list_supported_countries():
            try:
                self._holidays = holidays.country_holidays(country, subdiv=subdivision)
            except NotImplementedError:  # a typo must not silently drop the holidays
                raise InvalidCaseError(
                    f"not a subdivision of {country} the holidays package knows",
                    field="subdivision",
                    value=subdivision,
                ) from None
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
