"""The base of every paychase model, and the one place pydantic's errors become paychase's.

Models are frozen (a plan cannot change the case it was made from) and forbid unknown fields
(a typo such as ``totl`` must not silently drop an invoice total). Validation errors are
translated at the boundary — when a host builds a `Case` or `Policy` — into
`paychase.errors` exceptions that name the field in the case file's own terms.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from paychase.errors import InvalidCaseError, PaychaseError, PolicyError

__all__ = ["FrozenModel", "InputModel", "field_path", "translate_validation_error"]


class FrozenModel(BaseModel):
    """Immutable, strict-about-names data: the shape of every paychase model."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        serialize_by_alias=True,
        validate_by_alias=True,
        validate_by_name=True,
    )


class InputModel(FrozenModel):
    """A model a host builds from its own data: invalid input raises a `PaychaseError`."""

    error_class: ClassVar[type[PaychaseError]] = InvalidCaseError
    """The error invalid input raises, naming the field."""

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise translate_validation_error(error, self.error_class) from None

    # Tell pydantic this __init__ only wraps the base one: otherwise model_validate() would call
    # it and validate every input twice.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate `obj`, raising a `PaychaseError` that names the field on bad input."""
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as error:
            raise translate_validation_error(error, cls.error_class) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """Validate JSON text, raising a `PaychaseError` that names the field on bad input."""
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as error:
            raise translate_validation_error(error, cls.error_class) from None


def field_path(location: tuple[int | str, ...]) -> str:
    """``('invoices', 0, 'total')`` → ``'invoices[0].total'``.

    >>> field_path(("invoices", 0, "payments", 1, "amount"))
    'invoices[0].payments[1].amount'
    """
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "case"


_PROBLEMS = {
    "extra_forbidden": "unknown field (check the spelling; unknown fields are not allowed)",
    "missing": "required field is missing",
    "timezone_aware": "naive datetime: add a UTC offset such as +01:00 (times must be "
    "timezone-aware)",
    "json_invalid": "not valid JSON",
}


def _problem(detail: ErrorDetails) -> str:
    known = _PROBLEMS.get(detail["type"])
    if known:
        return known
    message = detail["msg"]
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def translate_validation_error(
    error: ValidationError, error_class: type[PaychaseError]
) -> PaychaseError:
    """One `PaychaseError` for all of `error`'s problems, the first one in front."""
    # An unknown field usually explains the "missing" one beside it (``totl`` for ``total``).
    details = sorted(error.errors(include_url=False), key=lambda d: d["type"] != "extra_forbidden")
    for detail in details:
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, PaychaseError):
            where = field_path(detail["loc"]) if detail["loc"] else None
            if where and cause.field and not cause.field.startswith(where):
                cause.field = f"{where}.{cause.field}"
            elif cause.field is None:
                cause.field = where or "case"
            return cause
    first, rest = details[0], details[1:]
    if first["loc"][:1] == ("policy",):  # a case's inline policy: the policy is at fault
        error_class = PolicyError
    value: Any = first.get("input")
    keep_value = first["type"] not in ("missing",) and not isinstance(value, dict | list)
    others = [f"{field_path(d['loc'])}: {_problem(d)}" for d in rest]
    if keep_value:
        return error_class(
            _problem(first), field=field_path(first["loc"]), value=value, others=others
        )
    return error_class(_problem(first), field=field_path(first["loc"]), others=others)
