"""Every built-in text passes a real spell-checker in its language (issue 17, item 3).

Each sample message of every built-in policy (the golden files' input) is rendered and its
subject and text go through the Hunspell dictionary of its language (Debian's ``hunspell-*``
packages, read with pyenchant). What the words of the case put there — names, addresses,
invoice numbers, the planner's reasons (English data, localised separately) — is masked first,
so only the templates' own words are checked. The words a dictionary lacks but a careful
writer uses (legal terms, abbreviations, the product's name) are in ``tests/spelling/<lang>.txt``.

A word that is neither known nor listed fails the test, naming the message it came from: fix
the template, or, if the word is right, add it to the list. Without the dictionaries the test
is skipped, unless ``PAYCHASE_REQUIRE_SPELLING=1`` (as CI sets) makes that a failure.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel import Locale

from paychase import BUILTIN_POLICIES
from paychase.messages import BUILTIN_LOCALES, Renderer
from paychase.messages._samples import Sample, samples
from paychase.planner import plan
from paychase.policy._builtin import CHASE_POLICIES

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


def _dictionary(language: str) -> Any:
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


def template_words(sample: Sample, text: str) -> Iterator[str]:
    """The words of `text` that the templates wrote: the sample's own data masked out."""
    dumps = (
        sample.case.model_dump(mode="json"),
        sample.action.model_dump(mode="json"),
        plan(sample.case, now=sample.action.at).model_dump(mode="json"),
    )
    data = {
        " ".join(piece.split())
        for dump in dumps
        for value in _data_strings(dump)
        for piece in (value, *re.split(r"[,;\n]|: ", value))
    }
    text = REFERENCE.sub(
        " ", ADDRESS.sub(" ", " ".join(text.split()))
    )  # a reflowed line break is a space
    for value in sorted((d for d in data if len(d) > 1), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
    for match in WORD.finditer(text):
        yield match.group()


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


def _messages(language: str) -> Iterator[tuple[Sample, str]]:
    renderer = Renderer()
    for policy in (*BUILTIN_POLICIES, *CHASE_POLICIES):
        for sample in samples(policy, language):
            message = renderer.render(sample.case, sample.action)
            yield sample, f"{message.subject}\n{message.text}"


@pytest.mark.parametrize("language", BUILTIN_LOCALES)
def test_every_built_in_text_is_spelled_right(language: str) -> None:
    dictionary = _dictionary(language)
    unknown: dict[str, set[str]] = defaultdict(set)
    for sample, text in _messages(language):
        for word in template_words(sample, text):
            if not _known(dictionary, word, language):
                unknown[word].add(sample.label)
    assert not unknown, "unknown words (fix the text or add to tests/spelling/): " + "; ".join(
        f"{word} in {', '.join(sorted(labels)[:3])}" for word, labels in sorted(unknown.items())
    )


def test_the_word_lists_hold_no_word_the_dictionary_knows() -> None:
    """A listed word the dictionary accepts is noise that could hide a real misspelling."""
    for language in BUILTIN_LOCALES:
        dictionary = _dictionary(language)
        own = (WORD_LISTS / f"{language}.txt").read_text(encoding="utf-8").splitlines()
        words = {word for line in own if (word := line.split("#", 1)[0].strip())}
        redundant = sorted(w for w in words if dictionary.check(w))
        assert not redundant, (language, redundant)


def test_a_misspelled_word_is_caught() -> None:
    """The check can fail: a typo in a text is not masked, listed or accepted."""
    sample = next(samples("freelancer", "en"))
    words = set(template_words(sample, "Please pay the invoise by Friday."))
    dictionary = _dictionary("en")
    assert [w for w in words if not _known(dictionary, w, "en")] == ["invoise"]
