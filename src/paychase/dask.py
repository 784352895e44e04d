"""Planning a portfolio on a Dask cluster from shards of clients: ``paychase[dask]``.

A portfolio partitioned by client is a set of **shards**: JSON Lines files (UTF-8), each line a
complete case file (SPEC §2) holding exactly one client with its contracts, invoices,
instalment plans, chases and history, and what all clients share (``version``, ``now``,
``policy``, ``policy_versions``, ``exchange_rates``, ``sender``). A client's line is all it
takes to plan that client, so any worker can plan any line. `write_shards` cuts a case file
into shards; a host can also write them straight from its own database, a line per client.

`plan_partitions` plans the shards on the cluster (a `dask.bag`, one partition per file) and
merges the clients' plans into one `Plan`: its actions sorted by ``at`` then ``key`` as
`plan()` sorts them, its invoice and chase states in shard order (the shards' files in name
order, their lines in file order). For shards that `write_shards` cut from a case file whose
invoices are listed client by client, in the order of its clients, that is the plan of the
case file, byte for byte.

The command line, without the ``paychase`` CLI's extra::

    python -m paychase.dask write-shards CASE DIR --shards 64
    python -m paychase.dask plan 'DIR/*.jsonl' --scheduler tcp://scheduler:8786 > plan.json
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from paychase._stream import merge_plans, parse_part, read_parts
from paychase.calendar._protocols import CalendarFactory
from paychase.errors import InvalidCaseError, PaychaseError
from paychase.money._rates import RateTable
from paychase.planner._outputs import Plan
from paychase.planner._plan import plan

__all__ = ["plan_partitions", "plan_shard_lines", "write_shards"]


def write_shards(
    source: str | Path | IO[bytes],
    directory: str | Path,
    *,
    shards: int,
    spill_dir: str | Path | None = None,
) -> list[Path]:
    """Cut a JSON case file into `shards` JSON Lines files of clients, in the case's order.

    The file is read as `paychase.plan_stream` reads it (any size, flat memory, what holds
    between clients checked: unique ids, known owners; each client's own records are checked
    when its line is planned); each shard holds a contiguous run of clients, about as many in
    each. Files are named ``part-00000.jsonl``, ``part-00001.jsonl``…, so that their name order
    is the clients' order; fewer are written when there are fewer clients.

    Returns:
        The paths written, in order.

    Raises:
        InvalidCaseError: the case file is not valid, or `shards` is less than 1.
    """
    if shards < 1:
        raise InvalidCaseError("at least one shard", field="shards", value=shards)
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with read_parts(source, spill_dir=spill_dir) as parts:
        per_shard = max(math.ceil(len(parts) / shards), 1)
        out: IO[str] | None = None
        try:
            for number, part in enumerate(parts):
                if number % per_shard == 0:
                    if out is not None:
                        out.close()
                    written.append(target / f"part-{len(written):05d}.jsonl")
                    out = written[-1].open("w", encoding="utf-8")
                assert out is not None  # opened at the first client
                out.write(part.text + "\n")
        finally:
            if out is not None:
                out.close()
    return written


def plan_shard_lines(
    lines: Iterable[str],
    *,
    now: datetime | None,
    calendars: CalendarFactory | None = None,
    rates: RateTable | None = None,
) -> list[Plan]:
    """The plan of each line of a shard (blank lines skipped): what each Dask task runs.

    Raises:
        InvalidCaseError, PolicyError: a line is not a valid case file; the error's field
            starts with the line's number (``line 3: invoices[0].total``).
    """
    plans = []
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            plans.append(plan(parse_part(line), now=now, calendars=calendars, rates=rates))
        except PaychaseError as error:
            error.field = f"line {number + 1}: {error.field or 'case'}"
            error.args = (error.summary(),)
            raise
    return plans


def plan_partitions(
    paths_or_pattern: str | Sequence[str],
    *,
    now: datetime | None,
    calendars: CalendarFactory | None = None,
    rates: RateTable | None = None,
    storage_options: dict[str, Any] | None = None,
) -> Plan:
    """Plan a portfolio sharded by client on Dask: the `Plan` of all the shards' clients.

    Runs on the Dask scheduler in use: a ``distributed.Client`` created before the call (for a
    cluster, ``Client("tcp://scheduler:8786")``), else Dask's default one, in this process.

    Args:
        paths_or_pattern: the shards, as paths or URLs that every worker can read (a glob such
            as ``"s3://bucket/portfolio/*.jsonl"``; other file systems through fsspec).
        now: the planning moment; ``None`` takes each line's own ``now``.
        calendars: the working-day calendars, as for `plan` (must pickle to reach workers).
        rates: the reference-rate table, as for `plan`.
        storage_options: passed to fsspec (credentials, endpoint) to read the shards.

    Raises:
        InvalidCaseError: the shards hold no client, or a line is not a valid case.
        ImportError: Dask is not installed (``pip install 'paychase[dask]'``).
    """
    import dask.bag  # noqa: PLC0415 - optional dependency, paychase[dask]

    bag = dask.bag.read_text(  # type: ignore[no-untyped-call]
        paths_or_pattern, blocksize=None, storage_options=storage_options
    )
    plans: list[Plan] = bag.map_partitions(
        plan_shard_lines, now=now, calendars=calendars, rates=rates
    ).compute()
    if not plans:
        raise InvalidCaseError("the shards hold no client", field="shards")
    chases = [state.id for part in plans for state in part.chases or ()]
    return merge_plans(
        plans,
        invoices=[state.id for part in plans for state in part.invoices],
        chases=chases if any(part.chases is not None for part in plans) else None,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m paychase.dask write-shards|plan ...``: see the module's documentation."""
    parser = argparse.ArgumentParser(prog="python -m paychase.dask", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    shard = commands.add_parser("write-shards", help="cut a JSON case file into shards")
    shard.add_argument("case", help="the case file (JSON)")
    shard.add_argument("directory", help="where to write part-NNNNN.jsonl")
    shard.add_argument("--shards", type=int, required=True, help="how many files")
    run = commands.add_parser("plan", help="plan shards on Dask; print the plan JSON")
    run.add_argument("shards", nargs="+", help="shard paths, URLs or glob patterns")
    run.add_argument("--scheduler", help="the scheduler's address; none: Dask in this process")
    run.add_argument("--now", type=datetime.fromisoformat, help="the planning moment")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "write-shards":
            for path in write_shards(arguments.case, arguments.directory, shards=arguments.shards):
                print(path)
            return 0
        return _plan_command(arguments.shards, arguments.scheduler, arguments.now)
    except PaychaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _plan_command(shards: list[str], scheduler: str | None, now: datetime | None) -> int:
    if now is not None and now.tzinfo is None:
        raise InvalidCaseError("give the moment with its UTC offset", field="--now")
    if scheduler is None:
        result = plan_partitions(shards, now=now)
    else:
        from distributed import Client  # noqa: PLC0415 - optional dependency, paychase[dask]

        with Client(scheduler):  # type: ignore[no-untyped-call]
            result = plan_partitions(shards, now=now)
    print(result.to_json())
    return 0


if __name__ == "__main__":  # pragma: no cover - the module's command line
    sys.exit(main())
