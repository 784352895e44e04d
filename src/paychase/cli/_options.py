"""Options that several commands share, spelled and checked the same way everywhere.

Every command that reads a case takes it the same way: a case file (``CASE`` as its first
argument, or ``--case FILE``; ``-`` reads standard input) or, with none, the workspace (see
`paychase.cli._config`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, TypeVar

import click

from paychase._files import load_case, parse_moment
from paychase.case._case import Case
from paychase.cli._config import CONFIG_NAME, ENV_DB, Settings
from paychase.delivery._sources import Snapshot
from paychase.errors import InvalidCaseError, PluginError
from paychase.money._rates import RateTable
from paychase.rates._store import find_rate_table
from paychase.store._workspace import Workspace

__all__ = [
    "Input",
    "case_input",
    "db_option",
    "format_option",
    "now_option",
    "open_input",
    "open_workspace",
    "parse_at",
    "parse_interval",
    "rate_table",
    "rates_option",
    "settings_of",
    "template_options",
]

F = TypeVar("F", bound=Callable[..., Any])


def _moment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    return parse_moment(value) if value else None


def now_option(
    help_text: str = "planning moment with UTC offset; overrides the case's 'now'",
) -> Callable[[F], F]:
    """``--now ISO-DATETIME``, read into an aware datetime (a naive one is refused)."""
    return click.option("--now", metavar="ISO-DATETIME", callback=_moment, help=help_text)


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format``, the first choice by default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="how to print the result",
    )


def template_options(function: F) -> F:
    """``--templates DIR`` and ``--invoices DIR``: the host's templates and invoice documents."""
    function = click.option("--invoices", metavar="DIR", help="invoice documents to attach")(
        function
    )
    return click.option(
        "--templates", metavar="DIR", help="your templates, asked before the built-in ones"
    )(function)


def rates_option(function: F) -> F:
    """``--rates FILE``: a rate table laid over the shipped one, instead of the stored one."""
    return click.option(
        "--rates",
        "rates_file",
        metavar="FILE",
        help="a rate table (see paychase rates) instead of the one `paychase rates update` stored",
    )(function)


def rate_table(ctx: click.Context, rates_file: str | None) -> RateTable:
    """The table to compute interest with: ``--rates FILE``, else the stored one, else shipped.

    The stored one is ``rates.json`` beside the ``paychase.toml`` in use, else the user's.
    """
    settings = settings_of(ctx)
    folder = settings.config.parent if settings.config is not None else None
    return find_rate_table(folder=folder, file=Path(rates_file) if rates_file else None)


def db_option(function: F) -> F:
    """``--db PATH``: the workspace (default: ``PAYCHASE_DB``, else ``db`` in paychase.toml)."""
    return click.option(
        "--db",
        metavar="PATH",
        help="the workspace file (default: $PAYCHASE_DB, or db in paychase.toml)",
    )(function)


def case_input(*, positional: bool = True) -> Callable[[F], F]:
    """The case to read: ``CASE`` (when `positional`) or ``--case FILE``, else the workspace."""

    def decorate(function: F) -> F:
        function = db_option(function)
        function = click.option(
            "--case",
            "case_option",
            metavar="FILE",
            help="a case file (- for standard input) instead of the workspace",
        )(function)
        if positional:
            function = click.argument("case", required=False, metavar="[CASE]")(function)
        return function

    return decorate


@dataclass(frozen=True, slots=True)
class Input:
    """The case a command works on, and the workspace it came from or was told of."""

    case: Case
    workspace: Workspace | None

    def moment(self, now: datetime | None) -> datetime | None:
        """The moment to plan for: ``--now``; else the case file's own; else the clock's."""
        if now is not None:
            return now
        return None if self.case.now is not None else datetime.now(UTC)


def settings_of(ctx: click.Context) -> Settings:
    """The settings `paychase.cli._main` read before the command ran."""
    settings = ctx.find_root().obj
    return settings if isinstance(settings, Settings) else Settings()


@contextmanager
def open_input(
    ctx: click.Context, case: str | None, case_option: str | None, db: str | None
) -> Iterator[Input]:
    """The case a command reads: a file, or the workspace's own.

    A workspace named on purpose (``--db``, ``PAYCHASE_DB``) adds its history to a file.

    Raises:
        InvalidCaseError: a case given both as ``CASE`` and ``--case``.
        PluginError: no case file and no workspace, or a workspace that does not exist.
    """
    if case and case_option:
        raise InvalidCaseError("give the case once: CASE or --case", field="--case")
    settings = settings_of(ctx)
    path = case or case_option
    if path is None:
        with open_workspace(ctx, db) as workspace:
            yield Input(workspace.case(), workspace)
        return
    named = settings.explicit_db(db)
    if named is None:
        yield Input(load_case(path), None)
        return
    with Workspace(named) as workspace:
        yield Input(Snapshot(load_case(path), workspace, with_own_history=True).case(), workspace)


def open_workspace(ctx: click.Context, db: str | None) -> Workspace:
    """The workspace the command names (flag, environment, paychase.toml); it must exist.

    Raises:
        PluginError: no workspace is named anywhere, or there is none at the path.
    """
    path = settings_of(ctx).workspace_path(db)
    if path is None:
        raise PluginError(
            f"no workspace: give --db PATH, set {ENV_DB}, or run `paychase init` here "
            f"(it writes {CONFIG_NAME})",
            field="db",
        )
    return Workspace(path)


def parse_at(text: str | None, *, field: str = "--at") -> datetime:
    """``--at``: an ISO date-time with its offset; now when not given.

    Raises:
        InvalidCaseError: not a date-time, or one without a UTC offset.
    """
    if not text:
        return datetime.now(UTC)
    try:
        return parse_moment(text)
    except InvalidCaseError as error:
        raise InvalidCaseError(error.problem, field=field, value=text) from None


_INTERVAL: Final = re.compile(r"^(\d{1,6})(m|min|h|d|w)$")
_INTERVAL_UNITS: Final = {
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}


def parse_interval(text: str, *, field: str) -> timedelta:
    """An interval of real time: ``15m``, ``90min``, ``12h``, ``1d`` or ``1w``; never zero.

    Raises:
        InvalidCaseError: naming `field`, for anything else.

    Examples:
        >>> parse_interval("15m", field="--for"), parse_interval("12h", field="--for")
        (datetime.timedelta(seconds=900), datetime.timedelta(seconds=43200))
    """
    match = _INTERVAL.match(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise InvalidCaseError("an interval such as 15m, 12h or 1d", field=field, value=text)
    return int(match.group(1)) * _INTERVAL_UNITS[match.group(2)]
