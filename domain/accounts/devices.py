"""Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): a
browser that logged in to an account gets a signed cookie naming that account and a
random device id. A login presenting it is judged on that device's own failures, so an
account locked by guesses from everywhere still lets its owner in from their browser.

The cookie names the account by the key its counters use (a hash of the normalised
email), never by the email itself."""

from __future__ import annotations

import secrets

from domain.common.rate_limits import account_key
from ports.security import DEVICE, Signer

DEVICE_COOKIE = "cf_device"
DEVICE_COOKIE_PATH = "/api/auth"  # sent to the login (and reset) routes only
DEVICE_TTL_SECONDS = 365 * 24 * 3600


def issue_device(signer: Signer, account: str, device: str | None = None) -> str:
    """A device cookie for `account` (a normalised email): the same device id when the
    browser already had one for it, so its failures keep counting."""
    return signer.sign(
        DEVICE,
        {"acct": account_key(account), "dev": device or secrets.token_urlsafe(16)},
        DEVICE_TTL_SECONDS,
    )


def device_of(signer: Signer, cookie: str | None, account: str) -> str | None:
    """The device id of a valid cookie for `account`; None for none, a forged or
    expired one, or one another account gave."""
    if not cookie:
        return None
    claims = signer.verify(DEVICE, cookie)
    if claims is None or claims.get("acct") != account_key(account):
        return None
    device = claims.get("dev")
    return device if isinstance(device, str) and device else None
