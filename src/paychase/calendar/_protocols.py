"""The small interfaces a host can implement to change how paychase sees the world.

Only what the pure core consumes lives here; the shell's channels and stores bring their own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol, runtime_checkable

__all__ = ["CalendarFactory", "HolidayCalendar"]


@runtime_checkable
class HolidayCalendar(Protocol):
    """Tells working days from weekends and public holidays in one place.

    paychase asks it when a policy says ``business_days_only`` and when a duration is counted
    in business days (``5bd``). The default is built on the ``holidays`` package; a host with
    its own calendar (a company shutdown week, a bank's settlement days) implements this.
    """

    def is_business_day(self, day: date, /) -> bool:
        """Whether `day` is a working day."""
        ...


CalendarFactory = Callable[[str, str | None], HolidayCalendar]
"""Builds the calendar for a country (ISO 3166-1 alpha-2) and an optional subdivision."""
