"""Policies (SPEC §3): an ordered ladder of steps plus the limits every contact obeys.

A policy is data: a host may pass its own inline, or name a built-in one (see `_builtin`).
A policy is checked when it is built, so a ladder that cannot work (a first step that waits for
a previous one, steps listed out of their order in time, a pre-due reminder after a post-due
one, a suspension or a cancellation with no warning, an escalation or a write-off with no final
notice before it, a step after a write-off, a send time inside quiet hours) is refused with a
`PolicyError` instead of quietly doing nothing.

Most ladders chase money owed (purpose ``payment``). The ``prospect`` and ``project`` ladders
chase an answer instead, from a prospect who went silent after our proposal or a client who
went silent in the middle of a project: they have no due date and charge nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import time
from functools import cached_property
from math import inf
from typing import Annotated, ClassVar, Final, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from paychase._model import FrozenModel, InputModel
from paychase._text import Text
from paychase.calendar._durations import Duration
from paychase.errors import PaychaseError, PolicyError
from paychase.policy._repeat import Repeat
from paychase.policy._step_fee import StepFee

__all__ = [
    "ActionKind",
    "CatchUp",
    "Channel",
    "ContactRole",
    "Effect",
    "Policy",
    "Purpose",
    "Step",
    "Tone",
]

Channel = Literal[
    "email",
    "sms",
    "phone",
    "messenger",
    "linkedin",
    "fax",
    "letter",
    "registered_letter",
    "system",
]
"""How an action reaches the client; ``system`` is what the host does itself."""

ActionKind = Literal[
    "send_reminder",
    "call",
    "send_letter",
    "apply_fee",
    "pause_work",
    "resume_work",
    "suspend_service",
    "restore_service",
    "escalate",
    "write_off",
    "cancel_service",
    "request_deposit",
    "request_milestone",
    "review",
]
"""What a planned action asks the host to do."""

StepAction = Literal[
    "send_reminder",
    "call",
    "send_letter",
    "apply_fee",
    "pause_work",
    "suspend_service",
    "escalate",
    "write_off",
    "cancel_service",
]
Anchor = Literal["issued", "due", "end_of_month", "previous", "last_contact", "deadline"]
Tone = Literal["friendly", "neutral", "firm", "final", "legal"]
ContactRole = Literal["billing", "accounts", "manager", "owner", "other"]
"""What a client's contact person does for them; a step addresses its message by role."""
Effect = Literal[
    "apply_late_fee", "add_compensation", "pause_work", "suspend_service", "resend_invoice"
]
Purpose = Literal["payment", "prospect", "project"]
"""What a ladder chases: money owed, a silent prospect, or a silent client mid-project."""
CatchUp = Literal["sequential", "latest", "latest_before_contact"]
"""What the ladder does when several steps' times have passed (`Policy.catch_up`)."""

_REQUIREMENT = re.compile(
    r"^(no_reply|no_promise|late_fee_allowed|business_client"
    r"|(client_)?balance_over:\d+(\.\d+)?)$"
)

_CONTACTS: Final = ("send_reminder", "call", "send_letter")
_STERN: Final = ("firm", "final", "legal")
# Actions and effects that move money or press for it: a chase for an answer has none to press.
_MONEY_ONLY: Final = frozenset(
    {
        "apply_fee",
        "suspend_service",
        "escalate",
        "write_off",
        "cancel_service",
        "apply_late_fee",
        "add_compensation",
    }
)
# What may follow a step that cancels the service: the claim is pursued or given up, no more.
_AFTER_CANCELLING: Final = ("escalate", "write_off")
# The anchors counted from the due date: a chase for an answer has none.
_FROM_DUE: Final = ("due", "end_of_month")
_HOURS_IN: Final[dict[str, int]] = {"h": 1, "d": 24, "bd": 24, "w": 7 * 24}


def _requirement(value: str) -> str:
    if not _REQUIREMENT.match(value):
        raise ValueError(
            "unknown condition: use no_reply, no_promise, late_fee_allowed, business_client, "
            "balance_over:AMOUNT or client_balance_over:AMOUNT"
        )
    return value


def _not_negative(value: Duration) -> Duration:
    if value.is_negative:
        raise ValueError("must not be negative")
    return value


ForwardDuration = Annotated[Duration, AfterValidator(_not_negative)]


class Step(FrozenModel):
    """One rung of the ladder: when it comes, what it does, through which channels."""

    error_class: ClassVar[type[PaychaseError]] = PolicyError

    id: str = Field(
        pattern=r"^[A-Za-z0-9_.-]+$",
        max_length=64,
        description="The step's id, unique in the ladder: what a history event's `step` names, "
        "and part of action keys and template names",
    )
    from_: Anchor = Field(
        validation_alias="from",
        serialization_alias="from",
        description="What the offset counts from: issued, due (plus grace after the due date), "
        "end_of_month (the last day of the calendar month the invoice falls due in, grace "
        "or not: a month-end statement run), previous (when the previous step was performed), "
        "last_contact, deadline (the payment deadline stated by an earlier step)",
    )
    offset: Duration = Field(default=Duration(0, "d"), description="e.g. -3d, +7d, 5bd, +1w@TU")
    action: StepAction = Field(
        description="What the step does: send_reminder, call, send_letter, apply_fee, "
        "pause_work, suspend_service, escalate, write_off (the host writes the invoice off as "
        "bad debt: the last step, after a final notice whose deadline has passed) or "
        "cancel_service (the host cancels the contract's service for non-payment, for good: "
        "it needs the contract's suspension clause and the warnings a suspension needs, and "
        "only escalate or write_off may follow it)"
    )
    channels: tuple[Channel, ...] = Field(
        default=(),
        description="Tried in order; empty: the client's preferred channel, then the rest; "
        "only 'system': a message step recorded by the host, not sent",
    )
    tone: Tone = Field(
        default="friendly",
        description="How firm its message is: friendly, neutral, firm, final or legal",
    )
    requires: tuple[Annotated[str, AfterValidator(_requirement)], ...] = Field(
        default=(),
        description="Conditions; a step whose condition fails is skipped: no_reply, no_promise, "
        "late_fee_allowed, business_client, balance_over:AMOUNT (the invoice's chased balance "
        "is more than AMOUNT), client_balance_over:AMOUNT (everything the client owes past its "
        "due date in the invoice's currency is more than AMOUNT, each currency on its own)",
    )
    effects: tuple[Effect, ...] = Field(
        default=(), description="Side effects the host must perform"
    )
    deadline: ForwardDuration | None = Field(
        default=None, description="A payment deadline the message states, counted from its sending"
    )
    attach_invoice: bool = Field(
        default=False, description="Whether the step's message carries the invoice documents"
    )
    template: Text | None = Field(default=None, description="Defaults to '<policy>/<step id>'")
    late_fee: StepFee | None = Field(
        default=None,
        description="The fee this step books instead of what the contract's late-fee clause "
        "would book at it: {kind: flat, amount} or {kind: percent, rate}. Booked once, by the "
        "step's apply_late_fee effect (or an apply_fee step), within the clause's cap, and "
        "only where the contract's late_fee is a contractual fee: a contract with late_fee "
        "'none' or 'statutory' books no step fee",
    )
    repeat: Repeat | None = Field(
        default=None,
        description="Send the step again every `every`, `times` sendings in all, while the "
        "invoice is unpaid and the step's `requires` hold; the ladder moves on after the last. "
        "A repetition carries the message only: the step's fees, compensation and sanctions "
        "happen once. Only for a contact step after the due date that states no deadline",
    )
    to: tuple[ContactRole, ...] | None = Field(
        default=None,
        min_length=1,
        description="The client's contacts the message is addressed to, by role (billing, "
        "accounts, manager, owner, other); none, or no contact with such a role: the billing "
        "contact, else the first",
    )
    cc: tuple[ContactRole, ...] = Field(
        default=(),
        description="Contacts, by role, who get a copy of an e-mail (Cc), e.g. the account "
        "manager of a suspension notice; a contact already in To is not copied",
    )
    required: bool = Field(
        default=False,
        description="Never passed over when the ladder catches up (catch_up latest or "
        "latest_before_contact): the step is performed even when a later step's time has "
        "come too. The steps the ladder cannot "
        "do without are never passed over, whatever this says: the final notice (the last "
        "step stating a deadline before an escalation or a write-off, a legal-tone step or a "
        "step counted from 'deadline') and the warnings (every contact step before a step "
        "that suspends or cancels the service or pauses work, back to the sanction before it)",
    )

    @property
    def recorded_only(self) -> bool:
        """Whether the step is a message recorded, not sent: its only channel is ``system``.

        The host notes it itself (a prospect's file closed after the last check-in went
        unanswered); nothing reaches the client.
        """
        return self.action in _CONTACTS and self.channels == ("system",)

    @property
    def is_contact(self) -> bool:
        """Whether the step reaches out to the client (and so counts against min_gap)."""
        return self.action in _CONTACTS and not self.recorded_only

    @property
    def suspends(self) -> bool:
        """Whether the step suspends the client's service, as its action or as an effect."""
        return self.action == "suspend_service" or "suspend_service" in self.effects

    @property
    def pauses(self) -> bool:
        """Whether the step pauses the work, as its action or as an effect."""
        return self.action == "pause_work" or "pause_work" in self.effects

    @property
    def cancels(self) -> bool:
        """Whether the step cancels the client's service for good (a termination, not a pause)."""
        return self.action == "cancel_service"

    @property
    def is_sanction(self) -> bool:
        """Whether the step suspends or cancels the service or pauses work (rule 10)."""
        return self.suspends or self.pauses or self.cancels

    @property
    def is_final_notice(self) -> bool:
        """Whether the step tells the client by when to pay: a contact stating a deadline."""
        return self.is_contact and self.deadline is not None

    @property
    def rests_on_a_deadline(self) -> bool:
        """Whether the step rests on a deadline stated before it.

        It escalates or writes the invoice off, is in the legal tone, suspends or cancels the
        service, pauses work or counts from 'deadline'.
        """
        return (
            self.action in ("escalate", "write_off")
            or self.tone == "legal"
            or self.is_sanction
            or self.from_ == "deadline"
        )


def _hour(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("a local wall-clock time, without an offset (e.g. '10:00')")
    return value


LocalTime = Annotated[time, AfterValidator(_hour)]


# -- the checks on a ladder, one step at a time -----------------------------------------------
#
# Each check sees a step, its path in the policy ('steps[3]') and the steps before it, and
# raises a PolicyError naming the field at fault.

StepCheck = Callable[[Step, str, Sequence[Step]], None]


def _span(offset: Duration) -> tuple[float, float]:
    """The earliest and the latest an offset can land from its anchor, in hours.

    Days, weeks and hours are exact. ``N`` business days are at least ``N`` calendar days
    and at most anything (a long run of holidays), so only one side is known. A weekday
    (``@TU``) moves the day to that weekday of its ISO week: from six days back (a Sunday
    moved to Monday) to six days on (a Monday moved to Sunday), exactly ``weekday - 6`` to
    ``weekday`` days (see `Duration.shift_date`).
    """
    nominal = offset.count * _HOURS_IN[offset.unit]
    if offset.unit == "bd" and offset.count != 0:
        return (nominal, inf) if offset.count > 0 else (-inf, nominal)
    if offset.weekday is None:
        return nominal, nominal
    return nominal + 24 * (offset.weekday - 6), nominal + 24 * offset.weekday


def _named(step: Step) -> str:
    """How a message names a step and its timing: ``'firm' (previous +7d)``."""
    return f"'{step.id}' ({step.from_} {step.offset:+})"


def _certainly_after_due(step: Step) -> bool:
    """Whether the step lands on a day after the due date whatever the calendar.

    The end of the month is never before the due date, so a day past it is past the due date.
    """
    return step.from_ in _FROM_DUE and _span(step.offset)[0] >= 24


def _expires_at_due(step: Step) -> bool:
    """Whether the step is meant for the due date or before: it expires then (SPEC §4)."""
    return step.from_ == "due" and _span(step.offset)[1] <= 0


def _check_id(step: Step, path: str, earlier: Sequence[Step]) -> None:
    if any(other.id == step.id for other in earlier):
        raise PolicyError("duplicate step id", field=f"{path}.id", value=step.id)


def _check_anchor(step: Step, path: str, earlier: Sequence[Step]) -> None:
    if not earlier and step.from_ in ("previous", "deadline"):
        raise PolicyError(
            f"the first step cannot count from '{step.from_}': nothing comes before it",
            field=f"{path}.from",
        )
    if step.from_ in ("previous", "last_contact", "deadline") and step.offset.is_negative:
        raise PolicyError(
            f"a step counted from '{step.from_}' cannot come before it",
            field=f"{path}.offset",
            value=str(step.offset),
        )


def _check_warnings(step: Step, path: str, earlier: Sequence[Step]) -> None:
    """No escalation or write-off without a final notice, no suspension without warnings.

    Rules 4 and 10. A write-off rests on the final notice as an escalation does: the client
    was told by when to pay and did not. A cancellation needs its own warnings (`_check_end`).
    """
    stern: list[str] = []
    if step.action == "escalate":
        stern.append("escalates")
    if step.action == "write_off":
        stern.append("writes the invoice off")
    if step.tone == "legal":
        stern.append("is in the legal tone")
    if stern and not any(other.is_final_notice for other in earlier):
        raise PolicyError(
            f"step '{step.id}' {' and '.join(stern)}, so it needs a final notice before it: "
            "an earlier contact step (send_reminder, call or send_letter) that states a "
            "'deadline'",
            field=path,
        )
    if step.suspends and not any(other.is_contact for other in earlier):
        raise PolicyError(
            f"step '{step.id}' suspends the service, so it needs an earlier contact step "
            "(send_reminder, call or send_letter) that warns the client",
            field=path,
        )
    needs_deadline = step.from_ == "deadline" or step.suspends
    if needs_deadline and not any(other.deadline is not None for other in earlier):
        raise PolicyError(
            f"step '{step.id}' needs an earlier step that states a payment deadline "
            "(a final notice or warning with 'deadline')",
            field=path,
        )


def _check_end(step: Step, path: str, earlier: Sequence[Step]) -> None:
    """A write-off ends the ladder; a cancellation is warned of and only ends it (rule 10).

    Nothing follows a write-off, nor goes with it: the invoice is closed. A cancellation
    terminates the service, so nothing but pursuing the claim (``escalate``) or giving it up
    (``write_off``) may follow it. Like a suspension it needs warnings of its own: a contact
    step after the sanction before it (or the start of the ladder), the last of which states
    the deadline that must pass.
    """
    ended = next((other for other in earlier if other.action == "write_off"), None)
    if ended is not None:
        raise PolicyError(
            f"step '{ended.id}' writes the invoice off and ends the ladder: nothing may follow it",
            field=path,
        )
    if step.action == "write_off" and step.effects:
        raise PolicyError(
            "a write-off gives the claim up: it books no fee, compensation or sanction",
            field=f"{path}.effects",
            value=", ".join(step.effects),
        )
    cancelled = next((other for other in earlier if other.cancels), None)
    if cancelled is not None and step.action not in _AFTER_CANCELLING:
        raise PolicyError(
            f"step '{cancelled.id}' cancels the service: only escalate or write_off may follow it",
            field=f"{path}.action",
            value=step.action,
        )
    if not step.cancels:
        return
    warnings: list[Step] = []
    for other in reversed(earlier):
        if other.is_sanction:
            break
        if other.is_contact:
            warnings.insert(0, other)
    if not warnings or warnings[-1].deadline is None:
        raise PolicyError(
            f"step '{step.id}' cancels the service, so it needs a warning after the sanction "
            "before it: a contact step (send_reminder, call or send_letter), the last of which "
            "states a 'deadline'",
            field=path,
        )


def _check_reachable(step: Step, path: str, earlier: Sequence[Step]) -> None:
    """A pre-due or due-day step after one sent after the due date would never be sent.

    The ladder moves on in order, so every step after the first one certainly past the due
    date (those counted from 'previous' or 'deadline' too) comes after the due date: finding
    that first one is enough.
    """
    if not _expires_at_due(step):
        return
    past_due = next((other for other in earlier if _certainly_after_due(other)), None)
    if past_due is not None:
        raise PolicyError(
            f"step {_named(step)} can never be sent: it expires at the due date, but comes "
            f"after step {_named(past_due)}, which is sent after the due date: move it before "
            f"'{past_due.id}'",
            field=f"{path}.offset",
            value=str(step.offset),
        )


def _check_order(step: Step, path: str, earlier: Sequence[Step]) -> None:
    """Steps counted from the same date come in the ladder in the order they happen."""
    if step.from_ not in ("issued", *_FROM_DUE):
        return
    latest = _span(step.offset)[1]
    for other in earlier:
        if other.from_ == step.from_ and latest < _span(other.offset)[0]:
            raise PolicyError(
                f"step {_named(step)} comes before step {_named(other)} in time but after it "
                "in the ladder: order the steps by when they happen",
                field=f"{path}.offset",
                value=str(step.offset),
            )


def _check_repeat(step: Step, path: str, earlier: Sequence[Step]) -> None:
    """Only a reminder, call or letter after the due date with no deadline repeats.

    A repeated deadline would move the final notice's deadline on at each sending; a repeated
    pre-due note would be sent past the due date it expires at.
    """
    if step.repeat is None:
        return
    problem = None
    if not step.is_contact:
        problem = "only a contact step (send_reminder, call or send_letter) repeats"
    elif step.deadline is not None:
        problem = "a step that states a deadline does not repeat: each sending would move it"
    elif _expires_at_due(step):
        problem = "a step before (or on) the due date does not repeat: it expires then"
    if problem is not None:
        raise PolicyError(problem, field=f"{path}.repeat")


def _check_fee(step: Step, path: str, earlier: Sequence[Step]) -> None:
    """A step's own fee is booked by the step's apply_late_fee: without it nothing books it."""
    if step.late_fee is None or step.action == "apply_fee" or "apply_late_fee" in step.effects:
        return
    raise PolicyError(
        "a step's late_fee is booked by its apply_late_fee effect: add it to 'effects'",
        field=f"{path}.late_fee",
    )


_STEP_CHECKS: Final[tuple[StepCheck, ...]] = (
    _check_id,
    _check_repeat,
    _check_fee,
    _check_anchor,
    _check_warnings,
    _check_end,
    _check_reachable,
    _check_order,
)


def _refusal(purpose: Purpose, name: str) -> str | None:
    """Why a `purpose` ladder cannot have the action or effect `name`, or None if it can."""
    if purpose != "payment" and name in _MONEY_ONLY:
        return (
            f"a {purpose} ladder chases an answer, not money: '{name}' belongs in a payment ladder"
        )
    if purpose == "prospect" and name == "pause_work":
        return "a prospect has no work to pause: 'pause_work' belongs in a project ladder"
    return None


class Policy(InputModel):
    """A dunning ladder (or a chase for an answer) and the limits on contacting a client."""

    error_class: ClassVar[type[PaychaseError]] = PolicyError
    """An invalid policy raises `PolicyError`, naming the field."""

    name: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="The policy's name: templates are found under it ('<name>/<step id>') and "
        "history names its versions by it ('name@version')",
    )
    version: int = Field(
        default=1,
        ge=1,
        description="The policy's version: an invoice stays on the version it entered "
        "dunning under, so a changed ladder applies to invoices that enter dunning later",
    )
    purpose: Purpose = Field(
        default="payment",
        description="What the ladder chases: payment (money owed), prospect (a prospect silent "
        "after our proposal or quote) or project (a client silent in the middle of a "
        "project). Only a payment ladder counts from 'due', charges fees, suspends or "
        "escalates; only a project (or payment) ladder pauses work",
    )
    min_gap: ForwardDuration = Field(
        default=Duration(3, "d"),
        description="Never two outbound contacts to one client closer than this",
    )
    send_at: LocalTime = Field(default=time(10), description="Local time messages go out")
    call_at: LocalTime = Field(default=time(12), description="Local time calls are made")
    quiet_hours: tuple[LocalTime, LocalTime] | None = Field(
        default=None, description="[start, end) local time with no contact; may span midnight"
    )
    business_days_only: bool = Field(
        default=True,
        description="Contact only on the client's working days: weekends and public holidays "
        "of their country (and subdivision) are skipped",
    )
    reply_pause: ForwardDuration = Field(
        default=Duration(5, "bd"),
        description="After a client's reply, wait this long before escalating",
    )
    max_attempts_per_step: int = Field(
        default=2,
        ge=1,
        le=10,
        description="Failed tries at a step (bounced, failed, no_answer) before it is given up "
        "and the ladder moves on",
    )
    resume_at: Text | None = Field(
        default=None,
        description="The id of the step the ladder resumes at after a broken promise or a "
        "broken instalment plan; default: the first firm, final or legal step",
    )
    max_promise_hold: ForwardDuration = Field(
        default=Duration(30, "d"),
        description="A promise to pay later than this after it was made is not granted "
        "automatically: a person reviews it",
    )
    instalment_reminder: ForwardDuration = Field(
        default=Duration(3, "d"),
        description="How long before each instalment falls due its reminder goes",
    )
    limitation_warning: ForwardDuration | None = Field(
        default=None,
        description="How long before a claim to an unpaid invoice becomes time-barred under "
        "its contract's jurisdiction (PL, DE, GR, GB, RU; see the limitation table) a person "
        "reviews it, to sue, get a written acknowledgement or write it off in time (e.g. "
        "'60d'); omitted: no limitation watch",
    )
    catch_up: CatchUp = Field(
        default="sequential",
        description="What the ladder does when several steps' times have passed (a case picked "
        "up late): sequential — the first step not performed, then the next, each at the "
        "first allowed moment; latest — the most advanced step whose time has come, passing "
        "over the ones before it but never a required step, a step that is not a contact "
        "(a fee booking, a sanction, an escalation) or a message that charges a fee the "
        "contract allows; latest_before_contact — latest for the steps whose time came by "
        "the day of the first contact about the invoice either way (a message or call of ours, "
        "anything the client said, an instalment plan agreed), each in turn after it. "
        "Payment ladders only",
    )
    steps: tuple[Step, ...] = Field(
        min_length=1, description="The ladder: its steps in the order they happen"
    )

    @model_validator(mode="after")
    def _ladder_can_work(self) -> Self:
        if self.purpose != "payment" and self.catch_up != "sequential":
            raise PolicyError(
                f"a {self.purpose} ladder walks its steps in turn: catch_up applies to payment "
                "ladders",
                field="catch_up",
                value=self.catch_up,
            )
        for index, step in enumerate(self.steps):
            path = f"steps[{index}]"
            self._check_purpose(step, path)
            for check in _STEP_CHECKS:
                check(step, path, self.steps[:index])
        if self.resume_at is not None and self.step_index(self.resume_at) is None:
            raise PolicyError(
                "no step of this policy has that id: name the step to resume at",
                field="resume_at",
                value=self.resume_at,
            )
        self._check_hours()
        return self

    def _check_purpose(self, step: Step, path: str) -> None:
        """A chase for an answer has no due date and presses for no money."""
        if self.purpose == "payment":
            return
        if step.from_ in _FROM_DUE:
            raise PolicyError(
                f"a {self.purpose} ladder has no due date to count from: count from 'issued' "
                "(when our unanswered message went out), 'previous', 'last_contact' or "
                "'deadline'",
                field=f"{path}.from",
                value=step.from_,
            )
        if step.late_fee is not None:
            raise PolicyError(
                f"a {self.purpose} ladder chases an answer, not money: late_fee belongs in a "
                "payment ladder",
                field=f"{path}.late_fee",
            )
        if step.repeat is not None:
            raise PolicyError(
                f"a {self.purpose} ladder walks its steps in turn: repeat applies to payment "
                "ladders",
                field=f"{path}.repeat",
            )
        named: list[tuple[str, str]] = [(f"{path}.action", step.action)]
        named += [(f"{path}.effects[{i}]", effect) for i, effect in enumerate(step.effects)]
        for field, name in named:
            problem = _refusal(self.purpose, name)
            if problem is not None:
                raise PolicyError(problem, field=field, value=name)

    def _check_hours(self) -> None:
        if self.quiet_hours is None:
            return
        start, end = self.quiet_hours
        for name, hour in (("send_at", self.send_at), ("call_at", self.call_at)):
            quiet = start <= hour or hour < end if start > end else start <= hour < end
            if quiet:
                raise PolicyError(
                    "falls inside quiet_hours, so nothing could ever be sent",
                    field=name,
                    value=hour.isoformat("minutes"),
                )

    @property
    def resume_index(self) -> int:
        """Where the ladder resumes after a broken promise or instalment plan.

        The step `resume_at` names; else the first firm, final or legal step (a client who
        broke their word has had the friendly reminders already); else the first step.

        Examples:
            >>> from paychase.policy import builtin_policy
            >>> builtin_policy("freelancer").resume_index
            2
        """
        if self.resume_at is not None:
            return self._step_indexes[self.resume_at]
        stern = (index for index, step in enumerate(self.steps) if step.tone in _STERN)
        return next(stern, 0)

    def is_required(self, index: int) -> bool:
        """Whether a catch-up never passes over step `index` (`Step.required`).

        The step is marked ``required``, or the ladder cannot do without it: it is the final
        notice of a later step that rests on a deadline (rules 4, 10: no escalation without
        it, and what counts from a deadline counts from its), or a warning before a step
        that suspends or cancels the service or pauses work (rule 10 counts every contact sent
        before the suspension as a warning; how many a contract wants is the contract's).

        Examples:
            >>> from paychase.policy import builtin_policy
            >>> saas = builtin_policy("saas")
            >>> [step.id for index, step in enumerate(saas.steps) if saas.is_required(index)]
            ['notice', 'warning', 'final']
        """
        return index in self._required

    @cached_property
    def _required(self) -> frozenset[int]:
        required = {index for index, step in enumerate(self.steps) if step.required}
        for index, step in enumerate(self.steps):
            if step.rests_on_a_deadline:
                stating = [i for i in range(index) if self.steps[i].deadline is not None]
                required.update(stating[-1:])
            if step.is_sanction:
                for before in range(index - 1, -1, -1):
                    earlier = self.steps[before]
                    if earlier.is_sanction:
                        break
                    if earlier.is_contact:
                        required.add(before)
        return frozenset(required)

    def step_index(self, step_id: str) -> int | None:
        """Where `step_id` stands in the ladder, or None if this policy has no such step."""
        return self._step_indexes.get(step_id)

    @cached_property
    def _step_indexes(self) -> dict[str, int]:
        return {step.id: index for index, step in enumerate(self.steps)}
