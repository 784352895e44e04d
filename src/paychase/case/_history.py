"""The contact history: every contact with a client, either way, as it happened."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from paychase._model import FrozenModel
from paychase._text import Contact, Line, Text
from paychase.case._types import CaseDate, Identifier, Moment, PolicyVersion, PositiveAmount
from paychase.policy._policy import Channel

__all__ = ["ContactEvent", "Dispute", "InvoiceStep", "Promise", "Resolution"]


class Promise(FrozenModel):
    """A client's promise to pay by a date."""

    date: CaseDate = Field(
        description="The day the client promised to pay by; escalation waits until it plus grace"
    )
    amount: PositiveAmount | None = Field(default=None, description="Omitted: the whole balance")


class Dispute(FrozenModel):
    """A client contests an invoice, in whole or in part."""

    amount: PositiveAmount | None = Field(default=None, description="Omitted: the whole balance")
    reason: Line | None = Field(default=None, description="Why the client contests it, for people")


class InvoiceStep(FrozenModel):
    """The ladder step one invoice reached in a contact that covered several at their own steps.

    One message to a client covers every invoice due for a step at that moment, each at its
    own step: the message takes the most advanced step's tone, and each invoice moves up its
    own ladder by what its part of the message said.
    """

    invoice: Identifier = Field(description="The invoice's id, one of the event's `invoices`")
    step: Text = Field(description="The policy step this invoice reached")
    policy: PolicyVersion | None = Field(
        default=None,
        description="The policy version ('name@version') of that step; omitted: the event's",
    )


_INBOUND_ONLY = frozenset({"reply", "promise", "dispute", "payment_notice"})
_BOTH_WAYS = frozenset({"call", "dispute_resolved"})

Resolution = Literal["credited", "withdrawn", "rejected"]
"""How a dispute ended: a credit note lowered the invoice, the client withdrew it, or we
rejected it; either way dunning resumes on what is still owed."""


class ContactEvent(FrozenModel):
    """One contact with a client, either way, as it happened."""

    at: Moment = Field(
        description="When it happened (with a UTC offset); an event after the planning moment "
        "is ignored"
    )
    client: Text = Field(description="The id of the client, in `clients`")
    invoices: tuple[Text, ...] = Field(default=(), description="Empty: about the client as a whole")
    direction: Literal["out", "in"] = Field(
        description="out: from us to the client; in: from the client"
    )
    kind: Literal[
        "reminder",
        "call",
        "letter",
        "fee",
        "pause_work",
        "resume_work",
        "suspend",
        "restore",
        "escalate",
        "write_off",
        "cancel_service",
        "reply",
        "promise",
        "dispute",
        "payment_notice",
        "dispute_resolved",
    ] = Field(
        description="What happened: reminder, letter, fee, pause_work, resume_work, suspend, "
        "restore, escalate, write_off (the invoices written off as bad debt), cancel_service "
        "(the contract's service cancelled for non-payment) (ours); reply, promise, dispute, "
        "payment_notice (the client's); call, "
        "dispute_resolved (either way)"
    )
    step: Text | None = Field(default=None, description="The policy step this contact performed")
    invoice_steps: tuple[InvoiceStep, ...] = Field(
        default=(),
        description="When the contact covered invoices at different steps: the step each "
        "invoice reached (an invoice not named reached `step`); omitted: every invoice "
        "reached `step`",
    )
    channel: Channel | None = Field(
        default=None, description="The channel used; system for what the host did itself"
    )
    key: Text | None = Field(default=None, description="The action key that caused it")
    outcome: (
        Literal["delivered", "bounced", "failed", "answered", "no_answer", "voicemail", "read"]
        | None
    ) = Field(
        default=None,
        description="delivered, read, answered, voicemail (got through); bounced, failed (the "
        "channel is broken for the client); no_answer (a failed attempt); omitted: got through",
    )
    deadline: CaseDate | None = Field(
        default=None, description="The payment deadline the message stated"
    )
    to: Contact | None = Field(
        default=None, description="The address used; a new address undoes a bounce"
    )
    promise: Promise | None = Field(
        default=None, description="For kind=promise: the date (and amount) promised"
    )
    dispute: Dispute | None = Field(
        default=None, description="For kind=dispute: the amount contested (omitted: all) and why"
    )
    resolution: Resolution | None = Field(
        default=None, description="For kind=dispute_resolved: credited, withdrawn or rejected"
    )
    chase: Text | None = Field(
        default=None, description="The chase (not about an invoice) this contact belongs to"
    )
    policy: PolicyVersion | None = Field(
        default=None,
        description="The policy version ('name@version') whose step this contact performed",
    )
    note: Text | None = Field(default=None, description="Free text for people; planning ignores it")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind in _INBOUND_ONLY and self.direction != "in":
            raise ValueError(f"a {self.kind} comes from the client: direction must be 'in'")
        if self.kind not in _INBOUND_ONLY | _BOTH_WAYS and self.direction != "out":
            raise ValueError(f"a {self.kind} is ours: direction must be 'out'")
        if self.kind == "promise" and self.promise is None:
            raise ValueError("a promise needs 'promise': {'date': ..., 'amount': ...}")
        if (self.kind == "dispute_resolved") != (self.resolution is not None):
            raise ValueError(
                "a dispute_resolved event, and only one, needs 'resolution' "
                "(credited, withdrawn or rejected)"
            )
        if self.chase is not None and self.invoices:
            raise ValueError("a contact about a chase names no invoices")
        stray = [s.invoice for s in self.invoice_steps if s.invoice not in self.invoices]
        if stray:
            raise ValueError(f"invoice_steps names {stray[0]}, which is not in `invoices`")
        return self

    def step_for(self, invoice: str | None) -> str | None:
        """The step this contact performed for `invoice` (None: for the whole contact)."""
        own = self._own(invoice)
        return self.step if own is None else own.step

    def policy_for(self, invoice: str | None) -> str | None:
        """The policy version whose step this contact performed for `invoice`."""
        own = self._own(invoice)
        return self.policy if own is None or own.policy is None else own.policy

    def _own(self, invoice: str | None) -> InvoiceStep | None:
        return next((own for own in self.invoice_steps if own.invoice == invoice), None)
