"""The Greek texts as a careful Greek credit controller writes them: each row of §5 of the
native review of 2026-12 (and the common rows X2, X10, X12 for Greek), rendered from the real
templates with the sample cases, for a company and a consumer (a man, a woman, a person of
unknown gender) and for one and two invoices where the words depend on them.
"""

# ruff: noqa: RUF001 - Greek text is what these tests are about

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from paychase import Action, Case
from paychase.messages import Message, Renderer
from paychase.messages._samples import Sample, samples

RENDERER = Renderer()
POLICIES = ("freelancer", "b2b_strict", "saas", "tradesperson", "project", "prospect")
ADDRESS = "Οδός Σκουφά 21, 106 73 Αθήνα"
PEOPLE: dict[str, dict[str, str] | None] = {
    "man": {
        "name": "Γιώργος Παπαδόπουλος",
        "given_name": "Γιώργος",
        "family_name": "Παπαδόπουλος",
        "gender": "male",
    },
    "woman": {
        "name": "Μαρία Οικονόμου",
        "given_name": "Μαρία",
        "family_name": "Οικονόμου",
        "gender": "female",
    },
    "unknown": None,  # a consumer the case names, with no contact person
}
PARTIES = ("company", *PEOPLE)


@cache
def _samples(policy: str) -> tuple[Sample, ...]:
    return tuple(samples(policy, "el"))


def _sample(policy: str, label: str) -> Sample:
    return next(s for s in _samples(policy) if s.label == label)


def _case(sample: Sample, party: str, invoices: int, **sender: Any) -> tuple[Case, Action]:
    """The sample's case and action for `party`, with the first `invoices` of its invoices."""
    data = sample.case.model_dump(mode="json", by_alias=True)
    data["sender"].update(sender)
    client = data["clients"][0]
    if party == "company":
        client["name"] = "Παπαδόπουλος Α.Ε."
    else:
        client["kind"] = "consumer"
        person = PEOPLE[party]
        client["name"] = person["name"] if person else "Αλέξης Νικολάου"
        if person:
            client["contacts"] = [{**person, "email": "p@client.example", "postal": ADDRESS}]
    action = sample.action
    if invoices == 1:
        kept = {data["invoices"][0]["id"]}
        data["invoices"] = data["invoices"][:1]
        for event in data.get("history", []):
            event["invoices"] = [i for i in event.get("invoices") or [] if i in kept]
        action = action.model_copy(update={"invoices": tuple(kept & set(action.invoices))})
    return Case.model_validate(data), action


def render(
    policy: str, label: str, party: str = "company", invoices: int = 2, **sender: Any
) -> Message:
    case, action = _case(_sample(policy, label), party, invoices, **sender)
    return RENDERER.render(case, action)


def flat(text: str) -> str:
    """The text as one line with plain spaces: phrases compare whatever the reflow did."""
    return " ".join(text.replace("\xa0", " ").split())


@cache
def everything() -> tuple[tuple[str, str], ...]:
    """Every Greek sample message: (label, subject + text + html)."""
    out = []
    for policy in POLICIES:
        for sample in _samples(policy):
            message = RENDERER.render(sample.case, sample.action)
            out.append((sample.label, "\n".join([message.subject, message.text, message.html])))
    return tuple(out)


@pytest.mark.parametrize(
    "wrong",
    [
        "Αγαπητοί συνεργάτες",
        "«»",
        "διασταυρώθηκε",
        "δεν έχω δει ακόμη την πληρωμή",
        "διαβάζει μια παλιά διεύθυνση",
        "Σας καλούμε σχετικά",
        "ανοιχτό ποσό",
        "πότε θα μπορέσετε να απαντήσετε",
        "Συνεχίσαμε τις εργασίες",
        "πριν από λίγες ημέρες",
        "μετά τη λήξη τους, στις",
        "μπορεί να επιδοθεί",
        "ΤΑ ΣΤΟΙΧΕΙΑ",
        "προστίθενται τα ακόλουθα",
        "η δόση 2 από 3",
        "ΑΦΜ PL",
        "καλέσαμε",
        "Καλέσαμε",
    ],
)
def test_no_greek_message_keeps_a_wrong_phrase_of_the_review(wrong: str) -> None:
    found = [label for label, text in everything() if wrong in flat(text)]
    assert not found, f"{wrong!r} in {found}"


@pytest.mark.parametrize(
    ("party", "label", "greeting"),
    [
        ("company", "freelancer/polite", "Καλημέρα σας,"),
        ("company", "freelancer/firm", "Αξιότιμες κυρίες και κύριοι,"),
        ("man", "freelancer/firm", "Αξιότιμε κύριε Παπαδόπουλε,"),
        ("man", "freelancer/polite", "Αξιότιμε κύριε Παπαδόπουλε,"),
        ("woman", "freelancer/firm", "Αξιότιμη κυρία Οικονόμου,"),
        ("unknown", "freelancer/polite", "Χαίρετε,"),
    ],
)
def test_the_greeting_is_the_form_a_greek_reader_expects(
    party: str, label: str, greeting: str
) -> None:
    for invoices in (1, 2):
        message = render("freelancer", label, party, invoices)
        assert message.text.splitlines()[0] == greeting
        assert "συνεργάτες" not in message.text


@pytest.mark.parametrize(
    ("family", "greeting"),
    [
        ("Παπαδάκης", "Αξιότιμε κύριε Παπαδάκη,"),
        ("Παπαδόπουλος", "Αξιότιμε κύριε Παπαδόπουλε,"),
        ("Αλεξόπουλος", "Αξιότιμε κύριε Αλεξόπουλε,"),
        ("Βλάχος", "Αξιότιμε κύριε,"),  # Βλάχο, not Βλάχε: no safe rule for every -ος
        ("Γεωργίου", "Αξιότιμε κύριε Γεωργίου,"),
    ],
)
def test_a_man_is_greeted_in_the_vocative_where_it_is_certain(family: str, greeting: str) -> None:
    sample = _sample("freelancer", "freelancer/firm")
    data = sample.case.model_dump(mode="json", by_alias=True)
    data["clients"][0]["contacts"] = [
        {"family_name": family, "gender": "male", "email": "p@client.example"}
    ]
    message = RENDERER.render(Case.model_validate(data), sample.action)
    assert message.text.splitlines()[0] == greeting


def test_a_request_without_an_invoice_states_no_empty_payment_reference() -> None:
    for label in (
        "request_deposit:deposit",
        "request_deposit:materials",
        "request_milestone:design",
    ):
        message = render("freelancer", label)
        assert "«»" not in message.text, label
        assert "«»" not in message.html, label
        assert "αιτιολογία" not in flat(message.text), label
        assert "Santander Bank Polska. Αν έχετε ήδη πληρώσει" in flat(message.text), label


def test_a_reminder_about_invoices_still_names_them_as_the_payment_reference() -> None:
    one = flat(render("freelancer", "freelancer/firm", invoices=1).text)
    two = flat(render("freelancer", "freelancer/firm", invoices=2).text)
    assert "με αιτιολογία «2026/01/7». Αν έχετε ήδη πληρώσει" in one
    assert "με αιτιολογία «2026/01/7, 2026/01/8»" in two


def test_the_polite_reminder_says_the_payment_is_not_credited_yet() -> None:
    for party in PARTIES:
        one = flat(render("freelancer", "freelancer/polite", party, 1).text)
        two = flat(render("freelancer", "freelancer/polite", party, 2).text)
        assert "λάβατε το τιμολόγιο αρ. 2026/01/7: έληξε στις 26 Ιανουαρίου 2026" in one
        assert "λάβατε τα τιμολόγια αρ. 2026/01/7 και 2026/01/8: έληξαν στις" in two
        for text in (one, two):
            assert "και δεν έχει πιστωθεί ακόμη η πληρωμή" in text
            assert "Ίσως η πληρωμή να έχει ήδη γίνει ή να εκκρεμεί κάποια έγκριση." in text


def test_the_project_call_says_messages_go_to_an_old_address() -> None:
    text = flat(render("project", "project/check_call").text)
    assert "λείπει ή τα μηνύματα πηγαίνουν σε παλιά διεύθυνση" in text


def test_a_call_script_phones_about_the_unpaid_amount() -> None:
    one = flat(render("tradesperson", "tradesperson/call", invoices=1).text)
    two = flat(render("tradesperson", "tradesperson/call", invoices=2).text)
    assert "Σας τηλεφωνούμε σχετικά με το τιμολόγιο αρ. 2026/01/7, που έληξε" in one
    assert "Σας τηλεφωνούμε σχετικά με τα τιμολόγια αρ. 2026/01/7 και 2026/01/8, που έληξαν" in two
    for text in (one, two):
        assert "Το ανεξόφλητο ποσό είναι" in text
        assert "ΣΤΟΙΧΕΙΑ ΥΠΟΘΕΣΗΣ" in text


def test_the_follow_up_call_says_we_phoned() -> None:
    text = flat(render("b2b_strict", "b2b_strict/follow_up_call").text)
    assert "Τηλεφωνήσαμε πρόσφατα για τα τιμολόγια" in text


def test_the_pause_notice_asks_when_to_expect_a_decision() -> None:
    text = flat(render("project", "project/pause_notice").text)
    assert "έστω και μόνο για να μου πείτε πότε να περιμένω την απόφασή σας." in text


def test_work_resumes_rather_than_continues() -> None:
    message = render("freelancer", "resume_work:deposit")
    assert "Ξεκινήσαμε ξανά τις εργασίες στο έργο" in flat(message.text)
    assert message.subject == "Λάβαμε την πληρωμή – οι εργασίες ξεκινούν ξανά"


def test_the_firm_reminder_gives_the_date_we_wrote_or_none() -> None:
    reminded = flat(render("freelancer", "freelancer/firm").text)
    first = flat(render("freelancer", "freelancer/firm:first").text)
    assert "Σας έγραψα στις 3 Μαρτίου 2026 για τα τιμολόγια" in reminded
    assert "Σας έγραψα" not in first
    assert "Σας γράφω για τα τιμολόγια" in first


@pytest.mark.parametrize("label", ["freelancer/overdue_30", "freelancer/overdue_60"])
def test_an_overdue_notice_says_when_the_invoices_fell_due(label: str) -> None:
    one = flat(render("freelancer", label, invoices=1).text)
    two = flat(render("freelancer", label, invoices=2).text)
    assert "παραμένει ανεξόφλητο, αν και έληξε στις 26 Ιανουαρίου 2026 (πριν από 43 ημέρες)." in one
    assert (
        "παραμένουν ανεξόφλητα, αν και έληξαν στις 26 Ιανουαρίου 2026 (πριν από 43 ημέρες)." in two
    )
    assert "μετά τη λήξη" not in one + two


def test_an_overdue_notice_with_different_due_dates_states_no_single_day_count() -> None:
    sample = _sample("freelancer", "freelancer/overdue_30")
    data = sample.case.model_dump(mode="json", by_alias=True)
    data["invoices"][1]["issued"] = "2026-02-11"  # due on 25 February, not 26 January
    text = flat(RENDERER.render(Case.model_validate(data), sample.action).text)
    assert "αν και έληξαν στις ημερομηνίες που αναγράφονται παρακάτω." in text
    assert "(πριν από" not in text


@pytest.mark.parametrize(
    ("party", "addressee", "served"),
    [
        (
            "company",
            "ΠΡΟΣ Την ανώνυμη εταιρεία με την επωνυμία «Παπαδόπουλος Α.Ε.», με έδρα "
            f"{ADDRESS}, νομίμως εκπροσωπούμενη.",
            "προς την ανώνυμη εταιρεία με την επωνυμία «Παπαδόπουλος Α.Ε.», για να λάβει",
        ),
        (
            "man",
            f"ΠΡΟΣ Τον Γιώργο Παπαδόπουλο, με διεύθυνση {ADDRESS}.",
            "προς τον Γιώργο Παπαδόπουλο, για να λάβει",
        ),
        (
            "woman",
            f"ΠΡΟΣ Τη Μαρία Οικονόμου, με διεύθυνση {ADDRESS}.",
            "προς τη Μαρία Οικονόμου, για να λάβει",
        ),
        (
            "unknown",
            f"ΠΡΟΣ: Αλέξης Νικολάου, με διεύθυνση {ADDRESS}.",
            "προς τον αποδέκτη της, για να λάβει",
        ),
    ],
)
def test_the_extrajudicial_notice_names_its_addressee_in_the_accusative(
    party: str, addressee: str, served: str
) -> None:
    for invoices, issued in [
        (1, "εκδόθηκε σε βάρος σας το τιμολόγιο αρ. 2026/01/7"),
        (2, "εκδόθηκαν σε βάρος σας τα τιμολόγια αρ. 2026/01/7 και 2026/01/8"),
    ]:
        message = render("freelancer", "freelancer/final", party, invoices)
        text = flat(message.text)
        assert addressee in text
        assert issued in text
        assert (
            "Ο αρμόδιος δικαστικός επιμελητής παραγγέλλεται να επιδώσει νόμιμα την παρούσα "
            f"{served} γνώση και για τις νόμιμες συνέπειες, αντιγράφοντας αυτήν ολόκληρη στην "
            "έκθεση επίδοσης που θα συντάξει."
        ) in text
        assert "μπορεί να επιδοθεί" not in text
        assert "Στην περίπτωση αυτή" not in text
        assert flat(message.html).count("Ο αρμόδιος δικαστικός επιμελητής") == 1


def test_a_company_of_unknown_form_is_a_business_without_a_representative() -> None:
    sample = _sample("freelancer", "freelancer/final")
    text = flat(RENDERER.render(sample.case, sample.action).text)
    assert "ΠΡΟΣ Την επιχείρηση με την επωνυμία «Example & Co», με διεύθυνση" in text
    assert "νομίμως εκπροσωπούμενη" not in text


def test_the_statute_is_cited_with_its_government_gazette() -> None:
    text = flat(render("freelancer", "freelancer/final").text)
    assert "υποπαράγραφο Ζ.5 του ν. 4152/2013 (ΦΕΚ Α΄ 107) για τις καθυστερήσεις" in text
    demand = flat(render("b2b_strict", "b2b_strict/demand_letter").text)
    assert "κατά την υποπαράγραφο Ζ.5 του ν. 4152/2013 (ΦΕΚ Α΄ 107), οι τόκοι" in demand


def test_a_foreign_tax_number_is_not_called_afm() -> None:
    foreign = render("freelancer", "freelancer/final")
    assert "ΑΦΜ/VAT PL5252555210." in flat(foreign.text)
    assert "ΑΦΜ/VAT PL5252555210" in foreign.html
    greek = render("freelancer", "freelancer/final", tax_id="EL094019245")
    assert "ΑΦΜ EL094019245." in flat(greek.text)
    assert "ΑΦΜ/VAT" not in greek.text + greek.html


def test_a_demand_letter_is_a_letter_and_closes_with_honour() -> None:
    for party in ("company", "man"):
        text = flat(render("b2b_strict", "b2b_strict/demand_letter", party).text)
        assert "παρακαλούμε να αγνοήσετε την παρούσα επιστολή." in text
        assert "το παρόν μήνυμα" not in text
        assert "Με τιμή, Marta Zielińska" in text
    reminder = flat(render("freelancer", "freelancer/firm").text)
    assert "αγνοήσετε το παρόν μήνυμα." in reminder
    assert "Με εκτίμηση," in reminder


def test_the_settle_up_sms_says_on_which_day() -> None:
    one = render("tradesperson", "tradesperson/settle_up", invoices=1).text
    two = render("tradesperson", "tradesperson/settle_up", invoices=2).text
    assert "Το τιμολόγιο αρ.\xa02026/01/7 για τις εργασίες ανέρχεται σε" in one
    assert "ανέρχονται συνολικά σε 3.075,00\xa0€, με λήξη στις 26\xa0Ιανουαρίου\xa02026." in two


def test_an_instalment_is_the_2nd_of_3() -> None:
    reminder = render("freelancer", "instalment:reminder")
    missed = render("freelancer", "instalment:missed")
    assert "η 2η από τις 3 δόσεις, ποσού" in flat(reminder.text)
    assert reminder.subject.startswith("2η δόση από 3 – λήξη 16 Απριλίου 2026")
    assert "Σύμφωνα με το πρόγραμμα αποπληρωμής που συμφωνήσαμε, η 2η από τις 3 δόσεις" in (
        flat(missed.text)
    )


def test_the_charges_block_states_the_debt_with_the_charges_the_law_allows() -> None:
    for party in PARTIES:
        text = flat(render("freelancer", "freelancer/final", party).text)
        assert (
            "Η οφειλή στις 10 Μαρτίου 2026, μαζί με τις επιβαρύνσεις που προβλέπει ο νόμος: "
            "- Ανεξόφλητο κεφάλαιο:"
        ) in text
        assert "προστίθενται" not in text


def test_dates_spans_and_invoice_numbers_are_never_split_across_lines() -> None:
    month = r"(?:Ιανουαρίου|Φεβρουαρίου|Μαρτίου|Απριλίου|Μαΐου|Ιουνίου|Ιουλίου)"
    for label, text in everything():
        assert not re.search(rf"\b\d{{1,2}}\n\s*{month}", text), label
        assert not re.search(rf"{month}\n\s*\d{{4}}", text), label
        assert not re.search(r"\b\d+\n\s*ημέρ", text), label
        assert not re.search(r"αρ\.\n", text), label
    firm = render("freelancer", "freelancer/firm").text
    assert "στις 3\xa0Μαρτίου\xa02026" in firm
    assert "43\xa0ημέρες" in firm
