"""Throughput and memory of paychase's planning on a synthetic portfolio.

Usage::

    python benchmarks/bench_plan.py [N] [--big] [--in-memory] [--repeat R] [--jobs J]
                                    [--no-scaling] [--case PATH] [--profile] [--tracemalloc]
                                    [--gc-off] [--seed S] [--write-case PATH] [--write-plan PATH]

Builds a deterministic portfolio of N invoices (default 100 000, 1 000 000 with ``--big``; ~5
per client, clients spread over PL, DE, GR, GB and RU, 3 history events per invoice under the
built-in ``freelancer`` policy) and prints, in CPU time, best of R runs:

parse floor: ``orjson.loads`` of the case file (``json.loads`` without orjson);
(a) end to end: JSON text -> ``paychase.parse_case`` -> ``paychase.plan`` -> ``Plan.to_json``,
    with the time of each stage;
(b) ``paychase.plan`` alone on the already-validated `Case`;
(c) ``plan()`` + ``to_json()`` against ``plan_parallel_json(jobs=J)``: the ``--jobs`` speed-up,
    in wall time and, from the CPU times, on J idle cores;
(d) ``paychase.plan_stream`` of the case file, in a fresh process: CPU time and peak RSS;

then time(N) / time(N/10) of (a) and (b) (10.0 is linear; ``--no-scaling`` skips N/10) and a
summary: µs per invoice of each phase and its ratio to the parse floor, side by side. At
``--big`` only the parse floor and (d) run (with J processes), unless ``--in-memory``.
Memory: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` after each stage, its mark reset before
it; ``--tracemalloc`` adds the tracemalloc peak of each phase, in a separate untimed pass.
``--profile`` runs (b) once under cProfile and prints the top 25 functions by cumulative and by
total time. Nothing here reads the clock for the data: the planning moment is fixed and the
portfolio comes from a seeded ``random.Random``, so the same N and seed give the same bytes.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import paychase

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
TARGET_A = 35_000
TARGET_B = 100_000

# country, time zone, locales, currency, name stems, phone prefix
COUNTRIES: tuple[tuple[str, str, tuple[str, ...], str, tuple[str, ...], str], ...] = (
    (
        "PL",
        "Europe/Warsaw",
        ("pl_PL",),
        "PLN",
        ("Studio Kowalski", "Nowak Design", "Wiśniewski IT", "Kaczmarek Media"),
        "+48",
    ),
    (
        "DE",
        "Europe/Berlin",
        ("de_DE",),
        "EUR",
        ("Müller Werkstatt", "Schmidt Digital", "Becker & Sohn", "Fischer Agentur"),
        "+49",
    ),
    (
        "GR",
        "Europe/Athens",
        ("el_GR",),
        "EUR",
        ("Παπαδόπουλος Studio", "Georgiou Web", "Nikolaou Print", "Ioannou Labs"),
        "+30",
    ),
    (
        "GB",
        "Europe/London",
        ("en_GB",),
        "GBP",
        ("Smith & Co", "Jones Creative", "Taylor Builds", "Brown Consulting"),
        "+44",
    ),
    (
        "RU",
        "Europe/Moscow",
        ("ru_RU",),
        "RUB",
        ("Иванов и партнёры", "Smirnov Soft", "Kuznetsov Design", "Popov Media"),
        "+7",
    ),
)

# The built-in freelancer ladder, as (step id, days after the due date it is usually done,
# kind, channel): what a host that followed the plans would have recorded.
LADDER: tuple[tuple[str, int, str, str], ...] = (
    ("pre_due", -3, "reminder", "email"),
    ("polite", 1, "reminder", "email"),
    ("firm", 8, "reminder", "email"),
    ("check_call", 14, "call", "phone"),
    ("with_fee", 21, "reminder", "email"),
    ("overdue_30", 30, "reminder", "email"),
    ("overdue_60", 60, "reminder", "letter"),
    ("overdue_90", 90, "reminder", "email"),
    ("final", 97, "letter", "registered_letter"),
)
EVENTS_PER_INVOICE = 3
# What happens before any chasing, as (hour, minute, event fields).
FILLERS: dict[str, tuple[int, int, dict[str, str]]] = {
    "letter": (
        9,
        30,
        {
            "direction": "out",
            "kind": "letter",
            "channel": "email",
            "outcome": "delivered",
            "note": "invoice sent",
        },
    ),
    "reply": (
        15,
        10,
        {"direction": "in", "kind": "reply", "channel": "email", "note": "received, thanks"},
    ),
    "call": (
        17,
        5,
        {
            "direction": "in",
            "kind": "call",
            "channel": "phone",
            "outcome": "answered",
            "note": "asked about the VAT line",
        },
    ),
}
PAYMENT_NOTICE = {
    "direction": "in",
    "kind": "payment_notice",
    "channel": "email",
    "note": "paid today",
}


# -- the synthetic portfolio ------------------------------------------------------------------


def _money(rng: random.Random, low: int, high: int) -> int:
    """An amount in minor units (cents)."""
    return rng.randrange(low * 100, high * 100)


def _text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class _Builder:
    """Builds the case file; each record is kept as its JSON text, to keep the heap small."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.today = NOW.date()
        self.client_id = ""
        self.clients: list[str] = []
        self.contracts: list[str] = []
        self.invoices: list[str] = []
        self.history: list[tuple[float, int, str]] = []
        self.counts: dict[str, int] = {}

    def event(self, tz: ZoneInfo, day: date, hour: int, minute: int, **fields: Any) -> None:
        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        assert at < NOW, (at, fields)
        record = {"at": at.isoformat(), **fields}
        self.history.append((at.timestamp(), len(self.history), _dumps(record)))

    def build(self, invoices: int) -> str:
        number = 0
        while len(self.invoices) < invoices:
            number += 1
            self.client(number, min(self.rng.randint(3, 7), invoices - len(self.invoices)))
        self.history.sort()
        head = _dumps({"version": 1, "now": NOW.isoformat(), "policy": "freelancer"})[:-1]
        parts = [
            f'"{name}":[{",".join(records)}]'
            for name, records in (
                ("clients", self.clients),
                ("contracts", self.contracts),
                ("invoices", self.invoices),
                ("history", (record for _, _, record in self.history)),
            )
        ]
        return head + "," + ",".join(parts) + "}"

    def client(self, number: int, invoices: int) -> None:
        rng = self.rng
        country, zone_name, locales, currency, names, prefix = COUNTRIES[number % len(COUNTRIES)]
        client_id = self.client_id = f"c{number}"
        contacts: dict[str, str] = {"email": f"billing{number}@example.{country.lower()}"}
        if rng.random() < 0.85:
            contacts["phone"] = f"{prefix} {rng.randrange(10**8, 10**9)}"
        if rng.random() < 0.4:
            contacts["sms"] = contacts.get("phone", f"{prefix} {rng.randrange(10**8, 10**9)}")
        if rng.random() < 0.7:
            contacts["postal"] = f"{rng.randint(1, 200)} Main Street, {country}"
        business = rng.random() < 0.8
        self.clients.append(
            _dumps(
                {
                    "id": client_id,
                    "name": f"{rng.choice(names)} {number}",
                    "kind": "business" if business else "consumer",
                    "country": country,
                    "locale": rng.choice(locales),
                    "timezone": zone_name,
                    "contacts": contacts,
                    "preferred_channel": "email",
                }
            )
        )
        currencies = [currency]
        if currency != "EUR" and rng.random() < 0.1:
            currencies.append("EUR")  # some clients are billed in two currencies
        contracts = []
        for index, code in enumerate(currencies):
            terms = rng.choice((7, 14, 14, 30))
            contract = {
                "id": f"k{number}" + (f"-{index}" if index else ""),
                "client": client_id,
                "currency": code,
                "payment_terms": f"{terms}d",
                "grace": rng.choice(("0d", "0d", "3d")),
                "late_fee": rng.choice(
                    ({"kind": "statutory"}, {"kind": "none"}, {"kind": "flat", "amount": "40.00"})
                ),
                "fixed_compensation": business and rng.random() < 0.5,
                "jurisdiction": country,
            }
            self.contracts.append(_dumps(contract))
            contracts.append((contract, terms))
        tz = ZoneInfo(zone_name)
        for _ in range(invoices):
            contract, terms = rng.choice(contracts)
            self.invoice(client_id, contract, terms, tz, "phone" in contacts)

    def invoice(
        self, client_id: str, contract: dict[str, Any], terms: int, tz: ZoneInfo, has_phone: bool
    ) -> None:
        rng, today = self.rng, self.today
        serial = len(self.invoices) + 1
        invoice_id = f"inv-{serial}"
        roll = rng.random()
        situation = (
            "paid"
            if roll < 0.25
            else "partly_paid"
            if roll < 0.40
            else "overdue"
            if roll < 0.80
            else "not_yet_due"
        )
        if situation == "not_yet_due":
            due = today + timedelta(days=rng.randint(1, terms))
        elif situation == "paid":
            due = today - timedelta(days=rng.randint(-terms + 3, 120))
        else:  # aging: most overdue invoices are weeks late, a few are months late
            due = today - timedelta(days=min(int(rng.expovariate(1 / 35)) + 1, 150))
        issued = min(due - timedelta(days=terms), today - timedelta(days=2))
        total = _money(rng, 100, 20_000)
        record: dict[str, Any] = {
            "id": invoice_id,
            "number": f"FV/{issued.year}/{issued.month:02d}/{serial}",
            "contract": contract["id"],
            "issued": issued.isoformat(),
            "total": _text(total),
            "currency": contract["currency"],
        }
        if rng.random() < 0.5 or issued + timedelta(days=terms) != due:
            record["due"] = due.isoformat()
        self.counts[situation] = self.counts.get(situation, 0) + 1

        paid_on: date | None = None
        if situation == "paid":
            paid_on = min(
                issued + timedelta(days=rng.randint(1, terms + 40)), today - timedelta(days=1)
            )
            record["payments"] = [
                {"date": paid_on.isoformat(), "amount": _text(total), "ref": f"TX{serial}"}
            ]
        elif situation == "partly_paid":
            part_on = min(due + timedelta(days=rng.randint(-5, 20)), today - timedelta(days=1))
            part_on = max(part_on, issued + timedelta(days=1))
            record["payments"] = [
                {
                    "date": part_on.isoformat(),
                    "amount": _text(total * rng.randint(20, 80) // 100),
                    "ref": f"TX{serial}",
                }
            ]

        self.invoices.append(_dumps(record))
        self.history_of(record, situation, tz, due=due, paid_on=paid_on, has_phone=has_phone)

    def history_of(
        self,
        record: dict[str, Any],
        situation: str,
        tz: ZoneInfo,
        *,
        due: date,
        paid_on: date | None,
        has_phone: bool,
    ) -> None:
        """Three events for the invoice: the ladder steps done so far, padded in front."""
        rng, today = self.rng, self.today
        issued = date.fromisoformat(record["issued"])
        invoice_id = record["id"]
        # The ladder steps done so far (on weekdays, before today), oldest first.
        last_day = (paid_on or today) - timedelta(days=1)
        done: list[tuple[date, str, str, str]] = []
        for step, after_due, kind, channel in LADDER:
            day = _weekday_on_or_before(due + timedelta(days=after_due))
            if day > last_day or day <= issued or (channel == "phone" and not has_phone):
                continue
            if done and day <= done[-1][0]:
                continue
            done.append((day, step, kind, channel))
        inbound_last = situation in ("paid", "partly_paid") and rng.random() < 0.6
        keep = EVENTS_PER_INVOICE - (1 if inbound_last else 0)
        done = done[-keep:] if keep else []
        plain = {"client": self.client_id, "invoices": [invoice_id]}
        # Pad the front with what happens before any chasing: the invoice went out, the client
        # acknowledged it, the client phoned with a question.
        for offset, kind in enumerate(("letter", "reply", "call")[: keep - len(done)]):
            day = min(issued + timedelta(days=offset), today - timedelta(days=1))
            hour, minute, filler = FILLERS[kind]
            self.event(tz, day, hour, minute, **plain, **filler)
        for position, (day, step, kind, channel) in enumerate(done):
            if kind == "call":
                outcome = rng.choice(("answered", "answered", "no_answer", "voicemail"))
            elif position == len(done) - 1 and rng.random() < 0.03:
                outcome = "bounced"
            else:
                outcome = "delivered"
            fields: dict[str, Any] = {
                "direction": "out",
                "kind": kind,
                "step": step,
                "channel": channel,
                "outcome": outcome,
                "key": f"{record['contract']}/{invoice_id}/{step}/1",
            }
            if step in ("firm", "final") and outcome == "delivered":
                fields["deadline"] = (day + timedelta(days=7 if step == "firm" else 14)).isoformat()
            self.event(tz, day, 12 if kind == "call" else 10, 0, **plain, **fields)
        if not inbound_last:
            return
        if situation == "paid":
            assert paid_on is not None
            self.event(tz, paid_on, 11, 45, **plain, **PAYMENT_NOTICE)
            return
        owed = int(record["total"].replace(".", "")) - int(
            record["payments"][0]["amount"].replace(".", "")
        )
        promised = {
            "date": (today + timedelta(days=rng.randint(3, 14))).isoformat(),
            "amount": _text(owed),
        }
        said = today - timedelta(days=rng.randint(1, 10))
        if done:
            said = max(said, done[-1][0])
        self.event(
            tz,
            said,
            16,
            20,
            **plain,
            direction="in",
            kind="promise",
            channel="phone",
            promise=promised,
        )


def portfolio(invoices: int, seed: int = 2026) -> tuple[str, dict[str, Any]]:
    """The case file text for `invoices` invoices, and what is in it."""
    builder = _Builder(seed)
    text = builder.build(invoices)
    about = {
        "clients": len(builder.clients),
        "contracts": len(builder.contracts),
        "events": len(builder.history),
        "situations": builder.counts,
    }
    return text, about


# -- measuring --------------------------------------------------------------------------------

_CLEAR_REFS = Path("/proc/self/clear_refs")


def _rss_mb() -> float:
    """Peak RSS since the last `_reset_peak_rss` (the process's peak where it cannot reset)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _reset_peak_rss() -> bool:
    """Reset the peak-RSS mark to the current RSS (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


class _Stages:
    """CPU times and peak RSS of the stages of one run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.rss: dict[str, tuple[float, float]] = {}  # stage -> (RSS before, peak during)
        self._started = 0.0
        self._rss_before = 0.0

    def start(self) -> None:
        _reset_peak_rss()
        self._rss_before = _rss_mb()
        self._started = time.process_time()

    def stop(self, stage: str) -> None:
        self.seconds[stage] = time.process_time() - self._started
        self.rss[stage] = (self._rss_before, _rss_mb())

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def _end_to_end(text: str, stages: _Stages) -> tuple[str, int]:
    stages.start()
    case = paychase.parse_case(text)
    stages.stop("parse_case")
    stages.start()
    result = paychase.plan(case, now=NOW)
    stages.stop("plan")
    stages.start()
    out = result.to_json()
    stages.stop("to_json")
    return out, len(result.actions)


def _us(n: int, seconds: float) -> float:
    return seconds / n * 1e6


def _rate(n: int, seconds: float) -> str:
    return f"{seconds:.2f} s = {n / seconds:,.0f} invoices/s ({_us(n, seconds):.1f} µs/invoice)"


def _rss_text(before: float, peak: float) -> str:
    return f"peak RSS {peak:,.0f} MB (+{max(peak - before, 0):,.0f} MB over its start)"


def _loads() -> tuple[str, Any]:
    """The parse floor's parser: orjson.loads where installed, else json.loads."""
    try:
        import orjson  # noqa: PLC0415 - optional, in the dev extra
    except ImportError:
        return "json.loads", json.loads
    return "orjson.loads", orjson.loads


def parse_floor(text: str, n: int, repeat: int) -> float:
    """Best CPU time of parsing the case file's JSON with no validation at all."""
    name, loads = _loads()
    data = text.encode("utf-8")
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.process_time()
        parsed = loads(data)
        times.append(time.process_time() - started)
        del parsed
    best = min(times)
    print(f"parse floor: {name} of the same file, best of {repeat}: {_rate(n, best)}")
    return best


def measure(n: int, text: str, repeat: int, *, gc_off: bool = False) -> dict[str, Any]:
    """CPU time of (a) and (b) at `n` invoices, printed; the figures and the Case.

    Each run starts from a collected heap holding only its input (the JSON text for (a), the
    validated Case for (b)), so the cyclic GC has as much to scan as a real caller's would.
    """
    runs: list[_Stages] = []
    output, actions = "", 0
    for _ in range(repeat):
        output = ""  # the previous run's output is not part of this run's heap
        gc.collect()
        stages = _Stages()
        if gc_off:
            gc.disable()
        try:
            output, actions = _end_to_end(text, stages)
        finally:
            gc.enable()
        runs.append(stages)
    best = min(runs, key=lambda stages: stages.total)
    totals = ", ".join(f"{stages.total:.2f}" for stages in runs)
    print(
        f"(a) JSON -> parse_case -> plan -> to_json, CPU, best of {repeat}: {_rate(n, best.total)}"
        f"; target {TARGET_A:,}/s; all runs: {totals} s"
    )
    for name, seconds in best.seconds.items():
        print(
            f"    {name:10} {seconds:6.2f} s {seconds / n * 1e6:6.1f} µs/invoice   "
            f"{_rss_text(*best.rss[name])}"
        )
    print(f"    {actions:,} actions, {len(output) / 1e6:.1f} MB of plan JSON")

    case = paychase.parse_case(text)
    times_b: list[float] = []
    for _ in range(repeat):
        gc.collect()
        stages = _Stages()
        if gc_off:
            gc.disable()
        try:
            stages.start()
            result = paychase.plan(case, now=NOW)
            stages.stop("plan")
        finally:
            gc.enable()
        del result
        times_b.append(stages.total)
    best_b = min(times_b)
    print(
        f"(b) plan() on a validated Case, CPU, best of {repeat}: {_rate(n, best_b)}; "
        f"target {TARGET_B:,}/s; all runs: {', '.join(f'{t:.2f}' for t in times_b)} s"
    )
    print(f"    {_rss_text(*stages.rss['plan'])} (last run)")
    return {"n": n, "a": best.total, "b": best_b, "case": case, "output": output}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def jobs_speedup(case: paychase.Case, n: int, jobs: int) -> dict[str, float]:
    """plan() + to_json() against plan_parallel_json(jobs=...) on the same Case; printed.

    Both give the plan's JSON text, checked to be the same. The speed-up is wall time, which
    needs idle cores; on a busy machine the CPU times tell what it would be: this process's
    share is serial, the workers' is split over `jobs` cores (their chunks weigh the same).
    """
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    single = paychase.plan(case, now=NOW).to_json()
    one_wall, one_cpu = time.perf_counter() - wall, time.process_time() - cpu
    gc.collect()
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    parallel = paychase.plan_parallel_json(case, now=NOW, jobs=jobs)
    many_wall, parent_cpu = time.perf_counter() - wall, time.process_time() - cpu
    workers_cpu = _children_cpu() - children
    same = parallel == single
    estimate = one_cpu / (parent_cpu + workers_cpu / jobs)
    print(
        f"(c) --jobs {jobs}: plan()+to_json {one_wall:.2f} s wall, {one_cpu:.2f} s CPU; "
        f"plan_parallel_json(jobs={jobs}) {many_wall:.2f} s wall, CPU {parent_cpu:.2f} s here "
        f"+ {workers_cpu:.2f} s in the workers; same text: {same}\n"
        f"    speed-up: x{one_wall / many_wall:.2f} wall (load average "
        f"{os.getloadavg()[0]:.2f}); x{estimate:.2f} on {jobs} idle cores, from the CPU times "
        f"(target x1.8 on 2 cores)"
    )
    if not same:
        raise SystemExit("plan_parallel_json gave another plan")
    return {"wall": one_wall / many_wall, "estimate": estimate}


_STREAM = """
import resource, sys, time
from datetime import datetime
import paychase
started, cpu = time.perf_counter(), time.process_time()
lines = 0
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in paychase.plan_stream(
        sys.argv[1], now=datetime.fromisoformat(sys.argv[3]), jobs=int(sys.argv[4])
    ):
        out.write(line)
        lines += 1
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = time.process_time() - cpu + workers.ru_utime + workers.ru_stime
try:  # this process's own peak: ru_maxrss keeps the parent's across fork and exec
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(lines, time.perf_counter() - started, cpu, peak, workers.ru_maxrss)
"""


def stream(path: Path, n: int, jobs: int) -> dict[str, float]:
    """plan_stream of the case file in a fresh process: its CPU time, wall time and peak RSS.

    A process of its own, so that its peak RSS is its own and not this one's (which holds the
    portfolio): it reads its own high-water mark (VmHWM), as ``ru_maxrss`` of a child keeps
    the parent's peak across fork and exec. CPU and wall time are of the call, without
    starting Python and importing paychase; with ``jobs`` > 1 the workers' CPU is added, and
    the peak RSS is the largest of the process and its workers.
    """
    out = path.with_suffix(".plan.jsonl")
    command = [sys.executable, "-c", _STREAM, str(path), str(out), NOW.isoformat(), str(jobs)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"plan_stream failed: {done.stdout}")
    lines, wall, cpu_text, own, workers = done.stdout.split()
    cpu = float(cpu_text)
    unit = 1024 * 1024 if sys.platform == "darwin" else 1024
    peak = max(int(own), int(workers)) / unit
    size = out.stat().st_size
    out.unlink()
    print(
        f"(d) plan_stream (file -> JSON Lines{f', jobs={jobs}' if jobs > 1 else ''}), fresh "
        f"process: CPU {_rate(n, cpu)}; wall {float(wall):.2f} s; peak RSS {peak:,.0f} MB "
        f"(target < 300 MB at 1 M); {int(lines) - 1:,} client lines, {size / 1e6:.1f} MB"
    )
    return {"cpu": cpu, "peak": peak}


def traced_peaks(text: str) -> None:
    """The tracemalloc peak of each stage, in an untimed pass."""
    gc.collect()
    tracemalloc.start()
    case = paychase.parse_case(text)
    kept, parse_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    result = paychase.plan(case, now=NOW)
    with_plan, plan_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    out = result.to_json()
    _, json_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    mb = 1024 * 1024
    print(
        f"tracemalloc (untimed pass; Python allocations only): parse_case peak "
        f"{parse_peak / mb:,.0f} MB, the Case keeps {kept / mb:,.0f} MB; plan peak "
        f"+{(plan_peak - kept) / mb:,.0f} MB over that, the Plan keeps "
        f"{(with_plan - kept) / mb:,.0f} MB; to_json peak +{(json_peak - with_plan) / mb:,.0f} MB"
    )


def profile(case: paychase.Case, n: int) -> None:
    """CProfile of (b): the top 25 functions by cumulative and by total time."""
    profiler = cProfile.Profile()
    profiler.enable()
    paychase.plan(case, now=NOW)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        stats.sort_stats(order).print_stats(25)
        print(
            f"\n--- cProfile of (b) at N={n:,}, top 25 by {order} (profiler overhead included) ---"
        )
        print(buffer.getvalue())


def _build(n: int, seed: int, case_file: str | None) -> tuple[str, dict[str, Any] | None]:
    """The case file's text: built (and described), or read from `case_file` when given."""
    if case_file:
        return Path(case_file).read_text(encoding="utf-8"), None
    started = time.perf_counter()
    text, about = portfolio(n, seed)
    built = time.perf_counter() - started
    events = about["events"]
    print(
        f"portfolio: {n:,} invoices, {about['clients']:,} clients, {about['contracts']:,} "
        f"contracts, {events:,} history events ({events / n:.1f}/invoice), "
        f"{len(text) / 1e6:.1f} MB of JSON; built in {built:.1f} s"
    )
    situations = about["situations"]
    print("  situations: " + ", ".join(f"{k} {v / n:.0%}" for k, v in sorted(situations.items())))
    return text, about


def _summary(n: int, floor: float, figures: dict[str, float]) -> None:
    """The figures side by side: µs per invoice and the ratio to the parse floor."""
    print(f"\n== summary at N = {n:,} (CPU µs per invoice; x = ratio to the parse floor) ==")
    rows = [("parse floor", floor)]
    rows += [(name, seconds) for name, seconds in figures.items() if name.startswith("(")]
    for name, seconds in rows:
        print(f"  {name:44} {_us(n, seconds):8.1f} µs/invoice   x{seconds / floor:,.0f}")
    for name, value in figures.items():
        if not name.startswith("("):
            print(f"  {name:44} {value:8.2f}")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000, help="invoices (100 000)")
    parser.add_argument("--big", action="store_true", help="N = 1 000 000: streaming only")
    parser.add_argument("--repeat", type=int, default=3, help="runs per phase; the best counts")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=2, help="processes for (c) (and (d) at --big)")
    parser.add_argument("--case", metavar="PATH", help="measure this case file, not a built one")
    parser.add_argument("--profile", action="store_true", help="cProfile (b) once")
    parser.add_argument("--no-scaling", action="store_true", help="do not time N/10")
    parser.add_argument(
        "--in-memory", action="store_true", help="with --big: also (a), (b) and (c) in memory"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="tracemalloc peaks, in an extra untimed pass"
    )
    parser.add_argument(
        "--gc-off", action="store_true", help="disable the cyclic GC in timed runs (its share)"
    )
    parser.add_argument("--write-case", metavar="PATH", help="write the case file and stop")
    parser.add_argument("--write-plan", metavar="PATH", help="also write the plan JSON here")
    args = parser.parse_args(argv)
    if args.big:
        args.n = 1_000_000
    if args.n < 1 or args.repeat < 1 or args.jobs < 1:
        parser.error("N, --repeat and --jobs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.write_case:
        Path(args.write_case).write_text(portfolio(args.n, args.seed)[0], encoding="utf-8")
        return 0

    print(
        f"paychase {paychase.__version__} ({Path(paychase.__file__).parent}), Python "
        f"{sys.version.split()[0]}, now={NOW.isoformat()}, seed={args.seed}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
        + (", cyclic GC off in timed runs" if args.gc_off else "")
    )
    if not _reset_peak_rss():
        print("(cannot reset the peak-RSS mark here: RSS figures are process high-water marks)")
    paychase.plan(paychase.parse_case(portfolio(50, args.seed)[0]), now=NOW)  # warm-up, untimed
    in_memory = args.in_memory or not args.big
    figures: dict[str, float] = {}
    small: dict[str, Any] | None = None
    if in_memory and not args.no_scaling and not args.case:
        small_n = max(args.n // 10, 1)
        print(f"\n== N/10 = {small_n:,} ==")
        small = measure(
            small_n, _build(small_n, args.seed, None)[0], args.repeat, gc_off=args.gc_off
        )
        small.pop("case")
        print(f"\n== N = {args.n:,} ==")
    text, about = _build(args.n, args.seed, args.case)
    n = args.n
    floor = parse_floor(text, n, args.repeat)
    result: dict[str, Any] | None = None
    if in_memory:
        result = measure(n, text, args.repeat, gc_off=args.gc_off)
        figures["(a) end to end, in memory"] = result["a"]
        figures["(b) plan() alone"] = result["b"]
        if args.write_plan:
            Path(args.write_plan).write_text(result["output"], encoding="utf-8")
        speedup = jobs_speedup(result["case"], n, args.jobs)
        figures[f"jobs={args.jobs} speed-up, wall (x)"] = speedup["wall"]
        figures[f"jobs={args.jobs} speed-up on idle cores (x, CPU)"] = speedup["estimate"]
    else:
        print(
            "(a), (b), (c) skipped at --big: in memory they take ~12 KB per invoice (--in-memory)"
        )
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        path = Path(folder) / "case.json"
        path.write_text(text, encoding="utf-8")
        del text
        gc.collect()
        streamed = stream(path, n, args.jobs if args.big else 1)
    figures[
        "(d) plan_stream, end to end" + (f" (CPU of {args.jobs} processes)" if args.big else "")
    ] = streamed["cpu"]
    figures["plan_stream peak RSS (MB)"] = streamed["peak"]
    if small is not None and result is not None:
        factor = n / small["n"]
        for phase in ("a", "b"):
            ratio = result[phase] / small[phase]
            figures[f"scaling ({phase}) time(N)/time(N/10)"] = ratio
            print(
                f"scaling ({phase}): time(N) / time(N/10) = {ratio:.2f} "
                f"(linear = {factor:.1f}; cost per invoice x{ratio / factor:.2f})"
            )
    _summary(n, floor, figures)
    _extras(args, result, about is None)
    return 0


def _extras(args: argparse.Namespace, result: dict[str, Any] | None, read: bool) -> None:
    """What is asked besides the figures: tracemalloc peaks, a profile, a note."""
    n = args.n
    if read:
        print("(the case file was read from --case: N is what you said it holds)")
    if args.tracemalloc and result is not None:
        traced_peaks(
            Path(args.case).read_text("utf-8") if args.case else portfolio(n, args.seed)[0]
        )
    if args.profile and result is not None:
        profile(result["case"], n)


if __name__ == "__main__":
    sys.exit(main())
