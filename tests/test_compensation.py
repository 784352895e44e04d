"""Fixed compensation: every law vector with `expected.compensation`, plus units and properties.

The vectors come from ../shared/law/vectors.json; the units cover the exchange-rate rules the
vectors leave open (missing, inverse and cross rates, 0- and 3-decimal currencies).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paychase.case._invoices import ExchangeRate
from paychase.case._money import minor_unit, round_money
from paychase.errors import InvalidCaseError, PluginError
from paychase.money._compensation import (
    Compensation,
    CompensationTable,
    builtin_compensation_table,
    fixed_compensation,
)
from paychase.money._rates import builtin_rate_table

from .conftest import SHARED
from .strategies import amounts, currencies

VECTORS_FILE = SHARED / "law" / "vectors.json"
# TV-22 tier vectors state no due date; any date does for a PLN principal, and this one's rate
# date (2025-05-30) is TV-09's.
UNDATED_DUE = date(2025, 6, 16)
PL_NOTE = "NBP Table A of the last business day of the month before the due month"


def _load_vectors() -> list[dict[str, Any]]:
    """Every vector whose `expected` has `compensation` (null included).

    A variant's `expected` replaces its base's; none of them restates the compensation (they
    change interest conventions only), so variants add no compensation case and are skipped.
    """
    if not VECTORS_FILE.is_file():
        return []
    out: list[dict[str, Any]] = []
    for base in json.loads(VECTORS_FILE.read_text(encoding="utf-8")):
        candidates = [base, *({**base, **v} for v in base.get("variants", ()))]
        out.extend(v for v in candidates if "compensation" in v["expected"])
    return out


VECTORS = _load_vectors()
needs_vectors = pytest.mark.skipif(not VECTORS, reason="../shared/law/vectors.json not available")


def _fixture_rates(vector: dict[str, Any]) -> list[ExchangeRate]:
    """TV-09's `compensation_fx` (fake data marked `fixture`) as the host's exchange rate."""
    fx = vector.get("compensation_fx")
    if fx is None:
        return []
    source, target = fx["pair"].split("/")
    return [
        ExchangeRate(
            date=date.fromisoformat(fx["date"]), from_=source, to=target, rate=Decimal(fx["rate"])
        )
    ]


def _due(vector: dict[str, Any]) -> date:
    # art. 115 KC (TV-11): the vector states the shifted deadline; the caller passes it.
    text = vector.get("effective_due") or vector.get("due")
    return date.fromisoformat(text) if text else UNDATED_DUE


def _compensate(vector: dict[str, Any], rates: list[ExchangeRate]) -> Compensation:
    return fixed_compensation(
        regime=vector["regime"],
        debtor=vector["debtor"],
        principal=vector["principal"],
        currency=vector["currency"],
        due=_due(vector),
        exchange_rates=rates,
    )


@needs_vectors
@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    expected = vector["expected"]
    want = expected["compensation"]
    result = _compensate(vector, _fixture_rates(vector))
    assert result.currency == vector["currency"]
    if want is None:
        assert (result.status, result.amount, result.fixed_amount) == ("none", Decimal(0), None)
        assert result.reason
        return
    assert (result.fixed_amount, result.fixed_currency) == (
        Decimal(want["amount"]),
        want["currency"],
    )
    local = expected.get("compensation_local")
    if want["currency"] == vector["currency"]:
        assert (result.status, result.amount) == ("due", Decimal(want["amount"]))
        assert result.exchange_rate is None
    elif local is not None:  # TV-09: 70 x 4.2497 (fixture) = 297.479 -> 297.48 PLN
        assert (result.status, result.amount, result.currency) == (
            "due",
            Decimal(local["amount"]),
            local["currency"],
        )
    else:  # the NBP fixing is not in the vector: the law's date is reported, never guessed
        assert (result.status, result.amount) == ("missing_rate", Decimal(0))
        assert result.reason == f"no EUR/PLN exchange rate for {result.rate_date} ({PL_NOTE})"
    if expected.get("compensation_rate_date"):
        assert result.rate_date == date.fromisoformat(expected["compensation_rate_date"])
    elif "compensation_rate_date_candidates" in expected:  # TV-11: which month counts is [NV]
        candidates = expected["compensation_rate_date_candidates"]
        assert result.rate_date is not None
        assert result.rate_date.isoformat() in candidates


PL_VECTORS = [v for v in VECTORS if v["regime"].startswith("PL_B2B")]


@needs_vectors
@pytest.mark.parametrize("vector", PL_VECTORS, ids=[v["id"] for v in PL_VECTORS])
def test_pl_vector_with_a_rate_for_the_law_date(vector: dict[str, Any]) -> None:
    rate_date = _compensate(vector, []).rate_date
    assert rate_date is not None
    quote = ExchangeRate(date=rate_date, from_="EUR", to="PLN", rate=Decimal("4.2500"))
    result = _compensate(vector, [quote])
    want = Decimal(vector["expected"]["compensation"]["amount"])
    assert (result.status, result.amount) == ("due", want * Decimal("4.25"))
    assert result.exchange_rate == Decimal("4.25")


def test_tv_11_rate_date_follows_the_due_date_passed() -> None:
    # The contractual Saturday 2025-05-31 gives April's fixing; the art. 115 KC Monday, May's.
    dates = [
        _pl(principal="1000.00", due=due).rate_date for due in (date(2025, 5, 31), date(2025, 6, 2))
    ]
    assert dates == [date(2025, 4, 30), date(2025, 5, 30)]


# -- Poland: the rate date and the missing-rate path -------------------------------------------


def _rate(day: date, pair: str, rate: str) -> ExchangeRate:
    source, target = pair.split("/")
    return ExchangeRate(date=day, from_=source, to=target, rate=Decimal(rate))


def _pl(
    *,
    principal: str = "20000.00",
    currency: str = "PLN",
    due: date = date(2025, 6, 16),
    rates: list[ExchangeRate] | None = None,
) -> Compensation:
    return fixed_compensation(
        regime="PL_B2B",
        debtor="business",
        principal=principal,
        currency=currency,
        due=due,
        exchange_rates=rates or [],
    )


@pytest.mark.parametrize(
    ("due", "rate_date"),
    [
        (date(2026, 2, 16), date(2026, 1, 30)),  # Sat 31 Jan 2026
        (date(2025, 6, 1), date(2025, 5, 30)),  # Sat 31 May 2025
        (date(2025, 6, 30), date(2025, 5, 30)),  # any day of the due month
        (date(2018, 6, 5), date(2018, 5, 30)),  # Thu 31 May 2018 is Corpus Christi
        (date(2029, 6, 5), date(2029, 5, 30)),  # so is Thu 31 May 2029
        (date(2026, 1, 2), date(2025, 12, 31)),  # across the year; a working Wednesday
        (date(2025, 3, 31), date(2025, 2, 28)),
    ],
)
def test_pl_rate_date_is_the_last_business_day_of_the_previous_month(
    due: date, rate_date: date
) -> None:
    result = _pl(due=due)
    assert result.rate_date == rate_date
    assert result.status == "missing_rate"


def test_pl_missing_rate_names_the_pair_and_the_date() -> None:
    # Rates of neighbouring days never stand in for the one the law names.
    neighbours = [
        _rate(date(2025, 5, 29), "EUR/PLN", "4.25"),
        _rate(date(2025, 6, 2), "EUR/PLN", "4.25"),
    ]
    result = _pl(rates=neighbours)
    assert result.status == "missing_rate"
    assert result.amount == Decimal("0.00")
    assert result.reason == f"no EUR/PLN exchange rate for 2025-05-30 ({PL_NOTE})"
    # What is known without the rate is still reported: the tier and the sum in euro.
    assert (result.fixed_amount, result.fixed_currency) == (Decimal(70), "EUR")
    assert result.tier == "over 5,000.00 and under 50,000.00 PLN"
    assert result.rule is not None
    assert result.rule.startswith("PL_B2B: art. 10 of the act of 8 March 2013")
    assert not result.rule.endswith("]")  # no research tag in what a reader sees


def test_pl_tiers_are_described_in_words() -> None:
    tiers = [_pl(principal=p).tier for p in ("5000.00", "5000.01", "50000.00")]
    assert tiers == [
        "at most 5,000.00 PLN",
        "over 5,000.00 and under 50,000.00 PLN",
        "at least 50,000.00 PLN",
    ]


def test_pl_public_healthcare_has_the_same_compensation() -> None:
    result = fixed_compensation(
        regime="PL_B2B_PUBLIC_HEALTHCARE",
        debtor="public_authority",
        principal="60000.00",
        currency="PLN",
        due=date(2025, 6, 16),
        exchange_rates=[_rate(date(2025, 5, 30), "EUR/PLN", "4.2497")],
    )
    assert (result.status, result.amount, result.fixed_amount) == (
        "due",
        Decimal("424.97"),
        Decimal(100),
    )


def test_an_inverse_rate_is_used_inverted() -> None:
    day = date(2025, 5, 30)
    exact = _pl(rates=[_rate(day, "PLN/EUR", "0.25")])
    assert (exact.status, exact.amount, exact.exchange_rate) == (
        "due",
        Decimal("280.00"),
        Decimal(4),
    )
    # 70 / 0.2353 = 297.4925...; the division is done once, on exact fractions.
    rounded = _pl(rates=[_rate(day, "PLN/EUR", "0.2353")])
    assert rounded.amount == Decimal("297.49")
    # A rate in the law's own direction wins over an inverse one of the same day.
    both = _pl(rates=[_rate(day, "PLN/EUR", "0.25"), _rate(day, "EUR/PLN", "4.2497")])
    assert both.amount == Decimal("297.48")


def test_pl_debt_in_euro_is_tiered_by_its_pln_value() -> None:
    day = date(2025, 5, 30)
    rates = [_rate(day, "EUR/PLN", "4.25")]
    # 1176.47 x 4.25 = 4999.9975 -> 5000.00 PLN (whole grosze): at most 5000 -> EUR 40.
    low = _pl(principal="1176.47", currency="EUR", rates=rates)
    assert (low.status, low.amount, low.currency) == ("due", Decimal("40.00"), "EUR")
    assert (low.tier_principal, low.exchange_rate) == (Decimal("5000.00"), None)
    high = _pl(principal="1176.48", currency="EUR", rates=rates)
    assert (high.amount, high.tier_principal) == (Decimal("70.00"), Decimal("5000.04"))
    missing = _pl(principal="1176.48", currency="EUR")
    assert (missing.status, missing.tier, missing.fixed_amount) == ("missing_rate", None, None)
    assert missing.reason == f"no EUR/PLN exchange rate for 2025-05-30 ({PL_NOTE})"


def test_pl_debt_in_a_third_currency_goes_through_pln_on_the_same_day() -> None:
    day = date(2025, 5, 30)
    rates = [_rate(day, "USD/PLN", "4.00"), _rate(day, "EUR/PLN", "4.25")]
    # 12000 USD = 48000 PLN -> EUR 70 = 297.50 PLN = 74.375 USD -> 74.38 USD.
    result = _pl(principal="12000.00", currency="USD", rates=rates)
    assert (result.status, result.amount, result.currency) == ("due", Decimal("74.38"), "USD")
    assert result.tier_principal == Decimal("48000.00")
    assert result.exchange_rate == Decimal("1.0625")
    no_usd = _pl(principal="12000.00", currency="USD", rates=rates[1:])
    assert no_usd.reason == f"no USD/PLN exchange rate for 2025-05-30 ({PL_NOTE})"
    assert no_usd.fixed_amount is None
    no_eur = _pl(principal="12000.00", currency="USD", rates=rates[:1])
    assert no_eur.reason == f"no EUR/PLN exchange rate for 2025-05-30 ({PL_NOTE})"
    assert no_eur.fixed_amount == Decimal(70)  # the tier is known from USD/PLN alone
    neither = _pl(principal="12000.00", currency="USD")
    assert neither.reason == f"no USD/PLN and no EUR/PLN exchange rate for 2025-05-30 ({PL_NOTE})"


class _ShutdownCalendar:
    """Weekends plus a host's own non-working days."""

    def __init__(self, *closed: date) -> None:
        self.closed = set(closed)

    def is_business_day(self, day: date, /) -> bool:
        return day.weekday() < 5 and day not in self.closed


def test_a_host_calendar_picks_the_rate_date() -> None:
    calendar = _ShutdownCalendar(date(2025, 5, 30), date(2025, 5, 29))
    result = fixed_compensation(
        regime="PL_B2B",
        debtor="business",
        principal="100.00",
        currency="PLN",
        due=date(2025, 6, 16),
        calendar=calendar,
    )
    assert result.rate_date == date(2025, 5, 28)


def test_a_calendar_without_business_days_is_a_plugin_error() -> None:
    may = [date(2025, 5, 1) + timedelta(days=n) for n in range(31)]
    with pytest.raises(PluginError) as caught:
        fixed_compensation(
            regime="PL_B2B",
            debtor="business",
            principal="100.00",
            currency="PLN",
            due=date(2025, 6, 16),
            calendar=_ShutdownCalendar(*may),
        )
    assert caught.value.field == "calendar"


# -- outside Poland: the latest rate on or before the due date ---------------------------------


def _eu(currency: str, rates: list[ExchangeRate], due: date = date(2025, 3, 31)) -> Compensation:
    return fixed_compensation(
        regime="EU",
        debtor="business",
        principal="1000",
        currency=currency,
        due=due,
        exchange_rates=rates,
    )


@pytest.mark.parametrize(
    ("currency", "rate", "amount"),
    [
        ("JPY", "162.357", "6494"),  # 6494.28: no minor unit
        ("KWD", "0.33457", "13.383"),  # 13.3828: three decimals
        ("CZK", "25.012625", "1000.51"),  # 1000.505: a tie rounds half-up
    ],
)
def test_eu_40_euro_in_another_currency(currency: str, rate: str, amount: str) -> None:
    result = _eu(currency, [_rate(date(2025, 3, 28), f"EUR/{currency}", rate)])
    assert (result.status, result.amount) == ("due", Decimal(amount))
    assert result.amount.as_tuple().exponent == minor_unit(currency).as_tuple().exponent
    assert (result.fixed_amount, result.fixed_currency) == (Decimal(40), "EUR")
    assert result.rate_date == date(2025, 3, 28)
    assert result.exchange_rate == Decimal(rate)


def test_eu_takes_the_latest_rate_not_after_the_due_date() -> None:
    rates = [
        _rate(date(2025, 3, 27), "EUR/CZK", "25.00"),
        _rate(date(2025, 3, 28), "CZK/EUR", "0.04"),  # inverse: 25.00
        _rate(date(2025, 3, 31), "EUR/CZK", "24.00"),
        _rate(date(2025, 4, 1), "EUR/CZK", "30.00"),
    ]
    assert _eu("CZK", rates).amount == Decimal("960.00")
    assert _eu("CZK", rates[:2]).amount == Decimal("1000.00")
    assert _eu("CZK", rates[:2]).rate_date == date(2025, 3, 28)
    later_only = _eu("CZK", rates[3:])
    assert (later_only.status, later_only.rate_date) == ("missing_rate", None)
    assert later_only.reason == (
        "no EUR/CZK exchange rate dated on or before 2025-03-31 "
        "(the latest rate on or before the due date; the Directive sets no conversion date)"
    )


def test_uk_tiers_a_foreign_debt_by_its_sterling_value() -> None:
    day = date(2025, 6, 1)
    result = fixed_compensation(
        regime="UK",
        debtor="business",
        principal="1200.00",
        currency="EUR",
        due=date(2025, 6, 20),
        exchange_rates=[_rate(day, "GBP/EUR", "1.2")],
    )
    # 1200 EUR = 1000.00 GBP: not under 1000 -> GBP 70 = 84.00 EUR.
    assert (result.tier_principal, result.fixed_amount) == (Decimal("1000.00"), Decimal(70))
    assert (result.status, result.amount) == ("due", Decimal("84.00"))
    assert result.tier == "at least 1,000.00 and under 10,000.00 GBP"
    missing = fixed_compensation(
        regime="UK", debtor="business", principal="1", currency="EUR", due=date(2025, 6, 20)
    )
    assert missing.reason.startswith("no GBP/EUR exchange rate dated on or before 2025-06-20")


def test_flat_regimes_owe_40_euro_whatever_the_amount() -> None:
    for regime in ("EU", "GR_B2B", "DE_B2B"):
        for principal in ("0.01", "25.00", "1000000.00"):
            result = fixed_compensation(
                regime=regime,
                debtor="public_authority",
                principal=principal,
                currency="EUR",
                due=date(2025, 3, 31),
            )
            assert (result.status, result.amount, result.tier) == ("due", Decimal(40), "any amount")


# -- nothing due --------------------------------------------------------------------------------


def test_unknown_regime_owes_nothing_and_says_so() -> None:
    result = fixed_compensation(
        regime="CH", debtor="business", principal="100", currency="CHF", due=date(2025, 1, 1)
    )
    assert (result.status, result.amount, result.rule) == ("none", Decimal("0.00"), None)
    assert result.reason == "no statutory fixed compensation known for CH"


def test_consumers_and_regimes_without_compensation_give_a_reason() -> None:
    consumer = fixed_compensation(
        regime="EU", debtor="consumer", principal="100", currency="EUR", due=date(2025, 1, 1)
    )
    assert consumer.status == "none"
    assert consumer.reason == "EU covers only a business or public_authority debtor, not a consumer"
    civil = fixed_compensation(
        regime="PL_CIVIL", debtor="business", principal="100", currency="PLN", due=date(2025, 1, 1)
    )
    assert civil.status == "none"
    assert civil.reason.startswith("no rekompensata outside commercial transactions")
    assert civil.rule == "PL_CIVIL: art. 481 KC"


def test_the_table_covers_every_regime_of_the_rate_table() -> None:
    table = builtin_compensation_table()
    assert {r.regime for r in builtin_rate_table().regimes} == {r.regime for r in table.regimes}
    assert all(r.provenance in {"S", "D", "K", "NV"} for r in table.regimes)


# -- bad input and host tables -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"principal": "-0.01"}, "principal"),
        ({"principal": 1.5}, "principal"),
        ({"currency": "XYZ"}, "currency"),
        ({"debtor": "company"}, "debtor"),
        (
            {
                "exchange_rates": [
                    _rate(date(2025, 5, 30), "EUR/PLN", "4.25"),
                    _rate(date(2025, 5, 30), "EUR/PLN", "4.26"),
                ]
            },
            "exchange_rates[1].rate",
        ),
    ],
)
def test_bad_input_names_the_argument(arguments: dict[str, Any], field: str) -> None:
    call: dict[str, Any] = {
        "regime": "PL_B2B",
        "debtor": "business",
        "principal": "100.00",
        "currency": "PLN",
        "due": date(2025, 6, 16),
        **arguments,
    }
    with pytest.raises(InvalidCaseError) as caught:
        fixed_compensation(**call)
    assert caught.value.field == field


def _table_with(regime: dict[str, Any]) -> CompensationTable:
    return CompensationTable.model_validate({"regimes": [regime]})


def test_a_host_table_replaces_the_packaged_one() -> None:
    table = _table_with(
        {
            "regime": "UK",
            "statute": "host's own reading",
            "provenance": "K",
            "debtors": ["business"],
            "fixed_currency": "GBP",
            "tier_currency": "GBP",
            "tiers": [{"up_to": "500", "amount": "20"}, {"up_to": None, "amount": "50"}],
            "rate_date": "latest_on_or_before_due",
        }
    )
    result = fixed_compensation(
        regime="UK",
        debtor="business",
        principal="500",
        currency="GBP",
        due=date(2025, 1, 1),
        table=table,
    )
    assert (result.amount, result.rule) == (Decimal("50.00"), "UK: host's own reading")


@pytest.mark.parametrize(
    "patch",
    [
        {"debtors": ["consumer"]},
        {
            "tiers": [
                {"up_to": "10", "amount": "40"},
                {"up_to": "5", "amount": "70"},
                {"amount": "1"},
            ]
        },
        {"tiers": [{"up_to": "10", "amount": "70"}, {"amount": "40"}]},
        {"tiers": [{"up_to": "10", "amount": "40"}]},
        {"tiers": [{"amount": "0"}]},
        {"tier_currency": "PLN"},
        {"fixed_currency": None},
        {"rate_date": None},
        {"rate_date": "last_business_day_of_previous_month"},
        {"none_reason": "none, but with tiers"},
    ],
)
def test_an_invalid_host_table_is_refused(patch: dict[str, Any]) -> None:
    regime = {
        "regime": "EU",
        "statute": "s",
        "provenance": "K",
        "debtors": ["business"],
        "fixed_currency": "EUR",
        "tier_currency": "EUR",
        "tiers": [{"amount": "40"}],
        "rate_date": "latest_on_or_before_due",
        **patch,
    }
    with pytest.raises(InvalidCaseError):
        _table_with(regime)


def test_regime_keys_are_unique() -> None:
    rule = {"regime": "RU", "statute": "s", "provenance": "K", "none_reason": "none"}
    with pytest.raises(InvalidCaseError):
        CompensationTable.model_validate({"regimes": [rule, rule]})


# -- properties ----------------------------------------------------------------------------------

REGIMES = sorted({r.regime for r in builtin_compensation_table().regimes} | {"XX_UNKNOWN"})
DEBTORS = ("business", "consumer", "public_authority")


@st.composite
def quotes(draw: st.DrawFn, *, currency: str, due: date) -> list[ExchangeRate]:
    """Rates for every pair any regime may need, on the Polish rate date and on the due date.

    Rates from 0.001 to 1000 cover JPY/KWD-sized quotes; one value per pair keeps a pair from
    being quoted twice on a day with two different rates.
    """
    pairs = {("EUR", currency), ("GBP", currency), (currency, "PLN"), ("EUR", "PLN")}
    rate = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1000), places=4)
    by_pair = {pair: draw(rate) for pair in sorted(pairs) if pair[0] != pair[1]}
    days = {due, _pl(due=due).rate_date or due}
    return [
        ExchangeRate(date=day, from_=a, to=b, rate=value)
        for day in sorted(days)
        for (a, b), value in by_pair.items()
    ]


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    """Any regime (and an unknown one), any debtor, any currency, a due date in 2022-2029."""
    currency = draw(currencies())
    due = draw(st.dates(min_value=date(2022, 1, 1), max_value=date(2029, 12, 31)))
    return {
        "regime": draw(st.sampled_from(REGIMES)),
        "debtor": draw(st.sampled_from(DEBTORS)),
        "principal": draw(amounts(currency=currency)),
        "currency": currency,
        "due": due,
        "exchange_rates": draw(st.one_of(st.just([]), quotes(currency=currency, due=due))),
    }


@given(requests())
def test_amount_is_never_negative_and_has_the_currency_precision(request: dict[str, Any]) -> None:
    result = fixed_compensation(**request)
    assert result.amount >= 0
    assert result.amount == round_money(result.amount, request["currency"])
    assert result.amount.as_tuple().exponent == minor_unit(request["currency"]).as_tuple().exponent
    if result.status != "due":
        assert result.amount == 0


@given(requests())
def test_consumers_never_get_compensation(request: dict[str, Any]) -> None:
    result = fixed_compensation(**{**request, "debtor": "consumer"})
    assert (result.status, result.amount) == ("none", Decimal(0))


@given(
    st.sampled_from([("PL_B2B", "PLN"), ("UK", "GBP"), ("EU", "EUR")]),
    st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=2, max_size=6),
)
def test_tiers_are_monotone_in_the_principal(
    regime_currency: tuple[str, str], cents: list[int]
) -> None:
    regime, currency = regime_currency
    fixed = [
        fixed_compensation(
            regime=regime,
            debtor="business",
            principal=Decimal(c).scaleb(-2),
            currency=currency,
            due=date(2025, 6, 16),
        ).fixed_amount
        for c in sorted(cents)
    ]
    assert all(a is not None and b is not None and a <= b for a, b in pairwise(fixed))
