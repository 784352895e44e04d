"""Every action `plan` gives can be rendered: no input that plans can fail to render.

The cases are the same as the planner's properties use (tests/strategies.py), given a sender,
so a failure here is a template or context bug for a situation the planner really produces.
Rendering runs dozens of templates per case, so the example count is kept modest.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import Json, cases

import paychase
from paychase.messages._render import Renderer
from paychase.messages._samples import samples

TEMPLATES = Path(paychase.__file__).parent / "messages" / "templates"
LANGUAGES = sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith("_"))

# Names a host really has: accents, scripts of every built-in language, and the characters
# HTML escapes (an "&" in a company name is common).
_NAMES = st.text(
    alphabet=st.sampled_from("AaZzŁłĄąЖжΩωÄäß &<>\"'.,-—«»/09@"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")

_RENDERER = Renderer()


@st.composite
def _cases_with_sender(draw: st.DrawFn) -> tuple[Json, datetime]:
    case, now = draw(cases())
    sender: Json = {"name": draw(_NAMES)}
    if draw(st.booleans()):
        sender |= {
            "email": "billing@sender.example",
            "signatory": draw(_NAMES),
            "locale": draw(st.sampled_from(["en", "en_GB", "pl_PL", "de_DE", "ru_RU", "el_GR"])),
            "bank_account": {"account": "PL61 1090 1014 0000 0712 1981 2874"},
        }
    clients = [dict(c, name=draw(_NAMES)) if draw(st.booleans()) else c for c in case["clients"]]
    return {**case, "sender": sender, "clients": clients}, now


def _parse_strictly(html: str) -> None:
    html5lib.HTMLParser(strict=True).parse(html)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases_with_sender())
def test_every_planned_action_renders(case_and_now: tuple[Json, datetime]) -> None:
    data, now = case_and_now
    case = paychase.Case.model_validate(data)
    for action in paychase.plan(case, now=now).actions:
        message = _RENDERER.render(case, action)
        assert message.key == action.key
        assert message.subject.strip()
        assert message.text.strip()
        assert message.html.strip()
        assert "\n" not in message.subject
        _parse_strictly(message.html)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("policy", paychase.BUILTIN_POLICIES)
def test_every_sample_renders_to_valid_html(policy: str, language: str) -> None:
    rendered = 0
    for sample in samples(policy, language):
        message = _RENDERER.render(sample.case, sample.action)
        assert message.subject.strip(), sample.label
        assert message.text.strip(), sample.label
        _parse_strictly(message.html)
        rendered += 1
    # Nine kinds outside the ladder, the two instalment notes, the two ends no built-in ladder
    # has (write_off, cancel_service), saas's warning once more, with the service suspended
    # already, and each firm or final message as a first contact too.
    steps = paychase.builtin_policy(policy).steps
    warned_suspended = 1 if policy == "saas" else 0
    first = sum(
        1
        for index, step in enumerate(steps)
        if any(earlier.is_contact for earlier in steps[:index])
        and step.is_contact
        and step.action != "call"
        and step.tone != "friendly"
    )
    assert rendered == len(steps) + 13 + warned_suspended + first
