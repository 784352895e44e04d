"""Undoing a sanction once everything it was for is settled (SPEC §5 rules 2 and 10).

When the latest ``suspend`` event of the client's ladder is not followed by a ``restore`` and
every invoice it named (all the client's invoices, if it named none) is settled, the plan
carries a ``restore_service`` at the first open moment; ``pause_work`` and ``resume_work`` work
the same way. A settled invoice gets no dunning action, but it may get these (rule 2). Pauses
for a prepayment or a kill fee are undone by `conversation._work`, not by settling.
"""

from __future__ import annotations

from collections.abc import Sequence

from paychase.case._history import ContactEvent
from paychase.conversation._facts import SETTLED, InvoiceFacts
from paychase.conversation._work import is_work_key
from paychase.planner._context import ClientContext
from paychase.planner._outputs import Action
from paychase.planner._timing import AT_ONCE
from paychase.policy._policy import ActionKind

__all__ = ["settlement_actions"]

# What undoes a sanction: the history kind that imposed it, the one that lifts it, the action.
_UNDO: tuple[tuple[str, str, ActionKind], ...] = (
    ("suspend", "restore", "restore_service"),
    ("pause_work", "resume_work", "resume_work"),
)


def settlement_actions(context: ClientContext, facts_of: Sequence[InvoiceFacts]) -> list[Action]:
    """Rule 10 and 2: restore a suspended service / resume paused work once all is paid."""
    settled = {facts.invoice.id for facts in facts_of if facts.state in SETTLED}
    everything = [facts.invoice.id for facts in facts_of]
    # Pauses for a prepayment or a kill fee are undone by `_work`, not by settling.
    ladder = [e for e in context.events if not is_work_key(e.key) and e.chase is None]
    actions = []
    for stop, start, kind in _UNDO:
        toggles = [e for e in ladder if e.kind in (stop, start)]
        latest = toggles[-1] if toggles else None
        if latest is None or latest.kind != stop:
            continue
        covered = list(latest.invoices) or everything
        if not covered or not all(invoice_id in settled for invoice_id in covered):
            continue
        number = sum(1 for e in ladder if e.kind == stop)
        actions.append(
            _undo(context, facts_of, sorted(covered), latest, start=start, kind=kind, number=number)
        )
    return actions


def _undo(
    context: ClientContext,
    facts_of: Sequence[InvoiceFacts],
    covered: list[str],
    sanction: ContactEvent,
    *,
    start: str,
    kind: ActionKind,
    number: int,
) -> Action:
    """The action lifting `sanction`, the `number`-th of its kind, over the `covered` invoices."""
    mine = [f for f in facts_of if f.invoice.id in covered]
    issued = max(f.invoice.issued for f in mine)
    earliest = max(context.now, context.clock.start_of(issued))
    contracts = sorted({context.portfolio.contracts[f.invoice.contract].id for f in mine})
    return Action(
        key=f"{'+'.join(contracts)}/{'+'.join(covered)}/{start}/{number}",
        kind=kind,
        client=context.client.id,
        invoices=tuple(covered),
        channel="system",
        at=context.clock.first_open(earliest, AT_ONCE),
        reason=f"rule 10: {', '.join(covered)} settled; the "
        f"{sanction.kind.replace('_', ' ')} of {context.clock.local(sanction.at).date()} "
        "should be undone at once",
    )
