"""Delivery channels: how a rendered message leaves, and what the channel says became of it.

A channel is anything with ``send(message) -> Receipt``. paychase ships SMTP e-mail, a file
outbox and the console; a host plugs in its SMS gateway, messenger or CRM the same way. Phone
calls and postal letters are not sent by a machine: they become *tasks* for a person, closed
when the outcome is recorded. A channel that can tell whether a message already went out (by
its Message-ID) also implements `CheckableChannel`, which lets the runner settle a send
interrupted by a crash instead of marking it uncertain.
"""

from __future__ import annotations

import hashlib
import sys
from typing import Literal, Protocol, TextIO, runtime_checkable

from pydantic import Field

from paychase._model import FrozenModel
from paychase.shell._message import Message

__all__ = [
    "CheckableChannel",
    "ConsoleChannel",
    "DeliveryChannel",
    "DeliveryStatus",
    "Receipt",
    "message_id",
]

DeliveryStatus = Literal["delivered", "bounced", "failed", "task"]
"""``task``: handed to a person (a call to make, a letter to post), done when they record it."""


class Receipt(FrozenModel):
    """What a channel says became of one message."""

    status: DeliveryStatus
    provider_id: str | None = Field(None, description="The provider's id: SMTP queue id, file")
    error: str | None = Field(None, description="Why it failed or bounced, as the provider said")
    transient: bool = Field(
        False, description="A failure that may pass (server down, 4xx): try again later"
    )


@runtime_checkable
class DeliveryChannel(Protocol):
    """Sends one message; never raises for a delivery problem, returns a failed `Receipt`."""

    def send(self, message: Message, /) -> Receipt:
        """Deliver `message` and say what happened."""
        ...


@runtime_checkable
class CheckableChannel(DeliveryChannel, Protocol):
    """A channel that can tell whether a message went out, by its Message-ID."""

    def lookup(self, message: Message, /) -> Receipt | None:
        """The receipt of `message` if it was sent through this channel, else None."""
        ...


def message_id(key: str, domain: str) -> str:
    """The Message-ID of an action's message: the same key always gives the same id.

    Recipients' mail systems and the runner's reconciliation recognise a repeated send by it.

    >>> message_id("k1/inv-1/firm/1", "studio.example")
    '<paychase.66373f33a2652821563c6f1d@studio.example>'
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return f"<paychase.{digest}@{domain}>"


class ConsoleChannel:
    """Prints each message to a stream (standard output by default): for trying things out."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, message: Message, /) -> Receipt:
        """Print the message's headers and text; always delivered."""
        out = self.stream or sys.stdout
        to = ", ".join(r.address for r in message.recipients) or "-"
        out.write(f"--- {message.key} via {message.channel} to {to}\n")
        out.write(f"Subject: {message.subject}\n\n{message.text}\n")
        return Receipt(status="delivered", provider_id="console")
