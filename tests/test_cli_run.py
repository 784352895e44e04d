"""``paychase run``, ``history`` and ``tasks`` against a real SMTP server and SQLite file."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from tests.delivery_helpers import Collector

from paychase import load_case, plan
from paychase.cli._main import main
from paychase.cli._run import channel_from_spec
from paychase.delivery._outbox import FileOutbox
from paychase.errors import PluginError
from paychase.store._guarded import file_fault
from paychase.store._sqlite import SqliteStore

EXAMPLE = "examples/portfolio.json"
AFTERNOON = "2026-03-10T16:00:00+01:00"
CALL = "nowak-2025/pl-2026-014/check_call/1"


def init(db: Path | str) -> Path:
    """A new workspace at `db`, made as a user makes one."""
    assert main(["init", str(db)]) == 0
    return Path(db)


def run(db: Path, port: int, *extra: str) -> list[str]:
    if not db.exists():
        init(db)
    spec = f"email=smtp://127.0.0.1:{port}?security=none"
    args = ["run", "--db", str(db), "--case", EXAMPLE, "--now", AFTERNOON, "--channel", spec]
    return [*args, *extra]


def sent_in(output: str) -> list[str]:
    return [line.split()[1] for line in output.splitlines() if line.startswith("sent ")]


def test_run_delivers_each_due_email_once_and_a_second_run_sends_nothing(
    smtp_server: tuple[Collector, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collector, port = smtp_server
    db = tmp_path / "history.sqlite"
    moment = datetime.fromisoformat(AFTERNOON)
    due = {
        a.key
        for a in plan(load_case(EXAMPLE), now=moment).actions
        if a.at <= moment
        and a.channel == "email"
        and a.kind in ("send_reminder", "request_milestone")
    }
    assert due
    # Exit 1: the example's plan has reviews, open until a person closes them.
    assert main(run(db, port)) == 1
    first = capsys.readouterr().out
    assert sorted(sent_in(first)) == sorted(collector.keys) == sorted(due)
    assert "review" in first
    assert main(run(db, port)) == 1
    again = capsys.readouterr().out
    assert sent_in(again) == []
    assert not any(line.startswith("review ") for line in again.splitlines())
    assert sorted(collector.keys) == sorted(due)
    with SqliteStore(db) as store:
        recorded = {e.key for e in store.events() if e.outcome == "delivered" and e.at == moment}
    assert recorded == due


def test_dry_run_sends_and_records_nothing(
    smtp_server: tuple[Collector, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collector, port = smtp_server
    assert main(run(tmp_path / "h.sqlite", port, "--dry-run")) == 0
    assert "would_send" in capsys.readouterr().out
    assert collector.keys == []
    with SqliteStore(tmp_path / "h.sqlite") as store:
        assert store.attempts() == ()


def test_history_add_closes_a_call_task_and_list_shows_it(
    smtp_server: tuple[Collector, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, port = smtp_server
    db = tmp_path / "h.sqlite"
    main(run(db, port))
    capsys.readouterr()
    add = ["history", "add", "--db", str(db), "--case", EXAMPLE, "--key", CALL]
    add += ["--outcome", "answered"]
    assert main([*add, "--at", "2026-03-10T16:30:00+01:00", "--note", "paying Friday"]) == 0
    assert capsys.readouterr().out.startswith("recorded E")
    with SqliteStore(db) as store:
        assert CALL in {a.key for a in store.attempts({"done"})}
        event = next(e for e in store.events() if e.key == CALL)
    assert (event.kind, event.step, event.outcome, event.note) == (
        "call",
        "check_call",
        "answered",
        "paying Friday",
    )
    assert main(["history", "list", "--db", str(db), "--client", "nowak"]) == 0
    assert CALL in capsys.readouterr().out
    assert main(["history", "list", "--db", str(db), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {"id", "at", "client", "kind", "summary", "void"} <= set(listed[0])


def test_history_add_records_a_promise(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(init(tmp_path / "h.sqlite"))
    assert main(["import", EXAMPLE, "--db", db]) == 0
    args = ["history", "add", "--db", db, "--client", "nowak", "--kind", "promise"]
    assert main([*args, "--promise-date", "2026-03-20", "--amount", "1000.00"]) == 0
    with SqliteStore(db) as store:
        (event,) = [
            e
            for e in store.events()
            if e.kind == "promise"
            and e.at.year == 2026
            and e.note is None
            and e.promise
            and str(e.promise.amount) == "1000.00"
        ]
    assert event.direction == "in"
    assert event.promise is not None
    assert str(event.promise.amount) == "1000.00"


def test_history_add_with_an_unknown_key_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["history", "add", "--db", str(init(tmp_path / "h.sqlite")), "--key", "k/none/x/1"]
    assert main(args) == 2
    assert "--key: no task or attempt has this key" in capsys.readouterr().err


def test_tasks_lists_open_tasks_and_writes_calls_at_the_clients_local_time(
    smtp_server: tuple[Collector, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, port = smtp_server
    db, ics = tmp_path / "h.sqlite", tmp_path / "calls.ics"
    main(run(db, port))
    capsys.readouterr()
    pages = tmp_path / "print"
    args = ["tasks", "--db", str(db), "--case", EXAMPLE, "--ics", str(ics), "--out", str(pages)]
    assert main(args) == 0
    assert CALL in capsys.readouterr().out
    printed = [p.read_text(encoding="utf-8") for p in pages.glob("*.html")]
    assert any("co powiedzieć" in page.lower() for page in printed)
    assert all(page.startswith("<!DOCTYPE html>") for page in printed)
    calendar = Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    call = next(e for e in events if "Pracownia Nowak" in str(e["SUMMARY"]))
    start = call.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Warsaw"
    assert (start.hour, start.minute) == (16, 0)  # caught up at the run's moment
    assert "CO POWIEDZIEĆ" in str(call["DESCRIPTION"])
    assert str(call["LOCATION"]) == "+48 22 555 01 23"
    assert list(calendar.walk("VTIMEZONE"))


@pytest.mark.parametrize(
    ("spec", "kind"),
    [("email=console", "ConsoleChannel"), ("sms=outbox:{tmp}", "FileOutbox")],
)
def test_channel_specs(spec: str, kind: str, tmp_path: Path) -> None:
    name, channel = channel_from_spec(spec.format(tmp=tmp_path))
    assert name == spec.partition("=")[0]
    assert type(channel).__name__ == kind
    if isinstance(channel, FileOutbox):
        assert channel.directory == tmp_path


@pytest.mark.parametrize("spec", ["phone=console", "email", "email=ftp://x", "email=carrier"])
def test_bad_channel_specs_are_refused(spec: str) -> None:
    with pytest.raises(PluginError):
        channel_from_spec(spec)


def test_for_needs_real_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["run", "--db", str(tmp_path / "h"), "--case", EXAMPLE, "--now", AFTERNOON]
    assert main([*args, "--for", "2h"]) == 2
    assert "--for runs in real time" in capsys.readouterr().err


def test_evidence_from_the_store_shows_the_messages_as_sent(
    smtp_server: tuple[Collector, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, port = smtp_server
    db = tmp_path / "h.sqlite"
    main(run(db, port))
    out = tmp_path / "evidence"
    args = ["evidence", EXAMPLE, "--client", "papadopoulou", "--db", str(db), "--out", str(out)]
    assert main([*args, "--now", "2026-03-10T17:00:00+01:00"]) == 0
    capsys.readouterr()
    pack = json.loads((out / "evidence-papadopoulou.json").read_text(encoding="utf-8"))
    with SqliteStore(db) as store:
        stored = {a.key: a.message for a in store.attempts({"done"}) if a.client == "papadopoulou"}
    assert stored
    kept = [
        e
        for e in pack["timeline"]
        if "the message as sent, kept by the history store" in e["notes"]
    ]
    assert {e["message"]["key"] for e in kept} == set(stored)
    for entry in kept:
        assert entry["message"]["text"] == stored[entry["message"]["key"]].text


# -- what needs a person is reported by every run, with exit status 1 ---------------------


def _reminders_only(tmp_path: Path) -> tuple[Path, list[str]]:
    """A case whose plan at AFTERNOON is e-mail reminders only (no review keeps exit 1)."""
    from tests.test_crash_injection import portfolio  # noqa: PLC0415

    path = tmp_path / "case.json"
    path.write_text(json.dumps(portfolio()), encoding="utf-8")
    due = sorted(
        a.key for a in plan(load_case(path), now=datetime.fromisoformat(AFTERNOON)).actions
    )
    return path, due


def _outbox_run(db: Path, case: Path, outbox: Path, *extra: str) -> list[str]:
    return [
        "run",
        "--db",
        str(db),
        "--case",
        str(case),
        "--now",
        AFTERNOON,
        "--channel",
        f"email=outbox:{outbox}",
        *extra,
    ]


def _claim(db: Path, case: Path, key: str, *, runner: str, uncertain: bool = False) -> None:
    """Leave `key` claimed by `runner` now (being sent, or in doubt), as a run would."""
    from paychase.delivery._runner import _event  # noqa: PLC0415
    from paychase.messages import Renderer  # noqa: PLC0415

    loaded = load_case(case)
    action = next(
        a for a in plan(loaded, now=datetime.fromisoformat(AFTERNOON)).actions if a.key == key
    )
    message = Renderer().render(loaded, action)
    now = datetime.now(UTC)
    with SqliteStore(db) as store:
        store.claim(
            key,
            client=action.client,
            kind=action.kind,
            channel=action.channel,
            message_id=message.header("Message-ID"),
            planned_at=action.at,
            runner=runner,
            at=now,
        )
        store.prepare(key, message=message, event=_event(action, message, now), at=now)
        if uncertain:
            store.mark_uncertain(key, at=now, why="the server's answer was lost")


def test_an_uncertain_send_is_reported_by_every_run_until_a_person_settles_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case, due = _reminders_only(tmp_path)
    db, outbox = init(tmp_path / "h.sqlite"), tmp_path / "outbox"
    _claim(db, case, due[0], runner="elsewhere:1", uncertain=True)
    capsys.readouterr()
    for _ in range(2):  # the run after the doubt, and one more: neither sends it, both say so
        assert main(_outbox_run(db, case, outbox, "--quiet")) == 1
        said = " ".join(capsys.readouterr().out.split())  # one outcome, wrapped at 100 columns
        assert said.startswith(f"uncertain {due[0]} [email] still uncertain since ")
        assert said.endswith(f"paychase settle {due[0]} --arrived or --send-again")
    assert len(list(outbox.glob("*.eml"))) == len(due) - 1
    assert main(["settle", due[0], "--arrived", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(_outbox_run(db, case, outbox, "--quiet")) == 0
    assert capsys.readouterr().out == ""
    assert len(list(outbox.glob("*.eml"))) == len(due) - 1


def test_a_key_another_hosts_runner_holds_is_reported_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It may have died: the key waits for stale_after, but a person hears of it at once."""
    case, due = _reminders_only(tmp_path)
    db, outbox = init(tmp_path / "h.sqlite"), tmp_path / "outbox"
    _claim(db, case, due[0], runner="another-host:4242")
    capsys.readouterr()
    assert main(_outbox_run(db, case, outbox, "--quiet")) == 1
    said = " ".join(capsys.readouterr().out.split())
    assert said.startswith(f"stalled {due[0]} [email] held by runner another-host:4242 since ")
    assert said.count(due[0]) == 1
    assert len(list(outbox.glob("*.eml"))) == len(due) - 1


def test_a_store_failing_mid_run_prints_what_was_done_and_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case, due = _reminders_only(tmp_path)
    db, outbox = init(tmp_path / "h.sqlite"), tmp_path / "outbox"
    complete = SqliteStore.complete
    calls = 0

    def filling_up(self: SqliteStore, key: str, /, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # the disk fills up recording the third send
            raise file_fault(sqlite3.OperationalError("database or disk is full"), self.path)
        complete(self, key, **kwargs)

    monkeypatch.setattr(SqliteStore, "complete", filling_up)
    capsys.readouterr()
    assert main(_outbox_run(db, case, outbox)) == 2
    printed = capsys.readouterr()
    assert len(sent_in(printed.out)) == 2  # what went out before the stop is shown
    [line] = printed.err.splitlines()
    assert line.startswith("paychase: error: db: ")
    assert f"the run stopped after 2 of {len(due)} due actions" in line
    monkeypatch.undo()
    with SqliteStore(db) as store:
        assert len(store.attempts({"done"})) == 2
        assert len(store.attempts({"sending"})) == 1  # handed to the outbox, not recorded
