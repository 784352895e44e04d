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
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from tests.delivery_helpers import Collector

from paychase import Case, plan
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
