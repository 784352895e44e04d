"""Channels and a crash-prone runner for the delivery tests; importable by child processes."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from datetime import datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

from paychase import load_case
from paychase.delivery._runner import Runner
from paychase.delivery._smtp import SmtpChannel
from paychase.messages import Message
from paychase.messages._message import Receipt
from paychase.store._sqlite import SqliteStore

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "portfolio.json")


class Collector:
    """An aiosmtpd handler keeping the action key of every message it accepts."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content = envelope.original_content or b""
        self.keys.append(str(message_from_bytes(content)["X-Paychase-Key"]))
        return "250 OK"


class SlowToAnswer(Collector):
    """Keeps every message, but answers the end of one message's data only after `delay`."""

    def __init__(self, slow_key: str, delay: float) -> None:
        super().__init__()
        self.slow_key, self.delay = slow_key, delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        reply = await super().handle_DATA(server, session, envelope)
        if self.keys[-1] == self.slow_key:
            await asyncio.sleep(self.delay)
        return reply


def free_port() -> int:
    """A TCP port nobody listens on now, on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoggingChannel:
    """Delivers by appending the action key to a log file: one line per real send."""

    def __init__(self, log: Path, bounce: frozenset[str] = frozenset()) -> None:
        self.log = log
        self.bounce = bounce

    def send(self, message: Message, /) -> Receipt:
        if any(r.address in self.bounce for r in message.recipients):
            return Receipt(status="bounced", error="550 no such mailbox")
        with self.log.open("a", encoding="utf-8") as log:
            log.write(message.key + "\n")
            log.flush()
            os.fsync(log.fileno())
        return Receipt(status="delivered", provider_id=message.key)


def sent_keys(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


class _DyingStore(SqliteStore):
    """A store whose process dies at the n-th call of one operation: a crash, not an error."""

    def __init__(self, path: str, operation: str, n: int) -> None:
        super().__init__(path)
        self.operation, self.left = operation, n

    def _maybe_die(self, operation: str) -> None:
        if operation == self.operation:
            self.left -= 1
            if self.left == 0:
                os._exit(137)  # no cleanup, no flush: as a SIGKILL would leave it

    def claim(self, key: str, /, **kwargs: object) -> bool:  # type: ignore[override]
        won = super().claim(key, **kwargs)  # type: ignore[arg-type]
        self._maybe_die("after_claim")
        return won

    def complete(self, key: str, /, **kwargs: object) -> None:  # type: ignore[override]
        self._maybe_die("before_complete")
        super().complete(key, **kwargs)  # type: ignore[arg-type]


def logging_run(db: str, log: str, now: str) -> None:
    """One run on `db`, delivering e-mail and SMS by appending to `log` (for child processes)."""
    with SqliteStore(db) as store:
        channel = LoggingChannel(Path(log))
        Runner(store=store, channels={"email": channel, "sms": channel}).run(
            load_case(EXAMPLE), now=datetime.fromisoformat(now)
        )


def crashing_run(arguments: list[str]) -> None:
    """Run once over SMTP, dying at the n-th `operation` (or not, when n is 0).

    Arguments: database, case file, moment, SMTP port, operation, n.
    """
    db, case_path, now, port, operation, n = arguments
    store = _DyingStore(db, operation, int(n)) if int(n) else SqliteStore(db)
    channel = SmtpChannel("127.0.0.1", int(port), security="none")
    runner = Runner(store=store, channels={"email": channel}, stale_after=timedelta(0))
    runner.run(load_case(case_path), now=datetime.fromisoformat(now))
    store.close()


if __name__ == "__main__":
    crashing_run(sys.argv[1:])
