"""A griffe extension for the API reference: pydantic fields read as the models declare them.

paychase documents the fields of its models with ``Field(default=..., description=...)``, which
feeds the JSON Schema; griffe reads docstrings, and shows a field's value as the whole
``Field(...)`` call. With this extension a field's ``description`` becomes its docstring (one it
has of its own is kept) and its value is just its default, or nothing when it is required.
mkdocs.yml loads it as ``scripts/griffe_fields.py``.
"""

from __future__ import annotations

import ast
from typing import Any

import griffe


def _field_call(node: ast.AST) -> ast.Call | None:
    """The pydantic ``Field(...)`` call an annotated field is assigned, if it is one."""
    if not isinstance(node, ast.AnnAssign):
        return None
    value = node.value
    if not isinstance(value, ast.Call):
        return None
    function = value.func
    name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
    return value if name == "Field" else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((keyword.value for keyword in call.keywords if keyword.arg == name), None)


class FieldDescriptions(griffe.Extension):
    """Give each pydantic field its description as docstring and its default as value."""

    def on_attribute_instance(
        self, *, node: ast.AST | griffe.ObjectNode, attr: griffe.Attribute, **kwargs: Any
    ) -> None:
        """Rewrite `attr` when the source assigns it a ``Field(...)``."""
        if not isinstance(node, ast.AST):
            return
        call = _field_call(node)
        if call is None:
            return
        description = _keyword(call, "description")
        if (
            attr.docstring is None
            and isinstance(description, ast.Constant)
            and isinstance(description.value, str)
        ):
            attr.docstring = griffe.Docstring(description.value, lineno=node.lineno, parent=attr)
        default = call.args[0] if call.args else _keyword(call, "default")
        if default is None or (isinstance(default, ast.Constant) and default.value is Ellipsis):
            attr.value = None  # required, or a default_factory: no value to show
        else:
            attr.value = griffe.safe_get_expression(default, parent=attr.parent)
