"""The runner as a state machine: days pass, clients pay, addresses bounce, runs crash.

Hypothesis drives a real runner on a real SQLite file through time. Runs are interrupted at
random points (right after a claim, or after the channel accepted a message and before the
outcome was recorded: an exception that nothing catches, as a kill would stop the process)
and the next run settles what was left. Invariants after every step: no action key was ever
delivered twice; nothing was sent about an invoice already paid in full; after a clean run no
attempt is left half done.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from tests.delivery_helpers import LoggingChannel, sent_keys
from tests.samples import lumen_portfolio

from paychase import Case
from paychase.delivery._runner import Runner
from paychase.store._sqlite import SqliteStore

START = datetime.fromisoformat("2026-03-02T16:00:00+01:00")
CLIENTS = ("c0", "c1", "c2")


class Crash(BaseException):
    """Stops a run the way a kill would: nothing in the runner catches it."""


class CrashingStore(SqliteStore):
    """Raises `Crash` at the n-th call of one operation."""

    operation: str | None = None
    left = 0

    def _tick(self, operation: str) -> None:
        if operation == self.operation:
            self.left -= 1
            if self.left == 0:
                self.operation = None
                raise Crash(operation)

    def claim(self, key: str, /, **kwargs: Any) -> bool:
        won = super().claim(key, **kwargs)
        self._tick("after_claim")
        return won

    def complete(self, key: str, /, **kwargs: Any) -> None:
        self._tick("before_complete")
        super().complete(key, **kwargs)


def _portfolio() -> dict[str, Any]:
    """Five clients, an invoice each, due on 2 to 6 March 2026."""
    return lumen_portfolio([[f"2026-03-0{n + 2}"] for n in range(len(CLIENTS))])


class RunnerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="paychase-machine-"))
        self.store = CrashingStore(self.directory / "history.sqlite")
        self.log = self.directory / "sent.log"
        self.bouncing: set[str] = set()
        self.case = _portfolio()
        self.now = START
        self.paid: dict[str, datetime] = {}
        self.sent_after_payment: list[str] = []
        self.clean = True

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _runner(self) -> Runner:
        channel = LoggingChannel(self.log, bounce=frozenset(self.bouncing))
        return Runner(
            store=self.store,
            channels={"email": channel, "sms": channel},
            stale_after=timedelta(0),
            sleep=lambda _: None,
        )

    def _run(self) -> None:
        report = self._runner().run(Case.model_validate(self.case), now=self.now)
        for outcome in report.outcomes:
            invoices = outcome.key.split("/")[1].split("+")
            if outcome.status == "sent" and any(i in self.paid for i in invoices):
                self.sent_after_payment.append(outcome.key)

    @rule(days=st.integers(min_value=1, max_value=6))
    def days_pass(self, days: int) -> None:
        self.now += timedelta(days=days)

    @rule()
    def run(self) -> None:
        self._run()
        self.clean = True

    @rule(
        operation=st.sampled_from(["after_claim", "before_complete"]),
        n=st.integers(min_value=1, max_value=3),
    )
    def crashing_run(self, operation: str, n: int) -> None:
        self.store.operation, self.store.left = operation, n
        try:
            self._run()
        except Crash:
            self.clean = False
        self.store.operation = None

    @rule(invoice=st.sampled_from([f"i{n}" for n in range(len(CLIENTS))]))
    def client_pays_in_full(self, invoice: str) -> None:
        if invoice in self.paid:
            return
        entry = next(i for i in self.case["invoices"] if i["id"] == invoice)
        entry["payments"] = [{"date": self.now.date().isoformat(), "amount": entry["total"]}]
        self.case = copy.deepcopy(self.case)
        self.paid[invoice] = self.now

    @precondition(lambda self: len(self.bouncing) < len(CLIENTS))
    @rule(client=st.sampled_from(CLIENTS))
    def address_starts_bouncing(self, client: str) -> None:
        self.bouncing.add(f"{client}@client.example")

    @invariant()
    def no_key_is_delivered_twice(self) -> None:
        keys = sent_keys(self.log)
        assert len(keys) == len(set(keys))

    @invariant()
    def nothing_is_sent_about_a_paid_invoice(self) -> None:
        assert self.sent_after_payment == []

    @invariant()
    def a_clean_run_leaves_nothing_half_done(self) -> None:
        if self.clean:
            assert self.store.attempts({"claimed", "sending"}) == ()


RunnerMachine.TestCase.settings = settings(max_examples=15, stateful_step_count=12, deadline=None)
test_runner_machine = RunnerMachine.TestCase
