"""Rule 1, and what the runner and a split plan rely on: clients are planned independently.

Re-planning one client before a send (the runner's fresh facts) or planning shards of clients
in several processes gives exactly that client's actions and states of the whole plan.
"""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from tests.strategies import Json, cases

import paychase
from paychase import Case


@given(cases())
def test_rule_01_each_clients_part_plans_as_it_does_in_the_whole(
    case_and_now: tuple[Json, datetime],
) -> None:
    data, now = case_and_now
    case = Case.model_validate(data)
    whole = paychase.plan(case, now=now)
    for client in case.clients:
        alone = paychase.plan(case.of_client(client.id), now=now)
        assert alone.actions == tuple(a for a in whole.actions if a.client == client.id)
        ids = {invoice.id for invoice in alone.invoices}
        assert alone.invoices == tuple(s for s in whole.invoices if s.id in ids)
