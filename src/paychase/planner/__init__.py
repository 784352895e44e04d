"""The planner: `plan(case, now=...)` from a case and a moment to the next actions.

And `statement(case, client, now=...)`, the same reading of the case told as a client's
statement of account.
"""

from paychase.planner._outputs import (
    Action,
    ChaseState,
    ChaseStatus,
    InstalmentDue,
    InvoiceState,
    Plan,
    plan_schema,
)
from paychase.planner._performed import performed_event
from paychase.planner._plan import plan
from paychase.planner._statement import Statement, StatementLine, StatementTotal, statement

__all__ = [
    "Action",
    "ChaseState",
    "ChaseStatus",
    "InstalmentDue",
    "InvoiceState",
    "Plan",
    "Statement",
    "StatementLine",
    "StatementTotal",
    "performed_event",
    "plan",
    "plan_schema",
    "statement",
]
