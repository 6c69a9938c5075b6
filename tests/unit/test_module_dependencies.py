"""How the project's own modules depend on each other: no import cycles (late imports
included), and the HTTP adapter never reaches into the command-line modules; both get
what they share (e.g. the sync lock) from the wiring."""
from __future__ import annotations

import ast
from pathlib import Path

from adapters.memory.repositories.whitelabel import MemorySyncLock
from entrypoints.bootstrap import build_memory_deps
from entrypoints.config import Config

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "ports", "adapters", "entrypoints")
COMMAND_LINE = {"entrypoints.cli", "entrypoints.sync_command", "entrypoints.seed",
                "entrypoints.seed_ads", "entrypoints.seed_support", "entrypoints.jobs"}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules `path` imports, anywhere in the file (late imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module in known:
                found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names
                         if f"{node.module}.{alias.name}" in known)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_project_has_no_import_cycle():
    known = modules()
    graph = {name: imports_of(path, known) - {name} for name, path in known.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_the_http_adapter_does_not_import_command_line_modules():
    known = modules()
    offenders = {name: sorted(imports_of(path, known) & COMMAND_LINE)
                 for name, path in known.items() if name.startswith("entrypoints.http")}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_wiring_provides_the_sync_lock():
    deps = build_memory_deps(Config(secret_key="k" * 40))
    assert isinstance(deps.sync_lock, MemorySyncLock)
