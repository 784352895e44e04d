"""Options that several commands share, spelled and checked the same way everywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click

from paychase._files import parse_moment

__all__ = ["case_argument", "format_option", "now_option", "template_options"]

F = TypeVar("F", bound=Callable[..., Any])


def _moment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    return parse_moment(value) if value else None


def case_argument(function: F) -> F:
    """The case file, as the first argument: ``.json``, or ``.yaml`` with PyYAML."""
    return click.argument("case", metavar="CASE")(function)


def now_option(
    help_text: str = "planning moment with UTC offset; overrides the case's 'now'",
) -> Callable[[F], F]:
    """``--now ISO-DATETIME``, read into an aware datetime (a naive one is refused)."""
    return click.option("--now", metavar="ISO-DATETIME", callback=_moment, help=help_text)


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format``, the first choice by default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="how to print the result",
    )


def template_options(function: F) -> F:
    """``--templates DIR`` and ``--invoices DIR``: the host's templates and invoice documents."""
    function = click.option("--invoices", metavar="DIR", help="invoice documents to attach")(
        function
    )
    return click.option(
        "--templates", metavar="DIR", help="your templates, asked before the built-in ones"
    )(function)
