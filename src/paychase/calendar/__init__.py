"""Calendars and time: working days by country, durations, local time and contact windows.

A client's country decides its business days (the ``holidays`` package); its time zone decides
when "10:00" is. A host may plug in its own calendar through `HolidayCalendar`.
"""

from paychase.calendar._durations import Duration
from paychase.calendar._protocols import CalendarFactory, HolidayCalendar
from paychase.calendar._working_days import HolidaysCalendar

__all__ = ["CalendarFactory", "Duration", "HolidayCalendar", "HolidaysCalendar"]
