"""Balances: what is billed, paid, disputed and still owed on an invoice at a date.

Only payments dated on or before the planning date count, so planning "as of" an earlier
moment gives the answer that was right then. Overpayment leaves nothing owed; it is never a
negative debt. An early-payment discount the client earned (`_discount`) counts from the day
they earned it, like a credit note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from paychase.case._invoices import Invoice
from paychase.money._discount import DiscountTaken

__all__ = ["Balance", "balance_of", "paid_in_full_on"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Balance:
    """One invoice's money at a date, in its currency."""

    invoiced: Decimal
    paid: Decimal
    disputed: Decimal
    discount: Decimal = ZERO  # an early-payment discount the client earned

    @property
    def owed(self) -> Decimal:
        """Unpaid principal, disputed part included (never negative)."""
        return max(self.invoiced - self.paid - self.discount, ZERO)

    @property
    def chased(self) -> Decimal:
        """The part dunning may ask for: owed less what the client disputes."""
        return max(self.owed - self.disputed, ZERO)


def balance_of(
    invoice: Invoice, on: date, disputed: Decimal = ZERO, taken: DiscountTaken | None = None
) -> Balance:
    """The invoice's balance counting payments dated up to and including `on`.

    The early-payment discount `taken` counts if it was earned by then.
    """
    paid = sum((p.amount for p in invoice.payments if p.date <= on), ZERO)
    discount = taken.amount if taken is not None and taken.on <= on else ZERO
    owed = max(invoice.billed - paid - discount, ZERO)
    return Balance(invoice.billed, paid, min(disputed, owed), discount)


def paid_in_full_on(invoice: Invoice, taken: DiscountTaken | None = None) -> date | None:
    """The date the payments first covered the total, or None if they never did.

    Payments that earned the early-payment discount `taken` settled it the day they did.
    """
    if taken is not None:
        return taken.on
    running = ZERO
    for payment in sorted(invoice.payments, key=lambda p: p.date):
        running += payment.amount
        if running >= invoice.billed:
            return payment.date
    return None if invoice.billed > 0 else invoice.issued
