"""The published JSON Schema of the case file (kept in docs/schema/)."""

from __future__ import annotations

from typing import Any

from paychase.case._case import Case

__all__ = ["JSON_SCHEMA_DIALECT", "case_schema"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def case_schema() -> dict[str, Any]:
    """JSON Schema of the case file (SPEC §2), as hosts and editors validate it.

    Examples:
        >>> case_schema()["title"]
        'Case'
    """
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **Case.model_json_schema(mode="validation", by_alias=True),
    }
