"""``paychase settle KEY``: a person's verdict on an uncertain send.

A send is *uncertain* when the message was handed to the channel but its answer never came
(a lost SMTP reply, a crash mid-send on a channel that cannot be asked). paychase never sends
it again on its own: a person looks — the client's mailbox, the server's log, the sent folder
— and says ``--arrived`` (it is recorded as sent, with its history event) or ``--send-again``
(the key is given back and the next run sends it).
"""

from __future__ import annotations

import click

from paychase.cli._options import db_option, open_workspace, parse_at
from paychase.cli._output import show
from paychase.errors import InvalidCaseError
from paychase.messages._message import Receipt
from paychase.store._history import Attempt
from paychase.store._workspace import Workspace

__all__ = ["settle_command"]


@click.command("settle")
@click.argument("key", metavar="KEY")
@click.option("--arrived", is_flag=True, help="the client has it: record it as sent")
@click.option("--send-again", is_flag=True, help="it never arrived: the next run sends it")
@click.option("--note", help="how you know, kept with the send")
@db_option
@click.pass_context
def settle_command(
    ctx: click.Context,
    *,
    key: str,
    arrived: bool,
    send_again: bool,
    note: str | None,
    db: str | None,
) -> int:
    """Settle the uncertain send KEY (see paychase tasks): --arrived or --send-again."""
    if arrived == send_again:
        raise InvalidCaseError("say --arrived or --send-again (one of them)", field="--arrived")
    with open_workspace(ctx, db) as workspace:
        attempt = _uncertain(workspace, key)
        why = note or "settled by a person"
        if send_again:
            workspace.release(key, error=f"not delivered: {why}")
            show(f"given back {key}: the next run sends it")
            return 0
        _record_arrival(workspace, attempt, why)
    show(f"recorded {key} as sent")
    return 0


def _uncertain(workspace: Workspace, key: str) -> Attempt:
    """The uncertain attempt `key` names; else a one-line error saying what it is."""
    attempt = next((a for a in workspace.attempts({"uncertain"}) if a.key == key), None)
    if attempt is None:
        raise InvalidCaseError(
            "no uncertain send has this key (paychase tasks lists them)", field="KEY", value=key
        )
    return attempt


def _record_arrival(workspace: Workspace, attempt: Attempt, why: str) -> None:
    """Record `attempt` as delivered, with the history event its send was to record."""
    event = attempt.event
    if event is not None:
        event = event.model_copy(update={"outcome": "delivered", "note": why})
    workspace.complete(
        attempt.key,
        status="done",
        receipt=Receipt(status="delivered", provider_id=f"confirmed by a person: {why}"),
        event=event,
        message=attempt.message,
        at=parse_at(None),
    )
