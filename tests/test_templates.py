"""Where templates come from (paychase.messages._templates) and which names an action tries."""

from __future__ import annotations

import typing
from functools import cache
from pathlib import Path

import pytest

import paychase
from paychase import Action
from paychase.errors import PluginError
from paychase.messages._render import template_names
from paychase.messages._samples import samples
from paychase.messages._templates import (
    BUILTIN_LOCALES,
    BuiltinTemplates,
    TemplateDirectory,
    find_source,
    is_template_name,
    locale_chain,
)
from paychase.policy._policy import ActionKind

TEMPLATES = Path(paychase.__file__).parent / "messages" / "templates"

# -- locale_chain -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "chain"),
    [
        ("pl_PL", ("pl_PL", "pl", "en")),
        ("pl", ("pl", "en")),
        ("en", ("en",)),
        ("en_US", ("en_US", "en")),
        ("en_GB", ("en_GB", "en")),
        ("de_AT", ("de_AT", "de", "en")),
        ("sr_Latn_RS", ("sr_Latn_RS", "sr_Latn", "sr", "en")),
        ("zh_Hant_TW", ("zh_Hant_TW", "zh_Hant", "zh", "en")),
        # Spelled loosely, read as babel reads it: the chain names real directories.
        ("EN_us", ("en_US", "en")),
    ],
)
def test_locale_chain(locale: str, chain: tuple[str, ...]) -> None:
    assert locale_chain(locale) == chain


@pytest.mark.parametrize(
    "locale", ["xx_XX", "klingon", "", "pl-PL", "../en", "en/../../etc", "en\\..\\x"]
)
def test_locale_chain_refuses_what_babel_does_not_know(locale: str) -> None:
    with pytest.raises(PluginError) as error:
        locale_chain(locale)
    assert error.value.field == "locale"
    assert error.value.value == locale


# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["freelancer/polite", "_strings", "_layout/message", "generic/send_reminder", "a.b/c-d"]
)
def test_template_names_that_are_allowed(name: str) -> None:
    assert is_template_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "../secret",
        "freelancer/../../secret",
        "freelancer/..",
        ".hidden",
        "/etc/passwd",
        "freelancer//polite",
        "freelancer/polite/",
        "..\\secret",
        "C:\\secret",
        "freelancer\\polite",
        "free lancer/polite",
        "freelancer/polite.jinja\x00",
    ],
)
def test_template_names_that_could_leave_the_directory_are_refused(name: str) -> None:
    assert not is_template_name(name)


def test_a_trailing_newline_is_not_a_template_name() -> None:
    assert not is_template_name("freelancer/polite\n")


# -- built-in templates -------------------------------------------------------------------


def test_builtin_languages_are_the_shipped_directories() -> None:
    present = {p.name for p in TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert "en" in present
    assert present <= set(BUILTIN_LOCALES)


def test_builtin_templates_read_the_package_files() -> None:
    builtin = BuiltinTemplates()
    text = builtin.source("freelancer/polite", "en")
    assert text == (TEMPLATES / "en" / "freelancer" / "polite.jinja").read_text("utf-8")
    assert builtin.source("freelancer/no_such_step", "en") is None
    assert builtin.source("freelancer/polite", "xx") is None
    # The chain asks "pl_PL" before "pl": no built-in is written for a country.
    assert builtin.source("freelancer/polite", "en_GB") is None


def test_builtin_names_include_partials() -> None:
    names = set(BuiltinTemplates().names("en"))
    assert {"_strings", "_layout/message", "_layout/letter", "freelancer/polite"} <= names
    assert not any(name.endswith(".jinja") for name in names)
    assert list(BuiltinTemplates().names("xx")) == []


def test_english_has_a_template_for_every_builtin_step_and_every_kind() -> None:
    # English is the end of every chain: whatever it lacks, no reader gets.
    names = set(BuiltinTemplates().names("en"))
    for name in paychase.BUILTIN_POLICIES:
        for step in paychase.builtin_policy(name).steps:
            assert (step.template or f"{name}/{step.id}") in names, (name, step.id)
    for kind in typing.get_args(ActionKind):
        assert f"generic/{kind}" in names, kind


@pytest.mark.parametrize(
    "language", sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir() and p.name != "en")
)
def test_other_languages_translate_the_strings(language: str) -> None:
    # A language directory without its own _strings would print English labels in its texts.
    assert "_strings" in set(BuiltinTemplates().names(language))


# -- host directories ---------------------------------------------------------------------

_HOST_POLITE = '{% extends "_layout/message" %}{% block subject %}HOST {{ locale }}{% endblock %}'


def _host_dir(root: Path) -> Path:
    """A host directory overriding freelancer/polite in German only, with a secret beside it."""
    templates = root / "templates"
    (templates / "de" / "freelancer").mkdir(parents=True)
    (templates / "de" / "freelancer" / "polite.jinja").write_text(_HOST_POLITE, "utf-8")
    (templates / "de" / "custom").mkdir()
    (templates / "de" / "custom" / "note.jinja").write_text("note", "utf-8")
    (root / "secret.jinja").write_text("TOP SECRET 7d1f", "utf-8")
    (templates / "secret.jinja").write_text("TOP SECRET 7d1f", "utf-8")
    (templates / "de" / "secret.txt").write_text("TOP SECRET 7d1f", "utf-8")
    return templates


def test_template_directory_reads_its_own_layout(tmp_path: Path) -> None:
    host = TemplateDirectory(_host_dir(tmp_path))
    assert host.source("freelancer/polite", "de") == _HOST_POLITE
    assert host.source("freelancer/polite", "en") is None
    assert host.source("freelancer/polite", "de_DE") is None
    assert sorted(host.names("de")) == ["custom/note", "freelancer/polite"]


def test_template_directory_overrides_one_locale_only(tmp_path: Path) -> None:
    loaders = (TemplateDirectory(_host_dir(tmp_path)), BuiltinTemplates())
    german = find_source(loaders, "freelancer/polite", locale_chain("de_DE"))
    assert german == (_HOST_POLITE, "de")
    english = find_source(loaders, "freelancer/polite", locale_chain("en_GB"))
    assert english is not None
    assert english[0] == BuiltinTemplates().source("freelancer/polite", "en")
    assert english[1] == "en"
    # Names the host does not override still come from the built-ins in German.
    generic = find_source(loaders, "generic/send_reminder", locale_chain("de_DE"))
    assert generic is not None
    assert "HOST" not in generic[0]


def test_a_more_specific_locale_beats_loader_order(tmp_path: Path) -> None:
    # Host loaders are asked first at each step of the chain, but the chain comes first: a
    # host's English text does not replace a translation the reader's language has.
    templates = tmp_path / "t"
    (templates / "en" / "x").mkdir(parents=True)
    (templates / "en" / "x" / "y.jinja").write_text("english", "utf-8")
    (templates / "pl" / "x").mkdir(parents=True)
    (templates / "pl" / "x" / "y.jinja").write_text("polski", "utf-8")
    (templates / "pl_PL" / "x").mkdir(parents=True)
    (templates / "pl_PL" / "x" / "y.jinja").write_text("polski (Polska)", "utf-8")

    class EnglishOnly:
        def source(self, name: str, locale: str, /) -> str | None:
            return "host english" if (name, locale) == ("x/y", "en") else None

    directory = TemplateDirectory(templates)
    assert find_source((EnglishOnly(), directory), "x/y", locale_chain("pl_PL")) == (
        "polski (Polska)",
        "pl_PL",
    )
    assert find_source((EnglishOnly(), directory), "x/y", locale_chain("pl")) == ("polski", "pl")
    assert find_source((EnglishOnly(), directory), "x/y", ("en",)) == ("host english", "en")
    assert find_source((directory,), "x/z", locale_chain("pl_PL")) is None


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_template_directory_must_exist(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nope"
    if kind == "file":
        path.write_text("not a directory", "utf-8")
    with pytest.raises(PluginError) as error:
        TemplateDirectory(path)
    assert error.value.field == "templates"
    assert error.value.value == str(path)


@pytest.mark.parametrize(
    ("name", "locale"),
    [
        ("../secret", "de"),
        ("../../secret", "de"),
        ("freelancer/../../secret", "de"),
        ("..\\secret", "de"),
        ("..\\..\\secret", "de"),
        ("secret", "."),
        ("secret", ".."),
        ("secret", "de/.."),
        ("secret", "../.."),
        ("secret", ""),
        ("secret.txt", "de"),
        ("../../secret", "de_DE"),
    ],
)
def test_template_directory_never_reads_outside_its_templates(
    tmp_path: Path, name: str, locale: str
) -> None:
    host = TemplateDirectory(_host_dir(tmp_path))
    assert host.source(name, locale) is None


def test_absolute_paths_are_never_read(tmp_path: Path) -> None:
    host = TemplateDirectory(_host_dir(tmp_path))
    secret = tmp_path / "secret"  # the .jinja suffix is added by the loader
    assert host.source(str(secret), "de") is None
    assert host.source(str(secret.relative_to(secret.anchor)), "de") is None
    assert host.source("secret", str(tmp_path)) is None
    assert BuiltinTemplates().source(str(secret), "en") is None


HOSTILE = Path(__file__).resolve().parent / "data" / "hostile_templates"


def test_a_template_that_is_not_utf8_is_named_with_its_first_bad_byte(tmp_path: Path) -> None:
    # Windows-1250 is what many Polish editors save: "ą" is byte 0xB9 there, invalid in UTF-8.
    polite = tmp_path / "pl" / "freelancer" / "polite.jinja"
    polite.parent.mkdir(parents=True)
    polite.write_bytes((HOSTILE / "cp1250_polite.jinja").read_bytes())
    with pytest.raises(PluginError) as error:
        TemplateDirectory(tmp_path).source("freelancer/polite", "pl")
    assert error.value.field == "template"
    assert error.value.value == "pl/freelancer/polite.jinja"
    bad = polite.read_bytes().index(b"\xb9")
    assert error.value.problem == f"not UTF-8 at byte {bad}: save the template as UTF-8"
    assert "\n" not in str(error.value)


def test_a_link_out_of_the_template_directory_is_refused(tmp_path: Path) -> None:
    templates = _host_dir(tmp_path)
    link = templates / "de" / "freelancer" / "link.jinja"
    link.symlink_to(tmp_path / "secret.jinja")
    with pytest.raises(PluginError) as error:
        TemplateDirectory(templates).source("freelancer/link", "de")
    assert error.value.problem == "a symbolic link that leads out of the template directory"
    assert error.value.value == "de/freelancer/link.jinja"
    assert "TOP SECRET" not in str(error.value)


def test_a_linked_folder_out_of_the_template_directory_is_refused(tmp_path: Path) -> None:
    templates = _host_dir(tmp_path)
    (templates / "de" / "outside").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(PluginError, match="leads out of the template directory"):
        TemplateDirectory(templates).source("outside/secret", "de")


def test_a_link_inside_the_template_directory_is_followed(tmp_path: Path) -> None:
    templates = _host_dir(tmp_path)
    (templates / "en" / "freelancer").mkdir(parents=True)
    shared = templates / "de" / "freelancer" / "polite.jinja"
    (templates / "en" / "freelancer" / "polite.jinja").symlink_to(shared)
    assert TemplateDirectory(templates).source("freelancer/polite", "en") == _HOST_POLITE


def test_a_template_directory_reached_through_a_link_reads_its_own_files(tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(_host_dir(tmp_path), target_is_directory=True)
    assert TemplateDirectory(tmp_path / "alias").source("freelancer/polite", "de") == _HOST_POLITE


def test_an_unreadable_template_is_a_plugin_error(tmp_path: Path) -> None:
    templates = _host_dir(tmp_path)
    too_long = "x" * 300  # longer than a file name may be: the file system refuses the path
    with pytest.raises(PluginError) as error:
        TemplateDirectory(templates).source(too_long, "de")
    assert error.value.problem.startswith("cannot read the template: ")
    assert error.value.value == f"de/{too_long}.jinja"


class _Failing:
    def source(self, name: str, locale: str, /) -> str | None:
        raise ConnectionError("the CMS is down")


class _Bytes:
    def source(self, name: str, locale: str, /) -> str | None:
        return b"{{ x }}"  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("loader", "problem"),
    [
        (_Failing(), "template loader failed: ConnectionError: the CMS is down"),
        (_Bytes(), "a template loader gave bytes, not text"),
    ],
)
def test_a_host_loader_that_fails_is_a_plugin_error(loader: object, problem: str) -> None:
    with pytest.raises(PluginError) as error:
        find_source((loader, BuiltinTemplates()), "freelancer/polite", ("pl", "en"))  # type: ignore[arg-type]
    assert (error.value.field, error.value.problem) == ("template", problem)
    assert error.value.value == "pl/freelancer/polite"


# -- template_names -----------------------------------------------------------------------


@cache
def _freelancer_samples() -> dict[str, Action]:
    return {s.label: s.action for s in samples("freelancer", "en")}


def _sample(label: str) -> Action:
    return _freelancer_samples()[label]


def test_a_ladder_step_tries_its_own_template_then_the_generic_one() -> None:
    action = _sample("freelancer/polite")
    assert template_names(action) == ("freelancer/polite", "generic/send_reminder")


def test_an_action_without_a_template_uses_the_generic_one() -> None:
    action = _sample("freelancer/polite").model_copy(update={"template": None})
    assert template_names(action) == ("generic/send_reminder",)
    review = _sample("review:-")
    assert template_names(review) == ("generic/review",)


def test_the_generic_name_is_not_tried_twice() -> None:
    action = _sample("freelancer/polite").model_copy(update={"template": "generic/send_reminder"})
    assert template_names(action) == ("generic/send_reminder",)


@pytest.mark.parametrize(
    ("label", "names"),
    [
        ("request_deposit:materials", ("work/materials", "generic/request_deposit")),
        ("pause_work:kill_fee", ("work/kill_fee", "generic/pause_work")),
        ("request_deposit:deposit", ("generic/request_deposit",)),
        ("pause_work:deposit", ("generic/pause_work",)),
    ],
)
def test_actions_outside_the_ladder_are_named_by_topic(label: str, names: tuple[str, ...]) -> None:
    assert template_names(_sample(label)) == names


def test_every_name_an_action_tries_is_a_template_name() -> None:
    for name in paychase.BUILTIN_POLICIES:
        for sample in samples(name, "en"):
            assert all(is_template_name(n) for n in template_names(sample.action)), sample.label
