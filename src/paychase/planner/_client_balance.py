"""The client's overdue balance, per currency: what ``client_balance_over:AMOUNT`` compares.

A step that requires ``client_balance_over:AMOUNT`` goes only when everything the client owes
past its due date, in the invoice's currency, is more than `AMOUNT` — Lago's dunning campaigns
start on a customer's overdue balance the same way, one threshold per currency. A client
owing in two currencies is measured in each apart, never converted: an invoice in EUR looks at
the EUR total, one in PLN at the PLN total, so a client may be past the threshold in one
currency and not in the other.

An invoice counts when its due date is before the client's local today, it is not paid,
cancelled or written off (by its status or a recorded write-off; nor a draft), and only for
what dunning may ask for (its balance less the part the client disputes, rule 7): partial
payments lower the total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from paychase.conversation._facts import SETTLED, read_facts
from paychase.planner._context import ClientContext
from paychase.planner._end_state import written_off

__all__ = ["overdue_totals"]


def overdue_totals(context: ClientContext) -> Mapping[str, Decimal]:
    """The client's overdue balance on its local today, by currency (none: nothing overdue)."""
    portfolio, totals = context.portfolio, defaultdict[str, Decimal](Decimal)
    for invoice in portfolio.invoices_of.get(context.client.id, ()):
        facts = read_facts(
            invoice,
            portfolio.contracts[invoice.contract],
            portfolio.events_of_invoice.get(invoice.id, ()),
            context.clock,
            context.today,
        )
        unsettled = facts.state not in {*SETTLED, "draft"} and written_off(facts) is None
        if facts.due < context.today and unsettled:
            totals[invoice.currency] += facts.balance.chased
    return dict(totals)
