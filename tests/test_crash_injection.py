"""Crash injection: kill the runner process mid-run, restart it, count what a real SMTP server got.

Each scenario kills ``paychase``'s runner (``os._exit``, no cleanup — as SIGKILL or a power
cut would) at randomly chosen points: right after claiming a key, or after the SMTP server
accepted a message but before the outcome was recorded. The runner is then restarted until it
completes. The messages the server received must be exactly the messages due: none missing,
none twice. A message whose outcome was lost is left ``uncertain`` (SMTP cannot be asked), and
still was received exactly once.
"""

from __future__ import annotations

import json
import random
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from tests.delivery_helpers import Collector, SlowToAnswer, free_port

from paychase import Case, plan
from paychase.delivery import Runner, SmtpChannel
from paychase.messages import Renderer
from paychase.store._sqlite import SqliteStore

REPO = Path(__file__).resolve().parent.parent
AFTERNOON = "2026-03-10T16:00:00+01:00"
CLIENTS = 8


def portfolio() -> dict[str, Any]:
    """Eight business clients in Warsaw, each with an invoice that fell due yesterday."""
    clients, contracts, invoices = [], [], []
    for n in range(CLIENTS):
        clients.append(
            {
                "id": f"c{n}",
                "name": f"Klient {n} sp. z o.o.",
                "country": "PL",
                "locale": "pl_PL",
                "timezone": "Europe/Warsaw",
                "contacts": {"email": f"biuro{n}@klient.example"},
            }
        )
        contracts.append({"id": f"k{n}", "client": f"c{n}", "currency": "PLN"})
        invoices.append(
            {
                "id": f"fv{n}",
                "contract": f"k{n}",
                "issued": "2026-02-23",
                "due": "2026-03-09",
                "total": f"{1000 + n}.00",
                "currency": "PLN",
            }
        )
    return {
        "version": 1,
        "policy": "freelancer",
        "sender": {"name": "Studio Lumen", "email": "marta@studio-lumen.example"},
        "clients": clients,
        "contracts": contracts,
        "invoices": invoices,
    }


def run_child(arguments: list[str]) -> int:
    command = [sys.executable, str(REPO / "tests" / "delivery_helpers.py"), *arguments]
    env = {"PYTHONPATH": f"{REPO}:{REPO / 'src'}", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, env=env, timeout=120, check=False).returncode


def scenarios() -> list[list[tuple[str, int]]]:
    chooser = random.Random(20261123)
    points = ("after_claim", "before_complete")
    return [
        [(chooser.choice(points), chooser.randint(1, CLIENTS - 1)) for _ in range(2)]
        for _ in range(3)
    ]


@pytest.mark.parametrize("crashes", scenarios(), ids=lambda c: "+".join(f"{o}{n}" for o, n in c))
def test_messages_received_equal_messages_due_none_twice(
    smtp_server: tuple[Collector, int], tmp_path: Path, crashes: list[tuple[str, int]]
) -> None:
    collector, port = smtp_server
    case_path = tmp_path / "case.json"
    case_path.write_text(json.dumps(portfolio()), encoding="utf-8")
    db = str(tmp_path / "history.sqlite")
    due = {
        a.key
        for a in plan(
            Case.model_validate(portfolio()), now=datetime.fromisoformat(AFTERNOON)
        ).actions
    }
    assert len(due) == CLIENTS
    base = [db, str(case_path), AFTERNOON, str(port)]
    died = []
    for operation, n in crashes:
        status = run_child([*base, operation, str(n)])
        assert status in (0, 137)
        if status == 137:
            died.append(operation)
    assert died, "no crash happened: the scenario tests nothing"
    assert run_child([*base, "none", "0"]) == 0
    assert run_child([*base, "none", "0"]) == 0  # a further run sends nothing more
    assert sorted(collector.keys) == sorted(due)
    with SqliteStore(db) as store:
        settled = {a.key: a.status for a in store.attempts()}
    assert set(settled) == due
    assert set(settled.values()) <= {"done", "uncertain"}
    # A crash after the server accepted a message leaves exactly that message uncertain.
    assert list(settled.values()).count("uncertain") == died.count("before_complete")


def test_a_reply_lost_after_the_data_leaves_one_uncertain_key_and_one_message(
    tmp_path: Path,
) -> None:
    """The server keeps the message but its 250 never arrives in time: never sent again."""
    case = Case.model_validate(portfolio())
    due = sorted(a.key for a in plan(case, now=datetime.fromisoformat(AFTERNOON)).actions)
    slow = due[2]
    handler, port = SlowToAnswer(slow, delay=3), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with SqliteStore(tmp_path / "history.sqlite") as store:
            channel = SmtpChannel("127.0.0.1", port, security="none", timeout=1)
            runner = Runner(store=store, channels={"email": channel}, sleep=lambda _: None)
            reports = [runner.run(case, now=datetime.fromisoformat(AFTERNOON))]
            time.sleep(3.5)  # the server has the lost reply's message in full and is idle again
            for _ in range(2):  # two more runs, which must not send it again
                reports.append(runner.run(case, now=datetime.fromisoformat(AFTERNOON)))
            settled = {a.key: a.status for a in store.attempts()}
    finally:
        controller.stop()
    assert handler.keys.count(slow) == 1  # one message received for the lost reply's key
    assert sorted(handler.keys) == due  # and each other one once
    assert [key for key, status in settled.items() if status == "uncertain"] == [slow]
    assert {status for key, status in settled.items() if key != slow} == {"done"}
    first, *later = reports
    assert [o.key for o in first.outcomes if o.status == "uncertain"] == [slow]
    assert first.count("sent") == len(due) - 1
    for report in later:  # never sent again, and reported until a person settles it
        assert report.count("sent") == 0
        [again] = [o for o in report.outcomes if o.status == "uncertain"]
        assert again.key == slow
        assert again.detail.startswith("still uncertain since ")


def _hang_up_after_data(listener: socket.socket, received: list[bytes]) -> None:
    """A server that takes one message and hangs up instead of answering its end."""
    connection, _ = listener.accept()
    with connection, connection.makefile("rb") as lines:
        connection.sendall(b"220 ready\r\n")
        while True:
            line = lines.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                connection.sendall(b"250 hello\r\n")
            elif verb == b"DATA":
                connection.sendall(b"354 go on\r\n")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    data += lines.readline()
                received.append(data)
                return  # the message is kept; the 250 never comes
            else:
                connection.sendall(b"250 ok\r\n")


def test_a_hang_up_after_the_data_is_uncertain_too() -> None:
    received: list[bytes] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        server = threading.Thread(target=_hang_up_after_data, args=(listener, received))
        server.start()
        channel = SmtpChannel("127.0.0.1", port, security="none", timeout=5)
        message = Renderer().render(
            Case.model_validate(portfolio()),
            plan(Case.model_validate(portfolio()), now=datetime.fromisoformat(AFTERNOON)).actions[
                0
            ],
        )
        receipt = channel.send(message)
        server.join(timeout=10)
    assert len(received) == 1
    assert receipt.status == "uncertain"
    assert "handed over" in (receipt.error or "")
