"""The plan (SPEC §4): what to do next, when, through which channel, and why.

A `Plan` is the output of `plan()`: one next action per open chase, sorted by time then key,
plus the state of every invoice. It serialises to the same bytes for the same input, so a host
can diff plans, cache them, or use an action's `key` to make sure it is performed once.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from paychase._model import FrozenModel
from paychase._money import Amount
from paychase._policy import ActionKind, Channel, Effect, Tone

__all__ = [
    "Action",
    "Amounts",
    "Charge",
    "ChargeKind",
    "ChargeLine",
    "ChaseState",
    "ChaseStatus",
    "InstalmentDue",
    "InvoiceState",
    "InvoiceStatus",
    "Plan",
]

InvoiceStatus = Literal[
    "draft",
    "open",
    "due",
    "overdue",
    "paid",
    "disputed",
    "promised",
    "in_plan",
    "escalated",
    "written_off",
    "cancelled",
]


class Amounts(FrozenModel):
    """What an action is about, in one currency: ``total`` is what the client is asked to pay."""

    invoiced: Amount = Field(description="What was billed")
    paid: Amount = Field(description="What has been paid so far")
    principal: Amount = Field(description="Unpaid principal, less any disputed part")
    late_fee: Amount = Field(description="Contractual late fees as of the action's local date")
    interest: Amount = Field(description="Statutory interest as of the action's local date")
    compensation: Amount = Field(description="Fixed recovery-cost compensation")
    total: Amount = Field(description="principal + late_fee + interest + compensation")
    currency: str
    discount: Amount | None = Field(
        None, description="Early-payment discount on offer at the action's date, if any"
    )
    discounted_total: Amount | None = Field(None, description="total - discount")
    discount_until: date | None = Field(None, description="Last day the discount holds")


ChargeKind = Literal["late_fee", "interest", "compensation", "kill_fee"]
"""What a charge is: a contractual fee, statutory interest, fixed compensation or a kill fee."""


class ChargeLine(FrozenModel):
    """One line of a computation: a stretch of days at one rate on one base, or a one-off sum."""

    from_: date = Field(alias="from", description="First day (inclusive)")
    to: date = Field(description="Last day (inclusive)")
    days: int = Field(description="Days counted (0 for a one-off sum)")
    base: Amount = Field(description="The amount the line is computed on")
    rate: Amount | None = Field(None, description="Rate in percent (per year, month or day)")
    amount: Amount = Field(description="The line's amount, before rounding")
    source: str | None = Field(None, description="Where the rate comes from")


class Charge(FrozenModel):
    """A fee, interest or compensation with the computation behind it, fit to show a court."""

    invoice: str
    kind: ChargeKind
    amount: Amount = Field(description="Charged as of `as_of`, rounded to the minor unit")
    currency: str
    as_of: date = Field(description="The local date the amount is computed for")
    rule: str = Field(description="The clause or statute, the regime and its rate source")
    lines: tuple[ChargeLine, ...] = ()


class InstalmentDue(FrozenModel):
    """The instalment an instalment reminder is about."""

    plan: str = Field(description="The instalment plan's id")
    number: int = Field(ge=1, description="Which instalment, counted from 1")
    of: int = Field(ge=1, description="How many instalments the plan has")
    due: date
    amount: Amount = Field(description="The instalment as scheduled")
    short: Amount = Field(description="What is still missing on it")
    currency: str


class Action(FrozenModel):
    """One thing for the host to do, at a moment, with the reason it is due."""

    key: str = Field(description="Idempotency key: the same situation always gives the same key")
    kind: ActionKind
    client: str
    invoices: tuple[str, ...] = Field(description="Every invoice the action covers")
    step: str | None = Field(None, description="The policy step, if the action comes from one")
    tone: Tone | None = None
    channel: Channel
    at: AwareDatetime = Field(description="When, with the client's local UTC offset")
    template: str | None = Field(None, description="Message template name")
    amounts: Amounts | None = None
    deadline: date | None = Field(None, description="The payment deadline the message states")
    effects: tuple[Effect, ...] = Field((), description="Side effects the host must perform")
    attach_invoice: bool = False
    charges: tuple[Charge, ...] = Field(
        (), description="apply_fee and pause_work: each charge with its computation"
    )
    chase: str | None = Field(None, description="The chase (not about money) the action is for")
    instalment: InstalmentDue | None = Field(
        None, description="For an instalment reminder: the instalment it is about"
    )
    policy: str | None = Field(
        None, description="The policy version ('name@version') of the ladder step"
    )
    reason: str = Field(min_length=1, description="Why, naming the rule and dates behind it")


class InvoiceState(FrozenModel):
    """Where one invoice stands at the planning moment."""

    id: str
    client: str
    state: InvoiceStatus
    due: date
    days_overdue: int = Field(ge=0)
    step: str | None = Field(None, description="The last ladder step performed")
    balance: Amount = Field(description="Unpaid principal, disputed part included")
    currency: str
    next_review: date | None = Field(None, description="Local date of the next planned action")


ChaseStatus = Literal["waiting", "answered", "ended", "closed"]
"""A chase waits for the client, was answered (they wrote), ended (its ladder ran out) or was
closed by the host."""


class ChaseState(FrozenModel):
    """Where one chase that is not about money stands at the planning moment."""

    id: str
    client: str
    kind: Literal["prospect", "project"]
    state: ChaseStatus
    step: str | None = Field(None, description="The last step performed")
    next_review: date | None = Field(None, description="Local date of the next planned action")


class Plan(FrozenModel):
    """Every next action, every invoice's state and every chase's state at `now`."""

    now: AwareDatetime
    policy: str
    actions: tuple[Action, ...]
    invoices: tuple[InvoiceState, ...]
    chases: tuple[ChaseState, ...] | None = Field(
        None, description="Chases that are not about money, when the case has any"
    )

    def to_json(self, *, indent: int | None = 2) -> str:
        """The plan as SPEC §4 JSON; the same plan always gives the same text."""
        return self.model_dump_json(indent=indent, exclude_none=True, exclude_defaults=False)
