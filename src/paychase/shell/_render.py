"""Planned actions turned into messages: sandboxed jinja2 templates, babel formatting.

Templates are data a host may supply, so they run in jinja2's immutable sandbox: no attribute
starting with ``_``, no Python internals, no imports, no file access beyond other templates of
the same loaders. A variable the template names but the context lacks is an error
(``StrictUndefined``), never a blank in a letter to a client. The plain-text parts are rendered
without escaping, the HTML part with autoescaping, from the same template.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    pass_context,
)
from jinja2.runtime import Context as JinjaContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from paychase._actions import Action, Plan
from paychase._case import Case, Invoice
from paychase._interest import RateTable
from paychase._policy import ActionKind, Channel
from paychase._protocols import CalendarFactory
from paychase.errors import InvalidCaseError, PluginError
from paychase.shell._context import build_context
from paychase.shell._formatting import plural_category
from paychase.shell._message import Attachment, Message, Recipient
from paychase.shell._templates import (
    BuiltinTemplates,
    TemplateLoader,
    find_source,
    is_template_name,
    locale_chain,
)

__all__ = ["InvoiceDocuments", "Renderer", "template_names"]

InvoiceDocuments = Callable[[Invoice], Attachment | None]
"""Finds the document of an invoice (its PDF) to attach; None when there is none."""

# Kinds whose text is for the sender (a task, a booking, a brief for counsel), not the client.
_FOR_SENDER: frozenset[ActionKind] = frozenset({"review", "apply_fee", "escalate"})

# Actions outside the ladder name their template by what they are about.
_SPECIFIC = {
    ("request_deposit", "materials"): "work/materials",
    ("pause_work", "kill_fee"): "work/kill_fee",
}

_TEXT_WIDTH = 72
_NOTICE_CHANNELS: tuple[Channel, ...] = ("email", "sms", "letter")


def template_names(action: Action) -> tuple[str, ...]:
    """The template names tried for `action`, most specific first.

    A ladder step names its own (``freelancer/polite``); everything falls back to
    ``generic/<kind>``, so an inline policy's steps render without templates of their own.
    """
    first = action.template or _SPECIFIC.get((action.kind, action.step or ""))
    generic = f"generic/{action.kind}"
    return (first, generic) if first and first != generic else (generic,)


@dataclass(slots=True)
class _Environments:
    text: Environment
    html: Environment


class _ChainLoader(BaseLoader):
    """Serves jinja2 the first template along a locale chain, host loaders first."""

    def __init__(self, loaders: Sequence[TemplateLoader], chain: tuple[str, ...]) -> None:
        self._loaders = loaders
        self._chain = chain

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if not is_template_name(template):
            raise TemplateNotFound(template)
        found = find_source(self._loaders, template, self._chain)
        if found is None:
            raise TemplateNotFound(template)
        source, locale = found
        return source, f"{locale}/{template}", lambda: True


@dataclass(slots=True)
class Renderer:
    """Renders planned actions into `Message` objects in each reader's language.

    Args:
        templates: host template loaders, asked before the built-ins, in order.
        documents: finds an invoice's document to attach where a step says so.
        calendars, rates: as for `plan()`; the fee computations in messages use them.

    >>> import json, pathlib, paychase
    >>> case = paychase.Case.model_validate(json.loads(pathlib.Path(
    ...     "examples/portfolio.json").read_text()))
    >>> action = next(a for a in paychase.plan(case).actions if a.client == "nowak"
    ...     and a.kind == "call")
    >>> Renderer().render(case, action).subject
    'Rozmowa z Pracownia Nowak sp. z o.o. w sprawie FV/2026/02/014'
    """

    templates: Sequence[TemplateLoader] = ()
    documents: InvoiceDocuments | None = None
    calendars: CalendarFactory | None = None
    rates: RateTable | None = None
    _loaders: tuple[TemplateLoader, ...] = field(init=False)
    _environments: dict[tuple[str, ...], _Environments] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._loaders = (*self.templates, BuiltinTemplates())

    def render(self, case: Case, action: Action, *, locale: str | None = None) -> Message:
        """The message for `action`: subject, plain text, HTML, recipients and attachments.

        Args:
            case: the case the action was planned from (with its `sender`).
            action: one action of ``plan(case)``.
            locale: the reader's locale; by default the client's (the sender's for tasks).

        Raises:
            InvalidCaseError: the case has no `sender`, or the action's client is unknown.
            PluginError: no template exists for the action, or a template failed.
        """
        client = next((c for c in case.clients if c.id == action.client), None)
        if client is None:
            raise InvalidCaseError("unknown client", field="client", value=action.client)
        if case.sender is None:
            raise InvalidCaseError(
                "rendering needs the sender's identity: add 'sender' with at least a 'name'",
                field="sender",
            )
        audience = "sender" if action.kind in _FOR_SENDER else "client"
        wanted = locale or (case.sender.locale if audience == "sender" else client.locale)
        chain = locale_chain(wanted)
        name, written_in = self._resolve(action, chain)
        reading = wanted if _language(wanted) == _language(written_in) else written_in
        context = build_context(
            case,
            action,
            reading,
            audience=audience,
            calendars=self.calendars,
            rates=self.rates,
        )
        environments = self._environments_for(chain)
        subject, text, html = _render_parts(environments, name, context, written_in)
        attachments, notes = self._attachments(case, action)
        channel, recipients = _delivery(case, action, audience)
        return Message(
            key=action.key,
            kind=action.kind,
            channel=channel,
            locale=reading,
            template=f"{written_in}/{name}",
            recipients=recipients,
            sender=Recipient(name=case.sender.name, address=case.sender.email)
            if case.sender.email
            else None,
            subject=subject,
            text=text,
            html=html,
            attachments=attachments,
            headers=(("X-Paychase-Key", action.key), ("Content-Language", _language(reading))),
            notes=notes,
        )

    def render_plan(self, case: Case, plan: Plan) -> list[Message]:
        """Every action of `plan` rendered, in plan order."""
        return [self.render(case, action) for action in plan.actions]

    def _resolve(self, action: Action, chain: tuple[str, ...]) -> tuple[str, str]:
        for name in template_names(action):
            found = find_source(self._loaders, name, chain)
            if found is not None:
                return name, found[1]
        raise PluginError(
            f"no template for {action.kind} in {chain[0]}",
            field="template",
            value=", ".join(template_names(action)),
        )

    def _environments_for(self, chain: tuple[str, ...]) -> _Environments:
        environments = self._environments.get(chain)
        if environments is None:
            loader = _ChainLoader(self._loaders, chain)
            environments = _Environments(
                text=_environment(loader, html=False), html=_environment(loader, html=True)
            )
            self._environments[chain] = environments
        return environments

    def _attachments(
        self, case: Case, action: Action
    ) -> tuple[tuple[Attachment, ...], tuple[str, ...]]:
        if not action.attach_invoice:
            return (), ()
        attachments, notes = [], []
        for invoice in (i for i in case.invoices if i.id in action.invoices):
            document = self.documents(invoice) if self.documents else None
            if document is None:
                notes.append(f"invoice {invoice.label} should be attached: no document found")
            else:
                attachments.append(document)
        return tuple(attachments), tuple(notes)


def _language(locale: str) -> str:
    return Locale.parse(locale).language


def _delivery(case: Case, action: Action, audience: str) -> tuple[Channel, tuple[Recipient, ...]]:
    """The channel a message goes by and to whom.

    Tasks go to the sender. A notice about something the host does itself (``system``: work
    paused, service suspended or restored) goes to the client by their preferred channel, else
    the first of e-mail, SMS and post they have an address for.
    """
    sender = case.sender
    if audience == "sender":
        if sender is not None and sender.email:
            return "system", (Recipient(name=sender.name, address=sender.email),)
        return "system", ()
    client = next(c for c in case.clients if c.id == action.client)
    channel = action.channel
    if channel == "system":
        preferred = (client.preferred_channel,) if client.preferred_channel else ()
        channel = next(
            (c for c in (*preferred, *_NOTICE_CHANNELS) if client.contacts.address_for(c)),
            "system",
        )
    address = client.contacts.address_for(channel)
    return channel, ((Recipient(name=client.name, address=address),) if address else ())


def _environment(loader: BaseLoader, *, html: bool) -> Environment:
    environment = ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.filters["paragraphs"] = _html_paragraphs if html else _text_paragraphs
    environment.filters["plural"] = _plural
    environment.filters["upper_first"] = _upper_first
    return environment


def _render_parts(
    environments: _Environments, name: str, context: Mapping[str, Any], written_in: str
) -> tuple[str, str, str]:
    try:
        subject = environments.text.get_template(name).render(context, part="subject")
        text = environments.text.get_template(name).render(context, part="text")
        html = environments.html.get_template(name).render(context, part="html")
    except TemplateError as error:
        raise PluginError(
            f"template failed: {type(error).__name__}: {error}",
            field="template",
            value=f"{written_in}/{name}",
        ) from None
    return " ".join(subject.split()), _tidy_text(text), html.strip() + "\n"


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _blocks(text: str) -> Iterable[list[str]]:
    """Paragraphs of `text` (split at blank lines), each as its non-empty stripped lines."""
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines:
            yield lines


def _is_list(lines: list[str]) -> bool:
    return all(line.startswith("- ") for line in lines)


def _text_paragraphs(text: str) -> str:
    """Paragraphs reflowed to 72 columns; a block of ``- `` lines stays a list."""
    out = []
    for lines in _blocks(str(text)):
        if _is_list(lines):
            out.append(
                "\n".join(
                    textwrap.fill(line, _TEXT_WIDTH, subsequent_indent="  ") for line in lines
                )
            )
        else:
            out.append(textwrap.fill(" ".join(lines), _TEXT_WIDTH))
    return "\n\n".join(out)


def _html_paragraphs(text: Markup | str) -> Markup:
    """Paragraphs as ``<p>``; a block of ``- `` lines becomes a ``<ul>``."""
    safe = text if isinstance(text, Markup) else escape(text)
    out = []
    for lines in _blocks(safe):
        if _is_list(lines):
            items = Markup("").join(Markup("<li>{}</li>").format(Markup(line[2:])) for line in lines)
            out.append(Markup("<ul>{}</ul>").format(items))
        else:
            out.append(Markup("<p>{}</p>").format(Markup(" ".join(lines))))
    return Markup("\n").join(out)


def _upper_first(text: str) -> str:
    """The text with its first letter in upper case and the rest untouched (unlike capitalize)."""
    return text[:1].upper() + text[1:]


@pass_context
def _plural(context: JinjaContext, count: Any, **forms: str) -> str:
    """The word for `count` by CLDR plural category: ``n|plural(one=..., few=..., other=...)``."""
    if "other" not in forms:
        raise TemplateError("plural() needs at least the 'other' form")
    category = plural_category(count, str(context["locale"]))
    return forms.get(category, forms["other"])
