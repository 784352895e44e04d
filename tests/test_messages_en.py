"""The English texts as a native credit controller would sign them (review of 2026-12, §2).

Each fixed row of the review renders the real template with the sample case of
`paychase.messages._samples` and checks that the corrected phrase is there and the wrong one
gone. Rows about agreement are checked for one invoice and for two; a sweep over every English
sample checks the verbs after an invoice list for a company and for consumers (a man, a woman,
a person of unknown gender, nobody named), for one invoice and for two.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

import paychase
from paychase import BUILTIN_POLICIES
from paychase.messages import Message, Renderer
from paychase.messages._samples import Sample, samples
from paychase.policy._builtin import CHASE_POLICIES

RENDERER = Renderer()
WOMAN = {"name": "Anna Roth", "given_name": "Anna", "family_name": "Roth", "gender": "female"}
MAN = {"name": "John Smith", "given_name": "John", "family_name": "Smith", "gender": "male"}
UNKNOWN = {"name": "Alex Kim"}
PARTIES: list[tuple[str, dict[str, Any] | None]] = [
    ("business", None),
    ("business", WOMAN),
    ("consumer", MAN),
    ("consumer", WOMAN),
    ("consumer", UNKNOWN),
    ("consumer", None),
]


def sample(label: str, policy: str | None = None) -> Sample:
    """The English sample labelled `label` (``freelancer/firm``, ``freelancer/firm:first``)."""
    name = policy or label.split("/", maxsplit=1)[0]
    return next(s for s in samples(name, "en") if s.label == label)


def case_of(
    found: Sample,
    *,
    kind: str = "business",
    person: dict[str, Any] | None = None,
    history: list[dict[str, Any]] | None = None,
    subdivision: str | None = None,
) -> paychase.Case:
    """The sample's case for another party: kind, contact person, subdivision, history."""
    data = found.case.model_dump(mode="json", by_alias=True, exclude_none=True)
    client = data["clients"][0]
    client["kind"] = kind
    if person is not None:
        client["contacts"] = [{**person, "email": "person@client.example", "phone": "+00 1"}]
    if subdivision is not None:
        client["subdivision"] = subdivision
    if history is not None:
        data["history"] = [*data.get("history", []), *history]
    return paychase.Case.model_validate(data)


def render(
    label: str,
    *,
    invoices: int = 2,
    policy: str | None = None,
    update: dict[str, Any] | None = None,
    **party: Any,
) -> Message:
    """The sample `label` rendered about its first `invoices` invoices, for another party."""
    found = sample(label, policy)
    action = found.action
    if invoices < len(action.invoices):
        action = action.model_copy(update={"invoices": action.invoices[:invoices]})
    if update:
        action = action.model_copy(update=update)
    return RENDERER.render(case_of(found, **party), action)


def flat(message: Message) -> str:
    """The plain text on one line: the reflow to 72 columns breaks phrases anywhere."""
    return " ".join(f"{message.subject} {message.text}".split())


def event(kind: str, day: str, **more: Any) -> dict[str, Any]:
    return {
        "at": f"{day}T11:00:00+00:00",
        "client": "client",
        "invoices": ["i1", "i2"],
        "direction": "out",
        "kind": kind,
        **more,
    }


# --- agreement: every English text, one invoice and two -----------------------------------------

_LIST = r"[\w/]+(?:(?:, | and )[\w/]+)*"
_AFTER = r"(?: \([^)]*\))?(?: for the (?:job|work we did))?"
# A verb that agrees with one invoice after several, and the other way round.
_PLURAL_WRONG = re.compile(
    rf"\binvoices {_LIST}{_AFTER},? (?:which )?(?:is|was|has|falls|remains|comes)\b"
)
_SINGULAR_WRONG = re.compile(
    rf"\binvoice {_LIST}{_AFTER},? (?:which )?(?:are|were|have|fall|remain|come)\b"
)


def _english_samples() -> list[Sample]:
    return [s for policy in (*BUILTIN_POLICIES, *CHASE_POLICIES) for s in samples(policy, "en")]


@pytest.mark.parametrize(("kind", "person"), PARTIES)
def test_every_text_agrees_with_one_invoice_and_with_two(
    kind: str, person: dict[str, Any] | None
) -> None:
    for found in _english_samples():
        case = case_of(found, kind=kind, person=person)
        actions = [found.action]
        if len(found.action.invoices) > 1:
            actions.append(found.action.model_copy(update={"invoices": found.action.invoices[:1]}))
        for action in actions:
            text = flat(RENDERER.render(case, action))
            wrong = _PLURAL_WRONG if len(action.invoices) > 1 else _SINGULAR_WRONG
            assert not wrong.search(text), (found.label, len(action.invoices), text)
            assert "Has the invoices" not in text
            assert "yesterday" not in text, found.label
            assert "a week ago" not in text, found.label


# --- freelancer ------------------------------------------------------------------------------


def test_pre_due_agrees_and_speaks_of_a_team_to_a_business_only() -> None:
    two = flat(render("freelancer/pre_due"))
    assert "fall due on 26 January 2026" in two
    assert "falls due" not in two
    assert "or they should go to someone else in your team" in two
    one = flat(render("freelancer/pre_due", invoices=1))
    assert "falls due on 26 January 2026" in one
    assert "or it should go to someone else in your team" in one
    for person in (MAN, WOMAN, UNKNOWN, None):
        consumer = flat(render("freelancer/pre_due", kind="consumer", person=person))
        assert "team" not in consumer
        assert "If anything on the invoices needs correcting, just reply" in consumer


def test_firm_names_the_day_we_wrote_and_agrees() -> None:
    two = flat(render("freelancer/firm"))
    assert "on 3 March 2026 and haven't heard back. They are now 43 days" in two
    assert "a problem with the invoices or with paying them now" in two
    one = flat(render("freelancer/firm", invoices=1))
    assert "a problem with the invoice or with paying it now" in one
    first = flat(render("freelancer/firm:first"))
    assert "I wrote to you" not in first
    assert "which are now 43 days" in first


def test_the_three_overdue_texts_differ_and_escalate() -> None:
    steps = ("overdue_30", "overdue_60", "overdue_90")
    messages = [render(f"freelancer/{step}") for step in steps]
    assert len({m.text for m in messages}) == 3
    assert len({m.subject for m in messages}) == 3
    texts = dict(zip(steps, map(flat, messages), strict=True))
    # 60: the reminders already sent, by their day, and a payment plan.
    assert "I have written to you about invoices" in texts["overdue_60"]
    assert "before, most recently on 3 March 2026" in texts["overdue_60"]
    assert "I can offer a payment plan" in texts["overdue_60"]
    # 90: the formal demand comes next.
    assert "my next step will be a formal demand for payment" in texts["overdue_90"]
    assert "the last on 3 March 2026, have gone unanswered" in texts["overdue_90"]
    assert "formal demand" not in texts["overdue_30"] + texts["overdue_60"]


def test_overdue_texts_claim_no_reminder_we_never_sent() -> None:
    sixty = flat(render("freelancer/overdue_60:first"))
    assert "written to you" not in sixty
    assert "most recently" not in sixty
    assert "which are still unpaid" in sixty
    ninety = flat(render("freelancer/overdue_90:first"))
    assert "My messages" not in ninety
    assert "unanswered" not in ninety
    one = flat(render("freelancer/overdue_60", invoices=1))
    assert "It is now 43 days past the due date" in one
    assert "I attach the invoice again" in one


def test_check_call_wording() -> None:
    text = flat(render("freelancer/check_call"))
    assert "many late payments come down to a lost e-mail or a missing approval" in text
    assert "are lost e-mails" not in text


def test_with_fee_copies_agree() -> None:
    assert "Copies of the invoices are attached" in flat(render("freelancer/with_fee"))
    assert "A copy of the invoice is attached" in flat(render("freelancer/with_fee", invoices=1))


# --- b2b_strict --------------------------------------------------------------------------------


def test_pre_due_call_agrees() -> None:
    two = flat(render("b2b_strict/pre_due_call"))
    assert "fall due on 26 January 2026. Confirm that they are booked" in two
    assert "- Have the invoices been received and approved?" in two
    assert "- Are they scheduled in the payment run" in two
    one = flat(render("b2b_strict/pre_due_call", invoices=1))
    assert "falls due on 26 January 2026. Confirm that it is booked" in one
    assert "- Has the invoice been received" in one
    assert "- Is it scheduled" in one


def test_payment_call_agrees_and_says_outstanding() -> None:
    two = flat(render("b2b_strict/payment_call"))
    assert "They are now 43 days overdue; £2,626.88 is outstanding" in two
    assert "is open" not in two
    letter = [event("letter", "2026-03-04", channel="registered_letter", outcome="delivered")]
    sent = flat(render("b2b_strict/payment_call", history=letter))
    assert "We sent a demand for payment of invoices" in sent
    assert "on 4 March 2026" in sent
    one = flat(render("b2b_strict/payment_call", invoices=1, history=letter))
    assert "on 4 March 2026. It is now 43 days overdue" in one


def test_follow_up_call_names_the_day_of_the_call() -> None:
    call = [event("call", "2026-03-09", channel="phone", outcome="answered")]
    text = flat(render("b2b_strict/follow_up_call", history=call))
    assert "We called on 9 March 2026 about invoices" in text
    other = [{**call[0], "invoices": ["i2"]}]  # a call about another invoice does not count
    assert "We called on" in flat(render("b2b_strict/follow_up_call", history=other))
    about_i1 = flat(render("b2b_strict/follow_up_call", invoices=1, history=other))
    assert "We called on" not in about_i1
    assert "We have asked for payment of invoice" in about_i1
    assert "yesterday" not in flat(render("b2b_strict/follow_up_call"))


# --- tradesperson ------------------------------------------------------------------------------


def test_settle_up_sms_and_email_agree() -> None:
    sms = render("tradesperson/settle_up").text
    assert "for the job come to £3,075.00" in sms
    assert "for the job is" not in sms
    assert "for the job comes to" in render("tradesperson/settle_up", invoices=1).text
    email = flat(render("tradesperson/settle_up", update={"channel": "email"}))
    assert "The job is done and invoices" in email
    assert "are below, payable by" in email


def test_tradesperson_polite_email_agrees() -> None:
    email = {"channel": "email"}
    assert "for the work we did were due on" in flat(render("tradesperson/polite", update=email))
    assert "for the work we did was due on" in flat(
        render("tradesperson/polite", invoices=1, update=email)
    )


def test_calls_say_outstanding() -> None:
    text = flat(render("tradesperson/call"))
    assert "The amount outstanding is £2,626.88" in text
    assert "amount open" not in text


# --- generic -----------------------------------------------------------------------------------


def _generic(tone: str, invoices: int = 2) -> str:
    """An inline policy's reminder in `tone`: the step has no text of its own."""
    update = {"template": "inline/step", "tone": tone}
    return flat(render("freelancer/firm", invoices=invoices, update=update))


def test_generic_friendly_and_neutral_reminders_agree() -> None:
    friendly = _generic("friendly")
    assert "which were due on 26 January 2026. If they have already been paid" in friendly
    single = _generic("friendly", 1)
    assert "which was due on 26 January 2026. If it has already been paid" in single
    assert "are still unpaid. Could you" in _generic("neutral")
    assert "is still unpaid. Could you" in _generic("neutral", 1)


def test_suspension_notice_agrees() -> None:
    assert "we wrote to you about them and set" in flat(render("saas/suspend"))
    assert "we wrote to you about it and set" in flat(render("saas/suspend", invoices=1))


def test_milestone_request_wording() -> None:
    found = next(s for s in samples("freelancer", "en") if s.label == "request_milestone:design")
    text = flat(RENDERER.render(found.case, found.action))
    assert "The “Design” stage of our project is complete." in text
    assert "has been reached" not in text


@pytest.mark.parametrize("policy", ["freelancer", "b2b_strict", "saas", "tradesperson"])
def test_the_legal_task_passes_the_case_to_a_solicitor(policy: str) -> None:
    message = render(f"{policy}/legal")
    assert message.subject.startswith("Pass invoices 2026/01/7")
    assert message.subject.endswith("(Example & Co) to a solicitor or collection agency")
    assert "counsel" not in flat(message)


# --- the final letter: England and Wales --------------------------------------------------------


def test_a_gb_client_without_a_subdivision_gets_no_letter_before_action() -> None:
    found = sample("freelancer/final")
    data = found.case.model_dump(mode="json", by_alias=True, exclude_none=True)
    del data["clients"][0]["subdivision"]  # the sample's client is in England
    message = RENDERER.render(paychase.Case.model_validate(data), found.action)
    assert message.subject.startswith("Final demand before legal action:")
    assert "Letter before action" not in message.text


@pytest.mark.parametrize(
    ("subdivision", "title"),
    [
        ("ENG", "Letter before action"),
        ("WLS", "Letter before action"),
        ("SCT", "Final demand before legal action"),
        ("NIR", "Final demand before legal action"),
    ],
)
def test_the_letter_before_action_is_for_england_and_wales(subdivision: str, title: str) -> None:
    for policy in ("freelancer", "tradesperson", "saas"):
        message = render(f"{policy}/final", subdivision=subdivision)
        assert message.subject.startswith(f"{title}:"), (policy, subdivision)
        assert title.upper() in message.text


@pytest.mark.parametrize("person", [MAN, WOMAN, UNKNOWN, None])
def test_an_individual_in_england_gets_the_protocol_and_thirty_days(
    person: dict[str, Any] | None,
) -> None:
    text = flat(render("freelancer/final", kind="consumer", person=person, subdivision="ENG"))
    assert "Pre-Action Protocol for Debt Claims" in text
    assert "We enclose the Information Sheet, the Reply Form and the Financial Statement" in text
    assert "within thirty days of the date of this letter" in text
    # The letter's own deadline is 14 days: no proceedings threatened at it.
    assert "without further notice" not in text
    assert "by 24 March 2026" not in text
    assert "Late Payment of Commercial Debts" not in text  # a consumer debt


def test_a_protocol_letter_with_a_longer_deadline_keeps_it() -> None:
    found = sample("freelancer/final")
    later = found.action.deadline + timedelta(days=30)  # type: ignore[operator]
    text = flat(
        render("freelancer/final", kind="consumer", subdivision="WLS", update={"deadline": later})
    )
    assert "by 23 April 2026" in text
    assert "thirty days" not in text  # never proceedings sooner than the letter's deadline


def test_an_individual_in_scotland_gets_no_protocol() -> None:
    text = flat(render("freelancer/final", kind="consumer", subdivision="SCT"))
    assert "Pre-Action Protocol" not in text
    assert "If we do not receive payment or hear from you by 24 March 2026" in text


def test_a_business_letter_names_the_late_payment_act_where_it_claims_it() -> None:
    text = flat(render("freelancer/final"))
    assert "Under the Late Payment of Commercial Debts (Interest) Act 1998" in text
    assert "8 percentage points above the Bank of England base rate" in text
    assert "(section 5A): £110.00 in all" in text
    assert "Pre-Action Protocol" not in text


def test_the_b2b_demand_names_the_late_payment_act_too() -> None:
    text = flat(render("b2b_strict/demand_letter"))
    assert "Under the Late Payment of Commercial Debts (Interest) Act 1998" in text
    assert "(section 5A): £110.00 in all" in text
    assert "If you dispute the amount, please tell us in writing" in text


def test_the_act_is_named_only_for_the_charges_a_letter_claims() -> None:
    # A firm letter of an inline policy claims no charges: nothing to name.
    update = {"template": "inline/letter", "tone": "firm", "effects": ()}
    firm = flat(render("freelancer/firm", update={**update, "kind": "send_letter"}))
    assert "Demand for payment" in firm
    assert "Late Payment of Commercial Debts" not in firm
    # A German client under German law: not the UK Act.
    found = sample("freelancer/final")
    data = found.case.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["clients"][0]["country"] = "DE"
    del data["clients"][0]["subdivision"]
    text = flat(RENDERER.render(paychase.Case.model_validate(data), found.action))
    assert "Late Payment of Commercial Debts" not in text


def test_the_legal_task_warns_of_the_protocol_for_an_individual_in_england() -> None:
    text = flat(render("freelancer/legal", kind="consumer", subdivision="ENG"))
    assert "issue no claim until thirty days have passed since the letter before action" in text
    assert "Pre-Action Protocol" not in flat(render("freelancer/legal", subdivision="ENG"))


def test_only_a_business_is_asked_to_pass_a_message_to_a_colleague() -> None:
    assert "forward it" in flat(render("saas/notice"))
    for person in (MAN, WOMAN, UNKNOWN, None):
        consumer = flat(render("saas/notice", kind="consumer", person=person))
        assert "colleague" not in consumer
        assert "update your payment details." in consumer


def test_the_legal_task_lists_the_invoice_or_the_invoices() -> None:
    assert "the contract terms, the invoices, every contact" in flat(render("freelancer/legal"))
    one = flat(render("freelancer/legal", invoices=1))
    assert "the contract terms, the invoice, every contact" in one


# --- invoices due on different days (X6) --------------------------------------------------------


def staggered(label: str, policy: str | None = None) -> str:
    """The sample `label` about invoice 2026/01/7, due 2 February, and 2026/01/8, due 26 January.

    The first invoice listed is the newer: a text that takes the first one's date for all
    writes "2 February 2026" or its "36 days" overdue.
    """
    found = sample(label, policy)
    data = found.case.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["invoices"][0]["due"] = "2026-02-02"
    data["invoices"][1]["due"] = "2026-01-26"
    return flat(RENDERER.render(paychase.Case.model_validate(data), found.action))


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("freelancer/polite", "they were due on different dates, the earliest on 26 January 2026,"),
        ("freelancer/pre_due", "due on different dates, the earliest on 26 January 2026"),
        ("freelancer/firm", "They are now up to 43 days past their due dates."),
        ("freelancer/overdue_30", "up to 43 days after their due dates (the oldest on 26 January"),
        ("freelancer/overdue_60", "up to 43 days past their due dates (the oldest on 26 January"),
        ("freelancer/final", "due on different dates, the earliest on 26 January 2026"),
        ("b2b_strict/demand_letter", "the earliest on 26 January 2026, and remain unpaid"),
        ("b2b_strict/payment_call", "now up to 43 days overdue"),
        ("tradesperson/firm", "still unpaid, up to 43 days after their due dates"),
        ("saas/notice", "due on different dates, the earliest on 26 January 2026"),
    ],
)
def test_invoices_due_on_different_days_get_the_earliest_date(label: str, expected: str) -> None:
    text = staggered(label)
    assert expected in text
    assert "2 February 2026" not in text
    assert "36 days" not in text


def test_a_business_in_england_gets_fourteen_days_from_a_shorter_deadline() -> None:
    found = sample("b2b_strict/formal_claim")
    assert found.action.deadline is not None
    assert (found.action.deadline - found.action.at.date()).days == 7
    text = flat(render("b2b_strict/formal_claim", subdivision="ENG"))
    assert "Letter before action" in text
    assert "If we do not receive payment or hear from you within fourteen days" in text
    assert f"by {found.action.deadline.day} " not in text  # the 7-day deadline is not stated
    scotland = flat(render("b2b_strict/formal_claim", subdivision="SCT"))
    assert "fourteen days" not in scotland  # no Practice Direction there: its own deadline


def test_a_business_letter_before_action_with_fourteen_days_keeps_its_deadline() -> None:
    text = flat(render("freelancer/final", subdivision="ENG"))  # a 14-day deadline
    assert "If we do not receive payment or hear from you by 24 March 2026" in text
    assert "fourteen days" not in text


def test_the_legal_task_for_a_business_in_england_names_the_fourteen_days() -> None:
    text = flat(render("freelancer/legal", subdivision="ENG"))
    assert "Practice Direction on Pre-Action Conduct" in text
    assert "until fourteen days have passed" in text
    assert "Practice Direction" not in flat(render("freelancer/legal", subdivision="SCT"))
