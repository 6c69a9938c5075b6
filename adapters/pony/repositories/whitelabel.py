"""Pony repositories of the whitelabel area."""
from __future__ import annotations

REPOSITORIES: dict[str, type] = {}
