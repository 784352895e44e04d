"""Limitation: the last day a claim to an invoice's payment can be brought, by jurisdiction.

The rules ship in ``paychase/money/rates/limitation.json``, each with its act, article and a
source (PL art. 118 KC, DE § 195/199 BGB, GR Civil Code 250/253, GB Limitation Act 1980 s. 5,
RU ст. 196/200 ГК РФ). The planner's limitation watch (`planner._reviews`) asks for a person's
review some time before that day. Where a reading is unsure the rules take the earlier date:
a watch that warns early costs a look, one that warns late costs the claim.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from paychase._model import FrozenModel, InputModel

__all__ = ["LimitationRule", "LimitationTable", "builtin_limitation_table", "claim_barred_after"]

_ONE_DAY = timedelta(days=1)


class LimitationRule(FrozenModel):
    """How long a business's claim to an invoice's payment lasts in one jurisdiction."""

    jurisdiction: str = Field(description="ISO 3166 country code of the contract's law")
    years: int = Field(ge=1, le=30, description="The length of the period, in years")
    accrues: Literal["due", "day_after_due"] = Field(
        description="What the period counts from: the due date, or the day after it"
    )
    end_of_year: bool = Field(description="Whether the period ends on 31 December of its year")
    restarted_by_payment: bool = Field(
        description="Whether a part payment acknowledges the claim and restarts the period"
    )
    act: str = Field(description="The statute")
    article: str = Field(description="The articles the rule rests on")
    url: str = Field(description="Where the statute is published")
    period_source: str = Field(description="A source that states the period")
    restart: str = Field(description="What interrupts or restarts the period, and by what rule")
    notes: str = Field(description="Caveats: what the rule covers and what was not verified")

    def last_day(self, due: date, payments: Iterable[date] = ()) -> date:
        """The last day a claim to an invoice due on `due` can be brought.

        `payments` are the days part payments were made: where the law restarts the period on
        a part payment (`restarted_by_payment`), each one made before the period ran out
        starts it anew, counted from the payment's day to the day; a restart never ends it
        sooner (a payment in the year the claim fell due leaves DE's end-of-year period as it
        was).

        Examples:
            >>> rule = builtin_limitation_table().rule("DE")
            >>> rule.last_day(date(2025, 3, 10))
            datetime.date(2028, 12, 31)
            >>> rule.last_day(date(2025, 3, 10), payments=[date(2026, 5, 4)])
            datetime.date(2029, 5, 4)
        """
        start = due if self.accrues == "due" else due + _ONE_DAY
        last = (
            date(start.year + self.years, 12, 31)
            if self.end_of_year
            else _years_on(start, self.years)
        )
        if self.restarted_by_payment:
            for paid in sorted(payments):
                if start < paid <= last:  # never shorter: paid before the period even began
                    last = max(last, _years_on(paid, self.years))
        return last


def _years_on(day: date, years: int) -> date:
    """`day` the same date `years` later; 29 February becomes 28 February (the earlier day)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 2, 28)


class LimitationTable(InputModel):
    """A whole limitation.json document: the packaged one or a host's replacement."""

    about: str = Field(default="", description="What the table is and when it was compiled")
    conventions: dict[str, Any] = Field(default_factory=dict, description="Format notes")
    rules: tuple[LimitationRule, ...] = Field(description="One rule per jurisdiction")

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [rule.jurisdiction for rule in self.rules]
        if len(set(names)) != len(names):
            raise ValueError("one rule per jurisdiction")
        return self

    def rule(self, jurisdiction: str) -> LimitationRule | None:
        """The rule of `jurisdiction`, or None where the table has none."""
        return next((r for r in self.rules if r.jurisdiction == jurisdiction), None)


@lru_cache(maxsize=1)
def builtin_limitation_table() -> LimitationTable:
    """The limitation rules shipped with paychase, each with its statute and source.

    Examples:
        >>> builtin_limitation_table().rule("GR").years
        5
    """
    text = (
        files("paychase.money")
        .joinpath("rates")
        .joinpath("limitation.json")
        .read_text(encoding="utf-8")
    )
    return LimitationTable.model_validate(json.loads(text))


def claim_barred_after(
    jurisdiction: str, due: date, payments: Iterable[date] = ()
) -> tuple[date, LimitationRule] | None:
    """The last day a claim can be brought under `jurisdiction`'s rule, with the rule.

    None where paychase knows no rule for the jurisdiction.

    Examples:
        >>> claim_barred_after("GB", date(2024, 2, 28))[0]
        datetime.date(2030, 2, 28)
        >>> claim_barred_after("US", date(2024, 2, 28)) is None
        True
    """
    rule = builtin_limitation_table().rule(jurisdiction)
    if rule is None:
        return None
    return rule.last_day(due, payments), rule
