"""What a rate table covers, and whether planning today needs a rate it does not have."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from pydantic import Field

from paychase._model import FrozenModel
from paychase.money._rates import RateTable, Regime

__all__ = ["RegimeStatus", "rate_status"]


class RegimeStatus(FrozenModel):
    """One regime's coverage on a given day."""

    regime: str = Field(description="The regime's key.")
    first: date | None = Field(description="First day with a rate; null for an empty regime.")
    last: date | None = Field(description="Last day with a rate; null when open-ended.")
    rate: Decimal | None = Field(description="The latest rate in the table.")
    changed: date | None = Field(description="When the latest rate took effect (the last change).")
    source: str | None = Field(description="The latest period's source, for a reader.")
    missing_from: date | None = Field(
        description="First day planning today needs and the table lacks; null when current."
    )

    @property
    def current(self) -> bool:
        """Whether the table has a rate for every day up to today."""
        return self.missing_from is None


def rate_status(table: RateTable, today: date) -> tuple[RegimeStatus, ...]:
    """Each regime's coverage: the period covered, the last change, what today lacks.

    Examples:
        >>> from paychase.money import builtin_rate_table
        >>> eu = rate_status(builtin_rate_table(), date(2026, 12, 7))[0]
        >>> eu.regime, str(eu.last), str(eu.missing_from)
        ('EU', '2026-06-30', '2026-07-01')
    """
    return tuple(_status(regime, today) for regime in table.regimes)


def _status(regime: Regime, today: date) -> RegimeStatus:
    periods = regime.periods
    if not periods:
        return RegimeStatus(
            regime=regime.regime,
            first=None,
            last=None,
            rate=None,
            changed=None,
            source=None,
            missing_from=today,
        )
    changed = periods[0]
    for before, after in pairwise(periods):
        if after.rate != before.rate:
            changed = after
    last = periods[-1]
    lacking = last.to is not None and last.to < today
    return RegimeStatus(
        regime=regime.regime,
        first=periods[0].from_,
        last=last.to,
        rate=last.rate,
        changed=changed.from_,
        source=last.source,
        missing_from=last.to + timedelta(days=1) if lacking and last.to else None,
    )
