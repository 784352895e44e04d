"""A step's own late fee: a flat fee at one level of the ladder, a percentage at another.

Tryton's dunning levels and Invoice Ninja's reminders each carry a fee of their own; a step's
``late_fee`` does the same. What it books, and when a contract lets it, is the money engine's
(`paychase.money._fees`, `paychase.planner._costs`): here is only its shape.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from paychase._model import FrozenModel
from paychase.errors import PaychaseError, PolicyError

__all__ = ["StepFee"]


def _no_float(value: object) -> object:
    """Money and rates come as text or integers: a float has already lost cents."""
    if isinstance(value, float | bool):
        raise ValueError('give a decimal as text ("12.50") or an integer, not a float')
    return value


class StepFee(FrozenModel):
    """The fee one step books, in place of what the contract's clause books at that step.

    A flat fee at the first level and a percentage at the second, as Tryton's dunning levels and
    Invoice Ninja's reminders allow. It is charged only under a contract whose late-fee clause
    is a contractual fee (not ``none``, not ``statutory``), within the clause's cap.
    """

    error_class: ClassVar[type[PaychaseError]] = PolicyError

    kind: Literal["flat", "percent"] = Field(
        description="flat: `amount` in the contract's currency; percent: `rate` % of the "
        "principal unpaid on the day the step books it"
    )
    amount: Annotated[Decimal, BeforeValidator(_no_float)] | None = Field(
        default=None, gt=0, lt=10**12, description="A flat fee's amount, in the contract currency"
    )
    rate: Annotated[Decimal, BeforeValidator(_no_float)] | None = Field(
        default=None, gt=0, le=1000, description="A percent fee's rate, at most 1000"
    )

    @model_validator(mode="after")
    def _has_its_parameter(self) -> Self:
        wanted, other = ("amount", "rate") if self.kind == "flat" else ("rate", "amount")
        if getattr(self, wanted) is None or getattr(self, other) is not None:
            raise ValueError(f"a {self.kind} step fee needs an '{wanted}' and no '{other}'")
        return self
