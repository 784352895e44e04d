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
    ChaseState,
    ChaseStatus,
    InstalmentDue,
    InvoiceState,
    InvoiceStatus,
    Plan,
)
from paychase._calendar import HolidaysCalendar
from paychase._case import (
    BankAccount,
    Case,
    Chase,
    Client,
    ContactEvent,
    Contacts,
    Contract,
    CreditNote,
    Deposit,
    Dispute,
    EarlyPaymentDiscount,
    ExchangeRate,
    InstalmentPlan,
    Invoice,
    KillFee,
    LateFee,
    Materials,
    Milestone,
    Payment,
    Promise,
    Resolution,
    Sender,
    Suspension,
    version_of,
)
from paychase._compensation import (
    Compensation,
    CompensationTable,
    builtin_compensation_table,
    fixed_compensation,
)
from paychase._durations import Duration
from paychase._fees import FeeComputation, FeeLine, contractual_fee
from paychase._instalments import Frequency, Instalment, Standing
from paychase._instalments import schedule as instalment_schedule
from paychase._instalments import standing as instalment_standing
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
from paychase.shell._check import TemplateProblem, check_templates
from paychase.shell._delivery import (
    CheckableChannel,
    ConsoleChannel,
    DeliveryChannel,
    DeliveryStatus,
    Receipt,
    message_id,
)
from paychase.shell._documents import InvoiceFolder
from paychase.shell._evidence import (
    EvidencePack,
    SentMessage,
    TimelineEntry,
    evidence_html,
    evidence_pack,
    write_evidence,
)
from paychase.shell._files import load_case
from paychase.shell._history import Attempt, AttemptStatus, HistoryStore
from paychase.shell._ical import calls_calendar
from paychase.shell._message import Attachment, Message, Recipient
from paychase.shell._outbox import FileOutbox
from paychase.shell._render import InvoiceDocuments, Renderer, template_names
from paychase.shell._runner import Outcome, OutcomeStatus, Runner, RunReport
from paychase.shell._simulate import (
    Behaviour,
    Script,
    SimulationEntry,
    SimulationError,
    Timeline,
    load_script,
    simulate,
    timeline_chart,
)
from paychase.shell._smtp import SmtpChannel
from paychase.shell._sqlite import SqliteStore
from paychase.shell._templates import (
    BUILTIN_LOCALES,
    BuiltinTemplates,
    TemplateDirectory,
    TemplateLoader,
    locale_chain,
)

__version__ = "0.1.0"

__all__ = [
    "BUILTIN_LOCALES",
    "BUILTIN_POLICIES",
    "TRANSITIONS",
    "Action",
    "ActionKind",
    "Amounts",
    "Attachment",
    "Attempt",
    "AttemptStatus",
    "BankAccount",
    "Behaviour",
    "BuiltinTemplates",
    "CalendarFactory",
    "Case",
    "Channel",
    "Charge",
    "ChargeKind",
    "ChargeLine",
    "Chase",
    "ChaseState",
    "ChaseStatus",
    "CheckableChannel",
    "Client",
    "Compensation",
    "CompensationTable",
    "ConsoleChannel",
    "ContactEvent",
    "Contacts",
    "Contract",
    "CreditNote",
    "CurrencyMismatchError",
    "DeliveryChannel",
    "DeliveryStatus",
    "Deposit",
    "Dispute",
    "Duration",
    "EarlyPaymentDiscount",
    "EvidencePack",
    "ExchangeRate",
    "FeeComputation",
    "FeeLine",
    "FileOutbox",
    "Frequency",
    "HistoryStore",
    "HolidayCalendar",
    "HolidaysCalendar",
    "Instalment",
    "InstalmentDue",
    "InstalmentPlan",
    "InterestComputation",
    "InterestPeriod",
    "InterestSegment",
    "InvalidCaseError",
    "Invoice",
    "InvoiceDocuments",
    "InvoiceFolder",
    "InvoiceState",
    "InvoiceStatus",
    "KillFee",
    "LateFee",
    "Materials",
    "Message",
    "Milestone",
    "MissingPeriod",
    "Outcome",
    "OutcomeStatus",
    "PaychaseError",
    "Payment",
    "Plan",
    "PluginError",
    "Policy",
    "PolicyError",
    "Promise",
    "RatePeriod",
    "RateTable",
    "Receipt",
    "Recipient",
    "Regime",
    "Renderer",
    "Resolution",
    "RunReport",
    "Runner",
    "Script",
    "Sender",
    "SentMessage",
    "SimulationEntry",
    "SimulationError",
    "SmtpChannel",
    "SqliteStore",
    "Standing",
    "Statement",
    "StatementLine",
    "StatementTotal",
    "Step",
    "Suspension",
    "TemplateDirectory",
    "TemplateLoader",
    "TemplateProblem",
    "Timeline",
    "TimelineEntry",
    "__version__",
    "builtin_compensation_table",
    "builtin_policy",
    "builtin_rate_table",
    "calls_calendar",
    "case_schema",
    "check_templates",
    "contractual_fee",
    "evidence_html",
    "evidence_pack",
    "fixed_compensation",
    "instalment_schedule",
    "instalment_standing",
    "load_case",
    "load_script",
    "locale_chain",
    "message_id",
    "parse_case",
    "plan",
    "plan_schema",
    "round_money",
    "simulate",
    "state_diagram",
    "statement",
    "statutory_interest",
    "template_names",
    "timeline_chart",
    "version_of",
    "write_evidence",
]
