"""The delivery commands: ``run``, ``history add|list`` and ``tasks``.

``paychase run --db FILE --case CASE`` performs what is due — one command a day from cron is
enough — and prints what it sent, handed to a person or left in doubt. It exits 1 when an
attempt needs a person (uncertain, or not rendered), so cron mails the owner.
``paychase history add`` records what happened outside paychase: a reply, a promise, a
dispute, a payment notice, a call's outcome (which closes the call task).
``paychase tasks`` lists the open tasks and writes the calls to an iCalendar file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from paychase._files import load_case, parse_moment, write_text_atomically
from paychase.calendar._durations import Duration
from paychase.case._case import Case
from paychase.case._history import ContactEvent
from paychase.cli._options import now_option
from paychase.cli._progress import progress_bar
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

__all__ = ["channel_from_spec", "history_group", "run_command", "tasks_command"]

_CHANNELS: tuple[Channel, ...] = ("email", "sms", "messenger", "linkedin", "fax")
_NEEDS_A_PERSON = ("uncertain", "retry_later")
_INBOUND = ("reply", "promise", "dispute", "payment_notice")
_SPANS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


@click.command("run")
@click.option("--db", required=True, metavar="FILE", help="SQLite history store")
@click.option("--case", "case_file", required=True, metavar="CASE", help="case file")
@now_option("the run's moment (default: now)")
@click.option("--dry-run", is_flag=True, help="show what would happen; do nothing")
@click.option(
    "--for",
    "keep_running",
    metavar="DURATION",
    help="keep running this long (e.g. 12h), performing each action when it falls due",
)
@click.option(
    "--channel",
    "channel_specs",
    multiple=True,
    metavar="NAME=SPEC",
    help="email=smtp://[USER@]HOST[:PORT] (STARTTLS; ?security=none for a plain relay), "
    "email=smtps://USER@HOST, email=outbox:DIR, sms=console; the password comes from "
    "PAYCHASE_SMTP_PASSWORD",
)
@click.option("--templates", metavar="DIR", help="your templates, before built-ins")
@click.option("--invoices", metavar="DIR", help="invoice documents to attach")
def run_command(
    *,
    db: str,
    case_file: str,
    now: datetime | None,
    dry_run: bool,
    keep_running: str | None,
    channel_specs: Sequence[str],
    templates: str | None,
    invoices: str | None,
) -> int:
    """Perform what is due and record it, once per key."""
    case = load_case(case_file)
    channels = dict(channel_from_spec(spec) for spec in channel_specs)
    renderer = Renderer(
        templates=[TemplateDirectory(templates)] if templates else [],
        documents=InvoiceFolder(invoices) if invoices else None,
    )
    until = _until(keep_running, fixed_moment=now is not None or dry_run)
    attention = False
    with SqliteStore(Path(db)) as store:
        runner = Runner(store=store, channels=channels, renderer=renderer)
        while True:
            report = _run_once(runner, case, now or datetime.now(UTC), dry_run=dry_run)
            click.echo(_report_text(report))
            attention |= any(o.status in _NEEDS_A_PERSON for o in report.outcomes)
            if until is None or report.next_at is None or report.next_at > until:
                break
            time.sleep(max((report.next_at - datetime.now(UTC)).total_seconds(), 0))
    return 1 if attention else 0


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


def _until(keep_running: str | None, *, fixed_moment: bool) -> datetime | None:
    """The end of a ``--for`` run; ``--for`` with ``--now`` or ``--dry-run`` makes no sense."""
    if not keep_running:
        return None
    if fixed_moment:
        raise InvalidCaseError("--for runs in real time: drop --now and --dry-run", field="--for")
    try:
        span = Duration.parse(keep_running)
    except InvalidCaseError as error:
        raise InvalidCaseError(error.problem, field="--for", value=keep_running) from None
    if span.unit == "bd" or span.count <= 0:
        raise InvalidCaseError("use hours or days, e.g. 12h", field="--for", value=keep_running)
    return datetime.now(UTC) + span.count * _SPANS[span.unit]


def _run_once(runner: Runner, case: Case, now: datetime, *, dry_run: bool) -> RunReport:
    with progress_bar("performing") as progress:
        return runner.run(case, now=now, dry_run=dry_run, progress=progress)


def _report_text(report: RunReport) -> str:
    lines = [f"{o.status:<11} {o.key}  [{o.channel}]  {o.detail}".rstrip() for o in report.outcomes]
    counts = {o.status: report.count(o.status) for o in report.outcomes}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "nothing due"
    return "\n".join([*lines, f"run at {report.now.isoformat()}: {summary}"])


@click.group("history")
def history_group() -> None:
    """Record or list contacts."""


@history_group.command("add")
@click.option("--db", required=True, metavar="FILE")
@click.option("--key", help="the action key it completes (fills in the rest)")
@click.option("--client")
@click.option("--kind", help="reply, promise, dispute, payment_notice, call, letter …")
@click.option("--direction", type=click.Choice(("in", "out")))
@click.option("--at", metavar="ISO-DATETIME", help="when (default: now)")
@click.option("--invoices", help="comma-separated invoice ids")
@click.option("--channel")
@click.option("--outcome", help="delivered, bounced, failed, answered, no_answer …")
@click.option("--promise-date", metavar="DATE")
@click.option("--amount", help="the amount promised or disputed")
@click.option("--reason", help="why the client disputes")
@click.option("--note")
def history_add_command(*, db: str, **given: str | None) -> int:
    """Record a contact or a call's outcome."""
    with SqliteStore(Path(db)) as store:
        event = _event_from(given, store.attempts())
        added = store.add_events([event])
    click.echo(("recorded: " if added else "already recorded: ") + event.model_dump_json())
    return 0


def _event_from(given: dict[str, str | None], attempts: Sequence[Any]) -> ContactEvent:
    """The event `history add` records: the task's own event when --key names one."""
    key = given["key"]
    base: dict[str, Any] = {}
    if key:
        task = next((a for a in attempts if a.key == key), None)
        if task is None or task.event is None:
            raise InvalidCaseError("no task or attempt has this key", field="--key", value=key)
        base = task.event.model_dump(by_alias=True, exclude_none=True)
    invoices = given["invoices"]
    fields = {
        "client": given["client"],
        "kind": given["kind"],
        "direction": given["direction"],
        "invoices": invoices.split(",") if invoices else None,
        "channel": given["channel"],
        "outcome": given["outcome"],
        "note": given["note"],
        "key": key,
    }
    base.update({name: value for name, value in fields.items() if value is not None})
    at = given["at"]
    base["at"] = parse_moment(at) if at else datetime.now(UTC)
    base.setdefault("direction", "in" if base.get("kind") in _INBOUND else "out")
    if given["promise_date"]:
        base["promise"] = {"date": given["promise_date"], "amount": given["amount"]}
    elif given["amount"] or given["reason"]:
        base["dispute"] = {"amount": given["amount"], "reason": given["reason"]}
    return ContactEvent.model_validate(base)


@history_group.command("list")
@click.option("--db", required=True, metavar="FILE")
@click.option("--client")
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table")
def history_list_command(*, db: str, client: str | None, output_format: str) -> int:
    """List recorded contacts."""
    with SqliteStore(Path(db)) as store:
        events = [e for e in store.events() if client in (None, e.client)]
    if output_format == "json":
        dumped = [e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in events]
        click.echo(json.dumps(dumped, indent=2, ensure_ascii=False))
        return 0
    for e in events:
        what = " ".join(x for x in (e.kind, e.step or "", e.channel or "", e.outcome or "") if x)
        click.echo(
            f"{e.at.isoformat()}  {e.client:<12} {e.direction:<3} {what}  {e.key or ''}".rstrip()
        )
    return 0


@click.command("tasks")
@click.option("--db", required=True, metavar="FILE")
@click.option(
    "--case", "case_file", required=True, metavar="CASE", help="gives clients' time zones"
)
@click.option("--ics", metavar="FILE", help="write the open calls to this .ics file")
@click.option("--out", metavar="DIR", help="write each task's letter or script as a printable page")
def tasks_command(*, db: str, case_file: str, ics: str | None, out: str | None) -> int:
    """List open tasks; export calls as iCalendar."""
    case = load_case(case_file)
    with SqliteStore(Path(db)) as store:
        open_tasks = store.attempts({"task", "uncertain"})
    for task in open_tasks:
        subject = task.message.subject if task.message else ""
        click.echo(
            f"{task.status:<9} {task.planned_at.isoformat()}  {task.key}  {subject}".rstrip()
        )
    if ics:
        calendar = calls_calendar(open_tasks, case, stamp=datetime.now(UTC))
        write_text_atomically(Path(ics), calendar.decode("utf-8"))
        click.echo(f"calls written to {ics}")
    if out:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for task in open_tasks:
            if task.message is not None:
                write_text_atomically(folder / f"{outbox_stem(task.key)}.html", task.message.html)
        click.echo(f"letters and scripts written to {folder}")
    return 0
