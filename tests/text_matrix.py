"""The generated matrix of built-in texts (issue 17, item 2): every template in every language,
for 1, 2, 5 and 21 invoices, addressed to a company or to a man, a woman or a person whose
gender is unknown, at a business or as a consumer, with charges and without. The 2- and
5-invoice cells come once more with the invoices falling due a week apart (`staggered`), for a
company and a woman who buys as a consumer: a text must not give one invoice's due date, or its
days overdue, as those of all.

Each template is taken from the sample actions of `paychase.messages._samples` (one per
template, channel and tone) and re-rendered for every cell: the sample case is altered — the
client's kind, its contact, the contract's charges, the invoices it owes — and the action's
amounts recomputed by the money engine, so every cell carries the figures a real plan would.
A company cannot be a consumer, so that cell is left out; a chase or an instalment reminder is
not about a list of invoices, so it is rendered for its own invoices only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Literal

from paychase import BUILTIN_POLICIES, Action, Case
from paychase.messages import BUILTIN_LOCALES, Message, Renderer
from paychase.messages._samples import _DUE, Party, Sample, _amounts, addressed_client, samples
from paychase.money._amounts import Amounts
from paychase.policy._builtin import CHASE_POLICIES

Kind = Literal["business", "consumer"]
COUNTS = (1, 2, 5, 21)
PARTIES: tuple[Party, ...] = ("company", "man", "woman", "unknown")
KINDS: tuple[Kind, ...] = ("business", "consumer")
CHARGES = (True, False)
# The cells rendered again with due dates a week apart: counts and (kind, party).
STAGGERED_COUNTS = (2, 5)
STAGGERED_PARTIES: tuple[tuple[Kind, Party], ...] = (("business", "company"), ("consumer", "woman"))


@dataclass(frozen=True, slots=True)
class Cell:
    """One rendered text of the matrix, with what it was rendered for."""

    label: str
    language: str
    count: int
    party: Party
    kind: Kind
    charges: bool
    case: Case
    action: Action
    message: Message
    staggered: bool = False

    def __str__(self) -> str:
        charges = "charges" if self.charges else "no charges"
        dues = ", staggered dues" if self.staggered else ""
        return f"{self.label} [{self.count} inv, {self.party}, {self.kind}, {charges}{dues}]"


@cache
def templates(language: str) -> tuple[Sample, ...]:
    """One sample per template, channel and tone (and first contact or not) in `language`."""
    chosen: dict[tuple[str, str, str, bool], Sample] = {}
    for policy in (*BUILTIN_POLICIES, *CHASE_POLICIES):
        for sample in samples(policy, language):
            action = sample.action
            first = sample.label.endswith(":first")
            chosen.setdefault((action.template, action.channel, action.tone, first), sample)
    return tuple(chosen.values())


def template_ids() -> list[tuple[str, int]]:
    """(language, index of the template) for every template: one test each, for xdist."""
    return [(lang, i) for lang in BUILTIN_LOCALES for i in range(len(templates(lang)))]


def cells(language: str, index: int) -> Iterator[Cell]:
    """Every cell of the matrix for one template of `language`."""
    sample = templates(language)[index]
    listed = set(sample.action.invoices) == {"i1", "i2"} and not sample.case.instalment_plans
    plain = [
        (count, kind, party, charges, False)
        for count in (COUNTS if listed else (len(sample.action.invoices),))
        for kind in KINDS
        for party in PARTIES
        if not (kind == "consumer" and party == "company")
        for charges in CHARGES
    ]
    staggered = [
        (count, kind, party, charges, True)
        for count in (STAGGERED_COUNTS if listed else ())
        for kind, party in STAGGERED_PARTIES
        for charges in CHARGES
    ]
    renderer = _renderer()
    for count, kind, party, charges, stagger in (*plain, *staggered):
        case, action = _altered(
            sample,
            language,
            count=count,
            party=party,
            kind=kind,
            charges=charges,
            listed=listed,
            staggered=stagger,
        )
        message = renderer.render(case, action)
        yield Cell(
            sample.label, language, count, party, kind, charges, case, action, message, stagger
        )


@cache
def _renderer() -> Renderer:
    """One renderer per process: its compiled templates serve every cell."""
    return Renderer()


def _altered(
    sample: Sample,
    language: str,
    *,
    count: int,
    party: Party,
    kind: Kind,
    charges: bool,
    listed: bool,
    staggered: bool = False,
) -> tuple[Case, Action]:
    cell = (language, count if listed else 0, party, kind, charges, staggered)
    case = _case_for(sample.case, cell)
    ids = tuple(f"i{n}" for n in range(1, count + 1)) if listed else sample.action.invoices
    update: dict[str, Any] = {"invoices": ids, "invoice_steps": ()}
    if sample.action.amounts is not None:
        update["amounts"] = _amounts_for(case, sample.action.at, ids)
    if not charges:
        update["charges"] = ()
    return case, sample.action.model_copy(update=update)


# The cases of the cells, by sample case and cell: the templates of one sample case share them.
_CASES: dict[tuple[int, tuple[Any, ...]], tuple[Case, Case]] = {}
Shape = tuple[str, int, Party, Kind, bool, bool]
_AMOUNTS: dict[tuple[int, datetime, tuple[str, ...]], tuple[Case, Amounts]] = {}


def _case_for(base: Case, cell: Shape) -> Case:
    kept = _CASES.get((id(base), cell))
    if kept is None or kept[0] is not base:
        kept = (base, _build(base, cell))
        _CASES[(id(base), cell)] = kept
    return kept[1]


def _amounts_for(case: Case, at: datetime, ids: tuple[str, ...]) -> Amounts:
    kept = _AMOUNTS.get((id(case), at, ids))
    if kept is None or kept[0] is not case:
        kept = (case, _amounts(case, at, ids))
        _AMOUNTS[(id(case), at, ids)] = kept
    return kept[1]


def _build(base: Case, cell: Shape) -> Case:
    """`base` for one cell (language, count, party, kind, charges, staggered).

    Count 0 keeps its invoices. Staggered: the last invoice falls due on the sample's due date
    and each one before it a week later, so the first invoice is the newest and the last the
    oldest (a text that names the first one's date names neither the oldest nor all).
    """
    language, count, party, kind, charges, staggered = cell
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    client = data["clients"][0]
    data["clients"][0] = addressed_client(client, language, party, kind)
    if not charges:
        for contract in data["contracts"]:
            contract["late_fee"] = {"kind": "none"}
            contract["fixed_compensation"] = False
    if count:
        first, second, *others = data["invoices"]
        data["invoices"] = [
            first,
            *(second | {"id": f"i{n}", "number": f"2026/01/{n}"} for n in range(2, count + 1)),
            *others,
        ]
        if staggered:
            for n, invoice in enumerate(data["invoices"][:count], start=1):
                invoice["due"] = (_DUE + timedelta(weeks=count - n)).isoformat()
        kept = {invoice["id"] for invoice in data["invoices"]}
        for event in data.get("history", []):
            event["invoices"] = [i for i in event.get("invoices", []) if i in kept]
    return Case.model_validate(data)
