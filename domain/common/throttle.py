"""Applying the limits of domain/common/rate_limits.py (the table and the login rule
are described there) through the RateLimiter port."""

from __future__ import annotations

from attrs import frozen

from domain.common.rate_limits import (
    LOGIN_DEVICE_FAILURES,
    LOGIN_FAILURES,
    LOGIN_PER_IP,
    MAIL_CAPS,
    MAIL_DEVICE_CAP,
    POLICIES,
    Rate,
    account_key,
    ip_key,
    refuse,
)
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
        self._count(POLICIES[policy].per_ip, ip_key(ip), "requests")

    def per_account(self, policy: str, account: str) -> None:
        """Count a request of `policy` for `account` (an email, a token...)."""
        self._count(POLICIES[policy].per_account, account_key(account), "requests for this account")

    # -- mails an address receives (MAIL_CAPS) ----------------------------------------
    def mail_allowed(self, kind: str, address: str, device: str | None = None) -> bool:
        """Count one `kind` mail to `address` (a normalised email); False beyond its cap
        (the caller then mails nothing). Asked from a browser holding the account's
        device cookie (`device`), the mail is counted on that device instead."""
        if device is not None:
            rate, key = MAIL_DEVICE_CAP, f"{account_key(address)}|{account_key(device)}"
        else:
            rate, key = MAIL_CAPS[kind], account_key(address)
        return self.limiter.hit(rate.scaled(self.factor), key) is None

    # -- failures only (webhook tokens) ------------------------------------------
    def check_failures(self, policy: str, ip: str | None) -> None:
        """TooManyRequests while `ip` is over the failure rates of `policy`."""
        rates = [rate.scaled(self.factor) for rate in POLICIES[policy].per_ip]
        waits = [wait for rate in rates if (wait := self.limiter.wait(rate, ip_key(ip)))]
        if waits:
            raise refuse(max(waits), "failed attempts")

    def failed(self, policy: str, ip: str | None) -> None:
        for rate in POLICIES[policy].per_ip:
            self.limiter.hit(rate.scaled(self.factor), ip_key(ip))

    # -- logging in (the rule of the module docstring) ----------------------------
    def before_login(self, ip: str | None, account: str, device: str | None = None) -> None:
        """TooManyRequests beyond the IP's rates, or while the account (or, for a login
        presenting the account's device cookie, that device) is over its failures."""
        self._count(LOGIN_PER_IP, ip_key(ip), "login attempts")
        rates, key = self._login_failures(account, device)
        waits = [
            wait for rate in rates if (wait := self.limiter.wait(rate.scaled(self.factor), key))
        ]
        if waits:
            raise refuse(max(waits), "failed logins for this account")

    def login_failed(self, ip: str | None, account: str, device: str | None = None) -> None:
        rates, key = self._login_failures(account, device)
        for rate in rates:
            self.limiter.hit(rate.scaled(self.factor), key)

    @staticmethod
    def _login_failures(account: str, device: str | None) -> tuple[tuple[Rate, ...], str]:
        key = account_key(account)
        if device is None:
            return LOGIN_FAILURES, key
        return LOGIN_DEVICE_FAILURES, f"{key}|{account_key(device)}"
