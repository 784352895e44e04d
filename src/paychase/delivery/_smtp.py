"""E-mail: a `Message` as RFC 5322 bytes, and the SMTP channel that hands them to a server.

`email_message` owns the translation (multipart/alternative plain text and HTML, attachments,
encoded display names and subjects, the Message-ID that makes a repeated send recognisable);
the file outbox writes the very same bytes. `SmtpChannel` owns the conversation with one
server and the mapping of everything that can go wrong into a `Receipt`: a refused recipient
is a bounce, a 4xx reply or an unreachable server a transient failure, a 5xx a permanent one.

No ``Auto-Submitted`` header is added: RFC 3834 §2 asks responders not to answer such mail,
and a client's reply to a reminder ("paid yesterday", "please call me") is the point of it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Literal, get_args
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from paychase.errors import InvalidCaseError, PluginError
from paychase.messages._message import Attachment, Message, Receipt, Recipient, message_id

__all__ = ["PASSWORD_VARIABLE", "Security", "SmtpChannel", "email_message", "envelope"]

Security = Literal["none", "starttls", "ssl"]
"""``none``: plain text (a relay on localhost); ``starttls``: upgrade on 587; ``ssl``: on 465."""

PASSWORD_VARIABLE = "PAYCHASE_SMTP_PASSWORD"
"""The environment variable `SmtpChannel.from_url` reads the password from."""

# policy.SMTP (CRLF line ends, RFC 2047 encoded headers), with bodies kept 7-bit (quoted-
# printable or base64) so a server without 8BITMIME (RFC 6152) takes the message unchanged.
_POLICY = policy.SMTP.clone(cte_type="7bit")
_DEFAULT_PORTS: dict[Security, int] = {"none": 25, "starttls": 587, "ssl": 465}
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

    To lists the recipients with an e-mail address (a phone number is not one); From is the
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
    sender, recipients = envelope(message, from_address=from_address)
    mail = EmailMessage(policy=_POLICY)
    mail["From"] = sender
    if recipients:
        mail["To"] = recipients
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


def envelope(
    message: Message, *, from_address: str | None = None
) -> tuple[Address, tuple[Address, ...]]:
    """Who `message` is from and which of its recipients have an e-mail address.

    Raises:
        InvalidCaseError: as for `email_message`.
    """
    return _from_address(message, from_address), _recipient_addresses(message)


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


def _recipient_addresses(message: Message) -> tuple[Address, ...]:
    return tuple(
        _address(recipient, f"recipients[{index}].address")
        for index, recipient in enumerate(message.recipients)
        if _is_email(recipient.address)
    )


def _is_email(address: str) -> bool:
    return "@" in address


def _address(recipient: Recipient, field: str) -> Address:
    """An address for a header; the display name is RFC 2047 encoded when it is not ASCII."""
    addr_spec = _ascii_addr_spec(recipient.address, field)
    try:
        return Address(display_name=recipient.name or "", addr_spec=addr_spec)
    except (ValueError, IndexError) as error:  # email.errors.HeaderParseError is a ValueError
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


class SmtpChannel:
    """Sends e-mail through one SMTP server, one connection per message.

    Args:
        host: the server's name or address.
        port: by default 25, 587 or 465 for `security` none, starttls and ssl.
        security: how the connection is protected; ``none`` sends credentials in clear
            text, for a relay on the same machine only.
        username: log in as this user (with `password`: both or neither).
        password: the password of `username`.
        timeout: seconds to wait for the server at each step.
        from_address: send from this address instead of the message's sender.
        local_hostname: the name given in EHLO; by default this machine's FQDN.
        ssl_context: for TLS; by default the system's trusted certificates.
        clock: gives the Date of each message; by default the current time in UTC.

    Raises:
        PluginError: the settings contradict each other or are not valid.

    Examples:
        >>> SmtpChannel.from_url("smtp://relay.example?security=none")
        SmtpChannel(host='relay.example', port=25, security='none', username=None)
    """

    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        security: Security = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        from_address: str | None = None,
        local_hostname: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        _check_settings(host, port, security, username, password)
        _check_options(timeout, from_address, local_hostname, clock)
        self.host = host
        self.port = _DEFAULT_PORTS[security] if port is None else port
        self.security: Security = security
        self.username = username
        self._password = password
        self.timeout = timeout
        self.from_address = from_address
        self.local_hostname = local_hostname
        self._ssl_context = ssl_context
        self._clock = clock or _utc_now

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        environ: Mapping[str, str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> SmtpChannel:
        """A channel from ``smtp://[user@]host[:port][?security=...&timeout=...&from=...]``.

        ``smtps://`` means ``security=ssl`` (port 465). The password is never part of the
        URL, which ends up in shell histories, process lists and logs: it is read from the
        ``PAYCHASE_SMTP_PASSWORD`` environment variable when the URL names a user.

        Args:
            url: the server, as above; the user name may be percent-encoded
                (``me%40studio.example@mail.example``).
            environ: where to read the password; by default the process environment.
            ssl_context: as for the constructor.
            clock: as for the constructor.

        Raises:
            PluginError: the URL is not valid, contains a password, or names a user while
                ``PAYCHASE_SMTP_PASSWORD`` is not set.

        Examples:
            >>> channel = SmtpChannel.from_url("smtps://me%40studio.example@mail.example",
            ...     environ={"PAYCHASE_SMTP_PASSWORD": "secret"})
            >>> channel.port, channel.security, channel.username
            (465, 'ssl', 'me@studio.example')
        """
        parts = urlsplit(url)
        if parts.password is not None:
            raise PluginError(
                f"do not put the password in the URL (it ends up in logs and shell "
                f"histories): set {PASSWORD_VARIABLE} instead",
                field="smtp_url",
                value=_redacted(url),
            )
        if parts.scheme not in ("smtp", "smtps"):
            raise PluginError("the scheme must be smtp or smtps", field="smtp_url", value=url)
        if not parts.hostname or parts.path not in ("", "/") or parts.fragment:
            raise PluginError(
                "expected smtp://[user@]host[:port][?security=...]", field="smtp_url", value=url
            )
        options = _url_options(parts.query, url)
        security = _url_security(parts.scheme, options.get("security"), url)
        username = unquote(parts.username) if parts.username else None
        return cls(
            parts.hostname,
            _url_port(parts, url),
            security=security,
            username=username,
            password=_url_password(username, os.environ if environ is None else environ),
            timeout=_url_timeout(options.get("timeout"), url),
            from_address=options.get("from"),
            ssl_context=ssl_context,
            clock=clock,
        )

    def __repr__(self) -> str:
        return (
            f"SmtpChannel(host={self.host!r}, port={self.port!r}, security={self.security!r}, "
            f"username={self.username!r})"
        )

    def send(self, message: Message, /) -> Receipt:
        """Hand `message` to the server and say what it answered; never raises for that."""
        try:
            mail = email_message(message, date=self._clock(), from_address=self.from_address)
        except InvalidCaseError as error:
            return Receipt(status="failed", error=str(error))
        sender, recipients = envelope(message, from_address=self.from_address)
        if not recipients:
            return Receipt(status="failed", error="no address for this channel")
        try:
            refused = self._transmit(sender.addr_spec, [r.addr_spec for r in recipients], mail)
        except (smtplib.SMTPException, OSError) as error:  # SMTPException is an OSError
            return self._failure(error)
        return Receipt(
            status="delivered",
            provider_id=str(mail["Message-ID"]),
            error=f"refused by the server: {_refusals(refused)}" if refused else None,
        )

    def _transmit(
        self, sender: str, recipients: list[str], mail: EmailMessage
    ) -> dict[str, tuple[int, bytes]]:
        """Deliver over one connection; the recipients the server refused (others took it)."""
        smtp = self._connect()
        try:
            if self.security == "starttls":
                smtp.starttls(context=self._context())
            if self.username is not None:
                _login(smtp, self.username, self._password or "")
            refused = smtp.sendmail(sender, recipients, mail.as_bytes())
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            _quit(smtp)  # the server is still talking: say goodbye
            raise
        except BaseException:
            smtp.close()  # the connection is broken or timed out: a QUIT would wait again
            raise
        _quit(smtp)  # after the server took the message, nothing can make it undelivered
        return refused

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
                context=self._context(),
            )
        return smtplib.SMTP(
            self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout
        )

    def _context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    def _failure(self, error: smtplib.SMTPException | OSError) -> Receipt:
        """The receipt for a send that went wrong: bounced, or failed (transient or not)."""
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            return _all_refused(error.recipients)
        if isinstance(error, smtplib.SMTPAuthenticationError):
            reply = _reply(error.smtp_code, error.smtp_error)
            return Receipt(
                status="failed",
                error=f"login refused ({reply}): check the SMTP user name and password",
                transient=_is_transient(error.smtp_code),
            )
        if isinstance(error, smtplib.SMTPResponseException):
            code = error.smtp_code
            return Receipt(
                status="failed",
                error=_reply(code, error.smtp_error),
                transient=_is_transient(code),
            )
        if isinstance(error, smtplib.SMTPServerDisconnected):
            return Receipt(status="failed", error=f"the server hung up: {error}", transient=True)
        if isinstance(error, smtplib.SMTPNotSupportedError):
            return Receipt(
                status="failed",
                error=f"{error}: for a relay without TLS, say security=none "
                "(smtp://HOST:PORT?security=none)",
            )
        if isinstance(error, ssl.SSLCertVerificationError):
            return Receipt(
                status="failed", error=f"the server's certificate is not trusted: {error}"
            )
        if isinstance(error, ssl.SSLError):
            return Receipt(status="failed", error=f"TLS failed: {error} (check security/port)")
        if isinstance(error, smtplib.SMTPException):
            return Receipt(status="failed", error=str(error))
        where = f"{self.host}:{self.port}"
        reason = error.strerror or str(error) or type(error).__name__
        return Receipt(status="failed", error=f"cannot reach {where}: {reason}", transient=True)


def _check_settings(
    host: str, port: int | None, security: str, username: str | None, password: str | None
) -> None:
    if not isinstance(host, str) or not host or not host.isprintable() or " " in host:
        raise PluginError("not an SMTP host name or address", field="host", value=host)
    if security not in get_args(Security):
        raise PluginError("must be none, starttls or ssl", field="security", value=security)
    if port is not None and (type(port) is not int or not 0 < port < 65536):
        raise PluginError("not a TCP port", field="port", value=port)
    for field, text in (("username", username), ("password", password)):
        if text is not None and not isinstance(text, str):
            raise PluginError("must be text", field=field, value=type(text).__name__)
    if (username is None) != (password is None):
        raise PluginError(
            "give both a user name and a password, or neither",
            field="password" if password is None else "username",
        )


def _check_options(
    timeout: float, from_address: str | None, local_hostname: str | None, clock: object
) -> None:
    if type(timeout) not in (int, float) or not 0 < timeout < float("inf"):
        raise PluginError("a number of seconds, more than 0", field="timeout", value=timeout)
    for field, text in (("from_address", from_address), ("local_hostname", local_hostname)):
        if text is not None and (not isinstance(text, str) or not text.isprintable()):
            raise PluginError("must be text on one line", field=field, value=text)
    if clock is not None and not callable(clock):
        raise PluginError("must be callable", field="clock", value=type(clock).__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """Log in; credentials with non-ASCII letters (``zażółć``) go by AUTH PLAIN in UTF-8.

    smtplib encodes every AUTH response as ASCII, so ``login()`` raises UnicodeEncodeError
    for them (CPython gh-73936, still open); RFC 4616 §2 defines PLAIN's fields as UTF-8.
    """
    if username.isascii() and password.isascii():
        smtp.login(username, password)
        return
    smtp.ehlo_or_helo_if_needed()
    offered = (smtp.esmtp_features.get("auth") or "").upper().split()
    if "PLAIN" not in offered:
        raise smtplib.SMTPNotSupportedError(
            "the server does not offer AUTH PLAIN, needed for a non-ASCII user name or password"
        )
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, reply)


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _is_transient(code: int) -> bool:
    """RFC 5321 §4.2.1: 4yz is a transient negative completion, 5yz a permanent one."""
    return 400 <= code < 500


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}"


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{address}: {_reply(*reply)}" for address, reply in refused.items())


def _all_refused(refused: Mapping[str, tuple[int, bytes]]) -> Receipt:
    """Every recipient refused: a bounce when all refusals are permanent, else try again."""
    text = _refusals(refused)
    if any(_is_transient(code) for code, _ in refused.values()):
        return Receipt(status="failed", error=text, transient=True)
    return Receipt(status="bounced", error=text)


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    user = f"{parts.username}:***@" if parts.username is not None else ":***@"
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=user + host).geturl()


def _url_options(query: str, url: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise PluginError("cannot read the query", field="smtp_url", value=url) from None
    options = dict(pairs)
    unknown = sorted(set(options) - {"security", "timeout", "from"})
    if unknown or len(options) != len(pairs):
        raise PluginError(
            "the query takes security, timeout and from, each once",
            field="smtp_url",
            value=url,
        )
    return options


def _url_security(scheme: str, given: str | None, url: str) -> Security:
    if scheme == "smtps":
        if given not in (None, "ssl"):
            raise PluginError("smtps:// is security=ssl", field="smtp_url", value=url)
        return "ssl"
    wanted = given or "starttls"
    for security in _DEFAULT_PORTS:
        if security == wanted:
            return security
    raise PluginError("security must be none, starttls or ssl", field="smtp_url", value=url)


def _url_port(parts: SplitResult, url: str) -> int | None:
    try:
        return parts.port
    except ValueError:
        raise PluginError("not a valid port", field="smtp_url", value=url) from None


def _url_timeout(given: str | None, url: str) -> float:
    if given is None:
        return 30.0
    try:
        timeout = float(given)
    except ValueError:
        timeout = 0.0
    if not 0 < timeout < float("inf"):
        raise PluginError("timeout must be a number of seconds", field="smtp_url", value=url)
    return timeout


def _url_password(username: str | None, environ: Mapping[str, str]) -> str | None:
    if username is None:
        return None
    password = environ.get(PASSWORD_VARIABLE)
    if password is None:
        raise PluginError(
            f"the URL names a user: set {PASSWORD_VARIABLE} to the password",
            field=PASSWORD_VARIABLE,
        )
    return password
