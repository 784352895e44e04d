"""Holds and opt-outs: what the host tells paychase to stop, and why.

A host steers dunning by holding a client, a contract or one invoice — a negotiation under way,
a complaint being looked into, a key account the account manager handles by hand — and by
recording the channels a client objected to (an objection to text messages under GDPR art.
21, "no phone calls"). A hold stops every action for what it covers except a person's
review; an opt-out takes a channel away from the client, as a missing address does.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from paychase._model import FrozenModel
from paychase._text import Line
from paychase.case._types import CaseDate
from paychase.policy._policy import Channel

__all__ = ["Hold", "OptOut"]


class Hold(FrozenModel):
    """Nothing is sent about what the hold covers while it holds; reviews still are."""

    until: CaseDate | None = Field(
        default=None,
        description="The last day held (the client's local date); the ladder resumes the day "
        "after, catching up what fell due meanwhile without a burst. Omitted: held until the "
        "host removes the hold (to lift it, set `until` to the day before, so that the ladder "
        "knows when it was lifted)",
    )
    reason: Line = Field(description="Why dunning is held, shown in the plan")
    by: Line | None = Field(default=None, description="Who put the hold, shown in the plan")

    def holds_on(self, day: date) -> bool:
        """Whether the hold is in force on the local date `day`."""
        return self.until is None or day <= self.until

    def describe(self) -> str:
        """The hold as the plan says it: until when, why and by whom."""
        until = "" if self.until is None else f" until {self.until}"
        by = "" if self.by is None else f" (by {self.by})"
        return f"on hold{until}: {self.reason}{by}"


class OptOut(FrozenModel):
    """A channel the client objected to: never used for them, as if they had no address."""

    channel: Channel = Field(
        description="The channel refused; letter covers registered letters too"
    )
    reason: Line | None = Field(
        default=None, description="Why, e.g. 'GDPR art. 21 objection', shown in the plan"
    )
    since: CaseDate | None = Field(
        default=None, description="When the client objected; omitted: always"
    )

    def refuses(self, channel: Channel, day: date) -> bool:
        """Whether the opt-out takes `channel` away on the local date `day`."""
        covered = channel == self.channel or (
            self.channel == "letter" and channel == "registered_letter"
        )
        return covered and (self.since is None or self.since <= day)

    def describe(self) -> str:
        """Why the channel is not used, as the plan says it."""
        since = "" if self.since is None else f" on {self.since}"
        why = "" if self.reason is None else f" ({self.reason})"
        return f"the client opted out of {self.channel}{since}{why}"
