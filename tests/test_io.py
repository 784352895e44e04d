"""Reading case files: JSON always, YAML with PyYAML, and the same Case either way.

YAML's own number and timestamp types would smuggle floats and naive datetimes into a case;
paychase reads YAML numbers as exact decimals and leaves timestamps as text, so the model
rejects a naive time exactly as it would in JSON.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.samples import first_invoice, kowalski, kowalski_contract, sample_case

from paychase import Case, load_case, parse_case
from paychase.errors import InvalidCaseError, PaychaseError, PolicyError

CASE: dict[str, Any] = sample_case(
    clients=[kowalski(locale="pl_PL")],
    contracts=[
        kowalski_contract(grace="3d", late_fee={"kind": "percent_per_month", "rate": "1.5"})
    ],
    invoices=[first_invoice(total="1200.10", payments=[{"date": "2026-02-20", "amount": "200"}])],
    exchange_rates=[{"date": "2025-05-30", "from": "EUR", "to": "PLN", "rate": "4.2497"}],
    history=[
        {
            "at": "2026-03-01T10:00:00+01:00",
            "client": "c1",
            "invoices": ["inv-1"],
            "direction": "out",
            "kind": "reminder",
            "step": "pre_due",
            "channel": "email",
            "outcome": "delivered",
        }
    ],
)

# The same case as a person would write it in YAML: numbers, dates and times unquoted.
CASE_YAML = """\
version: 1
now: 2026-03-03T09:00:00+01:00
policy: freelancer
clients:
  - id: c1
    name: Studio Kowalski
    country: PL
    locale: pl_PL
    timezone: Europe/Warsaw
    contacts: {email: c1@example.com}
contracts:
  - id: k1
    client: c1
    currency: PLN
    payment_terms: 14d
    grace: 3d
    late_fee: {kind: percent_per_month, rate: 1.5}
invoices:
  - id: inv-1
    contract: k1
    issued: 2026-02-16
    due: 2026-03-02
    total: 1200.10
    currency: PLN
    payments:
      - {date: 2026-02-20, amount: 200}
exchange_rates:
  - {date: 2025-05-30, from: EUR, to: PLN, rate: 4.2497}
history:
  - at: 2026-03-01T10:00:00+01:00
    client: c1
    invoices: [inv-1]
    direction: out
    kind: reminder
    step: pre_due
    channel: email
    outcome: delivered
"""


def test_json_and_yaml_give_the_same_case() -> None:
    from_json = parse_case(json.dumps(CASE))
    from_yaml = parse_case(CASE_YAML, format="yaml")
    assert from_yaml == from_json


def test_bytes_are_read_like_text() -> None:
    assert parse_case(json.dumps(CASE).encode()) == parse_case(json.dumps(CASE))
    assert parse_case(CASE_YAML.encode(), format="yaml") == parse_case(CASE_YAML, format="yaml")


def test_yaml_dumped_by_a_program_reads_like_the_json() -> None:
    yaml = pytest.importorskip("yaml")
    assert parse_case(yaml.safe_dump(CASE), format="yaml") == parse_case(json.dumps(CASE))


@pytest.mark.parametrize(
    ("number", "exact"),
    [
        ("1200.10", "1200.10"),  # a float would print 1200.1
        ("0.1", "0.1"),
        ("999999999999.99", "999999999999.99"),  # the largest amount, to the cent
        ("1200", "1200"),
        ("1_200.50", "1200.50"),
    ],
)
def test_yaml_unquoted_numbers_are_exact_decimals(number: str, exact: str) -> None:
    case = parse_case(CASE_YAML.replace("total: 1200.10", f"total: {number}"), format="yaml")
    total = case.invoices[0].total
    assert isinstance(total, Decimal)
    assert str(total) == exact


def test_yaml_rates_keep_every_digit() -> None:
    case = parse_case(CASE_YAML, format="yaml")
    assert str(case.exchange_rates[0].rate) == "4.2497"
    assert str(case.contracts[0].late_fee.rate) == "1.5"


def test_yaml_timestamps_stay_text_so_naive_times_are_refused() -> None:
    text = CASE_YAML.replace("now: 2026-03-03T09:00:00+01:00", "now: 2026-03-03 09:00:00")
    with pytest.raises(InvalidCaseError) as caught:
        parse_case(text, format="yaml")
    assert caught.value.field == "now"
    assert "naive" in caught.value.problem


def test_a_yaml_date_is_a_date_not_midnight_utc() -> None:
    case = parse_case(CASE_YAML, format="yaml")
    assert case.invoices[0].due.isoformat() == "2026-03-02"


def test_json_floats_are_refused_as_amounts() -> None:
    text = json.dumps(CASE).replace('"total": "1200.10"', '"total": 1200.10')
    with pytest.raises(InvalidCaseError) as caught:
        parse_case(text)
    assert caught.value.field == "invoices[0].total"


@pytest.mark.parametrize(
    "text",
    ['{"version": 1,', "{'version': 1}", "version: 1", "", '{"version": 1} trailing'],
)
def test_bad_json_is_an_invalid_case_naming_where(text: str) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        parse_case(text)
    assert caught.value.field == "case"
    assert caught.value.problem.startswith("not valid JSON")
    assert "line 1, column" in caught.value.problem
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["version: [1,\n", "a: b: c\n", "version: !!python/object:os.system echo\n", "\t- x\n"],
)
def test_bad_yaml_is_an_invalid_case(text: str) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        parse_case(text, format="yaml")
    assert caught.value.field == "case"
    assert caught.value.problem.startswith("not valid YAML")


def test_a_yaml_error_prints_on_one_line() -> None:
    with pytest.raises(InvalidCaseError) as caught:
        parse_case("version: [1,\n", format="yaml")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("version: 1\nnow: .nan\n", id="nan"),
        pytest.param(CASE_YAML.replace("total: 1200.10", "total: .inf"), id="inf"),
        pytest.param(
            CASE_YAML.replace("total: 1200.10", "total: -.Inf"),
            id="minus-inf",
        ),
    ],
)
def test_yaml_special_numbers_are_an_invalid_case(text: str) -> None:
    with pytest.raises(InvalidCaseError):
        parse_case(text, format="yaml")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b'{"version": 1, "clients": [{"id": "\xff"}]}', id="invalid-utf8-inside"),
        pytest.param(b"\x80\x81", id="invalid-utf8-start"),
    ],
)
def test_json_bytes_that_are_not_text_are_an_invalid_case(data: bytes) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        parse_case(data)
    assert caught.value.field == "case"


def test_yaml_bytes_that_are_not_text_are_an_invalid_case() -> None:
    with pytest.raises(InvalidCaseError) as caught:
        parse_case(b'version: "\xff"\n', format="yaml")
    assert caught.value.field == "case"


@pytest.mark.parametrize(
    ("text", "form"),
    [("[1, 2]", "json"), ("- 1\n- 2\n", "yaml"), ("", "yaml"), ("null", "json"), ("7", "yaml")],
)
def test_a_document_that_is_not_a_mapping_is_an_invalid_case(text: str, form: str) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        parse_case(text, format=form)  # type: ignore[arg-type]
    assert caught.value.field == "case"


def test_yaml_without_pyyaml_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # makes `import yaml` raise ImportError
    with pytest.raises(InvalidCaseError, match=r"paychase\[yaml\]") as caught:
        parse_case(CASE_YAML, format="yaml")
    assert caught.value.field == "case"


# -- load_case ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["case.yaml", "case.yml", "CASE.YAML"])
def test_load_case_reads_yaml_by_suffix(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(CASE_YAML, encoding="utf-8")
    assert load_case(path) == parse_case(json.dumps(CASE))


@pytest.mark.parametrize("name", ["case.json", "case.txt", "case"])
def test_load_case_reads_anything_else_as_json(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(json.dumps(CASE), encoding="utf-8")
    assert load_case(str(path)) == parse_case(json.dumps(CASE))


def test_a_json_file_with_yaml_inside_is_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(CASE_YAML, encoding="utf-8")
    with pytest.raises(InvalidCaseError, match="not valid JSON"):
        load_case(path)


def test_load_case_on_a_missing_file_is_an_invalid_case(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "case.json"
    with pytest.raises(InvalidCaseError) as caught:
        load_case(missing)
    assert caught.value.field == "case"
    assert caught.value.value == str(missing)
    assert "cannot read" in caught.value.problem
    assert "\n" not in str(caught.value)


def test_load_case_on_a_directory_is_an_invalid_case(tmp_path: Path) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        load_case(tmp_path)
    assert caught.value.field == "case"


def test_load_case_names_the_bad_field_in_the_file(tmp_path: Path) -> None:
    data = json.loads(json.dumps(CASE))
    data["invoices"][0]["totl"] = data["invoices"][0].pop("total")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PaychaseError) as caught:
        load_case(path)
    assert caught.value.field == "invoices[0].totl"


def test_a_parsed_case_is_a_case() -> None:
    assert isinstance(parse_case('{"version": 1}'), Case)


# -- a mapping: the case file already parsed ------------------------------------------------


def test_a_mapping_gives_the_case_its_text_gives() -> None:
    assert parse_case(CASE) == parse_case(json.dumps(CASE))


@pytest.mark.parametrize("form", ["json", "yaml"])
def test_a_mapping_is_validated_whatever_the_format_says(form: str) -> None:
    assert parse_case(CASE, format=form) == parse_case(json.dumps(CASE))  # type: ignore[arg-type]


def test_any_mapping_will_do() -> None:
    from types import MappingProxyType  # noqa: PLC0415 - only this test needs it

    assert parse_case(MappingProxyType(CASE)) == parse_case(CASE)


def test_a_case_dumped_to_python_reads_back() -> None:
    case = parse_case(CASE)
    assert parse_case(case.model_dump()) == case
    assert parse_case(case.model_dump(mode="json")) == case


def test_a_mapping_is_not_changed() -> None:
    data = json.loads(json.dumps(CASE))
    parse_case(data)
    assert data == CASE


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        (
            {"invoices": [{**CASE["invoices"][0], "totl": "1"}]},
            "invoices[0].totl",
            InvalidCaseError,
        ),
        (
            {"invoices": [{**CASE["invoices"][0], "total": 1200.1}]},
            "invoices[0].total",
            InvalidCaseError,
        ),
        ({"now": "2026-03-03T09:00:00"}, "now", InvalidCaseError),
        ({"clients": "c1"}, "clients", InvalidCaseError),
        ({"policy": {"name": "x", "steps": []}}, "policy.steps", PolicyError),
    ],
)
def test_a_bad_mapping_is_refused_naming_the_field(
    change: dict[str, Any], field: str, error: type[PaychaseError]
) -> None:
    with pytest.raises(PaychaseError) as caught:
        parse_case({**CASE, **change})
    assert type(caught.value) is error
    assert caught.value.field == field


@pytest.mark.parametrize("value", [None, 42, ["version", 1], Decimal(1)])
def test_what_is_neither_text_nor_a_mapping_is_an_invalid_case(value: object) -> None:
    with pytest.raises(InvalidCaseError) as caught:
        parse_case(value)  # type: ignore[arg-type]
    assert caught.value.field == "case"
