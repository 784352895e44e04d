"""What every fuzz input must survive, and how much fuzzing a run does.

An input is case-file text. It is read, planned at a few moments (its own, an ordinary one and
the edges of the dates a case may hold), a few of the planned actions are rendered, and now and
then it goes through the command line too: each such input through the next command in turn
(`COMMANDS`: plan, statement, render, preview, evidence, simulate; run and tasks on a new
workspace; import, then plan, export, history, reviews and a dry run from the workspace). Each
step may refuse the input with a `PaychaseError` (the command line: exit status 2 and one line
on standard error); anything else — a traceback, a pydantic error, a second line of error
output, anything on standard error after a success — is a failure, reported with the seed and
the input.

``PAYCHASE_FUZZ_BUDGET=N`` sets how many inputs each fuzzer makes (a small number by default,
so the suite stays quick); ``PAYCHASE_FUZZ_SEED=S`` picks another fixed seed. Input `i` of a
run depends only on the seed and `i`, so a failure is reproduced by its seed alone.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from paychase import plan
from paychase.case import Case
from paychase.case._io import read_case_data
from paychase.cli._main import main
from paychase.errors import PaychaseError
from paychase.messages import Renderer

BUDGET = int(os.environ.get("PAYCHASE_FUZZ_BUDGET", "200"))
SEED = int(os.environ.get("PAYCHASE_FUZZ_SEED", "20261206"))

# The case's own moment, an ordinary one, and the first and last moments a case may hold, in
# the offsets that put their local dates furthest apart.
MOMENTS: tuple[datetime | None, ...] = (
    None,
    datetime(2026, 3, 10, 9, 0, tzinfo=timezone(timedelta(hours=1))),
    datetime(2199, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-12))),
    datetime(1900, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=14))),
    datetime(2030, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=5, minutes=45))),
)
RENDERED = 4  # actions rendered from each input's first plan
CLI_EVERY = 5  # one input in so many also goes through a command (the next one of COMMANDS)
CLI_NOW = "2026-03-10T09:00:00+01:00"

_RENDERER = Renderer()


def rng(fuzzer: str, index: int) -> random.Random:
    """The random source of input `index` of `fuzzer`: the seed and the index decide it."""
    return random.Random(f"{SEED}/{fuzzer}/{index}")


@dataclass(frozen=True, slots=True)
class Failure:
    """An exception other than a `PaychaseError`, and where it happened."""

    stage: str
    error: str
    trace: str


def survive(text: bytes, *, cli: Path | None = None, command: str = "plan") -> Failure | None:
    """Put `text` through load, plan, render and (given a folder `cli`) a `command`.

    Returns:
        The first failure, or None when every step ended in a result or a `PaychaseError`.
    """
    try:
        case: Case | None = _load(text)
    except PaychaseError:
        case = None
    except Exception as error:  # every other exception is the finding
        return _failure("load", error)
    stages: list[tuple[str, Callable[[], object]]] = []
    if case is not None:
        stages += [(f"plan at {moment}", _planner(case, moment)) for moment in MOMENTS]
        stages.append(("render", lambda: _render(case)))
    if cli is not None:
        stages.append((f"paychase {command}", lambda: _command_line(text, cli, command, case)))
    for stage, step in stages:
        try:
            step()
        except PaychaseError:
            continue
        except Exception as error:  # every other exception is the finding
            return _failure(stage, error)
    return None


def _failure(stage: str, error: Exception) -> Failure:
    """`error` at `stage`, with the frames in paychase it came through (innermost last)."""
    frames = [
        f"{frame.filename.split('src/')[-1]}:{frame.lineno} {frame.name}"
        for frame in traceback.extract_tb(error.__traceback__)
        if "paychase" in frame.filename
    ]
    return Failure(stage, f"{type(error).__name__}: {error}"[:500], "\n".join(frames[-6:]))


def _load(text: bytes) -> Case:
    """The case `text` writes, as the command line reads a file."""
    return Case.model_validate(read_case_data(text, format=_format(text)))


def _format(text: bytes) -> Any:
    """YAML for the inputs written as YAML (they do not start with a brace), else JSON."""
    return "json" if text.lstrip()[:1] in (b"{", b"[", b"") else "yaml"


def _planner(case: Case, moment: datetime | None) -> Callable[[], object]:
    """Plan `case` at `moment`, later."""
    return lambda: plan(case, now=moment)


def _render(case: Case | None) -> None:
    """Render the first few actions of the first plan that succeeds."""
    assert case is not None
    for moment in MOMENTS:
        try:
            actions = plan(case, now=moment).actions
        except PaychaseError:
            continue
        for action in actions[:RENDERED]:
            with contextlib.suppress(PaychaseError):
                _RENDERER.render(case, action)
        return


def _commands(path: Path, folder: Path, case: Case | None) -> dict[str, list[list[str]]]:
    """Each command's steps for the case file at `path`, writing only inside `folder`.

    A command that needs a client or an action key gets the case's first (or a made-up one
    when the case was refused: the command must refuse it in one line too).
    """
    file, now, db = str(path), ["--now", CLI_NOW], str(folder / "work.sqlite")
    client = case.clients[0].id if case is not None and case.clients else "c1"
    key = _first_key(case)
    outbox = f"email=outbox:{folder / 'outbox'}"
    return {
        "plan": [["plan", file, *now], ["plan", file, *now, "--format", "json"]],
        "statement": [["statement", file, client, *now, "--format", "json"]],
        "render": [["render", file, "--action", key, *now, "--format", "json"]],
        "preview": [["preview", file, *now, "--out", str(folder / "preview")]],
        "evidence": [["evidence", file, "--client", client, *now, "--out", str(folder)]],
        "simulate": [["simulate", file, *now, "--until", "+21d", "--format", "json"]],
        "run": [
            ["init", db],
            ["run", "--db", db, "--case", file, *now, "--channel", outbox, "--verbose"],
            ["tasks", "--db", db, "--case", file, "--ics", str(folder / "calls.ics")],
        ],
        "import": [
            ["init", db],
            ["import", file, "--db", db],
            ["plan", "--db", db, *now],
            ["export", "--db", db, "--out", str(folder / "export.json")],
            ["history", "list", "--db", db, "--format", "json"],
            ["reviews", "--db", db],
            ["run", "--db", db, *now, "--dry-run"],
        ],
    }


COMMANDS = ("plan", "statement", "render", "preview", "evidence", "simulate", "run", "import")


def _first_key(case: Case | None) -> str:
    """The key of the first action the case plans at the command line's moment, if any."""
    if case is not None:
        with contextlib.suppress(PaychaseError):
            actions = plan(case, now=datetime.fromisoformat(CLI_NOW)).actions
            if actions:
                return actions[0].key
    return "k1/inv-1/polite/1"


def _command_line(text: bytes, folder: Path, command: str, case: Case | None) -> None:
    """`command`'s steps, in a folder of their own, until one refuses the input.

    Each must exit 0, 1 (something needs a person) or 2 (refused), print nothing on standard
    error unless refused, and a refusal on exactly one line.
    """
    here = Path(tempfile.mkdtemp(prefix=f"{command}-", dir=folder))
    path = here / ("case.json" if _format(text) == "json" else "case.yaml")
    path.write_bytes(text)
    for argv in _commands(path, here, case)[command]:
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            status = main(argv)
        lines = err.getvalue().splitlines()
        refused = status == 2 and len(lines) == 1 and lines[0].startswith("paychase: error: ")
        if not (refused or (status in (0, 1) and not lines)):
            raise AssertionError(f"{argv[:2]}: exit status {status}, error output {lines!r}")
        if status == 2:
            return


def _report(
    fuzzer: str, index: int, *, how: str, text: bytes, failure: Failure, folder: Path
) -> str:
    """A failure as a message: the seed and input to reproduce it, and where it broke."""
    saved = folder / f"{fuzzer}-{index}.input"
    saved.write_bytes(text)
    shown = text[:600].decode("utf-8", "replace")
    return (
        f"{fuzzer} input {index} (PAYCHASE_FUZZ_SEED={SEED}), {how}: {failure.stage} raised "
        f"{failure.error}\n{failure.trace}\ninput saved in {saved}; it begins:\n{shown}"
    )


def run(
    fuzzer: str, make: Callable[[random.Random], tuple[str, bytes]], folder: Path
) -> Iterator[str]:
    """Make and try `BUDGET` inputs; yield a report for each one that fails."""
    for index in range(BUDGET):
        how, text = make(rng(fuzzer, index))
        cli = folder if index % CLI_EVERY == 0 else None
        command = COMMANDS[index // CLI_EVERY % len(COMMANDS)]
        failure = survive(text, cli=cli, command=command)
        if failure is not None:
            yield _report(fuzzer, index, how=how, text=text, failure=failure, folder=folder)
