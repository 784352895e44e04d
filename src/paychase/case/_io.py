"""Reading case files from text: JSON always, YAML where PyYAML is installed.

YAML numbers are read as exact decimals and its timestamps are left as text, so a YAML case
means what the same JSON case means (no float money, no naive datetimes slipping through).

Whatever the text, parsing it ends in data or an `InvalidCaseError`: nesting deeper than the
parsers can recurse and integers longer than any field takes are refused here, at the boundary,
instead of escaping as a `RecursionError` or `ValueError` from the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from paychase.case._case import Case
from paychase.errors import InvalidCaseError

__all__ = ["MAX_INTEGER_DIGITS", "CaseFormat", "parse_case", "read_case_data"]

CaseFormat = Literal["json", "yaml"]

MAX_INTEGER_DIGITS = 100
"""The most digits an integer in a case file may have: no field takes a longer one (amounts
stay below a trillion), and Python refuses to read integers of over 4 300 digits at all."""

_TOO_DEEP = "nested too deeply: a case file is a few levels of lists and objects"


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
        return json.loads(text, parse_int=_json_integer)
    except RecursionError:
        raise InvalidCaseError(_TOO_DEEP, field="case") from None
    except json.JSONDecodeError as error:
        raise InvalidCaseError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            field="case",
        ) from None
    except UnicodeDecodeError as error:
        raise InvalidCaseError(
            f"not UTF-8 text: cannot decode byte {error.start}", field="case"
        ) from None


def _json_integer(digits: str) -> int:
    """A JSON integer, refused when it is longer than any field could take."""
    _check_integer_length(digits, "")
    return int(digits)


def _check_integer_length(digits: str, where: str) -> None:
    """Refuse an integer of more than `MAX_INTEGER_DIGITS` digits; `where` says where it is."""
    length = len(digits.lstrip("+-").replace("_", ""))
    if length > MAX_INTEGER_DIGITS:
        raise InvalidCaseError(
            f"integer too long: {length} digits, at most {MAX_INTEGER_DIGITS}{where}",
            field="case",
        )


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

    def bounded_integer(loader: yaml.SafeLoader, node: yaml.Node) -> int:
        assert isinstance(node, yaml.ScalarNode)
        where = f" at line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"
        _check_integer_length(str(loader.construct_scalar(node)), where)
        return int(loader.construct_yaml_int(node))

    _ExactLoader.add_constructor("tag:yaml.org,2002:float", exact_number)
    _ExactLoader.add_constructor("tag:yaml.org,2002:timestamp", timestamp_as_written)
    _ExactLoader.add_constructor("tag:yaml.org,2002:int", bounded_integer)
    try:
        return yaml.load(text, Loader=_ExactLoader)
    except RecursionError:
        raise InvalidCaseError(_TOO_DEEP, field="case") from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(error, "problem", None) or "cannot parse"
        raise InvalidCaseError(f"not valid YAML: {problem}{line}", field="case") from None
