"""The typed user's script (``tests/typing/user_script.py``) runs as well as it type-checks.

``mypy --config-file tests/typing/mypy.ini tests/typing`` (in ``.ci/run``) checks the script
without the pydantic plugin; running it here proves that what type-checks also works: every
public model built with keyword arguments (``ExchangeRate(from_="EUR", ...)``), the main
functions called, the runner driven with the in-memory store.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "typing" / "user_script.py"


def test_the_typed_users_script_runs() -> None:
    spec = importlib.util.spec_from_file_location("paychase_user_script", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main()
