"""Applying the limits of domain/common/rate_limits.py (the table and the login rule
are described there) through the RateLimiter port."""
from __future__ import annotations

from attrs import frozen

from domain.common.rate_limits import (LOGIN_FAILED_FROM, LOGIN_FAILURES, LOGIN_PER_IP,
                                       POLICIES, Rate, account_key, refuse)
from ports.rate_limits import RateLimiter


@frozen
class Throttle:
    """The limits of POLICIES applied through a RateLimiter; `factor` multiplies every
    amount (1 in production)."""

    limiter: RateLimiter
    factor: float = 1.0

    def _count(self, rates: tuple[Rate, ...], key: str, what: str) -> None:
        scaled = [rate.scaled(self.factor) for rate in rates]
        waits = [wait for rate in scaled if (wait := self.limiter.wait(rate, key))]
        if waits:
            raise refuse(max(waits), what)
        for rate in scaled:
            wait = self.limiter.hit(rate, key)
            if wait:
                raise refuse(wait, what)

    def per_ip(self, policy: str, ip: str | None) -> None:
        """Count a request of `policy` from `ip`; TooManyRequests beyond its rates."""
        self._count(POLICIES[policy].per_ip, ip or "unknown", "requests")

    def per_account(self, policy: str, account: str) -> None:
        """Count a request of `policy` for `account` (an email, a token...)."""
        self._count(POLICIES[policy].per_account, account_key(account),
                    "requests for this account")

    # -- failures only (webhook tokens) ------------------------------------------
    def check_failures(self, policy: str, ip: str | None) -> None:
        """TooManyRequests while `ip` is over the failure rates of `policy`."""
        rates = [rate.scaled(self.factor) for rate in POLICIES[policy].per_ip]
        waits = [wait for rate in rates if (wait := self.limiter.wait(rate, ip or "unknown"))]
        if waits:
            raise refuse(max(waits), "failed attempts")

    def failed(self, policy: str, ip: str | None) -> None:
        for rate in POLICIES[policy].per_ip:
            self.limiter.hit(rate.scaled(self.factor), ip or "unknown")

    # -- logging in (the rule of the module docstring) ----------------------------
    def before_login(self, ip: str | None, account: str) -> None:
        self._count(LOGIN_PER_IP, ip or "unknown", "login attempts")
        key = account_key(account)
        waits = [wait for rate in LOGIN_FAILURES
                 if (wait := self.limiter.wait(rate.scaled(self.factor), key))]
        if waits and self.limiter.wait(LOGIN_FAILED_FROM, self._pair(ip, key)):
            raise refuse(max(waits), "failed logins for this account")

    def login_failed(self, ip: str | None, account: str) -> None:
        key = account_key(account)
        for rate in LOGIN_FAILURES:
            self.limiter.hit(rate.scaled(self.factor), key)
        pair = self._pair(ip, key)
        self.limiter.reset(LOGIN_FAILED_FROM, pair)   # the mark runs from the last failure
        self.limiter.hit(LOGIN_FAILED_FROM, pair)

    def login_succeeded(self, ip: str | None, account: str) -> None:
        self.limiter.reset(LOGIN_FAILED_FROM, self._pair(ip, account_key(account)))

    @staticmethod
    def _pair(ip: str | None, key: str) -> str:
        return f"{key}|{ip or 'unknown'}"
