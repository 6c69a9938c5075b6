"""The shape of the HTTP edge (issue 19): its import graph is at most 4 modules deep
(the app and its route map, the route modules, the kit they share, the leaves), one
route map (entrypoints.http.app.ROUTE_MODULES) lists every module that declares routes,
and no route module pulls in another's.

Imports are read with ast over the package's files, late imports included."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from entrypoints.http import app

PACKAGE = "entrypoints.http"
FOLDER = Path(__file__).resolve().parents[2] / "entrypoints" / "http"
MAX_DEPTH = 4


def http_modules(folder: Path = FOLDER) -> dict[str, ast.Module]:
    return {
        f"{PACKAGE}.{path.stem}": ast.parse(path.read_text(), filename=str(path))
        for path in sorted(folder.glob("*.py"))
        if path.stem != "__init__"
    }


def imports_of(tree: ast.Module, known: set[str]) -> set[str]:
    """The modules of `known` that `tree` imports (`import a.b`, `from a import b`,
    `from a.b import c`), anywhere in the file."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module in known:
                found.add(node.module)
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if f"{node.module}.{alias.name}" in known
            )
    return found


def import_graph(trees: dict[str, ast.Module]) -> dict[str, set[str]]:
    return {name: imports_of(tree, set(trees)) - {name} for name, tree in trees.items()}


def longest_chain(graph: dict[str, set[str]]) -> list[str]:
    """The longest chain of imports (a imports b imports c...), as its modules. The graph
    has no cycle (tests/unit/test_module_dependencies.py)."""

    @functools.cache
    def from_(name: str) -> tuple[str, ...]:
        chains = [from_(other) for other in sorted(graph[name])]
        return (name, *max(chains, key=len, default=()))

    return list(max((from_(name) for name in sorted(graph)), key=len, default=()))


def declares_routes(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.FunctionDef) and node.name == "routes" for node in tree.body)


def test_the_http_package_is_at_most_4_modules_deep():
    chain = longest_chain(import_graph(http_modules()))
    assert len(chain) <= MAX_DEPTH, " -> ".join(chain)


def test_the_longest_chain_is_found():
    graph = {"app": {"a", "k"}, "a": {"k"}, "k": {"leaf"}, "leaf": set(), "b": {"leaf"}}
    assert longest_chain(graph) == ["app", "a", "k", "leaf"]
    assert longest_chain({"x": set()}) == ["x"]


def test_the_route_map_lists_every_module_that_declares_routes():
    trees = http_modules()
    declaring = {name for name, tree in trees.items() if declares_routes(tree)}
    listed = {module.__name__ for module in app.ROUTE_MODULES}
    # /health and /openapi.json: declared by health, which create_app calls with the
    # document it serves.
    assert declaring - listed == {f"{PACKAGE}.health"}
    assert listed <= declaring


def test_no_route_module_imports_another():
    trees = http_modules()
    route_modules = {name for name, tree in trees.items() if declares_routes(tree)}
    graph = import_graph(trees)
    offenders = {
        name: sorted(graph[name] & route_modules)
        for name in route_modules
        if graph[name] & route_modules
    }
    assert offenders == {}


def unannotated_responders(trees: dict[str, ast.Module]) -> list[str]:
    """Responders (`on_get`, `on_post_approve`...) whose `req` is not a falcon.Request,
    `resp` not a falcon.Response, or a URL parameter has no type: mypy would not check
    their bodies against Falcon's types."""
    found = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("on_")):
                continue
            args = node.args.args[1:]
            kinds = [ast.unparse(a.annotation) if a.annotation else None for a in args]
            extra = node.args.kwarg
            if (
                kinds[:2] != ["falcon.Request", "falcon.Response"]
                or None in kinds
                or (extra is not None and extra.annotation is None)
            ):
                found.append(f"{name}.{node.name}")
    return found


def test_every_responder_annotates_req_resp_and_its_url_parameters():
    assert unannotated_responders(http_modules()) == []
    sample = ast.parse(
        "class R:\n    def on_get(self, req, resp, id: int) -> None: ...\n"
        "    def on_put(self, req: falcon.Request, resp: falcon.Response,"
        " key) -> None: ...\n"
    )
    assert unannotated_responders({"m": sample}) == ["m.on_get", "m.on_put"]
