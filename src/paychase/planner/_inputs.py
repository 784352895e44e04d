"""What `plan()` and `statement()` are given, checked once: the case, the moment, the plug-ins.

A host passes plain data and its own plug-ins; a wrong one is named here, as a `PaychaseError`,
before the planner starts (SPEC §5 rule 13) — not an ``AttributeError`` from deep inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from paychase.calendar._protocols import CalendarFactory
from paychase.calendar._working_days import default_calendar
from paychase.case._case import Case, planning_moment
from paychase.errors import InvalidCaseError, PluginError
from paychase.money._rates import RateTable, builtin_rate_table
from paychase.planner._known_steps import check_history_steps

__all__ = ["Inputs", "read_inputs"]


@dataclass(frozen=True, slots=True)
class Inputs:
    """A checked case, the moment to plan for, and the calendars and rates to plan with."""

    case: Case
    moment: datetime
    calendars: CalendarFactory
    rates: RateTable


def read_inputs(
    case: Case | Mapping[str, Any],
    now: datetime | None,
    calendars: CalendarFactory | None,
    rates: RateTable | None,
) -> Inputs:
    """Check what a host passed; the built-in calendars and rate table where it passed none.

    Raises:
        InvalidCaseError: the case is invalid (a history event naming a step its policy does not
            have included), there is no usable moment, or `rates` is not a `RateTable`.
        PluginError: `calendars` is not callable.
    """
    if calendars is not None and not callable(calendars):
        raise PluginError(
            "must be callable as calendars(country, subdivision) -> HolidayCalendar",
            field="calendars",
            value=type(calendars).__name__,
        )
    if rates is not None and not isinstance(rates, RateTable):
        raise InvalidCaseError(
            "must be a RateTable (see builtin_rate_table and RateTable.model_validate)",
            field="rates",
            value=type(rates).__name__,
        )
    checked = case if isinstance(case, Case) else Case.model_validate(case)
    check_history_steps(checked)
    return Inputs(
        checked,
        planning_moment(checked, now),
        calendars or default_calendar,
        rates or builtin_rate_table(),
    )
