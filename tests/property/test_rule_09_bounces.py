"""SPEC §5 rule 9: a bounced or failed channel is not used again for that client until the
contacts change; the next action uses the next channel and its reason says to verify."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import (
    Json,
    Parties,
    broken_routes_of,
    cases,
    checked,
    route_of,
)

import paychase
from paychase import Client, ContactEvent, Policy

# SPEC §2: when none of a step's channels works, the client's preferred channel, then these.
_FALLBACK = ("email", "sms", "phone", "messenger", "linkedin", "letter")
_FIELD = {"letter": "postal", "registered_letter": "postal"}


@st.composite
def bounced_cases(draw: st.DrawFn) -> tuple[Json, datetime]:
    """A random case in which 1-3 messages bounced or failed in the last three weeks: to the
    current address, to an old one (which breaks nothing), or with no address recorded, and
    sometimes followed by a contact on the same route that worked."""
    case, now = draw(cases())
    for _ in range(draw(st.integers(1, 3))):
        client = draw(st.sampled_from(case["clients"]))
        fields = list(client["contacts"])
        if not fields:
            continue
        field = draw(st.sampled_from(fields))
        channel = (
            draw(st.sampled_from(["letter", "registered_letter"])) if field == "postal" else field
        )
        at = now - timedelta(minutes=draw(st.integers(0, 60 * 24 * 21)))
        event: Json = {
            "at": at.isoformat(),
            "client": client["id"],
            "direction": "out",
            "kind": "call" if channel == "phone" else "reminder",
            "channel": channel,
            "outcome": draw(st.sampled_from(["bounced", "failed"])),
        }
        to = draw(st.sampled_from(["none", "current", "old"]))
        if to != "none":
            address = client["contacts"][field]
            event["to"] = address if to == "current" else f"old-{address}"
        case["history"].append(event)
        if draw(st.integers(0, 3)) == 0:
            later = at + timedelta(minutes=draw(st.integers(1, 60 * 24)))
            if later <= now:
                case["history"].append(event | {"at": later.isoformat(), "outcome": "delivered"})
    case["history"].sort(key=lambda e: datetime.fromisoformat(e["at"]))
    return case, now


def _has_address(client: Client, channel: str) -> bool:
    return getattr(client.contacts, _FIELD.get(channel, channel), None) is not None


def _failed_at_current_address(client: Client, events: list[ContactEvent], channel: str) -> bool:
    return any(
        e.direction == "out"
        and e.channel not in (None, "system")
        and e.outcome in ("bounced", "failed")
        and route_of(e.channel or "") == route_of(channel)
        and (e.to is None or e.to == client.contacts.address_for(e.channel or "email"))
        for e in events
    )


def _channel_order(policy: Policy, step_id: str, client: Client) -> list[str]:
    index = policy.step_index(step_id)
    assert index is not None, step_id
    preferred = [client.preferred_channel] if client.preferred_channel else []
    order = [*policy.steps[index].channels, *preferred, *_FALLBACK]
    return [c for c in dict.fromkeys(order) if c != "system" and _has_address(client, c)]


@given(st.one_of(cases(), bounced_cases()))
def test_rule_09_broken_channel_not_used_again(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parties = Parties(checked(case))
    for action in paychase.plan(case, now=now).actions:
        if action.channel == "system":
            continue
        client = parties.client(action.client)
        broken = broken_routes_of(client, parties.events_of(client.id, now))
        assert route_of(action.channel) not in broken, (action.key, action.channel, broken)


@given(st.one_of(cases(), bounced_cases()))
def test_rule_09_next_channel_and_verify(case_and_now: tuple[Json, datetime]) -> None:
    case, now = case_and_now
    parsed = checked(case)
    parties, policy = Parties(parsed), parsed.policy
    for action in paychase.plan(case, now=now).actions:
        if action.channel == "system" or action.step is None:
            continue
        client = parties.client(action.client)
        events = parties.events_of(client.id, now)
        order = _channel_order(policy, action.step, client)
        assert action.channel in order, (action.key, action.channel, order)
        skipped = order[: order.index(action.channel)]
        # A channel with an address is passed over only because it bounced or failed...
        for channel in skipped:
            assert _failed_at_current_address(client, events, channel), (action.key, channel)
        # ...and then the reason asks for the contact details to be checked.
        if skipped:
            assert "verify" in action.reason, (action.key, skipped, action.reason)
