"""Every built-in text passes a real spell-checker in its language (issue 17, item 3).

Each sample message of every built-in policy (the golden files' input) is rendered and its
subject and text go through the Hunspell dictionary of its language (Debian's ``hunspell-*``
packages, read with pyenchant); `tests/test_text_matrix.py` checks every text of the generated
matrix the same way. What the case put there is masked first (`tests/spelling_check.py`), so
only the templates' own words are checked. The words a dictionary lacks but a careful writer
uses (legal terms, abbreviations, the product's name) are in ``tests/spelling/<lang>.txt``.

A word that is neither known nor listed fails the test, naming the message it came from: fix
the template, or, if the word is right, add it to the list. Without the dictionaries the test
is skipped, unless ``PAYCHASE_REQUIRE_SPELLING=1`` (as CI sets) makes that a failure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest
from tests.spelling_check import WORD_LISTS, hunspell, unknown_words

from paychase import BUILTIN_POLICIES
from paychase.messages import BUILTIN_LOCALES, Renderer
from paychase.messages._samples import Sample, samples
from paychase.policy._builtin import CHASE_POLICIES


def _messages(language: str) -> Iterator[tuple[Sample, str]]:
    renderer = Renderer()
    for policy in (*BUILTIN_POLICIES, *CHASE_POLICIES):
        for sample in samples(policy, language):
            message = renderer.render(sample.case, sample.action)
            yield sample, f"{message.subject}\n{message.text}"


@pytest.mark.parametrize("language", BUILTIN_LOCALES)
def test_every_built_in_text_is_spelled_right(language: str) -> None:
    unknown: dict[str, set[str]] = defaultdict(set)
    for sample, text in _messages(language):
        for word in unknown_words(sample.case, sample.action, text, language):
            unknown[word].add(sample.label)
    assert not unknown, "unknown words (fix the text or add to tests/spelling/): " + "; ".join(
        f"{word} in {', '.join(sorted(labels)[:3])}" for word, labels in sorted(unknown.items())
    )


def test_the_word_lists_hold_no_word_the_dictionary_knows() -> None:
    """A listed word the dictionary accepts is noise that could hide a real misspelling."""
    for language in BUILTIN_LOCALES:
        dictionary = hunspell(language)
        own = (WORD_LISTS / f"{language}.txt").read_text(encoding="utf-8").splitlines()
        words = {word for line in own if (word := line.split("#", 1)[0].strip())}
        redundant = sorted(w for w in words if dictionary.check(w))
        assert not redundant, (language, redundant)


def test_a_misspelled_word_is_caught() -> None:
    """The check can fail: a typo in a text is not masked, listed or accepted."""
    sample = next(samples("freelancer", "en"))
    text = "Please pay the invoise by Friday."
    assert unknown_words(sample.case, sample.action, text, "en") == {"invoise"}
