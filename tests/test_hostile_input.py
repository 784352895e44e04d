"""Hostile input is refused with one `PaychaseError` naming the field, never a traceback.

The files in tests/hostile/ are the reproducers of the reliability review of December 2026
(issue 19): each once ended in a traceback, an error blaming the wrong field, or a message that
let a header through. Each must now be refused when the case is read (a case that plans past
2199: when it is planned), by the library and by the command line alike: exit status 2 and
exactly one line on standard error. The other inputs of issue 19 follow: limits of text and
numbers, the files paychase reads and writes, and the command line's own arguments.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tests.samples import first_invoice, kowalski, kowalski_contract, sample_case

from paychase import _files, builtin_policy, load_case, parse_case, plan, statement
from paychase._text import MAX_EMAIL, MAX_NAME, MAX_NUMBER
from paychase.cli import _config
from paychase.cli._main import main
from paychase.errors import PaychaseError
from paychase.messages import Renderer
from paychase.simulation import load_script

REPO = Path(__file__).resolve().parent.parent
HOSTILE = REPO / "tests" / "hostile"

# Reproducer → the field the error names and a phrase of its problem.
REFUSED = [
    ("deep_nesting.json", "case", "nested too deeply"),
    ("deep.yaml", "case", "nested too deeply"),
    ("big_integer.json", "case", "integer too long"),
    ("lone_surrogate_number.json", "invoices[0].number", "not valid Unicode"),
    ("lone_surrogate_email.json", "clients[0].contacts.email", "not valid Unicode"),
    ("timezone_too_long.json", "clients[0].timezone", "at most 64 characters"),
    ("header_parse_error_email.json", "clients[0].contacts.email", "not a plain e-mail address"),
    ("encoded_word_name.json", "clients[0].name", "encoded word"),
    ("encoded_word_sender_name.json", "sender.name", "encoded word"),
    ("encoded_word_invoice_number.json", "invoices[0].number", "encoded word"),
    ("long_name_line_too_long.json", "clients[0].name", "at most 200 characters"),
    ("amount_overflow.json", "invoices[0].total", "less than 1,000,000,000,000"),
    ("rate_overflow.json", "exchange_rates[0].rate", "less than 10^9"),
    ("kill_fee_overflow.json", "contracts[0].kill_fee.rate", "at most 1000"),
]


def test_every_reproducer_file_of_the_review_is_a_test() -> None:
    """The review's case files, copied here: each is refused below, or planned past 2199."""
    tested = {name for name, *_ in REFUSED} | {"prospect_after_2199.json"}
    assert {path.name for path in HOSTILE.iterdir()} == tested


@pytest.mark.parametrize(("name", "field", "phrase"), REFUSED)
def test_the_library_refuses_a_hostile_case_naming_the_field(
    name: str, field: str, phrase: str
) -> None:
    with pytest.raises(PaychaseError) as caught:
        load_case(HOSTILE / name)
    assert caught.value.field == field
    assert phrase in caught.value.problem


def _one_line_refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the command line in-process; it must exit 2 with one line on stderr: that line."""
    status = main(list(argv))
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.count("\n") == 1, err
    assert err.startswith("paychase: error: ")
    return err


@pytest.mark.parametrize(("name", "field", "phrase"), REFUSED)
def test_the_command_line_refuses_a_hostile_case_in_one_line(
    capsys: pytest.CaptureFixture[str], name: str, field: str, phrase: str
) -> None:
    for command in ("plan", "preview"):
        if command == "preview" and name.endswith(".yaml"):
            continue  # the YAML is refused as the JSON is; reading it once (2 s) is enough
        line = _one_line_refusal(capsys, command, str(HOSTILE / name))
        assert f"error: {field}: " in line
        assert phrase in line


def test_the_installed_command_prints_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "paychase", "plan", str(HOSTILE / "deep_nesting.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("paychase: error: case: nested too deeply")


# -- dates: a plan holds no date a case could not -----------------------------------------


def test_a_plan_past_2199_is_refused_naming_the_record_not_now(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = load_case(HOSTILE / "prospect_after_2199.json")
    with pytest.raises(PaychaseError, match="after 2199-12-31") as caught:
        plan(case, now=None)
    assert caught.value.field == "chases[0]"
    line = _one_line_refusal(capsys, "preview", str(HOSTILE / "prospect_after_2199.json"))
    assert "error: chases[0]: its next action would fall on 2200-01-07" in line


@pytest.mark.parametrize(
    ("terms", "policy"),
    [
        ({"grace": "36500d"}, "freelancer"),
        ({"payment_terms": "99999w"}, "freelancer"),
        (
            {},
            {
                "name": "slow",
                "steps": [
                    {"id": "s", "from": "due", "offset": "99999d", "action": "send_reminder"}
                ],
            },
        ),
    ],
)
def test_durations_that_reach_past_2199_are_refused_naming_the_invoice(
    terms: dict[str, Any], policy: Any
) -> None:
    invoice = {"id": "inv-1", "contract": "k1", "issued": "2120-01-01", "total": "10"}
    if "payment_terms" not in terms:
        invoice["due"] = "2120-01-15"
    case = sample_case(
        contracts=[kowalski_contract(**terms)],
        invoices=[invoice | {"currency": "PLN"}],
        policy=policy,
    )
    with pytest.raises(PaychaseError, match="after 2199-12-31") as caught:
        plan(case, now=datetime(2130, 1, 1, tzinfo=UTC))
    assert caught.value.field == "invoices[0]"


NEW_YEARS_EVE_2199 = datetime(2199, 12, 31, 21, 0, tzinfo=timezone(timedelta(hours=1)))


def test_an_instalment_reminder_past_2199_is_refused_naming_the_plan() -> None:
    paid_first = first_invoice(
        issued="2199-11-01", due="2199-11-15", payments=[{"date": "2199-12-30", "amount": "400"}]
    )
    arrangement = {
        "id": "p1",
        "client": "c1",
        "invoices": ["inv-1"],
        "agreed": "2199-11-20",
        "instalments": 3,
        "first": "2199-12-31",
    }
    case = sample_case(invoices=[paid_first], instalment_plans=[arrangement])
    with pytest.raises(PaychaseError, match="would fall on 2200-01-28") as caught:
        plan(case, now=NEW_YEARS_EVE_2199)
    assert caught.value.field == "instalment_plans[0]"


def test_a_request_for_work_past_2199_is_refused_naming_the_contract() -> None:
    deposit = kowalski_contract(value="1000", deposit={"rate": "30"}, work_started="2199-12-31")
    case = sample_case(contracts=[deposit], invoices=[])
    with pytest.raises(PaychaseError, match="after 2199-12-31") as caught:
        plan(case, now=NEW_YEARS_EVE_2199)
    assert caught.value.field == "contracts[0]"


def test_a_planning_moment_outside_1900_to_2199_in_the_clients_zone_is_blamed_on_now() -> None:
    deposit = kowalski_contract(value="1000", deposit={"rate": "30"}, work_started="1900-01-05")
    case = sample_case(clients=[kowalski(timezone="Etc/GMT+12")], contracts=[deposit], invoices=[])
    case["policy"] = builtin_policy("freelancer").model_dump(mode="json")
    case["policy"]["business_days_only"] = False  # the deposit is asked for at once
    first_moment = datetime(1900, 1, 1, tzinfo=timezone(timedelta(hours=14)))
    with pytest.raises(PaychaseError, match="this is 1899-12-30, outside") as caught:
        plan(case, now=first_moment)
    assert caught.value.field == "now"


# -- text: valid Unicode everywhere; header-bound fields short, one line, no encoded word ----


def _every_string(data: Any, path: str = "") -> Iterator[tuple[str, list[Any]]]:
    """Each string leaf of JSON data: its field path, and the keys leading to it."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        where = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key
        if isinstance(value, str):
            yield where, [key]
        elif isinstance(value, dict | list):
            yield from ((inner, [key, *keys]) for inner, keys in _every_string(value, where))


def _replaced(data: Any, keys: list[Any], value: Any) -> Any:
    """A deep copy of `data` with the leaf at `keys` replaced by `value`."""
    copy = json.loads(json.dumps(data))
    holder = copy
    for key in keys[:-1]:
        holder = holder[key]
    holder[keys[-1]] = value
    return copy


def test_a_lone_surrogate_is_refused_in_every_text_of_the_example() -> None:
    portfolio = json.loads((REPO / "examples" / "portfolio.json").read_text(encoding="utf-8"))
    for path, keys in _every_string(portfolio):
        hostile = _replaced(portfolio, keys, "x\ud800")
        with pytest.raises(PaychaseError) as caught:
            parse_case(hostile)
        assert path.startswith(caught.value.field or "?"), (path, str(caught.value))


def _full_case() -> dict[str, Any]:
    """The sample case with every header-bound field filled in: sender, milestone, chase."""
    return sample_case(
        sender={"name": "Studio", "email": "me@studio.example", "signatory": "Anna Nowak"},
        contracts=[
            kowalski_contract(
                milestones=[{"id": "m1", "name": "Design", "amount": "10", "due": "2026-03-01"}]
            )
        ],
        chases=[
            {
                "id": "q1",
                "client": "c1",
                "kind": "prospect",
                "started": "2026-03-01T10:00:00+01:00",
                "subject": "the quote",
            }
        ],
    )


HEADER_BOUND = [
    "clients[0].name",
    "clients[0].contacts.email",
    "sender.name",
    "sender.email",
    "sender.signatory",
    "invoices[0].number",
    "contracts[0].milestones[0].name",
    "chases[0].subject",
]


def _keys(path: str) -> list[Any]:
    """``'a[0].b'`` → ``['a', 0, 'b']``."""
    return [int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", path)]


@pytest.mark.parametrize("path", HEADER_BOUND)
@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("=?utf-8?q?A=0D=0ABcc:_x@evil.example?=@x.example", "encoded word"),
        ("a" * 250 + "@x.example", "at most"),
        ("Line\u2028break@x.example", "control characters"),
    ],
)
def test_header_bound_fields_refuse_what_could_forge_or_break_a_header(
    path: str, value: str, phrase: str
) -> None:
    with pytest.raises(PaychaseError, match=phrase) as caught:
        parse_case(_replaced(_full_case(), _keys(path), value))
    assert caught.value.field == path


@pytest.mark.parametrize(
    "address",
    ["Jan <jan@x.example>", "jan@x.example, eve@y.example", '"jan"@x.example', "jan", "a@b@c"],
)
def test_an_email_address_is_a_plain_addr_spec(address: str) -> None:
    with pytest.raises(PaychaseError, match="not a plain e-mail address") as caught:
        parse_case(_replaced(_full_case(), _keys("clients[0].contacts.email"), address))
    assert caught.value.field == "clients[0].contacts.email"


def test_header_bound_fields_take_their_longest_values() -> None:
    case = _full_case()
    for path, value in [
        ("clients[0].name", "N" * MAX_NAME),
        ("clients[0].contacts.email", "a" * (MAX_EMAIL - 10) + "@x.example"),
        ("invoices[0].number", "9" * MAX_NUMBER),
        ("chases[0].subject", "Zażółć gęślą jaźń " * 11),
    ]:
        case = _replaced(case, _keys(path), value)
    assert parse_case(case).invoices[0].number == "9" * MAX_NUMBER


@pytest.mark.parametrize("zone", ["Europe", "Europe/" + "x" * 300, "zone.tab", "../UTC"])
def test_a_time_zone_that_is_no_zone_is_refused(zone: str) -> None:
    with pytest.raises(PaychaseError) as caught:
        parse_case(_replaced(_full_case(), _keys("clients[0].timezone"), zone))
    assert caught.value.field == "clients[0].timezone"


# -- numbers: bounded so that everything computed from them fits the outputs -------------

LARGEST = "999999999999.9999"  # the largest amount of the currency with the most decimals (CLF)


def _largest_case(late_fee: dict[str, Any]) -> dict[str, Any]:
    """Every number at its largest, the invoice due on the earliest day, fees applied then."""
    contract = kowalski_contract(
        currency="CLF",
        late_fee=late_fee,
        fixed_compensation=True,
        value=LARGEST,
        kill_fee={"after_silence": "1d", "rate": "1000"},
        deposit={"rate": "1000"},
        work_started="1900-01-01",
        early_payment_discount={"rate": "100", "within": "99999d"},
    )
    invoices = [
        {
            "id": f"i{n}",
            "contract": "k1",
            "issued": "1900-01-01",
            "due": "1900-01-01",
            "total": LARGEST,
            "currency": "CLF",
        }
        for n in range(3)
    ]
    applied = {
        "at": "1900-01-20T10:00:00+01:00",
        "client": "c1",
        "invoices": ["i0", "i1", "i2"],
        "direction": "out",
        "kind": "reminder",
        "step": "with_fee",
    }
    rates = [{"date": "1900-01-01", "from": "EUR", "to": "CLF", "rate": "999999999.9"}]
    return _full_case() | {
        "contracts": [contract],
        "invoices": invoices,
        "history": [applied],
        "exchange_rates": rates,
        "chases": [],
    }


LAST_MOMENT = datetime(2199, 12, 1, 12, 0, tzinfo=timezone(timedelta(hours=-12)))


@pytest.mark.parametrize(
    "late_fee",
    [
        {"kind": "daily_rate", "rate": "100"},
        {"kind": "percent_per_month", "rate": "1000"},
        {"kind": "flat", "amount": LARGEST, "per": "step"},
        {"kind": "statutory"},
    ],
    ids=lambda fee: str(fee["kind"]),
)
def test_the_largest_numbers_fit_every_output_three_centuries_on(late_fee: dict[str, Any]) -> None:
    case = parse_case(_largest_case(late_fee))
    planned = plan(case, now=LAST_MOMENT)
    assert planned.actions
    statement(case, "c1", now=LAST_MOMENT)
    renderer = Renderer()
    for action in planned.actions:
        renderer.render(case, action)


def test_a_fee_compounding_for_centuries_is_refused_naming_its_clause() -> None:
    compounding = {"kind": "percent_per_month", "rate": "1", "compound": True}
    case = parse_case(_largest_case(compounding))
    with pytest.raises(PaychaseError, match="cap or cap_rate") as caught:
        plan(case, now=LAST_MOMENT)
    assert caught.value.field == "contracts[0].late_fee"


@pytest.mark.parametrize(
    ("path", "value", "phrase"),
    [
        ("invoices[0].total", "1000000000000", "less than 1,000,000,000,000"),
        ("invoices[0].total", 10**12, "less than 1,000,000,000,000"),
        ("contracts[0].late_fee.rate", "1000.01", "at most 1000"),
        ("contracts[0].early_payment_discount.rate", "100.5", "at most 100"),
        ("exchange_rates[0].rate", "0.0000000009", "at least 0.000000001"),
        ("exchange_rates[0].rate", "1e-400", "at least 0.000000001"),
    ],
)
def test_numbers_past_their_bounds_are_refused(path: str, value: Any, phrase: str) -> None:
    case = _largest_case({"kind": "percent", "rate": "5"})
    case["contracts"][0]["currency"] = "EUR"
    case["invoices"] = [case["invoices"][0] | {"currency": "EUR", "total": "1.00"}]
    case["history"] = []
    with pytest.raises(PaychaseError, match=re.escape(phrase)) as caught:
        parse_case(_replaced(case, _keys(path), value))
    assert caught.value.field == path


# -- what is read: only regular files, of a bounded size ----------------------------------


def test_a_device_is_refused_without_being_read(capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_line_refusal(capsys, "plan", os.devnull)
    assert "case: cannot read the case file: not a regular file" in line


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_waiting_for_a_writer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    line = _one_line_refusal(capsys, "plan", str(fifo))
    assert "not a regular file" in line


def test_a_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_line_refusal(capsys, "plan", str(tmp_path))
    assert "not a regular file" in line


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_files, "MAX_INPUT_BYTES", 10)
    path = tmp_path / "case.json"
    path.write_text('{"version": 1}', encoding="utf-8")
    line = _one_line_refusal(capsys, "plan", str(path))
    assert "cannot read the case file: larger than" in line


def test_standard_input_is_read_up_to_the_size_limit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_files, "MAX_INPUT_BYTES", 10)
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=_Endless()))
    line = _one_line_refusal(capsys, "plan", "-")
    assert "case: cannot read standard input: larger than" in line


class _Endless:
    """Standard input that never ends, like ``/dev/zero``: reads return what is asked for."""

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "standard input must be read with a bound"
        return b" " * size


# -- what is written: a path that cannot be written is the option's fault -----------------

PORTFOLIO = REPO / "examples" / "portfolio.json"


@pytest.fixture
def workspace_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with the example portfolio in a fresh folder, made the current one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAYCHASE_DB", raising=False)
    monkeypatch.setattr(_config, "_user_config_dir", lambda: tmp_path / "no-user-config")
    assert main(["init"]) == 0
    assert main(["import", str(PORTFOLIO)]) == 0
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "option", "problem"),
    [
        (["preview", str(PORTFOLIO), "--out", "a-file"], "--out", "File exists"),
        (
            ["evidence", str(PORTFOLIO), "--client", "nowak", "--out", "a-file"],
            "--out",
            "File exists",
        ),
        (["preview", str(PORTFOLIO), "--out", "x" * 300], "--out", "File name too long"),
        (["tasks", "--ics", "no-folder/calls.ics"], "--ics", "No such file or directory"),
        (["tasks", "--out", "a-file"], "--out", "File exists"),
        (["export", "--out", "no-folder/books.json"], "--out", "No such file or directory"),
    ],
)
def test_an_output_that_cannot_be_written_is_refused_naming_its_option(
    workspace_here: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    option: str,
    problem: str,
) -> None:
    (workspace_here / "a-file").write_text("", encoding="utf-8")
    capsys.readouterr()
    line = _one_line_refusal(capsys, *argv)
    assert f"error: {option}: cannot write there: {problem}" in line


def test_invoice_documents_that_cannot_be_looked_at_are_refused_naming_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path
    while len(str(folder)) < 4000:  # a real folder whose documents' paths are too long
        folder = folder / ("d" * 200)
    folder.mkdir(parents=True)
    line = _one_line_refusal(capsys, "preview", str(PORTFOLIO), "--invoices", str(folder))
    assert "error: invoices: cannot read an invoice document: File name too long" in line


# -- every other parser of user files ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"), [("[" * 5000, "nested too deeply"), ("[" + "9" * 5000 + "]", "too long")]
)
def test_a_simulation_script_is_parsed_like_a_case(tmp_path: Path, text: str, phrase: str) -> None:
    path = tmp_path / "script.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PaychaseError, match=phrase) as caught:
        load_script(path)
    assert caught.value.field == "script"


def test_a_config_nested_too_deeply_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "paychase.toml").write_text("a = " + "[" * 5000, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    line = _one_line_refusal(capsys, "plan", str(HOSTILE / "deep.yaml"))
    assert "paychase.toml: cannot read it: nested too deeply" in line


@pytest.mark.parametrize(
    "argv",
    [["pay", "inv-\udcff", "10"], ["reviews", "done", "k\udcff"], ["plan", "/tmp/\udcff.json"]],
)
def test_arguments_that_are_not_utf8_are_refused_before_any_command(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    line = _one_line_refusal(capsys, *argv)
    assert "not UTF-8 text" in line


@pytest.mark.parametrize("kind", ["device", "fifo", "nested", "directory"])
def test_a_rate_table_is_read_like_a_case_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """``--rates /dev/zero`` read until memory ran out, a FIFO waited forever, deep nesting
    ended in a RecursionError traceback."""
    path = tmp_path / "rates.json"
    if kind == "device":
        path = Path(os.devnull)
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this system")
        os.mkfifo(path)
    elif kind == "nested":
        path.write_text("[" * 100_000, encoding="utf-8")
    else:
        path = tmp_path
    line = _one_line_refusal(capsys, "plan", str(PORTFOLIO), "--rates", str(path))
    assert f"error: {path}: cannot read the rate table: " in line
