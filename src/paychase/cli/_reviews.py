"""``paychase reviews``: the decisions the planner handed to a person, and closing them.

``paychase reviews`` lists the open ones (``--all``: closed and lapsed too); ``paychase reviews
done KEY --note TEXT`` closes one. ``paychase run`` reports a review once, when it first
appears, and exits 1 while any is open.
"""

from __future__ import annotations

import json

import click

from paychase.cli._options import db_option, open_workspace, parse_at
from paychase.cli._output import Column, local_time, print_table, show
from paychase.store._reviews import ReviewStatus

__all__ = ["reviews_group"]

_REVIEWS = (Column("KEY"), Column("CLIENT"), Column("STATUS"), Column("SINCE (YOUR TIME)"))


@click.group("reviews", invoke_without_command=True)
@db_option
@click.option("--all", "everything", is_flag=True, help="closed and lapsed ones too")
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table")
@click.pass_context
def reviews_group(
    ctx: click.Context, *, db: str | None, everything: bool, output_format: str
) -> int:
    """List the reviews waiting for a person (exit 1 while any is open)."""
    if ctx.invoked_subcommand is not None:
        return 0
    statuses: tuple[ReviewStatus, ...] = ("open", "done", "lapsed") if everything else ("open",)
    with open_workspace(ctx, db) as workspace:
        found = workspace.reviews(statuses)
        still_open = bool(workspace.open_reviews())
    if output_format == "json":
        click.echo(
            json.dumps([r.model_dump(mode="json") for r in found], indent=2, ensure_ascii=False)
        )
    elif not found:
        show("no open reviews" if not everything else "no reviews")
    else:
        rows = [(r.key, r.client, r.status, local_time(r.first_seen)) for r in found]
        notes = [f"{r.reason}" + (f" — decided: {r.note}" if r.note else "") for r in found]
        print_table(_REVIEWS, rows, notes=notes)
    return 1 if still_open else 0


@reviews_group.command("done")
@click.argument("key", metavar="KEY")
@click.option("--note", required=True, help="what you decided: kept with the review")
@db_option
@click.pass_context
def done_command(ctx: click.Context, *, key: str, note: str, db: str | None) -> int:
    """Close the review KEY with a note of what was decided."""
    with open_workspace(ctx, db) as workspace:
        closed = workspace.close_review(key, note=note, at=parse_at(None))
    show(f"closed {closed.key}: {closed.note}")
    return 0
