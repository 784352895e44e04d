"""Mutations of real cases: the examples and the shared scenarios, changed one to four times.

Each input starts from a seed case — examples/*.json, examples/simulation/*.json and the valid
shared scenarios (copied to seeds/scenarios.json, as ../shared is not part of the repository)
— and changes it the ways hostile or careless input does: a value deleted or replaced by a
hostile one (control and bidi characters, lone surrogates, encoded words, long strings, the
edges of dates and amounts), a raw JSON token no value model takes (``1e400``, ``NaN``, an
integer of thousands of digits), duplicated or copied records, unknown keys, deep nesting, a
subtree from another case, and now and then corrupted bytes (cut short, a flipped byte, a BOM,
UTF-16, NUL). "Soft" mutations pick values meant to pass validation, of the kind they replace
(1900 and 2199, odd offsets, rare zones, locales and currencies, the largest amounts, long
durations), and copy records, so that planning and rendering see them too.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from tests.fuzz.harness import BUDGET, run

REPO = Path(__file__).resolve().parents[2]
Json = Any

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\r\nBcc: evil@x.example",
    "\u2028",
    "\u202eevil",
    "\ud800",
    "=?utf-8?q?A=0D=0ABcc:_x@evil.example?=",
    "x" * 100_000,
    "Zażółć gęślą jaźń",
    "../../etc/passwd",
    "{{ 7 * 7 }}",
    "<script>alert(1)</script>",
    "<evil@x.example>victim@client.example",
    "a@b",
    "Europe",
    "Europe/" + "x" * 300,
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-03-10T09:00:00",
    "2026-03-10T09:00:00+23:59",
    "99999w",
    "-99999d",
    "2001bd",
    "+1h@TU",
    "XAU",
    "CLF",
    "zz_ZZ",
]
HOSTILE_OTHER: list[Json] = [None, True, 0, -1, 2**63, 10**30, [], {}, [[[]]], {"": None}]
# Values meant to pass validation, by the kind of value they replace (recognised by its form).
SOFT: list[tuple[str, list[Json]]] = [
    (r"^\d{4}-\d{2}-\d{2}$", ["1900-01-01", "2199-12-31", "2024-02-29", "2026-12-31"]),
    (
        r"^\d{4}-\d{2}-\d{2}T",
        [
            "1900-01-01T00:00:00+14:00",
            "2199-12-31T23:59:59-12:00",
            "2026-03-29T02:30:00+01:00",
            "2026-03-10T09:00:00+05:45",
            "2026-03-10T09:00:00.123456+00:00:30",
        ],
    ),
    (
        r"^[A-Z][A-Za-z_]+/[A-Za-z_/+-]+$",
        ["Pacific/Kiritimati", "Pacific/Chatham", "Australia/Lord_Howe", "Antarctica/Troll"],
    ),
    (r"^[A-Z]{3}$", ["JPY", "BHD", "CLF", "KWD", "XAU", "ISK"]),
    (r"^[A-Z]{2}$", ["IL", "NP", "SA", "GB", "US", "JP"]),
    (r"^[a-z]{2}(_[A-Z]{2})?$", ["el_GR", "ja_JP", "ar_SA", "he_IL", "ru_RU", "zh_Hant_TW"]),
    (r"^[+-]?\d+(bd|d|w|h)", ["0d", "9999d", "2000bd", "+52w@SU", "99999h", "-14d", "1h"]),
    (r"^\d\d:\d\d$", ["00:00", "23:59", "12:00"]),
    (r"^\d+(\.\d+)?$", ["999999999999", "999999999999.99", "0.01", "1000", "0.001"]),
]
SOFT_TEXT = ["Zażółć gęślą jaźń", "Ωμέγα Ltd", "株式会社", "N" * 200, "O'Brien & Sons", "a"]
RAW_TOKENS = ["1e400", "-1e400", "NaN", "Infinity", "-0", "1e-400", "1.5", str(10**30), "9" * 5000]
_RAW = "\x00raw:"  # a string value the raw token later replaces in the text


@cache
def seeds() -> tuple[Json, ...]:
    """Every seed case, parsed: the examples and the valid shared scenarios."""
    found = [
        json.loads(path.read_text(encoding="utf-8"))
        for folder in (REPO / "examples", REPO / "examples" / "simulation")
        for path in sorted(folder.glob("*.json"))
    ]
    scenarios = Path(__file__).parent / "seeds" / "scenarios.json"
    found += json.loads(scenarios.read_text(encoding="utf-8")).values()
    return tuple(found)


def _places(data: Json, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value in `data` (the root excluded)."""
    found: list[tuple[Any, ...]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        found.append((*path, key))
        if isinstance(value, dict | list):
            found += _places(value, (*path, key))
    return found


def _holder(data: Json, path: tuple[Any, ...]) -> Json:
    for key in path[:-1]:
        data = data[key]
    return data


def _hostile(draw: random.Random, old: Json, *, soft: bool) -> Json:
    """A value to put where `old` was: of its kind mostly, anything sometimes."""
    if soft:
        return _soft(draw, old)
    if isinstance(old, str) and draw.random() < 0.8:
        return draw.choice(HOSTILE_TEXT)
    if draw.random() < 0.3:
        return _RAW + draw.choice(RAW_TOKENS)
    return draw.choice(HOSTILE_OTHER + HOSTILE_TEXT)


def _soft(draw: random.Random, old: Json) -> Json:
    """A plausible value of the kind `old` is: a date for a date, a zone for a zone."""
    if not isinstance(old, str):
        return old
    for form, values in SOFT:
        if re.match(form, old):
            return draw.choice(values)
    if re.fullmatch(r"[A-Za-z0-9_.:@+/-]*", old):
        return old  # an id, a name from a list (a channel, a tone), a key: kept
    return draw.choice(SOFT_TEXT)  # text for people: a name, a subject, an address


def _mutate(draw: random.Random, case: Json, *, soft: bool) -> str:
    """Change `case` in place, once; what was done, in words."""
    places = _places(case)
    if not places:
        return "nothing to change"
    path = draw.choice(places)
    holder, key = _holder(case, path), path[-1]
    value = holder[key]
    move = draw.choice(_MOVES_SOFT if soft else _MOVES)
    return move(draw, holder, key, value)


def _delete(draw: random.Random, holder: Json, key: Any, value: Json) -> str:
    del holder[key]
    return f"deleted {key!r}"


def _replace(draw: random.Random, holder: Json, key: Any, value: Json) -> str:
    holder[key] = _hostile(draw, value, soft=False)
    return f"replaced {key!r}"


def _replace_softly(draw: random.Random, holder: Json, key: Any, value: Json) -> str:
    holder[key] = _hostile(draw, value, soft=True)
    return f"replaced {key!r} softly"


def _copies(draw: random.Random, holder: Json, key: Any, value: Json) -> str:
    """Repeat a list's element: duplicate ids, or many invoices of one client."""
    if not isinstance(value, list) or not value:
        return _replace(draw, holder, key, value)
    count = draw.choice([1, 2, 50, 200])
    value.extend([json.loads(json.dumps(draw.choice(value)))] * count)
    return f"{count} copies in {key!r}"


def _empty(draw: random.Random, holder: Json, key: Any, value: Json) -> str:
    holder[key] = [] if isinstance(value, list) else {}
    return f"emptied {key!r}"


def _unknown_key(draw: random.Random, holder: Json, key: Any, value: Json) -> str:
    if isinstance(value, dict):
        value[draw.choice(["totl", "x", "__class__", "\ud800"])] = "1"
        return f"unknown key in {key!r}"
    return _replace(draw, holder, key, value)


def _nest(draw: random.Random, holder: Json, key: Any, value: Json) -> str:
    depth = draw.choice([20, 100, 990, 5000])
    holder[key] = f"{_RAW}nest:{depth}"
    return f"nested {key!r} {depth} deep"


def _cross(draw: random.Random, holder: Json, key: Any, value: Json) -> str:
    """A value of the same name from another seed (a contract's `late_fee`, a `policy`)."""
    donor = json.loads(json.dumps(draw.choice(seeds())))
    same = [path for path in _places(donor) if path[-1] == key]
    if not same:
        return _replace(draw, holder, key, value)
    path = draw.choice(same)
    holder[key] = _holder(donor, path)[path[-1]]
    return f"crossed {key!r} from another case"


_MOVES: list[Callable[[random.Random, Json, Any, Json], str]] = [
    _delete,
    _replace,
    _replace,
    _copies,
    _empty,
    _unknown_key,
    _nest,
    _cross,
]
_MOVES_SOFT: list[Callable[[random.Random, Json, Any, Json], str]] = [
    _replace_softly,
    _replace_softly,
    _copies,
    _cross,
]


def _text(case: Json) -> bytes:
    """`case` as JSON text, each raw placeholder written out: a token, or nested lists."""
    return _PLACEHOLDER.sub(_written, json.dumps(case, ensure_ascii=True)).encode("utf-8")


_PLACEHOLDER = re.compile(r'"\\u0000raw:([^"]*)"')


def _written(match: re.Match[str]) -> str:
    """The raw text of a placeholder: ``nest:N`` is N nested empty lists, else the token."""
    raw = match.group(1)
    if raw.startswith("nest:"):
        depth = int(raw.removeprefix("nest:"))
        return "[" * depth + "]" * depth
    return raw


def _corrupt(draw: random.Random, text: bytes) -> tuple[str, bytes]:
    """The bytes damaged one way: cut short, a byte flipped, a BOM, UTF-16, a NUL."""
    where = draw.randrange(len(text))
    choices: list[tuple[str, bytes]] = [
        ("cut short", text[:where]),
        ("a byte flipped", text[:where] + bytes([text[where] ^ 0xFF]) + text[where + 1 :]),
        ("a BOM", b"\xef\xbb\xbf" + text),
        ("UTF-16", text.decode("utf-8").encode("utf-16")),
        ("a NUL", text[:where] + b"\x00" + text[where:]),
    ]
    return draw.choice(choices)


def mutant(draw: random.Random) -> tuple[str, bytes]:
    """One input: a seed changed one to four times (softly, one to three, half of the time)."""
    number = draw.randrange(len(seeds()))
    case = json.loads(json.dumps(seeds()[number]))
    soft = draw.random() < 0.5
    done = [_mutate(draw, case, soft=soft) for _ in range(draw.randint(1, 3 if soft else 4))]
    text = _text(case)
    if draw.random() < 0.06:
        damage, text = _corrupt(draw, text)
        done.append(damage)
    return f"seed case {number}: {'; '.join(done)}", text


def test_mutated_cases_end_in_a_plan_or_a_paychase_error(tmp_path: Path) -> None:
    failures = list(run("mutations", mutant, tmp_path))
    assert not failures, f"{len(failures)} of {BUDGET} inputs failed:\n\n" + "\n\n".join(
        failures[:5]
    )
