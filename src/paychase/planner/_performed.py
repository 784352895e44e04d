"""What a performed action records in the contact history (SPEC §2 ``history``).

A host that performs a planned action records it as a `ContactEvent`, so the next plan knows
it was done: `performed_event` is that event, the same for the runner, the simulation and a
host that sends messages its own way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from paychase.case._history import ContactEvent
from paychase.errors import InvalidCaseError
from paychase.planner._outputs import Action
from paychase.policy._policy import ActionKind, Channel

__all__ = ["EVENT_KIND", "MESSAGE_KINDS", "performed_event"]

EVENT_KIND: Mapping[ActionKind, str] = {
    "send_reminder": "reminder",
    "send_letter": "letter",
    "request_deposit": "reminder",
    "request_milestone": "reminder",
    "call": "call",
    "apply_fee": "fee",
    "pause_work": "pause_work",
    "resume_work": "resume_work",
    "suspend_service": "suspend",
    "restore_service": "restore",
    "escalate": "escalate",
    "write_off": "write_off",
    "cancel_service": "cancel_service",
}
"""The history kind (SPEC §2 ``history[].kind``) an action records once performed."""

MESSAGE_KINDS: frozenset[ActionKind] = frozenset(
    {"send_reminder", "send_letter", "request_deposit", "request_milestone"}
)
"""The actions that are messages a machine can send."""


def performed_event(
    action: Action, *, at: datetime, channel: Channel, to: str | None, outcome: str | None = None
) -> ContactEvent:
    """The history event `action` records when performed at `at` through `channel`.

    Raises:
        InvalidCaseError: the action records no contact (a ``review`` is a person's task), or
            `at`, `channel`, `to` or `outcome` cannot go into a history event.
    """
    kind = EVENT_KIND.get(action.kind)
    if kind is None:
        raise InvalidCaseError(
            "this action records no contact in the history", field="kind", value=action.kind
        )
    return ContactEvent.model_validate(
        {
            "at": at,
            "client": action.client,
            "invoices": action.invoices,
            "direction": "out",
            "kind": kind,
            "step": action.step,
            "invoice_steps": action.invoice_steps,
            "channel": channel,
            "key": action.key,
            "outcome": outcome,
            "deadline": action.deadline,
            "to": to,
            "chase": action.chase,
            "policy": action.policy,
        }
    )
