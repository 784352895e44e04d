"""Every public constructor refuses bad data with a `PaychaseError` naming the field (rule 13).

One bad input per public class of every package's ``__all__``, built the way a host would
(keyword arguments, not a case file): the error must be the library's own — `InvalidCaseError`
or `PolicyError` (both also `ValueError`) for the host's data, `PluginError` for a plug-in
or its settings — never pydantic's `ValidationError` or a bare ``ValueError``/``TypeError``.
`test_every_public_class_is_in_the_table` keeps the table complete as the API grows.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
import pytest

import paychase
from paychase.calendar import Duration, HolidaysCalendar
from paychase.case import (
    BankAccount,
    Case,
    Chase,
    Client,
    ContactEvent,
    ContactPerson,
    Contacts,
    Contract,
    CreditNote,
    Deposit,
    Dispute,
    EarlyPaymentDiscount,
    ExchangeRate,
    Frequency,
    InstalmentPlan,
    Invoice,
    InvoiceStep,
    KillFee,
    LateFee,
    Materials,
    Milestone,
    Payment,
    Promise,
    Sender,
    Suspension,
    parse_case,
)
from paychase.delivery import CaseFile, ConsoleChannel, FileOutbox, Receipt, Runner, SmtpChannel
from paychase.errors import InvalidCaseError, PaychaseError, PluginError, PolicyError
from paychase.evidence import EvidencePack, SentMessage, TimelineEntry
from paychase.messages import (
    Attachment,
    InvoiceFolder,
    Message,
    Recipient,
    Renderer,
    TemplateDirectory,
)
from paychase.money import (
    Amounts,
    Charge,
    ChargeLine,
    Compensation,
    CompensationRule,
    CompensationTable,
    CompensationTier,
    FeeComputation,
    FeeLine,
    InterestComputation,
    InterestPeriod,
    InterestSegment,
    MissingPeriod,
    RatePeriod,
    RateTable,
    Regime,
)
from paychase.planner import (
    Action,
    ChaseState,
    InstalmentDue,
    InvoiceState,
    Plan,
    Statement,
    StatementLine,
    StatementTotal,
)
from paychase.policy import Policy, Step
from paychase.simulation import Behaviour, SimulationEntry, Timeline
from paychase.store import Attempt, Entry, Review, SqliteStore, Workspace
from paychase.testing import (
    FixedCalendar,
    MemoryChannel,
    MemoryStore,
    MemoryTemplates,
    fixed_calendars,
)

NOW = datetime(2026, 3, 10, 9, tzinfo=UTC)
NAIVE = datetime(2026, 3, 10, 9)  # noqa: DTZ001 - the naive value under test
DAY = date(2026, 3, 1)
TEN = Decimal("10.00")
MONEY: dict[str, Any] = {
    "invoiced": TEN,
    "paid": TEN,
    "principal": TEN,
    "late_fee": TEN,
    "interest": TEN,
    "compensation": TEN,
    "total": TEN,
}


def bad(value: object) -> Any:
    """A value of the wrong type, on purpose: the type checker is told to let it through."""
    return value


PACKAGES = [
    "paychase.case",
    "paychase.calendar",
    "paychase.policy",
    "paychase.money",
    "paychase.conversation",
    "paychase.planner",
    "paychase.messages",
    "paychase.evidence",
    "paychase.delivery",
    "paychase.store",
    "paychase.simulation",
    "paychase.testing",
]

# Public classes no host builds from data, and why they are not in the table below.
NOT_BUILT_FROM_DATA = {
    # Protocols: a host implements them; they are not instantiated.
    "HolidayCalendar",
    "TemplateLoader",
    "DeliveryChannel",
    "CheckableChannel",
    "HistoryStore",
    "CaseSource",
    # Records paychase hands back (plain dataclasses), checked by their producers' tests.
    "Instalment",
    "Standing",
    "Outcome",
    "RunReport",
    "TemplateProblem",
    "ImportReport",
    # No arguments at all.
    "BuiltinTemplates",
    # An error: building one is how paychase reports bad data.
    "SimulationError",
    "RunStoppedError",
}


def _client(**changes: Any) -> Client:
    fields: dict[str, Any] = {"id": "c1", "name": "C", "country": "PL", "timezone": "UTC"}
    return Client(**{**fields, **changes})


def _invoice(**changes: Any) -> Invoice:
    fields: dict[str, Any] = {
        "id": "i1",
        "contract": "k1",
        "issued": DAY,
        "total": TEN,
        "currency": "PLN",
    }
    return Invoice(**{**fields, **changes})


def _message(**changes: Any) -> Message:
    fields: dict[str, Any] = {
        "key": "k",
        "kind": "send_reminder",
        "channel": "email",
        "locale": "en",
        "template": "en/polite",
        "recipients": (),
        "subject": "Invoice",
        "text": "Hello\n",
        "html": "<p>Hello</p>\n",
    }
    return Message(**{**fields, **changes})


def _attempt(**changes: Any) -> Attempt:
    fields: dict[str, Any] = {
        "key": "k",
        "client": "c1",
        "kind": "call",
        "channel": "phone",
        "planned_at": NOW,
        "status": "task",
        "runner": "host:1",
        "claimed_at": NOW,
        "updated_at": NOW,
    }
    return Attempt(**{**fields, **changes})


def _interest_period(**changes: Any) -> InterestPeriod:
    fields: dict[str, Any] = {
        "from_": DAY,
        "to": DAY,
        "days": 1,
        "payment_date": None,
        "payment": None,
        "interest": TEN,
        "rounded": True,
        "interest_paid": TEN,
        "principal_paid": TEN,
        "overpaid": TEN,
        "principal_after": TEN,
        "interest_after": TEN,
    }
    return InterestPeriod(**{**fields, **changes})


# (public class, a bad construction, the error class, the field it names)
Case_ = tuple[str, Callable[[Any], object], type[PaychaseError], str]

TABLE: list[Case_] = [
    # -- paychase.case --------------------------------------------------------------------
    ("BankAccount", lambda _: BankAccount(account=""), InvalidCaseError, "account"),
    ("Case", lambda _: Case(clients=bad("c1")), InvalidCaseError, "clients"),
    (
        "Case",
        lambda _: Case(clients=(_client(),), invoices=(_invoice(),)),
        InvalidCaseError,
        "invoices[0].contract",
    ),
    (
        "Chase",
        lambda _: Chase(id="q1", client="c1", kind=bad("lead"), started=NOW, subject="x"),
        InvalidCaseError,
        "kind",
    ),
    ("Client", lambda _: _client(country="XX"), InvalidCaseError, "country"),
    (
        "ContactEvent",
        lambda _: ContactEvent(at=NAIVE, client="c1", direction="out", kind="call"),
        InvalidCaseError,
        "at",
    ),
    ("Contacts", lambda _: Contacts(email="a@b.example\nBcc: x"), InvalidCaseError, "email"),
    ("ContactPerson", lambda _: ContactPerson(role="boss"), InvalidCaseError, "role"),
    (
        "Contract",
        lambda _: Contract(id="k1", client="c1", currency="EURO"),
        InvalidCaseError,
        "currency",
    ),
    ("CreditNote", lambda _: CreditNote(date=DAY, amount=Decimal(0)), InvalidCaseError, "amount"),
    ("Deposit", lambda _: Deposit(rate=Decimal(-5)), InvalidCaseError, "rate"),
    ("Dispute", lambda _: Dispute(amount=Decimal(-1)), InvalidCaseError, "amount"),
    (
        "EarlyPaymentDiscount",
        lambda _: EarlyPaymentDiscount(rate=Decimal(2), within=Duration(-7, "d")),
        InvalidCaseError,
        "within",
    ),
    (
        "ExchangeRate",
        lambda _: ExchangeRate(date=DAY, from_="EURO", to="PLN", rate=Decimal(4)),
        InvalidCaseError,
        "from_",
    ),
    ("Frequency", lambda _: Frequency(0, "m"), InvalidCaseError, "count"),
    ("Frequency", lambda _: Frequency(1, bad("y")), InvalidCaseError, "unit"),
    ("Frequency", lambda _: Frequency.parse("monthly"), InvalidCaseError, "frequency"),
    (
        "InstalmentPlan",
        lambda _: InstalmentPlan(
            id="p1", client="c1", invoices=("i1",), agreed=DAY, instalments=0, first=DAY
        ),
        InvalidCaseError,
        "instalments",
    ),
    ("Invoice", lambda _: _invoice(total=Decimal("-1")), InvalidCaseError, "total"),
    ("Invoice", lambda _: _invoice(total=12.5), InvalidCaseError, "total"),
    ("Invoice", lambda _: _invoice(totl=TEN), InvalidCaseError, "totl"),
    (
        "KillFee",
        lambda _: KillFee(after_silence=Duration(-1, "d"), rate=Decimal(25)),
        InvalidCaseError,
        "after_silence",
    ),
    ("LateFee", lambda _: LateFee(kind=bad("usury")), InvalidCaseError, "kind"),
    ("Materials", lambda _: Materials(amount=Decimal(-1)), InvalidCaseError, "amount"),
    (
        "Milestone",
        lambda _: Milestone(id="m 1", name="Design", amount=TEN, due=DAY),
        InvalidCaseError,
        "id",
    ),
    ("Payment", lambda _: Payment(date=DAY, amount=Decimal(0)), InvalidCaseError, "amount"),
    ("Promise", lambda _: Promise(date=date(1800, 1, 1)), InvalidCaseError, "date"),
    ("InvoiceStep", lambda _: InvoiceStep(invoice="a/b", step="firm"), InvalidCaseError, "invoice"),
    ("Sender", lambda _: Sender(name=""), InvalidCaseError, "name"),
    (
        "Suspension",
        lambda _: Suspension(after=Duration(21, "d"), warnings=0),
        InvalidCaseError,
        "warnings",
    ),
    ("parse_case", lambda _: parse_case(b"{"), InvalidCaseError, "case"),
    ("parse_case", lambda _: parse_case(bad(42)), InvalidCaseError, "case"),
    ("parse_case", lambda _: parse_case({"version": 2}), InvalidCaseError, "version"),
    # -- paychase.calendar ----------------------------------------------------------------
    ("Duration", lambda _: Duration(bad("14"), "d"), InvalidCaseError, "count"),
    ("Duration", lambda _: Duration(1, bad("y")), InvalidCaseError, "unit"),
    ("Duration", lambda _: Duration(1, "bd", 1), InvalidCaseError, "weekday"),
    ("Duration", lambda _: Duration(1, "w", 7), InvalidCaseError, "weekday"),
    ("Duration", lambda _: Duration.parse("two weeks"), InvalidCaseError, "duration"),
    ("HolidaysCalendar", lambda _: HolidaysCalendar("XX"), InvalidCaseError, "country"),
    ("HolidaysCalendar", lambda _: HolidaysCalendar("pl"), InvalidCaseError, "country"),
    ("HolidaysCalendar", lambda _: HolidaysCalendar("DE", "XX"), InvalidCaseError, "subdivision"),
    # -- paychase.policy ------------------------------------------------------------------
    ("Policy", lambda _: Policy(name="empty", steps=()), PolicyError, "steps"),
    (
        "Step",
        lambda _: Step(id="polite", from_="due", action=bad("dance")),
        PolicyError,
        "action",
    ),
    # -- paychase.money -------------------------------------------------------------------
    (
        "Amounts",
        lambda _: Amounts(currency="PLN", **{**MONEY, "paid": bad(1.5)}),
        InvalidCaseError,
        "paid",
    ),
    (
        "Charge",
        lambda _: Charge(
            invoice="i1",
            kind=bad("tax"),
            amount=TEN,
            currency="PLN",
            as_of=DAY,
            rule="x",
        ),
        InvalidCaseError,
        "kind",
    ),
    (
        "ChargeLine",
        lambda _: ChargeLine(from_=DAY, to=DAY, days=bad("many"), base=TEN, amount=TEN),
        InvalidCaseError,
        "days",
    ),
    (
        "Compensation",
        lambda _: Compensation.model_validate({"regime": "EU", "status": "maybe"}),
        InvalidCaseError,
        "debtor",
    ),
    (
        "CompensationTable",
        lambda _: CompensationTable(regimes=bad("EU")),
        InvalidCaseError,
        "regimes",
    ),
    (
        "CompensationRule",
        lambda _: CompensationRule(
            regime="EU", statute="art. 6", provenance="S", fixed_currency="E"
        ),
        InvalidCaseError,
        "fixed_currency",
    ),
    (
        "CompensationTier",
        lambda _: CompensationTier(amount=bad(40.0)),
        InvalidCaseError,
        "amount",
    ),
    (
        "FeeComputation",
        lambda _: FeeComputation.model_validate({"kind": "usury"}),
        InvalidCaseError,
        "kind",
    ),
    (
        "FeeLine",
        lambda _: FeeLine(
            from_=DAY,
            to=DAY,
            days=bad("none"),
            base=TEN,
            rate=None,
            amount=TEN,
            what="flat",
        ),
        InvalidCaseError,
        "days",
    ),
    (
        "InterestComputation",
        lambda _: InterestComputation.model_validate({}),
        InvalidCaseError,
        "currency",
    ),
    ("InterestPeriod", lambda _: _interest_period(days="x"), InvalidCaseError, "days"),
    (
        "InterestSegment",
        lambda _: InterestSegment(
            from_=DAY,
            to=DAY,
            days=1,
            rate=Decimal(8),
            denominator=365,
            principal=TEN,
            interest=TEN,
            rate_from=bad("soon"),
        ),
        InvalidCaseError,
        "rate_from",
    ),
    (
        "MissingPeriod",
        lambda _: MissingPeriod(from_=bad("yesterday"), to=DAY),
        InvalidCaseError,
        "from_",
    ),
    (
        "RatePeriod",
        lambda _: RatePeriod(from_=DAY, to=None, rate=bad("high")),
        InvalidCaseError,
        "rate",
    ),
    ("RateTable", lambda _: RateTable(regimes=bad("EU")), InvalidCaseError, "regimes"),
    (
        "Regime",
        lambda _: Regime(regime="EU", semantics=bad("MONTHLY"), basis="ACT_365", periods=()),
        InvalidCaseError,
        "semantics",
    ),
    # -- paychase.planner -----------------------------------------------------------------
    (
        "Action",
        lambda _: Action(
            key="k", kind="call", client="c1", invoices=(), channel="phone", at=NAIVE, reason="r"
        ),
        InvalidCaseError,
        "at",
    ),
    (
        "ChaseState",
        lambda _: ChaseState(id="q1", client="c1", kind="prospect", state=bad("lost")),
        InvalidCaseError,
        "state",
    ),
    (
        "InstalmentDue",
        lambda _: InstalmentDue(
            plan="p1", number=0, of=3, due=DAY, amount=TEN, short=TEN, currency="PLN"
        ),
        InvalidCaseError,
        "number",
    ),
    (
        "InvoiceState",
        lambda _: InvoiceState(
            id="i1",
            client="c1",
            state="open",
            due=DAY,
            days_overdue=-1,
            balance=TEN,
            currency="PLN",
        ),
        InvalidCaseError,
        "days_overdue",
    ),
    (
        "Plan",
        lambda _: Plan(now=NOW, policy="x", actions=bad("none"), invoices=()),
        InvalidCaseError,
        "actions",
    ),
    (
        "Statement",
        lambda _: Statement(client="c1", name="C", as_of=NOW, lines=(), totals=(), charges=()),
        InvalidCaseError,
        "as_of",
    ),
    (
        "StatementLine",
        lambda _: StatementLine(
            invoice="i1",
            contract="k1",
            issued=DAY,
            due=DAY,
            state=bad("late"),
            currency="PLN",
            **MONEY,
        ),
        InvalidCaseError,
        "state",
    ),
    (
        "StatementTotal",
        lambda _: StatementTotal(currency="PLN", **{**MONEY, "total": bad("lots")}),
        InvalidCaseError,
        "total",
    ),
    # -- paychase.messages ----------------------------------------------------------------
    (
        "Attachment",
        lambda _: Attachment(filename="a\r\nb.pdf", content_type="application/pdf", data=b""),
        InvalidCaseError,
        "filename",
    ),
    ("Message", lambda _: _message(subject="Invoice\r\nBcc: x"), InvalidCaseError, "subject"),
    ("Recipient", lambda _: Recipient(address=""), InvalidCaseError, "address"),
    ("Renderer", lambda _: Renderer(templates=bad("templates/")), PluginError, "templates"),
    ("Renderer", lambda _: Renderer(templates=[bad(object())]), PluginError, "templates[0]"),
    ("Renderer", lambda _: Renderer(documents=bad("invoices/")), PluginError, "documents"),
    ("Renderer", lambda _: Renderer(rates=bad("2026")), InvalidCaseError, "rates"),
    ("TemplateDirectory", lambda tmp: TemplateDirectory(tmp / "none"), PluginError, "templates"),
    ("TemplateDirectory", lambda _: TemplateDirectory(bad(42)), PluginError, "templates"),
    ("InvoiceFolder", lambda tmp: InvoiceFolder(tmp / "none"), PluginError, "invoices"),
    ("InvoiceFolder", lambda _: InvoiceFolder(bad(None)), PluginError, "invoices"),
    # -- paychase.evidence ----------------------------------------------------------------
    (
        "EvidencePack",
        lambda _: EvidencePack.model_validate({"client": "c1"}),
        InvalidCaseError,
        "client",
    ),
    (
        "SentMessage",
        lambda _: SentMessage(
            key="k",
            planned_at=NAIVE,
            channel="email",
            locale="en",
            template="en/polite",
            subject="s",
            text="t",
        ),
        InvalidCaseError,
        "planned_at",
    ),
    ("TimelineEntry", lambda _: TimelineEntry(kind=bad("memo"), day=DAY), InvalidCaseError, "kind"),
    # -- paychase.delivery ----------------------------------------------------------------
    ("Receipt", lambda _: Receipt(status=bad("nope")), PluginError, "status"),
    ("SmtpChannel", lambda _: SmtpChannel("mail.example", port=bad("25")), PluginError, "port"),
    ("SmtpChannel", lambda _: SmtpChannel(""), PluginError, "host"),
    ("SmtpChannel", lambda _: SmtpChannel("mail.example", timeout=-1), PluginError, "timeout"),
    (
        "SmtpChannel",
        lambda _: SmtpChannel("mail.example", from_address="a@b\r\nBcc: c"),
        PluginError,
        "from_address",
    ),
    ("SmtpChannel", lambda _: SmtpChannel.from_url("http://mail.example"), PluginError, "smtp_url"),
    ("FileOutbox", lambda _: FileOutbox(bad(42)), PluginError, "outbox"),
    (
        "FileOutbox",
        lambda tmp: FileOutbox(tmp / "outbox", from_address="a@b\nc"),
        PluginError,
        "from_address",
    ),
    (
        "FileOutbox",
        lambda tmp: FileOutbox(tmp / "outbox", clock=bad("now")),
        PluginError,
        "clock",
    ),
    ("ConsoleChannel", lambda _: ConsoleChannel(bad("stdout")), PluginError, "stream"),
    ("Runner", lambda _: Runner(store=bad("history.sqlite")), PluginError, "store"),
    (
        "Runner",
        lambda _: Runner(store=MemoryStore(), channels=bad({"e-mail": MemoryChannel()})),
        PluginError,
        "channels",
    ),
    (
        "Runner",
        lambda _: Runner(store=MemoryStore(), channels=bad({"email": object()})),
        PluginError,
        "channels['email']",
    ),
    ("Runner", lambda _: Runner(store=MemoryStore(), retries=-1), PluginError, "retries"),
    ("CaseFile", lambda _: CaseFile(bad(42), SqliteStore(":memory:")), PluginError, "path"),
    ("CaseFile", lambda tmp: CaseFile(tmp / "case.json", bad(MemoryStore())), PluginError, "store"),
    (
        "Runner",
        lambda _: Runner(store=MemoryStore(), stale_after=bad(900)),
        PluginError,
        "stale_after",
    ),
    # -- paychase.store -------------------------------------------------------------------
    ("Attempt", lambda _: _attempt(status="lost"), PluginError, "status"),
    ("Attempt", lambda _: _attempt(claimed_at=NAIVE), PluginError, "claimed_at"),
    ("SqliteStore", lambda _: SqliteStore(bad(42)), PluginError, "db"),
    ("SqliteStore", lambda tmp: SqliteStore(tmp / "none" / "history.sqlite"), PluginError, "db"),
    ("Workspace", lambda tmp: Workspace(tmp / "mistyped.paychase"), PluginError, "db"),
    ("Workspace", lambda _: Workspace(bad(42)), PluginError, "db"),
    (
        "Entry",
        lambda _: Entry(id="P1", kind="payment", client="c1", summary="s", at=NAIVE),
        InvalidCaseError,
        "at",
    ),
    (
        "Review",
        lambda _: Review(
            key="k", client="c1", reason="r", first_seen=NOW, last_seen=NOW, status=bad("shelved")
        ),
        InvalidCaseError,
        "status",
    ),
    # -- paychase.simulation --------------------------------------------------------------
    (
        "Behaviour",
        lambda _: Behaviour(on=DAY, client="c1", do=bad("vanish")),
        InvalidCaseError,
        "do",
    ),
    ("Behaviour", lambda _: Behaviour(on=DAY, client="c1", do="promise"), InvalidCaseError, "date"),
    (
        "SimulationEntry",
        lambda _: SimulationEntry(at=NAIVE, client="c1", invoices=(), what="pay", reason="r"),
        InvalidCaseError,
        "at",
    ),
    (
        "Timeline",
        lambda _: Timeline(start=NOW, until=NAIVE, policy="x", entries=(), invoices=()),
        InvalidCaseError,
        "until",
    ),
    # -- paychase.testing -----------------------------------------------------------------
    ("FixedCalendar", lambda _: FixedCalendar(weekend=(7,)), InvalidCaseError, "weekend[0]"),
    (
        "FixedCalendar",
        lambda _: FixedCalendar(holidays=bad(("2026-12-25",))),
        InvalidCaseError,
        "holidays[0]",
    ),
    (
        "MemoryTemplates",
        lambda _: MemoryTemplates(bad({"en/polite": "Hi"})),
        PluginError,
        "templates",
    ),
    ("MemoryChannel", lambda _: MemoryChannel(failures=-1), PluginError, "failures"),
    ("MemoryChannel", lambda _: MemoryChannel(bounce="gone@example.com"), PluginError, "bounce"),
    (
        "fixed_calendars",
        lambda _: fixed_calendars(bad({"PL": "closed"})),
        PluginError,
        "by_country['PL']",
    ),
    ("MemoryStore", lambda _: MemoryStore().attempts(bad({"lost"})), PluginError, "statuses"),
]


@pytest.mark.parametrize(
    ("name", "build", "error", "field"),
    TABLE,
    ids=[f"{name}-{field}-{index}" for index, (name, _, _, field) in enumerate(TABLE)],
)
def test_a_bad_input_raises_a_paychase_error_naming_the_field(
    name: str,
    build: Callable[[Path], object],
    error: type[PaychaseError],
    field: str,
    tmp_path: Path,
) -> None:
    with pytest.raises(PaychaseError) as caught:
        build(tmp_path)
    assert type(caught.value) is error, f"{name}: {caught.value!r}"
    assert caught.value.field == field, f"{name}: {caught.value}"
    assert not isinstance(caught.value, pydantic.ValidationError)
    # Translated at the boundary: no pydantic error chained behind it for a host to dig out.
    assert not isinstance(caught.value.__cause__, pydantic.ValidationError)
    assert caught.value.__suppress_context__ or caught.value.__context__ is None
    if error is not PluginError:
        assert isinstance(caught.value, ValueError), "the host's data errors are ValueErrors"


def _public_classes() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        module = importlib.import_module(package)
        for item in module.__all__:
            if inspect.isclass(getattr(module, item)):
                found.add(item)
    return found


def test_every_public_class_is_in_the_table() -> None:
    tested = {name for name, *_ in TABLE}
    missing = _public_classes() - tested - NOT_BUILT_FROM_DATA
    assert not missing, f"add a bad input for each of {sorted(missing)}"
    assert not (tested & NOT_BUILT_FROM_DATA)


def test_the_errors_print_field_problem_and_value() -> None:
    with pytest.raises(InvalidCaseError) as caught:
        _invoice(total=Decimal("-1"))
    assert str(caught.value) == "total: negative amount: must be zero or more (got Decimal('-1'))"
    assert caught.value.problem == "negative amount: must be zero or more"
    assert caught.value.value == Decimal("-1")


def test_a_whole_model_that_is_not_valid_is_named_after_the_model() -> None:
    with pytest.raises(PluginError) as caught:
        Receipt.model_validate("delivered")
    assert caught.value.field == "receipt"
    with pytest.raises(InvalidCaseError) as caught_case:
        ExchangeRate.model_validate_json("[]")
    assert caught_case.value.field == "exchange_rate"


def test_an_inline_policy_of_a_chase_blames_the_policy() -> None:
    with pytest.raises(PolicyError) as caught:
        Chase.model_validate(
            {
                "id": "q1",
                "client": "c1",
                "kind": "prospect",
                "started": NOW.isoformat(),
                "subject": "the quote",
                "policy": {"name": "x", "steps": []},
            }
        )
    assert caught.value.field == "policy.steps"


def test_a_policy_version_string_is_case_data_not_a_policy() -> None:
    with pytest.raises(InvalidCaseError) as caught:
        _invoice(policy="freelancer")
    assert type(caught.value) is InvalidCaseError
    assert caught.value.field == "policy"


def test_a_valid_construction_still_works_through_every_entry_point() -> None:
    built = _invoice()
    assert Invoice.model_validate(built.model_dump()) == built
    assert Invoice.model_validate_json(built.model_dump_json()) == built
    strings = {"date": "2026-03-01", "from": "EUR", "to": "PLN", "rate": "4.2497"}
    assert ExchangeRate.model_validate_strings(strings).from_ == "EUR"
    with pytest.raises(InvalidCaseError, match="rate"):
        ExchangeRate.model_validate_strings({**strings, "rate": "-1"})
    assert paychase.Duration(1, "w", 1) == Duration.parse("+1w@TU")
    assert Frequency(2, "w") == Frequency.parse("2w")
    assert HolidaysCalendar("AC").knows_holidays is False  # a country with no holiday data
    assert isinstance(fixed_calendars({"PL": FixedCalendar()})("PL", None), FixedCalendar)
    assert Runner(store=MemoryStore(), retries=0, stale_after=timedelta(0)).retries == 0


EMPTY_CASE: dict[str, Any] = {"version": 1, "now": "2026-03-10T09:00:00+01:00"}


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (
            lambda: paychase.plan(EMPTY_CASE, now=None, rates=bad("rates.json")),
            InvalidCaseError,
            "rates",
        ),
        (lambda: paychase.plan(EMPTY_CASE, now=None, calendars=bad(3)), PluginError, "calendars"),
        (lambda: paychase.plan(bad([]), now=None), InvalidCaseError, "case"),
        (
            lambda: paychase.statement(EMPTY_CASE, "c1", now=None, rates=bad({})),
            InvalidCaseError,
            "rates",
        ),
        (lambda: paychase.statement(EMPTY_CASE, "c1", now=bad("today")), InvalidCaseError, "now"),
    ],
)
def test_the_planners_own_arguments_are_checked_by_name(
    call: Callable[[], object], error: type[PaychaseError], field: str
) -> None:
    with pytest.raises(PaychaseError) as caught:
        call()
    assert (type(caught.value), caught.value.field) == (error, field)
