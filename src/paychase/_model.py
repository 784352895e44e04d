"""The base of every paychase model, and the one place pydantic's errors become paychase's.

Models are frozen (a plan cannot change the case it was made from) and forbid unknown fields
(a typo such as ``totl`` must not silently drop an invoice total). Validation errors are
translated at the boundary — whenever a model is built, from keywords, a mapping or JSON —
into `paychase.errors` exceptions that name the field in the case file's own terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple, Self, get_args

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails, PydanticUndefined

from paychase.errors import InvalidCaseError, PaychaseError, PolicyError

__all__ = [
    "FrozenModel",
    "InputModel",
    "field_path",
    "root_name",
    "translate_validation_error",
]


class FrozenModel(BaseModel):
    """Immutable, strict-about-names data: the shape of every paychase model.

    Building one from bad data — ``Invoice(total="-1", ...)``, ``Model.model_validate(...)``
    or ``Model.model_validate_json(...)`` — raises `error_class` (an `InvalidCaseError`
    unless the model says otherwise) naming the field, never pydantic's `ValidationError`:
    a host catches one family of errors whichever way its data comes in (SPEC §5 rule 13).

    A field named after a Python keyword is spelt with a trailing underscore in Python and
    without it in JSON (``from_`` / ``"from"``). It declares ``validation_alias`` and
    ``serialization_alias`` rather than ``alias``: a type checker reads ``alias`` as the name
    of the constructor's argument, which no caller could write.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        serialize_by_alias=True,
        validate_by_alias=True,
        validate_by_name=True,
    )

    error_class: ClassVar[type[PaychaseError]] = InvalidCaseError
    """What bad input raises: whose fault it is (the case's, a policy's, a plug-in's)."""

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise translate_validation_error(error, type(self)) from None

    # Tell pydantic this __init__ only wraps the base one: otherwise model_validate() would call
    # it and validate every input twice.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def trusted(cls, /, **values: Any) -> Self:
        """The model of `values` the engine built itself, without validating them again.

        Only the core's own arithmetic calls this, with values of the fields' exact types:
        validating what it has just computed costs more than the computation (issue 20). Data
        from outside — a case, a policy, a plan read back — always goes through validation.
        A field left out takes its default, as with the validating constructor.
        """
        shape = _shape_of(cls)
        filled = shape.defaults.copy()  # every field, in order; then the values given
        filled.update(values)
        if len(filled) != len(shape.defaults) or not shape.required <= values.keys():
            raise TypeError(shape.misfit(values))
        for name, make in shape.factories:
            if name not in values:
                filled[name] = make()
        model = cls.__new__(cls)
        object.__setattr__(model, "__dict__", filled)
        object.__setattr__(model, "__pydantic_fields_set__", set(values))
        object.__setattr__(model, "__pydantic_extra__", None)
        object.__setattr__(model, "__pydantic_private__", None)
        return model

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate `obj`, raising a `PaychaseError` that names the field on bad input."""
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as error:
            raise translate_validation_error(error, cls) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """Validate JSON text, raising a `PaychaseError` that names the field on bad input."""
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as error:
            raise translate_validation_error(error, cls) from None

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate a mapping of strings, raising a `PaychaseError` naming the field."""
        try:
            return super().model_validate_strings(obj, **kwargs)
        except ValidationError as error:
            raise translate_validation_error(error, cls) from None


class _Shape(NamedTuple):
    """What `FrozenModel.trusted` needs to know of a model's fields, worked out once."""

    name: str
    defaults: dict[str, Any]
    """Every field in order (the JSON lists a model's fields in its ``__dict__``'s order), with
    its plain default, or None where a factory or the caller must give it."""
    factories: tuple[tuple[str, Callable[[], Any]], ...]
    required: frozenset[str]

    def misfit(self, values: dict[str, Any]) -> str:
        """Which fields `values` names that the model lacks, or lacks that it needs."""
        unknown = sorted(values.keys() - self.defaults.keys())
        if unknown:
            return f"{self.name} has no field {unknown}"
        return f"{self.name} needs the fields {sorted(self.required - values.keys())}"


_SHAPES: dict[type[BaseModel], _Shape] = {}


def _shape_of(model: type[BaseModel]) -> _Shape:
    shape = _SHAPES.get(model)
    if shape is None:
        fields = model.model_fields
        shape = _SHAPES[model] = _Shape(
            name=model.__name__,
            defaults={
                name: None if field.default is PydanticUndefined else field.default
                for name, field in fields.items()
            },
            factories=tuple(
                (name, field.default_factory)  # type: ignore[misc]
                for name, field in fields.items()
                if field.default_factory is not None
            ),
            required=frozenset(name for name, field in fields.items() if field.is_required()),
        )
    return shape


InputModel = FrozenModel
"""The name the case, policy and rate-table models were written against; every model now
translates pydantic's errors, so it is `FrozenModel` itself."""


def field_path(location: tuple[int | str, ...], root: str = "case") -> str:
    """``('invoices', 0, 'total')`` → ``'invoices[0].total'``; `root` for the whole input.

    >>> field_path(("invoices", 0, "payments", 1, "amount"))
    'invoices[0].payments[1].amount'
    >>> field_path(("clients", 0, "contacts", "<list>", 1, "role"))
    'clients[0].contacts[1].role'
    >>> field_path((), root="receipt")
    'receipt'
    """
    path = ""
    for part in location:
        if isinstance(part, str) and part.startswith("<"):
            continue  # a union member's tag (``<list>``): the data has no such field
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or root


def root_name(model: type[BaseModel]) -> str:
    """How an error names a whole model that is not valid: ``ExchangeRate`` → ``exchange_rate``.

    >>> root_name(FrozenModel)
    'frozen_model'
    """
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


_PROBLEMS = {
    "extra_forbidden": "unknown field (check the spelling; unknown fields are not allowed)",
    "missing": "required field is missing",
    "timezone_aware": "naive datetime: add a UTC offset such as +01:00 (times must be "
    "timezone-aware)",
    "json_invalid": "not valid JSON",
    "string_unicode": "not valid Unicode: it holds a lone surrogate (such as \\ud800)",
}


def _problem(detail: ErrorDetails) -> str:
    known = _PROBLEMS.get(detail["type"])
    if known:
        return known
    message = detail["msg"]
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _holds_a_policy(annotation: Any) -> bool:
    """Whether a field's type is (or contains) a model whose bad input is a policy's fault."""
    if isinstance(annotation, type) and issubclass(annotation, FrozenModel):
        return annotation.error_class is PolicyError
    return any(_holds_a_policy(argument) for argument in get_args(annotation))


def _error_class(model: type[FrozenModel], location: tuple[int | str, ...]) -> type[PaychaseError]:
    """Whose fault a bad value at `location` is: the model's, or its inline policy's."""
    if location[:1] == ("policy",) and model.error_class is InvalidCaseError:
        field = model.model_fields.get("policy")
        if field is not None and _holds_a_policy(field.annotation):
            return PolicyError  # a case's (or a chase's) inline policy: the policy is at fault
    return model.error_class


def translate_validation_error(error: ValidationError, model: type[FrozenModel]) -> PaychaseError:
    """One `PaychaseError` for all of `error`'s problems, the first one in front.

    The error is `model`'s `FrozenModel.error_class` (a `PolicyError` for the inline policy
    of a case); a `PaychaseError` a validator raised is kept, its field placed where it was.
    """
    root = root_name(model)
    # An unknown field usually explains the "missing" one beside it (``totl`` for ``total``).
    details = sorted(error.errors(include_url=False), key=lambda d: d["type"] != "extra_forbidden")
    for detail in details:
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, PaychaseError):
            where = field_path(detail["loc"]) if detail["loc"] else None
            if where and cause.field and not cause.field.startswith(where):
                cause.field = f"{where}.{cause.field}"
            elif cause.field is None:
                cause.field = where or root
            return cause
    first, rest = details[0], details[1:]
    error_class = _error_class(model, first["loc"])
    value: Any = first.get("input")
    keep_value = first["type"] not in ("missing",) and not isinstance(value, dict | list)
    field = field_path(first["loc"], root)
    others = [f"{field_path(d['loc'], root)}: {_problem(d)}" for d in rest]
    if keep_value:
        return error_class(_problem(first), field=field, value=value, others=others)
    return error_class(_problem(first), field=field, others=others)
