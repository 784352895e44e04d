"""Joining a sanction in force: one suspension and one work pause per contract (rule 10).

A contract's service is suspended, or its work paused, by one sanction at a time
(`conversation._sanctions`). When an invoice's ladder reaches a step that would suspend the
service (pause the work) while its contract's is suspended (paused) already, the step joins
that sanction instead of imposing a second one:

* a ``suspend_service`` (``pause_work``) step plans no action. It was due at the moment its own
  time and bounds give — `now` left out, so that every plan finds the same moment — and no
  earlier than the sanction was imposed. Once that moment has come the step counts as performed
  then (`Performed.joined`): the invoice walks on to its next step, counted from it. Until then
  nothing is planned for the invoice: it waits.
* a message step with a ``suspend_service`` (``pause_work``) effect keeps its message and drops
  the effect, with a note in its reason.

An invoice whose step joined the sanction is covered by it, as are those its events name: it is
lifted only once they are all settled (`_settlement`). A step that joined in an earlier plan is
known by the ladder having gone past it, without it, since the sanction was imposed; a message
that dropped the effect, by having been sent since.

Within one plan likewise: of the client's candidates that would suspend (pause) one contract,
the earliest imposes the sanction — with the candidates of the same step at the same moment,
which go as one action — and the later ones join it; a pause of work planned by `_requests`
(a prepayment unpaid, a kill fee) comes first. A step joining a sanction that is only planned
waits for the next plan, in which the sanction is recorded.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass
from datetime import datetime

from paychase._reason import part
from paychase.conversation._facts import InvoiceFacts
from paychase.conversation._sanctions import (
    Sanction,
    SanctionKind,
    concerned_contracts,
    sanction_of_step,
)
from paychase.planner._candidate import Candidate
from paychase.planner._context import ClientContext
from paychase.planner._next_step import LadderWalk
from paychase.planner._outputs import Action
from paychase.planner._timing import CATCHING_UP, first_allowed_moment, step_bounds
from paychase.policy._ladder import Performed, Progress

__all__ = ["SanctionJoins", "pausing"]


@dataclass(frozen=True, slots=True)
class _Imposed:
    """A sanction this plan imposes: when, and by which step (None: a work contract's need)."""

    at: datetime
    step: str | None


class SanctionJoins:
    """Lets the client's sanction steps join the sanction in force on their contract."""

    __slots__ = ("_about", "_context", "_joined_now", "_walk")

    def __init__(self, context: ClientContext, walk: LadderWalk) -> None:
        self._context = context
        self._walk = walk
        # Invoices whose message is due now without its sanction effect, by sanction kind.
        self._joined_now: set[tuple[SanctionKind, str]] = set()
        # The invoices each sanction in force is about, by sanction (`covering`).
        self._about: dict[tuple[SanctionKind, str], frozenset[str]] = {}

    def resolve(self, candidates: list[Candidate], actions: list[Action]) -> list[Candidate]:
        """The candidates that go ahead; a review the walk gives on the way goes to `actions`.

        `actions` are those planned so far: a pause of work among them is imposed first.
        """
        imposed: dict[tuple[SanctionKind, str], _Imposed] = {
            ("pause_work", contract): _Imposed(at, None)
            for contract, at in _pauses(self._context, actions).items()
        }
        queue = sorted(candidates, key=_order)
        kept: list[Candidate] = []
        while queue:
            candidate = queue.pop(0)
            self._drop_joined_effects(candidate, imposed)
            outcome = self._step(candidate, imposed)
            if isinstance(outcome, Action):
                actions.append(outcome)
            elif outcome is candidate:
                kept.append(candidate)
            elif outcome is not None:
                insort(queue, outcome, key=_order)
        return kept

    def covers(self, facts: InvoiceFacts, sanction: Sanction) -> bool:
        """Whether the invoice's own step joined `sanction`, so that it holds it until settled.

        In this plan: its step joined it, or its message due now dropped the effect. In an
        earlier one: its ladder went on past such a step without performing it, or performed
        a message with the effect, on or after the day the sanction was imposed.
        """
        if (sanction.kind, facts.invoice.id) in self._joined_now:
            return True
        return any(_joined(p, sanction) for p in facts.progress.performed) or _went_past(
            facts.progress, sanction
        )

    def covering(self, facts: InvoiceFacts, kind: SanctionKind) -> Sanction | None:
        """The sanction of `kind` in force on the invoice's contract, if it covers the invoice.

        It does when it names the invoice, or the invoice joined it.
        """
        contract = facts.contract.id
        sanction = self._context.sanctions.on(kind, contract)
        if sanction is None:
            return None
        about = self._about.get((kind, contract))
        if about is None:
            invoices = self._context.portfolio.invoices_of.get(self._context.client.id, ())
            about = sanction.about(i.id for i in invoices if i.contract == contract)
            self._about[kind, contract] = about
        return sanction if facts.invoice.id in about or self.covers(facts, sanction) else None

    def _step(
        self, candidate: Candidate, imposed: dict[tuple[SanctionKind, str], _Imposed]
    ) -> Candidate | Action | None:
        """The candidate itself, the invoice's next step once its step joined, or None: it waits."""
        kind = sanction_of_step(candidate.step.action)
        if kind is None:
            return candidate
        contract = candidate.facts.contract.id
        in_force = self._context.sanctions.on(kind, contract)
        if in_force is not None:
            return self._join(candidate, in_force)
        first = imposed.get((kind, contract))
        if first is None:
            imposed[kind, contract] = _Imposed(candidate.at, candidate.step.id)
            return candidate
        if (first.at, first.step) == (candidate.at, candidate.step.id):
            return candidate  # the same step at the same moment: one action (`_combine`)
        return None  # joins the sanction planned before it, once that is recorded

    def _join(self, candidate: Candidate, sanction: Sanction) -> Candidate | Action | None:
        """Join `sanction`: the step counts as performed once its moment has come."""
        facts = candidate.facts
        at = self._joined_at(candidate, sanction)
        if at is None:
            return None
        facts.progress.performed.append(
            Performed(candidate.index, candidate.step, at, None, joined=sanction.since)
        )
        return self._walk.next_step(facts, candidate.ladder)

    def _joined_at(self, candidate: Candidate, sanction: Sanction) -> datetime | None:
        """When the candidate's step joins `sanction` (None: not yet, its moment is ahead).

        Its moment by its own time and bounds, whenever the plan is made, and not before the
        sanction was imposed.
        """
        context = self._context
        bounds = step_bounds(
            context, candidate.step, candidate.facts, candidate.scheduled, candidate.ladder
        )
        assert isinstance(bounds, list)  # the walk gave the step: nothing holds it back
        own = [bound for bound in bounds if bound.why != CATCHING_UP]
        hour = context.clock.hour_for(candidate.kind)
        due, _ = first_allowed_moment(context, candidate.scheduled, own, hour)
        at = max(due, sanction.since)
        return at if at <= context.now else None

    def _drop_joined_effects(
        self, candidate: Candidate, imposed: dict[tuple[SanctionKind, str], _Imposed]
    ) -> None:
        """A message's sanction effect is dropped where the sanction stands or comes first."""
        if sanction_of_step(candidate.step.action) is not None:
            return
        contract, clock = candidate.facts.contract.id, self._context.clock
        kept = []
        for effect in candidate.effects:
            kind = sanction_of_step(effect)
            if kind is None:
                kept.append(effect)
                continue
            in_force = self._context.sanctions.on(kind, contract)
            first = imposed.get((kind, contract))
            if in_force is not None:
                since = clock.local(in_force.since).date()
                candidate.notes.append(
                    part(f"joined.{kind}_since", effect=effect, contract=contract, since=since)
                )
                if self._joined_at(candidate, in_force) is not None:
                    self._joined_now.add((kind, candidate.facts.invoice.id))
            elif first is None or (first.at, first.step) == (candidate.at, candidate.step.id):
                imposed.setdefault((kind, contract), _Imposed(candidate.at, candidate.step.id))
                kept.append(effect)
            else:
                local = clock.local(first.at)
                candidate.notes.append(
                    part(
                        f"joined.{kind}_from",
                        effect=effect,
                        contract=contract,
                        on=local.date(),
                        time=f"{local:%H:%M}",
                    )
                )
        candidate.effects = tuple(kept)


def pausing(context: ClientContext, actions: list[Action]) -> frozenset[str]:
    """The contracts whose work `actions` pause, or is paused already (a chase's step waits)."""
    paused = {contract for kind, contract in context.sanctions.in_force if kind == "pause_work"}
    return frozenset(paused | _pauses(context, actions).keys())


def _pauses(context: ClientContext, actions: list[Action]) -> dict[str, datetime]:
    """When `actions` first pause the work on each contract."""
    portfolio, client = context.portfolio, context.client.id
    contract_of = {i.id: i.contract for i in portfolio.invoices_of.get(client, ())}
    contracts = [c.id for c in portfolio.contracts_of.get(client, ())]
    first: dict[str, datetime] = {}
    for action in sorted(actions, key=lambda a: a.at):
        if action.kind == "pause_work":
            for contract in concerned_contracts(
                action.invoices, action.key, contract_of=contract_of, contracts=contracts
            ):
                first.setdefault(contract, action.at)
    return first


def _joined(performed: Performed, sanction: Sanction) -> bool:
    """Whether a performed step joined `sanction`, in this plan or as a message since.

    A message performed with the sanction's effect while the sanction stood went without it.
    """
    if performed.joined is not None:
        return _imposes(performed.step.action, sanction)
    return (
        not performed.given_up
        and performed.at >= sanction.since
        and any(_imposes(effect, sanction) for effect in performed.step.effects)
    )


def _went_past(progress: Progress, sanction: Sanction) -> bool:
    """Whether the ladder went past a step imposing `sanction` without it, since it stands."""
    done = {p.index for p in progress.performed}
    steps = progress.ladder.steps if progress.ladder is not None else ()
    for index, step in enumerate(steps):
        if index in done or not _imposes(step.action, sanction):
            continue
        later = next((p for p in progress.performed if p.index > index), None)
        if later is not None and later.at >= sanction.since:
            return True
    return False


def _imposes(action: str, sanction: Sanction) -> bool:
    """Whether a step's action or effect would impose a sanction of `sanction`'s kind."""
    return sanction_of_step(action) == sanction.kind


def _order(candidate: Candidate) -> tuple[datetime, str]:
    return candidate.at, candidate.facts.invoice.id
