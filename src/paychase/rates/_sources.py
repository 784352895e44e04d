"""The official publishers of reference rates, each read in its documented format.

One reader per publisher turns its answer into a `Series`. A reader checks the shape it
expects and raises one `RateSourceError` ("not in the documented format") when the publisher
changed it: a table is never derived from a half-understood answer.

=================  ==========================================  ================================
key                publisher and series                        format read
=================  ==========================================  ================================
``ecb_mro``        ECB Data Portal, FM.B.U2.EUR.4F.KR.MRR_FR   SDMX-CSV (``format=csvdata``)
``bbk_base``       Deutsche Bundesbank, BBK01.SU0115           SDMX-CSV (Accept header)
``nbp_reference``  Narodowy Bank Polski, reference rate        ``stopy_procentowe_archiwum.xml``
``boe_bank_rate``  Bank of England, IUDBEDR                    IADB CSV (``DATE,IUDBEDR``)
``cbr_key_rate``   Bank of Russia, key rate                    DailyInfo ``KeyRateXML``
``us_ppa``         US Treasury, Prompt Payment rate            Federal Register API JSON
=================  ==========================================  ================================
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from xml.etree import ElementTree

from paychase.errors import RateSourceError
from paychase.rates._http import Fetcher, Response
from paychase.rates._series import Observation, Series, changes

__all__ = ["SOURCES", "Source", "drift"]

_HISTORY_FROM: Final = date(2021, 1, 1)
"""Daily series are asked from here: the shipped tables start in 2022."""


@dataclass(frozen=True, slots=True)
class Source:
    """A publisher's series: who, what, where by default, and how its answer is read."""

    key: str
    publisher: str
    series: str
    url: str
    read: Callable[[Fetcher, str, date], Series]


def drift(source: str, url: str, what: str) -> RateSourceError:
    """The error for an answer that is not in the documented format: nothing is derived."""
    return RateSourceError(
        f"the answer is not in the documented format ({what}); nothing was written",
        field=source,
        value=url,
    )


def _series(
    spec: Source,
    answer: Response,
    today: date,
    rows: list[Observation],
    known: date,
    *,
    compress: bool = True,
) -> Series:
    """The series read; `compress` drops repeats (not for notices: each is its own period)."""
    if not rows:
        raise drift(spec.key, answer.url, "no observations")
    return Series(
        source=spec.key,
        publisher=spec.publisher,
        series=spec.series,
        url=answer.url,
        retrieved=today,
        known_through=min(known, today),
        observations=changes(rows) if compress else tuple(sorted(rows, key=lambda o: o.day)),
    )


def _number(source: str, url: str, text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise drift(source, url, f"{text!r} is not a rate") from None
    if not value.is_finite():
        raise drift(source, url, f"{text!r} is not a rate")
    return value


def _found(source: str, answer: Response) -> Response:
    if answer.not_found:
        raise RateSourceError(
            "the publisher has no such series (HTTP 404)", field=source, value=answer.url
        )
    return answer


# -- SDMX-CSV: the ECB Data Portal and the Bundesbank ---------------------------------------


def _sdmx_rows(source: str, answer: Response) -> list[tuple[str, str]]:
    """(TIME_PERIOD, OBS_VALUE) of an SDMX-CSV answer; empty values are skipped."""
    reader = csv.DictReader(io.StringIO(answer.text))
    fields = reader.fieldnames or []
    if "TIME_PERIOD" not in fields or "OBS_VALUE" not in fields:
        raise drift(source, answer.url, "no TIME_PERIOD and OBS_VALUE columns")
    return [
        (row["TIME_PERIOD"], row["OBS_VALUE"]) for row in reader if (row["OBS_VALUE"] or "").strip()
    ]


def _period_start(source: str, url: str, text: str) -> date:
    """The first day of an SDMX period: ``2026-07-01``, ``2026-07``, ``2026-S2`` or ``2026``."""
    match = re.fullmatch(r"(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|S([12])))?", text.strip())
    if match is None:
        raise drift(source, url, f"{text!r} is not a period")
    year, month, day, half = match.groups()
    if half:
        return date(int(year), 1 if half == "1" else 7, 1)
    try:
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise drift(source, url, f"{text!r} is not a period") from None


def _read_sdmx(spec: Source, answer: Response, today: date) -> Series:
    rows = [
        Observation(
            day=_period_start(spec.key, answer.url, period),
            value=_number(spec.key, answer.url, value),
        )
        for period, value in _sdmx_rows(spec.key, answer)
    ]
    # A change-dated series lists every decision so far: it speaks for every day up to today.
    return _series(spec, answer, today, rows, today)


def _read_ecb_mro(fetcher: Fetcher, url: str, today: date) -> Series:
    answer = fetcher.get("ecb_mro", url, params={"format": "csvdata"})
    return _read_sdmx(SOURCES["ecb_mro"], _found("ecb_mro", answer), today)


def _read_bbk_base(fetcher: Fetcher, url: str, today: date) -> Series:
    answer = fetcher.get(
        "bbk_base", url, headers={"Accept": "application/vnd.sdmx.data+csv;version=1.0.0"}
    )
    return _read_sdmx(SOURCES["bbk_base"], _found("bbk_base", answer), today)


# -- XML: Narodowy Bank Polski and the Bank of Russia ---------------------------------------


def _xml(source: str, answer: Response) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(answer.text)
    except ElementTree.ParseError:
        raise drift(source, answer.url, "not XML") from None


def _read_nbp_reference(fetcher: Fetcher, url: str, today: date) -> Series:
    """``<pozycje obowiazuje_od="2025-12-04"><pozycja id="ref" oprocentowanie="4,00"/>``."""
    spec = SOURCES["nbp_reference"]
    answer = _found(spec.key, fetcher.get(spec.key, url))
    rows: list[Observation] = []
    for decision in _xml(spec.key, answer).iter("pozycje"):
        reference = next((p for p in decision.iter("pozycja") if p.get("id") == "ref"), None)
        if reference is None:
            continue
        since = decision.get("obowiazuje_od", "")
        rows.append(
            Observation(
                day=_iso_day(spec.key, answer.url, since),
                value=_number(spec.key, answer.url, reference.get("oprocentowanie", "")),
            )
        )
    return _series(spec, answer, today, rows, today)


def _read_cbr_key_rate(fetcher: Fetcher, url: str, today: date) -> Series:
    """``<KeyRate><KR><DT>2025-12-22T00:00:00+03:00</DT><Rate>16.00</Rate></KR>…``, daily."""
    spec = SOURCES["cbr_key_rate"]
    params = {"fromDate": _HISTORY_FROM.isoformat(), "ToDate": today.isoformat()}
    answer = _found(spec.key, fetcher.get(spec.key, url, params=params))
    rows = []
    for item in _xml(spec.key, answer).iter("KR"):
        day, rate = item.findtext("DT"), item.findtext("Rate")
        if day is None or rate is None:
            raise drift(spec.key, answer.url, "a KR without DT and Rate")
        rows.append(
            Observation(
                day=_iso_day(spec.key, answer.url, day[:10]),
                value=_number(spec.key, answer.url, rate),
            )
        )
    last = max((row.day for row in rows), default=today)
    return _series(spec, answer, today, rows, last)


def _iso_day(source: str, url: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise drift(source, url, f"{text!r} is not a date") from None


# -- CSV: the Bank of England's database ------------------------------------------------------


def _read_boe_bank_rate(fetcher: Fetcher, url: str, today: date) -> Series:
    """``DATE,IUDBEDR`` then ``04 Aug 2016,0.25``: one row per business day."""
    spec = SOURCES["boe_bank_rate"]
    params = {
        "csv.x": "yes",
        "Datefrom": _HISTORY_FROM.strftime("%d/%b/%Y"),
        "Dateto": "now",
        "SeriesCodes": "IUDBEDR",
        "CSVF": "TN",
        "UsingCodes": "Y",
        "VPD": "Y",
        "VFD": "N",
    }
    answer = _found(spec.key, fetcher.get(spec.key, url, params=params))
    reader = csv.reader(io.StringIO(answer.text))
    if [cell.strip() for cell in next(reader, [])] != ["DATE", "IUDBEDR"]:
        raise drift(spec.key, answer.url, "the header is not DATE,IUDBEDR")
    rows = []
    for cells in reader:
        if not cells:
            continue
        if len(cells) != 2:
            raise drift(spec.key, answer.url, f"a row of {len(cells)} cells")
        try:
            day = datetime.strptime(cells[0].strip(), "%d %b %Y").date()  # noqa: DTZ007
        except ValueError:
            raise drift(spec.key, answer.url, f"{cells[0]!r} is not a date") from None
        rows.append(Observation(day=day, value=_number(spec.key, answer.url, cells[1])))
    last = max((row.day for row in rows), default=today)
    return _series(spec, answer, today, rows, last)


# -- JSON: the Federal Register's notices of the Prompt Payment rate --------------------------

_PPA: Final = re.compile(
    r"period beginning (?P<start>\w+ \d{1,2}, \d{4}),? and ending on (?P<end>\w+ \d{1,2}, \d{4}),?"
    r" the prompt payment interest rate is (?P<whole>\d+)?[\s\\-]*"
    r"(?:(?P<num>\d+)/(?P<den>\d+))?\\?\s*(?:per ?cent|percent)",
    re.IGNORECASE,
)


def _read_us_ppa(fetcher: Fetcher, url: str, today: date) -> Series:
    """Each notice's abstract: "For the period beginning July 1, 2025, and ending on …"."""
    spec = SOURCES["us_ppa"]
    params = {
        "conditions[term]": '"prompt payment interest rate"',
        "conditions[agencies][]": "fiscal-service",
        "conditions[type][]": "NOTICE",
        "order": "newest",
        "per_page": "40",
    }
    answer = _found(spec.key, fetcher.get(spec.key, url, params=params))
    try:
        results = json.loads(answer.text)["results"]
    except (ValueError, KeyError, TypeError):
        raise drift(spec.key, answer.url, "no results list") from None
    notices = [_ppa_notice(spec.key, answer.url, item) for item in _list(spec, answer, results)]
    found = [n for n in notices if n is not None]
    last = max((end for _, end in found), default=today)
    rows = [observation for observation, _ in found]
    return _series(spec, answer, today, rows, last, compress=False)


def _list(spec: Source, answer: Response, results: Any) -> list[Mapping[str, Any]]:
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise drift(spec.key, answer.url, "results is not a list of notices")
    return results


def _ppa_notice(source: str, url: str, item: Mapping[str, Any]) -> tuple[Observation, date] | None:
    """A notice's rate and period; None for a notice of something else (a correction)."""
    match = _PPA.search(str(item.get("abstract") or ""))
    if match is None:
        return None
    whole = Decimal(match["whole"] or 0)
    part = Decimal(match["num"]) / Decimal(match["den"]) if match["num"] else Decimal(0)
    try:
        start = datetime.strptime(match["start"], "%B %d, %Y").date()  # noqa: DTZ007
        end = datetime.strptime(match["end"], "%B %d, %Y").date()  # noqa: DTZ007
        published = date.fromisoformat(str(item.get("publication_date")))
    except ValueError:
        raise drift(source, url, f"notice {item.get('document_number')!r} has no dates") from None
    number = item.get("document_number")
    observation = Observation(
        day=start,
        value=whole + part,
        published=published,
        url=item.get("html_url"),
        document=f"Federal Register notice FR Doc. {number}" if number else None,
    )
    return observation, end


SOURCES: Final[dict[str, Source]] = {
    spec.key: spec
    for spec in (
        Source(
            "ecb_mro",
            "European Central Bank",
            "main refinancing operations rate "
            "(ECB Data Portal, series FM.B.U2.EUR.4F.KR.MRR_FR.LEV)",
            "https://data-api.ecb.europa.eu/service/data/FM/B.U2.EUR.4F.KR.MRR_FR.LEV",
            _read_ecb_mro,
        ),
        Source(
            "bbk_base",
            "Deutsche Bundesbank",
            "Basiszinssatz under § 247 BGB (series BBK01.SU0115)",
            "https://api.statistiken.bundesbank.de/rest/data/BBK01/SU0115",
            _read_bbk_base,
        ),
        Source(
            "nbp_reference",
            "Narodowy Bank Polski",
            "stopa referencyjna NBP (reference rate)",
            "https://static.nbp.pl/dane/stopy/stopy_procentowe_archiwum.xml",
            _read_nbp_reference,
        ),
        Source(
            "boe_bank_rate",
            "Bank of England",
            "Bank Rate (database series IUDBEDR)",
            "https://www.bankofengland.co.uk/boeapps/database/_iadb-fromshowcolumns.asp",
            _read_boe_bank_rate,
        ),
        Source(
            "cbr_key_rate",
            "Bank of Russia",
            "key rate (ключевая ставка)",
            "https://www.cbr.ru/DailyInfoWebServ/DailyInfo.asmx/KeyRateXML",
            _read_cbr_key_rate,
        ),
        Source(
            "us_ppa",
            "Bureau of the Fiscal Service, U.S. Department of the Treasury",
            "Prompt Payment interest rate (notice in the Federal Register)",
            "https://www.federalregister.gov/api/v1/documents.json",
            _read_us_ppa,
        ),
    )
}
"""Every source by its key; `paychase.rates._rules` names which regime reads which."""

_ONE_DAY: Final = timedelta(days=1)
