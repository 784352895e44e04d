"""The steps a history event may name: its policy's ladder, or a topic the planner plans itself.

The planner reads a ladder's progress from the steps the history names. A step no policy of the
case has — ``"polit"`` typed for ``"polite"`` — is an event the planner cannot place: the step
it meant is not seen as performed and would be sent again. So such a case is refused, naming
the event (SPEC §5 rule 13), whether it comes from a case file, an import or a person recording
a contact.

Besides a ladder's steps, the planner's own actions name their topic: a deposit or materials
request (``deposit``, ``materials``), a stage payment (the milestone's id), a kill fee
(``kill_fee``), an instalment reminder (``instalment``, ``instalment_missed``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from paychase.case._case import Case, version_of
from paychase.case._contracts import Contract
from paychase.case._history import ContactEvent
from paychase.conversation._prepayments import PREPAYMENTS
from paychase.errors import InvalidCaseError
from paychase.planner._requests import INSTALMENT, INSTALMENT_MISSED
from paychase.policy._policy import Policy

__all__ = ["check_history_steps"]

_PLANNERS_OWN: Final = frozenset({*PREPAYMENTS, "kill_fee", INSTALMENT, INSTALMENT_MISSED})
_SHOWN: Final = 12  # steps listed in the error before "…"


def check_history_steps(case: Case) -> None:
    """Refuse a history event whose ``step`` is not a step its policy or the planner can name.

    A chase's event is checked against the chase's ladder; an event naming a policy version
    (``policy: name@version``) against that version; any other against every payment policy
    version of the case. The planner's own topics and the milestones of the client's
    contracts are allowed everywhere.

    Raises:
        InvalidCaseError: naming ``history[i].step`` and the steps the policy has.
    """
    policies = case.policies
    chases = {chase.id: chase.ladder for chase in case.chases}
    milestones = _milestones_by_client(case.contracts)
    every_ladder = _step_ids(policies.values())
    for index, event in enumerate(case.history):
        if event.step is None or event.step in _PLANNERS_OWN:
            continue
        if event.step in milestones.get(event.client, ()):
            continue
        allowed, which = _ladder_of(event, chases, policies, every_ladder)
        _refuse_unknown(event.step, allowed, which, f"history[{index}].step")
        # Each invoice of a combined contact is on its own contract's policy.
        for position, own in enumerate(event.invoice_steps):
            where = f"history[{index}].invoice_steps[{position}].step"
            _refuse_unknown(own.step, every_ladder, "any policy of the case", where)


def _refuse_unknown(step: str, allowed: tuple[str, ...], which: str, field: str) -> None:
    if step not in allowed:
        raise InvalidCaseError(
            f"not a step of {which} ({_listed(allowed)}): a typo would make the plan send "
            "that step again",
            field=field,
            value=step,
        )


def _ladder_of(
    event: ContactEvent,
    chases: dict[str, Policy],
    policies: dict[str, Policy],
    every_ladder: tuple[str, ...],
) -> tuple[tuple[str, ...], str]:
    """The step ids `event` may name, and how to call their policy in an error."""
    if event.chase is not None and event.chase in chases:
        ladder = chases[event.chase]
        return _step_ids([ladder]), f"chase policy {version_of(ladder)}"
    if event.policy is not None and event.policy in policies:
        return _step_ids([policies[event.policy]]), f"policy {event.policy}"
    which = f"policy {next(iter(policies))}" if len(policies) == 1 else "the case's policies"
    return every_ladder, which


def _step_ids(ladders: Iterable[Policy]) -> tuple[str, ...]:
    """The ladders' step ids, each once, in ladder order."""
    return tuple(dict.fromkeys(step.id for ladder in ladders for step in ladder.steps))


def _milestones_by_client(contracts: Iterable[Contract]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for contract in contracts:
        found.setdefault(contract.client, set()).update(m.id for m in contract.milestones)
    return found


def _listed(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown + (", …" if len(names) > _SHOWN else "")
