"""Several contacts per client: a message reaches exactly the contacts its step addresses.

To holds the contacts of the step's `to` roles (else the billing contact, else the first) that
have an address on the channel; Cc those of its `cc` roles with an e-mail address who are not
in To; and the contacts object means what it always did, one nameless billing contact.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import paychase
from paychase.messages import Renderer
from paychase.messages._samples import sample_case, samples

ROLES = ("billing", "accounts", "manager", "owner", "other")
RENDERER = Renderer()
CASE = sample_case("freelancer", "en")
REMINDER = next(s.action for s in samples("freelancer", "en") if s.action.kind == "send_reminder")


@st.composite
def people(draw: st.DrawFn) -> list[dict[str, Any]]:
    """1-5 contacts with any roles (repeated or missing), some without an e-mail address."""
    count = draw(st.integers(min_value=1, max_value=5))
    found = []
    for index in range(count):
        person: dict[str, Any] = {"role": draw(st.sampled_from(ROLES))}
        if draw(st.booleans()):
            person["email"] = f"p{index}@client.example"
        if draw(st.booleans()):
            person["name"] = f"Person {index}"
        if draw(st.booleans()):
            person["sms"] = f"+48 600 000 {index:03d}"
        found.append(person)
    return found


roles = st.lists(st.sampled_from(ROLES), max_size=3, unique=True)


@settings(max_examples=60, deadline=None)
@given(contacts=people(), to=roles, cc=roles)
def test_to_and_cc_are_the_addressed_roles(
    contacts: list[dict[str, Any]], to: list[str], cc: list[str]
) -> None:
    data = CASE.model_dump(mode="json", by_alias=True)
    data["clients"][0]["contacts"] = contacts
    case = paychase.Case.model_validate(data)
    action = REMINDER.model_copy(
        update={"channel": "email", "to": tuple(to) or None, "cc": tuple(cc) or None}
    )
    message = RENDERER.render(case, action)
    matching = [p for p in contacts if p["role"] in to]
    addressed = matching or ([p for p in contacts if p["role"] == "billing"][:1] or contacts[:1])
    expected_to = list(dict.fromkeys(p["email"] for p in addressed if "email" in p))
    assert [r.address for r in message.recipients] == expected_to
    copied = [
        p["email"] for p in contacts if p["role"] in cc and "email" in p and p not in addressed
    ]
    expected_cc = [a for a in dict.fromkeys(copied) if a not in expected_to]
    assert [r.address for r in message.cc] == expected_cc
    assert not {r.address for r in message.cc} & {r.address for r in message.recipients}


@settings(max_examples=40, deadline=None)
@given(
    email=st.sampled_from([None, "a@client.example"]),
    sms=st.sampled_from([None, "+48 600 000 001"]),
    to=roles,
    cc=roles,
)
def test_the_contacts_object_is_one_nameless_billing_contact(
    email: str | None, sms: str | None, to: list[str], cc: list[str]
) -> None:
    old = {k: v for k, v in {"email": email, "sms": sms}.items() if v}
    messages = []
    for contacts in (old, [old]):
        data = CASE.model_dump(mode="json", by_alias=True)
        data["clients"][0]["contacts"] = contacts
        case = paychase.Case.model_validate(data)
        action = REMINDER.model_copy(update={"to": tuple(to) or None, "cc": tuple(cc) or None})
        messages.append(RENDERER.render(case, action))
    assert messages[0] == messages[1]
    assert messages[0].cc == ()
