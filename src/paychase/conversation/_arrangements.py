"""Instalment plans in force: each plan's schedule and how the client keeps to it.

A client who cannot pay at once may agree to pay in instalments (a case's
``instalment_plans``). The plan in force for an invoice is the latest one agreed by the planning
date that covers it. Its schedule settles the plan's total — by default the unpaid principal of
its invoices the day before it was agreed — and the payments made to those invoices from the
day of the agreement count toward it, in date order. An instalment unpaid by the end of its
grace (the plan's own, else the contract's) breaks the plan for good: a later payment reduces
the balance but does not mend the plan. The grace is counted from the day the law lets the
client pay: where the contract's law moves a deadline off a holiday (art. 115 KC), an
instalment due on a Saturday or a public holiday may be paid on the next working day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from paychase.calendar._protocols import HolidayCalendar
from paychase.case._contracts import Contract
from paychase.case._instalment_plan import InstalmentPlan
from paychase.case._invoices import Invoice
from paychase.conversation._instalments import Instalment, Standing, schedule, standing
from paychase.errors import InvalidCaseError
from paychase.money._balances import ZERO

__all__ = ["Arrangement", "arrangements_of", "unpaid_before"]


@dataclass(frozen=True, slots=True)
class Arrangement:
    """One instalment plan in force: its invoices, schedule and standing at the planning date."""

    plan: InstalmentPlan
    invoices: tuple[Invoice, ...]
    contracts: tuple[str, ...]
    currency: str
    total: Decimal
    instalments: tuple[Instalment, ...]
    standing: Standing
    grace_end: Callable[[date], date]  # the last day an instalment due on a day may be paid

    @property
    def dates(self) -> tuple[date, date | None]:
        """When the plan was agreed, and when it broke (None: it has not)."""
        return self.plan.agreed, self.standing.broken_on

    @property
    def key_prefix(self) -> str:
        """The ``{contracts}/{invoices}`` every key of the plan's actions starts with."""
        return f"{'+'.join(self.contracts)}/{'+'.join(sorted(i.id for i in self.invoices))}"


def arrangements_of(
    plans: Sequence[InstalmentPlan],
    invoices: Mapping[str, Invoice],
    contracts: Mapping[str, Contract],
    *,
    today: date,
    calendar: HolidayCalendar,
    legal_due: Callable[[Contract, date], date],
) -> dict[str, Arrangement]:
    """The plan in force for each invoice of `plans` on `today`, by invoice id.

    `legal_due` gives the day the law lets a payment due on a given day under a contract be
    made (the planner's `ChargeBook.legal_due`); an instalment's grace counts from it.
    """
    in_force: dict[str, InstalmentPlan] = {}
    for plan in sorted(plans, key=lambda p: (p.agreed, p.id)):
        if plan.agreed <= today:
            in_force.update(dict.fromkeys(plan.invoices, plan))
    found: dict[str, Arrangement] = {}
    for plan in dict.fromkeys(in_force.values()):
        arrangement = _arrangement(
            plan, invoices, contracts, today=today, calendar=calendar, legal_due=legal_due
        )
        if arrangement is None:
            continue
        found.update((i.id, arrangement) for i in arrangement.invoices if in_force[i.id] is plan)
    return found


def _arrangement(
    plan: InstalmentPlan,
    invoices: Mapping[str, Invoice],
    contracts: Mapping[str, Contract],
    *,
    today: date,
    calendar: HolidayCalendar,
    legal_due: Callable[[Contract, date], date],
) -> Arrangement | None:
    """The plan's schedule and standing; None when nothing was left to settle by instalments."""
    covered = tuple(invoices[invoice_id] for invoice_id in plan.invoices)
    currency = covered[0].currency
    total = plan.total if plan.total is not None else unpaid_before(covered, plan.agreed)
    if total <= 0:
        return None
    try:
        instalments = schedule(total, currency, plan.instalments, plan.first, plan.every)
    except InvalidCaseError as error:
        problem = error.problem
        if error.field == "total":
            problem = f"the {total} {currency} it settles is {problem}"
        raise InvalidCaseError(f"plan '{plan.id}': {problem}", field="instalment_plans") from None
    contract = contracts[covered[0].contract]
    grace = plan.grace or contract.grace

    def grace_end(due: date) -> date:
        return grace.shift_date(legal_due(contract, due), calendar)

    payments = sorted(
        (p.date, p.amount) for invoice in covered for p in invoice.payments if p.date >= plan.agreed
    )
    kept = standing(instalments, payments, today, grace_end)
    return Arrangement(
        plan,
        covered,
        tuple(sorted({invoice.contract for invoice in covered})),
        currency,
        total,
        instalments,
        kept,
        grace_end,
    )


def unpaid_before(invoices: Sequence[Invoice], agreed: date) -> Decimal:
    """What the invoices still billed the day before the plan was agreed.

    Payments and credit notes from the day of the agreement on do not change what was
    agreed: they count toward the plan (payments) or settle the invoice (credit notes).
    """
    return sum((max(_left_before(invoice, agreed), ZERO) for invoice in invoices), ZERO)


def _left_before(invoice: Invoice, day: date) -> Decimal:
    paid = sum((p.amount for p in invoice.payments if p.date < day), ZERO)
    credited = sum((n.amount for n in invoice.credit_notes if n.date < day), ZERO)
    return invoice.total - credited - paid
