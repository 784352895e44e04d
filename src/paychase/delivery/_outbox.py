"""The file outbox: a channel that writes each message to a directory instead of sending it.

For each message it writes ``<stem>.eml`` (the RFC 5322 bytes `SmtpChannel` would send, to
open in a mail client or hand to another tool) and ``<stem>.json`` (the `Message` itself).
Both are written atomically and the ``.json`` last, so its presence is the commit marker
`FileOutbox.lookup` trusts: a crash between the two leaves a message that was not sent.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from paychase._files import write_bytes_atomically, write_text_atomically
from paychase.delivery._email import email_bytes, email_message
from paychase.errors import InvalidCaseError, PluginError
from paychase.messages._message import Message, Receipt

__all__ = ["FileOutbox", "outbox_stem"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
# File names are at most 255 bytes on common file systems; leave room for the suffixes and
# the temporary files' ".<name>.<random>.tmp".
_READABLE_LENGTH = 120
# Running out of space or quota may pass; a missing permission or a read-only disk will not.
_TRANSIENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EAGAIN, errno.EINTR})


def outbox_stem(key: str) -> str:
    """The file name stem of an action key: readable, and different for different keys.

    Characters outside ``[A-Za-z0-9_.-]`` become ``_``, so ``a/b`` and ``a+b`` would meet;
    a hash of the whole key keeps them apart.

    >>> outbox_stem("nowak-2025/pl-2026-021/polite/1")
    'nowak-2025_pl-2026-021_polite_1-a00a99733658b493'
    """
    readable = _UNSAFE.sub("_", key)[:_READABLE_LENGTH].lstrip(".") or "_"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{readable}-{digest}"


class FileOutbox:
    """Writes messages to `directory` (created if missing) as ``.eml`` and ``.json`` files.

    Args:
        directory: where the files go.
        from_address: as for `SmtpChannel`: send from this address instead of the sender's.
        clock: gives the Date of each message; by default the current time in UTC.

    Raises:
        PluginError: the directory cannot be created, or an argument is not what it says.
    """

    def __init__(
        self,
        directory: str | Path,
        *,
        from_address: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not isinstance(directory, str | os.PathLike):
            raise PluginError("not a directory path", field="outbox", value=directory)
        if from_address is not None and not (
            isinstance(from_address, str) and from_address.isprintable()
        ):
            raise PluginError("must be text on one line", field="from_address", value=from_address)
        if clock is not None and not callable(clock):
            raise PluginError("must be callable", field="clock", value=type(clock).__name__)
        self.directory = Path(directory)
        self.from_address = from_address
        self._clock = clock or _utc_now
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PluginError(
                f"cannot create the outbox: {error.strerror or error}",
                field="outbox",
                value=str(self.directory),
            ) from None

    def __repr__(self) -> str:
        return f"FileOutbox({str(self.directory)!r})"

    def paths(self, key: str) -> tuple[Path, Path]:
        """The ``.eml`` and ``.json`` files of the message with action key `key`."""
        stem = outbox_stem(key)
        return self.directory / f"{stem}.eml", self.directory / f"{stem}.json"

    def send(self, message: Message, /) -> Receipt:
        """Write `message`'s files, replacing any earlier ones for its key; the .eml is the id."""
        try:
            mail = email_message(message, date=self._clock(), from_address=self.from_address)
            data = email_bytes(mail)
        except InvalidCaseError as error:
            return Receipt(status="failed", error=str(error))
        eml, record = self.paths(message.key)
        try:
            write_bytes_atomically(eml, data)
            write_text_atomically(record, message.to_json())
        except OSError as error:
            return Receipt(
                status="failed",
                error=f"cannot write to the outbox: {error.strerror or error}",
                transient=error.errno in _TRANSIENT_ERRNOS,
            )
        return Receipt(status="delivered", provider_id=str(eml))

    def lookup(self, message: Message, /) -> Receipt | None:
        """Delivered if the outbox holds `message` (same key and Message-ID), else None."""
        eml, record = self.paths(message.key)
        try:
            stored = Message.model_validate_json(record.read_bytes())
        except (OSError, InvalidCaseError):  # absent, or not a message this outbox wrote
            return None
        same = stored.key == message.key and stored.header("Message-ID") == message.header(
            "Message-ID"
        )
        return Receipt(status="delivered", provider_id=str(eml)) if same else None


def _utc_now() -> datetime:
    return datetime.now(UTC)
