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
from paychase.messages._sms import sms_length

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


def test_the_settle_up_sms_is_short_and_says_on_which_day() -> None:
    one = flat(render("tradesperson", "tradesperson/settle_up", invoices=1).text)
    two = flat(render("tradesperson", "tradesperson/settle_up", invoices=2).text)
    assert one.startswith("Studio Lumen: τιμολόγιο 2026/01/7, 3.075,00 €, λήξη 26 Ιαν 2026.")
    assert two.startswith("Studio Lumen: 2 τιμολόγια, 3.075,00 €, λήξη 26 Ιαν 2026.")
    assert one.endswith("Μετρητά, κάρτα ή μεταφορά: PL61 1090 1014 0000 0712 1981 2874.")


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


# Issue 17, second pass: the shared machinery in Greek.


def _data(policy: str, label: str) -> tuple[dict[str, Any], Action]:
    sample = _sample(policy, label)
    return sample.case.model_dump(mode="json", by_alias=True, exclude_none=True), sample.action


def test_every_rate_has_its_period_and_a_settled_line_says_by_which_payment() -> None:
    text = flat(render("freelancer", "freelancer/final").text)
    assert "10,15% ετησίως επί 2.460,00 € από τις 27 Ιανουαρίου 2026" in text
    assert ": 10,26 € (εξοφλήθηκε με την καταβολή της 10 Φεβρουαρίου 2026)" in text
    assert re.search(r"\d\s?%\s+επί\s", text) is None


def test_many_invoices_are_named_by_their_count() -> None:
    from tests.text_matrix import _altered  # noqa: PLC0415 - the matrix's own case builder

    sample = _sample("freelancer", "freelancer/firm")
    case, action = _altered(
        sample, "el", count=21, party="company", kind="business", charges=True, listed=True
    )
    message = RENDERER.render(case, action)
    text = flat(message.text)
    assert message.subject == "Ληξιπρόθεσμα 21 τιμολόγια"
    assert "(βλ. πίνακα)" not in message.subject
    assert "Σας έγραψα στις 3 Μαρτίου 2026 για τα 21 τιμολόγια (βλ. πίνακα) και" in text
    assert ", με αιτιολογία τους αριθμούς των τιμολογίων. Αν έχετε ήδη πληρώσει" in text
    assert "2026/01/3, 2026/01/4" not in text.split("- Τιμολόγιο")[0]  # no list in the prose


def test_every_greek_sms_fits_two_segments_for_any_count() -> None:
    from tests.text_matrix import _altered, templates  # noqa: PLC0415

    checked = set()
    for sample in templates("el"):
        listed = set(sample.action.invoices) == {"i1", "i2"} and not sample.case.instalment_plans
        for count in (1, 2, 5, 21) if listed else (len(sample.action.invoices),):
            case, action = _altered(
                sample, "el", count=count, party="man", kind="business", charges=True, listed=listed
            )
            text = RENDERER.render(case, action.model_copy(update={"channel": "sms"})).text.strip()
            if "\n" in text:  # a call script or a letter has no SMS form
                break
            assert sms_length(text).units <= 134, (sample.label, count, text)
            assert not text.startswith(("Καλημέρα", "Αξιότιμ", "Χαίρετε")), text
            checked.add(sample.label.split(":")[0])
    assert len(checked) >= 20, sorted(checked)


def test_the_sms_states_amount_due_date_and_account() -> None:
    case, action = _case(_sample("freelancer", "freelancer/firm"), "company", 2)
    firm = flat(RENDERER.render(case, action.model_copy(update={"channel": "sms"})).text)
    case, action = _case(_sample("freelancer", "freelancer/polite"), "company", 1)
    polite = flat(RENDERER.render(case, action.model_copy(update={"channel": "sms"})).text)
    assert polite.startswith("Studio Lumen: υπενθύμιση – τιμολόγιο 2026/01/7: ")
    assert ", λήξη 26 Ιαν 2026. Λογαριασμός: PL61 1090 1014 0000 0712 1981 2874." in polite
    assert firm.startswith("Studio Lumen: 2 τιμολόγια, οφειλή ")
    assert ", εξόφληση έως 15 Μαρ 2026. Λογαριασμός: PL61" in firm


def test_a_payment_that_went_to_interest_first_is_explained() -> None:
    text = flat(render("freelancer", "freelancer/firm").text)
    assert (
        "Από το ποσό των 460,00 € που καταβλήθηκε, ποσό 10,26 € καταλογίστηκε πρώτα, όπως"
        " προβλέπει ο νόμος, στους τόκους που ήδη οφείλονταν· γι’ αυτό το ανεξόφλητο υπόλοιπο"
        " ανέρχεται σε 2.625,26 €."
    ) in text


def test_a_letter_is_dated_with_its_place_then_numbered() -> None:
    text = render("freelancer", "freelancer/final", city="Αθήνα").text
    assert re.search(r"\nΑθήνα, 10 Μαρτίου 2026\nΑρ\. πρωτ\.: [0-9A-F]{4}-[0-9A-F]{4}\n", text)
    without = render("freelancer", "freelancer/final", city=None).text
    assert re.search(r"\n10 Μαρτίου 2026\nΑρ\. πρωτ\.: ", without)


@pytest.mark.parametrize(
    ("voice", "phrases"),
    [
        (None, ["Σας έγραψα στις", "Σας παρακαλώ να εξοφλήσετε", "Παρακαλώ να καταθέσετε"]),
        ("I", ["Σας έγραψα στις", "απαντήστε μου:", "σας ευχαριστώ και σας παρακαλώ"]),
        ("we", ["Σας γράψαμε στις", "δεν έχουμε λάβει", "απαντήστε μας:", "Παρακαλούμε να"]),
    ],
)
def test_a_freelancer_writes_as_one_person_unless_the_sender_says_we(
    voice: str | None, phrases: list[str]
) -> None:
    text = flat(render("freelancer", "freelancer/firm", **({"voice": voice} if voice else {})).text)
    for phrase in phrases:
        assert phrase in text
    mixed = ("Παρακαλούμε να καταθέσετε", "σας ευχαριστούμε") if voice != "we" else ("Σας έγραψα",)
    for phrase in mixed:
        assert phrase not in text


def test_a_company_voice_follows_the_sender_too() -> None:
    assert "Παρακαλούμε να καταθέσετε" in flat(render("tradesperson", "tradesperson/firm").text)
    text = flat(render("tradesperson", "tradesperson/firm", voice="I").text)
    assert "Παρακαλώ να καταθέσετε" in text
    assert "σας ευχαριστώ και σας παρακαλώ να αγνοήσετε" in text


@pytest.mark.parametrize("refundable", [None, True, False])
def test_a_deposit_the_client_forfeits_is_an_earnest(refundable: bool | None) -> None:
    """A deposit the client forfeits (`refundable` false) is an earnest (Civil Code arts
    402-404); a refundable one, or one the contract says nothing about, an advance payment."""
    data, action = _data("freelancer", "request_deposit:deposit")
    if refundable is not None:
        data["contracts"][0]["deposit"]["refundable"] = refundable
    message = RENDERER.render(Case.model_validate(data), action)
    text = flat(message.text)
    if refundable is False:
        assert message.subject == "Αρραβώνας για την έναρξη των εργασιών"
        assert "μόλις καταβληθεί ο αρραβώνας, ίσος με το 30% της συμφωνημένης αμοιβής." in text
        assert "Κατά τα άρθρα 402–404 ΑΚ, ο αρραβώνας συνυπολογίζεται στην αμοιβή" in text
        assert "παρακαλούμε να τον καταβάλετε έως" in text
        assert "προκαταβολ" not in text
    else:
        assert message.subject == "Προκαταβολή για την έναρξη των εργασιών"
        assert "μόλις καταβληθεί η προκαταβολή, ίση με το 30%" in text
        assert "παρακαλούμε να την καταβάλετε έως" in text
        assert "αρραβών" not in text


@pytest.mark.parametrize(
    ("contract", "opening"),
    [
        ({}, "Στο πλαίσιο της μεταξύ μας συνεργασίας εκδόθηκαν"),
        (
            {"number": "2025/14", "signed": "2025-11-03"},
            "Δυνάμει της από 3 Νοεμβρίου 2025 μεταξύ μας σύμβασης με αριθμό 2025/14 εκδόθηκαν",
        ),
        (
            {"signed": "2025-11-03"},
            "Δυνάμει της από 3 Νοεμβρίου 2025 μεταξύ μας σύμβασης εκδόθηκαν",
        ),
        ({"number": "2025/14"}, "Δυνάμει της μεταξύ μας σύμβασης με αριθμό 2025/14 εκδόθηκαν"),
    ],
)
def test_the_extrajudicial_notice_names_the_contract(
    contract: dict[str, str], opening: str
) -> None:
    data, action = _data("freelancer", "freelancer/final")
    data["contracts"][0].update(contract)
    text = flat(RENDERER.render(Case.model_validate(data), action).text)
    assert opening in text


def test_a_letter_about_many_invoices_points_to_the_table_once() -> None:
    from tests.text_matrix import _altered  # noqa: PLC0415

    for label in ("freelancer/final", "b2b_strict/demand_letter"):
        policy = label.split("/")[0]
        sample = _sample(policy, label)
        case, action = _altered(
            sample, "el", count=5, party="company", kind="business", charges=True, listed=True
        )
        text = flat(RENDERER.render(case, action).text)
        assert re.search(r"[Ττ]α 5 τιμολόγια \(βλ\. πίνακα\)[ ,]", text), label
        assert "αναλύονται παρακάτω" not in text, label


def staggered(policy: str, label: str) -> str:
    """The sample with invoice 2026/01/7 due on 2 February and 2026/01/8 on 26 January.

    The first invoice is the newer: a text that takes its day count for all writes "36 ημέρες".
    """
    sample = _sample(policy, label)
    data = sample.case.model_dump(mode="json", by_alias=True)
    data["invoices"][0]["due"] = "2026-02-02"
    data["invoices"][1]["due"] = "2026-01-26"
    message = RENDERER.render(Case.model_validate(data), sample.action)
    return flat(f"{message.subject}\n{message.text}")


@pytest.mark.parametrize(
    ("policy", "label", "expected"),
    [
        ("freelancer", "freelancer/overdue_30", "ληξιπρόθεσμα, το παλαιότερο εδώ και 43 ημέρες"),
        ("freelancer", "freelancer/overdue_90", "Από τη λήξη του παλαιότερου από τα τιμολόγια"),
        ("freelancer", "freelancer/firm", "Από τη λήξη του παλαιότερου έχουν πλέον περάσει 43"),
        ("freelancer", "freelancer/with_fee", "(το παλαιότερο εδώ και 43 ημέρες)"),
        ("freelancer", "freelancer/pre_due", "πρώτη λήξη 26 Ιανουαρίου 2026"),
        ("b2b_strict", "b2b_strict/payment_call", "(το παλαιότερο εδώ και 43 ημέρες)·"),
        (
            "tradesperson",
            "tradesperson/firm",
            "το παλαιότερο 43 ημέρες μετά την ημερομηνία λήξης του",
        ),
        ("saas", "saas/warning", "το παλαιότερο 43 ημέρες μετά την ημερομηνία λήξης του."),
    ],
)
def test_invoices_due_on_different_days_get_the_oldest_days(
    policy: str, label: str, expected: str
) -> None:
    text = staggered(policy, label)
    assert expected in text
    assert "36 ημέρες" not in text
    assert "2 Φεβρουαρίου 2026" not in text


# --- the extrajudicial letter of a sole trader: first person singular throughout ---------------

# First-person plural forms of the sender that a letter in the singular must not keep.
WE = re.compile(r"\b\w+(?:ούμε|όμαστε|ούμαστε|αμε)\b|(?<!μεταξύ )\bμας\b|είμαστε|επιφυλασσόμενοι")


@pytest.mark.parametrize(
    ("policy", "label"),
    [
        ("freelancer", "freelancer/final"),
        ("b2b_strict", "b2b_strict/formal_claim"),
        ("b2b_strict", "b2b_strict/demand_letter"),
        ("saas", "saas/suspend"),
    ],
)
def test_a_sender_who_writes_as_i_speaks_in_the_singular(policy: str, label: str) -> None:
    text = flat(render(policy, label, voice="I").text)
    assert not WE.search(text.replace("να συζητήσουμε", "")), WE.search(text)
    plural = flat(render(policy, label, voice="we").text)
    assert WE.search(plural)


@pytest.mark.parametrize(
    ("gender", "closing"),
    [("female", "Η δηλούσα,"), ("male", "Ο δηλών,"), (None, "Για τη δηλούσα επιχείρηση,")],
)
def test_the_extrajudicial_letter_in_the_singular_is_signed_by_the_declarant(
    gender: str | None, closing: str
) -> None:
    text = flat(render("freelancer", "freelancer/final", voice="I", signatory_gender=gender).text)
    assert "σας καλώ να μου καταβάλετε" in text
    assert "θα προβώ χωρίς άλλη ειδοποίηση" in text
    assert "με την επιφύλαξη παντός νομίμου δικαιώματός μου." in text
    assert closing in text
    plural = flat(render("freelancer", "freelancer/final", voice="we").text)
    assert "Για τη δηλούσα επιχείρηση," in plural
    assert "σας καλούμε να μας καταβάλετε" in plural
