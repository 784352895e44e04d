"""Rule 1 of the work contracts (`paychase.conversation._work`): prepayments.

The contract's ``deposit`` (when ``due_before_start``) and ``materials`` are asked for before
work starts (``request_deposit``), and work that started without them is paused
(``pause_work``); the planner resumes it once they are paid, with everything else the pause
waits for (`planner._settlement`). Practitioners agree: ask for the deposit before starting,
and never let work start or continue unpaid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Final, Literal

from paychase._reason import ReasonPart, english, part
from paychase.case._contracts import Contract, Deposit, Materials, contract_value
from paychase.case._invoices import Invoice
from paychase.case._money import round_money
from paychase.conversation._work_books import DID_NOT_ARRIVE, WorkBooks, WorkNeed, percent, retried
from paychase.money._balances import ZERO, balance_of, paid_in_full_on

__all__ = ["PREPAYMENTS", "Prepaid", "prepaid_of", "prepayment_need"]

Prepayment = Literal["deposit", "materials"]
PREPAYMENTS: Final[tuple[Prepayment, ...]] = ("deposit", "materials")

_ONE_DAY: Final = timedelta(days=1)
_HUNDRED: Final = Decimal(100)
# The practitioners' default deposit when the contract names no sum: half up front from a
# client one has never been paid by, a quarter from one who has paid before.
_FIRST_TIME_DEPOSIT: Final = Decimal(50)
_RETURNING_DEPOSIT: Final = Decimal(25)


@dataclass(frozen=True, slots=True)
class Prepaid:
    """Where one prepayment stands today."""

    topic: Prepayment
    required: Decimal
    basis: Basis  # how the required sum was set, for the reason
    invoices: tuple[Invoice, ...]
    paid: Decimal
    billed: Decimal

    @property
    def missing(self) -> Decimal:
        """What is still to be paid."""
        return self.required - self.paid

    def describe(self, currency: str) -> str:
        """``the deposit of 600.00 EUR (30 % of the contract value 2000.00)``."""
        return english(self.described(currency))

    def described(self, currency: str) -> ReasonPart:
        """`describe` as a clause: the prepayment, its sum and how the sum was set."""
        basis = self.basis
        what = "deposit" if self.topic == "deposit" else "materials"
        amount = part("money", amount=self.required, currency=currency)
        if basis.rate is None or basis.value is None:
            return part(f"{what}.agreed", amount=amount)
        how = "share" if basis.default is None else f"default_{basis.default}"
        value = part("sum", amount=basis.value, currency=currency)
        return part(f"{what}.{how}", amount=amount, rate=percent(basis.rate), value=value)


@dataclass(frozen=True, slots=True)
class Basis:
    """How a prepayment's sum was set: as agreed (no rate), or a share of the contract value."""

    rate: Decimal | None = None
    value: Decimal | None = None  # the contract value, rounded to its currency
    default: Literal["first", "returning"] | None = None  # the default share for such a client


def prepayment_need(
    contract: Contract, topic: Prepayment, books: WorkBooks, *, paused: bool
) -> WorkNeed | None:
    """What the prepayment `topic` needs today: a request, a pause, or nothing.

    `paused`: the work on the contract is paused already, or another need pauses it today —
    an unpaid prepayment then joins that pause rather than pausing the work a second time.
    """
    prepaid = prepaid_of(contract, topic, books)
    if prepaid is None or prepaid.paid >= prepaid.required:
        return None
    started = contract.work_started
    if started is None or started > books.today:
        return _request(contract, prepaid, books) if prepaid.billed < prepaid.required else None
    if not books.working(contract) or paused:
        return None
    return _pause_unpaid(contract, prepaid, books)


def prepaid_of(contract: Contract, topic: Prepayment, books: WorkBooks) -> Prepaid | None:
    """The prepayment's required, paid and billed sums, or None if the contract asks none."""
    clause: Deposit | Materials | None
    if topic == "deposit":
        clause = (
            contract.deposit if contract.deposit and contract.deposit.due_before_start else None
        )
    else:
        clause = contract.materials
    if clause is None:
        return None
    required = _required(contract, clause, books)
    if required is None:
        return None
    invoices, currency = books.of(contract, frozenset({topic})), contract.currency
    return Prepaid(
        topic=topic,
        required=required[0],
        basis=required[1],
        invoices=invoices,
        paid=round_money(sum((balance_of(i, books.today).paid for i in invoices), ZERO), currency),
        billed=round_money(sum((i.billed for i in invoices), ZERO), currency),
    )


def _required(
    contract: Contract, clause: Deposit | Materials, books: WorkBooks
) -> tuple[Decimal, Basis] | None:
    """The sum a prepayment clause asks for, and how it was set."""
    currency = contract.currency
    if clause.amount is not None:
        return round_money(clause.amount, currency), Basis()
    rate = clause.rate
    default: Literal["first", "returning"] | None = None
    if rate is None:  # a deposit naming no sum
        default = "returning" if _returning(contract, books) else "first"
        rate = _RETURNING_DEPOSIT if default == "returning" else _FIRST_TIME_DEPOSIT
    value = contract_value(contract)
    if value is None:  # Case validation refuses a share of an unknown contract value
        return None
    basis = Basis(rate, round_money(value, currency), default)
    return round_money(value * rate / _HUNDRED, currency), basis


def _returning(contract: Contract, books: WorkBooks) -> bool:
    """Whether the client has paid an invoice of another contract in full by today."""
    return any(
        (paid := paid_in_full_on(i)) is not None and paid <= books.today
        for i in books.invoices
        if i.contract != contract.id
    )


def _request(contract: Contract, prepaid: Prepaid, books: WorkBooks) -> WorkNeed | None:
    attempts = books.attempts(f"{contract.id}/{prepaid.topic}/request_deposit/")
    if any(e.outcome not in DID_NOT_ARRIVE for e in attempts):
        return None
    currency, start = contract.currency, contract.work_started
    deadline = start - _ONE_DAY if start is not None else None
    when = (
        part("prepayment.due_by", start=start, by=deadline)
        if start is not None and deadline is not None
        else part("prepayment.no_start")
    )
    standing = part(
        "prepayment.standing",
        paid=prepaid.paid,
        billed=prepaid.billed,
        on=books.today,
        missing=prepaid.missing,
        currency=currency,
    )
    return WorkNeed(
        kind="request_deposit",
        contract=contract.id,
        topic=prepaid.topic,
        number=len(attempts) + 1,
        invoices=tuple(i.id for i in prepaid.invoices),
        not_before=books.today,
        amount=prepaid.missing,
        currency=currency,
        deadline=deadline,
        why=(_asks(contract, prepaid), standing, when, *retried(attempts)),
    )


def _asks(contract: Contract, prepaid: Prepaid) -> ReasonPart:
    """``contract k1 asks the deposit of … before work starts``."""
    return part(
        "prepayment.asks", contract=contract.id, prepayment=prepaid.described(contract.currency)
    )


def _pause_unpaid(contract: Contract, prepaid: Prepaid, books: WorkBooks) -> WorkNeed:
    currency = contract.currency
    assert contract.work_started is not None  # the work pauses only once it has started
    unpaid = part(
        "prepayment.unpaid",
        started=contract.work_started,
        paid=prepaid.paid,
        on=books.today,
        missing=prepaid.missing,
        currency=currency,
    )
    return WorkNeed(
        kind="pause_work",
        contract=contract.id,
        topic=prepaid.topic,
        number=books.pauses(f"{contract.id}/{prepaid.topic}/") + 1,
        invoices=tuple(i.id for i in prepaid.invoices),
        not_before=books.today,
        amount=prepaid.missing,
        currency=currency,
        why=(_asks(contract, prepaid), unpaid),
    )
