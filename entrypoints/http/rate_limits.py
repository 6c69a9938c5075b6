"""Rate limits at the edge: who is asking (the client IP, as client_ip.py reads it) and
the one-line hooks that apply a policy of domain.common.rate_limits to a route.

    @falcon.before(limit_per_ip("password_reset"))
    def on_post(self, req, resp): ...
        limit_account(self.deps, "password_reset", account_of(command.email))

A refusal is TooManyRequests: 429 with Retry-After, in the error shape (errors.py)."""

from __future__ import annotations

from domain.accounts.users import normalize_email
from domain.common.errors import ValidationError
from entrypoints.http.client_ip import request_ip

# For the OpenAPI declarations of limited operations: responses={..., **LIMITED},
# headers=RETRY_AFTER.
LIMITED: dict[int, dict | None] = {429: None}
RETRY_AFTER = {
    429: {
        "Retry-After": {
            "type": "integer",
            "minimum": 1,
            "description": "seconds to wait before trying again",
        }
    }
}


def client_of(req, deps) -> str | None:
    return request_ip(req, deps.config.trusted_proxies)


def limit_per_ip(policy: str):
    """A Falcon before-hook counting the request against `policy`'s per-IP rates; the
    resource must hold `deps`."""

    def hook(req, resp, resource, params) -> None:
        resource.deps.throttle.per_ip(policy, client_of(req, resource.deps))

    return hook


def account_of(email: object) -> str:
    """The account an email names: its normalised form, or (not an email) its text as
    given, so that garbage is counted too."""
    try:
        return normalize_email(email)
    except ValidationError:
        return str(email).strip().casefold()[:320]


def limit_account(deps, policy: str, account: str) -> None:
    """Count a request of `policy` for an account: `account_of(email)`, or the
    credential presented (a one-time token)."""
    deps.throttle.per_account(policy, account)
