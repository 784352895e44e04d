"""paychase.rates against each publisher's documented answer, served on 127.0.0.1.

A real HTTP server (``http.server`` in a thread) answers with the files in ``tests/data/rates``:
the clients are tested over the wire, with errors, days without data and format drift, and
without the internet. `test_real_publishers` alone reaches the publishers, when it can.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from paychase import load_case, plan
from paychase.cli import main
from paychase.cli._rates import rate_gap_warning
from paychase.errors import InvalidCaseError, RateSourceError
from paychase.money import builtin_rate_table
from paychase.rates import (
    Fetcher,
    ecb_rate,
    find_rate_table,
    nbp_rate,
    overlay,
    rate_status,
    read_rate_file,
    update_table,
    write_rate_file,
)
from paychase.rates._sources import SOURCES

DATA = Path(__file__).parent / "data" / "rates"
TODAY = date(2026, 12, 7)
FILES = {
    "/ecb": "ecb_mro.csv",
    "/bbk": "bbk_base.csv",
    "/nbp": "nbp_reference.xml",
    "/boe": "boe_bank_rate.csv",
    "/cbr": "cbr_key_rate.xml",
    "/ppa": "us_ppa.json",
    "/nbpfx/eur/2025-05-30/": "nbp_eur_2025-05-30.json",
    "/ecbfx/D.PLN.EUR.SP00.A": "ecb_exr_pln.csv",
}
KEYS = {
    "ecb_mro": "/ecb",
    "bbk_base": "/bbk",
    "nbp_reference": "/nbp",
    "boe_bank_rate": "/boe",
    "cbr_key_rate": "/cbr",
    "us_ppa": "/ppa",
}


class Publisher(ThreadingHTTPServer):
    """Answers each path with a file, or with what a test put in `answers`."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: dict[str, tuple[int, str]] = {
            path: (200, (DATA / name).read_text(encoding="utf-8")) for path, name in FILES.items()
        }
        self.asked: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def urls(self) -> dict[str, str]:
        return {key: self.base + path for key, path in KEYS.items()}


class _Handler(BaseHTTPRequestHandler):
    server: Publisher

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.server.asked.append(self.path)
        status, body = self.server.answers.get(path, (404, "Not Found - Brak danych"))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    server = Publisher()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _fetcher() -> Fetcher:
    return Fetcher(pause=0)


def _read(publisher: Publisher, key: str):  # type: ignore[no-untyped-def]
    with _fetcher() as fetcher:
        return SOURCES[key].read(fetcher, publisher.urls()[key], TODAY)


# -- each source ------------------------------------------------------------------------------


def test_ecb_mro_is_read_as_changes(publisher: Publisher) -> None:
    series = _read(publisher, "ecb_mro")
    assert series.in_force(date(2026, 7, 1)).value == Decimal("2.15")  # type: ignore[union-attr]
    assert series.in_force(date(2022, 7, 1)).value == Decimal("0.0")  # type: ignore[union-attr]
    assert series.known_through == TODAY
    assert "format=csvdata" in publisher.asked[0]


def test_every_source_derives_what_the_shipped_table_states(publisher: Publisher) -> None:
    """The official series, by each regime's rule, give the researched table's figures."""
    update = update_table(
        builtin_rate_table(), today=TODAY, urls=publisher.urls(), fetcher=_fetcher()
    )
    shipped = builtin_rate_table()
    for name in ("EU", "GR_B2B", "DE_B2B", "DE_CONSUMER", "PL_B2B", "UK", "US_PPA"):
        new = {p.from_: p.rate for p in update.table.regime(name).periods}
        for period in shipped.regime(name).periods:
            if period.from_ >= date(2022, 1, 1) and period.provenance != "K":
                assert new[period.from_] == period.rate, (name, period.from_)


def test_an_update_fills_the_gap_with_sourced_periods(publisher: Publisher) -> None:
    update = update_table(
        builtin_rate_table(), today=TODAY, urls=publisher.urls(), fetcher=_fetcher()
    )
    de = update.table.regime("DE_B2B").periods[-1]
    assert (str(de.from_), str(de.to), de.rate) == ("2026-07-01", "2026-12-31", Decimal("10.27"))
    assert de.publisher == "Deutsche Bundesbank"
    assert de.retrieved == TODAY
    assert de.source is not None
    assert "1 Jul 2026 + 9 points, § 288(2) BGB" in de.source
    assert "[" not in de.source
    uk = update.table.regime("UK").periods[-1]
    assert (str(uk.reference_date), uk.rate) == ("2026-06-30", Decimal("11.75"))
    ru = update.table.regime("RU").periods[-1]
    assert (str(ru.from_), str(ru.to)) == ("2025-12-22", "2026-12-07")
    assert ru.to_note is not None
    pl_civil = update.table.regime("PL_CIVIL").periods[-1]
    assert (pl_civil.rate, pl_civil.max_rate) == (Decimal("9.25"), Decimal("18.50"))
    ppa = update.table.regime("US_PPA").periods[-1]
    assert (str(ppa.from_), ppa.rate, str(ppa.published)) == (
        "2026-07-01",
        Decimal("4.125"),
        "2026-06-29",
    )
    assert "FR Doc. 2026-90001" in (ppa.source or "")
    # GR_CIVIL has no official series here: it keeps what it had.
    assert update.table.regime("GR_CIVIL") == builtin_rate_table().regime("GR_CIVIL")
    assert update.reached["EU"] == date(2026, 12, 31)
    lacking = {s.regime: s.missing_from for s in rate_status(update.table, TODAY) if not s.current}
    assert lacking == {"GR_CIVIL": date(2026, 1, 2)}  # no official series: extended by hand


def test_a_daily_series_reaches_its_last_day_not_today(publisher: Publisher) -> None:
    """The key rate read on Sunday ends on Friday: the weekend is not known, so not guessed."""
    body = publisher.answers["/cbr"][1].replace(
        "  <KR><DT>2026-12-07T00:00:00+03:00</DT><Rate>16.00</Rate></KR>\n", ""
    )
    publisher.answers["/cbr"] = (200, body)
    update = update_table(
        builtin_rate_table(),
        today=date(2026, 12, 6),
        regimes=["RU"],
        urls=publisher.urls(),
        fetcher=_fetcher(),
    )
    assert update.reached["RU"] == date(2026, 12, 4)


def test_a_half_year_is_not_derived_before_its_reference_day(publisher: Publisher) -> None:
    update = update_table(
        builtin_rate_table(),
        today=date(2026, 6, 15),
        regimes=["EU"],
        urls=publisher.urls(),
        fetcher=_fetcher(),
    )
    assert update.table.regime("EU").periods[-1].to == date(2026, 6, 30)


def test_a_missing_notice_leaves_its_half_year_out(publisher: Publisher) -> None:
    data = json.loads(publisher.answers["/ppa"][1])
    data["results"] = data["results"][:3] + data["results"][4:]  # none for July-December 2025
    publisher.answers["/ppa"] = (200, json.dumps(data))
    update = update_table(
        builtin_rate_table(),
        today=TODAY,
        regimes=["US_PPA"],
        urls=publisher.urls(),
        fetcher=_fetcher(),
    )
    assert update.reached["US_PPA"] == date(2025, 6, 30)


# -- errors: nothing derived from a half-understood answer ----------------------------------


@pytest.mark.parametrize(
    ("key", "body", "what"),
    [
        ("ecb_mro", "<html>maintenance</html>", "no TIME_PERIOD and OBS_VALUE columns"),
        ("ecb_mro", "TIME_PERIOD,OBS_VALUE\n2026-13-01,2.15\n", "is not a period"),
        ("ecb_mro", "TIME_PERIOD,OBS_VALUE\n", "no observations"),
        ("bbk_base", "TIME_PERIOD,OBS_VALUE\n2026-01,n/a\n", "is not a rate"),
        ("nbp_reference", "<html><body>", "not XML"),
        (
            "nbp_reference",
            '<a><pozycje obowiazuje_od="4.12.2025"><pozycja id="ref" oprocentowanie="4,00"/>'
            "</pozycje></a>",
            "is not a date",
        ),
        ("boe_bank_rate", "Date,Rate\n01 Jan 2026,3.75\n", "the header is not DATE,IUDBEDR"),
        ("boe_bank_rate", "DATE,IUDBEDR\n2026-01-01,3.75\n", "is not a date"),
        ("boe_bank_rate", "DATE,IUDBEDR\n01 Jan 2026,3.75,x\n", "a row of 3 cells"),
        ("cbr_key_rate", "<KeyRate><KR><DT>2026-01-01</DT></KR></KeyRate>", "a KR without DT"),
        ("us_ppa", '{"count": 0}', "no results list"),
        ("us_ppa", '{"results": "none"}', "results is not a list"),
    ],
)
def test_format_drift_is_one_clear_error(
    publisher: Publisher, key: str, body: str, what: str
) -> None:
    publisher.answers[KEYS[key]] = (200, body)
    with pytest.raises(RateSourceError) as caught:
        _read(publisher, key)
    assert caught.value.field == key
    assert what in str(caught.value)


def test_drift_writes_nothing(publisher: Publisher, tmp_path: Path) -> None:
    publisher.answers["/boe"] = (200, "<html>We have moved</html>")
    out = tmp_path / "rates.json"
    status = main(["rates", "update", "--out", str(out), *_sources(publisher)])
    assert status == 2
    assert not out.exists()


def test_a_server_error_is_retried_then_reported(publisher: Publisher) -> None:
    publisher.answers["/ecb"] = (503, "busy")
    waits: list[float] = []
    with (
        Fetcher(pause=0.25, sleep=waits.append) as fetcher,
        pytest.raises(RateSourceError, match="HTTP 503 after 3 attempts"),
    ):
        SOURCES["ecb_mro"].read(fetcher, publisher.urls()["ecb_mro"], TODAY)
    assert waits == [0.25, 0.5]
    assert len(publisher.asked) == 3


def test_a_refusal_and_a_missing_series_are_reported(publisher: Publisher) -> None:
    publisher.answers["/ecb"] = (403, "forbidden")
    with pytest.raises(RateSourceError, match="refused the request"):
        _read(publisher, "ecb_mro")
    with _fetcher() as fetcher, pytest.raises(RateSourceError, match="no such series"):
        SOURCES["bbk_base"].read(fetcher, publisher.base + "/nothing", TODAY)


def test_offline_is_one_error_naming_the_source() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nobody listens there
    with _fetcher() as fetcher, pytest.raises(RateSourceError) as caught:
        SOURCES["cbr_key_rate"].read(fetcher, f"http://127.0.0.1:{port}/cbr", TODAY)
    assert caught.value.field == "cbr_key_rate"
    assert "cannot reach it" in str(caught.value)


def test_an_unknown_regime_cannot_be_updated() -> None:
    with pytest.raises(InvalidCaseError, match="cannot be derived"):
        update_table(builtin_rate_table(), today=TODAY, regimes=["GR_CIVIL"])


# -- exchange rates for the day the law names ------------------------------------------------


def test_nbp_table_a_of_exactly_the_day(publisher: Publisher) -> None:
    with _fetcher() as fetcher:
        found = nbp_rate(fetcher, "EUR", date(2025, 5, 30), url=publisher.base + "/nbpfx")
    assert (found.from_, found.to, found.rate, str(found.date)) == (
        "EUR",
        "PLN",
        Decimal("4.2497"),
        "2025-05-30",
    )


def test_nbp_without_a_table_that_day_is_an_error_not_the_day_before(
    publisher: Publisher,
) -> None:
    with _fetcher() as fetcher, pytest.raises(RateSourceError, match="no Table A on 2025-05-31"):
        nbp_rate(fetcher, "EUR", date(2025, 5, 31), url=publisher.base + "/nbpfx")


def test_nbp_answer_for_another_day_is_drift(publisher: Publisher) -> None:
    body = publisher.answers["/nbpfx/eur/2025-05-30/"][1].replace("05-30", "05-29")
    publisher.answers["/nbpfx/eur/2025-05-30/"] = (200, body)
    with _fetcher() as fetcher, pytest.raises(RateSourceError, match="not 2025-05-30"):
        nbp_rate(fetcher, "EUR", date(2025, 5, 30), url=publisher.base + "/nbpfx")
    publisher.answers["/nbpfx/eur/2025-05-30/"] = (200, "{}")
    with _fetcher() as fetcher, pytest.raises(RateSourceError, match="documented format"):
        nbp_rate(fetcher, "EUR", date(2025, 5, 30), url=publisher.base + "/nbpfx")


def test_ecb_rate_is_the_latest_on_or_before(publisher: Publisher) -> None:
    with _fetcher() as fetcher:
        found = ecb_rate(fetcher, "PLN", date(2025, 6, 1), url=publisher.base + "/ecbfx")
    assert (str(found.date), found.from_, found.to, found.rate) == (
        "2025-05-30",
        "EUR",
        "PLN",
        Decimal("4.25"),
    )
    with _fetcher() as fetcher, pytest.raises(RateSourceError, match="no euro reference rate"):
        ecb_rate(fetcher, "USD", date(2025, 6, 1), url=publisher.base + "/ecbfx")
    publisher.answers["/ecbfx/D.PLN.EUR.SP00.A"] = (200, "A,B\n1,2\n")
    with _fetcher() as fetcher, pytest.raises(RateSourceError, match="documented format"):
        ecb_rate(fetcher, "PLN", date(2025, 6, 1), url=publisher.base + "/ecbfx")


# -- storing and finding ---------------------------------------------------------------------


def test_overlay_keeps_what_the_newer_table_does_not_say(tmp_path: Path) -> None:
    table = builtin_rate_table()
    de = table.regime("DE_B2B")
    newer = de.model_copy(update={"periods": de.periods[-2:-1]})  # only H2 2025
    top = table.model_copy(update={"regimes": (newer,)})
    laid = overlay(table, top)
    assert laid.regime("DE_B2B").periods == de.periods
    assert laid.regime("EU") == table.regime("EU")
    path = tmp_path / "rates.json"
    write_rate_file(path, top)
    assert read_rate_file(path) == top
    assert find_rate_table(folder=tmp_path) == laid
    assert find_rate_table(file=path) == laid


def test_overlay_cuts_a_period_running_into_the_newer_one() -> None:
    table = builtin_rate_table()
    ru = table.regime("RU")
    moved = ru.periods[-1].model_copy(update={"from_": date(2025, 11, 1)})
    laid = overlay(
        table, table.model_copy(update={"regimes": (ru.model_copy(update={"periods": (moved,)}),)})
    )
    before = laid.regime("RU").periods[-2]
    assert (str(before.to), before.to_note) == ("2025-10-31", None)


def test_a_bad_rate_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "rates.json"
    path.write_text('{"regimes": [{"regime": "EU"}]}', encoding="utf-8")
    with pytest.raises(InvalidCaseError, match="not a rate table") as caught:
        read_rate_file(path)
    assert caught.value.field == str(path)
    with pytest.raises(InvalidCaseError, match="cannot read the rate table"):
        read_rate_file(tmp_path / "missing.json")


# -- the command line ------------------------------------------------------------------------


def _sources(publisher: Publisher) -> list[str]:
    return [f"--source={key}={url}" for key, url in publisher.urls().items()]


def test_status_on_a_fresh_install_says_what_is_covered(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["rates", "status", "--now", "2026-12-07T09:00:00+00:00"]) == 0
    out = capsys.readouterr().out
    assert "the table shipped with paychase (never updated)" in out
    assert "DE_B2B" in out
    assert "2022-01-01..2026-06-30" in out
    assert "missing from 2026-07-01" in out
    assert "paychase rates update" in out
    assert "[S]" not in out


def test_update_then_plan_computes_interest_to_today_with_no_review(
    publisher: Publisher,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    case = Path(__file__).parent.parent / "examples" / "portfolio.json"
    now = "--now=2026-12-07T09:00:00+00:00"
    assert main(["plan", str(case), now]) == 0
    stale = capsys.readouterr().out
    assert "warning: the rate table has no rate for DE_B2B from 2026-07-01" in stale
    assert "the DE_B2B rate table has no rate" not in stale
    assert main(["rates", "update", now, *_sources(publisher)]) == 0
    said = capsys.readouterr().out
    assert "DE_B2B" in said
    assert "covered to 2026-12-31 (was 2026-06-30)" in said
    assert (tmp_path / "data" / "paychase" / "rates.json").is_file()
    assert main(["plan", str(case), now]) == 0
    fresh = capsys.readouterr().out
    assert "warning" not in fresh
    assert main(["plan", str(case), now, "--format=json"]) == 0
    assert "rate table has no rate" not in capsys.readouterr().out
    assert main(["rates", "status", now]) == 0
    status = capsys.readouterr().out
    assert "rates.json" in status
    assert "never updated" not in status


def test_the_json_plan_keeps_the_review_per_invoice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    case = Path(__file__).parent.parent / "examples" / "portfolio.json"
    assert main(["plan", str(case), "--now=2026-12-07T09:00:00+00:00", "--format=json"]) == 0
    assert "the DE_B2B rate table has no rate for 2026-07-01" in capsys.readouterr().out


def test_rates_file_on_a_command(
    publisher: Publisher,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    out = tmp_path / "mine.json"
    now = "--now=2026-12-07T09:00:00+00:00"
    update = ["rates", "update", now, "--regime=DE_B2B", f"--out={out}", *_sources(publisher)]
    assert main(update) == 0
    capsys.readouterr()
    case = Path(__file__).parent.parent / "examples" / "portfolio.json"
    assert main(["statement", str(case), "lindner", now, f"--rates={out}"]) == 0
    assert "no rate known" not in capsys.readouterr().out
    assert main(["rates", "status", now, f"--rates={out}", "--format=json"]) == 0
    rows = {row["regime"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["DE_B2B"]["missing_from"] is None
    assert main(["plan", str(case), now, "--rates=nope.json"]) == 2


def test_update_and_fx_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], publisher: Publisher
) -> None:
    assert main(["rates", "update", "--source=nope=http://x"]) == 2
    assert "--source: use KEY=URL" in capsys.readouterr().err
    assert main(["rates", "fx", "EUR", "30.05.2025"]) == 2
    assert "DATE: a date as YYYY-MM-DD" in capsys.readouterr().err
    assert main(["rates", "fx", "EUR", "2025-05-30", f"--source={publisher.base}/nbpfx"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "date": "2025-05-30",
        "from": "EUR",
        "to": "PLN",
        "rate": "4.2497",
    }
    url = f"--source={publisher.base}/ecbfx"
    assert main(["rates", "fx", "PLN", "2025-06-01", "--publisher=ecb", url]) == 0
    assert json.loads(capsys.readouterr().out)["date"] == "2025-05-30"
    assert main(["rates", "fx", "EUR", "2025-05-31", f"--source={publisher.base}/nbpfx"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no Table A on 2025-05-31" in err


# -- the real publishers, when they can be reached ---------------------------------------------


def _online() -> bool:
    try:
        socket.create_connection(("data-api.ecb.europa.eu", 443), timeout=3).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _online(), reason="no network: the publishers cannot be reached")
def test_real_publishers() -> None:  # pragma: no cover - needs the internet
    today = date.today()  # noqa: DTZ011
    update = update_table(builtin_rate_table(), today=today)
    assert update.reached["EU"] is not None


def test_run_prints_one_warning_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    case = Path(__file__).parent.parent / "examples" / "portfolio.json"
    assert main(["init", str(tmp_path / "w.sqlite")]) == 0
    args = ["run", "--db", str(tmp_path / "w.sqlite"), "--case", str(case), "--dry-run"]
    assert main([*args, "--now=2026-12-07T09:00:00+00:00"]) == 0
    out = capsys.readouterr().out
    assert out.count("warning: the rate table has no rate for") == 1
    assert "the DE_B2B rate table has no rate" not in out


def test_a_review_saying_more_than_the_gap_stays_whole() -> None:
    case = Path(__file__).parent.parent / "examples" / "portfolio.json"
    actions = plan(load_case(str(case)), now=datetime(2026, 12, 7, 9, tzinfo=UTC)).actions
    kept, warning = rate_gap_warning(actions)
    assert warning is not None
    assert "DE_B2B from 2026-07-01" in warning
    gaps = [a for a in kept if "rate table has no rate" in a.reason]
    assert all("; " in a.reason.split("update the rate table")[0] for a in gaps)
    assert rate_gap_warning([a for a in actions if a.kind != "review"])[1] is None
