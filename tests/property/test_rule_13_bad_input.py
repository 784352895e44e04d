"""SPEC §5 rule 13: bad input is rejected with a `PaychaseError` subclass naming the field and
the problem — never a bare KeyError, TypeError or ValueError from deep inside."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from babel.numbers import get_currency_precision
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import Json, amounts, cases, currencies

import paychase
from paychase.errors import CurrencyMismatchError, InvalidCaseError, PaychaseError

Broken = tuple[Json, datetime, type[PaychaseError], str]


def _pick(draw: st.DrawFn, items: list[Any]) -> int:
    return draw(st.integers(min_value=0, max_value=len(items) - 1))


@st.composite
def broken_cases(draw: st.DrawFn) -> Broken:
    """A valid case with exactly one thing wrong, the error class expected, and the field."""
    case, now = draw(cases())
    case = copy.deepcopy(case)
    kinds = [
        "negative_total",
        "float_total",
        "unknown_field",
        "unknown_client",
        "unknown_contract",
        "due_before_issue",
        "currency_mismatch",
        "too_precise",
        "naive_now",
        "duplicate_id",
        "bad_duration",
    ]
    if case["history"]:
        kinds += ["naive_event", "unknown_event_invoice", "unknown_event_client"]
    if any(invoice.get("payments") for invoice in case["invoices"]):
        kinds += ["negative_payment"]
    kind = draw(st.sampled_from(kinds))
    invoices, n = case["invoices"], _pick(draw, case["invoices"])
    invoice = invoices[n]
    unit = Decimal(1).scaleb(-get_currency_precision(invoice["currency"]))
    if kind == "negative_total":
        invoice["total"] = "-" + draw(amounts(currency=invoice["currency"], min_value=unit))
        return case, now, InvalidCaseError, f"invoices[{n}].total"
    if kind == "float_total":
        invoice["total"] = draw(st.floats(min_value=0, max_value=1e6))
        return case, now, InvalidCaseError, f"invoices[{n}].total"
    if kind == "too_precise":
        invoice["total"] = str(Decimal(invoice["total"]) + unit / 10)
        return case, now, InvalidCaseError, f"invoices[{n}].total"
    if kind == "negative_payment":
        n = draw(st.sampled_from([i for i, inv in enumerate(invoices) if inv.get("payments")]))
        payments = invoices[n]["payments"]
        p = _pick(draw, payments)
        payments[p]["amount"] = "-" + payments[p]["amount"]
        return case, now, InvalidCaseError, f"invoices[{n}].payments[{p}].amount"
    if kind == "unknown_field":
        where = draw(st.sampled_from(["", "clients", "contracts", "invoices", "contacts"]))
        typo = draw(st.sampled_from(["totl", "curency", "due_date", "x"]))
        if where == "":
            case[typo] = "1"
            return case, now, InvalidCaseError, typo
        if where == "contacts":
            c = _pick(draw, case["clients"])
            case["clients"][c].setdefault("contacts", {})[typo] = "1"
            return case, now, InvalidCaseError, f"clients[{c}].contacts.{typo}"
        i = _pick(draw, case[where])
        case[where][i][typo] = "1"
        return case, now, InvalidCaseError, f"{where}[{i}].{typo}"
    if kind == "unknown_client":
        k = _pick(draw, case["contracts"])
        case["contracts"][k]["client"] = "nobody"
        return case, now, InvalidCaseError, f"contracts[{k}].client"
    if kind == "unknown_contract":
        invoice["contract"] = "no-such-contract"
        return case, now, InvalidCaseError, f"invoices[{n}].contract"
    if kind == "due_before_issue":
        issued = date.fromisoformat(invoice["issued"])
        invoice["due"] = (issued - timedelta(days=draw(st.integers(1, 400)))).isoformat()
        return case, now, InvalidCaseError, f"invoices[{n}].due"
    if kind == "currency_mismatch":
        other = draw(currencies().filter(lambda code: code != invoice["currency"]))
        invoice["currency"] = other
        return case, now, CurrencyMismatchError, f"invoices[{n}].currency"
    if kind == "naive_now":
        case["now"] = now.replace(tzinfo=None).isoformat()
        return case, now, InvalidCaseError, "now"
    if kind == "duplicate_id":
        invoices.append(copy.deepcopy(invoice))
        return case, now, InvalidCaseError, f"invoices[{len(invoices) - 1}].id"
    if kind == "bad_duration":
        k = _pick(draw, case["contracts"])
        case["contracts"][k]["grace"] = draw(st.sampled_from(["3 days", "P3D", "3", "+1bd@TU"]))
        return case, now, InvalidCaseError, f"contracts[{k}].grace"
    e = _pick(draw, case["history"])
    event = case["history"][e]
    if kind == "naive_event":
        event["at"] = datetime.fromisoformat(event["at"]).replace(tzinfo=None).isoformat()
        return case, now, InvalidCaseError, f"history[{e}].at"
    if kind == "unknown_event_invoice":
        event["invoices"] = ["no-such-invoice"]
        return case, now, InvalidCaseError, f"history[{e}].invoices[0]"
    event["client"] = "nobody"
    return case, now, InvalidCaseError, f"history[{e}].client"


@given(broken_cases())
def test_rule_13_bad_input_names_the_field(broken: Broken) -> None:
    case, now, error, field = broken
    with pytest.raises(error) as caught:
        paychase.plan(case, now=now)
    assert caught.value.field == field, (caught.value.field, str(caught.value))
    assert str(caught.value).startswith(field)
    assert caught.value.problem


@given(cases())
def test_rule_13_naive_now_is_refused(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    with pytest.raises(InvalidCaseError) as caught:
        paychase.plan(case, now=now.replace(tzinfo=None))
    assert caught.value.field == "now"


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))


# Junk of every JSON type, with the values that once escaped as bare exceptions: numbers
# beyond Decimal's precision, business days beyond the calendar search, the end of time.
_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.sampled_from(
        [
            "",
            "-1",
            "0",
            "1e400",
            "NaN",
            "Infinity",
            "2026-02-30",
            "P1D",
            "+1w@XX",
            "99999d",
            "3000bd",
            "99999w",
            "9999-12-31",
            "0001-01-01",
            "-5bd",
            "+2w@SU",
            "36h",
            "Europe/Nowhere",
            "xx",
            "EUR",
            "XXX",
            "2026-03-10T09:00:00",
            "2026-03-10T25:00:00+01:00",
            "email",
            "system",
        ]
    ),
)


@given(cases(), st.data())
def test_rule_13_garbage_anywhere_is_a_paychase_error(
    case_and_now: tuple[Json, datetime],
    data: st.DataObject,
) -> None:
    case, now = case_and_now
    paths = [p for p in _leaves(case) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    junk = data.draw(_JUNK, label="junk")
    target: Any = case
    for part in path[:-1]:
        target = target[part]
    if data.draw(st.booleans(), label="delete") and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = junk
    problem: PaychaseError | None = None
    try:
        paychase.plan(case, now=now)
    except PaychaseError as error:  # anything else escapes and fails the test
        problem = error
    assert problem is None or problem.field, str(problem)


def _long_terms_case(terms: str) -> Json:
    return {
        "version": 1,
        "policy": "freelancer",
        "clients": [{"id": "c1", "name": "C", "country": "PL", "timezone": "Europe/Warsaw"}],
        "contracts": [{"id": "k1", "client": "c1", "currency": "PLN", "payment_terms": terms}],
        "invoices": [
            {
                "id": "i1",
                "contract": "k1",
                "issued": "2026-02-01",
                "total": "100.00",
                "currency": "PLN",
            }
        ],
    }


def test_rule_13_overlong_business_day_terms_are_refused_by_name() -> None:
    with pytest.raises(PaychaseError) as caught:
        paychase.plan(
            _long_terms_case("3000bd"), now=datetime.fromisoformat("2026-03-02T09:00:00+01:00")
        )
    assert caught.value.field == "contracts[0].payment_terms"


def test_rule_13_dates_at_the_end_of_the_calendar_are_refused_by_name() -> None:
    case = _long_terms_case("14d")
    case["invoices"][0]["issued"] = "9999-12-30"
    with pytest.raises(PaychaseError):
        paychase.plan(case, now=datetime.fromisoformat("9999-12-31T09:00:00+01:00"))
