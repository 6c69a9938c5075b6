"""README.md's "Where things are" section stays true to the disk: every path it names
exists, the tree of the top level names every folder, and every package and module of
domain/, ports/, adapters/ and entrypoints/ is named (so a module added without a line in
the README fails here, and so does a README line left behind by a move or a rename).

Paths are read from the section's inline code spans (`domain/accounts/users.py`, in a
list or a table) and from the first column of its fenced tree; a span that holds several
words (`creatorflix sync`) contributes only the words that look like paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SECTION_TITLE = "Where things are"
# The folders whose paths the section names, and so whose paths it must get right.
PATH_ROOTS = ("domain", "ports", "adapters", "entrypoints", "migrations", "tests", "web", "bench")
# Top-level folders that are made, not written: they need no place in the tree.
GENERATED_FOLDERS = {"artifacts", "build", "dist", "media", "node_modules", "__pycache__"}

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_PATH = re.compile(r"^(?:%s)(?:/[\w.*\-\[\]]*)*/?$" % "|".join(PATH_ROOTS))
_TREE_ENTRY = re.compile(r"^([\w.\-]+/)(?:\s|$)")


# -- parsing ------------------------------------------------------------------------------


def section(markdown: str, title: str = SECTION_TITLE) -> tuple[str, list[str]]:
    """The section's prose (fenced blocks removed) and the lines of its fenced blocks.
    It runs from its `## title` heading to the next heading of level 2 or less; headings
    inside fenced blocks do not count."""
    prose: list[str] = []
    fenced: list[str] = []
    inside = False
    fence = ""
    level = 0
    for line in markdown.splitlines():
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            elif inside:
                fenced.append(line)
            continue
        if opening:
            fence = opening.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            depth = len(heading.group(1))
            if inside and depth <= level:
                break
            if not inside and heading.group(2).strip().lower() == title.lower():
                inside, level = True, depth
                continue
        if inside:
            prose.append(line)
    if not inside:
        raise LookupError(f'README.md has no "{title}" section')
    return "\n".join(prose), fenced


def _clean(word: str) -> str:
    return word.strip().strip(",;:()").rstrip(".") if not word.endswith("..") else word


def named_paths(markdown: str) -> set[str]:
    """Every path the section names, as written (a folder keeps its trailing slash)."""
    prose, fenced = section(markdown)
    found: set[str] = set()
    for match in _CODE_SPAN.finditer(prose.replace("\\|", "|")):
        for word in re.split(r"[\s,]+", match.group(2)):
            word = _clean(word)
            if _PATH.match(word):
                found.add(word)
    for line in fenced:
        entry = _TREE_ENTRY.match(line)
        if entry and _PATH.match(entry.group(1)):
            found.add(entry.group(1))
    return found


def tree_folders(markdown: str) -> set[str]:
    """The top-level folders the section's fenced tree lists (its unindented entries)."""
    _, fenced = section(markdown)
    return {entry.group(1).rstrip("/") for entry in map(_TREE_ENTRY.match, fenced) if entry}


def _normal(path: str) -> str:
    return path.rstrip("/")


# -- the disk -----------------------------------------------------------------------------


def packages(top: str) -> list[str]:
    """Every package under `top` (a folder with an __init__.py), top itself excluded."""
    return sorted(
        init.parent.relative_to(ROOT).as_posix()
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts and init.parent != ROOT / top
    )


def modules(top: str) -> list[str]:
    """Every module of every package under `top` (top's own included), __init__ excluded."""
    folders = [ROOT / top, *(ROOT / package for package in packages(top))]
    return sorted(
        module.relative_to(ROOT).as_posix()
        for folder in folders
        for module in folder.glob("*.py")
        if module.name != "__init__.py"
    )


@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def named(readme) -> set[str]:
    return {_normal(path) for path in named_paths(readme)}


def _missing(expected: list[str], named: set[str]) -> list[str]:
    return [path for path in expected if path not in named]


def _hint(kind: str, missing: list[str]) -> str:
    return (
        f'{kind} missing from README.md\'s "{SECTION_TITLE}" section (add each, '
        f"backticked, with one line on what it holds): {', '.join(missing)}"
    )


# -- the tests ----------------------------------------------------------------------------


def test_the_readme_has_a_where_things_are_section_naming_paths(readme):
    assert len(named_paths(readme)) > 50


def test_every_path_the_readme_names_exists(readme):
    wrong = []
    for path in sorted(named_paths(readme)):
        if "*" in path or "[" in path:
            if not list(ROOT.glob(path.rstrip("/"))):
                wrong.append(f"{path} (matches nothing)")
        elif path.endswith("/"):
            if not (ROOT / path).is_dir():
                wrong.append(f"{path} (no such folder)")
        elif not (ROOT / path).exists():
            wrong.append(f"{path} (no such file)")
    assert not wrong, (
        f'README.md\'s "{SECTION_TITLE}" names paths that do not exist '
        f"(moved, renamed or deleted?): {', '.join(wrong)}"
    )


def test_every_top_level_folder_is_in_the_tree(readme):
    folders = sorted(
        entry.name
        for entry in ROOT.iterdir()
        if entry.is_dir()
        and not entry.name.startswith(".")
        and entry.name not in GENERATED_FOLDERS
        and not entry.name.endswith(".egg-info")
    )
    missing = [folder for folder in folders if folder not in tree_folders(readme)]
    assert not missing, _hint("top-level folders (in the fenced tree)", missing)


def test_every_domain_package_is_in_the_readme(named):
    expected = packages("domain")
    assert expected, "no package found under domain/"
    missing = _missing(expected, named)
    assert not missing, _hint("domain packages", missing)


def test_every_domain_module_is_in_the_readme(named):
    expected = [module for module in modules("domain") if module.count("/") > 1]
    missing = _missing(expected, named)
    assert not missing, _hint("domain modules", missing)


def test_every_port_module_is_in_the_readme(named):
    expected = modules("ports")
    assert expected, "no module found under ports/"
    missing = _missing(expected, named)
    assert not missing, _hint("port modules", missing)


def test_every_adapter_package_is_in_the_readme(named):
    expected = packages("adapters")
    assert expected, "no package found under adapters/"
    missing = _missing(expected, named)
    assert not missing, _hint("adapter packages", missing)


def test_every_adapter_module_is_in_the_readme(named):
    expected = modules("adapters")
    missing = _missing(expected, named)
    assert not missing, _hint("adapter modules", missing)


def test_every_http_module_is_in_the_readme(named):
    expected = [
        module for module in modules("entrypoints") if module.startswith("entrypoints/http/")
    ]
    assert expected, "no module found under entrypoints/http/"
    missing = _missing(expected, named)
    assert not missing, _hint("HTTP modules", missing)


def test_every_entrypoint_module_is_in_the_readme(named):
    expected = [module for module in modules("entrypoints") if module.count("/") == 1]
    missing = _missing(expected, named)
    assert not missing, _hint("entrypoint modules", missing)


SAMPLE = """# Project

## Before

`domain/not/in/the/section.py`

## Where things are

```
domain/        the core
tests/         the tests
## not a heading
```

| capability | where |
|---|---|
| Ads | `domain/ads/` — `domain/ads/rules.py`, ``ports/ads.py``; `a \\| b` |
| Cli | `creatorflix sync` in `entrypoints/sync_command.py`. |

- domain `domain/accounts/`:
  - `domain/accounts/users.py` — users
- see `adapters/memory/repositories/`, `tests/e2e/test_webhooks_*.py` and
  `web/static/js` (`not/a/root.py`, `/api/ads`)

### A subsection still belongs to it

`bench/run_all.py`

## After

`ports/after.py`
"""


def test_paths_are_read_from_lists_tables_and_the_tree_of_the_section_only():
    assert named_paths(SAMPLE) == {
        "domain/",
        "tests/",
        "domain/ads/",
        "domain/ads/rules.py",
        "ports/ads.py",
        "entrypoints/sync_command.py",
        "domain/accounts/",
        "domain/accounts/users.py",
        "adapters/memory/repositories/",
        "tests/e2e/test_webhooks_*.py",
        "web/static/js",
        "bench/run_all.py",
    }
    assert tree_folders(SAMPLE) == {"domain", "tests"}
    with pytest.raises(LookupError):
        section(SAMPLE, "Nowhere")
