"""A reason as data: a code and its parameters, told in English for logs and JSON (rule 12).

It lives below every core package, so the money engines and the policy can give their reasons
as data too, not only the planner.

Every action says why it is planned (`Action.reason`, English, part of the plan's contract).
The same reason is also kept as parts — `ReasonPart`: a code such as ``invoice.overdue`` and
the values it names — so a renderer can tell it in the reader's language
(`paychase.messages`), while `english()` gives, part by part, exactly the English text the
plan has always carried. A part nobody has coded yet is ``text``: its English words as they
are, which a renderer prints under a label saying so.

The English templates below are the log's wording: dates ISO, amounts as plain decimals. A
`{name:|s}` field prints nothing for 1 and ``s`` otherwise (``1 day``, ``2 days``).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import Field

from paychase._model import FrozenModel

__all__ = [
    "ENGLISH",
    "Note",
    "Param",
    "ReasonPart",
    "as_part",
    "english",
    "joined",
    "part",
    "text",
    "unique",
    "words",
]


class ReasonPart(FrozenModel):
    """One clause of a reason: what it says (`code`) and the values it names (`params`)."""

    code: str = Field(
        description="What the clause says, e.g. 'invoice.overdue' or 'step.falls_on'; 'text' "
        "for a clause kept only in English words (its `text` parameter)"
    )
    params: dict[str, str | int | date | Decimal | ReasonPart | tuple[ReasonPart, ...]] = Field(
        default_factory=dict,
        description="The values the clause names: ids and labels (strings), counts, dates, "
        "amounts (with a `currency` parameter where they are money), or clauses inside it (a "
        "list of them is written separated by commas)",
    )


# code -> the English (log) wording. Fields name the part's parameters.
ENGLISH: Mapping[str, str] = {
    "text": "{text}",
    "about": "{invoice}: {clause}",
    "rule": "rule {number}: {clause}",
    "list": "{items}",
    "invoice.overdue": "{invoice} is {days} day{days:|s} overdue (due {due})",
    "invoice.due_today": "{invoice} is due today ({due})",
    "invoice.falls_due": "{invoice} falls due on {due}",
    "timing.offset": "{anchor} {offset}",
    "timing.repeat": "sending {sending} of {times}, {every} after the last",
    "step.falls_on": "step '{step}' ({timing}) falls on {on}",
    "step.own": "at its own step '{step}' ({timing}, falls on {on}) in this message",
    "step.performed": "'{step}' was performed on {on}",
    "step.sent_again": "'{step}' was sent for the {count:ordinal} time on {on}",
    "step.given_up": "'{step}' was given up on {on} after unanswered attempts",
    "step.joined_suspension": "'{step}' joined on {on} the suspension in force since {since} "
    "rather than imposing a second one",
    "step.joined_pause": "'{step}' joined on {on} the pause of work in force since {since} "
    "rather than imposing a second one",
    "attempt": "attempt {attempt} of {of}",
    "review.decide": "{clause}: a person should decide",
    "review.nothing_sent": "{clause} A person decides; nothing is sent to the client",
    "dispute.disputed": "the client disputed {amount} {currency} on {on}",
    "dispute.disputed_said": "the client disputed {amount} {currency} on {on} ('{said}')",
    "dispute.marked": "the invoice is marked disputed (issued {issued}, due {due})",
    "dispute.review_stopped": "dunning stopped: review the dispute and record the outcome",
    "dispute.review_continues": "dunning continues on the undisputed {amount}: review the "
    "dispute and record the outcome",
    "promise.review": "dunning goes on: accept it as an instalment plan with one instalment, "
    "or answer the client",
    "limitation.standing": "limitation watch: {invoice} (due {due}) owes {amount}",
    "limitation.barred": "the last day to bring a claim was {last} ({act}, {article}: {years} "
    "years): it is time-barred: sue, get a written acknowledgement of the debt, or write it "
    "off before then",
    "limitation.open": "a claim can be brought until {last} ({act}, {article}: {years} years); "
    "the watch opens {opens}: sue, get a written acknowledgement of the debt, or write it off "
    "before then",
    "catching_up": "catching up: it was due on {due}",
    "not_before": "not before {on} {time}: {why}",
    "recorded_only": "recorded, not sent: its only channel is system",
    "channel.opted_out": "no {channel}: the client opted out of {channel}",
    "channel.opted_out_since": "no {channel}: the client opted out of {channel} on {since}",
    "channel.opted_out_said": "no {channel}: the client opted out of {channel} ({said})",
    "channel.opted_out_since_said": "no {channel}: the client opted out of {channel} on "
    "{since} ({said})",
    "channel.failed": "{channel} {outcome} on {on}: verify the client's contact details",
    "channel.unreachable": "no {channel}: the client has no {address}, so {instead}",
    "no_channel": "rule 9: no working channel: verify the client's contact details",
    "chase.unanswered": "{kind} chase '{chase}': our message of {on} about {subject} is unanswered",
    "no_fee.not_late": "no late fee: {invoice} is not late on {on} (due {due})",
    "no_compensation.not_late": "no fixed compensation: {invoice} is not late on {on} (due {due})",
    "no_fee.not_allowed": "no late fee: {why}",
    "no_suspension.no_clause": "no suspension: contract {contract} has no suspension clause",
    "no_suspension.cancelled": "no suspension: the service of contract {contract} is cancelled",
    "no_compensation.not_provided": "no fixed compensation: contract {contract} does not "
    "provide it for this client",
    "no_step_fee": "no step fee: contract {contract} charges statutory interest, not a "
    "contractual fee, so '{step}' books the interest only",
    "spacing.contact": "min_gap {gap} after the contact planned for {on} {time}",
    "spacing.message": "min_gap {gap} after the message planned for {on} {time}",
    "spacing.early": "goes early with the contact of {on}: the next may come only min_gap "
    "{gap} later",
    "step.skipped": "'{step}' skipped: {why}",
    "step.not_repeated": "'{step}' not repeated: {why}",
    "client.replied": "the client replied on {on}",
    "client.promised": "the client has promised to pay",
    "client.consumer": "the client is a consumer",
    "balance.not_over": "the balance {amount} is not over {threshold}",
    "client_balance.not_over": "the client's overdue balance {amount} {currency} is not over "
    "{threshold} {currency}",
    "charge": "{what} {amount} {currency}",
    "fee.charges": "step '{step}' charges {invoice} (due {due}) {charges} as of {on}, as its "
    "effects {effects} say",
    "fee.book": "book it with the message",
    "fee.book_unrecorded": "book it with the message sent on {sent}: its booking is not "
    "recorded yet",
    "caught_up.held": "caught up: {steps} passed over (held until {until})",
    "caught_up.policy": "caught up: {steps} passed over (catch_up {mode})",
    "end.write_off": "the ladder ends: write {invoice} off as bad debt for what is still owed, "
    "keeping the evidence",
    "end.cancel": "cancel the service of contract {contract} for non-payment under its "
    "suspension clause and tell the client; it is not restored automatically",
    "ladder.resumes": "{clause}: the ladder resumes at '{step}'",
    "plan.broken": "the instalment plan '{plan}' agreed on {agreed} was broken: instalment "
    "{number} of {of} ({amount} {currency}, due {due}) was not paid by {by}",
    "promise.broken": "the promise made on {made} to pay it by {by} was broken",
    "promise.broken_held": "the promise made on {made} to pay it by {by} was broken (held "
    "until {until})",
    "promise.broken_amount": "the promise made on {made} to pay {amount} {currency} by {by} "
    "was broken",
    "promise.broken_amount_held": "the promise made on {made} to pay {amount} {currency} by "
    "{by} was broken (held until {until})",
    "dispute.resolved": "the dispute was resolved on {on} ({resolution}): dunning resumes where "
    "it stopped",
    "residue": "{invoice} (due {due}) is paid, but {items} {currency} remain claimable "
    "(payments go to {allocation}): decide whether to claim them",
    "residue.item": "{name} {amount}",
    "allocation.item": "{item}",
    "allocation.principal_first": "principal first",
    "instalment.missed": "instalment plan '{plan}' (agreed {agreed}): instalment {number} of "
    "{of}, {amount} {currency}, fell due on {due} and {short} {currency} of it is unpaid",
    "instalment.breaks": "the plan breaks unless it is paid by {until}",
    "instalment.coming": "instalment plan '{plan}' (agreed {agreed}): instalment {number} of "
    "{of}, {amount} {currency}, falls due on {due}: a reminder {before} before",
    "instalment.kept": "the plan is kept so far, so the ladder waits",
}


def english(clause: ReasonPart) -> str:
    """The clause in the plan's English, exactly as `Action.reason` words it."""
    params = clause.params
    return "".join(
        [
            piece if name is None else _field(params[name], piece)
            for name, piece in _compiled(clause.code)
        ]
    )


@cache
def _compiled(code: str) -> tuple[tuple[str | None, str], ...]:
    """`code`'s template cut once into literal text ``(None, text)`` and fields ``(name, spec)``.

    Formatting runs for every clause of every action: parsing its template each time cost more
    than the planning it explains (issue 20).
    """
    pieces: list[tuple[str | None, str]] = []
    for literal, name, spec, _ in _PARSER.parse(ENGLISH[code]):
        if literal:
            pieces.append((None, literal))
        if name is not None:
            pieces.append((name, spec or ""))
    return tuple(pieces)


_PARSER = string.Formatter()


def _field(value: Any, spec: str) -> str:
    """One field in English: nested parts in English, ``|s`` plurals, ordinals."""
    if isinstance(value, str) and not spec:
        return value
    if isinstance(value, ReasonPart):
        return english(value)
    if isinstance(value, tuple):
        return ", ".join(map(english, value))
    if spec == "ordinal":
        return _ordinal(int(value))
    if spec.startswith("|"):
        one, _, other = spec.partition("|")[2].rpartition("|")
        return one if value == 1 else other
    return str(value) if not spec else format(value, spec)


def joined(parts: Iterable[ReasonPart]) -> str:
    """The parts' English joined as a reason: ``a; b; c``."""
    return "; ".join(english(p) for p in parts)


Param = str | int | date | Decimal | ReasonPart | tuple[ReasonPart, ...]


def part(code: str, **params: Param) -> ReasonPart:
    """A clause with the code `code` (one of `ENGLISH`), naming `params`."""
    if code not in ENGLISH:
        raise KeyError(code)
    return ReasonPart.trusted(code=code, params=params)


def text(words: str) -> ReasonPart:
    """A clause kept only in English words: not yet given a code of its own."""
    return ReasonPart.trusted(code="text", params={"text": words})


Note = str | ReasonPart
"""A note on a planned step, on its way into a reason: coded, or words not coded yet."""


def as_part(note: Note) -> ReasonPart:
    """The note as a clause: a ``text`` one when it is only words."""
    return text(note) if isinstance(note, str) else note


def words(note: Note) -> str:
    """The note's English."""
    return note if isinstance(note, str) else english(note)


def unique(parts: Sequence[ReasonPart]) -> tuple[ReasonPart, ...]:
    """`parts` without a repeat of the same English words, first occurrence kept."""
    seen: dict[str, ReasonPart] = {}
    for clause in parts:
        seen.setdefault(english(clause), clause)
    return tuple(seen.values())


def _ordinal(count: int) -> str:
    """``2nd``, ``3rd``, ``11th``: how many times a repeated step has been sent."""
    suffix = (
        "th" if count % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(count % 10, "th")
    )
    return f"{count}{suffix}"
