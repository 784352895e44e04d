"""The SMTP channel: hands a `Message`'s e-mail bytes to one server and says what it answered.

`SmtpChannel` owns the conversation with one server (TLS, login, one connection per message)
and the mapping of everything that can go wrong into a `Receipt`: a refused recipient is a
bounce, a 4xx reply or an unreachable server a transient failure, a 5xx a permanent one. The
bytes themselves are `paychase.delivery._email`'s.
"""

from __future__ import annotations

import base64
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Literal, get_args
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from paychase.delivery._email import email_bytes, email_message, envelope
from paychase.errors import InvalidCaseError, PluginError
from paychase.messages._message import Message, Receipt

__all__ = ["PASSWORD_VARIABLE", "Security", "SmtpChannel"]

Security = Literal["none", "starttls", "ssl"]
"""``none``: plain text (a relay on localhost); ``starttls``: upgrade on 587; ``ssl``: on 465."""

PASSWORD_VARIABLE = "PAYCHASE_SMTP_PASSWORD"
"""The environment variable `SmtpChannel.from_url` reads the password from."""

_DEFAULT_PORTS: dict[Security, int] = {"none": 25, "starttls": 587, "ssl": 465}


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
        """Hand `message` to the server and say what it answered; never raises for that.

        A failure before the message was handed over (no connection, a refused sender or
        recipient, a 4xx reply) is a failed receipt, transient where a later try may work. A
        failure after the whole message was handed over — the reply to it lost to a timeout
        or a hang-up — is ``uncertain``: the server may have it, so it must not be sent again
        on its own (RFC 5321 §4.1.1.4: the reply to the end of the data is what commits it).
        """
        try:
            mail = email_message(message, date=self._clock(), from_address=self.from_address)
            sender, recipients = envelope(message, from_address=self.from_address)
            data = email_bytes(mail)
        except InvalidCaseError as error:
            return Receipt(status="failed", error=str(error))
        if not recipients:
            return Receipt(status="failed", error="no address for this channel")
        conversation = _Conversation()
        try:
            refused = self._transmit(
                sender.addr_spec, [r.addr_spec for r in recipients], data, conversation
            )
        except (smtplib.SMTPException, OSError) as error:  # SMTPException is an OSError
            if conversation.handed_over and not isinstance(error, smtplib.SMTPResponseException):
                return Receipt(
                    status="uncertain",
                    error=f"the message was handed over but the server's answer was lost "
                    f"({type(error).__name__}: {error}): check the mailbox before sending again",
                )
            return self._failure(error)
        return Receipt(
            status="delivered",
            provider_id=str(mail["Message-ID"]),
            error=f"refused by the server: {_refusals(refused)}" if refused else None,
        )

    def _transmit(
        self, sender: str, recipients: list[str], data: bytes, conversation: _Conversation
    ) -> dict[str, tuple[int, bytes]]:
        """Deliver over one connection; the recipients the server refused (others took it)."""
        smtp = self._connect()
        try:
            if self.security == "starttls":
                smtp.starttls(context=self._context())
            if self.username is not None:
                _login(smtp, self.username, self._password or "")
            refused = _send_mail(smtp, sender, recipients, data, conversation)
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


class _Conversation:
    """How far one SMTP conversation got: whether the whole message went to the server."""

    __slots__ = ("handed_over",)

    def __init__(self) -> None:
        self.handed_over = False


def _send_mail(
    smtp: smtplib.SMTP,
    sender: str,
    recipients: list[str],
    data: bytes,
    conversation: _Conversation,
) -> dict[str, tuple[int, bytes]]:
    """MAIL, RCPT and DATA as `smtplib.SMTP.sendmail` speaks them, marking the hand-over.

    The hand-over is the moment the whole message, ended by ``<CRLF>.<CRLF>``, has gone to the
    server. From then on a lost reply leaves the message possibly delivered: ``sendmail``
    cannot tell that moment apart from an earlier failure, so this says it.
    """
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = smtp.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    # RFC 5321 §4.5.2: a line starting with a period gets another; the data ends with CRLF.CRLF.
    body = re.sub(rb"(?m)^\.", b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body + b".\r\n")
    conversation.handed_over = True
    code, reply = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)
    return refused
