"""The evidence pack: what goes in it, in which order, how messages are rebuilt, its files.

Most tests build one client, Studio Kowalski in Warsaw (tests/samples.py), owing inv-1
(1200.00 PLN, issued 16 February, due Monday 2 March 2026) under the freelancer policy, with a
history written out of order on purpose; the rest read the shipped examples/portfolio.json.
"""

# ruff: noqa: RUF001 - the Polish, Russian and Greek text is what the language tests are about

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import html5lib
import pytest
from tests.samples import first_invoice, kowalski, kowalski_contract, sample_case

from paychase import Case, plan, statement
from paychase._files import load_case
from paychase.errors import InvalidCaseError, PluginError
from paychase.evidence._html import evidence_html, write_evidence
from paychase.evidence._pack import (
    KEPT,
    NOT_RECONSTRUCTED,
    EvidencePack,
    TimelineEntry,
    evidence_pack,
)
from paychase.messages._render import Renderer
from paychase.money import builtin_rate_table
from paychase.testing import MemoryTemplates

WARSAW = ZoneInfo("Europe/Warsaw")
NOW = datetime(2026, 3, 5, 9, 0, tzinfo=WARSAW)
PORTFOLIO = Path(__file__).resolve().parent.parent / "examples" / "portfolio.json"
SENDER = {"name": "Studio Lumen", "email": "marta@lumen.example", "locale": "en_GB"}

PRE_DUE = {
    "at": "2026-02-27T10:00:00+01:00",
    "client": "c1",
    "invoices": ["inv-1"],
    "direction": "out",
    "kind": "reminder",
    "step": "pre_due",
    "channel": "email",
    "key": "k1/inv-1/pre_due/1",
    "outcome": "delivered",
}
POLITE = PRE_DUE | {
    "at": "2026-03-03T10:00:00+01:00",
    "step": "polite",
    "key": "k1/inv-1/polite/1",
}
PROMISE = {
    "at": "2026-03-03T14:00:00+01:00",
    "client": "c1",
    "invoices": ["inv-1"],
    "direction": "in",
    "kind": "promise",
    "channel": "email",
    "promise": {"date": "2026-03-13"},
}
# Typed into the history by hand: no plan ever had an action with this key.
BY_HAND = PRE_DUE | {
    "at": "2026-03-04T10:00:00+01:00",
    "step": "firm",
    "key": "k1/inv-1/firm/by-hand",
    "deadline": "2026-03-11",
}
AFTER_NOW = PRE_DUE | {"at": "2026-03-06T10:00:00+01:00", "key": "k1/inv-1/later/1"}
OTHER_CLIENT = {
    "at": "2026-03-02T10:00:00+01:00",
    "client": "c2",
    "direction": "out",
    "kind": "reminder",
    "channel": "email",
}


def kowalski_case(**fields: Any) -> Case:
    """Kowalski's case on 5 March: inv-1 partly paid on 27 February, inv-2 (50.00 PLN) issued,
    due and paid that same day, and a history out of order, after `now` and of another client.
    """
    data = sample_case(
        clients=[kowalski(), kowalski(id="c2", name="Other")],
        invoices=[
            first_invoice(payments=[{"date": "2026-02-27", "amount": "200.00", "ref": "T-1"}]),
            first_invoice(
                id="inv-2",
                issued="2026-02-27",
                due="2026-02-27",
                total="50.00",
                payments=[{"date": "2026-02-27", "amount": "50.00"}],
            ),
        ],
        history=[PROMISE, BY_HAND, POLITE, OTHER_CLIENT, AFTER_NOW, PRE_DUE],
        sender=SENDER,
    )
    return Case.model_validate(data | fields)


@pytest.fixture(scope="module")
def pack() -> EvidencePack:
    return evidence_pack(kowalski_case(), "c1", now=NOW)


@pytest.fixture(scope="module")
def portfolio() -> Case:
    return load_case(PORTFOLIO)


def summary(entry: TimelineEntry) -> tuple[str, date, tuple[str, ...], str | None]:
    key = entry.contact.key if entry.contact else None
    return entry.kind, entry.day, entry.invoices, key or (entry.contact and entry.contact.kind)


def test_timeline_is_in_time_order_with_dated_records_first_on_a_day(pack: EvidencePack) -> None:
    feb27, mar3 = date(2026, 2, 27), date(2026, 3, 3)
    assert [summary(e) for e in pack.timeline] == [
        ("issued", date(2026, 2, 16), ("inv-1",), None),
        ("issued", feb27, ("inv-2",), None),
        ("due", feb27, ("inv-2",), None),
        ("payment", feb27, ("inv-1",), None),
        ("payment", feb27, ("inv-2",), None),
        ("contact", feb27, ("inv-1",), "k1/inv-1/pre_due/1"),
        ("due", date(2026, 3, 2), ("inv-1",), None),
        ("contact", mar3, ("inv-1",), "k1/inv-1/polite/1"),
        ("contact", mar3, ("inv-1",), "promise"),
        ("contact", date(2026, 3, 4), ("inv-1",), "k1/inv-1/firm/by-hand"),
    ]


def test_entries_carry_amounts_references_and_local_times(pack: EvidencePack) -> None:
    payment = next(e for e in pack.timeline if e.kind == "payment" and e.invoices == ("inv-1",))
    assert (str(payment.amount), payment.currency, payment.reference) == ("200.00", "PLN", "T-1")
    promise = next(e for e in pack.timeline if e.contact and e.contact.kind == "promise")
    assert promise.at is not None
    assert promise.at.isoformat() == "2026-03-03T14:00:00+01:00"
    assert promise.contact is not None
    assert promise.contact.promise is not None
    assert promise.contact.promise.date == date(2026, 3, 13)
    assert promise.message is None
    assert promise.notes == ()


def test_timeline_days_are_the_clients_local_dates() -> None:
    late = PRE_DUE | {"at": "2026-02-27T23:30:00+00:00", "key": "late/1"}  # 28 Feb in Warsaw
    case = kowalski_case(history=[late])
    (contact,) = [e for e in evidence_pack(case, "c1", now=NOW).timeline if e.contact]
    assert contact.day == date(2026, 2, 28)
    assert contact.at is not None
    assert contact.at.isoformat() == "2026-02-28T00:30:00+01:00"


def test_rebuilt_message_is_the_plan_of_that_moment_rendered(pack: EvidencePack) -> None:
    case = kowalski_case()
    moment = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
    before = case.model_copy(update={"history": tuple(e for e in case.history if e.at < moment)})
    action = next(a for a in plan(before, now=moment).actions if a.key == "k1/inv-1/polite/1")
    expected = Renderer().render(before, action)

    entry = next(e for e in pack.timeline if e.contact and e.contact.key == action.key)
    assert entry.message is not None
    assert (entry.message.subject, entry.message.text) == (expected.subject, expected.text)
    assert entry.message.template == expected.template
    assert entry.message.recipients == expected.recipients
    assert entry.message.planned_at == moment
    assert entry.notes == ()


def test_rebuilt_message_does_not_see_later_contacts(pack: EvidencePack) -> None:
    # Planned with the whole history, 27 February's reminder would not be due again at all.
    first = next(e for e in pack.timeline if e.contact and e.contact.step == "pre_due")
    assert first.message is not None
    assert first.message.key == "k1/inv-1/pre_due/1"
    assert "1,000.00" in first.message.text  # 1200.00 less the 200.00 paid that morning


def test_a_contact_no_plan_explains_is_kept_with_a_note(pack: EvidencePack) -> None:
    entry = next(e for e in pack.timeline if e.contact and e.contact.key == BY_HAND["key"])
    assert entry.message is None
    assert len(entry.notes) == 1
    assert entry.notes[0].startswith(NOT_RECONSTRUCTED)
    assert entry.contact is not None
    assert entry.contact.deadline == date(2026, 3, 11)


def test_an_outbound_contact_without_key_is_kept_with_a_note() -> None:
    unkeyed = {k: v for k, v in PRE_DUE.items() if k != "key"}
    found = evidence_pack(kowalski_case(history=[unkeyed]), "c1", now=NOW)
    (entry,) = [e for e in found.timeline if e.kind == "contact"]
    assert (entry.message, entry.notes[0].startswith(NOT_RECONSTRUCTED)) == (None, True)


def test_only_the_clients_records_up_to_now_are_in_the_pack(pack: EvidencePack) -> None:
    contacts = [e.contact for e in pack.timeline if e.contact]
    assert {c.client for c in contacts} == {"c1"}
    assert AFTER_NOW["key"] not in {c.key for c in contacts}
    early = evidence_pack(kowalski_case(), "c1", now=datetime(2026, 2, 20, tzinfo=WARSAW))
    assert [i.id for i in early.invoices] == ["inv-1"]
    # The due date is a term of the invoice, known from its issue: it is listed even if later.
    assert [(e.kind, e.day) for e in early.timeline] == [
        ("issued", date(2026, 2, 16)),
        ("due", date(2026, 3, 2)),
    ]


def test_pack_holds_parties_terms_invoices_and_the_statement(pack: EvidencePack) -> None:
    case = kowalski_case()
    assert pack.client == case.clients[0]
    assert pack.sender == case.sender
    assert pack.contracts == case.contracts
    assert pack.invoices == case.invoices
    assert pack.statement == statement(case, "c1", now=NOW)
    assert pack.as_of == NOW
    assert pack.policy == "freelancer"


def test_statement_carries_each_charge_with_its_computation(portfolio: Case) -> None:
    found = evidence_pack(portfolio, "lindner", now=None)
    interest = [c for c in found.statement.charges if c.kind == "interest"]
    assert interest
    assert all(c.lines for c in interest)


def test_unknown_client_is_an_invalid_case() -> None:
    with pytest.raises(InvalidCaseError) as caught:
        evidence_pack(kowalski_case(), "nobody", now=NOW)
    assert (caught.value.field, caught.value.value) == ("client", "nobody")


def test_a_case_without_sender_is_an_invalid_case() -> None:
    case = kowalski_case().model_copy(update={"sender": None})
    with pytest.raises(InvalidCaseError) as caught:
        evidence_pack(case, "c1", now=NOW)
    assert caught.value.field == "sender"


def test_json_round_trips_and_is_deterministic(pack: EvidencePack) -> None:
    text = pack.to_json()
    assert text == evidence_pack(kowalski_case(), "c1", now=NOW).to_json()
    assert EvidencePack.model_validate_json(text) == pack
    data = json.loads(text)
    assert data["invoices"][0]["total"] == "1200.00"  # money stays a decimal string
    assert data["timeline"][0] == {
        "kind": "issued",
        "day": "2026-02-16",
        "invoices": ["inv-1"],
        "amount": "1200.00",
        "currency": "PLN",
        "notes": [],
    }


def parse_strictly(html: str) -> Any:
    return html5lib.HTMLParser(strict=True).parse(html)


def test_html_is_valid_html5_with_every_section(pack: EvidencePack) -> None:
    html = evidence_html(pack)
    parse_strictly(html)
    assert html.startswith("<!DOCTYPE html>")
    assert "@page { size: A4" in html
    for heading in ("Parties", "Contract terms", "Invoices and payments", "Timeline"):
        assert f"<h2>{heading}</h2>" in html
    assert "<h2>Statement of account as of 5 March 2026</h2>" in html
    assert html.count("<html") == 1  # messages are embedded as text, not as documents
    polite = next(e.message for e in pack.timeline if e.message and "polite" in e.message.key)
    assert f"<strong>Subject:</strong> {polite.subject}" in html
    assert "Note: the message could not be reconstructed" in html
    assert "Promised to pay the whole balance by 13 March 2026." in html


def test_html_shows_each_charge_computation_line(portfolio: Case) -> None:
    found = evidence_pack(portfolio, "nowak", now=None)
    html = evidence_html(found)
    parse_strictly(html)
    (charge,) = [c for c in found.statement.charges if c.amount]
    assert len(charge.lines) == 1
    assert '<td>24 Feb 2026</td><td>10 Mar 2026</td><td class="num">15 days</td>' in html
    assert '<th class="num">Rate (a year)</th>' in html
    assert '<td class="num">14%</td><td class="num">PLN28.31</td><td>[1]</td>' in html
    assert "PLN28.31" in html  # en_GB formatting of the sender's locale


@pytest.mark.parametrize("client", ["nowak", "lindner", "brightline", "harrow"])
def test_portfolio_packs_parse_and_rebuild_their_messages(portfolio: Case, client: str) -> None:
    found = evidence_pack(portfolio, client, now=None)
    parse_strictly(evidence_html(found))
    keyed = [e for e in found.timeline if e.contact and e.contact.key]
    assert keyed
    for entry in keyed:
        assert (entry.message is not None) != any(
            n.startswith(NOT_RECONSTRUCTED) for n in entry.notes
        )
    days = [e.day for e in found.timeline]
    assert days == sorted(days)


def test_portfolio_nowak_messages_are_all_rebuilt(portfolio: Case) -> None:
    found = evidence_pack(portfolio, "nowak", now=None)
    rebuilt = [e.message.key for e in found.timeline if e.message]
    assert rebuilt == [
        "nowak-2025/pl-2026-014/pre_due/1",
        "nowak-2025/pl-2026-014/polite/1",
        "nowak-2025/pl-2026-014/firm/1",
        "nowak-2025/pl-2026-021/pre_due/1",
    ]


def test_html_escapes_what_the_case_says() -> None:
    case = kowalski_case(clients=[kowalski(name="A <b>&</b> Co"), kowalski(id="c2", name="O")])
    html = evidence_html(evidence_pack(case, "c1", now=NOW))
    parse_strictly(html)
    assert "A &lt;b&gt;&amp;&lt;/b&gt; Co" in html
    assert "<b>" not in html


def test_a_host_template_overrides_the_pack(pack: EvidencePack) -> None:
    host = MemoryTemplates({("en", "evidence/pack"): "<p>{{ client.name }}: {{ as_of.day }}</p>"})
    html = evidence_html(pack, Renderer(templates=[host]))
    assert html == "<p>Studio Kowalski: 5 March 2026</p>\n"


def test_a_failing_host_template_is_a_plugin_error(pack: EvidencePack) -> None:
    host = MemoryTemplates({("en", "evidence/pack"): "{{ no_such_variable }}"})
    with pytest.raises(PluginError) as caught:
        evidence_html(pack, Renderer(templates=[host]))
    assert caught.value.field == "template"


def test_write_evidence_writes_both_files(pack: EvidencePack, tmp_path: Path) -> None:
    html = evidence_html(pack)
    out = tmp_path / "claims" / "c1"
    written = write_evidence(pack, html, out)
    assert written == [out / "evidence-c1.json", out / "evidence-c1.html"]
    assert EvidencePack.model_validate_json(written[0].read_text(encoding="utf-8")) == pack
    assert written[1].read_text(encoding="utf-8") == html
    assert sorted(p.name for p in out.iterdir()) == ["evidence-c1.html", "evidence-c1.json"]


def test_write_evidence_replaces_an_older_pack(pack: EvidencePack, tmp_path: Path) -> None:
    (tmp_path / "evidence-c1.html").write_text("old", encoding="utf-8")
    write_evidence(pack, "<p>new</p>\n", tmp_path)
    assert (tmp_path / "evidence-c1.html").read_text(encoding="utf-8") == "<p>new</p>\n"
    assert len(list(tmp_path.iterdir())) == 2


# --- the pack's language, its jurisdiction and its sources (issue 17, item 4) -------------------


def test_the_pack_is_in_the_senders_locale_else_the_clients() -> None:
    assert evidence_pack(kowalski_case(), "c1", now=NOW).locale == "en_GB"
    unset = {k: v for k, v in SENDER.items() if k != "locale"}
    polish = kowalski(locale="pl_PL")
    case = kowalski_case(sender=unset, clients=[polish, kowalski(id="c2", name="O")])
    found = evidence_pack(case, "c1", now=NOW)
    assert found.locale == "pl_PL"
    assert json.loads(found.to_json())["locale"] == "pl_PL"
    assert "<h1>Zestawienie dowodów</h1>" in evidence_html(found)
    # Neither says: the client's default, English.
    english = evidence_pack(kowalski_case(sender=unset), "c1", now=NOW)
    assert english.locale == "en"


def in_language(portfolio: Case, locale: str, client: str = "nowak") -> str:
    assert portfolio.sender is not None
    sender = portfolio.sender.model_copy(update={"locale": locale})
    html = evidence_html(
        evidence_pack(portfolio.model_copy(update={"sender": sender}), client, now=None)
    )
    parse_strictly(html)
    return html


# Nowak (Warsaw) owes 28.31 PLN of Polish commercial interest on FV/2026/02/014, computed as of
# 10 March 2026 at the NBP reference rate in force from 1 January 2026.
PACKS = {
    "pl_PL": (
        "<h1>Zestawienie dowodów</h1>",
        ["Strony", "Warunki umowy", "Faktury i wpłaty", "Przebieg zdarzeń"],
        "<h2>Rozliczenie należności na dzień 10 marca 2026</h2>",
        "28,31\xa0zł",
        "Prawo właściwe: Polska. Odsetki ustawowe: odsetki ustawowe za opóźnienie w transakcjach "
        "handlowych (art. 4 pkt 3",
        "Narodowy Bank Polski: stopa referencyjna NBP (reference rate) – 4%, obowiązuje od "
        "1 stycznia 2026, ",
    ),
    "de_DE": (
        "<h1>Beweisunterlagen und Forderungsaufstellung</h1>",
        ["Parteien", "Vertragsbedingungen", "Rechnungen und Zahlungen", "Chronologie"],
        "<h2>Forderungsaufstellung zum 10. März 2026</h2>",
        "28,31\xa0PLN",
        "Anwendbares Recht: Polen. Gesetzliche Zinsen: gesetzliche Verzugszinsen im "
        "Geschäftsverkehr nach Art. 4 Nr. 3",
        "Narodowy Bank Polski: stopa referencyjna NBP (reference rate) – 4\xa0%, gültig ab "
        "1. Januar 2026, ",
    ),
    "ru_RU": (
        "<h1>Расчёт задолженности и перечень доказательств</h1>",
        ["Стороны", "Условия договора", "Счета и платежи", "Хронология"],
        "<h2>Расчёт задолженности на 10 марта 2026\u202fг.</h2>",
        "28,31\xa0PLN",
        "Применимое право: Польша. Проценты: установленные законом проценты за просрочку "
        "в коммерческих сделках (п. 3 ст. 4",
        "Narodowy Bank Polski: stopa referencyjna NBP (reference rate) – 4\xa0%, действует с "
        "1 января 2026\u202fг., ",
    ),
    "el_GR": (
        "<h1>Φάκελος αποδεικτικών στοιχείων</h1>",
        ["Τα μέρη", "Όροι της σύμβασης", "Τιμολόγια και πληρωμές", "Χρονολόγιο"],
        "<h2>Κατάσταση οφειλής στις 10 Μαρτίου 2026</h2>",
        "28,31\xa0PLN",
        "Εφαρμοστέο δίκαιο: Πολωνία. Τόκοι: νόμιμοι τόκοι υπερημερίας στις εμπορικές συναλλαγές "
        "κατά το άρθρο 4 σημείο 3",
        "Narodowy Bank Polski: stopa referencyjna NBP (reference rate) – 4%, ισχύει από "
        "1 Ιανουαρίου 2026, ",
    ),
}
ENGLISH_LABELS = (
    "Evidence pack",
    "Parties",
    "Contract terms",
    "Statement of account",
    "Timeline",
    "Source",
    "Outcome:",
    "as of",
)


@pytest.mark.parametrize("locale", sorted(PACKS))
def test_each_language_writes_the_pack_in_its_own_words_and_formats(
    portfolio: Case, locale: str
) -> None:
    title, headings, statement_heading, interest, law, source = PACKS[locale]
    html = in_language(portfolio, locale)
    assert title in html
    for heading in headings:
        assert f"<h2>{heading}</h2>" in html
    assert statement_heading in html  # the long date as the language writes it
    assert f'<td class="num">{interest}</td>' in html  # money with the locale's separators
    assert law in html
    assert source + '<span class="url">https://nbp.pl/' in html
    assert f'<html lang="{locale[:2]}">' in html
    text = re.sub(r"<style>.*?</style>|<pre>.*?</pre>|<[^>]+>", " ", html, flags=re.S)
    for label in ENGLISH_LABELS:
        assert label not in text, label


def research_texts() -> list[str]:
    """Every research note and tag of the built-in rate table: for its maintainers only."""
    texts = []
    for regime in builtin_rate_table().regimes:
        for period in regime.periods:
            texts += [t for t in (period.research, period.to_note, regime.notes) if t]
    return texts


@pytest.mark.parametrize("locale", ["en_GB", *sorted(PACKS)])
@pytest.mark.parametrize("client", ["nowak", "lindner", "severny"])
def test_sources_are_the_publications_never_the_research(
    portfolio: Case, locale: str, client: str
) -> None:
    html = in_language(portfolio, locale, client)
    assert "research" not in html.lower()
    assert not re.search(r"\[(S|D|K|NV)\]", html)
    for note in research_texts():
        assert note not in html


def test_a_rate_source_is_the_period_the_rate_was_taken_from() -> None:
    # Lindner-style German B2B debt over a half-year change: two Basiszinssatz periods, each
    # with its own date, numbered in the order the computation uses them.
    german = kowalski(country="DE", timezone="Europe/Berlin", locale="de_DE")
    contract = kowalski_contract(currency="EUR", late_fee={"kind": "statutory"})
    invoice = first_invoice(issued="2025-05-02", due="2025-06-02", total="1000.00", currency="EUR")
    case = kowalski_case(
        clients=[german, kowalski(id="c2", name="O")],
        contracts=[contract],
        invoices=[invoice],
        history=[],
        sender=SENDER | {"locale": "de_DE"},
    )
    found = evidence_pack(case, "c1", now=datetime(2025, 8, 1, 12, tzinfo=WARSAW))
    (interest,) = [c for c in found.statement.charges if c.kind == "interest"]
    assert len({line.source for line in interest.lines}) == 2
    html = evidence_html(found)
    assert html.count("<td>[1]</td>") >= 1
    assert html.count("<td>[2]</td>") >= 1
    sources = re.findall(r"<li>(Deutsche Bundesbank: [^<]*)", html)
    assert [s.split("gültig ab ")[1] for s in sources] == ["1. Januar 2025, ", "1. Juli 2025, "]


def test_a_contract_that_names_its_law_is_named_so() -> None:
    german_law = kowalski_contract(jurisdiction="DE")
    case = kowalski_case(contracts=[german_law])
    html = evidence_html(evidence_pack(case, "c1", now=NOW))
    assert '<p class="jurisdiction">Jurisdiction: Germany. Statutory interest: Germany, ' in html
    assert '<th scope="row">Jurisdiction</th><td>Germany</td>' in html


def test_a_law_without_statutory_interest_says_so_in_the_senders_language() -> None:
    english_consumer = kowalski(country="GB", timezone="Europe/London", kind="consumer")
    case = kowalski_case(
        clients=[english_consumer, kowalski(id="c2", name="O")],
        sender=SENDER | {"locale": "pl_PL"},
    )
    html = evidence_html(evidence_pack(case, "c1", now=NOW))
    assert (
        "Prawo właściwe: Wielka Brytania (państwo siedziby dłużnika; umowa nie wskazuje prawa "
        "właściwego). Odsetki ustawowe: prawo tego państwa nie przewiduje odsetek ustawowych od "
        "tej należności."
    ) in html


@pytest.mark.parametrize(
    ("locale", "by_hand"),
    [
        (
            "pl_PL",
            "Uwaga: treści wiadomości nie można odtworzyć: plan z tej chwili nie przewidywał",
        ),
        ("de_DE", "Hinweis: der Wortlaut ist nicht rekonstruierbar: der Plan dieses Zeitpunkts"),
        ("ru_RU", "Примечание: текст сообщения восстановить нельзя: план на тот момент"),
        ("el_GR", "Σημείωση: το κείμενο του μηνύματος δεν μπορεί να ανασυσταθεί: το πρόγραμμα"),
    ],
)
def test_the_packs_own_notes_are_in_the_senders_language(locale: str, by_hand: str) -> None:
    case = kowalski_case(sender=SENDER | {"locale": locale})
    html = evidence_html(evidence_pack(case, "c1", now=NOW))
    assert by_hand in html
    assert NOT_RECONSTRUCTED not in html


def test_a_message_kept_by_the_store_is_said_so_in_the_senders_language() -> None:
    case = kowalski_case(sender=SENDER | {"locale": "pl_PL"})
    rebuilt = evidence_pack(case, "c1", now=NOW)
    polite = next(e.message for e in rebuilt.timeline if e.message and "polite" in e.message.key)
    moment = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
    before = case.model_copy(update={"history": tuple(e for e in case.history if e.at < moment)})
    action = next(a for a in plan(before, now=moment).actions if a.key == polite.key)
    sent = {polite.key: Renderer().render(before, action)}
    html = evidence_html(evidence_pack(case, "c1", now=NOW, sent=sent))
    assert (
        "Uwaga: treść wiadomości w brzmieniu wysłanym, zachowana w historii korespondencji." in html
    )
    assert html.count("Treść wysłanej wiadomości: kanał: e-mail") == 1  # the kept one
    assert "Treść wysłanej wiadomości, odtworzona z planu z chwili wysyłki" in html  # the others
    assert KEPT not in html
