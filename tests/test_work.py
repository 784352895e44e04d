"""Work contracts: deposits and materials up front, stage payments, and the kill fee.

Client c1 (Warsaw) has work contracts; each test builds a valid case, hands its parts to
`work_needs` as the planner would, and checks the needs, their keys and their reasons. The
properties at the end throw random work contracts, invoices and histories at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import Json, amounts, currencies, example_case, example_invoice

from paychase import Case, Contract
from paychase.calendar._protocols import HolidayCalendar
from paychase.calendar._working_days import HolidaysCalendar
from paychase.case._money import minor_unit, round_money
from paychase.conversation._work import work_needs
from paychase.conversation._work_books import WorkNeed
from paychase.testing import FixedCalendar

D = Decimal
TODAY = date(2026, 3, 10)
WARSAW = ZoneInfo("Europe/Warsaw")
POLAND = HolidaysCalendar("PL")


def local_date(moment: datetime) -> date:
    return moment.astimezone(WARSAW).date()


def contract(contract_id: str = "k1", **clauses: Any) -> Json:
    """A PLN work contract of client c1 with `clauses`."""
    return {"id": contract_id, "client": "c1", "currency": "PLN", **clauses}


def invoice(invoice_id: str, total: str, *, kind: str = "invoice", **fields: Any) -> Json:
    """An invoice of `kind` under k1, issued 1 March 2026 and due a fortnight later."""
    fields = {"contract": "k1", "issued": "2026-03-01", "due": "2026-03-15"} | fields
    return example_invoice(invoice_id, total=total, kind=kind, **fields)


def event(day: str, *, key: str | None = None, **fields: Any) -> Json:
    """c1's history entry at 10:00 Warsaw time on `day`: an outbound e-mail unless told."""
    base: Json = {"at": f"{day}T10:00:00+01:00", "client": "c1", "direction": "out"}
    defaults: Json = {"kind": "reminder", "channel": "email", "outcome": "delivered"}
    return base | defaults | ({"key": key} if key else {}) | fields


def system(day: str, kind: str, key: str, **fields: Any) -> Json:
    """A pause or resume the host recorded on `day` for the action `key`."""
    return event(day, **({"key": key, "kind": kind, "channel": "system", "outcome": None} | fields))


def needs(
    contracts: Sequence[Json],
    invoices: Sequence[Json] = (),
    history: Sequence[Json] = (),
    *,
    today: date = TODAY,
    calendar: HolidayCalendar = POLAND,
    client: Json | None = None,
) -> list[WorkNeed]:
    case = Case.model_validate(
        example_case(contracts=contracts, invoices=invoices, history=history, client=client)
    )
    return work_needs(
        "c1",
        case.contracts,
        case.invoices,
        case.history,
        today=today,
        calendar=calendar,
        local_date=local_date,
    )


def only(found: list[WorkNeed]) -> WorkNeed:
    assert len(found) == 1, [n.key for n in found]
    return found[0]


# -- rule 1: prepayments before work starts ----------------------------------------------


def test_a_deposit_is_requested_before_work_starts() -> None:
    deposit = contract(value="8000.00", deposit={"rate": "30"}, work_started="2026-03-20")

    need = only(needs([deposit]))

    assert need.key == "k1/deposit/request_deposit/1"
    assert (need.kind, need.topic, need.number) == ("request_deposit", "deposit", 1)
    assert (need.amount, need.currency) == (D("2400.00"), "PLN")
    assert (need.not_before, need.deadline) == (TODAY, date(2026, 3, 19))
    assert need.invoices == ()
    assert need.charges == ()
    assert "30 % of the contract value 8000.00" in need.reason
    assert "work starts 2026-03-20, so it is due by 2026-03-19" in need.reason


def test_a_deposit_without_a_start_date_states_no_deadline() -> None:
    need = only(needs([contract(value="1000.00", deposit={"amount": "300.00"})]))

    assert (need.amount, need.deadline) == (D("300.00"), None)
    assert "as agreed" in need.reason
    assert "no start date" in need.reason


def test_a_deposit_naming_no_sum_is_half_from_a_first_time_client() -> None:
    need = only(needs([contract(value="1000.00", deposit={})]))

    assert need.amount == D("500.00")
    assert "50 % of the contract value 1000.00, the default for a first-time client" in need.reason


@pytest.mark.parametrize(
    ("paid_on", "share"),
    [
        pytest.param("2026-03-10", D("250.00"), id="paid-by-today-returning"),
        pytest.param("2026-03-11", D("500.00"), id="paid-after-today-first-time"),
    ],
)
def test_a_client_who_paid_another_contract_is_returning(paid_on: str, share: Decimal) -> None:
    earlier = invoice("old-1", "100.00", contract="k0", payments=[{"date": paid_on, "amount": 100}])

    need = only(needs([contract("k0"), contract(value="1000.00", deposit={})], [earlier]))

    assert need.amount == share


def test_a_paid_invoice_of_the_same_contract_does_not_make_a_returning_client() -> None:
    same = invoice("i1", "100.00", payments=[{"date": "2026-03-02", "amount": "100.00"}])

    need = only(needs([contract(value="1000.00", deposit={})], [same]))

    assert need.amount == D("500.00")


def test_materials_are_requested_beside_the_deposit() -> None:
    terms = contract(value="1000.00", deposit={"amount": "200.00"}, materials={"rate": "15"})

    found = needs([terms])

    assert [(n.key, n.amount) for n in found] == [
        ("k1/deposit/request_deposit/1", D("200.00")),
        ("k1/materials/request_deposit/1", D("150.00")),
    ]


def test_a_deposit_due_after_the_start_is_no_prepayment() -> None:
    terms = contract(value="1000.00", deposit={"rate": "50", "due_before_start": False})

    assert needs([terms, contract("k2", client="c1")]) == []


def test_the_request_asks_for_what_is_still_unpaid() -> None:
    part = invoice(
        "dep-1", "100.00", kind="deposit", payments=[{"date": "2026-03-05", "amount": 100}]
    )

    need = only(needs([contract(value="1000.00", deposit={"rate": "50"})], [part]))

    assert need.amount == D("400.00")
    assert need.invoices == ("dep-1",)
    assert "100.00 paid and 100.00 billed" in need.reason


def test_a_billed_prepayment_is_chased_as_an_invoice_instead() -> None:
    billed = invoice("dep-1", "500.00", kind="deposit")

    assert needs([contract(value="1000.00", deposit={"rate": "50"})], [billed]) == []


def test_a_cancelled_prepayment_invoice_bills_nothing() -> None:
    cancelled = invoice("dep-1", "500.00", kind="deposit", status="cancelled")

    need = only(needs([contract(value="1000.00", deposit={"rate": "50"})], [cancelled]))

    assert (need.amount, need.invoices) == (D("500.00"), ())


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        pytest.param(["delivered"], [], id="delivered-not-again"),
        pytest.param([None], [], id="no-outcome-counts-as-sent"),
        pytest.param(["bounced"], [2], id="bounced-retried"),
        pytest.param(["bounced", "failed"], [3], id="two-failures"),
        pytest.param(["bounced", "delivered"], [], id="retry-delivered"),
    ],
)
def test_a_request_is_made_once_unless_it_did_not_arrive(
    outcomes: list[str | None], expected: list[int]
) -> None:
    history = [
        event(f"2026-03-0{day}", key=f"k1/deposit/request_deposit/{day}", outcome=outcome)
        for day, outcome in enumerate(outcomes, start=1)
    ]

    found = needs([contract(value="1000.00", deposit={"rate": "50"})], history=history)

    assert [n.number for n in found] == expected
    assert all(n.key == f"k1/deposit/request_deposit/{n.number}" for n in found)
    assert all("did not arrive" in n.reason for n in found)


def test_only_keys_of_the_same_request_count_as_attempts() -> None:
    history = [
        event("2026-03-01", key="k1/deposit/request_deposit/x"),
        event("2026-03-02", key="k1/materials/request_deposit/1"),
        event("2026-03-03", key="k1/deposit/request_deposit/1", direction="in", kind="reply"),
    ]

    need = only(needs([contract(value="1000.00", deposit={"rate": "50"})], history=history))

    assert need.number == 1


# -- rule 1: work started unpaid -----------------------------------------------------------

UNPAID_START = contract(value="1000.00", deposit={"rate": "50"}, work_started="2026-03-05")


def test_work_started_without_the_deposit_is_paused() -> None:
    billed = invoice(
        "dep-1", "500.00", kind="deposit", payments=[{"date": "2026-03-02", "amount": 200}]
    )

    need = only(needs([UNPAID_START], [billed]))

    assert (need.key, need.amount, need.invoices) == (
        "k1/deposit/pause_work/1",
        D("300.00"),
        ("dep-1",),
    )
    assert need.not_before == TODAY
    assert "work started 2026-03-05 but only 200.00 is paid as of 2026-03-10" in need.reason
    assert "does not continue unpaid" in need.reason


def test_work_started_without_any_deposit_invoice_is_paused() -> None:
    need = only(needs([UNPAID_START]))

    assert (need.kind, need.amount, need.invoices) == ("pause_work", D("500.00"), ())


def test_work_already_paused_for_the_deposit_is_not_paused_again() -> None:
    history = [system("2026-03-06", "pause_work", "k1/deposit/pause_work/1")]

    assert needs([UNPAID_START], history=history) == []


def test_a_pause_that_failed_did_not_pause() -> None:
    history = [system("2026-03-06", "pause_work", "k1/deposit/pause_work/1", outcome="failed")]

    assert only(needs([UNPAID_START], history=history)).key == "k1/deposit/pause_work/2"


def test_work_resumed_while_still_unpaid_is_paused_again() -> None:
    history = [
        system("2026-03-06", "pause_work", "k1/deposit/pause_work/1"),
        system("2026-03-07", "resume_work", "k1/deposit/resume_work/1"),
    ]

    assert only(needs([UNPAID_START], history=history)).key == "k1/deposit/pause_work/2"


def test_an_unpaid_deposit_joins_the_pause_for_the_materials() -> None:
    # One pause of work per contract at a time: the deposit does not pause it a second time.
    history = [system("2026-03-06", "pause_work", "k1/materials/pause_work/1")]

    assert needs([UNPAID_START], history=history) == []


def test_an_unpaid_deposit_joins_a_pause_of_the_ladder() -> None:
    history = [system("2026-03-06", "pause_work", "k1/i1/pause/1", invoices=["i1"])]
    unpaid = invoice("i1", "300.00")

    assert needs([UNPAID_START], [unpaid], history) == []


def test_a_deposit_and_the_materials_unpaid_pause_the_work_once() -> None:
    both = UNPAID_START | {"materials": {"amount": "200.00"}}

    assert only(needs([both])).key == "k1/deposit/pause_work/1"


def test_a_kill_fee_due_pauses_the_work_instead_of_an_unpaid_deposit() -> None:
    silent = UNPAID_START | {"kill_fee": {"after_silence": "3d", "amount": "100.00"}}

    assert only(needs([silent])).key == "k1/kill_fee/pause_work/1"


def test_a_paid_prepayment_is_not_resumed_here() -> None:
    # Resuming waits for everything the pause covers, invoices too: `planner._settlement`.
    paid = invoice(
        "dep-1", "500.00", kind="deposit", payments=[{"date": "2026-03-09", "amount": 500}]
    )
    history = [system("2026-03-06", "pause_work", "k1/deposit/pause_work/1")]

    assert needs([UNPAID_START], [paid], history) == []


def test_a_paid_prepayment_never_paused_needs_nothing() -> None:
    paid = invoice(
        "dep-1", "500.00", kind="deposit", payments=[{"date": "2026-03-04", "amount": 500}]
    )

    assert needs([UNPAID_START], [paid]) == []


def test_finished_work_is_not_paused() -> None:
    finished = UNPAID_START | {"work_finished": "2026-03-09"}

    assert needs([finished]) == []


def test_work_finishing_later_is_still_paused() -> None:
    finishing = UNPAID_START | {"work_finished": "2026-03-11"}

    assert only(needs([finishing])).kind == "pause_work"


# -- rule 2: milestones --------------------------------------------------------------------

STAGES = contract(
    milestones=[
        {"id": "m1", "name": "Design", "amount": "2000.00", "due": "2026-03-01"},
        {"id": "m2", "name": "Build", "amount": "3000.00", "due": "2026-03-25"},
    ]
)


def test_each_unbilled_milestone_is_requested_from_its_due_date() -> None:
    found = needs([STAGES])

    assert [(n.key, n.not_before, n.amount, n.deadline) for n in found] == [
        ("k1/m1/request_milestone/1", TODAY, D("2000.00"), None),
        ("k1/m2/request_milestone/1", date(2026, 3, 25), D("3000.00"), None),
    ]
    assert "milestone m1 'Design' of contract k1 (2000.00 PLN) is due 2026-03-01" in found[0].reason


def test_a_billed_milestone_is_chased_as_an_invoice() -> None:
    bill = invoice("ms-1", "2000.00", kind="milestone", milestone="m1")

    assert [n.topic for n in needs([STAGES], [bill])] == ["m2"]


def test_a_cancelled_milestone_invoice_leaves_the_milestone_unbilled() -> None:
    bill = invoice("ms-1", "2000.00", kind="milestone", milestone="m1", status="cancelled")

    assert [n.topic for n in needs([STAGES], [bill])] == ["m1", "m2"]


def test_a_milestone_request_that_got_through_is_not_repeated() -> None:
    history = [
        event("2026-03-02", key="k1/m1/request_milestone/1", outcome="bounced"),
        event("2026-03-03", key="k1/m2/request_milestone/1", outcome="read"),
    ]

    need = only(needs([STAGES], history=history))

    assert need.key == "k1/m1/request_milestone/2"
    assert "request 1 did not arrive" in need.reason


# -- rule 3: kill fee ----------------------------------------------------------------------

SILENT_JOB = contract(
    value="8000.00",
    work_started="2026-03-01",
    kill_fee={"after_silence": "21d", "rate": "25"},
    milestones=[
        {"id": "m1", "name": "Design", "amount": "2000.00", "due": "2026-03-05"},
        {"id": "m2", "name": "Build", "amount": "3000.00", "due": "2026-03-15"},
        {"id": "m3", "name": "Launch", "amount": "3000.00", "due": "2026-04-30"},
    ],
)
DESIGN_BILL = invoice("ms-1", "2000.00", kind="milestone", milestone="m1")
SILENCE_ENDS = date(2026, 3, 22)


def kill_fee_of(found: list[WorkNeed]) -> WorkNeed:
    return only([n for n in found if n.topic == "kill_fee"])


def test_silence_after_work_started_pauses_the_work_with_a_kill_fee() -> None:
    need = kill_fee_of(needs([SILENT_JOB], [DESIGN_BILL], today=SILENCE_ENDS))

    assert (need.key, need.kind, need.not_before) == (
        "k1/kill_fee/pause_work/1",
        "pause_work",
        SILENCE_ENDS,
    )
    assert need.amount == D("4500.00")  # 25 % of 6000.00, and the Build stage done but unbilled
    [charge] = need.charges
    assert (charge.kind, charge.invoice, charge.amount, charge.currency) == (
        "kill_fee",
        "k1",
        D("1500.00"),
        "PLN",
    )
    assert charge.as_of == SILENCE_ENDS
    assert charge.rule == (
        "kill fee: 25 % of the remaining contract value 6000.00 (value 8000.00 less 2000.00 "
        "billed) after 21 days of silence since 2026-03-01"
    )
    [line] = charge.lines
    assert (line.from_, line.to, line.days) == (date(2026, 3, 1), SILENCE_ENDS, 21)
    assert (line.base, line.rate, line.amount) == (D("6000.00"), D(25), D("1500.00"))
    assert "since 2026-03-01 (work started)" in need.reason
    assert "bill the work done: m2 Build 3000.00" in need.reason
    assert "not lifted automatically" in need.reason


def test_no_kill_fee_before_the_silence_has_lasted() -> None:
    found = needs([SILENT_JOB], [DESIGN_BILL], today=SILENCE_ENDS - timedelta(days=1))

    assert [n.topic for n in found] == ["m2", "m3"]


def test_the_kill_fee_and_the_stage_requests_are_sorted_by_date_then_key() -> None:
    found = needs([SILENT_JOB], [DESIGN_BILL], today=SILENCE_ENDS)

    assert [n.key for n in found] == [
        "k1/kill_fee/pause_work/1",
        "k1/m2/request_milestone/1",
        "k1/m3/request_milestone/1",
    ]


def test_a_kill_fee_by_amount_is_charged_as_agreed() -> None:
    job = SILENT_JOB | {"kill_fee": {"after_silence": "21d", "amount": "500.00"}}
    paid_for = invoice("ms-2", "3000.00", kind="milestone", milestone="m2")

    need = kill_fee_of(needs([job], [DESIGN_BILL, paid_for], today=SILENCE_ENDS))

    [charge] = need.charges
    assert (need.amount, charge.amount) == (D("500.00"), D("500.00"))
    assert charge.rule == "kill fee: 500.00 as agreed after 21 days of silence since 2026-03-01"
    assert charge.lines[0].rate is None
    assert "no work done is left unbilled" in need.reason


def test_the_remaining_value_never_goes_below_zero() -> None:
    overbilled = invoice("i1", "9000.00")

    need = kill_fee_of(needs([SILENT_JOB], [overbilled], today=SILENCE_ENDS))

    assert need.charges[0].amount == D("0.00")
    assert "value 8000.00 less 9000.00 billed" in need.charges[0].rule


def test_materials_invoices_do_not_reduce_the_remaining_value() -> None:
    materials = invoice("mat-1", "1000.00", kind="materials")

    need = kill_fee_of(needs([SILENT_JOB], [DESIGN_BILL, materials], today=SILENCE_ENDS))

    assert need.charges[0].amount == D("1500.00")


def test_a_reply_breaks_the_silence_from_its_local_date() -> None:
    # 23:30 UTC on 9 March is already 10 March in Warsaw.
    reply = event("2026-03-09", direction="in", kind="reply", channel="email", outcome=None)
    reply["at"] = "2026-03-09T23:30:00+00:00"

    assert needs([SILENT_JOB], [DESIGN_BILL], [reply], today=SILENCE_ENDS)[0].topic == "m2"
    need = kill_fee_of(needs([SILENT_JOB], [DESIGN_BILL], [reply], today=date(2026, 3, 31)))
    assert need.charges[0].lines[0].from_ == date(2026, 3, 10)
    assert "since 2026-03-10 (last heard from)" in need.reason


def test_our_own_contacts_do_not_break_the_silence() -> None:
    ours = event("2026-03-15", kind="call", channel="phone", outcome="no_answer")

    assert kill_fee_of(needs([SILENT_JOB], [DESIGN_BILL], [ours], today=SILENCE_ENDS))


def test_a_contract_paused_for_the_kill_fee_is_not_paused_again() -> None:
    history = [system("2026-03-22", "pause_work", "k1/kill_fee/pause_work/1")]

    found = needs([SILENT_JOB], [DESIGN_BILL], history, today=date(2026, 4, 1))

    assert all(n.topic != "kill_fee" for n in found)


def test_still_silent_after_a_resume_is_paused_again() -> None:
    history = [
        system("2026-03-22", "pause_work", "k1/kill_fee/pause_work/1"),
        system("2026-03-25", "resume_work", "k1/kill_fee/resume_work/1"),
    ]

    found = needs([SILENT_JOB], [DESIGN_BILL], history, today=date(2026, 4, 1))

    assert kill_fee_of(found).key == "k1/kill_fee/pause_work/2"


def test_a_deposit_pause_is_not_a_kill_fee_pause() -> None:
    history = [system("2026-03-20", "pause_work", "k1/deposit/pause_work/1")]

    assert kill_fee_of(needs([SILENT_JOB], [DESIGN_BILL], history, today=SILENCE_ENDS))


@pytest.mark.parametrize(
    "clauses",
    [
        pytest.param({"work_finished": "2026-03-20"}, id="finished"),
        pytest.param({"work_started": "2026-03-23"}, id="not-started"),
        pytest.param({"work_started": None}, id="no-start-date"),
        pytest.param({"kill_fee": None}, id="no-clause"),
    ],
)
def test_no_kill_fee_outside_running_work(clauses: Json) -> None:
    found = needs([SILENT_JOB | clauses], [DESIGN_BILL], today=SILENCE_ENDS)

    assert all(n.topic != "kill_fee" for n in found)


def test_silence_in_business_days_skips_holidays() -> None:
    # Easter Monday (6 April 2026) is a public holiday in Poland: ten business days after
    # Wednesday 1 April end on Thursday 16 April, not Wednesday 15 April.
    job = contract(value="1000.00", work_started="2026-04-01")
    job["kill_fee"] = {"after_silence": "10bd", "amount": "100.00"}

    assert needs([job], today=date(2026, 4, 15)) == []
    need = only(needs([job], today=date(2026, 4, 16)))
    assert "after 10 business days of silence" in need.charges[0].rule
    assert "silence ended 2026-04-16" in need.reason


def test_a_fixed_calendar_counts_only_weekends() -> None:
    job = contract(value="1000.00", work_started="2026-04-01")
    job["kill_fee"] = {"after_silence": "1bd", "amount": "100.00"}

    assert only(needs([job], today=date(2026, 4, 2), calendar=FixedCalendar())).amount == D(
        "100.00"
    )
    assert "1 business day of silence" in only(needs([job], today=date(2026, 4, 2))).charges[0].rule


# -- money and scope -----------------------------------------------------------------------


def test_yen_amounts_are_rounded_to_whole_yen() -> None:
    yen = contract(
        currency="JPY",
        value="10001",
        deposit={"rate": "25"},
        materials={"rate": "33"},
        work_started="2026-03-20",
    )

    assert [n.amount for n in needs([yen])] == [D("2500"), D("3300")]
    started = yen | {"deposit": None, "materials": None, "work_started": "2026-02-01"}
    started["kill_fee"] = {"after_silence": "7d", "rate": "12.5"}
    [need] = needs([started])
    assert need.amount == D("1250")  # 1250.125 yen
    assert need.charges[0].lines[0].amount == D("1250.125")
    assert "12.5 % of the remaining contract value 10001 (value 10001 less 0 billed)" in need.reason


def test_other_clients_contracts_and_events_are_ignored() -> None:
    case = Case.model_validate(
        {
            "version": 1,
            "clients": [
                {"id": "c1", "name": "A", "country": "PL", "timezone": "Europe/Warsaw"},
                {"id": "c2", "name": "B", "country": "PL", "timezone": "Europe/Warsaw"},
            ],
            "contracts": [
                contract("k1", value="100.00", deposit={"rate": "50"}),
                contract("k2", client="c2", value="100.00", deposit={"rate": "50"}),
            ],
            "invoices": [],
            "history": [event("2026-03-01", key="k1/deposit/request_deposit/1") | {"client": "c2"}],
        }
    )

    found = work_needs(
        "c1",
        case.contracts,
        case.invoices,
        case.history,
        today=TODAY,
        calendar=POLAND,
        local_date=local_date,
    )

    assert [n.key for n in found] == ["k1/deposit/request_deposit/1"]


@pytest.mark.parametrize("clause", ["deposit", "materials", "kill_fee"])
def test_a_share_of_an_unknown_value_gives_nothing(clause: str) -> None:
    # Case validation refuses such a contract; a Contract built on its own can still hold it.
    terms: Json = {"rate": "10"} | ({"after_silence": "0d"} if clause == "kill_fee" else {})
    unchecked = Contract.model_validate(contract(work_started="2026-03-01", **{clause: terms}))

    found = work_needs(
        "c1", [unchecked], [], [], today=TODAY, calendar=POLAND, local_date=local_date
    )

    assert found == []


# -- properties ----------------------------------------------------------------------------

# Rates from a token share to more than the whole (a contract may ask it), with a fraction.
_RATES = st.sampled_from(["0.5", "10", "12.5", "25", "33.3", "50", "100", "150"])
_SILENCES = st.sampled_from(["0d", "7d", "21d", "10bd", "2w", "36h", "+1w@TU"])
_OUTCOMES = st.sampled_from([None, "delivered", "bounced", "failed", "read"])
_KINDS = ("request_deposit", "request_milestone", "pause_work", "resume_work")


@st.composite
def rate_or_amount(draw: st.DrawFn, currency: str) -> Json:
    if draw(st.booleans()):
        return {"rate": draw(_RATES)}
    least = minor_unit(currency)  # an amount must be positive
    return {"amount": draw(amounts(currency=currency, min_value=least, max_value=D(50_000)))}


@st.composite
def work_contracts(draw: st.DrawFn, contract_id: str, currency: str, today: date) -> Json:
    """A work contract whose clauses, value, stages and work dates all vary independently.

    Dates lie within two months of `today`, so work may be ahead, running or finished.
    """
    terms: Json = contract(contract_id, currency=currency)
    near = st.integers(min_value=-60, max_value=60).map(lambda days: today + timedelta(days))
    stages = draw(st.integers(min_value=0, max_value=3))
    terms["milestones"] = [
        {
            "id": f"m{n}",
            "name": f"Stage {n}",
            "amount": draw(amounts(currency=currency, min_value=D(1), max_value=D(20_000))),
            "due": draw(near).isoformat(),
        }
        for n in range(stages)
    ]
    if draw(st.booleans()):
        terms["deposit"] = draw(st.one_of(st.just({}), rate_or_amount(currency))) | {
            "due_before_start": draw(st.booleans())
        }
    if draw(st.booleans()):
        terms["materials"] = draw(rate_or_amount(currency))
    if draw(st.booleans()):
        terms["kill_fee"] = draw(rate_or_amount(currency)) | {"after_silence": draw(_SILENCES)}
    if draw(st.booleans()) or not stages:  # a share needs a value: stages or a stated one
        terms["value"] = draw(amounts(currency=currency, min_value=D(1), max_value=D(100_000)))
    if draw(st.booleans()):
        started = draw(near)
        terms["work_started"] = started.isoformat()
        if draw(st.booleans()):
            finished = started + timedelta(draw(st.integers(min_value=0, max_value=90)))
            terms["work_finished"] = finished.isoformat()
    return terms


@st.composite
def work_invoices(draw: st.DrawFn, terms: Json, index: int, today: date) -> Json:
    """A work, prepayment or stage invoice of `terms`, paid in part, in full or not, maybe later."""
    currency = terms["currency"]
    kinds = ["invoice", "deposit", "materials"] + (["milestone"] if terms["milestones"] else [])
    kind = draw(st.sampled_from(kinds))
    total = draw(amounts(currency=currency, max_value=D(50_000)))
    bill: Json = {
        "id": f"i{index}",
        "contract": terms["id"],
        "issued": (today - timedelta(30)).isoformat(),
        "due": (today - timedelta(15)).isoformat(),
        "total": total,
        "currency": currency,
        "kind": kind,
        "status": draw(st.sampled_from(["open", "open", "disputed", "written_off", "cancelled"])),
    }
    if kind == "milestone":
        bill["milestone"] = draw(st.sampled_from([m["id"] for m in terms["milestones"]]))
    if D(total) > 0 and draw(st.booleans()):
        day = today + timedelta(draw(st.integers(min_value=-30, max_value=5)))
        bill["payments"] = [{"date": day.isoformat(), "amount": total}]
    return bill


@st.composite
def work_events(draw: st.DrawFn, contracts: list[Json], today: date) -> Json:
    """A past request, pause or resume keyed to one of the contracts, or a word from the client."""
    terms = draw(st.sampled_from(contracts))
    at = datetime.combine(today - timedelta(draw(st.integers(0, 60))), time(10), WARSAW)
    if draw(st.integers(0, 3)) == 0:
        return {"at": at.isoformat(), "client": "c1", "direction": "in", "kind": "reply"}
    topics = ["deposit", "materials", "kill_fee", *(m["id"] for m in terms["milestones"])]
    kind = draw(st.sampled_from(_KINDS))
    key = f"{terms['id']}/{draw(st.sampled_from(topics))}/{kind}/{draw(st.integers(1, 3))}"
    recorded = kind if kind in ("pause_work", "resume_work") else "reminder"
    return {
        "at": at.isoformat(),
        "client": "c1",
        "direction": "out",
        "kind": recorded,
        "channel": "system" if recorded != "reminder" else "email",
        "key": key,
        "outcome": draw(_OUTCOMES),
    }


@st.composite
def work_cases(draw: st.DrawFn) -> tuple[Case, date]:
    """One client's work contracts (1-3, one currency), invoices (0-5) and history (0-6)."""
    today = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 30)))
    currency = draw(currencies())
    count = draw(st.integers(min_value=1, max_value=3))
    terms = [draw(work_contracts(f"k{n}", currency, today)) for n in range(count)]
    bills = [
        draw(work_invoices(draw(st.sampled_from(terms)), n, today))
        for n in range(draw(st.integers(0, 5)))
    ]
    history = sorted(
        (draw(work_events(terms, today)) for _ in range(draw(st.integers(0, 6)))),
        key=lambda e: e["at"],
    )
    case = example_case(contracts=terms, invoices=bills, history=history)
    return Case.model_validate(case), today


def plan_work(case: Case, today: date) -> list[WorkNeed]:
    return work_needs(
        "c1",
        case.contracts,
        case.invoices,
        case.history,
        today=today,
        calendar=POLAND,
        local_date=local_date,
    )


@given(work_cases())
def test_amounts_are_never_negative_and_in_the_minor_unit(drawn: tuple[Case, date]) -> None:
    for need in plan_work(*drawn):
        assert need.amount >= 0
        assert need.amount == round_money(need.amount, need.currency)
        assert all(c.amount >= 0 for c in need.charges)


@given(work_cases())
def test_every_need_comes_from_a_clause_of_its_contract(drawn: tuple[Case, date]) -> None:
    case, today = drawn
    contracts = {c.id: c for c in case.contracts}
    for need in plan_work(case, today):
        terms = contracts[need.contract]
        if need.topic == "deposit":
            assert terms.deposit is not None
            assert terms.deposit.due_before_start
        elif need.topic == "materials":
            assert terms.materials is not None
        elif need.topic == "kill_fee":
            assert terms.kill_fee is not None
            assert need.kind == "pause_work"
        else:
            assert need.kind == "request_milestone"
            assert need.topic in {m.id for m in terms.milestones}


@given(work_cases())
def test_keys_are_unique_and_needs_sorted_from_today(drawn: tuple[Case, date]) -> None:
    case, today = drawn
    found = plan_work(case, today)

    keys = [n.key for n in found]
    assert len(set(keys)) == len(keys)
    assert found == sorted(found, key=lambda n: (n.not_before, n.key))
    assert all(n.not_before >= today and n.reason for n in found)


@given(work_cases())
def test_one_pause_of_work_per_contract_at_a_time(drawn: tuple[Case, date]) -> None:
    # A contract's work is paused once: a prepayment unpaid joins a pause in force; only a
    # kill fee, which bills its fee, is planned while the work is paused for something else.
    case, today = drawn
    pauses = [n for n in plan_work(case, today) if n.kind == "pause_work"]
    assert len({n.contract for n in pauses}) == len(pauses), [n.key for n in pauses]
    for need in pauses:
        if need.topic == "kill_fee":
            continue
        mine = [
            e
            for e in case.history
            if (e.key or "").startswith(f"{need.contract}/")
            and e.kind in ("pause_work", "resume_work")
            and e.outcome not in ("bounced", "failed")
        ]
        assert not mine or mine[-1].kind == "resume_work", (need.key, [e.key for e in mine])


@given(work_cases())
def test_contracts_without_work_clauses_need_nothing(drawn: tuple[Case, date]) -> None:
    case, today = drawn
    bare = [
        c.model_copy(
            update={"deposit": None, "materials": None, "kill_fee": None, "milestones": ()}
        )
        for c in case.contracts
    ]

    assert plan_work(case.model_copy(update={"contracts": tuple(bare)}), today) == []
