"""The Polish built-in texts after the native review (issue 17, review §3).

Each test renders the real templates through `Renderer` with the sample actions of
`paychase.messages._samples`, on the sample case altered for who the client is (a company, or
a consumer who is a man, a woman or a person of unknown gender) and, where a phrase agrees with
it, for one invoice or two. It checks that the corrected phrase is there and the wrong one gone.
"""

# ruff: noqa: RUF001 - Polish text writes the en dash where English writes a hyphen

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from typing import Any

import pytest

import paychase
from paychase.messages import Message, Renderer
from paychase.messages._samples import Sample, samples

NBSP = "\u00a0"
RENDERER = Renderer()
POLICIES = ("freelancer", "tradesperson", "b2b_strict", "saas", "project", "prospect")

JAN = {"name": "Jan Kowalski", "given_name": "Jan", "family_name": "Kowalski", "gender": "male"}
ANNA = {"name": "Anna Nowak", "given_name": "Anna", "family_name": "Nowak", "gender": "female"}
# Who the client is: its kind and the contact person the messages are addressed to.
PARTIES: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "company": ("business", "Pracownia Nowak sp. z o.o.", None),
    "man": ("consumer", "Jan Kowalski", JAN),
    "woman": ("consumer", "Anna Nowak", ANNA),
    "unknown": ("consumer", "Jan Kowalski", None),
}
CONSUMERS = ("man", "woman", "unknown")
# The form of address in the body: (nominative, genitive, accusative).
YOU = {
    "company": ("Państwo", "Państwa", "Państwa"),
    "man": ("Pan", "Pana", "Pana"),
    "woman": ("Pani", "Pani", "Panią"),
    "unknown": ("Pani/Pan", "Pani/Pana", "Panią/Pana"),
}


def plain(text: str) -> str:
    """The text with its non-breaking spaces read as spaces, for phrases that wrap anywhere."""
    return text.replace(NBSP, " ")


def flat(text: str) -> str:
    """The text with its reflowed lines joined again, so a phrase can be found across them."""
    return re.sub(r"\s*\n\s*", " ", plain(text))


@cache
def _samples(policy: str) -> dict[str, Sample]:
    return {sample.label: sample for sample in samples(policy, "pl")}


def case_for(
    party: str, base: paychase.Case, *, invoices: int = 2, due: date | None = None
) -> paychase.Case:
    """`base` with the client made `party`, keeping `invoices` of its invoices.

    `due` moves the first invoice's due date (payment terms stay 14 days).
    """
    kind, name, person = PARTIES[party]
    data = base.model_dump(mode="json", by_alias=True)
    client = data["clients"][0]
    client["kind"] = kind
    client["name"] = name
    if person is not None:
        old = client["contacts"]
        client["contacts"] = [{**person, **old}]
    data["invoices"] = data["invoices"][:invoices]
    kept = {invoice["id"] for invoice in data["invoices"]}
    for record in (*data.get("history", ()), *data.get("instalment_plans", ())):
        record["invoices"] = [i for i in record["invoices"] if i in kept]
    if due is not None:
        data["invoices"][0]["issued"] = (due - timedelta(days=14)).isoformat()
    return paychase.Case.model_validate(data)


def render(
    policy: str,
    label: str,
    party: str = "company",
    *,
    invoices: int = 2,
    due: date | None = None,
    **change: Any,
) -> Message:
    """The sample `label` of `policy`, rendered for `party` with `invoices` invoices."""
    sample = _samples(policy)[label]
    action = _trimmed(sample.action, invoices, change)
    case = case_for(party, sample.case, invoices=invoices, due=due)
    return RENDERER.render(case, action)


def _trimmed(action: paychase.Action, invoices: int, change: dict[str, Any]) -> paychase.Action:
    """The sample action about its first `invoices` invoices, with `change` made."""
    if invoices < len(action.invoices):
        change["invoices"] = action.invoices[:invoices]
    return action.model_copy(update=change) if change else action


# --- addressing one person (greeting + every body) ---------------------------------------------


@pytest.mark.parametrize(
    ("party", "greeting"),
    [
        ("company", "Szanowni Państwo,"),
        ("man", "Szanowny Panie,"),
        ("woman", "Szanowna Pani,"),
        ("unknown", "Szanowna Pani / Szanowny Panie,"),
    ],
)
def test_the_final_letter_greets_and_summons_the_client_as_who_they_are(
    party: str, greeting: str
) -> None:
    message = render("freelancer", "freelancer/final", party)
    text = flat(message.text)
    assert greeting in message.text.splitlines()
    assert f"Niniejszym wzywamy {YOU[party][2]} do zapłaty kwoty" in text
    assert f"Jeżeli kwestionuje {YOU[party][0]} należność" in text or party == "company"
    if party == "company":
        assert "Jeżeli kwestionują Państwo należność" in text
    else:
        assert "Państw" not in message.text
        assert "Państw" not in message.html


@pytest.mark.parametrize("party", CONSUMERS)
@pytest.mark.parametrize("policy", POLICIES)
def test_no_message_to_a_consumer_says_panstwo(policy: str, party: str) -> None:
    for label in _samples(policy):
        message = render(policy, label, party)
        assert "Państw" not in message.text, label
        assert "Państw" not in message.subject, label


@pytest.mark.parametrize("party", ["company", *CONSUMERS])
def test_body_forms_agree_with_the_person(party: str) -> None:
    nom, gen, _ = YOU[party]
    polite = render("freelancer", "freelancer/polite", party)
    assert f"dotarły do {gen}?" in polite.subject
    assert f"dotarły do {gen}:" in flat(polite.text)
    with_fee = flat(render("freelancer", "freelancer/with_fee", party).text)
    verb = "znajdą" if party == "company" else "znajdzie"
    assert f"sposób wyliczenia {verb} {nom} poniżej" in with_fee
    settle = render("tradesperson", "tradesperson/settle_up", party, channel="email")
    verb = "wolą" if party == "company" else "woli"
    assert f"jeśli {verb} {nom} kartą lub gotówką" in flat(settle.text)


def test_pre_due_asks_about_a_colleague_only_at_a_company() -> None:
    company = flat(render("freelancer", "freelancer/pre_due", "company").text)
    assert "albo powinny trafić do innej osoby w Państwa zespole" in company
    one = flat(render("freelancer", "freelancer/pre_due", "company", invoices=1).text)
    assert "albo powinna trafić do innej osoby w Państwa zespole" in one
    for party in CONSUMERS:
        text = flat(render("freelancer", "freelancer/pre_due", party).text)
        assert "innej osoby" not in text
        assert "Jeśli na fakturach trzeba coś poprawić, wystarczy odpowiedzieć" in text


# --- call subjects: no name declined after "z" -------------------------------------------------

CALLS = [
    ("freelancer", "freelancer/check_call"),
    ("tradesperson", "tradesperson/call"),
    ("b2b_strict", "b2b_strict/pre_due_call"),
    ("b2b_strict", "b2b_strict/due_day_call"),
    ("b2b_strict", "b2b_strict/payment_call"),
    ("b2b_strict", "b2b_strict/follow_up_call"),
]


@pytest.mark.parametrize(("policy", "label"), CALLS)
@pytest.mark.parametrize("party", ["company", "man", "woman"])
def test_call_subjects_name_the_client_without_declining_it(
    policy: str, label: str, party: str
) -> None:
    name = PARTIES[party][1]
    two = plain(render(policy, label, party).subject)
    assert "Rozmowa z" not in two
    assert "rozmowa z" not in two
    assert re.match(rf"(Ponowna r|R)ozmowa: {re.escape(name)} – ", two), two
    assert "faktur nr 2026/01/7 i 2026/01/8" in two or "faktury nr 2026/01/7 i 2026/01/8" in two
    one = plain(render(policy, label, party, invoices=1).subject)
    assert "nr 2026/01/7" in one
    assert "2026/01/8" not in one


def test_generic_call_subject_names_the_invoices_as_invoices() -> None:
    subject = plain(render("freelancer", "freelancer/check_call").subject)
    assert subject == "Rozmowa: Pracownia Nowak sp. z o.o. – faktury nr 2026/01/7 i 2026/01/8"
    one = plain(render("tradesperson", "tradesperson/call", "man", invoices=1).subject)
    assert one == "Rozmowa: Jan Kowalski – faktura nr 2026/01/7"


def test_instalment_and_chase_calls_avoid_the_instrumental_too() -> None:
    reminder = render("freelancer", "instalment:reminder", "woman", kind="call", channel="phone")
    assert plain(reminder.subject).startswith("Rozmowa: Anna Nowak – rata nr 2 z 3, termin")
    project = render("project", "project/check_call", "man")
    assert plain(project.subject).startswith("Rozmowa: Jan Kowalski – ")


@pytest.mark.parametrize(("policy", "label"), [*CALLS, ("freelancer", "instalment:missed")])
def test_call_scripts_record_items_in_one_case(policy: str, label: str) -> None:
    extra = {"kind": "call", "channel": "phone"} if label.startswith("instalment") else {}
    text = flat(render(policy, label, **extra).text)
    assert "Zadeklarowany termin i kwotę" not in text
    assert re.search(r"Zadeklarowany termin i zadeklarowana kwota (zapłaty|wpłaty)", text)


# --- the charges block (X2) and its computation lines -----------------------------------------


@pytest.mark.parametrize("party", ["company", "woman"])
def test_the_charges_block_states_the_debt_instead_of_adding_the_principal(party: str) -> None:
    text = render("freelancer", "freelancer/final", party).text
    intro = (
        f"Stan zadłużenia na dzień 10{NBSP}marca{NBSP}2026{NBSP}r. (wraz z należnościami"
        " za opóźnienie przewidzianymi przepisami prawa):"
    )
    assert intro in text
    assert "doliczone zostały" not in text
    assert "następujące należności" not in text


def test_computation_lines_use_the_statutory_term_and_write_r() -> None:
    company = plain(render("freelancer", "freelancer/final", "company").text)
    assert (
        "2026/01/7 · odsetki ustawowe za opóźnienie w transakcjach handlowych: 14% w stosunku"
        " rocznym od kwoty"
        " 2 460,00 zł za okres od 27 stycznia 2026 r. do 10 lutego 2026 r. (15 dni)"
    ) in company
    assert "2026 do" not in company
    consumer = plain(render("freelancer", "freelancer/final", "man").text)
    assert re.search(
        r"2026/01/7 · odsetki ustawowe za opóźnienie: [\d,]+% w stosunku rocznym od kwoty", consumer
    )
    assert "odsetki ustawowe za opóźnienie w transakcjach handlowych" not in consumer


# --- wording rows ------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["freelancer", "tradesperson"])
def test_with_fee_asks_for_payment_without_a_pleonasm(policy: str) -> None:
    text = flat(render(policy, f"{policy}/with_fee").text)
    assert "możliwie jak najszybciej" not in text
    assert "o niezwłoczną zapłatę całej kwoty." in text


def test_a_reminder_asks_to_treat_itself_as_out_of_date() -> None:
    text = flat(render("freelancer", "freelancer/polite").text)
    assert "proszę uznać tę wiadomość za nieaktualną – dziękuję." in text  # a freelancer's "ja"
    text = flat(render("tradesperson", "tradesperson/polite", channel="email").text)
    assert "prosimy uznać tę wiadomość za nieaktualną – dziękujemy." in text
    assert "ta wiadomość jest nieaktualna" not in text


def test_polite_reminder_does_not_say_chce() -> None:
    text = flat(render("freelancer", "freelancer/polite", "man", invoices=1).text)
    assert "Chcę się upewnić" not in text
    assert "Piszę, aby się upewnić, że faktura nr 2026/01/7 dotarła do Pana:" in text


@pytest.mark.parametrize("invoices", [1, 2])
def test_firm_reminder_says_which_message_went_unanswered(invoices: int) -> None:
    text = flat(render("freelancer", "freelancer/firm", invoices=invoices).text)
    which = "faktury nr 2026/01/7" if invoices == 1 else "faktur nr 2026/01/7 i 2026/01/8"
    assert f"Moja wiadomość z dnia 3 marca 2026 r. w sprawie {which} pozostała bez odpowiedzi." in (
        text
    )
    assert "która pozostała" not in text
    assert "Nawiązuję do" not in text


ONE_DAY = [
    ("freelancer", "freelancer/firm"),
    ("freelancer", "freelancer/with_fee"),
    ("freelancer", "freelancer/overdue_30"),
    ("freelancer", "freelancer/overdue_60"),
    ("freelancer", "freelancer/overdue_90"),
    ("freelancer", "freelancer/check_call"),
    ("tradesperson", "tradesperson/firm"),
    ("tradesperson", "tradesperson/with_fee"),
    ("tradesperson", "tradesperson/call"),
    ("b2b_strict", "b2b_strict/payment_call"),
    ("saas", "saas/warning"),
]


@pytest.mark.parametrize(("policy", "label"), ONE_DAY)
def test_one_day_overdue_is_not_already_one_day_ago(policy: str, label: str) -> None:
    at = _samples(policy)[label].action.at.date()
    message = render(policy, label, "woman", invoices=1, due=at - timedelta(days=1))
    text = flat(message.text)
    assert "już 1 dzień" not in text
    assert "1 dzień temu" not in text
    assert "1 dzień" in text or f"{(at - timedelta(days=1)).day} marca 2026 r." in text
    longer = flat(render(policy, label, "woman", invoices=1, due=at - timedelta(days=5)).text)
    assert "już 5 dni" in longer or "5 dni" in longer


def test_firm_reminder_one_day_late_names_the_due_date() -> None:
    at = _samples("freelancer")["freelancer/firm"].action.at.date()
    text = flat(
        render("freelancer", "freelancer/firm", invoices=1, due=at - timedelta(days=1)).text
    )
    assert "Termin płatności upłynął 9 marca 2026 r." in text


def test_restored_service_thanks_for_payment_for_the_invoice() -> None:
    text = flat(render("freelancer", "restore_service:-").text)
    assert "otrzymaliśmy zapłatę za fakturę nr 2026/01/7." in text
    assert "płatność faktury" not in text


@pytest.mark.parametrize("party", ["company", "woman"])
def test_suspension_names_payment_for_the_invoices(party: str) -> None:
    message = render("saas", "saas/suspend", party)
    text = flat(message.text)
    gen = YOU[party][1]
    assert (
        f"Nie otrzymaliśmy zapłaty za faktury nr 2026/01/7 i 2026/01/8, choć pisaliśmy do {gen}"
        in (text)
    )
    assert "płatności faktur" not in text
    assert (
        plain(message.subject)
        == "Zawieszenie usługi – brak zapłaty za faktury nr 2026/01/7 i 2026/01/8"
    )


def test_other_channel_sms_asks_for_another_email_address() -> None:
    text = plain(render("project", "project/other_channel", "man").text)
    assert "nie mam odpowiedzi na e-mail „uwagi do makiet strony głównej”." in text
    assert "Proszę odpowiedzieć tutaj lub podać inny adres." in text
    assert "lepszy adres" not in text


@pytest.mark.parametrize("invoices", [1, 2])
def test_firm_sms_asks_for_the_amount_by_the_deadline(invoices: int) -> None:
    message = render("freelancer", "freelancer/firm", invoices=invoices, channel="sms")
    text = plain(message.text)
    which = "fakturę nr 2026/01/7" if invoices == 1 else "2 faktury"
    assert re.search(rf"proszę o zapłatę [\d ]+,\d\d zł za {which} do 15\.03\.2026\. Konto: ", text)
    assert "nadal nieopłacon" not in text


def test_instalment_reminder_thanks_for_payments_not_punctuality() -> None:
    message = render("freelancer", "instalment:reminder")
    assert "Dziękujemy za dotychczasowe wpłaty." in flat(message.text)
    assert "terminowość" not in message.text
    call = render("freelancer", "instalment:reminder", kind="call", channel="phone")
    assert "podziękuj za dotychczasowe wpłaty" in flat(call.text)
    assert "terminowość" not in call.text


# --- the letter --------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["freelancer/final", "b2b_strict/formal_claim"])
def test_letter_cites_article_7_and_the_compensation_rule(label: str) -> None:
    text = flat(render(label.split("/", maxsplit=1)[0], label).text)
    assert (
        "odsetki ustawowe za opóźnienie w transakcjach handlowych na podstawie art. 7 ust. 1"
        " ustawy z dnia 8 marca 2013 r."
    ) in text
    assert "rekompensata za koszty odzyskiwania należności w kwocie 336,00 zł (równowartość" in (
        text
    )
    assert "średniego kursu euro ogłoszonego przez Narodowy Bank Polski" in text


@pytest.mark.parametrize("party", ["company", "unknown"])
def test_letter_names_the_parties_before_the_salutation(party: str) -> None:
    message = render("freelancer", "freelancer/final", party)
    greeting = "Szanowni Państwo," if party == "company" else "Szanowna Pani / Szanowny Panie,"
    lines = message.text.splitlines()
    creditor = next(i for i, line in enumerate(lines) if line.startswith("- Wierzyciel: "))
    debtor = next(i for i, line in enumerate(lines) if line.startswith("- Dłużnik: "))
    title = lines.index("OSTATECZNE PRZEDSĄDOWE WEZWANIE DO ZAPŁATY")
    assert title < creditor < debtor < lines.index(greeting)
    html = message.html
    assert html.index("Wierzyciel: ") < html.index("Dłużnik: ") < html.index(greeting)
    assert html.index("<h1>") < html.index("Wierzyciel: ")


# --- X12: reflow never splits a date or a numbered phrase ---------------------------------------

SPLIT = re.compile(
    r"\d{4}\n\s*r\.|\bnr\n|\bz\n\s*\d|\b\d{1,2}\n\s*(stycznia|lutego|marca|kwietnia)"
)


@pytest.mark.parametrize("policy", POLICIES)
def test_reflow_keeps_dates_and_numbers_whole(policy: str) -> None:
    for label in _samples(policy):
        for party in ("company", "unknown"):
            text = render(policy, label, party).text
            assert not SPLIT.search(text), (label, SPLIT.search(text))


def test_dates_and_numbered_phrases_carry_non_breaking_spaces() -> None:
    reminder = render("freelancer", "instalment:missed").text
    assert f"nr{NBSP}2{NBSP}z{NBSP}3" in reminder
    assert f"16{NBSP}kwietnia{NBSP}2026{NBSP}r." in reminder
    final = render("freelancer", "freelancer/final").text
    assert f"art.{NBSP}7 ust.{NBSP}1" in final
    assert f"art.{NBSP}187 §{NBSP}1 pkt{NBSP}3" in final


# --- issue 17, second pass: the matrix, the appended macros and the new data -------------------


def render_as(
    policy: str,
    label: str,
    party: str = "company",
    *,
    invoices: int = 2,
    sender: dict[str, Any] | None = None,
    contract: dict[str, Any] | None = None,
    deposit: dict[str, Any] | None = None,
    **change: Any,
) -> Message:
    """Like `render`, with the sender, the contract or its deposit clause changed."""
    sample = _samples(policy)[label]
    action = _trimmed(sample.action, invoices, change)
    data = case_for(party, sample.case, invoices=invoices).model_dump(mode="json", by_alias=True)
    data["sender"] |= sender or {}
    data["contracts"][0] |= contract or {}
    if deposit is not None:
        data["contracts"][0]["deposit"] |= deposit
    return RENDERER.render(paychase.Case.model_validate(data), action)


def many(policy: str, label: str, count: int, **change: Any) -> Message:
    """The sample rendered for `count` invoices (copies of the second, numbered on)."""
    sample = _samples(policy)[label]
    data = sample.case.model_dump(mode="json", by_alias=True)
    first, second, *rest = data["invoices"]
    data["invoices"] = [
        first,
        *(second | {"id": f"i{n}", "number": f"2026/01/{n}"} for n in range(2, count + 1)),
        *rest,
    ]
    kept = {invoice["id"] for invoice in data["invoices"]}
    for event in data.get("history", ()):
        event["invoices"] = [i for i in event.get("invoices", ()) if i in kept]
    case = paychase.Case.model_validate(data)
    ids = tuple(f"i{n}" for n in range(1, count + 1))
    action = sample.action.model_copy(update={"invoices": ids, "invoice_steps": ()} | change)
    if sample.action.amounts is not None:
        from paychase.messages._samples import _amounts  # noqa: PLC0415

        action = action.model_copy(update={"amounts": _amounts(case, action.at, ids)})
    return RENDERER.render(case, action)


def test_every_rate_states_its_period() -> None:
    text = plain(render("freelancer", "freelancer/final").text)
    assert re.search(r"14% w stosunku rocznym od kwoty", text)
    assert not re.search(r"\d%\s+od kwoty", text)


@pytest.mark.parametrize(
    ("count", "subject", "verb"),
    [
        (4, "4 faktury", "pozostają nieopłacone"),
        (5, "5 faktur", "pozostaje nieopłaconych"),
        (21, "21 faktur", "pozostaje nieopłaconych"),
        (22, "22 faktury", "pozostają nieopłacone"),
    ],
)
def test_many_invoices_are_counted_and_the_verb_agrees_with_the_number(
    count: int, subject: str, verb: str
) -> None:
    message = many("tradesperson", "tradesperson/firm", count)
    assert message.subject == f"Zaległa płatność – {subject}"  # no pointer in a subject
    text = flat(message.text)
    assert f"{subject.capitalize()} (zestawienie poniżej) {verb}" in text
    assert "2026/01/3, 2026/01/4" not in text  # not in a sentence, nor in the transfer title
    assert "podając w tytule przelewu numery faktur z zestawienia" in text


def test_oblique_cases_of_a_counted_list() -> None:
    text = flat(many("b2b_strict", "b2b_strict/formal_claim", 21).text)
    assert "należność z 21 faktur (zestawienie poniżej)" in text


@pytest.mark.parametrize("count", [1, 2, 5, 21])
def test_sms_fit_two_segments_and_name_amount_date_and_account(count: int) -> None:
    from paychase.messages._sms import sms_length  # noqa: PLC0415

    for policy, label in (
        ("tradesperson", "tradesperson/polite"),
        ("tradesperson", "tradesperson/settle_up"),
    ):
        text = many(policy, label, count).text.strip()
        assert sms_length(text).segments <= 2, text
        assert "26.01.2026" in text
        assert "Konto: PL61 1090 1014 0000 0712 1981 2874" in text
        assert "zł" in text
        assert "Dzień dobry" not in text


def test_a_settled_computation_line_says_so() -> None:
    text = plain(render("freelancer", "freelancer/final").text)
    assert re.search(r"\(rozliczone z wpłaty z \d+ \w+ 2026 r\.\)", text)


def test_allocation_note_explains_the_payment_that_went_to_interest() -> None:
    text = flat(render("freelancer", "freelancer/polite").text)
    assert re.search(
        r"Zgodnie z przepisami prawa z wpłaconej kwoty [\d ]+,\d\d zł w pierwszej kolejności"
        r" zaliczono [\d ]+,\d\d zł na należne wówczas odsetki, dlatego do zapłaty pozostaje"
        r" [\d ]+,\d\d zł\.",
        text,
    ), text


def test_letter_date_line_has_place_and_r() -> None:
    text = plain(render_as("freelancer", "freelancer/final", sender={"city": "Kraków"}).text)
    assert re.search(r"^Nasz znak: \S+$", text, re.MULTILINE)
    assert re.search(r"^Kraków, \d+ \w+ 2026 r\.$", text, re.MULTILINE)


@pytest.mark.parametrize(
    ("voice", "expected", "wrong"),
    [
        ("we", "Chcielibyśmy się upewnić", "proszę dać znać"),
        ("I", "Piszę, aby się upewnić", "prosimy dać znać"),
    ],
)
def test_the_sender_voice_holds_through_a_text(voice: str, expected: str, wrong: str) -> None:
    text = flat(render_as("freelancer", "freelancer/polite", sender={"voice": voice}).text)
    assert expected in text
    assert wrong not in text
    if voice == "we":
        assert "prosimy uznać tę wiadomość za nieaktualną – dziękujemy." in text
        assert "Z serdecznymi pozdrowieniami" in text
    else:
        assert "proszę uznać tę wiadomość za nieaktualną – dziękuję." in text
        assert "Pozdrawiam serdecznie" in text


def test_a_sole_trader_writes_as_i_in_the_texts_written_as_we() -> None:
    sender = {"voice": "I"}
    text = flat(
        render_as("tradesperson", "tradesperson/polite", sender=sender, channel="email").text
    )
    assert "Uprzejmie przypominam, że termin płatności" in text
    assert "wykonane przez mnie prace" in text
    assert "przypominamy" not in text
    letter = flat(render_as("freelancer", "freelancer/final", sender={"voice": "I"}).text)
    assert "Niniejszym wzywam Państwa do zapłaty kwoty" in letter
    assert "przysługują mi odsetki ustawowe" in letter
    assert "wzywamy" not in letter
    assert " nam " not in letter.replace("łączącej nas", "")


@pytest.mark.parametrize(
    ("gender", "polite", "restore"),
    [
        ("female", "Chciałabym się upewnić", "Dziękuję – otrzymałam zapłatę za"),
        ("male", "Chciałbym się upewnić", "Dziękuję – otrzymałem zapłatę za"),
        (None, "Piszę, aby się upewnić", "Dziękuję – zapłata za fakturę nr 2026/01/7 do mnie"),
    ],
)
def test_first_person_past_and_conditional_follow_the_signatory(
    gender: str | None, polite: str, restore: str
) -> None:
    sender = {"voice": "I", "signatory_gender": gender}
    assert polite in flat(render_as("freelancer", "freelancer/polite", sender=sender).text)
    text = flat(render_as("freelancer", "restore_service:-", sender=sender).text)
    assert restore in text
    assert "otrzymaliśmy" not in text


@pytest.mark.parametrize(
    ("refundable", "word", "other"),
    [(True, "zaliczki", "zadatk"), (False, "zadatku", "zaliczk"), (None, "zaliczki", "zadatk")],
)
def test_a_deposit_is_named_by_the_contract(refundable: bool | None, word: str, other: str) -> None:
    """A zadatek (art. 394 KC) only where the contract makes the deposit non-refundable."""
    deposit = {} if refundable is None else {"refundable": refundable}
    message = render_as("freelancer", "request_deposit:deposit", deposit=deposit)
    text = flat(message.text)
    assert f"po wpłacie {word} w wysokości 30%" in text
    assert other not in text.lower()
    earnest = refundable is False
    assert ("art. 394 § 2 Kodeksu cywilnego" in text) is earnest
    assert message.subject == ("Zadatek" if earnest else "Zaliczka") + " przed rozpoczęciem prac"


def test_a_demand_names_the_contract_by_number_and_date() -> None:
    contract = {"number": "12/2025", "signed": "2025-12-05"}
    text = flat(render_as("freelancer", "freelancer/final", contract=contract).text)
    assert (
        "nieuregulowana należność z tytułu umowy nr 12/2025 z dnia 5 grudnia 2025 r., objęta"
        " fakturami nr 2026/01/7 i 2026/01/8"
    ) in text
    demand = flat(render_as("b2b_strict", "b2b_strict/demand_letter", contract=contract).text)
    assert "do zapłaty kwoty" in demand
    assert "z tytułu umowy nr 12/2025 z dnia 5 grudnia 2025 r." in demand
    plain_text = flat(render("freelancer", "freelancer/final").text)
    assert "z tytułu umowy" not in plain_text  # no number, no date: today's neutral text


def test_the_demand_letter_states_the_deadline_the_action_carries() -> None:
    # Review row 128: a wezwanie states a term. b2b_strict (version 2) gives the demand letter
    # two business days, the date its payment call asks for too.
    sample = _samples("b2b_strict")["b2b_strict/demand_letter"]
    assert sample.action.deadline is not None
    deadline = sample.action.deadline
    text = flat(render("b2b_strict", "b2b_strict/demand_letter").text)
    assert f"w terminie do dnia {deadline.day} marca 2026 r." in text
    assert "niezwłocznie po otrzymaniu" not in text
    later = deadline + timedelta(days=7)
    text = flat(render("b2b_strict", "b2b_strict/demand_letter", deadline=later).text)
    assert f"w terminie do dnia {later.day} marca 2026 r." in text
    # A ladder of the user's own whose demand letter states no deadline.
    assert "niezwłocznie po otrzymaniu tego pisma" in flat(
        render("b2b_strict", "b2b_strict/demand_letter", deadline=None).text
    )


def test_the_compensation_tiers_are_written_in_words() -> None:
    text = flat(render("freelancer", "freelancer/final").text)
    assert "równowartość kwoty czterdziestu, siedemdziesięciu albo stu euro za każdą z faktur" in (
        text
    )


SMS_TEMPLATES = [
    ("freelancer", "freelancer/pre_due"),
    ("freelancer", "request_deposit:deposit"),
    ("freelancer", "request_deposit:materials"),
    ("freelancer", "request_milestone:design"),
    ("freelancer", "pause_work:deposit"),
    ("freelancer", "pause_work:kill_fee"),
    ("freelancer", "resume_work:deposit"),
    ("freelancer", "restore_service:-"),
    ("freelancer", "instalment:reminder"),
    ("freelancer", "instalment:missed"),
    ("saas", "saas/suspend"),
    ("project", "project/check_call"),
    ("project", "project/follow_up"),
    ("project", "project/other_channel"),
    ("project", "project/pause_notice"),
    ("prospect", "prospect/follow_up"),
    ("prospect", "prospect/last_check_in"),
    ("prospect", "prospect/close"),
]


@pytest.mark.parametrize("voice", ["I", "we"])
@pytest.mark.parametrize(("policy", "label"), SMS_TEMPLATES)
def test_every_sms_block_fits_two_segments(policy: str, label: str, voice: str) -> None:
    from paychase.messages._sms import sms_length  # noqa: PLC0415

    change: dict[str, Any] = {"channel": "sms", "kind": "send_reminder"} if "call" in label else {}
    message = render_as(
        policy, label, "unknown", sender={"voice": voice}, **change or {"channel": "sms"}
    )
    text = message.text.strip()
    assert text.startswith("Studio Lumen: ")
    assert sms_length(text).segments <= 2, text
    other = r"\b(prosimy|dziękujemy|przypominamy)\b" if voice == "I" else r"\b(proszę|dziękuję)\b"
    assert not re.search(other, text, re.IGNORECASE), text


# --- invoices due on different days (X6) and the table's dates ---------------------------------

# The first invoice falls due on 2 February 2026, the second on 26 January: the first is newer.
NEWER = date(2026, 2, 2)


@pytest.mark.parametrize(
    ("policy", "label", "expected"),
    [
        (
            "freelancer",
            "freelancer/polite",
            "terminy płatności upłynęły – najstarszej z nich 26 stycznia 2026 r., a nie",
        ),
        (
            "freelancer",
            "freelancer/pre_due",
            "najwcześniejszy z terminów płatności faktur nr 2026/01/7 i 2026/01/8 "
            "przypada na 26 stycznia 2026 r.",
        ),
        (
            "freelancer",
            "freelancer/firm",
            "Terminy płatności upłynęły – najstarszej z nich już 43 dni temu.",
        ),
        (
            "freelancer",
            "freelancer/with_fee",
            "Terminy płatności faktur nr 2026/01/7 i 2026/01/8 upłynęły – "
            "najstarszej z nich już 43 dni temu",
        ),
        (
            "freelancer",
            "freelancer/overdue_30",
            "choć terminy płatności upłynęły – najstarszej z nich 26 stycznia 2026 "
            "r., czyli już 43 dni temu.",
        ),
        (
            "freelancer",
            "freelancer/overdue_90",
            "pozostają nieopłacone – najstarsza z nich już 43 dni po terminie "
            "płatności, który upłynął 26 stycznia 2026 r.",
        ),
        (
            "freelancer",
            "freelancer/check_call",
            "najwcześniejszy termin płatności 26 stycznia 2026 r.)",
        ),
        (
            "b2b_strict",
            "b2b_strict/payment_call",
            "których terminy płatności upłynęły – najstarszej z nich już 43 dni temu;",
        ),
        (
            "b2b_strict",
            "b2b_strict/demand_letter",
            "Terminy płatności faktur nr 2026/01/7 i 2026/01/8 upłynęły – "
            "najstarszej z nich 26 stycznia 2026 r., a należność",
        ),
        (
            "tradesperson",
            "tradesperson/firm",
            "pozostają nieopłacone – najstarsza z nich już 43 dni po terminie płatności",
        ),
        (
            "saas",
            "saas/warning",
            "pozostają nieopłacone – najstarsza z nich już 43 dni po terminie płatności.",
        ),
    ],
)
def test_invoices_due_on_different_days_get_the_oldest_date(
    policy: str, label: str, expected: str
) -> None:
    text = flat(render(policy, label, due=NEWER).text)
    assert expected in text
    assert "2 lutego 2026" not in text
    assert "36 dni" not in text


@pytest.mark.parametrize("label", ["freelancer/firm", "freelancer/final"])
def test_the_invoice_table_writes_dates_in_digits(label: str) -> None:
    message = render("freelancer", label, due=NEWER)
    for part in (message.text, message.html or ""):
        assert "Termin płatności 02.02.2026" in part or "<td>02.02.2026</td>" in part
        assert "12.01.2026" in part or "26.01.2026" in part
        assert " sty 2026" not in part
        assert " lut 2026" not in part


def test_enclosures_join_two_numbers_with_i_and_count_many() -> None:
    two = render("freelancer", "freelancer/final").text
    assert "Załączniki: kopie faktur nr 2026/01/7 i 2026/01/8" in plain(two)
    many_ = plain(many("freelancer", "freelancer/final", 21).text)
    assert "Załączniki: kopie 21 faktur wymienionych w zestawieniu" in many_
    assert "2026/01/20, 2026/01/21" not in many_.split("Załączniki:")[1]
