"""Ports of the white-label catalogue."""
from __future__ import annotations

from domain.whitelabel import SyncRun, WhitelabelMedia, WhitelabelModel, WhitelabelPost
from ports.repositories import Repository

WhitelabelModelRepository = Repository[WhitelabelModel]
WhitelabelPostRepository = Repository[WhitelabelPost]
WhitelabelMediaRepository = Repository[WhitelabelMedia]
SyncRunRepository = Repository[SyncRun]
