"""The workspace commands: ``init``, ``import``, ``export`` — and ``completion`` for the shell.

``paychase init`` creates the workspace (``paychase.db`` and a ``paychase.toml`` pointing at it
in the current folder, or the file you name) and never overwrites one. ``paychase import CASE``
merges a case file into it — the same file twice changes nothing — and ``paychase export``
writes it back as a case file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from click.shell_completion import get_completion_class

from paychase._files import load_case_data, output_errors, write_text_atomically
from paychase.cli._config import CONFIG_NAME
from paychase.cli._main import cli
from paychase.cli._options import db_option, open_workspace, settings_of
from paychase.cli._output import show
from paychase.cli._progress import progress_bar
from paychase.errors import InvalidCaseError
from paychase.store._workspace import Workspace

__all__ = ["completion_command", "export_command", "import_command", "init_command"]

_DEFAULT_NAME = "paychase.db"


@click.command("init")
@click.argument("path", required=False, metavar="[PATH]")
@click.pass_context
def init_command(ctx: click.Context, *, path: str | None) -> int:
    """Create a workspace; an existing file is never overwritten.

    With no PATH: ``paychase.db`` here, and a ``paychase.toml`` that points every later
    command run in this folder at it.
    """
    settings = settings_of(ctx)
    target = Path(path) if path else settings.workspace_path(None) or Path(_DEFAULT_NAME)
    Workspace.create(target).close()
    show(f"created the workspace {target}")
    config = Path(CONFIG_NAME)
    if path is None and settings.config is None and not config.exists():
        write_text_atomically(config, f'db = "{target.as_posix()}"\n')
        show(f"wrote {CONFIG_NAME}: commands run in this folder use {target}")
    elif settings.workspace_path(None) != target:
        show(f"use it with --db {target}, or export PAYCHASE_DB={target}")
    show("next: paychase import YOUR-CASE-FILE.json")
    return 0


@click.command("import")
@click.argument("case", metavar="CASE")
@db_option
@click.option("-q", "--quiet", is_flag=True, help="print nothing unless something changed")
@click.option("-v", "--verbose", is_flag=True, help="name each record added or updated")
@click.pass_context
def import_command(
    ctx: click.Context, *, case: str, db: str | None, quiet: bool, verbose: bool
) -> int:
    """Merge a case file (- for standard input) into the workspace; twice changes nothing."""
    with progress_bar("reading") as progress:
        data = load_case_data(case)
        progress(1, 2)
        if not isinstance(data, dict):
            raise InvalidCaseError("a case file is a JSON or YAML object", field="case")
        with open_workspace(ctx, db) as workspace:
            report = workspace.import_case(data, at=datetime.now(UTC))
        progress(2, 2)
    if quiet and not report.changed:
        return 0
    show(
        f"imported {case}: {len(report.added)} added, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged, {report.events} new contacts"
    )
    if verbose:
        for name in report.added:
            show(f"  added   {name}")
        for name in report.updated:
            show(f"  updated {name}")
    return 0


@click.command("export")
@db_option
@click.option("--out", metavar="FILE", help="write the case file here (default: standard output)")
@click.pass_context
def export_command(ctx: click.Context, *, db: str | None, out: str | None) -> int:
    """Write the workspace as a case file: it imports back into the same workspace."""
    with open_workspace(ctx, db) as workspace:
        text = workspace.export_text()
    if out is None:
        click.echo(text, nl=False)
    else:
        with output_errors("--out"):
            write_text_atomically(Path(out), text)
        show(f"exported to {out}")
    return 0


@click.command("completion")
@click.argument("shell", type=click.Choice(("bash", "zsh", "fish")))
def completion_command(*, shell: str) -> int:
    """Print the shell's completion script: eval "$(paychase completion bash)"."""
    completion = get_completion_class(shell)
    assert completion is not None  # the three choices are click's own
    click.echo(completion(cli, {}, "paychase", "_PAYCHASE_COMPLETE").source())
    return 0
