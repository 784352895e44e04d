"""The ``simulate`` command: a case's future, printed as a timeline and drawn as a chart.

``paychase simulate CASE --until DATE`` walks the case forward from its ``now`` (or ``--now``)
and prints what would happen, day by day — dunning, instalment plans and chases that are not
about money; ``--script FILE`` adds scripted moves (the client pays, replies, promises,
disputes, agrees to pay in instalments; we resolve a dispute), ``--policy NAME`` asks what
would happen under another built-in policy (``--policy all``: under each of them in turn),
``--cadence 1h`` ticks like a cron job instead of jumping from action to action, ``--format
json`` prints the timeline as JSON and ``--chart FILE.svg|.png`` draws it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Final

import click

from paychase._files import output_errors, parse_moment
from paychase.calendar._durations import Duration
from paychase.case._case import Case, planning_moment
from paychase.cli._options import case_input, now_option, open_input, parse_interval
from paychase.cli._progress import progress_bar
from paychase.errors import InvalidCaseError
from paychase.policy._builtin import BUILTIN_POLICIES
from paychase.simulation._chart import timeline_chart
from paychase.simulation._script import load_script
from paychase.simulation._simulate import simulate
from paychase.simulation._timeline import Timeline

__all__ = ["parse_cadence", "parse_until", "simulate_command"]

_UNITS: Final = {
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
_END_OF_DAY: Final = time(23, 59, 59)


@click.command("simulate")
@case_input()
@click.option(
    "--until",
    required=True,
    metavar="DATE|ISO-DATETIME|+90d",
    help="the end: a date (its end, UTC), a date-time with offset, or a span from the start",
)
@now_option("the start; overrides the case's 'now'")
@click.option(
    "--script",
    metavar="FILE",
    help="scripted moves: the client's, and dispute resolutions (.json, or .yaml with PyYAML)",
)
@click.option(
    "--policy",
    metavar="NAME|all",
    type=click.Choice((*BUILTIN_POLICIES, "all")),
    help="what would happen under this built-in policy instead of the case's; 'all': under "
    "each in turn (invoices already in dunning stay on their version)",
)
@click.option(
    "--cadence",
    metavar="15m|1h|1d",
    help="tick like a cron job at this interval instead of jumping from action to action",
)
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text")
@click.option("--reasons", is_flag=True, help="print each entry's reason")
@click.option("--chart", metavar="FILE.svg|FILE.png", help="also draw the timeline")
@click.pass_context
def simulate_command(
    ctx: click.Context,
    *,
    case: str | None,
    case_option: str | None,
    db: str | None,
    until: str,
    now: datetime | None,
    script: str | None,
    policy: str | None,
    cadence: str | None,
    output_format: str,
    reasons: bool,
    chart: str | None,
) -> int:
    """Walk a case forward in time and print everything that would happen."""
    with open_input(ctx, case, case_option, db) as given:
        loaded = given.case
        start = planning_moment(loaded, given.moment(now))
    moves = load_script(script) if script else ()
    tick = parse_cadence(cadence) if cadence else None
    end = parse_until(until, start)
    variants = _variants(loaded, policy)
    timelines = []
    with progress_bar("simulating") as progress:
        for done, variant in enumerate(variants, start=1):
            timelines.append(simulate(variant, until=end, now=start, script=moves, cadence=tick))
            progress(done, len(variants))
    _print(timelines, json_format=output_format == "json", reasons=reasons)
    if chart:
        for timeline in timelines:
            with output_errors("--chart"):
                written = timeline_chart(timeline, _chart_path(chart, timeline, len(timelines)))
            click.echo(f"chart written to {written}", err=True)
    return 0


def _variants(case: Case, policy: str | None) -> list[Case]:
    """The case as given, or under the policy ``--policy`` names, or under each built-in one."""
    if policy is None:
        return [case]
    names = BUILTIN_POLICIES if policy == "all" else (policy,)
    return [case.with_policy(name) for name in names]


def _print(timelines: Sequence[Timeline], *, json_format: bool, reasons: bool) -> None:
    """One timeline as text or JSON; several one after another, or as a JSON object by policy."""
    if json_format and len(timelines) > 1:
        by_policy = {t.policy: t.model_dump(mode="json", exclude_none=True) for t in timelines}
        click.echo(json.dumps(by_policy, indent=2, ensure_ascii=False))
    elif json_format:
        click.echo(timelines[0].to_json())
    else:
        click.echo("\n".join(timeline.text(reasons=reasons) for timeline in timelines), nl=False)


def _chart_path(path: str, timeline: Timeline, count: int) -> Path:
    """Where to draw `timeline`: ``--chart`` itself, or with the policy's name when several."""
    target = Path(path)
    if count == 1:
        return target
    return target.with_name(f"{target.stem}-{timeline.policy}{target.suffix}")


def parse_until(text: str, start: datetime) -> datetime:
    """Read ``--until``: a date (its last second, UTC), an ISO date-time, or ``+90d`` / ``+2w``.

    Raises:
        InvalidCaseError: none of these, or a naive date-time.

    >>> start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    >>> parse_until("2026-06-01", start).isoformat()
    '2026-06-01T23:59:59+00:00'
    >>> parse_until("+90d", start).isoformat()
    '2026-05-31T09:00:00+00:00'
    """
    value = text.strip()
    if value.startswith("+"):
        return start + _span(value, field="--until")
    if len(value) == 10:
        try:
            return datetime.combine(date.fromisoformat(value), _END_OF_DAY, tzinfo=UTC)
        except ValueError:
            raise InvalidCaseError("not a date (YYYY-MM-DD)", field="--until", value=text) from None
    try:
        return parse_moment(value)
    except InvalidCaseError as error:
        raise InvalidCaseError(error.problem, field="--until", value=text) from None


def parse_cadence(text: str) -> timedelta:
    """Read ``--cadence``: ``15m``, ``1h``, ``1d`` or ``1w``.

    Raises:
        InvalidCaseError: not such an interval, or zero.

    >>> parse_cadence("15m"), parse_cadence("1h")
    (datetime.timedelta(seconds=900), datetime.timedelta(seconds=3600))
    """
    return parse_interval(text, field="--cadence")


def _span(text: str, *, field: str) -> timedelta:
    """``+90d``, ``+2w``, ``+36h`` as elapsed time (business days need a calendar: refused)."""
    try:
        duration = Duration.parse(text)
    except InvalidCaseError as error:
        raise InvalidCaseError(error.problem, field=field, value=text) from None
    if duration.unit == "bd" or duration.weekday is not None:
        raise InvalidCaseError("use days, weeks or hours, e.g. +90d", field=field, value=text)
    return duration.count * _UNITS[duration.unit]
