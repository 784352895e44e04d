"""The ``paychase`` command line (SPEC §6)."""

from paychase.cli._main import main

__all__ = ["main"]
