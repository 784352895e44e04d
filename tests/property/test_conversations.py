"""SPEC §7 conversations (rule 7 and around it): instalment plans, promises, disputes, chases.

Each property builds one client with one contract and a few invoices (any built-in ladder or a
variant of one), adds the conversation under test — a plan agreed and kept or broken, promises
kept or broken, disputes raised and resolved, a silent prospect — and either plans at random
moments or walks the case forward with `paychase.simulation.simulate`. The oracles restate the
rules from the SPEC and the issue, not from the planner: what an instalment plan asks for comes from
`instalment_schedule` (itself checked below), whether it was kept from the payments dated by
each instalment's grace end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from itertools import pairwise

from babel.numbers import get_currency_precision
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    amounts,
    calendar_of,
    checked,
    clients,
    contracts,
    currencies,
    example_case,
    example_client,
    example_invoice,
    inline_policies,
    ladder_walks,
    legal_due,
    local,
    policies,
    policy_of,
    regime_of,
    settled_on,
    start_of,
)

import paychase
import paychase.simulation
from paychase import Action, Client, Frequency, Instalment, Invoice, Plan, Policy

# Invoices issued from spring 2025 to early 2027: DST changes, Easter and year ends in every
# country of `clients()`, inside the years the holiday calendars and rate tables cover.
_FIRST_DAY = date(2025, 3, 1)
_LAST_DAY = date(2027, 1, 31)
# What dunns a client about an invoice (SPEC rule 2): contacts, fees, sanctions, escalation.
_DUNNING = frozenset(
    {
        "send_reminder",
        "call",
        "send_letter",
        "escalate",
        "apply_fee",
        "suspend_service",
        "pause_work",
    }
)
# What may concern an invoice whatever its state: a person's review, undoing a sanction.
_NOT_DUNNING = frozenset({"review", "restore_service", "resume_work"})
_INSTALMENT_STEPS = frozenset({"instalment", "instalment_missed"})
# Frequencies of the issue: calendar months (month ends clamp), fortnights, ten days.
_EVERY = ("1m", "2w", "10d")
# Slow properties (each example walks weeks of a case through `simulate`) run fewer examples
# than the profile's default; `ci` still searches more than `dev`.
_SCALE = 2 if settings.default.max_examples >= 100 else 1
_SLOW = settings(max_examples=8 * _SCALE, suppress_health_check=[HealthCheck.too_slow])
_SLOWER = settings(max_examples=3 * _SCALE, suppress_health_check=[HealthCheck.too_slow])


# -- strategies ---------------------------------------------------------------------------


def payment_policies() -> st.SearchStrategy[str | Json]:
    """A built-in payment ladder by name, or a variant with other gaps, hours and pauses.

    Variants keep their steps, tones and `resume_index`, so the broken-commitment properties
    know where the ladder must resume.
    """
    return st.one_of(st.sampled_from(paychase.BUILTIN_POLICIES), inline_policies())


@st.composite
def portfolios(
    draw: st.DrawFn,
    *,
    min_invoices: int = 1,
    max_invoices: int = 3,
    policies: st.SearchStrategy[str | Json] | None = None,
) -> Json:
    """One client (c1), one contract (k1) and `min_invoices`-`max_invoices` open invoices, no
    payments and no history yet.

    Invoices are issued within three weeks of each other and fall due 0-30 days later; totals
    of 20 to 50,000 units leave every instalment of a 12-part plan at least one minor unit.
    """
    client = draw(clients(client_id="c1"))
    contract = draw(contracts(contract_id="k1", client_id="c1"))
    currency = contract["currency"]
    first = draw(st.dates(_FIRST_DAY, _LAST_DAY))
    invoices = []
    for n in range(1, draw(st.integers(min_invoices, max_invoices)) + 1):
        issued = first + timedelta(days=draw(st.integers(0, 20)))
        due = issued + timedelta(days=draw(st.integers(0, 30)))
        total = draw(amounts(currency=currency, min_value=Decimal(20), max_value=Decimal(50_000)))
        invoices.append(
            {
                "id": f"i{n}",
                "contract": "k1",
                "issued": issued.isoformat(),
                "due": due.isoformat(),
                "total": total,
                "currency": currency,
            }
        )
    return {
        "version": 1,
        "policy": draw(policies if policies is not None else payment_policies()),
        "clients": [client],
        "contracts": [contract],
        "invoices": invoices,
        "history": [],
    }


def _client(case: Json) -> Client:
    return checked(case).clients[0]


def _perhaps_walked(draw: st.DrawFn, case: Json, since: date, until: date) -> None:
    """Half the time, the case's ladder walked over all its invoices from 09:00 on `since` to
    the start of `until` (the client's days): what happened before the conversation."""
    if draw(st.booleans()):
        client = _client(case)
        case["history"] = draw(
            ladder_walks(
                policy=policy_of(case["policy"]),
                client=case["clients"][0],
                invoice_ids=[i["id"] for i in case["invoices"]],
                since=start_of(since, client) + timedelta(hours=9),
                until=start_of(until, client),
            )
        )


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _moment(
    draw: st.DrawFn, day: date, client: Client, *, hours: tuple[int, int] = (0, 24)
) -> datetime:
    """A moment of the client's local `day`, `hours` after its midnight (elapsed time, so never
    a wall time a DST change skips), in the client's zone."""
    low, high = hours
    minutes = draw(st.integers(low * 60, high * 60 - 1))
    moment = start_of(day, client).astimezone(UTC) + timedelta(minutes=minutes)
    last = start_of(day + timedelta(days=1), client) - timedelta(minutes=1)  # a 23-hour day
    return local(min(moment, last), client)


def _unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


def _pay(case: Json, invoice_ids: Sequence[str], day: date, amount: Decimal) -> None:
    """Book `amount` on `day` across the invoices, oldest first, never beyond what each bills."""
    left = amount
    for invoice in case["invoices"]:
        if invoice["id"] not in invoice_ids or left <= 0:
            continue
        paid = sum((Decimal(p["amount"]) for p in invoice.get("payments", ())), Decimal(0))
        room = Decimal(invoice["total"]) - paid
        share = min(room, left)
        if share > 0:
            invoice.setdefault("payments", []).append(
                {"date": day.isoformat(), "amount": str(share)}
            )
            left -= share
    assert left == 0, "paid more than the invoices bill"


def _ladder_actions(actions: Sequence[Action], policy: Policy, invoice_id: str) -> list[Action]:
    """The actions about an invoice that perform a step of its ladder, in plan order.

    The booking of a fee for a message step performed earlier (its key says ``fee:``) is
    bookkeeping of a step already taken, not a step: it is left out.
    """
    return [
        action
        for action in actions
        if invoice_id in action.invoices
        and action.step is not None
        and policy.step_index(action.step) is not None
        and "/fee:" not in action.key
    ]


def _assert_resumes(policy: Policy, action: Action, *words: str) -> None:
    """A broken commitment resumes the ladder at its firm step or later, and says why."""
    index = policy.step_index(action.step or "")
    assert index is not None, action.key
    assert index >= policy.resume_index, (action.key, policy.steps[policy.resume_index].id)
    for word in words:
        assert word in action.reason, action.reason


def _settled(invoice: Invoice, day: date) -> bool:
    """Settled on `day` (SPEC rule 2), credit notes counted: they lower what the invoice bills
    (`Invoice.billed`), whatever their date, since the part credited was never owed."""
    return (
        settled_on(invoice, day)
        or sum((p.amount for p in invoice.payments if p.date <= day), Decimal(0)) >= invoice.billed
    )


def _state(result: Plan, invoice_id: str) -> str:
    return next(state.state for state in result.invoices if state.id == invoice_id)


# -- 8. schedules -------------------------------------------------------------------------


@st.composite
def _schedules(draw: st.DrawFn) -> tuple[Decimal, str, int, date, Frequency]:
    currency = draw(st.sampled_from(["JPY", "EUR", "KWD"]) | currencies())
    count = draw(st.integers(1, 360))
    low = Decimal(count) * _unit(currency)
    total = Decimal(draw(amounts(currency=currency, min_value=low, max_value=Decimal(10_000_000))))
    first = draw(st.dates(date(2000, 1, 1), date(2100, 12, 31)))
    every = Frequency.parse(draw(st.sampled_from([*_EVERY, "1d", "3m", "12m", "7d"])))
    return total, currency, count, first, every


@given(_schedules())
def test_instalment_schedule_sums_exactly(args: tuple[Decimal, str, int, date, Frequency]) -> None:
    total, currency, count, first, every = args
    plan = paychase.instalment_schedule(total, currency, count, first, every)
    assert sum(i.amount for i in plan) == total
    assert [i.number for i in plan] == list(range(1, count + 1))
    regular, last = plan[0].amount, plan[-1].amount
    unit = _unit(currency)
    # All but the last are equal and exact to the minor unit; the last absorbs the rest.
    assert all(i.amount == regular for i in plan[:-1])
    assert all(i.amount == i.amount.quantize(unit) and i.amount >= unit for i in plan)
    assert regular <= last < regular + count * unit
    assert plan[0].due == first
    assert all(a.due < b.due for a, b in pairwise(plan))


# -- 1. nothing is sent after payment in full ---------------------------------------------


@st.composite
def paying_clients(draw: st.DrawFn) -> tuple[Json, datetime, datetime, list[Json]]:
    """A portfolio under any policy, the start and end of a simulation, and a script in which
    the client pays each invoice in full on some day from five days before it falls due to
    75 days after; before that they may pay a part, promise, reply or dispute, and half the
    time an instalment plan covers some of the invoices."""
    case = draw(portfolios(policies=policies()))
    client = _client(case)
    first = min(_day(i["issued"]) for i in case["invoices"])
    start = _moment(draw, first - timedelta(days=draw(st.integers(0, 5))), client, hours=(6, 12))
    today = start.date()
    script: list[Json] = []
    last = today
    for invoice in case["invoices"]:
        due = _day(invoice["due"])
        day = max(due + timedelta(days=draw(st.integers(-5, 75))), today)
        if draw(st.booleans()):
            before = today + timedelta(days=draw(st.integers(0, (day - today).days)))
            move: Json = {"on": before.isoformat(), "client": "c1", "invoice": invoice["id"]}
            move["do"] = draw(st.sampled_from(["pay_in_part", "promise", "reply", "dispute"]))
            half = (Decimal(invoice["total"]) / 2).quantize(
                _unit(invoice["currency"]), rounding=ROUND_DOWN
            )
            if move["do"] == "pay_in_part":
                move["amount"] = str(half)
            elif move["do"] == "promise":
                move["date"] = (before + timedelta(days=draw(st.integers(0, 45)))).isoformat()
            elif move["do"] == "dispute" and draw(st.booleans()):
                move["amount"] = str(half)
            script.append(move)
        script.append(
            {"on": day.isoformat(), "client": "c1", "do": "pay", "invoice": invoice["id"]}
        )
        last = max(last, day)
    if draw(st.booleans()):
        latest = max(_day(i["issued"]) for i in case["invoices"])
        agreed = latest + timedelta(days=draw(st.integers(0, 30)))
        case["instalment_plans"] = [
            {
                "id": "p1",
                "client": "c1",
                "invoices": draw(
                    st.lists(
                        st.sampled_from([i["id"] for i in case["invoices"]]),
                        min_size=1,
                        unique=True,
                    )
                ),
                "agreed": agreed.isoformat(),
                "instalments": draw(st.integers(1, 6)),
                "first": (agreed + timedelta(days=draw(st.integers(0, 20)))).isoformat(),
                "every": draw(st.sampled_from(_EVERY)),
            }
        ]
    until = start_of(last + timedelta(days=draw(st.integers(1, 20))), client)
    return case, start, until, script


def _paid_in_full(timeline: paychase.simulation.Timeline, case: Json) -> dict[str, date]:
    """The local day each invoice was paid in full, from the payments the script made."""
    totals = {i["id"]: Decimal(i["total"]) for i in case["invoices"]}
    paid: dict[str, Decimal] = defaultdict(Decimal)
    days: dict[str, date] = {}
    for entry in timeline.entries:
        if entry.what not in ("pay", "pay_in_part") or entry.amount is None:
            continue
        (invoice_id,) = entry.invoices
        paid[invoice_id] += entry.amount
        if paid[invoice_id] >= totals[invoice_id]:
            days.setdefault(invoice_id, entry.at.date())
    return days


@_SLOW
@given(paying_clients())
def test_nothing_is_sent_after_payment_in_full(
    setup: tuple[Json, datetime, datetime, list[Json]],
) -> None:
    case, start, until, script = setup
    timeline = paychase.simulation.simulate(case, now=start, until=until, script=script)
    paid = _paid_in_full(timeline, case)
    for entry in timeline.entries:
        if entry.key is None or entry.what not in _DUNNING:
            continue
        late = [i for i in entry.invoices if i in paid and entry.at.date() >= paid[i]]
        if entry.step in _INSTALMENT_STEPS and len(late) < len(entry.invoices):
            continue  # a reminder of a plan that is still owed on, naming all its invoices
        assert not late, (entry.key, entry.at, {i: paid[i] for i in late})


# -- 2 and 3. instalment plans ------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """A case with one instalment plan (``p1``), its schedule, and the instalment left unpaid
    (None: every instalment was paid by its due date)."""

    case: Json
    invoices: tuple[str, ...]
    agreed: date
    instalments: tuple[Instalment, ...]
    grace_ends: tuple[date, ...]
    missed: int | None

    @property
    def broken_on(self) -> date:
        """The day after the missed instalment's grace ended."""
        assert self.missed is not None
        return self.grace_ends[self.missed] + timedelta(days=1)


@st.composite
def agreements(draw: st.DrawFn, *, broken: bool) -> Agreement:
    """A plan over 1-2 invoices agreed 0-40 days after the last was issued: 1-12 instalments
    every month, fortnight or ten days, the first 0-30 days after the agreement, with the
    contract's grace or its own.

    Before the agreement the ladder may have been walked and a part paid (the plan settles
    what was left). Each instalment is paid on a random day from the agreement to its due date
    (so some are paid ahead, several at once); with `broken`, one instalment is paid short or
    not at all, and what remains may be paid in full after its grace ended (too late to mend).
    """
    case = draw(portfolios(max_invoices=2))
    client = _client(case)
    calendar = calendar_of(client)
    ids = [i["id"] for i in case["invoices"]]
    covered = sorted(draw(st.lists(st.sampled_from(ids), min_size=1, unique=True)))
    first_issued = min(_day(i["issued"]) for i in case["invoices"])
    agreed = max(_day(i["issued"]) for i in case["invoices"]) + timedelta(
        days=draw(st.integers(0, 40))
    )
    _perhaps_walked(draw, case, first_issued, agreed)
    currency = case["invoices"][0]["currency"]
    unit = _unit(currency)
    bills = {i["id"]: Decimal(i["total"]) for i in case["invoices"]}
    if agreed > first_issued and draw(st.booleans()):
        target = draw(st.sampled_from(covered))
        issued = _day(next(i["issued"] for i in case["invoices"] if i["id"] == target))
        if issued < agreed:
            day = issued + timedelta(days=draw(st.integers(0, (agreed - issued).days - 1)))
            part = (bills[target] / draw(st.sampled_from([2, 3, 10]))).quantize(unit, ROUND_DOWN)
            _pay(case, [target], day, part)
    total = sum(
        (
            i.total - sum((p.amount for p in i.payments if p.date < agreed), Decimal(0))
            for i in checked(case).invoices
            if i.id in covered
        ),
        Decimal(0),
    )
    # At least one minor unit per instalment (a smaller split is refused, see test_instalments).
    count = draw(st.integers(1, min(12, int(total / unit))))
    first = agreed + timedelta(days=draw(st.integers(0, 30)))
    every = draw(st.sampled_from(_EVERY))
    plan: Json = {
        "id": "p1",
        "client": "c1",
        "invoices": covered,
        "agreed": agreed.isoformat(),
        "instalments": count,
        "first": first.isoformat(),
        "every": every,
    }
    own_grace = draw(st.sampled_from([None, None, "0d", "5d", "2bd"]))
    if own_grace is not None:
        plan["grace"] = own_grace
    case["instalment_plans"] = [plan]
    parsed = checked(case)
    schedule = paychase.instalment_schedule(total, currency, count, first, Frequency.parse(every))
    grace = parsed.instalment_plans[0].grace or parsed.contracts[0].grace
    regime = regime_of(parsed.contracts[0], parsed.clients[0])
    # The grace counts from the day the contract's law lets the instalment be paid.
    grace_ends = tuple(grace.shift_date(legal_due(i.due, regime), calendar) for i in schedule)
    missed = draw(st.integers(0, count - 1)) if broken else None
    for number, instalment in enumerate(schedule):
        if missed is not None and number >= missed:
            break
        day = agreed + timedelta(days=draw(st.integers(0, (instalment.due - agreed).days)))
        _pay(case, covered, day, instalment.amount)
    if missed is not None:
        instalment = schedule[missed]
        short = draw(st.integers(0, int(instalment.amount / unit) - 1)) * unit
        if short > 0:
            day = agreed + timedelta(days=draw(st.integers(0, (instalment.due - agreed).days)))
            _pay(case, covered, day, short)
        if draw(st.booleans()):
            late = grace_ends[missed] + timedelta(days=draw(st.integers(1, 60)))
            rest = sum(i.amount for i in schedule[missed:]) - short
            _pay(case, covered, late, rest)
    return Agreement(case, tuple(covered), agreed, schedule, grace_ends, missed)


def _check_honoured(agreement: Agreement, now: datetime) -> None:
    """At `now` the plan is kept: instalment notes only, no ladder step, state in_plan."""
    case = agreement.case
    parsed = checked(case)
    client, policy = parsed.clients[0], parsed.policy
    today = local(now, client).date()
    result = paychase.plan(case, now=now)
    for invoice in parsed.invoices:
        if invoice.id not in agreement.invoices:
            continue
        assert _ladder_actions(result.actions, policy, invoice.id) == [], invoice.id
        expected = "paid" if _settled(invoice, today) else "in_plan"
        assert _state(result, invoice.id) == expected, (invoice.id, today)
    for action in result.actions:
        if not set(action.invoices) & set(agreement.invoices):
            continue
        allowed = action.kind in _NOT_DUNNING or action.step in _INSTALMENT_STEPS
        assert allowed or "/fee:" in action.key, (action.key, action.reason)
        if action.step not in _INSTALMENT_STEPS:
            continue
        due = action.instalment
        assert due is not None, action.key
        assert due.plan == "p1", action.key
        assert agreement.instalments[due.number - 1].due == due.due
        day = local(action.at, client).date()
        if action.step == "instalment":
            assert day < due.due, (action.key, action.at, due.due)
        else:
            assert due.due < day <= agreement.grace_ends[due.number - 1], (action.key, action.at)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(agreements(broken=False), st.data())
def test_an_honoured_instalment_plan_produces_no_ladder_step(
    agreement: Agreement, data: st.DataObject
) -> None:
    client = _client(agreement.case)
    end = agreement.grace_ends[-1] + timedelta(days=15)
    for _ in range(data.draw(st.integers(1, 4), label="moments")):
        day = data.draw(st.dates(agreement.agreed, end), label="day")
        _check_honoured(agreement, _moment(data.draw, day, client))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(agreements(broken=True), st.data())
def test_a_broken_instalment_plan_always_escalates(
    agreement: Agreement, data: st.DataObject
) -> None:
    case = agreement.case
    parsed = checked(case)
    client, policy = parsed.clients[0], parsed.policy
    if agreement.broken_on > agreement.agreed + timedelta(days=1) and data.draw(
        st.booleans(), label="look before the break"
    ):
        day = data.draw(st.dates(agreement.agreed, agreement.broken_on - timedelta(days=1)))
        _check_honoured(agreement, _moment(data.draw, day, client))
    for _ in range(data.draw(st.integers(1, 3), label="moments")):
        day = data.draw(st.dates(agreement.broken_on, agreement.broken_on + timedelta(days=60)))
        now = _moment(data.draw, day, client)
        result = paychase.plan(case, now=now)
        for invoice in parsed.invoices:
            if invoice.id not in agreement.invoices or _settled(invoice, day):
                continue
            assert _state(result, invoice.id) != "in_plan", invoice.id
            about = [a for a in result.actions if invoice.id in a.invoices]
            assert not [a.key for a in about if a.instalment is not None]
            ladder = _ladder_actions(result.actions, policy, invoice.id)
            if ladder:
                _assert_resumes(policy, ladder[0], "instalment plan", "broken")


# -- 4 and 5. promises --------------------------------------------------------------------


@dataclass(frozen=True)
class Promises:
    """A case whose invoice ``i1`` got promises, each broken before the next was made; the
    last one's moment, date and hold (None: it asked for more than a promise may hold)."""

    case: Json
    made: datetime
    promised: date
    holds_until: date | None
    earlier: int


@st.composite
def promise_chains(draw: st.DrawFn, *, earlier: tuple[int, int], beyond: bool) -> Promises:
    """`earlier` broken promises about invoice i1, then one more: inside the hold its maker
    may ask for (`policy.max_promise_hold`, halved for each promise broken before) or, with
    `beyond`, further away than that.

    Each promise is for the whole balance or a part of it, and the payments made while it held
    fall short of it, so it is broken when its hold ends; the next one is made 1-10 days later.
    """
    case = draw(portfolios(max_invoices=2))
    parsed = checked(case)
    client, policy, contract = parsed.clients[0], parsed.policy, parsed.contracts[0]
    calendar = calendar_of(client)
    invoice = case["invoices"][0]
    issued, total = _day(invoice["issued"]), Decimal(invoice["total"])
    unit = _unit(invoice["currency"])
    day = issued + timedelta(days=draw(st.integers(0, 40)))
    _perhaps_walked(draw, case, issued, day)
    count = draw(st.integers(*earlier))
    made = start_of(day, client)
    promised, hold = day, None
    for number in range(count + 1):
        made = _moment(draw, day, client, hours=(8, 20))
        longest = (policy.max_promise_hold.shift_date(day, calendar) - day).days >> number
        if number == count and beyond:
            promised = day + timedelta(days=draw(st.integers(longest + 1, longest + 60)))
            hold = None
        else:
            promised = day + timedelta(days=draw(st.integers(0, longest)))
            hold = contract.grace.shift_date(promised, calendar) if number == 0 else promised
        event: Json = {
            "at": made.isoformat(),
            "client": "c1",
            "invoices": ["i1"],
            "direction": "in",
            "kind": "promise",
            "promise": {"date": promised.isoformat()},
            "channel": "email",
        }
        target = total
        if draw(st.booleans()):
            target = (total / draw(st.sampled_from([2, 4]))).quantize(unit, ROUND_DOWN)
            event["promise"]["amount"] = str(target)
        case["history"].append(event)
        if number == count and hold is not None and target > unit and draw(st.booleans()):
            # Paid while the promise held, but less than was promised.
            paid_on = day + timedelta(days=draw(st.integers(0, (hold - day).days)))
            _pay(case, ["i1"], paid_on, target - unit)
        day = (hold or promised) + timedelta(days=draw(st.integers(1, 10)))
    return Promises(case, made, promised, hold, count)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(promise_chains(earlier=(0, 2), beyond=False), st.data())
def test_a_broken_promise_always_escalates(chain: Promises, data: st.DataObject) -> None:
    case = chain.case
    parsed = checked(case)
    client, policy = parsed.clients[0], parsed.policy
    invoice = parsed.invoices[0]
    hold = chain.holds_until
    assert hold is not None
    released = start_of(hold + timedelta(days=1), client)
    # While the promise holds: no step of the ladder before the hold ends.
    day = data.draw(st.dates(chain.made.date(), hold), label="day while it holds")
    now = max(_moment(data.draw, day, client), chain.made)
    result = paychase.plan(case, now=now)
    if not _settled(invoice, day):
        # A promise does not take an invoice back from the lawyers (no such transition).
        assert _state(result, "i1") in ("promised", "escalated")
        early = [
            (a.key, a.at) for a in _ladder_actions(result.actions, policy, "i1") if a.at < released
        ]
        assert early == [], (hold, early)
    # Once its hold has ended unkept: the ladder resumes at its firm step or further.
    day = data.draw(st.dates(hold + timedelta(days=1), hold + timedelta(days=60)), label="after")
    result = paychase.plan(case, now=_moment(data.draw, day, client))
    assert _state(result, "i1") != "promised"
    ladder = _ladder_actions(result.actions, policy, "i1")
    if ladder:
        _assert_resumes(policy, ladder[0], "was broken")


def _without_the_last_promise(case: Json) -> Json:
    """The case with its last promise turned into a plain reply at the same moment."""
    twin = {**case, "history": [dict(event) for event in case["history"]]}
    last = next(e for e in reversed(twin["history"]) if e["kind"] == "promise")
    last["kind"] = "reply"
    del last["promise"]
    return twin


def _needs_no_promise(policy: Policy) -> bool:
    return any("no_promise" in step.requires for step in policy.steps)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(promise_chains(earlier=(0, 3), beyond=True), st.integers(0, 5 * 24 * 60))
def test_promise_holds_shorten_with_each_broken_promise(chain: Promises, later: int) -> None:
    case = chain.case
    parsed = checked(case)
    client, policy = parsed.clients[0], parsed.policy
    now = chain.made + timedelta(minutes=later)
    result = paychase.plan(case, now=now)
    if _settled(parsed.invoices[0], local(now, client).date()):
        return
    keys = [a.key for a in result.actions]
    assert f"k1/i1/review:promise/{chain.earlier + 1}" in keys, keys
    assert _state(result, "i1") != "promised"
    if chain.earlier or _needs_no_promise(policy):
        return  # a broken promise before it, or a step held for no promise: see below
    # No hold: the ladder goes on as if the client had only written back.
    twin = paychase.plan(_without_the_last_promise(case), now=now)
    assert [(a.key, a.at) for a in _ladder_actions(result.actions, policy, "i1")] == [
        (a.key, a.at) for a in _ladder_actions(twin.actions, policy, "i1")
    ]


def _promise(at: str, day: str) -> Json:
    return {
        "at": at,
        "client": "c1",
        "invoices": ["i1"],
        "direction": "in",
        "kind": "promise",
        "promise": {"date": day},
    }


# Minimal case: a promise for 20 Feb broken, then on 23 Feb a promise for 30 April, beyond the
# 15 days a promise may now hold. Planned on 3 March: 'polite/1' ("did you receive it?").
_REFUSED_AFTER_BROKEN = Promises(
    example_case(
        invoices=[example_invoice("i1", due="2026-02-15")],
        history=[
            _promise("2026-02-16T10:00:00+01:00", "2026-02-20"),
            _promise("2026-02-23T10:00:00+01:00", "2026-04-30"),
        ],
    ),
    made=datetime.fromisoformat("2026-02-23T10:00:00+01:00"),
    promised=date(2026, 4, 30),
    holds_until=None,
    earlier=1,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@example(chain=_REFUSED_AFTER_BROKEN, later=7 * 24 * 60)
@given(promise_chains(earlier=(1, 3), beyond=True), st.integers(0, 5 * 24 * 60))
def test_a_refused_promise_does_not_mend_a_broken_one(chain: Promises, later: int) -> None:
    case = chain.case
    parsed = checked(case)
    client, policy = parsed.clients[0], parsed.policy
    now = chain.made + timedelta(minutes=later)
    if _settled(parsed.invoices[0], local(now, client).date()):
        return
    ladder = _ladder_actions(paychase.plan(case, now=now).actions, policy, "i1")
    if ladder:
        _assert_resumes(policy, ladder[0], "was broken")


def test_a_refused_promise_does_not_count_as_a_promise() -> None:
    case = example_case(
        policy="b2b_strict",
        client=example_client(contacts={"email": "c1@mail.example", "phone": "+48 1"}),
        invoices=[example_invoice("i1", due="2026-02-16")],
        history=[
            {
                "at": "2026-02-17T12:00:00+01:00",
                "client": "c1",
                "invoices": ["i1"],
                "direction": "out",
                "kind": "call",
                "step": "payment_call",
                "channel": "phone",
                "outcome": "answered",
            },
            _promise("2026-02-17T15:00:00+01:00", "2026-06-01"),
        ],
    )
    now = datetime.fromisoformat("2026-02-18T09:00:00+01:00")
    result = paychase.plan(case, now=now)
    assert "k1/i1/review:promise/1" in [a.key for a in result.actions]
    twin = paychase.plan(_without_the_last_promise(case), now=now)
    policy = paychase.builtin_policy("b2b_strict")
    assert [a.key for a in _ladder_actions(twin.actions, policy, "i1")] == [
        "k1/i1/follow_up_call/1"
    ]
    assert [a.key for a in _ladder_actions(result.actions, policy, "i1")] == [
        "k1/i1/follow_up_call/1"
    ]


# -- 6. disputes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Disputes:
    """A case whose invoice ``i1`` was disputed and the dispute resolved, once or twice; the
    moments of the last dispute and of its resolution, and whether it contested everything."""

    case: Json
    raised: datetime
    resolved: datetime
    whole: bool


@st.composite
def resolved_disputes(draw: st.DrawFn) -> Disputes:
    """1-2 disputes about i1 (all of it, or a part), each resolved an hour to 40 days later by
    either side: credited (with a credit note on the day, half the time), withdrawn or
    rejected. The ladder may have been walked before the first dispute."""
    case = draw(portfolios(max_invoices=2))
    client = _client(case)
    invoice = case["invoices"][0]
    issued, total = _day(invoice["issued"]), Decimal(invoice["total"])
    unit = _unit(invoice["currency"])
    day = issued + timedelta(days=draw(st.integers(0, 40)))
    _perhaps_walked(draw, case, issued, day)
    raised = resolved = start_of(day, client)
    whole = True
    credited = Decimal(0)
    for _ in range(draw(st.integers(1, 2))):
        raised = max(_moment(draw, day, client, hours=(8, 20)), resolved + timedelta(minutes=1))
        whole = draw(st.booleans())
        dispute: Json = {"reason": "not what was ordered"}
        if not whole:
            dispute["amount"] = str(
                (total / draw(st.sampled_from([2, 5, 20]))).quantize(unit, ROUND_DOWN)
            )
        resolved = raised + timedelta(minutes=draw(st.integers(60, 40 * 24 * 60)))
        resolution = draw(st.sampled_from(["credited", "withdrawn", "rejected"]))
        case["history"] += [
            {
                "at": raised.isoformat(),
                "client": "c1",
                "invoices": ["i1"],
                "direction": "in",
                "kind": "dispute",
                "dispute": dispute,
            },
            {
                "at": resolved.isoformat(),
                "client": "c1",
                "invoices": ["i1"],
                "direction": draw(st.sampled_from(["in", "out"])),
                "kind": "dispute_resolved",
                "resolution": resolution,
            },
        ]
        if resolution == "credited" and draw(st.booleans()):
            note = (total / draw(st.sampled_from([1, 2, 10]))).quantize(unit, ROUND_DOWN)
            note = min(note, total - credited)
            if note > 0:
                credited += note
                invoice.setdefault("credit_notes", []).append(
                    {"date": local(resolved, _client(case)).date().isoformat(), "amount": str(note)}
                )
        day = local(resolved, client).date() + timedelta(days=draw(st.integers(0, 20)))
    return Disputes(case, raised, resolved, whole)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(resolved_disputes(), st.data())
def test_a_resolved_dispute_is_reviewed_no_more_and_dunning_resumes(
    disputes: Disputes, data: st.DataObject
) -> None:
    case = disputes.case
    parsed = checked(case)
    client, policy = parsed.clients[0], parsed.policy
    invoice = parsed.invoices[0]
    # While it is open: reviewed, and nothing asked of the part contested.
    later = data.draw(
        st.integers(0, int((disputes.resolved - disputes.raised).total_seconds()) - 1)
    )
    now = disputes.raised + timedelta(seconds=later)
    result = paychase.plan(case, now=now)
    about = [a for a in result.actions if "i1" in a.invoices]
    if not _settled(invoice, local(now, client).date()):
        assert any("/review:dispute/" in a.key for a in about), [a.key for a in about]
        if disputes.whole:
            assert all(a.kind == "review" for a in about), [a.key for a in about]
    # Once resolved: no dispute review, and the ladder picks up again from the resolution.
    minutes = data.draw(st.integers(0, 40 * 24 * 60), label="minutes after the resolution")
    now = disputes.resolved + timedelta(minutes=minutes)
    result = paychase.plan(case, now=now)
    assert not [a.key for a in result.actions if "review:dispute" in a.key]
    ladder = _ladder_actions(result.actions, policy, "i1")
    assert all(a.at >= disputes.resolved for a in ladder)
    if ladder:
        assert "dispute was resolved" in ladder[0].reason, ladder[0].reason


@_SLOW
@given(resolved_disputes(), st.integers(0, 30))
def test_no_ladder_step_is_performed_while_a_whole_dispute_is_open(
    disputes: Disputes, days: int
) -> None:
    """Walked through time (the resolution is in the records from the start, as a host that
    replays its history has it), the ladder stops when the client contests everything and
    starts again only once the dispute is resolved."""
    case = disputes.case
    parsed = checked(case)
    policy = parsed.policy
    timeline = paychase.simulation.simulate(
        case, now=disputes.raised, until=disputes.resolved + timedelta(days=days, hours=1)
    )
    for entry in timeline.entries:
        if "i1" not in entry.invoices or entry.key is None or entry.step is None:
            continue
        if policy.step_index(entry.step) is None or "/fee:" in entry.key:
            continue
        if disputes.whole:
            assert entry.at >= disputes.resolved, (entry.key, entry.at, disputes.resolved)
        assert "review:dispute" not in entry.key or entry.at < disputes.resolved


# -- 7. how often the host runs does not change what is done -------------------------------


@st.composite
def conversations(draw: st.DrawFn) -> tuple[Json, datetime, datetime, list[Json]]:
    """A kept instalment plan over one invoice (2-3 instalments every 10 days or two weeks,
    each paid by the script on a day up to its due date), or a silent prospect (who may answer
    one day); the start of a simulation on an hour of a morning, and its end 3-5 weeks on at
    the start of a client's day (runs compare what they did by local day, so the horizon must
    not cut a day in two: an hourly run performs a step as its window opens, the event-driven
    loop at the step's hour)."""
    case = draw(portfolios(max_invoices=1, policies=st.sampled_from(paychase.BUILTIN_POLICIES)))
    client = _client(case)
    invoice = case["invoices"][0]
    # A cron job runs on the hour: its ticks and the policies' hours line up. (A host running
    # at odd minutes performs a step a few minutes after its time, and a contact that then
    # falls those minutes short of min_gap before the next one pushes that one a whole
    # min_gap on.)
    hour = draw(st.integers(6, 11))
    start = local(start_of(_day(invoice["issued"]), client) + timedelta(hours=hour), client)
    today = start.date()
    script: list[Json] = []
    if draw(st.booleans()):
        first = today + timedelta(days=draw(st.integers(0, 10)))
        count, every = draw(st.integers(2, 3)), draw(st.sampled_from(["10d", "2w"]))
        case["instalment_plans"] = [
            {
                "id": "p1",
                "client": "c1",
                "invoices": ["i1"],
                "agreed": today.isoformat(),
                "instalments": count,
                "first": first.isoformat(),
                "every": every,
            }
        ]
        total, currency = Decimal(invoice["total"]), invoice["currency"]
        for instalment in paychase.instalment_schedule(
            total, currency, count, first, Frequency.parse(every)
        ):
            day = today + timedelta(days=draw(st.integers(0, (instalment.due - today).days)))
            script.append(
                {
                    "on": day.isoformat(),
                    "client": "c1",
                    "do": "pay_in_part",
                    "invoice": "i1",
                    "amount": str(instalment.amount),
                }
            )
    else:
        if draw(st.booleans()):
            case["invoices"] = []
        case["chases"] = [
            {
                "id": "q1",
                "client": "c1",
                "kind": "prospect",
                "started": (start - timedelta(hours=draw(st.integers(0, 72)))).isoformat(),
                "subject": "the quote for your new shop",
            }
        ]
        if draw(st.booleans()):
            answered = today + timedelta(days=draw(st.integers(1, 30)))
            script.append({"on": answered.isoformat(), "client": "c1", "do": "reply"})
    until = start_of(today + timedelta(days=draw(st.integers(21, 35))), client)
    return case, start, until, script


@_SLOWER
@given(conversations())
def test_conversations_do_not_depend_on_how_often_the_host_runs(
    setup: tuple[Json, datetime, datetime, list[Json]],
) -> None:
    case, start, until, script = setup
    performed = [
        {
            (entry.key, entry.at.date())
            for entry in paychase.simulation.simulate(
                case, now=start, until=until, script=script, cadence=cadence
            ).entries
            if entry.key is not None and entry.what != "review"
        }
        for cadence in (None, timedelta(hours=1), timedelta(minutes=15))
    ]
    assert performed[0] == performed[1] == performed[2], performed
