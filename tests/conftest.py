"""Shared test set-up: hypothesis profiles, the shared scenarios and law data, an SMTP server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from hypothesis import HealthCheck, settings
from tests.delivery_helpers import Collector, free_port

# `dev` and `ci` stay lean: the whole suite (some 5 700 tests, under coverage) shares the
# 10-minute CI budget. `deep` searches harder, by hand before a release or after changing a
# strategy: HYPOTHESIS_PROFILE=deep pytest tests/property. HYPOTHESIS_PROFILE picks one.
settings.register_profile("dev", max_examples=15, deadline=None)
settings.register_profile(
    "ci", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "deep", max_examples=250, deadline=None, suppress_health_check=list(HealthCheck)
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


@pytest.fixture
def smtp_server() -> Iterator[tuple[Collector, int]]:
    """A real SMTP server (aiosmtpd) on the loopback: its collector and its port."""
    collector, port = Collector(), free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector, port
    finally:
        controller.stop()
