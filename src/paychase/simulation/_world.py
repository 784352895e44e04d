"""One client's world in a simulation: its case as the simulation changes it, and what happened.

The walk (`paychase.simulation._simulate`) and the scripted moves (`_moves`) change it
together, as a host would record things: an action performed adds its history event; a move
adds a payment, an inbound event, an instalment plan or a credit note. The world also keeps what
the script did to the client's side of a contact (the channels that bounce, the calls the client
will answer) and the timeline's entries as they are written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from paychase.case._case import Case
from paychase.case._history import ContactEvent
from paychase.case._invoices import Invoice
from paychase.case._money import round_money
from paychase.case._parties import Client
from paychase.conversation._channels import route_of
from paychase.planner._outputs import Action
from paychase.planner._performed import MESSAGE_KINDS
from paychase.simulation._script import Scheduled
from paychase.simulation._timeline import SimulationEntry

__all__ = ["World", "move_entry"]


class World:
    """One client's case as the simulation changes it, and the entries of what happened."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.clients = {client.id: client for client in case.clients}
        self.owner = {contract.id: contract.client for contract in case.contracts}
        self.dead_routes: dict[str, set[str]] = defaultdict(set)
        self.answers: dict[str, int] = defaultdict(int)
        self.entries: list[SimulationEntry] = []

    def record(self, event: ContactEvent) -> None:
        """Add `event` to the case's history."""
        # Events are built valid and about the case's own clients and invoices: copying the
        # case (instead of validating it again) keeps a tick as cheap as a plan.
        self.case = self.case.model_copy(update={"history": (*self.case.history, event)})

    def replace(self, changed: Invoice) -> None:
        """Put `changed` in the case in place of the invoice with its id."""
        invoices = tuple(changed if i.id == changed.id else i for i in self.case.invoices)
        self.case = self.case.model_copy(update={"invoices": invoices})

    def outcome(self, action: Action, client: Client) -> str | None:
        """What the contact came to: delivered or bounced; a call no_answer, answered or failed.

        What the host records itself (channel ``system``) reaches no one: it has no outcome.
        """
        dead = route_of(action.channel) in self.dead_routes[client.id]
        if action.kind == "call":
            if dead:
                return "failed"
            if self.answers[client.id] > 0:
                self.answers[client.id] -= 1
                return "answered"
            return "no_answer"
        if action.kind in MESSAGE_KINDS and action.channel != "system":
            return "bounced" if dead else "delivered"
        return None

    def note(
        self,
        move: Scheduled,
        local: datetime,
        targets: Sequence[Invoice],
        why: str,
        amount: Decimal | None,
    ) -> None:
        """Write the entry of a move: what it did, with its sum where it is in one currency."""
        currencies = {invoice.currency for invoice in targets}
        currency = currencies.pop() if amount is not None and len(currencies) == 1 else None
        if amount is not None and currency is not None:
            amount = round_money(amount, currency)  # exact: its precision was checked
        self.entries.append(move_entry(move, local, targets, why, amount=amount, currency=currency))


def move_entry(
    move: Scheduled,
    at: datetime,
    targets: Sequence[Invoice],
    why: str,
    *,
    amount: Decimal | None = None,
    currency: str | None = None,
) -> SimulationEntry:
    """The timeline's entry of a scripted move at `at`, concerning `targets`."""
    return SimulationEntry(
        at=at,
        client=move.behaviour.client,
        invoices=tuple(invoice.id for invoice in targets),
        chase=move.behaviour.chase,
        what=move.behaviour.do,
        channel=move.behaviour.channel if move.behaviour.do == "reply" else None,
        reason=why,
        amount=amount,
        currency=currency,
    )
