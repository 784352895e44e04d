"""The message commands: ``render``, ``preview``, ``templates check`` and ``evidence``.

``paychase render CASE --action KEY`` prints one planned action as the client will read it;
``paychase preview CASE --out DIR`` writes every planned message as an HTML page with an index
to open in a browser; ``paychase templates check [--dir DIR]`` renders every built-in step in
every language and reports missing, failing or hard-coded texts (exit 1 when there are any);
``paychase evidence CASE --client ID --out DIR`` writes a client's evidence pack.
"""

from __future__ import annotations

import argparse
import html
import re
from datetime import datetime
from pathlib import Path

from paychase._files import load_case, parse_moment, write_text_atomically
from paychase.case._case import Case
from paychase.delivery._runner import case_with_history, merged_history
from paychase.errors import InvalidCaseError
from paychase.evidence._pack import evidence_html, evidence_pack, write_evidence
from paychase.messages._check import check_templates
from paychase.messages._documents import InvoiceFolder
from paychase.messages._message import Message
from paychase.messages._render import Renderer
from paychase.messages._templates import TemplateDirectory
from paychase.planner._outputs import Action
from paychase.planner._plan import plan
from paychase.store._sqlite import SqliteStore

__all__ = ["add_message_commands", "message_text"]


def add_message_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add render, preview, templates and evidence to the ``paychase`` command line."""
    render = commands.add_parser("render", help="print one planned action as a message")
    _case_arguments(render)
    render.add_argument("--action", required=True, metavar="KEY", help="the action's key")
    render.add_argument("--locale", help="render in this locale instead of the reader's")
    render.add_argument("--format", choices=("text", "html", "json"), default="text")
    render.set_defaults(run=_run_render)

    preview = commands.add_parser("preview", help="render every planned action")
    _case_arguments(preview)
    preview.add_argument("--out", metavar="DIR", help="write HTML pages and an index here")
    preview.set_defaults(run=_run_preview)

    templates = commands.add_parser("templates", help="work with message templates")
    template_commands = templates.add_subparsers(required=True, metavar="COMMAND")
    check = template_commands.add_parser(
        "check", help="render every built-in step in every language and report problems"
    )
    check.add_argument("--dir", metavar="HOST_TEMPLATES", help="your templates, checked too")
    check.set_defaults(run=_run_check)

    evidence = commands.add_parser("evidence", help="write a client's evidence pack")
    evidence.add_argument("case", metavar="CASE", help="case file (.json, or .yaml)")
    evidence.add_argument("--client", required=True, metavar="ID", help="the client's id")
    evidence.add_argument("--now", metavar="ISO-DATETIME", help="overrides the case's 'now'")
    evidence.add_argument("--out", metavar="DIR", default=".", help="where to write (default .)")
    evidence.add_argument(
        "--db", metavar="FILE", help="history store: its contacts and the messages as sent"
    )
    evidence.set_defaults(run=_run_evidence)


def _case_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case", metavar="CASE", help="case file (.json, or .yaml with PyYAML)")
    parser.add_argument("--now", metavar="ISO-DATETIME", help="overrides the case's 'now'")
    parser.add_argument("--templates", metavar="DIR", help="your templates, before built-ins")
    parser.add_argument("--invoices", metavar="DIR", help="invoice documents to attach")


def _renderer(args: argparse.Namespace) -> Renderer:
    templates = [TemplateDirectory(args.templates)] if args.templates else []
    documents = InvoiceFolder(args.invoices) if args.invoices else None
    return Renderer(templates=templates, documents=documents)


def _planned(args: argparse.Namespace) -> tuple[Case, list[Action]]:
    case = load_case(args.case)
    moment = parse_moment(args.now) if args.now else None
    return case, list(plan(case, now=moment).actions)


def _run_render(args: argparse.Namespace) -> int:
    case, actions = _planned(args)
    action = next((a for a in actions if a.key == args.action), None)
    if action is None:
        known = ", ".join(a.key for a in actions) or "none"
        raise InvalidCaseError(
            f"no planned action has this key (planned: {known})",
            field="--action",
            value=args.action,
        )
    message = _renderer(args).render(case, action, locale=args.locale)
    if args.format == "json":
        print(message.to_json())
    elif args.format == "html":
        print(message.html, end="")
    else:
        print(message_text(message), end="")
    return 0


def message_text(message: Message) -> str:
    """A message as a person reads it on a terminal: headers, notes, then the text."""
    to = ", ".join(f"{r.name} <{r.address}>" if r.name else r.address for r in message.recipients)
    lines = [
        f"To: {to or '-'}",
        f"Subject: {message.subject}",
        f"Channel: {message.channel} · Locale: {message.locale} · Template: {message.template}",
    ]
    lines += [f"Attachment: {a.filename} ({a.content_type})" for a in message.attachments]
    lines += [f"Note: {note}" for note in message.notes]
    return "\n".join(lines) + "\n\n" + message.text


def _run_preview(args: argparse.Namespace) -> int:
    case, actions = _planned(args)
    renderer = _renderer(args)
    messages = [(action, renderer.render(case, action)) for action in actions]
    if not args.out:
        for action, message in messages:
            print(f"== {action.at.isoformat()} {action.key}")
            print(message_text(message))
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for number, (action, message) in enumerate(messages, start=1):
        name = f"{number:03d}-{_slug(action.key)}.html"
        write_text_atomically(out / name, message.html)
        rows.append(_index_row(action, message, name))
    write_text_atomically(out / "index.html", _index(case, rows))
    print(f"{len(messages)} messages written to {out / 'index.html'}")
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


def _run_check(args: argparse.Namespace) -> int:
    directory = TemplateDirectory(args.dir) if args.dir else None
    problems = check_templates(host_directory=directory)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
        return 1
    print("all templates render in every language and state no contract term themselves")
    return 0


def _run_evidence(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    moment: datetime | None = parse_moment(args.now) if args.now else None
    sent: dict[str, Message] = {}
    if args.db:
        with SqliteStore(Path(args.db)) as store:
            history = merged_history(store.events(), case.history)
            sent = {a.key: a.message for a in store.attempts() if a.message is not None}
        case = case_with_history(case, history)
    renderer = Renderer()
    pack = evidence_pack(case, args.client, now=moment, renderer=renderer, sent=sent)
    for path in write_evidence(pack, evidence_html(pack, renderer), Path(args.out)):
        print(path)
    return 0
