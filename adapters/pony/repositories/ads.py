"""Pony repositories of the ads area."""
from __future__ import annotations

REPOSITORIES: dict[str, type] = {}
