"""In-memory stand-ins for paychase's plug-in interfaces, for tests and documentation.

A calendar (`FixedCalendar`, `fixed_calendars`), a template loader (`MemoryTemplates`), a
delivery channel (`MemoryChannel`) and a history store (`MemoryStore`): each does what the
built-in one does, without files, servers or clocks.

Examples:
    >>> from datetime import date
    >>> calendar = FixedCalendar(holidays={date(2026, 12, 24)})
    >>> calendar.is_business_day(date(2026, 12, 24)), calendar.is_business_day(date(2026, 12, 23))
    (False, True)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC as _UTC
from datetime import date, datetime
from types import TracebackType
from typing import Literal, Self, TypeVar, get_args

from paychase.calendar._protocols import CalendarFactory, HolidayCalendar
from paychase.case._case import Case
from paychase.case._history import ContactEvent
from paychase.errors import InvalidCaseError, PaychaseError, PluginError
from paychase.messages._message import Message, Receipt
from paychase.policy._policy import ActionKind, Channel
from paychase.store._history import ATTEMPT_TRANSITIONS as _TRANSITIONS
from paychase.store._history import SETTLED as _SETTLED
from paychase.store._history import (
    Attempt,
    AttemptStatus,
    StoreOperation,
    contact_fingerprint,
)

__all__ = ["FixedCalendar", "MemoryChannel", "MemoryStore", "MemoryTemplates", "fixed_calendars"]

_T = TypeVar("_T")


class FixedCalendar:
    """A `HolidayCalendar` with the holidays and weekend you give it, and nothing else.

    Args:
        holidays: the days off besides the weekend (dates, not datetimes).
        weekend: the weekdays off, 0 (Monday) to 6 (Sunday).

    Raises:
        InvalidCaseError: a holiday that is not a date, or a weekday outside 0..6.
    """

    def __init__(self, holidays: Iterable[date] = (), weekend: Iterable[int] = (5, 6)) -> None:
        self.holidays = frozenset(_each(holidays, "holidays", _is_day, "a date"))
        self.weekend = frozenset(_each(weekend, "weekend", _is_weekday, "a weekday from 0 to 6"))

    def is_business_day(self, day: date, /) -> bool:
        """Neither a weekend day nor one of the given holidays."""
        return day.weekday() not in self.weekend and day not in self.holidays


def fixed_calendars(
    by_country: Mapping[str, HolidayCalendar], default: HolidayCalendar | None = None
) -> CalendarFactory:
    """A calendar factory for `plan(..., calendars=...)` that looks countries up in a mapping.

    Countries not in `by_country` get `default` (Saturday and Sunday off when not given).

    Raises:
        PluginError: `by_country` is not a mapping of calendars, or `default` not a calendar.
    """
    if not isinstance(by_country, Mapping):
        raise PluginError(
            "a mapping of country codes to calendars",
            field="by_country",
            value=type(by_country).__name__,
        )
    fallback = default or FixedCalendar()
    given = [*((f"by_country[{c!r}]", cal) for c, cal in by_country.items()), ("default", fallback)]
    for where, calendar in given:
        if not isinstance(calendar, HolidayCalendar):
            raise PluginError("not a HolidayCalendar", field=where, value=type(calendar).__name__)

    def calendar_for(country: str, subdivision: str | None) -> HolidayCalendar:
        return by_country.get(country, fallback)

    return calendar_for


class MemoryTemplates:
    """A `TemplateLoader` holding texts in a dict keyed by ``(locale, name)``.

    Raises:
        PluginError: `templates` is not a mapping of ``(locale, name)`` pairs to texts.

    Examples:
        >>> loader = MemoryTemplates({("pl", "freelancer/polite"): "{% extends 'x' %}"})
        >>> loader.source("freelancer/polite", "pl") is not None
        True
        >>> loader.source("freelancer/polite", "en") is None
        True
    """

    def __init__(self, templates: Mapping[tuple[str, str], str]) -> None:
        if not isinstance(templates, Mapping):
            raise PluginError(
                "a mapping of (locale, name) to template text",
                field="templates",
                value=type(templates).__name__,
            )
        for key, text in templates.items():
            well_formed = isinstance(key, tuple) and len(key) == 2
            if not (well_formed and all(isinstance(part, str) for part in key)):
                raise PluginError("a key is a (locale, name) pair", field="templates", value=key)
            if not isinstance(text, str):
                raise PluginError("a template is text", field=f"templates[{key!r}]", value=text)
        self.templates = dict(templates)

    def source(self, name: str, locale: str, /) -> str | None:
        """The text stored for exactly `locale` and `name`, if any."""
        return self.templates.get((locale, name))


class MemoryChannel:
    """A `DeliveryChannel` that keeps what it is given: a list of delivered messages.

    Addresses in `bounce` bounce; the first `failures` sends fail transiently (to test
    retries); everything else is delivered.

    Raises:
        PluginError: `bounce` is not a collection of addresses (a lone string is not), or
            `failures` is negative.

    Examples:
        >>> channel = MemoryChannel(bounce={"gone@example.com"})
        >>> channel.sent
        []
    """

    def __init__(self, *, bounce: Iterable[str] = (), failures: int = 0) -> None:
        if isinstance(failures, bool) or not isinstance(failures, int) or failures < 0:
            raise PluginError("a count of sends, 0 or more", field="failures", value=failures)
        self.bounce = frozenset(_each(bounce, "bounce", _is_text, "an address", error=PluginError))
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


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _is_weekday(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _each(
    values: Iterable[_T],
    field: str,
    fits: Callable[[object], bool],
    what: str,
    *,
    error: type[PaychaseError] = InvalidCaseError,
) -> list[_T]:
    """`values` as a list, each one checked; a string is one value, not its letters."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise error(f"a collection, each {what}", field=field, value=values)
    items = list(values)
    for index, value in enumerate(items):
        if not fits(value):
            raise error(f"must be {what}", field=f"{field}[{index}]", value=value)
    return items


_VISIBLE: tuple[AttemptStatus, ...] = get_args(AttemptStatus)


@dataclass(slots=True)
class _Slot:
    """One key's attempt, and whether it was given back (``released``: hidden, claimable)."""

    attempt: Attempt
    order: int
    released: bool = False


class MemoryStore:
    """A `HistoryStore` in memory: what `SqliteStore` does, without a file, for one process.

    The same attempt state machine (claim, prepare, complete, release, mark_uncertain, tasks
    closed by a new event with their key, each refused call a `PluginError` naming the key),
    the same rule that an identical event is kept once, the same order of events and attempts,
    and times given back in UTC as SQLite gives them. What a channel said at each try is kept
    in `deliveries`. Nothing outlives the object: it suits tests, examples and dry runs.

    Examples:
        >>> from datetime import datetime, timezone
        >>> at = datetime(2026, 3, 17, 9, tzinfo=timezone.utc)
        >>> def claim(store):
        ...     return store.claim("k1", client="c1", kind="send_reminder", channel="email",
        ...                        message_id=None, planned_at=at, runner="host:1", at=at)
        >>> with MemoryStore() as store:
        ...     claim(store), claim(store), [a.status for a in store.attempts()]
        (True, False, ['claimed'])
    """

    def __init__(self) -> None:
        self._events: list[tuple[datetime, int, ContactEvent]] = []
        self._fingerprints: set[str] = set()
        self._slots: dict[str, _Slot] = {}
        self._deliveries: list[tuple[str, datetime, Receipt]] = []
        self._added = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release: the contents stay readable after the store is closed."""

    # -- history ---------------------------------------------------------------------------

    def events(self) -> tuple[ContactEvent, ...]:
        """Every recorded contact, oldest first (ties in the order they were added)."""
        return tuple(event for _, _, event in sorted(self._events, key=lambda row: row[:2]))

    def add_events(self, events: Iterable[ContactEvent], /) -> int:
        """Record contacts not yet recorded (an identical event is kept once); how many were new.

        A new event whose ``key`` names an open task closes it (status ``done``), dated by
        the event. Nothing is added when one of `events` is not a `ContactEvent`.
        """
        batch = tuple(events)
        for index, event in enumerate(batch):
            _check_type(event, ContactEvent, f"events[{index}]")
        added = 0
        for event in batch:
            if self._insert_event(event):
                added += 1
                self._close_task(event)
        return added

    def export_history(self) -> str:
        """The history as the case file's ``history`` array, in JSON text, oldest first."""
        data = [e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in self.events()]
        return json.dumps(data, indent=2, ensure_ascii=False)

    def import_case_history(self, case: Case) -> int:
        """Add the case file's history to the store (see `add_events`); how many were new."""
        return self.add_events(case.history)

    def deliveries(self, key: str | None = None) -> tuple[tuple[str, datetime, Receipt], ...]:
        """What the channel said at each settled or released try: ``(key, at, receipt)``.

        `SqliteStore` keeps the same record in its ``deliveries`` table; a release is dated by
        the attempt's last update, as there.
        """
        return tuple(row for row in self._deliveries if key is None or row[0] == key)

    # -- attempts --------------------------------------------------------------------------

    def claim(
        self,
        key: str,
        *,
        client: str,
        kind: ActionKind,
        channel: Channel,
        message_id: str | None,
        planned_at: datetime,
        runner: str,
        at: datetime,
    ) -> bool:
        """Take `key` for this runner; False when any attempt for it exists already.

        A key given back by `release` can be claimed again (its tries and last error kept).

        Raises:
            PluginError: a datetime is naive, or a value cannot make an `Attempt`.
        """
        planned, when = _utc(planned_at, "planned_at"), _utc(at, "at")
        slot = self._slots.get(key)
        if slot is not None and not slot.released:
            return False
        claimed = Attempt(
            key=key,
            client=client,
            kind=kind,
            channel=channel,
            message_id=message_id,
            planned_at=planned,
            status="claimed",
            runner=runner,
            claimed_at=when,
            updated_at=when,
            tries=slot.attempt.tries if slot else 0,
            error=slot.attempt.error if slot else None,
        )
        self._slots[key] = _Slot(claimed, slot.order if slot else len(self._slots))
        return True

    def prepare(self, key: str, /, *, message: Message, event: ContactEvent, at: datetime) -> None:
        """Keep the rendered message and the event it will record; the send is about to start.

        Moves a ``claimed`` attempt to ``sending`` and counts a try; called again before each
        retry.
        """
        when = _utc(at, "at")
        _check_type(message, Message, "message")
        _check_type(event, ContactEvent, "event")
        slot = self._require(key, "prepare")
        slot.attempt = _moved(
            slot.attempt,
            status="sending",
            tries=slot.attempt.tries + 1,
            updated_at=when,
            message=message,
            event=event,
        )

    def complete(
        self,
        key: str,
        /,
        *,
        status: Literal["done", "failed", "task"],
        receipt: Receipt,
        event: ContactEvent | None,
        message: Message | None,
        at: datetime,
    ) -> None:
        """Settle the attempt, keep the message, record the history event: all or nothing.

        A `message` or `event` of None keeps the one `prepare` stored.
        """
        if status not in _SETTLED:
            raise PluginError(
                "an attempt settles as done, failed or task", field="status", value=status
            )
        when = _utc(at, "at")
        _check_type(receipt, Receipt, "receipt")
        if event is not None:
            _check_type(event, ContactEvent, "event")
        if message is not None:
            _check_type(message, Message, "message")
        slot = self._require(key, "complete")
        current = slot.attempt
        slot.attempt = _moved(
            current,
            status=status,
            receipt=receipt,
            error=receipt.error if receipt.error is not None else current.error,
            message=message if message is not None else current.message,
            event=event if event is not None else current.event,
            updated_at=when,
        )
        self._deliveries.append((key, when, receipt))
        if event is not None:
            self._insert_event(event)

    def release(self, key: str, /, *, error: str) -> None:
        """Give the key back (a transient failure before anything went out): a later run retries.

        The failure is kept in `deliveries`, dated by the attempt's last update.
        """
        slot = self._require(key, "release")
        failure = Receipt(status="failed", error=error, transient=True)
        self._deliveries.append((key, slot.attempt.updated_at, failure))
        slot.attempt = _moved(slot.attempt, error=error)
        slot.released = True

    def mark_uncertain(self, key: str, /, *, at: datetime, why: str) -> None:
        """A send was interrupted and nobody can tell whether it went out."""
        when = _utc(at, "at")
        slot = self._require(key, "mark_uncertain")
        slot.attempt = _moved(slot.attempt, status="uncertain", error=why, updated_at=when)

    def attempts(self, statuses: Collection[AttemptStatus] | None = None) -> tuple[Attempt, ...]:
        """Attempts, oldest claim first; only those in `statuses` when given.

        Raises:
            PluginError: `statuses` names a status attempts do not have.
        """
        wanted = _VISIBLE if statuses is None else tuple(statuses)
        unknown = sorted(set(wanted) - set(_VISIBLE))
        if unknown:
            raise PluginError("not an attempt status", field="statuses", value=unknown)
        shown = [
            slot
            for slot in self._slots.values()
            if not slot.released and slot.attempt.status in wanted
        ]
        shown.sort(key=lambda slot: (slot.attempt.claimed_at, slot.order))
        return tuple(slot.attempt for slot in shown)

    # -- inside ----------------------------------------------------------------------------

    def _require(self, key: str, operation: StoreOperation) -> _Slot:
        """The attempt for `key`, if `operation` may be applied to it; else PluginError."""
        slot = self._slots.get(key)
        if slot is None or slot.released:
            raise PluginError(
                f"{operation}: no runner holds this key (claim it first)", field="key", value=key
            )
        allowed = _TRANSITIONS[operation]
        if slot.attempt.status not in allowed:
            raise PluginError(
                f"{operation}: the attempt is {slot.attempt.status}, "
                f"but only {' or '.join(sorted(allowed))} attempts allow it",
                field="key",
                value=key,
            )
        return slot

    def _insert_event(self, event: ContactEvent) -> bool:
        fingerprint = contact_fingerprint(event)
        if fingerprint in self._fingerprints:
            return False
        self._fingerprints.add(fingerprint)
        self._events.append((event.at.astimezone(_UTC), self._added, event))
        self._added += 1
        return True

    def _close_task(self, event: ContactEvent) -> None:
        """A person recorded the outcome of the task `event.key` names: the task is done."""
        slot = self._slots.get(event.key) if event.key is not None else None
        if slot is not None and not slot.released and slot.attempt.status == "task":
            slot.attempt = _moved(slot.attempt, status="done", updated_at=event.at.astimezone(_UTC))


def _moved(attempt: Attempt, **changes: object) -> Attempt:
    """`attempt` with `changes`, each already checked (so not validated again)."""
    return attempt.model_copy(update=changes)


def _utc(moment: datetime, field: str) -> datetime:
    """`moment` in UTC, as SQLite gives it back; a naive datetime is refused, naming `field`."""
    if not isinstance(moment, datetime):
        raise PluginError("must be a datetime", field=field, value=moment)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PluginError(
            "naive datetime: give a timezone-aware one", field=field, value=moment.isoformat()
        )
    return moment.astimezone(_UTC)


def _check_type(value: object, kind: type, field: str) -> None:
    if not isinstance(value, kind):
        raise PluginError(f"must be a {kind.__name__}", field=field, value=type(value).__name__)
