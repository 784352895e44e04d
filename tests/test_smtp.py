"""SmtpChannel against a real SMTP server (aiosmtpd on 127.0.0.1), and `email_message`."""

from __future__ import annotations

import datetime as dt
import email
import functools
import ipaddress
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

import paychase
import paychase.messages
from paychase import InvalidCaseError, PluginError
from paychase.delivery._channel import CheckableChannel, DeliveryChannel
from paychase.delivery._email import email_bytes, email_message
from paychase.delivery._outbox import FileOutbox
from paychase.delivery._smtp import PASSWORD_VARIABLE, SmtpChannel
from paychase.messages import Attachment, Message, Recipient

REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n" + bytes(range(256)) + b"\n%%EOF\n"  # every byte value, CR and LF included


def _document(invoice: paychase.Invoice) -> Attachment:
    return Attachment(
        filename=f"Faktura {invoice.id} żółć.pdf", content_type="application/pdf", data=PDF
    )


CASE = paychase.load_case(REPO / "examples" / "portfolio.json")
ACTIONS = paychase.plan(CASE, now=None).actions
RENDERER = paychase.messages.Renderer(documents=_document)


@functools.cache  # compiling templates is the slow part; messages are frozen
def rendered(key_prefix: str) -> Message:
    """The message of the example's action whose key starts with `key_prefix`."""
    action = next(a for a in ACTIONS if a.key.startswith(key_prefix))
    return RENDERER.render(CASE, action)


POLISH = "nowak-2025/pl-2026-021/polite/"  # Polish subject, sender "Marta Zielińska"
GREEK = "papadopoulou-site/gr-2026-131/pre_due/"  # Greek subject
ATTACHED = "lindner-2026/de-2026-007+de-2026-008/with_fee/"  # attaches both invoices
SMS = "harrow-retainer/gb-0042/polite/"  # a phone number, no e-mail address


# --- the server -----------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    authenticated: bool

    def parsed(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """An aiosmtpd handler: keeps what arrives, answers RCPT and DATA as told."""

    received: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_reply: str = "250 2.0.0 Message accepted for delivery"

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        reply = self.rcpt_replies.get(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        if self.data_reply.startswith("250"):
            content = envelope.original_content or b""
            self.received.append(
                Received(
                    str(envelope.mail_from),
                    list(envelope.rcpt_tos),
                    content,
                    bool(session.authenticated),
                )
            )
        return self.data_reply


@dataclass
class Server:
    port: int
    recorder: Recorder

    def channel(self, **options: Any) -> SmtpChannel:
        options.setdefault("security", "none")
        return SmtpChannel("127.0.0.1", self.port, **_fast(options))


def _fast(options: dict[str, Any]) -> dict[str, Any]:
    """Fixed clock, short timeout, no FQDN lookup (socket.getfqdn can take seconds)."""
    return {"clock": lambda: NOW, "timeout": 5.0, "local_hostname": "client.test", **options}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


USER, PASSWORD = "marta", "zażółć gęślą jaźń"  # smtplib's login() cannot send this one
ACCOUNTS = {USER: PASSWORD, "ops": "plain-ascii-secret"}


def authenticator(
    server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and ACCOUNTS.get(
        auth_data.login.decode("utf-8")
    ) == auth_data.password.decode("utf-8")
    return AuthResult(success=good, handled=False)


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    controllers: list[Controller] = []

    def start(**options: Any) -> Server:
        recorder = Recorder()
        port = free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
        controller.start()
        controllers.append(controller)
        return Server(port, recorder)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def server(start_server: Callable[..., Server]) -> Server:
    return start_server()


# --- what arrives -----------------------------------------------------------------------------


def test_the_channel_is_a_delivery_channel_that_cannot_check() -> None:
    channel = SmtpChannel("mail.example")
    assert isinstance(channel, DeliveryChannel)
    assert not isinstance(channel, CheckableChannel)


def test_message_arrives_with_its_headers(server: Server) -> None:
    message = rendered(POLISH)
    receipt = server.channel().send(message)
    assert receipt.status == "delivered", receipt
    assert receipt.provider_id == message.header("Message-ID")
    [got] = server.recorder.received
    assert got.mail_from == "marta@studio-lumen.example"
    assert got.rcpt_tos == ["biuro@pracownia-nowak.example"]
    mail = got.parsed()
    assert mail["From"] == "Studio Lumen — Marta Zielińska <marta@studio-lumen.example>"
    [to] = mail["To"].addresses
    assert (to.display_name, to.addr_spec) == (
        "Pracownia Nowak sp. z o.o.",
        "biuro@pracownia-nowak.example",
    )
    assert mail["Subject"] == message.subject == "Czy faktura nr FV/2026/02/021 dotarła do Państwa?"
    assert mail["Message-ID"] == message.header("Message-ID")
    assert mail["Content-Language"] == "pl"
    assert mail["X-Paychase-Key"] == message.key
    assert mail["Date"].datetime == NOW
    assert mail["Reply-To"] is None
    assert mail["Auto-Submitted"] is None  # replies are wanted
    assert got.content.isascii()  # 7-bit: no server needs 8BITMIME or SMTPUTF8


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_plain_and_html_parts_are_the_rendered_text(server: Server) -> None:
    message = rendered(POLISH)
    server.channel().send(message)
    mail = server.recorder.received[0].parsed()
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert _normalised(plain.get_content()) == message.text
    assert _normalised(html.get_content()) == message.html
    assert "Zielińska" in message.text


def test_attachments_arrive_with_their_names_and_bytes(server: Server) -> None:
    message = rendered(ATTACHED)
    assert len(message.attachments) == 2
    server.channel().send(message)
    mail = server.recorder.received[0].parsed()
    assert mail.get_content_type() == "multipart/mixed"
    assert mail["Content-Language"] == "de"  # kept on the whole message, not the first part
    parts = list(mail.iter_attachments())
    assert [p.get_filename() for p in parts] == [a.filename for a in message.attachments]
    assert all(p.get_content_type() == "application/pdf" for p in parts)
    assert all(p.get_content() == PDF for p in parts)
    plain = mail.get_body(("plain",))
    assert plain is not None
    assert _normalised(plain.get_content()) == message.text


def test_greek_subject_and_names_survive(server: Server) -> None:
    message = rendered(GREEK)
    greek = Recipient(name="Ελένη Παπαδοπούλου", address="eleni.papadopoulou@mail.example")
    message = message.model_copy(update={"recipients": (greek,)})
    assert server.channel().send(message).status == "delivered"
    mail = server.recorder.received[0].parsed()
    assert mail["Subject"] == message.subject
    assert mail["Subject"].startswith("Τιμολόγιο")
    assert mail["To"] == "Ελένη Παπαδοπούλου <eleni.papadopoulou@mail.example>"
    assert mail["Content-Language"] == "el"


def test_display_names_with_specials_are_quoted_not_split(server: Server) -> None:
    tricky = Recipient(name='Nowak, "Biuro" <ops>', address="biuro@pracownia-nowak.example")
    message = rendered(POLISH).model_copy(update={"recipients": (tricky,)})
    server.channel().send(message)
    got = server.recorder.received[0]
    assert got.rcpt_tos == ["biuro@pracownia-nowak.example"]
    [address] = got.parsed()["To"].addresses
    assert (address.display_name, address.addr_spec) == (tricky.name, tricky.address)


def test_the_bytes_sent_are_email_message_bytes(server: Server) -> None:
    message = rendered(ATTACHED)
    server.channel().send(message)
    expected = email_message(message, date=NOW).as_bytes()
    assert server.recorder.received[0].content.replace(b"\r\n", b"\n") == expected.replace(
        b"\r\n", b"\n"
    )


def test_from_address_sends_as_the_account_and_replies_reach_the_sender(server: Server) -> None:
    message = rendered(POLISH)
    server.channel(from_address="robot@relay.example").send(message)
    got = server.recorder.received[0]
    assert got.mail_from == "robot@relay.example"
    mail = got.parsed()
    assert mail["From"] == "Studio Lumen — Marta Zielińska <robot@relay.example>"
    assert mail["Reply-To"] == "Studio Lumen — Marta Zielińska <marta@studio-lumen.example>"


def test_international_domains_are_sent_in_idna(server: Server) -> None:
    german = Recipient(name="Müller", address="post@bücher.example")
    message = rendered(POLISH).model_copy(update={"recipients": (german,)})
    assert server.channel().send(message).status == "delivered"
    got = server.recorder.received[0]
    assert got.rcpt_tos == ["post@xn--bcher-kva.example"]


# --- what cannot be sent ----------------------------------------------------------------------


def test_a_message_without_an_email_address_fails_without_connecting() -> None:
    message = rendered(SMS)
    assert message.recipients  # it has a phone number
    channel = SmtpChannel("127.0.0.1", free_port(), security="none", **_fast({}))
    receipt = channel.send(message)
    assert (receipt.status, receipt.error, receipt.transient) == (
        "failed",
        "no address for this channel",
        False,
    )


def test_a_message_without_a_sender_fails_naming_the_fix(server: Server) -> None:
    message = rendered(POLISH).model_copy(update={"sender": None})
    receipt = server.channel().send(message)
    assert receipt.status == "failed"
    assert not receipt.transient
    assert "from_address" in (receipt.error or "")
    assert server.recorder.received == []
    assert server.channel(from_address="me@studio.example").send(message).status == "delivered"


def test_a_non_ascii_mailbox_fails_permanently(server: Server) -> None:
    message = rendered(POLISH).model_copy(
        update={"recipients": (Recipient(address="żółw@pracownia.example"),)}
    )
    receipt = server.channel().send(message)
    assert (receipt.status, receipt.transient) == ("failed", False)
    assert "SMTPUTF8" in (receipt.error or "")


ENCODED_WORDS = [
    pytest.param("recipients", "=?utf-8?q?Evil=0D=0ABcc=3A_evil=40x.example?=", id="name-q"),
    pytest.param("recipients", "=?utf-8?b?RXZpbA0KQmNjOiBldmlsQHguZXhhbXBsZQ==?=", id="name-b"),
    pytest.param("cc", "=?utf-8?q?Evil=0D=0ABcc=3A_evil=40x.example?=", id="cc-name"),
    pytest.param("subject", "Invoice =?utf-8?q?=0D=0ABcc:evil@x.example?=", id="subject"),
    pytest.param("sender", "=?utf-8?q?S=0D=0AReply-To:_attacker=40x.example?=", id="sender"),
]


# Pythons without the CVE-2024-6923 fix write a decoded CR LF into a header unquoted.
INJECTS = sys.version_info < (3, 11, 10) or (3, 12) <= sys.version_info < (3, 12, 5)


def _with_encoded_word(message: Message, where: str, text: str) -> Message:
    """`message` with `text` in one header-bound field, past the checks a case file gets."""
    if where == "recipients":
        recipient = message.recipients[0].model_copy(update={"name": text})
        return message.model_copy(update={"recipients": (recipient,)})
    if where == "cc":
        copy = Recipient(name=text, address="copy@client.example")
        return message.model_copy(update={"cc": (copy,)})
    if where == "sender":
        assert message.sender is not None
        return message.model_copy(
            update={"sender": message.sender.model_copy(update={"name": text})}
        )
    return message.model_copy(update={"subject": text})


def _header_names(content: bytes) -> list[str]:
    block = content.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].split(b"\n")
    return [line.split(b":", 1)[0].decode().lower() for line in block if line[:1] not in b" \t"]


@pytest.mark.parametrize(("where", "text"), ENCODED_WORDS)
def test_an_encoded_word_never_adds_a_header(server: Server, where: str, text: str) -> None:
    """CVE-2024-6923: on 3.11 < 3.11.10 the email package writes a decoded CR LF unquoted."""
    message = _with_encoded_word(rendered(POLISH), where, text)
    receipt = server.channel().send(message)
    for got in server.recorder.received:
        assert "bcc" not in _header_names(got.content)
        assert _header_names(got.content).count("reply-to") <= 1
    if INJECTS:  # this Python injects: the check must refuse it
        assert (receipt.status, receipt.transient) == ("failed", False)
        assert "encoded word" in (receipt.error or "")
        assert server.recorder.received == []


@pytest.mark.parametrize(("where", "text"), ENCODED_WORDS)
def test_an_encoded_word_never_adds_a_header_to_an_outbox_file(
    tmp_path: Path, where: str, text: str
) -> None:
    """The outbox's .eml files may be sent with ``sendmail -t``: an injected Bcc would go."""
    outbox = tmp_path / "outbox"
    receipt = FileOutbox(outbox).send(_with_encoded_word(rendered(POLISH), where, text))
    written = list(outbox.glob("*.eml"))
    for path in written:
        assert "bcc" not in _header_names(path.read_bytes())
        assert _header_names(path.read_bytes()).count("reply-to") <= 1
    if INJECTS:  # this Python injects: the check must refuse it
        assert (receipt.status, receipt.transient) == ("failed", False)
        assert "encoded word" in (receipt.error or "")
        assert written == []


def test_contacts_by_role_reach_their_recipients_to_and_cc(server: Server) -> None:
    """A suspension notice goes to accounts, copied to the account manager (issue 16)."""
    case = paychase.load_case(REPO / "examples" / "contacts.json")
    action = next(a for a in paychase.plan(case, now=None).actions if a.step == "suspend")
    message = RENDERER.render(case, action)
    receipt = server.channel().send(message)
    assert receipt.status == "delivered", receipt
    [got] = server.recorder.received
    assert got.rcpt_tos == ["ap@cloudy.example", "kim@cloudy.example"]
    mail = got.parsed()
    assert [(a.display_name, a.addr_spec) for a in mail["To"].addresses] == [
        ("Accounts payable", "ap@cloudy.example")
    ]
    assert [(a.display_name, a.addr_spec) for a in mail["Cc"].addresses] == [
        ("Kim Hart", "kim@cloudy.example")
    ]
    assert mail["Bcc"] is None


def test_a_refused_copy_still_delivers_to_the_addressee(server: Server) -> None:
    case = paychase.load_case(REPO / "examples" / "contacts.json")
    action = next(a for a in paychase.plan(case, now=None).actions if a.step == "suspend")
    server.recorder.rcpt_replies["kim@cloudy.example"] = "550 5.1.1 no such mailbox"
    receipt = server.channel().send(RENDERER.render(case, action))
    assert receipt.status == "delivered"
    assert "kim@cloudy.example: 550" in (receipt.error or "")
    [got] = server.recorder.received
    assert got.rcpt_tos == ["ap@cloudy.example"]


class _Injected(EmailMessage):
    """An e-mail whose serialiser adds a line it was not given, as a vulnerable Python does."""

    def as_bytes(self, unixfrom: bool = False, policy: Any = None) -> bytes:
        head, body = super().as_bytes(unixfrom, policy).split(b"\r\n\r\n", 1)
        return head + b"\r\nBcc: evil@x.example\r\n\r\n" + body


def test_a_header_the_message_was_not_given_is_refused_on_any_python() -> None:
    mail = email_message(rendered(POLISH), date=NOW)
    mail.__class__ = _Injected
    with pytest.raises(InvalidCaseError, match=r"headers it was not given \(bcc\)"):
        email_bytes(mail)


def test_a_name_too_long_to_fold_is_refused_before_the_server(server: Server) -> None:
    """RFC 5322 §2.1.1: no line over 998 octets; a 2 000-letter name cannot be folded."""
    message = _with_encoded_word(rendered(POLISH), "recipients", "N" * 2000)
    receipt = server.channel().send(message)
    assert (receipt.status, receipt.transient) == ("failed", False)
    assert "998 octets" in (receipt.error or "")
    assert server.recorder.received == []


def test_long_headers_are_folded_within_the_limit(server: Server) -> None:
    name = " ".join(["Wojewódzki Ośrodek Ruchu Drogowego"] * 20)  # foldable at its spaces
    message = _with_encoded_word(rendered(POLISH), "recipients", name)
    assert server.channel().send(message).status == "delivered"
    content = server.recorder.received[0].content
    head = content.split(b"\r\n\r\n", 1)[0]
    assert max(len(line) for line in head.split(b"\r\n")) <= 78
    # RFC 2047 §6.2 decoding (the modern parser puts spaces between adjacent encoded words)
    raw = email.message_from_bytes(content, policy=policy.compat32)["To"]
    assert str(make_header(decode_header(raw))) == f"{name} <biuro@pracownia-nowak.example>"


def test_a_malformed_address_is_a_failed_receipt_not_an_uncertain_send(server: Server) -> None:
    """email's HeaderParseError is no ValueError: once it escaped, the runner said uncertain."""
    bad = Recipient(address="<evil@x.example>victim@client.example")
    message = rendered(POLISH).model_copy(update={"recipients": (bad,)})
    receipt = server.channel().send(message)
    assert (receipt.status, receipt.transient) == ("failed", False)
    assert "not an e-mail address" in (receipt.error or "")
    assert server.recorder.received == []


# --- what the server says ---------------------------------------------------------------------


def test_a_refused_recipient_bounces_with_the_servers_words(server: Server) -> None:
    server.recorder.rcpt_replies["biuro@pracownia-nowak.example"] = "550 5.1.1 No such mailbox"
    receipt = server.channel().send(rendered(POLISH))
    assert receipt.status == "bounced"
    assert "550 5.1.1 No such mailbox" in (receipt.error or "")
    assert server.recorder.received == []


def test_a_temporarily_refused_recipient_is_a_transient_failure(server: Server) -> None:
    server.recorder.rcpt_replies["biuro@pracownia-nowak.example"] = "451 4.3.0 Try again later"
    receipt = server.channel().send(rendered(POLISH))
    assert (receipt.status, receipt.transient) == ("failed", True)
    assert "451 4.3.0 Try again later" in (receipt.error or "")


def test_one_refused_recipient_of_two_is_delivered_with_a_note(server: Server) -> None:
    gone = Recipient(name="Old", address="old@pracownia-nowak.example")
    message = rendered(POLISH)
    message = message.model_copy(update={"recipients": (*message.recipients, gone)})
    server.recorder.rcpt_replies[gone.address] = "550 5.1.1 Gone"
    receipt = server.channel().send(message)
    assert receipt.status == "delivered"
    assert "old@pracownia-nowak.example: 550 5.1.1 Gone" in (receipt.error or "")
    assert server.recorder.received[0].rcpt_tos == ["biuro@pracownia-nowak.example"]


@pytest.mark.parametrize(
    ("reply", "transient"),
    [("554 5.7.1 Rejected as spam", False), ("452 4.3.1 Insufficient storage", True)],
)
def test_a_refused_message_is_a_failure(server: Server, reply: str, transient: bool) -> None:
    server.recorder.data_reply = reply
    receipt = server.channel().send(rendered(POLISH))
    assert (receipt.status, receipt.transient) == ("failed", transient)
    assert reply in (receipt.error or "")


# --- logging in -------------------------------------------------------------------------------


@pytest.fixture
def auth_server(start_server: Callable[..., Server]) -> Server:
    return start_server(authenticator=authenticator, auth_require_tls=False)


@pytest.mark.parametrize("user", ACCOUNTS)
def test_good_credentials_deliver(auth_server: Server, user: str) -> None:
    channel = auth_server.channel(username=user, password=ACCOUNTS[user])
    assert channel.send(rendered(POLISH)).status == "delivered"
    assert auth_server.recorder.received[0].authenticated


@pytest.mark.parametrize("password", ["wrong", "zła hasło"])
def test_bad_credentials_fail_for_good(auth_server: Server, password: str) -> None:
    channel = auth_server.channel(username=USER, password=password)
    receipt = channel.send(rendered(POLISH))
    assert (receipt.status, receipt.transient) == ("failed", False)
    assert "535" in (receipt.error or "")
    assert "user name and password" in (receipt.error or "")
    assert auth_server.recorder.received == []


def test_the_password_is_not_in_the_repr() -> None:
    channel = SmtpChannel("mail.example", username=USER, password=PASSWORD)
    assert PASSWORD not in repr(channel)
    assert PASSWORD not in str(vars(channel).get("password"))


# --- what the network does --------------------------------------------------------------------


def test_a_closed_port_is_a_transient_failure() -> None:
    port = free_port()  # bound and released: nothing listens there
    receipt = SmtpChannel("127.0.0.1", port, security="none", **_fast({})).send(rendered(POLISH))
    assert (receipt.status, receipt.transient) == ("failed", True)
    assert f"127.0.0.1:{port}" in (receipt.error or "")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_a_server_that_never_answers_is_a_transient_failure(silent_port: int) -> None:
    channel = SmtpChannel("127.0.0.1", silent_port, security="none", **_fast({"timeout": 0.2}))
    receipt = channel.send(rendered(POLISH))
    assert (receipt.status, receipt.transient) == ("failed", True)


@pytest.fixture
def hanging_up_port() -> Iterator[int]:
    """A port that accepts one connection and closes it at once."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def hang_up() -> None:
            connection, _ = listener.accept()
            connection.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        yield listener.getsockname()[1]
        thread.join(timeout=5)


def test_a_server_that_hangs_up_is_a_transient_failure(hanging_up_port: int) -> None:
    channel = SmtpChannel("127.0.0.1", hanging_up_port, security="none", **_fast({}))
    receipt = channel.send(rendered(POLISH))
    assert (receipt.status, receipt.transient) == ("failed", True)
    assert "hung up" in (receipt.error or "")


# --- TLS --------------------------------------------------------------------------------------


def test_starttls_to_a_server_without_it_fails_naming_the_setting(server: Server) -> None:
    receipt = server.channel(security="starttls").send(rendered(POLISH))
    assert (receipt.status, receipt.transient) == ("failed", False)
    assert "STARTTLS" in (receipt.error or "")
    assert "security" in (receipt.error or "")


def test_implicit_tls_to_a_plain_server_fails_naming_the_setting(server: Server) -> None:
    receipt = server.channel(security="ssl").send(rendered(POLISH))
    assert (receipt.status, receipt.transient) == ("failed", False)
    assert "TLS" in (receipt.error or "")


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with `cryptography` (skipped without)."""
    reason = "the TLS tests make their certificate with cryptography, which is not installed"
    x509 = pytest.importorskip("cryptography.x509", reason=reason)
    hashes = pytest.importorskip("cryptography.hazmat.primitives.hashes", reason=reason)
    serialization = pytest.importorskip(
        "cryptography.hazmat.primitives.serialization", reason=reason
    )
    ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec", reason=reason)
    name_oid = x509.oid.NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(name_oid.COMMON_NAME, "127.0.0.1")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        .not_valid_after(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_starttls_with_a_trusted_certificate_delivers_and_logs_in(
    start_server: Callable[..., Server], tmp_path: Path
) -> None:
    cert_file, key_file = _self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    server = start_server(
        tls_context=server_context, require_starttls=True, authenticator=authenticator
    )
    trusting = ssl.create_default_context(cafile=str(cert_file))
    channel = server.channel(
        security="starttls", ssl_context=trusting, username=USER, password=PASSWORD
    )
    assert channel.send(rendered(POLISH)).status == "delivered"
    assert server.recorder.received[0].authenticated
    untrusting = server.channel(security="starttls", ssl_context=ssl.create_default_context())
    receipt = untrusting.send(rendered(POLISH))
    assert (receipt.status, receipt.transient) == ("failed", False)
    assert "certificate" in (receipt.error or "")


# --- from_url ---------------------------------------------------------------------------------

ENV = {PASSWORD_VARIABLE: "s3cret"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example", ("mail.example", 587, "starttls", None, 30.0, None)),
        ("smtp://mail.example:25?security=none", ("mail.example", 25, "none", None, 30.0, None)),
        ("smtp://127.0.0.1?security=none", ("127.0.0.1", 25, "none", None, 30.0, None)),
        ("smtps://mail.example", ("mail.example", 465, "ssl", None, 30.0, None)),
        (
            "smtps://me%40studio.example@Mail.Example:4650?security=ssl",
            ("mail.example", 4650, "ssl", "me@studio.example", 30.0, None),
        ),
        (
            "smtp://marta@mail.example:2525?security=starttls&timeout=7.5&from=robot@relay.example",
            ("mail.example", 2525, "starttls", "marta", 7.5, "robot@relay.example"),
        ),
    ],
)
def test_from_url_reads_the_settings(url: str, expected: tuple[Any, ...]) -> None:
    channel = SmtpChannel.from_url(url, environ=ENV)
    got = (
        channel.host,
        channel.port,
        channel.security,
        channel.username,
        channel.timeout,
        channel.from_address,
    )
    assert got == expected


def test_from_url_reads_the_password_from_the_environment(
    auth_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    channel = SmtpChannel.from_url(
        f"smtp://{USER}@127.0.0.1:{auth_server.port}?security=none&timeout=5",
        clock=lambda: NOW,
    )
    channel.local_hostname = "client.test"
    assert channel.send(rendered(POLISH)).status == "delivered"
    assert auth_server.recorder.received[0].authenticated


def test_from_url_rejects_a_password_without_repeating_it() -> None:
    with pytest.raises(PluginError, match=PASSWORD_VARIABLE) as caught:
        SmtpChannel.from_url("smtp://marta:hunter2@mail.example:587", environ=ENV)
    assert "hunter2" not in str(caught.value)
    assert "logs" in caught.value.problem


@pytest.mark.parametrize(
    "url",
    [
        "smtp://marta:@mail.example",  # an empty password is a password
        "http://mail.example",
        "smtp://",
        "smtp://mail.example/inbox",
        "smtp://mail.example:99999",
        "smtp://mail.example:port",
        "smtp://mail.example?security=tls",
        "smtps://mail.example?security=starttls",
        "smtp://mail.example?tls=yes",
        "smtp://mail.example?security=none&security=ssl",
        "smtp://mail.example?timeout=-1",
        "smtp://mail.example?timeout=soon",
    ],
)
def test_from_url_rejects_what_it_cannot_use(url: str) -> None:
    with pytest.raises(PluginError):
        SmtpChannel.from_url(url, environ=ENV)


def test_from_url_with_a_user_needs_the_password_variable() -> None:
    with pytest.raises(PluginError, match=PASSWORD_VARIABLE):
        SmtpChannel.from_url("smtp://marta@mail.example", environ={})


@pytest.mark.parametrize(
    "options",
    [
        {"username": "marta"},
        {"password": "s3cret"},
        {"security": "tls"},
        {"port": 0},
    ],
)
def test_contradictory_settings_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(PluginError):
        SmtpChannel("mail.example", **options)


# --- email_message ----------------------------------------------------------------------------


def test_email_message_needs_an_aware_date() -> None:
    with pytest.raises(ValueError, match="aware"):
        email_message(rendered(POLISH), date=dt.datetime(2026, 3, 10, 9, 30))  # noqa: DTZ001


def test_email_message_gives_the_same_bytes_for_the_same_message() -> None:
    message = rendered(ATTACHED)
    first = email_message(message, date=NOW).as_bytes()
    assert first == email_message(message, date=NOW).as_bytes()
    assert b"Auto-Submitted" not in first


def test_a_body_line_that_imitates_the_boundary_cannot_split_the_message() -> None:
    message = rendered(ATTACHED)
    boundary = email_message(message, date=NOW).get_boundary()
    assert boundary is not None
    forged = f"Hello\n--{boundary}\nContent-Type: text/html\n\n<script>x</script>\n"
    mail = email_message(message.model_copy(update={"text": forged}), date=NOW)
    assert mail.get_boundary() != boundary
    parsed = email.message_from_bytes(mail.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert len(list(parsed.iter_attachments())) == 2
    plain = parsed.get_body(("plain",))
    assert plain is not None
    assert _normalised(plain.get_content()) == forged


def test_header_lookalikes_in_the_messages_headers_cannot_add_recipients() -> None:
    message = rendered(POLISH)
    message = message.model_copy(
        update={"headers": (*message.headers, ("Bcc", "spy@evil.example"), ("X-Extra", "kept"))}
    )
    mail = email_message(message, date=NOW)
    assert mail["Bcc"] is None
    assert mail["X-Extra"] == "kept"
