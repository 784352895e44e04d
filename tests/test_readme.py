"""The README's Python example runs as written, from the repository root."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_readme_python_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(example.strip().splitlines()) <= 16, "the README promises a short example"
    monkeypatch.chdir(REPO)
    exec(compile(example, "README.md", "exec"), {})  # our own README, run as a reader would
    printed = capsys.readouterr().out
    assert "why:" in printed
    assert "days overdue" in printed
