"""paychase: decide what to do next about money a client owes.

``plan(case, now=...)`` is a pure function from a case file (clients, contracts, invoices,
contact history) and a moment to the next actions, each with its reason. Everything else —
rendering, channels, storage, the command line — lives in `paychase.shell` around it.

>>> from paychase import plan, Case
>>> sorted(BUILTIN_POLICIES)
['b2b_strict', 'freelancer', 'saas', 'tradesperson']
"""

from paychase._actions import (
    Action,
    Amounts,
    Charge,
    ChargeKind,
    ChargeLine,
    InvoiceState,
    InvoiceStatus,
    Plan,
)
from paychase._calendar import HolidaysCalendar
from paychase._case import (
    Case,
    Client,
    ContactEvent,
    Contacts,
    Contract,
    Deposit,
    Dispute,
    EarlyPaymentDiscount,
    ExchangeRate,
    Invoice,
    KillFee,
    LateFee,
    Materials,
    Milestone,
    Payment,
    Promise,
    Suspension,
)
from paychase._compensation import (
    Compensation,
    CompensationTable,
    builtin_compensation_table,
    fixed_compensation,
)
from paychase._durations import Duration
from paychase._fees import FeeComputation, FeeLine, contractual_fee
from paychase._interest import (
    InterestComputation,
    InterestPeriod,
    InterestSegment,
    MissingPeriod,
    RatePeriod,
    RateTable,
    Regime,
    builtin_rate_table,
    statutory_interest,
)
from paychase._io import parse_case
from paychase._ladder import TRANSITIONS, state_diagram
from paychase._money import round_money
from paychase._plan import plan
from paychase._policy import BUILTIN_POLICIES, ActionKind, Channel, Policy, Step, builtin_policy
from paychase._protocols import CalendarFactory, HolidayCalendar
from paychase._schema import case_schema, plan_schema
from paychase._statement import Statement, StatementLine, StatementTotal, statement
from paychase.errors import (
    CurrencyMismatchError,
    InvalidCaseError,
    PaychaseError,
    PluginError,
    PolicyError,
)
from paychase.shell._files import load_case

__version__ = "0.1.0"

__all__ = [
    "BUILTIN_POLICIES",
    "TRANSITIONS",
    "Action",
    "ActionKind",
    "Amounts",
    "CalendarFactory",
    "Case",
    "Channel",
    "Charge",
    "ChargeKind",
    "ChargeLine",
    "Client",
    "Compensation",
    "CompensationTable",
    "ContactEvent",
    "Contacts",
    "Contract",
    "CurrencyMismatchError",
    "Deposit",
    "Dispute",
    "Duration",
    "EarlyPaymentDiscount",
    "ExchangeRate",
    "FeeComputation",
    "FeeLine",
    "HolidayCalendar",
    "HolidaysCalendar",
    "InterestComputation",
    "InterestPeriod",
    "InterestSegment",
    "InvalidCaseError",
    "Invoice",
    "InvoiceState",
    "InvoiceStatus",
    "KillFee",
    "LateFee",
    "Materials",
    "Milestone",
    "MissingPeriod",
    "PaychaseError",
    "Payment",
    "Plan",
    "PluginError",
    "Policy",
    "PolicyError",
    "Promise",
    "RatePeriod",
    "RateTable",
    "Regime",
    "Statement",
    "StatementLine",
    "StatementTotal",
    "Step",
    "Suspension",
    "__version__",
    "builtin_compensation_table",
    "builtin_policy",
    "builtin_rate_table",
    "case_schema",
    "contractual_fee",
    "fixed_compensation",
    "load_case",
    "parse_case",
    "plan",
    "plan_schema",
    "round_money",
    "state_diagram",
    "statement",
    "statutory_interest",
]
