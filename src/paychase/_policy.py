"""Policies (SPEC §3): an ordered ladder of steps plus the limits every contact obeys.

A policy is data. The built-in ones are JSON files shipped in ``paychase/policies/``, each
documented in docs/policies/ with the practice it follows; a host may pass its own inline.
A policy is checked when it is built, so a ladder that cannot work (a first step that waits for
a previous one, an escalation with no final notice before it, a send time inside quiet hours)
is refused with a `PolicyError` instead of quietly doing nothing.
"""

from __future__ import annotations

import json
import re
from datetime import time
from functools import cached_property, lru_cache
from importlib.resources import files
from typing import Annotated, ClassVar, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from paychase._durations import Duration
from paychase._model import FrozenModel, InputModel
from paychase.errors import PaychaseError, PolicyError

__all__ = [
    "BUILTIN_POLICIES",
    "ActionKind",
    "BuiltinName",
    "Channel",
    "Effect",
    "Policy",
    "Step",
    "Tone",
    "builtin_policy",
    "resolve_policy",
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
]
Anchor = Literal["issued", "due", "previous", "last_contact", "deadline"]
Tone = Literal["friendly", "neutral", "firm", "final", "legal"]
Effect = Literal[
    "apply_late_fee", "add_compensation", "pause_work", "suspend_service", "resend_invoice"
]

_REQUIREMENT = re.compile(
    r"^(no_reply|no_promise|late_fee_allowed|business_client|balance_over:\d+(\.\d+)?)$"
)
BuiltinName = Literal["freelancer", "b2b_strict", "saas", "tradesperson"]
"""The names of the built-in policies (see docs/policies/)."""
BUILTIN_POLICIES: tuple[BuiltinName, ...] = ("freelancer", "b2b_strict", "saas", "tradesperson")


def _requirement(value: str) -> str:
    if not _REQUIREMENT.match(value):
        raise ValueError(
            "unknown condition: use no_reply, no_promise, late_fee_allowed, business_client "
            "or balance_over:AMOUNT"
        )
    return value


def _not_negative(value: Duration) -> Duration:
    if value.is_negative:
        raise ValueError("must not be negative")
    return value


class Step(FrozenModel):
    """One rung of the ladder: when it comes, what it does, through which channels."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", max_length=64)
    from_: Anchor = Field(
        alias="from",
        description="What the offset counts from: issued, due (plus grace after the due date), "
        "previous (when the previous step was performed), last_contact, deadline (the "
        "payment deadline stated by an earlier step)",
    )
    offset: Duration = Field(Duration(0, "d"), description="e.g. -3d, +7d, 5bd, +1w@TU")
    action: StepAction
    channels: tuple[Channel, ...] = Field(
        (), description="Tried in order; empty: the client's preferred channel, then the rest"
    )
    tone: Tone = "friendly"
    requires: tuple[Annotated[str, AfterValidator(_requirement)], ...] = Field(
        (), description="Conditions; a step whose condition fails is skipped"
    )
    effects: tuple[Effect, ...] = Field((), description="Side effects the host must perform")
    deadline: Annotated[Duration, AfterValidator(_not_negative)] | None = Field(
        None, description="A payment deadline the message states, counted from its sending"
    )
    attach_invoice: bool = False
    template: str | None = Field(None, description="Defaults to '<policy>/<step id>'")

    @property
    def is_contact(self) -> bool:
        """Whether the step reaches out to the client (and so counts against min_gap)."""
        return self.action in ("send_reminder", "call", "send_letter")


def _hour(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("a local wall-clock time, without an offset (e.g. '10:00')")
    return value


LocalTime = Annotated[time, AfterValidator(_hour)]


class Policy(InputModel):
    """A dunning ladder and the limits on contacting a client."""

    error_class: ClassVar[type[PaychaseError]] = PolicyError

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    min_gap: Annotated[Duration, AfterValidator(_not_negative)] = Field(
        Duration(3, "d"), description="Never two outbound contacts to one client closer than this"
    )
    send_at: LocalTime = Field(time(10), description="Local time messages go out")
    call_at: LocalTime = Field(time(12), description="Local time calls are made")
    quiet_hours: tuple[LocalTime, LocalTime] | None = Field(
        None, description="[start, end) local time with no contact; may span midnight"
    )
    business_days_only: bool = True
    reply_pause: Annotated[Duration, AfterValidator(_not_negative)] = Field(
        Duration(5, "bd"), description="After a client's reply, wait this long before escalating"
    )
    max_attempts_per_step: int = Field(2, ge=1, le=10)
    steps: tuple[Step, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ladder_can_work(self) -> Self:
        seen: set[str] = set()
        stated_deadline = False
        for index, step in enumerate(self.steps):
            path = f"steps[{index}]"
            if step.id in seen:
                raise PolicyError("duplicate step id", field=f"{path}.id", value=step.id)
            seen.add(step.id)
            if index == 0 and step.from_ in ("previous", "deadline"):
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
            needs_deadline = (
                step.from_ == "deadline"
                or step.action in ("escalate", "suspend_service")
                or "suspend_service" in step.effects
            )
            if needs_deadline and not stated_deadline:
                raise PolicyError(
                    f"step '{step.id}' needs an earlier step that states a payment deadline "
                    "(a final notice or warning with 'deadline')",
                    field=f"{path}",
                )
            stated_deadline = stated_deadline or step.deadline is not None
        self._check_hours()
        return self

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

    def step_index(self, step_id: str) -> int | None:
        """Where `step_id` stands in the ladder, or None if this policy has no such step."""
        return self._step_indexes.get(step_id)

    @cached_property
    def _step_indexes(self) -> dict[str, int]:
        return {step.id: index for index, step in enumerate(self.steps)}


@lru_cache(maxsize=len(BUILTIN_POLICIES))
def builtin_policy(name: str) -> Policy:
    """The built-in policy `name` (see docs/policies/).

    Raises:
        PolicyError: when there is no built-in policy of that name.

    >>> builtin_policy("freelancer").steps[1].id
    'polite'
    """
    if name not in BUILTIN_POLICIES:
        raise PolicyError(
            f"unknown built-in policy; choose one of {', '.join(BUILTIN_POLICIES)} or give an "
            "inline policy",
            field="policy",
            value=name,
        )
    text = (
        files("paychase").joinpath("policies").joinpath(f"{name}.json").read_text(encoding="utf-8")
    )
    return Policy.model_validate(json.loads(text))


def resolve_policy(policy: str | Policy) -> Policy:
    """A policy object from a built-in name or an inline policy."""
    return builtin_policy(policy) if isinstance(policy, str) else policy
