"""Reading case files from text: JSON always, YAML where PyYAML is installed.

YAML numbers are read as exact decimals and its timestamps are left as text, so a YAML case
means what the same JSON case means (no float money, no naive datetimes slipping through).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from paychase.case._case import Case
from paychase.errors import InvalidCaseError

__all__ = ["CaseFormat", "parse_case", "read_case_data"]

CaseFormat = Literal["json", "yaml"]


def parse_case(text: str | bytes | Mapping[str, Any], *, format: CaseFormat = "json") -> Case:
    """Build a `Case` from case-file text, or from a mapping of the case file already parsed.

    Args:
        text: the case file as JSON or YAML text, or as the mapping its JSON parses to (a
            host that reads JSON or YAML itself, or builds the data in code); a mapping is
            validated as it is, whatever `format` says.
        format: how `text` is written, when it is text.

    Returns:
        The checked case.

    Raises:
        InvalidCaseError: the text is not valid JSON/YAML, or the data is not a valid case.
        PolicyError: the case's inline policy cannot work as written.

    Examples:
        >>> parse_case('{"version": 1, "now": "2026-03-10T09:00:00+01:00"}').now.isoformat()
        '2026-03-10T09:00:00+01:00'
        >>> parse_case({"version": 1, "policy": "saas"}).policy.name
        'saas'
        >>> try:
        ...     parse_case({"version": 1, "clients": "c1"})
        ... except InvalidCaseError as error:
        ...     print(error.field)
        clients
    """
    if isinstance(text, Mapping):
        return Case.model_validate(text)
    return Case.model_validate(read_case_data(text, format=format))


def read_case_data(text: str | bytes, *, format: CaseFormat = "json") -> Any:
    """The data of case-file text, parsed but not yet checked: what `Case` is validated from.

    YAML numbers come back as exact `Decimal`s and its timestamps as the text written.

    Raises:
        InvalidCaseError: the text is not valid JSON or YAML (or not text at all).

    Examples:
        >>> read_case_data('{"version": 1, "clients": []}')
        {'version': 1, 'clients': []}
    """
    if not isinstance(text, str | bytes):
        raise InvalidCaseError(
            "a case file is JSON or YAML text, or the mapping it parses to",
            field="case",
            value=type(text).__name__,
        )
    if format == "yaml":
        return _yaml_data(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidCaseError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            field="case",
        ) from None
    except UnicodeDecodeError as error:
        raise InvalidCaseError(
            f"not UTF-8 text: cannot decode byte {error.start}", field="case"
        ) from None


def _yaml_data(text: str | bytes) -> Any:
    try:
        import yaml  # noqa: PLC0415 - optional dependency, paychase[yaml]
    except ImportError:
        raise InvalidCaseError(
            "YAML case files need PyYAML: pip install 'paychase[yaml]'", field="case"
        ) from None

    class _ExactLoader(yaml.SafeLoader):
        """SafeLoader that keeps numbers exact and timestamps as written."""

    def exact_number(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal | str:
        assert isinstance(node, yaml.ScalarNode)
        text = str(loader.construct_scalar(node))
        try:
            return Decimal(text.replace("_", ""))
        except InvalidOperation:  # .inf, .nan: left as text for validation to refuse
            return text

    def timestamp_as_written(loader: yaml.SafeLoader, node: yaml.Node) -> str:
        assert isinstance(node, yaml.ScalarNode)
        return str(loader.construct_scalar(node))

    _ExactLoader.add_constructor("tag:yaml.org,2002:float", exact_number)
    _ExactLoader.add_constructor("tag:yaml.org,2002:timestamp", timestamp_as_written)
    try:
        return yaml.load(text, Loader=_ExactLoader)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(error, "problem", None) or "cannot parse"
        raise InvalidCaseError(f"not valid YAML: {problem}{line}", field="case") from None
