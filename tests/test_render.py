"""Planned actions rendered into messages (paychase.messages._render): the shipped example, host
templates, locales, header safety, SMS length and what a message asks the client to pay.

The built-in translations grow over time, so the locale checks use an oracle over the files
actually shipped under ``paychase/messages/templates`` rather than a fixed list of languages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import html5lib
import pytest
from babel import Locale

import paychase
from paychase import Action, Case, ContactPerson, InvalidCaseError, PluginError
from paychase.messages._formatting import Money
from paychase.messages._message import Attachment, Message, Recipient
from paychase.messages._render import Renderer, template_names
from paychase.messages._samples import Sample, samples
from paychase.messages._templates import locale_chain

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = Path(paychase.__file__).parent / "messages" / "templates"
LANGUAGES = sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith("_"))
_FOR_SENDER = {"review", "apply_fee", "escalate"}
# One renderer for the tests without host templates: its compiled templates are shared.
RENDERER = Renderer()


@cache
def _samples(policy: str, language: str) -> tuple[Sample, ...]:
    return tuple(samples(policy, language))


def _language(locale: str) -> str:
    return Locale.parse(locale).language


def _builtin(locale: str, name: str) -> bool:
    return (TEMPLATES / locale / f"{name}.jinja").is_file()


def expected_template(action: Action, wanted: str) -> str:
    """The first name the action tries that a built-in has, in the most specific locale."""
    for name in template_names(action):
        for locale in locale_chain(wanted):
            if _builtin(locale, name):
                return f"{locale}/{name}"
    raise AssertionError(f"no built-in template for {action.key}")


def expected_locale(wanted: str, template: str) -> str:
    """The reader's own locale when the text is in their language, else the text's."""
    written_in = template.split("/", 1)[0]
    return wanted if _language(wanted) == _language(written_in) else written_in


def parse_html(html: str) -> Any:
    return html5lib.HTMLParser(strict=True).parse(html)


class Host:
    """A host's templates held in memory: ``{(locale, name): text}``."""

    def __init__(self, texts: Mapping[tuple[str, str], str]) -> None:
        self.texts = dict(texts)
        self.asked: list[tuple[str, str]] = []

    def source(self, name: str, locale: str, /) -> str | None:
        self.asked.append((name, locale))
        return self.texts.get((locale, name))


def message_template(subject: str, body: str = "Body.") -> str:
    return (
        '{% extends "_layout/message" %}'
        f"{{% block subject %}}{subject}{{% endblock %}}"
        f"{{% block body %}}{body}{{% endblock %}}"
    )


# -- the shipped example ------------------------------------------------------------------


@pytest.fixture(scope="module")
def portfolio() -> Case:
    data = json.loads((REPO / "examples" / "portfolio.json").read_text("utf-8"))
    return Case.model_validate(data)


@pytest.fixture(scope="module")
def rendered(portfolio: Case) -> list[tuple[Action, Message]]:
    actions = paychase.plan(portfolio, now=None).actions
    assert actions, "the example plans nothing: the tests below would check nothing"
    return [(action, RENDERER.render(portfolio, action)) for action in actions]


def _action(case: Case, client: str, step: str, kind: str = "send_reminder") -> Action:
    return next(
        a
        for a in paychase.plan(case, now=None).actions
        if a.client == client and a.step == step and a.kind == kind
    )


def test_every_planned_action_renders(
    portfolio: Case, rendered: list[tuple[Action, Message]]
) -> None:
    for action, message in rendered:
        assert message.key == action.key
        assert message.kind == action.kind
        assert message.subject.strip()
        assert message.text.strip()
        assert message.html.lstrip().startswith("<!DOCTYPE html>")
        assert message.recipients, action.key  # everyone in the example has an address
        assert ("X-Paychase-Key", action.key) in message.headers
    assert RENDERER.render_plan(portfolio, paychase.plan(portfolio, now=None)) == [
        m for _, m in rendered
    ]


def test_messages_are_in_the_readers_language(
    portfolio: Case, rendered: list[tuple[Action, Message]]
) -> None:
    clients = {c.id: c for c in portfolio.clients}
    assert portfolio.sender is not None
    for action, message in rendered:
        wanted = (
            portfolio.sender.locale if action.kind in _FOR_SENDER else clients[action.client].locale
        )
        written_in = message.template.split("/", 1)[0]
        assert written_in in locale_chain(wanted)
        assert _language(written_in) in LANGUAGES
        assert message.template == expected_template(action, wanted)
        assert message.locale == expected_locale(wanted, message.template)
        assert ("Content-Language", _language(message.locale)) in message.headers
        # The Polish client reads pl_PL wherever a Polish text exists.
        if action.client == "nowak" and action.kind not in _FOR_SENDER and written_in == "pl":
            assert message.locale == "pl_PL"


def test_tasks_go_to_the_sender(portfolio: Case, rendered: list[tuple[Action, Message]]) -> None:
    tasks = [(a, m) for a, m in rendered if a.kind in _FOR_SENDER]
    assert tasks
    for _, message in tasks:
        assert message.channel == "system"
        assert [r.address for r in message.recipients] == ["marta@studio-lumen.example"]


def test_subjects_are_one_line(rendered: list[tuple[Action, Message]]) -> None:
    for _, message in rendered:
        assert not re.search(r"[\x00-\x1f\x7f\u2028\u2029]", message.subject), message.subject
        assert message.subject == message.subject.strip()
        assert "  " not in message.subject


def test_html_parses_strictly(rendered: list[tuple[Action, Message]]) -> None:
    for action, message in rendered:
        document = parse_html(message.html)
        assert document.get("lang") == _language(message.locale), action.key


def test_html_escapes_what_the_text_keeps(portfolio: Case) -> None:
    hostile = "<script>alert(1)</script> & Söhne"
    person = ContactPerson(name=hostile, email="ap@harrow.example")
    clients = [
        c.model_copy(update={"contacts": (person,)}) if c.id == "harrow" else c
        for c in portfolio.clients
    ]
    case = portfolio.model_copy(update={"clients": tuple(clients)})
    message = RENDERER.render(case, _action(case, "harrow", "polite"))
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Söhne" in message.html
    parse_html(message.html)
    assert [r.name for r in message.recipients] == [hostile]


# -- errors -------------------------------------------------------------------------------


def test_rendering_needs_a_sender(portfolio: Case) -> None:
    case = portfolio.model_copy(update={"sender": None})
    with pytest.raises(InvalidCaseError) as error:
        RENDERER.render(case, _action(portfolio, "harrow", "polite"))
    assert error.value.field == "sender"


def test_an_unknown_client_is_refused(portfolio: Case) -> None:
    action = _action(portfolio, "harrow", "polite").model_copy(update={"client": "nobody"})
    with pytest.raises(InvalidCaseError) as error:
        RENDERER.render(portfolio, action)
    assert error.value.value == "nobody"


def test_an_undefined_variable_is_an_error_naming_the_template(portfolio: Case) -> None:
    host = Host({("en", "freelancer/polite"): message_template("Hello {{ no_such_variable }}")})
    with pytest.raises(PluginError) as error:
        Renderer(templates=[host]).render(portfolio, _action(portfolio, "harrow", "polite"))
    assert error.value.field == "template"
    assert error.value.value == "en/freelancer/polite"
    assert "no_such_variable" in str(error.value)


def test_an_undefined_attribute_is_an_error_too(portfolio: Case) -> None:
    host = Host({("en", "freelancer/polite"): message_template("{{ client.nickname }}")})
    with pytest.raises(PluginError, match="nickname"):
        Renderer(templates=[host]).render(portfolio, _action(portfolio, "harrow", "polite"))


def test_no_template_at_all_is_a_plugin_error(portfolio: Case) -> None:
    class Nothing:
        def source(self, name: str, locale: str, /) -> str | None:
            return None

    renderer = Renderer(templates=[Nothing()])
    renderer._loaders = (Nothing(),)  # no built-ins either
    with pytest.raises(PluginError) as error:
        renderer.render(portfolio, _action(portfolio, "harrow", "polite"))
    assert error.value.field == "template"
    assert "freelancer/polite" in str(error.value.value)


# -- host templates and locales -----------------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "pl"])
def test_a_template_may_import_the_parts_without_the_strings(portfolio: Case, locale: str) -> None:
    """`_layout/parts` finds its words itself when its importer did not import `_strings`."""
    action = _action(portfolio, "harrow", "polite")
    table = '{% import "_layout/parts" as p with context %}{{ p.invoice_table() }}'
    host = Host({(locale, "freelancer/polite"): table})
    message = Renderer(templates=[host]).render(portfolio, action, locale=locale)
    assert message.text.startswith("- Invoice " if locale == "en" else "- Faktura ")


def test_a_host_template_wins_over_the_builtin(portfolio: Case) -> None:
    action = _action(portfolio, "harrow", "polite")
    host = Host({("en", "freelancer/polite"): message_template("HOST: {{ client.name }}")})
    message = Renderer(templates=[host]).render(portfolio, action)
    assert message.subject == "HOST: Harrow & Finch Ltd"
    assert message.template == "en/freelancer/polite"
    # The host asked first, at the most specific locale first.
    assert host.asked[0] == ("freelancer/polite", "en_GB")
    # Another renderer without the host still gets the built-in text.
    assert RENDERER.render(portfolio, action).subject != message.subject


def test_a_host_template_for_one_locale_leaves_the_others_alone(portfolio: Case) -> None:
    host = Host({("en_US", "freelancer/with_fee"): message_template("US ONLY")})
    renderer = Renderer(templates=[host])
    american = renderer.render(portfolio, _action(portfolio, "brightline", "with_fee"))
    assert american.subject == "US ONLY"
    assert american.template == "en_US/freelancer/with_fee"
    assert american.locale == "en_US"
    german = renderer.render(portfolio, _action(portfolio, "lindner", "with_fee"))
    assert german.subject != "US ONLY"


def test_a_step_without_its_own_template_falls_back_to_generic(portfolio: Case) -> None:
    action = _action(portfolio, "harrow", "polite").model_copy(
        update={"template": "my_ladder/gentle"}
    )
    message = RENDERER.render(portfolio, action)
    assert message.template.endswith("/generic/send_reminder")
    host = Host({("en", "my_ladder/gentle"): message_template("Gentle")})
    assert Renderer(templates=[host]).render(portfolio, action).subject == "Gentle"


@pytest.mark.parametrize("locale", ["de_DE", "pl_PL", "el_GR", "ru_RU", "en_US", "fr_FR"])
def test_the_locale_can_be_overridden(portfolio: Case, locale: str) -> None:
    action = _action(portfolio, "harrow", "polite")
    message = RENDERER.render(portfolio, action, locale=locale)
    assert message.template == expected_template(action, locale)
    assert message.locale == expected_locale(locale, message.template)
    assert ("Content-Language", _language(message.locale)) in message.headers
    parse_html(message.html)


def test_an_unknown_locale_override_is_a_plugin_error(portfolio: Case) -> None:
    with pytest.raises(PluginError):
        RENDERER.render(portfolio, _action(portfolio, "harrow", "polite"), locale="xx_XX")


def test_partials_come_from_the_templates_language(portfolio: Case) -> None:
    host = Host(
        {
            ("en", "custom/note"): '{% import "_strings" as s %}{{ s.word }}',
            ("en", "_strings"): '{% set word = "ENGLISH" %}',
            ("pl", "_strings"): '{% set word = "POLSKI" %}',
        }
    )
    action = _action(portfolio, "nowak", "polite").model_copy(update={"template": "custom/note"})
    message = Renderer(templates=[host]).render(portfolio, action)
    assert message.template == "en/custom/note"
    assert message.locale == "en"
    assert message.subject == "ENGLISH"


# -- header injection ---------------------------------------------------------------------

_BREAKS = ["\r\nBcc: x@evil.example", "\nBcc: x@evil.example", "\r", "\x00", "\t", "\u2028"]


def _message(**fields: Any) -> Message:
    base: dict[str, Any] = {
        "key": "k",
        "kind": "send_reminder",
        "channel": "email",
        "locale": "en",
        "template": "en/generic/send_reminder",
        "recipients": (Recipient(name="Client", address="client@example.com"),),
        "subject": "Invoice 1",
        "text": "Text\n",
        "html": "<!DOCTYPE html>\n",
    }
    return Message.model_validate({**base, **fields})


def test_a_clean_message_can_be_built() -> None:
    message = _message(
        headers=(("X-Paychase-Key", "k"),),
        attachments=(Attachment(filename="a.pdf", content_type="application/pdf", data=b""),),
    )
    assert message.subject == "Invoice 1"
    assert "\n" in message.text  # bodies are multi-line: only header-bound text is checked


@pytest.mark.parametrize("bad", _BREAKS)
def test_line_breaks_cannot_reach_a_header(bad: str) -> None:
    with pytest.raises(InvalidCaseError):
        _message(subject=f"Invoice{bad}")
    with pytest.raises(InvalidCaseError):
        Recipient(name=f"Client{bad}", address="client@example.com")
    with pytest.raises(InvalidCaseError):
        Recipient(name="Client", address=f"client@example.com{bad}")
    with pytest.raises(InvalidCaseError):
        _message(headers=(("X-Note", f"value{bad}"),))
    with pytest.raises(InvalidCaseError):
        _message(headers=((f"X-Note{bad}", "value"),))
    with pytest.raises(InvalidCaseError):
        Attachment(filename=f"invoice{bad}.pdf", content_type="application/pdf", data=b"")
    with pytest.raises(InvalidCaseError):
        Attachment(filename="invoice.pdf", content_type=f"application/pdf{bad}", data=b"")


@pytest.mark.parametrize("name", ["X Note", "X-Note:", "Bcc: x", "", "Ünïcode"])
def test_header_names_are_rfc5322_field_names(name: str) -> None:
    with pytest.raises(InvalidCaseError):
        _message(headers=((name, "value"),))


def test_a_template_cannot_break_the_subject_line(portfolio: Case) -> None:
    subject = "Line one\r\nBcc: evil@example.com\n\n  {{ client.name }}\u2028end\t!"
    host = Host({("en", "freelancer/polite"): message_template(subject)})
    message = Renderer(templates=[host]).render(portfolio, _action(portfolio, "harrow", "polite"))
    assert message.subject == "Line one Bcc: evil@example.com Harrow & Finch Ltd end !"


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_a_template_subject_becomes_a_space(
    portfolio: Case, control: str
) -> None:
    host = Host({("en", "freelancer/polite"): message_template(f"Hi{control}there")})
    message = Renderer(templates=[host]).render(portfolio, _action(portfolio, "harrow", "polite"))
    assert message.subject == "Hi there"


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("name", "ACME\r\nBcc: x@evil.example"),
        ("name", "ACME\nBcc: x@evil.example"),
        ("email", "a@b.example\r\nBcc: x@evil.example"),
        ("sms", "+44 7700\r\n900123"),
    ],
)
def test_line_breaks_in_a_client_are_refused_by_the_case(where: str, value: str) -> None:
    data = json.loads((REPO / "examples" / "portfolio.json").read_text("utf-8"))
    client = data["clients"][3]
    if where == "name":
        client["name"] = value
    else:
        client["contacts"][where] = value
    with pytest.raises(InvalidCaseError) as error:
        Case.model_validate(data)
    assert error.value.field is not None
    assert error.value.field.startswith("clients[3]")
    with pytest.raises(InvalidCaseError):
        paychase.plan(data, now=None)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_a_unicode_line_separator_in_a_client_name(separator: str) -> None:
    data = json.loads((REPO / "examples" / "portfolio.json").read_text("utf-8"))
    data["clients"][3]["name"] = f"Harrow{separator}Bcc: x@evil.example"
    try:
        case = Case.model_validate(data)
    except InvalidCaseError:
        return  # refused with the case: fine
    message = RENDERER.render(case, _action(case, "harrow", "polite"))
    assert not any(separator in (r.name or "") for r in message.recipients)


# -- SMS ----------------------------------------------------------------------------------


def _friendly_reminders() -> list[tuple[str, str, str]]:
    found = []
    for policy in paychase.BUILTIN_POLICIES:
        for step in paychase.builtin_policy(policy).steps:
            if step.action == "send_reminder" and step.tone == "friendly":
                found += [(policy, step.id, language) for language in LANGUAGES]
    return found


@pytest.mark.parametrize(("policy", "step", "language"), _friendly_reminders())
def test_friendly_sms_fit_two_text_messages(policy: str, step: str, language: str) -> None:
    sample = next(s for s in _samples(policy, language) if s.action.step == step)
    action = sample.action.model_copy(update={"channel": "sms"})
    message = RENDERER.render(sample.case, action)
    assert message.channel == "sms"
    assert [r.address for r in message.recipients] == ["+00 555 0101"]
    assert 0 < len(message.text) < 320, message.text
    assert "\n" not in message.text.strip()
    assert sample.case.sender is not None
    assert sample.case.sender.name in message.text


def test_the_example_sms_is_short(rendered: list[tuple[Action, Message]]) -> None:
    texts = [m.text for _, m in rendered if m.channel == "sms"]
    assert texts, "the example has no SMS: harrow's polite reminder used to go by SMS"
    assert all(len(t) < 320 for t in texts), texts


@pytest.mark.parametrize("step", ["pre_due", "polite"])
def test_english_sms_agrees_in_number(step: str) -> None:
    sample = next(s for s in _samples("freelancer", "en") if s.action.step == step)
    assert len(sample.action.invoices) == 2
    text = RENDERER.render(sample.case, sample.action.model_copy(update={"channel": "sms"})).text
    assert not re.search(r"\binvoices\b.*?\b(?:is|was) due\b", text), text


# -- what a message asks for --------------------------------------------------------------


def _money(action: Action, message: Message, which: str) -> str:
    assert action.amounts is not None
    amount = getattr(action.amounts, which)
    return str(Money(amount, action.amounts.currency, message.locale))


def test_a_friendly_reminder_asks_for_the_invoice_only(
    rendered: list[tuple[Action, Message]],
) -> None:
    action, message = next(
        (a, m) for a, m in rendered if a.client == "nowak" and a.step == "polite"
    )
    assert action.amounts is not None
    assert action.amounts.total != action.amounts.principal  # interest is running
    principal, total = _money(action, message, "principal"), _money(action, message, "total")
    assert principal in message.text
    assert total not in message.text
    assert total not in message.html


def test_a_step_that_applies_a_fee_asks_for_the_total(
    rendered: list[tuple[Action, Message]],
) -> None:
    action, message = next(
        (a, m)
        for a, m in rendered
        if a.client == "lindner" and a.step == "with_fee" and a.kind == "send_reminder"
    )
    assert "apply_late_fee" in action.effects
    assert action.amounts is not None
    assert action.amounts.total != action.amounts.principal
    assert _money(action, message, "total") in message.text
    assert _money(action, message, "total") in message.html


def _client_messages() -> list[tuple[str, str, str]]:
    return [
        (policy, sample.label, language)
        for policy in paychase.BUILTIN_POLICIES
        for language in LANGUAGES
        for sample in _samples(policy, language)
        if sample.action.kind in ("send_reminder", "send_letter")
    ]


@pytest.mark.parametrize(("policy", "label", "language"), _client_messages())
def test_charges_are_claimed_from_the_step_that_books_them(
    policy: str, label: str, language: str
) -> None:
    sample = next(s for s in _samples(policy, language) if s.label == label)
    action = sample.action
    message = RENDERER.render(sample.case, action)
    assert action.amounts is not None
    principal, total = _money(action, message, "principal"), _money(action, message, "total")
    claims = action.tone in ("final", "legal") or bool(
        {"apply_late_fee", "add_compensation"} & set(action.effects)
    )
    if claims:
        assert total in message.text
    else:
        assert principal in message.text
        if action.amounts.total != action.amounts.principal:
            assert total not in message.text


def test_attachments_come_from_the_host_or_are_noted(
    rendered: list[tuple[Action, Message]], portfolio: Case
) -> None:
    action, message = next(
        (a, m) for a, m in rendered if a.client == "lindner" and a.attach_invoice
    )
    assert message.attachments == ()
    assert len(message.notes) == len(action.invoices)
    assert all("should be attached" in note for note in message.notes)

    def documents(invoice: paychase.Invoice) -> Attachment | None:
        return Attachment(
            filename=f"{invoice.id}.pdf", content_type="application/pdf", data=b"%PDF"
        )

    attached = Renderer(documents=documents).render(portfolio, action)
    assert sorted(a.filename for a in attached.attachments) == sorted(
        f"{i}.pdf" for i in action.invoices
    )
    assert attached.notes == ()


MIXED_OTHERS = {
    "en": "Also on your account: invoice FV/1, due March 23, 2026, 1 day overdue.",
    "de": "Außerdem noch offen: Rechnung Nr. FV/1, fällig am 23. März 2026, 1 Tag",
    "pl": "Do zapłaty pozostają również: faktura nr FV/1, termin płatności 23 marca",
    "el": "Επιπλέον εκκρεμούν: τιμολόγιο αρ. FV/1, λήξη 23 Μαρτίου 2026 (πριν από 1",  # noqa: RUF001
    "ru": "Кроме того, к оплате: счёт № FV/1, срок оплаты 23 марта 2026 г.,",  # noqa: RUF001
}


@pytest.mark.parametrize("locale", sorted(MIXED_OTHERS))
def test_a_message_at_two_steps_speaks_of_the_lead_and_lists_the_other(locale: str) -> None:
    """Issue 15: inv-0 at 'firm', inv-1 at 'polite' in one message: the firm words are about
    FV/0, FV/1 is named after them with its own due date and lateness; both are in the table
    and the amount asked."""
    case = _two_step_case(locale)
    action = next(a for a in paychase.plan(case, now=_MIXED_NOW).actions if a.invoice_steps)
    assert action.key == "k1/inv-0+inv-1@polite/firm/1"
    message = Renderer().render(paychase.Case.model_validate(case), action)
    assert "FV/0" in message.subject
    assert "FV/1" not in message.subject
    assert MIXED_OTHERS[locale] in " ".join(message.text.split())
    assert MIXED_OTHERS[locale].split(":")[0] in message.html
    assert action.amounts is not None
    assert action.amounts.total == Decimal("200.00")


_MIXED_NOW = datetime.fromisoformat("2026-03-24T09:00:00+01:00")


def _two_step_case(locale: str) -> dict[str, Any]:
    """inv-0 had its polite reminder on 17 March; inv-1 falls due on 23 March."""
    invoice = {"contract": "k1", "currency": "PLN", "total": "100.00"}
    return {
        "version": 1,
        "policy": "freelancer",
        "sender": {"name": "Studio Lumen", "email": "marta@lumen.example"},
        "clients": [
            {
                "id": "c1",
                "name": "Studio Kowalski",
                "country": "PL",
                "timezone": "Europe/Warsaw",
                "locale": locale,
                "contacts": {"email": "c1@example.com"},
            }
        ],
        "contracts": [{"id": "k1", "client": "c1", "currency": "PLN"}],
        "invoices": [
            invoice
            | {"id": "inv-0", "number": "FV/0", "issued": "2026-03-02", "due": "2026-03-16"},
            invoice
            | {"id": "inv-1", "number": "FV/1", "issued": "2026-03-09", "due": "2026-03-23"},
        ],
        "history": [
            {
                "at": "2026-03-17T10:00:00+01:00",
                "client": "c1",
                "invoices": ["inv-0"],
                "direction": "out",
                "kind": "reminder",
                "step": "polite",
                "channel": "email",
            }
        ],
    }
