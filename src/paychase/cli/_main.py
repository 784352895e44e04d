"""The ``paychase`` command line (SPEC §6).

``paychase plan CASE [--now ISO] [--format table|json]`` prints the plan, ``paychase
statement CASE CLIENT`` a client's statement of account and ``paychase schema case|plan`` a
JSON Schema. Invalid input exits with status 2 and a short message on
stderr naming the field — never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Sequence

from paychase import __version__
from paychase._files import load_case, parse_moment
from paychase.case._schema import case_schema
from paychase.cli._messages import add_message_commands
from paychase.cli._run import add_run_commands
from paychase.cli._simulate import add_simulate_command
from paychase.errors import PaychaseError
from paychase.planner._outputs import Action, Plan, plan_schema
from paychase.planner._plan import plan
from paychase.planner._statement import Statement, statement

__all__ = ["main"]

_EXIT_BAD_INPUT = 2
_WIDTH = 100


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    # A command builds one large acyclic case and plan: the cyclic collector would rescan it
    # each time the heap grows by a quarter (over half of the time spent validating a large
    # case) and find nothing. Reference counting still frees everything; the collector is
    # switched back on afterwards, for hosts that call main() in their own process.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return int(args.run(args))
    except BrokenPipeError:
        # The reader (head, less) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except PaychaseError as error:
        print(f"paychase: error: {error.summary()}", file=sys.stderr)
        if error.others:
            extra = len(error.others) - 1
            more = f" (and {extra} more)" if extra else ""
            print(f"paychase: also: {error.others[0]}{more}", file=sys.stderr)
        return _EXIT_BAD_INPUT
    finally:
        if collecting:
            gc.enable()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paychase", description="Decide what to do next about money a client owes."
    )
    parser.add_argument("--version", action="version", version=f"paychase {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    planning = commands.add_parser("plan", help="print the next actions for a case file")
    planning.add_argument("case", metavar="CASE", help="case file (.json, or .yaml with PyYAML)")
    planning.add_argument(
        "--now",
        metavar="ISO-DATETIME",
        help="planning moment with UTC offset; overrides the case's 'now'",
    )
    planning.add_argument("--format", choices=("table", "json"), default="table")
    planning.set_defaults(run=_run_plan)

    account = commands.add_parser(
        "statement", help="print a client's invoices, payments, fees, interest and totals"
    )
    account.add_argument("case", metavar="CASE", help="case file (.json, or .yaml with PyYAML)")
    account.add_argument("client", metavar="CLIENT", help="the client's id")
    account.add_argument(
        "--now", metavar="ISO-DATETIME", help="statement moment; overrides the case's 'now'"
    )
    account.add_argument("--format", choices=("table", "json"), default="table")
    account.set_defaults(run=_run_statement)

    schema = commands.add_parser("schema", help="print the JSON Schema of the case or the plan")
    schema.add_argument("which", choices=("case", "plan"), nargs="?", default="case")
    schema.set_defaults(run=_run_schema)
    add_message_commands(commands)
    add_run_commands(commands)
    add_simulate_command(commands)
    return parser


def _run_plan(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    result = plan(case, now=parse_moment(args.now) if args.now else None)
    print(result.to_json() if args.format == "json" else render_table(result))
    return 0


def _run_statement(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    result = statement(case, args.client, now=parse_moment(args.now) if args.now else None)
    print(result.to_json() if args.format == "json" else render_statement(result))
    return 0


def _run_schema(args: argparse.Namespace) -> int:
    schema = case_schema() if args.which == "case" else plan_schema()
    print(json.dumps(schema, indent=2, sort_keys=True))
    return 0


# -- the table ----------------------------------------------------------------------------

_COLUMNS = (
    ("WHEN (LOCAL)", 22),
    ("CLIENT", 12),
    ("INVOICES", 16),
    ("STEP", 13),
    ("CHANNEL", 10),
    ("AMOUNT", 16),
)


def render_table(result: Plan, width: int | None = None) -> str:
    """The plan as a table readable in a 100-column terminal, reasons wrapped under each row."""
    width = width or min(shutil.get_terminal_size((_WIDTH, 24)).columns, _WIDTH)
    lines = [
        f"Plan at {result.now.isoformat()} under policy '{result.policy}': "
        f"{len(result.actions)} action{'s' if len(result.actions) != 1 else ''}",
        "",
    ]
    if result.actions:
        lines.append(_row(name for name, _ in _COLUMNS))
        for action in result.actions:
            lines.append(_row(_cells(action)))
            lines += textwrap.wrap(
                action.reason, width=width, initial_indent="    ", subsequent_indent="    "
            )
    lines += [
        "",
        _row(
            ("INVOICE", "STATE", "OVERDUE", "STEP", "BALANCE", "NEXT"),
            widths=(16, 11, 8, 13, 18, 10),
        ),
    ]
    for state in result.invoices:
        lines.append(
            _row(
                (
                    state.id,
                    state.state,
                    f"{state.days_overdue}d",
                    state.step or "-",
                    f"{state.balance} {state.currency}",
                    str(state.next_review or "-"),
                ),
                widths=(16, 11, 8, 13, 18, 10),
            )
        )
    lines += _chase_rows(result)
    return "\n".join(line.rstrip() for line in lines)


_CHASE_WIDTHS = (16, 11, 8, 13, 18, 10)


def _chase_rows(result: Plan) -> list[str]:
    """Where each chase that is not about money stands, under the invoices."""
    if not result.chases:
        return []
    lines = ["", _row(("CHASE", "STATE", "KIND", "STEP", "CLIENT", "NEXT"), widths=_CHASE_WIDTHS)]
    lines += [
        _row(
            (
                chase.id,
                chase.state,
                chase.kind,
                chase.step or "-",
                chase.client,
                str(chase.next_review or "-"),
            ),
            widths=_CHASE_WIDTHS,
        )
        for chase in result.chases
    ]
    return lines


_STATEMENT_WIDTHS = (16, 10, 9, 12, 12, 10, 10, 14)


def render_statement(result: Statement) -> str:
    """A statement as a table: one row per invoice, then the totals of each currency."""
    lines = [f"Statement of {result.name} ({result.client}) on {result.as_of}", ""]
    lines.append(
        _row(
            ("INVOICE", "DUE", "STATE", "INVOICED", "PRINCIPAL", "FEE+COMP", "INTEREST", "TOTAL"),
            widths=_STATEMENT_WIDTHS,
        )
    )
    for line in result.lines:
        lines.append(
            _row(
                (
                    line.number or line.invoice,
                    str(line.due),
                    line.state,
                    line.invoiced,
                    line.principal,
                    line.late_fee + line.compensation,
                    line.interest,
                    f"{line.total} {line.currency}",
                ),
                widths=_STATEMENT_WIDTHS,
            )
        )
    for total in result.totals:
        lines.append(
            _row(
                (
                    "TOTAL",
                    "",
                    "",
                    total.invoiced,
                    total.principal,
                    total.late_fee + total.compensation,
                    total.interest,
                    f"{total.total} {total.currency}",
                ),
                widths=_STATEMENT_WIDTHS,
            )
        )
    for charge in result.charges:
        lines += textwrap.wrap(
            f"{charge.invoice} {charge.kind.replace('_', ' ')} {charge.amount} {charge.currency}:"
            f" {charge.rule}",
            width=_WIDTH,
            subsequent_indent="    ",
        )
    for problem in result.problems:
        lines += textwrap.wrap(f"! {problem}", width=_WIDTH, subsequent_indent="    ")
    return "\n".join(line.rstrip() for line in lines)


def _cells(action: Action) -> tuple[str, ...]:
    amount = f"{action.amounts.total} {action.amounts.currency}" if action.amounts else "-"
    return (
        f"{action.at:%Y-%m-%d %H:%M %z}",
        action.client,
        ",".join(action.invoices) or (f"chase:{action.chase}" if action.chase else ""),
        action.step or action.kind,
        _channel_text(action),
        amount,
    )


def _channel_text(action: Action) -> str:
    return action.kind if action.channel == "system" else action.channel


def _row(cells: object, widths: Sequence[int] | None = None) -> str:
    sizes = widths or [size for _, size in _COLUMNS]
    return " ".join(_fit(str(cell), size) for cell, size in zip(cells, sizes, strict=False))  # type: ignore[call-overload]


def _fit(text: str, size: int) -> str:
    return text.ljust(size) if len(text) <= size else text[: size - 1] + "…"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
