"""Rule 3 of the work contracts (`paychase.conversation._work`): the kill fee.

Work started and not finished, and the client silent for the clause's ``after_silence``: pause
the work (``pause_work``, topic ``kill_fee``) and bill the kill fee with its computation, plus
the milestones already due that no invoice bills yet. Stop when the client goes silent, billing
the work done; the pause is never lifted automatically.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from paychase.calendar._durations import Duration
from paychase.case._contracts import Contract, KillFee, contract_value
from paychase.case._money import round_money
from paychase.conversation._milestones import billed_milestones
from paychase.conversation._work_books import WorkBooks, WorkNeed, percent
from paychase.money._amounts import Charge, ChargeLine
from paychase.money._balances import ZERO

__all__ = ["kill_fee_need"]

_HUNDRED: Final = Decimal(100)
# Invoices that bill the job itself; materials are passed-through costs, not contract value.
_BILLS_WORK: Final = frozenset({"invoice", "milestone", "deposit"})
_UNIT_WORDS: Final = {"d": "days", "bd": "business days", "w": "weeks", "h": "hours"}


def kill_fee_need(contract: Contract, books: WorkBooks) -> WorkNeed | None:
    """The kill fee's pause once the client has been silent long enough, or None."""
    clause, started = contract.kill_fee, contract.work_started
    prefix = f"{contract.id}/kill_fee/"
    if clause is None or started is None or not books.working(contract) or books.paused(prefix):
        return None
    heard = [books.local_date(e.at) for e in books.events if e.direction == "in"]
    silent_since = max([started, *heard])
    silence_ends = clause.after_silence.shift_date(silent_since, books.calendar)
    if books.today < silence_ends:
        return None
    charge = _kill_fee_charge(contract, clause, silent_since, books)
    if charge is None:
        return None
    currency = contract.currency
    billed = billed_milestones(contract, books)
    done = [m for m in contract.milestones if m.due <= books.today and m.id not in billed]
    amount = charge.amount + sum((round_money(m.amount, currency) for m in done), ZERO)
    work = "; ".join(f"{m.id} {m.name} {round_money(m.amount, currency)}" for m in done)
    since = "last heard from" if heard and max(heard) >= started else "work started"
    return WorkNeed(
        kind="pause_work",
        contract=contract.id,
        topic="kill_fee",
        number=books.pauses(prefix) + 1,
        invoices=(),
        not_before=books.today,
        amount=amount,
        currency=currency,
        charges=(charge,),
        reason=f"no word from the client since {silent_since} ({since}); "
        f"{_spoken(clause.after_silence)} of silence ended {silence_ends}: pause the work on "
        f"contract {contract.id} and bill the kill fee of {charge.amount} {currency} "
        f"({charge.rule}); "
        + (f"bill the work done: {work}" if done else "no work done is left unbilled")
        + f"; {amount} {currency} in all. The pause is not lifted automatically: resume the "
        "work when the client is back",
    )


def _kill_fee_charge(
    contract: Contract, clause: KillFee, silent_since: date, books: WorkBooks
) -> Charge | None:
    """The kill fee with its computation, or None for a share of an unknown contract value."""
    currency, today = contract.currency, books.today
    silence = f"after {_spoken(clause.after_silence)} of silence since {silent_since}"
    if clause.amount is not None:
        fee = base = exact = round_money(clause.amount, currency)
        rule = f"kill fee: {fee} as agreed {silence}"
    else:
        value = contract_value(contract)
        if clause.rate is None or value is None:  # Case validation refuses both
            return None
        billed = sum((i.billed for i in books.of(contract, _BILLS_WORK)), ZERO)
        base = round_money(max(value - billed, ZERO), currency)
        exact = base * clause.rate / _HUNDRED
        fee = round_money(exact, currency)
        rule = (
            f"kill fee: {percent(clause.rate)} of the remaining contract value {base} "
            f"(value {round_money(value, currency)} less {round_money(billed, currency)} "
            f"billed) {silence}"
        )
    line = ChargeLine.trusted(
        from_=silent_since,
        to=today,
        days=(today - silent_since).days,
        base=base,
        rate=clause.rate,
        amount=exact,
    )
    return Charge.trusted(
        invoice=contract.id,
        kind="kill_fee",
        amount=fee,
        currency=currency,
        as_of=today,
        rule=rule,
        lines=(line,),
    )


def _spoken(duration: Duration) -> str:
    """``21d`` → ``21 days``; a duration moved to a weekday (``+1w@TU``) stays as written."""
    if duration.weekday is not None:
        return str(duration)
    words = _UNIT_WORDS[duration.unit]
    return f"{duration.count} {words.removesuffix('s') if duration.count == 1 else words}"
