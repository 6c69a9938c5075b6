"""The web client as files: every page is served under `/` by the same app without
shadowing the API, its modules exist and import only each other, and nothing is
fetched from another host (the machine running it may be offline)."""

from __future__ import annotations

import re

import pytest

from entrypoints.http.schemas import openapi_path
from entrypoints.http.web import PAGES, STATIC_DIR, WEB_DIR, static_files
from tests.support.api import assert_error

# The pages touch no database: one backend is enough.
MEMORY = pytest.mark.parametrize("backend", ["memory"], indirect=True)
_FIELD = re.compile(r"\{[^}]*\}")
IMPORT = re.compile(
    r"""(?:^|\n)\s*import\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*[`'"]([^`'"]+)"""
)


def concrete(template: str) -> str:
    return _FIELD.sub("7", template)


@MEMORY
@pytest.mark.parametrize("template,page", [(path, page) for path, page, _ in PAGES])
def test_every_page_is_the_shell_naming_its_module(client, template, page):
    result = client.simulate_get(concrete(template))
    assert result.status_code == 200
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<body data-page="{page}">' in result.text
    assert '<script type="module" src="/static/js/main.js">' in result.text
    assert "script-src 'self'" in result.headers["content-security-policy"]
    assert result.headers["x-content-type-options"] == "nosniff"
    assert (STATIC_DIR / "js" / "pages" / f"{page}.js").is_file()


@MEMORY
def test_pages_are_documented_as_html(client):
    spec = client.simulate_get("/openapi.json").json
    for template, _, _ in PAGES:
        get = spec["paths"][openapi_path(template)[0]]["get"]
        assert "text/html" in get["responses"]["200"]["content"]


@MEMORY
@pytest.mark.parametrize(
    "path,content_type",
    [
        ("/static/js/main.js", "text/javascript; charset=utf-8"),
        ("/static/css/app.css", "text/css; charset=utf-8"),
        ("/static/img/icon.svg", "image/svg+xml"),
    ],
)
def test_static_files_are_served_with_their_type_and_revalidated(client, path, content_type):
    result = client.simulate_get(path)
    assert result.status_code == 200
    assert result.headers["content-type"] == content_type
    assert result.headers["cache-control"] == "no-cache"
    again = client.simulate_get(path, headers={"If-None-Match": result.headers["etag"]})
    assert again.status_code == 304 and not again.content


@MEMORY
@pytest.mark.parametrize(
    "path",
    [
        "/static/nothing.js",
        "/static/../setup.cfg",
        "/static/js/../../index.html",
        "/static/%2e%2e/%2e%2e/setup.cfg",
        "/static/",
        "/static//etc/passwd",
        "/static/js",
    ],
)
def test_anything_but_the_web_files_is_a_json_404(client, path):
    assert_error(client.simulate_get(path), 404, "not_found")


@MEMORY
def test_the_api_keeps_its_json_404s_and_routes(client):
    assert_error(client.simulate_get("/api/nowhere"), 404, "not_found")
    assert_error(client.simulate_get("/modelos/abc"), 404, "not_found")
    assert_error(client.simulate_get("/index.html"), 404, "not_found")
    assert client.simulate_get("/api/plans").status_code == 200
    assert client.simulate_post("/").status_code == 405


def test_modules_import_only_files_of_the_web_client():
    files = static_files()
    scripts = [name for name in files if name.endswith(".js")]
    assert "js/main.js" in scripts
    for name in scripts:
        source = files[name].read_text(encoding="utf-8")
        for static, dynamic in IMPORT.findall(source):
            target = static or dynamic
            if dynamic:  # main.js: ./pages/${name}.js — every page module is checked above
                assert target.startswith("./pages/"), (name, target)
                continue
            assert target.startswith("."), f"{name} imports {target!r}: no packages, no CDN"
            resolved = (files[name].parent / target).resolve()
            assert resolved.is_file(), f"{name} imports missing {target}"
            assert STATIC_DIR in resolved.parents


def test_nothing_is_loaded_from_another_host():
    """No CDN: the only absolute URLs are XML namespaces."""
    for path in [WEB_DIR / "index.html", *static_files().values()]:
        if path.suffix == ".png":  # the demo's images (issue 13): no text, no URL
            continue
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r"https?://[^\s'\"`)]+", text):
            assert url == "http://www.w3.org/2000/svg", f"{path.name}: {url}"
