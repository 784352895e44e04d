"""Hostile host templates: no Python internals, no files, no changing the data, bounded work.

A host's template is data, so it runs in paychase's sandbox. Each attack below must either fail
as a `PluginError` naming the template, or render without anything of the Python process, the
filesystem or a secret in the message; one that would run long or build something huge must
stop within about a second.
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.delivery_helpers import LoggingChannel, sent_keys

import paychase
from paychase import Action, Case, PluginError, load_case
from paychase.delivery._runner import Runner
from paychase.messages._message import Message
from paychase.messages._render import Renderer
from paychase.messages._templates import TemplateDirectory
from paychase.testing import MemoryStore

REPO = Path(__file__).resolve().parent.parent
HOSTILE_FILES = Path(__file__).resolve().parent / "data" / "hostile_templates"
# Every budget stops a template within about a second; this leaves room for a slow CI machine.
STOPS_WITHIN = 2.0
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
    before = _RENDERER.render(case, action)
    assert _render_or_refuse(case, action, body) is None
    # And the next message still sees the case as it was.
    assert _RENDERER.render(case, action) == before


def test_each_type_and_attribute_is_judged_on_its_own(case: Case, action: Action) -> None:
    """The sandbox remembers its answer per type and attribute name: never across either."""
    reading = "{{ 'abc'.index('b') }}{{ [1, 2].index(2) }}"
    for _ in range(2):
        message = _render_or_refuse(case, action, reading)
        assert message is not None
        assert "[11]" in message.text
        assert _render_or_refuse(case, action, "{{ [1, 2].index(2) }}{{ [1, 2].pop() }}") is None
        assert _render_or_refuse(case, action, "{{ 'abc'.index('b') }}{{ 'abc'.encode() }}") is None


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


@pytest.mark.parametrize(
    "body",
    [
        "{{ lipsum }}",
        "{{ cycler }}",
        "{{ ''.format }}",
        # The review's forms (D6): each printed "<built-in method get of dict object at 0x…>".
        "{{ [client.get] }}",
        "{{ client.get ~ '' }}",
        "{{ client.get|string }}",
        "{{ '%r' % (client.get,) }}",
        "{{ '{}'.format(client.items) }}",
        "{{ client.items|pprint }}",
        "{{ namespace(a=client.get)|pprint }}",
        "{{ '%r' % (namespace,) }}",
        # Other ways to turn an object into text.
        "{{ client.get }}",
        "{{ '%s'|format(client.get) }}",
        "{{ '{0!r}'.format(client.get) }}",
        "{{ '{a}'.format_map({'a': client.get}) }}",
        "{{ ('{}'|safe).format(client.get) }}",
        "{{ ('%s'|safe) % client.get }}",
        "{{ client.get|e }}",
        "{{ client.get|safe }}",
        "{{ client.get|urlencode }}",
        "{{ client.get|truncate }}",
        "{{ {'a': client.get}|xmlattr }}",
        "{{ {'a': [client.get]} }}",
        "{{ ['a', 'b']|join(client.get) }}",
        "{{ [client.get]|join }}",
        "{{ ('x'|safe).join([client.get]) }}",
        "{{ ('x'|safe).escape(client.get) }}",
        "{{ 'a'|wordwrap(5, wrapstring=client.get) }}",
        "{{ namespace }}",
        "{{ namespace() }}",
        "{{ range }}",
        "{{ dict }}",
        "{{ self }}",
        "{{ client.items() }}",
        "{{ range(3)|map('upper') }}",
        "{{ [1][client.get] }}",
        "{% for x in [1] %}{{ loop }}{% endfor %}",
        "{% macro m() %}{% endmacro %}{{ m }}",
    ],
)
def test_object_reprs_do_not_reach_the_message(case: Case, action: Action, body: str) -> None:
    assert _render_or_refuse(case, action, body) is None


@pytest.mark.parametrize(
    ("body", "printed"),
    [
        ("{{ [1, 'a', none] }}", "[1, 'a', None]"),
        ("{{ {'a': (1, 2.5)} }}", "{'a': (1, 2.5)}"),
        ("{{ client.name ~ 1 }}", "Harrow & Finch Ltd1"),
        ("{{ amounts.total ~ '' }}", "£2,473.09"),
        ("{{ '%s: %d' % ('a', 3) }}", "a: 3"),
        ("{{ '%(name)s'|format(name=client.name) }}", "Harrow & Finch Ltd"),
        ("{{ '{:>5}|{!r}'.format('x', 'y') }}", "    x|'y'"),
        ("{{ [1, 2]|join(', ') }}", "1, 2"),
        ("{{ invoices|map(attribute='number')|join(' ') }}", "HF-0042"),
        ("{{ invoices[0].due.value }}", "2026-03-06"),
        ("{{ 'ab'|replace('a', 'xy')|center(6) }}", " xyb  "),
        ("{{ (2 ** 64) * 3 }}", str(2**64 * 3)),
        ("{{ [1] * 3 + [2] }}", "[1, 1, 1, 2]"),
    ],
)
def test_text_numbers_dates_and_amounts_still_print(
    case: Case, action: Action, body: str, printed: str
) -> None:
    message = _render_or_refuse(case, action, body)
    assert message is not None
    assert f"[{printed}]" in message.text


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


# -- budgets --------------------------------------------------------------------------------

_TOO_LONG = "would be longer than 1,000,000 characters"
_OUT_OF_TIME = "the template ran longer than its 1 s"
_TOO_MANY_DIGITS = "would have more than 1000 digits"


def _refused_quickly(case: Case, action: Action, body: str) -> str:
    """The renderer's refusal of `body`, which must come within `STOPS_WITHIN` seconds."""
    name = _HOSTILE.add(body)
    _RENDERER.render(case, action)  # the layouts compiled first: only the template is timed
    started = time.perf_counter()
    with pytest.raises(PluginError) as error:
        _RENDERER.render(case, action.model_copy(update={"template": name}))
    assert time.perf_counter() - started < STOPS_WITHIN
    assert (error.value.field, error.value.value) == ("template", f"en/{name}")
    return str(error.value)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        # The review's (D5) beside its files (tested below): each ran past 20 s or built
        # gigabytes.
        ("{{ 'x'|center(10**9) }}", _TOO_LONG),
        ("{{ 'x\nx'|indent(10**9) }}", _TOO_LONG),
        ("{{ '{:>999999999}'.format('x') }}", _TOO_LONG),
        ("{{ '%0999999999d' % 1 }}", _TOO_LONG),
        ("{{ range(100000)|join('x' * 100000) }}", _TOO_LONG),
        # Other ways to build something huge in one step.
        ("{{ 'x'.center(10**9) }}", _TOO_LONG),
        ("{{ 'x'.ljust(10**9) }}", _TOO_LONG),
        ("{{ '1'.zfill(10**9) }}", _TOO_LONG),
        ("{{ ('\t' * 1000).expandtabs(10**6) }}", _TOO_LONG),
        ("{{ ('a' * 1000).translate({97: 'x' * 10000}) }}", _TOO_LONG),
        ("{{ ('x' * 100000).replace('x', 'y' * 100) }}", _TOO_LONG),
        ("{{ ('x' * 10).join(['y' * 100000] * 100) }}", _TOO_LONG),
        ("{{ '%.999999999f' % 1.0 }}", _TOO_LONG),
        ("{{ '{:.999999999f}'.format(1.0) }}", _TOO_LONG),
        ("{{ '%s' * 1000 % (('x' * 100000,) * 1000) }}", _TOO_LONG),
        ("{{ '%s'|format('x' * 100000) * 100 }}", _TOO_LONG),
        ("{{ '%*d' % (10**9, 1) }}", "may not take its width from the values"),
        ("{{ ('x' * 100000)|wordwrap(1, wrapstring='y' * 1000) }}", _TOO_LONG),
        ("{{ ('a ' * 100000)|urlize(target='x' * 1000) }}", _TOO_LONG),
        ("{{ [1]|tojson(indent=10**9) }}", "|tojson takes no indent"),
        ("{{ ([[0] * 100] * 100000)|sum(start=[]) }}", "its start must be a number"),
        ("{{ range(3)|batch(10**9, 'x')|list }}", _TOO_LONG),
        ("{{ range(3)|slice(10**9)|list }}", _TOO_LONG),
        ("{{ ['x' * 100000] * 100 }}", "a printed list " + _TOO_LONG),
        (
            "{% set ns = namespace(l=[0]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}"
            "{% endfor %}",
            _TOO_LONG,
        ),
        ("{% for i in range(100) %}{{ 'x' * 100000 }}{% endfor %}", "the output " + _TOO_LONG),
        (
            "{% macro m() %}{% for i in range(100) %}{{ 'x' * 100000 }}{% endfor %}{% endmacro %}"
            "{{ m()|length }}",
            "the output " + _TOO_LONG,
        ),
        # Numbers: integers and decimals too large to compute or print quickly.
        ("{{ 10 ** 100000 }}", _TOO_MANY_DIGITS),
        ("{% set n = 10 ** 900 %}{{ n * n }}", _TOO_MANY_DIGITS),
        ("{{ ('1' * 100000)|int(base=2) }}", "a number of more than 1000 digits"),
        ("{{ amounts.total.amount ** 100000 }}", "Overflow"),
        ("{{ amounts.total.amount.scaleb(1500)|int }}", "Overflow"),
        # No bytes, whose methods would need checks of their own.
        ("{{ 'x'.encode() }}", "access to attribute 'encode' of 'str' object is unsafe"),
        ("{{ (1).to_bytes(10**9, 'big') }}", "access to attribute 'to_bytes'"),
    ],
)
def test_a_template_stops_within_its_budget(
    case: Case, action: Action, body: str, problem: str
) -> None:
    assert problem in _refused_quickly(case, action, body)


_REPRODUCERS = {
    "cp1250_polite.jinja": "template: not UTF-8 at byte 64",
    "hang_macro_exponential.jinja": _OUT_OF_TIME,
    "hang_nested_loops.jinja": _OUT_OF_TIME,
    "hang_power_chain.jinja": _TOO_MANY_DIGITS,
    "leak_method_repr.jinja": "a template may print lists of text, numbers, dates and amounts",
    "memory_namespace_doubling.jinja": _TOO_LONG,
    "memory_replace_bomb.jinja": _TOO_LONG,
}


def test_every_reproducer_of_the_review_is_a_test() -> None:
    assert sorted(p.name for p in HOSTILE_FILES.iterdir()) == sorted(_REPRODUCERS)


@pytest.mark.parametrize(("file", "problem"), sorted(_REPRODUCERS.items()))
def test_the_reviews_hostile_templates_are_refused_quickly(
    case: Case, tmp_path: Path, file: str, problem: str
) -> None:
    # As the review ran them: DIR/pl/freelancer/polite.jinja, rendering Nowak's polite reminder.
    polite = tmp_path / "pl" / "freelancer" / "polite.jinja"
    polite.parent.mkdir(parents=True)
    polite.write_bytes((HOSTILE_FILES / file).read_bytes())
    nowak = next(a for a in paychase.plan(case, now=None).actions if a.key == NOWAK_POLITE)
    renderer = Renderer(templates=[TemplateDirectory(tmp_path)])
    # The layouts compiled first, by a built-in step that uses them: only the template is timed.
    renderer.render(case, nowak.model_copy(update={"template": "freelancer/firm"}))
    started = time.perf_counter()
    with pytest.raises(PluginError) as error:
        renderer.render(case, nowak)
    assert time.perf_counter() - started < STOPS_WITHIN
    assert problem in str(error.value)
    assert "pl/freelancer/polite" in str(error.value)
    assert not _ERROR_LEAKS.search(str(error.value))


NOWAK_POLITE = "nowak-2025/pl-2026-021/polite/1"


class _SlowPartial:
    """A host loader that takes longer than a message's whole budget to give a partial once."""

    def __init__(self) -> None:
        self.slept = False

    def source(self, name: str, locale: str, /) -> str | None:
        if (name, locale) == ("slow/partial", "en"):
            if not self.slept:
                time.sleep(1.1)
                self.slept = True
            return "PARTIAL"
        if (name, locale) == ("slow/main", "en"):
            return _wrapped("{% include 'slow/partial' %}")
        return None


def test_loading_and_compiling_an_included_template_is_not_counted(
    case: Case, action: Action
) -> None:
    # A layout or partial is compiled the first time a render includes it: paychase's work.
    message = Renderer(templates=[_SlowPartial()]).render(
        case, action.model_copy(update={"template": "slow/main"})
    )
    assert "[PARTIAL]" in message.text


class _Page:
    def source(self, name: str, locale: str, /) -> str | None:
        return "{{ 'x' * 2000000 }}" if (name, locale) == ("big/page", "en") else None


def test_a_page_has_a_larger_budget_than_a_message(case: Case, action: Action) -> None:
    # The evidence pack of a client with a long history runs to megabytes.
    page = Renderer(templates=[_Page()]).render_page("big/page", "en", lambda _: {})
    assert page == "x" * 2_000_000 + "\n"
    assert _TOO_LONG in _refused_quickly(case, action, "{{ 'x' * 2000000 }}")


# 15:00 in Warsaw: Papadopoulou's and Harrow's reminders and Brightline's request are due.
AFTERNOON = datetime.fromisoformat("2026-03-10T16:00:00+01:00")


@pytest.mark.parametrize(
    "file", ["cp1250_polite.jinja", "memory_replace_bomb.jinja", "hang_nested_loops.jinja"]
)
def test_a_hostile_template_costs_its_own_message_not_the_run(tmp_path: Path, file: str) -> None:
    """Not UTF-8, too much output, or stalled: the others of the run are delivered."""
    # Papadopoulou's reminder (Greek) uses the host's hostile text; the others are built in.
    pre_due = tmp_path / "el" / "freelancer" / "pre_due.jinja"
    pre_due.parent.mkdir(parents=True)
    pre_due.write_bytes((HOSTILE_FILES / file).read_bytes())
    channel = LoggingChannel(tmp_path / "sent.log")
    runner = Runner(
        store=MemoryStore(),
        channels={"email": channel, "sms": channel},
        renderer=Renderer(templates=[TemplateDirectory(tmp_path)]),
        clock=lambda: datetime(2026, 3, 10, 15, tzinfo=UTC),
        sleep=lambda _: None,
    )
    report = runner.run(load_case(str(REPO / "examples" / "portfolio.json")), now=AFTERNOON)
    outcomes = {o.key: o for o in report.outcomes}
    failed = outcomes["papadopoulou-site/gr-2026-131/pre_due/1"]
    assert failed.status == "retry_later"
    assert failed.detail.startswith("not rendered: template: ")
    assert sorted(sent_keys(tmp_path / "sent.log")) == [
        "brightline-identity/concepts/request_milestone/1",
        "harrow-retainer/gb-0042/polite/2",
    ]


class _FailingForOne:
    """A host's loader (a CMS, say) that fails for the Greek pre-due reminder alone."""

    def source(self, name: str, locale: str, /) -> str | None:
        if (name, locale) == ("freelancer/pre_due", "el"):
            raise ConnectionError("the CMS is down")
        return None


def test_a_host_loader_that_fails_costs_its_own_message_not_the_run(tmp_path: Path) -> None:
    channel = LoggingChannel(tmp_path / "sent.log")
    runner = Runner(
        store=MemoryStore(),
        channels={"email": channel, "sms": channel},
        renderer=Renderer(templates=[_FailingForOne()]),
        clock=lambda: datetime(2026, 3, 10, 15, tzinfo=UTC),
        sleep=lambda _: None,
    )
    report = runner.run(load_case(str(REPO / "examples" / "portfolio.json")), now=AFTERNOON)
    failed = next(o for o in report.outcomes if o.key == "papadopoulou-site/gr-2026-131/pre_due/1")
    assert failed.status == "retry_later"
    assert "template loader failed: ConnectionError: the CMS is down" in failed.detail
    assert len(sent_keys(tmp_path / "sent.log")) == 2
