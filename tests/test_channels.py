"""Channel choice and broken routes (``paychase.conversation._channels``, SPEC §2 and §5 rule 9)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import paychase
from paychase import Client, ContactEvent, Step
from paychase.conversation._channels import (
    FALLBACK_ORDER,
    ChannelChoice,
    broken_routes,
    choose_channel,
    route_of,
)

WARSAW = ZoneInfo("Europe/Warsaw")
START = datetime(2026, 3, 17, 10, tzinfo=WARSAW)
EVERY_CONTACT = {
    "email": "biuro@example.pl",
    "sms": "+48 600 000 000",
    "phone": "+48 22 000 00 00",
    "postal": "ul. Prosta 1, Warszawa",
    "messenger": "kowalski",
    "linkedin": "in/kowalski",
    "fax": "+48 22 000 00 01",
}


def _client(preferred: str | None = None, **contacts: str | None) -> Client:
    return Client.model_validate(
        {
            "id": "c1",
            "name": "Studio Kowalski",
            "country": "PL",
            "timezone": "Europe/Warsaw",
            "contacts": contacts,
            "preferred_channel": preferred,
        }
    )


def _step(*channels: str) -> Step:
    return Step.model_validate(
        {
            "id": "s",
            "from": "due",
            "offset": "+1d",
            "action": "send_reminder",
            "channels": list(channels),
        }
    )


def _event(day: int, channel: str | None, outcome: str | None, **extra: Any) -> ContactEvent:
    fields: dict[str, Any] = {
        "at": START + timedelta(days=day),
        "client": "c1",
        "direction": "out",
        "kind": "reminder",
        "channel": channel,
        "outcome": outcome,
    }
    fields.update(extra)
    return ContactEvent.model_validate(fields)


@pytest.mark.parametrize(
    ("channel", "route"),
    [
        ("email", "email"),
        ("sms", "sms"),
        ("phone", "phone"),
        ("letter", "postal"),
        ("registered_letter", "postal"),
        ("fax", "fax"),
        ("messenger", "messenger"),
        ("linkedin", "linkedin"),
    ],
)
def test_route_of(channel: Any, route: str) -> None:
    assert route_of(channel) == route


def test_fallback_order_is_the_spec_order() -> None:
    assert FALLBACK_ORDER == ("email", "sms", "phone", "messenger", "linkedin", "letter")


# -- broken routes ----------------------------------------------------------------------------

# (description, history, routes broken afterwards)
HISTORIES: list[tuple[str, list[Any], set[str]]] = [
    ("nothing happened", [], set()),
    ("delivered", [("email", "delivered")], set()),
    ("bounced", [("email", "bounced")], {"email"}),
    ("failed", [("sms", "failed")], {"sms"}),
    ("no answer is not broken", [("phone", "no_answer")], set()),
    ("bounced then delivered", [("email", "bounced"), ("email", "delivered")], set()),
    ("bounced then read", [("email", "bounced"), ("email", "read")], set()),
    ("delivered then bounced", [("email", "delivered"), ("email", "bounced")], {"email"}),
    (
        "a working channel does not fix another",
        [("email", "bounced"), ("sms", "delivered")],
        {"email"},
    ),
    ("both letters share the postal address", [("registered_letter", "failed")], {"postal"}),
    (
        "a letter fixes the postal route",
        [("registered_letter", "failed"), ("letter", "delivered")],
        set(),
    ),
    ("answered call fixes the phone", [("phone", "failed"), ("phone", "answered")], set()),
    ("voicemail fixes the phone", [("phone", "failed"), ("phone", "voicemail")], set()),
    ("system actions are not routes", [("system", "failed")], set()),
    ("no channel recorded", [(None, "bounced")], set()),
    ("no outcome recorded does not fix", [("email", "bounced"), ("email", None)], {"email"}),
    (
        "several",
        [("email", "bounced"), ("sms", "failed"), ("letter", "bounced")],
        {"email", "sms", "postal"},
    ),
]


@pytest.mark.parametrize(
    ("history", "broken"), [h[1:] for h in HISTORIES], ids=[h[0] for h in HISTORIES]
)
def test_broken_routes(history: list[tuple[str | None, str | None]], broken: set[str]) -> None:
    events = [_event(day, channel, outcome) for day, (channel, outcome) in enumerate(history)]
    assert set(broken_routes(_client(**EVERY_CONTACT), events)) == broken


def test_broken_route_remembers_the_failure() -> None:
    first, second = _event(0, "email", "bounced"), _event(1, "email", "bounced")
    assert broken_routes(_client(**EVERY_CONTACT), [first, second]) == {"email": second}


def test_inbound_events_do_not_break_or_fix_routes() -> None:
    bounced = _event(0, "email", "bounced")
    reply = _event(1, "email", "delivered", direction="in", kind="reply")
    assert set(broken_routes(_client(**EVERY_CONTACT), [bounced, reply])) == {"email"}
    inbound_failure = _event(0, "phone", "failed", direction="in", kind="call")
    assert broken_routes(_client(**EVERY_CONTACT), [inbound_failure]) == {}


@pytest.mark.parametrize(
    ("to", "broken"),
    [(None, True), ("biuro@example.pl", True), ("old@example.pl", False)],
)
def test_a_bounce_to_an_old_address_does_not_break_the_new_one(
    to: str | None, broken: bool
) -> None:
    """The client's contacts changed since the bounce: the new address is worth a try."""
    event = _event(0, "email", "bounced", to=to)
    assert ("email" in broken_routes(_client(**EVERY_CONTACT), [event])) is broken


# -- choosing a channel -----------------------------------------------------------------------

ALL = EVERY_CONTACT
EMAIL_ONLY = {"email": "biuro@example.pl"}
POSTAL_ONLY = {"postal": "ul. Prosta 1, Warszawa"}

# (description, step channels, preferred, contacts, broken routes, chosen, passed over)
CHOICES: list[
    tuple[
        str,
        tuple[str, ...],
        str | None,
        dict[str, str],
        tuple[str, ...],
        str | None,
        tuple[str, ...],
    ]
] = [
    ("the step's first channel", ("email", "letter"), None, ALL, (), "email", ()),
    ("the step's order, not the fallback order", ("sms", "email"), None, ALL, (), "sms", ()),
    ("a channel without a contact is skipped", ("sms", "email"), None, EMAIL_ONLY, (), "email", ()),
    (
        "a broken channel is skipped and reported",
        ("email", "letter"),
        None,
        ALL,
        ("email",),
        "letter",
        ("email",),
    ),
    (
        "letters go to the postal address",
        ("registered_letter",),
        None,
        POSTAL_ONLY,
        (),
        "registered_letter",
        (),
    ),
    (
        "a broken postal route blocks both letters, reported once",
        ("registered_letter", "letter", "email"),
        None,
        ALL,
        ("postal",),
        "email",
        ("postal",),
    ),
    ("no step channel: the preferred one", (), "sms", ALL, (), "sms", ()),
    ("no step channel, no preference: e-mail first", (), None, ALL, (), "email", ()),
    (
        "no step channel works: the preferred one next",
        ("phone",),
        "messenger",
        EMAIL_ONLY | {"messenger": "kowalski"},
        (),
        "messenger",
        (),
    ),
    (
        "then the fallback order",
        ("phone",),
        None,
        {"sms": "+48 600", "linkedin": "in/k"},
        (),
        "sms",
        (),
    ),
    (
        "fallback passes broken routes, reporting each",
        ("email",),
        None,
        ALL,
        ("email", "sms", "phone"),
        "messenger",
        ("email", "sms", "phone"),
    ),
    ("fallback ends with letters", ("email",), None, POSTAL_ONLY, (), "letter", ()),
    ("fax is used only when a step asks for it", ("fax",), None, ALL, (), "fax", ()),
    ("fax is not a fallback", ("email",), None, {"fax": "+48 22"}, (), None, ()),
    ("system is never a contact channel", ("system", "email"), None, ALL, (), "email", ()),
    ("no contact at all", ("email",), None, {}, (), None, ()),
    ("every contact broken", ("email",), None, EMAIL_ONLY, ("email",), None, ("email",)),
    ("a broken preferred channel is passed over", (), "sms", ALL, ("sms",), "email", ("sms",)),
]


_TODAY = date(2026, 3, 10)


@pytest.mark.parametrize("case", CHOICES, ids=[c[0] for c in CHOICES])
def test_choose_channel(case: tuple[Any, ...]) -> None:
    _, channels, preferred, contacts, broken, chosen, passed = case
    failures = {
        route: _event(n, route if route != "postal" else "letter", "bounced")
        for n, route in enumerate(broken)
    }
    choice = choose_channel(_step(*channels), _client(preferred, **contacts), failures, _TODAY)
    assert isinstance(choice, ChannelChoice)
    assert choice.channel == chosen
    assert choice.passed_over == tuple(failures[route] for route in passed)


def test_choice_after_a_bounce_in_history() -> None:
    """broken_routes and choose_channel together: rule 9."""
    client = _client(**EVERY_CONTACT)
    history = [_event(0, "email", "delivered"), _event(3, "email", "bounced")]
    choice = choose_channel(
        _step("email", "letter"), client, broken_routes(client, history), _TODAY
    )
    assert choice.channel == "letter"
    assert choice.passed_over == (history[1],)


# -- rule 9 end to end: plan() after a bounce --------------------------------------------------


def _bounced_case() -> dict[str, Any]:
    return {
        "policy": "saas",
        "clients": [
            {
                "id": "c1",
                "name": "Studio Kowalski",
                "country": "PL",
                "timezone": "Europe/Warsaw",
                "contacts": {"email": "biuro@example.pl", "postal": "ul. Prosta 1"},
            }
        ],
        "contracts": [{"id": "k1", "client": "c1", "currency": "PLN"}],
        "invoices": [
            {
                "id": "inv-1",
                "contract": "k1",
                "issued": "2026-02-16",
                "due": "2026-03-02",
                "total": "1200.00",
                "currency": "PLN",
            }
        ],
        "history": [
            {
                "at": "2026-03-03T10:00:00+01:00",
                "client": "c1",
                "invoices": ["inv-1"],
                "direction": "out",
                "kind": "reminder",
                "step": "notice",
                "channel": "email",
                "outcome": "bounced",
            }
        ],
    }


def test_after_a_bounce_plan_uses_the_next_channel() -> None:
    planned = paychase.plan(_bounced_case(), now=datetime(2026, 3, 4, 9, tzinfo=WARSAW))
    (action,) = planned.actions
    assert (action.step, action.channel) == ("notice", "letter")
    assert action.key == "k1/inv-1/notice/2"


def test_after_a_bounce_the_reason_says_to_verify_the_contact_details() -> None:
    planned = paychase.plan(_bounced_case(), now=datetime(2026, 3, 4, 9, tzinfo=WARSAW))
    (action,) = planned.actions
    assert "email bounced on 2026-03-03: verify the client's contact details" in action.reason
