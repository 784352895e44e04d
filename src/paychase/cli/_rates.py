"""The ``rates`` commands, and the one-line warning about a rate table that stops too early.

``paychase rates status`` says, per regime, the days the table in use covers, its latest rate
and since when, and what planning today lacks. ``paychase rates update`` reads the official
publishers, derives each regime's rate by its rule and stores the table where every command
finds it. ``paychase rates fx`` reads the exchange rate of the exact day a statute names.

A table that stops before today makes the planner put a review on every overdue invoice of the
regime (rule 11): right for a host's JSON, noise on a terminal. `rate_gap_warning` folds those
reviews into one line that says what to do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import click

from paychase._files import output_errors
from paychase.cli._options import format_option, now_option, rate_table, settings_of
from paychase.cli._output import Column, print_table, show
from paychase.errors import InvalidCaseError
from paychase.money._charges import RATE_GAP
from paychase.planner._outputs import Action
from paychase.rates._fx import ECB_FX_URL, NBP_FX_URL, ecb_rate, nbp_rate
from paychase.rates._http import Fetcher
from paychase.rates._sources import SOURCES
from paychase.rates._status import RegimeStatus, rate_status
from paychase.rates._store import stored_rates_path, write_rate_file
from paychase.rates._update import REGIMES, update_table

__all__ = ["rate_gap_warning", "rates_group"]

_DECIDE = ": a person should decide"


@click.group("rates")
def rates_group() -> None:
    """Reference-rate tables: what they cover, and updating them from the publishers."""


def _rates_file_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--rates", "rates_file", metavar="FILE", help="the table to read instead of the stored one"
    )(function)


@rates_group.command("status")
@_rates_file_option
@now_option("the day to check the table for (default: today)")
@format_option("table", "json")
@click.pass_context
def status_command(
    ctx: click.Context, *, rates_file: str | None, now: datetime | None, output_format: str
) -> int:
    """Per regime: the days covered, the latest rate and since when, and what today lacks."""
    today = (now or datetime.now(UTC)).date()
    statuses = rate_status(rate_table(ctx, rates_file), today)
    if output_format == "json":
        click.echo(json.dumps([s.model_dump(mode="json") for s in statuses], indent=2))
        return 0
    show(f"Rate table on {today}: {_where(ctx, rates_file)}")
    print_table(
        (
            Column("REGIME"),
            Column("COVERED"),
            Column("RATE", right=True),
            Column("SINCE"),
            Column("TODAY"),
        ),
        [_status_cells(s) for s in statuses],
        notes=[s.source or "" for s in statuses],
    )
    if any(not s.current for s in statuses):
        show("update with: paychase rates update (or give a table with --rates FILE)")
    return 0


def _where(ctx: click.Context, rates_file: str | None) -> str:
    if rates_file:
        return f"{rates_file} over the table shipped with paychase"
    settings = settings_of(ctx)
    folder = settings.config.parent if settings.config is not None else None
    for path in (stored_rates_path(folder), stored_rates_path(None)):
        if path.is_file():
            return f"{path} over the table shipped with paychase"
    return "the table shipped with paychase (never updated)"


def _status_cells(status: RegimeStatus) -> tuple[str, ...]:
    covered = f"{status.first or '-'}..{status.last or 'open'}"
    lacking = "ok" if status.current else f"missing from {status.missing_from}"
    return (status.regime, covered, f"{status.rate} %", str(status.changed or "-"), lacking)


@rates_group.command("update")
@click.option(
    "--regime",
    "regimes",
    multiple=True,
    type=click.Choice(REGIMES),
    help="update only this regime (repeat for more; default: every one)",
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="KEY=URL",
    help=f"read a source from a mirror or test server ({', '.join(SOURCES)})",
)
@_rates_file_option
@click.option("--out", metavar="FILE", help="write here (default: where every command finds it)")
@now_option("the day of the update (default: today)")
@click.pass_context
def update_command(
    ctx: click.Context,
    *,
    regimes: Sequence[str],
    sources: Sequence[str],
    rates_file: str | None,
    out: str | None,
    now: datetime | None,
) -> int:
    """Read the official publishers and store the rates derived from them."""
    today = (now or datetime.now(UTC)).date()
    before = {s.regime: s.last for s in rate_status(rate_table(ctx, rates_file), today)}
    result = update_table(
        rate_table(ctx, rates_file), today=today, regimes=regimes, urls=_urls(sources)
    )
    settings = settings_of(ctx)
    target = (
        Path(out)
        if out
        else stored_rates_path(settings.config.parent if settings.config is not None else None)
    )
    with output_errors("--out"):
        write_rate_file(target, result.table)
    for regime, reached in result.reached.items():
        show(f"{regime:<26} {_reach(before.get(regime), reached)}")
    show(f"wrote {target}")
    return 0


def _reach(before: date | None, reached: date | None) -> str:
    if reached is None:
        return f"no new data: covered to {before}"
    return f"covered to {reached} (was {before or 'open'})"


def _urls(sources: Sequence[str]) -> dict[str, str]:
    found = {}
    for spec in sources:
        key, _, url = spec.partition("=")
        if key not in SOURCES or not url:
            raise InvalidCaseError(
                f"use KEY=URL with KEY one of {', '.join(SOURCES)}", field="--source", value=spec
            )
        found[key] = url
    return found


@rates_group.command("fx")
@click.argument("currency")
@click.argument("day", metavar="DATE")
@click.option(
    "--publisher",
    type=click.Choice(("nbp", "ecb")),
    default="nbp",
    show_default=True,
    help="nbp: Table A of exactly DATE, in PLN; ecb: the euro rate latest on or before DATE",
)
@click.option("--source", "url", metavar="URL", help="read from a mirror or test server")
def fx_command(*, currency: str, day: str, publisher: str, url: str | None) -> int:
    """Print the exchange rate of DATE as a case file's exchange_rates entry."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise InvalidCaseError("a date as YYYY-MM-DD", field="DATE", value=day) from None
    with Fetcher() as fetcher:
        if publisher == "nbp":
            found = nbp_rate(fetcher, currency, when, url=url or NBP_FX_URL)
        else:
            found = ecb_rate(fetcher, currency, when, url=url or ECB_FX_URL)
    click.echo(found.model_dump_json(by_alias=True))
    return 0


def rate_gap_warning(actions: Sequence[Action]) -> tuple[list[Action], str | None]:
    """The actions without the reviews that only say the rate table stops; one line instead.

    A review that also says something else stays, whole: a person must still decide that.
    """
    kept: list[Action] = []
    gaps: dict[str, tuple[date, int]] = {}
    for action in actions:
        found = list(RATE_GAP.finditer(action.reason)) if action.kind == "review" else []
        for match in found:
            start = date.fromisoformat(match["start"])
            earliest, count = gaps.get(match["regime"], (start, 0))
            gaps[match["regime"]] = (min(earliest, start), count + 1)
        rest = RATE_GAP.sub("", action.reason).removesuffix(_DECIDE).strip(" ;")
        if not found or rest:
            kept.append(action)
    if not gaps:
        return kept, None
    regimes = ", ".join(f"{name} from {start}" for name, (start, _) in sorted(gaps.items()))
    count = sum(n for _, n in gaps.values())
    warning = (
        f"warning: the rate table has no rate for {regimes}: interest on {count} invoice"
        f"{'s' if count != 1 else ''} is computed only to then; run `paychase rates update` "
        "or give --rates FILE"
    )
    return kept, warning
