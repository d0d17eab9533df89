"""provider/'s layers import one way: each only what sits below it (CONTRIBUTING.md, "Layout").

Read from the source with ``ast``, every import counted, those under ``if TYPE_CHECKING:`` and inside functions too:
a layer that reaches up, even lazily, is a cycle waiting for its first caller.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = ROOT / "provider"

LAYERS: dict[str, int] = {
    "provider.errors": 0,
    "provider.core": 1,
    "provider.adobe": 2,
    "provider.engine": 3,
    "provider.sdk": 4,
    "provider.resources": 5,
    "provider.generators": 6,
    "provider.export": 7,
    "provider.recover": 7,
}
"""Each layer of provider/ and its rank: a module imports only modules of a lower rank, or of its own layer."""

ROOT_NAMES_ANYONE_MAY_IMPORT = {"__version__"}
"""The package itself (``provider/__init__.py``) sits above every layer; below it, only its version is read."""


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _imports(path: Path) -> list[tuple[str, set[str]]]:
    """Every module ``path`` imports, with the names it takes from it (empty for ``import x``)."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, set[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, set()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names = {alias.name for alias in node.names}
            submodules = {name for name in names if _is_module(f"{source}.{name}")}
            found += [(f"{source}.{name}", set()) for name in submodules]
            if names - submodules:
                found.append((source, names - submodules))
    return found


def _layer_of(module: str) -> str | None:
    matches = [layer for layer in LAYERS if module == layer or module.startswith(layer + ".")]
    return max(matches, key=len) if matches else None


def _modules() -> list[Path]:
    return sorted(path for path in PROVIDER.rglob("*.py") if "__pycache__" not in path.parts)


def _graph() -> dict[str, set[str]]:
    return {
        _module_of(path): {imported for imported, _ in _imports(path) if imported.startswith("provider.")}
        for path in _modules()
    }


def test_every_module_of_provider_belongs_to_a_layer_or_is_the_package_itself() -> None:
    assert [_module_of(path) for path in _modules() if _layer_of(_module_of(path)) is None] == ["provider"]


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_a_module_imports_only_layers_below_its_own(path: Path) -> None:
    module = _module_of(path)
    layer = _layer_of(module)
    if layer is None:
        return  # provider/__init__.py: the public names, loaded lazily from every layer
    upward = [
        imported
        for imported, names in _imports(path)
        if (imported == "provider" and not names <= ROOT_NAMES_ANYONE_MAY_IMPORT)
        or ((other := _layer_of(imported)) is not None and LAYERS[other] > LAYERS[layer])
    ]
    assert upward == [], f"{module} ({layer}) imports from above it"


def test_no_two_modules_of_provider_import_each_other_however_indirectly() -> None:
    graph = _graph()
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> None:
        assert module not in path, "import cycle: " + " -> ".join([*path[path.index(module) :], module])
        if module in done:
            return
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_emulator_never_imports_provider() -> None:
    # The emulator stands in for Adobe: it must not share a line of code with what it tests.
    importing = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "emulator").rglob("*.py")
        if any(imported.split(".")[0] == "provider" for imported, _ in _imports(path))
    ]
    assert importing == []


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [("benchmarks", {"tests"}), ("harness", {"tests", "benchmarks"})],
    ids=["benchmarks", "harness"],
)
def test_the_benchmarks_and_the_harness_import_nothing_from_the_tests(folder: str, forbidden: set[str]) -> None:
    # What they share with the tests lives in harness/, which the tests import, not the other way round.
    importing = [
        str(path.relative_to(ROOT))
        for path in (ROOT / folder).rglob("*.py")
        if any(imported.split(".")[0] in forbidden for imported, _ in _imports(path))
    ]
    assert importing == []
