"""SPEC §5 rule 3: no action before `now` or before the invoice was issued, and none on a
non-business day or in quiet hours of the client's zone when the policy says so (plus §4:
`at` carries the client's local offset, and the grace period delays post-due steps)."""

from __future__ import annotations

from datetime import datetime, time

from hypothesis import example, given
from tests.strategies import (
    Json,
    Parties,
    after_due,
    calendar_of,
    cases,
    checked,
    due_of,
    example_case,
    example_invoice,
    local,
    start_of,
    suspension_event,
)

import paychase
from paychase import Client, Policy

_UNDOING = frozenset({"restore_service", "resume_work"})


def _in_quiet_hours(moment: time, quiet: tuple[time, time] | None) -> bool:
    """[start, end) in local wall time; a start after the end spans midnight."""
    if quiet is None:
        return False
    start, end = quiet
    if start > end:
        return moment >= start or moment < end
    return start <= moment < end


def _checked_case(case: Json) -> tuple[Parties, Policy]:
    parsed = checked(case)
    return Parties(parsed), parsed.policy


@given(cases())
def test_rule_03_never_before_now_or_the_issue_date(case_and_now: tuple[Json, datetime]) -> None:
    _check_not_early(*case_and_now, undoing=False)


def _check_not_early(case: Json, now: datetime, *, undoing: bool) -> None:
    """No action before `now`; none of the kind checked before its invoices were issued."""
    parties, _ = _checked_case(case)
    for action in paychase.plan(case, now=now).actions:
        assert action.at >= now, (action.key, action.at, now)
        if (action.kind in _UNDOING) != undoing:
            continue
        client = parties.client(action.client)
        for invoice_id in action.invoices:
            issued = parties.invoice(invoice_id).issued
            assert action.at >= start_of(issued, client), (action.key, issued)


def _suspended_before_issue() -> tuple[Json, datetime]:
    """A service suspended over an invoice that is cancelled before its issue date comes."""
    cancelled = example_invoice(issued="2026-03-05", due="2026-03-19", status="cancelled")
    case = example_case(
        invoices=[cancelled], history=[suspension_event("2026-03-01T10:00:00+01:00")]
    )
    return case, datetime.fromisoformat("2026-03-02T09:00:00+01:00")


@example(case_and_now=_suspended_before_issue())
@given(cases())
def test_rule_03_undoing_never_before_the_issue_date(case_and_now: tuple[Json, datetime]) -> None:
    _check_not_early(*case_and_now, undoing=True)


@given(cases())
def test_rule_03_business_days_and_outside_quiet_hours(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    parties, policy = _checked_case(case)
    for action in paychase.plan(case, now=now).actions:
        client: Client = parties.client(action.client)
        wall = local(action.at, client)
        if policy.business_days_only:
            assert calendar_of(client).is_business_day(wall.date()), (action.key, wall)
        assert not _in_quiet_hours(wall.time(), policy.quiet_hours), (action.key, wall)


@given(cases())
def test_rule_03_at_is_written_in_the_clients_offset(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parties, _ = _checked_case(case)
    for action in paychase.plan(case, now=now).actions:
        client = parties.client(action.client)
        assert action.at.utcoffset() == local(action.at, client).utcoffset(), action.key


@given(cases())
def test_rule_03_grace_delays_post_due_steps(case_and_now: tuple[Json, datetime]) -> None:
    # Steps counted from the due date with a positive offset come after the grace period.
    case, now = case_and_now
    parties, policy = _checked_case(case)
    for action in paychase.plan(case, now=now).actions:
        if action.step is None:
            continue
        client = parties.client(action.client)
        for invoice_id in action.invoices:
            index = policy.step_index(action.step_for(invoice_id) or "")  # its own step
            assert index is not None, action.key
            if not after_due(policy.steps[index]):
                continue
            invoice = parties.invoice(invoice_id)
            contract = parties.contract(invoice.contract)
            grace_end = contract.grace.shift_date(
                due_of(invoice, contract, client), calendar_of(client)
            )
            assert local(action.at, client).date() > grace_end, (action.key, grace_end)
