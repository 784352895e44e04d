"""Sample case-file data the example-based tests share.

The sample case of the tests of the doors into paychase (CLI, errors, reading files): client
c1, Studio Kowalski in Warsaw, owes invoice inv-1 (1200.00 PLN, due 2 March 2026) under
contract k1, planned on 3 March 2026 under the freelancer policy. Built on the hand-built
example parties of tests/strategies.py; each builder returns a fresh dict, and keyword
arguments add fields or replace the sample's own.

And the steps of a short valid ladder, for tests of policies and of the case file.
"""

from __future__ import annotations

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
