"""Call tasks as an iCalendar file: each call at the client's local time, its script attached.

A person who makes the calls imports the ``.ics`` into their calendar: every call sits at the
moment the plan chose (``call_at`` local time of the client, in the client's time zone, which
the calendar converts to the caller's), with the number to dial and the call script as the
event's description. The event's UID is the action's Message-ID, so importing a newer export
updates the same events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from paychase.case._case import Case
from paychase.messages._message import Message
from paychase.store._history import Attempt

__all__ = ["CALL_LENGTH", "calls_calendar"]

CALL_LENGTH = timedelta(minutes=15)
"""How long a call is booked for in the calendar."""


def calls_calendar(tasks: Iterable[Attempt], case: Case, *, stamp: datetime) -> bytes:
    """The open call tasks among `tasks` as an RFC 5545 calendar.

    Args:
        tasks: attempts from the store; only open call tasks (status ``task``, kind ``call``)
            are exported.
        case: gives each client's time zone and name.
        stamp: the DTSTAMP of every event: when the export was made.
    """
    zones = {client.id: ZoneInfo(client.timezone) for client in case.clients}
    calendar = Calendar()
    calendar.add("prodid", "-//paychase//call tasks//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for task in tasks:
        if task.status == "task" and task.kind == "call" and task.message is not None:
            calendar.add_component(_event(task, task.message, zones.get(task.client), stamp))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _event(task: Attempt, message: Message, zone: ZoneInfo | None, stamp: datetime) -> Event:
    start = task.planned_at.astimezone(zone) if zone else task.planned_at
    event = Event()
    event.add("uid", (task.message_id or task.key).strip("<>"))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("duration", CALL_LENGTH)
    event.add("summary", message.subject)
    event.add("description", message.text)
    number = message.recipients[0].address if message.recipients else None
    if number:
        event.add("location", number)
        event.add("url", "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+"))
    event.add("categories", ["paychase", "call"])
    return event
