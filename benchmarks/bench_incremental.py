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
how many actions it performed, and the peak RSS of each run (the high-water mark reset before
it where Linux allows, see bench_plan.py). Then two ratios for day 1, daily / full: of the
planning alone — choosing the clients, reading and planning them, what an incremental run
saves (target ≤ 10 %) — and of the whole runs, which both also render, deliver and record
the same messages (a cost per message that no choice of clients changes).
Both day-1 runs must perform the same action keys in the same order; the script checks it.

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
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from paychase.delivery._outbox import FileOutbox
from paychase.delivery._runner import Runner, RunReport
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


def timed_run(
    path: Path, outbox: Path, now: datetime, *, incremental: bool
) -> tuple[RunReport, float, float]:
    """One run on the workspace at `path`: its report, CPU seconds and peak RSS in MB."""
    reset = _reset_peak()
    with Workspace(path) as books:
        runner = Runner(store=books, channels={"email": FileOutbox(outbox)}, clock=lambda: now)
        start = time.process_time()
        report = runner.run(books, now=now, incremental=incremental)
        spent = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report, spent, peak if reset else float("nan")


def timed_planning(path: Path, now: datetime, *, incremental: bool) -> float:
    """CPU seconds of a run's planning alone (choosing the clients, reading, planning them).

    Measured on a dry run's planning, which keeps no marks: the workspace is left as it was.
    """
    with Workspace(path) as books:
        runner = Runner(store=books, clock=lambda: now)
        start = time.process_time()
        runner._plan(books, now, incremental, dry_run=True)
        return time.process_time() - start


def _reset_peak() -> bool:
    """Reset the process's peak RSS mark to its current RSS (Linux); whether it could."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def show(name: str, report: RunReport, spent: float, peak: float, clients: int) -> None:
    performed = sum(1 for o in report.outcomes if o.status in ("sent", "task"))
    print(
        f"{name:<28} {spent:9.2f} s CPU   planned {len(report.clients):>8} of {clients} clients"
        f" ({len(report.clients) / clients:6.1%})   performed {performed:>7}"
        f"   peak RSS {peak:8.1f} MB"
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
        report, spent, peak = timed_run(base, folder / "outbox0", DAY0, incremental=False)
        show("day 0, full run", report, spent, peak, clients)
        day1 = DAY0 + timedelta(days=1)
        for name in ("daily", "full"):
            shutil.copyfile(base, folder / f"{name}.paychase")
        plan_daily = timed_planning(folder / "daily.paychase", day1, incremental=True)
        plan_full = timed_planning(folder / "full.paychase", day1, incremental=False)
        daily, daily_cpu, daily_peak = timed_run(
            folder / "daily.paychase", folder / "outbox-daily", day1, incremental=True
        )
        full, full_cpu, full_peak = timed_run(
            folder / "full.paychase", folder / "outbox-full", day1, incremental=False
        )
        show("day 1, daily (incremental)", daily, daily_cpu, daily_peak, clients)
        show("day 1, full run", full, full_cpu, full_peak, clients)
        ratio = plan_daily / plan_full
        verdict = "meets" if ratio <= TARGET else "MISSES"
        print(
            f"planning alone, day 1: daily {plan_daily:.2f} s, full {plan_full:.2f} s CPU:"
            f" {ratio:.1%} ({verdict} the target of ≤ {TARGET:.0%})"
        )
        print(
            f"whole runs, day 1 (both render and deliver the same messages):"
            f" {daily_cpu / full_cpu:.1%}"
        )
        same = [(o.key, o.status) for o in daily.outcomes] == [
            (o.key, o.status) for o in full.outcomes
        ]
        print(f"same actions, same order: {'yes' if same else 'NO'}")
        return 0 if same else 1
    finally:
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
