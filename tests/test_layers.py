"""The architecture, checked: the pure core never imports the shell, and packages form layers.

Each package may import only from itself and from the packages below it. Imports needed only
for type annotations (under ``if TYPE_CHECKING:``) and imports inside functions are exempt:
they run after every package has loaded. Keeping the layers acyclic is what lets each package's
``__init__`` import its own modules eagerly without ever meeting a half-initialised module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "paychase"

# Lowest first. The core: plain data in, plain data out (SPEC §1).
CORE = (
    "errors",
    "_text",
    "_model",
    "_reason",
    "calendar",
    "policy",
    "case",
    "money",
    "conversation",
    "planner",
)
# The shell, around the core: files, then what uses them.
SHELL = (
    "_files",
    "_stream",
    "rates",
    "messages",
    "store",
    "delivery",
    "evidence",
    "simulation",
    "testing",
    "dask",
    "cli",
)
LAYERS = {name: rank for rank, name in enumerate(CORE + SHELL)}


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "paychase" or len(parts) < 2:
        return None
    return parts[1]


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    """Modules `path` imports when it is loaded: top level, outside ``if TYPE_CHECKING:``."""
    found: list[tuple[int, str]] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.name != "__main__.py")


def _own_layer(path: Path) -> str:
    relative = path.relative_to(SRC)
    return relative.parts[0].removesuffix(".py")


def test_every_module_belongs_to_a_layer() -> None:
    unknown = {_own_layer(p) for p in _modules()} - set(LAYERS) - {"__init__"}
    assert not unknown, f"add these to CORE or SHELL in this test: {sorted(unknown)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_go_down_the_layers_only(path: Path) -> None:
    own = _own_layer(path)
    if own == "__init__":  # the top-level package re-exports the core lazily
        return
    for line, module in _runtime_imports(path):
        target = _layer_of(module)
        if target is None or target == own:
            continue
        assert LAYERS[target] < LAYERS[own], (
            f"{path.relative_to(SRC)}:{line} imports {module}: "
            f"{own} may only use the layers below it"
        )


@pytest.mark.parametrize(
    "path",
    [p for p in _modules() if _own_layer(p) in CORE],
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_no_core_module_imports_the_shell(path: Path) -> None:
    """Even under TYPE_CHECKING or inside a function: the core does not know the shell exists."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        for module in modules:
            target = _layer_of(module)
            assert target not in SHELL, f"{path.relative_to(SRC)} imports the shell: {module}"
