"""The served /openapi.json equals the committed snapshot, tests/snapshots/openapi.json:
every path, method, parameter, schema and description. A refactor that should not change
the API proves it did not; a change of the API shows up here as a reviewed diff.

The snapshot depends neither on the storage folder nor on the secret key (the document is
generated from the route declarations only), so the app is built on a pytest tmp_path.

When the API changes on purpose, rewrite the snapshot and review its diff:

    CREATORFLIX_UPDATE_SNAPSHOT=1 make test PYTEST_ARGS=tests/e2e/test_openapi_snapshot.py
    git diff tests/snapshots/openapi.json

(the test then reports itself as skipped, saying it rewrote the file)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from falcon.testing import TestClient

from adapters.clock import FakeClock
from entrypoints.bootstrap import build_memory_deps
from entrypoints.config import Config
from entrypoints.http.app import create_app

SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "openapi.json"
UPDATE_VARIABLE = "CREATORFLIX_UPDATE_SNAPSHOT"
MAX_LISTED = 40


def served_document(storage_dir: Path) -> dict:
    config = Config(secret_key="x" * 48, storage_url=storage_dir.as_uri())
    deps = build_memory_deps(config, clock=FakeClock())
    result = TestClient(create_app(deps)).simulate_get("/openapi.json")
    assert result.status_code == 200, result.text
    return result.json


def dump(document: dict) -> str:
    """The snapshot's format: what `json.dump(document, f, indent=1, sort_keys=True)` writes."""
    return json.dumps(document, indent=1, sort_keys=True)


def _short(value) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def differences(expected, actual, where: tuple = ()) -> list[str]:
    """One line per differing key, named by its path into the document
    (e.g. `paths > /api/ads > get > responses > 200`)."""
    here = " > ".join(str(part) for part in where) or "(the document)"
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual), key=str):
            at = (*where, key)
            if key not in actual:
                found.append(f"- {' > '.join(map(str, at))} (only in the snapshot)")
            elif key not in expected:
                found.append(f"+ {' > '.join(map(str, at))} (only served)")
            else:
                found.extend(differences(expected[key], actual[key], at))
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        found = []
        for index, (old, new) in enumerate(zip(expected, actual)):
            found.extend(differences(old, new, (*where, index)))
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        removed = [item for item in expected if item not in actual]
        added = [item for item in actual if item not in expected]
        detail = "".join(
            [
                f"; only in the snapshot: {_short(removed)}" if removed else "",
                f"; only served: {_short(added)}" if added else "",
            ]
        )
        return [f"~ {here}: {len(expected)} -> {len(actual)} items{detail}"]
    if expected != actual or type(expected) is not type(actual):
        return [f"~ {here}: {_short(expected)} -> {_short(actual)}"]
    return []


def test_the_served_openapi_document_equals_the_snapshot(tmp_path):
    actual = served_document(tmp_path / "media")
    if os.environ.get(UPDATE_VARIABLE) == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(dump(actual), encoding="utf-8")
        pytest.skip(f"{UPDATE_VARIABLE}=1: rewrote {SNAPSHOT}; review its git diff")
    assert SNAPSHOT.exists(), f"no snapshot at {SNAPSHOT}: run with {UPDATE_VARIABLE}=1 to write it"
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    found = differences(expected, actual)
    listed = "\n".join(found[:MAX_LISTED])
    more = f"\n... and {len(found) - MAX_LISTED} more" if len(found) > MAX_LISTED else ""
    assert not found, (
        f"/openapi.json differs from {SNAPSHOT.name} at {len(found)} place(s) "
        f"(- only in the snapshot, + only served, ~ changed):\n{listed}{more}\n"
        f"If the change is deliberate: {UPDATE_VARIABLE}=1 make test "
        f"PYTEST_ARGS=tests/e2e/test_openapi_snapshot.py"
    )
    assert actual == expected


def test_the_difference_report_names_each_differing_key():
    old = {"paths": {"/a": {"get": {"summary": "A"}}, "/b": {}}, "tags": ["x"], "n": [1]}
    new = {"paths": {"/a": {"get": {"summary": "B"}}, "/c": {}}, "tags": ["x", "y"], "n": [1.0]}
    assert differences(old, new) == [
        "~ n > 0: 1 -> 1.0",
        '~ paths > /a > get > summary: "A" -> "B"',
        "- paths > /b (only in the snapshot)",
        "+ paths > /c (only served)",
        '~ tags: 1 -> 2 items; only served: ["y"]',
    ]
    assert differences(old, old) == []
