"""Shared test set-up: hypothesis profiles and paths to the shared scenarios and law data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# `dev` keeps the edit-test loop quick; `ci` searches harder. HYPOTHESIS_PROFILE picks one.
settings.register_profile("dev", max_examples=40, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def scenarios_dir() -> Path:
    """The shared scenario files (../shared/scenarios), skipped when not checked out beside us."""
    folder = SHARED / "scenarios"
    if not folder.is_dir():
        pytest.skip("../shared/scenarios is not available")
    return folder
