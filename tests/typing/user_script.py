"""A host's script, written against paychase's public API the way a typed user writes it.

It builds every public model with keyword arguments (``Invoice(id=..., total=Decimal(...))``,
``ExchangeRate(from_="EUR", ...)``) and calls the main functions. Two checks use it:

* ``mypy --strict --config-file tests/typing/mypy.ini tests/typing`` type-checks it *without*
  the pydantic plugin, as a user's own mypy (or pyright) sees paychase: each constructor's
  signature comes from the models' ``dataclass_transform`` alone;
* ``tests/test_typed_use.py`` runs it, so what type-checks also works.

Nothing here runs on import.
"""

from __future__ import annotations

import io
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import paychase
from paychase import (
    Action,
    Amounts,
    BankAccount,
    Case,
    Charge,
    ChargeLine,
    ChaseState,
    Client,
    CompensationTable,
    ContactEvent,
    Contacts,
    Contract,
    CreditNote,
    Deposit,
    Dispute,
    Duration,
    EarlyPaymentDiscount,
    ExchangeRate,
    FeeComputation,
    FeeLine,
    Frequency,
    HolidaysCalendar,
    InstalmentDue,
    InstalmentPlan,
    InterestComputation,
    InterestPeriod,
    InterestSegment,
    Invoice,
    InvoiceState,
    KillFee,
    LateFee,
    Materials,
    Milestone,
    MissingPeriod,
    PaychaseError,
    Payment,
    Plan,
    Policy,
    Promise,
    RatePeriod,
    RateTable,
    Regime,
    Sender,
    Statement,
    StatementLine,
    StatementTotal,
    Step,
    Suspension,
)
from paychase.calendar import HolidayCalendar
from paychase.case import Chase, parse_case
from paychase.conversation import Instalment, Standing, instalment_schedule, instalment_standing
from paychase.delivery import (
    ConsoleChannel,
    DeliveryChannel,
    FileOutbox,
    Outcome,
    Receipt,
    Runner,
    RunReport,
    SmtpChannel,
    calls_calendar,
)
from paychase.errors import InvalidCaseError
from paychase.evidence import (
    EvidencePack,
    SentMessage,
    TimelineEntry,
    evidence_html,
    evidence_pack,
)
from paychase.messages import (
    Attachment,
    Message,
    Recipient,
    Renderer,
    TemplateProblem,
    locale_chain,
    message_id,
)
from paychase.money import (
    builtin_compensation_table,
    builtin_rate_table,
    contractual_fee,
    fixed_compensation,
    round_money,
    statutory_interest,
)
from paychase.planner import performed_event, plan, statement
from paychase.policy import builtin_policy
from paychase.simulation import Behaviour, SimulationEntry, Timeline, simulate
from paychase.store import Attempt, HistoryStore, SqliteStore
from paychase.testing import FixedCalendar, MemoryChannel, MemoryStore, fixed_calendars

NOW = datetime(2026, 3, 10, 9, tzinfo=UTC)


def build_case() -> Case:
    """A one-client portfolio, every record built with keywords."""
    client = Client(
        id="c1",
        name="Studio Kowalski",
        kind="business",
        country="PL",
        locale="pl_PL",
        timezone="Europe/Warsaw",
        contacts=Contacts(email="biuro@kowalski.example", phone="+48 600 000 000"),
        preferred_channel="email",
    )
    contract = Contract(
        id="k1",
        client="c1",
        currency="PLN",
        payment_terms=Duration.parse("14d"),
        grace=Duration(3, "d"),
        late_fee=LateFee(kind="statutory"),
        fixed_compensation=True,
        early_payment_discount=EarlyPaymentDiscount(rate=Decimal("2"), within=Duration(7, "d")),
        deposit=Deposit(rate=Decimal("50")),
        milestones=(
            Milestone(id="m1", name="Design", amount=Decimal("3000.00"), due=date(2026, 2, 1)),
        ),
        kill_fee=KillFee(after_silence=Duration(21, "d"), rate=Decimal("25")),
        suspension=Suspension(after=Duration(21, "d"), warnings=2),
        materials=Materials(amount=Decimal("500.00")),
        work_started=date(2026, 1, 10),
        jurisdiction="PL",
        interest_regime="PL_B2B",
    )
    invoice = Invoice(
        id="inv-1",
        number="FV/2026/02/01",
        contract="k1",
        issued=date(2026, 2, 1),
        due=date(2026, 2, 15),
        total=Decimal("1200.00"),
        currency="PLN",
        payments=(Payment(date=date(2026, 2, 20), amount=Decimal("200.00"), ref="x-1"),),
        credit_notes=(CreditNote(date=date(2026, 2, 21), amount=Decimal("10.00")),),
    )
    history = (
        ContactEvent(
            at=datetime(2026, 2, 16, 9, tzinfo=UTC),
            client="c1",
            invoices=("inv-1",),
            direction="out",
            kind="reminder",
            step="polite",
            channel="email",
            outcome="delivered",
        ),
        ContactEvent(
            at=datetime(2026, 2, 18, 9, tzinfo=UTC),
            client="c1",
            invoices=("inv-1",),
            direction="in",
            kind="promise",
            promise=Promise(date=date(2026, 2, 25), amount=Decimal("100.00")),
        ),
        ContactEvent(
            at=datetime(2026, 2, 19, 9, tzinfo=UTC),
            client="c1",
            invoices=("inv-1",),
            direction="in",
            kind="dispute",
            dispute=Dispute(amount=Decimal("10.00"), reason="one hour too many"),
        ),
    )
    return Case(
        version=1,
        now=NOW,
        policy=builtin_policy("freelancer"),
        clients=(client,),
        contracts=(contract,),
        invoices=(invoice,),
        exchange_rates=(
            ExchangeRate(date=date(2026, 1, 30), from_="EUR", to="PLN", rate=Decimal("4.2497")),
        ),
        sender=Sender(
            name="Studio Lumen",
            email="marta@studio-lumen.example",
            bank_account=BankAccount(account="PL61 1090 1014 0000 0712 1981 2874"),
        ),
        instalment_plans=(
            InstalmentPlan(
                id="p1",
                client="c1",
                invoices=("inv-1",),
                agreed=date(2026, 3, 1),
                instalments=3,
                first=date(2026, 3, 15),
                every=Frequency.parse("2w"),
            ),
        ),
        chases=(
            Chase(
                id="q1",
                client="c1",
                kind="prospect",
                started=datetime(2026, 3, 1, 9, tzinfo=UTC),
                subject="the quote for your new website",
            ),
        ),
        history=history,
    )


def build_policy() -> Policy:
    """An inline ladder: every step's ``from_`` is written as Python spells it."""
    return Policy(
        name="custom",
        min_gap=Duration(3, "d"),
        steps=(
            Step(id="polite", from_="due", offset=Duration(1, "d"), action="send_reminder"),
            Step(
                id="final",
                from_="due",
                offset=Duration(30, "d"),
                action="send_letter",
                tone="final",
                deadline=Duration(14, "d"),
            ),
            Step(id="legal", from_="deadline", offset=Duration(1, "d"), action="escalate"),
        ),
    )


def build_outputs(case: Case) -> list[object]:
    """The output records, as a host's own tests would build them."""
    day, money = date(2026, 3, 1), Decimal("10.00")
    line = ChargeLine(from_=day, to=day, days=1, base=money, amount=money)
    charge = Charge(
        invoice="inv-1",
        kind="interest",
        amount=money,
        currency="PLN",
        as_of=day,
        rule="art. 4",
        lines=(line,),
    )
    amounts = Amounts(
        invoiced=money,
        paid=money,
        principal=money,
        late_fee=money,
        interest=money,
        compensation=money,
        total=money,
        currency="PLN",
    )
    action = Action(
        key="k1/inv-1/polite/1",
        kind="send_reminder",
        client="c1",
        invoices=("inv-1",),
        channel="email",
        at=NOW,
        amounts=amounts,
        charges=(charge,),
        instalment=InstalmentDue(
            plan="p1", number=1, of=3, due=day, amount=money, short=money, currency="PLN"
        ),
        reason="the day after the due date",
    )
    state = InvoiceState(
        id="inv-1",
        client="c1",
        state="overdue",
        due=day,
        days_overdue=9,
        balance=money,
        currency="PLN",
    )
    chase_state = ChaseState(id="q1", client="c1", kind="prospect", state="waiting")
    statement_line = StatementLine(
        invoice="inv-1",
        contract="k1",
        issued=day,
        due=day,
        state="overdue",
        currency="PLN",
        invoiced=money,
        paid=money,
        principal=money,
        late_fee=money,
        interest=money,
        compensation=money,
        total=money,
    )
    total = StatementTotal(
        currency="PLN",
        invoiced=money,
        paid=money,
        principal=money,
        late_fee=money,
        interest=money,
        compensation=money,
        total=money,
    )
    account = Statement(
        client="c1",
        name="Studio Kowalski",
        as_of=day,
        lines=(statement_line,),
        totals=(total,),
        charges=(charge,),
    )
    fee = FeeComputation(
        kind="flat",
        currency="PLN",
        principal=money,
        fee_from=day,
        as_of=day,
        allocation="fees_first",
        fee=money,
        fee_paid=money,
        fee_outstanding=money,
        principal_outstanding=money,
        overpaid=money,
        days=0,
        cap=None,
        capped=False,
        lines=(
            FeeLine(from_=day, to=day, days=0, base=money, rate=None, amount=money, what="flat"),
        ),
        rule="the contract",
    )
    interest = InterestComputation(
        currency="PLN",
        principal=money,
        due=day,
        interest_from=day,
        interest_to=day,
        interest=money,
        days=1,
        basis="ACT_365",
        semantics="ON_EVERY_CHANGE",
        rounding="R1",
        allocation="interest_first",
        compounding="simple",
        payment_day_counted=True,
        segments=(
            InterestSegment(
                from_=day,
                to=day,
                days=1,
                rate=Decimal("11.25"),
                denominator=365,
                principal=money,
                interest=money,
                rate_from=day,
            ),
        ),
        periods=(
            InterestPeriod(
                from_=day,
                to=day,
                days=1,
                payment_date=None,
                payment=None,
                interest=money,
                rounded=True,
                interest_paid=money,
                principal_paid=money,
                overpaid=money,
                principal_after=money,
                interest_after=money,
            ),
        ),
        principal_outstanding=money,
        interest_outstanding=money,
        overpaid=money,
        missing=MissingPeriod(from_=day, to=day),
    )
    table = RateTable(
        regimes=(
            Regime(
                regime="PL_B2B",
                semantics="PER_HALF_YEAR",
                basis="ACT_365",
                periods=(RatePeriod(from_=date(2026, 1, 1), to=None, rate=Decimal("11.25")),),
            ),
        )
    )
    compensation = CompensationTable.model_validate(
        builtin_compensation_table().model_dump(mode="json")
    )
    plan_ = Plan(now=NOW, policy="freelancer", actions=(action,), invoices=(state,))
    message = Message(
        key=action.key,
        kind="send_reminder",
        channel="email",
        locale="pl",
        template="pl/freelancer/polite",
        recipients=(Recipient(name="Jan", address="jan@client.example"),),
        subject="Faktura",
        text="Dzień dobry\n",
        html="<p>Dzień dobry</p>\n",
        attachments=(Attachment(filename="i.pdf", content_type="application/pdf", data=b"%"),),
        headers=(("X-Note", "value"),),
    )
    receipt = Receipt(status="delivered", provider_id="queue-1")
    attempt = Attempt(
        key=action.key,
        client="c1",
        kind="send_reminder",
        channel="email",
        planned_at=NOW,
        status="done",
        runner="host:1",
        claimed_at=NOW,
        updated_at=NOW,
        receipt=receipt,
        message=message,
    )
    sent = SentMessage(
        key=action.key,
        planned_at=NOW,
        channel="email",
        locale="pl",
        template="pl/freelancer/polite",
        subject="Faktura",
        text="Dzień dobry\n",
    )
    entry = TimelineEntry(kind="contact", day=day, at=NOW, message=sent)
    client, sender = case.clients[0], case.sender
    assert sender is not None
    pack = EvidencePack(
        client=client,
        sender=sender,
        as_of=NOW,
        policy="freelancer",
        contracts=case.contracts,
        invoices=case.invoices,
        statement=account,
        timeline=(entry,),
    )
    move = Behaviour(on=Duration(10, "d"), client="c1", do="pay")
    happened = SimulationEntry(
        at=NOW, client="c1", invoices=("inv-1",), what="pay", reason="the client paid"
    )
    timeline = Timeline(
        start=NOW, until=NOW, policy="freelancer", entries=(happened,), invoices=(state,)
    )
    outcome = Outcome(
        key=action.key, client="c1", kind="send_reminder", channel="email", status="sent"
    )
    report = RunReport(now=NOW, outcomes=[outcome])
    problem = TemplateProblem(kind="missing", template="pl/freelancer/polite", detail="none")
    instalment = Instalment(number=1, due=day, amount=money)
    standing = Standing(
        paid=money,
        covered=1,
        next=None,
        short=Decimal(0),
        missed=None,
        broken_on=None,
        complete=True,
    )
    return [
        plan_,
        chase_state,
        fee,
        interest,
        table,
        compensation,
        attempt,
        pack,
        move,
        timeline,
        report,
        problem,
        instalment,
        standing,
    ]


def call_functions(case: Case) -> list[object]:
    """The main functions, each with what it returns used as a host would use it."""
    result: Plan = plan(case, now=NOW)
    keys: list[str] = [action.key for action in result.actions]
    again = paychase.plan(parse_case(case.model_dump_json()), now=None)
    from_mapping = parse_case(case.model_dump(mode="json"))
    account = statement(case, "c1", now=NOW)
    renderer = Renderer(calendars=fixed_calendars({"PL": FixedCalendar()}))
    messages = [renderer.render(case, action) for action in result.actions]
    subjects: list[str] = [message.subject for message in messages]
    event = performed_event(result.actions[0], at=NOW, channel="email", to="biuro@kowalski.example")
    fee = contractual_fee(
        LateFee(kind="flat", amount=Decimal("40.00")),
        principal=Decimal("1000.00"),
        currency="PLN",
        fee_from=date(2026, 2, 16),
        as_of=date(2026, 3, 10),
        applied=(date(2026, 2, 16),),
    )
    interest = statutory_interest(
        principal=Decimal("1000.00"),
        currency="PLN",
        due=date(2026, 1, 15),
        as_of=date(2026, 3, 10),
        regime="PL_B2B",
        table=builtin_rate_table(),
    )
    compensation = fixed_compensation(
        regime="PL_B2B",
        debtor="business",
        principal=Decimal("1000.00"),
        currency="PLN",
        due=date(2026, 2, 15),
        exchange_rates=case.exchange_rates,
    )
    parts = instalment_schedule(Decimal("1000.00"), "PLN", 3, date(2026, 3, 15), Frequency(1, "m"))
    standing = instalment_standing(
        parts, [(date(2026, 3, 15), Decimal("333.33"))], date(2026, 4, 1), lambda day: day
    )
    future = simulate(
        case,
        now=NOW,
        until=NOW + timedelta(days=30),
        script=(Behaviour(on=date(2026, 3, 20), client="c1", do="pay"),),
    )
    pack = evidence_pack(case, "c1", now=NOW)
    page = evidence_html(pack)
    calendar: HolidayCalendar = HolidaysCalendar("PL", None)
    rounded = round_money(Decimal("1.005"), "PLN")
    chain = locale_chain("pl_PL")
    identifier = message_id("k1", "studio.example")
    return [
        keys,
        again,
        from_mapping,
        account,
        subjects,
        event,
        fee,
        interest,
        compensation,
        standing,
        future,
        page,
        calendar,
        rounded,
        chain,
        identifier,
    ]


def run_the_loop(case: Case) -> RunReport:
    """The runner against an in-memory store and channel: no file, no server."""
    channel = MemoryChannel()
    channels: dict[paychase.Channel, DeliveryChannel] = {"email": channel}
    with MemoryStore() as store:
        checked: HistoryStore = store
        report = Runner(store=checked, channels=channels, sleep=lambda _: None).run(case, now=NOW)
        tasks = store.attempts({"task"})
        calls_calendar(tasks, case, stamp=NOW)
    return report


def build_channels(folder: Path) -> list[object]:
    """The shipped channels and store, built as a host configures them."""
    smtp = SmtpChannel("mail.example", 587, security="starttls", timeout=10.0)
    outbox = FileOutbox(folder / "outbox", from_address="pay@studio.example")
    console = ConsoleChannel(io.StringIO())
    with SqliteStore(folder / "history.sqlite") as store:
        store.add_events(())
    return [smtp, outbox, console]


def refuse_bad_input() -> PaychaseError:
    """Bad data raises the library's own errors, which a host can catch as one family."""
    try:
        Invoice(
            id="inv-2",
            contract="k1",
            issued=date(2026, 2, 1),
            total=Decimal("-1"),
            currency="PLN",
        )
    except InvalidCaseError as error:
        if error.field != "total":
            raise AssertionError(f"the error names {error.field}, not the total") from error
        return error
    raise AssertionError("a negative total was accepted")


def main() -> None:
    """Everything above, in order."""
    case = build_case()
    build_policy()
    build_outputs(case)
    call_functions(case)
    run_the_loop(case)
    with tempfile.TemporaryDirectory() as folder:
        build_channels(Path(folder))
    refuse_bad_input()


if __name__ == "__main__":
    main()
