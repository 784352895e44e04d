"""The ends of a ladder (issue 16, item 5): ``write_off`` and ``cancel_service``.

The story follows one SaaS client in London under an inline ladder (`LADDER`): a reminder the
day after the due date, a warning 14 days later stating a 7-day deadline, the suspension the
day after it, a last warning a week later stating a 14-day deadline, the cancellation the day
after that deadline, and the write-off 30 days after the cancellation.

====  ==========  ==========  ==========  ==========  ============  ==========  ==========
inv   issued      due         reminder    warning     suspend       last        cancel
====  ==========  ==========  ==========  ==========  ============  ==========  ==========
i1    2026-02-02  2026-02-16  2026-02-17  2026-03-03  2026-03-11    2026-03-18  2026-04-02
====  ==========  ==========  ==========  ==========  ============  ==========  ==========

The warning's deadline is 2026-03-10, the last warning's 2026-04-01; the write-off falls 30 days
after the cancellation.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import paychase
from paychase import Action, Case, Plan
from paychase.errors import PolicyError
from paychase.messages import Renderer
from paychase.planner._performed import performed_event
from paychase.policy import Policy
from paychase.simulation import simulate

Json = dict[str, Any]

EXAMPLE = Path(__file__).parents[1] / "examples" / "end_state.json"
LADDER: Json = json.loads(EXAMPLE.read_text())["policy"]
LANGUAGES = {"en": "GB", "de": "DE", "pl": "PL", "el": "GR", "ru": "RU"}


def at(text: str) -> str:
    """A moment in London: GMT until 29 March 2026, BST after."""
    return f"{text}{'+01:00' if text >= '2026-03-29T01:00' else '+00:00'}"


def event(when: str, kind: str, step: str, *, deadline: str | None = None, **more: Any) -> Json:
    """What we did about i1 at `when` (London time): a message, or a system step."""
    found: Json = {
        "at": at(when),
        "client": "c1",
        "invoices": ["i1"],
        "direction": "out",
        "kind": kind,
        "step": step,
        "channel": "system" if kind not in ("reminder", "letter") else "email",
        "key": f"k1/i1/{step}/1",
    }
    if kind in ("reminder", "letter"):
        found["outcome"] = "delivered"
    if deadline is not None:
        found["deadline"] = deadline
    return found | more


WARNED = [
    event("2026-02-17T10:00", "reminder", "reminder"),
    event("2026-03-03T10:00", "reminder", "warning", deadline="2026-03-10"),
    event("2026-03-11T10:00", "suspend", "suspend"),
    event("2026-03-18T10:00", "letter", "last_warning", deadline="2026-04-01"),
]
CANCELLED = [*WARNED, event("2026-04-02T10:00", "cancel_service", "cancel")]
WRITTEN_OFF = [*CANCELLED, event("2026-05-05T10:00", "write_off", "write_off")]


def case(
    history: list[Json],
    *,
    ladder: Json | None = None,
    suspension: Json | None = None,
    payments: list[Json] | None = None,
    invoices: list[Json] | None = None,
    language: str = "en",
    late_fee: Json | None = None,
) -> Json:
    """The client c1 with contract k1 and invoice i1 (plus `invoices`), and `history`."""
    contract: Json = {
        "id": "k1",
        "client": "c1",
        "currency": "GBP",
        "payment_terms": "14d",
        "jurisdiction": LANGUAGES[language],
    }
    if suspension is not False:
        contract["suspension"] = suspension or {"after": "21d", "warnings": 1}
    if late_fee is not None:
        contract["late_fee"] = late_fee
    locale = {"en": "en_GB", "de": "de_DE", "pl": "pl_PL", "el": "el_GR", "ru": "ru_RU"}[language]
    return {
        "version": 1,
        "policy": ladder or LADDER,
        # A task is written in the sender's language.
        "sender": {"name": "Nimbus Desk", "email": "billing@nimbus.example", "locale": locale},
        "clients": [
            {
                "id": "c1",
                "name": "Orbit Media",
                "kind": "business",
                "country": LANGUAGES[language],
                "locale": locale,
                "timezone": "Europe/London",
                "contacts": {"email": "ap@orbit.example"},
            }
        ],
        "contracts": [contract],
        "invoices": [
            {
                "id": "i1",
                "number": "ND-1",
                "contract": "k1",
                "issued": "2026-02-02",
                "total": "2400.00",
                "currency": "GBP",
                "payments": payments or [],
            },
            *(invoices or []),
        ],
        "history": history,
    }


def planned(data: Json, when: str) -> Plan:
    return paychase.plan(data, now=datetime.fromisoformat(at(when)))


def about(result: Plan, invoice: str = "i1") -> list[Action]:
    return [action for action in result.actions if invoice in action.invoices]


def ladder_with(*steps: Json) -> Json:
    return {"name": "custom", "steps": list(steps)}


def step(identifier: str, action: str, **more: Any) -> Json:
    return {"id": identifier, "from": "previous", "offset": "+7d", "action": action, **more}


# -- the policy -----------------------------------------------------------------------------

FIRST = {"id": "first", "from": "due", "offset": "+1d", "action": "send_reminder"}
FINAL = step("final", "send_letter", deadline="14d")


def test_a_write_off_needs_a_final_notice_before_it() -> None:
    with pytest.raises(PolicyError) as raised:
        Policy.model_validate(ladder_with(FIRST, step("off", "write_off")))
    assert raised.value.field == "steps[1]"
    assert "writes the invoice off, so it needs a final notice" in str(raised.value)
    Policy.model_validate(ladder_with(FIRST, FINAL, step("off", "write_off")))


def test_nothing_may_follow_a_write_off() -> None:
    with pytest.raises(PolicyError) as raised:
        Policy.model_validate(
            ladder_with(FIRST, FINAL, step("off", "write_off"), step("legal", "escalate"))
        )
    assert raised.value.field == "steps[3]"
    assert "'off' writes the invoice off and ends the ladder" in str(raised.value)


def test_a_write_off_has_no_effects() -> None:
    with pytest.raises(PolicyError) as raised:
        Policy.model_validate(
            ladder_with(FIRST, FINAL, step("off", "write_off", effects=["apply_late_fee"]))
        )
    assert raised.value.field == "steps[2].effects"


def test_only_escalate_or_write_off_follow_a_cancellation() -> None:
    cancel = step("cancel", "cancel_service")
    Policy.model_validate(
        ladder_with(FIRST, FINAL, cancel, step("legal", "escalate"), step("off", "write_off"))
    )
    for action in ("send_reminder", "suspend_service", "apply_fee", "pause_work"):
        with pytest.raises(PolicyError) as raised:
            Policy.model_validate(ladder_with(FIRST, FINAL, cancel, step("after", action)))
        assert raised.value.field == "steps[3].action"
        assert "only escalate or write_off may follow it" in str(raised.value)


def test_a_cancellation_needs_its_own_warning_stating_a_deadline() -> None:
    suspend = step("suspend", "suspend_service")
    cancel = step("cancel", "cancel_service")
    for steps in (
        [FIRST, FINAL, suspend, cancel],  # no warning since the suspension
        [FIRST, FINAL, suspend, step("nudge", "send_reminder"), cancel],  # it states no deadline
        [cancel | {"from": "due", "offset": "+30d"}],  # nothing warns at all
    ):
        with pytest.raises(PolicyError) as raised:
            Policy.model_validate(ladder_with(*steps))
        assert "cancels the service, so it needs a warning" in str(raised.value)
    Policy.model_validate(ladder_with(FIRST, FINAL, suspend, FINAL | {"id": "again"}, cancel))


def test_a_chase_for_an_answer_neither_writes_off_nor_cancels() -> None:
    for action in ("write_off", "cancel_service"):
        with pytest.raises(PolicyError) as raised:
            Policy.model_validate(
                {
                    "name": "p",
                    "purpose": "prospect",
                    "steps": [
                        {"id": "ask", "from": "issued", "offset": "+3d", "action": "send_reminder"},
                        step("again", "send_reminder", deadline="7d"),
                        step("end", action),
                    ],
                }
            )
        assert raised.value.field == "steps[2].action"


def test_the_warnings_and_the_final_notice_are_never_passed_over() -> None:
    policy = Policy.model_validate(LADDER)
    required = [s.id for i, s in enumerate(policy.steps) if policy.is_required(i)]
    assert required == ["reminder", "warning", "last_warning"]


def test_the_schema_describes_both_ends() -> None:
    schema = json.dumps(paychase.case_schema())
    assert "write_off (the host writes the invoice off as bad debt" in schema
    assert "cancel_service (the host cancels the contract's service" in schema
    plan_schema = json.dumps(paychase.plan_schema())
    assert "write_off (book the invoices as bad debt)" in plan_schema


# -- planning the cancellation --------------------------------------------------------------


def test_the_cancellation_is_a_task_for_the_host_with_the_amounts() -> None:
    result = planned(case(WARNED), "2026-04-02T09:00")
    [action] = result.actions
    assert (action.kind, action.channel, action.step) == ("cancel_service", "system", "cancel")
    assert action.key == "k1/i1/cancel/1"
    assert action.at == datetime.fromisoformat(at("2026-04-02T10:00"))
    assert action.amounts is not None
    assert (action.amounts.principal, action.amounts.total) == (2400, 2400)
    assert "cancel the service of contract k1 for non-payment" in action.reason


def test_the_cancellation_waits_for_the_last_warnings_deadline() -> None:
    result = planned(case(WARNED), "2026-03-25T09:00")
    [action] = result.actions
    assert action.kind == "cancel_service"
    assert action.at.date().isoformat() == "2026-04-02"  # the deadline 2026-04-01 passed


def test_the_cancellation_waits_for_the_contracts_delay_after_the_due_date() -> None:
    late = {"after": "60d", "warnings": 1}
    [action] = planned(case(WARNED, suspension=late), "2026-04-02T09:00").actions
    assert action.kind == "cancel_service"
    assert action.at.date().isoformat() == "2026-04-17"  # 60 days after 2026-02-16
    assert "the contract allows suspension 60d after the due date" in action.reason


def test_no_cancellation_without_the_suspension_clause() -> None:
    history = [e for e in WARNED if e["kind"] != "suspend"]
    ladder = copy.deepcopy(LADDER)
    del ladder["steps"][2]  # nothing to suspend under: the ladder goes from warning to warning
    result = planned(case(history, ladder=ladder, suspension=False), "2026-04-02T09:00")
    [action] = result.actions
    assert action.kind == "write_off"  # the cancellation is skipped, the write-off waits
    assert "'cancel' skipped: the contract has no suspension clause" in action.reason
    assert action.at.date().isoformat() == "2026-04-17"  # 30 days after the last warning


def test_a_warning_that_never_reached_the_client_holds_the_cancellation_back() -> None:
    bounced = [
        event(day, "letter", "last_warning", outcome="bounced")
        for day in ("2026-03-18T10:00", "2026-03-23T10:00")
    ]
    result = planned(case([*WARNED[:3], *bounced]), "2026-04-02T09:00")
    reviews = [a for a in result.actions if a.kind == "review"]
    assert not [a for a in result.actions if a.kind == "cancel_service"]
    assert any("the warning 'last_warning' has not reached the client" in a.reason for a in reviews)


def test_a_cancelled_service_is_not_cancelled_or_suspended_again() -> None:
    second = {
        "id": "i2",
        "number": "ND-2",
        "contract": "k1",
        "issued": "2026-03-02",
        "total": "100.00",
        "currency": "GBP",
    }
    history = [
        *CANCELLED,
        event("2026-03-17T10:00", "reminder", "reminder", invoices=["i2"], key="k1/i2/r/1"),
        event(
            "2026-03-31T10:00",
            "reminder",
            "warning",
            invoices=["i2"],
            key="k1/i2/w/1",
            deadline="2026-04-07",
        ),
    ]
    result = planned(case(history, invoices=[second]), "2026-04-08T09:00")
    kinds = {a.kind for a in about(result, "i2")}
    assert "suspend_service" not in kinds
    assert "cancel_service" not in kinds
    [later] = about(result, "i2")
    assert later.step == "last_warning"
    assert "'suspend' skipped: the service of contract k1 was cancelled on 2026-04-02" in (
        later.reason
    )


def test_a_payment_after_the_cancellation_gets_a_review_not_a_restoration() -> None:
    paid = [{"date": "2026-04-20", "amount": "2400.00"}]
    result = planned(case(CANCELLED, payments=paid), "2026-04-21T09:00")
    assert [a.kind for a in result.actions] == ["review"]
    [review] = result.actions
    assert review.key == "k1/i1/review:cancelled/1"
    assert review.reason.startswith(
        "rule 10: the service of contract k1 was cancelled on 2026-04-02 for non-payment of "
        "invoice ND-1 and a payment of 2400.00 GBP arrived on 2026-04-20: reinstate the contract"
    )


def test_a_suspension_without_a_cancellation_is_still_restored_on_payment() -> None:
    paid = [{"date": "2026-03-20", "amount": "2400.00"}]
    result = planned(case(WARNED, payments=paid), "2026-03-21T09:00")
    assert [a.kind for a in result.actions] == ["restore_service"]


# -- planning the write-off -----------------------------------------------------------------


def test_the_write_off_is_a_task_for_the_host_with_the_amounts() -> None:
    result = planned(case(CANCELLED), "2026-04-20T09:00")
    [action] = result.actions
    assert (action.kind, action.channel, action.step) == ("write_off", "system", "write_off")
    assert action.key == "k1/i1/write_off/1"
    # 30 days after the cancellation is Saturday 2 May; Monday 4 May is a bank holiday.
    assert action.at == datetime.fromisoformat(at("2026-05-05T10:00"))
    assert action.amounts is not None
    assert action.amounts.total == 2400
    assert "the ladder ends: write ND-1 off as bad debt" in action.reason


def test_the_write_off_waits_for_the_final_notices_deadline() -> None:
    ladder = ladder_with(FIRST, FINAL, {"id": "off", "from": "deadline", "action": "write_off"})
    history = [
        event("2026-02-17T10:00", "reminder", "first"),
        event("2026-02-24T10:00", "letter", "final", deadline="2026-03-10"),
    ]
    [action] = planned(case(history, ladder=ladder), "2026-03-02T09:00").actions
    assert action.kind == "write_off"
    assert action.at.date().isoformat() == "2026-03-11"


def test_a_write_off_with_its_final_notice_unsent_is_not_planned() -> None:
    ladder = ladder_with(
        FIRST,
        step("firm", "send_reminder", deadline="5d"),
        FINAL,
        {"id": "off", "from": "due", "offset": "+40d", "action": "write_off"},
    )
    history = [
        event("2026-02-17T10:00", "reminder", "first"),
        event("2026-02-24T10:00", "reminder", "firm", deadline="2026-03-03"),
        *[
            event(day, "letter", "final", outcome="bounced")
            for day in ("2026-03-03T10:00", "2026-03-06T10:00")
        ],
    ]
    result = planned(case(history, ladder=ladder), "2026-04-01T09:00")
    assert not [a for a in result.actions if a.kind == "write_off"]
    assert any(
        "the final notice 'final' has not reached the client" in a.reason for a in result.actions
    )


def test_after_the_write_off_nothing_more_is_planned() -> None:
    # A statutory late fee, a dispute and a limitation watch would each plan something.
    ladder = copy.deepcopy(LADDER) | {"limitation_warning": "3000d"}
    dispute = {
        "at": at("2026-05-06T10:00"),
        "client": "c1",
        "invoices": ["i1"],
        "direction": "in",
        "kind": "dispute",
    }
    data = case([*WRITTEN_OFF, dispute], ladder=ladder, late_fee={"kind": "statutory"})
    result = planned(data, "2026-06-01T09:00")
    assert result.actions == ()
    [state] = result.invoices
    assert (state.state, state.step) == ("written_off", "write_off")
    assert state.why == "written off on 2026-05-05: nothing more is planned"


def test_an_invoice_cancelled_by_its_status_stays_cancelled_after_a_write_off() -> None:
    data = case(WRITTEN_OFF)
    data["invoices"][0]["status"] = "cancelled"  # the host's word on the invoice wins
    result = planned(data, "2026-06-01T09:00")
    [state] = result.invoices
    assert state.state == "cancelled"
    assert result.actions == ()


def test_a_payment_after_the_write_off_gets_a_review_for_a_person() -> None:
    paid = [{"date": "2026-03-01", "amount": "400.00"}, {"date": "2026-05-20", "amount": "500.00"}]
    result = planned(case(WRITTEN_OFF, payments=paid), "2026-05-21T09:00")
    [review] = result.actions
    assert (review.kind, review.channel) == ("review", "system")
    assert review.key == "k1/i1/review:written_off/1"
    assert review.reason == (
        "rule 2: invoice ND-1 was written off on 2026-05-05 and a payment of 500.00 GBP arrived on "
        "2026-05-20: reverse the write-off, in full or for what was paid? A person decides; "
        "nothing is sent to the client"
    )
    # Each later payment is a new question, with a key of its own.
    more = [*paid, {"date": "2026-05-25", "amount": "1500.00"}]
    [again] = planned(case(WRITTEN_OFF, payments=more), "2026-05-26T09:00").actions
    assert again.key == "k1/i1/review:written_off/2"
    assert "2 payments of 2000.00 GBP in all arrived" in again.reason
    state = planned(case(WRITTEN_OFF, payments=more), "2026-05-26T09:00").invoices[0]
    assert state.state == "paid"  # paid in full: no restoration of the suspended service


def test_a_suspension_over_an_invoice_written_off_is_lifted_by_the_host_only() -> None:
    """Found by the rule-10 property test: paid in full after its write-off, with no
    cancellation, the invoice still holds the suspension; a person decides (issue 16)."""
    written_off = [*WARNED, event("2026-04-20T10:00", "write_off", "write_off")]
    paid = [{"date": "2026-04-25", "amount": "2400.00"}]
    result = planned(case(written_off, payments=paid), "2026-04-27T09:00")
    assert [(a.kind, a.key) for a in result.actions] == [("review", "k1/i1/review:written_off/1")]
    [state] = result.invoices
    assert state.state == "paid"


def test_a_payment_before_the_cancellation_is_no_question() -> None:
    paid = [{"date": "2026-04-01", "amount": "100.00"}]
    assert planned(case(WRITTEN_OFF, payments=paid), "2026-06-01T09:00").actions == ()


# -- recording, rendering, simulating -------------------------------------------------------


def test_a_performed_end_step_records_its_own_kind() -> None:
    [action] = planned(case(CANCELLED), "2026-05-05T09:00").actions
    recorded = performed_event(action, at=action.at, channel="system", to=None)
    assert (recorded.kind, recorded.step, recorded.invoices) == ("write_off", "write_off", ("i1",))


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_both_ends_render_as_tasks_for_the_sender(language: str) -> None:
    renderer = Renderer()
    for history, when, kind in (
        (WARNED, "2026-04-02T09:00", "cancel_service"),
        (CANCELLED, "2026-05-05T09:00", "write_off"),
    ):
        data = case(history, language=language)
        [action] = planned(data, when).actions
        message = renderer.render(Case.model_validate(data), action)
        assert (message.kind, message.channel) == (kind, "system")
        # A task goes to the sender, never to the client.
        assert [r.address for r in message.recipients] == ["billing@nimbus.example"]
        assert message.template == f"{language}/generic/{kind}"
        assert "ND-1" in message.subject
    # A history holding both ends renders in every language (its events are named).
    paid = [{"date": "2026-05-20", "amount": "500.00"}]
    data = case(WRITTEN_OFF, payments=paid, language=language)
    [review] = planned(data, "2026-05-21T09:00").actions
    assert renderer.render(Case.model_validate(data), review).text


def test_a_simulated_ladder_stops_at_its_write_off() -> None:
    start = datetime.fromisoformat(at("2026-03-19T09:00"))
    timeline = simulate(case(WARNED), now=start, until=start + timedelta(days=150))
    assert [(e.what, e.at.date().isoformat()) for e in timeline.entries] == [
        ("cancel_service", "2026-04-02"),
        ("write_off", "2026-05-05"),
    ]
    [state] = timeline.invoices
    assert (state.state, state.step) == ("written_off", "write_off")
    assert "write-off" in timeline.text()
    assert "cancellation" in timeline.text()


def test_the_example_plans_a_cancellation_and_a_review() -> None:
    result = paychase.plan(json.loads(EXAMPLE.read_text()), now=None)
    assert [(a.client, a.kind) for a in result.actions] == [
        ("kaffee", "review"),
        ("orbit", "cancel_service"),
    ]


def test_a_statement_shows_a_written_off_invoice_as_the_plan_does_with_nothing_owed() -> None:
    data = case(WRITTEN_OFF, late_fee={"kind": "statutory"})
    now = datetime.fromisoformat(at("2026-05-21T09:00"))
    [state] = paychase.plan(data, now=now).invoices
    [line] = paychase.statement(data, "c1", now=now).lines
    assert state.state == line.state == "written_off"
    assert (line.principal, line.interest, line.total) == (0, 0, 0)
    still_owed = paychase.statement(case(CANCELLED, late_fee={"kind": "statutory"}), "c1", now=now)
    assert still_owed.lines[0].state == "overdue"
    assert still_owed.lines[0].total > 2400
