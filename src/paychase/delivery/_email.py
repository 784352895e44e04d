"""E-mail as bytes: a `Message` as an RFC 5322 message with MIME parts, ready to send or file.

`email_message` owns the translation (multipart/alternative plain text and HTML, attachments,
encoded display names and subjects, the Message-ID that makes a repeated send recognisable);
the SMTP channel sends these bytes and the file outbox writes the very same ones. `envelope`
says who a message is from and which recipients, To and Cc, have an e-mail address.

No ``Auto-Submitted`` header is added: RFC 3834 §2 asks responders not to answer such mail,
and a client's reply to a reminder ("paid yesterday", "please call me") is the point of it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage

from paychase.errors import InvalidCaseError
from paychase.messages._message import Attachment, Message, Recipient, message_id

__all__ = ["email_bytes", "email_message", "envelope"]

# policy.SMTP (CRLF line ends, RFC 2047 encoded headers), with bodies kept 7-bit (quoted-
# printable or base64) so a server without 8BITMIME (RFC 6152) takes the message unchanged.
_POLICY = policy.SMTP.clone(cte_type="7bit")
# Headers email_message writes itself, and address headers that would add recipients.
_RESERVED = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "sender",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
        "return-path",
    }
)


def email_message(
    message: Message, *, date: datetime, from_address: str | None = None
) -> EmailMessage:
    r"""`message` as an e-mail: the bytes ``email_message(...).as_bytes()`` are what is sent.

    To lists the recipients with an e-mail address (a phone number is not one), Cc the copies
    with one; From is the
    sender, or `from_address` with the sender's name, in which case replies still go to the
    sender (Reply-To). The message's own headers (Message-ID, Content-Language,
    X-Paychase-Key...) are kept; a message without a Message-ID gets the one `message_id`
    makes from its key.

    Args:
        message: a rendered message.
        date: the Date header; must be aware.
        from_address: an address to send from instead of the sender's, e.g. the account
            an SMTP relay insists on.

    Returns:
        A multipart/alternative (plain text, HTML) message, inside multipart/mixed when it
        has attachments.

    Raises:
        InvalidCaseError: there is no sender address, or an address cannot be written in
            an e-mail header.
        ValueError: `date` is naive.

    >>> from datetime import datetime, UTC
    >>> note = Message(key="k1", kind="send_reminder", channel="email", locale="pl",
    ...     template="pl/polite", recipients=(Recipient(name="Jan Kowalski",
    ...     address="jan@client.example"),), sender=Recipient(address="me@studio.example"),
    ...     subject="Faktura", text="Dzień dobry\n", html="<p>Dzień dobry</p>\n")
    >>> mail = email_message(note, date=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    >>> mail["To"], mail.get_content_type()
    ('Jan Kowalski <jan@client.example>', 'multipart/alternative')
    >>> mail["Message-ID"]
    '<paychase.6ab9f1eb8f7d3388f4f9d586@studio.example>'
    """
    if date.tzinfo is None:
        raise ValueError("the Date of an e-mail must be an aware datetime")
    sender = _from_address(message, from_address)
    mail = EmailMessage(policy=_POLICY)
    mail["From"] = sender
    recipients = _addresses(message.recipients, "recipients")
    if recipients:
        mail["To"] = recipients
    copies = _addresses(message.cc, "cc")
    if copies:
        mail["Cc"] = copies
    reply_to = _reply_to(message, sender)
    if reply_to is not None:
        mail["Reply-To"] = reply_to
    mail["Subject"] = message.subject
    mail["Date"] = date
    mail["Message-ID"] = message.header("Message-ID") or message_id(message.key, sender.domain)
    # After the body: making a message multipart moves its Content-* headers (such as
    # Content-Language) into the first part.
    _set_body(mail, message)
    for name, value in message.headers:
        if name.lower() not in _RESERVED:
            mail[name] = value
    _fix_boundaries(mail, message.key)
    return mail


def email_bytes(mail: EmailMessage) -> bytes:
    """The bytes of `mail`, once its header block is checked: what is sent or filed.

    The block must hold exactly the headers `mail` was given, each line within RFC 5322's 998
    octets. On Pythons without the fix for CVE-2024-6923 (3.11 before 3.11.10, 3.12 before
    3.12.5) an RFC 2047 encoded word in a name or a subject is decoded into a line break and
    written out as a header of its own (``Bcc:``); such a message is refused, never sent.

    Raises:
        InvalidCaseError: a header line too long, or a header the message was not given.
    """
    data = mail.as_bytes()
    block = data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    if any(len(line) > _MAX_LINE for line in block):
        raise InvalidCaseError(
            f"a header line would be longer than the {_MAX_LINE} octets RFC 5322 allows: "
            "a name or subject too long to fold",
            field="headers",
        )
    written = [line.split(b":", 1)[0].decode("ascii", "replace").lower() for line in block]
    written = [name for name, line in zip(written, block, strict=True) if line[:1] not in b" \t"]
    given = [name.lower() for name in mail.keys()]  # noqa: SIM118 - EmailMessage keeps duplicates
    if sorted(written) != sorted(given):
        extra = sorted(set(written) - set(given)) or sorted(written)
        raise InvalidCaseError(
            f"the e-mail would carry headers it was not given ({', '.join(extra)}): a name, "
            "subject or invoice number holds an encoded word (=?...?=) this Python decodes "
            "into a line break",
            field="headers",
        )
    return data


_MAX_LINE = 998


def envelope(
    message: Message, *, from_address: str | None = None
) -> tuple[Address, tuple[Address, ...]]:
    """Who `message` is from and which of its recipients, To then Cc, have an e-mail address.

    Raises:
        InvalidCaseError: as for `email_message`.
    """
    recipients = _addresses(message.recipients, "recipients") + _addresses(message.cc, "cc")
    return _from_address(message, from_address), recipients


def _reply_to(message: Message, sender: Address) -> Address | None:
    """The sender, when the message goes out from another address: replies reach them."""
    own = message.sender
    if own is None or not _is_email(own.address):
        return None
    address = _address(own, "sender.address")
    return None if address.addr_spec == sender.addr_spec else address


def _from_address(message: Message, override: str | None) -> Address:
    if override is not None:
        name = message.sender.name if message.sender else None
        return _address(Recipient(name=name, address=override), "from_address")
    if message.sender is None or not _is_email(message.sender.address):
        raise InvalidCaseError(
            "no sender e-mail address: give the case's sender an 'email' or the channel a "
            "from_address",
            field="sender",
        )
    return _address(message.sender, "sender.address")


def _addresses(recipients: tuple[Recipient, ...], field: str) -> tuple[Address, ...]:
    return tuple(
        _address(recipient, f"{field}[{index}].address")
        for index, recipient in enumerate(recipients)
        if _is_email(recipient.address)
    )


def _is_email(address: str) -> bool:
    return "@" in address


def _address(recipient: Recipient, field: str) -> Address:
    """An address for a header; the display name is RFC 2047 encoded when it is not ASCII."""
    addr_spec = _ascii_addr_spec(recipient.address, field)
    try:
        return Address(display_name=recipient.name or "", addr_spec=addr_spec)
    except (ValueError, IndexError, HeaderParseError) as error:
        raise InvalidCaseError(
            f"not an e-mail address: {error}", field=field, value=recipient.address
        ) from None


def _ascii_addr_spec(address: str, field: str) -> str:
    """The address with its domain in IDNA form (RFC 5891).

    A non-ASCII local part needs SMTPUTF8 (RFC 6531), which paychase does not speak.
    """
    local, _, domain = address.strip().rpartition("@")
    if not local.isascii():
        raise InvalidCaseError(
            "a non-ASCII mailbox name needs SMTPUTF8, which is not supported",
            field=field,
            value=address,
        )
    try:
        ascii_domain = domain if domain.isascii() else domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidCaseError("not a valid domain", field=field, value=address) from None
    return f"{local}@{ascii_domain}"


def _set_body(mail: EmailMessage, message: Message) -> None:
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, subtype = _media_type(attachment)
        mail.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )


def _media_type(attachment: Attachment) -> tuple[str, str]:
    """``type/subtype`` of the attachment, without parameters; unknown shapes as octets."""
    essence = attachment.content_type.split(";", 1)[0].strip().lower()
    maintype, _, subtype = essence.partition("/")
    if not maintype or not subtype or maintype == "multipart" or " " in essence:
        return "application", "octet-stream"
    return maintype, subtype


def _fix_boundaries(mail: EmailMessage, key: str) -> None:
    """Multipart boundaries made from the key instead of at random.

    The same message and date then give the same bytes, in the outbox and on every retry.
    A boundary must not occur as a line of its part (RFC 2046 §5.1.1); text a client controls
    (a name in a 7-bit body) could try, so each is checked as the generator would.
    """
    seed = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    multiparts = [part for part in mail.walk() if part.is_multipart()]
    for depth, part in reversed(list(enumerate(multiparts))):  # innermost first
        body = b"".join(child.as_bytes(policy=_POLICY) for child in part.iter_parts())
        boundary, attempt = f"{'=' * 15}{seed}.{depth}==", 0
        while re.search(rb"^--" + re.escape(boundary.encode("ascii")) + rb"(--)?\r?$", body, re.M):
            attempt += 1
            boundary = f"{'=' * 15}{seed}.{depth}.{attempt}=="
        part.set_boundary(boundary)
