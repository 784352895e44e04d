"""The case file (SPEC §2): one portfolio at one moment, its cross-references checked.

A `Case` is one portfolio at one moment. Everything in it is checked when it is built —
references between records, currencies, dates, amounts — so the planner can trust it. Money is
`Decimal` in the contract's currency; times are timezone-aware; a bare date is a date in the
client's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from paychase._model import InputModel
from paychase.case._chase import Chase
from paychase.case._contracts import Contract, contract_value
from paychase.case._history import ContactEvent
from paychase.case._instalment_plan import InstalmentPlan
from paychase.case._invoices import ExchangeRate, Invoice
from paychase.case._money import check_precision
from paychase.case._parties import Client, Sender
from paychase.case._types import EARLIEST, LATEST, Moment, _policy_by_name
from paychase.errors import CurrencyMismatchError, InvalidCaseError
from paychase.policy._builtin import (
    BUILTIN_POLICIES,
    BuiltinName,
    builtin_policy,
    past_versions,
    resolve_policy,
)
from paychase.policy._policy import Policy

__all__ = ["Case", "client_part", "planning_moment", "version_of"]


class Case(InputModel):
    """One portfolio at one moment: the input of `plan()` and of the CLI.

    Building a Case checks every cross-reference, so a Case that exists is consistent.
    """

    version: Literal[1] = Field(default=1, description="Format version of the case file; must be 1")
    now: Moment | None = Field(default=None, description="The moment to plan for")
    policy: Annotated[
        Policy, BeforeValidator(_policy_by_name, json_schema_input_type=Policy | BuiltinName)
    ] = Field(
        default_factory=lambda: resolve_policy("freelancer"),
        description="A built-in policy name or an inline policy",
    )
    clients: tuple[Client, ...] = Field(
        default=(), description="The clients who owe, and how to reach them; ids unique"
    )
    contracts: tuple[Contract, ...] = Field(
        default=(), description="The terms behind the invoices, each of a client in `clients`"
    )
    invoices: tuple[Invoice, ...] = Field(
        default=(), description="The invoices, each under a contract in `contracts`"
    )
    exchange_rates: tuple[ExchangeRate, ...] = Field(
        default=(),
        description="Rates for converting amounts fixed in another currency, such as "
        "compensation fixed in euro",
    )
    sender: Sender | None = Field(
        default=None, description="Who is owed: needed to render messages, not to plan"
    )
    policy_versions: tuple[Policy, ...] = Field(
        default=(),
        description="Earlier versions of policies that invoices already in dunning still follow",
    )
    instalment_plans: tuple[InstalmentPlan, ...] = Field(
        default=(), description="Agreements with clients to pay some invoices in parts"
    )
    chases: tuple[Chase, ...] = Field(
        default=(), description="Silent prospects and projects waiting on the client"
    )
    history: tuple[ContactEvent, ...] = Field(
        default=(),
        description="Every contact with the clients, both directions, oldest first; events "
        "after the planning moment are ignored",
    )

    @model_validator(mode="after")
    def _references_hold(self) -> Self:
        clients = _unique(self.clients, "clients")
        contracts = _unique(self.contracts, "contracts")
        _unique(self.invoices, "invoices")
        _unique(self.instalment_plans, "instalment_plans")
        for index, contract in enumerate(self.contracts):
            _check_contract(contract, clients, f"contracts[{index}]")
        owner: dict[str, str] = {}
        for index, invoice in enumerate(self.invoices):
            owner[invoice.id] = _check_invoice(invoice, contracts, f"invoices[{index}]")
        versions = self._check_versions()
        for index, invoice in enumerate(self.invoices):
            if invoice.policy is not None and invoice.policy not in versions:
                raise InvalidCaseError(
                    f"no such policy version: the case has {', '.join(sorted(versions))}",
                    field=f"invoices[{index}].policy",
                    value=invoice.policy,
                )
        invoices = {invoice.id: invoice for invoice in self.invoices}
        for index, arrangement in enumerate(self.instalment_plans):
            _check_plan(arrangement, clients, invoices, contracts, f"instalment_plans[{index}]")
        chases = _unique(self.chases, "chases")
        for index, chase in enumerate(self.chases):
            _check_chase(chase, clients, contracts, f"chases[{index}]")
        for index, event in enumerate(self.history):
            _check_event(event, clients, owner, f"history[{index}]")
            if event.chase is not None and event.chase not in chases:
                raise InvalidCaseError(
                    "unknown chase", field=f"history[{index}].chase", value=event.chase
                )
        return self

    def _check_versions(self) -> dict[str, Policy]:
        """Every policy version the case holds, by 'name@version'; each named once."""
        if self.policy.purpose != "payment":
            raise InvalidCaseError(
                f"a {self.policy.purpose} policy chases no money: give it to a chase",
                field="policy.purpose",
                value=self.policy.purpose,
            )
        versions = {version_of(self.policy): self.policy}
        for index, policy in enumerate(self.policy_versions):
            name = version_of(policy)
            if name in versions:
                raise InvalidCaseError(
                    "this policy version is given twice",
                    field=f"policy_versions[{index}]",
                    value=name,
                )
            if policy.purpose != "payment":
                raise InvalidCaseError(
                    "only payment policies take part in dunning",
                    field=f"policy_versions[{index}].purpose",
                    value=policy.purpose,
                )
            versions[name] = policy
        owned = [(f"clients[{i}]", c.policy) for i, c in enumerate(self.clients)]
        owned += [(f"contracts[{i}]", c.policy) for i, c in enumerate(self.contracts)]
        for path, own in owned:
            if own is not None:
                _add_version(versions, own, f"{path}.policy")
        _add_past_builtins(versions)
        return versions

    @property
    def policies(self) -> dict[str, Policy]:
        """Every policy version the case holds, by 'name@version' (see `version_of`)."""
        return self._check_versions()

    def of_client(self, client: str) -> Case:
        """The part of the case `client` needs: its records and contacts, and what all share.

        Clients are planned one by one, so a plan of this part has exactly the client's actions
        of the whole case's plan — what a runner re-plans before each send, and what a plan
        split over processes plans in each. The part is taken from this checked case, not
        checked again.

        Raises:
            InvalidCaseError: the case has no such client.

        Examples:
            >>> case = Case(clients=[{"id": "c1", "name": "A", "country": "PL",
            ...     "timezone": "Europe/Warsaw"}, {"id": "c2", "name": "B", "country": "DE",
            ...     "timezone": "Europe/Berlin"}])
            >>> [c.id for c in case.of_client("c2").clients]
            ['c2']
        """
        clients = tuple(c for c in self.clients if c.id == client)
        if not clients:
            raise InvalidCaseError("unknown client", field="client", value=client)
        contracts = tuple(c for c in self.contracts if c.client == client)
        owned = {contract.id for contract in contracts}
        return client_part(
            self,
            clients[0],
            contracts=contracts,
            invoices=tuple(i for i in self.invoices if i.contract in owned),
            instalment_plans=tuple(p for p in self.instalment_plans if p.client == client),
            chases=tuple(c for c in self.chases if c.client == client),
            history=tuple(e for e in self.history if e.client == client),
            policies=self.policies,
        )

    def with_policy(self, policy: str | Policy) -> Case:
        """The same case with another default policy: the "what if" of a simulation.

        The rule that an invoice stays on the policy version it entered dunning under still
        holds, so the current default is kept among the `policy_versions`; invoices not yet
        in dunning follow the new one. A version the case already holds under the new
        policy's name is replaced by it.

        Raises:
            PolicyError: no built-in policy of that name.
            InvalidCaseError: a policy that chases no money.

        Examples:
            >>> case = Case(policy="freelancer").with_policy("b2b_strict")
            >>> case.policy.name, sorted(case.policies)
            ('b2b_strict', ['b2b_strict@1', 'b2b_strict@2', 'freelancer@1'])
        """
        chosen = _policy_by_name(policy)
        name = version_of(chosen)
        kept = [earlier for earlier in self.policy_versions if version_of(earlier) != name]
        if version_of(self.policy) != name:
            kept.append(self.policy)
        return type(self).model_validate(dict(self, policy=chosen, policy_versions=tuple(kept)))


def client_part(
    case: Case,
    client: Client,
    *,
    contracts: tuple[Contract, ...],
    invoices: tuple[Invoice, ...],
    instalment_plans: tuple[InstalmentPlan, ...],
    chases: tuple[Chase, ...],
    history: tuple[ContactEvent, ...],
    policies: dict[str, Policy],
) -> Case:
    """`case` cut down to `client` and its records (`Case.of_client`), given those records.

    `policies` are the whole case's (`Case.policies`), worked out once for all its clients.
    """
    kept = {version_of(p) for p in (case.policy, *case.policy_versions)}
    kept |= {version_of(client.policy)} if client.policy is not None else set()
    kept |= {version_of(c.policy) for c in contracts if c.policy is not None}
    # Another client's policy may be a version this client's invoices were migrated to.
    others = {version: policy for version, policy in policies.items() if version not in kept}
    return case.model_copy(
        update={
            "clients": (client,),
            "contracts": contracts,
            "policy_versions": (*case.policy_versions, *others.values()),
            "invoices": invoices,
            "instalment_plans": instalment_plans,
            "chases": chases,
            "history": history,
        }
    )


def _add_past_builtins(versions: dict[str, Policy]) -> None:
    """Hold the earlier versions of each current built-in policy the case holds.

    An invoice that entered dunning under a built-in ladder paychase has changed since stays on
    it without the host copying it into ``policy_versions``; a version the case gives itself
    is kept.
    """
    for policy in tuple(versions.values()):
        if policy.name in BUILTIN_POLICIES and policy == builtin_policy(policy.name):
            for past in past_versions(policy.name):
                versions.setdefault(version_of(past), past)


def _add_version(versions: dict[str, Policy], policy: Policy, path: str) -> None:
    """Hold a client's or contract's policy among the versions; one name, one policy."""
    if policy.purpose != "payment":
        raise InvalidCaseError(
            f"a {policy.purpose} policy chases no money: give it to a chase",
            field=f"{path}.purpose",
            value=policy.purpose,
        )
    name = version_of(policy)
    known = versions.setdefault(name, policy)
    if known != policy:
        raise InvalidCaseError(
            "another policy of this name and version is in the case: give this one its own "
            "name or version",
            field=path,
            value=name,
        )


def version_of(policy: Policy) -> str:
    """How history and invoices name a policy version: ``name@version``."""
    return f"{policy.name}@{policy.version}"


def _unique(records: Iterable[Any], field: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for index, record in enumerate(records):
        if record.id in seen:
            raise InvalidCaseError("duplicate id", field=f"{field}[{index}].id", value=record.id)
        seen[record.id] = record
    return seen


def _check_contract(contract: Contract, clients: dict[str, Client], path: str) -> None:
    if contract.client not in clients:
        raise InvalidCaseError("unknown client", field=f"{path}.client", value=contract.client)
    _unique(contract.milestones, f"{path}.milestones")
    for index, milestone in enumerate(contract.milestones):
        check_precision(
            milestone.amount, contract.currency, field=f"{path}.milestones[{index}].amount"
        )
    amounts = {
        "late_fee.amount": contract.late_fee.amount,
        "late_fee.cap": contract.late_fee.cap,
        "value": contract.value,
        "tolerance": contract.tolerance,
        "deposit.amount": contract.deposit.amount if contract.deposit else None,
        "materials.amount": contract.materials.amount if contract.materials else None,
        "kill_fee.amount": contract.kill_fee.amount if contract.kill_fee else None,
    }
    for name, amount in amounts.items():
        if amount is not None:
            check_precision(amount, contract.currency, field=f"{path}.{name}")
    shares = {
        "deposit.rate": contract.deposit is not None and contract.deposit.amount is None,
        "materials.rate": contract.materials is not None and contract.materials.rate is not None,
        "kill_fee.rate": contract.kill_fee is not None and contract.kill_fee.rate is not None,
    }
    for name, share in shares.items():
        if share and contract_value(contract) is None:
            raise InvalidCaseError(
                "a share of the contract value needs the contract's 'value' (or milestones)",
                field=f"{path}.{name}",
            )


def _check_invoice(invoice: Invoice, contracts: dict[str, Contract], path: str) -> str:
    contract = contracts.get(invoice.contract)
    if contract is None:
        raise InvalidCaseError("unknown contract", field=f"{path}.contract", value=invoice.contract)
    if invoice.currency != contract.currency:
        raise CurrencyMismatchError(
            f"currency {invoice.currency} does not match contract {contract.id}'s "
            f"{contract.currency}",
            field=f"{path}.currency",
            value=invoice.currency,
        )
    if invoice.due is not None and invoice.due < invoice.issued:
        raise InvalidCaseError(
            f"due date is before the issue date {invoice.issued}",
            field=f"{path}.due",
            value=str(invoice.due),
        )
    if invoice.due is None and contract.payment_terms is None:
        raise InvalidCaseError(
            f"no due date, and contract {contract.id} has no payment_terms to derive one",
            field=f"{path}.due",
        )
    check_precision(invoice.total, invoice.currency, field=f"{path}.total")
    if invoice.milestone is not None and invoice.milestone not in {
        m.id for m in contract.milestones
    }:
        raise InvalidCaseError(
            f"contract {contract.id} has no such milestone",
            field=f"{path}.milestone",
            value=invoice.milestone,
        )
    for index, payment in enumerate(invoice.payments):
        check_precision(payment.amount, invoice.currency, field=f"{path}.payments[{index}].amount")
    for index, note in enumerate(invoice.credit_notes):
        check_precision(note.amount, invoice.currency, field=f"{path}.credit_notes[{index}].amount")
    return contract.client


def _check_plan(
    arrangement: InstalmentPlan,
    clients: dict[str, Client],
    invoices: dict[str, Invoice],
    contracts: dict[str, Contract],
    path: str,
) -> None:
    if arrangement.client not in clients:
        raise InvalidCaseError("unknown client", field=f"{path}.client", value=arrangement.client)
    currencies = set()
    for index, invoice_id in enumerate(arrangement.invoices):
        invoice = invoices.get(invoice_id)
        where = f"{path}.invoices[{index}]"
        if invoice is None:
            raise InvalidCaseError("unknown invoice", field=where, value=invoice_id)
        if contracts[invoice.contract].client != arrangement.client:
            raise InvalidCaseError(
                f"invoice belongs to another client, not {arrangement.client}",
                field=where,
                value=invoice_id,
            )
        currencies.add(invoice.currency)
    if len(currencies) > 1:
        raise CurrencyMismatchError(
            f"one plan settles one currency, not {', '.join(sorted(currencies))}",
            field=f"{path}.invoices",
        )
    if arrangement.total is not None:
        check_precision(arrangement.total, currencies.pop(), field=f"{path}.total")


def _check_chase(
    chase: Chase, clients: dict[str, Client], contracts: dict[str, Contract], path: str
) -> None:
    if chase.client not in clients:
        raise InvalidCaseError("unknown client", field=f"{path}.client", value=chase.client)
    if chase.contract is None:
        return
    contract = contracts.get(chase.contract)
    if contract is None or contract.client != chase.client:
        problem = "unknown contract" if contract is None else "a contract of another client"
        raise InvalidCaseError(problem, field=f"{path}.contract", value=chase.contract)


def _check_event(
    event: ContactEvent, clients: dict[str, Client], owner: dict[str, str], path: str
) -> None:
    if event.client not in clients:
        raise InvalidCaseError("unknown client", field=f"{path}.client", value=event.client)
    for index, invoice_id in enumerate(event.invoices):
        if owner.get(invoice_id) != event.client:
            problem = (
                "unknown invoice"
                if invoice_id not in owner
                else (f"invoice belongs to client {owner[invoice_id]}, not {event.client}")
            )
            raise InvalidCaseError(problem, field=f"{path}.invoices[{index}]", value=invoice_id)


def planning_moment(case: Case, now: datetime | None) -> datetime:
    """The moment to plan for: `now`, else the case's own; aware and plausible."""
    moment = now if now is not None else case.now
    if moment is None:
        raise InvalidCaseError(
            "no planning moment: pass now=... or set 'now' in the case", field="now"
        )
    if not isinstance(moment, datetime):
        raise InvalidCaseError("must be a datetime", field="now", value=moment)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidCaseError(
            "naive datetime: add a UTC offset (the planning moment must be timezone-aware)",
            field="now",
            value=moment.isoformat(),
        )
    if not EARLIEST <= moment.date() <= LATEST:
        raise InvalidCaseError(
            f"must be between {EARLIEST} and {LATEST}", field="now", value=moment.isoformat()
        )
    return moment
