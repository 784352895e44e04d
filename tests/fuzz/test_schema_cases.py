"""Cases generated from the published JSON Schema of the case file (`paychase.case_schema()`).

hypothesis-jsonschema does not work with current hypothesis, so this is a small generator of
its own: it walks the schema (``$ref``, ``anyOf``, ``enum``, objects, arrays, strings,
numbers) and draws each value. A string drawn at random almost never matches an id, a date or
a currency, so values come from small pools where the schema's pattern or format, or the
field's name, says what is wanted: ids from a pool of two (so references between records
often hold), dates and moments near the edges of what a case may hold, real zones, countries,
locales and currencies. Now and then (one value in 200) a value is hostile instead.

A case drawn whole rarely holds together (a reference, a clause or a date disagrees), so two
inputs in three are a small valid case with one part drawn from the schema instead — a client,
a contract, an event, the sender, the policy — which then often gets planned and rendered.
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path
from typing import Any

from tests.fuzz.harness import BUDGET, run
from tests.fuzz.test_mutations import HOSTILE_OTHER, HOSTILE_TEXT

from paychase import case_schema

Json = Any
Node = dict[str, Any]

_IDS = ["a", "b"]
_DATES = ["1900-01-01", "1999-12-31", "2026-02-01", "2026-03-02", "2026-03-16", "2199-12-31"]
_MOMENTS = [
    "1900-01-01T00:00:00+14:00",
    "2026-03-01T10:00:00+01:00",
    "2026-03-10T09:00:00Z",
    "2199-12-31T23:59:59-12:00",
]
_BY_PATTERN: dict[str, list[str]] = {
    r"^([+-]?)(\d{1,5})(bd|d|w|h)(?:@(MO|TU|WE|TH|FR|SA|SU))?$": [
        "0d",
        "3d",
        "14d",
        "5bd",
        "+1w@TU",
        "36h",
    ],
    r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$": _IDS,
    r"^[A-Z]{3}$": ["PLN", "EUR", "JPY", "KWD", "CLF", "USD"],
    r"^[A-Za-z0-9_.-]+@[1-9][0-9]*$": ["freelancer@1", "saas@1", "x@2"],
    r"^[A-Za-z0-9_.-]+$": ["freelancer", "polite", "s1", "s2"],
    r"^[A-Z][A-Z0-9_]*$": ["PL_B2B", "DE_CONSUMER", "UK", "EU"],
    r"^([1-9][0-9]{0,3})([dwm])$": ["1m", "2w", "10d"],
}
_BY_FORMAT = {
    "date": _DATES,
    "date-time": _MOMENTS,
    "time": ["00:00", "10:00", "20:00", "08:00"],
}
_BY_NAME: dict[str, list[str]] = {
    "country": ["PL", "DE", "GB", "GR", "RU", "US", "JP", "IL"],
    "jurisdiction": ["PL", "DE", "GB", "US"],
    "timezone": ["Europe/Warsaw", "Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"],
    "locale": ["en", "pl_PL", "de_DE", "el_GR", "ru_RU", "ja_JP"],
    "email": ["a@example.com", "biuro@kowalski.example"],
    "client": _IDS,
    "contract": _IDS,
    "chase": _IDS,
    "milestone": _IDS,
    "invoices": _IDS,
    "policy": ["freelancer", "b2b_strict", "saas", "tradesperson", "prospect", "project"],
}


# Fields whose schema allows far more than a case can hold together (an inline ladder, clauses
# that must agree with each other): mostly one of these instead, so more cases get planned.
_TOP: dict[str, list[Json]] = {
    "policy": ["freelancer", "b2b_strict", "saas", "tradesperson"],
    "policy_versions": [[]],
    "instalment_plans": [[]],
}
_MOSTLY: dict[str, list[Json]] = {
    "subdivision": [None],
    "allocation": [None],
    "materials": [None],
    "milestone": [None],
    "rate": ["0.5", "2", "4.2497", "25", "100"],
}


class _Generator:
    """Draws one value for a schema node, following ``$ref`` into the schema's ``$defs``."""

    def __init__(self, schema: Node, draw: random.Random) -> None:
        self.defs: dict[str, Node] = schema["$defs"]
        self.draw = draw

    def value(self, node: Node, name: str = "", depth: int = 0) -> Json:
        """A value for `node`; `name` is the field it is for, `depth` how deep it is."""
        if self.draw.random() < 0.005:
            return self.draw.choice(HOSTILE_TEXT + HOSTILE_OTHER)
        likely = _TOP if depth == 1 else _MOSTLY
        if name in likely and self.draw.random() < 0.8:
            return self.draw.choice(likely[name])
        if "$ref" in node:
            return self.value(self.defs[node["$ref"].rsplit("/", 1)[-1]], name, depth)
        if "const" in node:
            return node["const"]
        if "enum" in node:
            return self.draw.choice(node["enum"])
        if "anyOf" in node:
            return self.value(self.draw.choice(node["anyOf"]), name, depth)
        kind = node.get("type")
        if kind == "object":
            return self._object(node, depth)
        if kind == "array":
            return self._array(node, name, depth)
        if kind == "string":
            return self._string(node, name)
        if kind == "integer":
            low, high = node.get("minimum", -5), node.get("maximum", 10**6)
            return self.draw.choice([low, high, self.draw.randint(low, min(high, low + 10))])
        if kind == "boolean":
            return self.draw.random() < 0.5
        return None

    def _object(self, node: Node, depth: int) -> Json:
        required = set(node.get("required", ()))
        chance = 0.9 if depth == 0 else 0.4 / depth  # optional fields thin out deeper down
        return {
            key: self.value(field, key, depth + 1)
            for key, field in node.get("properties", {}).items()
            if key in required or self.draw.random() < chance
        }

    def _array(self, node: Node, name: str, depth: int) -> Json:
        if "prefixItems" in node:
            return [self.value(item, name, depth + 1) for item in node["prefixItems"]]
        low = node.get("minItems", 0)
        least = max(low, 1) if depth == 1 else low  # the case's own lists hold a record or two
        count = self.draw.randint(least, max(least, min(node.get("maxItems", 2), 2)))
        item = node.get("items", {})
        return [self.value(item, name, depth + 1) for _ in range(count)]

    def _string(self, node: Node, name: str) -> str:
        for pool in (
            _BY_PATTERN.get(node.get("pattern", "")),
            _BY_FORMAT.get(node.get("format", "")),
            _BY_NAME.get(name),
        ):
            if pool:
                return str(self.draw.choice(pool))
        if node.get("pattern", "").startswith(r"^\d"):  # an amount, a percentage, a rate
            return self.draw.choice(["0.01", "10", "100.00", "1000", "999999999999"])
        examples = node.get("examples")
        return str(self.draw.choice(examples)) if examples else self.draw.choice(["x", "Name"])


@cache
def _schema() -> Node:
    """The case file's JSON Schema (building it takes a while: once is enough)."""
    return case_schema()


# A valid case whose records are named from the id pool, for one drawn record to join.
_BASE: Json = {
    "version": 1,
    "now": "2026-03-10T09:00:00+01:00",
    "sender": {"name": "Studio", "email": "me@studio.example"},
    "clients": [
        {
            "id": "a",
            "name": "A",
            "country": "PL",
            "timezone": "Europe/Warsaw",
            "contacts": {"email": "a@client.example", "phone": "+48 1", "postal": "ul. 1"},
        }
    ],
    "contracts": [{"id": "a", "client": "a", "currency": "PLN", "late_fee": {"kind": "statutory"}}],
    "invoices": [
        {
            "id": "a",
            "contract": "a",
            "issued": "2026-02-01",
            "due": "2026-02-15",
            "total": "1200.00",
            "currency": "PLN",
        }
    ],
}


def generated(draw: random.Random) -> tuple[str, bytes]:
    """One case drawn from the schema, as JSON text: whole (a third of the time), or a valid
    case with one record of it drawn (a client, a contract, an event, the sender...)."""
    generator, schema = _Generator(_schema(), draw), _schema()
    if draw.random() < 0.33:
        return "a case drawn whole", json.dumps(generator.value(schema)).encode("utf-8")
    case = json.loads(json.dumps(_BASE))
    field = draw.choice(sorted(schema["properties"]))
    node = schema["properties"][field]
    items = next((o["items"] for o in node.get("anyOf", [node]) if "items" in o), None)
    if items is None:
        case[field] = generator.value(node, field, 1)
    else:
        case[field] = [*case.get(field, []), generator.value(items, field, 2)]
    return f"the sample case with its {field} drawn", json.dumps(case).encode("utf-8")


def test_schema_generated_cases_end_in_a_plan_or_a_paychase_error(tmp_path: Path) -> None:
    failures = list(run("schema", generated, tmp_path))
    assert not failures, f"{len(failures)} of {BUDGET} inputs failed:\n\n" + "\n\n".join(
        failures[:5]
    )
