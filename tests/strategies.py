"""Hypothesis strategies for paychase case files, and the small oracles the properties share.

Every strategy builds plain data in the case-file shape of SPEC §2 (dicts, amounts as strings,
dates and datetimes as ISO text), valid by construction, so ``paychase.plan`` never has a
reason to refuse what it is given: a property that sees a `PaychaseError` has found a bug.
Cases are built around a planning moment ``now`` (history never after it, invoices issued
from about seven months before it to a few days after), which keeps every ladder reachable:
a random date in a wide range would almost always be "long settled" or "not yet issued".

The oracles below (`performed_steps`, `broken_routes_of`, `settled_on`, ...) restate SPEC §5
in a few lines each, independently of the planner, for the properties in tests/property/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal
from functools import cache
from importlib.resources import files
from typing import Any, Final
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from hypothesis import strategies as st

import paychase
from paychase import Action, Case, Client, ContactEvent, Contract, Invoice, Policy, Step
from paychase.calendar import Duration
from paychase.calendar._protocols import HolidayCalendar
from paychase.calendar._working_days import default_calendar

__all__ = [
    "COMPENSATION_REGIMES",
    "COUNTRIES",
    "HISTORY_KIND",
    "Json",
    "Parties",
    "after_due",
    "amounts",
    "broken_routes_of",
    "calendar_of",
    "cases",
    "checked",
    "clients",
    "compensation_granted",
    "contested_of",
    "contracts",
    "currencies",
    "disputed_of",
    "due_of",
    "example_case",
    "example_client",
    "example_contract",
    "example_invoice",
    "exchange_rates",
    "fee_and_no_fee_case",
    "gap_end",
    "histories",
    "inline_policies",
    "interest_granted",
    "invoices",
    "ladder_walks",
    "ladders",
    "last_business_days",
    "local",
    "local_day_of",
    "mentions_date",
    "nows",
    "paid_on",
    "performed_steps",
    "policies",
    "policy_of",
    "regime_of",
    "route_of",
    "settled_on",
    "start_of",
    "suspension_event",
]

Json = dict[str, Any]

# Country → (IANA zone, locale). Chosen for what they stress: PL/DE/GR/RU/GB have their own
# holidays (Orthodox Easter in GR and RU, regional holidays with DE-BY), Europe/Moscow has no
# DST, America/New_York is behind UTC (local dates differ from UTC dates in the evening) and
# Asia/Tokyo is far ahead of it (local dates differ in the morning).
COUNTRIES: Final[dict[str, tuple[str, str]]] = {
    "PL": ("Europe/Warsaw", "pl_PL"),
    "GR": ("Europe/Athens", "el_GR"),
    "RU": ("Europe/Moscow", "ru_RU"),
    "DE": ("Europe/Berlin", "de_DE"),
    "GB": ("Europe/London", "en_GB"),
    "US": ("America/New_York", "en_US"),
    "JP": ("Asia/Tokyo", "ja_JP"),
}

# A step's action → the history kind that records it having been performed.
HISTORY_KIND: Final[dict[str, str]] = {
    "send_reminder": "reminder",
    "call": "call",
    "send_letter": "letter",
    "escalate": "escalate",
    "suspend_service": "suspend",
    "apply_fee": "fee",
    "pause_work": "pause_work",
    "write_off": "write_off",
    "cancel_service": "cancel_service",
}

_CONTACT_FIELDS: Final = ("email", "sms", "phone", "postal", "messenger", "linkedin", "fax")
_OUTCOMES: Final = ("delivered", "bounced", "failed", "answered", "no_answer", "voicemail", "read")
_GOT_THROUGH: Final = frozenset({None, "delivered", "answered", "read", "voicemail"})
# What repairs a broken route in the lenient oracle: any recorded success, or no outcome at all.
_WORKED: Final = frozenset({None, "delivered", "answered", "read", "voicemail"})
_BROKEN: Final = frozenset({"bounced", "failed"})


# -- money --------------------------------------------------------------------------------


def currencies() -> st.SearchStrategy[str]:
    """ISO 4217 codes with every minor unit in use: 0 (JPY), 2 (EUR, PLN, GBP, USD), 3 (KWD)."""
    return st.sampled_from(["EUR", "PLN", "GBP", "USD", "JPY", "KWD"])


@st.composite
def amounts(
    draw: st.DrawFn,
    *,
    currency: str,
    min_value: Decimal = Decimal(0),
    max_value: Decimal = Decimal(10_000_000),
) -> str:
    """An amount of `currency` as case-file text, exact to the currency's minor unit.

    Up to ten million units by default: more than any invoice a dunning tool chases, and far
    inside the 28 significant digits of Decimal's default context.
    """
    places = get_currency_precision(currency)
    unit = Decimal(1).scaleb(-places)
    low = int((min_value / unit).to_integral_value(rounding=ROUND_CEILING))
    high = int((max_value / unit).to_integral_value(rounding=ROUND_FLOOR))
    minor = draw(st.integers(min_value=low, max_value=high))
    return f"{Decimal(minor).scaleb(-places):.{places}f}"


# -- time ---------------------------------------------------------------------------------

# Planning moments from 2025 to mid-2027: every kind of DST change, Easter (Western and
# Orthodox), Christmas and New Year in each country, and years the holidays package knows.
_FIRST_NOW: Final = datetime(2025, 1, 1)  # noqa: DTZ001 - hypothesis bounds are naive
_LAST_NOW: Final = datetime(2027, 6, 30)  # noqa: DTZ001
# Zones `now` is given in: the planner must not care which one names the instant.
_NOW_ZONES: Final = [
    UTC,
    *(ZoneInfo(tz) for tz, _ in COUNTRIES.values()),
    timezone(timedelta(hours=5, minutes=30)),
]


def nows() -> st.SearchStrategy[datetime]:
    """Aware planning moments, in assorted zones (never a wall time a DST change skips)."""
    return st.datetimes(
        min_value=_FIRST_NOW,
        max_value=_LAST_NOW,
        timezones=st.sampled_from(_NOW_ZONES),
        allow_imaginary=False,
    )


def local(moment: datetime, client: Client) -> datetime:
    """`moment` in the client's zone."""
    return moment.astimezone(ZoneInfo(client.timezone))


def start_of(day: date, client: Client) -> datetime:
    """Local midnight of `day` for the client (resolved through UTC across a DST gap)."""
    tz = ZoneInfo(client.timezone)
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC).astimezone(tz)


def calendar_of(client: Client) -> HolidayCalendar:
    """The client's working-day calendar, as `plan` builds it by default."""
    return default_calendar(client.country, client.subdivision)


def gap_end(duration: Duration, moment: datetime, client: Client) -> datetime:
    """The first moment `duration` (min_gap, reply_pause) after `moment` allows: days and weeks
    count whole days, from the start of the day they end on; hours are exact."""
    if duration.keeps_time_of_day:
        return duration.shift(local(moment, client), calendar_of(client))
    return start_of(duration.shift_date(local(moment, client).date(), calendar_of(client)), client)


# -- policies -----------------------------------------------------------------------------


@cache
def _builtin_json(name: str) -> str:
    return files("paychase.policy").joinpath("builtin").joinpath(f"{name}.json").read_text("utf-8")


def _builtin_dict(name: str) -> Json:
    data: Json = json.loads(_builtin_json(name))
    return data


# Quiet hours and the contact hours that stay outside them (a policy whose send_at is inside
# its quiet hours is refused, rightly): overnight, a late evening only, a lunch break, none.
_HOURS: Final[tuple[tuple[tuple[str, str] | None, tuple[str, ...]], ...]] = (
    # 02:30 does not exist on the night clocks go forward in Europe (and 01:30 happens twice
    # in New York when they go back): the planner must still land on a real moment.
    (None, ("02:30", "01:30", "07:00", "10:00", "12:00", "23:30")),
    (("20:00", "08:00"), ("08:00", "09:00", "10:00", "12:00", "17:30", "19:59")),
    (("22:00", "07:00"), ("07:00", "09:30", "21:00")),
    (("12:00", "13:00"), ("09:00", "11:30", "13:00", "16:00")),
)


@st.composite
def inline_policies(draw: st.DrawFn, *, bases: Sequence[str] = paychase.BUILTIN_POLICIES) -> Json:
    """A built-in ladder with other limits: gaps, hours, quiet hours, pauses, attempts, catch-up.

    The ranges cover the units a policy may use (``0d`` turns the gap off, ``36h`` crosses a
    night, ``2bd`` crosses weekends and holidays) and both kinds of quiet hours.
    """
    policy = _builtin_dict(draw(st.sampled_from(list(bases))))
    quiet, hours = draw(st.sampled_from(_HOURS))
    policy["name"] = f"{policy['name']}-variant"
    policy["quiet_hours"] = list(quiet) if quiet else None
    policy["send_at"] = draw(st.sampled_from(hours))
    policy["call_at"] = draw(st.sampled_from(hours))
    policy["min_gap"] = draw(st.sampled_from(["0d", "1d", "3d", "7d", "2bd", "36h"]))
    policy["reply_pause"] = draw(st.sampled_from(["0d", "2bd", "5bd", "3d", "12h"]))
    policy["business_days_only"] = draw(st.booleans())
    policy["max_attempts_per_step"] = draw(st.integers(min_value=1, max_value=3))
    policy["catch_up"] = draw(st.sampled_from(CATCH_UPS))
    return policy


_CONTACT_ACTIONS: Final = ("send_reminder", "call", "send_letter")
CATCH_UPS: Final = ("sequential", "latest", "latest_before_contact")
_CHANNELS: Final = (
    "email",
    "sms",
    "phone",
    "messenger",
    "linkedin",
    "fax",
    "letter",
    "registered_letter",
)


# Hours in a unit's nominal length: a business day is at least a day, a weekday suffix moves
# a day by at most six either way, so nominal order never contradicts the order in time.
_UNIT_HOURS: Final = {"d": 24, "bd": 24, "w": 7 * 24, "h": 1}
# The largest count drawn per unit: offsets of up to about five weeks.
_UNIT_LIMITS: Final = {"d": 35, "bd": 25, "w": 5, "h": 72}


@st.composite
def _offsets(draw: st.DrawFn, *, backwards: bool, floor: int | None) -> tuple[str, int]:
    """An offset of up to about five weeks (or just past `floor`), and its nominal hours.

    Backwards only where the anchor allows it (issued, due); never nominally earlier than
    `floor` hours, the offset of the last step counted from the same date.
    """
    unit = draw(st.sampled_from(["d", "d", "bd", "w", "h"]))
    limit, hours = _UNIT_LIMITS[unit], _UNIT_HOURS[unit]
    lowest = -limit if backwards else 0
    if floor is not None:
        lowest = max(lowest, -(-floor // hours))  # the smallest count reaching the floor
    count = draw(st.integers(lowest, max(lowest, limit)))
    weekday = ""
    if unit in ("d", "w") and count >= 0:
        weekday = draw(st.sampled_from(["", "", "@TU", "@FR"]))
    return f"{count:+d}{unit}{weekday}", count * hours


@st.composite
def ladders(draw: st.DrawFn, *, max_steps: int = 7) -> Json:
    """An inline payment policy with a ladder of its own, valid by construction.

    2-`max_steps` steps counted from any anchor (never the first from previous or a deadline),
    with offsets in days, business days, weeks (with a weekday) or hours, up to about five
    weeks either way from issued and due and forward from the rest. Steps counted from the
    same date come in nominal order, so none is certainly earlier than one before it and no
    pre-due step follows a post-due one. Contacts on any channels, some stating a deadline;
    fees and work pauses anywhere; suspensions, escalations and the legal tone once a contact
    has stated a deadline, and then maybe a write-off to end it; conditions on replies,
    promises, fee clauses, client kind and balance; some steps required, and any way of
    catching up.
    """
    quiet, hours = draw(st.sampled_from(_HOURS))
    count = draw(st.integers(min_value=2, max_value=max_steps))
    steps: list[Json] = []
    floors: dict[str, int] = {}  # nominal hours of the last step counted from issued / due
    deadline_stated = False  # by a contact step: a final notice
    for index in range(count):
        anchors = ["issued", "due", "last_contact"] + (
            ["previous"] * 2 + (["deadline"] if deadline_stated else []) if index else []
        )
        anchor = draw(st.sampled_from(anchors))
        actions = [*_CONTACT_ACTIONS, *_CONTACT_ACTIONS, "apply_fee", "pause_work"]
        tones = ["friendly", "neutral", "firm", "final"]
        if deadline_stated:
            actions += ["escalate", "suspend_service"]
            tones += ["legal"]
        action = draw(st.sampled_from(actions))
        absolute = anchor in ("issued", "due")
        offset, nominal = draw(_offsets(backwards=absolute, floor=floors.get(anchor)))
        if absolute:
            floors[anchor] = nominal
        step: Json = {
            "id": f"s{index}",
            "from": anchor,
            "offset": offset,
            "action": action,
            "tone": draw(st.sampled_from(tones)),
        }
        if action in _CONTACT_ACTIONS:
            step["channels"] = draw(st.lists(st.sampled_from(_CHANNELS), unique=True, max_size=3))
            if draw(st.booleans()):
                step["deadline"] = draw(st.sampled_from(["0d", "3d", "5bd", "14d"]))
                deadline_stated = True
        step["requires"] = draw(
            st.lists(
                st.sampled_from(
                    [
                        "no_reply",
                        "no_promise",
                        "late_fee_allowed",
                        "business_client",
                        "balance_over:50",
                    ]
                ),
                unique=True,
                max_size=2,
            )
        )
        step["effects"] = draw(
            st.lists(
                st.sampled_from(
                    ["apply_late_fee", "add_compensation", "pause_work", "resend_invoice"]
                ),
                unique=True,
                max_size=2,
            )
        )
        step["required"] = draw(st.sampled_from([False, False, True]))
        steps.append(step)
    if deadline_stated and draw(st.booleans()):
        steps.append(_write_off(draw))
    return {
        "name": "random-ladder",
        "catch_up": draw(st.sampled_from(CATCH_UPS)),
        "min_gap": draw(st.sampled_from(["0d", "1d", "3d", "2bd", "36h"])),
        "send_at": draw(st.sampled_from(hours)),
        "call_at": draw(st.sampled_from(hours)),
        "quiet_hours": list(quiet) if quiet else None,
        "business_days_only": draw(st.booleans()),
        "reply_pause": draw(st.sampled_from(["0d", "2bd", "5bd", "12h"])),
        "max_attempts_per_step": draw(st.integers(min_value=1, max_value=3)),
        "steps": steps,
    }


def _write_off(draw: st.DrawFn) -> Json:
    """The end of a ladder that stated a final deadline: the invoice written off (issue 16)."""
    anchor = draw(st.sampled_from(["deadline", "previous"]))
    return {
        "id": "write_off",
        "from": anchor,
        "offset": draw(st.sampled_from(["+1d", "+7d", "+30d", "+5bd"])),
        "action": "write_off",
    }


def policies() -> st.SearchStrategy[str | Json]:
    """A built-in policy by name, an inline variant of one, or a ladder of its own."""
    return st.one_of(st.sampled_from(paychase.BUILTIN_POLICIES), inline_policies(), ladders())


def policy_of(policy: str | Json) -> Policy:
    """The `Policy` a case's ``policy`` field stands for."""
    if isinstance(policy, str):
        return paychase.builtin_policy(policy)
    return Policy.model_validate(policy)


# -- parties and contracts ----------------------------------------------------------------


def _address(client_id: str, field: str, *, old: bool = False) -> str:
    stem = f"{client_id}-old" if old else client_id
    return f"{stem}@mail.example" if field == "email" else f"{field}:{stem}"


@st.composite
def clients(
    draw: st.DrawFn, *, client_id: str = "c1", countries: Sequence[str] = tuple(COUNTRIES)
) -> Json:
    """A client in one of `countries`, with that country's zone and some ways to reach them.

    E-mail is usual but not certain, and a client with no contact at all is possible: the
    planner must then ask for a review instead of choosing a channel that does not exist.
    """
    country = draw(st.sampled_from(list(countries)))
    tz, locale = COUNTRIES[country]
    has_email = draw(st.sampled_from([True] * 6 + [False]))
    others = draw(st.sets(st.sampled_from([f for f in _CONTACT_FIELDS if f != "email"])))
    fields = ({"email"} if has_email else set()) | others
    contacts = {field: _address(client_id, field) for field in sorted(fields)}
    routes = sorted({"letter" if f == "postal" else f for f in fields})
    client: Json = {
        "id": client_id,
        "name": f"Client {client_id}",
        "kind": draw(st.sampled_from(["business", "consumer"])),
        "country": country,
        "locale": locale,
        "timezone": tz,
        "contacts": contacts,
    }
    if country == "DE" and draw(st.booleans()):
        client["subdivision"] = "BY"  # Bavaria: Epiphany, Corpus Christi, All Saints' Day
    preferred = draw((st.none() | st.sampled_from(routes)) if routes else st.none())
    if preferred is not None:
        client["preferred_channel"] = preferred
    return client


_LATE_FEES: Final[tuple[Json, ...]] = (
    {"kind": "none"},
    {"kind": "statutory"},
    {"kind": "percent", "rate": "5"},
    {"kind": "percent_per_month", "rate": "1.5"},
    {"kind": "daily_rate", "rate": "0.05"},
)


# Where the contract's law may differ from the client's country (a Polish seller's contract
# with a German client): every regime family of SPEC §2, an EU member without its own table
# (FR → the Directive's minimum) and a country with no statutory regime at all (US).
_JURISDICTIONS: Final = ("PL", "DE", "GR", "GB", "RU", "FR", "US")
# Regimes a contract may name outright: business-only ones (a consumer then gets no interest),
# civil ones, a US one the jurisdiction would never pick, and a host's own that the shipped rate
# table does not know (no interest, never a guess).
_NAMED_REGIMES: Final = (
    "EU",
    "PL_B2B",
    "PL_CIVIL",
    "GR_B2B",
    "GR_CIVIL",
    "DE_B2B",
    "DE_CONSUMER",
    "UK",
    "RU",
    "US_NY_PREJUDGMENT",
    "HOST_OWN",
)
# Payment orders of rule 11: the default (costs, interest, principal), principal first, and one
# that puts interest before costs.
_ALLOCATIONS: Final = (
    ("costs", "interest", "principal"),
    ("principal", "costs", "interest"),
    ("interest", "principal", "costs"),
)


@st.composite
def _fee_limits(draw: st.DrawFn, kind: str, currency: str) -> Json:
    """Caps (an amount, a share of the principal, or both), compounding and per-step flat fees.

    Caps run from nothing at all (no fee can be charged) to more than most fees ever reach.
    """
    limits: Json = {}
    if draw(st.booleans()):
        limits["cap"] = draw(amounts(currency=currency, max_value=Decimal(500)))
    if not limits or draw(st.booleans()):
        limits["cap_rate"] = draw(st.sampled_from(["0", "1", "10", "25", "100"]))
    if kind == "percent_per_month":
        limits["compound"] = draw(st.booleans())
    if kind == "flat":
        limits["per"] = draw(st.sampled_from(["invoice", "step"]))
    return limits


@st.composite
def _legal_terms(draw: st.DrawFn) -> Json:
    """A jurisdiction other than the client's country, a named regime, a payment order."""
    terms: Json = {}
    if draw(st.booleans()):
        terms["jurisdiction"] = draw(st.sampled_from(_JURISDICTIONS))
    if draw(st.booleans()):
        terms["interest_regime"] = draw(st.sampled_from(_NAMED_REGIMES))
    if draw(st.booleans()):
        terms["allocation"] = list(draw(st.sampled_from(_ALLOCATIONS)))
    return terms


@st.composite
def contracts(
    draw: st.DrawFn,
    *,
    contract_id: str = "k1",
    client_id: str = "c1",
    currency: str | None = None,
    suspension: bool | None = None,
) -> Json:
    """A contract with terms from practice: 0-30 day terms, 0-7 day grace, any fee clause.

    A third of the fee clauses carry caps (and compounding or per-step flat fees); a third of
    the contracts name their law: a jurisdiction, a statutory regime, a payment order.
    `suspension` forces (True) or forbids (False) a suspension clause; None lets it vary.
    """
    code = currency or draw(currencies())
    contract: Json = {"id": contract_id, "client": client_id, "currency": code}
    terms = draw(st.sampled_from([None, "0d", "7d", "14d", "30d", "10bd"]))
    if terms is not None:
        contract["payment_terms"] = terms
    contract["grace"] = draw(st.sampled_from(["0d", "0d", "3d", "7d", "2bd"]))
    fee = dict(draw(st.sampled_from([*_LATE_FEES, {"kind": "flat"}])))
    if fee["kind"] == "flat":
        fee["amount"] = draw(amounts(currency=code, max_value=Decimal(100)))
    if fee["kind"] not in ("none", "statutory") and draw(st.sampled_from([False, False, True])):
        fee |= draw(_fee_limits(fee["kind"], code))
    contract["late_fee"] = fee
    contract["fixed_compensation"] = draw(st.booleans())
    if draw(st.sampled_from([False, False, True])):
        contract |= draw(_legal_terms())
    wants_suspension = draw(st.booleans()) if suspension is None else suspension
    if wants_suspension:
        contract["suspension"] = {
            "after": draw(st.sampled_from(["0d", "7d", "21d", "30d", "10bd"])),
            "warnings": draw(st.integers(min_value=1, max_value=3)),
        }
    return contract


# -- invoices -----------------------------------------------------------------------------


@st.composite
def invoices(
    draw: st.DrawFn,
    *,
    invoice_id: str = "i1",
    contract: Json,
    today: date,
    paid: str | None = None,
) -> Json:
    """An invoice under `contract`, issued from ~7 months before `today` to a week after it.

    Seven months lets the longest built-in ladder (freelancer: due + 90 days, a final notice
    and its 14-day deadline) run to its end; a week ahead gives drafts not yet issued. Terms
    are 0-45 days or the contract's own. Payments (0-3) are dated on or after the issue date,
    some after `today` (they must not count yet); `paid` ("full", "partial", "none") fixes how
    much of the total the payments dated up to `today` cover.
    """
    currency = contract["currency"]
    issued = today + timedelta(days=draw(st.integers(min_value=-220, max_value=7)))
    invoice: Json = {
        "id": invoice_id,
        "number": f"INV/{invoice_id}",
        "contract": contract["id"],
        "issued": issued.isoformat(),
        "currency": currency,
    }
    if "payment_terms" not in contract or draw(st.booleans()):
        invoice["due"] = (issued + timedelta(days=draw(st.integers(0, 45)))).isoformat()
    total_text = draw(amounts(currency=currency, max_value=Decimal(50_000)))
    invoice["total"] = total_text
    total = Decimal(total_text)
    mode = paid or draw(st.sampled_from(["none", "none", "partial", "full", "later"]))
    payments: list[Json] = []
    last_day = max(issued, today)
    if mode in ("partial", "full") and total > 0 and issued <= today:
        shares = draw(st.integers(min_value=1, max_value=3))
        unit = Decimal(1).scaleb(-get_currency_precision(currency))
        cut = total
        if mode == "partial":
            part = amounts(currency=currency, min_value=unit, max_value=max(total - unit, unit))
            cut = min(Decimal(draw(part)), total)
        pieces = _split(cut, shares, unit)
        span = (today - issued).days
        for piece in pieces:
            day = issued + timedelta(days=draw(st.integers(0, span)))
            payments.append({"date": day.isoformat(), "amount": str(piece), "ref": "bank"})
    if mode == "later" and total > 0:  # paid in full, but after the planning date
        day = last_day + timedelta(days=draw(st.integers(1, 30)))
        payments.append({"date": day.isoformat(), "amount": total_text})
    if payments:
        invoice["payments"] = sorted(payments, key=lambda p: p["date"])
    invoice["status"] = draw(
        st.sampled_from(["open"] * 12 + ["disputed", "written_off", "cancelled"])
    )
    return invoice


def _split(amount: Decimal, parts: int, unit: Decimal) -> list[Decimal]:
    """`amount` in `parts` positive pieces (fewer when it is too small to split)."""
    count = max(1, min(parts, int(amount / unit)))
    piece = (amount / count).quantize(unit, rounding=ROUND_DOWN)
    pieces = [piece] * (count - 1) + [amount - piece * (count - 1)]
    return [p for p in pieces if p > 0]


# -- history ------------------------------------------------------------------------------


def _channels_of(client: Json) -> list[str]:
    routes: list[str] = []
    for field in client["contacts"]:
        routes += ["letter", "registered_letter"] if field == "postal" else [field]
    return routes


@st.composite
def ladder_walks(
    draw: st.DrawFn,
    *,
    policy: Policy,
    client: Json,
    invoice_ids: Sequence[str],
    since: datetime,
    until: datetime,
    depth: int | None = None,
    outcomes: st.SearchStrategy[str | None] | None = None,
) -> list[Json]:
    """The history of working up the ladder: one outbound event per step, in order, in time.

    `depth` steps are walked (random if None), each some hours to weeks after the previous,
    between `since` and `until`; stops early when time runs out. Outcomes are mostly
    ``delivered`` so the walk usually gets somewhere; each event may state a deadline.
    """
    outcome_of = (
        outcomes
        if outcomes is not None
        else st.sampled_from(
            ["delivered"] * 6
            + [None, "answered", "read", "voicemail", "bounced", "failed", "no_answer"]
        )
    )
    steps = policy.steps
    count = depth if depth is not None else draw(st.integers(0, len(steps)))
    events: list[Json] = []
    moment = since
    span = max((until - since).total_seconds(), 0.0)
    for step in steps[:count]:
        # Gaps of an hour to four weeks: both inside and outside every min_gap and pause.
        gap = draw(st.integers(min_value=3600, max_value=28 * 86400))
        gap = min(gap, max(int(span / max(count, 1)), 60))
        moment = moment + timedelta(seconds=gap)
        if moment > until:
            break
        events.append(
            draw(
                _step_events(
                    step=step,
                    client=client,
                    invoice_ids=invoice_ids,
                    moment=moment,
                    outcome_of=outcome_of,
                )
            )
        )
    return events


@st.composite
def _step_events(
    draw: st.DrawFn,
    *,
    step: Step,
    client: Json,
    invoice_ids: Sequence[str],
    moment: datetime,
    outcome_of: st.SearchStrategy[str | None],
) -> Json:
    tz = ZoneInfo(client["timezone"])
    routes = _channels_of(client)
    if step.is_contact:
        choices = [c for c in step.channels if c in routes] or routes or ["email"]
        channel = draw(st.sampled_from(choices))
        outcome = draw(outcome_of)
    else:
        channel, outcome = "system", None
    event: Json = {
        "at": moment.astimezone(tz).isoformat(),
        "client": client["id"],
        "invoices": list(invoice_ids),
        "direction": "out",
        "kind": HISTORY_KIND[step.action],
        "step": step.id,
        "channel": channel,
        "key": f"walk/{step.id}",
    }
    if outcome is not None:
        event["outcome"] = outcome
    if step.deadline is not None and draw(st.booleans()):
        local_day = moment.astimezone(tz).date()
        event["deadline"] = (local_day + timedelta(days=draw(st.integers(0, 21)))).isoformat()
    return event


@st.composite
def _noise_event(
    draw: st.DrawFn,
    *,
    policy: Policy,
    client: Json,
    invoice_ids: Sequence[str],
    moment: datetime,
) -> Json:
    """One event of any kind: a client writing back, promising, disputing, or us doing
    something outside the walk (a stray step, a bounce, a suspension, a restore)."""
    tz = ZoneInfo(client["timezone"])
    about = draw(st.lists(st.sampled_from(list(invoice_ids)), unique=True)) if invoice_ids else []
    kind = draw(
        st.sampled_from(
            [
                "reply",
                "reply",
                "promise",
                "dispute",
                "payment_notice",
                "call_in",
                "step",
                "step",
                "bounce",
                "suspend",
                "restore",
            ]
        )
    )
    event: Json = {
        "at": moment.astimezone(tz).isoformat(),
        "client": client["id"],
        "invoices": about,
    }
    local_day = moment.astimezone(tz).date()
    if kind in ("reply", "payment_notice"):
        event |= {"direction": "in", "kind": kind, "channel": "email"}
    elif kind == "call_in":
        event |= {"direction": "in", "kind": "call", "channel": "phone", "outcome": "answered"}
    elif kind == "promise":
        # Promised from a few days back (already broken) to a month ahead.
        day = local_day + timedelta(days=draw(st.integers(-5, 30)))
        event |= {"direction": "in", "kind": "promise", "promise": {"date": day.isoformat()}}
        if draw(st.booleans()):
            event["promise"]["amount"] = str(draw(st.integers(1, 1000)))
    elif kind == "dispute":
        event |= {"direction": "in", "kind": "dispute", "dispute": {"reason": "not delivered"}}
        if draw(st.booleans()):
            event["dispute"]["amount"] = str(draw(st.integers(1, 1000)))
    elif kind in ("suspend", "restore"):
        event |= {"direction": "out", "kind": kind, "channel": "system"}
    else:
        step = draw(st.sampled_from(policy.steps))
        outcomes = [*_OUTCOMES, None] if kind == "step" else ["bounced", "failed"]
        event = draw(
            _step_events(
                step=step,
                client=client,
                invoice_ids=invoice_ids,
                moment=moment,
                outcome_of=st.sampled_from(outcomes),
            )
        )
        event["invoices"] = about
        if draw(st.booleans()) and event["channel"] != "system":
            # The address used: the current one, or an old one (which a bounce does not break).
            field = (
                "postal"
                if event["channel"] in ("letter", "registered_letter")
                else (event["channel"])
            )
            event["to"] = _address(client["id"], field, old=draw(st.booleans()))
    return event


@st.composite
def histories(
    draw: st.DrawFn,
    *,
    policy: Policy,
    clients: Sequence[Json],
    invoices: Sequence[Json],
    contracts: Sequence[Json],
    now: datetime,
    max_events: int = 12,
) -> list[Json]:
    """A valid contact history, oldest first, nothing after `now`.

    Mostly ladder walks (a client's invoices worked up the policy's steps in order, from
    their issue date), plus noise: replies, promises, disputes, stray or repeated steps,
    bounces to current or old addresses, suspensions and restorations.
    """
    owner = {c["id"]: c["client"] for c in contracts}
    by_client: dict[str, list[Json]] = {c["id"]: [] for c in clients}
    for invoice in invoices:
        by_client[owner[invoice["contract"]]].append(invoice)
    events: list[Json] = []
    for client in clients:
        mine = by_client[client["id"]]
        if not mine or len(events) >= max_events:
            continue
        walked = draw(st.lists(st.sampled_from(mine), unique_by=lambda i: i["id"], min_size=1))
        first = min(date.fromisoformat(i["issued"]) for i in walked)
        since = datetime.combine(first, time(9), tzinfo=ZoneInfo(client["timezone"]))
        if since < now:
            events += draw(
                ladder_walks(
                    policy=policy,
                    client=client,
                    invoice_ids=sorted(i["id"] for i in walked),
                    since=since,
                    until=now,
                )
            )
    noise = draw(st.integers(0, max(max_events - len(events), 0)))
    window = 120 * 86400  # noise over the last four months: the span a chase is active
    for _ in range(noise):
        client = draw(st.sampled_from(list(clients)))
        back = draw(st.integers(min_value=0, max_value=window))
        ids = sorted(i["id"] for i in by_client[client["id"]])
        events.append(
            draw(
                _noise_event(
                    policy=policy,
                    client=client,
                    invoice_ids=ids,
                    moment=now - timedelta(seconds=back),
                )
            )
        )
    events = events[:max_events] if len(events) > max_events else events
    return sorted(events, key=lambda e: datetime.fromisoformat(e["at"]))


# -- whole cases --------------------------------------------------------------------------


@st.composite
def cases(
    draw: st.DrawFn,
    *,
    policies: st.SearchStrategy[str | Json] = policies(),  # noqa: B008 - strategies are values
    now: st.SearchStrategy[datetime] = nows(),  # noqa: B008
    max_clients: int = 3,
    max_invoices: int = 6,
    max_events: int = 12,
    suspension: bool | None = None,
) -> tuple[Json, datetime]:
    """A whole case file and the moment to plan it at.

    1-3 clients in different countries, each with 1-2 contracts (currencies may differ within
    a client), up to `max_invoices` invoices and `max_events` history events: small enough to
    plan in milliseconds, large enough for combining, min_gap and channel fallback to matter.
    A third of the cases carry exchange rates (`exchange_rates`) for fixed compensation.
    """
    moment = draw(now)
    policy = draw(policies)
    ladder = policy_of(policy)
    client_count = draw(st.integers(min_value=1, max_value=max_clients))
    client_list = [draw(clients(client_id=f"c{n}")) for n in range(1, client_count + 1)]
    contract_list: list[Json] = []
    for client in client_list:
        for n in range(draw(st.integers(min_value=1, max_value=2))):
            contract_list.append(
                draw(
                    contracts(
                        contract_id=f"{client['id']}-k{n}",
                        client_id=client["id"],
                        suspension=suspension,
                    )
                )
            )
    invoice_count = draw(st.integers(min_value=1, max_value=max_invoices))
    invoice_list: list[Json] = []
    for n in range(1, invoice_count + 1):
        contract = draw(st.sampled_from(contract_list))
        client = next(c for c in client_list if c["id"] == contract["client"])
        today = local_day_of(moment, client["timezone"])
        invoice_list.append(draw(invoices(invoice_id=f"i{n}", contract=contract, today=today)))
    history = draw(
        histories(
            policy=ladder,
            clients=client_list,
            invoices=invoice_list,
            contracts=contract_list,
            now=moment,
            max_events=max_events,
        )
    )
    case: Json = {
        "version": 1,
        "policy": policy,
        "clients": client_list,
        "contracts": contract_list,
        "invoices": invoice_list,
        "history": history,
    }
    if draw(st.sampled_from([False, False, True])):
        first = min(date.fromisoformat(i["issued"]) for i in invoice_list)
        case["exchange_rates"] = draw(
            exchange_rates(first=first - timedelta(days=31), last=moment.date())
        )
    if draw(st.booleans()):
        # A stale `now` in the file: the `now` argument must win over it.
        case["now"] = (moment - timedelta(days=draw(st.integers(-30, 30)))).isoformat()
    return case, moment


# Quotes a host may give: the euro (fixed compensation in the EU and Poland) and the pound
# (the UK's tiers) into every other currency, and the others into the złoty (the Polish tiers
# are in PLN, so a USD debt under Polish law needs USD/PLN too).
_RATE_PAIRS: Final = (
    ("EUR", "PLN"),
    ("EUR", "GBP"),
    ("EUR", "USD"),
    ("EUR", "JPY"),
    ("EUR", "KWD"),
    ("GBP", "PLN"),
    ("GBP", "USD"),
    ("GBP", "JPY"),
    ("GBP", "KWD"),
    ("USD", "PLN"),
    ("JPY", "PLN"),
    ("KWD", "PLN"),
)


def last_business_days(first: date, last: date, country: str = "PL") -> list[date]:
    """The last business day of each month from `first`'s month to `last`'s, in `country`.

    The Polish one is the date of the NBP rate the act of 8 March 2013 (art. 10) converts the
    fixed compensation at: the last business day of the month before the due month.
    """
    calendar = default_calendar(country)
    days: list[date] = []
    month = first.replace(day=1)
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        day = following - timedelta(days=1)
        while not calendar.is_business_day(day):
            day -= timedelta(days=1)
        days.append(day)
        month = following
    return days


@st.composite
def exchange_rates(draw: st.DrawFn, *, first: date, last: date) -> list[Json]:
    """Case-level exchange rates, quoted on the last Polish business day of each month from
    `first` to `last` (the dates NBP Table A rates are asked for), for 1-4 currency pairs.

    Some months are left out, so a rate the law asks for is sometimes missing. Rates run from
    0.0001 to 200 with four decimals: the conversions must not care how plausible they are.
    """
    pairs = draw(st.lists(st.sampled_from(_RATE_PAIRS), unique=True, min_size=1, max_size=4))
    days = last_business_days(first, last)
    gaps = draw(st.sets(st.sampled_from(days), max_size=2))
    quotes: list[Json] = []
    for source, target in pairs:
        rate = Decimal(draw(st.integers(min_value=1, max_value=2_000_000))).scaleb(-4)
        quotes += [
            {"date": day.isoformat(), "from": source, "to": target, "rate": f"{rate:.4f}"}
            for day in days
            if day not in gaps
        ]
    return quotes


def local_day_of(moment: datetime, tz: str) -> date:
    """The local date of `moment` in the zone `tz`."""
    return moment.astimezone(ZoneInfo(tz)).date()


# -- hand-built examples ------------------------------------------------------------------
#
# The explicit `@example` cases of the properties share one skeleton: client c1 in Warsaw,
# plain PLN contracts, and invoices of 100.00 PLN issued on 1 February 2026.


def example_client(**fields: Any) -> Json:
    """Client c1 ("C") in Warsaw, PL, reached at c1@mail.example; `fields` add or replace."""
    client: Json = {
        "id": "c1",
        "name": "C",
        "country": "PL",
        "timezone": "Europe/Warsaw",
        "contacts": {"email": "c1@mail.example"},
    }
    return client | fields


def example_contract(contract_id: str = "k1", **fields: Any) -> Json:
    """A PLN contract of client c1; `fields` add its clauses."""
    return {"id": contract_id, "client": "c1", "currency": "PLN", **fields}


def example_invoice(
    invoice_id: str = "i1",
    *,
    contract: str = "k1",
    issued: str = "2026-02-01",
    due: str = "2026-02-15",
    **fields: Any,
) -> Json:
    """An invoice of 100.00 PLN under `contract`; `fields` add or replace the rest."""
    return {
        "id": invoice_id,
        "contract": contract,
        "issued": issued,
        "due": due,
        "total": "100.00",
        "currency": "PLN",
        **fields,
    }


def example_case(
    *,
    invoices: Sequence[Json],
    contracts: Sequence[Json] = (),
    history: Sequence[Json] = (),
    policy: str | Json = "freelancer",
    client: Json | None = None,
) -> Json:
    """A case file of one client (`example_client()` unless given), its `contracts` (the one
    plain contract k1 unless given), `invoices` and `history`, under `policy`."""
    return {
        "version": 1,
        "policy": policy,
        "clients": [example_client() if client is None else client],
        "contracts": list(contracts) or [example_contract()],
        "invoices": list(invoices),
        "history": list(history),
    }


def suspension_event(at: str) -> Json:
    """The record of the system suspending c1's service over invoice i1 at `at`."""
    return {
        "at": at,
        "client": "c1",
        "invoices": ["i1"],
        "direction": "out",
        "kind": "suspend",
        "channel": "system",
    }


def fee_and_no_fee_case(*, fixed_compensation: bool = False) -> tuple[Json, datetime]:
    """Invoices i1 (contract k1: statutory fee, and fixed compensation if asked) and i2 (k2: no
    fee) of one business client both reach the freelancer ladder's 'with_fee' step at the same
    moment, the moment returned with the case."""
    sent: Json = {
        "client": "c1",
        "invoices": ["i1", "i2"],
        "direction": "out",
        "kind": "reminder",
        "channel": "email",
        "outcome": "delivered",
    }
    fee: Json = {"late_fee": {"kind": "statutory"}}
    if fixed_compensation:
        fee["fixed_compensation"] = True
    case = example_case(
        client=example_client(kind="business"),
        contracts=[
            example_contract("k1", **fee),
            example_contract("k2", late_fee={"kind": "none"}),
        ],
        invoices=[
            example_invoice("i1", due="2026-02-10"),
            example_invoice("i2", contract="k2", due="2026-02-10"),
        ],
        history=[
            {**sent, "at": "2026-02-11T10:00:00+01:00", "step": "polite"},
            {**sent, "at": "2026-02-18T10:00:00+01:00", "step": "firm"},
            {**sent, "at": "2026-02-24T12:00:00+01:00", "step": "check_call"},
        ],
    )
    return case, datetime.fromisoformat("2026-03-04T09:00:00+01:00")


# -- oracles ------------------------------------------------------------------------------


def checked(case: Json) -> Case:
    """The validated `Case` of a case dict."""
    return Case.model_validate(case)


@dataclass(frozen=True)
class Parties:
    """Lookups over a validated case."""

    case: Case

    def client(self, client_id: str) -> Client:
        """The client with this id."""
        return next(c for c in self.case.clients if c.id == client_id)

    def contract(self, contract_id: str) -> Contract:
        """The contract with this id."""
        return next(c for c in self.case.contracts if c.id == contract_id)

    def invoice(self, invoice_id: str) -> Invoice:
        """The invoice with this id."""
        return next(i for i in self.case.invoices if i.id == invoice_id)

    def client_of(self, invoice: Invoice) -> Client:
        """The client an invoice is billed to."""
        return self.client(self.contract(invoice.contract).client)

    def events_of(self, client_id: str, now: datetime) -> list[ContactEvent]:
        """The client's history up to `now`, oldest first."""
        mine = [e for e in self.case.history if e.client == client_id and e.at <= now]
        return sorted(mine, key=lambda e: e.at)


def sanction_runs(
    case: Case, client_id: str, events: Iterable[ContactEvent], *, stop: str, start: str
) -> dict[str, list[ContactEvent]]:
    """Each of the client's contracts' `stop` events (suspend, pause_work) since its last `start`
    (restore, resume_work): the sanction in force on it, one per contract (rule 10).

    An event concerns the contracts of the invoices it names; naming none, those its key starts
    with, else every contract of the client. One that bounced or failed did not happen.
    """
    contracts = [c.id for c in case.contracts if c.client == client_id]
    contract_of = {i.id: i.contract for i in case.invoices if i.contract in contracts}
    runs: dict[str, list[ContactEvent]] = {}
    for event in events:
        if event.kind not in (stop, start) or event.outcome in ("bounced", "failed"):
            continue
        keyed = [c for c in (event.key or "").split("/")[0].split("+") if c in contracts]
        concerned = (
            {contract_of[i] for i in event.invoices if i in contract_of}
            if event.invoices
            else set(keyed or contracts)
        )
        for contract in concerned:
            if event.kind == stop:
                runs.setdefault(contract, []).append(event)
            else:
                runs.pop(contract, None)
    return runs


def due_of(invoice: Invoice, contract: Contract, client: Client) -> date:
    """The invoice's due date: its own, else issued + the contract's terms."""
    if invoice.due is not None:
        return invoice.due
    assert contract.payment_terms is not None
    return contract.payment_terms.shift_date(invoice.issued, calendar_of(client))


def paid_on(invoice: Invoice, day: date) -> Decimal:
    """What the payments dated up to `day` add up to."""
    return sum((p.amount for p in invoice.payments if p.date <= day), Decimal(0))


def settled_on(invoice: Invoice, day: date) -> bool:
    """Cancelled, written off, or paid in full by payments dated up to `day` (SPEC rule 2)."""
    if invoice.status in ("cancelled", "written_off"):
        return True
    return paid_on(invoice, day) >= invoice.total


def performed_steps(
    policy: Policy, events: Iterable[ContactEvent], invoice_id: str, client: Client
) -> list[tuple[int, ContactEvent, date | None]]:
    """Ladder steps performed for an invoice: (index, event, stated deadline), oldest first.

    A step counts as performed when an outbound event recorded it and got through; its
    deadline is the one the event recorded, else the step's own counted from its local date.
    """
    done: list[tuple[int, ContactEvent, date | None]] = []
    for event in events:
        own = event.step_for(invoice_id)  # a message may take each invoice to its own step
        if event.direction != "out" or own is None or invoice_id not in event.invoices:
            continue
        index = policy.step_index(own)
        if index is None or event.outcome not in _GOT_THROUGH:
            continue
        step = policy.steps[index]
        if event.kind == "fee" and step.action != "apply_fee":
            continue  # booking a message step's fee does not perform the step
        deadline = event.deadline
        if deadline is None and step.deadline is not None:
            deadline = step.deadline.shift_date(local(event.at, client).date(), calendar_of(client))
        done.append((index, event, deadline))
    return done


# SPEC §2: the statutory regime a jurisdiction gives a (business, consumer) debt; None where
# the law gives consumers none (GB: only a court's discretion). Other EU members: the
# Directive's minimum, which does not cover consumers.
_REGIMES: Final[dict[str, tuple[str, str | None]]] = {
    "PL": ("PL_B2B", "PL_CIVIL"),
    "GR": ("GR_B2B", "GR_CIVIL"),
    "DE": ("DE_B2B", "DE_CONSUMER"),
    "GB": ("UK", None),
    "RU": ("RU", "RU"),
}
_EU: Final = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip
# Regimes for commercial debts only (Directive 2011/7/EU and its transpositions, the UK act).
_BUSINESS_ONLY: Final = frozenset(
    {"EU", "PL_B2B", "PL_B2B_PUBLIC_HEALTHCARE", "GR_B2B", "DE_B2B", "UK", "US_PPA"}
)
# Regimes with a fixed recovery-cost compensation (Directive art. 6, art. 10 of the Polish act of
# 8 March 2013, s. 5A of the UK act); none for civil debts, RU or the US.
COMPENSATION_REGIMES: Final = frozenset(
    {"EU", "GR_B2B", "DE_B2B", "PL_B2B", "PL_B2B_PUBLIC_HEALTHCARE", "UK"}
)


def regime_of(contract: Contract, client: Client) -> str | None:
    """The statutory regime of SPEC §2 for the contract's debts, or None where none applies:
    the one the contract names (unless it is for businesses and the client is a consumer),
    else the default of its jurisdiction (the client's country unless it says otherwise)."""
    consumer = client.kind == "consumer"
    named = contract.interest_regime
    if named is not None:
        return None if consumer and named in _BUSINESS_ONLY else named
    jurisdiction = contract.jurisdiction or client.country
    if jurisdiction in _REGIMES:
        business, civil = _REGIMES[jurisdiction]
        return civil if consumer else business
    if jurisdiction in _EU and not consumer:
        return "EU"
    return None


def legal_due(due: date, regime: str | None) -> date:
    """Art. 115 KC: a Polish deadline on a Saturday, Sunday or holiday ends on the next
    working day in Poland; other regimes count from the due date itself."""
    if regime is None or not regime.startswith("PL"):
        return due
    poland = default_calendar("PL")
    day = due
    while not poland.is_business_day(day):
        day += timedelta(days=1)
    return day


def interest_granted(contract: Contract, client: Client) -> bool:
    """SPEC rule 6: statutory interest only under a ``statutory`` clause where the law grants it."""
    return contract.late_fee.kind == "statutory" and regime_of(contract, client) is not None


def compensation_granted(contract: Contract, client: Client) -> bool:
    """SPEC rule 6: fixed compensation only where the contract says so, for a business client,
    under a law that grants it."""
    return (
        contract.fixed_compensation
        and client.kind == "business"
        and regime_of(contract, client) in COMPENSATION_REGIMES
    )


def concerns(event: ContactEvent, invoice: Invoice) -> bool:
    """Whether one of the client's events is about the invoice: it names it, or names no
    invoice (the client's whole account) and belongs to no chase."""
    return event.chase is None and (not event.invoices or invoice.id in event.invoices)


def written_off_in(events: Iterable[ContactEvent], invoice: Invoice) -> bool:
    """Whether the history writes the invoice off: nothing more is planned for it (issue 16).

    A write-off is our own act, so it must name the invoice: like our messages, one naming no
    invoice performs no invoice's step (only the client's own events speak for the account).
    """
    return any(e.kind == "write_off" and invoice.id in e.invoices for e in events)


def contested_of(invoice: Invoice, events: Iterable[ContactEvent], client: Client) -> Decimal:
    """What the client contests of the invoice, whether or not payments have covered it since:
    all of it for a disputed invoice, what was unpaid on the local day of a dispute naming no
    amount ("the whole balance"), else the amounts disputed, never more than was billed."""
    if invoice.status == "disputed":
        return invoice.total
    disputed = Decimal(0)
    for event in events:
        if event.kind == "dispute" and concerns(event, invoice):
            if event.dispute is None or event.dispute.amount is None:
                raised = local(event.at, client).date()
                return max(invoice.total - paid_on(invoice, raised), Decimal(0))
            disputed += event.dispute.amount
    return min(disputed, invoice.total)


def disputed_of(invoice: Invoice, events: Iterable[ContactEvent], day: date) -> Decimal:
    """What the client disputes of the invoice's unpaid amount on `day` (SPEC rule 7): all of
    it for a disputed invoice or a dispute naming no amount, else the amounts disputed, never
    more than is unpaid."""
    unpaid = max(invoice.total - paid_on(invoice, day), Decimal(0))
    if invoice.status == "disputed":
        return unpaid
    disputed = Decimal(0)
    for event in events:
        if event.kind == "dispute" and concerns(event, invoice):
            if event.dispute is None or event.dispute.amount is None:
                return unpaid
            disputed += event.dispute.amount
    return min(disputed, unpaid)


def is_booking(action: Action) -> bool:
    """Whether an action books the fee of a message step (``…/fee:STEP/1``), not a step itself.

    It names the step it charges for, which is planned with it or was performed before it (a
    host that performed the message and planned again before booking its fee).
    """
    return action.kind == "apply_fee" and "/fee:" in action.key


def books_a_sent_message(
    action: Action, policy: Policy, events: Iterable[ContactEvent], client: Client
) -> bool:
    """Whether an action books the fee of a message step already performed for its invoices:
    bookkeeping for a message sent before, not a new step of the ladder."""
    if not is_booking(action) or action.step is None:
        return False
    index = policy.step_index(action.step)
    known = list(events)
    return all(
        index in {i for i, _, _ in performed_steps(policy, known, invoice_id, client)}
        for invoice_id in action.invoices
    )


def is_charges_review(action: Action) -> bool:
    """Whether an action is the review of fees and interest left on a paid invoice (rule 11)."""
    return action.kind == "review" and "/review:charges/" in action.key


_ENDED_REVIEW: Final = re.compile(r"/review:(written_off|cancelled)/\d+$")


def is_ended_review(action: Action) -> bool:
    """Whether an action is the review of a payment after a write-off or a cancellation
    (rule 12): it is about a settled invoice, and asks a person, not the client."""
    return action.kind == "review" and _ENDED_REVIEW.search(action.key) is not None


def after_due(step: Step) -> bool:
    """Whether a step always comes after the due date: counted from it, forward, in whole
    days with no weekday (``+1d@MO`` can land on the Monday before, and ``+1h`` counts from
    the start of the last day of grace, so it falls on that day)."""
    offset = step.offset
    return (
        step.from_ == "due" and offset.count > 0 and offset.weekday is None and (offset.unit != "h")
    )


def route_of(channel: str) -> str:
    """The contact a channel travels on: both kinds of letter go to the postal address."""
    return "postal" if channel in ("letter", "registered_letter") else channel


def broken_routes_of(client: Client, events: Iterable[ContactEvent]) -> set[str]:
    """Routes that bounced or failed at the client's current address and never worked since.

    Deliberately lenient: any later outbound event on the route that did not fail (outcome
    recorded as working, or none recorded) counts as a repair, so whatever this calls broken
    is broken by any reading of SPEC rule 9.
    """
    broken: set[str] = set()
    for event in events:
        if event.direction != "out" or event.channel in (None, "system"):
            continue
        assert event.channel is not None
        route = route_of(event.channel)
        if event.outcome in _BROKEN:
            current = client.contacts.address_for(event.channel)
            if event.to is None or event.to == current:
                broken.add(route)
        elif event.outcome in _WORKED:
            broken.discard(route)
    return broken


def mentions_date(text: str) -> bool:
    """Whether `text` names a calendar date as YYYY-MM-DD."""
    return re.search(r"\b\d{4}-\d{2}-\d{2}\b", text) is not None
