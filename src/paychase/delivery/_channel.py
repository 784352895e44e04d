"""Delivery channels: how a rendered message leaves, and what the channel says became of it.

A channel is anything with ``send(message) -> Receipt``. paychase ships SMTP e-mail, a file
outbox and the console; a host plugs in its SMS gateway, messenger or CRM the same way. Phone
calls and postal letters are not sent by a machine: they become *tasks* for a person, closed
when the outcome is recorded. A channel that can tell whether a message already went out (by
its Message-ID) also implements `CheckableChannel`, which lets the runner settle a send
interrupted by a crash instead of marking it uncertain.
"""

from __future__ import annotations

import sys
from typing import Protocol, TextIO, runtime_checkable

from paychase.errors import PluginError
from paychase.messages._message import Message, Receipt

__all__ = ["CheckableChannel", "ConsoleChannel", "DeliveryChannel"]


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


class ConsoleChannel:
    """Prints each message to a stream (standard output by default): for trying things out.

    Raises:
        PluginError: `stream` has no ``write``.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        if stream is not None and not callable(getattr(stream, "write", None)):
            raise PluginError("not a text stream", field="stream", value=type(stream).__name__)
        self.stream = stream

    def send(self, message: Message, /) -> Receipt:
        """Print the message's headers and text; always delivered."""
        out = self.stream or sys.stdout
        to = ", ".join(r.address for r in (*message.recipients, *message.cc)) or "-"
        out.write(f"--- {message.key} via {message.channel} to {to}\n")
        out.write(f"Subject: {message.subject}\n\n{message.text}\n")
        return Receipt(status="delivered", provider_id="console")
