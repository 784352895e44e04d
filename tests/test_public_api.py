"""The public surface: exactly what each package's ``__all__`` says, every piece of it documented.

Like httpx's ``test_all_imports_are_exported``: a name reachable as ``paychase.X`` (or
``paychase.delivery.X``…) is public, so it must be in ``__all__``, and nothing private may be
exported. ``paychase`` itself re-exports the pure core, loading each name on first use.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import types
import warnings
from typing import Any

import pytest

import paychase
import paychase.delivery
from paychase import errors

CORE_PACKAGES = [
    "paychase.case",
    "paychase.calendar",
    "paychase.policy",
    "paychase.money",
    "paychase.conversation",
    "paychase.planner",
]
SHELL_PACKAGES = [
    "paychase.messages",
    "paychase.evidence",
    "paychase.delivery",
    "paychase.store",
    "paychase.rates",
    "paychase.simulation",
    "paychase.cli",
    "paychase.testing",
]
PUBLIC_MODULES = ["paychase", "paychase.errors", *CORE_PACKAGES, *SHELL_PACKAGES]


def _public_names(module: types.ModuleType) -> set[str]:
    """Public names bound in `module`: a package's re-exports, or what a module defines."""
    is_package = hasattr(module, "__path__")
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name not in ("annotations", "TYPE_CHECKING")  # `from __future__ import annotations`
        and (is_package or getattr(value, "__module__", module.__name__) == module.__name__)
    }


@pytest.mark.parametrize("name", [*CORE_PACKAGES, *SHELL_PACKAGES])
def test_package_all_is_exactly_its_public_names(name: str) -> None:
    module = importlib.import_module(name)
    assert set(module.__all__) == _public_names(module)


def test_errors_all_is_exactly_the_errors_defined_there() -> None:
    assert set(errors.__all__) == _public_names(errors)


def test_the_package_exports_the_core_the_errors_the_reason_parts_and_load_case() -> None:
    core: set[str] = set()
    for name in CORE_PACKAGES:
        core |= set(importlib.import_module(name).__all__)
    scale = {"plan_stream", "plan_parallel", "plan_parallel_json"}
    reasons = {"ReasonPart"}
    expected = core | set(errors.__all__) | scale | reasons | {"load_case", "__version__"}
    assert set(paychase.__all__) == expected
    assert sorted(dir(paychase)) == sorted(paychase.__all__)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_lists_no_name_twice_and_nothing_private(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported))
    assert all(not item.startswith("_") or item == "__version__" for item in exported)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_exported_name_can_be_imported(name: str) -> None:
    module = importlib.import_module(name)
    for item in module.__all__:
        namespace: dict[str, Any] = {}
        exec(f"from {name} import {item}", namespace)
        assert namespace[item] is getattr(module, item)


def test_a_core_name_is_the_same_object_from_the_package_and_its_home() -> None:
    for name in CORE_PACKAGES:
        home = importlib.import_module(name)
        for item in home.__all__:
            assert getattr(paychase, item) is getattr(home, item), f"{name}.{item}"


def test_a_name_that_moved_to_the_shell_still_works_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match=r"paychase.delivery.SmtpChannel"):
        moved = paychase.SmtpChannel  # type: ignore[attr-defined]
    assert moved is paychase.delivery.SmtpChannel


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = paychase.nothing_here  # type: ignore[attr-defined]


def test_importing_paychase_loads_neither_the_core_nor_the_shell() -> None:
    code = (
        "import sys, paychase; "
        "print(sorted(m for m in sys.modules if m.startswith(('paychase.', 'pydantic', 'jinja2'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


def test_the_version_is_a_string() -> None:
    assert isinstance(paychase.__version__, str)
    assert paychase.__version__.count(".") >= 2


def _public_callables() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for item in module.__all__:
            with warnings.catch_warnings():
                value = getattr(module, item)
            if inspect.isclass(value) or inspect.isroutine(value):
                found.append((f"{module_name}.{item}", value))
    return found


def _own_doc(value: Any) -> str | None:
    """The docstring the object itself declares (a class does not borrow its base's)."""
    if inspect.isclass(value):
        doc = vars(value).get("__doc__")
        return doc if isinstance(doc, str) else None
    return value.__doc__ if isinstance(value.__doc__, str) else None


@pytest.mark.parametrize(
    ("name", "value"), [pytest.param(*pair, id=pair[0]) for pair in _public_callables()]
)
def test_every_public_callable_has_a_docstring(name: str, value: Any) -> None:
    assert (_own_doc(value) or "").strip(), f"{name} has no docstring"


def _public_methods() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for name, cls in _public_callables():
        if not inspect.isclass(cls):
            continue
        for attribute, value in vars(cls).items():
            if attribute.startswith("_"):
                continue
            if isinstance(value, classmethod | staticmethod):
                found.append((f"{name}.{attribute}", value.__func__))
            elif isinstance(value, property) or inspect.isfunction(value):
                found.append((f"{name}.{attribute}", value))
    return found


@pytest.mark.parametrize(
    ("name", "value"), [pytest.param(*pair, id=pair[0]) for pair in _public_methods()]
)
def test_every_public_method_has_a_docstring(name: str, value: Any) -> None:
    assert (value.__doc__ or "").strip(), f"{name} has no docstring"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_packages_say_what_they_own(name: str) -> None:
    module = importlib.import_module(name)
    assert (module.__doc__ or "").strip()
