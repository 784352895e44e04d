"""The early-payment discount: what it offers while its window is open, and when it was taken.

A contract's ``early_payment_discount`` (``{"rate": "2", "within": "14d"}``) takes ``rate`` %
off the invoice for paying within ``within`` of the invoice date. These are paychase's
semantics:

* **The window** ends with its last day, the invoice date plus ``within`` (business days on
  the client's calendar when written ``Nbd``), a date in the client's time zone like every
  payment's date.
* **The discounted total** is what the invoice bills less ``rate`` % of it, rounded half-up to
  the currency's minor unit (`round_money`): 1200.00 PLN at 2 % is 1176.00, 1234 JPY 1209.
* **Taken.** Payments dated up to the window's last day that add up to at least the
  discounted total settle the invoice, on the day they reach it: what they leave unpaid is
  the discount, a reduction of the price like a credit note (`DiscountTaken`). One payment
  or several, nothing else counts: a part paid in the window earns nothing on its own, and
  the whole discount is lost with the window — what is left is owed in full.
* **On offer.** While the window is open and the invoice is not settled, an action's
  ``amounts`` offer the discount: ``rate`` % of the invoice's undisputed amount (never more
  than the principal left), so that ``discounted_total`` is what, paid in the window,
  settles the invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from paychase.calendar._protocols import HolidayCalendar
from paychase.case._contracts import EarlyPaymentDiscount
from paychase.case._invoices import Invoice
from paychase.case._money import round_money

__all__ = ["DiscountTaken", "discount_on_offer", "discount_taken"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class DiscountTaken:
    """An early-payment discount the client earned by paying the discounted total in time."""

    on: date  # the day the payments in the window reached the discounted total
    amount: Decimal  # what they left unpaid of the invoice: the discount granted


def discount_taken(
    invoice: Invoice, offer: EarlyPaymentDiscount | None, calendar: HolidayCalendar
) -> DiscountTaken | None:
    """The discount the payments of `invoice` earned under `offer`, if they earned one.

    None also when the payments in the window cover the whole invoice: nothing is left to
    grant.
    """
    if offer is None:
        return None
    until = offer.within.shift_date(invoice.issued, calendar)
    target = invoice.billed - _discount(invoice.billed, offer, invoice.currency)
    running = ZERO
    for payment in sorted(invoice.payments, key=lambda p: p.date):
        if payment.date > until:
            break
        running += payment.amount
        if running >= target:
            left = invoice.billed - running
            return DiscountTaken(payment.date, left) if left > 0 else None
    return None


def discount_on_offer(
    invoice: Invoice,
    offer: EarlyPaymentDiscount | None,
    calendar: HolidayCalendar,
    *,
    base: Decimal,
    principal: Decimal,
    as_of: date,
) -> tuple[Decimal, date] | None:
    """The discount on offer on `as_of` and the window's last day, if one is on offer.

    `base` is what the invoice bills less what the client disputes; `principal` what is left
    of it unpaid on `as_of`.
    """
    if offer is None or principal <= 0:
        return None
    until = offer.within.shift_date(invoice.issued, calendar)
    if as_of > until:  # it expires exactly: the last day is `until`
        return None
    return min(_discount(base, offer, invoice.currency), principal), until


def _discount(amount: Decimal, offer: EarlyPaymentDiscount, currency: str) -> Decimal:
    """``rate`` % of `amount`, rounded to the currency's minor unit."""
    return round_money(amount * offer.rate / 100, currency)
