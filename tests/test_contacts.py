"""Several contacts per client, with roles: the case file, routing, To and Cc, and greetings."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import paychase
from paychase import InvalidCaseError
from paychase.case import Client, Contacts
from paychase.conversation._channels import choose_channel
from paychase.delivery import FileOutbox
from paychase.messages import Message, Renderer
from paychase.messages._samples import sample_case, samples
from paychase.policy import Step

_TODAY = date(2026, 3, 10)
_CLIENT: dict[str, Any] = {"id": "c", "name": "Acme", "country": "PL", "timezone": "Europe/Warsaw"}


def _client(contacts: Any, **more: Any) -> Client:
    return Client.model_validate({**_CLIENT, "contacts": contacts, **more})


TEAM = [
    {"role": "accounts", "email": "ap@acme.example", "sms": "+48 600 000 001"},
    {"name": "Jan Nowak", "role": "manager", "gender": "male", "email": "jan@acme.example"},
    {"name": "Ewa Lis", "role": "owner", "email": "ewa@acme.example", "phone": "+48 22 1"},
]


def test_the_contacts_object_is_one_billing_contact_without_a_name() -> None:
    client = _client({"email": "a@acme.example", "phone": "+48 1"})
    assert isinstance(client.contacts, Contacts)
    [person] = client.people
    assert (person.role, person.name, person.email, person.phone) == (
        "billing",
        None,
        "a@acme.example",
        "+48 1",
    )
    # Every role reaches it, and it is never copied to itself.
    assert client.addressees(("manager",)) == client.people
    assert client.copied(("billing", "manager")) == ()


def test_addressees_by_role_default_to_billing_else_the_first() -> None:
    client = _client(TEAM)
    assert [p.role for p in client.addressees()] == ["accounts"]  # no billing: the first
    assert [p.role for p in client.addressees(("manager", "owner"))] == ["manager", "owner"]
    assert [p.role for p in client.addressees(("other",))] == ["accounts"]  # nobody: default
    assert [p.role for p in client.copied(("manager",), ("accounts",))] == ["manager"]
    assert client.copied(("manager",), ("manager",)) == ()
    with_billing = _client([*TEAM, {"role": "billing", "email": "b@acme.example"}])
    assert with_billing.address_for("email") == "b@acme.example"


@pytest.mark.parametrize(
    ("contacts", "field"),
    [
        ([{"role": "boss", "email": "a@acme.example"}], "clients[0].contacts[0].role"),
        ([{"gender": "x"}], "clients[0].contacts[0].gender"),
        ([{"name": "=?utf-8?q?Evil?="}], "clients[0].contacts[0].name"),
        ([{"name": "Jan\r\nBcc: x@evil.example"}], "clients[0].contacts[0].name"),
        ([{"emial": "a@acme.example"}], "clients[0].contacts[0].emial"),
        ({"emial": "a@acme.example"}, "clients[0].contacts.emial"),
        ("a@acme.example", "clients[0].contacts"),
        ([{"preferred_channel": "pigeon"}], "clients[0].contacts[0].preferred_channel"),
    ],
)
def test_bad_contacts_are_one_line_naming_the_field(contacts: Any, field: str) -> None:
    data = sample_case("freelancer", "en").model_dump(mode="json", by_alias=True)
    data["clients"][0]["contacts"] = contacts
    with pytest.raises(InvalidCaseError) as caught:
        paychase.Case.model_validate(data)
    assert caught.value.field == field
    assert "\n" not in str(caught.value)


def test_a_step_addresses_roles_and_the_preferred_channel_goes_first() -> None:
    client = _client(
        [
            {
                "role": "accounts",
                "email": "ap@acme.example",
                "sms": "+48 1",
                "preferred_channel": "sms",
            },
            {"role": "manager", "email": "m@acme.example"},
        ]
    )
    both = Step.model_validate(
        {"id": "s", "from": "due", "action": "send_reminder", "channels": ["email", "sms"]}
    )
    assert choose_channel(both, client, {}, _TODAY).channel == "sms"  # accounts prefers it
    to_manager = both.model_copy(update={"to": ("manager",)})
    assert (
        choose_channel(to_manager, client, {}, _TODAY).channel == "email"
    )  # the manager has no SMS
    email_only = both.model_copy(update={"channels": ("email",)})
    assert choose_channel(email_only, client, {}, _TODAY).channel == "email"  # the step decides


def test_the_clients_preferred_channel_keeps_its_meaning_with_the_contacts_object() -> None:
    step = Step.model_validate(
        {"id": "s", "from": "due", "action": "send_reminder", "channels": ["email", "sms"]}
    )
    old = _client({"email": "a@acme.example", "sms": "+48 1"}, preferred_channel="sms")
    assert choose_channel(step, old, {}, _TODAY).channel == "email"  # a fallback only, as before
    new = _client([{"email": "a@acme.example", "sms": "+48 1"}], preferred_channel="sms")
    assert choose_channel(step, new, {}, _TODAY).channel == "sms"  # the contacts' default


def test_a_step_without_roles_plans_as_before_and_serialises_without_them() -> None:
    case = paychase.load_case("examples/portfolio.json")
    for action in paychase.plan(case, now=None).actions:
        assert action.to is None
        assert action.cc is None
        assert {"to", "cc"}.isdisjoint(action.model_dump(exclude_none=True))


def test_the_contacts_example_reaches_each_role() -> None:
    case = paychase.load_case("examples/contacts.json")
    actions = paychase.plan(case, now=None).actions
    renderer = Renderer()
    seen = {}
    for action in actions:
        if action.kind in ("review", "apply_fee", "escalate"):
            continue
        message = renderer.render(case, action)
        seen[action.client, action.step] = (
            [r.address for r in message.recipients],
            [r.address for r in message.cc],
        )
    assert seen[("cloudy", "suspend")] == (["ap@cloudy.example"], ["kim@cloudy.example"])
    assert seen[("kowalska", "polite")] == (["anna.kowalska@example.pl"], [])


# --- greetings --------------------------------------------------------------------------------

ANNA = {"name": "Anna Roth", "given_name": "Anna", "family_name": "Roth", "gender": "female"}
JAN = {"name": "Jan Müller", "given_name": "Jan", "family_name": "Müller", "gender": "male"}
IVAN = {
    "given_name": "Иван",
    "patronymic": "Петрович",
    "family_name": "Иванов",
    "gender": "male",
}
NIKOS = {"family_name": "Παπαδάκης", "gender": "male"}
GEORGIOS = {"family_name": "Παπαδόπουλος", "gender": "male"}
MARIA = {"family_name": "Οικονόμου", "gender": "female"}

GREETINGS = [
    ("en", ANNA, "business", "firm", "Dear Ms Roth,"),
    ("en", JAN, "business", "friendly", "Dear Mr Müller,"),
    ("en", {"name": "Alex Kim"}, "business", "firm", "Dear Alex Kim,"),
    ("en", {"salutation": "Dear Dr Smith", **ANNA}, "business", "firm", "Dear Dr Smith,"),
    ("en", None, "business", "firm", "Dear Sir or Madam,"),
    ("en", None, "business", "friendly", "Hello,"),
    ("pl", ANNA, "business", "firm", "Szanowna Pani,"),
    ("pl", JAN, "consumer", "friendly", "Szanowny Panie,"),
    ("pl", None, "consumer", "final", "Szanowna Pani / Szanowny Panie,"),
    ("pl", None, "consumer", "friendly", "Dzień dobry,"),
    ("pl", None, "business", "final", "Szanowni Państwo,"),
    ("de", ANNA, "business", "firm", "Sehr geehrte Frau Roth,"),
    ("de", JAN, "business", "final", "Sehr geehrter Herr Müller,"),
    ("de", JAN, "business", "friendly", "Guten Tag, Herr Müller,"),
    ("de", None, "business", "final", "Sehr geehrte Damen und Herren,"),
    ("ru", IVAN, "business", "firm", "Уважаемый Иван Петрович!"),
    ("ru", {**IVAN, "gender": None}, "business", "firm", "Здравствуйте, Иван Петрович!"),
    (
        "ru",
        {"family_name": "Петрова", "gender": "female"},
        "business",
        "firm",
        "Уважаемая госпожа Петрова!",
    ),
    ("ru", None, "consumer", "final", "Здравствуйте!"),
    ("el", NIKOS, "business", "firm", "Αξιότιμε κύριε Παπαδάκη,"),
    ("el", GEORGIOS, "business", "firm", "Αξιότιμε κύριε Παπαδόπουλε,"),
    ("el", MARIA, "business", "firm", "Αξιότιμη κυρία Οικονόμου,"),
    ("el", None, "business", "friendly", "Καλημέρα σας,"),
    ("el", None, "business", "firm", "Αξιότιμες κυρίες και κύριοι,"),
]


def _with_person(language: str, person: dict[str, Any] | None, kind: str) -> paychase.Case:
    data = sample_case("freelancer", language).model_dump(mode="json", by_alias=True)
    client = data["clients"][0]
    client["kind"] = kind
    if person is not None:
        client["contacts"] = [{**person, "email": "person@client.example", "postal": "Street 1"}]
    return paychase.Case.model_validate(data)


@pytest.mark.parametrize(("language", "person", "kind", "tone", "greeting"), GREETINGS)
def test_a_contact_person_is_greeted_as_the_language_does(
    language: str, person: dict[str, Any] | None, kind: str, tone: str, greeting: str
) -> None:
    case = _with_person(language, person, kind)
    sample = next(
        s
        for s in samples("freelancer", language)
        if s.action.tone == tone and s.action.kind in ("send_reminder", "send_letter")
    )
    message = Renderer().render(case, sample.action)
    assert greeting in message.text.splitlines()


def test_a_letter_names_the_person_it_is_for() -> None:
    for language, line in [
        ("en", "For the attention of Anna Roth"),
        ("de", "z. Hd. Frau Anna Roth"),
        ("pl", "Pani Anna Roth"),
    ]:
        case = _with_person(language, ANNA, "business")
        sample = next(s for s in samples("freelancer", language) if s.action.kind == "send_letter")
        message = Renderer().render(case, sample.action)
        assert line in message.text, language
        assert line in message.html, language


def test_the_outbox_writes_to_and_cc(tmp_path: Path) -> None:
    case = paychase.load_case("examples/contacts.json")
    action = next(a for a in paychase.plan(case, now=None).actions if a.step == "suspend")
    message = Renderer().render(case, action)
    outbox = FileOutbox(tmp_path, clock=lambda: datetime(2026, 3, 10, 9, tzinfo=UTC))
    assert outbox.send(message).status == "delivered"
    eml, record = outbox.paths(message.key)
    mail = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert str(mail["To"]) == "Accounts payable <ap@cloudy.example>"
    assert str(mail["Cc"]) == "Kim Hart <kim@cloudy.example>"
    assert Message.model_validate_json(record.read_text()).cc == message.cc
