"""In-memory stand-ins for paychase's plug-in interfaces, for tests and documentation.

Examples:
    >>> from datetime import date
    >>> calendar = FixedCalendar(holidays={date(2026, 12, 24)})
    >>> calendar.is_business_day(date(2026, 12, 24)), calendar.is_business_day(date(2026, 12, 23))
    (False, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from paychase.calendar._protocols import CalendarFactory, HolidayCalendar
from paychase.messages._message import Message, Receipt

__all__ = ["FixedCalendar", "MemoryChannel", "MemoryTemplates", "fixed_calendars"]


class FixedCalendar:
    """A `HolidayCalendar` with the holidays and weekend you give it, and nothing else."""

    def __init__(self, holidays: Iterable[date] = (), weekend: Iterable[int] = (5, 6)) -> None:
        self.holidays = frozenset(holidays)
        self.weekend = frozenset(weekend)

    def is_business_day(self, day: date, /) -> bool:
        """Neither a weekend day nor one of the given holidays."""
        return day.weekday() not in self.weekend and day not in self.holidays


def fixed_calendars(
    by_country: Mapping[str, HolidayCalendar], default: HolidayCalendar | None = None
) -> CalendarFactory:
    """A calendar factory for `plan(..., calendars=...)` that looks countries up in a mapping.

    Countries not in `by_country` get `default` (Saturday and Sunday off when not given).
    """
    fallback = default or FixedCalendar()

    def calendar_for(country: str, subdivision: str | None) -> HolidayCalendar:
        return by_country.get(country, fallback)

    return calendar_for


class MemoryTemplates:
    """A `TemplateLoader` holding texts in a dict keyed by ``(locale, name)``.

    Examples:
        >>> loader = MemoryTemplates({("pl", "freelancer/polite"): "{% extends 'x' %}"})
        >>> loader.source("freelancer/polite", "pl") is not None
        True
        >>> loader.source("freelancer/polite", "en") is None
        True
    """

    def __init__(self, templates: Mapping[tuple[str, str], str]) -> None:
        self.templates = dict(templates)

    def source(self, name: str, locale: str, /) -> str | None:
        """The text stored for exactly `locale` and `name`, if any."""
        return self.templates.get((locale, name))


class MemoryChannel:
    """A `DeliveryChannel` that keeps what it is given: a list of delivered messages.

    Addresses in `bounce` bounce; the first `failures` sends fail transiently (to test
    retries); everything else is delivered.

    Examples:
        >>> channel = MemoryChannel(bounce={"gone@example.com"})
        >>> channel.sent
        []
    """

    def __init__(self, *, bounce: Iterable[str] = (), failures: int = 0) -> None:
        self.bounce = frozenset(bounce)
        self.failures = failures
        self.sent: list[Message] = []

    def send(self, message: Message, /) -> Receipt:
        """Deliver into `sent`, unless the address bounces or a transient failure is due."""
        if self.failures > 0:
            self.failures -= 1
            return Receipt(status="failed", error="451 try again later", transient=True)
        if any(recipient.address in self.bounce for recipient in message.recipients):
            return Receipt(status="bounced", error="550 no such mailbox")
        self.sent.append(message)
        return Receipt(status="delivered", provider_id=message.header("Message-ID"))
