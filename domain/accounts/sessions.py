"""Revoked bearer tokens (table `revoked_tokens`): a logged-out token stays refused
until it would have expired anyway."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen


@frozen
class RevokedToken:
    jti: str
    user_id: int
    expires_at: datetime
