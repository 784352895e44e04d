"""A daily incremental run against a full run, on a workspace of N invoices (issue 20, item 3).

Usage::

    python benchmarks/bench_incremental.py [N] [--big] [--keep DIR]

Builds a workspace of N invoices (default 100 000; 1 000 000 with ``--big``): five invoices per
client, all of one client due on one day, the due days spread over four weeks so that the
built-in ``freelancer`` policy's first step (three days before the due date) falls due for
about 5 % of the clients each day. Then, each through a `Runner` with a file outbox:

1. day 0: a full run (every client planned; the run keeps every client's mark);
2. day 1: the daily run, incremental, on a copy of the workspace as day 0 left it;
3. day 1: a full run on another copy, for the same day (what the daily run replaces).

It prints the CPU time (``time.process_time``) of each run, how many clients each planned and
how many actions it performed, and the peak RSS of each run (each runs in a fresh process, so
its CPU time and peak RSS are its own). Then two ratios for day 1, daily / full: of the
planning alone — choosing the clients, reading and planning them, what an incremental run
saves (target ≤ 10 %) — and of the whole runs, which both also render, deliver and record
the same messages (a cost per message that no choice of clients changes).
Both day-1 runs must perform the same action keys in the same order; the script checks it.
A run plans the clients it messaged once more at its end, on their new facts, and keeps their
marks, so the day-1 run does not plan day 0's clients again for what day 0 sent; that extra
planning is in the whole runs' CPU time, not in the planning alone.

The workspace's rows are written directly, as `Workspace.import_case` writes them, without
checking the whole case first: building a million-invoice `Case` to check it would measure the
import, not the runs. Nothing here reads the clock for the data: the same N gives the same file.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from zoneinfo import ZoneInfo

from paychase.delivery._outbox import FileOutbox
from paychase.delivery._runner import Runner, _basis
from paychase.store._workspace import Workspace

WARSAW = ZoneInfo("Europe/Warsaw")
DAY0 = datetime(2026, 3, 10, 11, 0, tzinfo=WARSAW)  # a Tuesday, after the 10:00 sending time
PER_CLIENT = 5
SPREAD = 20  # days over which the first steps fall: 1/SPREAD of the clients each day
TARGET = 0.10
STAMP = "2026-03-01T00:00:00.000000+00:00"


def build(path: Path, invoices: int) -> int:
    """A workspace at `path` with `invoices` invoices; how many clients it has."""
    Workspace.create(path).close()
    clients = max(invoices // PER_CLIENT, 1)
    db = sqlite3.connect(path)
    db.execute("BEGIN")
    settings = {"policy": "freelancer", "sender": {"name": "Studio", "email": "s@studio.example"}}
    db.executemany(
        "INSERT INTO settings (name, body, updated_at) VALUES (?, ?, ?)",
        [(name, json.dumps({"value": value}), STAMP) for name, value in settings.items()],
    )
    rows = []
    for n in range(clients):
        client = f"c{n}"
        rows.append(("client", client, n, client, _client(client)))
        rows.append(
            ("contract", f"k{n}", n, client, {"id": f"k{n}", "client": client, "currency": "PLN"})
        )
    for n in range(invoices):
        owner = min(n // PER_CLIENT, clients - 1)
        # Day d's clients get their first step (due - 3 days) on DAY0 + d.
        due = DAY0.date() + timedelta(days=3 + owner % SPREAD)
        body = {
            "id": f"i{n}",
            "contract": f"k{owner}",
            "issued": "2026-03-01",
            "due": due.isoformat(),
            "total": f"{100 + n % 900}.00",
            "currency": "PLN",
        }
        rows.append(("invoice", f"i{n}", n, f"c{owner}", body))
    db.executemany(
        "INSERT INTO records (kind, id, position, client, body, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(kind, i, pos, c, json.dumps(body), STAMP) for kind, i, pos, c, body in rows],
    )
    db.execute("COMMIT")
    db.close()
    return clients


def _client(client: str) -> dict[str, object]:
    return {
        "id": client,
        "name": f"Client {client}",
        "country": "PL",
        "timezone": "Europe/Warsaw",
        "contacts": {"email": f"{client}@client.example"},
    }


@dataclass(frozen=True)
class Measured:
    """What one phase, run in a fresh process, reports back."""

    cpu: float
    peak_mb: float
    clients: int
    performed: int
    outcomes: list[tuple[str, str]]


def measure(phase: str, path: str, now: datetime, incremental: bool) -> Measured:
    """Run `phase` ("run" or "plan") on the workspace at `path`, in this (fresh) process.

    "run": a whole run with a file outbox; "plan": its planning alone (choosing the clients,
    reading and planning them), on a dry run's terms, which keep no marks.
    """
    with Workspace(path) as books:
        outbox = FileOutbox(Path(path).with_suffix(".outbox"))
        runner = Runner(store=books, channels={"email": outbox}, clock=lambda: now)
        start = time.process_time()
        if phase == "plan":
            basis = _basis(runner.renderer.rates)
            current, _, _, _ = runner._plan(books, now, incremental, basis, dry_run=True)
            spent = time.process_time() - start
            outcomes: list[tuple[str, str]] = []
            clients = len(current.clients)
        else:
            report = runner.run(books, now=now, incremental=incremental)
            spent = time.process_time() - start
            outcomes = [(o.key, o.status) for o in report.outcomes]
            clients = len(report.clients)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    done = sum(1 for _, status in outcomes if status in ("sent", "task"))
    return Measured(spent, peak, clients, done, outcomes)


def in_fresh_process(phase: str, path: Path, now: datetime, *, incremental: bool) -> Measured:
    """`measure` in a new interpreter: its CPU time and peak RSS are the phase's own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(measure, phase, str(path), now, incremental).result()


def show(name: str, measured: Measured, clients: int) -> None:
    print(
        f"{name:<28} {measured.cpu:9.2f} s CPU   planned {measured.clients:>8} of {clients}"
        f" clients ({measured.clients / clients:6.1%})   performed {measured.performed:>7}"
        f"   peak RSS {measured.peak_mb:8.1f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("invoices", nargs="?", type=int, default=None)
    parser.add_argument("--big", action="store_true", help="1 000 000 invoices")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep the workspaces")
    options = parser.parse_args(argv)
    invoices = options.invoices or (1_000_000 if options.big else 100_000)
    folder = Path(options.keep or tempfile.mkdtemp(prefix="paychase-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.process_time()
        base = folder / "day0.paychase"
        clients = build(base, invoices)
        print(
            f"{invoices} invoices, {clients} clients: built in "
            f"{time.process_time() - started:.1f} s CPU ({folder})"
        )
        show("day 0, full run", in_fresh_process("run", base, DAY0, incremental=False), clients)
        day1 = DAY0 + timedelta(days=1)
        for name in ("plan-daily", "plan-full", "daily", "full"):
            shutil.copyfile(base, folder / f"{name}.paychase")
        plan_daily = in_fresh_process(
            "plan", folder / "plan-daily.paychase", day1, incremental=True
        )
        plan_full = in_fresh_process("plan", folder / "plan-full.paychase", day1, incremental=False)
        daily = in_fresh_process("run", folder / "daily.paychase", day1, incremental=True)
        full = in_fresh_process("run", folder / "full.paychase", day1, incremental=False)
        show("day 1, daily (incremental)", daily, clients)
        show("day 1, full run", full, clients)
        ratio = plan_daily.cpu / plan_full.cpu
        verdict = "meets" if ratio <= TARGET else "MISSES"
        print(
            f"planning alone, day 1: daily {plan_daily.cpu:.2f} s ({plan_daily.clients} clients),"
            f" full {plan_full.cpu:.2f} s CPU: {ratio:.1%}"
            f" ({verdict} the target of ≤ {TARGET:.0%})"
        )
        print(
            "whole runs, day 1 (both render and deliver the same messages):"
            f" {daily.cpu / full.cpu:.1%}"
        )
        same = daily.outcomes == full.outcomes
        print(f"same actions, same order: {'yes' if same else 'NO'}")
        return 0 if same else 1
    finally:
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
