"""Limitation periods (`paychase.money._limitation`): the worked vectors and the table's sources."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paychase.money._limitation import builtin_limitation_table, claim_barred_after

_VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "limitation_vectors.json").read_text(encoding="utf-8")
)["vectors"]


@pytest.mark.parametrize("vector", _VECTORS, ids=[v["id"] for v in _VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    found = claim_barred_after(
        vector["jurisdiction"],
        date.fromisoformat(vector["due"]),
        [date.fromisoformat(p) for p in vector["payments"]],
    )
    assert found is not None
    assert found[0] == date.fromisoformat(vector["last_day"]), vector["why"]


def test_every_rule_names_its_statute_and_a_source() -> None:
    table = builtin_limitation_table()
    assert {rule.jurisdiction for rule in table.rules} == {"PL", "DE", "GR", "GB", "RU"}
    for rule in table.rules:
        assert rule.act
        assert rule.article
        assert rule.restart
        assert rule.notes
        assert rule.url.startswith("https://")
        assert rule.period_source.startswith("http")


def test_every_jurisdiction_has_a_vector() -> None:
    assert {v["jurisdiction"] for v in _VECTORS} == {
        r.jurisdiction for r in builtin_limitation_table().rules
    }


def test_unknown_jurisdiction_has_no_rule() -> None:
    assert claim_barred_after("FR", date(2025, 1, 1)) is None


_RULES = [rule.jurisdiction for rule in builtin_limitation_table().rules]


@given(
    jurisdiction=st.sampled_from(_RULES),
    due=st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 12, 31)),
    after=st.lists(st.integers(min_value=0, max_value=4000), max_size=4),
)
def test_payments_never_shorten_the_period(jurisdiction: str, due: date, after: list[int]) -> None:
    """A part payment may restart the period, never end it sooner; the bar is years away."""
    plain = claim_barred_after(jurisdiction, due)
    paid = claim_barred_after(jurisdiction, due, [due + timedelta(days=d) for d in after])
    assert plain is not None
    assert paid is not None
    assert paid[0] >= plain[0]
    assert plain[0] >= due + timedelta(days=365 * plain[1].years - 2)
