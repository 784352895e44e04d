"""Exchange rates for fixed compensation, read for exactly the day the law names.

Poland's act of 8 March 2013 (art. 10) converts the EUR 40 / 70 / 100 at the NBP Table A mid
rate of the last business day of the month before the due month: `nbp_rate` reads that one
day's table and never another day's. A day with no table (a weekend, a holiday) is an error
naming the day, not a quiet fall-back to the day before: the court asks for that day's rate.
Where a statute names no day, `ecb_rate` reads the ECB euro reference rate latest on or before
the day asked.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from paychase.case._invoices import ExchangeRate
from paychase.errors import RateSourceError
from paychase.rates._http import Fetcher
from paychase.rates._sources import drift

__all__ = ["ECB_FX_URL", "NBP_FX_URL", "ecb_rate", "nbp_rate"]

NBP_FX_URL: Final = "https://api.nbp.pl/api/exchangerates/rates/a"
ECB_FX_URL: Final = "https://data-api.ecb.europa.eu/service/data/EXR"
_LOOK_BACK: Final = timedelta(days=10)
"""The longest run of days without a euro reference rate (Easter, Christmas) is shorter."""


def nbp_rate(fetcher: Fetcher, currency: str, day: date, *, url: str = NBP_FX_URL) -> ExchangeRate:
    """The NBP Table A mid rate of `currency` in PLN published for exactly `day`.

    Raises:
        RateSourceError: NBP published no Table A that day, cannot be reached, or answered in
            another format than its documented JSON.
    """
    answer = fetcher.get(
        "nbp_fx",
        f"{url.rstrip('/')}/{currency.lower()}/{day.isoformat()}/",
        params={"format": "json"},
    )
    if answer.not_found:
        raise RateSourceError(
            f"NBP published no Table A on {day} (a weekend or a public holiday); the law names "
            "this day: check the due date and the business-day calendar",
            field="nbp_fx",
            value=answer.url,
        )
    try:
        found = json.loads(answer.text)["rates"][0]
        published, mid = found["effectiveDate"], found["mid"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise drift("nbp_fx", answer.url, "no rates[0] with effectiveDate and mid") from None
    if published != day.isoformat():
        raise drift("nbp_fx", answer.url, f"the table is for {published}, not {day}")
    return ExchangeRate.model_validate(
        {"date": day, "from": currency.upper(), "to": "PLN", "rate": Decimal(str(mid))}
    )


def ecb_rate(fetcher: Fetcher, currency: str, day: date, *, url: str = ECB_FX_URL) -> ExchangeRate:
    """The ECB euro reference rate of `currency` latest on or before `day`.

    Raises:
        RateSourceError: no rate in the ten days up to `day`, the ECB cannot be reached, or
            it answered in another format than SDMX-CSV.
    """
    answer = fetcher.get(
        "ecb_fx",
        f"{url.rstrip('/')}/D.{currency.upper()}.EUR.SP00.A",
        params={
            "format": "csvdata",
            "startPeriod": (day - _LOOK_BACK).isoformat(),
            "endPeriod": day.isoformat(),
        },
    )
    rows = [] if answer.not_found else list(csv.DictReader(io.StringIO(answer.text)))
    if rows and not {"TIME_PERIOD", "OBS_VALUE"} <= rows[0].keys():
        raise drift("ecb_fx", answer.url, "no TIME_PERIOD and OBS_VALUE columns")
    found = [(r["TIME_PERIOD"], r["OBS_VALUE"]) for r in rows if (r["OBS_VALUE"] or "").strip()]
    if not found:
        raise RateSourceError(
            f"no euro reference rate for {currency.upper()} on or in the ten days before {day}",
            field="ecb_fx",
            value=answer.url,
        )
    published, value = max(found)
    return ExchangeRate.model_validate(
        {"date": published, "from": "EUR", "to": currency.upper(), "rate": value.strip()}
    )
