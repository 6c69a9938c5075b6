"""Browser tests' harness: Debian's chromium (installed with apt when missing — never a
browser download), driven by Playwright; every page's console watched for errors; no
request leaves loopback (media of other hosts are answered with placeholders, as a CDN
would); screenshots under artifacts/screenshots/."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing that phones home (the machine may be offline).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
APT_TIMEOUT = 900


def ensure_chromium() -> str | None:
    """None when /usr/bin/chromium is there (installing Debian's package with apt-get
    when it is missing and we are root); else why it cannot be had."""
    if os.path.exists(CHROMIUM):
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return (
            f"{CHROMIUM} is missing and cannot be installed here (needs root and "
            "apt-get): run `apt-get install -y chromium`"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT)
        if done.returncode != 0:
            return f"`{' '.join(command)}` failed: {done.stderr[-2000:]}"
    return None if os.path.exists(CHROMIUM) else f"apt installed chromium but {CHROMIUM} is absent"


def person_user_agent(executable: str = CHROMIUM) -> str:
    """Chromium's user agent on Linux as a person's browser sends it: headless, it says
    "HeadlessChrome", which the ads' counting rightly files among the bots. Given as a
    command-line flag, it is the one every request carries (a context's user agent
    does not reach the beacons a page sends as it goes away)."""
    try:
        found = re.search(
            r"(\d+(?:\.\d+)+)",
            subprocess.run(
                [executable, "--version"], capture_output=True, text=True, timeout=30
            ).stdout,
        )
    except (OSError, subprocess.SubprocessError):
        found = None
    version = found.group(1) if found else "126.0.0.0"
    return (
        f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{version} Safari/537.36"
    )


def placeholder(url: str) -> bytes:
    """An SVG standing in for an image of another host, sized like it (…/W/H URLs)."""
    size = re.search(r"/(\d{2,4})/(\d{2,4})(?:\D*)$", url)
    width, height = (int(size.group(1)), int(size.group(2))) if size else (600, 600)
    hue = int(hashlib.sha256(url.encode()).hexdigest()[:4], 16) % 360
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><defs><linearGradient id="g" x1="0" y1="0" '
        f'x2="1" y2="1"><stop offset="0" stop-color="hsl({hue},70%,45%)"/><stop '
        f'offset="1" stop-color="hsl({(hue + 60) % 360},60%,22%)"/></linearGradient>'
        f'</defs><rect width="100%" height="100%" fill="url(#g)"/></svg>'
    ).encode()


ADVERTISER_PAGE = b"<!doctype html><title>Anunciante</title><h1>Site do anunciante</h1>"


def keep_on_loopback(context, base_url: str) -> None:
    """Answers every request to another host locally: images with a placeholder, a page
    (an ad's destination after /r/ads) with a stub, anything else with 204. Requests to
    the live server are not intercepted (the pattern is matched inside the browser's
    driver: no round trip to Python per request)."""

    def handle(route):
        request = route.request
        if request.resource_type == "image":
            route.fulfill(status=200, content_type="image/svg+xml", body=placeholder(request.url))
        elif request.resource_type == "document":
            route.fulfill(status=200, content_type="text/html", body=ADVERTISER_PAGE)
        else:
            route.fulfill(status=204, body=b"")

    context.route(re.compile(r"^(?!" + re.escape(base_url + "/") + ")"), handle)


_HTTP_STATUS = re.compile(
    r"Failed to load resource: the server responded with a status of "
    r"(\d{3})"
)


class ConsoleWatch:
    """Console errors and uncaught exceptions of a page. Chromium reports every 4xx
    answer as a console error ("Failed to load resource"): a test that provokes one
    says which statuses it expects with `allow`; anything else is a failure."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.allowed: set[int] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        status = _HTTP_STATUS.search(message.text)
        if status and int(status.group(1)) in self.allowed:
            return
        where = message.location.get("url", "") if message.location else ""
        self.errors.append(f"console: {message.text} ({where})")

    def allow(self, *statuses: int) -> None:
        self.allowed.update(statuses)

    def assert_clean(self) -> None:
        assert not self.errors, "errors in the browser:\n" + "\n".join(self.errors)


def session_script(token: str, user: dict) -> str:
    """An init script keeping the user's profile as the login form would (localStorage);
    the session itself is the cookies of `session_cookies`."""
    value = json.dumps(json.dumps(user))
    return f"localStorage.setItem('cf.user', {value});"


def session_cookies(base_url: str, token: str, secret_key: str) -> list[dict]:
    """The session cookies the login answer sets (entrypoints.http.sessions)."""
    from entrypoints.http.sessions import COOKIE, CSRF_COOKIE, csrf_token

    return [
        {"name": COOKIE, "value": token, "url": base_url, "httpOnly": True, "sameSite": "Lax"},
        {
            "name": CSRF_COOKIE,
            "value": csrf_token(secret_key, token),
            "url": base_url,
            "sameSite": "Lax",
        },
    ]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header where it belongs
    page.screenshot(path=str(path), full_page=True)
    return path


SETTLED = """() => {
  const main = document.getElementById('main');
  if (!main || main.querySelector(':scope > .loading')
      || main.getAttribute('aria-busy') === 'true') {
    return false;
  }
  // Images on screen (lazy ones further down load as they come into view).
  return Array.from(document.images)
    .filter((i) => i.loading !== 'lazy' || i.getBoundingClientRect().top < window.innerHeight)
    .every((i) => i.complete);
}"""


def settled(page) -> None:
    """Waits until the page module has replaced the shell's "Carregando…", its API calls
    are answered (the main area is no longer aria-busy) and the images on screen are in."""
    page.wait_for_function(SETTLED)
