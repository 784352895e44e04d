"""The docs site: its API reference documents exactly the exported names, and it builds.

Each public package has one page under ``docs/reference/``. The page opens with the package
itself (``::: paychase.case``, rendered without members: its docstring) and then names every
export once, as ``::: paychase.case.Case``; `paychase` itself documents `load_case` and
`__version__` that way and links each core name to its home package's page. The names a page
documents must be exactly its package's ``__all__``: an export nobody documented, or a page
entry nothing exports, fails here. ``mkdocs build --strict`` (CI runs it) checks the rest.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.test_public_api import PUBLIC_MODULES, _own_doc, _public_callables, _public_methods

import paychase

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "docs" / "reference"

# The reference page of each public module, as mkdocs.yml's nav lists them.
PAGES = {
    name: f"{name.removeprefix('paychase.')}.md" if name != "paychase" else "index.md"
    for name in PUBLIC_MODULES
}
PACKAGES = [name for name in PUBLIC_MODULES if name != "paychase"]

# `::: identifier` on a line of its own, optionally followed by an indented options block.
DIRECTIVE = re.compile(r"^::: (\S+)$", re.MULTILINE)
# [`Case`](case.md#paychase.case.Case): a core name, linked to where it is documented.
LINK = re.compile(r"\[`(\w+)`\]\((\w+\.md)#(paychase(?:\.\w+)+)\)")


def _page(module: str) -> str:
    return (REFERENCE / PAGES[module]).read_text(encoding="utf-8")


def _documented(module: str) -> list[str]:
    """The names the page of `module` documents with a directive, in page order."""
    identifiers = DIRECTIVE.findall(_page(module))
    assert identifiers[0] == module, f"{PAGES[module]} should open with `::: {module}`"
    names = []
    for identifier in identifiers[1:]:
        owner, _, name = identifier.rpartition(".")
        assert owner == module, f"{PAGES[module]}: {identifier} is not a name of {module}"
        names.append(name)
    return names


def test_every_public_module_has_one_reference_page_in_the_nav() -> None:
    assert PAGES.keys() == set(PUBLIC_MODULES)
    assert sorted(path.name for path in REFERENCE.glob("*.md")) == sorted(PAGES.values())
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for module, page in PAGES.items():
        assert f"- {module}: reference/{page}\n" in nav


@pytest.mark.parametrize("module", PACKAGES)
def test_a_package_page_documents_exactly_its_exports(module: str) -> None:
    documented = _documented(module)
    assert len(documented) == len(set(documented)), f"{PAGES[module]} names something twice"
    assert set(documented) == set(importlib.import_module(module).__all__)


def test_the_top_page_documents_its_own_names_and_links_the_core_to_its_home() -> None:
    own = _documented("paychase")
    links = LINK.findall(_page("paychase"))
    for name, page, target in links:
        home, _, attribute = target.rpartition(".")
        assert attribute == name, f"[`{name}`] links to {target}"
        assert page == PAGES[home], f"{target} is documented on {PAGES[home]}, not {page}"
        assert name in importlib.import_module(home).__all__
        assert getattr(paychase, name) is getattr(importlib.import_module(home), name)
    names = own + [name for name, _, _ in links]
    assert len(names) == len(set(names)), "index.md names something twice"
    assert set(names) == set(paychase.__all__)


def _docstrings() -> list[tuple[str, str]]:
    """Every public module's, export's and public method's own docstring, by dotted name."""
    modules = [(name, importlib.import_module(name).__doc__) for name in PUBLIC_MODULES]
    exports = [(name, _own_doc(value)) for name, value in _public_callables()]
    methods = [(name, value.__doc__) for name, value in _public_methods()]
    return [(name, doc or "") for name, doc in modules + exports + methods]


@pytest.mark.parametrize(
    ("name", "doc"),
    [pytest.param(name, doc, id=name) for name, doc in _docstrings() if ">>>" in doc],
)
def test_a_docstring_example_is_in_an_examples_section(name: str, doc: str) -> None:
    """A ``>>>`` outside ``Examples:`` would render as nested quotes on the site, not as code."""
    lines = inspect.cleandoc(doc).splitlines()
    first = next(index for index, line in enumerate(lines) if line.lstrip().startswith(">>>"))
    headers = [i for i, line in enumerate(lines[:first]) if line in ("Examples:", "Example:")]
    assert headers, f"{name}: put its `>>>` examples under an `Examples:` section"
    assert all(line.startswith("    ") for line in lines[headers[-1] + 1 : first + 1] if line)


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    """Broken links, anchors or docstrings fail the build; CI builds it too, after the tests."""
    pytest.importorskip("mkdocstrings_handlers.python", reason="needs the docs extra")
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "reference" / "case" / "index.html").is_file()
