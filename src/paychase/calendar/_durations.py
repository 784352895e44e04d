"""Durations of the case file and policies: ``14d``, ``5bd``, ``2w``, ``36h``, ``+1w@TU``.

A duration is applied to a local wall-clock time in one step from its anchor, so that
"due + 30 days" never drifts by chaining month or DST arithmetic. Business days (``bd``) are
counted on the client's calendar; ``@TU`` moves the result to that weekday of its ISO week
("the Tuesday of the following week", a follow-up rule from practice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from paychase.calendar._protocols import HolidayCalendar
from paychase.errors import InvalidCaseError

__all__ = ["Duration"]

Unit = Literal["d", "bd", "w", "h"]

_UNITS = ("d", "bd", "w", "h")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY_UNITS = "a weekday (@TU) can follow days or weeks only, e.g. '+1w@TU'"
_PATTERN = re.compile(r"^([+-]?)(\d{1,5})(bd|d|w|h)(?:@(MO|TU|WE|TH|FR|SA|SU))?$")
_MAX_BUSINESS_DAYS = 2000  # about eight years: longer is a typo, not a payment term
_MAX_BUSINESS_DAY_SEARCH = 3660  # ten years of days: a calendar with no working day is broken


@dataclass(frozen=True, slots=True)
class Duration:
    """A signed span of calendar days, business days, weeks or hours, with an optional weekday.

    Examples:
        >>> Duration.parse("+1w@TU")
        Duration(count=1, unit='w', weekday=1)
        >>> str(Duration.parse("-3d"))
        '-3d'
    """

    count: int
    unit: Unit
    weekday: int | None = None

    def __post_init__(self) -> None:
        # Built directly (not parsed), a duration must still be one that `parse` could return.
        if isinstance(self.count, bool) or not isinstance(self.count, int):
            raise InvalidCaseError(
                "a duration's count must be an integer", field="count", value=self.count
            )
        if self.unit not in _UNITS:
            raise InvalidCaseError(
                "a duration's unit must be 'd', 'bd', 'w' or 'h'", field="unit", value=self.unit
            )
        if self.weekday is None:
            return
        if (
            isinstance(self.weekday, bool)
            or not isinstance(self.weekday, int)
            or not 0 <= self.weekday <= 6
        ):
            raise InvalidCaseError(
                "a weekday is 0 (Monday) to 6 (Sunday)", field="weekday", value=self.weekday
            )
        if self.unit not in ("d", "w"):
            raise InvalidCaseError(_WEEKDAY_UNITS, field="weekday", value=self.weekday)

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read ``[+|-]N(d|bd|w|h)[@MO..SU]``.

        Raises:
            InvalidCaseError: when `text` is not such a duration (also a `ValueError`).

        Examples:
            >>> Duration.parse("5bd")
            Duration(count=5, unit='bd', weekday=None)
        """
        try:
            return _read(text)
        except ValueError as error:
            raise InvalidCaseError(str(error), field="duration", value=text) from None

    def __str__(self) -> str:
        text = f"{self.count}{self.unit}"
        if self.weekday is None:
            return text
        return f"{'' if self.is_negative else '+'}{text}@{_WEEKDAYS[self.weekday]}"

    def __format__(self, spec: str) -> str:
        """``f"{d:+}"`` writes an explicit sign (``+7d``), as offsets are written in policies."""
        text = str(self)
        if spec == "+":
            return text if text.startswith(("+", "-")) else f"+{text}"
        return format(text, spec)

    @property
    def is_negative(self) -> bool:
        """Whether the duration points back in time."""
        return self.count < 0

    @property
    def keeps_time_of_day(self) -> bool:
        """Hours move the clock; days and weeks land on a day whose hour the policy chooses."""
        return self.unit == "h"

    def shift(self, start: datetime, calendar: HolidayCalendar) -> datetime:
        """Apply the duration to the aware local datetime `start`.

        Days and weeks keep the wall-clock time; hours are exact elapsed time (so they cross a
        DST change correctly); business days skip the calendar's non-working days.
        """
        if self.unit == "h":
            return (start.astimezone(UTC) + timedelta(hours=self.count)).astimezone(start.tzinfo)
        day = self.shift_date(start.date(), calendar)
        return _wall_clock(day, start)

    def shift_date(self, start: date, calendar: HolidayCalendar) -> date:
        """Apply the duration to a date (hours count as whole days elapsed)."""
        if self.unit == "h":
            return start + timedelta(days=self.count // 24)
        if self.unit == "bd":
            return _add_business_days(start, self.count, calendar)
        days = self.count * 7 if self.unit == "w" else self.count
        day = start + timedelta(days=days)
        if self.weekday is not None:
            day += timedelta(days=self.weekday - day.weekday())
        return day

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            lambda value: value if isinstance(value, Duration) else _read(value),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": _PATTERN.pattern,
            "examples": ["14d", "5bd", "-3d", "+1w@TU", "36h"],
        }


def _read(text: object) -> Duration:
    """The duration `text` writes; a plain ValueError saying why not (pydantic names the field)."""
    match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            "not a duration: use N followed by d (days), bd (business days), w (weeks) or "
            "h (hours), optionally signed and followed by @MO..@SU, e.g. '14d', '-3d', '+1w@TU'"
        )
    sign, number, unit, weekday = match.groups()
    if unit == "bd" and int(number) > _MAX_BUSINESS_DAYS:
        raise ValueError(f"at most {_MAX_BUSINESS_DAYS} business days")
    if weekday and unit not in ("d", "w"):
        raise ValueError(_WEEKDAY_UNITS)
    count = -int(number) if sign == "-" else int(number)
    return Duration(count, unit, _WEEKDAYS.index(weekday) if weekday else None)  # type: ignore[arg-type]


def _add_business_days(start: date, count: int, calendar: HolidayCalendar) -> date:
    step = 1 if count >= 0 else -1
    day, remaining = start, abs(count)
    for _ in range(_MAX_BUSINESS_DAY_SEARCH):
        if remaining == 0:
            return day
        day += timedelta(days=step)
        if calendar.is_business_day(day):
            remaining -= 1
    raise ValueError(f"the calendar has no {abs(count)} business days near {start}")


def _wall_clock(day: date, like: datetime) -> datetime:
    """`day` at the wall-clock time of `like`, in its zone, resolved through UTC across DST gaps."""
    naive = datetime.combine(day, like.timetz().replace(tzinfo=None))
    return naive.replace(tzinfo=like.tzinfo).astimezone(UTC).astimezone(like.tzinfo)
