"""The fuzz harness itself: it passes what ends in a PaychaseError and reports anything else."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.fuzz import harness

PORTFOLIO = (Path(__file__).resolve().parents[2] / "examples" / "portfolio.json").read_bytes()


@pytest.mark.parametrize("command", harness.COMMANDS)
def test_a_valid_case_and_a_refused_one_both_survive_every_command(
    tmp_path: Path, command: str
) -> None:
    assert harness.survive(PORTFOLIO, cli=tmp_path, command=command) is None
    assert harness.survive(b'{"version": 2}', cli=tmp_path, command=command) is None


def test_the_commands_run_in_turn_over_the_inputs_that_reach_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def noting(text: bytes, *, cli: Path | None = None, command: str = "plan") -> None:
        if cli is not None:
            seen.append(command)

    monkeypatch.setattr(harness, "BUDGET", harness.CLI_EVERY * len(harness.COMMANDS))
    monkeypatch.setattr(harness, "survive", noting)
    assert list(harness.run("x", lambda _: ("", b"{}"), tmp_path)) == []
    assert seen == list(harness.COMMANDS)


def test_a_command_that_writes_to_standard_error_after_a_success_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def chatty(_: list[str]) -> int:
        print("Traceback (most recent call last):", file=sys.stderr)
        return 0

    monkeypatch.setattr(harness, "main", chatty)
    failure = harness.survive(PORTFOLIO, cli=tmp_path, command="run")
    assert failure is not None
    assert failure.stage == "paychase run"


def test_an_exception_other_than_a_paychase_error_is_reported_with_its_stage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("planted")

    monkeypatch.setattr(harness, "plan", broken)
    failure = harness.survive(PORTFOLIO)
    assert failure is not None
    assert failure.stage.startswith("plan at")
    assert failure.error == "ZeroDivisionError: planted"


def test_a_second_line_of_error_output_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def two_lines(_: list[str]) -> int:
        print("paychase: error: one\npaychase: also: two", file=sys.stderr)
        return 2

    monkeypatch.setattr(harness, "main", two_lines)
    failure = harness.survive(b"{}", cli=tmp_path)
    assert failure is not None
    assert failure.stage == "paychase plan"
