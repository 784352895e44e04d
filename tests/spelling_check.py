"""Spell-checking rendered texts with Hunspell (issue 17, item 3): shared by the tests.

A text's own data — the case's names, addresses and numbers, the action's fields, the
planner's reasons, web and e-mail addresses, a letter's reference — is masked first, so only
the words the templates wrote are checked, against the language's Hunspell dictionary (read
with pyenchant), the project's word lists in ``tests/spelling/`` and babel's month names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel import Locale

from paychase import Action, Case
from paychase.planner import plan

WORD_LISTS = Path(__file__).parent / "spelling"
DICTIONARIES = {"en": "en_GB", "pl": "pl_PL", "ru": "ru_RU", "el": "el_GR", "de": "de_DE"}
REQUIRED = os.environ.get("PAYCHASE_REQUIRE_SPELLING") == "1"
# A word: letters, with inner apostrophes or hyphens ("don't", "e-mail", "Schmidt-Weber").
WORD = re.compile("[^\\W\\d_]+(?:['\u2019\\-][^\\W\\d_]+)*")
# Addresses a dictionary cannot judge: web and e-mail addresses.
ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+")
# A letter's reference number ("Nasz znak: 1475-8469"): hex digits from the action's key.
REFERENCE = re.compile(r"\b[0-9A-F]{4}-[0-9A-F]{4}\b")
# Greek capitals drop their accents: ΔΗΛΩΣΗ is δήλωση.
_GREEK_ACCENTS = str.maketrans("αεηιουω", "άέήίόύώ")


@cache
def hunspell_available(language: str) -> bool:
    """Whether pyenchant and the Hunspell dictionary of `language` are installed."""
    try:
        import enchant  # noqa: PLC0415  (optional: only where the dictionaries are installed)
    except ImportError:  # pragma: no cover - depends on the machine
        return False
    broker = enchant.Broker()
    return bool(broker.dict_exists(DICTIONARIES[language]))


@cache
def hunspell(language: str) -> Any:
    """The Hunspell dictionary of `language`; skipped (or failed, in CI) where not installed."""
    try:
        import enchant  # noqa: PLC0415  (optional: only where the dictionaries are installed)
    except ImportError as error:  # pragma: no cover - depends on the machine
        return _missing(f"pyenchant or the enchant library: {error}")
    broker = enchant.Broker()
    broker.set_ordering("*", "hunspell")
    tag = DICTIONARIES[language]
    if not broker.dict_exists(tag):  # pragma: no cover - depends on the machine
        return _missing(f"the hunspell dictionary {tag}")
    return broker.request_dict(tag)


def _missing(what: str) -> None:  # pragma: no cover - depends on the machine
    message = f"spell-check needs {what} (apt-get install hunspell-* libenchant-2-2)"
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


@cache
def word_list(language: str) -> frozenset[str]:
    """The project's accepted words for a language: one per line, ``#`` starts a comment."""
    lines = [
        *(WORD_LISTS / "all.txt").read_text(encoding="utf-8").splitlines(),
        *(WORD_LISTS / f"{language}.txt").read_text(encoding="utf-8").splitlines(),
    ]
    return frozenset(word for line in lines if (word := line.split("#", 1)[0].strip()))


@cache
def locale_words(language: str) -> frozenset[str]:
    """Month and weekday names as babel writes them in dates ("sty", "янв."): locale data."""
    locale = Locale.parse(DICTIONARIES[language])
    names = [
        *locale.months["format"]["abbreviated"].values(),
        *locale.months["stand-alone"]["abbreviated"].values(),
        *locale.days["format"]["abbreviated"].values(),
    ]
    return frozenset(word for name in names for word in WORD.findall(name))


def _data_strings(value: Any) -> Iterator[str]:
    """Every string inside a case or action dump, the long ones first when sorted."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _data_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _data_strings(item)


def template_words(case: Case, action: Action, text: str) -> Iterator[str]:
    """The words of `text` that the templates wrote: the words of the case's and the action's
    data masked out (a name, an address, a number; the planner's English problems, which a
    review prints), and web and e-mail addresses and a letter's reference number.
    """
    data = _case_words(case) | _words_of(action.model_dump(mode="json"))
    if action.kind == "review":
        data |= _words_of(plan(case, now=action.at).model_dump(mode="json"))
    text = REFERENCE.sub(" ", ADDRESS.sub(" ", " ".join(text.split())))
    for match in WORD.finditer(text):
        if match.group() not in data:
            yield match.group()


_CASE_WORDS: dict[int, tuple[Case, frozenset[str]]] = {}


def _case_words(case: Case) -> frozenset[str]:
    """The words of a case's data, kept for the cases a test renders many texts of."""
    kept = _CASE_WORDS.get(id(case))
    if kept is None or kept[0] is not case:
        if len(_CASE_WORDS) > 256:
            _CASE_WORDS.clear()
        kept = (case, _words_of(case.model_dump(mode="json")))
        _CASE_WORDS[id(case)] = kept
    return kept[1]


def _words_of(dump: Any) -> frozenset[str]:
    return frozenset(word for value in _data_strings(dump) for word in WORD.findall(value))


def unknown_words(case: Case, action: Action, text: str, language: str) -> set[str]:
    """The words of `text` the templates wrote that neither the dictionary nor a list knows."""
    dictionary = hunspell(language)
    return {
        word
        for word in template_words(case, action, text)
        if not _known_word(dictionary, word, language)
    }


@cache
def _known_word(dictionary: Any, word: str, language: str) -> bool:
    return _known(dictionary, word, language)


def _known(dictionary: Any, word: str, language: str) -> bool:
    listed = word_list(language) | locale_words(language)
    if word in listed or word.lower() in listed or dictionary.check(word):
        return True
    if "-" in word:  # "follow-up", "e-mail": the whole word, else each part
        return all(_known(dictionary, part, language) for part in word.split("-"))
    if not word.isupper():
        return False
    lower = word.lower()
    variants = [lower, lower.capitalize()]
    if language == "el":  # one accent, on any vowel
        variants += [
            lower[:i] + lower[i].translate(_GREEK_ACCENTS) + lower[i + 1 :]
            for i in range(len(lower))
            if lower[i] in "αεηιουω"
        ]
    return any(dictionary.check(v) or v in word_list(language) for v in variants)
