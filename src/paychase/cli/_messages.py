"""The message commands: ``render``, ``preview``, ``templates check`` and ``evidence``.

``paychase render CASE --action KEY`` prints one planned action as the client will read it;
``paychase preview CASE --out DIR`` writes every planned message as an HTML page with an index
to open in a browser; ``paychase templates check [--dir DIR]`` renders every built-in step in
every language and reports missing, failing or hard-coded texts (exit 1 when there are any);
``paychase evidence CASE --client ID --out DIR`` writes a client's evidence pack. With
``--pdf FILE``, ``render`` writes a letter and ``evidence`` the pack as PDF (``paychase[pdf]``);
``preview --out DIR --pdf`` writes each letter's PDF beside its page.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path

import click

from paychase._files import output_errors, write_bytes_atomically, write_text_atomically
from paychase.case._case import Case
from paychase.cli._options import (
    case_input,
    format_option,
    now_option,
    open_input,
    rate_table,
    rates_option,
    template_options,
)
from paychase.cli._progress import progress_bar
from paychase.errors import InvalidCaseError
from paychase.evidence._html import evidence_html, write_evidence
from paychase.evidence._pack import evidence_pack
from paychase.evidence._pdf import LETTER_CHANNELS, letter_pdf, pdf_bytes
from paychase.messages._check import check_templates
from paychase.messages._documents import InvoiceFolder
from paychase.messages._message import Message, Recipient
from paychase.messages._render import Renderer
from paychase.messages._templates import TemplateDirectory
from paychase.money._rates import RateTable
from paychase.planner._outputs import Action
from paychase.planner._plan import plan

__all__ = [
    "evidence_command",
    "message_text",
    "preview_command",
    "render_command",
    "templates_group",
]


def _renderer(templates: str | None, invoices: str | None, rates: RateTable) -> Renderer:
    return Renderer(
        templates=[TemplateDirectory(templates)] if templates else [],
        documents=InvoiceFolder(invoices) if invoices else None,
        rates=rates,
    )


def _planned(
    ctx: click.Context,
    case: str | None,
    case_option: str | None,
    db: str | None,
    now: datetime | None,
    *,
    rates: RateTable,
) -> tuple[Case, list[Action]]:
    """The case the command names, and the actions planned for it."""
    with open_input(ctx, case, case_option, db) as given:
        return given.case, list(plan(given.case, now=given.moment(now), rates=rates).actions)


@click.command("render")
@case_input()
@now_option("overrides the case's 'now'")
@template_options
@rates_option
@click.option("--action", "key", required=True, metavar="KEY", help="the action's key")
@click.option("--locale", help="render in this locale instead of the reader's")
@format_option("text", "html", "json")
@click.option("--pdf", metavar="FILE", help="write the letter as PDF here (paychase[pdf])")
@click.pass_context
def render_command(
    ctx: click.Context,
    *,
    case: str | None,
    case_option: str | None,
    db: str | None,
    now: datetime | None,
    templates: str | None,
    invoices: str | None,
    rates_file: str | None,
    key: str,
    locale: str | None,
    output_format: str,
    pdf: str | None,
) -> int:
    """Print one planned action as a message, or write a letter as PDF."""
    rates = rate_table(ctx, rates_file)
    loaded, actions = _planned(ctx, case, case_option, db, now, rates=rates)
    action = next((a for a in actions if a.key == key), None)
    if action is None:
        known = ", ".join(a.key for a in actions) or "none"
        raise InvalidCaseError(
            f"no planned action has this key (planned: {known})", field="--action", value=key
        )
    message = _renderer(templates, invoices, rates).render(loaded, action, locale=locale)
    if pdf:
        document = letter_pdf(message)
        with output_errors("--pdf"):
            write_bytes_atomically(Path(pdf), document)
        click.echo(pdf)
    elif output_format == "json":
        click.echo(message.to_json())
    elif output_format == "html":
        click.echo(message.html, nl=False)
    else:
        click.echo(message_text(message), nl=False)
    return 0


def message_text(message: Message) -> str:
    """A message as a person reads it on a terminal: headers, notes, then the text."""
    to = _addresses(message.recipients)
    lines = [
        f"To: {to or '-'}",
        *([f"Cc: {_addresses(message.cc)}"] if message.cc else []),
        f"Subject: {message.subject}",
        f"Channel: {message.channel} · Locale: {message.locale} · Template: {message.template}",
    ]
    lines += [f"Attachment: {a.filename} ({a.content_type})" for a in message.attachments]
    lines += [f"Note: {note}" for note in message.notes]
    return "\n".join(lines) + "\n\n" + message.text


def _addresses(recipients: tuple[Recipient, ...]) -> str:
    return ", ".join(f"{r.name} <{r.address}>" if r.name else r.address for r in recipients)


@click.command("preview")
@case_input()
@now_option("overrides the case's 'now'")
@template_options
@rates_option
@click.option("--out", metavar="DIR", help="write HTML pages and an index here")
@click.option(
    "--pdf", "with_pdf", is_flag=True, help="with --out: each letter as PDF too (paychase[pdf])"
)
@click.pass_context
def preview_command(
    ctx: click.Context,
    *,
    case: str | None,
    case_option: str | None,
    db: str | None,
    now: datetime | None,
    templates: str | None,
    invoices: str | None,
    rates_file: str | None,
    out: str | None,
    with_pdf: bool,
) -> int:
    """Render every planned action."""
    rates = rate_table(ctx, rates_file)
    loaded, actions = _planned(ctx, case, case_option, db, now, rates=rates)
    renderer = _renderer(templates, invoices, rates)
    messages = [(action, renderer.render(loaded, action)) for action in actions]
    if with_pdf and not out:
        raise click.UsageError("--pdf writes beside the pages: give --out DIR")
    # Laid out before anything is written: a missing WeasyPrint leaves no half-written folder.
    letters = {
        number: letter_pdf(message)
        for number, (_, message) in enumerate(messages, start=1)
        if with_pdf and message.channel in LETTER_CHANNELS
    }
    if not out:
        for action, message in messages:
            click.echo(f"== {action.at.isoformat()} {action.key}")
            click.echo(message_text(message))
        return 0
    folder = Path(out)
    with output_errors("--out"):
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for number, (action, message) in enumerate(messages, start=1):
            name = f"{number:03d}-{_slug(action.key)}.html"
            write_text_atomically(folder / name, message.html)
            if number in letters:
                write_bytes_atomically(folder / name.replace(".html", ".pdf"), letters[number])
            rows.append(_index_row(action, message, name))
        write_text_atomically(folder / "index.html", _index(loaded, rows))
    count = len(letters)
    pdfs = f", {count} letter{'s' if count != 1 else ''} as PDF" if with_pdf else ""
    click.echo(f"{len(messages)} messages written to {folder / 'index.html'}{pdfs}")
    return 0


def _slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", key)


def _index_row(action: Action, message: Message, page: str) -> str:
    cells = (
        action.at.isoformat(timespec="minutes"),
        action.client,
        action.step or action.kind,
        message.channel,
        message.locale,
    )
    return (
        "<tr>"
        + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells)
        + f'<td><a href="{html.escape(page)}">{html.escape(message.subject)}</a></td></tr>'
    )


def _index(case: Case, rows: list[str]) -> str:
    title = f"paychase preview — {html.escape(case.sender.name if case.sender else '')}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .8em;"
        "text-align:left}</style>\n</head>\n<body>\n"
        f"<h1>{title}</h1>\n<table>\n<tr><th>When</th><th>Client</th><th>Step</th>"
        "<th>Channel</th><th>Locale</th><th>Subject</th></tr>\n"
        + "\n".join(rows)
        + "\n</table>\n</body>\n</html>\n"
    )


@click.group("templates")
def templates_group() -> None:
    """Work with message templates."""


@templates_group.command("check")
@click.option("--dir", "directory", metavar="HOST_TEMPLATES", help="your templates, checked too")
def check_command(directory: str | None) -> int:
    """Render every built-in step in every language and report problems."""
    with progress_bar("checking") as progress:
        problems = check_templates(
            host_directory=TemplateDirectory(directory) if directory else None, progress=progress
        )
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
        return 1
    click.echo("all templates render in every language and state no contract term themselves")
    return 0


@click.command("evidence")
@case_input()
@click.option("--client", required=True, metavar="ID", help="the client's id")
@now_option("overrides the case's 'now'")
@rates_option
@click.option("--out", metavar="DIR", default=".", show_default=True, help="where to write")
@click.option("--pdf", metavar="FILE", help="also write the pack as PDF here (paychase[pdf])")
@click.pass_context
def evidence_command(
    ctx: click.Context,
    *,
    case: str | None,
    case_option: str | None,
    db: str | None,
    client: str,
    now: datetime | None,
    rates_file: str | None,
    out: str,
    pdf: str | None,
) -> int:
    """Write a client's evidence pack: with a workspace, every contact and message as sent."""
    with open_input(ctx, case, case_option, db) as given:
        sent: dict[str, Message] = {}
        if given.workspace is not None:
            attempts = given.workspace.attempts()
            sent = {a.key: a.message for a in attempts if a.message is not None}
        renderer = Renderer(rates=rate_table(ctx, rates_file))
        pack = evidence_pack(
            given.case, client, now=given.moment(now), renderer=renderer, sent=sent
        )
    html = evidence_html(pack, renderer)
    document = pdf_bytes(html) if pdf else None  # laid out first: a failure writes nothing
    with output_errors("--out"):
        written = write_evidence(pack, html, Path(out))
    if pdf and document is not None:
        with output_errors("--pdf"):
            write_bytes_atomically(Path(pdf), document)
        written.append(Path(pdf))
    for path in written:
        click.echo(str(path))
    return 0
