"""Policies (SPEC §3): ladders of steps as data, the built-in ones, and the invoice state machine.

A policy says what happens after an invoice falls due and when; `TRANSITIONS` is the one table
of invoice states (docs/states.md is generated from it).
"""

from paychase.policy._builtin import BUILTIN_POLICIES, builtin_policy, past_versions
from paychase.policy._ladder import TRANSITIONS, InvoiceStatus, state_diagram
from paychase.policy._policy import ActionKind, Channel, Policy, Step

__all__ = [
    "BUILTIN_POLICIES",
    "TRANSITIONS",
    "ActionKind",
    "Channel",
    "InvoiceStatus",
    "Policy",
    "Step",
    "builtin_policy",
    "past_versions",
    "state_diagram",
]
