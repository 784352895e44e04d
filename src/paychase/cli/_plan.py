"""The planning commands: ``plan``, ``statement`` and ``schema``.

``paychase plan CASE`` prints the next actions (a table, or the SPEC §4 JSON with ``--format
json``); ``paychase statement CASE CLIENT`` prints a client's statement of account;
``paychase schema case|plan`` prints a published JSON Schema.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Sequence
from datetime import datetime

import click

from paychase._files import load_case
from paychase.case._schema import case_schema
from paychase.cli._options import case_argument, format_option, now_option
from paychase.planner._outputs import Action, Plan, plan_schema
from paychase.planner._plan import plan
from paychase.planner._statement import Statement, statement

__all__ = [
    "plan_command",
    "render_statement",
    "render_table",
    "schema_command",
    "statement_command",
]

_WIDTH = 100


@click.command("plan")
@case_argument
@now_option()
@format_option("table", "json")
def plan_command(case: str, now: datetime | None, output_format: str) -> int:
    """Print the next actions for a case file."""
    result = plan(load_case(case), now=now)
    click.echo(result.to_json() if output_format == "json" else render_table(result))
    return 0


@click.command("statement")
@case_argument
@click.argument("client", metavar="CLIENT")
@now_option("statement moment; overrides the case's 'now'")
@format_option("table", "json")
def statement_command(case: str, client: str, now: datetime | None, output_format: str) -> int:
    """Print a client's invoices, payments, fees, interest and totals."""
    result = statement(load_case(case), client, now=now)
    click.echo(result.to_json() if output_format == "json" else render_statement(result))
    return 0


@click.command("schema")
@click.argument("which", type=click.Choice(("case", "plan")), default="case")
def schema_command(which: str) -> int:
    """Print the JSON Schema of the case file or of the plan."""
    schema = case_schema() if which == "case" else plan_schema()
    click.echo(json.dumps(schema, indent=2, sort_keys=True))
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
