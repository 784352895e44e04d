r"""A rendered message: what a channel sends, a caller reads or a printer prints, and its receipt.

Every header-bound string (subject, names, addresses, header names and values, attachment
names) is checked for control characters when the message is built, so a client named
``"ACME\r\nBcc: x@evil"`` or a template that writes a line break into a subject can never add
a header: the message simply cannot exist.
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, ConfigDict, Field

from paychase._model import FrozenModel
from paychase.errors import PaychaseError, PluginError
from paychase.policy._policy import ActionKind, Channel

__all__ = ["Attachment", "DeliveryStatus", "Message", "Receipt", "Recipient", "message_id"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# RFC 5322 §2.2: a header field name is printable US-ASCII except the colon.
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")


def _one_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters (line breaks, tabs, NUL) cannot go into a header")
    return value


def _header_name(value: str) -> str:
    if not _HEADER_NAME.match(value):
        raise ValueError("a header name is printable ASCII without spaces or ':'")
    return value


HeaderText = Annotated[str, AfterValidator(_one_line)]


class Recipient(FrozenModel):
    """Who a message goes to: an e-mail address, a phone number or a postal address."""

    name: HeaderText | None = Field(
        default=None, description="Display name, e.g. the client's name"
    )
    address: HeaderText = Field(min_length=1, description="Where the channel delivers")


class Attachment(FrozenModel):
    """A file sent with the message, such as the invoice or the printable letter."""

    filename: HeaderText = Field(
        min_length=1, description="The file name the recipient sees, e.g. FV_2026_02_014.pdf"
    )
    content_type: HeaderText = Field(description="MIME type, e.g. application/pdf")
    data: bytes = Field(description="The file's bytes (base64 in JSON)")

    model_config = FrozenModel.model_config | ConfigDict(
        ser_json_bytes="base64", val_json_bytes="base64"
    )


class Message(FrozenModel):
    """One planned action rendered in the client's language, ready for a channel."""

    key: str = Field(description="The action key: the idempotency key of the delivery")
    kind: ActionKind = Field(description="The action's kind")
    channel: Channel = Field(description="How it goes: `system` for a task for the sender")
    locale: str = Field(description="The locale the text is written and formatted in")
    template: str = Field(description="The template used, as '<locale>/<name>'")
    recipients: tuple[Recipient, ...] = Field(
        description="To: empty for a task the sender performs itself"
    )
    cc: tuple[Recipient, ...] = Field(
        default=(),
        description="Cc: the contacts the step copies (its `cc` roles), on e-mail only",
    )
    sender: Recipient | None = Field(
        default=None, description="From: the case's sender and their e-mail, when they have one"
    )
    subject: HeaderText = Field(description="One-line subject: the e-mail's, or the task's title")
    text: str = Field(description="Plain text: the e-mail body, the SMS, the call script")
    html: str = Field(description="A complete HTML document: e-mail body or printable letter")
    attachments: tuple[Attachment, ...] = Field(
        default=(),
        description="Files sent with it: the invoice documents, where the step says "
        "attach_invoice and the renderer finds them",
    )
    headers: tuple[tuple[Annotated[str, AfterValidator(_header_name)], HeaderText], ...] = Field(
        default=(),
        description="Extra (name, value) headers: Message-ID, X-Paychase-Key, Content-Language",
    )
    notes: tuple[str, ...] = Field(
        default=(),
        description="What a person should know before sending, e.g. a missing attachment",
    )

    def header(self, name: str) -> str | None:
        """The value of header `name` (case-insensitive), if the message has it."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The message as JSON, attachments in base64; the same message gives the same text."""
        return self.model_dump_json(indent=indent, exclude_none=True)


def message_id(key: str, domain: str) -> str:
    """The Message-ID of an action's message: the same key always gives the same id.

    Recipients' mail systems and the runner's reconciliation recognise a repeated send by it.

    Examples:
        >>> message_id("k1/inv-1/firm/1", "studio.example")
        '<paychase.66373f33a2652821563c6f1d@studio.example>'
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return f"<paychase.{digest}@{domain}>"


DeliveryStatus = Literal["delivered", "bounced", "failed", "task", "uncertain"]
"""``task``: handed to a person (a call to make, a letter to post), done when they record it;
``uncertain``: the channel handed the message over but cannot tell whether it arrived (its
reply was lost), so it must not be sent again on its own."""


class Receipt(FrozenModel):
    """What a channel says became of one message.

    Channels are plug-ins, so a receipt that cannot be built is the channel's fault: a
    `PluginError` naming the field.

    Examples:
        >>> Receipt(status="delivered", provider_id="queue-1").status
        'delivered'
    """

    error_class: ClassVar[type[PaychaseError]] = PluginError

    status: DeliveryStatus = Field(
        description="delivered; bounced or failed (recorded, so the next plan tries another "
        "channel; a `transient` failure is retried instead); task (handed to a person); "
        "uncertain (handed over, its arrival unknown: never sent again on its own)"
    )
    provider_id: str | None = Field(
        default=None, description="The provider's id: SMTP queue id, file"
    )
    error: str | None = Field(
        default=None, description="Why it failed or bounced, as the provider said"
    )
    transient: bool = Field(
        default=False, description="A failure that may pass (server down, 4xx): try again later"
    )
