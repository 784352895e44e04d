"""Reasons as data (issue 17, item 5): `Action.why`, the catalogues, tasks in the sender's language.

The plan's English `reason` is a public contract: the parts must say exactly it. A task for
the sender tells the parts in the sender's language, from a catalogue per language that
covers every code with the same fields; a part not coded yet is English under a label.
"""

from __future__ import annotations

import copy
import json
import re
import string
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from tests.spelling_check import hunspell_available, unknown_words
from tests.test_conversations import BASE as CONVERSATION
from tests.test_plan_work import CASE as WORK

from paychase import Action, Case, Plan, plan
from paychase._reason import ENGLISH, ReasonPart, english, joined, part, text
from paychase.messages import Renderer
from paychase.messages._reasons import LANGUAGES, catalogue, told, told_all
from paychase.money import builtin_compensation_table

REPO = Path(__file__).resolve().parent.parent
CASES = [
    *sorted((REPO / "examples").glob("*.json")),
    *sorted((REPO / "tests" / "scenarios").glob("*.json")),
    *sorted((REPO.parent / "shared" / "scenarios").glob("*.json")),
]
LABELS = {
    "pl": "szczegóły techniczne (ang.)",
    "ru": "технические подробности (на англ.)",
    "el": "τεχνικές λεπτομέρειες (στα αγγλικά)",
    "de": "technische Angaben (auf Englisch)",
}
LOCALES = {"en": "en_GB", "pl": "pl_PL", "ru": "ru_RU", "el": "el_GR", "de": "de_DE"}


@cache
def _plans() -> tuple[Plan, ...]:
    """The plan of every example and scenario case that plans (an error scenario does not)."""
    found = []
    for path in CASES:
        data = json.loads(path.read_text(encoding="utf-8"))
        case = data.get("case", data)
        if "now" not in case or "error" in data.get("expect", {}):
            continue
        found.append(plan(case, now=None))
    return tuple(found)


def _actions() -> Iterator[Action]:
    for result in _plans():
        yield from result.actions


def _clauses(parts: tuple[ReasonPart, ...]) -> Iterator[ReasonPart]:
    """Every clause, and every clause inside one."""
    for clause in parts:
        yield clause
        for value in clause.params.values():
            if isinstance(value, ReasonPart):
                yield from _clauses((value,))
            elif isinstance(value, tuple):
                yield from _clauses(value)


def _fields(phrase: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(phrase) if name}


def _entry_fields(entry: str | dict[str, str]) -> set[str]:
    if isinstance(entry, str):
        return _fields(entry)
    return {entry["count"]} | {
        name for form, phrase in entry.items() if form != "count" for name in _fields(phrase)
    }


# -- the English is the reason ----------------------------------------------------------------


def test_the_parts_of_every_action_say_its_reason_in_english() -> None:
    actions = list(_actions())
    assert len(actions) > 30
    for action in actions:
        assert action.why, action.key
        assert joined(action.why) == action.reason, action.key
        assert "; ".join(english(clause) for clause in action.why) == action.reason


def test_most_actions_are_coded_clause_by_clause() -> None:
    """The ladder, the reviews and the chases give coded clauses: most reasons have no text.

    Raise the bar as producers are converted: 44 of the 60 actions of the examples are coded
    through and through today (53 at the top level; the rest nest a clause of English words).
    """
    actions = list(_actions())
    coded = [a for a in actions if all(c.code != "text" for c in _clauses(a.why))]
    assert len(coded) * 10 >= len(actions) * 7, len(coded)
    assert {c.code for a in actions for c in _clauses(a.why)} >= {
        "invoice.overdue",
        "step.falls_on",
        "step.performed",
        "catching_up",
        "review.decide",
        "limitation.open",
        "dispute.disputed_said",
        "fee.charges",
        "step.skipped",
        "spacing.message",
    }


def test_the_plan_json_keeps_the_reason_and_adds_the_parts() -> None:
    result = _plans()[0]
    dumped = json.loads(result.to_json())
    first = dumped["actions"][0]
    assert first["reason"] == result.actions[0].reason
    assert first["why"][0]["code"] == result.actions[0].why[0].code
    again = Plan.model_validate_json(result.to_json())  # the parts still say the reason
    assert [a.reason for a in again.actions] == [a.reason for a in result.actions]


def test_an_action_built_from_words_alone_gets_one_text_part() -> None:
    action = next(_actions())
    words = action.model_dump() | {"why": (), "reason": "someone asked"}
    assert Action.model_validate(words).why == (text("someone asked"),)


def test_parts_that_say_something_else_than_the_reason_are_refused() -> None:
    action = next(_actions())
    wrong = action.model_dump() | {"why": (part("attempt", attempt=2, of=3),)}
    with pytest.raises(ValueError, match="attempt 2 of 3"):
        Action.model_validate(wrong)


def test_english_plural_and_ordinal_fields() -> None:
    one = part("invoice.overdue", invoice="A-1", days=1, due=_day("2026-03-09"))
    many = part("invoice.overdue", invoice="A-1", days=3, due=_day("2026-03-07"))
    assert english(one) == "A-1 is 1 day overdue (due 2026-03-09)"
    assert english(many) == "A-1 is 3 days overdue (due 2026-03-07)"
    again = part("step.sent_again", step="firm", count=22, on=_day("2026-03-09"))
    assert english(again) == "'firm' was sent for the 22nd time on 2026-03-09"


# -- the catalogues ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_language_lacks_a_code(language: str) -> None:
    """The codes each language lacks: none (a lacking code would print in English)."""
    lacking = sorted(set(ENGLISH) - set(catalogue(language)))
    assert lacking == [], f"{language} lacks {lacking}"
    unknown = sorted(set(catalogue(language)) - set(ENGLISH) - {"words", "separator"})
    assert unknown == [], f"{language} has phrases for no code: {unknown}"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_uses_the_fields_english_uses(language: str) -> None:
    english_phrases, phrases = catalogue("en"), catalogue(language)
    for code in ENGLISH:
        assert _entry_fields(phrases[code]) == _entry_fields(english_phrases[code]), code
    assert set(phrases["words"]) == set(english_phrases["words"])


def test_every_field_a_phrase_uses_is_a_parameter_of_its_code() -> None:
    """The fields of the catalogue's phrases are parameters the planner gives the clause."""
    seen: dict[str, set[str]] = {}
    for action in _actions():
        for clause in _clauses(action.why):
            seen.setdefault(clause.code, set()).update(clause.params)
    for code, params in seen.items():
        assert _entry_fields(catalogue("en")[code]) <= params | {"text"}, code


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_clause_of_the_plans_is_told_in_every_language(language: str) -> None:
    locale = LOCALES[language]
    for action in _actions():
        told_all(action.why, locale)  # a missing word or field raises


def test_a_clause_is_formatted_as_the_language_writes_it() -> None:
    overdue = part("invoice.overdue", invoice="FV/1", days=22, due=_day("2026-02-16"))
    assert told(overdue, "pl_PL") == (
        "faktura FV/1 jest przeterminowana o 22 dni (termin płatności: 16 lutego 2026 r.)"
    )
    assert told(overdue, "ru_RU") == (
        "счёт FV/1 просрочен на 22 дня (срок оплаты — 16 февраля 2026\u202fг.)"  # noqa: RUF001
    )
    assert told(overdue, "de_DE").endswith("seit 22 Tagen überfällig (fällig am 16. Februar 2026)")
    one = part("invoice.overdue", invoice="FV/1", days=1, due=_day("2026-03-09"))
    assert "o 1 dzień" in told(one, "pl_PL")
    assert "εδώ και 1 ημέρα" in told(one, "el_GR")
    dispute = part("dispute.review_continues", amount=Decimal("1234.50"), currency="EUR")
    assert "1.234,50\xa0€" in told(dispute, "de_DE")
    assert "1\xa0234,50\xa0zł" not in told(dispute, "pl_PL")
    assert "1\xa0234,50\xa0€" in told(dispute, "pl_PL")
    step = part(
        "step.falls_on",
        step="firm",
        timing=part("timing.offset", anchor="due", offset="+7d"),
        on=_day("2026-03-10"),
    )
    assert (
        told(step, "pl_PL") == "krok „firm” (termin płatności + 7 dni) przypada na 10 marca 2026 r."
    )


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_a_clause_not_coded_yet_is_english_under_a_label(language: str) -> None:
    said = told(text("min_gap 3d after the message planned"), LOCALES[language])
    assert said == f"{LABELS[language]}: min_gap 3d after the message planned"
    assert told(text("min_gap 3d"), "en_GB") == "min_gap 3d"


def test_greek_separates_clauses_with_the_upper_stop() -> None:
    clauses = (part("attempt", attempt=2, of=3), part("instalment.kept"))
    assert told_all(clauses, "el_GR").startswith("προσπάθεια 2 από 3· το πρόγραμμα")
    assert told_all(clauses, "pl_PL").startswith("próba 2 z 3; plan spłaty")


def test_a_language_without_a_catalogue_reads_english() -> None:
    clause = part("attempt", attempt=2, of=3)
    assert told(clause, "fr_FR") == "attempt 2 of 3"


# -- tasks for the sender ----------------------------------------------------------------------


def _portfolio(sender_locale: str) -> Case:
    data = json.loads((REPO / "examples" / "portfolio.json").read_text(encoding="utf-8"))
    data["sender"]["locale"] = sender_locale
    return Case.model_validate(data)


def _reason_line(message_text: str, label: str) -> str:
    found = re.search(rf"^{re.escape(label)}: (.+?)(?:\n\n|\Z)", message_text, re.M | re.S)
    assert found, message_text
    return " ".join(found.group(1).split())


_REASON_LABEL = {"pl": "Powód", "ru": "Причина", "el": "Λόγος", "de": "Anlass"}


def _tasks(case: Case) -> list[Action]:
    tasks = [a for a in plan(case, now=None).actions if a.kind == "review"]
    assert tasks
    return tasks


def test_a_task_is_in_the_senders_language_and_the_clients_message_in_theirs() -> None:
    case = _portfolio("pl_PL")
    renderer = Renderer()
    actions = plan(case, now=None).actions
    german = [a for a in actions if a.client == "lindner"]
    task = next(a for a in actions if a.kind == "review")
    to_client = next(a for a in german if a.kind in ("send_reminder", "send_letter"))
    rendered = renderer.render(case, task)
    assert rendered.locale == "pl_PL"
    assert rendered.text.startswith("ZADANIE") or "Powód:" in rendered.text
    assert renderer.render(case, to_client).locale.startswith("de")
    line = _reason_line(rendered.text, "Powód")
    assert line == " ".join(told_all(task.why, "pl_PL").split())
    assert task.reason not in rendered.text
    assert json.loads(plan(case, now=None).to_json())[
        "actions"
    ]  # the plan still carries the English


@pytest.mark.parametrize("language", ["pl", "ru", "el", "de"])
def test_a_coded_task_reason_has_no_english_word(language: str) -> None:
    if not hunspell_available(language):
        pytest.skip(f"no Hunspell dictionary for {language}")
    case = _portfolio(LOCALES[language])
    renderer = Renderer()
    checked = 0
    for action in _tasks(case):
        if any(clause.code == "text" for clause in _clauses(action.why)):
            continue
        line = _reason_line(renderer.render(case, action).text, _REASON_LABEL[language])
        masked = action.model_copy(update={"reason": "-"})  # the English is not in the text
        assert not unknown_words(case, masked, line, language), line
        checked += 1
    assert checked


@pytest.mark.parametrize("language", ["pl", "ru", "el", "de"])
def test_every_phrase_is_spelled_in_its_language(language: str) -> None:
    """Every word the catalogue writes, told through real clauses, is in the dictionary."""
    if not hunspell_available(language):
        pytest.skip(f"no Hunspell dictionary for {language}")
    case = _portfolio(LOCALES[language])
    action = _tasks(case)[0].model_copy(update={"reason": "-"})
    samples = {clause.code: clause for a in _every_action() for clause in _clauses(a.why)}
    words = " ".join(told(clause, LOCALES[language]) for clause in samples.values())
    assert not unknown_words(case, action, _without_data(words), language)


@pytest.mark.parametrize("language", ["pl", "ru", "el", "de"])
def test_every_form_and_word_of_the_catalogue_is_spelled(language: str) -> None:
    """Every phrase in every plural form, and every word, whether or not a plan reaches it."""
    if not hunspell_available(language):
        pytest.skip(f"no Hunspell dictionary for {language}")
    case = _portfolio(LOCALES[language])
    action = _tasks(case)[0].model_copy(update={"reason": "-"})
    phrases = catalogue(language)
    written = [*phrases["words"].values()]
    for code in ENGLISH:
        entry = phrases[code]
        written += (
            [entry] if isinstance(entry, str) else [p for f, p in entry.items() if f != "count"]
        )
    words = re.sub(r"\{[^}]*\}", " ", " . ".join(written))  # the fields are data
    assert not unknown_words(case, action, words, language)


def _without_data(words: str) -> str:
    """The told clauses without what the cases put in them: ids, labels and subjects."""
    data: set[str] = set()
    for action in _every_action():
        for clause in _clauses(action.why):
            data |= {v for v in clause.params.values() if isinstance(v, str) and len(v) > 1}
    for value in sorted(data, key=len, reverse=True):
        words = words.replace(value, " ")
    return words


def _day(iso: str) -> Any:
    from datetime import date  # noqa: PLC0415

    return date.fromisoformat(iso)


# -- every producer's reasons in the sender's language -----------------------------------------

_WARSAW = "+01:00"


def _freelance(now: str, **changes: Any) -> dict[str, Any]:
    """The freelancer's case: `changes` to the contract (``contract``), the invoice
    (``invoice``) or the client (``client``) merged in, other keys replaced."""
    case = copy.deepcopy(CONVERSATION) | {"now": f"{now}{_WARSAW}", "history": []}
    records = {"client": "clients", "contract": "contracts", "invoice": "invoices"}
    for name, value in changes.items():
        if name in records:
            case[records[name]][0].update(value)
        else:
            case[name] = value
    return case


def _work(**contract: Any) -> dict[str, Any]:
    """The tradesperson's work contract, planned on Tuesday 10 March 2026 in Athens."""
    case = copy.deepcopy(WORK) | {"now": "2026-03-10T09:00:00+02:00"}
    del case["contracts"][0]["deposit"]  # each case below says what the contract asks first
    case["contracts"][0].update(contract)
    return case


def _promise(at: str, by: str) -> dict[str, Any]:
    return {
        "at": f"{at}{_WARSAW}",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "in",
        "kind": "promise",
        "promise": {"date": by},
    }


def _called(at: str) -> dict[str, Any]:
    return {
        "at": f"{at}{_WARSAW}",
        "client": "c1",
        "invoices": ["inv-1"],
        "direction": "out",
        "kind": "call",
        "step": "check_call",
        "channel": "phone",
    }


def _chase_event(at: str, step: str, **fields: Any) -> dict[str, Any]:
    event = {
        "at": f"{at}{_WARSAW}",
        "client": "c1",
        "direction": "out",
        "kind": "reminder",
        "step": step,
        "channel": "email",
        "chase": "f1",
        "key": f"chase:f1/{step}/1",
    }
    return event | fields


def _project_chase(kill_fee: dict[str, str] | None) -> dict[str, Any]:
    """A silent client mid-project: the chase has reached the step announcing the pause."""
    contract = {"value": "9000.00", "kill_fee": kill_fee}
    chase = {
        "id": "f1",
        "client": "c1",
        "kind": "project",
        "contract": "k1",
        "started": f"2026-03-04T15:00:00{_WARSAW}",
        "subject": "the homepage mock-ups",
    }
    history = [
        _chase_event("2026-03-10T10:00", "follow_up"),
        _chase_event("2026-03-17T12:00", "check_call", kind="call"),
        _chase_event("2026-03-19T10:00", "other_channel", channel="sms"),
    ]
    case = _freelance(
        "2026-03-20T09:00", contract=contract, invoices=[], chases=[chase], history=history
    )
    case["clients"][0]["contacts"]["sms"] = "+48 600 000 000"
    return case


def _bounced_request() -> dict[str, Any]:
    return {
        "at": "2026-03-09T10:00:00+02:00",
        "client": "c1",
        "direction": "out",
        "kind": "reminder",
        "channel": "email",
        "outcome": "bounced",
        "key": "k1/deposit/request_deposit/1",
    }


def _targeted() -> dict[str, dict[str, Any]]:
    """A case for each producer the examples and scenarios do not reach, by what it shows."""
    statutory = {"late_fee": {"kind": "statutory"}}
    owed = {"issued": "2025-06-02", "due": "2025-06-16", "total": "20000.00"}
    kill_fee = {"deposit": None, "work_started": "2026-02-02"}
    milestone = {"id": "m1", "name": "Tiling", "amount": "600.00", "due": "2026-03-09"}
    return {
        "a RU key-rate claim running into 2026, past the rate table": _freelance(
            "2026-02-02T09:00",
            contract=statutory | {"jurisdiction": "RU", "currency": "RUB"},
            invoice={"issued": "2025-12-01", "due": "2025-12-15", "currency": "RUB"},
        ),
        "compensation without the NBP rate": _freelance(
            "2025-07-20T12:00", contract=statutory | {"fixed_compensation": True}, invoice=owed
        ),
        "compensation without a rate by the due date": _freelance(
            "2025-07-20T12:00",
            contract=statutory | {"fixed_compensation": True, "jurisdiction": "DE"},
            invoice=owed,
        ),
        "no statutory interest for a consumer": _freelance(
            "2026-03-05T09:00",
            contract=statutory | {"jurisdiction": "FR", "currency": "EUR"},
            invoice={"currency": "EUR"},
            client={"kind": "consumer"},
            history=[_called("2026-03-03T12:00")],  # the next step applies the late fee
        ),
        "a client's hold until a day, by a person": _freelance(
            "2026-02-16T09:00",
            client={"hold": {"until": "2026-02-24", "reason": "talks", "by": "Anna"}},
        ),
        "an invoice's hold until a day": _freelance(
            "2026-02-16T09:00", invoice={"hold": {"until": "2026-02-24", "reason": "talks"}}
        ),
        "a promise held": _freelance(
            "2026-02-16T09:00", history=[_promise("2026-02-16T08:00", "2026-02-25")]
        ),
        "a promise refused": _freelance(
            "2026-02-21T09:00", history=[_promise("2026-02-20T10:00", "2026-06-01")]
        ),
        "a promise refused after a broken one": _freelance(
            "2026-03-02T09:00",
            history=[
                _promise("2026-02-16T10:00", "2026-02-20"),
                _promise("2026-02-25T10:00", "2026-03-15"),
            ],
        ),
        "a share of the contract value as deposit": _work(deposit={"rate": "30"}),
        "the default deposit": _work(deposit={}),
        "a deposit requested again": _work(deposit={"rate": "30"})
        | {"history": [_bounced_request()]},
        "a materials prepayment as agreed, work started unpaid": _work(
            work_started="2026-03-09", materials={"amount": "200.00"}
        ),
        "a milestone no invoice bills": _work(milestones=[milestone]),
        "a kill fee as a share": _work(**kill_fee, kill_fee={"after_silence": "21d", "rate": "25"}),
        "a kill fee as agreed, with work done unbilled": _work(
            **kill_fee,
            kill_fee={"after_silence": "3w", "amount": "300.00"},
            milestones=[milestone, milestone | {"id": "m2", "name": "Grouting"}],
        ),
        "a project chase quoting the kill fee": _project_chase(
            {"after_silence": "60d", "rate": "25"}
        ),
        "a project chase quoting a kill fee as agreed": _project_chase(
            {"after_silence": "60d", "amount": "500.00"}
        ),
        "a project chase with no kill fee": _project_chase(None),
    }


@cache
def _targeted_plans() -> dict[str, Plan]:
    return {name: plan(case, now=None) for name, case in _targeted().items()}


def _every_action() -> Iterator[Action]:
    """The actions of the examples, the scenarios and the targeted cases."""
    yield from _actions()
    for result in _targeted_plans().values():
        yield from result.actions


def test_each_targeted_case_reaches_the_producer_it_is_named_for() -> None:
    codes = {
        name: {clause.code for action in result.actions for clause in _clauses(action.why)}
        for name, result in _targeted_plans().items()
    }
    wanted = {
        "a RU key-rate claim running into 2026, past the rate table": "rate_gap",
        "compensation without the NBP rate": "rate.missing_on",
        "compensation without a rate by the due date": "rate.missing_by",
        "no statutory interest for a consumer": "regime.directive_consumers",
        "a client's hold until a day, by a person": "hold.until_by",
        "an invoice's hold until a day": "hold.until",
        "a promise held": "bound.promise",
        "a promise refused": "promise.refused",
        "a promise refused after a broken one": "promise.refused_halved",
        "a share of the contract value as deposit": "deposit.share",
        "the default deposit": "deposit.default_first",
        "a deposit requested again": "request.retry",
        "a materials prepayment as agreed, work started unpaid": "prepayment.unpaid",
        "a milestone no invoice bills": "milestone.due",
        "a kill fee as a share": "kill_fee.rule_rate",
        "a kill fee as agreed, with work done unbilled": "kill_fee.work_item",
        "a project chase quoting the kill fee": "kill_fee.terms_rate",
        "a project chase quoting a kill fee as agreed": "kill_fee.terms_amount",
        "a project chase with no kill fee": "kill_fee.none",
    }
    for name, code in wanted.items():
        assert code in codes[name], (name, sorted(codes[name]))


def test_a_share_is_a_percentage_and_its_sums_are_money() -> None:
    """A clause's rate is a number, not money, though its sums are in the contract's currency."""
    (request,) = _targeted_plans()["a share of the contract value as deposit"].actions
    asks = request.why[0]
    assert told(asks, "pl_PL").endswith(
        "zaliczka w kwocie 540,00\xa0€ (30% wartości umowy 1\xa0800,00\xa0€)"
    )
    assert "(30 % от стоимости договора 1\xa0800,00\xa0€)" in told(asks, "ru_RU")
    assert "(30 % des Auftragswerts von 1.800,00\xa0€)" in told(asks, "de_DE")
    assert english(asks).endswith("(30 % of the contract value 1800.00) before work starts")


def test_every_packaged_rate_date_note_is_coded() -> None:
    """A missing exchange rate names the day the law converts on, in the reader's language."""
    table = builtin_compensation_table()
    notes = {rule.rate_date_note for rule in table.regimes if rule.rate_date_note}
    coded = {english(part(code)) for code in ENGLISH if code.startswith("rate_note.")}
    assert notes
    assert notes <= coded


def test_the_targeted_cases_keep_their_english_reason() -> None:
    for result in _targeted_plans().values():
        for action in result.actions:
            assert joined(action.why) == action.reason, action.key


@pytest.mark.parametrize("language", ["pl", "ru", "el", "de"])
def test_no_reason_the_planner_gives_falls_back_to_english(language: str) -> None:
    """Every action of the examples, the scenarios and the targeted cases, told in the
    sender's language: no clause is English words under the label, and none is a code the
    language lacks (which would print under the same label)."""
    locale, label = LOCALES[language], LABELS[language]
    actions = list(_every_action())
    assert len(actions) > 80
    for action in actions:
        assert not any(clause.code == "text" for clause in _clauses(action.why)), action.reason
        for clause in action.why:
            said = told(clause, locale)
            assert label not in said, (action.key, said)
