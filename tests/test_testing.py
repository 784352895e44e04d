"""paychase.testing: the in-memory calendar stand-ins hosts use in their own tests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import paychase
from paychase.testing import FixedCalendar, fixed_calendars

WARSAW = ZoneInfo("Europe/Warsaw")


def test_fixed_calendar_has_only_the_days_off_it_is_given() -> None:
    calendar = FixedCalendar(holidays={date(2026, 3, 4)}, weekend={6})
    assert not calendar.is_business_day(date(2026, 3, 4))  # the given holiday (a Wednesday)
    assert calendar.is_business_day(date(2026, 3, 7))  # Saturday is a working day here
    assert not calendar.is_business_day(date(2026, 3, 8))  # Sunday is not
    assert isinstance(calendar, paychase.HolidayCalendar)


def test_fixed_calendars_look_countries_up_and_fall_back() -> None:
    shutdown = FixedCalendar(holidays={date(2026, 3, 3)})
    factory = fixed_calendars({"PL": shutdown})
    assert factory("PL", None) is shutdown
    assert factory("DE", "BY").is_business_day(date(2026, 1, 6))  # no Epiphany in the fallback
    custom = FixedCalendar(weekend=())
    assert fixed_calendars({}, default=custom)("GR", None) is custom


def test_plan_uses_the_host_calendar() -> None:
    case = {
        "version": 1,
        "policy": "freelancer",
        "clients": [
            {
                "id": "c1",
                "name": "C",
                "country": "PL",
                "timezone": "Europe/Warsaw",
                "contacts": {"email": "c1@mail.example"},
            }
        ],
        "contracts": [{"id": "k1", "client": "c1", "currency": "PLN"}],
        "invoices": [
            {
                "id": "i1",
                "contract": "k1",
                "issued": "2026-02-16",
                "due": "2026-03-02",
                "total": "100.00",
                "currency": "PLN",
            }
        ],
    }
    now = datetime(2026, 3, 3, 9, tzinfo=WARSAW)
    closed = fixed_calendars({"PL": FixedCalendar(holidays={date(2026, 3, 3)})})
    (action,) = paychase.plan(case, now=now, calendars=closed).actions
    assert action.step == "polite"
    assert action.at == datetime(2026, 3, 4, 10, tzinfo=WARSAW)  # the 3rd is closed
