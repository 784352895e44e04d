"""The public surface: exactly what ``__all__`` says, every piece of it documented.

Like httpx's ``test_all_imports_are_exported``: a name reachable as ``paychase.X`` is public,
so it must be in ``__all__`` (or be a submodule), and nothing private may be exported.
"""

from __future__ import annotations

import importlib
import inspect
import types
from typing import Any

import pytest

import paychase
from paychase import errors

PUBLIC_MODULES = [
    "paychase",
    "paychase.errors",
    "paychase.testing",
    "paychase.shell._cli",
    "paychase.shell._files",
]


def _defined_public_names(module: types.ModuleType, *, reexports: bool) -> set[str]:
    """Public names bound in `module`: submodules and (unless `reexports`) imports left out."""
    names = set()
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        if name == "annotations":  # `from __future__ import annotations`
            continue
        defined_here = getattr(value, "__module__", module.__name__) == module.__name__
        if reexports or defined_here:
            names.add(name)
    return names


def test_package_all_is_exactly_its_public_names() -> None:
    public = _defined_public_names(paychase, reexports=True)
    assert set(paychase.__all__) == public | {"__version__"}


def test_errors_all_is_exactly_the_errors_defined_there() -> None:
    assert set(errors.__all__) == _defined_public_names(errors, reexports=False)


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


def test_every_error_is_exported_from_the_package_too() -> None:
    assert set(errors.__all__) <= set(paychase.__all__)
    for item in errors.__all__:
        assert getattr(paychase, item) is getattr(errors, item)


def test_the_version_is_a_string() -> None:
    assert isinstance(paychase.__version__, str)
    assert paychase.__version__.count(".") >= 2


def _public_callables() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for item in module.__all__:
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


@pytest.mark.parametrize("name", ["errors", "shell", "testing"])
def test_public_submodules_say_what_they_own(name: str) -> None:
    module = importlib.import_module(f"paychase.{name}")
    assert (module.__doc__ or "").strip()
