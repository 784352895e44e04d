"""Instalment plans as agreed with a client: which invoices, how many parts, from when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, Self

from dateutil.relativedelta import relativedelta
from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from paychase._model import FrozenModel
from paychase._text import Text
from paychase.case._types import CaseDate, ForwardDuration, Identifier, PositiveAmount
from paychase.errors import InvalidCaseError

__all__ = ["Frequency", "FrequencyUnit", "InstalmentPlan"]

FrequencyUnit = Literal["d", "w", "m"]

# At most four digits: 9999 months is over eight centuries, so a longer number is a typo.
_PATTERN = re.compile(r"^([1-9][0-9]{0,3})([dwm])$")
_MAX_COUNT = 9999
_NOT_A_FREQUENCY = (
    f"not an instalment frequency; use a whole number from 1 to {_MAX_COUNT} followed by "
    "d (days), w (weeks) or m (calendar months), e.g. '1m', '2w', '10d'"
)


@dataclass(frozen=True, slots=True)
class Frequency:
    """How often instalments fall due: every N days (``Nd``), weeks (``Nw``) or months (``Nm``).

    Examples:
        >>> Frequency.parse("2w")
        Frequency(count=2, unit='w')
        >>> str(Frequency(1, "m"))
        '1m'
    """

    count: int
    unit: FrequencyUnit

    def __post_init__(self) -> None:
        # Built directly (not parsed), a frequency must still be one that `parse` could return.
        if isinstance(self.count, bool) or not isinstance(self.count, int):
            raise InvalidCaseError(
                "a frequency's count must be an integer", field="count", value=self.count
            )
        if not 1 <= self.count <= _MAX_COUNT:
            raise InvalidCaseError(
                f"a frequency's count must be from 1 to {_MAX_COUNT}",
                field="count",
                value=self.count,
            )
        if self.unit not in ("d", "w", "m"):
            raise InvalidCaseError(
                "a frequency's unit must be 'd' (days), 'w' (weeks) or 'm' (months)",
                field="unit",
                value=self.unit,
            )

    @classmethod
    def parse(cls, text: str) -> Frequency:
        """Read ``Nd``, ``Nw`` or ``Nm``, with N a whole number from 1 to 9999.

        Args:
            text: the frequency as written, e.g. ``"1m"``, ``"2w"``, ``"10d"``.

        Returns:
            The frequency.

        Raises:
            InvalidCaseError: when `text` is not such a frequency (also a `ValueError`).

        Examples:
            >>> Frequency.parse("10d")
            Frequency(count=10, unit='d')
        """
        match = _PATTERN.match(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidCaseError(_NOT_A_FREQUENCY, field="frequency", value=text)
        number, unit = match.groups()
        return cls(int(number), unit)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def nth(self, first: date, k: int) -> date:
        """The due date of instalment `k` (0-based) of a plan whose first instalment is `first`.

        Counted from `first` in one step, never chained: monthly from 31 January gives
        28 February and then 31 March (not 28 March). A day missing from the target month
        becomes its last day.

        Args:
            first: the due date of the first instalment.
            k: which instalment, 0 for the first.

        Returns:
            Its due date.

        Raises:
            ValueError: when `k` is negative or the date would fall after the year 9999.

        Examples:
            >>> monthly = Frequency.parse("1m")
            >>> [monthly.nth(date(2026, 1, 31), k).isoformat() for k in range(4)]
            ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']
        """
        if k < 0:
            raise ValueError(f"an instalment index is 0 or more, not {k}")
        steps = self.count * k
        try:
            if self.unit == "m":
                return first + relativedelta(months=steps)
            return first + timedelta(days=steps * 7 if self.unit == "w" else steps)
        except (OverflowError, ValueError):
            raise ValueError(
                f"instalment {k} of a plan starting on {first} every {self} falls after 9999"
            ) from None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _frequency_input, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": _PATTERN.pattern, "examples": ["1m", "2w", "10d"]}


def _frequency_input(value: object) -> Frequency:
    """A field's frequency, as text or built; the model that holds it names the field."""
    if isinstance(value, Frequency):
        return value
    match = _PATTERN.match(value) if isinstance(value, str) else None
    if match is None:
        # A plain ValueError: the model's own error class (case, script) blames the input.
        raise ValueError(_NOT_A_FREQUENCY)
    number, unit = match.groups()
    return Frequency(int(number), unit)  # type: ignore[arg-type]


class InstalmentPlan(FrozenModel):
    """An agreement to pay the balance of some invoices in parts (see `instalment_schedule`).

    While the plan is honoured its invoices get instalment reminders instead of the ladder; an
    instalment unpaid after its grace breaks the plan and the ladder resumes at its firm step.
    """

    id: Identifier = Field(
        description="The plan's id: letters, digits and _ . : - (no '/' or '+'); an "
        "instalment reminder names it"
    )
    client: Text = Field(description="The id of the client whose invoices the plan settles")
    invoices: tuple[Text, ...] = Field(min_length=1, description="The invoices the plan settles")
    agreed: CaseDate = Field(description="When the plan was agreed; payments from then count")
    instalments: int = Field(ge=1, le=360, description="How many instalments")
    first: CaseDate = Field(description="When the first instalment falls due")
    every: Frequency = Field(
        default_factory=lambda: Frequency.parse("1m"),
        description="How often instalments fall due: Nd, Nw or Nm (calendar months)",
    )
    total: PositiveAmount | None = Field(
        default=None,
        description="What the plan settles; default: the invoices' unpaid principal the day "
        "before it was agreed",
    )
    grace: ForwardDuration | None = Field(
        default=None,
        description="How late an instalment may be paid; default: the contract's grace",
    )

    @model_validator(mode="after")
    def _dated_sensibly(self) -> Self:
        if self.first < self.agreed:
            raise ValueError("the first instalment falls due before the plan was agreed")
        if len(set(self.invoices)) != len(self.invoices):
            raise ValueError("an invoice is named twice")
        return self
