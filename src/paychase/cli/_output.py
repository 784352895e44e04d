"""How the command line prints: tables as wide as the terminal, ids never cut, local times.

Printed with rich, which writes plain text where the output is not a terminal (cron mail, a
pipe): no colours, no escape codes, the width taken from ``COLUMNS`` or 100. Ids and amounts
are never shortened: a column of them wraps before it would cut one; reasons wrap under
their column.

``--quiet`` prints only what needs a person (`Verbosity.QUIET`); ``--verbose`` adds every
detail (`Verbosity.LOUD`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

__all__ = ["Column", "Verbosity", "console", "local_time", "print_table", "show"]

_PLAIN_WIDTH = 100


class Verbosity(IntEnum):
    """How much a command prints."""

    QUIET = 0
    NORMAL = 1
    LOUD = 2


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its heading, and whether its cells (amounts) align right."""

    heading: str
    right: bool = False


def console(*, stderr: bool = False) -> Console:
    """A console on standard output (or error): the terminal's width, or 100 in a pipe."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else int(os.environ.get("COLUMNS", _PLAIN_WIDTH))
    return Console(
        file=stream, width=width, highlight=False, markup=False, emoji=False, soft_wrap=False
    )


def local_time(moment: datetime) -> str:
    """`moment` in the user's own time zone, to the minute, with its offset."""
    mine = moment.astimezone()
    return mine.strftime("%Y-%m-%d %H:%M %z")


def print_table(
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    *,
    notes: Sequence[str] | None = None,
) -> None:
    """Print `rows` under `columns` on standard output; each row's note wrapped beneath it.

    A column is as wide as its longest cell, so no id, time or amount is ever cut or folded
    (a row wider than the terminal runs past its edge); a note runs under its row, indented,
    wrapped at the terminal's width.
    """
    cells = [[*row] for row in rows]
    widths = [
        max([len(column.heading), *(len(row[index]) for row in cells)])
        for index, column in enumerate(columns)
    ]
    row_width = sum(widths) + _GAP * (len(widths) - 1)
    parts: list[tuple[RenderableType, int | None]] = [
        (_line(columns, [c.heading for c in columns], widths, "bold"), row_width)
    ]
    for index, row in enumerate(cells):
        parts.append((_line(columns, row, widths, None), row_width))
        if notes is not None and notes[index]:
            parts.append((Padding(Text(notes[index]), (0, 0, 0, 4)), None))
    out = console()
    page = out.width
    with out.capture() as captured:
        for part, width in parts:
            out.width = max(width or 0, page)
            out.print(part)
    out.width = page
    _write_stripped(out, captured.get())


_GAP = 2


def _line(
    columns: Sequence[Column], cells: Sequence[str], widths: Sequence[int], style: str | None
) -> Table:
    """One row laid out at the shared column widths."""
    grid = Table.grid(padding=(0, _GAP, 0, 0))
    for column, width in zip(columns, widths, strict=True):
        grid.add_column(
            width=width,
            no_wrap=True,
            overflow="ignore",
            justify="right" if column.right else "left",
        )
    grid.add_row(*(Text(cell, style=style or "") for cell in cells))
    return grid


def show(renderable: RenderableType | str) -> None:
    """Print `renderable` on standard output, without the spaces rich pads lines with."""
    out = console()
    with out.capture() as captured:
        out.print(renderable)
    _write_stripped(out, captured.get())


def _write_stripped(out: Console, text: str) -> None:
    out.file.write("".join(f"{line.rstrip()}\n" for line in text.splitlines()))
