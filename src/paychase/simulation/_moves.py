"""The script's moves, played into one client's case as a host would record them.

A payment is added to the invoices it pays, oldest first; a reply, a promise or a dispute is an
inbound history event; a bounce makes a channel dead for the client, so that what is sent there
bounces; a reply on ``phone`` means the client answers our next call. The conversations a
script may hold with the client are played the same way: an instalment plan the client agrees
to (`InstalmentPlan`), and our resolution of a dispute (a ``dispute_resolved`` event, with a
credit note where we credit the client). Each move writes its timeline entry, saying what it did.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from paychase.calendar._local_time import zone
from paychase.case._history import ContactEvent
from paychase.case._instalment_plan import Frequency, InstalmentPlan
from paychase.case._invoices import CreditNote, Invoice, Payment
from paychase.case._money import check_precision, round_money
from paychase.case._parties import Client
from paychase.conversation._arrangements import unpaid_before
from paychase.conversation._channels import route_of
from paychase.conversation._instalments import Instalment, schedule
from paychase.errors import InvalidCaseError
from paychase.money._balances import ZERO, balance_of
from paychase.policy._policy import Channel
from paychase.simulation._moments import day_of
from paychase.simulation._script import Behaviour, Scheduled
from paychase.simulation._world import World, move_entry

__all__ = ["play"]

_CHASED: Final = frozenset({"open", "disputed"})


def play(world: World, move: Scheduled) -> None:
    """Play a scripted move at its moment: it changes the case as a host would record it.

    A payment, an inbound event, a dead channel, an instalment plan, a dispute resolved.
    """
    behaviour = move.behaviour
    client = world.clients[behaviour.client]
    local = move.at.astimezone(zone(client.timezone))
    if behaviour.do == "resolve_dispute":
        _resolve_dispute(world, move, client, local)
        return
    targets = [] if behaviour.chase is not None else _targets(world, behaviour, local.date())
    if behaviour.do in ("pay", "pay_in_part"):
        _pay(world, move, client, local, targets)
    elif behaviour.do == "bounce":
        _bounce(world, move, client, local)
    elif behaviour.do == "reply" and behaviour.channel == "phone":
        world.answers[client.id] += 1
        why = f"scripted: {client.id} will answer the next call"
        world.note(move, local, targets, why, None)
    elif behaviour.do == "agree_plan":
        _agree_plan(world, move, client, local, targets)
    else:
        _inbound(world, move, client, local, targets)


def _targets(world: World, behaviour: Behaviour, day: date) -> list[Invoice]:
    """The invoice named, or every open invoice of the client on `day`, oldest first."""
    if behaviour.invoice is not None:
        return [i for i in world.case.invoices if i.id == behaviour.invoice]
    return sorted(
        (
            invoice
            for invoice in world.case.invoices
            if world.owner[invoice.contract] == behaviour.client
            and invoice.status in _CHASED
            and invoice.issued <= day
            and balance_of(invoice, day).owed > ZERO
        ),
        key=lambda invoice: (invoice.issued, invoice.id),
    )


def _pay(
    world: World, move: Scheduled, client: Client, local: datetime, targets: list[Invoice]
) -> None:
    left = _checked_amount(move, targets)
    paid_any = False
    for invoice in targets:
        owed = balance_of(invoice, local.date()).owed
        amount = owed if left is None else min(left, owed)
        if amount <= ZERO:
            continue
        _add_payment(world, invoice, Payment(date=local.date(), amount=amount, ref=_ref(move)))
        rest = owed - amount
        how = "in full" if rest == ZERO else f"in part ({rest} {invoice.currency} left)"
        why = f"scripted: {client.id} pays {invoice.label} {how}"
        world.note(move, local, [invoice], why, amount)
        paid_any = True
        if left is not None:
            left -= amount
            if left <= ZERO:
                break
    if not paid_any:
        world.note(move, local, targets, f"scripted: {client.id} owes nothing to pay", None)


def _add_payment(world: World, invoice: Invoice, payment: Payment) -> None:
    world.replace(invoice.model_copy(update={"payments": (*invoice.payments, payment)}))


def _bounce(world: World, move: Scheduled, client: Client, local: datetime) -> None:
    channel: Channel = move.behaviour.channel or "email"
    world.dead_routes[client.id].add(route_of(channel))
    address = client.address_for(channel) or "no address"
    why = f"scripted: {channel} to {address} stops working: what is sent there bounces"
    entry = move_entry(move, local, (), why)
    world.entries.append(entry.model_copy(update={"channel": channel}))


def _inbound(
    world: World, move: Scheduled, client: Client, local: datetime, targets: list[Invoice]
) -> None:
    """A reply, a promise or a dispute: an inbound history event."""
    behaviour = move.behaviour
    _checked_amount(move, targets)
    event: dict[str, Any] = {
        "at": local,
        "client": client.id,
        "invoices": [invoice.id for invoice in targets],
        "direction": "in",
        "kind": behaviour.do,
        "channel": behaviour.channel or "email",
        "chase": behaviour.chase,
    }
    if behaviour.do == "promise":
        promised = day_of(behaviour.date, client, local.date())
        event["promise"] = {"date": promised, "amount": behaviour.amount}
        why = f"promises to pay {_sum_text(behaviour.amount, targets)} by {promised}"
    elif behaviour.do == "dispute":
        event["dispute"] = {"amount": behaviour.amount, "reason": behaviour.reason}
        said = f" ('{behaviour.reason}')" if behaviour.reason else ""
        why = f"disputes {_sum_text(behaviour.amount, targets)}{said}"
    elif behaviour.chase is not None:
        why = f"replies by {event['channel']} in chase '{behaviour.chase}'"
    else:
        why = f"replies by {event['channel']}"
    world.record(ContactEvent.model_validate(event))
    world.note(move, local, targets, f"scripted: {client.id} {why}", behaviour.amount)


def _agree_plan(
    world: World, move: Scheduled, client: Client, local: datetime, targets: list[Invoice]
) -> None:
    """The client agrees to pay in instalments: an `InstalmentPlan`, agreed that day.

    The plan is the record of the agreement, as a host keeps it: no ``reply`` is recorded
    beside it. The planner already gives the plan its due (its reminders replace the
    ladder while it holds); a reply would add nothing while the plan holds, and after a
    break would still count as an answer to the last ladder step, so that the firm step
    (``requires: no_reply``) would be passed over. A host that records the client's
    message as well scripts a ``reply`` on the same day.
    """
    agreed = local.date()
    owing = [i for i in targets if balance_of(i, agreed).owed > ZERO]
    agreement, parts = _agreement(move, client, agreed, owing)
    world.case = world.case.model_copy(
        update={"instalment_plans": (*world.case.instalment_plans, agreement)}
    )
    total = sum((part.amount for part in parts), ZERO)
    regular, last = parts[0].amount, parts[-1].amount
    split = f"{len(parts)} instalment{'s' * (len(parts) > 1)} of {regular} {owing[0].currency}"
    split += f" (the last {last})" if last != regular else ""
    why = (
        f"scripted: {client.id} agrees to {split}, every {agreement.every} from "
        f"{agreement.first} (plan '{agreement.id}')"
    )
    world.note(move, local, owing, why, total)


def _resolve_dispute(world: World, move: Scheduled, client: Client, local: datetime) -> None:
    """We resolve the client's open dispute: the event, and a credit note for ``credited``.

    The outbound ``dispute_resolved`` event names the invoices whose dispute ends; an
    invoice whose status was ``disputed`` is open again, as a host sets it when the
    dispute ends. The planner then resumes dunning where it stopped.
    """
    behaviour, where = move.behaviour, f"script[{move.index}]"
    disputed = _disputed(world, behaviour, client, move.at)
    if not disputed:
        named = behaviour.invoice is not None
        raise InvalidCaseError(
            f"no open dispute {'about this invoice' if named else f'of {client.id}'} on "
            f"{local.date()}: a dispute comes before its resolution",
            field=f"{where}.invoice" if named else f"{where}.on",
        )
    resolution = behaviour.resolution
    assert resolution is not None  # resolve_dispute needs it (Behaviour checks it)
    amount = None
    if resolution == "credited":
        if len(disputed) > 1:
            raise InvalidCaseError(
                f"the open disputes concern {', '.join(disputed)}: name the 'invoice' the "
                "credit note is for",
                field=f"{where}.invoice",
            )
        ((invoice_id, disputes),) = disputed.items()
        amount = _credit(world, move, local, invoice_id, disputes)
    invoices = [i for i in world.case.invoices if i.id in disputed]
    for invoice in invoices:
        if invoice.status == "disputed":  # what the host does when the dispute ends
            world.replace(invoice.model_copy(update={"status": "open"}))
    world.record(
        ContactEvent(
            at=local,
            client=client.id,
            invoices=tuple(disputed),
            direction="out",
            kind="dispute_resolved",
            resolution=resolution,
            note=f"credit note {_ref(move)}" if amount is not None else None,
        )
    )
    labels = ", ".join(invoice.label for invoice in invoices)
    how = {
        "credited": f"we credit {labels} (a credit note): the dispute ends",
        "withdrawn": f"{client.id} withdraws the dispute about {labels}",
        "rejected": f"we reject the dispute about {labels}",
    }[resolution]
    world.note(move, local, invoices, f"scripted: {how}", amount)


def _disputed(
    world: World, behaviour: Behaviour, client: Client, moment: datetime
) -> dict[str, list[ContactEvent]]:
    """The invoices (the one named, or the client's) with a dispute open at `moment`.

    Each comes with the disputes raised since its last resolution; an invoice whose
    status is ``disputed`` has an open dispute that no event may name.
    """
    history = sorted(
        (e for e in world.case.history if e.client == client.id and e.at <= moment),
        key=lambda e: e.at,
    )
    open_disputes: dict[str, list[ContactEvent]] = {}
    for invoice in world.case.invoices:
        if world.owner[invoice.contract] != client.id or behaviour.invoice not in (
            None,
            invoice.id,
        ):
            continue
        raised: list[ContactEvent] = []
        for event in history:
            if invoice.id in event.invoices and event.kind == "dispute_resolved":
                raised = []
            elif invoice.id in event.invoices and event.kind == "dispute":
                raised.append(event)
        if raised or invoice.status == "disputed":
            open_disputes[invoice.id] = raised
    return open_disputes


def _credit(
    world: World, move: Scheduled, local: datetime, invoice_id: str, disputes: list[ContactEvent]
) -> Decimal:
    """Book the credit note of a ``credited`` resolution on the invoice; its amount."""
    where = f"script[{move.index}]"
    invoice = next(i for i in world.case.invoices if i.id == invoice_id)
    amount = move.behaviour.amount
    if amount is None:
        named = [e.dispute.amount if e.dispute is not None else None for e in disputes]
        if not named or None in named:
            raise InvalidCaseError(
                f"the dispute about {invoice.label} named no amount: give the credit "
                "note's 'amount'",
                field=f"{where}.amount",
            )
        amount = sum((a for a in named if a is not None), ZERO)
    check_precision(amount, invoice.currency, field=f"{where}.amount")
    if amount > invoice.billed:
        raise InvalidCaseError(
            f"more than {invoice.label} still bills ({invoice.billed} {invoice.currency})",
            field=f"{where}.amount",
            value=str(amount),
        )
    note = CreditNote(date=local.date(), amount=amount, ref=_ref(move))
    world.replace(invoice.model_copy(update={"credit_notes": (*invoice.credit_notes, note)}))
    return amount


def _checked_amount(move: Scheduled, targets: Sequence[Invoice]) -> Decimal | None:
    """The move's amount, once it is known to be in one currency and to fit its minor unit."""
    amount, where = move.behaviour.amount, f"script[{move.index}]"
    if amount is not None:
        _one_currency(targets, where)
        for invoice in targets[:1]:
            check_precision(amount, invoice.currency, field=f"{where}.amount")
    return amount


def _one_currency(
    targets: Sequence[Invoice], where: str, *, what: str = "an amount is in one currency"
) -> None:
    currencies = sorted({invoice.currency for invoice in targets})
    if len(currencies) > 1:
        raise InvalidCaseError(
            f"{what}, and the client owes in {' and '.join(currencies)}: name the 'invoice'",
            field=f"{where}.invoice",
        )


def _agreement(
    move: Scheduled, client: Client, agreed: date, owing: Sequence[Invoice]
) -> tuple[InstalmentPlan, tuple[Instalment, ...]]:
    """The instalment plan an ``agree_plan`` move agrees on `agreed` over `owing`, and its parts.

    Raises:
        InvalidCaseError: nothing is owed, the invoices span currencies, the first instalment
            falls before the agreement, or the total cannot be split so (naming the field).
    """
    behaviour, where = move.behaviour, f"script[{move.index}]"
    if not owing:
        raise InvalidCaseError(
            f"{client.id} owes nothing on {agreed} to pay in instalments",
            field=f"{where}.invoice" if behaviour.invoice is not None else f"{where}.on",
        )
    _one_currency(owing, where, what="one plan settles one currency")
    currency = owing[0].currency
    first = day_of(behaviour.first, client, agreed)
    if first < agreed:
        raise InvalidCaseError(
            f"the first instalment falls due before the plan is agreed on {agreed}",
            field=f"{where}.first",
            value=first.isoformat(),
        )
    total = behaviour.amount
    if total is not None:
        check_precision(total, currency, field=f"{where}.amount")
    count = behaviour.instalments
    assert count is not None  # agree_plan needs it (Behaviour checks it)
    every = behaviour.every or Frequency(1, "m")
    try:
        parts = schedule(total or unpaid_before(owing, agreed), currency, count, first, every)
    except InvalidCaseError as error:
        field = "amount" if total is not None else "instalments"
        raise InvalidCaseError(error.problem, field=f"{where}.{field}") from None
    agreement = InstalmentPlan(
        id=f"script-plan-{move.index}",
        client=client.id,
        invoices=tuple(invoice.id for invoice in owing),
        agreed=agreed,
        instalments=count,
        first=first,
        every=every,
        total=total,
    )
    return agreement, parts


def _sum_text(amount: Decimal | None, targets: Sequence[Invoice]) -> str:
    if amount is None:
        return f"all of {', '.join(i.label for i in targets) or 'what is owed'}"
    if not targets:
        return str(amount)
    return f"{round_money(amount, targets[0].currency)} {targets[0].currency}"


def _ref(move: Scheduled) -> str:
    return f"simulated script[{move.index}]"
