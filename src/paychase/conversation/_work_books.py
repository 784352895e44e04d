"""What the work-contract rules share: the need they state and the client's books they read.

A `WorkNeed` is what a rule of `paychase.conversation._work` finds a contract needs, keyed
``{contract}/{topic}/{kind}/{number}``; `WorkBooks` is what the rules read about one client,
gathered once; `work_paused` tells whether the latest pause or resume under some keys stands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal

from paychase._reason import ReasonPart, joined, part
from paychase.calendar._protocols import HolidayCalendar
from paychase.case._contracts import Contract
from paychase.case._history import ContactEvent
from paychase.case._invoices import Invoice
from paychase.conversation._facts import latest
from paychase.conversation._sanctions import Sanctions
from paychase.money._amounts import Charge

__all__ = [
    "DID_NOT_ARRIVE",
    "WorkBooks",
    "WorkNeed",
    "WorkNeedKind",
    "percent",
    "retried",
    "work_paused",
]

WorkNeedKind = Literal["request_deposit", "request_milestone", "pause_work"]
"""What a work contract needs: a prepayment or stage asked for, or the work paused."""

# Outcomes of a request or a pause that never reached the client: it counts as not made.
DID_NOT_ARRIVE: Final = frozenset({"bounced", "failed"})


@dataclass(frozen=True, slots=True)
class WorkNeed:
    """One thing a work contract needs, with the money and the reason behind it."""

    kind: WorkNeedKind
    contract: str
    topic: str  # "deposit", "materials", a milestone id, or "kill_fee"
    number: int  # 1 for the first such need, n + 1 after n earlier ones in the history
    invoices: tuple[str, ...]  # the invoices it concerns (prepayment invoices), maybe none
    not_before: date  # the client's local date from which it should happen
    amount: Decimal  # what is asked for or charged, rounded to the currency
    currency: str
    why: tuple[ReasonPart, ...]  # names the rule and the dates behind it, clause by clause
    deadline: date | None = None  # the payment deadline the request states, if any
    charges: tuple[Charge, ...] = ()  # a kill fee's computation

    @property
    def reason(self) -> str:
        """`why` in the plan's English."""
        return joined(self.why)

    @property
    def key(self) -> str:
        """The idempotency key: ``{contract}/{topic}/{kind}/{number}``."""
        return f"{self.contract}/{self.topic}/{self.kind}/{self.number}"


@dataclass(frozen=True, slots=True)
class WorkBooks:
    """What the rules read about one client, gathered once."""

    contracts: tuple[Contract, ...]  # the client's
    invoices: tuple[Invoice, ...]  # of the client's contracts, cancelled ones left out
    events: tuple[ContactEvent, ...]  # the client's history, oldest first
    today: date
    calendar: HolidayCalendar
    local_date: Callable[[datetime], date]
    sanctions: Sanctions  # the pauses of work in force on the client's contracts

    def of(self, contract: Contract, kinds: frozenset[str]) -> tuple[Invoice, ...]:
        """The contract's invoices of these kinds."""
        return tuple(i for i in self.invoices if i.contract == contract.id and i.kind in kinds)

    def attempts(self, prefix: str) -> list[ContactEvent]:
        """Outbound contacts made for the need whose keys are `prefix` plus a number."""
        return [
            e
            for e in self.events
            if e.direction == "out" and e.key is not None and _numbered(e.key, prefix)
        ]

    def pauses(self, prefix: str) -> int:
        """How many pauses of work were recorded under `prefix`."""
        return sum(
            1 for e in self.events if e.kind == "pause_work" and (e.key or "").startswith(prefix)
        )

    def work_paused(self, contract: Contract) -> bool:
        """Whether the work on the contract is paused, whatever for."""
        return self.sanctions.on("pause_work", contract.id) is not None

    def paused(self, prefix: str) -> bool:
        """Whether the latest pause or resume under `prefix` that took effect is a pause."""
        return work_paused(self.events, (prefix,))

    def working(self, contract: Contract) -> bool:
        """Whether work on the contract has started and is not finished as of today."""
        started, finished = contract.work_started, contract.work_finished
        return (
            started is not None
            and started <= self.today
            and (finished is None or finished > self.today)
        )


def _numbered(key: str, prefix: str) -> bool:
    """Whether `key` is `prefix` followed by an attempt number."""
    number = key.removeprefix(prefix)
    return number != key and number.isascii() and number.isdigit()


def retried(attempts: Sequence[ContactEvent]) -> tuple[ReasonPart, ...]:
    """``request 1 did not arrive, so ask again`` after requests that never arrived, or nothing."""
    return (part("request.retry", count=len(attempts)),) if attempts else ()


def percent(rate: Decimal) -> Decimal:
    """A percentage as a reason writes it before ``%``: ``Decimal("25.0")`` → ``25``."""
    return Decimal(f"{rate.normalize():f}")


def work_paused(events: Sequence[ContactEvent], prefixes: tuple[str, ...]) -> bool:
    """Whether work is paused: the latest pause or resume keyed under one of `prefixes`.

    Only those that took effect count (not bounced or failed); `events` are oldest first.
    """
    last = latest(
        events,
        lambda e: (
            e.kind in ("pause_work", "resume_work")
            and (e.key or "").startswith(prefixes)
            and e.outcome not in DID_NOT_ARRIVE
        ),
    )
    return last is not None and last.kind == "pause_work"
