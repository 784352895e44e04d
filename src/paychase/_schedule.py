"""When a step happens, in the client's local time (SPEC §4).

A step's time is its anchor plus its offset, set to the policy's hour (``send_at`` for
messages, ``call_at`` for calls), moved off non-working days where the policy asks — a step
before the due date moves back, so that it still comes before the due date. The action then
goes at the first moment the contact window is open that is not before any bound: now, the
invoice's issue date, ``min_gap`` after the last contact, the reply pause, a promise hold, a
deadline that must pass first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from paychase._calendar import ContactWindow, local_moment
from paychase._durations import Duration
from paychase._policy import ActionKind, Policy, Step
from paychase._protocols import HolidayCalendar

__all__ = ["Bound", "ClientClock"]

_MAX_DAYS_BACK = 366


@dataclass(frozen=True, slots=True)
class Bound:
    """A moment an action may not precede, and why (for the action's reason)."""

    moment: datetime
    why: str


@dataclass(frozen=True, slots=True)
class ClientClock:
    """Time as one client lives it: their zone, their working days, the policy's hours."""

    policy: Policy
    tz: ZoneInfo
    calendar: HolidayCalendar

    @property
    def window(self) -> ContactWindow:
        """The policy's contact window."""
        return ContactWindow(self.policy.business_days_only, self.policy.quiet_hours)

    def local(self, moment: datetime) -> datetime:
        """`moment` in the client's zone."""
        return moment.astimezone(self.tz)

    def start_of(self, day: date) -> datetime:
        """Local midnight of `day`."""
        return local_moment(day, time(0), self.tz)

    def hour_for(self, kind: ActionKind) -> time:
        """The local hour an action of `kind` happens at (``call_at`` or ``send_at``)."""
        return self.policy.call_at if kind == "call" else self.policy.send_at

    def hour_of(self, step: Step) -> time:
        """The local hour the step's action happens at."""
        return self.hour_for(step.action)

    def scheduled(
        self, step: Step, anchor: datetime, due: date, hour: time | None = None
    ) -> datetime:
        """The step's own time: anchor + offset at `hour` (the step's), on a working day."""
        moment = step.offset.shift(self.local(anchor), self.calendar)
        if not step.offset.keeps_time_of_day:
            moment = local_moment(moment.date(), hour or self.hour_of(step), self.tz)
        if moment.date() < due and self.policy.business_days_only:
            moment = self._back_to_working_day(moment)
        return moment

    def _back_to_working_day(self, moment: datetime) -> datetime:
        day = moment.date()
        for _ in range(_MAX_DAYS_BACK):
            if self.calendar.is_business_day(day):
                return local_moment(day, moment.time(), self.tz)
            day -= timedelta(days=1)
        return moment

    def first_open(self, earliest: datetime, opens: time) -> datetime:
        """The first moment at or after `earliest` inside the contact window."""
        return self.window.first_open(self.local(earliest), opens, self.calendar)

    def after(self, duration: Duration, moment: datetime) -> datetime:
        """`moment` plus `duration`, counted on the client's calendar."""
        return duration.shift(self.local(moment), self.calendar)

    def deadline_of(self, step: Step, at: datetime) -> date | None:
        """The payment deadline a step states when performed at `at` (None if it states none)."""
        if step.deadline is None:
            return None
        return step.deadline.shift_date(self.local(at).date(), self.calendar)
