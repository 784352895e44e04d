"""The runner: what is due is performed once per key, recorded, and settled after a crash."""

from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.delivery_helpers import LoggingChannel, logging_run, sent_keys

from paychase import Case, load_case, plan
from paychase.delivery._liveness import runner_id, runner_is_gone, runner_state
from paychase.delivery._outbox import FileOutbox
from paychase.delivery._runner import Runner, _event
from paychase.delivery._smtp import SmtpChannel
from paychase.delivery._sources import case_with_history
from paychase.messages import Renderer
from paychase.messages._message import Message, Receipt
from paychase.store._sqlite import SqliteStore
from paychase.testing import MemoryStore

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = str(REPO / "examples" / "portfolio.json")
# 15:00 in Warsaw: every client's 10:00 (New York's too) has passed; their contacts are due.
AFTERNOON = datetime.fromisoformat("2026-03-10T16:00:00+01:00")
NEXT_DAY = datetime.fromisoformat("2026-03-11T16:00:00+01:00")
CLOCK = datetime(2026, 3, 10, 15, tzinfo=UTC)


@pytest.fixture
def case() -> Case:
    return load_case(EXAMPLE)


@pytest.fixture(params=["sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqliteStore | MemoryStore]:
    """Each runner test runs against the SQLite file and the in-memory store alike."""
    opened = (
        SqliteStore(tmp_path / "history.sqlite") if request.param == "sqlite" else MemoryStore()
    )
    with opened:
        yield opened


def runner(store: SqliteStore, log: Path, **kwargs: object) -> Runner:
    channel = LoggingChannel(log)
    return Runner(
        store=store,
        channels={"email": channel, "sms": channel},
        clock=lambda: CLOCK,
        sleep=lambda _: None,
        **kwargs,  # type: ignore[arg-type]
    )


def due_messages(
    case: Case, now: datetime, channels: tuple[str, ...] = ("email", "sms")
) -> set[str]:
    machine = {"send_reminder", "send_letter", "request_deposit", "request_milestone"}
    return {
        a.key
        for a in plan(case, now=now).actions
        if a.at <= now and a.kind in machine and a.channel in channels
    }


def test_a_run_sends_what_is_due_and_records_it(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    expected = due_messages(case, AFTERNOON)
    assert expected, "the example should have messages due in the afternoon"
    report = runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON)
    assert sorted(sent_keys(tmp_path / "sent.log")) == sorted(expected)
    assert {o.key for o in report.outcomes if o.status == "sent"} == expected
    recorded = {e.key: e for e in store.events() if e.key in expected}
    assert set(recorded) == expected
    assert {(e.outcome, e.at) for e in recorded.values()} == {("delivered", AFTERNOON)}
    assert {a.key for a in store.attempts({"done"})} == expected


def test_a_second_run_at_the_same_moment_sends_nothing(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    first = runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON)
    second = runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON)
    assert first.count("sent") > 0
    assert second.count("sent") == 0
    assert len(sent_keys(tmp_path / "sent.log")) == first.count("sent")


def test_calls_and_system_actions_become_tasks_and_reviews_are_shown(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    report = runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON)
    tasks = {a.key: a for a in store.attempts({"task"})}
    assert "nowak-2025/pl-2026-014/check_call/1" in tasks
    call = tasks["nowak-2025/pl-2026-014/check_call/1"]
    assert call.message is not None
    assert call.message.locale == "pl_PL"
    assert call.event is not None
    assert (call.event.kind, call.event.outcome) == ("call", None)
    assert all(o.key not in tasks for o in report.outcomes if o.status == "review")
    assert report.count("review") >= 1
    again = runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON)
    assert {o.key for o in again.outcomes if o.status == "skipped"} >= set(tasks)


def test_recording_a_tasks_outcome_closes_it_and_the_ladder_moves_on(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON)
    key = "nowak-2025/pl-2026-014/check_call/1"
    task = next(a for a in store.attempts({"task"}) if a.key == key)
    assert task.event is not None
    store.add_events([task.event.model_copy(update={"outcome": "answered"})])
    assert key in {a.key for a in store.attempts({"done"})}
    later = plan(case_with_history(case, store.events()), now=NEXT_DAY)
    assert key not in {a.key for a in later.actions}


def test_a_dry_run_changes_nothing(case: Case, store: SqliteStore, tmp_path: Path) -> None:
    report = runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON, dry_run=True)
    assert report.count("would_send") > 0
    assert store.attempts() == ()
    assert store.events() == ()
    assert not (tmp_path / "sent.log").exists()


def test_a_bounce_is_recorded_and_the_next_plan_switches_channel(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    bouncing = LoggingChannel(tmp_path / "sent.log", bounce=frozenset({"ap@brightline.example"}))
    run = Runner(store=store, channels={"email": bouncing}, clock=lambda: CLOCK)
    report = run.run(case, now=AFTERNOON)
    bounced = [o for o in report.outcomes if o.status == "bounced"]
    assert [o.client for o in bounced] == ["brightline"]
    event = next(e for e in store.events() if e.key == bounced[0].key)
    assert event.outcome == "bounced"
    assert {a.key for a in store.attempts({"failed"})} == {bounced[0].key}
    after = plan(case_with_history(case, store.events()), now=NEXT_DAY)
    retry = [a for a in after.actions if a.client == "brightline" and a.kind != "review"]
    assert retry
    assert all(a.channel != "email" for a in retry)
    assert any("verify the client's contact details" in a.reason for a in retry)


class Flaky:
    """Fails transiently `failures` times, then delivers."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def send(self, message: Message, /) -> Receipt:
        self.calls += 1
        if self.calls <= self.failures:
            return Receipt(status="failed", error="451 try later", transient=True)
        return Receipt(status="delivered")


def test_transient_failures_are_retried_with_backoff(case: Case, store: SqliteStore) -> None:
    waits: list[float] = []
    flaky = Flaky(failures=2)
    run = Runner(
        store=store,
        channels={"email": flaky},
        retries=3,
        backoff=2.0,
        sleep=waits.append,
        clock=lambda: CLOCK,
    )
    report = run.run(case, now=AFTERNOON)
    assert waits[:2] == [2.0, 4.0]
    assert report.count("sent") == len(due_messages(case, AFTERNOON, ("email",)))
    tried = store.attempts({"done"})[0]
    assert tried.tries == 3


def test_after_the_last_retry_the_key_is_given_back_for_a_later_run(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    down = Flaky(failures=10**6)
    run = Runner(store=store, channels={"email": down}, retries=2, sleep=lambda _: None)
    report = run.run(case, now=AFTERNOON)
    assert report.count("retry_later") > 0
    assert store.attempts({"claimed", "sending", "done"}) == ()
    later = runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON)
    assert later.count("sent") == report.count("retry_later")


class Raising:
    def send(self, message: Message, /) -> Receipt:
        raise RuntimeError("gateway exploded mid-request")


def test_a_channel_that_raises_leaves_the_attempt_uncertain_and_it_is_never_resent(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    report = Runner(store=store, channels={"email": Raising()}).run(case, now=AFTERNOON)
    uncertain = {o.key for o in report.outcomes if o.status == "uncertain"}
    assert uncertain
    assert {a.key for a in store.attempts({"uncertain"})} == uncertain
    runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON)
    assert not set(sent_keys(tmp_path / "sent.log")) & uncertain


def _interrupted(store: SqliteStore, case: Case, *, sending: bool, by: str = "elsewhere:1") -> str:
    """Leave the first due e-mail claimed (or being sent), as a runner killed there would."""
    action = next(
        a for a in plan(case, now=AFTERNOON).actions if a.key in due_messages(case, AFTERNOON)
    )
    message = Renderer().render(case, action)
    at = CLOCK - timedelta(hours=1)
    store.claim(
        action.key,
        client=action.client,
        kind=action.kind,
        channel=action.channel,
        message_id=message.header("Message-ID"),
        planned_at=action.at,
        runner=by,
        at=at,
    )
    if sending:
        store.prepare(action.key, message=message, event=_event(action, message, AFTERNOON), at=at)
    return action.key


def test_a_claim_left_by_a_dead_runner_is_given_back_and_sent(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    key = _interrupted(store, case, sending=False)
    report = runner(store, tmp_path / "sent.log", stale_after=timedelta(minutes=15)).run(
        case, now=AFTERNOON
    )
    assert any(o.key == key and o.status == "retry_later" for o in report.outcomes)
    assert sent_keys(tmp_path / "sent.log").count(key) == 1


def test_a_fresh_claim_of_another_host_is_left_alone_and_reported_as_stalled(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    """This host cannot tell whether another host's runner died: wait, but say so (exit 1)."""
    key = _interrupted(store, case, sending=False)
    report = runner(store, tmp_path / "sent.log", stale_after=timedelta(hours=2)).run(
        case, now=AFTERNOON
    )
    [held] = [o for o in report.outcomes if o.key == key]
    assert held.status == "stalled"
    assert held.detail.startswith("held by runner elsewhere:1 since 2026-03-10T14:00:00")
    assert "this host cannot see at work" in held.detail
    assert "a run after 2026-03-10T16:00+00:00 settles it" in held.detail
    assert key not in sent_keys(tmp_path / "sent.log")


def _finished_process() -> int:
    """The id of a process of this host that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_fresh_claim_of_a_process_gone_from_this_host_is_settled_at_once(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    """A runner killed a minute ago need not hold its keys for stale_after: its pid is gone."""
    dead = f"{socket.gethostname()}:{_finished_process()}"
    key = _interrupted(store, case, sending=False, by=dead)
    report = runner(store, tmp_path / "sent.log", stale_after=timedelta(hours=2)).run(
        case, now=AFTERNOON
    )
    assert [o.status for o in report.outcomes if o.key == key] == ["retry_later", "sent"]
    assert sent_keys(tmp_path / "sent.log").count(key) == 1


def _held_by_a_live_process(
    store: SqliteStore | MemoryStore, case: Case, log: Path, *, stale_after: timedelta
) -> tuple[str, list[str], str]:
    """A key a running process of this host holds, and what a run does with it."""
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as alive:
        try:
            key = _interrupted(store, case, sending=True, by=f"{socket.gethostname()}:{alive.pid}")
            report = runner(store, log, stale_after=stale_after).run(case, now=AFTERNOON)
        finally:
            alive.kill()
    outcomes = [o for o in report.outcomes if o.key == key]
    return key, [o.status for o in outcomes], outcomes[-1].detail


def test_a_fresh_claim_of_a_live_process_of_this_host_is_held(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    log = tmp_path / "sent.log"
    key, statuses, detail = _held_by_a_live_process(
        store, case, log, stale_after=timedelta(hours=2)
    )
    assert statuses == ["held"]
    assert detail.startswith("being sent by runner ")
    assert key not in sent_keys(log)


def test_a_live_process_of_this_host_holding_a_key_too_long_is_reported_not_settled(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    """It is at work, or hangs: either way the key is its own; a person is told (exit 1)."""
    log = tmp_path / "sent.log"
    key, statuses, detail = _held_by_a_live_process(
        store, case, log, stale_after=timedelta(minutes=15)
    )
    assert statuses == ["stalled"]
    assert "still running after 15 minutes" in detail
    assert key not in sent_keys(log)
    assert [a.key for a in store.attempts({"sending"})] == [key]  # not taken from it


def test_a_send_interrupted_on_a_checkable_channel_is_settled_from_its_record(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    key = _interrupted(store, case, sending=True)
    outbox = FileOutbox(tmp_path / "outbox")
    attempt = store.attempts({"sending"})[0]
    assert attempt.message is not None
    outbox.send(attempt.message)  # it went out just before the crash
    run = Runner(store=store, channels={"email": outbox}, clock=lambda: CLOCK)
    report = run.run(case, now=AFTERNOON)
    assert any(o.key == key and o.status == "sent" for o in report.outcomes[:1])
    assert next(e for e in store.events() if e.key == key).outcome == "delivered"
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == report.count("sent")


def test_a_send_interrupted_on_a_checkable_channel_that_never_got_it_is_sent_again(
    case: Case, store: SqliteStore, tmp_path: Path
) -> None:
    key = _interrupted(store, case, sending=True)
    outbox = FileOutbox(tmp_path / "outbox")
    report = Runner(store=store, channels={"email": outbox}, clock=lambda: CLOCK).run(
        case, now=AFTERNOON
    )
    assert [o.status for o in report.outcomes if o.key == key] == ["retry_later", "sent"]


def test_a_send_interrupted_on_smtp_is_uncertain(case: Case, store: SqliteStore) -> None:
    key = _interrupted(store, case, sending=True)
    smtp = SmtpChannel("127.0.0.1", 9, security="none", timeout=0.5)  # never reached
    waits: list[float] = []
    report = Runner(
        store=store, channels={"email": smtp}, clock=lambda: CLOCK, sleep=waits.append
    ).run(case, now=AFTERNOON, dry_run=False)
    assert report.outcomes[0].key == key
    assert report.outcomes[0].status == "uncertain"
    assert [a.key for a in store.attempts({"uncertain"})] == [key]


def test_two_runners_on_one_database_never_send_a_key_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(REPO))  # spawned children import tests.delivery_helpers
    db, log = str(tmp_path / "history.sqlite"), str(tmp_path / "sent.log")
    SqliteStore(db).close()
    context = multiprocessing.get_context("spawn")
    runners = [
        context.Process(target=logging_run, args=(db, log, AFTERNOON.isoformat())) for _ in range(4)
    ]
    for process in runners:
        process.start()
    for process in runners:
        process.join(timeout=120)
        assert process.exitcode == 0
    keys = sent_keys(Path(log))
    assert len(keys) == len(set(keys))
    assert set(keys) == due_messages(load_case(EXAMPLE), AFTERNOON)


def test_a_dry_run_reads_the_stores_history(case: Case, store: SqliteStore, tmp_path: Path) -> None:
    runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON)
    dry = runner(store, tmp_path / "sent.log").run(case, now=AFTERNOON, dry_run=True)
    # What was sent is recorded: only the open tasks (not yet done by a person) come again.
    would = {o.key for o in dry.outcomes if o.status == "would_send"}
    assert would == {a.key for a in store.attempts({"task"})}


def test_a_runner_is_gone_only_when_this_host_says_so() -> None:
    here = socket.gethostname()
    assert not runner_is_gone("another-host:1")  # cannot be asked
    assert not runner_is_gone("a name the host chose")
    assert not runner_is_gone(f"{here}:0")
    assert not runner_is_gone(f"{here}:{os.getpid()}")  # this very runner
    assert not runner_is_gone(f"{here}:1")  # init: always there


def test_a_process_number_beyond_any_is_gone() -> None:
    assert runner_is_gone(f"{socket.gethostname()}:{2**80}")
    assert runner_is_gone(f"{socket.gethostname()}:{_finished_process()}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc: starts unknown")
def test_a_process_number_given_to_a_later_process_is_gone() -> None:
    """A runner's name says when it started: a reused process id is not taken for it."""
    here = socket.gethostname()
    assert runner_id().startswith(f"{here}:{os.getpid()}@")
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as alive:
        try:
            started = (Path("/proc") / str(alive.pid) / "stat").read_text().rpartition(")")[2]
            start = started.split()[19]
            assert runner_state(f"{here}:{alive.pid}@{start}") == "alive"
            assert runner_state(f"{here}:{alive.pid}") == "alive"
            assert runner_state(f"{here}:{alive.pid}@{int(start) + 1}") == "gone"
        finally:
            alive.kill()
    assert runner_state(f"another-host:{alive.pid}@1") == "unknown"
