"""The ``paychase`` command line (SPEC §6).

A click group whose commands load on first use: ``paychase --version`` imports neither the
planner nor jinja2. Every error a user can cause — a bad case file, a bad option, a missing
argument — ends in one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from paychase import __version__
from paychase._text import check_unicode
from paychase.cli._config import read_settings
from paychase.cli._lazy import LazyGroup
from paychase.errors import InvalidCaseError, PaychaseError

__all__ = ["cli", "main"]

_EXIT_BAD_INPUT = 2

COMMANDS = {
    "init": "paychase.cli._workspace:init_command",
    "import": "paychase.cli._workspace:import_command",
    "export": "paychase.cli._workspace:export_command",
    "pay": "paychase.cli._record:pay_command",
    "record": "paychase.cli._record:record_group",
    "history": "paychase.cli._record:history_group",
    "reviews": "paychase.cli._reviews:reviews_group",
    "completion": "paychase.cli._workspace:completion_command",
    "plan": "paychase.cli._plan:plan_command",
    "statement": "paychase.cli._plan:statement_command",
    "schema": "paychase.cli._plan:schema_command",
    "render": "paychase.cli._messages:render_command",
    "preview": "paychase.cli._messages:preview_command",
    "templates": "paychase.cli._messages:templates_group",
    "evidence": "paychase.cli._messages:evidence_command",
    "run": "paychase.cli._run:run_command",
    "tasks": "paychase.cli._run:tasks_command",
    "settle": "paychase.cli._settle:settle_command",
    "simulate": "paychase.cli._simulate:simulate_command",
    "rates": "paychase.cli._rates:rates_group",
}


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="paychase", message="%(prog)s %(version)s")
def cli() -> None:
    """Decide what to do next about money a client owes."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: the process's arguments); the exit status."""
    # A command builds one large acyclic case and plan: the cyclic collector would rescan it
    # each time the heap grows by a quarter (over half of the time spent validating a large
    # case) and find nothing. Reference counting still frees everything; the collector is
    # switched back on afterwards, for hosts that call main() in their own process.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _check_text(sys.argv[1:] if argv is None else argv)
        settings = read_settings()
        status = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="paychase",
            standalone_mode=False,
            obj=settings,
            default_map=_defaults_by_parameter(cli, settings.defaults, str(settings.config)),
            auto_envvar_prefix="PAYCHASE",
        )
        return int(status or 0)
    except click.exceptions.NoArgsIsHelpError as error:
        click.echo(error.ctx.get_help() if error.ctx else str(error), err=True)
        return _EXIT_BAD_INPUT
    except click.UsageError as error:
        where = error.ctx.command_path if error.ctx else "paychase"
        hint = f" (see '{where} --help')"
        _error(f"{error.format_message()}{hint}")
        return _EXIT_BAD_INPUT
    except click.Abort:
        _error("aborted")
        return 1
    except BrokenPipeError:
        # The reader (head, less) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except PaychaseError as error:
        _error(_one_line(str(error)))
        return _EXIT_BAD_INPUT
    finally:
        if collecting:
            gc.enable()


def _defaults_by_parameter(
    command: click.Command, table: dict[str, Any], where: str
) -> dict[str, Any]:
    """The config's defaults keyed as click knows them: ``format`` is ``--format``'s parameter.

    A table names a subcommand; a key names an option by its flag. An unknown one is an error,
    naming it: a misspelt setting must not be silently ignored.
    """
    found: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict) and isinstance(command, click.Group):
            sub = command.get_command(click.Context(command), key)
            if sub is None:
                raise InvalidCaseError("no such command", field=f"{where}: [{key}]")
            found[key] = _defaults_by_parameter(sub, value, f"{where}: [{key}]")
            continue
        flag = "--" + key.replace("_", "-")
        param = next((p for p in command.params if flag in getattr(p, "opts", ())), None)
        if param is None or param.name is None:
            raise InvalidCaseError(f"{command.name} has no option {flag}", field=f"{where}: {key}")
        found[param.name] = value
    return found


def _check_text(arguments: Sequence[str]) -> None:
    """Refuse an argument that is not valid text, before any command sees it.

    Bytes that are not UTF-8 reach Python as lone surrogates, which can be neither stored,
    printed nor sent: no command takes them, not even as a file name.

    Raises:
        InvalidCaseError: naming the argument by its place.
    """
    for place, argument in enumerate(arguments, start=1):
        try:
            check_unicode(argument)
        except ValueError:
            raise InvalidCaseError(
                "not UTF-8 text: write names, ids and paths in UTF-8",
                field=f"argument {place}",
                value=argument,
            ) from None


def _error(text: str) -> None:
    print(f"paychase: error: {text}", file=sys.stderr)


def _one_line(text: str) -> str:
    """An error as one line, whatever a value or problem held (a line break, a tab)."""
    return " ".join(text.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
