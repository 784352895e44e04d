"""Statutory interest: every `kind: interest` law vector (../shared/law), plus properties."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paychase.case._money import minor_unit, round_money
from paychase.errors import InvalidCaseError
from paychase.money._interest import InterestComputation, statutory_interest
from paychase.money._rates import RatePeriod, RateTable, builtin_rate_table

from .conftest import SHARED

VECTORS_FILE = SHARED / "law" / "vectors.json"


def _load_vectors() -> list[dict[str, Any]]:
    """Each interest vector and each variant (the variant's fields patched over its base)."""
    if not VECTORS_FILE.is_file():
        return []
    out: list[dict[str, Any]] = []
    for base in json.loads(VECTORS_FILE.read_text(encoding="utf-8")):
        if base["kind"] != "interest":
            continue
        plain = {k: v for k, v in base.items() if k != "variants"}
        out.append(plain)
        for variant in base.get("variants", ()):
            out.append({**plain, **variant})
    return out


VECTORS = _load_vectors()
needs_vectors = pytest.mark.skipif(not VECTORS, reason="../shared/law/vectors.json not available")


def _compute(vector: dict[str, Any], **overrides: Any) -> InterestComputation:
    arguments: dict[str, Any] = {
        "principal": vector["principal"],
        "currency": vector["currency"],
        # art. 115 KC (TV-11): the vector states the shifted deadline; the caller passes it.
        "due": date.fromisoformat(vector.get("effective_due") or vector["due"]),
        "payments": [
            (date.fromisoformat(p["date"]), p["amount"]) for p in vector.get("payments", ())
        ],
        "as_of": date.fromisoformat(vector["as_of"]) if "as_of" in vector else None,
        "rates": vector["rates"],
        "semantics": vector["semantics"],
        "basis": vector["basis"],
        "rounding": vector["rounding"],
        "allocation": vector["allocation"],
        "compounding": vector["compounding"],
        "payment_day_counted": vector["payment_day_counted"],
    }
    arguments.update(overrides)
    return statutory_interest(**arguments)


def _check(result: InterestComputation, vector: dict[str, Any]) -> None:
    expected = vector["expected"]
    assert result.missing is None
    assert result.interest == Decimal(expected["interest"])
    assert result.days == expected["days"]
    if "final_payment" in expected:
        # The settling payment equals what is owed that day: nothing left, nothing overpaid.
        assert result.periods[-1].payment == Decimal(expected["final_payment"])
        assert result.principal_outstanding == 0
        assert result.interest_outstanding == 0
        assert result.overpaid == 0
    if "periods" in expected:
        assert len(result.periods) == len(expected["periods"])
    for period, want in zip(result.periods, expected.get("periods", ()), strict=False):
        assert period.to == date.fromisoformat(want["to"])
        assert period.interest == Decimal(want["interest"])
        assert period.principal_after == Decimal(want["principal_after"])


@needs_vectors
@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector_with_its_own_rates(vector: dict[str, Any]) -> None:
    result = _compute(vector)
    _check(result, vector)
    # The segments are the computation a court reads: they cover exactly the interest days.
    assert sum(s.days for s in result.segments) == result.days


def _packaged(vector: dict[str, Any]) -> InterestComputation:
    regime = builtin_rate_table().regime(vector["regime"])
    return _compute(vector, rates=None, regime=regime, rate_kind=vector.get("rate_kind", "rate"))


PACKAGED_COVERED = [v for v in VECTORS if _packaged(v).missing is None]


@needs_vectors
@pytest.mark.parametrize("vector", PACKAGED_COVERED, ids=[v["id"] for v in PACKAGED_COVERED])
def test_vector_with_the_packaged_table(vector: dict[str, Any]) -> None:
    _check(_packaged(vector), vector)


def test_packaged_gap_is_reported_not_guessed() -> None:
    # rates.json: EU 2026 H2 is not known yet, so interest stops on 30 Jun 2026.
    result = statutory_interest(
        principal="1000.00",
        currency="EUR",
        due=date(2026, 6, 1),
        as_of=date(2026, 8, 1),
        regime="EU",
    )
    assert result.interest_to == date(2026, 6, 30)
    assert result.missing is not None
    assert (result.missing.from_, result.missing.to) == (date(2026, 7, 1), date(2026, 8, 1))
    assert not result.complete
    # PL civil rows start on 2022-06-09: a debt starting earlier gets no interest at all.
    early = statutory_interest(
        principal="1000.00",
        currency="PLN",
        due=date(2022, 5, 1),
        as_of=date(2022, 7, 1),
        regime="PL_CIVIL",
    )
    assert (early.interest, early.days, early.interest_to) == (Decimal("0.00"), 0, None)
    assert early.missing is not None
    assert early.missing.from_ == date(2022, 5, 2)


@needs_vectors
def test_host_table_replaces_the_packaged_one() -> None:
    document = json.loads((SHARED / "law" / "rates.json").read_text(encoding="utf-8"))
    document["regimes"][0]["periods"][6]["rate"] = "20.00"  # EU 2025 H1, changed by the host
    table = RateTable.model_validate(document)
    result = statutory_interest(
        principal="10000.00",
        currency="EUR",
        due=date(2025, 3, 31),
        as_of=date(2025, 5, 15),
        regime="EU",
        table=table,
    )
    assert result.interest == round_money(Decimal(10000) * 20 / 100 * 45 / 365, "EUR")


def test_gap_stops_at_last_covered_day() -> None:
    rates = [{"from": "2025-01-01", "to": "2025-01-10", "rate": "10"}]
    result = statutory_interest(
        principal="3650.00",
        currency="EUR",
        due=date(2024, 12, 31),
        as_of=date(2025, 1, 20),
        rates=rates,
        basis="ACT_365",
    )
    assert result.days == 10
    assert result.interest == Decimal("10.00")
    assert result.missing is not None
    assert (result.missing.from_, result.missing.to) == (date(2025, 1, 11), date(2025, 1, 20))


def test_fixed_at_start_uses_the_start_rate_throughout() -> None:
    # UK s. 4(2): interest starting 2025-06-21 keeps 12.75 % although 12.25 % applies from July.
    result = statutory_interest(
        principal="12000.00",
        currency="GBP",
        due=date(2025, 6, 20),
        as_of=date(2025, 9, 18),
        regime="UK",
    )
    assert {s.rate for s in result.segments} == {Decimal("12.75")}
    assert result.interest == Decimal("377.26")
    assert result.segments[0].source


def test_invalid_inputs_raise_named_errors() -> None:
    with pytest.raises(InvalidCaseError):
        statutory_interest(principal="1", currency="EUR", due=date(2025, 1, 1), regime="EU")
    with pytest.raises(InvalidCaseError):
        statutory_interest(
            principal=1.5,
            currency="EUR",
            due=date(2025, 1, 1),  # type: ignore[arg-type]
            as_of=date(2025, 2, 1),
            regime="EU",
        )
    with pytest.raises(InvalidCaseError):
        statutory_interest(
            principal="1",
            currency="EUR",
            due=date(2025, 1, 1),
            as_of=date(2025, 2, 1),
            regime="NOPE",
        )
    with pytest.raises(InvalidCaseError):
        statutory_interest(
            principal="1",
            currency="EUR",
            due=date(2025, 1, 1),
            as_of=date(2025, 2, 1),
            rates=[
                {"from": "2025-01-01", "to": "2025-03-01", "rate": "1"},
                {"from": "2025-02-01", "to": "2025-04-01", "rate": "1"},
            ],
        )


# --- properties -------------------------------------------------------------------------------

# Rates 0-30 % cover every regime in rates.json (RU key rate peaked at 21 %); periods of 1-200
# days make segments split often; 0/2/3-decimal currencies exercise every minor unit.
CURRENCIES = st.sampled_from(["JPY", "EUR", "KWD"])
START = date(2023, 1, 1)


@st.composite
def tables(draw: st.DrawFn) -> list[RatePeriod]:
    rows: list[RatePeriod] = []
    day = START
    for _ in range(draw(st.integers(1, 6))):
        length = draw(st.integers(1, 200))
        rate = draw(st.decimals(min_value=0, max_value=30, places=2))
        rows.append(RatePeriod(**{"from": day}, to=day + timedelta(days=length - 1), rate=rate))
        day += timedelta(days=length)
    rows.append(RatePeriod(**{"from": day}, to=None, rate=Decimal("8")))
    return rows


OPTIONS = st.fixed_dictionaries(
    {
        "basis": st.sampled_from(["ACT_365", "ACT_ACT", "ACT_360"]),
        "rounding": st.sampled_from(["R1", "R2", "R2M"]),
        "allocation": st.sampled_from(["interest_first", "principal_first"]),
        "compounding": st.sampled_from(["simple", "PPA_MONTHLY"]),
        "semantics": st.sampled_from(["ON_EVERY_CHANGE", "FIXED_AT_START"]),
        "payment_day_counted": st.booleans(),
    }
)
PRINCIPALS = st.decimals(min_value=0, max_value=10_000_000, places=0)


@given(
    currency=CURRENCIES,
    principal=PRINCIPALS,
    rates=tables(),
    options=OPTIONS,
    due_offset=st.integers(0, 400),
    days=st.integers(0, 900),
)
def test_interest_is_never_negative_and_in_minor_units(
    *,
    currency: str,
    principal: Decimal,
    rates: list[RatePeriod],
    options: dict[str, Any],
    due_offset: int,
    days: int,
) -> None:
    due = START + timedelta(days=due_offset)
    result = statutory_interest(
        principal=principal,
        currency=currency,
        due=due,
        as_of=due + timedelta(days=days),
        rates=rates,
        **options,
    )
    assert result.interest >= 0
    assert result.interest == round_money(result.interest, currency)
    assert result.interest.as_tuple().exponent == minor_unit(currency).as_tuple().exponent
    assert result.days == days


@given(
    currency=CURRENCIES,
    principal=PRINCIPALS,
    rates=tables(),
    options=OPTIONS,
    days=st.integers(0, 700),
    more=st.integers(0, 300),
)
def test_interest_does_not_decrease_as_as_of_moves_later(
    *,
    currency: str,
    principal: Decimal,
    rates: list[RatePeriod],
    options: dict[str, Any],
    days: int,
    more: int,
) -> None:
    due = START
    earlier = statutory_interest(
        principal=principal,
        currency=currency,
        due=due,
        as_of=due + timedelta(days=days),
        rates=rates,
        **options,
    )
    later = statutory_interest(
        principal=principal,
        currency=currency,
        due=due,
        as_of=due + timedelta(days=days + more),
        rates=rates,
        **options,
    )
    assert later.interest >= earlier.interest


@given(
    currency=CURRENCIES,
    principal=PRINCIPALS,
    rates=tables(),
    options=OPTIONS,
    gaps=st.lists(st.integers(0, 120), min_size=1, max_size=4),
    shares=st.lists(st.decimals(min_value=0, max_value=2, places=2), min_size=4, max_size=4),
    round_per_payment=st.booleans(),
)
def test_payment_allocation_preserves_totals(
    *,
    currency: str,
    principal: Decimal,
    rates: list[RatePeriod],
    options: dict[str, Any],
    gaps: list[int],
    shares: list[Decimal],
    round_per_payment: bool,
) -> None:
    day = START
    payments = []
    for gap, share in zip(gaps, shares, strict=False):
        day += timedelta(days=gap)
        payments.append((day, round_money(principal * share / len(gaps), currency)))
    result = statutory_interest(
        principal=principal,
        currency=currency,
        due=START,
        payments=payments,
        rates=rates,
        round_per_payment=round_per_payment,
        **options,
    )
    paid = sum((Decimal(a) for _, a in payments), Decimal(0))
    interest_paid = sum((p.interest_paid for p in result.periods), Decimal(0))
    principal_paid = sum((p.principal_paid for p in result.periods), Decimal(0))
    assert paid == interest_paid + principal_paid + result.overpaid
    assert principal_paid + result.principal_outstanding == principal
    assert interest_paid + result.interest_outstanding == result.interest
    assert result.overpaid == 0 or (
        result.principal_outstanding == 0 and result.interest_outstanding == 0
    )
