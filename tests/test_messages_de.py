"""The German texts after the native review of 2026-12 (issue 17, review §6 and X2, X10, X12).

Each test renders the real built-in template for a sample action of `paychase.messages._samples`,
on the sample case changed where the finding is about the party or the count: a company
(``Müller GmbH``), a consumer who is a man, a woman or a person of unknown gender, and one or
two invoices. It checks that the corrected wording is there and the faulty one is gone.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import paychase
from paychase.messages import Message, Renderer
from paychase.messages._samples import Sample, _amounts, samples

NBSP = "\u00a0"
DASH = "\N{EN DASH}"
RENDERER = Renderer()

COMPANY = "Müller GmbH"
HANS = {"name": "Hans Müller", "given_name": "Hans", "family_name": "Müller", "gender": "male"}
ERIKA = {
    "name": "Erika Schmidt",
    "given_name": "Erika",
    "family_name": "Schmidt",
    "gender": "female",
}
ALEX = {"name": "Alex Schmidt", "given_name": "Alex", "family_name": "Schmidt"}


def _sample(policy: str, label: str) -> Sample:
    return next(s for s in samples(policy, "de") if s.label == label)


def _render(
    policy: str,
    label: str,
    *,
    consumer: dict[str, Any] | None = None,
    invoices: tuple[str, ...] | None = None,
) -> Message:
    """The sample `label` for the company ``Müller GmbH``, or for a consumer (a contact person
    with the name parts given; without ``gender``, the person is of unknown gender), about
    `invoices` (both sample invoices unless told), with the amounts of that client and count."""
    sample = _sample(policy, label)
    data = sample.case.model_dump(mode="json", by_alias=True)
    client = data["clients"][0]
    if consumer is None:
        client["name"] = COMPANY
    else:
        client.update(kind="consumer", name=consumer["name"])
        client["contacts"] = [{**consumer, "email": "privat@example.de", "postal": "Weg 1"}]
    case = paychase.Case.model_validate(data)
    action = sample.action
    if invoices is not None or consumer is not None:  # other invoices or party: other amounts
        chosen = invoices or action.invoices
        amounts = _amounts(case, action.at, chosen) if action.amounts else None
        action = action.model_copy(update={"invoices": chosen, "amounts": amounts})
    return RENDERER.render(case, action)


def _flat(text: str) -> str:
    """The text as one line with plain spaces: what a reader reads, whatever the reflow."""
    return " ".join(text.split())


# The legal block of every Mahnung that claims the Verzugspauschale ("weiter.Zudem").


@pytest.mark.parametrize("invoices", [("i1",), ("i1", "i2")])
@pytest.mark.parametrize(
    ("policy", "label"),
    [("freelancer", "freelancer/final"), ("b2b_strict", "b2b_strict/demand_letter")],
)
def test_the_flat_fee_sentence_is_a_sentence_of_its_own(
    policy: str, label: str, invoices: tuple[str, ...]
) -> None:
    message = _render(policy, label, invoices=invoices)
    for part in (message.text, message.html):
        flat = _flat(part)
        assert "weiter. Zudem steht uns nach § 288 Abs. 5 BGB" in flat
        assert "weiter.Zudem" not in flat
    if len(invoices) == 1:
        assert "eine Verzugspauschale in Höhe von 40,00 € zu." in _flat(message.text)
    else:
        assert "für jede Rechnung eine Verzugspauschale zu, zusammen 80,00 €." in _flat(
            message.text
        )


def test_a_consumer_owes_no_flat_fee_and_the_lower_rate() -> None:
    message = _render("freelancer", "freelancer/final", consumer=HANS)
    flat = _flat(message.text)
    assert "fünf Prozentpunkten über dem jeweiligen Basiszinssatz (§ 288 Abs. 1 BGB)" in flat
    assert "Verzugspauschale" not in flat
    assert "weiter.Zudem" not in flat


# The greeting: a consumer is no longer "Guten Tag Hans Müller," in a Mahnung.

GREETINGS = [
    (None, "Sehr geehrte Damen und Herren,"),
    (HANS, "Sehr geehrter Herr Müller,"),
    (ERIKA, "Sehr geehrte Frau Schmidt,"),
    (ALEX, "Guten Tag Alex Schmidt,"),  # gender unknown: the accepted neutral form
]


@pytest.mark.parametrize(("person", "greeting"), GREETINGS)
@pytest.mark.parametrize("label", ["freelancer/final", "freelancer/firm", "freelancer/overdue_90"])
def test_a_mahnung_greets_the_company_or_the_person(
    label: str, person: dict[str, Any] | None, greeting: str
) -> None:
    message = _render("freelancer", label, consumer=person)
    lines = message.text.splitlines()
    assert greeting in lines
    if person is not None and "gender" in person:
        assert f"Guten Tag {person['name']}," not in lines
        assert "Sehr geehrte Damen und Herren," not in lines
    assert greeting in message.html


def test_a_friendly_reminder_greets_a_person_by_name_and_a_company_plainly() -> None:
    assert (
        "Guten Tag Frau Schmidt,"
        in _render("freelancer", "freelancer/polite", consumer=ERIKA).text.splitlines()
    )
    assert "Guten Tag," in _render("freelancer", "freelancer/polite").text.splitlines()


# X10: the day of the last reminder, never "vor einigen Tagen".


@pytest.mark.parametrize("invoices", [("i1",), ("i1", "i2")])
def test_the_firm_reminder_names_the_day_of_the_last_reminder(invoices: tuple[str, ...]) -> None:
    message = _render("freelancer", "freelancer/firm", invoices=invoices)
    flat = _flat(message.text)
    words = "meine Rechnung Nr. 2026/01/7" if len(invoices) == 1 else "meine Rechnungen Nr."
    assert f"am 3. März 2026 hatte ich Sie an {words}" in flat
    assert "vor einigen Tagen" not in flat


def test_the_firm_reminder_opening_a_ladder_claims_no_earlier_reminder() -> None:
    message = _render("freelancer", "freelancer/firm:first")
    flat = _flat(message.text)
    assert "erinnert" not in flat
    assert "vor einigen Tagen" not in flat
    assert "meine Rechnungen Nr. 2026/01/7 und 2026/01/8 sind noch offen" in flat


def test_the_firm_e_mail_reminder_dates_the_earlier_reminder() -> None:
    sample = _sample("freelancer", "freelancer/firm")
    action = sample.action.model_copy(update={"template": "generic/send_reminder"})
    message = RENDERER.render(sample.case, action)
    assert "trotz unserer Erinnerung vom 3. März 2026 sind" in _flat(message.text)


# Call and task subjects: no "bei Müller GmbH" / "von Müller GmbH" without the article.


@pytest.mark.parametrize(
    ("policy", "label", "subject"),
    [
        ("freelancer", "freelancer/check_call", f"Anruf: {COMPANY} {DASH} Eingang der Rechnungen"),
        ("b2b_strict", "b2b_strict/pre_due_call", f"Anruf: {COMPANY} {DASH} Rechnungen Nr."),
        ("b2b_strict", "b2b_strict/follow_up_call", f"Nachfassanruf: {COMPANY} {DASH} Rechnungen"),
        ("freelancer", "freelancer/legal", f"{COMPANY} {DASH} Rechnungen Nr. 2026/01/7 und"),
        ("freelancer", "review:-", f"{COMPANY} {DASH} Rechnung Nr. 2026/01/7 prüfen"),
        ("freelancer", "apply_fee:-", f"{COMPANY} {DASH} Verzugskosten zur Rechnung Nr."),
    ],
)
def test_call_and_task_subjects_need_no_article(policy: str, label: str, subject: str) -> None:
    message = _render(policy, label)
    assert message.subject.startswith(subject)
    for wrong in (f"bei {COMPANY}", f"von {COMPANY}", f"für {COMPANY}"):
        assert wrong not in message.subject
        assert wrong not in message.text
        assert wrong.upper() not in message.text


def test_the_call_sheet_heads_with_the_client_and_no_preposition() -> None:
    message = _render("freelancer", "freelancer/check_call")
    assert message.text.splitlines()[0].startswith(f"ANRUF {DASH} {COMPANY}: ")
    assert f"<strong>Anruf {DASH} {COMPANY}</strong>" in message.html


# The suspension notice: no "gegenstandslos" right after "we have blocked your access".


@pytest.mark.parametrize("label", ["saas/suspend", "saas/warning:suspended"])
def test_a_blocked_account_asks_for_the_proof_of_payment(label: str) -> None:
    message = _render("saas", label)
    for part in (message.text, message.html):
        flat = _flat(part)
        assert (
            "Haben Sie die Zahlung bereits veranlasst, senden Sie uns bitte den "
            f"Zahlungsnachweis {DASH} wir schalten Ihren Zugang dann sofort wieder frei." in flat
        )
        assert "gegenstandslos" not in flat


def test_a_warning_before_the_suspension_keeps_the_usual_closing() -> None:
    flat = _flat(_render("saas", "saas/warning").text)
    assert "Zahlungsnachweis" not in flat
    assert "betrachten Sie diese Nachricht bitte als gegenstandslos" in flat


# How to pay: the IBAN named; a work request says the deadline once, in the payment sentence.


def test_the_account_is_named_as_an_iban() -> None:
    flat = _flat(_render("freelancer", "freelancer/polite").text)
    assert "auf das Konto mit der IBAN PL61 1090 1014 0000 0712 1981 2874" in flat
    assert "auf das Konto PL61" not in flat


@pytest.mark.parametrize("label", ["request_deposit:deposit", "request_deposit:materials"])
def test_a_prepayment_request_asks_once_with_its_deadline(label: str) -> None:
    flat = _flat(_render("freelancer", label).text)
    assert re.search(
        r"Bitte überweisen Sie [\d.]+,\d\d € bis zum 17\. März 2026 auf das Konto mit der IBAN",
        flat,
    )
    assert "Wir bitten um Überweisung" not in flat
    assert "bitten wir um Zahlung bis zum" not in flat
    assert flat.count("17. März 2026") == 1


def test_a_milestone_request_asks_once_with_its_deadline() -> None:
    flat = _flat(_render("freelancer", "request_milestone:design").text)
    assert "Bitte überweisen Sie" in flat
    assert "bis zum 17. März 2026 auf das Konto" in flat
    assert "Wir bitten um Überweisung" not in flat


def test_a_mahnung_closes_without_a_casual_thank_you() -> None:
    flat = _flat(_render("freelancer", "freelancer/firm").text)
    assert "Sollten Sie die Zahlung zwischenzeitlich veranlasst haben" in flat
    assert f"vielen Dank {DASH} dann" not in flat


# The prospect follow-up: no sales jargon.


def test_the_prospect_follow_up_reminds_without_jargon() -> None:
    message = _render("prospect", "prospect/follow_up")
    flat = _flat(message.text)
    assert "nach oben" not in flat
    assert "ich möchte Sie kurz an meine Nachricht vom 2. März 2026" in flat


# X12: the reflow never splits a date, a span, "Nr. …" or "§ 288".


MONTHS = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
# A line break inside a phrase: "15. / März", "März / 2026", "43 / Tage", "Nr. / 1", "§ / 288".
SPLIT = re.compile(
    rf"\b\d{{1,2}}\.\n(?:{MONTHS})\b|\b(?:{MONTHS})\n\d{{4}}\b|\b\d+\n(?:Tage?|Werktage?)\b"
    r"|\bNr\.\n|§\n|\bAbs\.\n|\bRate\n|\bRate\s\d+ von\n"
)


def _split_phrases(text: str) -> list[str]:
    """Each place where the reflow broke a line inside a date, a span or a numbered phrase."""
    return SPLIT.findall(text)


@pytest.mark.parametrize(
    ("policy", "label"),
    [
        ("freelancer", "freelancer/firm"),
        ("freelancer", "freelancer/overdue_60"),
        ("freelancer", "freelancer/overdue_90"),
        ("freelancer", "freelancer/final"),
        ("freelancer", "instalment:missed"),
        ("saas", "saas/warning"),
        ("project", "project/pause_notice"),
    ],
)
def test_reflow_keeps_dates_and_numbers_whole(policy: str, label: str) -> None:
    sample = next((s for s in samples(policy, "de") if s.label.startswith(label)), None)
    assert sample is not None, label
    message = RENDERER.render(sample.case, sample.action)
    assert _split_phrases(message.text) == []


def test_dates_and_numbers_carry_no_break_spaces_in_the_text_only() -> None:
    message = _render("freelancer", "freelancer/firm")
    text = message.text.replace("\n", " ")  # the reflow's breaks, the no-break spaces kept
    assert f"bis spätestens zum 15.{NBSP}März{NBSP}2026" in text
    assert f"Rechnungen Nr.{NBSP}2026/01/7" in text
    assert f"43{NBSP}Tage zurück" in text
    assert NBSP not in message.subject
    sms = _render("tradesperson", "tradesperson/polite")
    assert sms.channel == "sms"
    assert "Rechnungen Nr. 2026/01/7" in sms.text  # an SMS is not reflowed: plain spaces


# X2: the charges block never calls the principal "added".


def test_the_charges_block_states_the_claim_with_the_charges() -> None:
    flat = _flat(_render("freelancer", "freelancer/final").text)
    assert (
        "Einschließlich der nach dem Gesetz geschuldeten Verzugskosten ergibt sich mit Stand "
        "vom 10. März 2026 folgende Forderung: - Offene Hauptforderung: 2.625,38 €" in flat
    )
    assert "hinzugerechnet" not in flat
