"""A client's statement of account: every invoice, payment, fee and interest, with totals.

The statement is what an accountant reconciles and what a client is sent with a final notice:
for each invoice what was billed and paid, the principal still unpaid after the payments were
allocated in the contract's order, the late fees, interest and compensation as of the
statement's date, and totals per currency. It uses the same money engine as `plan()`, so the
two never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from paychase._model import FrozenModel
from paychase._reason import english
from paychase.calendar._local_time import zone
from paychase.calendar._protocols import CalendarFactory
from paychase.calendar._working_days import client_calendar
from paychase.case._case import Case
from paychase.case._invoices import Payment
from paychase.case._money import Amount
from paychase.conversation._facts import (
    InvoiceFacts,
    Portfolio,
    owed_on,
    own_policy,
    policy_of,
    read_facts,
)
from paychase.errors import InvalidCaseError
from paychase.money._amounts import Charge
from paychase.money._charges import ChargeBook, Owed, amounts_of
from paychase.money._rates import RateTable
from paychase.planner._end_state import written_off_state
from paychase.planner._inputs import read_inputs
from paychase.policy._ladder import InvoiceStatus, ladder_progress
from paychase.policy._policy import Policy
from paychase.policy._schedule import ClientClock

__all__ = ["Statement", "StatementLine", "StatementTotal", "statement"]


class StatementLine(FrozenModel):
    """One invoice on a statement."""

    invoice: str = Field(description="The invoice's id")
    number: str | None = Field(default=None, description="The number printed on the invoice")
    contract: str = Field(description="The id of its contract")
    issued: date = Field(description="Issue date")
    due: date = Field(description="Due date: the invoice's own, else issued + payment terms")
    state: InvoiceStatus = Field(description="Where the invoice stands, as in a plan")
    currency: str = Field(description="ISO 4217 code of the line's amounts")
    invoiced: Amount = Field(description="What the invoice bills: its total less credit notes")
    paid: Amount = Field(description="Payments dated up to `as_of`")
    principal: Amount = Field(description="Unpaid principal after allocating the payments")
    late_fee: Amount = Field(description="Contractual late fees as of `as_of`")
    interest: Amount = Field(description="Statutory interest as of `as_of`")
    compensation: Amount = Field(description="Fixed recovery-cost compensation")
    total: Amount = Field(description="principal + late_fee + interest + compensation")
    payments: tuple[Payment, ...] = Field(
        default=(), description="The payments dated up to `as_of`"
    )


class StatementTotal(FrozenModel):
    """The sums of one currency's lines."""

    currency: str = Field(description="ISO 4217 code of the lines summed")
    invoiced: Amount = Field(description="The sum of the lines' invoiced")
    paid: Amount = Field(description="The sum of the lines' paid")
    principal: Amount = Field(description="The sum of the lines' principal")
    late_fee: Amount = Field(description="The sum of the lines' late_fee")
    interest: Amount = Field(description="The sum of the lines' interest")
    compensation: Amount = Field(description="The sum of the lines' compensation")
    total: Amount = Field(description="principal + late_fee + interest + compensation")


class Statement(FrozenModel):
    """A client's account on a date: lines, totals per currency and every computation."""

    client: str = Field(description="The client's id")
    name: str = Field(description="The client's name")
    as_of: date = Field(description="The client's local date the amounts are computed for")
    lines: tuple[StatementLine, ...] = Field(
        description="One per invoice issued by `as_of`, cancelled ones left out"
    )
    totals: tuple[StatementTotal, ...] = Field(description="The lines' sums, one per currency")
    charges: tuple[Charge, ...] = Field(description="Each fee and interest with its computation")
    problems: tuple[str, ...] = Field(
        default=(), description="What a person must look at: missing rates, exchange rates"
    )

    def to_json(self, *, indent: int | None = 2) -> str:
        """The statement as JSON; the same statement always gives the same text."""
        return self.model_dump_json(indent=indent, exclude_none=True)


def statement(
    case: Case | Mapping[str, Any],
    client: str,
    *,
    now: datetime | None,
    calendars: CalendarFactory | None = None,
    rates: RateTable | None = None,
) -> Statement:
    """The statement of account of `client` at the moment `now` (the case's own by default).

    Payments dated after the client's local date are not counted; cancelled invoices are left
    out; written-off ones are listed with nothing owed.

    Raises:
        InvalidCaseError: the case is invalid, the client unknown, or there is no moment.
        PluginError: `calendars` is not a calendar factory, or a host calendar failed.

    Examples:
        >>> import json, pathlib
        >>> case = json.loads(pathlib.Path("examples/portfolio.json").read_text())
        >>> statement(case, "lindner", now=None).totals[0].currency
        'EUR'
    """
    inputs = read_inputs(case, now, calendars, rates)
    checked, moment = inputs.case, inputs.moment
    person = next((c for c in checked.clients if c.id == client), None)
    if person is None:
        raise InvalidCaseError("unknown client", field="client", value=client)
    calendar = client_calendar(inputs.calendars, person, "client")
    timing = person.policy or checked.policy
    clock = ClientClock(timing, zone(person.timezone), calendar)
    today = clock.local(moment).date()
    book = ChargeBook(person, calendar, inputs.rates, checked.exchange_rates, checked.contracts)
    portfolio = Portfolio.of(checked, moment)
    lines: list[StatementLine] = []
    owed_by_currency: dict[str, list[Owed]] = {}
    charges: list[Charge] = []
    problems: list[str] = []
    for invoice in portfolio.invoices_of.get(client, ()):
        if invoice.status == "cancelled" or invoice.issued > today:
            continue
        contract = portfolio.contracts[invoice.contract]
        events = portfolio.events_of_invoice.get(invoice.id, ())
        facts = read_facts(invoice, contract, events, clock, today)
        current = own_policy(contract, person, timing)
        ladder = policy_of(invoice, events, portfolio.policies, current)
        facts.progress = ladder_progress(
            ladder if isinstance(ladder, Policy) else current,
            events,
            clock.deadline_of,
            invoice.id,
        )
        written_off_state(facts)  # as the plan says it: the host booked it as bad debt
        waived = facts.state == "paid" and contract.waive_charges_when_paid
        owed = (
            _nothing_owed(invoice.billed, facts.balance.paid)
            if facts.state == "written_off" or waived
            else owed_on(facts, book, clock, today=today, day=today)
        )
        owed_by_currency.setdefault(invoice.currency, []).append(owed)
        charges += owed.charges
        problems += map(english, owed.problems)
        lines.append(_line(facts, owed, today))
    return Statement(
        client=client,
        name=person.name,
        as_of=today,
        lines=tuple(lines),
        totals=tuple(_total(currency, owed) for currency, owed in sorted(owed_by_currency.items())),
        charges=tuple(charges),
        problems=tuple(problems),
    )


def _nothing_owed(invoiced: Decimal, paid: Decimal) -> Owed:
    zero = Decimal(0)
    return Owed(invoiced, paid, zero, zero, zero, zero)


def _line(facts: InvoiceFacts, owed: Owed, today: date) -> StatementLine:
    invoice = facts.invoice
    amounts = amounts_of([owed], invoice.currency)
    return StatementLine(
        invoice=invoice.id,
        number=invoice.number,
        contract=facts.contract.id,
        issued=invoice.issued,
        due=facts.due,
        state=facts.state,
        currency=invoice.currency,
        invoiced=amounts.invoiced,
        paid=amounts.paid,
        principal=amounts.principal,
        late_fee=amounts.late_fee,
        interest=amounts.interest,
        compensation=amounts.compensation,
        total=amounts.total,
        payments=tuple(p for p in invoice.payments if p.date <= today),
    )


def _total(currency: str, owed: list[Owed]) -> StatementTotal:
    amounts = amounts_of(owed, currency)
    return StatementTotal(
        currency=currency,
        invoiced=amounts.invoiced,
        paid=amounts.paid,
        principal=amounts.principal,
        late_fee=amounts.late_fee,
        interest=amounts.interest,
        compensation=amounts.compensation,
        total=amounts.total,
    )
