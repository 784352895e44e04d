"""Golden files: every built-in message, per language and policy, exactly as it renders.

A step that reads differently as the first contact of a ladder that catches up (no earlier
reminder to mention) has a second entry, labelled ``:first``. The payment policies' files end
with the actions outside the ladder (in ``freelancer.txt`` only: they are the same under every
policy), instalment reminders included; ``prospect.txt`` and ``project.txt`` hold the steps of a
chase as `plan` gives them.

A change to a template, a layout, the context or babel's locale data shows up here as a diff
to review. After an intended change, regenerate with::

    PAYCHASE_UPDATE_GOLDEN=1 pytest tests/test_golden_messages.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from paychase import BUILTIN_POLICIES
from paychase.messages import BUILTIN_LOCALES, Renderer
from paychase.messages._samples import samples
from paychase.policy._builtin import CHASE_POLICIES

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PAYCHASE_UPDATE_GOLDEN") == "1"
STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)  # the same in every page: kept out
POLICIES = (*BUILTIN_POLICIES, *CHASE_POLICIES)


def rendered(policy: str, language: str) -> str:
    renderer = Renderer()
    parts = []
    before = None
    for sample in samples(policy, language):
        # Actions outside the ladder are the same under every policy: kept in one file.
        if not sample.label.startswith(f"{policy}/") and policy != "freelancer":
            continue
        message = renderer.render(sample.case, sample.action)
        seen, before = before, message.text
        if sample.label.endswith(":first") and message.text == seen:
            continue  # the step says the same whether or not we wrote before
        parts += [
            f"=== {sample.label} ({message.template}, {message.channel})",
            f"Subject: {message.subject}",
            "",
            message.text.rstrip("\n"),
            "--- html",
            STYLE.sub("<style>…</style>", message.html.rstrip("\n")),
            "",
        ]
    return "\n".join(parts)


@pytest.mark.parametrize("language", BUILTIN_LOCALES)
@pytest.mark.parametrize("policy", POLICIES)
def test_messages_match_their_golden_file(policy: str, language: str) -> None:
    path = GOLDEN / language / f"{policy}.txt"
    text = rendered(policy, language)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with PAYCHASE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_every_golden_file_is_a_built_in_language_and_policy() -> None:
    expected = {f"{lang}/{policy}.txt" for lang in BUILTIN_LOCALES for policy in POLICIES}
    found = {str(p.relative_to(GOLDEN)) for p in GOLDEN.glob("*/*.txt")}
    assert found <= expected
