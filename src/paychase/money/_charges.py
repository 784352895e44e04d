"""What one invoice owes at a date: principal, late fee, statutory interest, compensation.

This is where the money engine meets the planner. For an invoice, its contract and its client it
decides which charges the law and the contract allow (SPEC §5 rule 6), computes each as of the
local date an action carries (interest: days = that date minus the due date), allocates the payments
between charges and principal in the contract's order (rule 11) and keeps the computation so an
`apply_fee` action can show it to the client and to a court. Problems a person must look at — a
rate table that stops too early, a missing exchange rate — come back as `problems`, never as a
guessed number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from paychase._reason import ReasonPart, english, part, text
from paychase.calendar._protocols import HolidayCalendar
from paychase.case._contracts import Contract
from paychase.case._invoices import ExchangeRate, Invoice
from paychase.case._money import round_money
from paychase.case._parties import Client
from paychase.errors import InvalidCaseError
from paychase.money._amounts import Amounts, Charge, ChargeLine, RatePer
from paychase.money._compensation import Compensation, fixed_compensation
from paychase.money._discount import discount_on_offer, discount_taken
from paychase.money._fees import FeeAllocation, FeeComputation, contractual_fee
from paychase.money._interest import InterestComputation, statutory_interest
from paychase.money._rates import Allocation, RateTable
from paychase.money._regimes import RegimeRules, effective_due, regime_reason, regime_rules
from paychase.policy._step_fee import StepFee

__all__ = [
    "RATE_GAP",
    "ChargeBook",
    "Owed",
    "amounts_of",
]

RATE_GAP: Final = re.compile(
    r"rule 11: the (?P<regime>\S+) rate table has no rate for (?P<start>[\d-]+)\.\.[\d-]+: "
    r"interest on .+? is computed only to [\d-]+; update the rate table"
)
"""A rate-gap problem, as `Charges` words it: the command line folds these into one warning."""

ZERO: Final = Decimal(0)
_ONE_DAY: Final = timedelta(days=1)
_RUNNING_FEES: Final = frozenset({"daily_rate", "percent_per_month"})
_FEE_PERIODS: Final[dict[str, RatePer]] = {"daily_rate": "day", "percent_per_month": "month"}


@dataclass(frozen=True, slots=True)
class Owed:
    """One invoice's money at a date, after allocating its payments."""

    invoiced: Decimal
    paid: Decimal
    principal: Decimal  # unpaid principal the dunning may ask for (disputed part excluded)
    late_fee: Decimal
    interest: Decimal
    compensation: Decimal
    charges: tuple[Charge, ...] = ()
    problems: tuple[ReasonPart, ...] = ()
    discount: Decimal | None = None
    discount_until: date | None = None

    @property
    def extra(self) -> Decimal:
        """Everything owed beyond the principal."""
        return self.late_fee + self.interest + self.compensation


@dataclass(frozen=True, slots=True)
class _Tally:
    """What one computation collects besides numbers: its charges and its problems."""

    charges: list[Charge]
    problems: list[ReasonPart]


@dataclass(frozen=True, slots=True)
class _Law:
    """The regime that governs one contract's debts for one client, decided once."""

    key: str | None
    why: str
    rules: RegimeRules | None
    reason: ReasonPart  # `why` as data


class ChargeBook:
    """Computes what invoices owe for one client: the law is worked out once per contract."""

    def __init__(
        self,
        client: Client,
        calendar: HolidayCalendar,
        table: RateTable,
        exchange_rates: Sequence[ExchangeRate],
        contracts: Sequence[Contract],
    ) -> None:
        self.client = client
        self.calendar = calendar
        self.table = table
        self.exchange_rates = exchange_rates
        self.contracts = contracts
        """The case's contracts, in order: an error names a contract by its place in them."""
        self._law: dict[str, _Law] = {}
        # The compensation owed for a debt does not change with the day it is looked at.
        self._compensations: dict[tuple[str, str, Decimal, date], Compensation] = {}

    def law(self, contract: Contract) -> _Law:
        """The statutory regime for the contract's debts, with the reason it applies (or not)."""
        known = self._law.get(contract.id)
        if known is None:
            jurisdiction = contract.jurisdiction or self.client.country
            key, why = regime_reason(jurisdiction, self.client.kind, contract.interest_regime)
            known = _Law(key, english(why), regime_rules(key) if key is not None else None, why)
            self._law[contract.id] = known
        return known

    def legal_due(self, contract: Contract, due: date) -> date:
        """The due date the law counts from (art. 115 KC moves it off holidays)."""
        law = self.law(contract)
        return due if law.rules is None else effective_due(due, law.rules, self.calendar)

    def needs_demand(self, contract: Contract) -> bool:
        """Whether only a demand for payment after the due date starts the debtor's delay.

        German law for a consumer (§ 286 BGB): a due date the contract agreed starts the delay
        by itself (Abs. 2 Nr. 1); a date only the invoice set does not, so the delay, and the
        interest, start with the first reminder after it (Abs. 1). A contract with
        `payment_terms` agreed its due dates.
        """
        rules = self.law(contract).rules
        return rules is not None and rules.delay_needs_agreed_due and not contract.payment_terms

    def charges_allowed(self, contract: Contract) -> ReasonPart | None:
        """Why the contract lets no late fee or interest be charged, or None if it does."""
        kind = contract.late_fee.kind
        if kind == "none":
            return part("no_late_fee_clause", contract=contract.id)
        if kind == "statutory" and self.law(contract).key is None:
            return part("no_interest", why=self.law(contract).reason)
        return None

    def owed(
        self,
        invoice: Invoice,
        contract: Contract,
        *,
        due: date,
        grace_end: date,
        disputed: Decimal,
        paid_until: date,
        as_of: date,
        applied: Sequence[date] = (),
        step_fees: Sequence[tuple[date, StepFee]] = (),
        demanded: date | None = None,
    ) -> Owed:
        """What `invoice` owes on `as_of`, counting payments dated up to `paid_until`.

        `applied` are the dates the ladder applied a late fee (contractual fees are claimed from
        the first one on); `step_fees` the dates a step with its own fee applied it, with that
        fee (charged only under a contractual clause, as the clause's would be). The disputed
        part takes no part: no charge runs on it while the dispute is open (rule 7). An
        early-payment discount the payments earned by `paid_until` lowers the price, like a
        credit note (`_discount`). `demanded` is the local day of the first demand for payment
        after the due date, where only a demand starts the delay (`needs_demand`).
        """
        payments = sorted(
            ((p.date, p.amount) for p in invoice.payments if p.date <= paid_until),
            key=lambda pair: pair[0],
        )
        paid = sum((amount for _, amount in payments), ZERO)
        offer = contract.early_payment_discount
        taken = discount_taken(invoice, offer, self.calendar)
        granted = taken.amount if taken is not None and taken.on <= paid_until else ZERO
        base = max(invoice.billed - granted - disputed, ZERO)
        currency = invoice.currency
        principal = round_money(max(base - paid, ZERO), currency)
        late_fee = interest = ZERO
        charges: list[Charge] = []
        problems: list[ReasonPart] = []
        fee = contract.late_fee
        if fee.kind == "statutory":
            legal_due = self.legal_due(contract, due)
            if self.needs_demand(contract):
                legal_due = demanded if demanded is not None else as_of
            if as_of > legal_due and base > 0:
                outcome = self._interest(
                    invoice, contract, base=base, due=legal_due, payments=payments, as_of=as_of
                )
                if isinstance(outcome, ReasonPart):
                    problems.append(outcome)
                elif outcome is not None:
                    computation, charge, problem = outcome
                    principal, interest = (
                        computation.principal_outstanding,
                        computation.interest_outstanding,
                    )
                    if computation.interest > 0:
                        charges.append(charge)
                    problems += [problem] if problem else []
        elif fee.kind != "none" and as_of > grace_end and base > 0:
            try:
                computation_fee = contractual_fee(
                    fee,
                    principal=base,
                    currency=currency,
                    fee_from=grace_end + _ONE_DAY,
                    as_of=as_of,
                    applied=[day for day in applied if day <= as_of],
                    step_fees=[(day, own) for day, own in step_fees if day <= as_of],
                    payments=payments,
                    allocation=_fee_allocation(contract),
                )
            except InvalidCaseError as error:  # the clause's own: a fee past MAX_FEE
                raise self._in_contract(error, contract) from None
            principal, late_fee = (
                computation_fee.principal_outstanding,
                computation_fee.fee_outstanding,
            )
            if computation_fee.fee > 0:
                charges.append(_fee_charge(invoice, computation_fee, as_of))
        tally = _Tally(charges, problems)
        # Compensation is owed for a payment made late: settled by the due date, none is.
        last_unpaid = _settled_on(base, payments) or as_of
        compensation = self._compensation(
            invoice, contract, base=base, due=due, last_unpaid=last_unpaid, tally=tally
        )
        on_offer = discount_on_offer(
            invoice,
            offer,
            self.calendar,
            base=max(invoice.billed - disputed, ZERO),
            principal=principal,
            as_of=as_of,
        )
        discount, until = on_offer if on_offer is not None else (None, None)
        return Owed(
            invoiced=invoice.billed,
            paid=paid,
            principal=principal,
            late_fee=late_fee,
            interest=interest,
            compensation=compensation,
            charges=tuple(charges),
            problems=tuple(problems),
            discount=discount,
            discount_until=until,
        )

    def _in_contract(self, error: InvalidCaseError, contract: Contract) -> InvalidCaseError:
        """`error` about a clause of `contract`, its field placed in the case's contracts."""
        index = next(i for i, known in enumerate(self.contracts) if known.id == contract.id)
        where = f"contracts[{index}]"
        error.field = f"{where}.{error.field}" if error.field else where
        return error

    # -- statutory interest ---------------------------------------------------------------

    def _interest(
        self,
        invoice: Invoice,
        contract: Contract,
        *,
        base: Decimal,
        due: date,
        payments: list[tuple[date, Decimal]],
        as_of: date,
    ) -> tuple[InterestComputation, Charge, ReasonPart | None] | ReasonPart | None:
        """The interest, its charge and any rate gap, or why there is none to compute.

        A problem (rule 11) where the rate table lacks the regime, since a rate is never
        guessed; None where the law grants no interest.
        """
        law = self.law(contract)
        if law.key is None or law.rules is None:
            return None
        try:
            regime = self.table.regime(law.key)
        except InvalidCaseError:
            since = due + _ONE_DAY  # the day interest would run from
            return part("rate_table.no_regime", regime=law.key, invoice=invoice.label, since=since)
        computation = statutory_interest(
            principal=base,
            currency=invoice.currency,
            due=due,
            payments=payments,
            as_of=as_of,
            regime=regime,
            allocation=_interest_allocation(contract, law.rules),
        )
        problem = None
        if computation.missing is not None:
            gap = computation.missing
            problem = part(
                "rate_gap",
                regime=law.key,
                start=gap.from_,
                end=gap.to,
                invoice=invoice.label,
                until=gap.from_ - _ONE_DAY,
            )  # RATE_GAP reads its English back: change both together
        return computation, _interest_charge(invoice, computation, law, as_of), problem

    # -- fixed compensation ----------------------------------------------------------------

    def _compensation(
        self,
        invoice: Invoice,
        contract: Contract,
        *,
        base: Decimal,
        due: date,
        last_unpaid: date,
        tally: _Tally,
    ) -> Decimal:
        if not contract.fixed_compensation or base <= 0:
            return ZERO
        legal_due = self.legal_due(contract, due)
        if last_unpaid <= legal_due:
            return ZERO
        law = self.law(contract)
        if self.client.kind != "business" or law.key is None:
            return ZERO
        memo = (law.key, invoice.currency, base, legal_due)
        result = self._compensations.get(memo)
        if result is None:
            result = self._compensations[memo] = fixed_compensation(
                regime=law.key,
                debtor="business",
                principal=base,
                currency=invoice.currency,
                due=legal_due,
                exchange_rates=self.exchange_rates,
            )
        if result.status == "missing_rate":
            why = result.missing or text(result.reason)
            tally.problems.append(part("compensation.not_added", invoice=invoice.label, why=why))
            return ZERO
        if result.status == "none":
            return ZERO
        tally.charges.append(_compensation_charge(invoice, result, legal_due))
        return result.amount


def _settled_on(base: Decimal, payments: Sequence[tuple[date, Decimal]]) -> date | None:
    """The day the payments first covered `base`, or None."""
    running = ZERO
    for day, amount in payments:
        running += amount
        if running >= base:
            return day
    return None


def _interest_allocation(contract: Contract, rules: RegimeRules) -> Allocation:
    order = contract.allocation
    if order is None:
        return rules.allocation
    return (
        "interest_first"
        if order.index("interest") < order.index("principal")
        else ("principal_first")
    )


def _fee_allocation(contract: Contract) -> FeeAllocation:
    order = contract.allocation
    if order is None:
        return "fees_first"
    part = "interest" if contract.late_fee.kind in _RUNNING_FEES else "costs"
    return "fees_first" if order.index(part) < order.index("principal") else "principal_first"


def _interest_charge(
    invoice: Invoice, computation: InterestComputation, law: _Law, as_of: date
) -> Charge:
    paid = computation.interest - computation.interest_outstanding
    rule = (
        f"statutory interest, {law.why}; {computation.basis}, {computation.semantics}, "
        f"from {computation.interest_from}: {computation.interest} {computation.currency} "
        f"over {computation.days} days"
    )
    if paid > 0:
        rule += f", of which {paid} paid"
    if computation.missing is not None:
        rule += f"; no rate known for {computation.missing.from_}..{computation.missing.to}"
    settled = _settled_segments(computation)
    return Charge.trusted(
        invoice=invoice.id,
        kind="interest",
        amount=computation.interest_outstanding,
        paid=paid,
        currency=computation.currency,
        as_of=as_of,
        rule=rule,
        lines=tuple(
            ChargeLine.trusted(
                from_=s.from_,
                to=s.to,
                days=s.days,
                base=s.principal,
                rate=s.rate,
                per="year",
                amount=s.interest,
                source=s.source,
                settled_on=on,
            )
            for s, on in zip(computation.segments, settled, strict=True)
        ),
    )


def _settled_segments(computation: InterestComputation) -> list[date | None]:
    """For each segment, the date of the payment that paid its interest off, or None.

    Interest is rounded, and so paid, a rounding period at a time: the segments up to a
    period that closed with rounding form one group, and a group is settled by the first
    payment that brings the interest paid so far up to everything rounded through it (the
    oldest interest is paid first). A group only partly paid stays unmarked.
    """
    periods = computation.periods
    group_of: list[int] = []  # for each period, the rounding period that closes it
    closing = len(periods) - 1
    for index in reversed(range(len(periods))):
        closing = index if periods[index].rounded else closing
        group_of.append(closing)
    group_of.reverse()
    accrued, paid = ZERO, ZERO
    settled_by: dict[int, date] = {}
    open_groups: list[tuple[int, Decimal]] = []  # (group, interest rounded through it)
    for index, period in enumerate(periods):
        if period.rounded:
            accrued += period.interest
            open_groups.append((index, accrued))
        if period.payment_date is not None and period.interest_paid > 0:
            paid += period.interest_paid
            while open_groups and open_groups[0][1] <= paid:
                settled_by[open_groups.pop(0)[0]] = period.payment_date
    found: list[date | None] = []
    for segment in computation.segments:
        index = next(
            i for i, p in enumerate(periods) if p.from_ <= segment.from_ and segment.to <= p.to
        )
        found.append(settled_by.get(group_of[index]))
    return found


def _fee_charge(invoice: Invoice, computation: FeeComputation, as_of: date) -> Charge:
    per = _FEE_PERIODS.get(computation.kind)
    return Charge.trusted(
        invoice=invoice.id,
        kind="late_fee",
        amount=computation.fee_outstanding,
        paid=computation.fee_paid,
        currency=computation.currency,
        as_of=as_of,
        rule=computation.rule,
        lines=tuple(
            ChargeLine.trusted(
                from_=line.from_,
                to=line.to,
                days=line.days,
                base=line.base,
                rate=line.rate,
                # A running fee's days accrue at its rate a day or a month; a line of no
                # days is a one-off booking (a percentage or a step's own fee).
                per=per if line.days else None,
                amount=line.amount,
                settled_on=line.settled_on,
            )
            for line in computation.lines
        ),
    )


def _compensation_charge(invoice: Invoice, result: Compensation, due: date) -> Charge:
    converted = ""
    if result.exchange_rate is not None:
        converted = (
            f", converted at {result.exchange_rate} {result.currency}/{result.fixed_currency}"
            f" of {result.rate_date}"
        )
    return Charge.trusted(
        invoice=invoice.id,
        kind="compensation",
        amount=result.amount,
        currency=result.currency,
        as_of=due + _ONE_DAY,
        rule=f"fixed compensation {result.fixed_amount} {result.fixed_currency} "
        f"({result.tier}){converted}: {result.rule}",
    )


def amounts_of(owed: Sequence[Owed], currency: str) -> Amounts:
    """The `amounts` block of an action covering these invoices (all in `currency`)."""
    invoiced = paid = principal = late_fee = interest = compensation = ZERO
    discount: Decimal | None = None
    until: date | None = None
    for one in owed:
        invoiced += one.invoiced
        paid += one.paid
        principal += one.principal
        late_fee += one.late_fee
        interest += one.interest
        compensation += one.compensation
        if one.discount is not None and one.discount_until is not None:
            discount = (discount or ZERO) + one.discount
            until = one.discount_until if until is None else min(until, one.discount_until)
    total = principal + late_fee + interest + compensation

    def money(value: Decimal) -> Decimal:
        return round_money(value, currency)

    return Amounts.trusted(
        invoiced=money(invoiced),
        paid=money(paid),
        principal=money(principal),
        late_fee=money(late_fee),
        interest=money(interest),
        compensation=money(compensation),
        total=money(total),
        currency=currency,
        discount=money(discount) if discount is not None else None,
        discounted_total=money(total - discount) if discount is not None else None,
        discount_until=until,
    )
