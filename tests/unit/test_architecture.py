"""What the import contracts (.importlinter, run by `make lint`) cannot say: no import
cycle between the project's modules, late imports included; and shared test helpers
come from tests/support only (a test module is never imported by another)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import grimp

from adapters.memory.repositories.whitelabel import MemorySyncLock
from entrypoints.bootstrap import build_memory_deps
from entrypoints.config import Config

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "ports", "adapters", "entrypoints")


def a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph` (module -> modules it imports), or None."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as found:
        return list(found.args[1])
    return None


def test_the_project_has_no_import_cycle():
    # grimp reads every import statement, those inside functions too.
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    edges = {
        module: graph.find_modules_directly_imported_by(module) - {module}
        for module in graph.modules
    }
    assert a_cycle(edges) is None


def test_the_cycle_finder_finds_cycles():
    assert a_cycle({"c": {"a"}, "a": {"b"}, "b": set()}) is None
    assert set(a_cycle({"a": {"b"}, "b": {"a"}, "c": {"a"}}) or ()) == {"a", "b"}


def test_the_contracts_are_there_for_make_lint_to_run():
    contracts = (ROOT / ".importlinter").read_text()
    for kind in ("type = layers", "type = forbidden", "type = independence"):
        assert kind in contracts


def imports_of_tests(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "tests" or name.startswith("tests.")}


# Helpers that serve one folder only and are not test modules.
LOCAL_HELPERS = {"tests.fuzz.realistic"}


def test_tests_take_shared_helpers_from_tests_support_only():
    wrong = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        names = {
            name
            for name in imports_of_tests(path)
            if not name.startswith("tests.support") and name not in LOCAL_HELPERS
        }
        if names:
            wrong[str(path.relative_to(ROOT))] = sorted(names)
    assert wrong == {}, "move these helpers into tests/support/"


def test_the_wiring_provides_the_sync_lock():
    deps = build_memory_deps(Config(secret_key="k" * 40))
    assert isinstance(deps.sync_lock, MemorySyncLock)
