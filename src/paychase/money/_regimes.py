"""Which late-payment law applies to a debt, and the defaults that law brings with it.

A contract names its jurisdiction (the client's country by default) and may name its
statutory-interest regime outright; otherwise the regime follows SPEC §2: PL → PL_B2B or
PL_CIVIL, GR → GR_B2B or GR_CIVIL, DE → DE_B2B or DE_CONSUMER, GB → UK, RU → RU, any other EU
member state → the Directive's minimum (EU), which does not cover consumers. What each regime
implies — who it covers, how payments are allocated, whether a deadline falling on a holiday
moves — is knowledge of the law, kept here in one table (../shared/law/README.md is the source).
The rate tables themselves are data (see `_interest`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

from paychase._reason import ReasonPart, english, part
from paychase.calendar._protocols import HolidayCalendar
from paychase.calendar._working_days import default_calendar
from paychase.money._rates import Allocation

__all__ = ["RegimeRules", "effective_due", "regime_for", "regime_reason", "regime_rules"]

DebtorKind = Literal["business", "consumer"]

# Member states of the EU, where Directive 2011/7/EU sets the minimum for B2B debts.
_EU_MEMBERS: Final = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip
# (business regime, consumer regime); None where the law gives consumers no statutory interest.
_BY_JURISDICTION: Final[Mapping[str, tuple[str, str | None]]] = {
    "PL": ("PL_B2B", "PL_CIVIL"),
    "GR": ("GR_B2B", "GR_CIVIL"),
    "DE": ("DE_B2B", "DE_CONSUMER"),
    "GB": ("UK", None),  # consumers: only a court's discretionary 8 % (County Courts Act s. 69)
    "RU": ("RU", "RU"),  # art. 395 Civil Code applies to businesses and consumers alike
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RegimeRules:
    """What a regime implies beyond its rate table."""

    key: str
    statute: str
    business_only: bool
    allocation: Allocation = "interest_first"
    moves_deadline_off_holidays: bool = False
    country: str | None = None  # whose public holidays move a deadline
    # The delay starts at a due date only the contract agreed; a date set on the invoice alone
    # starts it only with a demand for payment after it (§ 286(1), (2) no. 1 BGB).
    delay_needs_agreed_due: bool = False


_RULES: Final[Mapping[str, RegimeRules]] = {
    rules.key: rules
    for rules in (
        RegimeRules(key="EU", statute="Directive 2011/7/EU art. 3", business_only=True),
        # Art. 451 KC: interest first; art. 115 KC: a deadline on a Saturday or holiday moves.
        RegimeRules(
            key="PL_B2B",
            statute="art. 4 of the act of 8 March 2013",
            business_only=True,
            moves_deadline_off_holidays=True,
            country="PL",
        ),
        RegimeRules(
            key="PL_B2B_PUBLIC_HEALTHCARE",
            statute="art. 4 of the act of 8 March 2013",
            business_only=True,
            moves_deadline_off_holidays=True,
            country="PL",
        ),
        RegimeRules(
            key="PL_CIVIL",
            statute="art. 481 KC",
            business_only=False,
            moves_deadline_off_holidays=True,
            country="PL",
        ),
        RegimeRules(key="GR_B2B", statute="Greek law 4152/2013", business_only=True),
        RegimeRules(key="GR_CIVIL", statute="Greek Civil Code art. 345", business_only=False),
        RegimeRules(key="DE_B2B", statute="§ 288(2) BGB", business_only=True),
        RegimeRules(
            key="DE_CONSUMER",
            statute="§ 288(1) BGB",
            business_only=False,
            delay_needs_agreed_due=True,
        ),
        RegimeRules(
            key="UK",
            statute="Late Payment of Commercial Debts (Interest) Act 1998",
            business_only=True,
        ),
        # Plenum 54 of 22.11.2016 p. 37: art. 395 interest is paid after the principal.
        RegimeRules(
            key="RU",
            statute="art. 395 Civil Code",
            business_only=False,
            allocation="principal_first",
        ),
        RegimeRules(key="US_PPA", statute="Prompt Payment Act, 5 CFR 1315.10", business_only=True),
        RegimeRules(key="US_NY_PREJUDGMENT", statute="NY CPLR 5001/5004", business_only=False),
        RegimeRules(key="US_CA_PREJUDGMENT", statute="Cal. Civ. Code 3289(b)", business_only=False),
    )
}


def regime_rules(key: str) -> RegimeRules:
    """The rules of regime `key`; a host's own regime gets the cautious defaults.

    >>> regime_rules("RU").allocation
    'principal_first'
    """
    known = _RULES.get(key)
    return known or RegimeRules(key=key, statute=key, business_only=False)


def regime_for(
    jurisdiction: str, debtor: DebtorKind, named: str | None = None
) -> tuple[str | None, str]:
    """The statutory-interest regime for a debtor in `jurisdiction`, and why.

    Returns ``(None, why)`` where the law grants no statutory interest to this debt.

    >>> regime_for("FR", "business")
    ('EU', 'FR is an EU member state: Directive 2011/7/EU (EU) applies to business debts')
    >>> regime_for("FR", "consumer")[0] is None
    True
    """
    key, why = regime_reason(jurisdiction, debtor, named)
    return key, english(why)


def regime_reason(
    jurisdiction: str, debtor: DebtorKind, named: str | None = None
) -> tuple[str | None, ReasonPart]:
    """`regime_for`, its reason as data (a code and its values) for the reader's language."""
    if named is not None:
        rules = regime_rules(named)
        if rules.business_only and debtor == "consumer":
            return None, part("regime.not_for_consumers", regime=named, statute=rules.statute)
        return named, part("regime.named", regime=named, statute=rules.statute)
    pair = _BY_JURISDICTION.get(jurisdiction)
    if pair is not None:
        key = pair[0] if debtor == "business" else pair[1]
        if key is None:
            return None, part("regime.no_consumer_interest", jurisdiction=jurisdiction)
        statute = regime_rules(key).statute
        return key, part(
            "regime.jurisdiction",
            jurisdiction=jurisdiction,
            debtor=debtor,
            regime=key,
            statute=statute,
        )
    if jurisdiction in _EU_MEMBERS:
        if debtor == "consumer":
            return None, part("regime.directive_consumers")
        return "EU", part("regime.eu_member", jurisdiction=jurisdiction)
    return None, part("regime.unknown", jurisdiction=jurisdiction)


def effective_due(due: date, rules: RegimeRules, calendar: HolidayCalendar) -> date:
    """The last day to pay, moved to the next working day where the law says so.

    Art. 115 KC: a deadline falling on a Saturday or a public holiday ends on the next working
    day, so interest starts a day later (law vector TV-11: due Sat 2025-05-31 → Mon 2025-06-02).
    The holidays are those of the law's country (Poland's for a Polish-law debt of a foreign
    client); `calendar` serves a regime that names no country.
    """
    if not rules.moves_deadline_off_holidays:
        return due
    if rules.country is not None:
        calendar = default_calendar(rules.country, None)
    day = due
    while not calendar.is_business_day(day):
        day += timedelta(days=1)
    return day
