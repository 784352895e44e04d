"""The published JSON Schemas of the case file and the plan (kept in docs/schema/)."""

from __future__ import annotations

from typing import Any

from paychase._actions import Plan
from paychase._case import Case

__all__ = ["case_schema", "plan_schema"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def case_schema() -> dict[str, Any]:
    """JSON Schema of the case file (SPEC §2), as hosts and editors validate it.

    >>> case_schema()["title"]
    'Case'
    """
    return {"$schema": _DIALECT, **Case.model_json_schema(mode="validation", by_alias=True)}


def plan_schema() -> dict[str, Any]:
    """JSON Schema of the plan `plan()` returns (SPEC §4), as serialised."""
    return {"$schema": _DIALECT, **Plan.model_json_schema(mode="serialization", by_alias=True)}
