"""The evidence pack of one client: what a lawyer or a pre-court claim needs.

This module owns the pack's shape (`EvidencePack` and its `TimelineEntry` and `SentMessage`)
and how it is assembled from a case (`evidence_pack`); its printable HTML and the files written
are `paychase.evidence._html`'s.

A pack states the parties, the contracts' terms, the invoices with their payments, the
statement of account with every fee and interest computation, and a timeline of everything that
happened. A message is not stored when it is sent, so the pack rebuilds it: the case as it
stood just before the contact is planned at the contact's moment and the action with the
contact's key is rendered. Planning is deterministic, so this is the text that was sent — unless
the templates, the rate table or the case's earlier records changed since; a contact no plan
explains (one recorded by hand) is kept with a note saying so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from paychase._model import FrozenModel
from paychase.calendar._local_time import zone
from paychase.case._case import Case, planning_moment
from paychase.case._contracts import Contract
from paychase.case._history import ContactEvent
from paychase.case._invoices import Invoice
from paychase.case._money import Amount
from paychase.case._parties import Client, Sender
from paychase.case._types import LocaleName
from paychase.errors import InvalidCaseError
from paychase.messages._message import Message, Recipient
from paychase.messages._render import Renderer
from paychase.planner._outputs import Plan
from paychase.planner._plan import plan
from paychase.planner._statement import Statement, statement
from paychase.policy._policy import Channel

__all__ = [
    "KEPT",
    "MOVED",
    "NOT_RECONSTRUCTED",
    "NO_ACTION",
    "NO_KEY",
    "EvidencePack",
    "SentMessage",
    "TimelineEntry",
    "evidence_pack",
    "pack_locale",
]

TimelineKind = Literal["issued", "due", "payment", "contact"]

# What happened on the same local day is listed in the order it must have happened: an
# invoice exists before it falls due, and dated records carry no time of day, so they go
# before the day's contacts.
_RANK: dict[TimelineKind, int] = {"issued": 0, "due": 1, "payment": 2, "contact": 3}

NOT_RECONSTRUCTED = "the message could not be reconstructed"
"""The start of the note on a contact whose text no plan of its moment explains."""

KEPT = "the message as sent, kept by the history store"
"""The note on a contact whose text comes from the store rather than being rebuilt."""

NO_KEY = f"{NOT_RECONSTRUCTED}: the contact records no action key"
"""The note on an outbound contact recorded without an action key."""

NO_ACTION = f"{NOT_RECONSTRUCTED}: the plan of that moment has no action"
"""The start of the note on a contact whose key no plan of its moment has."""

MOVED = "the plan of that moment put this action at"
"""The start of the note on a message planned for another moment than the contact's."""


class SentMessage(FrozenModel):
    """A message as it was sent, rebuilt by planning and rendering the case as it stood then."""

    key: str = Field(description="The action key the contact recorded")
    planned_at: AwareDatetime = Field(description="When the plan of that moment put the action")
    channel: Channel = Field(description="How it went: `system` for a task for the sender")
    locale: str = Field(description="The locale the message is written in")
    template: str = Field(description="The template used, as '<locale>/<name>'")
    recipients: tuple[Recipient, ...] = Field(
        default=(), description="Who it went to; empty for a task the sender performed"
    )
    subject: str = Field(description="The one-line subject")
    text: str = Field(description="The plain-text body: the e-mail, the SMS, the call script")
    notes: tuple[str, ...] = Field(
        default=(), description="The renderer's notes, e.g. a missing file"
    )


class TimelineEntry(FrozenModel):
    """One thing that happened: an invoice issued or due, a payment, or a contact either way."""

    kind: TimelineKind = Field(
        description="issued or due (an invoice), payment (received) or contact (either way)"
    )
    day: date = Field(description="The client's local date")
    at: AwareDatetime | None = Field(
        default=None, description="The client's local time of a contact; dated records have none"
    )
    invoices: tuple[str, ...] = Field(default=(), description="The invoices concerned (ids)")
    amount: Amount | None = Field(default=None, description="Invoiced (issued, due) or received")
    currency: str | None = Field(default=None, description="ISO 4217 code of `amount`")
    reference: str | None = Field(default=None, description="The payment's reference")
    contact: ContactEvent | None = Field(default=None, description="The contact as it was recorded")
    message: SentMessage | None = Field(default=None, description="An outbound contact's text")
    notes: tuple[str, ...] = Field(
        default=(), description="What a reader should know about the entry"
    )


class EvidencePack(FrozenModel):
    """Everything on record about one client at one moment, in time order where it matters."""

    client: Client = Field(description="The debtor, as the case records them")
    sender: Sender = Field(description="The creditor")
    locale: LocaleName = Field(
        default="en",
        description="The language the printable pack is written in: the sender's locale where "
        "the case sets it, else the client's",
    )
    as_of: AwareDatetime = Field(description="The moment of the pack, in the client's zone")
    policy: str = Field(description="The name of the dunning policy the case follows")
    contracts: tuple[Contract, ...] = Field(description="The client's contracts as agreed")
    invoices: tuple[Invoice, ...] = Field(description="Invoices issued by `as_of`, as recorded")
    statement: Statement = Field(description="The account as of `as_of`, with computations")
    timeline: tuple[TimelineEntry, ...] = Field(
        description="Invoices issued and due, payments and contacts, oldest first"
    )

    def to_json(self, *, indent: int | None = 2) -> str:
        """The pack as JSON; the same pack always gives the same text."""
        return self.model_dump_json(indent=indent, exclude_none=True)


def evidence_pack(
    case: Case,
    client: str,
    *,
    now: datetime | None,
    renderer: Renderer | None = None,
    sent: Mapping[str, Message] | None = None,
) -> EvidencePack:
    """The evidence pack of `client` as of `now` (the case's own moment by default).

    Records after `now` (invoices issued later, payments and contacts after it) are left out;
    an invoice's due date is one of its terms, so it is listed even when it is still to come.
    Each outbound contact with an action key gets its message rebuilt with `renderer`.

    Args:
        case: the case, with its `sender` (the creditor the pack names).
        client: the client's id.
        now: the moment of the pack, timezone-aware; None takes the case's ``now``.
        renderer: renders the rebuilt messages; its calendars and rates also compute the
            statement. A default `Renderer` when None.
        sent: the messages as they were sent, by action key (kept by the history store):
            used instead of rebuilding them.

    Returns:
        The `EvidencePack`.

    Raises:
        InvalidCaseError: the client is unknown, the case has no sender or no moment.
        PluginError: a template or calendar failed while rebuilding a message.

    Examples:
        >>> import json, pathlib, paychase
        >>> case = paychase.Case.model_validate(json.loads(pathlib.Path(
        ...     "examples/portfolio.json").read_text()))
        >>> pack = evidence_pack(case, "nowak", now=None)
        >>> [e.kind for e in pack.timeline][:3]
        ['issued', 'payment', 'due']
    """
    person = next((c for c in case.clients if c.id == client), None)
    if person is None:
        raise InvalidCaseError("unknown client", field="client", value=client)
    if case.sender is None:
        raise InvalidCaseError(
            "an evidence pack names the creditor: add 'sender' with at least a 'name'",
            field="sender",
        )
    renderer = renderer or Renderer()
    moment = planning_moment(case, now)
    account = statement(
        case, client, now=moment, calendars=renderer.calendars, rates=renderer.rates
    )
    contracts = tuple(c for c in case.contracts if c.client == client)
    ours = {c.id for c in contracts}
    invoices = tuple(i for i in case.invoices if i.contract in ours and i.issued <= account.as_of)
    events = [e for e in case.history if e.client == client and e.at <= moment]
    timeline = _records(invoices, account) + _contacts(case, person, events, renderer, sent or {})
    return EvidencePack(
        client=person,
        sender=case.sender,
        locale=pack_locale(case.sender, person),
        as_of=moment.astimezone(zone(person.timezone)),
        policy=case.policy.name,
        contracts=contracts,
        invoices=invoices,
        statement=account,
        timeline=tuple(sorted(timeline, key=_order)),
    )


def pack_locale(sender: Sender, client: Client) -> str:
    """The language of the pack: it is the sender's document, for the sender's lawyer.

    The sender's locale where the case sets it; a case that leaves it out has written
    everything else in the client's language, so the pack follows the client's (whose
    own default is English).

    Examples:
        >>> from paychase.case import Client, Sender
        >>> client = Client(id="c", name="Nowak", country="PL", timezone="Europe/Warsaw",
        ...                 locale="pl_PL")
        >>> pack_locale(Sender(name="Lumen", locale="de_DE"), client)
        'de_DE'
        >>> pack_locale(Sender(name="Lumen"), client)
        'pl_PL'
    """
    return sender.locale if "locale" in sender.model_fields_set else client.locale


def _order(entry: TimelineEntry) -> tuple[date, int, float]:
    """Day, then what must come first, then time of day; `sorted` keeps ties in input order."""
    return entry.day, _RANK[entry.kind], entry.at.timestamp() if entry.at else 0.0


def _records(invoices: Sequence[Invoice], account: Statement) -> list[TimelineEntry]:
    """Invoices issued and due and payments received, each invoice's in that order."""
    due = {line.invoice: line.due for line in account.lines}
    entries: list[TimelineEntry] = []
    for invoice in invoices:
        ids, currency = (invoice.id,), invoice.currency
        entries.append(
            TimelineEntry(
                kind="issued",
                day=invoice.issued,
                invoices=ids,
                amount=invoice.total,
                currency=currency,
            )
        )
        # A cancelled invoice is not on the statement: it never falls due.
        if invoice.id in due:
            entries.append(
                TimelineEntry(
                    kind="due",
                    day=due[invoice.id],
                    invoices=ids,
                    amount=invoice.total,
                    currency=currency,
                )
            )
        entries += [
            TimelineEntry(
                kind="payment",
                day=p.date,
                invoices=ids,
                amount=p.amount,
                currency=currency,
                reference=p.ref,
            )
            for p in invoice.payments
            if p.date <= account.as_of
        ]
    return entries


class _Moments:
    """The case as it stood just before each moment, and its plan then; each planned once."""

    def __init__(self, case: Case, renderer: Renderer) -> None:
        self._case = case
        self._renderer = renderer
        self._seen: dict[datetime, tuple[Case, Plan]] = {}

    def before(self, moment: datetime) -> tuple[Case, Plan]:
        """The case with only the history strictly before `moment`, planned at `moment`."""
        if moment not in self._seen:
            earlier = tuple(e for e in self._case.history if e.at < moment)
            case = self._case.model_copy(update={"history": earlier})
            found = plan(
                case, now=moment, calendars=self._renderer.calendars, rates=self._renderer.rates
            )
            self._seen[moment] = (case, found)
        return self._seen[moment]


def _contacts(
    case: Case,
    client: Client,
    events: Sequence[ContactEvent],
    renderer: Renderer,
    sent: Mapping[str, Message],
) -> list[TimelineEntry]:
    local = zone(client.timezone)
    moments = _Moments(case, renderer)
    entries = []
    for event in events:
        kept = sent.get(event.key) if event.key and event.direction == "out" else None
        message: SentMessage | None
        notes: tuple[str, ...]
        if kept is not None:
            message, notes = _as_sent(kept, event.at), (KEPT,)
        else:
            message, notes = _rebuild(event, moments, renderer)
        at = event.at.astimezone(local)
        entries.append(
            TimelineEntry(
                kind="contact",
                day=at.date(),
                at=at,
                invoices=event.invoices,
                contact=event,
                message=message,
                notes=notes,
            )
        )
    return entries


def _rebuild(
    event: ContactEvent, moments: _Moments, renderer: Renderer
) -> tuple[SentMessage | None, tuple[str, ...]]:
    """The message an outbound contact sent, or why it cannot be told."""
    if event.direction != "out":
        return None, ()
    if event.key is None:
        return None, (NO_KEY,)
    case, planned = moments.before(event.at)
    action = next((a for a in planned.actions if a.key == event.key), None)
    if action is None:
        return None, (
            f"{NO_ACTION} {event.key} "
            "(recorded by hand, or the case's earlier records have changed)",
        )
    message = renderer.render(case, action)
    notes: tuple[str, ...] = ()
    if action.at != event.at:
        notes = (f"{MOVED} {action.at.isoformat()}; the text is the one planned for then",)
    return _as_sent(message, action.at), notes


def _as_sent(message: Message, planned_at: datetime) -> SentMessage:
    return SentMessage(
        key=message.key,
        planned_at=planned_at,
        channel=message.channel,
        locale=message.locale,
        template=message.template,
        recipients=message.recipients,
        subject=message.subject,
        text=message.text,
        notes=message.notes,
    )
