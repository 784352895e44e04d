"""Files: reading case files, parsing ``--now``, writing outputs so a crash loses nothing."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from paychase.case._case import Case
from paychase.case._io import read_case_data
from paychase.errors import InvalidCaseError

__all__ = [
    "load_case",
    "load_case_data",
    "parse_moment",
    "read_input",
    "write_bytes_atomically",
    "write_text_atomically",
]


def load_case(path: str | Path) -> Case:
    """Read and validate the case file at `path` (``.yaml``/``.yml`` as YAML, else JSON).

    ``-`` reads the case from standard input (JSON, or YAML when it does not start with ``{``).

    Raises:
        InvalidCaseError: the file cannot be read or is not a valid case.
    """
    return Case.model_validate(load_case_data(path))


def load_case_data(path: str | Path) -> Any:
    """The data of the case file at `path` (or ``-``: standard input), parsed, not yet checked.

    Raises:
        InvalidCaseError: the file cannot be read, or is not JSON or YAML.
    """
    if str(path) == "-":
        text = sys.stdin.buffer.read()
        yaml = not text.lstrip().startswith(b"{")
    else:
        location = Path(path)
        text = read_input(location, "the case file", field="case")
        yaml = location.suffix.lower() in (".yaml", ".yml")
    return read_case_data(text, format="yaml" if yaml else "json")


def read_input(location: Path, what: str, *, field: str) -> bytes:
    """The bytes of an input file; an unreadable one is an `InvalidCaseError` naming `field`."""
    try:
        return location.read_bytes()
    except OSError as error:
        raise InvalidCaseError(
            f"cannot read {what}: {error.strerror}", field=field, value=str(location)
        ) from None


def parse_moment(text: str) -> datetime:
    """Read an ISO 8601 date-time with a UTC offset, as ``--now`` takes it.

    Raises:
        InvalidCaseError: the text is not a date-time or has no offset.
    """
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidCaseError("not an ISO 8601 date-time", field="--now", value=text) from None
    if moment.tzinfo is None:
        raise InvalidCaseError(
            "naive datetime: add a UTC offset, e.g. 2026-03-10T09:00+01:00",
            field="--now",
            value=text,
        )
    return moment


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves the old file or the new one, never half.

    The bytes go to a temporary file in the same directory, are flushed to disk, and replace
    `path` in one rename; the file is readable by others (0644), like one written normally.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    """`write_bytes_atomically` for text, in UTF-8 with the line endings as given."""
    write_bytes_atomically(path, text.encode("utf-8"))
