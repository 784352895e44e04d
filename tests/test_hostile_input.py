"""Hostile input is refused with one `PaychaseError` naming the field, never a traceback.

The files in tests/hostile/ are the reproducers of the reliability review of December 2026
(issue 19): each once ended in a traceback, an error blaming the wrong field, or a message that
let a header through. Each must now be refused when the case is read, by the library and by the
command line alike: exit status 2 and exactly one line on standard error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from paychase import _files, load_case
from paychase.cli._main import main
from paychase.errors import PaychaseError
from paychase.simulation import load_script

HOSTILE = Path(__file__).resolve().parent / "hostile"

# Reproducer → the field the error names and a phrase of its problem.
REFUSED = [
    ("deep_nesting.json", "case", "nested too deeply"),
    ("deep.yaml", "case", "nested too deeply"),
    ("big_integer.json", "case", "integer too long"),
]


@pytest.mark.parametrize(("name", "field", "phrase"), REFUSED)
def test_the_library_refuses_a_hostile_case_naming_the_field(
    name: str, field: str, phrase: str
) -> None:
    with pytest.raises(PaychaseError) as caught:
        load_case(HOSTILE / name)
    assert caught.value.field == field
    assert phrase in caught.value.problem


def _one_line_refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the command line in-process; it must exit 2 with one line on stderr: that line."""
    status = main(list(argv))
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.count("\n") == 1, err
    assert err.startswith("paychase: error: ")
    return err


@pytest.mark.parametrize("command", ["plan", "preview"])
@pytest.mark.parametrize(("name", "field", "phrase"), REFUSED)
def test_the_command_line_refuses_a_hostile_case_in_one_line(
    capsys: pytest.CaptureFixture[str], command: str, name: str, field: str, phrase: str
) -> None:
    line = _one_line_refusal(capsys, command, str(HOSTILE / name))
    assert f"error: {field}: " in line
    assert phrase in line


def test_the_installed_command_prints_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "paychase", "plan", str(HOSTILE / "deep_nesting.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("paychase: error: case: nested too deeply")


# -- what is read: only regular files, of a bounded size ----------------------------------


def test_a_device_is_refused_without_being_read(capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_line_refusal(capsys, "plan", os.devnull)
    assert "case: cannot read the case file: not a regular file" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_waiting_for_a_writer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    line = _one_line_refusal(capsys, "plan", str(fifo))
    assert "not a regular file" in line


def test_a_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_line_refusal(capsys, "plan", str(tmp_path))
    assert "not a regular file" in line


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_files, "MAX_INPUT_BYTES", 10)
    path = tmp_path / "case.json"
    path.write_text('{"version": 1}', encoding="utf-8")
    line = _one_line_refusal(capsys, "plan", str(path))
    assert "cannot read the case file: larger than" in line


def test_standard_input_is_read_up_to_the_size_limit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_files, "MAX_INPUT_BYTES", 10)
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=_Endless()))
    line = _one_line_refusal(capsys, "plan", "-")
    assert "case: cannot read standard input: larger than" in line


class _Endless:
    """Standard input that never ends, like ``/dev/zero``: reads return what is asked for."""

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "standard input must be read with a bound"
        return b" " * size


# -- every other parser of user files ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"), [("[" * 5000, "nested too deeply"), ("[" + "9" * 5000 + "]", "too long")]
)
def test_a_simulation_script_is_parsed_like_a_case(tmp_path: Path, text: str, phrase: str) -> None:
    path = tmp_path / "script.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PaychaseError, match=phrase) as caught:
        load_script(path)
    assert caught.value.field == "script"


def test_a_config_nested_too_deeply_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "paychase.toml").write_text("a = " + "[" * 5000, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    line = _one_line_refusal(capsys, "plan", str(HOSTILE / "deep.yaml"))
    assert "paychase.toml: cannot read it: nested too deeply" in line
