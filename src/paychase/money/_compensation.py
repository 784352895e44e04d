"""Fixed recovery-cost compensation: the flat sum a late business debtor owes on top of interest.

This module owns the rule of ../shared/law/README.md for each regime's fixed sum: EUR 40
under Directive 2011/7/EU art. 6 (and Greek law 4152/2013, § 288(5) BGB) whatever the amount;
EUR 40 / 70 / 100 by the PLN amount under art. 10 of the Polish act of 8 March 2013, converted
into złoty at the NBP rate of the last business day of the month before the due month;
GBP 40 / 70 / 100 under s. 5A of the UK Late Payment of Commercial Debts (Interest) Act 1998.
Consumers never owe it. The amounts, tiers and rate-date rules are data
(``paychase/money/rates/compensation.json``) and a host may pass its own table.

Exchange rates come from the host. Polish law fixes the date whose rate counts; when the host
has not given a rate for that date the answer is ``missing_rate``, naming the pair and the date:
a rate is never guessed and never taken from another day. Where no statute names a date, the
latest rate on or before the due date converts (``missing_rate`` when there is none). The
compensation is a separate claim, never part of the allocation of payments (law README,
"Allocation of payments").

The module is pure: no clock, no I/O except reading its own packaged table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from importlib.resources import files
from itertools import pairwise
from typing import Any, Final, Literal, Self

from pydantic import Field, PrivateAttr, model_validator

from paychase._model import FrozenModel, InputModel
from paychase._reason import ENGLISH, Param, ReasonPart, english, part, text
from paychase.calendar._protocols import HolidayCalendar
from paychase.calendar._working_days import default_calendar
from paychase.case._invoices import ExchangeRate
from paychase.case._money import Amount, CurrencyCode, round_money
from paychase.case._types import NonNegativeAmount
from paychase.errors import InvalidCaseError, PluginError

__all__ = [
    "Compensation",
    "CompensationRule",
    "CompensationTable",
    "CompensationTier",
    "builtin_compensation_table",
    "fixed_compensation",
]

Debtor = Literal["business", "consumer", "public_authority"]
"""Who owes the debt; the fixed compensation is never due from a consumer."""
CoveredDebtor = Literal["business", "public_authority"]
"""The debtors a compensation rule can cover: consumers are outside every statute."""
RateDateRule = Literal["last_business_day_of_previous_month", "latest_on_or_before_due"]
"""Which day's exchange rate converts the fixed amount (compensation.json, ``conventions``)."""
Status = Literal["due", "none", "missing_rate"]
"""``due``: `amount` is owed; ``none``: the law grants nothing; ``missing_rate``: ask the host."""

# Rates are combined as exact fractions and divided once at the end; 40 digits keep that one
# division exact for any amount below the 24 digits `Amount` allows, whatever the host's context.
_CONTEXT = Context(prec=40)
_ONE = Fraction(1)


class CompensationTier(FrozenModel):
    """One band of principals and the fixed amount owed for a debt in it."""

    up_to: Amount | None = Field(
        default=None, description="Upper threshold in the tier currency; null in the last tier."
    )
    up_to_inclusive: bool = Field(
        default=False, description="Whether a principal equal to `up_to` is in this tier."
    )
    amount: Amount = Field(description="The fixed amount, in the rule's fixed currency.")

    def holds(self, principal: Decimal) -> bool:
        """Whether `principal` (in the tier currency) does not pass this tier's threshold."""
        if self.up_to is None:
            return True
        return principal <= self.up_to if self.up_to_inclusive else principal < self.up_to


class CompensationRule(FrozenModel):
    """One regime's fixed compensation (a ``regimes`` entry of compensation.json)."""

    regime: str = Field(description="Key, as in rates.json: EU, PL_B2B, UK, ...")
    statute: str = Field(description="The provision granting (or not granting) the sum.")
    provenance: str = Field(description="Research tag: S, D, K or NV.")
    source: str = Field(default="", description="Where the research found it.")
    none_reason: str | None = Field(
        default=None, description="Set where the regime grants no fixed compensation: why."
    )
    debtors: tuple[CoveredDebtor, ...] = Field(default=(), description="Who owes the sum.")
    fixed_currency: CurrencyCode | None = Field(default=None, description="Currency of amounts.")
    tier_currency: CurrencyCode | None = Field(
        default=None, description="Currency of the thresholds the principal is compared with."
    )
    tiers: tuple[CompensationTier, ...] = Field(default=(), description="Bands, by threshold.")
    rate_date: RateDateRule | None = Field(
        default=None, description="Which day's exchange rate converts the amounts."
    )
    rate_date_note: str = Field(default="", description="The rate-date rule in words.")
    calendar_country: str | None = Field(
        default=None, description="Whose business days count for the rate date (ISO 3166-1)."
    )
    notes: str = Field(default="", description="Caveats of the research.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.none_reason is not None:
            if self.tiers or self.debtors:
                raise ValueError("a rule with none_reason has no tiers and no debtors")
            return self
        if not self.tiers or self.fixed_currency is None or self.tier_currency is None:
            raise ValueError("give tiers, fixed_currency and tier_currency (or none_reason)")
        if self.rate_date is None:
            raise ValueError("give the rate_date rule")
        if self.rate_date == "last_business_day_of_previous_month" and not self.calendar_country:
            raise ValueError("the last-business-day rule needs a calendar_country")
        if (
            self.rate_date == "latest_on_or_before_due"
            and self.fixed_currency != self.tier_currency
        ):
            # Two pairs could have their latest rates on different days: one date must convert
            # both, which only a rule with a fixed date (like Poland's) gives.
            raise ValueError("the latest-rate rule needs tier_currency equal to fixed_currency")
        _check_tiers(self.tiers)
        return self

    @property
    def text(self) -> str:
        """The statute as a reader of a claim needs it, e.g. ``UK: s. 5A ...``.

        The research tag stays in the table for its maintainers: it is not a source.
        """
        return f"{self.regime}: {self.statute}"

    def tier_for(self, principal: Decimal) -> int:
        """Index of the tier `principal` (in the tier currency) falls in."""
        return next(index for index, tier in enumerate(self.tiers) if tier.holds(principal))

    def describe_tier(self, index: int) -> str:
        """Tier `index` in words: ``over 5,000.00 and under 50,000.00 PLN``."""
        tier = self.tiers[index]
        parts = []
        if index > 0:
            below = self.tiers[index - 1]
            parts.append(f"{'over' if below.up_to_inclusive else 'at least'} {below.up_to:,}")
        if tier.up_to is not None:
            parts.append(f"{'at most' if tier.up_to_inclusive else 'under'} {tier.up_to:,}")
        return f"{' and '.join(parts)} {self.tier_currency}" if parts else "any amount"


def _check_tiers(tiers: Sequence[CompensationTier]) -> None:
    """Thresholds rise, only the last tier is open, and a larger debt never gets less."""
    if any(tier.up_to is None for tier in tiers[:-1]) or tiers[-1].up_to is not None:
        raise ValueError("every tier but the last needs up_to; the last has up_to null")
    if any(tier.amount <= 0 for tier in tiers):
        raise ValueError("a tier amount must be more than zero")
    for before, after in pairwise(tiers):
        if after.up_to is not None and before.up_to is not None and after.up_to <= before.up_to:
            raise ValueError("tier thresholds must rise")
        if after.amount < before.amount:
            raise ValueError("a higher tier must not owe less than a lower one")


class CompensationTable(InputModel):
    """A whole compensation.json document: the packaged one or a host's of the same shape."""

    about: str = Field(default="", description="What the table is and when it was compiled.")
    conventions: dict[str, Any] = Field(default_factory=dict, description="Format notes.")
    regimes: tuple[CompensationRule, ...] = Field(description="One entry per regime.")

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [rule.regime for rule in self.regimes]
        if len(set(names)) != len(names):
            raise ValueError("regime keys must be unique")
        return self

    def rule(self, regime: str) -> CompensationRule | None:
        """The rule of `regime`; None where the table does not know it."""
        return next((rule for rule in self.regimes if rule.regime == regime), None)


@lru_cache(maxsize=1)
def builtin_compensation_table() -> CompensationTable:
    """The compensation table shipped with paychase (compiled from ../shared/law/README.md).

    Examples:
        >>> builtin_compensation_table().rule("UK").tiers[0].amount
        Decimal('40')
    """
    folder = files("paychase.money").joinpath("rates")
    text = folder.joinpath("compensation.json").read_text(encoding="utf-8")
    return CompensationTable.model_validate(json.loads(text))


class Compensation(FrozenModel):
    """The fixed compensation owed on one late payment, and how it was found."""

    regime: str = Field(description="The regime asked about.")
    debtor: Debtor = Field(description="Who owes the debt.")
    status: Status = Field(
        description="due: `amount` is owed; none: the law grants nothing; "
        "missing_rate: the exchange rate `reason` names is needed first."
    )
    amount: Decimal = Field(description="What is owed, in `currency`; zero unless due.")
    currency: str = Field(description="The debt's currency.")
    fixed_amount: Decimal | None = Field(description="The sum as the law fixes it (e.g. 70).")
    fixed_currency: str | None = Field(description="Its currency (e.g. EUR).")
    tier: str | None = Field(description="The tier that applied, in words.")
    tier_principal: Decimal | None = Field(
        description="The principal compared with the thresholds, in the tier currency."
    )
    rule: str | None = Field(description="Regime, statute and research tag.")
    rate_date: date | None = Field(
        description="The exchange-rate date used (for Poland: the date the law asks for)."
    )
    exchange_rate: Decimal | None = Field(
        description="Units of `currency` per unit of `fixed_currency`; null when they match."
    )
    reason: str = Field(default="", description="Why nothing is due, or which rate is missing.")
    _missing: ReasonPart | None = PrivateAttr(default=None)

    @property
    def missing(self) -> ReasonPart | None:
        """Which exchange rate is missing, as data (`reason` in English); None unless missing."""
        return self._missing


class _Request(InputModel):
    """The validated inputs of `fixed_compensation` (errors name the argument)."""

    regime: str
    debtor: Debtor
    principal: NonNegativeAmount
    currency: CurrencyCode
    due: date
    exchange_rates: tuple[ExchangeRate, ...] = ()

    @model_validator(mode="after")
    def _one_rate_per_day(self) -> Self:
        seen: dict[tuple[date, str, str], Decimal] = {}
        for index, quote in enumerate(self.exchange_rates):
            known = seen.setdefault((quote.date, quote.from_, quote.to), quote.rate)
            if known != quote.rate:
                raise InvalidCaseError(
                    f"two different {quote.from_}/{quote.to} rates for {quote.date}",
                    field=f"exchange_rates[{index}].rate",
                    value=str(quote.rate),
                )
        return self


@dataclass(frozen=True, slots=True)
class _Quotes:
    """The host's exchange rates by day, usable in either direction."""

    rates: dict[tuple[date, str, str], Fraction]

    @classmethod
    def of(cls, quotes: Iterable[ExchangeRate]) -> _Quotes:
        return cls({(q.date, q.from_, q.to): Fraction(q.rate) for q in quotes})

    def on(self, day: date | None, source: str, target: str) -> Fraction | None:
        """Units of `target` per unit of `source` on exactly `day` (1 for one currency)."""
        if source == target:
            return _ONE
        if day is None:
            return None
        direct = self.rates.get((day, source, target))
        if direct is not None:
            return direct
        inverse = self.rates.get((day, target, source))
        return None if inverse is None else 1 / inverse  # the host quoted the other direction

    def latest(self, until: date, source: str, target: str) -> date | None:
        """The last day on or before `until` with a rate between the two currencies."""
        pair = {source, target}
        return max((d for d, a, b in self.rates if {a, b} == pair and d <= until), default=None)


def _last_business_day_of_previous_month(due: date, calendar: HolidayCalendar) -> date:
    """The rate date of art. 10 of the Polish act of 8 March 2013.

    The NBP Table A rate of "the last business day of the month before the month in which the
    payment fell due": weekends and Polish holidays have no fixing.
    """
    day = due.replace(day=1) - timedelta(days=1)
    while not calendar.is_business_day(day):
        if day.day == 1:
            raise PluginError(
                "the calendar has no business day in the month",
                field="calendar",
                value=f"{day:%Y-%m}",
            )
        day -= timedelta(days=1)
    return day


def _decimal(value: Fraction) -> Decimal:
    """`value` as a Decimal, exact to 40 significant digits."""
    with localcontext(_CONTEXT):
        return Decimal(value.numerator) / Decimal(value.denominator)


def _rate_day(
    rule: CompensationRule, request: _Request, quotes: _Quotes, calendar: HolidayCalendar | None
) -> date | None:
    """The day whose exchange rates count; None where no rate exists or none is needed."""
    if rule.rate_date == "last_business_day_of_previous_month":
        assert rule.calendar_country is not None  # guaranteed by CompensationRule
        chosen = calendar or default_calendar(rule.calendar_country)
        return _last_business_day_of_previous_month(request.due, chosen)
    if request.currency == rule.tier_currency:
        return None  # nothing to convert
    assert rule.tier_currency is not None  # guaranteed by CompensationRule
    # No statute fixes the day outside Poland: the latest rate known on the due date.
    return quotes.latest(request.due, request.currency, rule.tier_currency)


def _pair(source: str, target: str, fixed: str) -> str:
    """Name a needed rate from the fixed currency, the direction the law converts in."""
    return f"{target}/{source}" if target == fixed else f"{source}/{target}"


def _missing_reason(
    rule: CompensationRule, request: _Request, day: date | None, pairs: Sequence[str]
) -> ReasonPart:
    """Which rates are missing, for which day: ``no EUR/PLN exchange rate for 2026-03-31 (…)``."""
    named: dict[str, Param] = {"pair": pairs[0], "note": _rate_note(rule.rate_date_note)}
    if len(pairs) > 1:
        named["other"] = pairs[1]
    two = "_two" * (len(pairs) > 1)
    if rule.rate_date == "last_business_day_of_previous_month":
        assert day is not None  # the law's day is known: its rate is what is missing
        return part(f"rate.missing{two}_on", day=day, **named)
    return part(f"rate.missing{two}_by", due=request.due, **named)


_RATE_NOTES: Final = ("rate_note.nbp", "rate_note.directive", "rate_note.statute", "rate_note.act")
"""The rate-date notes of the packaged table, coded; a host's own table may word its own."""


def _rate_note(note: str) -> ReasonPart:
    """The rule's rate-date note as a clause: coded where it is one the packaged table words."""
    code = next((code for code in _RATE_NOTES if ENGLISH[code] == note), None)
    return text(note) if code is None else part(code)


def _nothing(
    request: _Request,
    rule: CompensationRule | None,
    reason: str,
    status: Literal["none", "missing_rate"] = "none",
    **found: Any,
) -> Compensation:
    """A result owing nothing (yet): `found` keeps what is already known (tier, rate date)."""
    known: dict[str, Any] = {
        "fixed_amount": None,
        "fixed_currency": None,
        "tier": None,
        "tier_principal": None,
        "rate_date": None,
        **found,
    }
    return Compensation.trusted(
        regime=request.regime,
        debtor=request.debtor,
        status=status,
        amount=round_money(Decimal(0), request.currency),
        currency=request.currency,
        rule=rule.text if rule else None,
        exchange_rate=None,
        reason=reason,
        **known,
    )


def _tier_found(rule: CompensationRule, principal: Decimal) -> dict[str, Any]:
    """The tier fields of a result for `principal` in the tier currency."""
    index = rule.tier_for(principal)
    return {
        "fixed_amount": rule.tiers[index].amount,
        "fixed_currency": rule.fixed_currency,
        "tier": rule.describe_tier(index),
        "tier_principal": principal,
    }


def _apply(
    rule: CompensationRule, request: _Request, quotes: _Quotes, day: date | None
) -> Compensation:
    """Convert the principal for the tier test and the fixed amount for the debt, on `day`."""
    fixed, tiers, currency = rule.fixed_currency, rule.tier_currency, request.currency
    assert fixed is not None  # guaranteed by CompensationRule
    assert tiers is not None
    debt_to_tier = quotes.on(day, currency, tiers)
    fixed_to_tier = quotes.on(day, fixed, tiers)
    found: dict[str, Any] = {"rate_date": day}
    if debt_to_tier is not None:
        # A converted principal is an amount of money: whole grosze before the comparison.
        principal = round_money(_decimal(Fraction(request.principal) * debt_to_tier), tiers)
        found |= _tier_found(rule, principal)
    needed = [(currency, debt_to_tier), (fixed, fixed_to_tier)]
    missing = list(dict.fromkeys(_pair(c, tiers, fixed) for c, rate in needed if rate is None))
    if debt_to_tier is None or fixed_to_tier is None:
        why = _missing_reason(rule, request, day, missing)
        result = _nothing(request, rule, english(why), "missing_rate", **found)
        result._missing = why
        return result
    # Art. 10 converts the euro into złoty; a debt in a third currency takes that złoty sum at
    # the same day's rate, so one fixing date decides everything.
    fixed_to_debt = fixed_to_tier / debt_to_tier
    amount = _decimal(Fraction(found["fixed_amount"]) * fixed_to_debt)
    return Compensation.trusted(
        regime=request.regime,
        debtor=request.debtor,
        status="due",
        amount=round_money(amount, currency),
        currency=currency,
        rule=rule.text,
        exchange_rate=None if fixed == currency else _decimal(fixed_to_debt),
        **found,
    )


def fixed_compensation(
    *,
    regime: str,
    debtor: Debtor,
    principal: Decimal | str | int,
    currency: str,
    due: date,
    exchange_rates: Sequence[ExchangeRate] = (),
    calendar: HolidayCalendar | None = None,
    table: CompensationTable | None = None,
) -> Compensation:
    """The fixed recovery-cost compensation the law grants for one late payment.

    Nothing is due from a consumer, nor under a regime without such a sum (PL civil, GR civil,
    DE consumer, RU, US). Otherwise the tier follows the principal — in PLN for Poland (art. 10
    of the act of 8 March 2013), in GBP for the UK (s. 5A LPCDIA 1998), flat EUR 40 elsewhere
    (Directive 2011/7/EU art. 6) — and the fixed amount is converted into the debt's currency
    and rounded half-up to its minor unit. Poland converts at the NBP rate of the last business
    day of the month before the due month, and only that day's rate will do; elsewhere the
    latest rate on or before the due date is used.

    Args:
        regime: a regime key (EU, PL_B2B, UK, ...); an unknown one owes nothing.
        debtor: ``business``, ``consumer`` or ``public_authority``.
        principal: the late payment (the invoice or instalment), in `currency`.
        currency: ISO 4217 code of the debt.
        due: the day payment fell due; its month picks the Polish rate date.
        exchange_rates: the host's rates; one given the other way round is used inverted.
        calendar: business days for the Polish rate date; the ``holidays`` PL calendar by
            default.
        table: the compensation table; the packaged one by default.

    Returns:
        The `Compensation`; `status` says whether `amount` is owed or a rate is missing.

    Raises:
        InvalidCaseError: on a negative principal, an unknown currency or conflicting rates.
        PluginError: when `calendar` has no business day in the month before the due month.

    Examples:
        >>> fixed_compensation(regime="EU", debtor="business", principal="250000.00",
        ...     currency="EUR", due=date(2025, 3, 31)).amount
        Decimal('40.00')
        >>> eur_pln = ExchangeRate(date=date(2025, 5, 30), from_="EUR", to="PLN", rate="4.2497")
        >>> result = fixed_compensation(regime="PL_B2B", debtor="business", principal="20000.00",
        ...     currency="PLN", due=date(2025, 6, 16), exchange_rates=[eur_pln])
        >>> result.amount, result.fixed_amount, result.tier
        (Decimal('297.48'), Decimal('70'), 'over 5,000.00 and under 50,000.00 PLN')
    """
    request = _Request.model_validate(
        {
            "regime": regime,
            "debtor": debtor,
            "principal": principal,
            "currency": currency,
            "due": due,
            "exchange_rates": exchange_rates,
        }
    )
    rule = (table or builtin_compensation_table()).rule(request.regime)
    if rule is None:
        return _nothing(request, None, f"no statutory fixed compensation known for {regime}")
    if rule.none_reason is not None:
        return _nothing(request, rule, rule.none_reason)
    if request.debtor not in rule.debtors:
        covered = " or ".join(rule.debtors)
        reason = f"{rule.regime} covers only a {covered} debtor, not a {request.debtor}"
        return _nothing(request, rule, reason)
    quotes = _Quotes.of(request.exchange_rates)
    return _apply(rule, request, quotes, _rate_day(rule, request, quotes, calendar))
