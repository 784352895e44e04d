"""The case file (SPEC §2): the input of `plan()`, checked when it is built.

Clients, contracts, invoices with their payments and credit notes, instalment plans, chases and
the contact history; `parse_case` reads the case-file format and `case_schema` publishes it.
"""

from paychase.case._case import Case, version_of
from paychase.case._chase import Chase
from paychase.case._contracts import (
    Contract,
    Deposit,
    EarlyPaymentDiscount,
    KillFee,
    LateFee,
    Materials,
    Milestone,
    Suspension,
)
from paychase.case._history import ContactEvent, Dispute, InvoiceStep, Promise, Resolution
from paychase.case._instalment_plan import Frequency, InstalmentPlan
from paychase.case._invoices import CreditNote, ExchangeRate, Invoice, Payment
from paychase.case._io import parse_case
from paychase.case._parties import BankAccount, Client, ContactPerson, Contacts, Sender
from paychase.case._schema import case_schema

__all__ = [
    "BankAccount",
    "Case",
    "Chase",
    "Client",
    "ContactEvent",
    "ContactPerson",
    "Contacts",
    "Contract",
    "CreditNote",
    "Deposit",
    "Dispute",
    "EarlyPaymentDiscount",
    "ExchangeRate",
    "Frequency",
    "InstalmentPlan",
    "Invoice",
    "InvoiceStep",
    "KillFee",
    "LateFee",
    "Materials",
    "Milestone",
    "Payment",
    "Promise",
    "Resolution",
    "Sender",
    "Suspension",
    "case_schema",
    "parse_case",
    "version_of",
]
