"""The variables a template sees: one planned action, told in the reader's locale.

Everything a message may state is here — the client, each invoice with its dates and amounts,
fees with their computation, the deadline, the contract's terms, the contact history, the
sender and how to pay — already formatted by babel. A template therefore never computes or
formats a number, and never needs to hard-code a term the contract supplies. The variables are
documented in docs/templates.md; renaming one breaks host templates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from paychase._reason import text
from paychase.calendar._local_time import zone
from paychase.calendar._protocols import CalendarFactory
from paychase.calendar._working_days import client_calendar, default_calendar
from paychase.case._case import Case
from paychase.case._chase import Chase
from paychase.case._contracts import Contract, KillFee
from paychase.case._history import ContactEvent
from paychase.case._parties import Client, ContactPerson, Sender
from paychase.conversation._sanctions import Sanctions
from paychase.messages._formatting import Day, Moment, Money, Rate, Span, days, home_currencies
from paychase.messages._reasons import told, told_all
from paychase.messages._suspension import suspension_day
from paychase.money._amounts import Amounts, Charge
from paychase.money._rates import RateTable
from paychase.planner._outputs import Action, InstalmentDue
from paychase.planner._statement import Statement, StatementLine, statement
from paychase.policy._policy import Channel

__all__ = [
    "Audience",
    "build_context",
    "charge_variables",
    "reference",
    "sender_variables",
    "terms_variables",
]

Context = dict[str, Any]
Audience = str  # "client" or "sender"

_FEE_EFFECTS = {
    "late_fee": "apply_late_fee",
    "compensation": "add_compensation",
    "resend_invoice": "resend_invoice",
    "pause_work": "pause_work",
    "suspend_service": "suspend_service",
}


def build_context(
    case: Case,
    action: Action,
    locale: str,
    *,
    audience: Audience,
    calendars: CalendarFactory | None = None,
    rates: RateTable | None = None,
) -> Context:
    """The template variables for `action`, formatted in `locale`."""
    client = next(c for c in case.clients if c.id == action.client)
    local = action.at.astimezone(zone(client.timezone))
    account = statement(case, client.id, now=action.at, calendars=calendars, rates=rates)
    lines = [line for line in account.lines if line.invoice in action.invoices]
    at_step = [line for line in lines if action.step_for(line.invoice) == action.step]
    chase = next((c for c in case.chases if c.id == action.chase), None)
    contract = _contract_of(case, action, lines, chase)
    numbers = {line.invoice: line.number or line.invoice for line in account.lines}
    claim = _claims_charges(action, case.history)
    context = {
        "locale": locale,
        "audience": audience,
        "key": action.key,
        "kind": action.kind,
        "step": action.step,
        "tone": action.tone or "neutral",
        "channel": action.channel,
        "reason": told_all(action.why, locale),
        "date": Day(local.date(), locale),
        "at": Moment(local, locale),
        "client": _client(client, action),
        "recipient": _recipient(client, action),
        "cc": [
            _person(person)
            for person in client.copied(action.cc or (), action.to)
            if action.channel == "email" and person.email
        ],
        "sender": sender_variables(case.sender),
        "invoices": [_invoice(line, local.date(), locale) for line in lines],
        # One message covers the whole account, each invoice at its own step: the step's
        # words are about `step_invoices`; `others`, at their own earlier steps, are listed
        # after them.
        "step_invoices": [_invoice(line, local.date(), locale) for line in at_step],
        "others": [
            _invoice(line, local.date(), locale) | {"step": action.step_for(line.invoice)}
            for line in lines
            if line not in at_step
        ],
        **_invoice_facts(at_step or lines, local.date(), locale),
        "amounts": _amounts(action.amounts, locale),
        "charges": [charge_variables(c, numbers, locale) for c in _charges(action, account)],
        "claim_charges": claim,
        "asked": _asked(action, claim, locale),
        "paid_to_charges": _paid_to_charges(action, account, locale),
        "deadline": Day(action.deadline, locale) if action.deadline else None,
        "deadline_in": days((action.deadline - local.date()).days, locale)
        if action.deadline
        else None,
        "suspends_on": _suspends_on(
            case, action, client, lines, calendars=calendars, locale=locale
        ),
        "suspended_since": _suspended_since(case, action, client, locale),
        "effects": {name: effect in action.effects for name, effect in _FEE_EFFECTS.items()},
        "attach_invoice": action.attach_invoice,
        "terms": terms_variables(contract, locale) if contract else None,
        "contract": {
            "id": contract.id,
            "number": contract.number,
            "signed": Day(contract.signed, locale) if contract.signed else None,
        }
        if contract
        else None,
        "work": _work(action, contract),
        "chase": _chase(chase, case.history, client, locale) if chase else None,
        "kill_fee": _kill_fee(contract.kill_fee, contract.currency, locale)
        if chase and chase.kind == "project" and contract and contract.kill_fee
        else None,
        "instalment": _instalment(case, action.instalment, locale) if action.instalment else None,
        "history": [_event(e, client, locale) for e in case.history if e.client == client.id],
        "reminded_on": _reminded_on(case.history, action, at_step, client, locale),
        "bounced": any(
            e.client == client.id and e.outcome in ("bounced", "failed") for e in case.history
        ),
        "problems": [told(text(problem), locale) for problem in account.problems],
        "reference": reference(action.key),
    }
    if action.kind == "send_letter" or action.tone in ("final", "legal"):
        coded: Context = _coded(context, home_currencies(locale, local.date()))
        return coded
    return context


def reference(key: str) -> str:
    """The reference printed on a letter: eight characters of the action key's SHA-256.

    The same action always prints the same reference, and a reply quoting it is matched to
    its action by hashing the planned keys; two letters' references differ as their keys do.

    >>> reference("k1/inv-1/final/1")
    '1475-8469'
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8].upper()
    return f"{digest[:4]}-{digest[4:]}"


def _coded(value: Any, home: tuple[str, ...]) -> Any:
    """`value` with each sum in a currency not in `home` printed by its ISO code (X14).

    Letters and legal texts are read by courts and lawyers: "¥" is the yen to one and the
    yuan to the next, "246 000 JPY" to neither; the reader's own currency keeps its symbol.
    """
    if isinstance(value, Money):
        return value if value.currency in home else replace(value, coded=True)
    if isinstance(value, dict):
        return {key: _coded(item, home) for key, item in value.items()}
    if isinstance(value, list):
        return [_coded(item, home) for item in value]
    return value


def _suspends_on(
    case: Case,
    action: Action,
    client: Client,
    lines: list[StatementLine],
    *,
    calendars: CalendarFactory | None,
    locale: str,
) -> Day | None:
    """The day the service is suspended if the stated deadline passes unpaid (rule 10)."""
    if action.deadline is None:
        return None
    calendar = client_calendar(calendars or default_calendar, client, "clients")
    contracts = {contract.id: contract for contract in case.contracts}
    dues = [(contracts[line.contract], line.due) for line in lines]
    day = suspension_day(case, action, dues, calendar)
    return Day(day, locale) if day is not None else None


def _contract_of(
    case: Case, action: Action, lines: list[StatementLine], chase: Chase | None
) -> Contract | None:
    """The contract whose terms the message may quote: its invoices', or the chase's."""
    if lines:
        wanted: str | None = lines[0].contract
    elif chase is not None:
        wanted = chase.contract  # a prospect has none yet
    else:
        wanted = action.key.split("/", 1)[0].split("+", 1)[0]
    return next((c for c in case.contracts if c.id == wanted), None)


def _suspended_since(case: Case, action: Action, client: Client, locale: str) -> Day | None:
    """Since when the service under the contracts of the action's invoices is suspended.

    None unless a suspension is in force on every one of them at the action's moment: a
    warning must not announce a suspension that has already happened (SPEC §5 rule 10).
    """
    contracts = [c.id for c in case.contracts if c.client == client.id]
    contract_of = {i.id: i.contract for i in case.invoices if i.contract in contracts}
    wanted = {contract_of[i] for i in action.invoices if i in contract_of}
    if not wanted:
        return None
    events = [e for e in case.history if e.client == client.id and e.at <= action.at]
    sanctions = Sanctions.of(
        sorted(events, key=lambda e: e.at),
        contract_of=contract_of,
        contracts=contracts,
        chase_contracts={c.id: c.contract for c in case.chases if c.client == client.id},
    )
    found = [sanctions.on("suspend", contract) for contract in wanted]
    since = [sanction.since for sanction in found if sanction is not None]
    if len(since) < len(found):
        return None
    return Day(max(since).astimezone(zone(client.timezone)).date(), locale)


def _client(client: Client, action: Action) -> dict[str, Any]:
    """The client, with the addresses of the contacts the message is addressed to."""

    def address(channel: Channel) -> str | None:
        return client.address_for(channel, action.to)

    return {
        "id": client.id,
        "name": client.name,
        "kind": client.kind,
        "country": client.country,
        "subdivision": client.subdivision,
        "business": client.kind == "business",
        "email": address("email"),
        "phone": address("phone"),
        "sms": address("sms"),
        "postal": address("letter"),
        "messenger": address("messenger"),
        "linkedin": address("linkedin"),
        "address": address(action.channel),
    }


def _recipient(client: Client, action: Action) -> dict[str, Any] | None:
    """The person the message is addressed to (To), or None when nothing names one.

    A contact with neither a name, name parts, gender nor salutation (the contacts object
    always) is no one to greet: the texts then address the client.
    """
    addressed = client.addressees(action.to)
    if not addressed:
        return None
    person = addressed[0]
    named = (person.name, person.given_name, person.family_name, person.gender, person.salutation)
    return _person(person) if any(named) else None


def _person(person: ContactPerson) -> dict[str, Any]:
    """A contact person as the greetings use them; `name` built from its parts if not given."""
    parts = (person.given_name, person.patronymic, person.family_name)
    return {
        "name": person.name or " ".join(part for part in parts if part) or None,
        "role": person.role,
        "gender": person.gender,
        "salutation": person.salutation,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "patronymic": person.patronymic,
    }


def sender_variables(sender: Sender | None) -> dict[str, Any] | None:
    if sender is None:
        return None
    bank = sender.bank_account
    return {
        "name": sender.name,
        "signatory": sender.signatory,
        "address": sender.address,
        "email": sender.email,
        "phone": sender.phone,
        "website": sender.website,
        "tax_id": sender.tax_id,
        "registration": sender.registration,
        "bank_account": bank.model_dump() if bank else None,
        "city": sender.city,
        "voice": sender.voice,
        "signatory_gender": sender.signatory_gender,
    }


def _invoice(line: StatementLine, today: date, locale: str) -> dict[str, Any]:
    late = max((today - line.due).days, 0)
    return {
        "id": line.invoice,
        "number": line.number or line.invoice,
        "contract": line.contract,
        "issued": Day(line.issued, locale),
        "due": Day(line.due, locale),
        "total": Money(line.invoiced, line.currency, locale),
        "paid": Money(line.paid, line.currency, locale),
        "balance": Money(line.principal, line.currency, locale),
        "owed": Money(line.total, line.currency, locale),
        "overdue": late > 0,
        "days_overdue": days(late, locale),
        "currency": line.currency,
    }


MANY_INVOICES = 4
"""From this many invoices on, texts name them by count ("21 invoices (listed below)")."""


def _invoice_facts(lines: list[StatementLine], today: date, locale: str) -> dict[str, Any]:
    """What a sentence about the step's invoices needs besides the list (X6, X7).

    `same_due`: one due date for all (a sentence may name it); else the texts name the
    oldest, `oldest_due`, `oldest_overdue_days` days ago. `invoice_count` and
    `many_invoices` (from `MANY_INVOICES` on): name them by count, not one by one.
    """
    dues = [line.due for line in lines]
    oldest = min(dues, default=None)
    return {
        "invoice_count": len(lines),
        "many_invoices": len(lines) >= MANY_INVOICES,
        "same_due": len(set(dues)) <= 1,
        "oldest_due": Day(oldest, locale) if oldest else None,
        "oldest_overdue_days": days(max((today - oldest).days, 0), locale) if oldest else None,
    }


def _amounts(amounts: Amounts | None, locale: str) -> dict[str, Any] | None:
    if amounts is None:
        return None
    currency = amounts.currency

    def money(value: Decimal | None) -> Money | None:
        return None if value is None else Money(value, currency, locale)

    return {
        "invoiced": money(amounts.invoiced),
        "paid": money(amounts.paid),
        "principal": money(amounts.principal),
        "late_fee": money(amounts.late_fee),
        "interest": money(amounts.interest),
        "compensation": money(amounts.compensation),
        "charges": money(amounts.late_fee + amounts.interest + amounts.compensation),
        "total": money(amounts.total),
        "currency": currency,
        "discount": money(amounts.discount),
        "discounted_total": money(amounts.discounted_total),
        "discount_until": Day(amounts.discount_until, locale) if amounts.discount_until else None,
    }


def _claims_charges(action: Action, history: tuple[ContactEvent, ...]) -> bool:
    """Whether the message asks for fees, interest and compensation, not only the invoices.

    Practice is to remind politely about the invoice alone and to claim what the contract or
    the law adds from the first step that books it (``apply_late_fee``/``add_compensation``),
    in every step after that, and in every final or legal notice.
    """
    if action.tone in ("final", "legal") or set(action.effects) & {
        "apply_late_fee",
        "add_compensation",
    }:
        return True
    return any(
        e.kind == "fee" and e.client == action.client and set(e.invoices) & set(action.invoices)
        for e in history
    )


def _asked(action: Action, claim: bool, locale: str) -> Money | None:
    """What the message asks the client to pay: the total with charges, or the principal."""
    amounts = action.amounts
    if amounts is None:
        return None
    return Money(amounts.total if claim else amounts.principal, amounts.currency, locale)


def _paid_to_charges(action: Action, account: Statement, locale: str) -> Money | None:
    """What the payments on the action's invoices paid of interest and fees, or None.

    Payments go to interest and fees before the principal (SPEC §5 rule 11), so an invoice's
    `balance` is less than its total minus what was paid. The plan's `principal` is that
    balance, and the messages ask for it (X4 of the review): a message that claims no charges
    says why, in one line, rather than ask for a sum the plan does not carry.
    """
    currency = _currency(action)
    if action.instalment is not None:
        return None  # it asks for the instalment, not the invoices' principal
    paid = sum(
        (
            c.paid
            for c in account.charges
            if c.invoice in action.invoices and c.currency == currency
        ),
        Decimal(0),
    )
    return Money(paid, currency, locale) if paid and currency else None


def _charges(action: Action, account: Statement) -> tuple[Charge, ...]:
    if action.charges:
        return action.charges
    return tuple(
        c
        for c in account.charges
        if c.invoice in action.invoices and c.amount > 0 and c.currency == _currency(action)
    )


def _currency(action: Action) -> str | None:
    return action.amounts.currency if action.amounts else None


def charge_variables(charge: Charge, numbers: Mapping[str, str], locale: str) -> dict[str, Any]:
    currency = charge.currency
    return {
        "invoice": charge.invoice,
        "invoice_number": numbers.get(charge.invoice, charge.invoice),
        "kind": charge.kind,
        "amount": Money(charge.amount, currency, locale),
        "paid": Money(charge.paid, currency, locale),
        "rule": charge.rule,
        "as_of": Day(charge.as_of, locale),
        "lines": [
            {
                "start": Day(line.from_, locale),
                "end": Day(line.to, locale),
                "days": days(line.days, locale),
                "base": Money(line.base, currency, locale),
                "rate": Rate(line.rate, locale) if line.rate is not None else None,
                "per": line.per,
                "amount": Money(line.amount, currency, locale),
                "source": line.source,
                "settled_on": Day(line.settled_on, locale) if line.settled_on else None,
            }
            for line in charge.lines
        ],
    }


def terms_variables(contract: Contract, locale: str) -> dict[str, Any]:
    currency = contract.currency

    def money(value: Decimal | None) -> Money | None:
        return None if value is None else Money(value, currency, locale)

    def rate(value: Decimal | None) -> Rate | None:
        return None if value is None else Rate(value, locale)

    fee = contract.late_fee
    return {
        "contract": contract.id,
        "currency": currency,
        "payment_terms": Span(contract.payment_terms, locale) if contract.payment_terms else None,
        "grace": Span(contract.grace, locale) if contract.grace.count else None,
        "statutory_interest": fee.kind == "statutory",
        "late_fee": None
        if fee.kind in ("none", "statutory")
        else {
            "kind": fee.kind,
            "amount": money(fee.amount),
            "rate": rate(fee.rate),
            "cap": money(fee.cap),
            "cap_rate": rate(fee.cap_rate),
            "per": fee.per,
            "compound": fee.compound,
        },
        "fixed_compensation": contract.fixed_compensation,
        "jurisdiction": contract.jurisdiction,
        "early_payment_discount": _discount(contract, locale),
        "suspension": {
            "after": Span(contract.suspension.after, locale),
            "warnings": contract.suspension.warnings,
        }
        if contract.suspension
        else None,
        "kill_fee": _kill_fee(contract.kill_fee, currency, locale) if contract.kill_fee else None,
        "deposit": {
            "rate": rate(contract.deposit.rate),
            "amount": money(contract.deposit.amount),
            "refundable": contract.deposit.refundable,
        }
        if contract.deposit
        else None,
        "value": money(contract.value),
    }


def _discount(contract: Contract, locale: str) -> Mapping[str, Any] | None:
    discount = contract.early_payment_discount
    if discount is None:
        return None
    return {"rate": Rate(discount.rate, locale), "within": Span(discount.within, locale)}


def _kill_fee(clause: KillFee, currency: str, locale: str) -> dict[str, Any]:
    """The kill-fee clause: a share (`rate`) of the remaining contract value, or an `amount`."""
    return {
        "after_silence": Span(clause.after_silence, locale),
        "rate": Rate(clause.rate, locale) if clause.rate is not None else None,
        "amount": Money(clause.amount, currency, locale) if clause.amount is not None else None,
    }


def _chase(
    chase: Chase, history: tuple[ContactEvent, ...], client: Client, locale: str
) -> dict[str, Any]:
    """The silent conversation a chase message is about, and what we did about it so far."""
    ours = [e for e in history if e.chase == chase.id and e.direction == "out"]
    stated = [e.deadline for e in ours if e.deadline is not None]
    started = chase.started.astimezone(zone(client.timezone))
    return {
        "id": chase.id,
        "kind": chase.kind,
        "subject": chase.subject,
        "contract": chase.contract,
        "sent": Day(started.date(), locale),
        "sent_at": Moment(started, locale),
        "channels": list(
            dict.fromkeys(e.channel for e in ours if e.channel not in (None, "system", "phone"))
        ),
        "deadline": Day(stated[-1], locale) if stated else None,
    }


_GOT_THROUGH_KINDS = frozenset({"reminder", "letter", "call"})


def _reminded_on(
    history: tuple[ContactEvent, ...],
    action: Action,
    at_step: list[StatementLine],
    client: Client,
    locale: str,
) -> Day | None:
    """The day we last reached the client about the step's invoices, before this message.

    None when this is the first contact that got through: a ladder that catches up (SPEC §3,
    ``catch_up``) may open with a firm step, and its text must not claim earlier reminders.
    """
    about = {line.invoice for line in at_step} or set(action.invoices)
    reached = [
        e.at
        for e in history
        if e.client == client.id
        and e.direction == "out"
        and e.kind in _GOT_THROUGH_KINDS
        and e.outcome not in ("bounced", "failed", "no_answer")
        and e.at < action.at
        and about & set(e.invoices)
    ]
    if not reached:
        return None
    return Day(max(reached).astimezone(zone(client.timezone)).date(), locale)


def _instalment(case: Case, due: InstalmentDue, locale: str) -> dict[str, Any]:
    """The instalment a reminder is about, and where the client stands on the plan."""
    currency = due.currency
    plan = next((p for p in case.instalment_plans if p.id == due.plan), None)

    def money(value: Decimal) -> Money:
        return Money(value, currency, locale)

    return {
        "plan": due.plan,
        "number": due.number,
        "of": due.of,
        "last": due.number == due.of,
        "due": Day(due.due, locale),
        "amount": money(due.amount),
        "short": money(due.short),
        "partly_paid": due.short < due.amount,
        "currency": currency,
        "agreed": Day(plan.agreed, locale) if plan is not None else None,
    }


def _work(action: Action, contract: Contract | None) -> dict[str, Any]:
    milestone = (
        next((m for m in contract.milestones if m.id == action.step), None) if contract else None
    )
    return {
        "topic": action.step,
        "milestone": milestone.name if milestone else None,
    }


def _event(event: ContactEvent, client: Client, locale: str) -> dict[str, Any]:
    return {
        "at": Moment(event.at.astimezone(zone(client.timezone)), locale),
        "direction": event.direction,
        "kind": event.kind,
        "channel": event.channel,
        "step": event.step,
        "outcome": event.outcome,
        "invoices": list(event.invoices),
        "chase": event.chase,
        "deadline": Day(event.deadline, locale) if event.deadline else None,
    }
