"""A scripted day with the installed command line, in real time (issue 14).

init → import → run (sends) → a reply recorded by hand pauses the next step → a payment
recorded while ``run --for`` waits for its next send (that send does not happen) → a mistyped
``--db`` is refused → a second identical run sends nothing and repeats no review.

The case is built around the moment the test starts: an inline policy without quiet hours or
business days, whose second step comes one hour after the first, so that a step falls due a
few seconds into the run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PAYCHASE = str(Path(sys.executable).with_name("paychase"))
WAIT = 24  # seconds from the start until Yara's second step falls due (room for a slow CI)


def _paychase(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PAYCHASE, *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )


def _client(client_id: str) -> dict[str, Any]:
    return {
        "id": client_id,
        "name": client_id.title(),
        "country": "GB",
        "timezone": "UTC",
        "contacts": {"email": f"{client_id}@example.com"},
    }


def _case(start: datetime) -> dict[str, Any]:
    yesterday = (start - timedelta(days=1)).date().isoformat()
    earlier = (start - timedelta(days=10)).date().isoformat()

    def contract(client: str) -> dict[str, Any]:
        return {"id": f"k-{client}", "client": client, "currency": "GBP"}

    def invoice(client: str) -> dict[str, Any]:
        return {
            "id": f"inv-{client}",
            "contract": f"k-{client}",
            "issued": earlier,
            "due": yesterday,
            "total": "500.00",
            "currency": "GBP",
        }

    first_sent = {  # Yara's first step went out an hour ago, less the wait
        "at": (start - timedelta(hours=1) + timedelta(seconds=WAIT)).isoformat(),
        "client": "yara",
        "invoices": ["inv-yara"],
        "direction": "out",
        "kind": "reminder",
        "step": "first",
        "channel": "email",
        "outcome": "delivered",
    }
    dispute = {
        "at": (start - timedelta(hours=2)).isoformat(),
        "client": "zeno",
        "invoices": ["inv-zeno"],
        "direction": "in",
        "kind": "dispute",
        "dispute": {"reason": "never delivered"},
    }
    return {
        "version": 1,
        "policy": {
            "name": "hourly",
            "min_gap": "0d",
            "send_at": "00:00",
            "call_at": "00:00",
            "business_days_only": False,
            "reply_pause": "5d",
            "steps": [
                {"id": "first", "from": "due", "offset": "+1d", "action": "send_reminder"},
                {"id": "second", "from": "previous", "offset": "+1h", "action": "send_reminder"},
            ],
        },
        "sender": {"name": "Studio", "email": "studio@example.com"},
        "clients": [_client("xena"), _client("yara"), _client("zeno")],
        "contracts": [contract("xena"), contract("yara"), contract("zeno")],
        "invoices": [invoice("xena"), invoice("yara"), invoice("zeno")],
        "history": [first_sent, dispute],
    }


def _reviews_in(output: str) -> list[str]:
    return [line.split()[1] for line in output.splitlines() if line.startswith("review ")]


def _sent(outbox: Path) -> list[str]:
    return sorted(
        json.loads(path.read_text(encoding="utf-8"))["key"] for path in outbox.glob("*.json")
    )


def test_a_day_of_paychase_from_cron(tmp_path: Path) -> None:
    start = datetime.now(UTC).replace(microsecond=0)
    case_file = tmp_path / "books.json"
    case_file.write_text(json.dumps(_case(start), indent=2), encoding="utf-8")
    outbox = tmp_path / "outbox"
    channel = f"email=outbox:{outbox}"

    made = _paychase("init", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "paychase.db").is_file()
    assert (tmp_path / "paychase.toml").is_file()  # later commands here find the workspace
    imported = _paychase("import", "books.json", "--verbose", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "invoice inv-xena" in imported.stdout

    first = _paychase("run", "--channel", channel, cwd=tmp_path)
    assert first.returncode == 1, first.stderr  # Zeno's dispute waits for a person
    assert _sent(outbox) == ["k-xena/inv-xena/first/1"]
    assert _reviews_in(first.stdout) == ["k-zeno/inv-zeno/review:dispute/1"]

    # Xena writes back: her next step waits for the reply pause.
    before = json.loads(_paychase("plan", "--format", "json", cwd=tmp_path).stdout)
    nxt = next(a for a in before["actions"] if a["client"] == "xena")
    replied = _paychase(
        "record", "reply", "--client", "xena", "--note", "paying on Friday", cwd=tmp_path
    )
    assert replied.returncode == 0, replied.stderr
    after = json.loads(_paychase("plan", "--format", "json", cwd=tmp_path).stdout)
    held = next(a for a in after["actions"] if a["client"] == "xena")
    # reply_pause 5d counts whole days: from the start of the fifth day after the reply
    assert datetime.fromisoformat(held["at"]).date() >= (start + timedelta(days=5)).date()
    assert datetime.fromisoformat(held["at"]) > datetime.fromisoformat(nxt["at"])
    assert "reply" in held["reason"]

    # Yara's second step falls due WAIT seconds after the start; run waits for it, but she
    # pays in full before it comes.
    waiting = subprocess.Popen(
        [PAYCHASE, "run", "--channel", channel, "--for", "1h"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert waiting.stdout is not None
    first_round = waiting.stdout.readline()  # it has planned once and now sleeps
    paid = _paychase("pay", "inv-yara", "500.00", "--ref", "BACS 4471", cwd=tmp_path)
    assert paid.returncode == 0, paid.stderr
    assert "paid in full" in paid.stdout
    rest, err = waiting.communicate(timeout=120)
    out = first_round + rest
    assert datetime.now(UTC) >= start + timedelta(seconds=WAIT), "run --for left too early"
    assert waiting.returncode == 1, err  # the dispute is still open
    assert "k-yara/inv-yara/second/1" not in _sent(outbox), out
    assert _sent(outbox) == ["k-xena/inv-xena/first/1"]
    assert _reviews_in(out) == []  # reported once, at the first run
    assert out.count("run at ") == 2  # it woke when the step was due, and sent nothing

    # A typo in the workspace's name sends nothing and creates nothing.
    typo = _paychase("run", "--db", "paychase.dbb", "--channel", channel, cwd=tmp_path)
    assert typo.returncode == 2
    assert len(typo.stderr.splitlines()) == 1
    assert "paychase.dbb" in typo.stderr
    assert "paychase init" in typo.stderr
    assert not (tmp_path / "paychase.dbb").exists()

    # The same run again: nothing sent twice, no review repeated.
    again = _paychase("run", "--channel", channel, cwd=tmp_path)
    assert again.returncode == 1
    assert _reviews_in(again.stdout) == []
    assert _sent(outbox) == ["k-xena/inv-xena/first/1"]
    quiet = _paychase("run", "--quiet", "--channel", channel, cwd=tmp_path)
    assert quiet.stdout == ""

    reviews = _paychase("reviews", cwd=tmp_path)
    assert reviews.returncode == 1
    assert "inv-zeno" in reviews.stdout
    key = next(line.split()[0] for line in reviews.stdout.splitlines() if "inv-zeno" in line)
    done = _paychase("reviews", "done", key, "--note", "credit note agreed", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _paychase("reviews", cwd=tmp_path).returncode == 0
