"""`ClientParts` cuts each client's part exactly as `Case.of_client` does, from its own records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.test_stream import bench

from paychase import Case, InvalidCaseError, parse_case
from paychase.case._client_parts import ClientParts

REPO = Path(__file__).resolve().parent.parent


def _cases() -> list[Case]:
    found = [parse_case(json.loads(bench().portfolio(300, seed=3)[0]))]
    for path in sorted((REPO / "examples").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append(parse_case(data.get("case", data)))
    return found


@pytest.mark.parametrize("case", _cases())
def test_each_part_is_the_one_of_client_cuts(case: Case) -> None:
    parts = ClientParts(case)
    for client in case.clients:
        assert parts.of(client.id) == case.of_client(client.id)


def test_an_unknown_client_is_named() -> None:
    case = _cases()[0]
    with pytest.raises(InvalidCaseError) as raised:
        ClientParts(case).of("nobody")
    assert raised.value.field == "client"
    assert raised.value.value == "nobody"
