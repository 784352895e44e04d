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
    "deduplicated",
    "english",
    "joined",
    "part",
    "text",
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
    # -- the money engines' problems (rules 6 and 11) --
    "rate_table.no_regime": "rule 11: the rate table has no {regime} regime: no statutory "
    "interest on {invoice} is computed from {since}; add the regime's rates to the rate table",
    "interest.awaits_demand": "no statutory interest on {invoice} yet: only the invoice set its "
    "due date, so this demand puts the client in delay (§ 286 BGB); interest runs from the "
    "day after it",
    "rate_gap": "rule 11: the {regime} rate table has no rate for {start}..{end}: interest on "
    "{invoice} is computed only to {until}; update the rate table",
    "compensation.not_added": "rule 6: fixed compensation on {invoice} is not added: {why}",
    "rate.missing_on": "no {pair} exchange rate for {day} ({note})",
    "rate.missing_by": "no {pair} exchange rate dated on or before {due} ({note})",
    "rate.missing_two_on": "no {pair} and no {other} exchange rate for {day} ({note})",
    "rate.missing_two_by": "no {pair} and no {other} exchange rate dated on or before {due} "
    "({note})",
    "rate_note.nbp": "NBP Table A of the last business day of the month before the due month",
    "rate_note.directive": "the latest rate on or before the due date; the Directive sets no "
    "conversion date",
    "rate_note.statute": "the latest rate on or before the due date; the statute sets no "
    "conversion date",
    "rate_note.act": "the latest rate on or before the due date; the Act sets no conversion date",
    "no_late_fee_clause": "contract {contract} has no late-fee clause",
    "no_interest": "no statutory interest: {why}",
    "regime.not_for_consumers": "{regime} ({statute}) does not apply to consumers",
    "regime.no_consumer_interest": "{jurisdiction} law grants consumers no statutory "
    "late-payment interest",
    "regime.directive_consumers": "Directive 2011/7/EU does not cover consumers",
    "regime.unknown": "no statutory-interest regime is known for {jurisdiction}: name one in "
    "the contract's interest_regime",
    "regime.named": "the contract names {regime} ({statute})",
    "regime.jurisdiction": "{jurisdiction} {debtor} debt: {regime} ({statute})",
    "regime.eu_member": "{jurisdiction} is an EU member state: Directive 2011/7/EU (EU) applies "
    "to business debts",
    # -- the bounds a step may not precede (SPEC §4, rules 3, 4, 5, 7, 8, 10) --
    "bound.reply_pause": "the client wrote on {on}: reply pause {pause}",
    "bound.invoice_date": "the invoice date",
    "bound.grace": "the grace period runs to {until}",
    "bound.promise": "the client promised to pay by {by}",
    "bound.deadline": "the deadline {deadline} stated by '{step}'",
    "bound.suspension_delay": "the contract allows suspension {after} after the due date",
    "bound.our_message": "our message",
    "bound.agreed": "agreed",
    "bound.expired": "'{step}' expired waiting for min_gap",
    "hold": "on hold: {reason}",
    "hold.until": "on hold until {until}: {reason}",
    "hold.by": "on hold: {reason} (by {by})",
    "hold.until_by": "on hold until {until}: {reason} (by {by})",
    "gap.contact": "min_gap {gap} after the contact on {on}",
    "gap.deposit_request": "min_gap {gap} after the request deposit planned for {on} {time}",
    "gap.milestone_request": "min_gap {gap} after the request milestone planned for {on} {time}",
    # -- why a step cannot go as written: a person reviews it --
    "review.no_anchor": "step '{step}' counts from a payment deadline, but no earlier step "
    "stated one",
    "review.held_back": "step '{step}' is held back: {why}",
    "review.no_channel": "rule 9: step '{step}' ({on}) has no working channel: verify the "
    "client's contact details",
    "guard.warning_unsent": "the warning '{step}' has not reached the client",
    "guard.no_final_notice": "no final notice with a deadline has been sent",
    "guard.final_notice_unsent": "the final notice '{step}' has not reached the client",
    "guard.warnings_sent": "{sent} of the {required} warnings the contract requires have been sent",
    "guard.no_deadline": "the last warning ('{step}') stated no deadline",
    "sanction.cancelled": "the service of contract {contract} was cancelled on {on}",
    "sanction.no_clause": "the contract has no suspension clause",
    "sanction.no_clause_cancel": "the contract has no suspension clause, which cancelling the "
    "service rests on",
    # -- a promise refused (rule 7), payments after the ladder's end --
    "promise.refused": "the client promised on {made} to pay by {by}, later than a promise may "
    "hold ({days} day{days:|s}: max_promise_hold {limit})",
    "promise.refused_halved": "the client promised on {made} to pay by {by}, later than a "
    "promise may hold ({days} day{days:|s}: max_promise_hold {limit}, halved for each of the "
    "{broken} promise{broken:|s} broken before)",
    "late_payment.written_off": "invoice {invoice} was written off on {on} and {paid}: reverse "
    "the write-off, in full or for what was paid?",
    "late_payment.cancelled": "the service of contract {contract} was cancelled on {on} for "
    "non-payment of invoice {invoice} and {paid}: reinstate the contract, or keep it cancelled "
    "and answer the client? The service is not restored automatically.",
    "payment.one": "a payment of {amount} {currency} arrived on {on}",
    "payment.several": "{count} payments of {total} {currency} in all arrived ({each})",
    "payment.item": "{amount} {currency} on {on}",
    # -- work contracts: kill fees, milestones, prepayments --
    "duration.d": "{count} day{count:|s}",
    "duration.bd": "{count} business day{count:|s}",
    "duration.w": "{count} week{count:|s}",
    "duration.h": "{count} hour{count:|s}",
    "duration.as_written": "{duration}",
    "kill_fee.none": "contract {contract} has no kill fee: the work pauses without one",
    "kill_fee.terms_rate": "contract {contract}'s kill fee: {rate} % of the remaining value, "
    "after {silence} of silence",
    "kill_fee.terms_amount": "contract {contract}'s kill fee: {amount}, after {silence} of silence",
    "kill_fee.silent_heard": "no word from the client since {since} (last heard from)",
    "kill_fee.silent_started": "no word from the client since {since} (work started)",
    "kill_fee.pause": "{silence} of silence ended {ended}: pause the work on contract "
    "{contract} and bill the kill fee of {fee} {currency} ({rule})",
    "kill_fee.rule_amount": "kill fee: {fee} as agreed after {silence} of silence since {since}",
    "kill_fee.rule_rate": "kill fee: {rate} % of the remaining contract value {base} (value "
    "{value} less {billed} billed) after {silence} of silence since {since}",
    "kill_fee.work": "bill the work done: {item}",
    "kill_fee.work_item": "{milestone} {name} {amount}",
    "kill_fee.no_work": "no work done is left unbilled",
    "kill_fee.total": "{amount} {currency} in all. The pause is not lifted automatically: "
    "resume the work when the client is back",
    "milestone.due": "milestone {milestone} '{name}' of contract {contract} ({amount} "
    "{currency}) is due {due} and no invoice bills it yet: request the stage payment",
    "request.retry": "request {count} did not arrive, so ask again",
    "money": "{amount} {currency}",
    "sum": "{amount}",  # a sum the log writes with no currency: the reader's has its symbol
    "deposit.agreed": "the deposit of {amount} (as agreed)",
    "deposit.share": "the deposit of {amount} ({rate} % of the contract value {value})",
    "deposit.default_first": "the deposit of {amount} ({rate} % of the contract value {value}, "
    "the default for a first-time client)",
    "deposit.default_returning": "the deposit of {amount} ({rate} % of the contract value "
    "{value}, the default for a returning client)",
    "materials.agreed": "the materials prepayment of {amount} (as agreed)",
    "materials.share": "the materials prepayment of {amount} ({rate} % of the contract value "
    "{value})",
    "prepayment.asks": "contract {contract} asks {prepayment} before work starts",
    "prepayment.standing": "{paid} paid and {billed} billed as of {on}: request {missing} "
    "{currency}",
    "prepayment.due_by": "work starts {start}, so it is due by {by}",
    "prepayment.no_start": "work has no start date yet",
    "prepayment.paid": "{prepayment} is paid ({paid} {currency} as of {on})",
    # -- sanctions: lifted once paid (rule 10), joined rather than imposed twice --
    "settled": "{invoices} settled",
    "lift.suspend": "{settled}: the suspension of contract {contract} in force since {since} "
    "should be undone at once",
    "lift.pause_work": "{settled}: the pause of work of contract {contract} in force since "
    "{since} should be undone at once",
    "joined.suspend_since": "no {effect}: the service of contract {contract} is suspended "
    "since {since}",
    "joined.pause_work_since": "no {effect}: work on contract {contract} is paused since {since}",
    "joined.suspend_from": "no {effect}: the service of contract {contract} is suspended from "
    "{on} {time}",
    "joined.pause_work_from": "no {effect}: work on contract {contract} is paused from {on} {time}",
    "policy.unknown": "{invoice} entered dunning under policy {version}, which the case does "
    "not hold: add that version to policy_versions, or migrate the invoice by setting its "
    "'policy'",
    # -- a catch-up that stops at a step it may not pass over --
    "catch_up.stop": "'{step}' is not passed over ({why})",
    "catch_up.beyond": "{stop}, though '{step}' would be due by now too",
    "catch_up.required": "the ladder requires it",
    "catch_up.not_message": "it is not a message ({action})",
    "catch_up.books_charge": "it books a charge the contract allows",
    "prepayment.unpaid": "work started {started} but only {paid} is paid as of {on}: pause the "
    "work so that it does not continue unpaid until {missing} {currency} more is paid",
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


def deduplicated(parts: Sequence[ReasonPart]) -> tuple[tuple[ReasonPart, ...], str]:
    """`parts` without a repeat of the same English words (first kept), and their reason.

    The reason is the kept parts' English joined as `joined` joins it, told once: an action's
    English is worked out for every action of a plan.
    """
    seen: dict[str, ReasonPart] = {}
    for clause in parts:
        seen.setdefault(english(clause), clause)
    return tuple(seen.values()), "; ".join(seen)


def _ordinal(count: int) -> str:
    """``2nd``, ``3rd``, ``11th``: how many times a repeated step has been sent."""
    suffix = (
        "th" if count % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(count % 10, "th")
    )
    return f"{count}{suffix}"
