"""The case file (SPEC §2): clients, contracts, invoices, payments and the contact history.

A `Case` is one portfolio at one moment. Everything in it is checked when it is built —
references between records, currencies, dates, amounts — so the planner can trust it. Money is
`Decimal` in the contract's currency; times are timezone-aware; a bare date is a date in the
client's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal, Self
from zoneinfo import ZoneInfoNotFoundError

import holidays
from babel import Locale, UnknownLocaleError
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, model_validator

from paychase._calendar import zone
from paychase._durations import Duration
from paychase._instalments import Frequency
from paychase._model import FrozenModel, InputModel
from paychase._money import Amount, CurrencyCode, check_precision
from paychase._policy import BuiltinName, Channel, Policy, resolve_policy
from paychase.errors import CurrencyMismatchError, InvalidCaseError

__all__ = [
    "AllocationPart",
    "BankAccount",
    "Case",
    "Chase",
    "Client",
    "ContactEvent",
    "Contacts",
    "Contract",
    "CreditNote",
    "Deposit",
    "Dispute",
    "EarlyPaymentDiscount",
    "ExchangeRate",
    "InstalmentPlan",
    "Invoice",
    "KillFee",
    "LateFee",
    "Materials",
    "Milestone",
    "Payment",
    "Promise",
    "Resolution",
    "Sender",
    "Suspension",
    "contract_value",
    "version_of",
]

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
Identifier = Annotated[
    str,
    Field(pattern=_ID, max_length=128, description="Letters, digits and _ . : - (no '/' or '+')"),
]

PolicyVersion = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.-]+@[1-9][0-9]*$",
        max_length=80,
        description="A policy and its version, e.g. freelancer@2",
    ),
]


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("negative amount: must be zero or more")
    return value


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("must be more than zero")
    return value


def _forward(value: Duration) -> Duration:
    if value.is_negative:
        raise ValueError("must not be negative")
    return value


NonNegativeAmount = Annotated[Amount, AfterValidator(_non_negative)]
PositiveAmount = Annotated[Amount, AfterValidator(_positive)]
ForwardDuration = Annotated[Duration, AfterValidator(_forward)]


# CLDR lists groupings and private-use codes beside the ISO 3166-1 countries; Kosovo's XK is
# user-assigned but used by banks, tax offices and the holidays package, so it stays.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


@lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str) and code.isalpha() and code not in _NOT_COUNTRIES
    )


def _country(value: str) -> str:
    if value not in _territories():
        raise ValueError("not an ISO 3166-1 alpha-2 country code (e.g. PL, DE, GB)")
    return value


@lru_cache(maxsize=1024)
def _known_locale(value: str) -> bool:
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def _locale(value: str) -> str:
    if not _known_locale(value):
        raise ValueError("not a locale babel knows (e.g. en, pl_PL, de_DE)")
    return value


def _timezone(value: str) -> str:
    try:
        zone(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not an IANA time zone (e.g. Europe/Warsaw)") from None
    return value


def _single_line(value: str | None) -> str | None:
    if value is not None and re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", value):
        raise ValueError("control characters (such as line breaks) are not allowed here")
    return value


# Dates far outside any real invoice's life are typos, and near year 9999 they would make date
# arithmetic overflow instead of failing with a clear message.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


def _plausible_date(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"a date between {EARLIEST} and {LATEST}")
    return value


def _plausible_moment(value: datetime) -> datetime:
    _plausible_date(value.date())
    return value


CaseDate = Annotated[date, AfterValidator(_plausible_date)]
Moment = Annotated[AwareDatetime, AfterValidator(_plausible_moment)]
CountryCode = Annotated[str, AfterValidator(_country)]
ContactString = Annotated[str | None, AfterValidator(_single_line)]
SingleLine = Annotated[str, Field(min_length=1), AfterValidator(_single_line)]


class Contacts(FrozenModel):
    """Where a client can be reached; a channel without an address here is never used."""

    email: ContactString = Field(None, description="E-mail address")
    phone: ContactString = Field(None, description="Phone number for calls")
    sms: ContactString = Field(None, description="Mobile number for text messages")
    postal: ContactString = Field(None, description="Postal address for letters")
    messenger: ContactString = Field(None, description="Messenger handle")
    linkedin: ContactString = Field(None, description="LinkedIn profile")
    fax: ContactString = Field(None, description="Fax number")

    def address_for(self, channel: Channel) -> str | None:
        """The address a channel would use (letters go to the postal address)."""
        if channel in ("letter", "registered_letter"):
            return self.postal
        if channel == "system":
            return None
        address: str | None = getattr(self, channel)
        return address


def _subdivision_known(country: str, subdivision: str | None) -> None:
    known = holidays.list_supported_countries().get(country)
    if subdivision is not None and known is not None and subdivision not in known:
        raise InvalidCaseError(
            f"not a subdivision the holidays calendar knows for {country} "
            f"(one of: {', '.join(known[:12])}{', ...' if len(known) > 12 else ''})",
            field="subdivision",
            value=subdivision,
        )


class Client(FrozenModel):
    """A customer who owes money, and how and when to talk to them."""

    id: Identifier
    name: SingleLine = Field(description="Name as addressed in messages and letters")
    kind: Literal["business", "consumer"] = Field(
        "business", description="Business clients may owe statutory interest and compensation"
    )
    country: CountryCode = Field(description="ISO 3166-1 alpha-2; picks the holiday calendar")
    subdivision: str | None = Field(
        None, description="Region whose holidays apply, as the holidays package names it (DE: BY)"
    )
    locale: Annotated[str, AfterValidator(_locale)] = Field(
        "en", description="Language and formats of messages, e.g. pl_PL"
    )
    timezone: Annotated[str, AfterValidator(_timezone)] = Field(
        description="IANA time zone; bare dates and send times are local to it"
    )
    contacts: Contacts = Field(default_factory=Contacts)
    preferred_channel: Channel | None = None

    @model_validator(mode="after")
    def _subdivision_exists(self) -> Self:
        _subdivision_known(self.country, self.subdivision)
        return self


class BankAccount(FrozenModel):
    """Where the client should pay: printed on every message that asks for money."""

    account: SingleLine = Field(description="IBAN or domestic account number")
    bank: SingleLine | None = Field(None, description="The bank's name")
    bic: SingleLine | None = Field(None, description="BIC / SWIFT code")
    holder: SingleLine | None = Field(None, description="Account holder, if not the sender")


class Sender(FrozenModel):
    """Who is asking to be paid: the identity printed on messages, letters and call scripts.

    Letters before action must name the creditor in full and say how to pay (the UK Pre-Action
    Protocol for Debt Claims, art. 187 KPC for a Polish demand), so a rendered message needs it.
    """

    name: SingleLine = Field(description="Business or trading name, as on the invoices")
    signatory: SingleLine | None = Field(None, description="The person who signs, e.g. Anna Nowak")
    address: SingleLine | None = Field(None, description="Postal address, on one line")
    email: SingleLine | None = Field(None, description="Reply-to e-mail address")
    phone: SingleLine | None = Field(None, description="Phone number clients may call")
    website: SingleLine | None = None
    tax_id: SingleLine | None = Field(None, description="VAT / tax identification number")
    registration: SingleLine | None = Field(
        None, description="Company register entry, e.g. KRS 0000123456 or HRB 12345"
    )
    bank_account: BankAccount | None = None
    locale: Annotated[str, AfterValidator(_locale)] = Field(
        "en", description="Language of tasks for the sender (reviews, fee bookings)"
    )


class LateFee(FrozenModel):
    """The contract's late-fee clause; without one no fee may be charged (SPEC §5 rule 6)."""

    kind: Literal["none", "flat", "percent", "percent_per_month", "daily_rate", "statutory"] = (
        "none"
    )
    amount: NonNegativeAmount | None = Field(None, description="Flat fee in contract currency")
    rate: NonNegativeAmount | None = Field(None, description="Percent (per month / per day)")
    cap: NonNegativeAmount | None = Field(None, description="Maximum fee, as an amount")
    cap_rate: NonNegativeAmount | None = Field(None, description="Maximum fee, % of principal")
    per: Literal["invoice", "step"] = Field(
        "invoice", description="A flat fee once per invoice, or at each step that applies one"
    )
    compound: bool = Field(False, description="Monthly percentage compounds (only if agreed)")

    @model_validator(mode="after")
    def _has_its_parameters(self) -> Self:
        if self.kind == "flat" and self.amount is None:
            raise ValueError("a flat late fee needs an 'amount'")
        if self.kind in ("percent", "percent_per_month", "daily_rate") and self.rate is None:
            raise ValueError(f"a {self.kind} late fee needs a 'rate'")
        return self


class EarlyPaymentDiscount(FrozenModel):
    """A discount for paying early, e.g. 2 % within 7 days of the invoice date."""

    rate: PositiveAmount = Field(description="Percent off the unpaid balance")
    within: ForwardDuration = Field(description="Counted from the invoice date")


class _RateOrAmount(FrozenModel):
    """A sum given either as a percentage of something or as an amount, never both."""

    what: ClassVar[str]
    rate: PositiveAmount | None = None
    amount: PositiveAmount | None = None

    @model_validator(mode="after")
    def _rate_or_amount(self) -> Self:
        if (self.rate is None) == (self.amount is None):
            raise ValueError(f"a {self.what} needs exactly one of 'rate' and 'amount'")
        return self


class Deposit(FrozenModel):
    """Money asked for before work starts.

    Give a `rate` (percent of the contract value) or an `amount`; with neither, paychase asks a
    first-time client for 50 % and a returning one (an earlier invoice paid in full) for 25 %.
    """

    rate: PositiveAmount | None = Field(None, description="Percent of the contract value")
    amount: PositiveAmount | None = Field(None, description="A fixed deposit")
    due_before_start: bool = True
    refundable: bool = False

    @model_validator(mode="after")
    def _not_both(self) -> Self:
        if self.rate is not None and self.amount is not None:
            raise ValueError("a deposit takes 'rate' or 'amount', not both")
        return self


class Materials(_RateOrAmount):
    """A prepayment for materials, due before work starts (tradespeople buy them up front)."""

    what = "materials prepayment"
    rate: PositiveAmount | None = Field(None, description="Percent of the contract value")


class Milestone(FrozenModel):
    """A stage payment of a larger job."""

    id: Identifier
    name: str
    amount: PositiveAmount
    due: CaseDate


class KillFee(_RateOrAmount):
    """What a client owes when work stops because they went silent."""

    what = "kill fee"
    after_silence: ForwardDuration
    rate: PositiveAmount | None = Field(None, description="Percent of the remaining value")


class Suspension(FrozenModel):
    """When a service may be suspended for non-payment (SPEC §5 rule 10)."""

    after: ForwardDuration = Field(description="Never earlier than this past the due date")
    warnings: int = Field(ge=1, description="Warnings sent first; the last one states a deadline")


AllocationPart = Literal["costs", "interest", "principal"]
_ALLOCATION_PARTS: tuple[AllocationPart, ...] = ("costs", "interest", "principal")


class Contract(FrozenModel):
    """The terms behind a client's invoices."""

    id: Identifier
    client: str
    currency: CurrencyCode
    payment_terms: ForwardDuration | None = Field(
        None, description="Due date = issue date + terms, where an invoice gives no due date"
    )
    grace: ForwardDuration = Field(
        Duration(0, "d"), description="No escalation or contractual fee inside it"
    )
    late_fee: LateFee = Field(default_factory=LateFee)
    fixed_compensation: bool = Field(
        False, description="Statutory recovery-cost compensation (B2B, where the law grants it)"
    )
    early_payment_discount: EarlyPaymentDiscount | None = None
    deposit: Deposit | None = None
    milestones: tuple[Milestone, ...] = ()
    kill_fee: KillFee | None = None
    suspension: Suspension | None = None
    materials: Materials | None = None
    value: PositiveAmount | None = Field(
        None, description="The whole contract's value; deposits and kill fees are a share of it"
    )
    work_started: CaseDate | None = Field(
        None, description="When work started (or will start, if later than now)"
    )
    work_finished: CaseDate | None = Field(None, description="When the work was delivered")
    jurisdiction: CountryCode | None = Field(None, description="Defaults to the client's country")
    interest_regime: str | None = Field(None, pattern=r"^[A-Z][A-Z0-9_]*$")
    allocation: tuple[AllocationPart, ...] | None = Field(
        None,
        description="Order in which payments pay costs, interest and principal; default: "
        "costs, interest, principal (principal first where the regime says so, e.g. RU)",
    )
    tolerance: NonNegativeAmount | None = Field(
        None, description="A balance below this amount is not chased"
    )
    waive_charges_when_paid: bool = Field(
        False, description="Fees and interest are dropped once the principal is paid"
    )

    @model_validator(mode="after")
    def _allocation_is_an_order(self) -> Self:
        if self.allocation is not None and sorted(self.allocation) != sorted(_ALLOCATION_PARTS):
            raise ValueError("allocation must list costs, interest and principal once each")
        started, finished = self.work_started, self.work_finished
        if started is not None and finished is not None and finished < started:
            raise ValueError("work_finished is before work_started")
        return self


class Payment(FrozenModel):
    """Money received against an invoice."""

    date: CaseDate
    amount: PositiveAmount
    ref: str | None = None


class CreditNote(FrozenModel):
    """A correction that lowers what an invoice bills, e.g. to settle a dispute.

    A credit note corrects the invoice itself: the credited part was never owed, so no interest
    or fee ever runs on it.
    """

    date: CaseDate
    amount: PositiveAmount
    ref: str | None = Field(None, description="The credit note's number")


class Invoice(FrozenModel):
    """A bill sent to a client under a contract."""

    id: Identifier
    number: str | None = Field(None, description="The number printed on the invoice")
    contract: str
    issued: CaseDate
    due: CaseDate | None = Field(None, description="Defaults to issued + the contract's terms")
    total: NonNegativeAmount
    currency: CurrencyCode
    payments: tuple[Payment, ...] = ()
    credit_notes: tuple[CreditNote, ...] = Field(
        (), description="Corrections that lower what the invoice bills"
    )
    status: Literal["open", "disputed", "written_off", "cancelled"] = "open"
    kind: Literal["invoice", "deposit", "materials", "milestone", "kill_fee"] = Field(
        "invoice", description="What the invoice bills: work, a prepayment, a stage or a kill fee"
    )
    milestone: str | None = Field(None, description="The contract milestone a stage bill is for")
    policy: PolicyVersion | None = Field(
        None,
        description="Migrate the invoice to this policy version ('name@version'); without it "
        "an invoice stays on the version it entered dunning under",
    )

    @model_validator(mode="after")
    def _milestone_named(self) -> Self:
        if (self.kind == "milestone") != (self.milestone is not None):
            raise ValueError("a milestone invoice (kind 'milestone') names its 'milestone'")
        if sum((note.amount for note in self.credit_notes), Decimal(0)) > self.total:
            raise ValueError("credit notes lower the invoice by more than its total")
        if any(note.date < self.issued for note in self.credit_notes):
            raise ValueError("a credit note is dated before the invoice was issued")
        return self

    @property
    def billed(self) -> Decimal:
        """What the invoice bills: its total less its credit notes."""
        if not self.credit_notes:
            return self.total
        return self.total - sum((note.amount for note in self.credit_notes), Decimal(0))

    @property
    def label(self) -> str:
        """How the invoice is named to people: its number, else its id."""
        return self.number or self.id


class ExchangeRate(FrozenModel):
    """One unit of `from` costs `rate` units of `to` on `date`."""

    date: CaseDate
    from_: CurrencyCode = Field(alias="from")
    to: CurrencyCode
    rate: PositiveAmount


class Promise(FrozenModel):
    """A client's promise to pay by a date."""

    date: CaseDate
    amount: PositiveAmount | None = Field(None, description="Omitted: the whole balance")


class Dispute(FrozenModel):
    """A client contests an invoice, in whole or in part."""

    amount: PositiveAmount | None = Field(None, description="Omitted: the whole balance")
    reason: str | None = None


_INBOUND_ONLY = frozenset({"reply", "promise", "dispute", "payment_notice"})
_BOTH_WAYS = frozenset({"call", "dispute_resolved"})

Resolution = Literal["credited", "withdrawn", "rejected"]
"""How a dispute ended: a credit note lowered the invoice, the client withdrew it, or we
rejected it; either way dunning resumes on what is still owed."""


class ContactEvent(FrozenModel):
    """One contact with a client, either way, as it happened."""

    at: Moment
    client: str
    invoices: tuple[str, ...] = Field((), description="Empty: about the client as a whole")
    direction: Literal["out", "in"]
    kind: Literal[
        "reminder",
        "call",
        "letter",
        "fee",
        "pause_work",
        "resume_work",
        "suspend",
        "restore",
        "escalate",
        "reply",
        "promise",
        "dispute",
        "payment_notice",
        "dispute_resolved",
    ]
    step: str | None = Field(None, description="The policy step this contact performed")
    channel: Channel | None = None
    key: str | None = Field(None, description="The action key that caused it")
    outcome: (
        Literal["delivered", "bounced", "failed", "answered", "no_answer", "voicemail", "read"]
        | None
    ) = None
    deadline: CaseDate | None = Field(None, description="The payment deadline the message stated")
    to: ContactString = Field(None, description="The address used; a new address undoes a bounce")
    promise: Promise | None = None
    dispute: Dispute | None = None
    resolution: Resolution | None = Field(
        None, description="For kind=dispute_resolved: credited, withdrawn or rejected"
    )
    chase: str | None = Field(
        None, description="The chase (not about an invoice) this contact belongs to"
    )
    policy: PolicyVersion | None = Field(
        None, description="The policy version ('name@version') whose step this contact performed"
    )
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind in _INBOUND_ONLY and self.direction != "in":
            raise ValueError(f"a {self.kind} comes from the client: direction must be 'in'")
        if self.kind not in _INBOUND_ONLY | _BOTH_WAYS and self.direction != "out":
            raise ValueError(f"a {self.kind} is ours: direction must be 'out'")
        if self.kind == "promise" and self.promise is None:
            raise ValueError("a promise needs 'promise': {'date': ..., 'amount': ...}")
        if (self.kind == "dispute_resolved") != (self.resolution is not None):
            raise ValueError(
                "a dispute_resolved event, and only one, needs 'resolution' "
                "(credited, withdrawn or rejected)"
            )
        if self.chase is not None and self.invoices:
            raise ValueError("a contact about a chase names no invoices")
        return self


def _policy_by_name(value: Any) -> Any:
    return resolve_policy(value) if isinstance(value, str) else value


class InstalmentPlan(FrozenModel):
    """An agreement to pay the balance of some invoices in parts (see `instalment_schedule`).

    While the plan is honoured its invoices get instalment reminders instead of the ladder; an
    instalment unpaid after its grace breaks the plan and the ladder resumes at its firm step.
    """

    id: Identifier
    client: str
    invoices: tuple[str, ...] = Field(min_length=1, description="The invoices the plan settles")
    agreed: CaseDate = Field(description="When the plan was agreed; payments from then count")
    instalments: int = Field(ge=1, le=360, description="How many instalments")
    first: CaseDate = Field(description="When the first instalment falls due")
    every: Frequency = Field(
        default_factory=lambda: Frequency.parse("1m"),
        description="How often instalments fall due: Nd, Nw or Nm (calendar months)",
    )
    total: PositiveAmount | None = Field(
        None,
        description="What the plan settles; default: the invoices' unpaid principal the day "
        "before it was agreed",
    )
    grace: ForwardDuration | None = Field(
        None, description="How late an instalment may be paid; default: the contract's grace"
    )

    @model_validator(mode="after")
    def _dated_sensibly(self) -> Self:
        if self.first < self.agreed:
            raise ValueError("the first instalment falls due before the plan was agreed")
        if len(set(self.invoices)) != len(self.invoices):
            raise ValueError("an invoice is named twice")
        return self


class Chase(FrozenModel):
    """A conversation that is not about money owed: a client who went silent.

    ``prospect``: a prospect did not answer our proposal or quote. ``project``: a client in the
    middle of a project did not answer a question the work waits on (feedback, an approval, a
    document); its contract's kill-fee terms are quoted when the work is to pause. The chase
    ends when the client writes or the host closes it.
    """

    id: Identifier
    client: str
    kind: Literal["prospect", "project"]
    started: Moment = Field(description="When our unanswered message went out")
    subject: SingleLine = Field(
        description="What we wait on, as messages name it, e.g. 'the quote for your new website'"
    )
    contract: str | None = Field(None, description="project: the contract whose work waits")
    policy: Annotated[
        Policy | None, BeforeValidator(_policy_by_name, json_schema_input_type=Policy | str | None)
    ] = Field(None, description="Default: the built-in policy named like the kind")
    status: Literal["open", "closed"] = Field(
        "open", description="closed: the host ended the chase (signed, cancelled, answered)"
    )

    @property
    def ladder(self) -> Policy:
        """The policy the chase follows."""
        return self.policy if self.policy is not None else resolve_policy(self.kind)

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Self:
        if self.kind == "project" and self.contract is None:
            raise ValueError("a project chase names the 'contract' whose work waits")
        if self.ladder.purpose != self.kind:
            raise ValueError(
                f"policy '{self.ladder.name}' is for {self.ladder.purpose} chases, not {self.kind}"
            )
        return self


class Case(InputModel):
    """One portfolio at one moment: the input of `plan()` and of the CLI.

    Building a Case checks every cross-reference, so a Case that exists is consistent.
    """

    version: Literal[1] = 1
    now: Moment | None = Field(None, description="The moment to plan for")
    policy: Annotated[
        Policy, BeforeValidator(_policy_by_name, json_schema_input_type=Policy | BuiltinName)
    ] = Field(
        default_factory=lambda: resolve_policy("freelancer"),
        description="A built-in policy name or an inline policy",
    )
    clients: tuple[Client, ...] = ()
    contracts: tuple[Contract, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    exchange_rates: tuple[ExchangeRate, ...] = ()
    sender: Sender | None = Field(
        None, description="Who is owed: needed to render messages, not to plan"
    )
    policy_versions: tuple[Policy, ...] = Field(
        (),
        description="Earlier versions of policies that invoices already in dunning still follow",
    )
    instalment_plans: tuple[InstalmentPlan, ...] = ()
    chases: tuple[Chase, ...] = Field(
        (), description="Silent prospects and projects waiting on the client"
    )
    history: tuple[ContactEvent, ...] = ()

    @model_validator(mode="after")
    def _references_hold(self) -> Self:
        clients = _unique(self.clients, "clients")
        contracts = _unique(self.contracts, "contracts")
        _unique(self.invoices, "invoices")
        for index, contract in enumerate(self.contracts):
            _check_contract(contract, clients, f"contracts[{index}]")
        owner: dict[str, str] = {}
        for index, invoice in enumerate(self.invoices):
            owner[invoice.id] = _check_invoice(invoice, contracts, f"invoices[{index}]")
        versions = self._check_versions()
        for index, invoice in enumerate(self.invoices):
            if invoice.policy is not None and invoice.policy not in versions:
                raise InvalidCaseError(
                    f"no such policy version: the case has {', '.join(sorted(versions))}",
                    field=f"invoices[{index}].policy",
                    value=invoice.policy,
                )
        invoices = {invoice.id: invoice for invoice in self.invoices}
        for index, arrangement in enumerate(self.instalment_plans):
            _check_plan(arrangement, clients, invoices, contracts, f"instalment_plans[{index}]")
        chases = _unique(self.chases, "chases")
        for index, chase in enumerate(self.chases):
            _check_chase(chase, clients, contracts, f"chases[{index}]")
        for index, event in enumerate(self.history):
            _check_event(event, clients, owner, f"history[{index}]")
            if event.chase is not None and event.chase not in chases:
                raise InvalidCaseError(
                    "unknown chase", field=f"history[{index}].chase", value=event.chase
                )
        return self

    def _check_versions(self) -> dict[str, Policy]:
        """Every policy version the case holds, by 'name@version'; each named once."""
        if self.policy.purpose != "payment":
            raise InvalidCaseError(
                f"a {self.policy.purpose} policy chases no money: give it to a chase",
                field="policy.purpose",
                value=self.policy.purpose,
            )
        versions = {version_of(self.policy): self.policy}
        for index, policy in enumerate(self.policy_versions):
            name = version_of(policy)
            if name in versions:
                raise InvalidCaseError(
                    "this policy version is given twice",
                    field=f"policy_versions[{index}]",
                    value=name,
                )
            if policy.purpose != "payment":
                raise InvalidCaseError(
                    "only payment policies take part in dunning",
                    field=f"policy_versions[{index}].purpose",
                    value=policy.purpose,
                )
            versions[name] = policy
        return versions

    @property
    def policies(self) -> dict[str, Policy]:
        """Every policy version the case holds, by 'name@version' (see `version_of`)."""
        return self._check_versions()

    def with_policy(self, policy: str | Policy) -> Case:
        """The same case with another default policy: the "what if" of a simulation.

        The rule that an invoice stays on the policy version it entered dunning under still
        holds, so the current default is kept among the `policy_versions`; invoices not yet
        in dunning follow the new one. A version the case already holds under the new
        policy's name is replaced by it.

        Raises:
            PolicyError: no built-in policy of that name.
            InvalidCaseError: a policy that chases no money.

        >>> case = Case(policy="freelancer").with_policy("b2b_strict")
        >>> case.policy.name, sorted(case.policies)
        ('b2b_strict', ['b2b_strict@1', 'freelancer@1'])
        """
        chosen = _policy_by_name(policy)
        name = version_of(chosen)
        kept = [earlier for earlier in self.policy_versions if version_of(earlier) != name]
        if version_of(self.policy) != name:
            kept.append(self.policy)
        return type(self).model_validate(dict(self, policy=chosen, policy_versions=tuple(kept)))


def version_of(policy: Policy) -> str:
    """How history and invoices name a policy version: ``name@version``."""
    return f"{policy.name}@{policy.version}"


def _unique(records: Iterable[Any], field: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for index, record in enumerate(records):
        if record.id in seen:
            raise InvalidCaseError("duplicate id", field=f"{field}[{index}].id", value=record.id)
        seen[record.id] = record
    return seen


def _check_contract(contract: Contract, clients: dict[str, Client], path: str) -> None:
    if contract.client not in clients:
        raise InvalidCaseError("unknown client", field=f"{path}.client", value=contract.client)
    _unique(contract.milestones, f"{path}.milestones")
    for index, milestone in enumerate(contract.milestones):
        check_precision(
            milestone.amount, contract.currency, field=f"{path}.milestones[{index}].amount"
        )
    amounts = {
        "late_fee.amount": contract.late_fee.amount,
        "late_fee.cap": contract.late_fee.cap,
        "value": contract.value,
        "tolerance": contract.tolerance,
        "deposit.amount": contract.deposit.amount if contract.deposit else None,
        "materials.amount": contract.materials.amount if contract.materials else None,
        "kill_fee.amount": contract.kill_fee.amount if contract.kill_fee else None,
    }
    for name, amount in amounts.items():
        if amount is not None:
            check_precision(amount, contract.currency, field=f"{path}.{name}")
    shares = {
        "deposit.rate": contract.deposit is not None and contract.deposit.amount is None,
        "materials.rate": contract.materials is not None and contract.materials.rate is not None,
        "kill_fee.rate": contract.kill_fee is not None and contract.kill_fee.rate is not None,
    }
    for name, share in shares.items():
        if share and contract_value(contract) is None:
            raise InvalidCaseError(
                "a share of the contract value needs the contract's 'value' (or milestones)",
                field=f"{path}.{name}",
            )


def contract_value(contract: Contract) -> Decimal | None:
    """The contract's whole value: as stated, else the sum of its milestones, else unknown."""
    if contract.value is not None:
        return contract.value
    if contract.milestones:
        return sum((m.amount for m in contract.milestones), Decimal(0))
    return None


def _check_invoice(invoice: Invoice, contracts: dict[str, Contract], path: str) -> str:
    contract = contracts.get(invoice.contract)
    if contract is None:
        raise InvalidCaseError("unknown contract", field=f"{path}.contract", value=invoice.contract)
    if invoice.currency != contract.currency:
        raise CurrencyMismatchError(
            f"currency {invoice.currency} does not match contract {contract.id}'s "
            f"{contract.currency}",
            field=f"{path}.currency",
            value=invoice.currency,
        )
    if invoice.due is not None and invoice.due < invoice.issued:
        raise InvalidCaseError(
            f"due date is before the issue date {invoice.issued}",
            field=f"{path}.due",
            value=str(invoice.due),
        )
    if invoice.due is None and contract.payment_terms is None:
        raise InvalidCaseError(
            f"no due date, and contract {contract.id} has no payment_terms to derive one",
            field=f"{path}.due",
        )
    check_precision(invoice.total, invoice.currency, field=f"{path}.total")
    if invoice.milestone is not None and invoice.milestone not in {
        m.id for m in contract.milestones
    }:
        raise InvalidCaseError(
            f"contract {contract.id} has no such milestone",
            field=f"{path}.milestone",
            value=invoice.milestone,
        )
    for index, payment in enumerate(invoice.payments):
        check_precision(payment.amount, invoice.currency, field=f"{path}.payments[{index}].amount")
    for index, note in enumerate(invoice.credit_notes):
        check_precision(note.amount, invoice.currency, field=f"{path}.credit_notes[{index}].amount")
    return contract.client


def _check_plan(
    arrangement: InstalmentPlan,
    clients: dict[str, Client],
    invoices: dict[str, Invoice],
    contracts: dict[str, Contract],
    path: str,
) -> None:
    if arrangement.client not in clients:
        raise InvalidCaseError("unknown client", field=f"{path}.client", value=arrangement.client)
    currencies = set()
    for index, invoice_id in enumerate(arrangement.invoices):
        invoice = invoices.get(invoice_id)
        where = f"{path}.invoices[{index}]"
        if invoice is None:
            raise InvalidCaseError("unknown invoice", field=where, value=invoice_id)
        if contracts[invoice.contract].client != arrangement.client:
            raise InvalidCaseError(
                f"invoice belongs to another client, not {arrangement.client}",
                field=where,
                value=invoice_id,
            )
        currencies.add(invoice.currency)
    if len(currencies) > 1:
        raise CurrencyMismatchError(
            f"one plan settles one currency, not {', '.join(sorted(currencies))}",
            field=f"{path}.invoices",
        )
    if arrangement.total is not None:
        check_precision(arrangement.total, currencies.pop(), field=f"{path}.total")


def _check_chase(
    chase: Chase, clients: dict[str, Client], contracts: dict[str, Contract], path: str
) -> None:
    if chase.client not in clients:
        raise InvalidCaseError("unknown client", field=f"{path}.client", value=chase.client)
    if chase.contract is None:
        return
    contract = contracts.get(chase.contract)
    if contract is None or contract.client != chase.client:
        problem = "unknown contract" if contract is None else "a contract of another client"
        raise InvalidCaseError(problem, field=f"{path}.contract", value=chase.contract)


def _check_event(
    event: ContactEvent, clients: dict[str, Client], owner: dict[str, str], path: str
) -> None:
    if event.client not in clients:
        raise InvalidCaseError("unknown client", field=f"{path}.client", value=event.client)
    for index, invoice_id in enumerate(event.invoices):
        if owner.get(invoice_id) != event.client:
            problem = (
                "unknown invoice"
                if invoice_id not in owner
                else (f"invoice belongs to client {owner[invoice_id]}, not {event.client}")
            )
            raise InvalidCaseError(problem, field=f"{path}.invoices[{index}]", value=invoice_id)
