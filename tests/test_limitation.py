"""Limitation periods (`paychase.money._limitation`): the worked vectors and the table's sources."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tests.samples import first_invoice, kowalski_contract, sample_case, short_ladder_steps

from paychase import Action, load_case, plan
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


# -- the limitation watch in a plan ------------------------------------------------------------


def _watched(warning: str | None = "60d", **fields: Any) -> dict[str, Any]:
    """The sample case (inv-1, PLN, due 2 March 2026, Poland) under a policy with the watch."""
    policy: dict[str, Any] = {"name": "watched", "steps": short_ladder_steps()}
    if warning is not None:
        policy["limitation_warning"] = warning
    return sample_case(policy=policy, **fields)


def _watches(case: dict[str, Any], now: datetime) -> list[Action]:
    return [a for a in plan(case, now=now).actions if "review:limitation" in a.key]


def test_watch_review_is_dated_its_lead_before_the_last_day() -> None:
    (watch,) = _watches(_watched(), datetime(2026, 3, 3, 9, tzinfo=UTC))
    assert watch.key == "k1/inv-1/review:limitation:2029-12-31/1"
    assert watch.kind == "review"
    assert watch.channel == "system"
    assert watch.at.date() == date(2029, 11, 2)  # 1 November is a holiday in Poland
    assert "until 2029-12-31" in watch.reason
    assert "art. 118" in watch.reason


def test_watch_review_says_when_the_claim_is_time_barred() -> None:
    (watch,) = _watches(_watched(), datetime(2030, 1, 7, 9, tzinfo=UTC))
    assert watch.at.date() == date(2030, 1, 7)
    assert "time-barred" in watch.reason


def test_no_watch_without_the_setting_or_once_paid() -> None:
    now = datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert _watches(_watched(None), now) == []
    paid = first_invoice(payments=[{"date": "2026-03-01", "amount": "1200.00"}])
    assert _watches(_watched(invoices=[paid]), now) == []


def test_a_part_payment_restarts_the_watch_where_the_law_says_so() -> None:
    contract = kowalski_contract(jurisdiction="GB")
    part = first_invoice(payments=[{"date": "2026-03-20", "amount": "200.00"}])
    (watch,) = _watches(
        _watched(contracts=[contract], invoices=[part]), datetime(2026, 3, 23, 9, tzinfo=UTC)
    )
    assert watch.key == "k1/inv-1/review:limitation:2032-03-20/1"


@given(
    jurisdiction=st.sampled_from(_RULES),
    lead=st.integers(min_value=7, max_value=400),
    days_on=st.integers(min_value=0, max_value=3000),
)
def test_watch_always_comes_before_the_bar(jurisdiction: str, lead: int, days_on: int) -> None:
    """Planned on any day up to its own date, the watch is due on or before the last day."""
    case = _watched(f"{lead}d", contracts=[kowalski_contract(jurisdiction=jurisdiction)])
    last, _ = claim_barred_after(jurisdiction, date(2026, 3, 2)) or (date.min, None)
    now = datetime(2026, 3, 3, 9, tzinfo=UTC) + timedelta(days=days_on)
    assume(now.date() <= last - timedelta(days=lead))
    (watch,) = _watches(case, now)
    assert watch.at.date() <= last
    assert watch.at >= now


def test_worked_example_plans_a_watch_per_unpaid_invoice() -> None:
    case = load_case(Path(__file__).parent.parent / "examples" / "limitation_watch.json")
    watches = {a.invoices[0]: a.key for a in plan(case, now=None).actions if "limitation" in a.key}
    assert watches == {
        "de-1": "lindner-2025/de-1/review:limitation:2028-12-31/1",
        "de-2": "lindner-2025/de-2/review:limitation:2029-02-10/1",
        "gb-1": "harrow-2025/gb-1/review:limitation:2031-03-04/1",
    }
