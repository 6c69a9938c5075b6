"""Rate limits at the edge: who is asking (the client IP, as client_ip.py reads it) and
the one-line hooks that apply a policy of domain.common.rate_limits to a route. A
limited resource holds a `Limits` (its attribute `limits`):

    @falcon.before(limit_per_ip("password_reset"))
    def on_post(self, req, resp): ...
        self.limits.per_account("password_reset", account_of(command.email))

A refusal is TooManyRequests: 429 with Retry-After, in the error shape (errors.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import falcon
from attrs import frozen

from domain.accounts.users import normalize_email
from domain.common.errors import ValidationError
from domain.common.throttle import Throttle
from entrypoints.bootstrap import Deps
from entrypoints.http.client_ip import Network, request_ip

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


@frozen
class Limits:
    """The rate limits (domain.common.throttle) and the proxies trusted to say who the
    client is (CREATORFLIX_TRUSTED_PROXIES)."""

    throttle: Throttle
    proxies: Iterable[Network] = ()

    def client(self, req: falcon.Request) -> str | None:
        return request_ip(req, self.proxies)

    def per_ip(self, policy: str, req: falcon.Request) -> None:
        self.throttle.per_ip(policy, self.client(req))

    def per_account(self, policy: str, account: str) -> None:
        """Count a request of `policy` for an account: `account_of(email)`, or the
        credential presented (a one-time token)."""
        self.throttle.per_account(policy, account)


Hook = Callable[[falcon.Request, falcon.Response, object, dict], None]


def limit_per_ip(policy: str) -> Hook:
    """A Falcon before-hook counting the request against `policy`'s per-IP rates; the
    resource must hold `limits` (a Limits)."""

    def hook(req: falcon.Request, resp: falcon.Response, resource: object, params: dict) -> None:
        limits = getattr(resource, "limits", None)
        assert isinstance(limits, Limits), f"{type(resource).__name__} holds no Limits"
        limits.per_ip(policy, req)

    return hook


def account_of(email: object) -> str:
    """The account an email names: its normalised form, or (not an email) its text as
    given, so that garbage is counted too."""
    try:
        return normalize_email(email)
    except ValidationError:
        return str(email).strip().casefold()[:320]


def limits_of(deps: Deps) -> Limits:
    return Limits(deps.throttle, deps.config.trusted_proxies)
