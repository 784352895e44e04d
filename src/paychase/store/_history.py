"""The history store: every contact as it happened, and every attempt to perform an action.

The store is the runner's memory between runs. It holds the contact history the planner reads
(the case file's ``history``, plus what the runner did and what people recorded) and, per
action key, the attempt to perform it. The attempt is what makes delivery exactly-once:

* ``claimed``   — a runner took the key (a unique row: a second runner cannot take it too);
* ``sending``   — the message and the event it will record are kept, and the message is being
                  handed to the channel: from here a crash leaves doubt;
* ``done``      — the channel accepted it; the history event was written in the same
                  transaction;
* ``failed``    — the channel refused it for good (a bounce, an unknown number); the event
                  records the failure, so the next plan switches channel (SPEC §5 rule 9);
* ``task``      — a call to make or a letter to post, open until a person records the outcome;
* ``uncertain`` — a send was interrupted and the channel cannot tell whether it went out:
                  shown to a person, never sent again on its own; a person settles it
                  (``paychase settle``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime
from typing import ClassVar, Final, Literal, Protocol, runtime_checkable

from pydantic import AwareDatetime, Field

from paychase._model import FrozenModel
from paychase.case._history import ContactEvent
from paychase.errors import PaychaseError, PluginError
from paychase.messages._message import Message, Receipt
from paychase.policy._policy import ActionKind, Channel

__all__ = [
    "ATTEMPT_TRANSITIONS",
    "SETTLED",
    "Attempt",
    "AttemptStatus",
    "HistoryStore",
    "StoreOperation",
    "contact_fingerprint",
]

AttemptStatus = Literal["claimed", "sending", "done", "failed", "task", "uncertain"]

StoreOperation = Literal["prepare", "complete", "release", "mark_uncertain"]
"""A call that moves an attempt a runner holds."""

ATTEMPT_TRANSITIONS: Final[Mapping[StoreOperation, frozenset[AttemptStatus]]] = {
    "prepare": frozenset({"claimed", "sending"}),
    "complete": frozenset({"claimed", "sending", "uncertain"}),
    "release": frozenset({"claimed", "sending", "uncertain"}),
    "mark_uncertain": frozenset({"sending"}),
}
"""The statuses each operation may be applied to; any other call is refused (`PluginError`).

``claim`` takes a key with no attempt, or one given back by ``release``; ``add_events``
closes a ``task`` when a new event carries its key. An ``uncertain`` attempt is settled by a
person: ``complete`` once they found the message arrived, ``release`` once they found it did
not (the next run sends it).
"""

SETTLED: Final[frozenset[AttemptStatus]] = frozenset({"done", "failed", "task"})
"""The statuses ``complete`` settles an attempt in."""


def contact_fingerprint(event: ContactEvent) -> str:
    """The sha256 of `event`'s canonical JSON: equal for the same contact at the same instant.

    Canonical: keys sorted, no None fields, the time in UTC — so the same moment written with
    another offset is the same event, and a store keeps it once.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        >>> def called(moment):
        ...     return ContactEvent(at=moment, client="c1", direction="out", kind="call")
        >>> here = called(at)
        >>> there = called(at.astimezone(timezone(timedelta(hours=1))))
        >>> contact_fingerprint(here) == contact_fingerprint(there)
        True
    """
    data = event.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["at"] = event.at.astimezone(UTC).isoformat(timespec="microseconds")
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Attempt(FrozenModel):
    """One runner's attempt to perform one planned action.

    Attempts come out of a history store, a plug-in: one that cannot be built is the store's
    fault, a `PluginError` naming the field.
    """

    error_class: ClassVar[type[PaychaseError]] = PluginError

    key: str = Field(description="The action key: at most one attempt per key, ever")
    client: str = Field(description="The id of the client the action is about")
    kind: ActionKind = Field(description="The action's kind")
    channel: Channel = Field(description="The action's channel")
    message_id: str | None = Field(
        default=None,
        description="The Message-ID of its message, by which a channel can tell it got it",
    )
    planned_at: AwareDatetime = Field(description="When the plan put the action")
    status: AttemptStatus = Field(
        description="claimed, sending, done, failed, task (open until a person records it) or "
        "uncertain (may have gone out: never sent again on its own)"
    )
    runner: str = Field(description="Who claimed it: host name and process id")
    claimed_at: AwareDatetime = Field(description="When the runner claimed the key (its clock)")
    updated_at: AwareDatetime = Field(
        description="When the attempt last changed (the runner's clock); a claimed or sending "
        "attempt unchanged for the runner's stale_after is settled by a later run"
    )
    tries: int = Field(default=0, ge=0, description="How many times the channel was called")
    receipt: Receipt | None = Field(
        default=None, description="What the channel said, once the attempt is settled"
    )
    error: str | None = Field(default=None, description="The last error, or why it is uncertain")
    message: Message | None = Field(
        default=None, description="The message as sent (or the task's call script or letter)"
    )
    event: ContactEvent | None = Field(
        default=None, description="The history event the attempt records once it is settled"
    )


@runtime_checkable
class HistoryStore(Protocol):
    """Where contact history and delivery attempts live; SQLite is the built-in one."""

    def events(self) -> tuple[ContactEvent, ...]:
        """Every recorded contact, oldest first (ties in the order they were added)."""
        ...

    def add_events(self, events: Iterable[ContactEvent], /) -> int:
        """Record contacts not yet recorded (an identical event is kept once); how many were new.

        An event whose ``key`` names an open task closes it (status ``done``).
        """
        ...

    def claim(
        self,
        key: str,
        *,
        client: str,
        kind: ActionKind,
        channel: Channel,
        message_id: str | None,
        planned_at: datetime,
        runner: str,
        at: datetime,
    ) -> bool:
        """Take `key` for this runner; False when any attempt for it exists already."""
        ...

    def prepare(self, key: str, /, *, message: Message, event: ContactEvent, at: datetime) -> None:
        """Keep the rendered message and the event it will record; the send is about to start.

        Moves a ``claimed`` attempt to ``sending`` and counts a try; called again before each
        retry. What is kept lets a later run settle the attempt after a crash.
        """
        ...

    def complete(
        self,
        key: str,
        /,
        *,
        status: Literal["done", "failed", "task"],
        receipt: Receipt,
        event: ContactEvent | None,
        message: Message | None,
        at: datetime,
    ) -> None:
        """Settle the attempt, keep the message, record the history event: all or nothing."""
        ...

    def release(self, key: str, /, *, error: str) -> None:
        """Give the key back (a transient failure before anything went out): a later run retries."""
        ...

    def mark_uncertain(self, key: str, /, *, at: datetime, why: str) -> None:
        """A send was interrupted and nobody can tell whether it went out."""
        ...

    def attempts(self, statuses: Collection[AttemptStatus] | None = None) -> tuple[Attempt, ...]:
        """Attempts, oldest claim first; only those in `statuses` when given."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...
