"""Where a newer rate table lives, and how it is laid over the shipped one.

``paychase rates update`` writes ``rates.json``: into the workspace's folder (the folder of
``paychase.toml``) when there is one, else into the user data folder (``platformdirs``:
``~/.local/share/paychase/rates.json`` on Linux). Every command reads the first of
``--rates FILE``, the workspace's ``rates.json`` and the user's ``rates.json`` that exists, laid
over the shipped table; a host does the same with ``plan(case, rates=find_rate_table())``.

Laying a table over another (`overlay`) keeps what the newer one does not say: a regime it
lacks, and periods before its first or after its last.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from platformdirs import user_data_dir

from paychase._files import read_input, write_text_atomically
from paychase.case._schema import JSON_SCHEMA_DIALECT
from paychase.errors import InvalidCaseError, PaychaseError
from paychase.money._rates import RatePeriod, RateTable, Regime, builtin_rate_table

__all__ = [
    "RATES_NAME",
    "find_rate_table",
    "overlay",
    "rates_schema",
    "read_rate_file",
    "stored_rates_path",
    "user_rates_path",
    "write_rate_file",
]

RATES_NAME: Final = "rates.json"
_ONE_DAY: Final = timedelta(days=1)


def user_rates_path() -> Path:
    """The user's ``rates.json``, in the platform's user data folder."""
    return Path(user_data_dir("paychase")) / RATES_NAME


def stored_rates_path(folder: Path | None) -> Path:
    """Where an update is stored: `folder` (the workspace's), else the user data folder."""
    return folder / RATES_NAME if folder is not None else user_rates_path()


def find_rate_table(folder: Path | None = None, file: Path | None = None) -> RateTable:
    """The rate table to plan with: `file`, else the stored one, laid over the shipped table.

    Args:
        folder: the workspace's folder, whose ``rates.json`` comes before the user's.
        file: a table named on purpose (``--rates FILE``); it must exist.

    Raises:
        InvalidCaseError: the file cannot be read or is not a rate table.

    Examples:
        >>> find_rate_table(file=None, folder=Path("no-such-folder")).regime("EU").currency
        'EUR'
    """
    if file is not None:
        return overlay(builtin_rate_table(), read_rate_file(file))
    for candidate in (stored_rates_path(folder), user_rates_path()):
        if candidate.is_file():
            return overlay(builtin_rate_table(), read_rate_file(candidate))
    return builtin_rate_table()


def read_rate_file(path: Path) -> RateTable:
    """A rate table from a JSON file of the shipped table's shape (see ``docs/rates.md``).

    Raises:
        InvalidCaseError: naming the file, when it cannot be read or is not a rate table.
    """
    text = read_input(path, "the rate table", field=str(path))  # a regular file, bounded
    try:
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise InvalidCaseError(f"cannot read the rate table: {error}", field=str(path)) from None
    try:
        return RateTable.model_validate(data)
    except PaychaseError as error:
        raise InvalidCaseError(f"not a rate table: {error}", field=str(path)) from None


def write_rate_file(path: Path, table: RateTable) -> None:
    """Write `table` to `path` at once: a reader sees the old table or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = table.model_dump(mode="json", by_alias=True)
    text = json.dumps(_pruned(data), ensure_ascii=False, indent=2)
    write_text_atomically(path, text + "\n")


def _pruned(data: Any) -> Any:
    """`data` without its null fields, except ``to``: a null ``to`` means open-ended."""
    if isinstance(data, dict):
        return {k: _pruned(v) for k, v in data.items() if v is not None or k == "to"}
    if isinstance(data, list):
        return [_pruned(item) for item in data]
    return data


def overlay(base: RateTable, top: RateTable) -> RateTable:
    """`top` laid over `base`: its regimes replace theirs where they say something.

    Examples:
        >>> table = builtin_rate_table()
        >>> overlay(table, table) == table
        True
    """
    tops = {regime.regime: regime for regime in top.regimes}
    regimes = [_laid(regime, tops.pop(regime.regime, None)) for regime in base.regimes]
    return base.model_copy(
        update={"regimes": (*regimes, *tops.values()), "about": top.about or base.about}
    )


def _laid(base: Regime, top: Regime | None) -> Regime:
    """`top`'s periods, with `base`'s before the first and after the last of them."""
    if top is None or not top.periods:
        return base if top is None else top
    first, last = top.periods[0].from_, top.periods[-1].to
    before = [_ending_before(p, first) for p in base.periods if p.from_ < first]
    after = [p for p in base.periods if last is not None and p.from_ > last]
    return top.model_copy(update={"periods": (*before, *top.periods, *after)})


def _ending_before(period: RatePeriod, first: date) -> RatePeriod:
    """`period`, cut to end the day before `first` if it ran into it."""
    end = first - _ONE_DAY
    if period.to is not None and period.to <= end:
        return period
    return period.model_copy(update={"to": end, "to_note": None})


def rates_schema() -> dict[str, Any]:
    """JSON Schema of a rate table (``rates.json``), as ``--rates FILE`` and ``rates=`` take it.

    Examples:
        >>> rates_schema()["title"]
        'RateTable'
    """
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **RateTable.model_json_schema(mode="validation", by_alias=True),
    }
