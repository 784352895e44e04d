"""Reading case files from disk."""

from __future__ import annotations

from pathlib import Path

from paychase._case import Case
from paychase._io import parse_case
from paychase.errors import InvalidCaseError

__all__ = ["load_case"]


def load_case(path: str | Path) -> Case:
    """Read and validate the case file at `path` (``.yaml``/``.yml`` as YAML, else JSON).

    Raises:
        InvalidCaseError: the file cannot be read or is not a valid case.
    """
    location = Path(path)
    try:
        text = location.read_bytes()
    except OSError as error:
        raise InvalidCaseError(
            f"cannot read the case file: {error.strerror}", field="case", value=str(location)
        ) from None
    yaml = location.suffix.lower() in (".yaml", ".yml")
    return parse_case(text, format="yaml" if yaml else "json")
