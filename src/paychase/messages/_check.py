"""The template check: every built-in step in every language renders, and states no term itself.

``paychase templates check`` renders each sample action (one per step of every built-in policy,
the ``prospect`` and ``project`` chases included, one per kind outside the ladder, an instalment
reminder and a missed-instalment note) in each built-in language and reports three kinds of
problem:

* **missing** — the language has no text of its own for the step and would fall back to another;
* **failing** — rendering raised (an undefined variable, a syntax error, a sandbox violation);
* **hard-coded** — the literal text of a template states a term the contract supplies (a number
  of days, a percentage, a date, a sum): such a text is wrong for every contract but one.

With host templates the host's files are checked the same way and rendered in front of the
built-ins, as they would be in production.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from babel import Locale
from jinja2 import Environment, TemplateSyntaxError, nodes

from paychase.errors import PaychaseError, PluginError
from paychase.messages._render import Renderer, template_names
from paychase.messages._samples import samples
from paychase.messages._templates import (
    BUILTIN_LOCALES,
    BuiltinTemplates,
    TemplateDirectory,
    TemplateLoader,
    find_source,
    locale_chain,
)
from paychase.policy._builtin import BUILTIN_POLICIES, CHASE_POLICIES

__all__ = ["TemplateProblem", "check_templates", "hard_coded_terms"]

ProblemKind = Literal["missing", "failing", "hard-coded"]

_DAY_WORDS = (
    r"days?|business\s+days?|weeks?|months?"  # en
    r"|dni|dzie[nń]\w*|dnia|tygodni\w*|tydzie[nń]|miesi[aą]c\w*"  # pl
    r"|дн[еяи]\w*|день|недел\w*|месяц\w*"  # ru
    r"|ημ[εέ]ρ\w*|εβδομ[αά]δ\w*|μ[ηή]ν\w*"  # el
    r"|tage?n?|werktage?n?|wochen?|monate?n?"  # de
)
# Literal text that states a term: "14 days", "8 %", "24.03.2026", "2026-03-24", "€40".
_TERMS = re.compile(
    rf"\b\d+(?:[.,]\d+)?\s*(?:{_DAY_WORDS})\b"
    r"|\d+(?:[.,]\d+)?\s?%"
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b"
    r"|[€£$₽]\s?\d|\b\d+(?:[.,]\d+)?\s?(?:zł|€|EUR|PLN|GBP|USD|RUB|руб\w*|₽)",
    re.IGNORECASE,
)
# Style sheets carry sizes and layout numbers that are not terms.
_STYLE = re.compile(r"<style>.*?</style>|@page[^}]*}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """One thing wrong with a template, in a form a person can act on."""

    kind: ProblemKind
    template: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.template}: {self.detail}"


def hard_coded_terms(source: str) -> list[str]:
    """The phrases in a template's literal text that state a contract term.

    Only text outside ``{{ }}`` and ``{% %}`` counts, and string constants inside them; what
    the variables produce is the contract's own.

    >>> hard_coded_terms("Pay within 14 days, {{ deadline_in }} from now.")
    ['14 days']
    >>> hard_coded_terms("Art. 481 KC: {{ terms.late_fee.rate }} a month")
    []
    """
    try:
        tree = Environment().parse(source)
    except TemplateSyntaxError:
        return []  # the render check reports the syntax error itself
    texts = [node.data for node in tree.find_all(nodes.TemplateData)]
    texts += [node.value for node in tree.find_all(nodes.Const) if isinstance(node.value, str)]
    return [match.group(0) for text in texts for match in _TERMS.finditer(_STYLE.sub("", text))]


def check_templates(
    host: Sequence[TemplateLoader] = (),
    *,
    host_directory: TemplateDirectory | None = None,
    locales: Sequence[str] = BUILTIN_LOCALES,
    progress: Callable[[int, int], None] | None = None,
) -> list[TemplateProblem]:
    """Every problem found rendering each built-in step × locale with sample data.

    Args:
        host: host template loaders, asked before the built-ins (as the renderer would).
        host_directory: a host directory whose every file is also scanned for hard-coded terms.
        locales: the languages to check; the built-in ones by default.
        progress: called with (languages done, languages) as each one is checked.

    Raises:
        PluginError: a locale babel does not know.
    """
    for locale in locales:
        locale_chain(locale)  # refuses an unknown locale, naming it
    loaders = [*host, *([host_directory] if host_directory else [])]
    renderer = Renderer(templates=loaders)
    problems = list(_scan_builtins(locales))
    if host_directory is not None:
        problems += _scan_directory(host_directory)
    for done, locale in enumerate(locales, start=1):
        problems += _render_all(renderer, loaders, locale)
        if progress is not None:
            progress(done, len(locales))
    return problems


def _scan_builtins(locales: Sequence[str]) -> Iterator[TemplateProblem]:
    builtins = BuiltinTemplates()
    for locale in dict.fromkeys([*locales, "en"]):
        yield from _scan_loader(builtins, locale, "built-in")


def _scan_directory(directory: TemplateDirectory) -> Iterator[TemplateProblem]:
    for locale in directory.locales():
        yield from _scan_loader(directory, locale, "host")


def _scan_loader(
    loader: BuiltinTemplates | TemplateDirectory, locale: str, origin: str
) -> Iterator[TemplateProblem]:
    for name in loader.names(locale):
        try:
            source = loader.source(name, locale) or ""
        except PluginError as error:  # a file that is not UTF-8, or a link out of the directory
            yield TemplateProblem("failing", f"{locale}/{name} ({origin})", error.summary())
            continue
        for phrase in hard_coded_terms(source):
            yield TemplateProblem(
                "hard-coded",
                f"{locale}/{name} ({origin})",
                f"'{phrase}' states a term the contract supplies: use its variable",
            )


def _render_all(
    renderer: Renderer, host: Sequence[TemplateLoader], locale: str
) -> Iterator[TemplateProblem]:
    language = Locale.parse(locale).language
    loaders = [*host, BuiltinTemplates()]
    seen: set[str] = set()
    for policy in (*BUILTIN_POLICIES, *CHASE_POLICIES):
        for sample in samples(policy, language):
            name = template_names(sample.action)[0]
            if name in seen:
                continue
            seen.add(name)
            try:  # finding the text can fail as rendering can: a file that is not UTF-8
                yield from _missing(loaders, name, locale)
                renderer.render(sample.case, sample.action, locale=locale)
            except PaychaseError as error:
                yield TemplateProblem("failing", f"{locale}/{name}", error.summary())


def _missing(
    loaders: Sequence[TemplateLoader], name: str, locale: str
) -> Iterator[TemplateProblem]:
    """A problem when `locale`'s language has no text of its own for `name`."""
    found = find_source(loaders, name, locale_chain(locale))
    if found is None or Locale.parse(found[1]).language != Locale.parse(locale).language:
        written = f" (falls back to {found[1]})" if found else ""
        yield TemplateProblem("missing", f"{locale}/{name}", f"no text{written}")
