"""Recording by hand is safe: every bad input to every recording command is one line, exit 2.

And nothing is written when it is refused. The workspace holds the example portfolio; its
clients, invoices and policy are the ones the good and bad values are measured against.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paychase.cli._main import main
from paychase.store import Workspace

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "portfolio.json"
NOW = "2026-03-10T12:00:00+01:00"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the example imported, copied for each test (import is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "books.paychase"
    assert main(["init", str(path)]) == 0
    assert main(["import", str(EXAMPLE), "--db", str(path)]) == 0
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "books.paychase"
    copy.write_bytes(template.read_bytes())
    return str(copy)


PAY = ["pay", "pl-2026-014"]
REPLY = ["record", "reply", "--client", "nowak", "--at", NOW]


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        # pay / credit-note
        (["pay", "pl-2026-999", "10.00"], "INVOICE"),
        ([*PAY, "-10.00"], None),  # read as an option: a usage error
        ([*PAY, "ten"], "AMOUNT"),
        ([*PAY, "10.001"], "AMOUNT"),
        ([*PAY, "1e999999"], "AMOUNT"),
        ([*PAY, "10.00", "--currency", "EUR"], "--currency"),
        ([*PAY, "10.00", "--date", "2026-13-01"], "--date"),
        ([*PAY, "10.00", "--date", "2099-01-01"], "--date"),
        ([*PAY, "10.00", "--date", "2020-01-01"], "--date"),
        ([*PAY, "10.00", "--ref", "line\nbreak"], "--ref"),
        ([*PAY, "10.00", "--at", "2026-03-10T12:00"], "--at"),
        (["record", "credit-note", "pl-2026-014", "999999.00"], "AMOUNT"),
        (["record", "credit-note", "nope", "1.00"], "INVOICE"),
        # contacts
        (["record", "reply", "--client", "nowk"], "--client"),
        (["record", "reply", "--client", "nowak", "--invoice", "de-2026-007"], "--invoice[0]"),
        (["record", "reply", "--client", "nowak", "--invoice", "zz"], "--invoice[0]"),
        (["record", "reply", "--client", "nowak", "--at", "yesterday"], "--at"),
        (["record", "reply", "--client", "nowak", "--at", "2026-03-10"], "--at"),
        (["record", "reply", "--client", "nowak", "--at", "2099-03-10T10:00:00Z"], "--at"),
        (["record", "reply", "--client", "nowak", "--channel", "pigeon"], "--channel"),
        ([*REPLY[:4], "promise", "--date", "2026-03-20"], None),  # usage: an extra argument
        (["record", "promise", "--client", "nowak", "--date", "soon"], "--date"),
        (
            ["record", "promise", "--client", "nowak", "--date", "2026-03-20", "--amount", "-5"],
            "--amount",
        ),
        (["record", "dispute", "--client", "nowak", "--reason", ""], None),
        (["record", "dispute", "--client", "nowak", "--reason", "x", "--amount", "0"], "--amount"),
        (["record", "resolution", "--client", "nowak", "--how", "forgotten"], None),
        (["record", "call", "--client", "nowak", "--outcome", "maybe"], None),
        (["record", "call", "--key", "no/such/key/1", "--outcome", "answered"], "--key"),
        # corrections
        (["history", "void", "X9", "--why", "typo"], "ID"),
        (["history", "void", "E99999", "--why", "typo"], "ID"),
        (["history", "void", "E1", "--why", " "], "--why"),
        (["history", "add", "--client", "nowak", "--kind", "gossip"], "kind"),
        (["reviews", "done", "no/such/review/1", "--note", "x"], "key"),
        (["reviews", "done", "no/such/review/1", "--note", ""], "note"),
    ],
)
def test_a_bad_value_is_one_line_exit_2_and_nothing_is_written(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str], field: str | None
) -> None:
    with Workspace(db) as before:
        journal, case = before.journal(), before.export_text()
    status = main([*argv, "--db", db])
    out, err = capsys.readouterr()
    assert status == 2, out
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith("paychase: error: ")
    if field is not None:
        assert err.startswith(f"paychase: error: {field}"), err
    assert "Traceback" not in err
    with Workspace(db) as after:
        assert after.journal() == journal
        assert after.export_text() == case


def test_a_mistyped_step_in_history_add_is_refused(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["history", "add", "--db", db, "--client", "nowak", "--kind", "reminder"]
    argv += ["--direction", "out", "--invoices", "pl-2026-014", "--at", NOW]
    # history add has no --step: a task's key fills it in; an unknown key is refused
    assert main([*argv, "--key", "nowak-2025/pl-2026-014/polit/1"]) == 2
    assert "--key" in capsys.readouterr().err


def test_good_values_are_recorded_and_listed(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["pay", "pl-2026-014", "100.00", "--date", "2026-03-09", "--ref", "T1", "--db", db])
        == 0
    )
    assert "recorded P1: payment of 100.00 on 2026-03-09 ref T1" in capsys.readouterr().out
    assert main([*REPLY, "--note", "will pay Friday", "--db", db]) == 0
    assert (
        main(
            [
                "record",
                "promise",
                "--client",
                "nowak",
                "--date",
                "2026-03-20",
                "--at",
                NOW,
                "--db",
                db,
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "record",
                "dispute",
                "--client",
                "nowak",
                "--invoice",
                "pl-2026-014",
                "--reason",
                "wrong rate",
                "--amount",
                "50.00",
                "--at",
                NOW,
                "--db",
                db,
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "record",
                "resolution",
                "--client",
                "nowak",
                "--invoice",
                "pl-2026-014",
                "--how",
                "rejected",
                "--at",
                NOW,
                "--db",
                db,
            ]
        )
        == 0
    )
    assert (
        main(["record", "credit-note", "pl-2026-014", "10.00", "--date", "2026-03-09", "--db", db])
        == 0
    )
    capsys.readouterr()
    assert main(["history", "void", "P1", "--why", "it was the other invoice", "--db", db]) == 0
    assert main(["history", "list", "--client", "nowak", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "VOID (it was the other invoice): payment of 100.00" in listed
    assert "will pay Friday" in listed
    assert main(["history", "list", "--format", "json", "--db", db]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert {e["kind"] for e in entries} >= {"payment", "credit_note", "reply", "promise", "dispute"}
