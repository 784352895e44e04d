"""What an action asks for: the amounts in one currency, and each charge with its computation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from paychase._model import FrozenModel
from paychase.case._money import Amount

__all__ = ["Amounts", "Charge", "ChargeKind", "ChargeLine", "RatePer"]


class Amounts(FrozenModel):
    """What an action is about, in one currency: ``total`` is what the client is asked to pay."""

    invoiced: Amount = Field(description="What was billed")
    paid: Amount = Field(description="What has been paid so far")
    principal: Amount = Field(description="Unpaid principal, less any disputed part")
    late_fee: Amount = Field(description="Contractual late fees as of the action's local date")
    interest: Amount = Field(description="Statutory interest as of the action's local date")
    compensation: Amount = Field(description="Fixed recovery-cost compensation")
    total: Amount = Field(description="principal + late_fee + interest + compensation")
    currency: str = Field(description="ISO 4217 code of every amount here")
    discount: Amount | None = Field(
        default=None, description="Early-payment discount on offer at the action's date, if any"
    )
    discounted_total: Amount | None = Field(default=None, description="total - discount")
    discount_until: date | None = Field(default=None, description="Last day the discount holds")


RatePer = Literal["year", "month", "day"]
"""The period a running rate is stated for: statutory interest a year, contractual fees a month
or a day."""

ChargeKind = Literal["late_fee", "interest", "compensation", "kill_fee"]
"""What a charge is: a contractual fee, statutory interest, fixed compensation or a kill fee."""


class ChargeLine(FrozenModel):
    """One line of a computation: a stretch of days at one rate on one base, or a one-off sum."""

    from_: date = Field(
        validation_alias="from", serialization_alias="from", description="First day (inclusive)"
    )
    to: date = Field(description="Last day (inclusive)")
    days: int = Field(description="Days counted (0 for a one-off sum)")
    base: Amount = Field(description="The amount the line is computed on")
    rate: Amount | None = Field(
        default=None, description="Rate in percent (per year, month or day: see `per`)"
    )
    per: RatePer | None = Field(
        default=None,
        description="The period `rate` is stated for: year (statutory interest), month or day "
        "(a running contractual fee); none for a one-off sum or percentage",
    )
    amount: Amount = Field(description="The line's amount, before rounding")
    source: str | None = Field(default=None, description="Where the rate comes from")
    settled_on: date | None = Field(
        default=None,
        description="The date of the payment that paid this line off (payments pay interest "
        "first where the law says so); the charge's `amount` no longer includes it",
    )


class Charge(FrozenModel):
    """A fee, interest or compensation with the computation behind it, fit to show a court."""

    invoice: str = Field(description="The id of the invoice charged")
    kind: ChargeKind = Field(
        description="late_fee (contractual), interest (statutory), compensation (fixed "
        "recovery costs) or kill_fee"
    )
    amount: Amount = Field(
        description="Charged as of `as_of` and not paid, rounded to the minor unit"
    )
    paid: Amount = Field(
        default=Decimal(0),
        description="What the payments have already paid of it (allocated to it before the "
        "principal); `amount` is the rest",
    )
    currency: str = Field(description="ISO 4217 code of the amounts")
    as_of: date = Field(description="The local date the amount is computed for")
    rule: str = Field(description="The clause or statute, the regime and its rate source")
    lines: tuple[ChargeLine, ...] = Field(
        default=(), description="The computation, line by line: a stretch of days or a one-off sum"
    )
