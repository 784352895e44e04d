"""The planner's reasons told in the reader's language (issue 17, item 5).

An action's reason is data (`Action.why`: clauses, each a code and its values); a task for
the sender tells it in the sender's language from a catalogue per language
(``messages/reasons/<language>.json``). The catalogues are data, not code, so a translator
edits phrases without reading Python, and a test checks every code in every language.

A catalogue maps each code to a phrase with named fields (``{invoice}``, ``{on}``), or to its
plural forms chosen by one count (``{"count": "days", "one": …, "few": …, "many": …,
"other": …}``). Each value is formatted by babel in the reader's locale: a date as the
language writes it, an amount as money in the clause's ``currency``, a clause inside a clause
in the same language. A field may say how to read a string value: ``{anchor:word:anchor}``
looks ``anchor.<value>`` up in the catalogue's ``words``, ``{every:span}`` reads a duration
(``7d``: 7 days), ``{offset:signed}`` a signed one (``+7d``: + 7 days). A clause whose code
a language lacks, and a ``text`` clause (words the planner has not coded yet), are told in
English under the catalogue's ``text`` phrase, which says so.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

from babel import Locale
from babel.numbers import format_decimal

from paychase._reason import ReasonPart, english
from paychase.calendar._durations import Duration
from paychase.messages._formatting import Day, Money, Span, plural_category

__all__ = ["LANGUAGES", "catalogue", "told", "told_all"]

LANGUAGES = ("en", "pl", "ru", "el", "de")
"""The languages a catalogue ships for; any other reader gets the English one."""


@cache
def catalogue(language: str) -> Mapping[str, Any]:
    """The phrases of `language` (``pl``) by code, its ``words`` and clause ``separator``."""
    source = files("paychase.messages") / "reasons" / f"{language}.json"
    loaded: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return loaded


def told(clause: ReasonPart, locale: str) -> str:
    """`clause` in `locale`'s language; in English under the 'text' label when not coded."""
    phrases = _phrases(locale)
    entry = phrases.get(clause.code)
    if entry is None or clause.code == "text":
        return _Phrases(phrases, locale).vformat(phrases["text"], (), {"text": english(clause)})
    phrase: str = entry if isinstance(entry, str) else _plural(entry, clause, locale)
    return _Phrases(phrases, locale, clause.params).vformat(phrase, (), clause.params)


def _phrases(locale: str) -> Mapping[str, Any]:
    """The catalogue `locale` reads: its language's, else the English one."""
    language = Locale.parse(locale).language
    return catalogue(language if language in LANGUAGES else "en")


def told_all(parts: Iterable[ReasonPart], locale: str) -> str:
    """A whole reason in `locale`'s language, its clauses separated as the language does.

    Greek separates them with the upper stop (``·``): its ``;`` is a question mark.
    """
    separator = str(_phrases(locale)["separator"])
    return separator.join(told(clause, locale) for clause in parts)


def _plural(forms: Mapping[str, str], clause: ReasonPart, locale: str) -> str:
    """The plural form of a phrase for its count, the ``other`` one where the language has none."""
    count = clause.params[forms["count"]]
    if not isinstance(count, int | Decimal):
        raise TypeError(f"{clause.code}: the count {forms['count']} is not a number")
    return forms.get(plural_category(count, locale), forms["other"])


class _Phrases(string.Formatter):
    """Formats one phrase's fields in the reader's locale."""

    def __init__(
        self, phrases: Mapping[str, Any], locale: str, params: Mapping[str, Any] | None = None
    ) -> None:
        self._phrases = phrases
        self._locale = locale
        self._currency = (params or {}).get("currency")

    def format_field(self, value: Any, format_spec: str) -> str:
        locale = self._locale
        if format_spec.startswith("word:"):
            return str(self._phrases["words"][f"{format_spec.removeprefix('word:')}.{value}"])
        if format_spec in ("span", "signed"):
            return _duration(str(value), locale, signed=format_spec == "signed")
        if isinstance(value, ReasonPart):
            return told(value, locale)
        if isinstance(value, tuple):
            return ", ".join(told(clause, locale) for clause in value)
        if isinstance(value, date):
            return str(Day(value, locale))
        if isinstance(value, Decimal) and isinstance(self._currency, str):
            return str(Money(value, self._currency, locale))
        if isinstance(value, int | Decimal):
            return str(format_decimal(value, locale=locale))
        return str(value)


def _duration(value: str, locale: str, *, signed: bool) -> str:
    """``+7d`` as ``+ 7 dni``; a duration babel cannot word (``+1w@TU``) as written."""
    try:
        duration = Duration.parse(value)
    except ValueError:
        return value
    if duration.weekday is not None:
        return value
    span = str(Span(duration, locale))
    if not signed:
        return span
    return f"{'−' if duration.count < 0 else '+'} {span}"
