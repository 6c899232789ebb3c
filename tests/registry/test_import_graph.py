"""No import cycle inside ``registry/``, counting imports inside functions too.

The one allowed cycle is a task importing its service while the service enqueues that task
(``registry.tasks`` <-> ``registry.services.runs``). ``registry.services`` itself only
re-exports: its submodules import each other directly, never the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

REGISTRY = Path(__file__).resolve().parents[2] / "registry"
ALLOWED = {frozenset({"registry.tasks", "registry.services.runs"})}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REGISTRY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in REGISTRY.rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle's strongly connected component (Tarjan), as sorted lists."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_imports() -> None:
    graph = _graph()
    assert "registry.services.runs" in graph["registry.tasks"]
    assert "registry.services.runs" in graph["registry.services"]
    assert "registry.selectors" in graph["registry.loading"]


def test_no_import_cycle_inside_registry_but_task_and_service() -> None:
    cycles = [c for c in _cycles(_graph()) if frozenset(c) not in ALLOWED]
    assert cycles == []


def test_reads_import_no_service() -> None:
    graph = _graph()
    for reader in ("registry.selectors", "registry.loading", "registry.checks"):
        assert not {m for m in graph[reader] if m.startswith("registry.services")}, reader


def test_services_submodules_never_import_the_package() -> None:
    graph = _graph()
    for name, targets in graph.items():
        if name.startswith("registry.services."):
            assert "registry.services" not in targets, name
