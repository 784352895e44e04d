"""The case file (SPEC §2) and SPEC §5 rule 13: bad input is refused naming the field.

Each row of the tables below changes one thing in a valid case and says which error that must
raise and which field it must name, in the case file's own terms (``invoices[0].total``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from tests.samples import kowalski, sample_case, short_ladder_steps

from paychase import Case, Contacts
from paychase.errors import CurrencyMismatchError, InvalidCaseError, PaychaseError, PolicyError

Change = Callable[[dict[str, Any]], None]

# Steps 0-2: polite, final (a letter stating a 14-day deadline), legal (the escalation).
POLICY: dict[str, Any] = {"name": "ladder", "min_gap": "3d", "steps": short_ladder_steps()}

CASE: dict[str, Any] = {
    "version": 1,
    "now": "2026-03-03T09:00:00+01:00",
    "policy": POLICY,
    "clients": [
        kowalski(
            kind="business",
            locale="pl_PL",
            contacts={"email": "c1@example.com", "phone": "+48 600 100 200"},
            preferred_channel="email",
        ),
        {"id": "c2", "name": "Other Ltd", "country": "GB", "timezone": "Europe/London"},
    ],
    "contracts": [
        {
            "id": "k1",
            "client": "c1",
            "currency": "PLN",
            "payment_terms": "14d",
            "grace": "3d",
            "late_fee": {"kind": "flat", "amount": "40.00"},
            "deposit": {"rate": "50"},
            "value": "2400.00",
            "milestones": [{"id": "m1", "name": "Design", "amount": "300.00", "due": "2026-02-01"}],
        },
        {"id": "k2", "client": "c2", "currency": "GBP", "payment_terms": "30d"},
    ],
    "invoices": [
        {
            "id": "inv-1",
            "number": "FV/2026/02/01",
            "contract": "k1",
            "issued": "2026-02-16",
            "due": "2026-03-02",
            "total": "1200.00",
            "currency": "PLN",
            "payments": [{"date": "2026-02-20", "amount": "200.00", "ref": "tx-1"}],
        },
        {
            "id": "inv-2",
            "contract": "k2",
            "issued": "2026-02-01",
            "total": "80.00",
            "currency": "GBP",
        },
    ],
    "exchange_rates": [{"date": "2026-01-02", "from": "EUR", "to": "PLN", "rate": "4.2497"}],
    "history": [
        {
            "at": "2026-03-01T10:00:00+01:00",
            "client": "c1",
            "invoices": ["inv-1"],
            "direction": "out",
            "kind": "reminder",
            "step": "polite",
            "channel": "email",
            "outcome": "delivered",
        },
        {
            "at": "2026-03-02T11:00:00+01:00",
            "client": "c1",
            "invoices": ["inv-1"],
            "direction": "in",
            "kind": "promise",
            "promise": {"date": "2026-03-10", "amount": "500.00"},
        },
    ],
}


def _data() -> dict[str, Any]:
    return copy.deepcopy(CASE)


def _walk(data: Any, path: str) -> tuple[Any, str | int]:
    """The container holding `path` ('invoices.0.total') and the last key in it."""
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, int(last) if isinstance(node, list) else last


def _set(path: str, value: Any) -> Change:
    def change(data: dict[str, Any]) -> None:
        node, key = _walk(data, path)
        node[key] = value

    return change


def _drop(path: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        node, key = _walk(data, path)
        del node[key]

    return change


def _all(*changes: Change) -> Change:
    def change(data: dict[str, Any]) -> None:
        for one in changes:
            one(data)

    return change


def _copy_of(path: str, into: str) -> Change:
    """Append a copy of the record at `path` to the list `into` (a duplicate id)."""

    def change(data: dict[str, Any]) -> None:
        node, key = _walk(data, path)
        target, name = _walk(data, into)
        target[name].append(copy.deepcopy(node[key]))

    return change


def _currency(code: str, total: str) -> Change:
    return _all(
        _set("contracts.0.currency", code),
        _set("contracts.0.late_fee", {"kind": "none"}),
        _set("contracts.0.milestones", []),
        _set("invoices.0.currency", code),
        _set("invoices.0.total", total),
        _set("invoices.0.payments", []),
    )


def _second_client_invoice_in_event() -> Change:
    return _set("history.0.invoices", ["inv-2"])


REJECTED = [
    # -- unknown fields, wherever they are (typos must not pass) ---------------------------
    pytest.param(_set("extra", 1), InvalidCaseError, "extra", id="unknown-top-level"),
    pytest.param(
        _set("clients.0.nmae", "x"), InvalidCaseError, "clients[0].nmae", id="unknown-client-field"
    ),
    pytest.param(
        _set("clients.0.contacts.mail", "x"),
        InvalidCaseError,
        "clients[0].contacts.mail",
        id="unknown-contact-field",
    ),
    pytest.param(
        _set("contracts.0.late_fee.amout", "1"),
        InvalidCaseError,
        "contracts[0].late_fee.amout",
        id="unknown-late-fee-field",
    ),
    pytest.param(
        _set("invoices.0.totl", "1200.00"),
        InvalidCaseError,
        "invoices[0].totl",
        id="unknown-invoice-field",
    ),
    pytest.param(
        _set("invoices.0.payments.0.amt", "1"),
        InvalidCaseError,
        "invoices[0].payments[0].amt",
        id="unknown-payment-field",
    ),
    pytest.param(
        _set("history.0.chanel", "email"),
        InvalidCaseError,
        "history[0].chanel",
        id="unknown-event-field",
    ),
    pytest.param(
        _set("history.1.promise.amout", "1"),
        InvalidCaseError,
        "history[1].promise.amout",
        id="unknown-promise-field",
    ),
    pytest.param(
        _set("exchange_rates.0.from_currency", "EUR"),
        InvalidCaseError,
        "exchange_rates[0].from_currency",
        id="unknown-rate-field",
    ),
    pytest.param(
        _set("policy.min_gpa", "3d"), PolicyError, "policy.min_gpa", id="unknown-policy-field"
    ),
    pytest.param(
        _set("policy.steps.0.ofset", "+1d"),
        PolicyError,
        "policy.steps[0].ofset",
        id="unknown-step-field",
    ),
    # -- required fields -------------------------------------------------------------------
    pytest.param(
        _drop("clients.0.timezone"), InvalidCaseError, "clients[0].timezone", id="missing-timezone"
    ),
    pytest.param(
        _drop("clients.0.country"), InvalidCaseError, "clients[0].country", id="missing-country"
    ),
    pytest.param(
        _drop("contracts.0.currency"),
        InvalidCaseError,
        "contracts[0].currency",
        id="missing-contract-currency",
    ),
    pytest.param(
        _drop("invoices.0.total"), InvalidCaseError, "invoices[0].total", id="missing-total"
    ),
    pytest.param(
        _drop("invoices.0.issued"), InvalidCaseError, "invoices[0].issued", id="missing-issued"
    ),
    pytest.param(
        _drop("invoices.0.payments.0.date"),
        InvalidCaseError,
        "invoices[0].payments[0].date",
        id="missing-payment-date",
    ),
    pytest.param(_drop("history.0.at"), InvalidCaseError, "history[0].at", id="missing-at"),
    pytest.param(
        _drop("history.0.direction"),
        InvalidCaseError,
        "history[0].direction",
        id="missing-direction",
    ),
    # -- naive datetimes -------------------------------------------------------------------
    pytest.param(_set("now", "2026-03-03T09:00:00"), InvalidCaseError, "now", id="naive-now"),
    pytest.param(_set("now", "2026-03-03"), InvalidCaseError, "now", id="date-only-now"),
    pytest.param(
        _set("history.0.at", "2026-03-01T10:00:00"),
        InvalidCaseError,
        "history[0].at",
        id="naive-history-at",
    ),
    # -- amounts ---------------------------------------------------------------------------
    pytest.param(
        _set("invoices.0.total", 1200.0), InvalidCaseError, "invoices[0].total", id="float-total"
    ),
    pytest.param(
        _set("invoices.0.payments.0.amount", 200.5),
        InvalidCaseError,
        "invoices[0].payments[0].amount",
        id="float-payment",
    ),
    pytest.param(
        _set("exchange_rates.0.rate", 4.2497),
        InvalidCaseError,
        "exchange_rates[0].rate",
        id="float-rate",
    ),
    pytest.param(
        _set("history.1.promise.amount", 500.0),
        InvalidCaseError,
        "history[1].promise.amount",
        id="float-promise",
    ),
    pytest.param(
        _set("invoices.0.total", True), InvalidCaseError, "invoices[0].total", id="bool-total"
    ),
    pytest.param(
        _set("invoices.0.total", "12,00"), InvalidCaseError, "invoices[0].total", id="not-a-number"
    ),
    pytest.param(
        _set("invoices.0.total", "NaN"), InvalidCaseError, "invoices[0].total", id="nan-total"
    ),
    pytest.param(
        _set("invoices.0.total", "Infinity"),
        InvalidCaseError,
        "invoices[0].total",
        id="infinite-total",
    ),
    pytest.param(
        _set("invoices.0.total", "1e25"),
        InvalidCaseError,
        "invoices[0].total",
        id="absurdly-large-total",
    ),
    pytest.param(
        _set("invoices.0.total", "-0.01"),
        InvalidCaseError,
        "invoices[0].total",
        id="negative-total",
    ),
    pytest.param(
        _set("contracts.0.late_fee.amount", "-40"),
        InvalidCaseError,
        "contracts[0].late_fee.amount",
        id="negative-fee",
    ),
    pytest.param(
        _set("invoices.0.payments.0.amount", "0"),
        InvalidCaseError,
        "invoices[0].payments[0].amount",
        id="zero-payment",
    ),
    pytest.param(
        _set("invoices.0.payments.0.amount", "-200.00"),
        InvalidCaseError,
        "invoices[0].payments[0].amount",
        id="negative-payment",
    ),
    pytest.param(
        _set("exchange_rates.0.rate", "0"),
        InvalidCaseError,
        "exchange_rates[0].rate",
        id="zero-rate",
    ),
    pytest.param(
        _currency("JPY", "10.5"), InvalidCaseError, "invoices[0].total", id="jpy-has-no-decimals"
    ),
    pytest.param(
        _currency("EUR", "1.001"), InvalidCaseError, "invoices[0].total", id="eur-has-two-decimals"
    ),
    pytest.param(
        _set("invoices.0.payments.0.amount", "200.005"),
        InvalidCaseError,
        "invoices[0].payments[0].amount",
        id="payment-too-precise",
    ),
    pytest.param(
        _set("contracts.0.late_fee.amount", "40.001"),
        InvalidCaseError,
        "contracts[0].late_fee.amount",
        id="fee-too-precise",
    ),
    pytest.param(
        _set("contracts.0.milestones.0.amount", "300.001"),
        InvalidCaseError,
        "contracts[0].milestones[0].amount",
        id="milestone-too-precise",
    ),
    # -- currencies ------------------------------------------------------------------------
    pytest.param(
        _set("contracts.0.currency", "ZLX"),
        InvalidCaseError,
        "contracts[0].currency",
        id="unknown-currency",
    ),
    pytest.param(
        _set("contracts.0.currency", "pln"),
        InvalidCaseError,
        "contracts[0].currency",
        id="lower-case-currency",
    ),
    pytest.param(
        _set("invoices.0.currency", "EUR"),
        CurrencyMismatchError,
        "invoices[0].currency",
        id="invoice-vs-contract-currency",
    ),
    # -- dates -----------------------------------------------------------------------------
    pytest.param(
        _set("invoices.0.due", "2026-02-15"),
        InvalidCaseError,
        "invoices[0].due",
        id="due-before-issued",
    ),
    pytest.param(
        _all(_drop("invoices.0.due"), _drop("contracts.0.payment_terms")),
        InvalidCaseError,
        "invoices[0].due",
        id="no-due-and-no-terms",
    ),
    pytest.param(
        _set("invoices.0.issued", "2026-02-30"),
        InvalidCaseError,
        "invoices[0].issued",
        id="impossible-date",
    ),
    # -- identities and references ---------------------------------------------------------
    pytest.param(
        _copy_of("clients.0", "clients"), InvalidCaseError, "clients[2].id", id="duplicate-client"
    ),
    pytest.param(
        _copy_of("contracts.1", "contracts"),
        InvalidCaseError,
        "contracts[2].id",
        id="duplicate-contract",
    ),
    pytest.param(
        _copy_of("invoices.1", "invoices"),
        InvalidCaseError,
        "invoices[2].id",
        id="duplicate-invoice",
    ),
    pytest.param(
        _copy_of("contracts.0.milestones.0", "contracts.0.milestones"),
        InvalidCaseError,
        "contracts[0].milestones[1].id",
        id="duplicate-milestone",
    ),
    pytest.param(
        _set("contracts.1.client", "c9"),
        InvalidCaseError,
        "contracts[1].client",
        id="contract-of-unknown-client",
    ),
    pytest.param(
        _set("invoices.1.contract", "k9"),
        InvalidCaseError,
        "invoices[1].contract",
        id="invoice-of-unknown-contract",
    ),
    pytest.param(
        _set("history.0.client", "c9"),
        InvalidCaseError,
        "history[0].client",
        id="event-of-unknown-client",
    ),
    pytest.param(
        _set("history.0.invoices", ["inv-1", "inv-9"]),
        InvalidCaseError,
        "history[0].invoices[1]",
        id="event-about-unknown-invoice",
    ),
    pytest.param(
        _second_client_invoice_in_event(),
        InvalidCaseError,
        "history[0].invoices[0]",
        id="event-about-another-clients-invoice",
    ),
    pytest.param(
        _set("clients.0.id", "c/1"), InvalidCaseError, "clients[0].id", id="slash-in-client-id"
    ),
    pytest.param(
        _set("invoices.1.id", "inv/2"), InvalidCaseError, "invoices[1].id", id="slash-in-invoice-id"
    ),
    pytest.param(
        _set("contracts.1.id", "k+2"), InvalidCaseError, "contracts[1].id", id="plus-in-contract-id"
    ),
    pytest.param(_set("clients.1.id", ""), InvalidCaseError, "clients[1].id", id="empty-id"),
    # -- history events --------------------------------------------------------------------
    pytest.param(
        _drop("history.1.promise"), InvalidCaseError, "history[1]", id="promise-without-promise"
    ),
    pytest.param(
        _all(_set("history.0.kind", "reply"), _set("history.0.direction", "out")),
        InvalidCaseError,
        "history[0]",
        id="reply-going-out",
    ),
    pytest.param(
        _set("history.1.direction", "out"), InvalidCaseError, "history[1]", id="promise-going-out"
    ),
    pytest.param(
        _set("history.0.direction", "in"), InvalidCaseError, "history[0]", id="reminder-coming-in"
    ),
    pytest.param(
        _set("history.0.outcome", "lost"),
        InvalidCaseError,
        "history[0].outcome",
        id="unknown-outcome",
    ),
    pytest.param(
        _set("history.0.to", "c1@example.com\r\nBcc: x@example.com"),
        InvalidCaseError,
        "history[0].to",
        id="crlf-in-event-address",
    ),
    # -- clients ---------------------------------------------------------------------------
    pytest.param(
        _set("clients.0.country", "XX"),
        InvalidCaseError,
        "clients[0].country",
        id="unknown-country",
    ),
    pytest.param(
        _set("clients.0.country", "ZZ"),
        InvalidCaseError,
        "clients[0].country",
        id="unknown-region-country",
    ),
    pytest.param(
        _set("clients.0.country", "pl"),
        InvalidCaseError,
        "clients[0].country",
        id="lower-case-country",
    ),
    pytest.param(
        _set("contracts.0.jurisdiction", "XX"),
        InvalidCaseError,
        "contracts[0].jurisdiction",
        id="unknown-jurisdiction",
    ),
    pytest.param(
        _set("clients.0.subdivision", "XX"),
        InvalidCaseError,
        "clients[0].subdivision",
        id="unknown-subdivision",
    ),
    pytest.param(
        _set("clients.0.locale", "xx_YY"),
        InvalidCaseError,
        "clients[0].locale",
        id="unknown-locale",
    ),
    pytest.param(
        _set("clients.0.timezone", "Europe/Warszawa"),
        InvalidCaseError,
        "clients[0].timezone",
        id="unknown-timezone",
    ),
    pytest.param(
        _set("clients.0.timezone", "+01:00"),
        InvalidCaseError,
        "clients[0].timezone",
        id="offset-is-not-a-timezone",
    ),
    pytest.param(
        _set("clients.0.kind", "person"),
        InvalidCaseError,
        "clients[0].kind",
        id="unknown-client-kind",
    ),
    pytest.param(
        _set("clients.0.preferred_channel", "pigeon"),
        InvalidCaseError,
        "clients[0].preferred_channel",
        id="unknown-channel",
    ),
    pytest.param(
        _set("clients.0.contacts.email", "c1@example.com\r\nBcc: x@example.com"),
        InvalidCaseError,
        "clients[0].contacts.email",
        id="crlf-in-email",
    ),
    pytest.param(
        _set("clients.0.contacts.phone", "+48 600\n100"),
        InvalidCaseError,
        "clients[0].contacts.phone",
        id="lf-in-phone",
    ),
    pytest.param(
        _set("clients.0.contacts.postal", "ul. Prosta 1\r00-001"),
        InvalidCaseError,
        "clients[0].contacts.postal",
        id="cr-in-postal",
    ),
    # -- durations -------------------------------------------------------------------------
    pytest.param(
        _set("contracts.0.payment_terms", "14 days"),
        InvalidCaseError,
        "contracts[0].payment_terms",
        id="terms-in-words",
    ),
    pytest.param(
        _set("contracts.0.payment_terms", "14"),
        InvalidCaseError,
        "contracts[0].payment_terms",
        id="terms-without-unit",
    ),
    pytest.param(
        _set("contracts.0.payment_terms", "2m"),
        InvalidCaseError,
        "contracts[0].payment_terms",
        id="terms-in-months",
    ),
    pytest.param(
        _set("contracts.0.payment_terms", "-14d"),
        InvalidCaseError,
        "contracts[0].payment_terms",
        id="negative-terms",
    ),
    pytest.param(
        _set("contracts.0.grace", "3bd@TU"),
        InvalidCaseError,
        "contracts[0].grace",
        id="weekday-after-business-days",
    ),
    pytest.param(
        _set("contracts.0.payment_terms", 14),
        InvalidCaseError,
        "contracts[0].payment_terms",
        id="terms-as-number",
    ),
    # -- contract clauses ------------------------------------------------------------------
    pytest.param(
        _set("contracts.0.late_fee", {"kind": "flat"}),
        InvalidCaseError,
        "contracts[0].late_fee",
        id="flat-fee-without-amount",
    ),
    pytest.param(
        _set("contracts.0.late_fee", {"kind": "percent_per_month"}),
        InvalidCaseError,
        "contracts[0].late_fee",
        id="percent-fee-without-rate",
    ),
    pytest.param(
        _set("contracts.0.late_fee", {"kind": "usury", "rate": "50"}),
        InvalidCaseError,
        "contracts[0].late_fee.kind",
        id="unknown-fee-kind",
    ),
    pytest.param(
        _set("contracts.0.deposit", {"rate": "50", "amount": "600.00"}),
        InvalidCaseError,
        "contracts[0].deposit",
        id="deposit-rate-and-amount",
    ),
    pytest.param(
        _all(_drop("contracts.0.value"), _drop("contracts.0.milestones")),
        InvalidCaseError,
        "contracts[0].deposit.rate",
        id="deposit-rate-needs-a-value",
    ),
    pytest.param(
        _set("invoices.0.milestone", "m9"),
        InvalidCaseError,
        "invoices[0]",
        id="milestone-without-kind",
    ),
    pytest.param(
        _all(_set("invoices.0.kind", "milestone"), _set("invoices.0.milestone", "m9")),
        InvalidCaseError,
        "invoices[0].milestone",
        id="unknown-milestone",
    ),
    pytest.param(
        _set("contracts.0.allocation", ["principal", "costs"]),
        InvalidCaseError,
        "contracts[0]",
        id="allocation-incomplete",
    ),
    pytest.param(
        _set("contracts.0.kill_fee", {"after_silence": "21d"}),
        InvalidCaseError,
        "contracts[0].kill_fee",
        id="kill-fee-neither",
    ),
    pytest.param(
        _set("contracts.0.suspension", {"after": "21d", "warnings": 0}),
        InvalidCaseError,
        "contracts[0].suspension.warnings",
        id="suspension-no-warning",
    ),
    pytest.param(
        _set("contracts.0.interest_regime", "pl b2b"),
        InvalidCaseError,
        "contracts[0].interest_regime",
        id="bad-interest-regime",
    ),
    # -- version and policy ----------------------------------------------------------------
    pytest.param(_set("version", 2), InvalidCaseError, "version", id="unknown-version"),
    pytest.param(_set("policy", "lenient"), PolicyError, "policy", id="unknown-builtin-policy"),
    pytest.param(_set("policy", "Freelancer"), PolicyError, "policy", id="policy-name-case"),
    pytest.param(_set("policy.steps", []), PolicyError, "policy.steps", id="policy-no-steps"),
    pytest.param(
        _set("policy.steps.1.offset", "7 days"),
        PolicyError,
        "policy.steps[1].offset",
        id="policy-bad-offset",
    ),
    pytest.param(
        _drop("policy.steps.1.deadline"),
        PolicyError,
        "policy.steps[2]",
        id="escalation-without-deadline-step",
    ),
]


@pytest.mark.parametrize(("change", "error", "field"), REJECTED)
def test_bad_input_is_rejected_naming_the_field(
    change: Change, error: type[PaychaseError], field: str
) -> None:
    data = _data()
    change(data)
    with pytest.raises(PaychaseError) as caught:
        Case.model_validate(data)
    assert type(caught.value) is error, caught.value
    assert caught.value.field == field, str(caught.value)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{field}: ")
    assert caught.value.problem


@pytest.mark.parametrize(
    ("change", "problem", "value"),
    [
        (_set("invoices.0.totl", "9"), "unknown field", "'9'"),
        (_set("invoices.0.total", "-5"), "negative", "'-5'"),
        (_set("invoices.0.total", 1200.5), "float", "1200.5"),
        (_set("now", "2026-03-03T09:00:00"), "naive datetime", "'2026-03-03T09:00:00'"),
        (_set("invoices.0.currency", "EUR"), "does not match", "'EUR'"),
        (_set("invoices.0.due", "2026-02-01"), "before the issue date", "'2026-02-01'"),
        (_set("contracts.1.client", "c9"), "unknown client", "'c9'"),
        (_currency("JPY", "10.5"), "0 decimal places", "'10.5'"),
        (_set("clients.0.timezone", "Mars/Base"), "time zone", "'Mars/Base'"),
        (_set("policy", "lenient"), "unknown built-in policy", "'lenient'"),
    ],
)
def test_the_message_is_one_line_naming_problem_and_value(
    change: Change, problem: str, value: str
) -> None:
    data = _data()
    change(data)
    with pytest.raises(PaychaseError) as caught:
        Case.model_validate(data)
    text = str(caught.value)
    assert "\n" not in text
    assert problem in caught.value.problem
    assert text.endswith(f"(got {value})")
    assert text == f"{caught.value.field}: {caught.value.problem} (got {value})"


def test_a_missing_field_shows_no_value() -> None:
    data = _data()
    del data["invoices"][0]["total"]
    with pytest.raises(InvalidCaseError) as caught:
        Case.model_validate(data)
    assert str(caught.value) == "invoices[0].total: required field is missing"


# -- what is accepted --------------------------------------------------------------------------


ACCEPTED = [
    pytest.param(_set("invoices.0.total", 1200), id="int-amount"),
    pytest.param(_set("invoices.0.total", Decimal("1200.00")), id="decimal-amount"),
    pytest.param(_set("invoices.0.total", " 1200.00 "), id="amount-with-spaces"),
    pytest.param(_set("invoices.0.total", "0"), id="zero-total"),
    pytest.param(_set("invoices.0.total", "1200"), id="amount-without-decimals"),
    pytest.param(_currency("KWD", "1.001"), id="kwd-has-three-decimals"),
    pytest.param(_currency("JPY", "10"), id="jpy-whole"),
    pytest.param(_currency("EUR", "1.10"), id="eur-cents"),
    pytest.param(_set("invoices.0.due", "2026-02-16"), id="due-on-issue-day"),
    pytest.param(_drop("invoices.0.due"), id="due-from-terms"),
    pytest.param(_drop("now"), id="no-now"),
    pytest.param(_set("now", "2026-03-03T08:00:00Z"), id="utc-now"),
    pytest.param(_set("policy", "b2b_strict"), id="builtin-policy"),
    pytest.param(_drop("policy"), id="default-policy"),
    pytest.param(_set("invoices.1.id", "inv.2_b:c-d"), id="punctuated-id"),
    pytest.param(_set("contracts.0.grace", "5bd"), id="grace-in-business-days"),
    pytest.param(_set("contracts.0.payment_terms", "+2w"), id="signed-terms-in-weeks"),
    pytest.param(_set("history.0.kind", "call"), id="call-out"),
    pytest.param(
        _all(_set("history.0.kind", "call"), _set("history.0.direction", "in")), id="call-in"
    ),
    pytest.param(_set("history.0.invoices", []), id="event-about-the-client"),
    pytest.param(
        _set("clients.0.contacts.postal", "ul. Prosta 1, 00-001 Warszawa"), id="postal-address"
    ),
    pytest.param(_set("clients.0.locale", "de"), id="language-only-locale"),
    pytest.param(
        _all(_set("clients.0.country", "DE"), _set("clients.0.subdivision", "BY")),
        id="known-subdivision",
    ),
]


@pytest.mark.parametrize("change", ACCEPTED)
def test_valid_variations_are_accepted(change: Change) -> None:
    data = _data()
    change(data)
    assert isinstance(Case.model_validate(data), Case)


def test_a_case_reads_as_the_spec_describes() -> None:
    case = Case.model_validate(_data())
    invoice = case.invoices[0]
    assert invoice.total == Decimal("1200.00")
    assert invoice.payments[0].amount == Decimal("200.00")
    assert invoice.label == "FV/2026/02/01"
    assert case.invoices[1].label == "inv-2"
    assert invoice.issued == date(2026, 2, 16)
    assert case.now is not None
    assert case.now.utcoffset() is not None
    assert case.policy.name == "ladder"
    assert case.exchange_rates[0].from_ == "EUR"
    assert case.contracts[0].grace.count == 3
    assert case.contracts[1].late_fee.kind == "none"
    assert case.clients[1].locale == "en"
    assert case.clients[1].kind == "business"
    assert case.invoices[1].status == "open"


def test_defaults_give_an_empty_case_under_the_freelancer_policy() -> None:
    case = Case.model_validate({"version": 1})
    assert case.policy.name == "freelancer"
    assert (case.clients, case.invoices, case.history, case.now) == ((), (), (), None)


def test_a_case_is_frozen() -> None:
    case = Case.model_validate(_data())
    with pytest.raises(Exception, match="frozen"):
        case.clients[0].name = "Renamed"  # type: ignore[misc]


def test_a_case_round_trips_through_its_json() -> None:
    case = Case.model_validate(_data())
    again = Case.model_validate_json(case.model_dump_json())
    assert again == case
    dumped = case.model_dump(mode="json")
    assert dumped["exchange_rates"][0]["from"] == "EUR"
    assert dumped["invoices"][0]["total"] == "1200.00"
    assert dumped["policy"]["steps"][0]["from"] == "due"


@pytest.mark.parametrize(
    ("channel", "address"),
    [
        ("email", "a@example.com"),
        ("letter", "ul. Prosta 1"),
        ("registered_letter", "ul. Prosta 1"),
        ("system", None),
        ("sms", None),
    ],
)
def test_letters_go_to_the_postal_address(channel: str, address: str | None) -> None:
    contacts = Contacts(email="a@example.com", postal="ul. Prosta 1")
    assert contacts.address_for(channel) == address  # type: ignore[arg-type]


def test_two_instalment_plans_with_one_id_are_refused() -> None:
    plan = {
        "id": "p1",
        "client": "c1",
        "invoices": ["inv-1"],
        "agreed": "2026-03-03",
        "instalments": 2,
        "first": "2026-03-20",
    }
    with pytest.raises(InvalidCaseError) as refused:
        Case.model_validate(sample_case(instalment_plans=[plan, plan]))
    assert refused.value.field == "instalment_plans[1].id"
