"""paychase.errors: who is to blame, how an error prints, and that pydantic never leaks out.

SPEC §5 rule 13: bad input raises a `PaychaseError` subclass naming the field and the problem —
never pydantic's `ValidationError` (nor a bare KeyError/TypeError/ValueError from deep inside),
whichever door the data comes in through.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pydantic
import pytest
from tests.samples import sample_case

from paychase import Case, Policy, plan
from paychase.errors import (
    CurrencyMismatchError,
    InvalidCaseError,
    PaychaseError,
    PluginError,
    PolicyError,
)

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Warsaw"))

CASE: dict[str, Any] = sample_case()


def _case(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(CASE)
    data.update(changes)
    return data


def _with_invoice(**changes: Any) -> dict[str, Any]:
    data = _case()
    data["invoices"][0].update(changes)
    return data


# -- the hierarchy: whose fault it is ----------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "parents"),
    [
        (InvalidCaseError, (PaychaseError, ValueError)),
        (CurrencyMismatchError, (InvalidCaseError, PaychaseError, ValueError)),
        (PolicyError, (PaychaseError, ValueError)),
        (PluginError, (PaychaseError,)),
    ],
)
def test_errors_are_split_by_whose_fault_it_is(
    error: type[PaychaseError], parents: tuple[type[Exception], ...]
) -> None:
    for parent in parents:
        assert issubclass(error, parent)


def test_a_plugin_failure_is_not_the_hosts_data() -> None:
    assert not issubclass(PluginError, ValueError)
    assert not issubclass(PolicyError, InvalidCaseError)
    assert not issubclass(InvalidCaseError, PolicyError)


# -- how an error prints -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (
            InvalidCaseError("must not be negative", field="invoices[0].total", value="-5"),
            "invoices[0].total: must not be negative (got '-5')",
        ),
        (
            InvalidCaseError("required field is missing", field="clients[0].timezone"),
            "clients[0].timezone: required field is missing",
        ),
        (PolicyError("no policy given"), "no policy given"),
        (InvalidCaseError("bad", field="now", value=None), "now: bad (got None)"),
        (InvalidCaseError("bad", field="x", value=12), "x: bad (got 12)"),
    ],
)
def test_an_error_prints_field_problem_and_value(error: PaychaseError, text: str) -> None:
    assert str(error) == text
    assert error.summary() == text
    assert error.args == (text,)


def test_an_error_keeps_its_parts() -> None:
    error = CurrencyMismatchError(
        "currency EUR does not match", field="invoices[1].currency", value="EUR"
    )
    assert (error.problem, error.field, error.value) == (
        "currency EUR does not match",
        "invoices[1].currency",
        "EUR",
    )
    assert error.has_value
    assert error.others == ()


def test_an_error_without_a_value_says_so() -> None:
    error = InvalidCaseError("required field is missing", field="now")
    assert error.value is None
    assert not error.has_value


def test_a_long_value_is_shortened_to_keep_the_line_short() -> None:
    error = InvalidCaseError("too long", field="clients[0].name", value="x" * 500)
    text = str(error)
    assert text.endswith("…)")
    assert len(text) < 120


@pytest.mark.parametrize(
    ("others", "tail"),
    [
        (["invoices[1].total: required field is missing"], " (and 1 more problem)"),
        (["a: x", "b: y", "c: z"], " (and 3 more problems)"),
    ],
)
def test_further_problems_are_counted_not_printed(others: list[str], tail: str) -> None:
    error = InvalidCaseError("required field is missing", field="invoices[0].total", others=others)
    assert str(error) == "invoices[0].total: required field is missing" + tail
    assert error.summary() == "invoices[0].total: required field is missing"
    assert error.others == tuple(others)


def test_every_problem_in_the_input_is_kept() -> None:
    data = _case()
    del data["invoices"][0]["total"]
    del data["clients"][0]["timezone"]
    with pytest.raises(InvalidCaseError) as caught:
        Case.model_validate(data)
    assert caught.value.field == "clients[0].timezone"
    assert caught.value.others == ("invoices[0].total: required field is missing",)
    assert str(caught.value).endswith("(and 1 more problem)")
    assert "\n" not in str(caught.value)


def test_an_unknown_field_is_reported_before_the_missing_one_it_explains() -> None:
    data = _case()
    data["invoices"][0]["totl"] = data["invoices"][0].pop("total")
    with pytest.raises(InvalidCaseError) as caught:
        Case.model_validate(data)
    assert caught.value.field == "invoices[0].totl"
    assert "unknown field" in caught.value.problem
    assert caught.value.others == ("invoices[0].total: required field is missing",)


# -- pydantic's ValidationError never leaks, whichever way the data comes in -------------------

ENTRY_POINTS: dict[str, Callable[[dict[str, Any]], object]] = {
    "Case(**data)": lambda data: Case(**data),
    "Case.model_validate": Case.model_validate,
    "Case.model_validate_json": lambda data: Case.model_validate_json(json.dumps(data)),
    "plan(dict)": lambda data: plan(data, now=NOW),
}

BAD_INPUTS: dict[str, tuple[dict[str, Any], type[PaychaseError], str]] = {
    "unknown field": (_with_invoice(totl="1"), InvalidCaseError, "invoices[0].totl"),
    "missing field": (_case(clients=[{"id": "c1"}]), InvalidCaseError, "clients[0].name"),
    "negative amount": (_with_invoice(total="-1.00"), InvalidCaseError, "invoices[0].total"),
    "naive now": (_case(now="2026-03-03T09:00:00"), InvalidCaseError, "now"),
    "currency mismatch": (
        _with_invoice(currency="EUR"),
        CurrencyMismatchError,
        "invoices[0].currency",
    ),
    "unknown policy": (_case(policy="lenient"), PolicyError, "policy"),
    "not an object": (_case(clients="c1"), InvalidCaseError, "clients"),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("bad", sorted(BAD_INPUTS))
def test_every_entry_point_raises_paychase_errors(entry: str, bad: str) -> None:
    data, error, field = BAD_INPUTS[bad]
    with pytest.raises(PaychaseError) as caught:
        ENTRY_POINTS[entry](copy.deepcopy(data))
    assert not isinstance(caught.value, pydantic.ValidationError)
    assert type(caught.value) is error
    assert caught.value.field == field
    # Translated once, at the boundary: the pydantic error is not chained for a host to dig in.
    assert not isinstance(caught.value.__cause__, pydantic.ValidationError)
    assert caught.value.__suppress_context__ or caught.value.__context__ is None


@pytest.mark.parametrize(
    "text",
    ["{not json", "[1, 2]", '"a string"', "null", ""],
)
def test_model_validate_json_rejects_text_that_is_not_a_case(text: str) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        Case.model_validate_json(text)
    assert caught.value.field == "case"


@pytest.mark.parametrize("value", [None, "a case", 42, ["clients"]])
def test_plan_rejects_what_is_not_a_case(value: Any) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        plan(value, now=NOW)
    assert caught.value.field == "case"


def test_a_policy_built_by_the_host_raises_policy_errors() -> None:
    with pytest.raises(PolicyError) as caught:
        Policy(name="empty", steps=[])
    assert caught.value.field == "steps"
    with pytest.raises(PolicyError) as caught:
        Policy.model_validate({"name": "typo", "stpes": []})
    assert caught.value.field == "stpes"
    with pytest.raises(PolicyError) as caught:
        Policy.model_validate_json('{"name": "x", "min_gap": "3 days", "steps": []}')
    assert caught.value.field in ("min_gap", "steps")


def test_a_valid_case_still_builds_through_every_entry_point() -> None:
    built = [ENTRY_POINTS[entry](_case()) for entry in sorted(ENTRY_POINTS)]
    cases = [item for item in built if isinstance(item, Case)]
    assert len(cases) == 3
    assert cases[0] == cases[1] == cases[2]
