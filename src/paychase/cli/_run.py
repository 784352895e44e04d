"""The delivery commands: ``run`` and ``tasks``.

``paychase run`` performs what is due — one command a day from cron is enough — reading the
latest facts before each send, and prints what it sent, handed to a person, left in doubt, and
each review the first time it appears. It exits 1 while something needs a person (an uncertain
send, until it is settled; a key held by a runner that may have died or hung; a message not
rendered; an open review), so a monitor can tell. ``--quiet`` prints only
that, for cron mail. ``paychase tasks`` lists the calls and letters waiting for a person, in
your time and the client's, and writes the calls to an iCalendar file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import click

from paychase._files import load_case, output_errors, write_text_atomically
from paychase.calendar._local_time import zone
from paychase.cli._options import (
    case_input,
    now_option,
    open_workspace,
    parse_interval,
    rate_table,
    rates_option,
)
from paychase.cli._output import Column, Verbosity, local_time, print_table, show
from paychase.cli._progress import progress_bar
from paychase.cli._rates import rate_gap_warning
from paychase.delivery._channel import ConsoleChannel, DeliveryChannel
from paychase.delivery._ical import calls_calendar
from paychase.delivery._outbox import FileOutbox, outbox_stem
from paychase.delivery._runner import Outcome, Runner, RunReport, RunStoppedError
from paychase.delivery._smtp import SmtpChannel
from paychase.delivery._sources import CaseFile, CaseSource
from paychase.errors import InvalidCaseError, PluginError
from paychase.messages._documents import InvoiceFolder
from paychase.messages._render import Renderer
from paychase.messages._templates import TemplateDirectory
from paychase.planner._outputs import Action
from paychase.policy._policy import Channel
from paychase.store._reviews import Review
from paychase.store._workspace import Workspace

__all__ = ["channel_from_spec", "run_command", "tasks_command"]

_CHANNELS: tuple[Channel, ...] = ("email", "sms", "messenger", "linkedin", "fax")
_NEEDS_A_PERSON = frozenset({"uncertain", "stalled", "retry_later", "bounced", "failed"})
_QUIET_STATUSES = frozenset({"skipped", "review"})


@click.command("run")
@case_input(positional=False)
@now_option("the run's moment (default: now)")
@click.option("--dry-run", is_flag=True, help="show what would happen; do nothing")
@click.option(
    "--full",
    is_flag=True,
    help="plan every client, not only those whose facts changed or whose moment came",
)
@click.option(
    "--for",
    "keep_running",
    metavar="DURATION",
    help="keep running this long (e.g. 12h), performing each action when it falls due",
)
@click.option(
    "--channel",
    multiple=True,
    metavar="NAME=SPEC",
    help="email=smtp://[USER@]HOST[:PORT] (STARTTLS; ?security=none for a plain relay), "
    "email=smtps://USER@HOST, email=outbox:DIR, sms=console; the password comes from "
    "PAYCHASE_SMTP_PASSWORD",
)
@click.option("--templates", metavar="DIR", help="your templates, before built-ins")
@click.option("--invoices", metavar="DIR", help="invoice documents to attach")
@rates_option
@click.option("-q", "--quiet", is_flag=True, help="print only what needs a person (for cron)")
@click.option("-v", "--verbose", is_flag=True, help="print every action, with its reason")
@click.pass_context
def run_command(
    ctx: click.Context,
    *,
    case_option: str | None,
    db: str | None,
    now: datetime | None,
    dry_run: bool,
    full: bool,
    keep_running: str | None,
    channel: Sequence[str],
    templates: str | None,
    invoices: str | None,
    rates_file: str | None,
    quiet: bool,
    verbose: bool,
) -> int:
    """Perform what is due and record it, once per key, on the latest facts."""
    verbosity = Verbosity.QUIET if quiet else Verbosity.LOUD if verbose else Verbosity.NORMAL
    channels = dict(channel_from_spec(spec) for spec in channel)
    renderer = Renderer(
        templates=[TemplateDirectory(templates)] if templates else [],
        documents=InvoiceFolder(invoices) if invoices else None,
        rates=rate_table(ctx, rates_file),
    )
    until = _until(keep_running, fixed_moment=now is not None or dry_run)
    attention = False
    with open_workspace(ctx, db) as workspace:
        source: CaseSource = CaseFile(Path(case_option), workspace) if case_option else workspace
        runner = Runner(store=workspace, channels=channels, renderer=renderer)
        while True:
            moment = now or datetime.now(UTC)
            report = _run_once(
                runner, source, moment, dry_run=dry_run, full=full, verbosity=verbosity
            )
            reviews, warning = rate_gap_warning(report.planned)
            new_reviews = [] if dry_run else _keep_reviews(workspace, report, reviews, moment)
            if warning:
                show(warning)
            _print_report(report, new_reviews, verbosity)
            # Like an open review: the table needs a person (a dry run keeps nothing open).
            attention |= warning is not None and not dry_run
            attention |= any(o.status in _NEEDS_A_PERSON for o in report.outcomes)
            if until is None or report.next_at is None or report.next_at > until:
                break
            time.sleep(max((report.next_at - datetime.now(UTC)).total_seconds(), 0))
        attention |= bool(workspace.open_reviews())
    return 1 if attention else 0


def _keep_reviews(
    workspace: Workspace, report: RunReport, actions: Sequence[Action], at: datetime
) -> list[Review]:
    """Keep the plan's reviews; those to report (new ones); close those no longer planned.

    `actions` are the plan's without the reviews that only say the rate table stops: the run
    prints one warning line for those instead of keeping one review per invoice.
    """
    planned = [action for action in actions if action.kind == "review"]
    clients = set(report.clients)
    if not report.incremental:  # a case file's clients, and the workspace's
        clients |= {action.client for action in report.planned} | set(workspace.clients())
    workspace.lapse_reviews({a.key for a in planned}, clients=clients, at=at)
    return workspace.note_reviews(planned, at=at)


def _print_report(report: RunReport, reviews: list[Review], verbosity: Verbosity) -> None:
    """Print what the run did, each new review, and a summary line.

    Without options every outcome but a skipped one; with --verbose every one; with --quiet
    only those that need a person, and no summary.
    """
    for outcome in report.outcomes:
        if _shown(outcome, verbosity):
            show(f"{outcome.status:<11} {outcome.key}  [{outcome.channel}]  {outcome.detail}")
    for review in reviews:
        show(f"{'review':<11} {review.key}  {review.reason}")
    if verbosity == Verbosity.QUIET:
        return
    counts: dict[str, int] = {}
    for outcome in report.outcomes:
        if outcome.status != "review":
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
    if reviews:
        counts["new review"] = len(reviews)
    summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "nothing due"
    show(f"run at {report.now.isoformat()}: {summary}")


def _shown(outcome: Outcome, verbosity: Verbosity) -> bool:
    if outcome.status == "review":
        return False  # reviews are reported once, from the workspace
    if verbosity == Verbosity.LOUD:
        return True
    if verbosity == Verbosity.QUIET:
        return outcome.status in _NEEDS_A_PERSON
    return outcome.status not in _QUIET_STATUSES


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
    return datetime.now(UTC) + parse_interval(keep_running, field="--for")


def _run_once(
    runner: Runner,
    source: CaseSource,
    now: datetime,
    *,
    dry_run: bool,
    full: bool,
    verbosity: Verbosity,
) -> RunReport:
    """One run; if the store fails under it, what it did before is printed, then the error.

    On the workspace it is incremental unless `full`: only the clients whose facts changed or
    whose next review came are planned (a case file is planned in full).
    """
    try:
        with progress_bar("performing") as progress:
            return runner.run(
                source, now=now, dry_run=dry_run, progress=progress, incremental=not full
            )
    except RunStoppedError as stopped:
        _print_report(stopped.report, [], verbosity)
        raise


_TASKS = (
    Column("KEY"),
    Column("STATUS"),
    Column("WHEN (YOUR TIME)"),
    Column("CLIENT'S TIME"),
    Column("CLIENT"),
)


@click.command("tasks")
@case_input(positional=False)
@click.option("--ics", metavar="FILE", help="write the open calls to this .ics file")
@click.option("--out", metavar="DIR", help="write each task's letter or script as a printable page")
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table")
@click.pass_context
def tasks_command(
    ctx: click.Context,
    *,
    case_option: str | None,
    db: str | None,
    ics: str | None,
    out: str | None,
    output_format: str,
) -> int:
    """List the calls and letters waiting for a person; export the calls as iCalendar."""
    with open_workspace(ctx, db) as workspace:
        # A workspace used only with `run --case FILE` holds history but no records: the
        # clients' time zones then come from --case, or are not shown.
        case = load_case(case_option) if case_option else None
        if case is None and not workspace.is_empty():
            case = workspace.case()
        open_tasks = sorted(workspace.attempts({"task", "uncertain"}), key=lambda a: a.planned_at)
    if output_format == "json":
        click.echo(json.dumps([a.model_dump(mode="json") for a in open_tasks], indent=2))
    elif open_tasks:
        zones = {client.id: zone(client.timezone) for client in case.clients} if case else {}
        rows = [
            (
                task.key,
                task.status,
                local_time(task.planned_at),
                _their_time(task.planned_at, zones.get(task.client)),
                task.client,
            )
            for task in open_tasks
        ]
        notes = [task.message.subject if task.message else task.error or "" for task in open_tasks]
        print_table(_TASKS, rows, notes=notes)
    else:
        show("no open tasks")
    if ics:
        if case is None:
            raise InvalidCaseError(
                "the calls need their clients' names and time zones: give the case file",
                field="--case",
            )
        calendar = calls_calendar(open_tasks, case, stamp=datetime.now(UTC))
        with output_errors("--ics"):
            write_text_atomically(Path(ics), calendar.decode("utf-8"))
        show(f"calls written to {ics}")
    if out:
        folder = Path(out)
        with output_errors("--out"):
            folder.mkdir(parents=True, exist_ok=True)
            for task in open_tasks:
                if task.message is not None:
                    page = folder / f"{outbox_stem(task.key)}.html"
                    write_text_atomically(page, task.message.html)
        show(f"letters and scripts written to {folder}")
    return 0


def _their_time(moment: datetime, where: ZoneInfo | None) -> str:
    """`moment` on the client's clock, as a caller needs it."""
    if where is None:
        return "-"
    return moment.astimezone(where).strftime("%Y-%m-%d %H:%M %Z")
