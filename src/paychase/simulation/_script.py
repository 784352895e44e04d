"""The script a simulation follows: the moves a client makes, and when each one happens.

A script is a list of `Behaviour` moves, read from JSON or YAML (`load_script`) or built in
Python (`parse_script`). Each move takes only its own fields (a field that belongs to another
move is refused, naming it), and its moment is a date, an aware date-time or a duration from
the simulation's start. `schedule_moves` places the moves of a script on a case's clock: each
client, invoice and chase named checked, each moment in the client's zone, in time order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal, Self

from pydantic import Field, model_validator

from paychase._files import read_input
from paychase._model import InputModel
from paychase.case._case import Case
from paychase.case._history import Resolution
from paychase.case._instalment_plan import Frequency
from paychase.case._io import read_case_data
from paychase.case._types import PositiveAmount
from paychase.errors import InvalidCaseError, PaychaseError
from paychase.policy._policy import Channel
from paychase.simulation._moments import MoveDay, ScriptMoment, moment_of

__all__ = [
    "Behaviour",
    "Move",
    "Scheduled",
    "Script",
    "load_script",
    "parse_script",
    "schedule_moves",
]

Move = Literal[
    "pay", "pay_in_part", "reply", "promise", "dispute", "bounce", "agree_plan", "resolve_dispute"
]
"""What a script plays: the client's moves, and ``resolve_dispute``, which is ours."""

# Which moves take each optional field: any other move naming it is refused, naming the field.
_TAKEN_BY: Final[Mapping[str, tuple[Move, ...]]] = {
    "amount": ("pay_in_part", "promise", "dispute", "agree_plan", "resolve_dispute"),
    "date": ("promise",),
    "channel": ("bounce", "reply"),
    "reason": ("dispute",),
    "chase": ("reply",),
    "instalments": ("agree_plan",),
    "first": ("agree_plan",),
    "every": ("agree_plan",),
    "resolution": ("resolve_dispute",),
}
# The fields a move cannot do without, and what to say when one is missing.
_NEEDED_BY: Final[Mapping[Move, Mapping[str, str]]] = {
    "pay_in_part": {"amount": "'pay_in_part' needs the 'amount' paid"},
    "promise": {"date": "a promise needs the promised 'date'"},
    "agree_plan": {
        "instalments": "'agree_plan' needs the number of 'instalments'",
        "first": "'agree_plan' needs the day the 'first' instalment falls due",
    },
    "resolve_dispute": {
        "resolution": "'resolve_dispute' needs the 'resolution': credited, withdrawn or rejected"
    },
}


class Behaviour(InputModel):
    """One scripted move: on a day, a client pays, replies, promises, disputes or agrees a plan.

    Or an address starts bouncing, or we resolve the client's dispute. Each move takes only
    its own fields: a field that belongs to another move is refused, naming it, so that a typo
    in a script does not pass for a move that was not meant.

    Examples:
        >>> Behaviour.model_validate({"on": "+10d", "client": "c1", "do": "pay"}).on
        Duration(count=10, unit='d', weekday=None)
        >>> Behaviour.model_validate(
        ...     {"on": "+20d", "client": "c1", "do": "agree_plan", "instalments": 3, "first": "+7d"}
        ... ).first
        Duration(count=7, unit='d', weekday=None)
    """

    on: ScriptMoment = Field(
        description="A date (the move happens as it begins, client's time), an aware date-time, "
        "or a duration from the simulation's start: '+10d' (as day 10 begins), '+36h' (exactly)"
    )
    client: str = Field(description="The client who moves (for resolve_dispute: whose dispute)")
    do: Move = Field(
        description="pay | pay_in_part | reply | promise | dispute | bounce | agree_plan "
        "(the client agrees to pay in instalments) | resolve_dispute (we resolve an open "
        "dispute)"
    )
    invoice: str | None = Field(
        default=None,
        description="The invoice concerned; by default every open invoice of the client "
        "(resolve_dispute: every invoice with an open dispute)",
    )
    amount: PositiveAmount | None = Field(
        default=None,
        description="pay_in_part: the sum paid; promise / dispute: the sum (default: all); "
        "agree_plan: the plan's total (default: what the invoices owe); resolve_dispute "
        "'credited': the credit note (default: the amount the dispute named)",
    )
    date: MoveDay | None = Field(
        default=None,
        description="promise: the promised date, or a duration from the promise ('+7d')",
    )
    channel: Channel | None = Field(
        default=None,
        description="bounce: the channel that starts bouncing (default email); reply: how the "
        "client replies (default email; 'phone': the client answers our next call)",
    )
    reason: str | None = Field(default=None, description="dispute: what the client contests")
    chase: str | None = Field(
        default=None,
        description="reply: the chase (not about money) the client answers; the reply then "
        "names no invoice and pauses no dunning",
    )
    instalments: int | None = Field(
        default=None, ge=1, le=360, description="agree_plan: how many instalments"
    )
    first: MoveDay | None = Field(
        default=None,
        description="agree_plan: when the first instalment falls due: a date, or a duration "
        "from the agreement ('+14d')",
    )
    every: Frequency | None = Field(
        default=None,
        description="agree_plan: how often instalments fall due: Nd, Nw or Nm (default 1m)",
    )
    resolution: Resolution | None = Field(
        default=None,
        description="resolve_dispute: credited (we issue a credit note), withdrawn (the client "
        "withdrew it) or rejected (we rejected it)",
    )

    @model_validator(mode="after")
    def _fits_the_move(self) -> Self:
        for name, problem in _NEEDED_BY.get(self.do, {}).items():
            if getattr(self, name) is None:
                raise InvalidCaseError(problem, field=name)
        for name, moves in _TAKEN_BY.items():
            if getattr(self, name) is not None and self.do not in moves:
                raise InvalidCaseError(
                    f"'{self.do}' takes no {name} (only {_either(moves)} {_does(moves)})",
                    field=name,
                )
        if self.channel == "system":
            raise InvalidCaseError("not a channel that reaches the client", field="channel")
        if self.chase is not None and self.invoice is not None:
            raise InvalidCaseError(
                "a reply to a chase is about no invoice: name the chase or the invoice",
                field="invoice",
            )
        if self.chase is not None and self.channel == "phone":
            raise InvalidCaseError(
                "a reply on 'phone' answers our next call, whatever it is about: name no chase",
                field="chase",
            )
        if self.amount is not None and self.resolution not in (None, "credited"):
            raise InvalidCaseError(
                f"a '{self.resolution}' resolution takes no amount (only a credit note has one)",
                field="amount",
            )
        return self


def _either(moves: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(filter(None, [", ".join(moves[:-1]), moves[-1]]))


def _does(moves: Sequence[str]) -> str:
    return "does" if len(moves) == 1 else "do"


Script = tuple[Behaviour, ...]
"""A client's scripted behaviour, in any order: `simulate` plays each move at its moment."""


def parse_script(data: object) -> Script:
    """Build a `Script` from a list of moves, each a `Behaviour` or its mapping.

    Raises:
        InvalidCaseError: the data is not a list of valid moves; names ``script[i].field``.

    >>> parse_script([{"on": "2026-04-01", "client": "c1", "do": "pay"}])[0].on
    datetime.date(2026, 4, 1)
    """
    if not isinstance(data, list | tuple):
        raise InvalidCaseError(
            'a script is a list of moves, e.g. [{"on": "+10d", "client": "c1", "do": "pay"}]',
            field="script",
        )
    moves = []
    for index, item in enumerate(data):
        try:
            moves.append(item if isinstance(item, Behaviour) else Behaviour.model_validate(item))
        except PaychaseError as error:
            raise _within(error, f"script[{index}]") from None
    return tuple(moves)


def load_script(path: str | Path) -> Script:
    """Read a script file: JSON, or YAML (``.yaml``/``.yml``) where PyYAML is installed.

    Raises:
        InvalidCaseError: the file cannot be read or parsed, or a move is not valid.
    """
    location = Path(path)
    text = read_input(location, "the script", field="script")
    yaml = location.suffix.lower() in (".yaml", ".yml")
    try:
        data = read_case_data(text, format="yaml" if yaml else "json")
    except PaychaseError as error:
        raise _within(error, "script") from None
    return parse_script(_on_as_written(data) if yaml else data)


def _on_as_written(data: Any) -> Any:
    """YAML 1.1 reads the key ``on:`` as the boolean true: give the moves their ``on`` back."""
    if not isinstance(data, list):
        return data
    return [
        {("on" if key is True else key): value for key, value in item.items()}
        if isinstance(item, dict) and True in item and "on" not in item
        else item
        for item in data
    ]


def _within(error: PaychaseError, where: str) -> InvalidCaseError:
    """`error` with its field placed inside `where` (``amount`` → ``script[2].amount``)."""
    inner = error.field if error.field not in (None, "case") else None
    field = f"{where}.{inner}" if inner else where
    if error.has_value:
        return InvalidCaseError(error.problem, field=field, value=error.value, others=error.others)
    return InvalidCaseError(error.problem, field=field, others=error.others)


# -- the moves on the case's clock ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A scripted move at its moment (client's zone), with its place in the script."""

    at: datetime
    index: int
    behaviour: Behaviour


def schedule_moves(script: Script, case: Case, start: datetime) -> list[Scheduled]:
    """Each move at its moment, in time order; clients, invoices and chases named checked."""
    clients = {client.id: client for client in case.clients}
    owner = {contract.id: contract.client for contract in case.contracts}
    invoice_owner = {invoice.id: owner[invoice.contract] for invoice in case.invoices}
    chase_owner = {chase.id: chase.client for chase in case.chases}
    scheduled = []
    for index, behaviour in enumerate(script):
        where = f"script[{index}]"
        client = clients.get(behaviour.client)
        if client is None:
            raise InvalidCaseError(
                "unknown client", field=f"{where}.client", value=behaviour.client
            )
        if behaviour.invoice is not None and invoice_owner.get(behaviour.invoice) != client.id:
            problem = (
                "unknown invoice"
                if behaviour.invoice not in invoice_owner
                else f"invoice belongs to client {invoice_owner[behaviour.invoice]}"
            )
            raise InvalidCaseError(problem, field=f"{where}.invoice", value=behaviour.invoice)
        if behaviour.chase is not None and chase_owner.get(behaviour.chase) != client.id:
            problem = (
                "unknown chase"
                if behaviour.chase not in chase_owner
                else f"a chase of client {chase_owner[behaviour.chase]}"
            )
            raise InvalidCaseError(problem, field=f"{where}.chase", value=behaviour.chase)
        at = moment_of(behaviour.on, client, start, field=f"{where}.on")
        scheduled.append(Scheduled(at, index, behaviour))
    return sorted(scheduled, key=lambda move: (move.at.astimezone(UTC), move.index))
