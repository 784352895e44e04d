"""Contracts: the terms behind a client's invoices (payment terms, fees, deposits, suspension)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from paychase._model import FrozenModel
from paychase._text import MAX_NAME, HeaderLine, Text
from paychase.calendar._durations import Duration
from paychase.case._holds import Hold
from paychase.case._money import CurrencyCode
from paychase.case._types import (
    CaseDate,
    CountryCode,
    DiscountPercent,
    ForwardDuration,
    Identifier,
    NonNegativeAmount,
    NonNegativePercent,
    Percent,
    PositiveAmount,
    _policy_by_name,
)
from paychase.policy._builtin import BuiltinName
from paychase.policy._policy import Policy

__all__ = [
    "AllocationPart",
    "Contract",
    "Deposit",
    "EarlyPaymentDiscount",
    "KillFee",
    "LateFee",
    "Materials",
    "Milestone",
    "Suspension",
    "contract_value",
]


class LateFee(FrozenModel):
    """The contract's late-fee clause; without one no fee may be charged (SPEC §5 rule 6)."""

    kind: Literal["none", "flat", "percent", "percent_per_month", "daily_rate", "statutory"] = (
        Field(
            default="none",
            description="none (no fee may be charged), flat, percent, percent_per_month, "
            "daily_rate, or statutory (interest at the rate of the law, where the law grants it)",
        )
    )
    amount: NonNegativeAmount | None = Field(
        default=None, description="Flat fee in contract currency"
    )
    rate: NonNegativePercent | None = Field(
        default=None, description="Percent (once, per month or per day), at most 1000"
    )
    cap: NonNegativeAmount | None = Field(default=None, description="Maximum fee, as an amount")
    cap_rate: NonNegativePercent | None = Field(
        default=None, description="Maximum fee, % of principal (at most 1000)"
    )
    per: Literal["invoice", "step"] = Field(
        default="invoice",
        description="A flat fee once per invoice, or at each step that applies one",
    )
    compound: bool = Field(
        default=False, description="Monthly percentage compounds (only if agreed)"
    )

    @model_validator(mode="after")
    def _has_its_parameters(self) -> Self:
        if self.kind == "flat" and self.amount is None:
            raise ValueError("a flat late fee needs an 'amount'")
        if self.kind in ("percent", "percent_per_month", "daily_rate") and self.rate is None:
            raise ValueError(f"a {self.kind} late fee needs a 'rate'")
        return self


class EarlyPaymentDiscount(FrozenModel):
    """A discount for paying early, e.g. 2 % within 7 days of the invoice date."""

    rate: DiscountPercent = Field(description="Percent off the unpaid balance, at most 100")
    within: ForwardDuration = Field(description="Counted from the invoice date")


class _RateOrAmount(FrozenModel):
    """A sum given either as a percentage of something or as an amount, never both."""

    what: ClassVar[str]
    """How an error about this clause names it."""
    rate: Percent | None = Field(default=None, description="A percentage, at most 1000")
    amount: PositiveAmount | None = Field(
        default=None, description="A fixed sum, in the contract currency"
    )

    @model_validator(mode="after")
    def _rate_or_amount(self) -> Self:
        if (self.rate is None) == (self.amount is None):
            raise ValueError(f"a {self.what} needs exactly one of 'rate' and 'amount'")
        return self


class Deposit(FrozenModel):
    """Money asked for before work starts.

    Give a `rate` (percent of the contract value) or an `amount`; with neither, paychase asks a
    first-time client for 50 % and a returning one (an earlier invoice paid in full) for 25 %.
    """

    rate: Percent | None = Field(
        default=None, description="Percent of the contract value, at most 1000"
    )
    amount: PositiveAmount | None = Field(default=None, description="A fixed deposit")
    due_before_start: bool = Field(
        default=True,
        description="Asked for before work starts; false: no deposit is asked for",
    )
    refundable: bool | None = Field(
        default=None,
        description="Whether the deposit is refundable, as agreed: true, an advance (zaliczka, "
        "аванс, προκαταβολή) returned if the work does not go ahead; false, earnest money "
        "(zadatek, задаток, αρραβώνας) the client forfeits on withdrawal; none, not agreed, "
        "and the texts use the neutral word. Planning does not use it",
    )

    @model_validator(mode="after")
    def _not_both(self) -> Self:
        if self.rate is not None and self.amount is not None:
            raise ValueError("a deposit takes 'rate' or 'amount', not both")
        return self


class Materials(_RateOrAmount):
    """A prepayment for materials, due before work starts (tradespeople buy them up front)."""

    what = "materials prepayment"
    """How an error about this clause names it."""
    rate: Percent | None = Field(
        default=None, description="Percent of the contract value, at most 1000"
    )
    amount: PositiveAmount | None = Field(
        default=None, description="The prepayment as a fixed sum, in the contract currency"
    )


class Milestone(FrozenModel):
    """A stage payment of a larger job."""

    id: Identifier = Field(
        description="The milestone's id, unique in its contract: letters, digits and _ . : - "
        "(no '/' or '+'); a milestone invoice names it"
    )
    name: HeaderLine = Field(
        description=f"The stage's name, as messages (and their subjects) name it: one line of at "
        f"most {MAX_NAME} characters, without an RFC 2047 encoded word ('=?...?=')"
    )
    amount: PositiveAmount = Field(description="The stage payment, in the contract currency")
    due: CaseDate = Field(
        description="When the stage payment falls due; requested from then if no invoice bills it"
    )


class KillFee(_RateOrAmount):
    """What a client owes when work stops because they went silent."""

    what = "kill fee"
    """How an error about this clause names it."""
    after_silence: ForwardDuration = Field(
        description="How long the client is silent (since work started or they last wrote) "
        "before the work pauses and the fee is billed"
    )
    rate: Percent | None = Field(
        default=None, description="Percent of the remaining value, at most 1000"
    )
    amount: PositiveAmount | None = Field(
        default=None, description="The kill fee as a fixed sum, in the contract currency"
    )


class Suspension(FrozenModel):
    """When a service may be suspended for non-payment (SPEC §5 rule 10)."""

    after: ForwardDuration = Field(description="Never earlier than this past the due date")
    warnings: int = Field(ge=1, description="Warnings sent first; the last one states a deadline")


AllocationPart = Literal["costs", "interest", "principal"]
_ALLOCATION_PARTS: tuple[AllocationPart, ...] = ("costs", "interest", "principal")


class Contract(FrozenModel):
    """The terms behind a client's invoices."""

    id: Identifier = Field(
        description="The contract's id, unique among the contracts: letters, digits and "
        "_ . : - (no '/' or '+')"
    )
    client: Text = Field(description="The id of a client in `clients`")
    currency: CurrencyCode = Field(
        description="ISO 4217 currency of the contract; its invoices must use it"
    )
    payment_terms: ForwardDuration | None = Field(
        default=None,
        description="Due date = issue date + terms, where an invoice gives no due date",
    )
    grace: ForwardDuration = Field(
        default=Duration(0, "d"), description="No escalation or contractual fee inside it"
    )
    late_fee: LateFee = Field(
        default_factory=LateFee, description="The late-fee clause; default: none, so no fee"
    )
    fixed_compensation: bool = Field(
        default=False,
        description="Statutory recovery-cost compensation (B2B, where the law grants it)",
    )
    early_payment_discount: EarlyPaymentDiscount | None = Field(
        default=None, description="A discount for paying early, e.g. 2 % within 7 days"
    )
    deposit: Deposit | None = Field(default=None, description="Money asked for before work starts")
    milestones: tuple[Milestone, ...] = Field(
        default=(), description="Stage payments of a larger job; ids unique"
    )
    kill_fee: KillFee | None = Field(
        default=None, description="What the client owes when work stops after their silence"
    )
    suspension: Suspension | None = Field(
        default=None,
        description="When the service may be suspended for non-payment; without it, never",
    )
    materials: Materials | None = Field(
        default=None, description="A materials prepayment, asked for before work starts"
    )
    value: PositiveAmount | None = Field(
        default=None,
        description="The whole contract's value; deposits and kill fees are a share of it",
    )
    number: HeaderLine | None = Field(
        default=None,
        description="The contract's own number, as the parties wrote it (Umowa nr 12/2026); "
        "letters that must name the contract quote it",
    )
    signed: CaseDate | None = Field(
        default=None, description="The day the contract was concluded, quoted with its number"
    )
    work_started: CaseDate | None = Field(
        default=None, description="When work started (or will start, if later than now)"
    )
    work_finished: CaseDate | None = Field(default=None, description="When the work was delivered")
    jurisdiction: CountryCode | None = Field(
        default=None, description="Defaults to the client's country"
    )
    interest_regime: str | None = Field(
        default=None,
        pattern=r"^[A-Z][A-Z0-9_]*$",
        description="Statutory interest regime (PL_B2B, DE_CONSUMER, UK… or one of a host's "
        "rate table); default: from the jurisdiction and the client's kind",
    )
    allocation: tuple[AllocationPart, ...] | None = Field(
        default=None,
        description="Order in which payments pay costs, interest and principal; default: "
        "costs, interest, principal (principal first where the regime says so, e.g. RU)",
    )
    tolerance: NonNegativeAmount | None = Field(
        default=None,
        description="An invoice owing less than this (principal plus charges) is not chased, "
        "and a paid invoice's remainder below it gets no review",
    )
    policy: Annotated[
        Policy | None,
        BeforeValidator(_policy_by_name, json_schema_input_type=Policy | BuiltinName | None),
    ] = Field(
        default=None,
        description="The ladder for the contract's invoices (a built-in name or an inline "
        "policy; an invoice's own `policy` beats it); omitted: the client's, else the case's",
    )
    hold: Hold | None = Field(
        default=None,
        description="Nothing is sent about the contract's invoices and work while this holds "
        "(reviews still are)",
    )
    waive_charges_when_paid: bool = Field(
        default=False,
        description="Once payments reach the invoiced amount, the fees and interest left are "
        "waived instead of put to a person for review",
    )

    @model_validator(mode="after")
    def _allocation_is_an_order(self) -> Self:
        if self.allocation is not None and sorted(self.allocation) != sorted(_ALLOCATION_PARTS):
            raise ValueError("allocation must list costs, interest and principal once each")
        started, finished = self.work_started, self.work_finished
        if started is not None and finished is not None and finished < started:
            raise ValueError("work_finished is before work_started")
        return self


def contract_value(contract: Contract) -> Decimal | None:
    """The contract's whole value: as stated, else the sum of its milestones, else unknown."""
    if contract.value is not None:
        return contract.value
    if contract.milestones:
        return sum((m.amount for m in contract.milestones), Decimal(0))
    return None
