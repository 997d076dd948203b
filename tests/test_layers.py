"""The package's layers, checked on its import graph as the source spells it (nothing is run).

Every import counts: at module level, inside functions, under ``if TYPE_CHECKING:``. An edge
goes to the module named (``from pkg import mod`` -> ``pkg.mod``; ``from pkg import name`` ->
``pkg``); that importing ``pkg.mod`` also runs ``pkg/__init__.py`` is not drawn as an edge.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = "pspace_py"
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE

# No module in the first package may import one in the second, the why in the failure message.
FORBIDDEN_EDGES = [
    ("pspace_py.sandbox", "pspace_py.cli", "the sandbox runs without the CLI"),
    ("pspace_py.sandbox", "pspace_py.settings", "the sandbox has no client settings"),
    ("pspace_py.sandbox", "pspace_py.config", "the sandbox never reads the client's config file"),
    ("pspace_py.sandbox.handlers", "pspace_py.sandbox.handlers", "shared rules are in state/"),
    ("pspace_py.sandbox.handlers", "pspace_py.sandbox.store", "handlers change state via state/"),
    ("pspace_py.sandbox.admin", "pspace_py.sandbox.handlers", "admin routes use state/"),
    ("pspace_py.sandbox.state", "pspace_py.sandbox.render", "state/ knows no answer shapes"),
    ("pspace_py.sandbox.state", "pspace_py.sandbox.wire", "state/ knows no HTTP"),
    *(
        ("pspace_py.output", layer, "output decides how results look; commands bring the facts")
        for layer in ("pspace_py.catalog", "pspace_py.pricing", "pspace_py.config", "pspace_py.api")
    ),
    *(
        ("pspace_py.api", layer, "the API layer never prints, prompts or exits")
        for layer in ("pspace_py.cli", "pspace_py.output")
    ),
]
# Packages (or modules) inside which no two modules import each other, however indirectly.
CYCLE_FREE = ["pspace_py"]

Graph = Mapping[str, set[str]]


def import_graph(package_dir: Path, package: str) -> dict[str, set[str]]:
    """Module -> the modules of `package` it imports, for every .py file under `package_dir`."""
    files = {_module_name(path, package_dir, package): path for path in package_dir.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets.update(_imported(node, module, is_package, files))
        graph[module] = {target for target in targets if _under(target, package)}
    return graph


def _module_name(path: Path, package_dir: Path, package: str) -> str:
    parts = [package, *path.relative_to(package_dir).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.AST, module: str, is_package: bool, modules: Iterable[str]) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if not isinstance(node, ast.ImportFrom):
        return set()
    base = node.module or ""
    if node.level:  # relative: `from . import x` in pkg/mod.py is pkg.x
        anchor = module.split(".")
        anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
        base = ".".join([*anchor, base] if base else anchor)
    known = set(modules)
    return {
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names
    }


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def forbidden_edges(graph: Graph, importer: str, imported: str) -> list[str]:
    return sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        if _under(source, importer)
        for target in targets
        if _under(target, imported)
    )


def import_cycles(graph: Graph, prefix: str) -> list[list[str]]:
    """One cycle (as a path that returns to its start) per knot of modules under `prefix`."""
    inside = {
        module: {target for target in targets if _under(target, prefix)}
        for module, targets in graph.items()
        if _under(module, prefix)
    }
    cycles = []
    for component in _strongly_connected(inside):
        start = min(component)
        if len(component) > 1 or start in inside[start]:
            cycles.append(_path_back(inside, start, component))
    return sorted(cycles)


def _strongly_connected(graph: Graph) -> list[set[str]]:
    """Tarjan's algorithm, iterative (no recursion limit to meet on a large package)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None and child in graph:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if child is not None:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _path_back(graph: Graph, start: str, component: set[str]) -> list[str]:
    """The shortest import path from `start` back to itself, through `component`."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(graph[node] & component):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"{start} is in a cycle it cannot get back from")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(PACKAGE_DIR, PACKAGE)


@pytest.mark.parametrize(("importer", "imported", "why"), FORBIDDEN_EDGES)
def test_no_layer_imports_what_it_must_not(
    graph: Graph, importer: str, imported: str, why: str
) -> None:
    for prefix in (importer, imported):  # a renamed package must not pass by matching nothing
        assert any(_under(module, prefix) for module in graph), f"no module is {prefix}"
    broken = forbidden_edges(graph, importer, imported)
    assert not broken, f"{importer} must not import {imported} ({why}): " + "; ".join(broken)


@pytest.mark.parametrize("prefix", CYCLE_FREE)
def test_no_import_cycles(graph: Graph, prefix: str) -> None:
    assert any(_under(module, prefix) for module in graph), f"no module is {prefix}"
    cycles = import_cycles(graph, prefix)
    assert not cycles, f"import cycles in {prefix}: " + "; ".join(
        " -> ".join(cycle) for cycle in cycles
    )


def test_the_graph_sees_every_kind_of_import_and_names_the_cycles(tmp_path: Path) -> None:
    """The checker itself, on a package made for it: what it must see, it sees."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from . import low\n")
    (package / "sub" / "low.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.top import Thing\n"
    )
    (package / "top.py").write_text(
        "import json\n\ndef later():\n    from pkg.sub import low\n    from .sub.low import x\n"
    )
    (package / "side.py").write_text("import pkg.top as top\nfrom pkg import side\n")

    found = import_graph(package, "pkg")

    assert found == {
        "pkg": set(),
        "pkg.sub": {"pkg.sub.low"},
        "pkg.sub.low": {"pkg.top"},
        "pkg.top": {"pkg.sub.low"},
        "pkg.side": {"pkg.top", "pkg.side"},
    }
    assert forbidden_edges(found, "pkg.sub", "pkg.top") == ["pkg.sub.low -> pkg.top"]
    assert import_cycles(found, "pkg") == [
        ["pkg.side", "pkg.side"],
        ["pkg.sub.low", "pkg.top", "pkg.sub.low"],
    ]
    assert import_cycles(found, "pkg.sub") == []
