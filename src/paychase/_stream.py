"""Planning a portfolio too big to hold at once: client by client, and over several processes.

Clients are planned one by one (`Case.of_client`), so a portfolio can be cut into clients
without changing what any of them gets. Two ways use that here:

* `plan_stream` reads a case file with an incremental JSON parser (ijson), spills each record
  to a temporary SQLite file indexed by client, then plans the clients one after another and
  yields the plan as JSON Lines. Its memory holds one client at a time, whatever the size of
  the portfolio, and however the case file orders its arrays.
* `plan_parallel` plans a `Case` already in memory in several processes, a contiguous chunk of
  clients each, and merges the chunks into the `Plan` that `plan()` returns, byte for byte.

The streamed plan (JSON Lines, UTF-8, one JSON object per line):

* one line per client, in the case file's order of clients, even when nothing is planned:
  ``{"client": ID, "actions": [...], "invoices": [...], "chases": [...]}`` — the client's
  actions (sorted by `at`, then `key`) and the states of its invoices (in the case file's
  order) and of its chases (``chases`` only when the client has some), each object exactly as
  in the SPEC §4 plan;
* then one last line, ``{"summary": {"now": ..., "policy": ..., "clients": n, "actions": n,
  "invoices": n, "chases": n}}``: a stream without it was cut short.

Sorting all the actions by (`at`, `key`) and putting the invoice states in the case file's
order gives the in-memory plan.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import re
import sqlite3  # noqa: TID251 - the spill file of a streamed case belongs to this shell module
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import IO, Any, TypeVar

from paychase.calendar._protocols import CalendarFactory
from paychase.case._case import Case, version_of
from paychase.case._io import parse_case, read_case_data
from paychase.errors import InvalidCaseError, PaychaseError
from paychase.money._rates import RateTable
from paychase.planner._outputs import Plan
from paychase.planner._plan import plan
from paychase.policy._policy import Policy

__all__ = ["ClientPart", "plan_parallel", "plan_parallel_json", "plan_stream", "read_parts"]

_T = TypeVar("_T")
_R = TypeVar("_R")
_E = TypeVar("_E", bound=PaychaseError)

# The arrays whose records belong to one client, and the field that says whose (an invoice
# names its contract, whose client is its owner).
_OWNER = {
    "clients": "id",
    "contracts": "client",
    "invoices": "contract",
    "instalment_plans": "client",
    "chases": "client",
    "history": "client",
}
_ARRAYS = tuple(_OWNER)
_KIND = {name: kind for kind, name in enumerate(_ARRAYS)}
_CLIENTS, _CONTRACTS, _INVOICES = 0, 1, 2
_BATCH = 10_000  # records per SQLite insert
_CLIENTS_PER_TASK = 16  # clients a worker process plans per task
_PATH = re.compile(r"^(clients|contracts|invoices|instalment_plans|chases|history)\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class ClientPart:
    """One client's part of a case file: a case file of its own, and where its records were.

    `text` is a case file (SPEC §2) holding the client, its records and what all clients share
    (policy, policy versions, exchange rates, sender, now), so planning it gives exactly the
    client's part of the whole case's plan. `positions` maps each array to the indices its
    records had in the whole case file, to name them in errors.
    """

    client: str
    text: str
    positions: Mapping[str, Sequence[int]]


def plan_stream(
    source: str | Path | IO[bytes],
    *,
    now: datetime | None,
    calendars: CalendarFactory | None = None,
    rates: RateTable | None = None,
    jobs: int = 1,
    spill_dir: str | Path | None = None,
) -> Iterator[str]:
    """Plan a JSON case file client by client, yielding the plan as JSON Lines.

    Memory stays flat however big the portfolio is: the file is read once with an incremental
    parser, its records spilled to a temporary SQLite file (in `spill_dir`, else the system's
    temporary directory) and read back one client at a time. See the module's documentation
    for the format of the lines; joined, they hold exactly the actions and states of
    ``plan(case, now=now)``.

    Args:
        source: the case file (JSON, any size): a path, or a binary file open for reading.
        now: the planning moment; ``None`` takes the case file's own ``now``.
        calendars: the working-day calendars, as for `plan`.
        rates: the reference-rate table, as for `plan`.
        jobs: processes planning clients at once; 1 plans in this process.
        spill_dir: where the temporary spill file goes (it takes about the size of the case).

    Yields:
        Each line of the plan, ending in a newline: a line per client, then a summary line.

    Raises:
        InvalidCaseError: the file is not JSON, or not a valid case (streamed lines may have
            been yielded before a client further on is found invalid).
        PolicyError: a policy cannot work as written.

    Examples:
        >>> lines = list(plan_stream("examples/portfolio.json", now=None))
        >>> json.loads(lines[-1])["summary"]["clients"] == len(lines) - 1
        True
    """
    return _stream_lines(
        source,
        now=now,
        default_now=None,
        calendars=calendars,
        rates=rates,
        jobs=jobs,
        spill_dir=spill_dir,
    )


def _stream_lines(
    source: str | Path | IO[bytes],
    *,
    now: datetime | None,
    default_now: datetime | None,
    calendars: CalendarFactory | None,
    rates: RateTable | None,
    jobs: int,
    spill_dir: str | Path | None,
) -> Iterator[str]:
    """`plan_stream`, with the moment to take when neither `now` nor the case file gives one."""
    _check_jobs(jobs)
    with read_parts(source, spill_dir=spill_dir) as parts:
        moment = now if now is not None or parts.head_case.now is not None else default_now
        # Planning the shared part alone checks the moment and gives the summary's fields.
        head = plan(parts.head_case, now=moment, calendars=calendars, rates=rates)
        shared = json.loads(head.to_json(indent=None))
        work = partial(_plan_parts, now=moment, calendars=calendars, rates=rates)
        totals = {"clients": 0, "actions": 0, "invoices": 0, "chases": 0}
        for lines in _in_order(_batched(parts, _CLIENTS_PER_TASK), work, jobs):
            for line, counts in lines:
                for key, count in zip(("actions", "invoices", "chases"), counts, strict=True):
                    totals[key] += count
                totals["clients"] += 1
                yield line
        summary = {"now": shared["now"], "policy": shared["policy"], **totals}
        yield _line({"summary": summary})


class _Parts:
    """The clients of a spilled case file, each as a `ClientPart`, in the file's order."""

    def __init__(self, db: sqlite3.Connection, head: dict[str, Any], policies: _Policies) -> None:
        self._db = db
        self._policies = policies
        self._head = head
        self._shared = _members(head)
        self.head_case = parse_case(json.dumps(head, ensure_ascii=False))
        """The case file without its clients and their records: what every part shares."""
        self.kept = {
            version_of(p) for p in (self.head_case.policy, *self.head_case.policy_versions)
        }

    def __len__(self) -> int:
        (count,) = self._db.execute("SELECT count(*) FROM rec WHERE kind = 0").fetchone()
        return int(count)

    def __iter__(self) -> Iterator[ClientPart]:
        clients = self._db.execute("SELECT seq, id, body FROM rec WHERE kind = 0 ORDER BY seq")
        reader = self._db.cursor()
        for seq, client, body in clients:
            yield self._part(reader, seq, client, body)

    def _part(self, reader: sqlite3.Cursor, seq: int, client: str, body: str) -> ClientPart:
        rows: dict[str, list[tuple[int, str, str | None]]] = {"clients": [(seq, body, client)]}
        for name in ("contracts", "instalment_plans", "chases", "history"):
            rows[name] = reader.execute(
                "SELECT seq, body, id FROM rec WHERE kind = ? AND owner = ? ORDER BY seq",
                (_KIND[name], client),
            ).fetchall()
        contracts = [identifier for _, _, identifier in rows["contracts"]]
        marks = ",".join("?" * len(contracts))
        rows["invoices"] = (
            reader.execute(
                f"SELECT seq, body, id FROM rec WHERE kind = 2 AND owner IN ({marks}) ORDER BY seq",
                contracts,
            ).fetchall()
            if contracts
            else []
        )
        shared = self._shared
        others = self._policies.others(
            self.kept, [body for _, body, _ in rows["clients"] + rows["contracts"]]
        )
        if others:
            head = {**self._head}
            head["policy_versions"] = [*head.get("policy_versions", ()), *others]
            shared = _members(head)
        members = [shared] if shared else []
        members += [
            f'"{name}":[{",".join(body for _, body, _ in found)}]'
            for name, found in rows.items()
            if found
        ]
        return ClientPart(
            client=client,
            text="{" + ",".join(members) + "}",
            positions={name: [s for s, _, _ in found] for name, found in rows.items()},
        )


class _Policies:
    """The policies clients and contracts give inline, by 'name@version'.

    A client's part holds the versions other clients' policies define, as `Case.of_client`
    does: an invoice may follow a version that another client's policy defines.
    """

    def __init__(self) -> None:
        self._raw: dict[str, str] = {}  # JSON text of a policy -> where it is first given
        self._version: dict[str, str] = {}  # JSON text -> name@version
        self._by_version: dict[str, Any] = {}  # name@version -> the policy's data

    def note(self, record: Mapping[str, Any], path: str) -> None:
        """Remember the record's own policy, if it has one."""
        policy = record.get("policy")
        if policy is not None:
            self._raw.setdefault(json.dumps(policy, sort_keys=True), path)

    def check(self) -> None:
        """Name each policy's version; two different policies of one version are an error."""
        seen: dict[str, Any] = {}
        for text, path in self._raw.items():
            try:
                policy = parse_case(f'{{"policy":{text}}}').policy
            except PaychaseError as error:
                raise _moved(error, "policy", f"{path}.policy") from None
            name = version_of(policy)
            if seen.setdefault(name, policy) != policy:
                raise InvalidCaseError(
                    "another policy of this name and version is in the case: give this one its "
                    "own name or version",
                    field=f"{path}.policy",
                    value=name,
                )
            self._version[text] = name
            # A built-in name is not a policy version's data: its full form is.
            self._by_version.setdefault(name, policy.model_dump(mode="json", by_alias=True))

    def others(self, kept: set[str], bodies: Iterable[str]) -> list[Any]:
        """The policies of other clients that the records' own (and `kept`) do not define."""
        if not self._by_version:
            return []
        own = set(kept)
        for body in bodies:
            policy = json.loads(body).get("policy")
            if policy is not None:
                own.add(self._version[json.dumps(policy, sort_keys=True)])
        return [data for name, data in self._by_version.items() if name not in own]


class read_parts:  # noqa: N801 - used as a function, in a `with` statement
    """Read a case file into a spill file; iterate its clients as `ClientPart`s.

    ``with read_parts(path) as parts: for part in parts: ...`` — the spill file is removed
    when the block ends. The records every part shares are checked first; the cross-references
    between clients' records (unique ids, known owners) are checked before any part is given.

    Raises:
        InvalidCaseError: the file is not JSON, or its records do not hold together.
    """

    def __init__(self, source: str | Path | IO[bytes], *, spill_dir: str | Path | None = None):
        self._source = source
        self._spill_dir = spill_dir
        self._directory: tempfile.TemporaryDirectory[str] | None = None
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> _Parts:
        self._directory = tempfile.TemporaryDirectory(prefix="paychase-", dir=self._spill_dir)
        try:
            return self._read()
        except BaseException:
            self.__exit__()
            raise

    def _read(self) -> _Parts:
        assert self._directory is not None  # made by __enter__
        self._db = db = sqlite3.connect(Path(self._directory.name) / "spill.sqlite")
        db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -32000;"
            "CREATE TABLE rec (kind INTEGER, seq INTEGER, id TEXT, owner TEXT, body TEXT);"
        )
        policies = _Policies()
        if isinstance(self._source, str | Path):
            with Path(self._source).open("rb") as handle:
                head = _spill(handle, db, policies)
        else:
            head = _spill(self._source, db, policies)
        db.executescript(
            "CREATE INDEX by_owner ON rec (kind, owner, seq); CREATE INDEX by_id ON rec (kind, id);"
        )
        policies.check()
        _check_references(db)
        return _Parts(db, head, policies)

    def __exit__(self, *exc: object) -> None:
        if self._db is not None:
            self._db.close()
        if self._directory is not None:
            self._directory.cleanup()


def _spill(source: IO[bytes], db: sqlite3.Connection, policies: _Policies) -> dict[str, Any]:
    """Store each per-client record of the case file; return the rest (what all share)."""
    head: dict[str, Any] = {}
    batch: list[tuple[int, int, str | None, str, str]] = []
    for key, index, value in _entries(source):
        if index is None:
            head[key] = value
            continue
        path = f"{key}[{index}]"
        if not isinstance(value, dict):
            raise InvalidCaseError("a record is a JSON object", field=path)
        owner = value.get(_OWNER[key])
        if not isinstance(owner, str):
            field = _OWNER[key]
            raise InvalidCaseError(f"missing or not text: {field}", field=f"{path}.{field}")
        identifier = value.get("id")
        if key in ("clients", "contracts"):
            policies.note(value, path)
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        batch.append(
            (_KIND[key], index, identifier if isinstance(identifier, str) else None, owner, body)
        )
        if len(batch) >= _BATCH:
            db.executemany("INSERT INTO rec VALUES (?, ?, ?, ?, ?)", batch)
            batch.clear()
    db.executemany("INSERT INTO rec VALUES (?, ?, ?, ?, ?)", batch)
    return head


def _check_references(db: sqlite3.Connection) -> None:
    """Ids unique in each array; every record's owner (client, or an invoice's contract) known."""
    duplicate = db.execute(
        "SELECT kind, seq, id FROM rec AS r WHERE id IS NOT NULL AND kind != 5 AND EXISTS "
        "(SELECT 1 FROM rec AS q WHERE q.kind = r.kind AND q.id = r.id AND q.seq < r.seq) "
        "ORDER BY kind, seq LIMIT 1"
    ).fetchone()
    if duplicate is not None:
        kind, seq, identifier = duplicate
        raise InvalidCaseError("duplicate id", field=f"{_ARRAYS[kind]}[{seq}].id", value=identifier)
    orphan = db.execute(
        "SELECT kind, seq, owner FROM rec AS r WHERE kind != 0 AND NOT EXISTS "
        "(SELECT 1 FROM rec AS o WHERE o.kind = (CASE r.kind WHEN 2 THEN 1 ELSE 0 END) "
        "AND o.id = r.owner) ORDER BY kind, seq LIMIT 1"
    ).fetchone()
    if orphan is not None:
        kind, seq, owner = orphan
        name = _ARRAYS[kind]
        what = "contract" if kind == _INVOICES else "client"
        raise InvalidCaseError(
            f"unknown {what}", field=f"{name}[{seq}].{_OWNER[name]}", value=owner
        )


def _entries(source: IO[bytes]) -> Iterator[tuple[str, int | None, Any]]:
    """The top-level members of a JSON object, the per-client arrays item by item.

    Yields ``(key, None, value)`` for a member, ``(key, index, record)`` for each item of a
    per-client array. Numbers are read as `json.loads` reads them (integers as `int`, others as
    `float`), so that writing a record back to JSON and reading it gives what the file says.
    """
    try:
        import ijson  # type: ignore[import-untyped]  # noqa: PLC0415 - optional: paychase[stream]
    except ImportError:
        raise InvalidCaseError(
            "reading a case file as a stream needs ijson: pip install 'paychase[stream]'",
            field="case",
        ) from None
    try:
        events = ijson.basic_parse(source, use_float=True)
        first, _ = next(events, (None, None))
        if first != "start_map":
            raise InvalidCaseError("a case file is a JSON object", field="case")
        seen: set[str] = set()
        key = ""
        for event, value in events:
            if event == "end_map":
                break
            if event == "map_key":
                key = value
                if key in seen:
                    raise InvalidCaseError("given twice", field=key)
                seen.add(key)
            elif key in _OWNER and event == "start_array":
                yield from _items(key, events)
            else:
                yield key, None, _value(event, value, events)
        for _ in events:  # trailing text after the object is an error, as for json.loads
            pass
    except ijson.JSONError as error:
        raise InvalidCaseError(f"not valid JSON: {error}", field="case") from None


def _items(key: str, events: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, int, Any]]:
    """``(key, index, item)`` for each item of the array being read, until its end."""
    for index, (event, value) in enumerate(events):
        if event == "end_array":
            return
        yield key, index, _value(event, value, events)


def _value(first: str, start: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """The whole value that starts with the event `first`, read from `events`."""
    if first not in ("start_map", "start_array"):
        return start
    import ijson  # noqa: PLC0415

    builder = ijson.ObjectBuilder()
    builder.event(first, start)
    depth = 1
    for event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if not depth:
                return builder.value
    # ijson raises IncompleteJSONError first; this keeps the function total for the checker.
    raise InvalidCaseError(  # pragma: no cover
        "not valid JSON: the file ends inside a value", field="case"
    )


def _members(head: Mapping[str, Any]) -> str:
    """The members of a JSON object, without its braces."""
    return json.dumps(head, ensure_ascii=False, separators=(",", ":"))[1:-1]


def _line(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _plan_parts(
    parts: Sequence[ClientPart],
    *,
    now: datetime | None,
    calendars: CalendarFactory | None,
    rates: RateTable | None,
) -> list[tuple[str, tuple[int, int, int]]]:
    """The plan line of each part, with its numbers of actions, invoices and chases."""
    lines = []
    for part in parts:
        result = plan_part(part, now=now, calendars=calendars, rates=rates)
        data = json.loads(result.to_json(indent=None))
        line = {"client": part.client, "actions": data["actions"], "invoices": data["invoices"]}
        if "chases" in data:
            line["chases"] = data["chases"]
        counts = (len(data["actions"]), len(data["invoices"]), len(data.get("chases", ())))
        lines.append((_line(line), counts))
    return lines


def plan_part(
    part: ClientPart,
    *,
    now: datetime | None,
    calendars: CalendarFactory | None = None,
    rates: RateTable | None = None,
) -> Plan:
    """The plan of one client's part; an error names the record as the whole file numbers it."""
    try:
        return plan(parse_part(part.text), now=now, calendars=calendars, rates=rates)
    except PaychaseError as error:
        raise _renumbered(error, part.positions) from None


def parse_part(text: str) -> Case:
    """``parse_case(text)``, the policies every part shares validated once per process.

    Each client's part repeats the case's ``policy`` and ``policy_versions``; validating them
    anew for each client cost more than planning a small one. They are validated on their
    first sight, and the same data later takes the same `Policy` objects.
    """
    data = read_case_data(text)
    if isinstance(data, dict) and ("policy" in data or "policy_versions" in data):
        shared = {key: data[key] for key in ("policy", "policy_versions") if key in data}
        checked = _shared_policies(json.dumps(shared, sort_keys=True))
        if checked is not None:
            data.update((key, getattr(checked, key)) for key in shared)
    return parse_case(data)


@lru_cache(maxsize=16)
def _shared_policies(shared: str) -> Case | None:
    """A case of just these policies, checked; None when they are not valid (said later)."""
    try:
        return parse_case(shared)
    except PaychaseError:
        return None


def _renumbered(error: _E, positions: Mapping[str, Sequence[int]]) -> _E:
    """`error`, its field naming the record's index in the whole case instead of the part's."""
    match = _PATH.match(error.field or "")
    if match is not None:
        name, index = match.group(1), int(match.group(2))
        found = positions.get(name, ())
        if index < len(found):
            error.field = f"{name}[{found[index]}]{error.field[match.end() :]}"  # type: ignore[index]
            error.args = (error.summary(),)
    return error


def _moved(error: _E, old: str, new: str) -> _E:
    """`error`, its field under `new` instead of `old`."""
    if error.field is not None and error.field.startswith(old):
        error.field = new + error.field[len(old) :]
        error.args = (error.summary(),)
    return error


# -- processes ---------------------------------------------------------------------------------


def _check_jobs(jobs: int) -> None:
    if jobs < 1:
        raise InvalidCaseError("at least one process", field="jobs", value=jobs)


def _batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _in_order(
    tasks: Iterable[_T], work: Callable[[_T], _R], jobs: int, context: Any = None
) -> Iterator[_R]:
    """``map(work, tasks)`` over `jobs` processes, in order, at most 2 tasks a process ahead."""
    if jobs == 1:
        yield from map(work, tasks)
        return
    pool = ProcessPoolExecutor(jobs, mp_context=context)
    try:
        pending: deque[Future[_R]] = deque()
        for task in tasks:
            pending.append(pool.submit(work, task))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_CHUNKS_PER_PROCESS = 16

# The case and where each chunk's records are in it, which a forked worker inherits instead of
# receiving its chunks pickled.
_INHERITED: list[tuple[Case, list[_Layout]]] = []


def plan_parallel(
    case: Case | Mapping[str, Any],
    *,
    now: datetime | None,
    jobs: int,
    calendars: CalendarFactory | None = None,
    rates: RateTable | None = None,
) -> Plan:
    """`plan()` over `jobs` processes: the same `Plan`, byte for byte, sooner on more cores.

    The clients are cut into contiguous chunks, 16 per process, each planned as a case of
    its own in a worker process; the chunks' plans are merged as `plan()` orders its own
    (actions by `at`, then `key`; invoice and chase states in the case's order). Where the
    platform can fork, the workers inherit the chunks instead of receiving copies.

    Args:
        case: a `Case`, or a mapping in the case-file format (validated here).
        now: the planning moment, as for `plan`.
        jobs: processes to plan in; 1 plans here, as `plan()` does.
        calendars: the working-day calendars, as for `plan` (picklable where not forked).
        rates: the reference-rate table, as for `plan`.

    Raises:
        InvalidCaseError, PolicyError, PluginError: as `plan()` raises them.

    Examples:
        >>> import json, pathlib
        >>> case = json.loads(pathlib.Path("examples/portfolio.json").read_text())
        >>> plan_parallel(case, now=None, jobs=2) == plan(case, now=None)
        True
    """
    _check_jobs(jobs)
    checked = case if isinstance(case, Case) else parse_case(case)
    work = partial(_plan_chunk, now=now, calendars=calendars, rates=rates)
    plans = _over_chunks(checked, jobs, work)
    if plans is None:
        return plan(checked, now=now, calendars=calendars, rates=rates)
    return merge_plans(
        plans,
        invoices=[invoice.id for invoice in checked.invoices],
        chases=[chase.id for chase in checked.chases] if checked.chases else None,
    )


def plan_parallel_json(
    case: Case | Mapping[str, Any],
    *,
    now: datetime | None,
    jobs: int,
    calendars: CalendarFactory | None = None,
    rates: RateTable | None = None,
) -> str:
    """``plan_parallel(...).to_json()``, the same text, without building the merged `Plan`.

    Each worker writes its chunk's plan as JSON; this process only puts the pieces in order.
    Turning the workers' plans back into objects here would cost about a third of planning
    them, on one core: this is the path for a job that writes the plan out
    (``paychase plan --jobs N --format json``).

    Raises:
        InvalidCaseError, PolicyError, PluginError: as `plan()` raises them.

    Examples:
        >>> import json, pathlib
        >>> case = json.loads(pathlib.Path("examples/portfolio.json").read_text())
        >>> plan_parallel_json(case, now=None, jobs=2) == plan(case, now=None).to_json()
        True
    """
    _check_jobs(jobs)
    checked = case if isinstance(case, Case) else parse_case(case)
    work = partial(_plan_chunk_json, now=now, calendars=calendars, rates=rates)
    pieces = _over_chunks(checked, jobs, work)
    if pieces is None:
        return plan(checked, now=now, calendars=calendars, rates=rates).to_json()
    return _merged_json(
        pieces,
        invoices=[invoice.id for invoice in checked.invoices],
        chases=[chase.id for chase in checked.chases] if checked.chases else None,
    )


def _over_chunks(
    case: Case, jobs: int, work: Callable[[int | tuple[Case, dict[str, list[int]]]], _R]
) -> list[_R] | None:
    """`work` of each chunk of `case`, in order, over `jobs` processes; None: not worth it.

    Where the platform can fork, the workers inherit the case and cut their chunks from it.
    """
    if jobs == 1 or len(case.clients) < 2:
        return None
    # The case is not garbage: frozen for the call, the collector stops walking it over and
    # over here, and forked workers inherit it frozen, so theirs does not walk (and so copy)
    # every inherited page either.
    gc.freeze()
    try:
        # Small chunks: a worker's heap stays small (a chunk's plan is freed before the next
        # one), so it faults in fewer fresh pages, and no process waits long on the last one.
        layouts = _layouts(case, _groups(case, jobs * _CHUNKS_PER_PROCESS))
        tasks: list[int] | list[tuple[Case, dict[str, list[int]]]]
        if "fork" in multiprocessing.get_all_start_methods():
            # Each worker cuts its chunks out of the case it inherits, sparing this process;
            # it touches only its chunks' records, so it copies no other page of the case.
            _INHERITED[:] = [(case, layouts)]
            context, tasks = multiprocessing.get_context("fork"), list(range(len(layouts)))
        else:  # pragma: no cover - spawn-only platforms receive the chunks pickled
            context, tasks = None, [_chunk(case, layout) for layout in layouts]
        return list(_in_order(tasks, work, jobs, context))  # type: ignore[arg-type]
    finally:
        _INHERITED.clear()
        gc.unfreeze()


@dataclass(frozen=True, slots=True)
class _JsonPiece:
    """A chunk's plan as pieces of the SPEC §4 JSON text that `Plan.to_json()` writes."""

    now: str  # the member line ``  "now": "..."``
    policy: str  # the member line ``  "policy": "..."``
    actions: list[tuple[tuple[datetime, str], str]]  # each action's sort key and text
    invoices: dict[str, str]  # each invoice state's text, by invoice id
    chases: dict[str, str]  # each chase state's text, by chase id


def _plan_chunk_json(
    chunk: int | tuple[Case, dict[str, list[int]]],
    *,
    now: datetime | None,
    calendars: CalendarFactory | None,
    rates: RateTable | None,
) -> _JsonPiece:
    result = _plan_chunk(chunk, now=now, calendars=calendars, rates=rates)
    members = _json_members(result.to_json())
    keys = [(action.at.astimezone(UTC), action.key) for action in result.actions]
    return _JsonPiece(
        now=str(members["now"]),
        policy=str(members["policy"]),
        actions=list(zip(keys, members["actions"], strict=True)),
        invoices=dict(zip((s.id for s in result.invoices), members["invoices"], strict=True)),
        chases=dict(
            zip((s.id for s in result.chases or ()), members.get("chases", ()), strict=True)
        ),
    )


# How an array of objects is written in the plan's text: its opening, the lines between two
# items, and its closing (the first item's ``{`` and the last one's ``}`` included).
_OPENING, _BETWEEN, _CLOSING = "[\n    {\n", "\n    },\n    {\n", "\n    }\n  ]"


def _json_members(text: str) -> dict[str, str | list[str]]:
    """The members of a plan's JSON text (indented by 2): a scalar's line, an array's items.

    An array's items are objects, each written from a line ``    {`` to a line ``    }``, one
    after another; a string holds no raw line break, so these lines mark where items end. An
    item is kept without those two lines (`_add_array` writes them back), so that cutting the
    text copies each item once.
    """
    members: dict[str, str | list[str]] = {}
    for member in text[len('{\n  "') : -len("\n}")].split(',\n  "'):
        name, _, value = member.partition('": ')
        if value == "[]":
            members[name] = []
        elif value.startswith("[\n"):
            members[name] = value[len(_OPENING) : -len(_CLOSING)].split(_BETWEEN)
        else:
            members[name] = f'  "{name}": {value}'
    return members


def _merged_json(
    pieces: Sequence[_JsonPiece], *, invoices: Sequence[str], chases: Sequence[str] | None
) -> str:
    """The JSON text of the plan of all the pieces, as `Plan.to_json()` writes it.

    The text is joined once, from a flat list of its pieces: a plan of 100 000 invoices is
    some 240 MB, and every nested join would copy all of it again.
    """
    actions = sorted((action for piece in pieces for action in piece.actions), key=_first)
    states = {key: item for piece in pieces for key, item in piece.invoices.items()}
    text = ["{\n", pieces[0].now, ",\n", pieces[0].policy, ",\n"]
    _add_array(text, "actions", [item for _, item in actions])
    text.append(",\n")
    _add_array(text, "invoices", [states[invoice] for invoice in invoices])
    if chases is not None:
        chase_states = {key: item for piece in pieces for key, item in piece.chases.items()}
        text.append(",\n")
        _add_array(text, "chases", [chase_states[chase] for chase in chases])
    text.append("\n}")
    return "".join(text)


def _first(pair: tuple[_T, Any]) -> _T:
    return pair[0]


def _add_array(text: list[str], name: str, items: Sequence[str]) -> None:
    """Append the member `name`, an array of the objects `items` (cut by `_json_members`)."""
    if not items:
        text.append(f'  "{name}": []')
        return
    text.append(f'  "{name}": {_OPENING}')
    for index, item in enumerate(items):
        if index:
            text.append(_BETWEEN)
        text.append(item)
    text.append(_CLOSING)


def _plan_chunk(
    chunk: int | tuple[Case, dict[str, list[int]]],
    *,
    now: datetime | None,
    calendars: CalendarFactory | None,
    rates: RateTable | None,
) -> Plan:
    if isinstance(chunk, int):
        case, layouts = _INHERITED[0]
        chunk = _chunk(case, layouts[chunk])
    part, positions = chunk
    try:
        return plan(part, now=now, calendars=calendars, rates=rates)
    except PaychaseError as error:
        raise _renumbered(error, positions) from None


def merge_plans(
    plans: Sequence[Plan], *, invoices: Sequence[str], chases: Sequence[str] | None
) -> Plan:
    """One plan of the plans of disjoint sets of clients, ordered as `plan()` orders its own.

    Args:
        plans: the plans of the parts, at one moment under one default policy.
        invoices: the ids of all the invoices, in the case's order.
        chases: the ids of all the chases in the case's order, or None when it has none.
    """
    actions = [action for part in plans for action in part.actions]
    actions.sort(key=lambda action: (action.at.astimezone(UTC), action.key))
    states = {state.id: state for part in plans for state in part.invoices}
    chase_states = {state.id: state for part in plans for state in part.chases or ()}
    return Plan(
        now=plans[0].now,
        policy=plans[0].policy,
        actions=tuple(actions),
        invoices=tuple(states[invoice] for invoice in invoices),
        chases=tuple(chase_states[chase] for chase in chases) if chases is not None else None,
    )


def _chunks(case: Case, pieces: int) -> list[tuple[Case, dict[str, list[int]]]]:
    """The case cut into at most `pieces` cases of contiguous clients (see `_chunk`)."""
    return [_chunk(case, layout) for layout in _layouts(case, _groups(case, pieces))]


def _groups(case: Case, pieces: int) -> list[frozenset[str]]:
    """At most `pieces` runs of contiguous clients, of about equal weight (invoices, events)."""
    client_of = {contract.id: contract.client for contract in case.contracts}
    weights = Counter(client_of[invoice.contract] for invoice in case.invoices)
    weights.update(event.client for event in case.history)
    target = (sum(weights.values()) + len(case.clients)) / pieces
    groups: list[set[str]] = [set()]
    weight = 0.0
    for client in case.clients:
        if weight >= target:
            groups.append(set())
            weight = 0.0
        groups[-1].add(client.id)
        weight += 1 + weights[client.id]
    return [frozenset(group) for group in groups]


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where one chunk's records are in the case, and the policy versions it must carry."""

    positions: dict[str, list[int]]  # by array name, the indices of the chunk's records
    policy_versions: tuple[Policy, ...]  # the case's own, then those other clients define


def _layouts(case: Case, groups: list[frozenset[str]]) -> list[_Layout]:
    """Each group's `_Layout`, found in one pass over the case's records.

    What `Case.of_client` keeps for one client, for several: their records, and the policy
    versions other clients define (the case's versions are worked out once, for every chunk).
    """
    group_of = {client: n for n, group in enumerate(groups) for client in group}
    group_of_contract = {contract.id: group_of[contract.client] for contract in case.contracts}
    positions: list[dict[str, list[int]]] = [{name: [] for name in _ARRAYS} for _ in groups]
    for name, owner in _OWNER.items():
        groups_by = group_of_contract if name == "invoices" else group_of
        for index, record in enumerate(getattr(case, name)):
            positions[groups_by[getattr(record, owner)]][name].append(index)
    policies = case.policies
    shared = {version_of(p) for p in (case.policy, *case.policy_versions)}
    layouts = []
    for found in positions:
        own = [case.clients[i].policy for i in found["clients"]]
        own += [case.contracts[i].policy for i in found["contracts"]]
        kept = shared | {version_of(policy) for policy in own if policy is not None}
        others = [policy for version, policy in policies.items() if version not in kept]
        layouts.append(_Layout(found, (*case.policy_versions, *others)))
    return layouts


def _chunk(case: Case, layout: _Layout) -> tuple[Case, dict[str, list[int]]]:
    """The part of `case` that a chunk's clients need, and the indices its records have."""
    update: dict[str, Any] = {
        name: tuple(getattr(case, name)[i] for i in indices)
        for name, indices in layout.positions.items()
    }
    update["policy_versions"] = layout.policy_versions
    return case.model_copy(update=update), layout.positions
