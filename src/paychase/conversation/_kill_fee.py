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

from paychase._reason import Param, ReasonPart, english, part
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
_UNITS: Final = frozenset({"d", "bd", "w", "h"})  # the units a `duration.<unit>` clause says


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
    found = _kill_fee_charge(contract, clause, silent_since, books)
    if found is None:
        return None
    charge, rule = found
    currency = contract.currency
    billed = billed_milestones(contract, books)
    done = [m for m in contract.milestones if m.due <= books.today and m.id not in billed]
    amount = charge.amount + sum((round_money(m.amount, currency) for m in done), ZERO)
    work = [
        part(
            "kill_fee.work_item",
            milestone=m.id,
            name=m.name,
            amount=round_money(m.amount, currency),
            currency=currency,
        )
        for m in done
    ]
    silent = "heard" if heard and max(heard) >= started else "started"
    pause = part(
        "kill_fee.pause",
        silence=spoken(clause.after_silence),
        ended=silence_ends,
        contract=contract.id,
        fee=charge.amount,
        currency=currency,
        rule=rule,
    )
    to_bill = (
        (part("kill_fee.work", item=work[0]), *work[1:]) if work else (part("kill_fee.no_work"),)
    )
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
        why=(
            part(f"kill_fee.silent_{silent}", since=silent_since),
            pause,
            *to_bill,
            part("kill_fee.total", amount=amount, currency=currency),
        ),
    )


def _kill_fee_charge(
    contract: Contract, clause: KillFee, silent_since: date, books: WorkBooks
) -> tuple[Charge, ReasonPart] | None:
    """The kill fee with its computation and its rule as a clause.

    None for a share of an unknown contract value.
    """
    currency, today = contract.currency, books.today
    silence: dict[str, Param] = {"silence": spoken(clause.after_silence), "since": silent_since}
    rule: ReasonPart
    if clause.amount is not None:
        fee = base = exact = round_money(clause.amount, currency)
        rule = part("kill_fee.rule_amount", fee=fee, currency=currency, **silence)
    else:
        value = contract_value(contract)
        if clause.rate is None or value is None:  # Case validation refuses both
            return None
        billed = sum((i.billed for i in books.of(contract, _BILLS_WORK)), ZERO)
        base = round_money(max(value - billed, ZERO), currency)
        exact = base * clause.rate / _HUNDRED
        fee = round_money(exact, currency)
        rule = part(
            "kill_fee.rule_rate",
            rate=percent(clause.rate),
            base=part("sum", amount=base, currency=currency),
            value=part("sum", amount=round_money(value, currency), currency=currency),
            billed=part("sum", amount=round_money(billed, currency), currency=currency),
            **silence,
        )
    line = ChargeLine.trusted(
        from_=silent_since,
        to=today,
        days=(today - silent_since).days,
        base=base,
        rate=clause.rate,
        amount=exact,
    )
    charge = Charge.trusted(
        invoice=contract.id,
        kind="kill_fee",
        amount=fee,
        currency=currency,
        as_of=today,
        rule=english(rule),
        lines=(line,),
    )
    return charge, rule


def spoken(duration: Duration) -> ReasonPart:
    """``21d`` → ``21 days``; a duration moved to a weekday (``+1w@TU``) stays as written."""
    if duration.weekday is not None or duration.unit not in _UNITS:
        return part("duration.as_written", duration=str(duration))
    return part(f"duration.{duration.unit}", count=duration.count)
