"""Money and law: fees, statutory interest, compensation and the amounts an action asks for.

Every amount is a `Decimal` rounded once to its currency's minor unit; every charge carries the
computation and the rule behind it, so a court can follow it (SPEC §5 rules 6 and 11).
"""

from paychase.case._money import round_money
from paychase.money._accrual import InterestSegment
from paychase.money._amounts import Amounts, Charge, ChargeKind, ChargeLine
from paychase.money._compensation import (
    Compensation,
    CompensationRule,
    CompensationTable,
    CompensationTier,
    builtin_compensation_table,
    fixed_compensation,
)
from paychase.money._fees import FeeComputation, FeeLine, contractual_fee
from paychase.money._interest import (
    InterestComputation,
    InterestPeriod,
    MissingPeriod,
    statutory_interest,
)
from paychase.money._rates import RatePeriod, RateTable, Regime, builtin_rate_table

__all__ = [
    "Amounts",
    "Charge",
    "ChargeKind",
    "ChargeLine",
    "Compensation",
    "CompensationRule",
    "CompensationTable",
    "CompensationTier",
    "FeeComputation",
    "FeeLine",
    "InterestComputation",
    "InterestPeriod",
    "InterestSegment",
    "MissingPeriod",
    "RatePeriod",
    "RateTable",
    "Regime",
    "builtin_compensation_table",
    "builtin_rate_table",
    "contractual_fee",
    "fixed_compensation",
    "round_money",
    "statutory_interest",
]
