"""The dependency rule: the core imports no framework, ORM or client library."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"pony", "falcon", "minio", "requests", "psycopg2", "yoyo", "gunicorn",
             "adapters", "entrypoints", "sqlite3", "urllib3", "socket", "http"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["domain", "ports"])
def test_core_imports_no_infrastructure(package):
    offenders = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imported_roots(path) & FORBIDDEN
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_ports_do_not_import_domain_use_cases_or_adapters():
    for path in (ROOT / "ports").rglob("*.py"):
        assert not imported_roots(path) & {"adapters", "entrypoints"}, path
