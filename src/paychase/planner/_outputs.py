"""The plan (SPEC §4): what to do next, when, through which channel, and why.

A `Plan` is the output of `plan()`: one next action per open chase, sorted by time then key,
plus the state of every invoice. It serialises to the same bytes for the same input, so a host
can diff plans, cache them, or use an action's `key` to make sure it is performed once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field, model_validator

from paychase._model import FrozenModel
from paychase._reason import ReasonPart, joined, text
from paychase.case._history import InvoiceStep
from paychase.case._money import Amount
from paychase.case._schema import JSON_SCHEMA_DIALECT
from paychase.money._amounts import Amounts, Charge
from paychase.policy._ladder import InvoiceStatus
from paychase.policy._policy import ActionKind, Channel, ContactRole, Effect, Tone

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
    due: date = Field(description="The instalment's due date")
    amount: Amount = Field(description="The instalment as scheduled")
    short: Amount = Field(description="What is still missing on it")
    currency: str = Field(description="ISO 4217 code of the plan's invoices")


class Action(FrozenModel):
    """One thing for the host to do, at a moment, with the reason it is due."""

    key: str = Field(description="Idempotency key: the same situation always gives the same key")
    kind: ActionKind = Field(
        description="What the host is asked to do: send_reminder, call, send_letter, apply_fee, "
        "pause_work, resume_work, suspend_service, restore_service, escalate, write_off (book "
        "the invoices as bad debt), cancel_service (cancel the contract's service for "
        "non-payment), request_deposit, request_milestone or review"
    )
    client: str = Field(description="The id of the client the action is about")
    invoices: tuple[str, ...] = Field(description="Every invoice the action covers")
    step: str | None = Field(
        default=None,
        description="The policy step, if the action comes from one; for a message covering "
        "invoices at different steps, the most advanced of them, whose tone it takes",
    )
    invoice_steps: tuple[InvoiceStep, ...] = Field(
        default=(),
        description="For a message covering invoices at different steps: the step of each "
        "invoice (each moves up its own ladder by it); empty when every invoice is at `step`",
    )
    tone: Tone | None = Field(
        default=None,
        description="How firm the message is (friendly, neutral, firm, final, legal); none on "
        "actions no step words, such as reviews and fee bookings",
    )
    channel: Channel = Field(
        description="How the action reaches the client; system for what the host does itself"
    )
    at: AwareDatetime = Field(description="When, with the client's local UTC offset")
    not_before: AwareDatetime | None = Field(
        default=None,
        description="The first moment it may be performed, when that is earlier on the same "
        "local day than `at` (the policy's preferred hour): a host that runs once a day before "
        "`at` performs it then, not a day late. None: not before `at`",
    )
    template: str | None = Field(default=None, description="Message template name")
    to: tuple[ContactRole, ...] | None = Field(
        default=None,
        description="The step's `to`: the roles of the client's contacts the message is "
        "addressed to; none: the billing contact, else the first",
    )
    cc: tuple[ContactRole, ...] | None = Field(
        default=None,
        description="The step's `cc`: the roles of the contacts who get a copy (e-mail Cc); "
        "none when the step copies no one",
    )
    amounts: Amounts | None = Field(
        default=None,
        description="What the action asks for, in one currency, as of its local date; none "
        "where no money is at stake",
    )
    deadline: date | None = Field(
        default=None, description="The payment deadline the message states"
    )
    effects: tuple[Effect, ...] = Field(
        default=(), description="Side effects the host must perform"
    )
    attach_invoice: bool = Field(
        default=False, description="Whether the message carries the invoice documents"
    )
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
    why: tuple[ReasonPart, ...] = Field(
        default=(),
        description="The reason as data, clause by clause: each a code and the values it "
        "names, so a renderer can tell it in the reader's language; their English, joined "
        "with '; ', is `reason`. A clause not yet coded is 'text' (its English words)",
    )

    @model_validator(mode="before")
    @classmethod
    def _reason_and_why(cls, data: Any) -> Any:
        """`why` from `reason` when the producer gave only the words; else the two agree.

        `reason` is always the parts' English: an action whose parts say something else is a
        bug in the planner, not in the host's data.
        """
        if not isinstance(data, dict):
            return data
        why, reason = data.get("why"), data.get("reason")
        if not why and isinstance(reason, str) and reason:
            return {**data, "why": (text(reason),)}
        if why and all(isinstance(p, ReasonPart) for p in why) and joined(why) != reason:
            raise ValueError(f"why says {joined(why)!r}, reason says {reason!r}")
        return data

    def due(self, now: datetime) -> bool:
        """Whether a run at `now` performs the action: from `not_before` on (else `at`) on.

        A run that performs what is due and nothing else acts on the same local day whether
        it runs every 15 minutes, every hour, or once a day inside the contact window.
        """
        return (self.not_before or self.at) <= now

    def step_for(self, invoice: str) -> str | None:
        """The step the action performs for `invoice` (its own, in a combined message)."""
        for own in self.invoice_steps:
            if own.invoice == invoice:
                return own.step
        return self.step


class InvoiceState(FrozenModel):
    """Where one invoice stands at the planning moment."""

    id: str = Field(description="The invoice's id")
    client: str = Field(description="The id of the client who owes it")
    state: InvoiceStatus = Field(
        description="draft, open (not yet due), due, overdue, paid, disputed, promised, "
        "in_plan, escalated, written_off or cancelled"
    )
    due: date = Field(description="The due date: the invoice's own, else issued + payment terms")
    days_overdue: int = Field(
        ge=0,
        description="Days from the due date to the client's local date at `now`; 0 when not "
        "yet overdue or settled",
    )
    step: str | None = Field(default=None, description="The last ladder step performed")
    balance: Amount = Field(
        description="Billed less paid by the client's local date, and less an early-payment "
        "discount the payments earned; disputed part included (not amounts.principal, which is "
        "after allocating the payments)"
    )
    currency: str = Field(description="ISO 4217 code of the invoice")
    next_review: date | None = Field(
        default=None, description="Local date of the next planned action"
    )
    why: str | None = Field(
        default=None,
        description="When no action of the plan covers the invoice, why not: e.g. 'paid: "
        "nothing to chase', or each remaining step skipped and the condition that failed; "
        "none when an action is planned",
    )
    suspended_since: date | None = Field(
        default=None,
        description="Local date since which the service under the invoice's contract is "
        "suspended, where that suspension covers the invoice: it names the invoice, or the "
        "invoice's own suspension step joined it rather than suspending the service again",
    )
    paused_since: date | None = Field(
        default=None,
        description="Local date since which work on the invoice's contract is paused, where "
        "that pause covers the invoice (as for suspended_since)",
    )


ChaseStatus = Literal["waiting", "answered", "ended", "closed"]
"""A chase waits for the client, was answered (they wrote), ended (its ladder ran out) or was
closed by the host."""


class ChaseState(FrozenModel):
    """Where one chase that is not about money stands at the planning moment."""

    id: str = Field(description="The chase's id")
    client: str = Field(description="The id of the client chased")
    kind: Literal["prospect", "project"] = Field(
        description="prospect or project, as the case's chase says"
    )
    state: ChaseStatus = Field(
        description="waiting (for the client), answered (they wrote or picked up), ended (its "
        "ladder ran out) or closed (by the host)"
    )
    step: str | None = Field(default=None, description="The last step performed")
    next_review: date | None = Field(
        default=None, description="Local date of the next planned action"
    )


class Plan(FrozenModel):
    """Every next action, every invoice's state and every chase's state at `now`."""

    now: AwareDatetime = Field(description="The planning moment, as given")
    policy: str = Field(description="The name of the case's default policy")
    actions: tuple[Action, ...] = Field(
        description="Each open chase's next action, due now or later, sorted by `at`, then `key`"
    )
    invoices: tuple[InvoiceState, ...] = Field(
        description="Where every invoice of the case stands, in the case's order"
    )
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
