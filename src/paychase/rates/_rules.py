"""Each regime's statutory rate, derived from its official reference rate by its legal rule.

One `Rule` per regime says which publisher's series it reads, the margin the statute adds, and
which day's reference counts. Two shapes cover every regime the sources reach:

* half-yearly (EU, GR_B2B, DE, PL_B2B, UK, US_PPA): the reference in force on the half-year's
  reference day — 1 January / 1 July, the Bank of England rate on 31 December / 30 June for the
  UK (FIXED_AT_START), the notice for exactly that half-year for the US — plus the margin, for
  the whole half-year, once that day has come;
* on every change (PL_CIVIL, RU): a period per change of the reference, the last one up to the
  last day the publisher's data reaches.

GR_CIVIL is not derived: its legal reference is the Bank of Greece's own rate, which no source
here publishes as a series; its table is extended by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final, Literal

from paychase.money._rates import RatePeriod
from paychase.rates._series import Observation, Series

__all__ = ["RULES", "Rule", "derive"]

_ONE_DAY: Final = timedelta(days=1)
_MONTHS: Final = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """How one regime's rate follows its reference rate."""

    regime: str
    source: str
    margin: Decimal
    statute: str
    shape: Literal["half_year", "every_change"] = "half_year"
    day_before: bool = False
    """The reference of the day before the half-year counts (UK: 31 Dec / 30 Jun)."""
    exact: bool = False
    """The reference must be published for exactly this half-year (US: one notice each)."""
    cap: Decimal | None = None
    """PL_CIVIL: agreed delay interest may not exceed this multiple of the rate."""


RULES: Final[tuple[Rule, ...]] = (
    Rule("EU", "ecb_mro", Decimal(8), "Directive 2011/7/EU art. 2(6)"),
    Rule("GR_B2B", "ecb_mro", Decimal(8), "ν. 4152/2013 art. 2"),  # noqa: RUF001 - its own name
    Rule("DE_B2B", "bbk_base", Decimal(9), "§ 288(2) BGB"),
    Rule("DE_CONSUMER", "bbk_base", Decimal(5), "§ 288(1) BGB"),
    Rule("PL_B2B", "nbp_reference", Decimal(10), "ustawa z 8 marca 2013 r. art. 4 pkt 3"),
    Rule(
        "PL_B2B_PUBLIC_HEALTHCARE",
        "nbp_reference",
        Decimal(8),
        "ustawa z 8 marca 2013 r. art. 4 pkt 3",
    ),
    Rule(
        "PL_CIVIL",
        "nbp_reference",
        Decimal("5.5"),
        "art. 481 § 2 Kodeksu cywilnego",
        shape="every_change",
        cap=Decimal(2),
    ),
    Rule(
        "UK",
        "boe_bank_rate",
        Decimal(8),
        "Late Payment of Commercial Debts (Rate of Interest) (No. 3) Order 2002",
        day_before=True,
    ),
    Rule("RU", "cbr_key_rate", Decimal(0), "art. 395 ГК РФ", shape="every_change"),
    Rule("US_PPA", "us_ppa", Decimal(0), "31 U.S.C. 3902, 5 CFR 1315.10", exact=True),
)
"""Every regime `paychase rates update` can derive, in the order it reports them."""


def derive(rule: Rule, series: Series, since: date) -> tuple[RatePeriod, ...]:
    """The regime's periods from `since` as far as `series` reaches; empty when it reaches none.

    Examples:
        >>> from paychase.rates._series import Observation, Series
        >>> mro = Series(source="ecb_mro", publisher="European Central Bank", series="MRO",
        ...     url="https://example.org", retrieved=date(2026, 7, 2),
        ...     known_through=date(2026, 7, 2),
        ...     observations=(Observation(day=date(2025, 6, 11), value=Decimal("2.15")),))
        >>> [(str(p.from_), str(p.rate)) for p in derive(RULES[0], mro, date(2026, 1, 1))]
        [('2026-01-01', '10.15'), ('2026-07-01', '10.15')]
    """
    if rule.shape == "every_change":
        return tuple(_every_change(rule, series, since))
    return tuple(_half_years(rule, series, since))


def _half_years(rule: Rule, series: Series, since: date) -> Iterator[RatePeriod]:
    """Half-years from the first the series speaks for up to the first it does not."""
    start = date(since.year, 1 if since.month <= 6 else 7, 1)
    while True:
        day = start - _ONE_DAY if rule.day_before else start
        found = series.in_force(day)
        if found is None and series.observations and day < series.observations[0].day:
            start = end_of_half(start) + _ONE_DAY  # before the series begins: not a gap
            continue
        if found is None or (rule.exact and found.day != start):
            return
        end = end_of_half(start)
        yield _period(rule, series, found, start, end, day, f"on {_words(day)}")
        start = end + _ONE_DAY


def end_of_half(start: date) -> date:
    """The last day of the half-year `start` opens."""
    return date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)


def _every_change(rule: Rule, series: Series, since: date) -> Iterator[RatePeriod]:
    first = series.in_force(since)
    if first is None:
        return
    later = [o for o in series.observations if since < o.day <= series.known_through]
    starts = [since, *(o.day for o in later)]
    found = [first, *later]
    for index, (start, observation) in enumerate(zip(starts, found, strict=True)):
        last = index == len(starts) - 1
        end = series.known_through if last else starts[index + 1] - _ONE_DAY
        period = _period(rule, series, observation, start, end, start, f"from {_words(start)}")
        if last:
            period = period.model_copy(
                update={
                    "to_note": f"the last day the {series.publisher} data reached when it was "
                    f"read on {series.retrieved}; later changes are not in this table"
                }
            )
        yield period


def _period(  # noqa: PLR0917 - one call site, every argument a different thing
    rule: Rule,
    series: Series,
    found: Observation,
    start: date,
    end: date,
    day: date,
    when: str,
) -> RatePeriod:
    rate = found.value + rule.margin
    return RatePeriod.model_validate(
        {
            "from": start,
            "to": end,
            "rate": rate,
            "reference_rate": found.value,
            "reference_date": day,
            "provenance": "D" if rule.margin else "S",
            "source": _citation(rule, series, found, when),
            "publisher": series.publisher,
            "series": found.document or series.series,
            "published": found.published,
            "url": found.url or series.url,
            "retrieved": series.retrieved,
            "max_rate": rate * rule.cap if rule.cap is not None else None,
        }
    )


def _citation(rule: Rule, series: Series, found: Observation, when: str) -> str:
    """The source as a reader of a claim needs it: publisher, series, value, date, statute."""
    name = series.series.split(" (")[0]
    text = f"{series.publisher}: {name} {found.value} % {when}"
    if found.document:
        text += f", {found.document}"
        if found.published:
            text += f" of {_words(found.published)}"
    if rule.margin:
        text += f" + {rule.margin} points"
    return f"{text}, {rule.statute}"


def _words(day: date) -> str:
    """``1 Jul 2026``: a date no reader misreads, in any locale's order."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
