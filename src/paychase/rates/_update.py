"""``rates update``: read each regime's publisher, derive its periods, lay them over the table.

All sources are read before anything is derived: one that fails stops the update with its
error and nothing is written, so a table is never half new. A regime whose publisher's data does
not yet reach a new period keeps the periods it had.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from paychase.errors import InvalidCaseError
from paychase.money._rates import RateTable
from paychase.rates._http import Fetcher
from paychase.rates._rules import RULES, Rule, derive
from paychase.rates._series import Series
from paychase.rates._sources import SOURCES
from paychase.rates._store import overlay

__all__ = ["REGIMES", "Update", "update_table"]

REGIMES: Final = tuple(rule.regime for rule in RULES)
"""The regimes an update can derive."""
_SINCE: Final = date(2022, 1, 1)
"""Derived periods start here, where the shipped table starts."""


@dataclass(frozen=True, slots=True)
class Update:
    """The new table, and per regime the last day it now covers (None: nothing derived)."""

    table: RateTable
    reached: Mapping[str, date | None]


def update_table(
    table: RateTable,
    *,
    today: date,
    regimes: Sequence[str] = (),
    urls: Mapping[str, str] | None = None,
    fetcher: Fetcher | None = None,
) -> Update:
    """`table` with the `regimes` (all derivable ones by default) derived from their publishers.

    Args:
        table: the table in use; what the publishers do not reach is kept from it.
        today: the day of the update: no period is derived past the data of that day.
        regimes: the regimes to update; each must be one of `REGIMES`.
        urls: a source's key to the URL to read it from instead of its publisher's (a mirror,
            or a test server).
        fetcher: the HTTP client; a new one with the default timeouts and retries otherwise.

    Raises:
        InvalidCaseError: a regime that cannot be derived.
        RateSourceError: a publisher cannot be reached or answered in another format.
    """
    rules = _chosen(regimes)
    with fetcher or Fetcher() as client:
        read: dict[str, Series] = {}
        for rule in rules:
            if rule.source not in read:
                source = SOURCES[rule.source]
                url = (urls or {}).get(source.key, source.url)
                read[source.key] = source.read(client, url, today)
    derived = {rule.regime: derive(rule, read[rule.source], _SINCE) for rule in rules}
    top = RateTable(
        about=f"Updated on {today} from the official publishers; older periods as shipped.",
        regimes=tuple(
            table.regime(name).model_copy(update={"periods": periods})
            for name, periods in derived.items()
            if periods
        ),
    )
    return Update(
        table=overlay(table, top),
        reached={name: periods[-1].to if periods else None for name, periods in derived.items()},
    )


def _chosen(regimes: Sequence[str]) -> tuple[Rule, ...]:
    for name in regimes:
        if name not in REGIMES:
            raise InvalidCaseError(
                f"cannot be derived from an official source; one of {', '.join(REGIMES)}",
                field="--regime",
                value=name,
            )
    return tuple(rule for rule in RULES if not regimes or rule.regime in regimes)
