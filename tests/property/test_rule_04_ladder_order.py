"""SPEC §5 rule 4: steps advance in ladder order, a performed step is not planned again, and
`escalate` comes only after a final notice with a deadline was sent and the deadline passed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    amounts,
    calendar_of,
    cases,
    checked,
    clients,
    contracts,
    example_case,
    example_invoice,
    is_booking,
    is_charges_review,
    ladder_walks,
    local,
    nows,
    performed_steps,
)

import paychase
from paychase import Policy

# Outcomes that count as the step having reached the client.
_THROUGH = st.sampled_from(["delivered", "delivered", "read", "answered", "voicemail", None])


def _final_index(policy: Policy) -> int:
    """The step just before the escalation: the final notice, which states a deadline."""
    escalate = next(i for i, step in enumerate(policy.steps) if step.action == "escalate")
    return escalate - 1


@st.composite
def final_notice_cases(draw: st.DrawFn) -> tuple[Json, datetime, list[str]]:
    """One client whose invoices went up the whole ladder to the final notice, planned
    from the day of the notice to a month after it (around its deadline)."""
    name = draw(st.sampled_from(["freelancer", "b2b_strict", "tradesperson"]))
    policy = paychase.builtin_policy(name)
    client = draw(clients(client_id="c1"))
    contract = draw(contracts(contract_id="k1", client_id="c1", suspension=False))
    tz = ZoneInfo(client["timezone"])
    start = draw(nows()).astimezone(tz)
    issued = start.date() - timedelta(days=draw(st.integers(14, 40)))
    count = draw(st.integers(1, 2))
    invoice_list = [
        {
            "id": f"i{n}",
            "contract": "k1",
            "issued": issued.isoformat(),
            "due": (issued + timedelta(days=14)).isoformat(),
            "currency": contract["currency"],
            "total": draw(
                amounts(currency=contract["currency"], min_value=contract_unit(contract))
            ),
        }
        for n in range(1, count + 1)
    ]
    ids = [invoice["id"] for invoice in invoice_list]
    walk = draw(
        ladder_walks(
            policy=policy,
            client=client,
            invoice_ids=ids,
            since=datetime.combine(start.date(), time(9), tzinfo=tz),
            until=start + timedelta(days=200),
            depth=_final_index(policy) + 1,
            outcomes=_THROUGH,
        )
    )
    last = datetime.fromisoformat(walk[-1]["at"])
    now = last + timedelta(days=draw(st.integers(0, 30)), hours=draw(st.integers(0, 23)))
    case: Json = {
        "version": 1,
        "policy": name,
        "clients": [client],
        "contracts": [contract],
        "invoices": invoice_list,
        "history": walk,
    }
    return case, now, ids


def contract_unit(contract: Json) -> Decimal:
    """The smallest positive amount in the contract's currency."""
    return Decimal(1).scaleb(-get_currency_precision(contract["currency"]))


def _check_order(case: Json, now: datetime) -> None:
    parsed = checked(case)
    parties, policy = Parties(parsed), parsed.policy
    for action in paychase.plan(case, now=now).actions:
        if action.step is None or is_booking(action):
            continue
        client = parties.client(action.client)
        events = parties.events_of(client.id, now)
        for invoice_id in action.invoices:
            index = policy.step_index(action.step_for(invoice_id) or "")  # its own step
            assert index is not None, action.key
            done = performed_steps(policy, events, invoice_id, client)
            assert all(i < index for i, _, _ in done), (action.key, [e.step for _, e, _ in done])


@given(cases())
def test_rule_04_steps_advance_in_ladder_order(case_and_now: tuple[Json, datetime]) -> None:
    _check_order(*case_and_now)


@given(final_notice_cases())
def test_rule_04_steps_advance_to_the_end(drawn: tuple[Json, datetime, list[str]]) -> None:
    case, now, _ = drawn
    _check_order(case, now)


def _check_escalations(case: Json, now: datetime) -> None:
    """An escalation rests on the final notice: the last step before it in the ladder that
    states a deadline. That notice got through, and the deadline it stated has passed."""
    parsed = checked(case)
    parties, policy = Parties(parsed), parsed.policy
    for action in paychase.plan(case, now=now).actions:
        if action.kind != "escalate" or action.step is None:
            continue
        at = policy.step_index(action.step)
        assert at is not None
        final = max(i for i in range(at) if policy.steps[i].deadline is not None)
        client = parties.client(action.client)
        day = local(action.at, client).date()
        events = parties.events_of(client.id, now)
        for invoice_id in action.invoices:
            notices = [
                (e, d)
                for i, e, d in performed_steps(policy, events, invoice_id, client)
                if i == final
            ]
            assert notices, (action.key, f"'{policy.steps[final].id}' never got through")
            deadline = notices[0][1]
            assert deadline is not None, action.key
            assert deadline < day, (action.key, day, deadline)


@given(cases())
def test_rule_04_escalate_only_after_a_passed_deadline(
    case_and_now: tuple[Json, datetime],
) -> None:
    _check_escalations(*case_and_now)


@given(final_notice_cases())
def test_rule_04_escalate_after_the_final_notice_deadline(
    drawn: tuple[Json, datetime, list[str]],
) -> None:
    case, now, ids = drawn
    _check_escalations(case, now)
    parsed = checked(case)
    policy, client = parsed.policy, parsed.clients[0]
    final = policy.steps[_final_index(policy)]
    notice = next(e for e in parsed.history if e.step == final.id)
    deadline = notice.deadline or _stated(final, notice.at, client)
    mine = [
        a
        for a in paychase.plan(case, now=now).actions
        if set(a.invoices) & set(ids) and not is_charges_review(a) and not is_booking(a)
    ]
    # The final notice went through and nothing holds the chase back: the next (and only)
    # thing to do is to escalate, the day after the deadline the notice stated, or later.
    assert [(a.kind, sorted(a.invoices)) for a in mine] == [("escalate", sorted(ids))]
    assert local(mine[0].at, client).date() > deadline


def _stated(step: paychase.Step, at: datetime, client: paychase.Client) -> date:
    assert step.deadline is not None
    return step.deadline.shift_date(local(at, client).date(), calendar_of(client))


def _given_up_final_case() -> Json:
    ladder = {
        "name": "short",
        "max_attempts_per_step": 2,
        "steps": [
            {
                "id": "reminder",
                "from": "due",
                "offset": "+1d",
                "action": "send_reminder",
                "channels": ["email"],
                "deadline": "7d",
            },
            {
                "id": "final",
                "from": "previous",
                "offset": "+7d",
                "action": "send_letter",
                "channels": ["email"],
                "deadline": "14d",
            },
            {"id": "legal", "from": "deadline", "offset": "+1d", "action": "escalate"},
        ],
    }
    sent = {"client": "c1", "invoices": ["i1"], "direction": "out", "channel": "email"}
    return example_case(
        policy=ladder,
        invoices=[example_invoice()],
        history=[
            {
                **sent,
                "at": "2026-02-16T10:00:00+01:00",
                "kind": "reminder",
                "step": "reminder",
                "outcome": "delivered",
            },
            {
                **sent,
                "at": "2026-02-23T10:00:00+01:00",
                "kind": "letter",
                "step": "final",
                "outcome": "failed",
            },
            {
                **sent,
                "at": "2026-02-26T10:00:00+01:00",
                "kind": "letter",
                "step": "final",
                "outcome": "failed",
            },
        ],
    )


def test_rule_04_no_escalation_when_the_final_notice_never_got_through() -> None:
    now = datetime.fromisoformat("2026-03-10T09:00:00+01:00")
    kinds = [action.kind for action in paychase.plan(_given_up_final_case(), now=now).actions]
    assert "escalate" not in kinds


@st.composite
def given_up_final_cases(draw: st.DrawFn) -> tuple[Json, datetime, list[str]]:
    """The ladder walked to the final notice, which then failed as often as the policy
    allows attempts (so it is given up), planned up to a month later."""
    case, now, ids = draw(final_notice_cases())
    notice = case["history"].pop()
    attempts = paychase.builtin_policy(case["policy"]).max_attempts_per_step
    moment = datetime.fromisoformat(notice["at"])
    for attempt in range(attempts):
        at = moment + timedelta(days=attempt)
        case["history"].append(
            notice | {"at": at.isoformat(), "outcome": draw(st.sampled_from(["bounced", "failed"]))}
        )
    return case, max(now, moment + timedelta(days=attempts)), ids


@given(given_up_final_cases())
def test_rule_04_no_escalation_on_a_final_notice_given_up(
    drawn: tuple[Json, datetime, list[str]],
) -> None:
    case, now, _ = drawn
    for action in paychase.plan(case, now=now).actions:
        assert action.kind != "escalate", action.key
