"""A reference rate as a publisher states it: dated values, and how far the data reaches.

Every source client turns its publisher's document into one `Series`; the regime rules
(`paychase.rates._rules`) read only this shape, so a rule never depends on a publisher's format.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, model_validator

from paychase._model import FrozenModel

__all__ = ["Observation", "Series"]


class Observation(FrozenModel):
    """A value in force from `day` until the next observation."""

    day: date = Field(description="First day the value is in force.")
    value: Decimal = Field(description="The rate in percent per annum.")
    published: date | None = Field(
        default=None, description="When the publisher published it, where the document says."
    )
    url: str | None = Field(default=None, description="The publication, where it has its own.")
    document: str | None = Field(
        default=None, description="The publication's own name (a Federal Register notice)."
    )


class Series(FrozenModel):
    """One publisher's series: values by the day they took effect, and the last day known."""

    source: str = Field(description="The source's key, e.g. ecb_mro.")
    publisher: str = Field(description="Who publishes it.")
    series: str = Field(description="The series or publication, in words a reader can look up.")
    url: str = Field(description="Where it was read.")
    retrieved: date = Field(description="The day it was read.")
    known_through: date = Field(description="The last day the data says anything about.")
    observations: tuple[Observation, ...] = Field(description="Sorted by day, one per change.")

    @model_validator(mode="after")
    def _changes_only(self) -> Series:
        days = [o.day for o in self.observations]
        if days != sorted(set(days)):
            raise ValueError("observations must be sorted by day, one per day")
        return self

    def in_force(self, day: date) -> Observation | None:
        """The observation in force on `day`; None before the first or after `known_through`."""
        if day > self.known_through:
            return None
        found = None
        for observation in self.observations:
            if observation.day > day:
                break
            found = observation
        return found


def changes(observations: list[Observation]) -> tuple[Observation, ...]:
    """Sorted observations with repeats of the previous value dropped (daily series to changes).

    Examples:
        >>> rows = [Observation(day=date(2026, 1, d), value=Decimal(v)) for d, v in
        ...         [(2, "4"), (1, "4"), (5, "3.75")]]
        >>> [(o.day.day, str(o.value)) for o in changes(rows)]
        [(1, '4'), (5, '3.75')]
    """
    kept: list[Observation] = []
    for observation in sorted(observations, key=lambda o: o.day):
        if kept and kept[-1].day == observation.day:
            kept[-1] = observation
        elif not kept or kept[-1].value != observation.value:
            kept.append(observation)
    return tuple(kept)
