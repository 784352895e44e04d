"""Every client's part of one case, found in one pass (issue 20: a run is linear in its sends).

A runner re-reads the client's facts before each message it sends (`Case.of_client`). Cutting
the part out of the whole case scans every invoice and event, so a run of many messages over a
large case cost the case's size for each message. `ClientParts` sorts the case's records by
client once and cuts each part from its own records only.
"""

from __future__ import annotations

from collections import defaultdict

from paychase.case._case import Case, client_part
from paychase.case._chase import Chase
from paychase.case._contracts import Contract
from paychase.case._history import ContactEvent
from paychase.case._instalment_plan import InstalmentPlan
from paychase.case._invoices import Invoice
from paychase.errors import InvalidCaseError

__all__ = ["ClientParts"]


class ClientParts:
    """`case`'s part for each client, as `Case.of_client` gives it, each from its own records."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._clients = {client.id: client for client in case.clients}
        self._policies = case.policies
        self._contracts: defaultdict[str, list[Contract]] = defaultdict(list)
        for contract in case.contracts:
            self._contracts[contract.client].append(contract)
        owner = {contract.id: contract.client for contract in case.contracts}
        self._invoices: defaultdict[str, list[Invoice]] = defaultdict(list)
        for invoice in case.invoices:
            self._invoices[owner[invoice.contract]].append(invoice)
        self._plans: defaultdict[str, list[InstalmentPlan]] = defaultdict(list)
        for plan in case.instalment_plans:
            self._plans[plan.client].append(plan)
        self._chases: defaultdict[str, list[Chase]] = defaultdict(list)
        for chase in case.chases:
            self._chases[chase.client].append(chase)
        self._history: defaultdict[str, list[ContactEvent]] = defaultdict(list)
        for event in case.history:
            self._history[event.client].append(event)

    def of(self, client: str) -> Case:
        """`client`'s part of the case.

        Raises:
            InvalidCaseError: the case has no such client.
        """
        known = self._clients.get(client)
        if known is None:
            raise InvalidCaseError("unknown client", field="client", value=client)
        return client_part(
            self.case,
            known,
            contracts=tuple(self._contracts.get(client, ())),
            invoices=tuple(self._invoices.get(client, ())),
            instalment_plans=tuple(self._plans.get(client, ())),
            chases=tuple(self._chases.get(client, ())),
            history=tuple(self._history.get(client, ())),
            policies=self._policies,
        )
