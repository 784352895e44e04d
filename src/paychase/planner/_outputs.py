"""The plan (SPEC §4): what to do next, when, through which channel, and why.

A `Plan` is the output of `plan()`: one next action per open chase, sorted by time then key,
plus the state of every invoice. It serialises to the same bytes for the same input, so a host
can diff plans, cache them, or use an action's `key` to make sure it is performed once.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from paychase._model import FrozenModel
from paychase.case._money import Amount
from paychase.case._schema import JSON_SCHEMA_DIALECT
from paychase.money._amounts import Amounts, Charge
from paychase.policy._ladder import InvoiceStatus
from paychase.policy._policy import ActionKind, Channel, Effect, Tone

__all__ = [
    "Action",
    "ChaseState",
    "ChaseStatus",
    "InstalmentDue",
    "InvoiceState",
    "Plan",
    "plan_schema",
]


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
    step: str | None = Field(
        default=None, description="The policy step, if the action comes from one"
    )
    tone: Tone | None = None
    channel: Channel
    at: AwareDatetime = Field(description="When, with the client's local UTC offset")
    template: str | None = Field(default=None, description="Message template name")
    amounts: Amounts | None = None
    deadline: date | None = Field(
        default=None, description="The payment deadline the message states"
    )
    effects: tuple[Effect, ...] = Field(
        default=(), description="Side effects the host must perform"
    )
    attach_invoice: bool = False
    charges: tuple[Charge, ...] = Field(
        default=(), description="apply_fee and pause_work: each charge with its computation"
    )
    chase: str | None = Field(
        default=None, description="The chase (not about money) the action is for"
    )
    instalment: InstalmentDue | None = Field(
        default=None, description="For an instalment reminder: the instalment it is about"
    )
    policy: str | None = Field(
        default=None, description="The policy version ('name@version') of the ladder step"
    )
    reason: str = Field(min_length=1, description="Why, naming the rule and dates behind it")


class InvoiceState(FrozenModel):
    """Where one invoice stands at the planning moment."""

    id: str
    client: str
    state: InvoiceStatus
    due: date
    days_overdue: int = Field(ge=0)
    step: str | None = Field(default=None, description="The last ladder step performed")
    balance: Amount = Field(description="Unpaid principal, disputed part included")
    currency: str
    next_review: date | None = Field(
        default=None, description="Local date of the next planned action"
    )


ChaseStatus = Literal["waiting", "answered", "ended", "closed"]
"""A chase waits for the client, was answered (they wrote), ended (its ladder ran out) or was
closed by the host."""


class ChaseState(FrozenModel):
    """Where one chase that is not about money stands at the planning moment."""

    id: str
    client: str
    kind: Literal["prospect", "project"]
    state: ChaseStatus
    step: str | None = Field(default=None, description="The last step performed")
    next_review: date | None = Field(
        default=None, description="Local date of the next planned action"
    )


class Plan(FrozenModel):
    """Every next action, every invoice's state and every chase's state at `now`."""

    now: AwareDatetime
    policy: str
    actions: tuple[Action, ...]
    invoices: tuple[InvoiceState, ...]
    chases: tuple[ChaseState, ...] | None = Field(
        default=None, description="Chases that are not about money, when the case has any"
    )

    def to_json(self, *, indent: int | None = 2) -> str:
        """The plan as SPEC §4 JSON; the same plan always gives the same text."""
        return self.model_dump_json(indent=indent, exclude_none=True, exclude_defaults=False)


def plan_schema() -> dict[str, Any]:
    """JSON Schema of the plan `plan()` returns (SPEC §4), as serialised.

    Examples:
        >>> plan_schema()["title"]
        'Plan'
    """
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **Plan.model_json_schema(mode="serialization", by_alias=True),
    }
