"""The outcome of an OpenID Connect age check, read from one configured claim of the
verified id_token (or userinfo): a `birthdate` (YYYY-MM-DD, OIDC core 5.1) at least 18
years ago, or a boolean claim such as `age_over_18`. The birth date is read, compared
and forgotten: it is never stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

ADULT_AGE = 18


def age_on(birth: date, today: date) -> int:
    years = today.year - birth.year
    return years - ((today.month, today.day) < (birth.month, birth.day))


def is_adult(claims: Mapping[str, Any], claim: str, today: date) -> bool:
    """True only when `claim` proves 18 or more; a missing or malformed claim is False."""
    value = claims.get(claim)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and claim == "birthdate":
        try:
            birth = date.fromisoformat(value)
        except ValueError:
            return False
        return age_on(birth, today) >= ADULT_AGE
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return False
