"""The dunning loop as a state machine: plan, perform, record, and plan again.

Hypothesis drives a host through time: the clock moves on, the first planned action is
performed and recorded in the history (sometimes it bounces), clients pay in part or in
full, reply, promise and dispute, addresses bounce, and the host crashes and plans again from
its records. After every step the plan must keep the SPEC §5 rules: nothing before `now`,
nothing dunning a settled invoice, no step performed twice, no escalation before a stated
deadline has passed, contacts that got through at least `min_gap` apart, and the same plan
from the same records (the runner's crash safety depends on it).
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from tests.strategies import (
    Json,
    Parties,
    after_due,
    books_a_sent_message,
    cases,
    gap_end,
    is_charges_review,
    is_ended_review,
    local,
    paid_on,
    performed_steps,
    sanction_runs,
    settled_on,
)

import paychase
from paychase import Action, Case, Plan

_CONTACTS = frozenset({"send_reminder", "call", "send_letter"})
_UNDOING = frozenset({"restore_service", "resume_work"})
_SANCTIONS = (
    ("suspend", "restore", "restore_service"),
    ("pause_work", "resume_work", "resume_work"),
)
_RECORDED_AS = {
    "send_reminder": "reminder",
    "call": "call",
    "send_letter": "letter",
    "escalate": "escalate",
    "suspend_service": "suspend",
    "restore_service": "restore",
    "apply_fee": "fee",
    "pause_work": "pause_work",
    "resume_work": "resume_work",
    "write_off": "write_off",
    "cancel_service": "cancel_service",
}


@st.composite
def fresh_cases(draw: st.DrawFn) -> tuple[Json, datetime]:
    """A small portfolio (1-2 clients, up to 4 invoices) with no history yet, planned from
    a few days before its first invoice was issued."""
    case, _ = draw(cases(max_clients=2, max_invoices=4, max_events=0))
    case.pop("now", None)
    case["history"] = []
    first = min(date.fromisoformat(invoice["issued"]) for invoice in case["invoices"])
    start = datetime.combine(
        first - timedelta(days=draw(st.integers(0, 5))), time(8), tzinfo=ZoneInfo("Europe/Warsaw")
    )
    return case, start


class DunningLoop(RuleBasedStateMachine):
    """A host running paychase: its records (the case) and the moment (`now`)."""

    def __init__(self) -> None:
        super().__init__()
        self.case: Json = {}
        self.now = datetime.min.replace(tzinfo=UTC)
        self.plan: Plan | None = None
        self.performed_keys: set[str] = set()

    # -- helpers -----------------------------------------------------------------------

    def _replan(self) -> None:
        self.plan = paychase.plan(self.case, now=self.now)

    def _record(self, event: Json) -> None:
        self.case["history"].append(event)
        self._replan()

    def _client(self, client_id: str) -> Json:
        return next(c for c in self.case["clients"] if c["id"] == client_id)

    def _client_of_invoice(self, invoice: Json) -> Json:
        contract = next(c for c in self.case["contracts"] if c["id"] == invoice["contract"])
        return self._client(contract["client"])

    def _today(self, client: Json) -> date:
        return self.now.astimezone(ZoneInfo(client["timezone"])).date()

    def _parsed(self) -> Case:
        return Case.model_validate(self.case)

    def _open_invoices(self) -> list[Json]:
        parsed = Parties(self._parsed())
        found = []
        for invoice in parsed.case.invoices:
            client = parsed.client_of(invoice)
            today = local(self.now, client).date()
            if invoice.issued <= today and not settled_on(invoice, today):
                found.append(next(i for i in self.case["invoices"] if i["id"] == invoice.id))
        return found

    def _stamp(self, client: Json) -> str:
        return self.now.astimezone(ZoneInfo(client["timezone"])).isoformat()

    # -- the loop ----------------------------------------------------------------------

    @initialize(setup=fresh_cases())
    def start(self, setup: tuple[Json, datetime]) -> None:
        self.case, self.now = setup
        self._replan()

    @rule(hours=st.integers(min_value=1, max_value=24 * 10))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        self._replan()

    @precondition(
        lambda self: self.plan is not None and any(a.kind != "review" for a in self.plan.actions)
    )
    @rule(fails=st.sampled_from([False, False, False, True]))
    def perform_the_next_action(self, fails: bool) -> None:
        assert self.plan is not None
        action = next(a for a in self.plan.actions if a.kind != "review")
        assert action.key not in self.performed_keys, f"{action.key} planned after it was done"
        self.now = max(self.now, action.at)
        self.performed_keys.add(action.key)
        self._record(self._event_of(action, fails=fails and action.kind in _CONTACTS))

    def _event_of(self, action: Action, *, fails: bool) -> Json:
        client = self._client(action.client)
        event: Json = {
            "at": self._stamp(client),
            "client": action.client,
            "invoices": list(action.invoices),
            "direction": "out",
            "kind": _RECORDED_AS[action.kind],
            "channel": action.channel,
            "key": action.key,
        }
        if action.step is not None:
            event["step"] = action.step
        if action.invoice_steps:
            event["invoice_steps"] = [
                own.model_dump(exclude_none=True) for own in action.invoice_steps
            ]
        if action.kind in _CONTACTS:
            worked = "answered" if action.kind == "call" else "delivered"
            event["outcome"] = (
                ("failed" if action.kind == "call" else "bounced") if fails else worked
            )
        if action.deadline is not None:
            event["deadline"] = action.deadline.isoformat()
        return event

    @precondition(lambda self: bool(self._open_invoices()))
    @rule(data=st.data(), share=st.sampled_from(["1", "0.5", "0.1"]))
    def client_pays(self, data: st.DataObject, share: str) -> None:
        invoice = data.draw(st.sampled_from(self._open_invoices()), label="invoice")
        client = self._client_of_invoice(invoice)
        today = self._today(client)
        parsed = next(i for i in self._parsed().invoices if i.id == invoice["id"])
        owed = parsed.total - paid_on(parsed, today)
        unit = Decimal(1).scaleb(-get_currency_precision(invoice["currency"]))
        amount = max((owed * Decimal(share)).quantize(unit), unit)
        invoice.setdefault("payments", []).append(
            {"date": today.isoformat(), "amount": str(min(amount, owed))}
        )
        self._replan()

    @rule(data=st.data(), kind=st.sampled_from(["reply", "promise", "dispute", "payment_notice"]))
    def client_writes(self, data: st.DataObject, kind: str) -> None:
        client = data.draw(st.sampled_from(self.case["clients"]), label="client")
        mine = [
            i["id"]
            for i in self.case["invoices"]
            if self._client_of_invoice(i)["id"] == client["id"]
        ]
        about = data.draw(st.lists(st.sampled_from(mine), unique=True) if mine else st.just([]))
        event: Json = {
            "at": self._stamp(client),
            "client": client["id"],
            "invoices": about,
            "direction": "in",
            "kind": kind,
            "channel": "email",
        }
        if kind == "promise":
            days = data.draw(st.integers(0, 21), label="promised in")
            event["promise"] = {"date": (self._today(client) + timedelta(days=days)).isoformat()}
        if kind == "dispute":
            event["dispute"] = {"reason": "not as agreed"}
            if data.draw(st.booleans(), label="partial"):
                event["dispute"]["amount"] = "1"
        self._record(event)

    @rule(data=st.data())
    def address_bounces(self, data: st.DataObject) -> None:
        client = data.draw(st.sampled_from(self.case["clients"]), label="client")
        routes = [r for r in ("email", "sms", "phone") if r in client.get("contacts", {})]
        if not routes:
            return
        channel = data.draw(st.sampled_from(routes), label="channel")
        self._record(
            {
                "at": self._stamp(client),
                "client": client["id"],
                "direction": "out",
                "kind": "call" if channel == "phone" else "reminder",
                "channel": channel,
                "outcome": "bounced",
            }
        )

    @rule()
    def host_crashes_and_plans_again(self) -> None:
        # A restarted host reads its records back from disk and must get the same plan.
        assert self.plan is not None
        again = paychase.plan(paychase.parse_case(json.dumps(self.case)), now=self.now)
        assert again.to_json() == self.plan.to_json()

    # -- what must always hold ----------------------------------------------------------

    @invariant()
    def nothing_before_now(self) -> None:
        if self.plan is not None:
            assert all(action.at >= self.now for action in self.plan.actions)

    @invariant()
    def nothing_dunning_a_settled_invoice(self) -> None:
        if self.plan is None:
            return
        parties = Parties(self._parsed())
        for action in self.plan.actions:
            if action.kind in _UNDOING or is_charges_review(action) or is_ended_review(action):
                continue
            for invoice_id in action.invoices:
                invoice = parties.invoice(invoice_id)
                today = local(self.now, parties.client_of(invoice)).date()
                assert not settled_on(invoice, today), (action.key, invoice_id)

    @invariant()
    def no_step_performed_twice_or_planned_again(self) -> None:
        if self.plan is None:
            return
        parsed = self._parsed()
        parties, policy = Parties(parsed), parsed.policy
        for invoice in parsed.invoices:
            client = parties.client_of(invoice)
            done = performed_steps(
                policy, parties.events_of(client.id, self.now), invoice.id, client
            )
            indexes = [index for index, _, _ in done]
            assert len(indexes) == len(set(indexes)), (invoice.id, indexes)
            for action in self.plan.actions:
                # A fee booking names the message step it charges for, which may be performed.
                booking = "/fee:" in action.key
                own = action.step_for(invoice.id)  # its own step, in a combined message
                if own is not None and invoice.id in action.invoices and not booking:
                    planned = policy.step_index(own)
                    assert planned is not None
                    assert all(i < planned for i in indexes)

    @invariant()
    def escalation_only_after_a_passed_deadline(self) -> None:
        if self.plan is None:
            return
        parsed = self._parsed()
        parties, policy = Parties(parsed), parsed.policy
        for action in self.plan.actions:
            if action.kind != "escalate":
                continue
            client = parties.client(action.client)
            day = local(action.at, client).date()
            events = parties.events_of(client.id, self.now)
            for invoice_id in action.invoices:
                stated = [
                    d
                    for _, _, d in performed_steps(policy, events, invoice_id, client)
                    if d is not None
                ]
                assert any(deadline < day for deadline in stated), (action.key, stated)

    @invariant()
    def ladder_waits_out_the_reply_pause(self) -> None:
        if self.plan is None:
            return
        parsed = self._parsed()
        parties, policy = Parties(parsed), parsed.policy
        for action in self.plan.actions:
            client = parties.client(action.client)
            events = parties.events_of(client.id, self.now)
            if books_a_sent_message(action, policy, events, client):
                continue  # the fee of a message sent before the reply: no new escalation
            for invoice_id in action.invoices:
                own = action.step_for(invoice_id)
                index = policy.step_index(own) if own else None
                if index is None or not after_due(policy.steps[index]):
                    continue  # only steps that always come after the due date (see rule 8)
                inbound = [
                    e
                    for e in events
                    if e.direction == "in" and (not e.invoices or invoice_id in e.invoices)
                ]
                if inbound:
                    resume = gap_end(policy.reply_pause, inbound[-1].at, client)
                    assert action.at >= resume, (action.key, inbound[-1].at)

    @invariant()
    def one_sanction_per_contract_lifted_once_settled(self) -> None:
        # Rule 10: a contract's service is suspended (its work paused) once at a time; it is
        # restored (resumed) only once what the sanction names is settled, and surely once
        # every invoice of the contract is (a later one may have joined it).
        if self.plan is None:
            return
        parsed = self._parsed()
        parties = Parties(parsed)
        for client in parsed.clients:
            today = local(self.now, client).date()
            events = parties.events_of(client.id, self.now)
            for stop, start, undo in _SANCTIONS:
                runs = sanction_runs(parsed, client.id, events, stop=stop, start=start)
                for contract, run in runs.items():
                    assert len(run) == 1, (contract, [e.key for e in run])
                    mine = {i.id for i in parsed.invoices if i.contract == contract}
                    named = set(run[0].invoices) & mine if run[0].invoices else mine
                    settled = {i for i in mine if settled_on(parties.invoice(i), today)}
                    kinds = [
                        a.kind
                        for a in self.plan.actions
                        if a.kind == undo and a.key.split("/", 1)[0] == contract
                    ]
                    if not named <= settled:
                        assert not kinds, (contract, kinds)
                    elif named and mine <= settled:
                        assert kinds == [undo], (contract, kinds)

    @invariant()
    def contacts_that_got_through_are_min_gap_apart(self) -> None:
        parsed = self._parsed()
        parties, gap = Parties(parsed), parsed.policy.min_gap
        for client in parsed.clients:
            reached = [
                e
                for e in parties.events_of(client.id, self.now)
                if e.direction == "out"
                and e.key is not None
                and e.channel not in (None, "system")
                and e.outcome not in ("bounced", "failed")
            ]
            for before, after in itertools.pairwise(reached):
                earliest = gap_end(gap, before.at, client)
                assert after.at >= earliest, (before.key, before.at, after.key, after.at)


DunningLoop.TestCase.settings = settings(stateful_step_count=30)
test_loop_machine = DunningLoop.TestCase
