"""`Candidate`: an invoice's next ladder step, timed and routed, before invoices are combined.

`_next_step` finds it, `_combine` turns the candidates of one client into actions, one message
per step, currency and moment (rule 5), and `_reasons` tells why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from paychase._reason import Note
from paychase.conversation._facts import InvoiceFacts
from paychase.planner._costs import FEE_EFFECTS
from paychase.policy._policy import ActionKind, Channel, Effect, Policy, Step

__all__ = ["Candidate"]


@dataclass(slots=True, eq=False)
class Candidate:
    """The next step of one invoice, timed, before invoices are combined.

    Compared by identity: each stands for one invoice, and combining looks candidates up in
    its clusters often (comparing their facts field by field cost O(n²) per client).
    """

    facts: InvoiceFacts
    index: int
    step: Step
    kind: ActionKind
    channel: Channel
    at: datetime  # moved by spacing while the client's candidates are combined
    scheduled: datetime
    attempt: int
    effects: tuple[Effect, ...]
    notes: list[Note]
    ladder: Policy  # the policy version the step belongs to
    earliest: datetime  # the latest of its bounds: it may go at any open moment from then
    not_before: datetime  # the first open moment of its day its bounds allow (`Action.not_before`)
    sending: int = 1  # which sending of a repeated step it is (`Step.repeat`)

    @property
    def rung(self) -> str:
        """The step as keys name it: its id, with ``#n`` for the n-th sending of a repeat.

        ``#`` is in no step id, so ``firm#2`` is never another step's id.
        """
        return self.step.id if self.sending == 1 else f"{self.step.id}#{self.sending}"

    @property
    def applies_fee(self) -> bool:
        """Whether performing this step charges a fee or compensation."""
        return self.kind == "apply_fee" or any(e in FEE_EFFECTS for e in self.effects)

    @property
    def charges_late_fee(self) -> bool:
        """Whether performing this step claims the contractual late fee."""
        return self.kind == "apply_fee" or "apply_late_fee" in self.effects
