"""Simulation: a case's future, walked forward one planned action and one client move at a time.

`simulate()` runs the loop a host runs for weeks — plan, perform what is due, record it, plan
again — in one call that touches nothing outside memory. Performing an action writes the history
event the runner would record (a delivered message, an unanswered call, a booked fee, a
suspension, an escalation); scripted client behaviour (`Behaviour`: pays on day N, pays in part,
replies, promises, disputes, an address that starts bouncing) is written into the case at its
moment, and so are the conversations a script may hold with the client: an instalment plan the
client agrees to (`InstalmentPlan`) and our resolution of a dispute (a ``dispute_resolved`` event,
with a credit note where we credit the client). Chases that are not about money (a silent
prospect, a project waiting on the client) are walked like invoices. The result is a `Timeline`
— what would happen, when, through which channel, with which subject — which prints as text,
serialises to JSON and draws as a chart (`timeline_chart`).

Two clocks. Event-driven (the default) jumps straight to the next planned action, client move or
start of a client's day, plans there and performs what is due, like ``paychase run --for``. With
a `cadence` the clock ticks like a cron job and performs at each tick whatever is due by then:
the way to check that how often a host runs paychase does not change what it does.
"""

from __future__ import annotations

import io
import json
import textwrap
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)

from paychase._files import read_input, write_bytes_atomically
from paychase._model import FrozenModel, InputModel
from paychase.calendar._durations import Duration
from paychase.calendar._local_time import local_moment, zone
from paychase.calendar._working_days import default_calendar
from paychase.case._case import Case, planning_moment
from paychase.case._history import ContactEvent, Resolution
from paychase.case._instalment_plan import Frequency, InstalmentPlan
from paychase.case._invoices import CreditNote, Invoice, Payment
from paychase.case._io import _yaml_data
from paychase.case._money import Amount, check_precision, round_money
from paychase.case._parties import Client
from paychase.conversation._arrangements import unpaid_before
from paychase.conversation._channels import route_of
from paychase.conversation._instalments import Instalment, schedule
from paychase.errors import InvalidCaseError, PaychaseError, PluginError
from paychase.messages._render import Renderer
from paychase.money._balances import ZERO, balance_of
from paychase.planner._outputs import Action, ChaseState, InvoiceState, Plan
from paychase.planner._performed import MESSAGE_KINDS, performed_event
from paychase.planner._plan import plan
from paychase.policy._policy import ActionKind, Channel

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "Behaviour",
    "Move",
    "Script",
    "SimulationEntry",
    "SimulationError",
    "Timeline",
    "load_script",
    "parse_script",
    "simulate",
    "timeline_chart",
]

MAX_STEPS: Final = 10_000
"""Actions and moves one simulation may perform: beyond this the planner is going round in
circles, and an error says so instead of looping for ever."""
MAX_TICKS: Final = 200_000
"""Ticks of a cadence (a year at 3 minutes): a finer cadence is a typo."""

_T = TypeVar("_T")

Move = Literal[
    "pay", "pay_in_part", "reply", "promise", "dispute", "bounce", "agree_plan", "resolve_dispute"
]
"""What a script plays: the client's moves, and ``resolve_dispute``, which is ours."""

_CONTACTS: Final[frozenset[str]] = MESSAGE_KINDS | {"call"}
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
_CHASED: Final = frozenset({"open", "disputed"})
_ONE_DAY: Final = timedelta(days=1)


class SimulationError(PaychaseError):
    """The simulation cannot go on: the planner re-planned a performed key, or never settles."""


# -- the script ---------------------------------------------------------------------------

When = date | datetime | Duration
"""A move's moment: a date (as it begins, client's time), an aware datetime, or a duration
counted from the simulation's start (``+10d``: as day 10 begins; ``+36h``: exactly)."""


def _forward(duration: Duration) -> Duration:
    if duration.is_negative:
        raise ValueError("must not be negative: moves are counted forward from the start")
    return duration


def _when(value: object) -> When:
    """Read a moment of the script: a duration, a date or an aware date-time."""
    if isinstance(value, Duration):
        return _forward(value)
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        duration = _parsed(Duration.parse, text)
        if duration is not None:
            return _forward(duration)
        moment = _parsed(datetime.fromisoformat, text.replace("Z", "+00:00"))
        if moment is not None and len(text) == 10:
            return moment.date()
        if moment is not None:
            return _aware(moment)
    raise ValueError(
        "a date (2026-03-20), a date-time with a UTC offset (2026-03-20T15:00:00+01:00) or a "
        "duration from the simulation's start ('+10d', '+2w', '+36h', '+5bd')"
    )


def _parsed(reader: Callable[[str], _T], text: str) -> _T | None:
    try:
        return reader(text)
    except ValueError:
        return None


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: add a UTC offset such as +01:00")
    return moment


def _day(value: object) -> date | Duration:
    """Read a day a move names (promised, first instalment): a date, or a span from the move."""
    moment = _when(value)
    if isinstance(moment, datetime):
        raise ValueError(
            "a date (2026-04-01) or a duration from the move's day ('+7d'), not a time"
        )
    return moment


def _when_text(value: When) -> str:
    return f"{value:+}" if isinstance(value, Duration) else value.isoformat()


_WHEN_SCHEMA: Final = {
    "type": "string",
    "examples": ["2026-03-20", "2026-03-20T15:00:00+01:00", "+10d", "+36h"],
}
ScriptMoment = Annotated[
    When,
    PlainValidator(_when),
    PlainSerializer(_when_text, return_type=str),
    WithJsonSchema(_WHEN_SCHEMA),
]
MoveDay = Annotated[
    date | Duration,
    PlainValidator(_day),
    PlainSerializer(_when_text, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["2026-04-01", "+7d"]}),
]


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("must be more than zero")
    return value


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
    amount: Annotated[Amount, AfterValidator(_positive)] | None = Field(
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
    if location.suffix.lower() in (".yaml", ".yml"):
        try:
            data = _on_as_written(_yaml_data(text))
        except PaychaseError as error:
            raise _within(error, "script") from None
    else:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise InvalidCaseError(f"not valid JSON: {error}", field="script") from None
    return parse_script(data)


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


# -- the timeline --------------------------------------------------------------------------


class SimulationEntry(FrozenModel):
    """One thing that happened in the simulation: an action performed or a scripted move."""

    at: AwareDatetime = Field(description="When, with the client's local UTC offset")
    client: str
    invoices: tuple[str, ...] = Field(
        description="The invoices it concerns; empty: the client, or the chase"
    )
    chase: str | None = Field(default=None, description="The chase (not about money) it belongs to")
    what: ActionKind | Move = Field(
        description="The action's kind, or the scripted move (resolve_dispute is ours)"
    )
    step: str | None = Field(default=None, description="The policy step of the action, if any")
    channel: Channel | None = None
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
    currency: str | None = None
    subject: str | None = Field(
        default=None, description="The rendered subject of a message or call (cases with a sender)"
    )


class Timeline(FrozenModel):
    """What a simulation did, in order, and where each invoice and chase stands at its end."""

    start: AwareDatetime
    until: AwareDatetime
    policy: str
    cadence: timedelta | None = Field(
        default=None, description="The tick of a cron-like run; None: event-driven"
    )
    entries: tuple[SimulationEntry, ...]
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
        count = len(self.entries)
        chases = " (chases under their own)" if self.chases else ""
        lines = [
            f"Simulation under policy '{self.policy}'{chases} from {_stamp(self.start)} to "
            f"{_stamp(self.until)} ({_mode(self.cadence)}): {count} "
            f"entr{'y' if count == 1 else 'ies'}"
        ]
        day: date | None = None
        for entry in self.entries:
            if entry.at.date() != day:
                day = entry.at.date()
                lines += ["", f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"]
            lines.append(_entry_line(entry))
            if entry.subject:
                lines.append(f"{'':16}“{entry.subject}”")
            if reasons:
                lines += textwrap.wrap(
                    entry.reason, width=100, initial_indent=" " * 16, subsequent_indent=" " * 16
                )
        lines += ["", f"At {_stamp(self.until)}:"]
        lines += [_state_line(state) for state in self.invoices]
        lines += [_chase_line(state) for state in self.chases or ()]
        return "\n".join(line.rstrip() for line in lines) + "\n"


_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _stamp(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="minutes")


def _mode(cadence: timedelta | None) -> str:
    if cadence is None:
        return "event-driven"
    return f"a run every {_span_text(cadence)}"


def _span_text(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _entry_line(entry: SimulationEntry) -> str:
    """``  10:00+01:00  c1  inv-1  firm  reminder by email  delivered  1200.00 PLN  pay by …``."""
    amount = f"{entry.amount} {entry.currency or ''}".rstrip() if entry.amount is not None else ""
    if entry.key is None and entry.what != "review":  # a client's move: say what they did
        cells = [_fit(entry.what, 18), entry.reason.removeprefix("scripted: "), amount]
    else:
        label = entry.step or entry.what
        attempt = _attempt(entry.key)
        kind = _SHORT.get(entry.what, entry.what)
        how = kind if entry.channel in (None, "system") else f"{kind} by {entry.channel}"
        cells = [
            _fit(f"{label} #{attempt}" if attempt > 1 else label, 18),
            _fit(how, 28),
            _fit(entry.outcome or "", 9),
            amount,
            _deadline_text(entry),
        ]
    about = ",".join(entry.invoices) or (f"chase:{entry.chase}" if entry.chase else "-")
    head = [_clock(entry.at), _fit(entry.client, 8), _fit(about, 14)]
    return "  " + "  ".join([*head, *cells]).rstrip()


def _deadline_text(entry: SimulationEntry) -> str:
    """The deadline a message stated: for payment, or for the answer a chase waits on."""
    if entry.deadline is None:
        return ""
    return f"{'reply' if entry.chase else 'pay'} by {entry.deadline}"


_SHORT: Final[Mapping[str, str]] = {
    "send_reminder": "reminder",
    "send_letter": "letter",
    "apply_fee": "fee",
    "suspend_service": "suspension",
    "restore_service": "restoration",
    "escalate": "escalation",
    "request_deposit": "deposit request",
    "request_milestone": "stage request",
}


def _attempt(key: str | None) -> int:
    """The attempt number an action key ends with (``k1/inv-1/check_call/2`` → 2)."""
    last = (key or "").rpartition("/")[2]
    return int(last) if last.isdigit() else 1


def _clock(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")[11:]


def _fit(text: str, size: int) -> str:
    return text.ljust(size) if len(text) <= size else text[: size - 1] + "…"


def _state_line(state: InvoiceState) -> str:
    late = f"{state.days_overdue}d overdue" if state.days_overdue else "not overdue"
    return (
        f"  {_fit(state.id, 16)} {_fit(state.state, 10)} {_fit(late, 13)} last step "
        f"{_fit(state.step or '-', 14)} balance {state.balance} {state.currency}, next "
        f"{state.next_review or '-'}"
    )


def _chase_line(state: ChaseState) -> str:
    return (
        f"  {_fit(f'chase:{state.id}', 16)} {_fit(state.state, 10)} {_fit(state.kind, 13)} "
        f"last step {_fit(state.step or '-', 14)} next {state.next_review or '-'}"
    )


# -- simulate ------------------------------------------------------------------------------


def simulate(
    case: Case | Mapping[str, Any],
    *,
    until: datetime,
    now: datetime | None = None,
    script: Sequence[Behaviour] = (),
    cadence: timedelta | None = None,
    renderer: Renderer | None = None,
) -> Timeline:
    """Walk `case` forward from `now` to `until`, performing every planned action.

    Event-driven by default: plan at the current moment, take the earliest of the next planned
    action, the next scripted move and the start of the client's next day, jump the clock to
    it, apply the move or perform every action due then (from one plan, as a run does), and
    plan again. With a `cadence` the clock ticks from `now` instead, and at each tick every
    action planned for then or earlier is performed — what a cron runner does. Each client is
    walked on its own, as the planner plans each client on its own.

    Performing an action records the history event the runner would: messages are
    ``delivered`` (``bounced`` once a `bounce` move hit their channel), calls ``no_answer``
    unless the client was scripted to answer (a ``reply`` on ``phone``), fees, pauses,
    suspensions, restorations and escalations their own kinds. A ``review`` needs a person: it
    is shown once and then left alone.

    Args:
        case: a `Case` or a case-file mapping.
        until: the end of the simulation (aware); nothing later is performed.
        now: the start; by default the case's own ``now``.
        script: scripted client moves (see `Behaviour`, `load_script`).
        cadence: the tick of a cron-like run (e.g. one hour); None for event-driven.
        renderer: renders the subjects of messages and calls (your templates first); the
            built-in templates by default. Nothing is rendered for a case without a sender.

    Returns:
        The `Timeline` of what happened and each invoice's state at `until`.

    Raises:
        InvalidCaseError: bad case, moment, cadence or script (unknown client or invoice…).
        SimulationError: the planner re-planned a performed key, or the run never settled.

    Examples:
        >>> from datetime import datetime, timedelta
        >>> case = {"policy": "freelancer", "clients": [{"id": "c1", "name": "Studio Kowalski",
        ...     "country": "PL", "timezone": "Europe/Warsaw",
        ...     "contacts": {"email": "c@x.example"}}],
        ...     "contracts": [{"id": "k1", "client": "c1", "currency": "PLN"}],
        ...     "invoices": [{"id": "inv-1", "contract": "k1", "issued": "2026-03-02",
        ...                   "due": "2026-03-16", "total": "1200.00", "currency": "PLN"}]}
        >>> start = datetime.fromisoformat("2026-03-02T09:00:00+01:00")
        >>> timeline = simulate(case, now=start, until=start + timedelta(days=30))
        >>> [(entry.at.date().isoformat(), entry.step) for entry in timeline.entries][:3]
        [('2026-03-13', 'pre_due'), ('2026-03-17', 'polite'), ('2026-03-24', 'firm')]
    """
    checked = case if isinstance(case, Case) else Case.model_validate(case)
    start = planning_moment(checked, now)
    until = _end(until, start)
    moves = _schedule_moves(parse_script(script), checked, start)
    tick = None if cadence is None else _tick(cadence, start, until)
    # Clients are planned independently (min_gap, combining and channels are per client), so
    # each client's future is walked on its own: a plan costs one client, not the portfolio,
    # and the clock stops at that client's midnights only.
    entries: list[tuple[datetime, int, int, SimulationEntry]] = []
    states: dict[str, InvoiceState] = {}
    chases: dict[str, ChaseState] = {}
    renderer = renderer or Renderer()
    for position, client in enumerate(checked.clients):
        own_moves = [move for move in moves if move.behaviour.client == client.id]
        run = _Simulation(_one_client(checked, client.id), start, until, own_moves, renderer)
        if tick is None:
            run.event_driven()
        else:
            run.ticking(tick)
        entries += [(e.at.astimezone(UTC), position, n, e) for n, e in enumerate(run.entries)]
        final = run.plan_at(until)
        states.update((state.id, state) for state in final.invoices)
        chases.update((state.id, state) for state in final.chases or ())
    return Timeline(
        start=start,
        until=until,
        policy=checked.policy.name,
        cadence=cadence,
        entries=tuple(entry for *_, entry in sorted(entries, key=lambda item: item[:3])),
        invoices=tuple(states[invoice.id] for invoice in checked.invoices),
        chases=tuple(chases[chase.id] for chase in checked.chases) if checked.chases else None,
    )


def _one_client(case: Case, client_id: str) -> Case:
    """`case` cut down to one client: its contracts, invoices, plans, chases and history."""
    contracts = tuple(k for k in case.contracts if k.client == client_id)
    ids = {contract.id for contract in contracts}
    return case.model_copy(
        update={
            "clients": tuple(c for c in case.clients if c.id == client_id),
            "contracts": contracts,
            "invoices": tuple(i for i in case.invoices if i.contract in ids),
            "instalment_plans": tuple(p for p in case.instalment_plans if p.client == client_id),
            "chases": tuple(c for c in case.chases if c.client == client_id),
            "history": tuple(e for e in case.history if e.client == client_id),
        }
    )


def _end(until: datetime, start: datetime) -> datetime:
    if not isinstance(until, datetime) or until.tzinfo is None or until.utcoffset() is None:
        raise InvalidCaseError("must be a timezone-aware datetime", field="until", value=str(until))
    if until <= start:
        raise InvalidCaseError(
            f"must be after the start {start.isoformat()}", field="until", value=until.isoformat()
        )
    return until


def _tick(cadence: timedelta, start: datetime, until: datetime) -> timedelta:
    if not isinstance(cadence, timedelta) or cadence <= timedelta(0):
        raise InvalidCaseError("must be a positive timedelta", field="cadence", value=str(cadence))
    if (until - start) / cadence > MAX_TICKS:
        raise InvalidCaseError(
            f"more than {MAX_TICKS} ticks to {until.isoformat()}: use a coarser cadence",
            field="cadence",
            value=str(cadence),
        )
    return cadence


@dataclass(frozen=True, slots=True)
class _Scheduled:
    """A scripted move at its moment (client's zone), with its place in the script."""

    at: datetime
    index: int
    behaviour: Behaviour


def _schedule_moves(script: Script, case: Case, start: datetime) -> list[_Scheduled]:
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
        at = _moment_of(behaviour.on, client, start, field=f"{where}.on")
        scheduled.append(_Scheduled(at, index, behaviour))
    return sorted(scheduled, key=lambda move: (move.at.astimezone(UTC), move.index))


def _moment_of(on: When, client: Client, start: datetime, *, field: str) -> datetime:
    """When a move happens: a day as it begins, in the client's zone; never before the start."""
    tz = zone(client.timezone)
    begun = start.astimezone(tz)
    if isinstance(on, Duration):
        calendar = default_calendar(client.country, client.subdivision)
        moment = (
            on.shift(begun, calendar)
            if on.keeps_time_of_day
            else local_moment(on.shift_date(begun.date(), calendar), time(0), tz)
        )
    elif isinstance(on, datetime):
        moment = on.astimezone(tz)
    else:
        moment = local_moment(on, time(0), tz)
    if moment.date() < begun.date():
        raise InvalidCaseError(
            f"before the simulation's start ({begun.date()})", field=field, value=_when_text(on)
        )
    return max(moment, begun)


class _Simulation:
    """The state of one run: the case as it grows, what was done, what the script changed."""

    def __init__(
        self,
        case: Case,
        start: datetime,
        until: datetime,
        moves: Iterable[_Scheduled],
        renderer: Renderer,
    ) -> None:
        self.case = case
        self.start = start
        self.until = until
        self.moves = deque(moves)
        self.clients = {client.id: client for client in case.clients}
        self.zones = [zone(name) for name in sorted({c.timezone for c in case.clients})]
        self.owner = {contract.id: contract.client for contract in case.contracts}
        self.renderer = renderer if case.sender is not None else None
        self.performed: set[str] = set()
        self.shown: set[str] = set()
        self.dead_routes: dict[str, set[str]] = defaultdict(set)
        self.answers: dict[str, int] = defaultdict(int)
        self.entries: list[SimulationEntry] = []
        self.steps = 0

    # -- the two clocks --------------------------------------------------------------------

    def event_driven(self) -> None:
        """Jump to the next planned action, scripted move or new day; act on what is due there.

        Woken at an action's moment, the run plans again and performs everything due by then
        from that one plan, as ``paychase run`` does: a fee booking planned beside its message
        goes with it, whichever of the two sorts first. The clock also stops as each client's
        day begins, because a plan does not announce what only the date changes: an invoice
        issued later is not planned until its day, nor a pause when work starts.
        """
        now = self.start
        while True:
            planned_at, result = now, self.plan_at(now)
            upcoming = self._next_action(result)
            move = self.moves[0] if self.moves else None
            later = [self._next_day(now)]
            later += [upcoming.at] if upcoming is not None else []
            later += [move.at] if move is not None else []
            if min(later) > self.until:
                return
            now = max(now, min(later))
            if move is not None and move.at <= now:  # the client first, at a tie
                self._apply(self.moves.popleft())
            elif upcoming is not None and upcoming.at <= now:
                due = result if now == planned_at else self.plan_at(now)
                if not self._perform_due(due, now):
                    self._count(f"a jump to {now.isoformat()} that found nothing due")
            # else a client's day began: the next turn plans for it

    def _next_day(self, now: datetime) -> datetime:
        """The first moment after `now` at which some client's local date changes."""
        return min(
            local_moment(now.astimezone(tz).date() + _ONE_DAY, time(0), tz) for tz in self.zones
        )

    def ticking(self, cadence: timedelta) -> None:
        """Tick from the start; at each tick, perform everything planned for then or before.

        Moves between ticks happen at their own moment (the client does not wait for cron);
        the tick after them is the first to see them. Ticks are counted in elapsed time, so a
        daily tick keeps its UTC time and its local time moves with daylight saving.
        """
        first = self.start.astimezone(UTC)
        ticks = int((self.until - self.start) / cadence)
        for number in range(ticks + 1):
            tick = (first + number * cadence).astimezone(self.start.tzinfo)
            while self.moves and self.moves[0].at <= tick:
                self._apply(self.moves.popleft())
            self._perform_due(self.plan_at(tick), tick)

    def _perform_due(self, result: Plan, now: datetime) -> int:
        """Perform every action of `result` due by `now`, as one run does; how many it did."""
        done = 0
        for action in result.actions:
            if action.at > now:
                break  # sorted by time: the rest is for later
            if not self._already_shown(action):
                self._perform(action, now)
                done += 1
        return done

    def plan_at(self, now: datetime) -> Plan:
        """The plan at `now`; a performed key planned again stops the run (a planner bug)."""
        result = plan(self.case, now=now)
        for action in result.actions:
            if action.key in self.performed:
                raise SimulationError(
                    f"the planner planned '{action.key}' again at {now.isoformat()} after it was "
                    "performed and recorded: a planner bug worth reporting with this case",
                    field="key",
                    value=action.key,
                )
        return result

    def _next_action(self, result: Plan) -> Action | None:
        return next((a for a in result.actions if not self._already_shown(a)), None)

    def _already_shown(self, action: Action) -> bool:
        return action.kind == "review" and action.key in self.shown

    def _count(self, what: str) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise SimulationError(
                f"more than {MAX_STEPS} actions and moves before {self.until.isoformat()} (the "
                f"last: {what}): the planner keeps finding new work; shorten the simulation or "
                "report the case",
                field="until",
            )

    # -- performing an action --------------------------------------------------------------

    def _perform(self, action: Action, at: datetime) -> None:
        """Do `action` at `at`: record the runner's event (a review is only shown)."""
        self._count(action.key)
        client = self.clients[action.client]
        local = at.astimezone(zone(client.timezone))
        if action.kind == "review":
            self.shown.add(action.key)
            self.entries.append(_action_entry(action, local, outcome=None, subject=None))
            return
        self.performed.add(action.key)
        outcome = self._outcome(action, client)
        subject = self._subject(action)  # rendered from the case the action was planned from
        self._record(_event(action, client, local, outcome))
        self.entries.append(_action_entry(action, local, outcome=outcome, subject=subject))

    def _outcome(self, action: Action, client: Client) -> str | None:
        """What the contact came to: delivered or bounced; a call no_answer, answered or failed."""
        dead = route_of(action.channel) in self.dead_routes[client.id]
        if action.kind == "call":
            if dead:
                return "failed"
            if self.answers[client.id] > 0:
                self.answers[client.id] -= 1
                return "answered"
            return "no_answer"
        if action.kind in MESSAGE_KINDS:
            return "bounced" if dead else "delivered"
        return None

    def _subject(self, action: Action) -> str | None:
        if self.renderer is None or action.kind not in _CONTACTS:
            return None
        return self.renderer.render(self.case, action).subject

    def _record(self, event: ContactEvent) -> None:
        # Events are built valid and about the case's own clients and invoices: copying the
        # case (instead of validating it again) keeps a tick as cheap as a plan.
        self.case = self.case.model_copy(update={"history": (*self.case.history, event)})

    # -- applying a client's move ----------------------------------------------------------

    def _apply(self, move: _Scheduled) -> None:
        """Play a scripted move at its moment: it changes the case as a host would record it.

        A payment, an inbound event, a dead channel, an instalment plan, a dispute resolved.
        """
        self._count(f"script[{move.index}]")
        behaviour = move.behaviour
        client = self.clients[behaviour.client]
        local = move.at.astimezone(zone(client.timezone))
        if behaviour.do == "resolve_dispute":
            self._resolve_dispute(move, client, local)
            return
        targets = [] if behaviour.chase is not None else self._targets(behaviour, local.date())
        if behaviour.do in ("pay", "pay_in_part"):
            self._pay(move, client, local, targets)
        elif behaviour.do == "bounce":
            self._bounce(move, client, local)
        elif behaviour.do == "reply" and behaviour.channel == "phone":
            self.answers[client.id] += 1
            why = f"scripted: {client.id} will answer the next call"
            self._note(move, local, targets, why, None)
        elif behaviour.do == "agree_plan":
            self._agree_plan(move, client, local, targets)
        else:
            self._inbound(move, client, local, targets)

    def _targets(self, behaviour: Behaviour, day: date) -> list[Invoice]:
        """The invoice named, or every open invoice of the client on `day`, oldest first."""
        if behaviour.invoice is not None:
            return [i for i in self.case.invoices if i.id == behaviour.invoice]
        return sorted(
            (
                invoice
                for invoice in self.case.invoices
                if self.owner[invoice.contract] == behaviour.client
                and invoice.status in _CHASED
                and invoice.issued <= day
                and balance_of(invoice, day).owed > ZERO
            ),
            key=lambda invoice: (invoice.issued, invoice.id),
        )

    def _pay(
        self, move: _Scheduled, client: Client, local: datetime, targets: list[Invoice]
    ) -> None:
        left = _checked_amount(move, targets)
        paid_any = False
        for invoice in targets:
            owed = balance_of(invoice, local.date()).owed
            amount = owed if left is None else min(left, owed)
            if amount <= ZERO:
                continue
            self._add_payment(invoice, Payment(date=local.date(), amount=amount, ref=_ref(move)))
            rest = owed - amount
            how = "in full" if rest == ZERO else f"in part ({rest} {invoice.currency} left)"
            why = f"scripted: {client.id} pays {invoice.label} {how}"
            self._note(move, local, [invoice], why, amount)
            paid_any = True
            if left is not None:
                left -= amount
                if left <= ZERO:
                    break
        if not paid_any:
            self._note(move, local, targets, f"scripted: {client.id} owes nothing to pay", None)

    def _add_payment(self, invoice: Invoice, payment: Payment) -> None:
        self._replace(invoice.model_copy(update={"payments": (*invoice.payments, payment)}))

    def _replace(self, changed: Invoice) -> None:
        """Put `changed` in the case in place of the invoice with its id."""
        invoices = tuple(changed if i.id == changed.id else i for i in self.case.invoices)
        self.case = self.case.model_copy(update={"invoices": invoices})

    def _bounce(self, move: _Scheduled, client: Client, local: datetime) -> None:
        channel: Channel = move.behaviour.channel or "email"
        self.dead_routes[client.id].add(route_of(channel))
        address = client.contacts.address_for(channel) or "no address"
        why = f"scripted: {channel} to {address} stops working: what is sent there bounces"
        entry = _move_entry(move, local, (), why)
        self.entries.append(entry.model_copy(update={"channel": channel}))

    def _inbound(
        self, move: _Scheduled, client: Client, local: datetime, targets: list[Invoice]
    ) -> None:
        """A reply, a promise or a dispute: an inbound history event."""
        behaviour = move.behaviour
        _checked_amount(move, targets)
        event: dict[str, Any] = {
            "at": local,
            "client": client.id,
            "invoices": [invoice.id for invoice in targets],
            "direction": "in",
            "kind": behaviour.do,
            "channel": behaviour.channel or "email",
            "chase": behaviour.chase,
        }
        if behaviour.do == "promise":
            promised = _day_of(behaviour.date, client, local.date())
            event["promise"] = {"date": promised, "amount": behaviour.amount}
            why = f"promises to pay {_sum_text(behaviour.amount, targets)} by {promised}"
        elif behaviour.do == "dispute":
            event["dispute"] = {"amount": behaviour.amount, "reason": behaviour.reason}
            said = f" ('{behaviour.reason}')" if behaviour.reason else ""
            why = f"disputes {_sum_text(behaviour.amount, targets)}{said}"
        elif behaviour.chase is not None:
            why = f"replies by {event['channel']} in chase '{behaviour.chase}'"
        else:
            why = f"replies by {event['channel']}"
        self._record(ContactEvent.model_validate(event))
        self._note(move, local, targets, f"scripted: {client.id} {why}", behaviour.amount)

    def _agree_plan(
        self, move: _Scheduled, client: Client, local: datetime, targets: list[Invoice]
    ) -> None:
        """The client agrees to pay in instalments: an `InstalmentPlan`, agreed that day.

        The plan is the record of the agreement, as a host keeps it: no ``reply`` is recorded
        beside it. The planner already gives the plan its due (its reminders replace the
        ladder while it holds); a reply would add nothing while the plan holds, and after a
        break would still count as an answer to the last ladder step, so that the firm step
        (``requires: no_reply``) would be passed over. A host that records the client's
        message as well scripts a ``reply`` on the same day.
        """
        agreed = local.date()
        owing = [i for i in targets if balance_of(i, agreed).owed > ZERO]
        agreement, parts = _agreement(move, client, agreed, owing)
        self.case = self.case.model_copy(
            update={"instalment_plans": (*self.case.instalment_plans, agreement)}
        )
        total = sum((part.amount for part in parts), ZERO)
        regular, last = parts[0].amount, parts[-1].amount
        split = f"{len(parts)} instalment{'s' * (len(parts) > 1)} of {regular} {owing[0].currency}"
        split += f" (the last {last})" if last != regular else ""
        why = (
            f"scripted: {client.id} agrees to {split}, every {agreement.every} from "
            f"{agreement.first} (plan '{agreement.id}')"
        )
        self._note(move, local, owing, why, total)

    def _resolve_dispute(self, move: _Scheduled, client: Client, local: datetime) -> None:
        """We resolve the client's open dispute: the event, and a credit note for ``credited``.

        The outbound ``dispute_resolved`` event names the invoices whose dispute ends; an
        invoice whose status was ``disputed`` is open again, as a host sets it when the
        dispute ends. The planner then resumes dunning where it stopped.
        """
        behaviour, where = move.behaviour, f"script[{move.index}]"
        disputed = self._disputed(behaviour, client, move.at)
        if not disputed:
            named = behaviour.invoice is not None
            raise InvalidCaseError(
                f"no open dispute {'about this invoice' if named else f'of {client.id}'} on "
                f"{local.date()}: a dispute comes before its resolution",
                field=f"{where}.invoice" if named else f"{where}.on",
            )
        resolution = behaviour.resolution
        assert resolution is not None  # resolve_dispute needs it (Behaviour checks it)
        amount = None
        if resolution == "credited":
            if len(disputed) > 1:
                raise InvalidCaseError(
                    f"the open disputes concern {', '.join(disputed)}: name the 'invoice' the "
                    "credit note is for",
                    field=f"{where}.invoice",
                )
            ((invoice_id, disputes),) = disputed.items()
            amount = self._credit(move, local, invoice_id, disputes)
        invoices = [i for i in self.case.invoices if i.id in disputed]
        for invoice in invoices:
            if invoice.status == "disputed":  # what the host does when the dispute ends
                self._replace(invoice.model_copy(update={"status": "open"}))
        self._record(
            ContactEvent(
                at=local,
                client=client.id,
                invoices=tuple(disputed),
                direction="out",
                kind="dispute_resolved",
                resolution=resolution,
                note=f"credit note {_ref(move)}" if amount is not None else None,
            )
        )
        labels = ", ".join(invoice.label for invoice in invoices)
        how = {
            "credited": f"we credit {labels} (a credit note): the dispute ends",
            "withdrawn": f"{client.id} withdraws the dispute about {labels}",
            "rejected": f"we reject the dispute about {labels}",
        }[resolution]
        self._note(move, local, invoices, f"scripted: {how}", amount)

    def _disputed(
        self, behaviour: Behaviour, client: Client, moment: datetime
    ) -> dict[str, list[ContactEvent]]:
        """The invoices (the one named, or the client's) with a dispute open at `moment`.

        Each comes with the disputes raised since its last resolution; an invoice whose
        status is ``disputed`` has an open dispute that no event may name.
        """
        history = sorted(
            (e for e in self.case.history if e.client == client.id and e.at <= moment),
            key=lambda e: e.at,
        )
        open_disputes: dict[str, list[ContactEvent]] = {}
        for invoice in self.case.invoices:
            if self.owner[invoice.contract] != client.id or behaviour.invoice not in (
                None,
                invoice.id,
            ):
                continue
            raised: list[ContactEvent] = []
            for event in history:
                if invoice.id in event.invoices and event.kind == "dispute_resolved":
                    raised = []
                elif invoice.id in event.invoices and event.kind == "dispute":
                    raised.append(event)
            if raised or invoice.status == "disputed":
                open_disputes[invoice.id] = raised
        return open_disputes

    def _credit(
        self, move: _Scheduled, local: datetime, invoice_id: str, disputes: list[ContactEvent]
    ) -> Decimal:
        """Book the credit note of a ``credited`` resolution on the invoice; its amount."""
        where = f"script[{move.index}]"
        invoice = next(i for i in self.case.invoices if i.id == invoice_id)
        amount = move.behaviour.amount
        if amount is None:
            named = [e.dispute.amount if e.dispute is not None else None for e in disputes]
            if not named or None in named:
                raise InvalidCaseError(
                    f"the dispute about {invoice.label} named no amount: give the credit "
                    "note's 'amount'",
                    field=f"{where}.amount",
                )
            amount = sum((a for a in named if a is not None), ZERO)
        check_precision(amount, invoice.currency, field=f"{where}.amount")
        if amount > invoice.billed:
            raise InvalidCaseError(
                f"more than {invoice.label} still bills ({invoice.billed} {invoice.currency})",
                field=f"{where}.amount",
                value=str(amount),
            )
        note = CreditNote(date=local.date(), amount=amount, ref=_ref(move))
        self._replace(invoice.model_copy(update={"credit_notes": (*invoice.credit_notes, note)}))
        return amount

    def _note(
        self,
        move: _Scheduled,
        local: datetime,
        targets: Sequence[Invoice],
        why: str,
        amount: Decimal | None,
    ) -> None:
        currencies = {invoice.currency for invoice in targets}
        currency = currencies.pop() if amount is not None and len(currencies) == 1 else None
        if amount is not None and currency is not None:
            amount = round_money(amount, currency)  # exact: its precision was checked
        self.entries.append(
            _move_entry(move, local, targets, why, amount=amount, currency=currency)
        )


def _checked_amount(move: _Scheduled, targets: Sequence[Invoice]) -> Decimal | None:
    """The move's amount, once it is known to be in one currency and to fit its minor unit."""
    amount, where = move.behaviour.amount, f"script[{move.index}]"
    if amount is not None:
        _one_currency(targets, where)
        for invoice in targets[:1]:
            check_precision(amount, invoice.currency, field=f"{where}.amount")
    return amount


def _one_currency(
    targets: Sequence[Invoice], where: str, *, what: str = "an amount is in one currency"
) -> None:
    currencies = sorted({invoice.currency for invoice in targets})
    if len(currencies) > 1:
        raise InvalidCaseError(
            f"{what}, and the client owes in {' and '.join(currencies)}: name the 'invoice'",
            field=f"{where}.invoice",
        )


def _agreement(
    move: _Scheduled, client: Client, agreed: date, owing: Sequence[Invoice]
) -> tuple[InstalmentPlan, tuple[Instalment, ...]]:
    """The instalment plan an ``agree_plan`` move agrees on `agreed` over `owing`, and its parts.

    Raises:
        InvalidCaseError: nothing is owed, the invoices span currencies, the first instalment
            falls before the agreement, or the total cannot be split so (naming the field).
    """
    behaviour, where = move.behaviour, f"script[{move.index}]"
    if not owing:
        raise InvalidCaseError(
            f"{client.id} owes nothing on {agreed} to pay in instalments",
            field=f"{where}.invoice" if behaviour.invoice is not None else f"{where}.on",
        )
    _one_currency(owing, where, what="one plan settles one currency")
    currency = owing[0].currency
    first = _day_of(behaviour.first, client, agreed)
    if first < agreed:
        raise InvalidCaseError(
            f"the first instalment falls due before the plan is agreed on {agreed}",
            field=f"{where}.first",
            value=first.isoformat(),
        )
    total = behaviour.amount
    if total is not None:
        check_precision(total, currency, field=f"{where}.amount")
    count = behaviour.instalments
    assert count is not None  # agree_plan needs it (Behaviour checks it)
    every = behaviour.every or Frequency(1, "m")
    try:
        parts = schedule(total or unpaid_before(owing, agreed), currency, count, first, every)
    except InvalidCaseError as error:
        field = "amount" if total is not None else "instalments"
        raise InvalidCaseError(error.problem, field=f"{where}.{field}") from None
    agreement = InstalmentPlan(
        id=f"script-plan-{move.index}",
        client=client.id,
        invoices=tuple(invoice.id for invoice in owing),
        agreed=agreed,
        instalments=count,
        first=first,
        every=every,
        total=total,
    )
    return agreement, parts


def _day_of(named: date | Duration | None, client: Client, day: date) -> date:
    """The day a move names (promised, first instalment): a date, or counted from `day`."""
    if isinstance(named, Duration):
        return named.shift_date(day, default_calendar(client.country, client.subdivision))
    assert named is not None  # the moves that name a day have it (Behaviour checks it)
    return named


def _sum_text(amount: Decimal | None, targets: Sequence[Invoice]) -> str:
    if amount is None:
        return f"all of {', '.join(i.label for i in targets) or 'what is owed'}"
    if not targets:
        return str(amount)
    return f"{round_money(amount, targets[0].currency)} {targets[0].currency}"


def _ref(move: _Scheduled) -> str:
    return f"simulated script[{move.index}]"


def _event(action: Action, client: Client, at: datetime, outcome: str | None) -> ContactEvent:
    """The history event the runner records for `action` performed at `at`."""
    to = client.contacts.address_for(action.channel)
    return performed_event(action, at=at, channel=action.channel, to=to, outcome=outcome)


def _action_entry(
    action: Action, at: datetime, *, outcome: str | None, subject: str | None
) -> SimulationEntry:
    amounts = action.amounts
    return SimulationEntry(
        at=at,
        client=action.client,
        invoices=action.invoices,
        chase=action.chase,
        what=action.kind,
        step=action.step,
        channel=action.channel,
        key=action.key,
        outcome=outcome,
        deadline=action.deadline,
        reason=action.reason,
        amount=amounts.total if amounts is not None else None,
        currency=amounts.currency if amounts is not None else None,
        subject=subject,
    )


def _move_entry(
    move: _Scheduled,
    at: datetime,
    targets: Sequence[Invoice],
    why: str,
    *,
    amount: Decimal | None = None,
    currency: str | None = None,
) -> SimulationEntry:
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


# -- the chart -----------------------------------------------------------------------------

# What each entry looks like on the chart: its legend label, marker and colour.
_LOOKS: Final[Mapping[str, tuple[str, str, str]]] = {
    "send_reminder": ("reminder", "o", "#1f77b4"),
    "request_deposit": ("reminder", "o", "#1f77b4"),
    "request_milestone": ("reminder", "o", "#1f77b4"),
    "call": ("call", "^", "#ff7f0e"),
    "send_letter": ("letter", "s", "#8c564b"),
    "apply_fee": ("fee", "D", "#d62728"),
    "pause_work": ("suspension", "X", "#7f7f7f"),
    "suspend_service": ("suspension", "X", "#7f7f7f"),
    "resume_work": ("restoration", "P", "#17becf"),
    "restore_service": ("restoration", "P", "#17becf"),
    "escalate": ("escalation", "*", "#000000"),
    "review": ("review", "d", "#bcbd22"),
    "pay": ("payment", "v", "#2ca02c"),
    "pay_in_part": ("payment", "v", "#2ca02c"),
    "promise": ("promise", "p", "#9467bd"),
    "reply": ("reply", "<", "#e377c2"),
    "dispute": ("dispute", "h", "#ff9896"),
    "bounce": ("bounce", "x", "#d62728"),
    "agree_plan": ("instalment plan", "8", "#2ca02c"),
    "resolve_dispute": ("dispute resolved", "H", "#17becf"),
}
_NOT_THROUGH: Final = frozenset({"bounced", "failed", "no_answer"})
_LINE_MARKERS: Final = frozenset({"x", "+", "|", "_"})
_SMALL: Final = frozenset({"fee", "review"})


def timeline_chart(timeline: Timeline, path: str | Path) -> Path:
    """Draw `timeline` as a chart: one lane per invoice, a marker per action or move.

    The format follows the suffix (``.svg`` or ``.png``); the same timeline always gives the
    same SVG bytes. Hollow markers are contacts that did not get through (bounced, failed,
    unanswered).

    Args:
        timeline: what `simulate` returned.
        path: where to write the chart.

    Returns:
        The path written.

    Raises:
        InvalidCaseError: the suffix is neither .svg nor .png.
        PluginError: matplotlib is not installed (``pip install 'paychase[charts]'``).
    """
    target = Path(path)
    kind = target.suffix.lower().removeprefix(".")
    if kind not in ("svg", "png"):
        raise InvalidCaseError("a chart is an .svg or a .png file", field="chart", value=str(path))
    try:
        import matplotlib  # noqa: PLC0415 - optional dependency, paychase[charts]
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError:
        raise PluginError(
            "charts need matplotlib: pip install 'paychase[charts]'", field="chart"
        ) from None
    lanes = _lanes(timeline)
    buffer = io.BytesIO()
    # A bare Figure draws with the Agg/SVG canvases without pyplot: no backend is chosen and
    # no global state of the host changes; the salt and the missing date make SVG repeatable.
    with matplotlib.rc_context({"svg.hashsalt": "paychase", "svg.fonttype": "path"}):
        figure = Figure(figsize=(11, 1.6 + 0.45 * max(len(lanes), 1)), layout="constrained")
        _draw(figure.add_subplot(), timeline, lanes)
        metadata: dict[str, Any] = {"Date": None} if kind == "svg" else {"Software": None}
        figure.savefig(buffer, format=kind, metadata=metadata, dpi=120)
    write_bytes_atomically(target, buffer.getvalue())
    return target


def _lanes(timeline: Timeline) -> list[tuple[str, str | None]]:
    """(client, lane) lanes: a client's invoices, chases (``chase:{id}``), then the client's.

    The client's own lane holds what concerns no invoice and no chase: stage requests,
    kill-fee pauses and bounces concern the client as a whole.
    """
    chases = timeline.chases or ()
    whole = {e.client for e in timeline.entries if not e.invoices and e.chase is None}
    clients = list(
        dict.fromkeys(
            [s.client for s in timeline.invoices] + [c.client for c in chases] + sorted(whole)
        )
    )
    lanes: list[tuple[str, str | None]] = []
    for client in clients:
        lanes += [(client, s.id) for s in timeline.invoices if s.client == client]
        lanes += [(client, f"chase:{c.id}") for c in chases if c.client == client]
        lanes += [(client, None)] if client in whole else []
    return lanes


def _draw(axes: Axes, timeline: Timeline, lanes: list[tuple[str, str | None]]) -> None:
    """Markers on lanes, a date axis, the title and a legend of what appears."""
    from matplotlib.lines import Line2D  # noqa: PLC0415 - optional dependency

    row = {lane: number for number, lane in enumerate(lanes)}
    seen: set[str] = set()
    for entry in timeline.entries:
        label, marker, colour = _LOOKS[entry.what]
        # Hollow: a contact that did not get through; a line marker (x) has no inside.
        hollow = entry.outcome in _NOT_THROUGH
        line = marker in _LINE_MARKERS
        face = colour if line or not hollow else "none"
        for lane in _entry_lanes(entry, lanes):
            y = row[lane]
            axes.scatter(
                [_days(entry.at)],
                [y],
                marker=marker,
                s=40 if label in _SMALL else 70,  # a fee on top of its message shows both
                c=face,
                edgecolors=None if line else colour,
                linewidths=1.2,
                zorder=3,
            )
            seen.add(label)
            axes.annotate(
                entry.step or entry.what,
                (_days(entry.at), y),
                xytext=(0, 8),
                textcoords="offset points",
                fontsize=6,
                rotation=35,
                ha="left",
            )
    axes.set_yticks(range(len(lanes)), [_lane_label(lane) for lane in lanes])
    axes.set_ylim(-0.7, len(lanes) - 0.2)
    axes.invert_yaxis()
    axes.set_xlim(_days(timeline.start), _days(timeline.until))
    axes.xaxis_date()
    axes.grid(axis="x", linestyle=":", linewidth=0.6)
    axes.set_title(
        f"paychase simulation: policy '{timeline.policy}', {timeline.start:%Y-%m-%d} to "
        f"{timeline.until:%Y-%m-%d} ({_mode(timeline.cadence)})"
    )
    shown = [look for look in dict.fromkeys(_LOOKS.values()) if look[0] in seen]
    shown = list({look[0]: look for look in shown}.values())
    handles = [
        Line2D([], [], marker=marker, linestyle="none", color=colour, markersize=8)
        for _, marker, colour in shown
    ]
    labels = [label for label, _, _ in shown]
    if any(entry.outcome in _NOT_THROUGH for entry in timeline.entries):
        handles.append(
            Line2D([], [], marker="o", linestyle="none", markerfacecolor="none", color="grey")
        )
        labels.append("did not get through")
    if handles:
        axes.legend(
            handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False
        )


def _days(moment: datetime) -> float:
    """`moment` as matplotlib's date number (days since its epoch), for the x axis."""
    import matplotlib.dates as mdates  # noqa: PLC0415 - optional dependency

    number: float = mdates.date2num(moment)  # type: ignore[no-untyped-call]
    return number


def _entry_lanes(
    entry: SimulationEntry, lanes: list[tuple[str, str | None]]
) -> list[tuple[str, str | None]]:
    """The lanes an entry is drawn on: each of its invoices', its chase's, else its client's."""
    if entry.invoices:
        return [lane for lane in lanes if lane[1] in entry.invoices]
    if entry.chase is not None:
        return [(entry.client, f"chase:{entry.chase}")]
    return [(entry.client, None)]


def _lane_label(lane: tuple[str, str | None]) -> str:
    client, invoice = lane
    return f"{invoice} ({client})" if invoice is not None else f"{client} (client)"
