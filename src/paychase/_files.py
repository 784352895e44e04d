"""Files: reading case files, parsing ``--now``, writing outputs so a crash loses nothing."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from paychase.case._case import Case
from paychase.case._io import read_case_data
from paychase.errors import InvalidCaseError

__all__ = [
    "MAX_INPUT_BYTES",
    "load_case",
    "load_case_data",
    "output_errors",
    "parse_moment",
    "read_input",
    "write_bytes_atomically",
    "write_text_atomically",
]

MAX_INPUT_BYTES = 512 * 1024 * 1024
"""The largest input file paychase reads: over twice a case of 200 000 invoices, and small
enough that reading a device or an endless pipe by mistake stops long before memory runs out."""

# Opening a FIFO for reading waits for a writer; without blocking it opens at once, so it can
# be told from a regular file and refused. (Windows has no FIFOs, and no such flag.)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


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
        text = _bounded(sys.stdin.buffer.read(MAX_INPUT_BYTES + 1), "standard input", "case")
        yaml = not text.lstrip().startswith(b"{")
    else:
        location = Path(path)
        text = read_input(location, "the case file", field="case")
        yaml = location.suffix.lower() in (".yaml", ".yml")
    return read_case_data(text, format="yaml" if yaml else "json")


def read_input(location: Path, what: str, *, field: str) -> bytes:
    """The bytes of an input file; an unreadable one is an `InvalidCaseError` naming `field`.

    Only a regular file of at most `MAX_INPUT_BYTES` is read: a device such as ``/dev/zero``
    would never end and a FIFO would wait for a writer forever (``-`` reads standard input).
    """
    try:
        handle = os.open(location, _OPEN_FLAGS)
    except OSError as error:
        raise _unreadable(what, error.strerror, field, location) from None
    try:
        refusal = _not_readable(os.fstat(handle))
        if refusal is not None:
            raise _unreadable(what, refusal, field, location)
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise _unreadable(what, error.strerror, field, location) from None
    finally:
        os.close(handle)
    return _bounded(data, what, field, location)


def _not_readable(info: os.stat_result) -> str | None:
    """Why a file of this kind and size is not read as input; None when it is."""
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (- reads standard input)"
    if info.st_size > MAX_INPUT_BYTES:
        return _TOO_LARGE
    return None


_TOO_LARGE = f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB"


def _bounded(data: bytes, what: str, field: str, location: Path | None = None) -> bytes:
    """`data`, unless it is larger than `MAX_INPUT_BYTES` (it was read one byte further)."""
    if len(data) > MAX_INPUT_BYTES:
        raise _unreadable(what, _TOO_LARGE, field, location)
    return data


def _unreadable(what: str, why: str | None, field: str, location: Path | None) -> InvalidCaseError:
    """The error for an input that cannot be read, naming `field` and the file."""
    problem = f"cannot read {what}: {why or 'unknown error'}"
    if location is None:
        return InvalidCaseError(problem, field=field)
    return InvalidCaseError(problem, field=field, value=str(location))


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


@contextmanager
def output_errors(option: str) -> Iterator[None]:
    """Report a file or folder the output `option` names that cannot be written as its fault.

    An existing file where a folder is wanted, a missing folder, a name too long for the file
    system, no permission, a full disk: each is an `InvalidCaseError` naming `option` (``--out``)
    and the path, one line, instead of the `OSError` the writing raised.
    """
    try:
        yield
    except OSError as error:
        where = error.filename if error.filename is not None else option
        raise InvalidCaseError(
            f"cannot write there: {error.strerror or error}", field=option, value=str(where)
        ) from None


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves the old file or the new one, never half.

    The bytes go to a temporary file in the same directory, are flushed to disk, and replace
    `path` in one rename; the file is readable by others (0644), like one written normally.
    """
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:  # name the file asked for, not the temporary one
        raise type(error)(error.errno, error.strerror, str(path)) from None
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
