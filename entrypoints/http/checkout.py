"""HTTP routes of the checkout area."""
from __future__ import annotations

from entrypoints.http.routes import Route


def routes(deps) -> list[Route]:
    return []
