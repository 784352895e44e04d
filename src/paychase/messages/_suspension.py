"""The day a warning names for the suspension of the service (SPEC §5 rule 10).

A warning states a payment deadline; its subject and its body must name the same day the
service is suspended if that deadline passes unpaid, and it must be the day the planner will
suspend it. That day is the ladder's next suspending step's own (counted from the deadline:
the day after it under the built-in ``saas`` policy), but never before the day after the
deadline nor before the contract's ``suspension.after`` past the due date, and on a working
day when the policy contacts on working days only — unless the client pays, replies or
promises meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from paychase.calendar._protocols import HolidayCalendar
from paychase.case._case import Case
from paychase.case._contracts import Contract
from paychase.planner._outputs import Action

__all__ = ["suspension_day"]

_ONE_DAY = timedelta(days=1)


def suspension_day(
    case: Case, action: Action, dues: Sequence[tuple[Contract, date]], calendar: HolidayCalendar
) -> date | None:
    """The day the service is suspended if the deadline `action` states passes unpaid.

    `dues` are the contract and due date of each of the action's invoices; `calendar` the
    client's. None unless the action states a deadline, the next suspending step of its ladder
    comes after it, and a contract of its invoices has a suspension clause.
    """
    if action.deadline is None or action.step is None:
        return None
    ladder = case.policies.get(action.policy or "", case.policy)
    index = ladder.step_index(action.step)
    later = ladder.steps[index + 1 :] if index is not None else ()
    step = next((later_step for later_step in later if later_step.suspends), None)
    allowed = [
        terms.after.shift_date(due, calendar)
        for contract, due in dues
        if (terms := contract.suspension) is not None
    ]
    if step is None or not allowed:
        return None
    after_deadline = action.deadline + _ONE_DAY
    own = step.offset.shift_date(action.deadline, calendar) if step.from_ == "deadline" else None
    day = max(own or after_deadline, after_deadline, min(allowed))
    while case.policy.business_days_only and not calendar.is_business_day(day):
        day += _ONE_DAY
    return day
