"""What the planner knows about one client before it plans anything for them.

`plan()` builds one `ClientContext` per client and every collaborator reads it: the next step
(`_next_step`), its bounds (`_timing`), its cost (`_costs`), combining (`_combine`), reviews
(`_reviews`), requests (`_requests`), joining sanctions (`_joining`), undoing them
(`_settlement`) and chases (`_chases`). It never changes while the client is planned. What does
change is owned by the collaborator whose job it is: the contacts planned so far by
`_spacing.PlannedContacts`, the money of an invoice on a day by `_costs.Costs`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from paychase.case._history import ContactEvent
from paychase.case._parties import Client
from paychase.conversation._facts import Portfolio
from paychase.conversation._sanctions import Sanctions
from paychase.money._charges import ChargeBook
from paychase.policy._policy import Policy
from paychase.policy._schedule import Bound, ClientClock

__all__ = ["ClientContext"]


@dataclass(frozen=True, slots=True)
class ClientContext:
    """One client's situation at the planning moment, read-only for the whole plan."""

    policy: Policy  # the client's, else the case's: the timing; an invoice's ladder is `policy_of`
    client: Client
    clock: ClientClock
    now: datetime
    today: date  # the client's local date at `now`
    portfolio: Portfolio
    book: ChargeBook
    events: Sequence[ContactEvent]  # the client's history up to `now`, oldest first
    inbound: Sequence[ContactEvent]  # what the client sent us, oldest first
    broken: dict[str, ContactEvent]  # contact routes that bounced or failed (rule 9)
    last_contact: ContactEvent | None  # our last contact that got through
    gap_bound: Bound | None  # min_gap after it: the same for every contact step (rule 5)
    pauses: Sequence[tuple[ContactEvent, Bound]]  # the reply pause after each inbound event
    sanctions: Sanctions  # the suspensions and work pauses in force on its contracts (rule 10)
    cancelled: Mapping[str, ContactEvent]  # the first cancellation of each contract's service
