"""SPEC §5 rule 2: settled, cancelled or written-off invoices get no dunning action.

They may still appear in `restore_service` / `resume_work`, which undo what dunning did.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    cases,
    checked,
    example_case,
    example_invoice,
    is_charges_review,
    is_ended_review,
    local,
    settled_on,
    suspension_event,
)

import paychase

_UNDOING = frozenset({"restore_service", "resume_work"})


@st.composite
def mostly_paid_cases(draw: st.DrawFn) -> tuple[Json, datetime]:
    """Random cases in which most invoices are paid in full, cancelled or written off."""
    case, now = draw(cases())
    for invoice in case["invoices"]:
        if draw(st.sampled_from([True, True, False])) and invoice.get("payments") is None:
            status = draw(st.sampled_from(["open", "open", "cancelled", "written_off"]))
            invoice["status"] = status
            if status == "open" and Decimal(invoice["total"]) > 0:
                invoice["payments"] = [{"date": invoice["issued"], "amount": invoice["total"]}]
    return case, now


@given(st.one_of(cases(), mostly_paid_cases()))
def test_rule_02_settled_invoices_get_no_dunning(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parties = Parties(checked(case))
    result = paychase.plan(case, now=now)
    for action in result.actions:
        if action.kind in _UNDOING:
            continue
        for invoice_id in action.invoices:
            invoice = parties.invoice(invoice_id)
            today = local(now, parties.client_of(invoice)).date()
            if is_charges_review(action):  # rule 11: fees and interest left on a paid invoice
                assert invoice.status == "open", action.key
                continue
            if is_ended_review(action):  # a payment after a write-off or cancellation
                continue
            assert not settled_on(invoice, today), (action.kind, action.step, invoice_id)


@given(st.one_of(cases(), mostly_paid_cases()))
def test_rule_02_settled_invoices_say_so(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parties = Parties(checked(case))
    result = paychase.plan(case, now=now)
    for state in result.invoices:
        invoice = parties.invoice(state.id)
        today = local(now, parties.client_of(invoice)).date()
        if invoice.issued <= today and settled_on(invoice, today):
            expected = (
                "paid" if invoice.status not in ("cancelled", "written_off") else (invoice.status)
            )
            assert state.state == expected, (state.id, state.state)
            assert state.days_overdue == 0


def _prepaid_case() -> Json:
    """An invoice paid before its issue date, with the service suspended over it since."""
    paid = [{"date": "2026-01-20", "amount": "100.00"}]
    return example_case(
        invoices=[example_invoice(payments=paid)],
        history=[suspension_event("2026-02-20T10:00:00+01:00")],
    )


def test_rule_02_prepaid_invoice_is_settled() -> None:
    result = paychase.plan(_prepaid_case(), now=datetime.fromisoformat("2026-03-02T09:00+01:00"))
    assert result.invoices[0].state == "paid"
    assert [action.kind for action in result.actions] == ["restore_service"]
    assert date(2026, 1, 20) < result.invoices[0].due
