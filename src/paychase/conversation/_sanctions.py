"""Sanctions in force: a contract's suspended service or paused work, read from the history.

A host has one switch per contract: its service is on or suspended, its work goes on or is
paused. So a sanction belongs to a contract (SPEC §5 rule 10: one suspension per contract in
force at a time). A ``suspend`` (``pause_work``) event imposes it on the contracts it concerns
and a ``restore`` (``resume_work``) event lifts it; an event that did not take effect
(``bounced``, ``failed``) does neither. An event concerns the contracts of the invoices it
names; one naming none concerns the contract its key starts with (``k1/deposit/pause_work/1``,
``k1+k2/…``), else every contract of the client. A project chase's pause concerns the chase's
contract.

The sanction in force on a contract is the run of its imposing events since it was last lifted:
all of them stand until one lift ends them together. What must be true before it is lifted is
the planner's business (`planner._settlement`); this module only says what stands and why:

* the invoices the run names, which must be settled — an event naming none names every invoice
  of the contract;
* the work topics it was imposed for: a prepayment (``deposit``, ``materials``) that must be
  paid, or a kill fee or a project chase (``kill_fee``, ``chase``), which only the host lifts.
  The invoices a prepayment's pause names are the prepayment invoices: paying the prepayment,
  not settling them, lifts it (`conversation._work`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from paychase.case._history import ContactEvent

__all__ = ["Sanction", "SanctionKind", "Sanctions", "concerned_contracts", "sanction_of_step"]

SanctionKind = Literal["suspend", "pause_work"]
"""A sanction, named by the history kind that imposes it."""

# The history kinds that impose a sanction, and those that lift one.
_IMPOSED_BY: Final[Mapping[str, SanctionKind]] = {"suspend": "suspend", "pause_work": "pause_work"}
_LIFTED_BY: Final[Mapping[str, SanctionKind]] = {"restore": "suspend", "resume_work": "pause_work"}
_DID_NOT_HAPPEN: Final = frozenset({"bounced", "failed"})

# The topics of a work contract's pauses, keyed {contract}/{topic}/pause_work/{n}
# (`conversation._work`), and those whose pause only the host lifts (with a chase's).
_WORK_TOPICS: Final = frozenset({"deposit", "materials", "kill_fee"})
_HELD: Final = frozenset({"kill_fee", "chase"})


def sanction_of_step(action: str) -> SanctionKind | None:
    """The sanction a ladder action or effect imposes, if it imposes one.

    >>> sanction_of_step("suspend_service"), sanction_of_step("send_reminder")
    ('suspend', None)
    """
    if action == "suspend_service":
        return "suspend"
    if action == "pause_work":
        return "pause_work"
    return None


@dataclass(frozen=True, slots=True)
class Sanction:
    """A suspension or a pause of work in force on one contract: its events since the last lift.

    `events` are oldest first; the sanction is in force since the first of them.
    """

    kind: SanctionKind
    contract: str
    events: tuple[ContactEvent, ...]

    @property
    def since(self) -> datetime:
        """When the sanction was imposed."""
        return self.events[0].at

    @property
    def topics(self) -> frozenset[str]:
        """The work topics it was imposed for (a prepayment, ``kill_fee``, ``chase``)."""
        return frozenset(topic for e in self.events if (topic := _work_topic(e)) is not None)

    @property
    def held(self) -> bool:
        """Whether only the host lifts it: a kill fee or a project chase paused the work."""
        return not self.topics.isdisjoint(_HELD)

    def named(self, invoices: Iterable[str]) -> frozenset[str]:
        """The invoices it names among the contract's `invoices`, which must be settled.

        Events imposed for a work topic do not count: a prepayment is paid, not settled.
        """
        mine = frozenset(invoices)
        named: set[str] = set()
        for event in self.events:
            if _work_topic(event) is None:
                named |= mine.intersection(event.invoices) if event.invoices else mine
        return frozenset(named)

    def about(self, invoices: Iterable[str]) -> frozenset[str]:
        """The invoices it concerns among the contract's `invoices`.

        Those it `named`, and the invoices its pauses for a prepayment name.
        """
        mine = frozenset(invoices)
        return self.named(mine) | mine.intersection(i for e in self.events for i in e.invoices)


@dataclass(frozen=True, slots=True)
class Sanctions:
    """The sanctions in force on one client's contracts, and how often each kind was lifted."""

    in_force: Mapping[tuple[SanctionKind, str], Sanction]
    lifts: Mapping[tuple[SanctionKind, str], int]

    @classmethod
    def of(
        cls,
        events: Sequence[ContactEvent],
        *,
        contract_of: Mapping[str, str],
        contracts: Sequence[str],
        chase_contracts: Mapping[str, str | None],
    ) -> Sanctions:
        """Read the client's history (`events`, oldest first).

        Args:
            events: the client's history up to the moment of interest.
            contract_of: the contract of each of the client's invoices, by invoice id.
            contracts: the ids of the client's contracts.
            chase_contracts: the contract of each of the client's chases (None: a prospect).
        """
        runs: dict[tuple[SanctionKind, str], list[ContactEvent]] = {}
        lifts: dict[tuple[SanctionKind, str], int] = {}
        for event in events:
            if event.outcome in _DID_NOT_HAPPEN:
                continue
            imposed, lifted = _IMPOSED_BY.get(event.kind), _LIFTED_BY.get(event.kind)
            if imposed is None and lifted is None:
                continue
            concerned = (
                concerned_contracts(
                    event.invoices, event.key, contract_of=contract_of, contracts=contracts
                )
                if event.chase is None
                else tuple(c for c in [chase_contracts.get(event.chase)] if c is not None)
            )
            for contract in concerned:
                if imposed is not None:
                    runs.setdefault((imposed, contract), []).append(event)
                elif lifted is not None and runs.pop((lifted, contract), None) is not None:
                    lifts[lifted, contract] = lifts.get((lifted, contract), 0) + 1
        return cls(
            {key: Sanction(key[0], key[1], tuple(run)) for key, run in runs.items()},
            lifts,
        )

    def on(self, kind: SanctionKind, contract: str) -> Sanction | None:
        """The sanction of `kind` in force on `contract`, if there is one."""
        return self.in_force.get((kind, contract))


def concerned_contracts(
    invoices: Sequence[str],
    key: str | None,
    *,
    contract_of: Mapping[str, str],
    contracts: Sequence[str],
) -> tuple[str, ...]:
    """The contracts an event or action of no chase concerns (see the module's docstring).

    >>> concerned_contracts((), "k1+k2/i1+i2/suspend/1", contract_of={}, contracts=["k1", "k2"])
    ('k1', 'k2')
    """
    if invoices:
        return tuple(dict.fromkeys(contract_of[i] for i in invoices if i in contract_of))
    keyed = [c for c in (key or "").split("/", 1)[0].split("+") if c in contracts]
    return tuple(keyed or contracts)


def _work_topic(event: ContactEvent) -> str | None:
    """The work topic a pause was for: its key's topic, ``chase`` for a chase's pause."""
    if event.chase is not None:
        return "chase"
    parts = (event.key or "").split("/")
    if len(parts) == 4 and parts[1] in _WORK_TOPICS:
        return parts[1]
    return None
