"""Planned actions turned into messages: sandboxed jinja2 templates, babel formatting.

Templates are data a host may supply, so they run in paychase's sandbox (`_sandbox`): no
attribute starting with ``_``, no Python internals, no imports, no file access beyond other
templates of the same loaders, nothing printed but text, numbers, dates and amounts, and a time
and size budget per render. A variable the template names but the context lacks is an error
(``StrictUndefined``), never a blank in a letter to a client. The plain-text parts are rendered
without escaping, the HTML part with autoescaping, from the same template.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    pass_context,
)
from jinja2.runtime import Context as JinjaContext
from markupsafe import Markup, escape

from paychase.calendar._protocols import CalendarFactory
from paychase.case._case import Case
from paychase.case._invoices import Invoice
from paychase.case._parties import Client, ContactPerson
from paychase.errors import InvalidCaseError, PluginError
from paychase.messages._context import build_context
from paychase.messages._formatting import plural_category
from paychase.messages._message import Attachment, Message, Recipient, message_id
from paychase.messages._sandbox import (
    MESSAGE_BUDGET,
    PAGE_BUDGET,
    TRUSTED_BUDGET,
    Budget,
    Sandbox,
    metered,
    untimed,
)
from paychase.messages._sms import SMS_SEGMENTS_NOTED, sms_length
from paychase.messages._templates import (
    BuiltinTemplates,
    TemplateLoader,
    find_source,
    is_template_name,
    language_of,
    locale_chain,
)
from paychase.money._rates import RateTable
from paychase.planner._outputs import Action, Plan
from paychase.planner._performed import MESSAGE_KINDS
from paychase.policy._policy import ActionKind, Channel

__all__ = ["InvoiceDocuments", "Renderer", "template_names"]

InvoiceDocuments = Callable[[Invoice], Attachment | None]
"""Finds the document of an invoice (its PDF) to attach; None when there is none."""

# Kinds whose text is for the sender (a task, a booking, a brief for counsel), not the client.
_FOR_SENDER: frozenset[ActionKind] = frozenset(
    {"review", "apply_fee", "escalate", "write_off", "cancel_service"}
)

# Actions outside the ladder name their template by what they are about.
_SPECIFIC = {
    ("request_deposit", "materials"): "work/materials",
    ("pause_work", "kill_fee"): "work/kill_fee",
}

_TEXT_WIDTH = 72
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# " at 0x7f3a…" in a repr an error message quotes ("list object has no element <built-in …>").
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
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
    """A locale chain's sandboxes: a message's plain text and HTML, and whole pages."""

    text: Environment
    html: Environment
    page: Environment


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

    def load(
        self,
        environment: Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,  # jinja2's name
    ) -> Template:
        """The compiled template, its loading and compiling not counted against the render's time.

        A layout or partial is compiled the first time a render includes it; that is
        paychase's work, not the template's.
        """
        with untimed():
            return super().load(environment, name, globals)


@dataclass(slots=True)
class Renderer:
    """Renders planned actions into `Message` objects in each reader's language.

    Args:
        templates: host template loaders, asked before the built-ins, in order.
        documents: finds an invoice's document to attach where a step says so.
        calendars: as for `plan()`; the fee computations in messages use them.
        rates: as for `plan()`, for the same computations.

    Raises:
        PluginError: `templates` is not a sequence of loaders, or `documents` or `calendars`
            is not callable.
        InvalidCaseError: `rates` is not a `RateTable`.

    Examples:
        >>> import json, pathlib, paychase
        >>> case = paychase.Case.model_validate(json.loads(pathlib.Path(
        ...     "examples/portfolio.json").read_text()))
        >>> action = next(a for a in paychase.plan(case, now=None).actions if a.client == "nowak"
        ...     and a.kind == "call")
        >>> Renderer().render(case, action).subject
        'Rozmowa: Pracownia Nowak sp. z o.o. – faktura nr FV/2026/02/014'
    """

    templates: Sequence[TemplateLoader] = ()
    documents: InvoiceDocuments | None = None
    calendars: CalendarFactory | None = None
    rates: RateTable | None = None
    _loaders: tuple[TemplateLoader, ...] = field(init=False)
    _environments: dict[tuple[str, ...], _Environments] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        _check_renderer(self)
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
        audience = _audience(action)
        reader = client.addressees(action.to)[:1]
        own = reader[0].locale if reader and reader[0].locale else client.locale
        wanted = locale or (case.sender.locale if audience == "sender" else own)
        name, written_in = self._resolve(action, locale_chain(wanted))
        reading, chain = _reading(wanted, written_in)
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
        channel, recipients, copies = _delivery(case, action, audience)
        if channel == "sms":
            notes = (*notes, *_sms_notes(text))
        return Message(
            key=action.key,
            kind=action.kind,
            channel=channel,
            locale=reading,
            template=f"{written_in}/{name}",
            recipients=recipients,
            cc=copies,
            sender=Recipient(name=case.sender.name, address=case.sender.email)
            if case.sender.email
            else None,
            subject=subject,
            text=text,
            html=html,
            attachments=attachments,
            headers=(
                ("Message-ID", message_id(action.key, _domain(case.sender.email))),
                ("X-Paychase-Key", action.key),
                ("Content-Language", language_of(reading)),
            ),
            notes=notes,
        )

    def render_page(
        self, name: str, locale: str, variables: Callable[[str], Mapping[str, Any]]
    ) -> str:
        """Template `name` rendered as one HTML page, such as the evidence pack.

        Args:
            name: the template's name, looked up along `locale`'s fallback chain.
            locale: the reader's locale.
            variables: builds the template's variables for the locale the page is read in
                (the reader's, or the template's own language when it had to fall back).

        Raises:
            PluginError: no template exists, or it failed.
        """
        found = find_source(self._loaders, name, locale_chain(locale))
        if found is None:
            raise PluginError(f"no template in {locale}", field="template", value=name)
        written_in = found[1]
        reading, chain = _reading(locale, written_in)
        try:
            template = self._environments_for(chain).page.get_template(name)
            page = template.render(variables(reading))
        except PluginError:  # a loader's refusal of a file already names it
            raise
        except Exception as error:  # a template is foreign code: whatever it raises is its fault
            raise _template_failed(error, f"{written_in}/{name}") from None
        return page.strip() + "\n"

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
            # A host's templates get the message budget; the built-ins alone are trusted.
            budget = MESSAGE_BUDGET if self.templates else TRUSTED_BUDGET
            environments = _Environments(
                text=_environment(loader, html=False, budget=budget),
                html=_environment(loader, html=True, budget=budget),
                page=_environment(loader, html=True, budget=PAGE_BUDGET),
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


def _sms_notes(text: str) -> tuple[str, ...]:
    """A note when an SMS takes more than `SMS_SEGMENTS_NOTED` segments (X8 of the review)."""
    length = sms_length(text.strip())
    if length.segments <= SMS_SEGMENTS_NOTED:
        return ()
    return (f"the SMS takes {length}: shorten it, or send it by e-mail",)


def _audience(action: Action) -> str:
    """Who reads the text: the sender for tasks, the client for everything else.

    A chase's ``pause_work`` is a task too: the client was told by the notice before it, and
    the pause is something the sender does, not another message to a silent client. So is a
    message recorded, not sent (its step's only channel is ``system``), such as the closing
    of a prospect's file after the last check-in.
    """
    if action.kind in _FOR_SENDER or (action.kind == "pause_work" and action.chase is not None):
        return "sender"
    if action.kind in MESSAGE_KINDS and action.channel == "system":
        return "sender"
    return "client"


def _domain(address: str | None) -> str:
    """The domain Message-IDs are made in: the sender's e-mail domain, else a reserved one."""
    domain = address.rpartition("@")[2] if address and "@" in address else ""
    return domain or "paychase.invalid"


def _delivery(
    case: Case, action: Action, audience: str
) -> tuple[Channel, tuple[Recipient, ...], tuple[Recipient, ...]]:
    """The channel a message goes by, to whom (To) and who gets a copy (Cc, e-mail only).

    Tasks go to the sender. A notice about something the host does itself (``system``: work
    paused, service suspended or restored) goes to the client by their preferred channel, else
    the first of e-mail, SMS and post they have an address for. A client's message goes to
    the contacts of the step's ``to`` roles that have an address on the channel, each by
    their name (the client's where they have none); its ``cc`` roles are copied on e-mail.
    """
    sender = case.sender
    if audience == "sender":
        if sender is not None and sender.email:
            return "system", (Recipient(name=sender.name, address=sender.email),), ()
        return "system", (), ()
    client = next(c for c in case.clients if c.id == action.client)
    channel = action.channel
    if channel == "system":
        preferred = (client.preferred_channel,) if client.preferred_channel else ()
        channel = next(
            (c for c in (*preferred, *_NOTICE_CHANNELS) if client.address_for(c, action.to)),
            "system",
        )
    recipients = _reached(client, client.addressees(action.to), channel)
    copies = (
        _reached(client, client.copied(action.cc, action.to), channel)
        if channel == "email" and action.cc
        else ()
    )
    addressed = {recipient.address for recipient in recipients}
    return channel, recipients, tuple(c for c in copies if c.address not in addressed)


def _reached(
    client: Client, people: Iterable[ContactPerson], channel: Channel
) -> tuple[Recipient, ...]:
    """`people` who have an address on `channel`, as recipients, each address once."""
    found: dict[str, Recipient] = {}
    for person in people:
        address = person.address_for(channel)
        if address:
            found.setdefault(address, Recipient(name=person.name or client.name, address=address))
    return tuple(found.values())


def _environment(loader: BaseLoader, *, html: bool, budget: Budget = MESSAGE_BUDGET) -> Environment:
    """The sandbox templates run in, with the filters the texts use, each render on `budget`."""
    paragraphs = _html_paragraphs if html else _text_paragraphs
    return Sandbox(
        budget=budget,
        filters={
            "paragraphs": paragraphs,
            "plural": _plural,
            "upper_first": _upper_first,
            "upper": _upper,
        },
        loader=loader,
        undefined=StrictUndefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def _render_parts(
    environments: _Environments, name: str, context: Mapping[str, Any], written_in: str
) -> tuple[str, str, str]:
    try:
        subject = environments.text.get_template(name).render(context, part="subject")
        text = environments.text.get_template(name).render(context, part="text")
        html = environments.html.get_template(name).render(context, part="html")
    except PluginError:  # a loader's refusal of a file already names it
        raise
    except Exception as error:  # a template is foreign code: whatever it raises is its fault
        raise _template_failed(error, f"{written_in}/{name}") from None
    return _one_line(subject), _tidy_text(text), html.strip() + "\n"


def _one_line(subject: str) -> str:
    """The subject on one line: line breaks and other control characters become spaces."""
    return " ".join(_CONTROLS.sub(" ", subject).split())


def _reading(wanted: str, written_in: str) -> tuple[str, tuple[str, ...]]:
    """The locale a text is read in, and the chain its partials are looked up along.

    A text in the reader's language is formatted in the reader's locale, its layouts and
    words found from the most specific locale down. A text that fell back to another language
    is formatted, and its partials found, in that language: never an English body with Polish
    labels and English plural rules applied to Polish words.
    """
    if language_of(wanted) == language_of(written_in):
        return wanted, locale_chain(wanted)
    return written_in, locale_chain(written_in)


def _check_renderer(renderer: Renderer) -> None:
    """Refuse what a renderer cannot use, naming the argument (not a failure mid-render)."""
    loaders = renderer.templates
    if isinstance(loaders, str | bytes) or not isinstance(loaders, Sequence):
        raise PluginError(
            "a sequence of template loaders, e.g. [TemplateDirectory(path)]",
            field="templates",
            value=loaders,
        )
    for index, loader in enumerate(loaders):
        if not isinstance(loader, TemplateLoader):
            raise PluginError(
                "not a TemplateLoader (it has no source(name, locale) method)",
                field=f"templates[{index}]",
                value=type(loader).__name__,
            )
    for name in ("documents", "calendars"):
        plugin = getattr(renderer, name)
        if plugin is not None and not callable(plugin):
            raise PluginError("must be callable", field=name, value=type(plugin).__name__)
    if renderer.rates is not None and not isinstance(renderer.rates, RateTable):
        raise InvalidCaseError(
            "not a RateTable", field="rates", value=type(renderer.rates).__name__
        )


def _template_failed(error: Exception, template: str) -> PluginError:
    """What went wrong in `template`, in one line; heap addresses jinja2 may quote are dropped."""
    detail = _ADDRESS.sub("", f"{type(error).__name__}: {error}")
    return PluginError(f"template failed: {detail}", field="template", value=template)


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
    for lines in metered(_blocks(str(text))):  # a long text is reflowed on the render's time
        if _is_list(lines):
            out.append("\n".join(_fill(line, subsequent_indent="  ") for line in metered(lines)))
        else:
            out.append(_fill(" ".join(lines)))
    return "\n\n".join(out)


def _fill(text: str, subsequent_indent: str = "") -> str:
    """Wrap at 72 columns without breaking e-mail addresses, IBANs or words at hyphens."""
    return textwrap.fill(
        text,
        _TEXT_WIDTH,
        subsequent_indent=subsequent_indent,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _html_paragraphs(text: Markup | str) -> Markup:
    """Paragraphs as ``<p>``; a block of ``- `` lines becomes a ``<ul>``."""
    safe = text if isinstance(text, Markup) else escape(text)
    out = []
    for lines in metered(_blocks(safe)):  # a long text is marked up on the render's time
        if _is_list(lines):
            items = Markup("").join(
                Markup("<li>{}</li>").format(Markup(line[2:])) for line in metered(lines)
            )
            out.append(Markup("<ul>{}</ul>").format(items))
        else:
            out.append(Markup("<p>{}</p>").format(Markup(" ".join(lines))))
    return Markup("\n").join(out)


_GREEK = range(0x0370, 0x0400)
_GREEK_ACCENTS = frozenset({"\u0301", "\u0300", "\u0342"})


def _upper(text: str) -> str:
    """Upper case as each language writes it: Greek capitals drop their accents.

    ``str.upper`` keeps the tonos (``Πείτε`` → ``ΠΕΊΤΕ``), which Greek typography never writes
    in all-capital words (``ΠΕΙΤΕ``); the diaeresis stays.
    """
    decomposed = unicodedata.normalize("NFD", text.upper())
    kept: list[str] = []
    for char in decomposed:
        if char in _GREEK_ACCENTS and kept and ord(kept[-1]) in _GREEK:
            continue
        kept.append(char)
    result = unicodedata.normalize("NFC", "".join(kept))
    return Markup(result) if isinstance(text, Markup) else result


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
