"""The delivery commands: ``run``, ``history add|list|export`` and ``tasks``.

``paychase run --db FILE --case CASE`` performs what is due — one command a day from cron is
enough — and prints what it sent, handed to a person or left in doubt. It exits 1 when an
attempt needs a person (uncertain, or not rendered), so cron mails the owner.
``paychase history add`` records what happened outside paychase: a reply, a promise, a
dispute, a payment notice, a call's outcome (which closes the call task).
``paychase tasks`` lists the open tasks and writes the calls to an iCalendar file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tqdm import tqdm

from paychase._files import load_case, parse_moment, write_text_atomically
from paychase.calendar._durations import Duration
from paychase.case._case import Case
from paychase.case._history import ContactEvent
from paychase.delivery._channel import ConsoleChannel, DeliveryChannel
from paychase.delivery._ical import calls_calendar
from paychase.delivery._outbox import FileOutbox, outbox_stem
from paychase.delivery._runner import Runner, RunReport
from paychase.delivery._smtp import SmtpChannel
from paychase.errors import InvalidCaseError, PluginError
from paychase.messages._documents import InvoiceFolder
from paychase.messages._render import Renderer
from paychase.messages._templates import TemplateDirectory
from paychase.policy._policy import Channel
from paychase.store._sqlite import SqliteStore

__all__ = ["add_run_commands", "channel_from_spec"]

_CHANNELS: tuple[Channel, ...] = ("email", "sms", "messenger", "linkedin", "fax")
_NEEDS_A_PERSON = ("uncertain", "retry_later")


def add_run_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add run, history and tasks to the ``paychase`` command line."""
    run = commands.add_parser("run", help="perform what is due and record it, once per key")
    run.add_argument("--db", required=True, metavar="FILE", help="SQLite history store")
    run.add_argument("--case", required=True, metavar="CASE", help="case file")
    run.add_argument("--now", metavar="ISO-DATETIME", help="the run's moment (default: now)")
    run.add_argument("--dry-run", action="store_true", help="show what would happen; do nothing")
    run.add_argument(
        "--for",
        dest="keep_running",
        metavar="DURATION",
        help="keep running this long (e.g. 12h), performing each action when it falls due",
    )
    run.add_argument(
        "--channel",
        action="append",
        default=[],
        metavar="NAME=SPEC",
        help="email=smtp://[USER@]HOST[:PORT] (STARTTLS; ?security=none for a plain relay), "
        "email=smtps://USER@HOST, email=outbox:DIR, sms=console; the password comes from "
        "PAYCHASE_SMTP_PASSWORD",
    )
    run.add_argument("--templates", metavar="DIR", help="your templates, before built-ins")
    run.add_argument("--invoices", metavar="DIR", help="invoice documents to attach")
    run.set_defaults(run=_run)

    history = commands.add_parser("history", help="record or list contacts")
    history_commands = history.add_subparsers(required=True, metavar="COMMAND")
    add = history_commands.add_parser("add", help="record a contact or a call's outcome")
    add.add_argument("--db", required=True, metavar="FILE")
    add.add_argument("--key", help="the action key it completes (fills in the rest)")
    add.add_argument("--client")
    add.add_argument("--kind", help="reply, promise, dispute, payment_notice, call, letter …")
    add.add_argument("--direction", choices=("in", "out"))
    add.add_argument("--at", metavar="ISO-DATETIME", help="when (default: now)")
    add.add_argument("--invoices", help="comma-separated invoice ids")
    add.add_argument("--channel")
    add.add_argument("--outcome", help="delivered, bounced, failed, answered, no_answer …")
    add.add_argument("--promise-date", metavar="DATE")
    add.add_argument("--amount", help="the amount promised or disputed")
    add.add_argument("--reason", help="why the client disputes")
    add.add_argument("--note")
    add.set_defaults(run=_history_add)
    listing = history_commands.add_parser("list", help="list recorded contacts")
    listing.add_argument("--db", required=True, metavar="FILE")
    listing.add_argument("--client")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(run=_history_list)

    tasks = commands.add_parser("tasks", help="list open tasks; export calls as iCalendar")
    tasks.add_argument("--db", required=True, metavar="FILE")
    tasks.add_argument("--case", required=True, metavar="CASE", help="gives clients' time zones")
    tasks.add_argument("--ics", metavar="FILE", help="write the open calls to this .ics file")
    tasks.add_argument(
        "--out", metavar="DIR", help="write each task's letter or script as a printable page"
    )
    tasks.set_defaults(run=_tasks)


def channel_from_spec(spec: str) -> tuple[Channel, DeliveryChannel]:
    """Read ``NAME=SPEC``: ``email=smtp://host:25``, ``email=outbox:DIR``, ``sms=console``.

    Raises:
        PluginError: the name is not a machine channel or the spec is not understood.
    """
    name, _, target = spec.partition("=")
    known = next((c for c in _CHANNELS if c == name), None)
    if known is None or not target:
        raise PluginError(
            f"use NAME=SPEC with NAME one of {', '.join(_CHANNELS)}", field="--channel", value=spec
        )
    scheme = urlsplit(target).scheme
    channel: DeliveryChannel
    if scheme in ("smtp", "smtps"):
        channel = SmtpChannel.from_url(target)
    elif target.startswith("outbox:"):
        channel = FileOutbox(Path(target.removeprefix("outbox:")))
    elif target == "console":
        channel = ConsoleChannel()
    else:
        raise PluginError(
            "SPEC is smtp://HOST[:PORT], smtps://USER@HOST, outbox:DIR or console",
            field="--channel",
            value=spec,
        )
    return known, channel


def _moment(text: str | None) -> datetime:
    return parse_moment(text) if text else datetime.now(UTC)


def _run(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    channels = dict(channel_from_spec(spec) for spec in args.channel)
    renderer = Renderer(
        templates=[TemplateDirectory(args.templates)] if args.templates else [],
        documents=InvoiceFolder(args.invoices) if args.invoices else None,
    )
    until = _until(args)
    attention = False
    with SqliteStore(Path(args.db)) as store:
        runner = Runner(store=store, channels=channels, renderer=renderer)
        while True:
            report = _run_once(runner, case, _moment(args.now), dry_run=args.dry_run)
            print(_report_text(report), flush=True)
            attention |= any(o.status in _NEEDS_A_PERSON for o in report.outcomes)
            if until is None or report.next_at is None or report.next_at > until:
                break
            time.sleep(max((report.next_at - datetime.now(UTC)).total_seconds(), 0))
    return 1 if attention else 0


def _until(args: argparse.Namespace) -> datetime | None:
    """The end of a ``--for`` run; ``--for`` with ``--now`` or ``--dry-run`` makes no sense."""
    if not args.keep_running:
        return None
    if args.now or args.dry_run:
        raise InvalidCaseError("--for runs in real time: drop --now and --dry-run", field="--for")
    try:
        span = Duration.parse(args.keep_running)
    except ValueError as error:
        raise InvalidCaseError(str(error), field="--for", value=args.keep_running) from None
    if span.unit == "bd" or span.count <= 0:
        raise InvalidCaseError(
            "use hours or days, e.g. 12h", field="--for", value=args.keep_running
        )
    return datetime.now(UTC) + span.count * _SPANS[span.unit]


def _run_once(runner: Runner, case: Case, now: datetime, *, dry_run: bool) -> RunReport:
    with tqdm(total=0, unit="action", file=sys.stderr, disable=None, leave=False) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return runner.run(case, now=now, dry_run=dry_run, progress=progress)


def _report_text(report: RunReport) -> str:
    lines = [f"{o.status:<11} {o.key}  [{o.channel}]  {o.detail}".rstrip() for o in report.outcomes]
    counts = {o.status: report.count(o.status) for o in report.outcomes}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "nothing due"
    return "\n".join([*lines, f"run at {report.now.isoformat()}: {summary}"])


def _history_add(args: argparse.Namespace) -> int:
    with SqliteStore(Path(args.db)) as store:
        event = _event_from(args, store.attempts())
        added = store.add_events([event])
    print(("recorded: " if added else "already recorded: ") + event.model_dump_json())
    return 0


def _event_from(args: argparse.Namespace, attempts: Sequence[Any]) -> ContactEvent:
    """The event `history add` records: the task's own event when --key names one."""
    base: dict[str, Any] = {}
    if args.key:
        task = next((a for a in attempts if a.key == args.key), None)
        if task is None or task.event is None:
            raise InvalidCaseError("no task or attempt has this key", field="--key", value=args.key)
        base = task.event.model_dump(by_alias=True, exclude_none=True)
    given = {
        "client": args.client,
        "kind": args.kind,
        "direction": args.direction,
        "invoices": args.invoices.split(",") if args.invoices else None,
        "channel": args.channel,
        "outcome": args.outcome,
        "note": args.note,
        "key": args.key,
    }
    base.update({name: value for name, value in given.items() if value is not None})
    base["at"] = _moment(args.at)
    base.setdefault("direction", "in" if base.get("kind") in _INBOUND else "out")
    if args.promise_date:
        base["promise"] = {"date": args.promise_date, "amount": args.amount}
    elif args.amount or args.reason:
        base["dispute"] = {"amount": args.amount, "reason": args.reason}
    return ContactEvent.model_validate(base)


_INBOUND = ("reply", "promise", "dispute", "payment_notice")
_SPANS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def _history_list(args: argparse.Namespace) -> int:
    with SqliteStore(Path(args.db)) as store:
        events = [e for e in store.events() if args.client in (None, e.client)]
    if args.format == "json":
        dumped = [e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in events]
        print(json.dumps(dumped, indent=2, ensure_ascii=False))
        return 0
    for e in events:
        what = " ".join(x for x in (e.kind, e.step or "", e.channel or "", e.outcome or "") if x)
        print(f"{e.at.isoformat()}  {e.client:<12} {e.direction:<3} {what}  {e.key or ''}".rstrip())
    return 0


def _tasks(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    with SqliteStore(Path(args.db)) as store:
        open_tasks = store.attempts({"task", "uncertain"})
    for task in open_tasks:
        subject = task.message.subject if task.message else ""
        print(f"{task.status:<9} {task.planned_at.isoformat()}  {task.key}  {subject}".rstrip())
    if args.ics:
        calendar = calls_calendar(open_tasks, case, stamp=datetime.now(UTC))
        write_text_atomically(Path(args.ics), calendar.decode("utf-8"))
        print(f"calls written to {args.ics}")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for task in open_tasks:
            if task.message is not None:
                write_text_atomically(out / f"{outbox_stem(task.key)}.html", task.message.html)
        print(f"letters and scripts written to {out}")
    return 0
