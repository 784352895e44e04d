"""Where message templates come from, and which one a locale gets.

A template is found by name (``freelancer/polite``) and locale. The locale falls back from the
most specific to English — ``pl_PL`` → ``pl`` → ``en`` — and at each step the host's templates
are asked before the built-in ones, so a host overrides one text in one language without copying
the rest. Built-in templates ship as files inside the package
(``paychase/messages/templates/<locale>/<name>.jinja``); a host keeps the same layout in a
directory of its own.

A host's directory is read as the host laid it out, and no further: a file whose real path
(after following symbolic links) lies outside the directory is refused, and so is a file that
is not UTF-8. Whatever a loader fails with surfaces as a `PluginError` naming the template,
so one bad file costs one message, never a whole run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Protocol, runtime_checkable

from babel import Locale, UnknownLocaleError

from paychase.errors import PluginError

__all__ = [
    "BUILTIN_LOCALES",
    "BuiltinTemplates",
    "TemplateDirectory",
    "TemplateLoader",
    "find_source",
    "is_template_name",
    "language_of",
    "locale_chain",
]

BUILTIN_LOCALES = ("en", "pl", "ru", "el", "de")
"""The languages paychase ships texts in."""

_SUFFIX = ".jinja"
# Names are '/'-joined words, as policy names and step ids are: no segment starts with a dot,
# so nothing can climb out of a template directory.
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")


@runtime_checkable
class TemplateLoader(Protocol):
    """A source of template texts, asked for one name in one exact locale at a time."""

    def source(self, name: str, locale: str, /) -> str | None:
        """The template text of `name` written for exactly `locale` (``pl_PL`` or ``pl``).

        Returns None when this loader has no such template; the next loader or the next locale
        in the fallback chain is then asked.
        """
        ...


def is_template_name(name: str) -> bool:
    """Whether `name` can name a template (and so cannot name a file outside the templates)."""
    return bool(_NAME.fullmatch(name))


def language_of(locale: str) -> str:
    """The language part of a locale: ``pl`` for ``pl_PL``."""
    return str(Locale.parse(locale).language)


def locale_chain(locale: str) -> tuple[str, ...]:
    """The locales asked for a template, most specific first, always ending in English.

    Examples:
        >>> locale_chain("pl_PL")
        ('pl_PL', 'pl', 'en')
        >>> locale_chain("sr_Latn_RS")
        ('sr_Latn_RS', 'sr_Latn', 'sr', 'en')
    """
    try:
        parsed = Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise PluginError("not a locale babel knows", field="locale", value=locale) from None
    chain = [str(parsed)]
    if parsed.script:
        chain.append(f"{parsed.language}_{parsed.script}")
    chain += [parsed.language, "en"]
    return tuple(dict.fromkeys(chain))


class _FileTemplates:
    """Templates stored as ``<root>/<locale>/<name>.jinja``."""

    def __init__(self, root: Traversable) -> None:
        self._root = root

    def source(self, name: str, locale: str, /) -> str | None:
        """The text of ``<root>/<locale>/<name>.jinja``, if there is one.

        Raises:
            PluginError: the file cannot be read, or is not UTF-8.
        """
        if not is_template_name(name) or not re.fullmatch(r"[A-Za-z]{2,3}(_[A-Za-z0-9]+)*", locale):
            return None
        parts = (locale, *f"{name}{_SUFFIX}".split("/"))
        where = "/".join(parts)  # the file, as the host laid it out below the root
        try:
            data = self._read(parts)
        except OSError as error:
            raise PluginError(
                f"cannot read the template: {error.strerror}", field="template", value=where
            ) from None
        return None if data is None else _decoded(data, where)

    def _read(self, parts: tuple[str, ...]) -> bytes | None:
        """The bytes of the file at `parts` below the root, if there is such a file."""
        node = self._root.joinpath(*parts)
        return node.read_bytes() if node.is_file() else None

    def locales(self) -> list[str]:
        """The locales this loader has a directory for."""
        return sorted(child.name for child in self._root.iterdir() if child.is_dir())

    def names(self, locale: str) -> Iterator[str]:
        """Every template name written for exactly `locale`, partials (``_…``) included."""
        base = self._root.joinpath(locale)
        if base.is_dir():
            yield from _walk(base, "")


def _walk(node: Traversable, prefix: str) -> Iterator[str]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            yield from _walk(child, f"{prefix}{child.name}/")
        elif child.name.endswith(_SUFFIX):
            yield f"{prefix}{child.name.removesuffix(_SUFFIX)}"


class BuiltinTemplates(_FileTemplates):
    """The texts paychase ships, in English, Polish, Russian, Greek and German."""

    def __init__(self) -> None:
        super().__init__(resources.files("paychase.messages").joinpath("templates"))


class TemplateDirectory(_FileTemplates):
    """A host's templates in a directory laid out like the built-ins: ``<locale>/<name>.jinja``.

    Raises:
        PluginError: the directory does not exist.
    """

    def __init__(self, path: str | Path) -> None:
        if not isinstance(path, str | os.PathLike):
            raise PluginError("not a directory path", field="templates", value=path)
        root = Path(path)
        if not root.is_dir():
            raise PluginError("not a template directory", field="templates", value=str(root))
        super().__init__(root)
        self._path = root
        self._real = root.resolve()

    def _read(self, parts: tuple[str, ...]) -> bytes | None:
        """The file's bytes, read from its real path once that is known to be inside.

        A symbolic link that stays inside the directory is followed (a host may share one text
        between languages); one that leads out of it is refused, since whoever may write to the
        template directory should not thereby read the rest of the machine into a message.
        """
        path = self._path.joinpath(*parts)
        if not path.is_file():
            return None
        real = path.resolve()
        if not real.is_relative_to(self._real):
            raise PluginError(
                "a symbolic link that leads out of the template directory",
                field="template",
                value="/".join(parts),
            )
        return real.read_bytes()


def find_source(
    loaders: Sequence[TemplateLoader], name: str, chain: Sequence[str]
) -> tuple[str, str] | None:
    """The first template text for `name` along `chain`, with the locale it was written for.

    Raises:
        PluginError: a loader failed, or gave something other than text.
    """
    for locale in chain:
        for loader in loaders:
            text = _ask(loader, name, locale)
            if text is not None:
                return text, locale
    return None


def _ask(loader: TemplateLoader, name: str, locale: str) -> str | None:
    """What `loader` has for `name` in `locale`; a host's loader failing is a `PluginError`."""
    try:
        text = loader.source(name, locale)
    except PluginError:
        raise
    except Exception as error:  # a host's loader is foreign code: whatever it raises is its fault
        raise PluginError(
            f"template loader failed: {type(error).__name__}: {error}",
            field="template",
            value=f"{locale}/{name}",
        ) from None
    if text is not None and not isinstance(text, str):
        raise PluginError(
            f"a template loader gave {type(text).__name__}, not text",
            field="template",
            value=f"{locale}/{name}",
        )
    return text


def _decoded(data: bytes, where: str) -> str:
    """A template file's text; a file in another encoding is named with the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PluginError(
            f"not UTF-8 at byte {error.start}: save the template as UTF-8",
            field="template",
            value=where,
        ) from None
