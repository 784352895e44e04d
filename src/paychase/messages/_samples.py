"""Sample cases and actions that exercise every template: the checker's and the gallery's input.

For each built-in payment policy and language there is one case — a business client in that
language's country owing two invoices under a contract with every term set (statutory interest,
fixed compensation, suspension, deposit, milestone, kill fee) — and one action per ladder step
(a warning before a suspension once more with the service suspended already) plus one of each
kind outside the ladder. The amounts come from the money engine, so a template is checked
against the figures a real message would carry.

Instalment reminders and the chases of the ``prospect`` and ``project`` policies are planned by
`paychase.plan` itself, from the same case given an instalment plan or a chase: each chase step
is planned with the steps before it recorded as performed, so every sample is an action the
planner really gives, with the history it would have.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

from paychase.calendar._local_time import zone
from paychase.case._case import Case
from paychase.case._history import ContactEvent
from paychase.money._amounts import Amounts
from paychase.planner._outputs import Action
from paychase.planner._performed import performed_event
from paychase.planner._plan import plan
from paychase.planner._statement import statement
from paychase.policy._builtin import resolve_policy
from paychase.policy._policy import ActionKind, Channel, Policy, Step

__all__ = [
    "SAMPLE_PEOPLE",
    "Party",
    "Sample",
    "addressed_client",
    "readdressed",
    "sample_case",
    "samples",
]

Party = Literal["company", "man", "woman", "unknown"]
"""Who a sample message is to: a company (its billing contact unnamed), or a person."""


# A man, a woman and a person of unknown gender, as each language names them.
SAMPLE_PEOPLE: dict[str, dict[Party, dict[str, str]]] = {
    "en": {
        "man": {"name": "John Smith", "given_name": "John", "family_name": "Smith"},
        "woman": {"name": "Anna Roth", "given_name": "Anna", "family_name": "Roth"},
        "unknown": {"name": "Alex Taylor"},
    },
    "pl": {
        "man": {"name": "Jan Kowalski", "given_name": "Jan", "family_name": "Kowalski"},
        "woman": {"name": "Anna Nowak", "given_name": "Anna", "family_name": "Nowak"},
        "unknown": {"name": "Kim Nowak"},
    },
    "ru": {
        "man": {
            "name": "Иван Петрович Петров",
            "given_name": "Иван",
            "patronymic": "Петрович",
            "family_name": "Петров",
        },
        "woman": {
            "name": "Анна Сергеевна Иванова",
            "given_name": "Анна",
            "patronymic": "Сергеевна",
            "family_name": "Иванова",
        },
        "unknown": {"name": "Саша Ким"},
    },
    "el": {
        "man": {
            "name": "Γιώργος Παπαδόπουλος",
            "given_name": "Γιώργος",
            "family_name": "Παπαδόπουλος",
        },
        "woman": {"name": "Μαρία Οικονόμου", "given_name": "Μαρία", "family_name": "Οικονόμου"},
        "unknown": {"name": "Άλεξ Νικολάου"},
    },
    "de": {
        "man": {"name": "Hans Müller", "given_name": "Hans", "family_name": "Müller"},
        "woman": {"name": "Eva Schmidt", "given_name": "Eva", "family_name": "Schmidt"},
        "unknown": {"name": "Alex Schmidt"},
    },
}
_GENDERS = {"man": "male", "woman": "female"}


def addressed_client(
    client: dict[str, Any], language: str, party: Party, kind: Literal["business", "consumer"]
) -> dict[str, Any]:
    """The sample `client` (case-file data) as a business or a consumer, reached through `party`.

    A person becomes the client's one contact, with the client's addresses, named as
    `language` names people; a consumer client bears the person's name.
    """
    changed = client | {"kind": kind}
    if party == "company":
        return changed
    contacts = client["contacts"]
    first = contacts[0] if isinstance(contacts, list) else contacts
    person = SAMPLE_PEOPLE[language][party] | {
        channel: address
        for channel, address in first.items()
        if channel in ("email", "phone", "sms", "postal")
    }
    if party in _GENDERS:
        person["gender"] = _GENDERS[party]
    changed["contacts"] = [person]
    if kind == "consumer":
        changed["name"] = person["name"]
    return changed


# Where each built-in language is spoken, with a time zone and a postal address to print.
_PLACES = {
    "en": ("GB", "en_GB", "Europe/London", "GBP", "14 Calvert Avenue, London E2 7JP"),
    "pl": ("PL", "pl_PL", "Europe/Warsaw", "PLN", "ul. Mokotowska 12/4, 00-561 Warszawa"),
    "ru": ("RU", "ru_RU", "Europe/Moscow", "RUB", "ул. Большая Ордынка, д. 40, Москва, 119017"),
    "el": ("GR", "el_GR", "Europe/Athens", "EUR", "Οδός Σκουφά 21, 106 73 Αθήνα"),
    "de": ("DE", "de_DE", "Europe/Berlin", "EUR", "Torstraße 140, 10119 Berlin"),
}

_ISSUED = date(2026, 1, 12)
_DUE = date(2026, 1, 26)
_LATE = date(2026, 3, 10)

# Kinds outside the ladder, with the topic (step) they are planned under and their template.
_OTHER_KINDS: tuple[tuple[ActionKind, str | None], ...] = (
    ("request_deposit", "deposit"),
    ("request_deposit", "materials"),
    ("request_milestone", "design"),
    ("pause_work", "deposit"),
    ("pause_work", "kill_fee"),
    ("resume_work", "deposit"),
    ("restore_service", None),
    ("review", None),
    ("apply_fee", None),
)

# The ends a ladder may have besides escalate (issue 16): tasks for the sender, in no built-in.
_END_KINDS: tuple[ActionKind, ...] = ("write_off", "cancel_service")
_SYSTEM_STEPS = ("apply_fee", "escalate", "suspend_service", *_END_KINDS)


@dataclass(frozen=True, slots=True)
class Sample:
    """One action to render, with the case it belongs to and what it stands for."""

    case: Case
    action: Action
    label: str


def readdressed(
    sample: Sample, language: str, party: Party, kind: Literal["business", "consumer"]
) -> Sample:
    """`sample` sent to `party` at a business or as a consumer, its amounts worked out again.

    The law charges a consumer otherwise (no compensation, other interest), so the action
    asks for what the changed case owes.
    """
    data = sample.case.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["clients"][0] = addressed_client(data["clients"][0], language, party, kind)
    case = Case.model_validate(data)
    action = sample.action
    if action.amounts is not None:
        amounts = _amounts(case, action.at, action.invoices)
        action = action.model_copy(update={"amounts": amounts})
    return Sample(case, action, sample.label)


# What a silent client was asked about, as a host writes it in the client's language: English
# after "about", the other languages as a title, which their texts quote (never declined).
_SUBJECTS = {
    "en": ("the quote for your new online shop", "your feedback on the homepage mock-ups"),
    "pl": ("wycena nowego sklepu internetowego", "uwagi do makiet strony głównej"),
    "ru": ("смета на новый интернет-магазин", "замечания к макетам главной страницы"),
    "el": (
        "προσφορά για το νέο ηλεκτρονικό σας κατάστημα",
        "σχόλια για τα σχέδια της αρχικής σελίδας",
    ),
    "de": ("Angebot für Ihren neuen Onlineshop", "Entwürfe der Startseite"),
}
# Our unanswered message: a Monday in March, after the invoices' story of the other samples.
_CHASE_STARTED = date(2026, 3, 2)

# The instalment plan of the instalment samples: the two invoices' balance in three monthly
# parts, the first paid on its day; the samples remind of the second and note it missed.
_PLAN_AGREED = date(2026, 3, 2)
_PLAN_FIRST = date(2026, 3, 16)
_BEFORE_SECOND = date(2026, 4, 10)
_AFTER_SECOND = date(2026, 4, 17)


def sample_case(policy: str | Policy, language: str) -> Case:
    """A case with a client speaking `language`; an English place for other languages."""
    return Case.model_validate(_case_data(policy, language))


def _case_data(policy: str | Policy, language: str) -> dict[str, Any]:
    country, locale, timezone, currency, postal = _PLACES.get(
        language, (*_PLACES["en"][:1], language, *_PLACES["en"][2:])
    )
    return {
        "now": datetime.combine(_LATE, time(9), zone(timezone)),
        "policy": policy,
        "sender": {
            "name": "Studio Lumen",
            "signatory": "Marta Zielińska",
            "address": "ul. Hoża 51/7, 00-681 Warszawa",
            "city": "Warszawa",
            "email": "marta@studio-lumen.example",
            "phone": "+48 600 555 210",
            "tax_id": "PL5252555210",
            "locale": locale,
            "bank_account": {
                "account": "PL61 1090 1014 0000 0712 1981 2874",
                "bank": "Santander Bank Polska",
                "bic": "WBKPPLPP",
            },
        },
        "clients": [
            {
                "id": "client",
                "name": "Example & Co",
                "kind": "business",
                "country": country,
                # England: the final letter is a Letter before action (Pre-Action Protocol)
                **({"subdivision": "ENG"} if country == "GB" else {}),
                "locale": locale,
                "timezone": timezone,
                "contacts": {
                    "email": "accounts@client.example",
                    "phone": "+00 555 0100",
                    "sms": "+00 555 0101",
                    "postal": postal,
                },
            }
        ],
        "contracts": [
            {
                "id": "k1",
                "client": "client",
                "currency": currency,
                "payment_terms": "14d",
                "grace": "3d",
                "late_fee": {"kind": "statutory"},
                "fixed_compensation": True,
                "suspension": {"after": "21d", "warnings": 2},
                "deposit": {"rate": "30"},
                "materials": {"rate": "10"},
                "value": "12000.00",
                "milestones": [
                    {"id": "design", "name": "Design", "amount": "3000.00", "due": "2026-02-01"}
                ],
                "kill_fee": {"after_silence": "21d", "rate": "25"},
                "work_started": "2026-01-05",
            }
        ],
        "invoices": [
            {
                "id": "i1",
                "number": "2026/01/7",
                "contract": "k1",
                "issued": _ISSUED.isoformat(),
                "total": "2460.00",
                "currency": currency,
                "payments": [{"date": "2026-02-10", "amount": "460.00"}],
            },
            {
                "id": "i2",
                "number": "2026/01/8",
                "contract": "k1",
                "issued": _ISSUED.isoformat(),
                "total": "615.00",
                "currency": currency,
            },
        ],
        "exchange_rates": [
            {"date": "2025-12-31", "from": "EUR", "to": currency, "rate": "4.2"},
        ]
        if currency not in ("EUR", "GBP")
        else [],
    }


def samples(policy: str | Policy, language: str) -> Iterator[Sample]:
    """One sample action per step of `policy`, then one per kind outside the ladder.

    A payment policy's samples end with an instalment reminder and a missed-instalment note; a
    ``prospect`` or ``project`` policy gives the steps of one chase, as `plan` gives them.
    """
    ladder = resolve_policy(policy)
    if ladder.purpose != "payment":
        yield from _chase_samples(policy, ladder, language)
        return
    case = sample_case(policy, language)
    reminded = _reminded_case(policy, language)
    steps = case.policy.steps
    for index, step in enumerate(steps):
        walked = any(earlier.is_contact for earlier in steps[:index])
        on = reminded if walked else case
        yield Sample(on, _step_action(on, step), f"{case.policy.name}/{step.id}")
        if walked and step.is_contact and step.action != "call" and step.tone != "friendly":
            # The step as a ladder that catches up opens with it: no earlier reminder.
            yield Sample(case, _step_action(case, step), f"{case.policy.name}/{step.id}:first")
    yield from _suspended_samples(policy, language)
    paid = _paid_case(policy, language)
    for kind, topic in _OTHER_KINDS:
        # Work resumes and a service is restored once the invoice is paid: the sample says so.
        on = paid if kind in ("resume_work", "restore_service") else case
        yield Sample(on, _other_action(on, kind, topic), f"{kind}:{topic or '-'}")
    yield from _instalment_samples(policy, language)
    for kind in _END_KINDS:
        yield Sample(case, _other_action(case, kind, None), f"{kind}:-")


def _suspended_samples(policy: str | Policy, language: str) -> Iterator[Sample]:
    """The warnings before a suspension, sent while the service is suspended already.

    A later invoice's warning must not announce a suspension that has happened: the sample
    case records one a week before, over the first invoice.
    """
    steps = resolve_policy(policy).steps
    warnings = [
        step
        for index, step in enumerate(steps)
        if step.is_final_notice and any(later.suspends for later in steps[index + 1 :])
    ]
    if not warnings:
        return
    data = _case_data(policy, language)
    suspended = datetime.combine(
        _LATE - timedelta(days=7), time(10), zone(data["clients"][0]["timezone"])
    )
    data["history"] = [
        {
            "at": suspended.isoformat(),
            "client": "client",
            "invoices": ["i1"],
            "direction": "out",
            "kind": "suspend",
            "channel": "system",
            "key": "k1/i1/suspend/1",
        }
    ]
    case = Case.model_validate(data)
    for step in warnings:
        yield Sample(case, _step_action(case, step), f"{case.policy.name}/{step.id}:suspended")


def _reminded_case(policy: str | Policy, language: str) -> Case:
    """The sample case with an earlier reminder about both invoices, a week before the steps.

    A step walked in turn finds the account so; its ``:first`` sample shows the step opening
    a ladder that catches up, with no earlier reminder (``reminded_on``).
    """
    data = _case_data(policy, language)
    sent = datetime.combine(
        _LATE - timedelta(days=7), time(10), zone(data["clients"][0]["timezone"])
    )
    data["history"] = [
        {
            "at": sent.isoformat(),
            "client": "client",
            "invoices": ["i1", "i2"],
            "direction": "out",
            "kind": "reminder",
            "channel": "email",
            "outcome": "delivered",
        }
    ]
    return Case.model_validate(data)


def _paid_case(policy: str | Policy, language: str) -> Case:
    """The sample case with invoice i1 paid off the day before the samples' day.

    The payment is what i1 owed that day (its principal and interest, which the payment pays
    first), so its balance is nil: the notices that work resumes or a service is restored
    follow a payment and must not show the invoice still open.
    """
    data = _case_data(policy, language)
    before = _LATE - timedelta(days=1)
    line = next(
        line
        for line in statement(
            Case.model_validate(data),
            "client",
            now=datetime.combine(before, time(23), zone(data["clients"][0]["timezone"])),
        ).lines
        if line.invoice == "i1"
    )
    first = data["invoices"][0]
    owed = line.principal + line.interest + line.late_fee
    first["payments"] = [*first["payments"], {"date": before.isoformat(), "amount": str(owed)}]
    return Case.model_validate(data)


def _instalment_samples(policy: str | Policy, language: str) -> Iterator[Sample]:
    data = _case_data(policy, language)
    first = data["invoices"][0]
    data["invoices"][0] = {
        **first,
        "payments": [*first["payments"], {"date": _PLAN_FIRST.isoformat(), "amount": "871.66"}],
    }
    # 2615.00 in three parts: 871.66, 871.66 and 871.68; the first is paid on its day.
    data["instalment_plans"] = [
        {
            "id": "plan-1",
            "client": "client",
            "invoices": ["i1", "i2"],
            "agreed": _PLAN_AGREED.isoformat(),
            "instalments": 3,
            "first": _PLAN_FIRST.isoformat(),
        }
    ]
    case = Case.model_validate(data)
    for day, step, label in (
        (_BEFORE_SECOND, "instalment", "instalment:reminder"),
        (_AFTER_SECOND, "instalment_missed", "instalment:missed"),
    ):
        yield Sample(case, _planned(case, _moment(case, day, 9), step), label)


def _chase_samples(policy: str | Policy, ladder: Policy, language: str) -> Iterator[Sample]:
    """Each step of a chase under `ladder`, planned with the steps before it performed."""
    kind = ladder.purpose
    data = _case_data("freelancer", language)
    prospect, project = _SUBJECTS.get(language, _SUBJECTS["en"])
    data["invoices"] = []
    # The work is not going on, so neither the unpaid deposit nor the kill fee pauses it: the
    # chase's own pause step does (a contract has one pause of work at a time).
    data["contracts"][0]["work_finished"] = (_CHASE_STARTED - timedelta(days=1)).isoformat()
    timezone = data["clients"][0]["timezone"]
    started = datetime.combine(_CHASE_STARTED, time(11, 30), zone(timezone))
    data["chases"] = [
        {
            "id": "chase-1",
            "client": "client",
            "kind": kind,
            "started": started.isoformat(),
            "subject": prospect if kind == "prospect" else project,
            "policy": policy
            if isinstance(policy, str)
            else policy.model_dump(mode="json", by_alias=True),
            **({"contract": "k1"} if kind == "project" else {}),
        }
    ]
    history: list[ContactEvent] = []
    now = started
    for _ in ladder.steps:
        case = Case.model_validate({**data, "history": [_json(e) for e in history]})
        action = next((a for a in plan(case, now=now).actions if a.chase == "chase-1"), None)
        if action is None:
            return
        yield Sample(case, action, f"{ladder.name}/{action.step}")
        history.append(_performed(case, action))
        now = action.at


def _performed(case: Case, action: Action) -> ContactEvent:
    """The event the action records once done: delivered, or a voicemail left by a call."""
    outcome = None if action.channel == "system" else "delivered"
    if action.kind == "call":
        outcome = "voicemail"  # got through to no one: the client stays silent
    address = case.clients[0].address_for(action.channel, action.to)
    return performed_event(
        action, at=action.at, channel=action.channel, to=address, outcome=outcome
    )


def _json(event: ContactEvent) -> dict[str, Any]:
    return event.model_dump(mode="json", by_alias=True, exclude_none=True)


def _planned(case: Case, now: datetime, step: str) -> Action:
    found = next((a for a in plan(case, now=now).actions if a.step == step), None)
    if found is None:  # the sample dates no longer give the action: a bug to see, not hide
        raise RuntimeError(f"the sample case plans no '{step}' action at {now}")
    return found


def _moment(case: Case, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), zone(case.clients[0].timezone))


def _step_day(step: Step) -> date:
    if step.from_ == "issued":
        return _ISSUED
    if step.from_ == "due" and step.offset.count <= 0:
        return _DUE - timedelta(days=3 if step.offset.count < 0 else 0)
    return _LATE


def _amounts(case: Case, at: datetime, invoices: tuple[str, ...]) -> Amounts:
    account = statement(case, "client", now=at)
    lines = [line for line in account.lines if line.invoice in invoices]

    def total(field: str) -> Decimal:
        return sum((getattr(line, field) for line in lines), Decimal(0))

    return Amounts(
        invoiced=total("invoiced"),
        paid=total("paid"),
        principal=total("principal"),
        late_fee=total("late_fee"),
        interest=total("interest"),
        compensation=total("compensation"),
        total=total("total"),
        currency=case.contracts[0].currency,
    )


def _requested(case: Case, topic: str | None) -> Amounts:
    """What a deposit, materials or milestone request asks for, as the planner words it.

    The contract's deposit or materials share of its value, or the milestone's amount: the
    request's own sum, not the invoices' balance.
    """
    contract = case.contracts[0]
    value = contract.value or Decimal(0)
    clause = contract.materials if topic == "materials" else contract.deposit
    milestone = next((m for m in contract.milestones if m.id == topic), None)
    if milestone is not None:
        asked = milestone.amount
    elif clause is not None and clause.rate is not None:
        asked = value * clause.rate / 100
    else:
        asked = clause.amount if clause is not None and clause.amount else Decimal(0)
    asked = asked.quantize(Decimal("0.01"))
    zero = Decimal(0)
    return Amounts(
        invoiced=asked,
        paid=zero,
        principal=asked,
        late_fee=zero,
        interest=zero,
        compensation=zero,
        total=asked,
        currency=contract.currency,
    )


def _step_action(case: Case, step: Step) -> Action:
    at = _moment(case, _step_day(step), 10)
    invoices = ("i1", "i2")
    channel: Channel = step.channels[0] if step.channels else "email"
    kind: ActionKind = step.action
    return Action(
        key=f"k1/i1+i2/{step.id}/1",
        kind=kind,
        client="client",
        invoices=invoices,
        step=step.id,
        tone=step.tone,
        channel="system" if kind in _SYSTEM_STEPS else channel,
        at=at,
        template=step.template or f"{case.policy.name}/{step.id}",
        amounts=_amounts(case, at, invoices),
        deadline=at.date() + timedelta(days=step.deadline.count) if step.deadline else None,
        effects=step.effects,
        attach_invoice=step.attach_invoice,
        reason=f"sample of step '{step.id}'",
    )


def _other_action(case: Case, kind: ActionKind, topic: str | None) -> Action:
    at = _moment(case, _LATE, 10)
    invoices = () if kind in ("request_deposit", "request_milestone") else ("i1",)
    amounts = None if kind in ("resume_work", "restore_service") else _amounts(case, at, ("i1",))
    if kind.startswith("request"):
        amounts = _requested(case, topic)
    return Action(
        key=f"k1/{topic or 'i1'}/{kind}/1",
        kind=kind,
        client="client",
        invoices=invoices,
        step=topic,
        channel="email" if kind.startswith("request") else "system",
        at=at,
        amounts=amounts,
        deadline=at.date() + timedelta(days=7) if kind.startswith("request") else None,
        reason=f"sample of {kind}",
    )
