"""Reference-rate tables: the dated, sourced rates statutory interest is computed on.

The tables ship in ``paychase/money/rates/rates.json`` (compiled from ../shared/law/rates.json);
a host may pass its own, newer table of the same shape. One day has one rate: periods are
sorted and never overlap.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from itertools import pairwise
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from paychase._model import FrozenModel, InputModel
from paychase.errors import InvalidCaseError

__all__ = [
    "Allocation",
    "Basis",
    "Compounding",
    "RateKind",
    "RatePeriod",
    "RateTable",
    "Regime",
    "Rounding",
    "Semantics",
    "builtin_rate_table",
    "check_periods",
]

Semantics = Literal["PER_HALF_YEAR", "ON_EVERY_CHANGE", "FIXED_AT_START"]
"""How a regime's rate moves during one debt (law README, "Rate-change semantics")."""
Basis = Literal["ACT_365", "ACT_ACT", "ACT_360"]
"""Day-count basis: the denominator of the simple-interest formula."""
Rounding = Literal["R1", "R2", "R2M"]
"""R1 round once per rounding period; R2 round each segment; R2M round each same-rate run."""
Allocation = Literal["interest_first", "principal_first"]
"""Which part of the debt a payment pays first."""
Compounding = Literal["simple", "PPA_MONTHLY"]
"""``simple`` everywhere except the US Prompt Payment Act's 30-day capitalisation."""
RateKind = Literal["rate", "contractual_max"]
"""Which rate column to use; ``contractual_max`` is the Greek civil-code art. 345 contrast."""


class RatePeriod(FrozenModel):
    """One row of a rate table: a rate in force from `from_` to `to`, both inclusive."""

    from_: date = Field(
        validation_alias="from",
        serialization_alias="from",
        description="First day the rate applies (inclusive).",
    )
    to: date | None = Field(
        description="Last day the rate applies (inclusive); null only for a rate fixed by statute."
    )
    rate: Decimal = Field(description="Annual rate in percent (reference + margin).")
    reference_rate: Decimal | None = Field(default=None, description="The reference rate.")
    reference_date: date | None = Field(
        default=None, description="The day whose reference rate counts (UK: 31 Dec / 30 Jun)."
    )
    provenance: str | None = Field(
        default=None,
        description="Research tag (S seen, D derived, K background, NV not verified); "
        "kept for the table's maintainers, never shown to a reader of a claim.",
    )
    source: str | None = Field(
        default=None,
        description="The source as a reader of a claim needs it: publisher, act or series, date.",
    )
    publisher: str | None = Field(
        default=None, description="Who publishes the reference rate (Deutsche Bundesbank, ...)."
    )
    series: str | None = Field(
        default=None, description="The published series or act the rate was taken from."
    )
    published: date | None = Field(
        default=None, description="When the publisher published the value; null when not known."
    )
    url: str | None = Field(default=None, description="Where the publisher publishes it.")
    retrieved: date | None = Field(
        default=None, description="When paychase read the value from the publisher."
    )
    research: str | None = Field(
        default=None, description="The compilers' working note on how the value was checked."
    )
    to_note: str | None = Field(
        default=None, description="Set when `to` is the last date seen in force, not a known end."
    )
    max_rate: Decimal | None = Field(
        default=None, description="PL civil: 2 x rate, the cap on agreed delay interest."
    )
    contractual_max_rate: Decimal | None = Field(
        default=None, description="GR civil: Bank of Greece maximum contractual rate."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"rate period ends ({self.to}) before it starts ({self.from_})")
        if self.rate < 0:
            raise ValueError("a rate must not be negative")
        return self

    def rate_of(self, kind: RateKind) -> Decimal | None:
        """The rate of `kind`; None where this row does not state it."""
        return self.rate if kind == "rate" else self.contractual_max_rate


def check_periods(periods: Sequence[RatePeriod]) -> None:
    """Periods must be sorted and must not overlap: one day has one rate."""
    for before, after in pairwise(periods):
        if before.to is None or before.to >= after.from_:
            raise ValueError(
                f"rate periods overlap or are out of order: {before.from_}..{before.to} "
                f"then {after.from_}..{after.to}"
            )


class Regime(FrozenModel):
    """One statutory regime's rate timeline and defaults (a `regimes` entry of rates.json)."""

    regime: str = Field(description="Key, e.g. EU, DE_B2B, PL_CIVIL.")
    title: str = Field(default="", description="The statute, in words.")
    reference: str = Field(default="", description="The reference rate the margin is added to.")
    margin: Decimal | None = Field(default=None, description="Percentage points over reference.")
    margin_note: str | None = Field(default=None, description="Comment on the margin.")
    semantics: Semantics = Field(description="How the rate moves during one debt.")
    basis: Basis = Field(description="Default day-count basis.")
    basis_provenance: str | None = Field(default=None, description="Tag of the basis choice.")
    currency: str | None = Field(default=None, description="Usual currency of the regime.")
    compounding: Compounding = Field(default="simple", description="simple or PPA_MONTHLY.")
    notes: str = Field(default="", description="Caveats of the research.")
    periods: tuple[RatePeriod, ...] = Field(description="Rate periods, sorted, not overlapping.")

    @model_validator(mode="after")
    def _sorted(self) -> Self:
        check_periods(self.periods)
        return self


class RateTable(InputModel):
    """A whole rates.json document: the packaged one or a host's replacement of the same shape."""

    about: str = Field(default="", description="What the table is and when it was compiled.")
    conventions: dict[str, Any] = Field(default_factory=dict, description="Format notes.")
    regimes: tuple[Regime, ...] = Field(description="One entry per regime.")

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [r.regime for r in self.regimes]
        if len(set(names)) != len(names):
            raise ValueError("regime keys must be unique")
        return self

    def regime(self, name: str) -> Regime:
        """The regime called `name`.

        Raises:
            InvalidCaseError: when the table has no such regime.
        """
        for regime in self.regimes:
            if regime.regime == name:
                return regime
        raise InvalidCaseError("no such regime in the rate table", field="regime", value=name)


@lru_cache(maxsize=1)
def builtin_rate_table() -> RateTable:
    """The rate table shipped with paychase (compiled from ../shared/law/rates.json).

    Reference rates change at least twice a year, so a host should pass its own, newer table when
    it has one; this one is dated and every period carries its source.

    Examples:
        >>> builtin_rate_table().regime("DE_B2B").semantics
        'PER_HALF_YEAR'
    """
    text = (
        files("paychase.money").joinpath("rates").joinpath("rates.json").read_text(encoding="utf-8")
    )
    return RateTable.model_validate(json.loads(text))
