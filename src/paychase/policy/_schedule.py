"""When a step happens, in the client's local time (SPEC §4).

A step's time is its anchor plus its offset, set to the policy's hour (``send_at`` for
messages, ``call_at`` for calls), moved off non-working days where the policy asks — a step
before the due date moves back, so that it still comes before the due date. The action then
goes at the first moment the contact window is open that is not before any bound: now, the
invoice's issue date, ``min_gap`` after the last contact, the reply pause, a promise hold, a
deadline that must pass first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from paychase._reason import Note
from paychase.calendar._durations import Duration
from paychase.calendar._local_time import ContactWindow, local_moment
from paychase.calendar._protocols import HolidayCalendar
from paychase.policy._policy import ActionKind, Policy, Step

__all__ = ["Bound", "ClientClock"]

_MAX_DAYS_BACK = 366


@dataclass(frozen=True, slots=True)
class Bound:
    """A moment an action may not precede, and why (for the action's reason)."""

    moment: datetime
    why: Note


@dataclass(frozen=True, slots=True)
class ClientClock:
    """Time as one client lives it: their zone, their working days, the policy's hours.

    Every answer depends only on the policy, the zone and the calendar, so clients who share
    them share one clock, and the clock remembers its answers for the length of one plan (a
    portfolio's invoices fall due on a few hundred distinct days). Answers are keyed by the
    values they are computed from, and a moment with its `fold`: two moments of one zone that
    differ only in it compare equal, yet they are an hour apart.
    """

    policy: Policy
    tz: ZoneInfo
    calendar: HolidayCalendar
    window: ContactWindow = field(init=False, compare=False, repr=False)
    _moments: dict[tuple[object, ...], datetime] = field(
        init=False, compare=False, repr=False, default_factory=dict
    )
    _deadlines: dict[tuple[object, ...], date | None] = field(
        init=False, compare=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        window = ContactWindow(self.policy.business_days_only, self.policy.quiet_hours)
        object.__setattr__(self, "window", window)

    def local(self, moment: datetime) -> datetime:
        """`moment` in the client's zone."""
        return moment.astimezone(self.tz)

    def start_of(self, day: date) -> datetime:
        """Local midnight of `day`."""
        key = ("start", day)
        found = self._moments.get(key)
        if found is None:
            found = self._moments[key] = local_moment(day, time(0), self.tz)
        return found

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
        key = ("scheduled", step.offset, step.action, anchor, anchor.fold, due, hour)
        found = self._moments.get(key)
        if found is None:
            found = self._moments[key] = self._scheduled(step, anchor, due, hour)
        return found

    def _scheduled(self, step: Step, anchor: datetime, due: date, hour: time | None) -> datetime:
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
        key = ("open", earliest, earliest.fold, opens)
        found = self._moments.get(key)
        if found is None:
            local = self.local(earliest)
            found = self._moments[key] = self.window.first_open(local, opens, self.calendar)
        return found

    def opening(self, floor: datetime) -> datetime:
        """The first moment at or after `floor` the contact window is open, at any hour."""
        return self.first_open(floor, time(0))

    def after(self, duration: Duration, moment: datetime) -> datetime:
        """The first moment `duration` after `moment` allows, on the client's calendar.

        Days and weeks are counted as whole days: three days after Monday 17:00 is Thursday,
        from its start, whatever the hour of Monday's contact. A bound that fell at the hour
        of the contact would be met at 17:00 by a host that runs every hour but only on
        Friday by one that runs at 09:00; counted in days, both act on Thursday. Hours are
        exact elapsed time.
        """
        key = ("after", duration, moment, moment.fold)
        found = self._moments.get(key)
        if found is None:
            local = self.local(moment)
            if duration.keeps_time_of_day:
                found = duration.shift(local, self.calendar)
            else:
                found = self.start_of(duration.shift_date(local.date(), self.calendar))
            self._moments[key] = found
        return found

    def deadline_of(self, step: Step, at: datetime) -> date | None:
        """The payment deadline a step states when performed at `at` (None if it states none)."""
        if step.deadline is None:
            return None
        key = (step.deadline, at, at.fold)
        if key not in self._deadlines:
            self._deadlines[key] = step.deadline.shift_date(self.local(at).date(), self.calendar)
        return self._deadlines[key]
