"""Sample case-file data the example-based tests share.

The sample case of the tests of the doors into paychase (CLI, errors, reading files): client
c1, Studio Kowalski in Warsaw, owes invoice inv-1 (1200.00 PLN, due 2 March 2026) under
contract k1, planned on 3 March 2026 under the freelancer policy. Built on the hand-built
example parties of tests/strategies.py; each builder returns a fresh dict, and keyword
arguments add fields or replace the sample's own.

And the steps of a short valid ladder, for tests of policies and of the case file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.strategies import Json, example_client, example_contract, example_invoice

SAMPLE_NOW = "2026-03-03T09:00:00+01:00"


def kowalski(**fields: Any) -> Json:
    """Client c1, Studio Kowalski in Warsaw, reached at c1@example.com."""
    client = example_client(name="Studio Kowalski", contacts={"email": "c1@example.com"})
    return client | fields


def kowalski_contract(**fields: Any) -> Json:
    """Contract k1 of client c1: PLN, payment in 14 days."""
    return example_contract(payment_terms="14d") | fields


def first_invoice(**fields: Any) -> Json:
    """Invoice inv-1 under contract k1: 1200.00 PLN, issued 16 February, due 2 March 2026."""
    invoice = example_invoice("inv-1", issued="2026-02-16", due="2026-03-02", total="1200.00")
    return invoice | fields


def sample_case(
    *,
    clients: list[Json] | None = None,
    contracts: list[Json] | None = None,
    invoices: list[Json] | None = None,
    **fields: Any,
) -> Json:
    """The sample case: `kowalski()`, `kowalski_contract()` and `first_invoice()` unless other
    parties are given, with `fields` (history, exchange rates, ...) after them."""
    return {
        "version": 1,
        "now": SAMPLE_NOW,
        "policy": "freelancer",
        "clients": [kowalski()] if clients is None else clients,
        "contracts": [kowalski_contract()] if contracts is None else contracts,
        "invoices": [first_invoice()] if invoices is None else invoices,
        **fields,
    }


def lumen_portfolio(
    dues: Sequence[Sequence[str]],
    *,
    issued: str = "2026-02-16",
    locale: str | None = "pl_PL",
    sms: bool = True,
) -> Json:
    """Polish clients of Studio Lumen under the freelancer policy, for the runner's tests.

    Client ``c<n>`` (e-mail ``c<n>@client.example``; a mobile number with `sms`) has contract
    ``k<n>`` in PLN and owes 1500.00 on each date of ``dues[n]``: invoices ``i0``, ``i1``, …
    numbered across the clients in order, all issued on `issued`.
    """
    clients = [f"c{n}" for n in range(len(dues))]
    owed = [(n, due) for n, dates in enumerate(dues) for due in dates]

    def client(n: int, name: str) -> Json:
        contacts = {"email": f"{name}@client.example"} | ({"sms": f"+4860000000{n}"} if sms else {})
        record = {"id": name, "name": f"Client {name}", "country": "PL"}
        return (
            record
            | ({"locale": locale} if locale else {})
            | {
                "timezone": "Europe/Warsaw",
                "contacts": contacts,
            }
        )

    return {
        "version": 1,
        "policy": "freelancer",
        "sender": {"name": "Studio Lumen", "email": "marta@studio-lumen.example"},
        "clients": [client(n, name) for n, name in enumerate(clients)],
        "contracts": [
            {"id": f"k{n}", "client": name, "currency": "PLN"} for n, name in enumerate(clients)
        ],
        "invoices": [
            {
                "id": f"i{index}",
                "contract": f"k{n}",
                "issued": issued,
                "due": due,
                "total": "1500.00",
                "currency": "PLN",
            }
            for index, (n, due) in enumerate(owed)
        ],
    }


def short_ladder_steps() -> list[Json]:
    """Three steps: 'polite', a reminder a day after the due date; 'final', a letter a week
    after it stating a 14-day deadline; 'legal', escalation the day after that deadline."""
    return [
        {"id": "polite", "from": "due", "offset": "+1d", "action": "send_reminder"},
        {
            "id": "final",
            "from": "previous",
            "offset": "+7d",
            "action": "send_letter",
            "deadline": "14d",
        },
        {"id": "legal", "from": "deadline", "offset": "+1d", "action": "escalate"},
    ]
