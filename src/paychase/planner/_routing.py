"""Which channel an action goes by, and what kind of action that makes it (SPEC §5 rule 9).

The channel is the first of the step's channels the client has a working contact for
(`conversation._channels`). One the client has no address for is passed over and the action's
reason names it and the channel used instead; a bounced or failed one is passed over and the
reason says to verify the contact details; one the client opted out of is passed over and the
reason says so. A message that falls back to the phone becomes a
call, a call that falls back to a written channel a reminder. A message step whose only
channel is ``system`` is recorded by the host, not sent, and its reason says so.
"""

from __future__ import annotations

from typing import Final

from paychase._reason import ReasonPart, part
from paychase.case._holds import OptOut
from paychase.conversation._channels import choose_channel, route_of
from paychase.planner._context import ClientContext
from paychase.policy._policy import ActionKind, Channel, Step

__all__ = ["route"]

_ADDRESS: Final = {
    "email": "e-mail address",
    "sms": "mobile number",
    "phone": "phone number",
    "postal": "postal address",
    "messenger": "messenger handle",
    "linkedin": "LinkedIn profile",
    "fax": "fax number",
}
"""What the client lacks for a channel, by the contact it travels on (`route_of`)."""


def route(
    context: ClientContext, step: Step
) -> tuple[ActionKind, Channel | None, list[ReasonPart]]:
    """The action's kind and channel (None: no working contact), with notes on the choice."""
    if step.recorded_only:
        return step.action, "system", [part("recorded_only")]
    if not step.is_contact:
        return step.action, "system", []
    choice = choose_channel(step, context.client, context.broken, context.today)
    notes = [_opted_out(o) for o in choice.refused]
    notes += [
        part(
            "channel.failed",
            channel=str(failure.channel),
            outcome=str(failure.outcome),
            on=context.clock.local(failure.at).date(),
        )
        for failure in choice.passed_over
    ]
    if choice.channel is None:
        return step.action, None, notes
    notes += [
        part(
            "channel.unreachable",
            channel=missing,
            address=_ADDRESS[route_of(missing)],
            route=route_of(missing),
            instead=choice.channel,
        )
        for missing in choice.unreachable
    ]
    return _kind_for(step.action, choice.channel), choice.channel, notes


def _opted_out(opt_out: OptOut) -> ReasonPart:
    """Why a channel the client opted out of is not used (`OptOut.describe`), as a clause."""
    said = {} if opt_out.reason is None else {"said": str(opt_out.reason)}
    since = {} if opt_out.since is None else {"since": opt_out.since}
    code = "channel.opted_out" + "_since" * bool(since) + "_said" * bool(said)
    return part(code, channel=opt_out.channel, **since, **said)


def _kind_for(action: ActionKind, channel: Channel) -> ActionKind:
    """A message that falls back to the phone becomes a call, a call that cannot be a message."""
    if channel == "phone":
        return "call"
    if action == "call":
        return "send_reminder"
    return action
