"""A repeated step: "remind every 10 days until paid", a fixed number of times at most.

How the walk times each sending and keys it is the planner's (`paychase.planner._next_step`,
`_combine`); how the history counts them, `paychase.policy._ladder`'s. Here is only its shape.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from paychase._model import FrozenModel
from paychase.calendar._durations import Duration
from paychase.errors import PaychaseError, PolicyError

__all__ = ["Repeat"]


def _positive(value: Duration) -> Duration:
    if value.is_negative or value.count == 0:
        raise ValueError("must be positive")
    return value


class Repeat(FrozenModel):
    """A step sent again and again until the invoice is paid: "remind every 10 days".

    Each sending is an action of its own, keyed ``<step>#<n>`` from the second on, and spaced
    `every` after the sending before it (and min_gap after any contact), never in a burst.
    """

    error_class: ClassVar[type[PaychaseError]] = PolicyError

    every: Annotated[Duration, AfterValidator(_positive)] = Field(
        description="How long after the step's last sending the next one comes, e.g. 10d or 5bd"
    )
    times: int = Field(
        ge=2,
        le=52,
        description="How many times the step is sent in all, the first sending included; the "
        "ladder moves on after the last (or when the step's conditions fail)",
    )
