"""SPEC §5 rule 10, per contract: one suspension and one pause of work in force at a time.

A client owing several invoices of one contract is walked through the saas ladder for months
(`simulate`), paying some invoices on random days: the service is never suspended twice
without a restore between, and it is restored only once every invoice the suspension covers
is paid — those it named, and the later ones whose own suspension step joined it. Single
plans never pause the work on one contract twice at one moment, whatever pauses it: an unpaid
deposit or materials, a kill fee, an invoice ladder's pause step, a project chase's. (That no
plan suspends a contract suspended already is `test_rule_10_suspension`'s.)
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    amounts,
    cases,
    checked,
    clients,
    contracts,
    inline_policies,
    nows,
)

import paychase
from paychase import Policy
from paychase.simulation import SimulationEntry, simulate

_SCALE = 2 if settings.default.max_examples >= 100 else 1
# A simulation plans a few dozen times: a handful of clients is enough to meet every order.
_SIMULATED = settings(max_examples=6 * _SCALE, suppress_health_check=[HealthCheck.too_slow])
_DAYS = 150  # long enough for three invoices a month apart to reach their legal step


@st.composite
def saas_clients(draw: st.DrawFn) -> tuple[Json, datetime, list[Json]]:
    """One client under the saas ladder (built in or a variant) owing 2-3 invoices of one
    contract with suspension terms, falling due 0-30 days apart from the first weeks of the
    simulation, each paid on a random day of it or never."""
    policy = draw(st.sampled_from(["saas"]) | inline_policies(bases=["saas"]))
    client = draw(clients(client_id="c1"))
    contract = draw(contracts(contract_id="k1", client_id="c1", suspension=True))
    start = draw(nows())
    due = start.astimezone(ZoneInfo(client["timezone"])).date()
    invoices, script = [], []
    for n in range(1, draw(st.integers(2, 3)) + 1):
        due += timedelta(days=draw(st.integers(0, 30)))
        invoices.append(
            {
                "id": f"i{n}",
                "contract": "k1",
                "issued": (due - timedelta(days=14)).isoformat(),
                "due": due.isoformat(),
                "currency": contract["currency"],
                "total": draw(amounts(currency=contract["currency"], min_value=Decimal(1))),
            }
        )
        if draw(st.booleans()):
            day = draw(st.integers(1, _DAYS - 30))
            script.append({"on": f"+{day}d", "client": "c1", "do": "pay", "invoice": f"i{n}"})
    case: Json = {
        "version": 1,
        "policy": policy,
        "clients": [client],
        "contracts": [contract],
        "invoices": invoices,
        "history": [],
    }
    return case, start, script


@_SIMULATED
@given(saas_clients())
def test_rule_10_one_suspension_at_a_time_restored_once_all_it_covers_is_paid(
    drawn: tuple[Json, datetime, list[Json]],
) -> None:
    case, start, script = drawn
    ladder = checked(case).policy
    timeline = simulate(case, now=start, until=start + timedelta(days=_DAYS), script=script)
    paid: set[str] = set()
    covered: set[str] = set()  # named by the suspension in force, or past their own step
    suspended = False
    for entry in timeline.entries:
        if entry.what == "pay":
            paid.update(entry.invoices)
        elif entry.what == "suspend_service":
            assert not suspended, f"a second suspension: {entry.key}"
            suspended = True
            covered.update(entry.invoices)
        elif entry.what == "restore_service":
            assert suspended, f"a restore of nothing: {entry.key}"
            assert covered <= paid, (entry.key, sorted(covered - paid))
            suspended, covered = False, set()
        elif suspended:  # an invoice whose own suspension step came joined it
            covered.update(
                i for i, step in _own_steps(entry).items() if _after_suspension(ladder, step)
            )
    if suspended and {i["id"] for i in case["invoices"]} <= paid:
        raise AssertionError("everything is paid, but the service stays suspended")


def _own_steps(entry: SimulationEntry) -> dict[str, str | None]:
    """Each invoice's own step in a performed action: the action's, or the one its key names
    for an invoice at another step (``k1/i1+i2@warning/final/1``: i2 is at its warning)."""
    own: dict[str, str | None] = dict.fromkeys(entry.invoices, entry.step)
    if entry.key is None:
        return own
    for named in entry.key.split("/")[1].split("+"):
        invoice, _, step = named.partition("@")
        if step:
            own[invoice] = step.partition("#")[0]  # a repeated step's sending counts as it
    return own


def _after_suspension(ladder: Policy, step: str | None) -> bool:
    """Whether `step` comes after the ladder's suspension step."""
    index = ladder.step_index(step) if step is not None else None
    return index is not None and any(s.suspends for s in ladder.steps[:index])


# An invoice ladder that pauses the work on the contract after a reminder stating a deadline.
_PAUSING: Json = {
    "name": "pausing",
    "min_gap": "0d",
    "steps": [
        {
            "id": "reminder",
            "from": "due",
            "offset": "+1d",
            "action": "send_reminder",
            "deadline": "3d",
        },
        {"id": "pause", "from": "deadline", "offset": "+1d", "action": "pause_work"},
    ],
}


@st.composite
def work_clients(draw: st.DrawFn) -> tuple[Json, datetime]:
    """One client's work contract k1 that may pause for every reason at once: a deposit and
    materials unpaid since work started, a kill fee after a silence, invoices whose ladder
    pauses the work, a project chase reaching its pause step; perhaps paused or resumed
    already, for any of them."""
    now = draw(nows())
    client = draw(clients(client_id="c1"))
    today = now.astimezone(ZoneInfo(client["timezone"])).date()
    started = today - timedelta(days=draw(st.integers(0, 40)))
    contract: Json = {
        "id": "k1",
        "client": "c1",
        "currency": "EUR",
        "value": "1000.00",
        "work_started": started.isoformat(),
    }
    if draw(st.booleans()):
        contract["deposit"] = {"rate": draw(st.sampled_from(["10", "50"]))}
    if draw(st.booleans()):
        contract["materials"] = {"amount": "100.00"}
    if draw(st.booleans()):
        contract["kill_fee"] = {"after_silence": draw(st.sampled_from(["0d", "7d"])), "rate": "25"}
    invoices, history = [], []
    for n in range(1, draw(st.integers(0, 3)) + 1):
        due = today - timedelta(days=draw(st.integers(0, 40)))
        invoices.append(
            {
                "id": f"i{n}",
                "contract": "k1",
                "issued": due.isoformat(),
                "due": due.isoformat(),
                "currency": "EUR",
                "total": "200.00",
            }
        )
        reminded = datetime.combine(due + timedelta(days=1), time(10), ZoneInfo(client["timezone"]))
        if reminded < now and draw(st.booleans()):
            history.append(_reminded(reminded, f"i{n}"))
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["pause_work", "resume_work"]))
        topic = draw(st.sampled_from(["deposit", "materials", "kill_fee", "i1"]))
        at = now - timedelta(hours=draw(st.integers(1, 24 * 30)))
        history.append(
            {
                "at": at.isoformat(),
                "client": "c1",
                "invoices": [],
                "direction": "out",
                "kind": kind,
                "channel": "system",
                "key": f"k1/{topic}/{kind}/1",
            }
        )
    case: Json = {
        "version": 1,
        "policy": _PAUSING,
        "clients": [client],
        "contracts": [contract],
        "invoices": invoices,
        "history": sorted(history, key=lambda e: datetime.fromisoformat(e["at"])),
    }
    if draw(st.booleans()):
        case["chases"] = [
            {
                "id": "p1",
                "client": "c1",
                "kind": "project",
                "contract": "k1",
                "started": (now - timedelta(days=draw(st.integers(0, 60)))).isoformat(),
                "subject": "the mock-ups",
            }
        ]
    return case, now


def _reminded(at: datetime, invoice: str) -> Json:
    return {
        "at": at.isoformat(),
        "client": "c1",
        "invoices": [invoice],
        "direction": "out",
        "kind": "reminder",
        "step": "reminder",
        "channel": "email",
        "key": f"k1/{invoice}/reminder/1",
        "deadline": (at.date() + timedelta(days=3)).isoformat(),
    }


@given(st.one_of(work_clients(), cases()))
def test_rule_10_never_two_pauses_of_work_for_one_contract_at_one_moment(
    case_and_now: tuple[Json, datetime],
) -> None:
    case, now = case_and_now
    parties = Parties(checked(case))
    contracts_of = {chase.id: chase.contract for chase in parties.case.chases}
    pauses = Counter(
        (contract, action.at)
        for action in paychase.plan(case, now=now).actions
        if action.kind == "pause_work"
        for contract in (
            {parties.invoice(i).contract for i in action.invoices}
            or {contracts_of.get(action.chase or "") or action.key.split("/", 1)[0]}
        )
    )
    assert all(count == 1 for count in pauses.values()), pauses
