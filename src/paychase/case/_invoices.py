"""Invoices, the payments and credit notes against them, and exchange rates between currencies."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, Self

from pydantic import Field, model_validator

from paychase._model import FrozenModel
from paychase._text import MAX_NUMBER, InvoiceNumber, Line, Text
from paychase.case._holds import Hold
from paychase.case._money import CurrencyCode
from paychase.case._types import (
    CaseDate,
    ExchangeRateValue,
    Identifier,
    NonNegativeAmount,
    PolicyVersion,
    PositiveAmount,
)

__all__ = ["CreditNote", "ExchangeRate", "Invoice", "Payment"]


class Payment(FrozenModel):
    """Money received against an invoice."""

    date: CaseDate = Field(
        description="The day the money came in; planning an earlier moment ignores the payment"
    )
    amount: PositiveAmount = Field(description="What was received, in the invoice's currency")
    ref: Line | None = Field(
        default=None, description="The payment's reference, e.g. a transfer id"
    )


class CreditNote(FrozenModel):
    """A correction that lowers what an invoice bills, e.g. to settle a dispute.

    A credit note corrects the invoice itself: the credited part was never owed, so no interest
    or fee ever runs on it.
    """

    date: CaseDate = Field(description="The credit note's date; not before the invoice's issue")
    amount: PositiveAmount = Field(
        description="What it takes off the invoice, in the invoice's currency"
    )
    ref: Line | None = Field(default=None, description="The credit note's number")


class Invoice(FrozenModel):
    """A bill sent to a client under a contract."""

    id: Identifier = Field(
        description="The invoice's id, unique among the invoices: letters, digits and _ . : - "
        "(no '/' or '+')"
    )
    number: InvoiceNumber | None = Field(
        default=None,
        description=f"The number printed on the invoice: one line of at most {MAX_NUMBER} "
        "characters, without an RFC 2047 encoded word ('=?...?=')",
    )
    contract: Text = Field(description="The id of a contract in `contracts`")
    issued: CaseDate = Field(description="Issue date; nothing is planned for the invoice before it")
    due: CaseDate | None = Field(
        default=None, description="Defaults to issued + the contract's terms"
    )
    total: NonNegativeAmount = Field(description="The amount billed, in `currency`")
    currency: CurrencyCode = Field(description="ISO 4217 code; must equal the contract's currency")
    payments: tuple[Payment, ...] = Field(
        default=(), description="Money received, each payment counting from its date"
    )
    credit_notes: tuple[CreditNote, ...] = Field(
        default=(), description="Corrections that lower what the invoice bills"
    )
    status: Literal["open", "disputed", "written_off", "cancelled"] = Field(
        default="open",
        description="open; disputed (the whole invoice is contested: no dunning, a review); "
        "written_off or cancelled (no action at all)",
    )
    kind: Literal["invoice", "deposit", "materials", "milestone", "kill_fee"] = Field(
        default="invoice",
        description="What the invoice bills: work, a prepayment, a stage or a kill fee",
    )
    milestone: Text | None = Field(
        default=None, description="The contract milestone a stage bill is for"
    )
    policy: PolicyVersion | None = Field(
        default=None,
        description="Migrate the invoice to this policy version ('name@version'); without it "
        "an invoice stays on the version it entered dunning under",
    )
    hold: Hold | None = Field(
        default=None,
        description="Nothing is sent about the invoice while this holds (reviews still are)",
    )

    @model_validator(mode="after")
    def _milestone_named(self) -> Self:
        if (self.kind == "milestone") != (self.milestone is not None):
            raise ValueError("a milestone invoice (kind 'milestone') names its 'milestone'")
        if sum((note.amount for note in self.credit_notes), Decimal(0)) > self.total:
            raise ValueError("credit notes lower the invoice by more than its total")
        if any(note.date < self.issued for note in self.credit_notes):
            raise ValueError("a credit note is dated before the invoice was issued")
        return self

    @property
    def billed(self) -> Decimal:
        """What the invoice bills: its total less its credit notes."""
        if not self.credit_notes:
            return self.total
        return self.total - sum((note.amount for note in self.credit_notes), Decimal(0))

    @property
    def label(self) -> str:
        """How the invoice is named to people: its number, else its id."""
        return self.number or self.id


class ExchangeRate(FrozenModel):
    """One unit of `from` costs `rate` units of `to` on `date`."""

    date: CaseDate = Field(description="The day the rate is for")
    from_: CurrencyCode = Field(
        validation_alias="from",
        serialization_alias="from",
        description="The currency one unit of which costs `rate` units of `to`",
    )
    to: CurrencyCode = Field(description="The currency the rate is quoted in")
    rate: ExchangeRateValue = Field(
        description="Units of `to` for one unit of `from`; used inverted the other way round"
    )
