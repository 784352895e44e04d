"""Hostile host templates: no Python internals, no files, no changing the data, bounded work.

A host's template is data, so it runs in jinja2's immutable sandbox. Each attack below must
either fail as a `PluginError` naming the template, or render without anything of the Python
process, the filesystem or a secret in the message.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import paychase
from paychase import Action, Case, PluginError
from paychase.messages._message import Message
from paychase.messages._render import Renderer
from paychase.messages._templates import TemplateDirectory

REPO = Path(__file__).resolve().parent.parent
SECRET = "7d1f-TOP-SECRET-c0ffee"
# What must never reach a message: reprs of Python objects, paths, tracebacks, the secret.
_LEAKS = re.compile(
    r"<class |<function |<built-in|<module |<bound method |__globals__|__builtins__|"
    r"Traceback|jinja2\.|/etc/|root:x:|" + SECRET
)


@pytest.fixture(scope="module")
def case() -> Case:
    data = json.loads((REPO / "examples" / "portfolio.json").read_text("utf-8"))
    return Case.model_validate(data)


@pytest.fixture(scope="module")
def action(case: Case) -> Action:
    polite = next(
        a
        for a in paychase.plan(case, now=None).actions
        if a.client == "harrow" and a.step == "polite"
    )
    # By e-mail, so the body block is what the plain text shows (an SMS has its own block).
    return polite.model_copy(update={"channel": "email"})


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A host template directory, with a secret beside it and in its parent."""
    templates = tmp_path / "host" / "templates"
    (templates / "en" / "freelancer").mkdir(parents=True)
    for place in (tmp_path / "secret.jinja", tmp_path / "host" / "secret.jinja"):
        place.write_text(SECRET, "utf-8")
    (templates / "secret.jinja").write_text(SECRET, "utf-8")
    return templates


def _wrapped(body: str) -> str:
    return (
        '{% extends "_layout/message" %}{% block subject %}Subject{% endblock %}'
        "{% block body %}[" + body + "]{% endblock %}"
    )


class Hostile:
    """A host loader with one English template per hostile body, named ``hostile/h<n>``.

    One renderer serves every body (each under its own name), so the built-in layouts are
    compiled once for the module rather than once per attack.
    """

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def add(self, body: str) -> str:
        name = f"hostile/h{len(self.texts)}"
        self.texts[name] = _wrapped(body)
        return name

    def source(self, name: str, locale: str, /) -> str | None:
        return self.texts.get(name) if locale == "en" else None


_HOSTILE = Hostile()
_RENDERER = Renderer(templates=[_HOSTILE])
# In an error, the host's own expression may be quoted back; a secret or an address may not.
_ERROR_LEAKS = re.compile(r"0x[0-9a-f]{6,}|root:x:|" + SECRET)


def _render_or_refuse(case: Case, action: Action, body: str) -> Message | None:
    """The message, or None when the renderer refused the template as a PluginError."""
    name = _HOSTILE.add(body)
    refused: PluginError | None = None
    try:
        message = _RENDERER.render(case, action.model_copy(update={"template": name}))
    except PluginError as error:
        refused = error
    if refused is not None:
        assert refused.field == "template"
        assert refused.value == f"en/{name}"
        assert not _ERROR_LEAKS.search(str(refused))
        return None
    for part in (message.subject, message.text, message.html):
        assert not _LEAKS.search(part), part
    return message


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ joiner.__init__.__globals__ }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ self.__init__.__globals__ }}",
        "{{ self._TemplateReference__context }}",
        "{{ lipsum.__globals__ }}",
        "{{ lipsum.__globals__['os'] }}",
        "{{ amounts.total.amount.__class__ }}",
        "{{ amounts.total.__class__.__init__.__globals__ }}",
        "{{ amounts.total|attr('__class__') }}",
        "{{ amounts.total.__reduce__() }}",
        "{{ amounts.total.__reduce_ex__(2) }}",
        "{{ invoices[0].due.value.__class__ }}",
        "{{ '{0.__class__}'.format(1) }}",
        "{{ '{0.__class__.__mro__}'.format(amounts.total) }}",
        "{{ '%s'|format(amounts.total.__class__) }}",
        "{{ ''.format_map.__self__ }}",
    ],
)
def test_python_internals_are_out_of_reach(case: Case, action: Action, body: str) -> None:
    assert _render_or_refuse(case, action, body) is None


@pytest.mark.parametrize(
    "body", ["{{ config }}", "{{ request }}", "{{ os }}", "{{ __builtins__ }}"]
)
def test_no_framework_or_builtin_globals(case: Case, action: Action, body: str) -> None:
    assert _render_or_refuse(case, action, body) is None


@pytest.mark.parametrize(
    "body",
    [
        "{{ invoices.append(1) }}",
        "{{ invoices.pop() }}",
        "{{ client.update({'name': 'x'}) }}",
        "{{ client.__setitem__('name', 'x') }}",
        "{{ history.clear() }}",
        "{% set _ = sender.pop('name') %}",
    ],
)
def test_the_context_cannot_be_changed(case: Case, action: Action, body: str) -> None:
    assert _render_or_refuse(case, action, body) is None
    # And the next message still sees the case as it was.
    message = _RENDERER.render(case, action)
    assert "Harrow & Finch Ltd" in message.text


@pytest.mark.parametrize(
    "body",
    [
        "{% include '../../../etc/passwd' %}",
        "{% include '/etc/passwd' %}",
        "{% import 'os' as os %}",
        "{% from 'os' import popen %}",
        "{% extends '../secret' %}",
        "{% include '../secret' %}",
        "{% include '../../secret' %}",
        "{% include '..\\\\secret' %}",
        "{% include 'en/../../secret' %}",
        "{% include '.' %}",
    ],
)
def test_templates_cannot_reach_files(
    case: Case, action: Action, secret_file: Path, body: str
) -> None:
    # The hostile tag is the whole template, so nothing but the lookup can fail.
    (secret_file / "en" / "freelancer" / "polite.jinja").write_text(body, "utf-8")
    with pytest.raises(PluginError) as error:
        Renderer(templates=[TemplateDirectory(secret_file)]).render(case, action)
    assert "TemplateNotFound" in str(error.value)
    assert SECRET not in str(error.value)


def test_an_absolute_include_of_the_secret_is_refused(
    case: Case, action: Action, secret_file: Path
) -> None:
    target = secret_file.parent.parent / "secret"  # the loader adds ".jinja"
    body = f"{{% include {str(target)!r} %}}"
    (secret_file / "en" / "freelancer" / "polite.jinja").write_text(body, "utf-8")
    with pytest.raises(PluginError, match="TemplateNotFound"):
        Renderer(templates=[TemplateDirectory(secret_file)]).render(case, action)


def test_the_secret_file_is_really_there(secret_file: Path) -> None:
    # Guards the tests above: they prove something only if the secret exists where they aim.
    assert (secret_file.parent.parent / "secret.jinja").read_text("utf-8") == SECRET
    assert (secret_file / "secret.jinja").read_text("utf-8") == SECRET


def test_an_include_inside_the_directory_still_works(
    case: Case, action: Action, secret_file: Path
) -> None:
    # The refusals above are about where a name points, not about include as such.
    (secret_file / "en" / "freelancer" / "snippet.jinja").write_text("SNIPPET OK", "utf-8")
    body = "{% include 'freelancer/snippet' %}"
    (secret_file / "en" / "freelancer" / "polite.jinja").write_text(body, "utf-8")
    message = Renderer(templates=[TemplateDirectory(secret_file)]).render(case, action)
    assert (message.subject, message.text) == ("SNIPPET OK", "SNIPPET OK\n")


@pytest.mark.parametrize("target", ["secret", "passwd"])
def test_an_include_through_a_link_out_of_the_directory_is_refused(
    case: Case, action: Action, secret_file: Path, target: str
) -> None:
    # The reviewer's reproducer: DIR/<locale>/freelancer/link.jinja -> /etc/passwd.
    outside = (
        secret_file.parent.parent / "secret.jinja" if target == "secret" else Path("/etc/passwd")
    )
    link = secret_file / "en" / "freelancer" / "link.jinja"
    link.symlink_to(outside)
    body = "{% include 'freelancer/link' %}"
    (secret_file / "en" / "freelancer" / "polite.jinja").write_text(body, "utf-8")
    with pytest.raises(PluginError) as error:
        Renderer(templates=[TemplateDirectory(secret_file)]).render(case, action)
    assert error.value.field == "template"
    assert error.value.value == "en/freelancer/link.jinja"
    assert not _ERROR_LEAKS.search(str(error.value))


def test_an_include_through_a_link_inside_the_directory_works(
    case: Case, action: Action, secret_file: Path
) -> None:
    (secret_file / "en" / "shared").mkdir()
    (secret_file / "en" / "shared" / "snippet.jinja").write_text("SHARED OK", "utf-8")
    (secret_file / "en" / "freelancer" / "snippet.jinja").symlink_to(
        secret_file / "en" / "shared" / "snippet.jinja"
    )
    body = "{% include 'freelancer/snippet' %}"
    (secret_file / "en" / "freelancer" / "polite.jinja").write_text(body, "utf-8")
    message = Renderer(templates=[TemplateDirectory(secret_file)]).render(case, action)
    assert message.text == "SHARED OK\n"


@pytest.mark.parametrize(
    "body",
    [
        "{{ range(100001)|list|length }}",
        "{% for i in range(10**9) %}{% endfor %}",
        "{{ range(10**9)|length }}",
        "{{ 1 // 0 }}",
        "{{ client.name + 1 }}",
    ],
)
def test_a_template_that_crashes_is_a_plugin_error(case: Case, action: Action, body: str) -> None:
    assert _render_or_refuse(case, action, body) is None


def test_a_range_within_the_limit_works(case: Case, action: Action) -> None:
    message = _render_or_refuse(case, action, "{{ range(1000)|list|length }}")
    assert message is not None
    assert "[1000]" in message.text


@pytest.mark.parametrize("body", ["{{ lipsum }}", "{{ cycler }}", "{{ ''.format }}"])
def test_object_reprs_do_not_reach_the_message(case: Case, action: Action, body: str) -> None:
    _render_or_refuse(case, action, body)


def test_html_part_escapes_template_data(case: Case, action: Action) -> None:
    # Data is escaped in the HTML part even when a host template writes it raw; only the
    # template's own markup is trusted.
    body = "{{ '<img src=x onerror=alert(1)>' }} {{ client.name }}"
    message = _render_or_refuse(case, action, body)
    assert message is not None
    assert "<img" not in message.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in message.html
    assert "Harrow &amp; Finch Ltd" in message.html
    assert "<img src=x onerror=alert(1)>" in message.text  # plain text is not HTML
