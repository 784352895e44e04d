"""The planning commands: ``plan``, ``statement`` and ``schema``.

``paychase plan [CASE]`` prints the next actions — of the workspace, after everything recorded,
or of a case file — as a table, or as the SPEC §4 JSON with ``--format json``; ``--jobs N``
plans in N processes, ``--stream`` reads a case file of any size client by client and prints
the plan as JSON Lines (`paychase.plan_stream`);
``paychase statement [CASE] CLIENT`` prints a client's statement of account;
``paychase schema case|plan`` prints a published JSON Schema.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click

from paychase._stream import _stream_lines, plan_parallel, plan_parallel_json
from paychase.case._schema import case_schema
from paychase.cli._options import (
    case_input,
    format_option,
    now_option,
    open_input,
    rate_table,
    rates_option,
)
from paychase.cli._output import Column, local_time, print_table, show
from paychase.cli._rates import rate_gap_warning
from paychase.errors import InvalidCaseError
from paychase.money._rates import RateTable
from paychase.planner._outputs import Action, Plan, plan_schema
from paychase.planner._plan import plan
from paychase.planner._statement import Statement, statement
from paychase.rates._store import rates_schema

__all__ = ["plan_command", "print_plan", "print_statement", "schema_command", "statement_command"]


@click.command("plan")
@case_input()
@now_option()
@rates_option
@format_option("table", "json")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="processes planning clients at once (the plan is the same)",
)
@click.option(
    "--stream",
    is_flag=True,
    help="read a JSON case file of any size client by client; print JSON Lines (docs/scale.md)",
)
@click.option(
    "--spill-dir",
    metavar="DIR",
    help="with --stream: where the temporary spill file goes (about the case file's size)",
)
@click.pass_context
def plan_command(
    ctx: click.Context,
    *,
    case: str | None,
    case_option: str | None,
    db: str | None,
    now: datetime | None,
    rates_file: str | None,
    output_format: str,
    jobs: int,
    stream: bool,
    spill_dir: str | None,
) -> int:
    """Print the next actions: of the workspace (after everything recorded), or of a case file."""
    rates = rate_table(ctx, rates_file)
    if stream:
        _stream(case or case_option, now=now, rates=rates, jobs=jobs, spill_dir=spill_dir)
        return 0
    with open_input(ctx, case, case_option, db) as given:
        moment = given.moment(now)
        if output_format == "json":
            # With processes, the workers' JSON is put together without rebuilding the plan.
            click.echo(plan_parallel_json(given.case, now=moment, jobs=jobs, rates=rates))
            return 0
        if jobs > 1:
            result = plan_parallel(given.case, now=moment, jobs=jobs, rates=rates)
        else:
            result = plan(given.case, now=moment, rates=rates)
    print_plan(result)
    return 0


def _stream(
    path: str | None,
    *,
    now: datetime | None,
    rates: RateTable | None,
    jobs: int,
    spill_dir: str | None,
) -> None:
    """``plan --stream``: the plan of a case file (``-``: standard input) as JSON Lines.

    Without ``--now`` and a ``now`` in the file, the clock's moment is taken, as ``plan``
    takes it.
    """
    if path is None:
        raise InvalidCaseError(
            "--stream reads a case file (- for standard input), not the workspace", field="CASE"
        )
    source = sys.stdin.buffer if path == "-" else path
    out = sys.stdout
    for line in _stream_lines(
        source,
        now=now,
        default_now=datetime.now(UTC),
        calendars=None,
        rates=rates,
        jobs=jobs,
        spill_dir=spill_dir,
    ):
        out.write(line)
    out.flush()


@click.command("statement")
@click.argument("arguments", nargs=-1, metavar="[CASE] CLIENT")
@case_input(positional=False)
@now_option("statement moment; overrides the case's 'now'")
@rates_option
@format_option("table", "json")
@click.pass_context
def statement_command(
    ctx: click.Context,
    *,
    arguments: tuple[str, ...],
    case_option: str | None,
    db: str | None,
    now: datetime | None,
    rates_file: str | None,
    output_format: str,
) -> int:
    """Print a client's invoices, payments, fees, interest and totals."""
    if len(arguments) not in (1, 2):
        raise InvalidCaseError("give the client's id (after the case file, if any)", field="CLIENT")
    *case, client = arguments
    with open_input(ctx, case[0] if case else None, case_option, db) as given:
        result = statement(
            given.case, client, now=given.moment(now), rates=rate_table(ctx, rates_file)
        )
    if output_format == "json":
        click.echo(result.to_json())
    else:
        print_statement(result)
    return 0


@click.command("schema")
@click.argument("which", type=click.Choice(("case", "plan", "rates")), default="case")
def schema_command(which: str) -> int:
    """Print the JSON Schema of the case file, of the plan or of a rate table."""
    schemas = {"case": case_schema, "plan": plan_schema, "rates": rates_schema}
    schema = schemas[which]()
    click.echo(json.dumps(schema, indent=2, sort_keys=True))
    return 0


# -- tables -----------------------------------------------------------------------------------

_ACTIONS = (
    Column("WHEN (YOUR TIME)"),
    Column("CLIENT"),
    Column("INVOICES"),
    Column("STEP"),
    Column("CHANNEL"),
    Column("AMOUNT", right=True),
)
_INVOICES = (
    Column("INVOICE"),
    Column("STATE"),
    Column("OVERDUE", right=True),
    Column("STEP"),
    Column("BALANCE", right=True),
    Column("NEXT"),
)
_CHASES = (
    Column("CHASE"),
    Column("STATE"),
    Column("KIND"),
    Column("STEP"),
    Column("CLIENT"),
    Column("NEXT"),
)


def print_plan(result: Plan) -> None:
    """The plan as tables: actions, invoices and chases.

    Each action shows in your local time with its reason beneath it; an invoice with nothing
    planned shows why beneath it.
    """
    actions, warning = rate_gap_warning(result.actions)
    count = len(actions)
    show(
        f"Plan at {result.now.isoformat()} under policy '{result.policy}': "
        f"{count} action{'s' if count != 1 else ''}"
    )
    if warning:
        show(warning)
    if actions:
        print_table(
            _ACTIONS,
            [_action_cells(action) for action in actions],
            notes=[action.reason for action in actions],
        )
    print_table(
        _INVOICES,
        [
            (
                state.id,
                state.state,
                f"{state.days_overdue}d",
                state.step or "-",
                f"{state.balance} {state.currency}",
                str(state.next_review or "-"),
            )
            for state in result.invoices
        ],
        notes=[state.why or "" for state in result.invoices],
    )
    if result.chases:
        print_table(
            _CHASES,
            [
                (
                    chase.id,
                    chase.state,
                    chase.kind,
                    chase.step or "-",
                    chase.client,
                    str(chase.next_review or "-"),
                )
                for chase in result.chases
            ],
        )


def _action_cells(action: Action) -> tuple[str, ...]:
    amount = f"{action.amounts.total} {action.amounts.currency}" if action.amounts else "-"
    return (
        local_time(action.at),
        action.client,
        ",".join(action.invoices) or (f"chase:{action.chase}" if action.chase else ""),
        action.step or action.kind,
        action.kind if action.channel == "system" else action.channel,
        amount,
    )


_STATEMENT = (
    Column("INVOICE"),
    Column("DUE"),
    Column("STATE"),
    Column("INVOICED", right=True),
    Column("PRINCIPAL", right=True),
    Column("FEE+COMP", right=True),
    Column("INTEREST", right=True),
    Column("TOTAL", right=True),
)


def print_statement(result: Statement) -> None:
    """A statement: a row per invoice, the totals per currency, each charge with its rule."""
    show(f"Statement of {result.name} ({result.client}) on {result.as_of}")
    rows: list[tuple[str, ...]] = [
        (
            line.number or line.invoice,
            str(line.due),
            str(line.state),
            str(line.invoiced),
            str(line.principal),
            str(line.late_fee + line.compensation),
            str(line.interest),
            f"{line.total} {line.currency}",
        )
        for line in result.lines
    ]
    rows += [
        (
            "TOTAL",
            "",
            "",
            str(total.invoiced),
            str(total.principal),
            str(total.late_fee + total.compensation),
            str(total.interest),
            f"{total.total} {total.currency}",
        )
        for total in result.totals
    ]
    print_table(_STATEMENT, rows)
    for charge in result.charges:
        what = charge.kind.replace("_", " ")
        show(f"{charge.invoice} {what} {charge.amount} {charge.currency}: {charge.rule}")
    for problem in result.problems:
        show(f"! {problem}")
