"""Fresh facts before every send (issue 14): what was recorded since the run planned counts.

The example portfolio at 16:00 Warsaw on 10 March 2026: five contacts fall due at the same
instant (15:00 UTC) and go in key order — Brightline's milestone request by e-mail first,
later Harrow's SMS reminder and Papadopoulou's pre-due e-mail. A payment or a reply recorded
while the run is under way, by another process or in the case file itself, must stop the
message it makes wrong.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.delivery_helpers import LoggingChannel, sent_keys

from paychase._files import load_case_data
from paychase.delivery import CaseFile, Runner
from paychase.messages import Message
from paychase.messages._message import Receipt
from paychase.store import SqliteStore, Workspace

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "portfolio.json"
AFTERNOON = datetime.fromisoformat("2026-03-10T16:00:00+01:00")
CLOCK = datetime(2026, 3, 10, 15, tzinfo=UTC)
FIRST = "brightline-identity/concepts/request_milestone/1"
PRE_DUE = "papadopoulou-site/gr-2026-131/pre_due/1"
SMS = "harrow-retainer/gb-0042/polite/2"


class HookedChannel(LoggingChannel):
    """Delivers like `LoggingChannel`, and runs `hook` once, while sending the first message."""

    def __init__(self, log: Path, hook: Any) -> None:
        super().__init__(log)
        self.hook = hook

    def send(self, message: Message, /) -> Receipt:
        if self.hook is not None:
            hook, self.hook = self.hook, None
            hook()
        return super().send(message)


def _runner(store: SqliteStore, channel: LoggingChannel) -> Runner:
    return Runner(
        store=store,
        channels={"email": channel, "sms": channel},
        clock=lambda: CLOCK,
        sleep=lambda _: None,
    )


def _pay_in_another_process(path: Path, invoice: str, amount: str) -> None:
    """Record a payment through a second process with its own connection, as a person would."""
    code = (
        "import sys; from datetime import date, datetime, UTC;"
        "from paychase.store import Workspace;"
        "w = Workspace(sys.argv[1]);"
        "w.record_payment(sys.argv[2], sys.argv[3], on=date(2026, 3, 10),"
        " at=datetime(2026, 3, 10, 15, 1, tzinfo=UTC)); w.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(path), invoice, amount], check=True, timeout=60)


@pytest.fixture
def books(tmp_path: Path) -> Workspace:
    workspace = Workspace.create(tmp_path / "books.paychase")
    workspace.import_case(load_case_data(EXAMPLE), at=CLOCK)
    return workspace


def test_a_payment_recorded_by_another_process_mid_run_cancels_its_reminder(
    books: Workspace, tmp_path: Path
) -> None:
    log = tmp_path / "sent.log"
    total = next(i.total for i in books.case().invoices if i.id == "gr-2026-131")
    channel = HookedChannel(
        log, lambda: _pay_in_another_process(Path(books.path), "gr-2026-131", str(total))
    )
    report = _runner(books, channel).run(books, now=AFTERNOON)
    outcomes = {o.key: o for o in report.outcomes}
    assert outcomes[FIRST].status == "sent"
    assert outcomes[PRE_DUE].status == "cancelled"
    assert PRE_DUE not in sent_keys(log)
    assert SMS in sent_keys(log)


def test_a_reply_written_into_the_case_file_mid_run_holds_the_next_step(tmp_path: Path) -> None:
    case_file = tmp_path / "portfolio.json"
    case_file.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    reply = {
        "at": "2026-03-10T14:58:00+00:00",
        "client": "harrow",
        "direction": "in",
        "kind": "reply",
        "channel": "email",
        "note": "we paid this morning, remittance to follow",
    }

    def write_reply() -> None:
        data = json.loads(case_file.read_text(encoding="utf-8"))
        data["history"].append(reply)
        case_file.write_text(json.dumps(data), encoding="utf-8")

    log = tmp_path / "sent.log"
    with Workspace.create(tmp_path / "history.paychase") as store:
        source = CaseFile(case_file, store)
        report = _runner(store, HookedChannel(log, write_reply)).run(source, now=AFTERNOON)
        outcomes = {o.key: o for o in report.outcomes}
        assert outcomes[SMS].status in ("cancelled", "postponed")
        assert SMS not in sent_keys(log)
        assert any(e.kind == "reply" and e.client == "harrow" for e in store.events())


_CRASHING_RUN = """
import os, sys
from datetime import UTC, datetime
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from tests.delivery_helpers import LoggingChannel
from paychase.delivery import Runner
from paychase.store import Workspace

books = Workspace(sys.argv[1])
channel = LoggingChannel(Path(sys.argv[2]))
runner = Runner(store=books, channels={"email": channel, "sms": channel},
                clock=lambda: datetime(2026, 3, 10, 15, tzinfo=UTC), sleep=lambda _: None)

def crash_after_the_first(done, total):
    if done == 1:
        os._exit(137)  # killed: no cleanup, nothing flushed

runner.run(books, now=datetime.fromisoformat("2026-03-10T16:00:00+01:00"),
           progress=crash_after_the_first)
"""


def test_after_a_crash_a_payment_recorded_meanwhile_is_honoured(
    books: Workspace, tmp_path: Path
) -> None:
    log = tmp_path / "sent.log"
    books.close()
    crashed = subprocess.run(
        [sys.executable, "-c", _CRASHING_RUN, str(books.path), str(log), str(REPO)],
        check=False,
        timeout=120,
    )
    assert crashed.returncode == 137
    assert sent_keys(log) == [FIRST]
    with Workspace(books.path) as reopened:
        total = next(i.total for i in reopened.case().invoices if i.id == "gr-2026-131")
        reopened.record_payment("gr-2026-131", total, on=date(2026, 3, 10), at=CLOCK)
        report = _runner(reopened, LoggingChannel(log)).run(reopened, now=AFTERNOON)
    assert sent_keys(log).count(FIRST) == 1
    assert PRE_DUE not in sent_keys(log)
    assert SMS in sent_keys(log)
    assert not any(o.key == PRE_DUE and o.status == "sent" for o in report.outcomes)
