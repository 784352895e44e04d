"""The text of a timeline: one line per entry under its client's local day, as people read it.

What `Timeline.text` prints and ``paychase simulate`` shows: fixed-width cells (time, client,
invoices, step, how, outcome, amount, deadline), a client's move said in words, and each
invoice's and chase's state at the end.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from paychase.planner._performed import MESSAGE_KINDS

if TYPE_CHECKING:
    from paychase.planner._outputs import ChaseState, InvoiceState
    from paychase.simulation._timeline import SimulationEntry, Timeline

__all__ = ["mode_text", "timeline_text"]


def timeline_text(timeline: Timeline, *, reasons: bool) -> str:
    """The timeline for people: a heading, one line per entry under its (client's local) day.

    Each entry's subject follows it, and with `reasons` its reason; the invoices' and chases'
    states at the end close the text.
    """
    count = len(timeline.entries)
    chases = " (chases under their own)" if timeline.chases else ""
    lines = [
        f"Simulation under policy '{timeline.policy}'{chases} from {_stamp(timeline.start)} to "
        f"{_stamp(timeline.until)} ({mode_text(timeline.cadence)}): {count} "
        f"entr{'y' if count == 1 else 'ies'}"
    ]
    day: date | None = None
    for entry in timeline.entries:
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
    lines += ["", f"At {_stamp(timeline.until)}:"]
    lines += [_state_line(state) for state in timeline.invoices]
    lines += [_chase_line(state) for state in timeline.chases or ()]
    return "\n".join(line.rstrip() for line in lines) + "\n"


_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _stamp(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="minutes")


def mode_text(cadence: timedelta | None) -> str:
    """How the clock ran: ``event-driven``, or ``a run every 1h`` for a cadence."""
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
        if entry.channel == "system" and entry.what in MESSAGE_KINDS:  # recorded by the host
            how = f"{kind} recorded, not sent"
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
    "write_off": "write-off",
    "cancel_service": "cancellation",
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
