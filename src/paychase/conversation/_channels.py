"""Which channel an action uses, and which channels have stopped working (SPEC §5 rule 9).

A step lists its channels in order of preference; the first one the contacts it addresses
(`Client.addressees` of the step's ``to``) have a working address for is used, and the ones
before it without an address are named. Where those contacts prefer a channel the step lists,
it goes first. A bounce or failure
marks that address broken for the client — every invoice, every later step — until the
client's contacts change (the event recorded the old address in ``to``) or a later contact
through it gets through. When none of the step's channels works, the client's other contacts
are tried: the preferred channel, then e-mail, SMS, phone, messenger, LinkedIn and letter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from paychase.case._history import ContactEvent
from paychase.case._holds import OptOut
from paychase.case._parties import Client
from paychase.policy._policy import Channel, Step

__all__ = ["FALLBACK_ORDER", "ChannelChoice", "broken_routes", "choose_channel", "route_of"]

FALLBACK_ORDER: Final[tuple[Channel, ...]] = (
    "email",
    "sms",
    "phone",
    "messenger",
    "linkedin",
    "letter",
)
_BROKEN: Final = frozenset({"bounced", "failed"})
_WORKED: Final = frozenset({"delivered", "answered", "read", "voicemail"})


def route_of(channel: Channel) -> str:
    """The contact a channel travels on: both kinds of letter share the postal address."""
    return "postal" if channel in ("letter", "registered_letter") else channel


def broken_routes(client: Client, events: Iterable[ContactEvent]) -> dict[str, ContactEvent]:
    """The client's contact routes that bounced or failed and have not been fixed since.

    `events` are the client's history, oldest first; the value is the failure that broke it.
    """
    broken: dict[str, ContactEvent] = {}
    for event in events:
        if event.direction != "out" or event.channel in (None, "system"):
            continue
        assert event.channel is not None
        route = route_of(event.channel)
        if event.outcome in _BROKEN:
            current = {person.address_for(event.channel) for person in client.people}
            if event.to is None or event.to in current:
                broken[route] = event
        elif event.outcome in _WORKED:
            broken.pop(route, None)
    return broken


@dataclass(frozen=True, slots=True)
class ChannelChoice:
    """The channel chosen (None: no working contact) and the channels passed over.

    `passed_over` are the failures that broke a channel; `unreachable` the step's own
    channels before the chosen one that the client has no address for.
    """

    channel: Channel | None
    passed_over: tuple[ContactEvent, ...]
    unreachable: tuple[Channel, ...] = ()
    refused: tuple[OptOut, ...] = ()  # the step's own channels the client opted out of


def choose_channel(
    step: Step, client: Client, broken: dict[str, ContactEvent], today: date
) -> ChannelChoice:
    """The first working channel of the step, else of the client's other contacts.

    The channels the addressed contacts prefer (`Client.preferred_for`) come first where the
    step lists them (a step that lists none allows any). A channel the client opted out of
    (`Client.opt_outs`) is never used, as if the client had no address for it.
    """
    people = client.addressees(step.to)
    preferred: tuple[Channel, ...] = (client.preferred_channel,) if client.preferred_channel else ()
    leading = tuple(
        channel
        for person in people
        if (channel := client.preferred_for(person)) is not None
        and (channel in step.channels or not step.channels)
    )
    passed_over: list[ContactEvent] = []
    unreachable: list[Channel] = []
    refused: list[OptOut] = []
    for channel in dict.fromkeys(leading + step.channels + preferred + FALLBACK_ORDER):
        if channel == "system":
            continue
        opt_out = next((o for o in client.opt_outs if o.refuses(channel, today)), None)
        if opt_out is not None:
            if channel in step.channels and opt_out not in refused:
                refused.append(opt_out)
            continue
        if not any(person.address_for(channel) for person in people):
            if channel in step.channels:
                unreachable.append(channel)
            continue
        failure = broken.get(route_of(channel))
        if failure is not None:
            if failure not in passed_over:
                passed_over.append(failure)
            continue
        return ChannelChoice(channel, tuple(passed_over), tuple(unreachable), tuple(refused))
    return ChannelChoice(None, tuple(passed_over), tuple(unreachable), tuple(refused))
