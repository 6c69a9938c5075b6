"""Ports of the ads system."""
from __future__ import annotations

from domain.ads import Ad, AdEvent
from ports.repositories import Repository

AdRepository = Repository[Ad]
AdEventRepository = Repository[AdEvent]
