"""An incremental run performs exactly what a full run performs, day after day (issue 20).

First the promise it rests on, on any case: nothing falls due for a client before the next
review its plan gives it (while nothing is recorded) — whatever the ladder, a grace period,
a promise, a reply pause, a dispute, a payment dated ahead or the limitation watch do with
time alone. Then the runs themselves:

Two workspaces start from one portfolio and live the same life: hours and days pass, clients
pay (in part or in full), reply, promise to pay, addresses bounce. After each step one is run
in full and the other incrementally; they must perform the same action keys with the same
outcomes in the same order — so the clients an incremental run leaves unplanned really had
nothing due, whatever the ladder, grace, promise or reply pause did with time alone.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from tests.delivery_helpers import LoggingChannel
from tests.samples import lumen_portfolio
from tests.strategies import Json, cases

from paychase import Case, ContactEvent, plan
from paychase.delivery._next_review import plan_marks as _marks
from paychase.delivery._runner import Runner
from paychase.store._workspace import Workspace

START = datetime.fromisoformat("2026-03-02T16:00:00+01:00")
CLIENTS = tuple(f"c{n}" for n in range(5))
INVOICES = tuple(f"i{n}" for n in range(len(CLIENTS) * 2))


def _portfolio() -> Json:
    """Five clients, two invoices each, due from a week before the start to a month after."""
    dues = [(START.date() + timedelta(days=7 * n - 7)).isoformat() for n in range(len(INVOICES))]
    return lumen_portfolio([dues[2 * n : 2 * n + 2] for n in range(len(CLIENTS))])


class Twins(RuleBasedStateMachine):
    """One portfolio in two workspaces: one run in full, one incrementally."""

    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="paychase-incremental-"))
        self.now = START
        self.bouncing: set[str] = set()
        self.paid: dict[str, Decimal] = {}
        self.books: dict[str, Workspace] = {}
        for name in ("full", "incremental"):
            books = Workspace.create(self.directory / f"{name}.paychase")
            books.import_case(_portfolio(), at=START)
            self.books[name] = books
        self.performed: dict[str, list[tuple[str, str]]] = {"full": [], "incremental": []}
        self.replanned: list[int] = []

    def teardown(self) -> None:
        for books in self.books.values():
            books.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _runner(self, name: str) -> Runner:
        channel = LoggingChannel(self.directory / f"{name}.log", bounce=frozenset(self.bouncing))
        return Runner(
            store=self.books[name],
            channels={"email": channel, "sms": channel},
            sleep=lambda _: None,
            clock=lambda: self.now,
        )

    @rule(hours=st.integers(min_value=1, max_value=24 * 9))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule()
    def run(self) -> None:
        for name in ("full", "incremental"):
            report = self._runner(name).run(
                self.books[name], now=self.now, incremental=name == "incremental"
            )
            self.performed[name] = [(o.key, o.status) for o in report.outcomes]
            if name == "incremental":
                self.replanned.append(len(report.clients))

    @rule(invoice=st.sampled_from(INVOICES), share=st.sampled_from(["0.5", "1"]))
    def client_pays(self, invoice: str, share: str) -> None:
        left = Decimal("1500.00") - self.paid.get(invoice, Decimal(0))
        amount = min(left, Decimal("1500.00") * Decimal(share)).quantize(Decimal("0.01"))
        if amount <= 0:
            return
        self.paid[invoice] = self.paid.get(invoice, Decimal(0)) + amount
        for books in self.books.values():
            books.record_payment(invoice, amount, at=self.now)

    @rule(
        client=st.integers(min_value=0, max_value=len(CLIENTS) - 1),
        kind=st.sampled_from(["reply", "promise", "dispute"]),
        days=st.integers(min_value=-3, max_value=20),
        about=st.sampled_from([(0,), (1,), (0, 1)]),
    )
    def client_writes(self, client: int, kind: str, days: int, about: tuple[int, ...]) -> None:
        """A reply, a promise (maybe already broken) or a dispute about some invoices."""
        fields: dict[str, Any] = {
            "at": self.now,
            "client": CLIENTS[client],
            "direction": "in",
            "kind": kind,
            "invoices": [INVOICES[2 * client + n] for n in about],
        }
        if kind == "promise":
            fields["promise"] = {"date": (self.now.date() + timedelta(days=days)).isoformat()}
        if kind == "dispute":
            fields["dispute"] = {"reason": "not delivered"}
        event = ContactEvent.model_validate(fields)
        for books in self.books.values():
            books.record_contact(event, at=self.now)

    @rule(client=st.sampled_from(CLIENTS))
    def address_starts_bouncing(self, client: str) -> None:
        self.bouncing.add(f"{client}@client.example")

    @invariant()
    def both_runs_perform_the_same_keys_in_the_same_order(self) -> None:
        assert self.performed["incremental"] == self.performed["full"]


Twins.TestCase.settings = settings(max_examples=12, stateful_step_count=30, deadline=None)
test_incremental_runs_perform_what_full_runs_perform = Twins.TestCase


@settings(max_examples=80, deadline=None)
@given(cases(), st.lists(st.integers(min_value=1, max_value=24 * 60), min_size=1, max_size=5))
def test_nothing_falls_due_before_a_clients_next_review(
    drawn: tuple[Json, datetime], hours: list[int]
) -> None:
    data, now = drawn
    case = Case.model_validate(data)
    marks = {
        mark.client: mark.next_review
        for mark in _marks(plan(case, now=now), case, {c.id: "" for c in case.clients}, now)
    }
    for later in (now + timedelta(hours=h) for h in hours):
        for action in plan(case, now=later).actions:
            if action.due(later):
                review = marks[action.client]
                assert review is not None, (action.key, action.reason)
                assert review <= later, (action.key, action.reason)
