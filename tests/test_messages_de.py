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
from paychase.messages._sms import sms_length

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
    (ALEX, "Guten Tag, Alex Schmidt,"),  # gender unknown: the neutral form, a comma (Duden)
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
        assert f"Guten Tag, {person['name']}," not in lines
        assert "Sehr geehrte Damen und Herren," not in lines
    assert greeting in message.html


def test_a_friendly_reminder_greets_a_person_by_name_and_a_company_plainly() -> None:
    assert (
        "Guten Tag, Frau Schmidt,"
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
    assert f"2 Rechnungen (2.625,38{NBSP}€) waren am 26.01.2026" in sms.text  # not reflowed


# X2: the charges block never calls the principal "added".


def test_the_charges_block_states_the_claim_with_the_charges() -> None:
    flat = _flat(_render("freelancer", "freelancer/final").text)
    assert (
        "Einschließlich der nach dem Gesetz geschuldeten Verzugskosten ergibt sich mit Stand "
        "vom 10. März 2026 folgende Forderung: - Offene Hauptforderung: 2.625,38 €" in flat
    )
    assert "hinzugerechnet" not in flat


# Issue 17, second pass: any count of invoices, rates with their period, short SMS, the
# contract, the deposit's refundability and the sender's voice.


def _case_with(sample: Sample, changes: dict[str, Any], invoices: int = 2) -> paychase.Case:
    """The sample's case with `changes` (dotted paths) applied and `invoices` invoices: the
    second sample invoice copied as 2026/01/2 … 2026/01/<n>, as the text matrix does."""
    data = sample.case.model_dump(mode="json", by_alias=True, exclude_none=True)
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value
    first, second, *rest = data["invoices"]
    if invoices != 2:
        copies = [
            second | {"id": f"i{n}", "number": f"2026/01/{n}"} for n in range(2, invoices + 1)
        ]
        data["invoices"] = [first, *copies, *rest]
    return paychase.Case.model_validate(data)


def _render_with(
    policy: str,
    label: str,
    changes: dict[str, Any] | None = None,
    *,
    invoices: int = 2,
    update: dict[str, Any] | None = None,
) -> Message:
    """The sample `label` on its case changed by `changes`, about `invoices` invoices, with the
    action's fields in `update` (e.g. the channel); amounts recomputed for the invoices."""
    sample = _sample(policy, label)
    case = _case_with(sample, changes or {}, invoices)
    action = sample.action
    if set(action.invoices) == {"i1", "i2"}:
        ids = ("i1", *(f"i{n}" for n in range(2, invoices + 1)))
        amounts = _amounts(case, action.at, ids) if action.amounts else None
        action = action.model_copy(update={"invoices": ids, "amounts": amounts})
    return RENDERER.render(case, action.model_copy(update=update or {}))


@pytest.mark.parametrize(
    ("policy", "label", "subject"),
    [
        ("freelancer", "freelancer/firm", "Mahnung: 21 Rechnungen"),
        ("freelancer", "freelancer/polite", "Sind meine 21 Rechnungen bei Ihnen angekommen?"),
        (
            "freelancer",
            "freelancer/overdue_30",
            f"Mahnung: 21 Rechnungen {DASH} 43 Tage überfällig",
        ),
        ("freelancer", "freelancer/final", "Letzte Mahnung: 21 Rechnungen"),
        (
            "b2b_strict",
            "b2b_strict/payment_call",
            f"Anruf: {COMPANY} {DASH} Zahlung der 21 Rechnungen",
        ),
        (
            "freelancer",
            "freelancer/legal",
            f"{COMPANY} {DASH} 21 Rechnungen an Anwalt oder Inkasso",
        ),
    ],
)
def test_many_invoices_are_counted_in_subjects(policy: str, label: str, subject: str) -> None:
    message = _render_with(policy, label, {"clients.0.name": COMPANY}, invoices=21)
    assert message.subject.startswith(subject)
    assert "2026/01/" not in message.subject
    assert "(Aufstellung unten)" not in message.subject
    assert len(message.subject) < 120


def test_many_invoices_are_counted_in_a_sentence_and_in_the_payment_details() -> None:
    message = _render_with("freelancer", "freelancer/firm", invoices=21)
    flat = _flat(message.text)
    assert "an meine 21 Rechnungen (Aufstellung unten) erinnert" in flat
    assert "geben Sie als Verwendungszweck die Rechnungsnummern an." in flat
    assert "Nr. 2026/01/7, 2026/01/2" not in flat
    assert "- Rechnung Nr. 2026/01/21 ·" in message.text  # the list the pointer points to


def test_a_neutral_reminder_and_a_letter_name_many_invoices_naturally() -> None:
    sample = _sample("freelancer", "freelancer/firm")
    case = _case_with(sample, {}, invoices=5)
    ids = tuple(f"i{n}" for n in range(1, 6))
    neutral = sample.action.model_copy(
        update={
            "template": "generic/send_reminder",
            "tone": "neutral",
            "invoices": ids,
            "amounts": _amounts(case, sample.action.at, ids),
        }
    )
    assert RENDERER.render(case, neutral).subject == "5 offene Rechnungen"
    letter = _render_with("freelancer", "freelancer/final", invoices=5)
    assert "Anlagen: Kopien der 5 oben aufgeführten Rechnungen" in letter.text


def test_a_call_sheet_points_up_to_its_list() -> None:
    message = _render_with("b2b_strict", "b2b_strict/payment_call", invoices=21)
    flat = _flat(message.text)
    assert "Zu unseren 21 Rechnungen (Aufstellung oben) ist bereits eine Mahnung" in flat
    assert flat.index("Rechnung Nr. 2026/01/21") < flat.index("(Aufstellung oben)")
    assert "(Aufstellung oben)" not in message.subject


def test_a_task_heading_for_many_invoices_carries_no_pointer() -> None:
    message = _render_with("freelancer", "freelancer/legal", invoices=21)
    heading = message.text.splitlines()[0]
    assert heading.startswith("AUFGABE: Example & Co")
    assert "21 Rechnungen an Anwalt oder Inkasso übergeben" in heading
    assert "Aufstellung" not in heading


# X6: invoices due on different days are not all given the first one's date.

LATER = {"invoices.1.issued": "2026-02-11"}  # due 25 February, 13 days overdue on 10 March


def test_different_due_dates_name_the_oldest() -> None:
    message = _render_with("freelancer", "freelancer/overdue_30", LATER)
    assert message.subject.endswith(f"{DASH} bis zu 43 Tage überfällig")
    flat = _flat(message.text)
    assert "der älteste Fälligkeitstermin am 26. Januar 2026 liegt inzwischen 43 Tage" in flat
    polite = _flat(_render_with("freelancer", "freelancer/polite", LATER).text)
    assert "Fällig waren sie ab dem 26. Januar 2026" in polite
    same = _flat(_render("freelancer", "freelancer/overdue_30").text)
    assert "der Fälligkeitstermin am 26. Januar 2026 liegt inzwischen 43 Tage zurück" in same


def test_three_invoices_are_still_listed_by_number() -> None:
    message = _render_with("freelancer", "freelancer/firm", invoices=3)
    assert message.subject == "Mahnung: Rechnungen Nr. 2026/01/7, 2026/01/2 und 2026/01/3"
    assert "(Aufstellung unten)" not in message.text


def test_every_rate_has_its_period_and_a_settled_line_says_so() -> None:
    flat = _flat(_render("freelancer", "freelancer/final").text)
    assert "10,27 % p. a. auf 2.460,00 € vom 27. Januar 2026" in flat
    assert "(15 Tage): 10,38 € (mit Zahlung vom 10. Februar 2026 verrechnet)" in flat
    assert not re.search(r"\d %\s+auf\s", flat)


@pytest.mark.parametrize(
    ("fee", "period"),
    [
        ({"kind": "percent_per_month", "rate": "1.5"}, "1,5 % pro Monat auf"),
        ({"kind": "daily_rate", "rate": "0.1"}, "0,1 % pro Tag auf"),
    ],
)
def test_a_contractual_rate_says_per_month_or_per_day(fee: dict[str, str], period: str) -> None:
    booked = {  # the late fee applied to both invoices on 2 February
        "at": "2026-02-02T10:00:00+01:00",
        "client": "client",
        "invoices": ["i1", "i2"],
        "direction": "out",
        "kind": "fee",
        "channel": "system",
    }
    changes = {"contracts.0.late_fee": fee, "contracts.0.grace": "0d", "history": [booked]}
    flat = _flat(_render_with("freelancer", "freelancer/final", changes).text)
    assert period in flat
    assert not re.search(r"\d %\s+auf\s", flat)


def test_a_reminder_claiming_no_charges_explains_the_interest_paid_first() -> None:
    flat = _flat(_render("freelancer", "freelancer/firm").text)
    assert (
        "Von Ihren Zahlungen über 460,00 € wurden nach den gesetzlichen Vorschriften zunächst "
        "10,38 € auf die bis dahin angefallenen Zinsen angerechnet; offen sind daher noch "
        "2.625,38 €." in flat
    )


def test_a_letter_dates_itself_with_its_reference_and_place() -> None:
    lines = _render("freelancer", "freelancer/final").text.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("Unser Zeichen: "))
    assert re.fullmatch(r"Unser Zeichen: [0-9A-F]{4}-[0-9A-F]{4}", lines[at])
    assert lines[at + 1] == "Warszawa, 10. März 2026"


# X8: every German SMS fits two UCS-2 segments (134 characters).

SMS_SAMPLES = [
    ("freelancer", "freelancer/pre_due"),
    ("freelancer", "freelancer/polite"),
    ("freelancer", "freelancer/firm"),
    ("tradesperson", "tradesperson/settle_up"),
    ("tradesperson", "tradesperson/polite"),
    ("saas", "saas/warning"),
    ("freelancer", "instalment:reminder"),
    ("freelancer", "instalment:missed"),
    ("prospect", "prospect/follow_up"),
    ("prospect", "prospect/last_check_in"),
    ("project", "project/follow_up"),
    ("project", "project/other_channel"),
    ("project", "project/pause_notice"),
]


@pytest.mark.parametrize("invoices", [1, 2, 21])
@pytest.mark.parametrize(("policy", "label"), SMS_SAMPLES)
def test_every_sms_is_short(policy: str, label: str, invoices: int) -> None:
    sample = next(s for s in samples(policy, "de") if s.label.startswith(label))
    if set(sample.action.invoices) != {"i1", "i2"}:  # a chase or an instalment: its own
        message = RENDERER.render(sample.case, sample.action.model_copy(update={"channel": "sms"}))
    elif invoices == 1:
        action = sample.action.model_copy(
            update={
                "invoices": ("i1",),
                "amounts": _amounts(sample.case, sample.action.at, ("i1",)),
                "channel": "sms",
            }
        )
        message = RENDERER.render(sample.case, action)
    else:
        message = _render_with(policy, sample.label, invoices=invoices, update={"channel": "sms"})
    text = message.text.strip()
    assert len(text) <= 134, text
    assert sms_length(text).segments <= 2, text
    assert DASH not in text
    assert "\n" not in text
    assert not text.startswith(("Guten Tag", "Sehr geehrte"))
    assert "Studio Lumen: " in text


def test_a_reminder_sms_names_the_amount_the_date_and_the_account() -> None:
    one = _render("tradesperson", "tradesperson/polite", invoices=("i1",)).text.strip()
    assert one == (
        f"Studio Lumen: Erinnerung: Rechnung 2026/01/7 (2.010,38{NBSP}€) war am 26.01.2026 fällig. "
        "IBAN PL61 1090 1014 0000 0712 1981 2874. Danke!"
    )
    many = _render_with("freelancer", "freelancer/firm", invoices=21, update={"channel": "sms"})
    assert many.text.strip() == (
        f"Studio Lumen: 21 Rechnungen überfällig, offen 14.310,38{NBSP}€. Bitte bis 15.03.2026 "
        "zahlen. IBAN PL61 1090 1014 0000 0712 1981 2874"
    )


def test_an_sms_lists_two_invoices_when_they_fit() -> None:
    changes = {"sender.bank_account": None}
    message = _render_with("freelancer", "freelancer/firm", changes, update={"channel": "sms"})
    assert message.text.strip() == (
        f"Studio Lumen: Rechnungen 2026/01/7 und 2026/01/8 überfällig, offen 2.625,38{NBSP}€. "
        "Bitte bis 15.03.2026 zahlen."
    )


# The contract of the claim, when the case names it.

CONTRACT = {"contracts.0.number": "K-2026/04", "contracts.0.signed": "2026-01-05"}


@pytest.mark.parametrize("label", ["freelancer/final", "freelancer/final:first"])
def test_the_letzte_mahnung_names_the_contract(label: str) -> None:
    flat = _flat(_render_with("freelancer", label, CONTRACT).text)
    assert (
        "letztmalig auf, den aus dem Vertrag Nr. K-2026/04 vom 5. Januar 2026 geschuldeten "
        "Gesamtbetrag von 2.728,66 €" in flat
    )


def test_a_contract_known_by_its_date_alone() -> None:
    changes = {"contracts.0.signed": "2026-01-05"}
    flat = _flat(_render_with("b2b_strict", "b2b_strict/demand_letter", changes).text)
    assert "den aus dem Vertrag vom 5. Januar 2026 geschuldeten Betrag von" in flat
    assert "Vertrag Nr." not in flat


def test_without_a_contract_number_the_letter_keeps_its_neutral_words() -> None:
    flat = _flat(_render("freelancer", "freelancer/final").text)
    assert "den offenen Gesamtbetrag von 2.728,66 €" in flat
    assert "aus dem Vertrag" not in flat


def test_an_e_mail_mahnung_names_the_contract() -> None:
    sample = _sample("freelancer", "freelancer/firm")
    case = _case_with(sample, {"contracts.0.number": "K-2026/04"})
    action = sample.action.model_copy(update={"template": "generic/send_reminder"})
    flat = _flat(RENDERER.render(case, action).text)
    assert (
        "sind unsere Rechnungen Nr. 2026/01/7 und 2026/01/8 aus dem Vertrag Nr. K-2026/04 "
        "weiterhin nicht beglichen" in flat
    )


# The deposit: credited to the price; refunded or not, as the contract says.


@pytest.mark.parametrize(
    ("refundable", "said", "unsaid"),
    [
        (True, "kommt der Auftrag nicht zustande, erstatten wir sie Ihnen.", "nicht erstattet"),
        (False, "wie vereinbart, wird sie nicht erstattet, wenn Sie vom Auftrag", "erstatten wir"),
        (None, "Die Anzahlung wird auf den Gesamtpreis angerechnet.", "erstatte"),
    ],
)
def test_a_deposit_request_says_whether_it_is_refunded(
    refundable: bool | None, said: str, unsaid: str
) -> None:
    """A contract that does not say whether the deposit is refunded gets no sentence on it."""
    changes = {"contracts.0.deposit.refundable": refundable}
    flat = _flat(_render_with("freelancer", "request_deposit:deposit", changes).text)
    assert "Die Anzahlung wird auf den Gesamtpreis angerechnet" in flat
    assert said in flat
    assert unsaid not in flat


# The sender's voice: "ich" or "wir" throughout, when the case says which.


def test_a_sender_writing_as_i_signs_the_letzte_mahnung_as_i() -> None:
    flat = _flat(_render_with("freelancer", "freelancer/final", {"sender.voice": "I"}).text)
    for said in (
        "trotz Fälligkeit und meiner bisherigen Zahlungsaufforderungen",
        "Ich fordere Sie hiermit letztmalig auf",
        "(Zahlungseingang bei mir)",
        "Zudem steht mir nach § 288 Abs. 5 BGB",
        "auf meinem Konto eingegangen sein, werde ich ohne",
        "Das möchte ich Ihnen und mir gern ersparen.",
        "damit ich die Angelegenheit ohne gerichtliche Hilfe klären kann.",
        "Zu einer Ratenzahlungsvereinbarung bin ich grundsätzlich bereit.",
    ):
        assert said in flat
    assert not re.search(r"\b(wir|uns|unser\w*)\b", flat.split("Einschließlich")[0])


def test_a_sender_writing_as_we_keeps_the_freelancer_e_mails_in_wir() -> None:
    flat = _flat(_render_with("freelancer", "freelancer/overdue_90", {"sender.voice": "we"}).text)
    assert "unsere Rechnungen Nr. 2026/01/7 und 2026/01/8 sind nach wie vor unbezahlt" in flat
    assert "Auf unsere bisherigen Mahnungen haben wir keine Antwort erhalten." in flat
    assert "Die Rechnungen legen wir Ihnen noch einmal bei." in flat
    assert "Bevor wir weitere Schritte prüfen müssen, möchten wir Ihnen" in flat
    assert not re.search(r"\b(ich|mein\w*|mir|mich)\b", flat, re.IGNORECASE)


def test_without_a_voice_each_text_keeps_its_own() -> None:
    assert "Ich bitte Sie dringend" in _flat(_render("freelancer", "freelancer/overdue_60").text)
    assert "Wir fordern Sie hiermit letztmalig auf" in _flat(
        _render("freelancer", "freelancer/final").text
    )


def test_a_reminder_sms_about_invoices_due_on_different_days_names_the_oldest_and_fits() -> None:
    """Invoice 2026/01/7 due on 2 February, 2026/01/8 on 26 January: the SMS gives the oldest."""
    sample = _sample("tradesperson", "tradesperson/polite")
    data = sample.case.model_dump(mode="json", by_alias=True)
    data["clients"][0]["name"] = COMPANY
    data["invoices"][0]["due"] = "2026-02-02"
    data["invoices"][1]["due"] = "2026-01-26"
    sms = RENDERER.render(paychase.Case.model_validate(data), sample.action)
    assert sms.channel == "sms"
    assert "älteste fällig seit 26.01.2026" in sms.text
    assert "02.02.2026" not in sms.text
    assert sms_length(sms.text.strip()).segments <= 2, sms.text
