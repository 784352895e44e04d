"""The timeline of a simulation: what happened, in order, and where everything stands at its end.

A `Timeline` holds one `SimulationEntry` per action performed or scripted move played, and each
invoice's and chase's state at the end. It serialises to JSON (the same simulation always gives
the same text) and prints for people (`Timeline.text`, written by `paychase.simulation._text`).
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import AwareDatetime, Field

from paychase._model import FrozenModel
from paychase.case._money import Amount
from paychase.planner._outputs import ChaseState, InvoiceState
from paychase.policy._policy import ActionKind, Channel
from paychase.simulation._script import Move
from paychase.simulation._text import timeline_text

__all__ = ["SimulationEntry", "Timeline"]


class SimulationEntry(FrozenModel):
    """One thing that happened in the simulation: an action performed or a scripted move."""

    at: AwareDatetime = Field(description="When, with the client's local UTC offset")
    client: str = Field(description="The id of the client it concerns")
    invoices: tuple[str, ...] = Field(
        description="The invoices it concerns; empty: the client, or the chase"
    )
    chase: str | None = Field(default=None, description="The chase (not about money) it belongs to")
    what: ActionKind | Move = Field(
        description="The action's kind, or the scripted move (resolve_dispute is ours)"
    )
    step: str | None = Field(default=None, description="The policy step of the action, if any")
    channel: Channel | None = Field(
        default=None, description="The action's channel; for a scripted reply, the one it came by"
    )
    key: str | None = Field(default=None, description="The action's idempotency key")
    outcome: str | None = Field(
        default=None,
        description="What the recorded contact came to: delivered, bounced, no_answer…",
    )
    deadline: date | None = Field(
        default=None, description="The deadline the message stated: to pay, or (a chase) to reply"
    )
    reason: str = Field(description="The planner's reason, or what the move did")
    amount: Amount | None = Field(
        default=None,
        description="The action's amounts.total; for a move, the sum the client paid or named, "
        "the instalment plan's total or the credit note",
    )
    currency: str | None = Field(default=None, description="ISO 4217 code of `amount`")
    subject: str | None = Field(
        default=None, description="The rendered subject of a message or call (cases with a sender)"
    )


class Timeline(FrozenModel):
    """What a simulation did, in order, and where each invoice and chase stands at its end."""

    start: AwareDatetime = Field(
        description="The first moment simulated: the `now` given, else the case's"
    )
    until: AwareDatetime = Field(description="The last moment simulated")
    policy: str = Field(description="The name of the default policy the case followed")
    cadence: timedelta | None = Field(
        default=None, description="The tick of a cron-like run; None: event-driven"
    )
    entries: tuple[SimulationEntry, ...] = Field(
        description="Every action performed and scripted move played, in time order"
    )
    invoices: tuple[InvoiceState, ...] = Field(description="Each invoice's state at `until`")
    chases: tuple[ChaseState, ...] | None = Field(
        default=None, description="Each chase's state at `until`, when the case has chases"
    )

    @property
    def performed(self) -> tuple[str, ...]:
        """The keys of the actions performed (reviews are shown, not performed), in order."""
        return tuple(e.key for e in self.entries if e.key is not None and e.what != "review")

    def to_json(self, *, indent: int | None = 2) -> str:
        """The timeline as JSON; the same simulation always gives the same text."""
        return self.model_dump_json(indent=indent, exclude_none=True)

    def text(self, *, reasons: bool = False) -> str:
        """The timeline for people: one line per entry under its (client's local) day.

        Args:
            reasons: print each entry's reason under it.
        """
        return timeline_text(self, reasons=reasons)
