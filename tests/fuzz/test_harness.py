"""The fuzz harness itself: it passes what ends in a PaychaseError and reports anything else."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.fuzz import harness

PORTFOLIO = (Path(__file__).resolve().parents[2] / "examples" / "portfolio.json").read_bytes()


def test_a_valid_case_and_a_refused_one_both_survive(tmp_path: Path) -> None:
    assert harness.survive(PORTFOLIO, cli=tmp_path) is None
    assert harness.survive(b'{"version": 2}', cli=tmp_path) is None


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
