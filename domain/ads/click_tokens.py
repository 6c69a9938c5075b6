"""Serve tokens: every ad served by GET /api/ads carries a click URL whose token is
signed for that ad and placement and expires an hour later (as Revive signs its click
URLs). A click counts only with such a token: one made by a script that never fetched
the ad, or replayed after the hour, is recorded and filtered ("no_token").

A token is `<expiry>.<signature>`: the expiry in UNIX seconds, and the Signer's digest
(purpose AD_CLICK) of "<ad id>:<placement>:<expiry>". Nothing in it needs storing; any
app server sharing CREATORFLIX_SECRET_KEY checks it. The same token serves every visitor
of a cached answer (it proves the ad was served there, not who clicked: repeats are
told apart by IP and user agent)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from ports.security import AD_CLICK, Signer

CLICK_TOKEN_TTL = timedelta(hours=1)
MAX_TOKEN_LENGTH = 100
_TOKEN = re.compile(r"([0-9]{1,12})\.([A-Za-z0-9_-]{1,80})")


def _epoch(moment: datetime) -> int:
    """Naive UTC (as every timestamp of ours) to UNIX seconds."""
    return int(moment.replace(tzinfo=UTC).timestamp())


def _message(ad_id: int, placement: str, expires: int) -> str:
    return f"{ad_id}:{placement}:{expires}"


def issue_click_token(
    signer: Signer, ad_id: int, placement: str, now: datetime, ttl: timedelta = CLICK_TOKEN_TTL
) -> str:
    """The serve token of `ad_id` shown in `placement`, valid for `ttl` from `now`."""
    expires = _epoch(now) + int(ttl.total_seconds())
    return f"{expires}.{signer.digest(AD_CLICK, _message(ad_id, placement, expires))}"


def click_token_is_valid(
    signer: Signer, token: object, ad_id: int, placement: str, now: datetime
) -> bool:
    """Whether `token` was issued for this ad and placement and has not expired.
    Anything else a client can send (None, garbage, another ad's token) is False."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return False
    parsed = _TOKEN.fullmatch(token)
    if parsed is None:
        return False
    expires = int(parsed.group(1))
    if expires < _epoch(now):
        return False
    return signer.check(AD_CLICK, _message(ad_id, placement, expires), parsed.group(2))
