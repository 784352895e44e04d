"""The ``paychase`` command line (SPEC §6), installed with ``pip install 'paychase[cli]'``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]

_CLI_PACKAGES = frozenset({"click", "rich", "platformdirs", "httpx"})


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``paychase`` with `argv` (default: the process's arguments); returns the exit status.

    Examples:
        >>> main(["--version"])  # doctest: +ELLIPSIS
        paychase ...
        0
    """
    try:
        from paychase.cli._main import main as run  # noqa: PLC0415 - click loads only here
    except ModuleNotFoundError as missing:
        if missing.name not in _CLI_PACKAGES:
            raise
        print(
            f"paychase: error: the command line needs {missing.name}: pip install 'paychase[cli]'",
            file=sys.stderr,
        )
        return 2
    return run(argv)
