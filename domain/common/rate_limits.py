"""Rate limits: every limit of the platform, in one table, and the rules that apply them.

Each rate is a moving window ("at most `amount` events in any `seconds`"). A caller is
counted per client IP and, where there is one, per account (the normalised email, or
the credential presented); what a refusal costs the caller is a 429 with Retry-After.

Logging in follows its own rule, so that an attacked account stops its attackers,
wherever they are, without being locked against its owner (OWASP: device cookies):
- every attempt counts against the client IP (LOGIN_PER_IP);
- a failure without a valid device cookie of the account counts against the account,
  in windows of growing length (LOGIN_FAILURES: 5 a minute, 10 in 10 minutes, 20 an
  hour, 50 a day); while the account is over them, every such attempt is refused at
  once (429, Retry-After = the account's wait), whatever its IP — the right password
  too, or the refusal would be an oracle;
- a login presenting the account's device cookie (domain.accounts.devices: a browser
  that logged in to it before) is judged on that device's own failures only
  (LOGIN_DEVICE_FAILURES), so the owner gets in from their browser while the account
  is under attack.
A distributed attacker gets the account's few guesses in total, not a few per IP.
Client IPs are keyed by `ip_key`: an IPv6 address by its /64.
Unknown emails are counted like real ones (a 429 says nothing about an account).

Requests naming an email are never counted per email (strangers would lock its owner
out): the mails the address receives are (MAIL_CAPS)."""

from __future__ import annotations

import hashlib
import ipaddress

from attrs import frozen

from domain.common.errors import TooManyRequests

MINUTE, HOUR, DAY = 60, 3600, 86400


@frozen
class Rate:
    """At most `amount` events in any `seconds`, counted under `name` per key."""

    name: str
    amount: int
    seconds: int

    def scaled(self, factor: float) -> Rate:
        """The same window with `amount` multiplied (CREATORFLIX_RATE_LIMIT_FACTOR)."""
        return Rate(self.name, max(1, int(self.amount * factor)), self.seconds)


@frozen
class Policy:
    """The rates of one action: per client IP and per account."""

    per_ip: tuple[Rate, ...] = ()
    per_account: tuple[Rate, ...] = ()


def backoff(name: str, steps: tuple[tuple[int, int], ...]) -> tuple[Rate, ...]:
    """Growing back-off as moving windows: (amount, seconds) steps whose windows grow
    faster than their amounts, so each further failure buys a longer wait."""
    return tuple(Rate(f"{name}:{seconds}", amount, seconds) for amount, seconds in steps)


# -- every limit, in one place ------------------------------------------------------
LOGIN_PER_IP = (Rate("login-ip", 30, MINUTE), Rate("login-ip-h", 300, HOUR))
LOGIN_FAILURES = backoff("login-fail", ((5, MINUTE), (10, 10 * MINUTE), (20, HOUR), (50, DAY)))
LOGIN_DEVICE_FAILURES = backoff(
    "login-device-fail", ((5, MINUTE), (10, 10 * MINUTE), (20, HOUR), (50, DAY))
)

POLICIES: dict[str, Policy] = {
    # Requests naming an email (register, reset, checkout) are limited per IP only: a
    # per-email count would let strangers lock the address's owner out (issue 20); what
    # they could do to the address, mail it, is capped by MAIL_CAPS.
    "register": Policy(per_ip=(Rate("register-ip", 5, MINUTE), Rate("register-ip-h", 30, HOUR))),
    # per account: the one-time token presented (no account is known before it verifies)
    "set_password": Policy(
        per_ip=(Rate("set-password-ip", 10, MINUTE), Rate("set-password-ip-h", 60, HOUR)),
        per_account=(Rate("set-password-token", 10, HOUR),),
    ),
    "password_reset": Policy(per_ip=(Rate("reset-ip", 5, MINUTE), Rate("reset-ip-h", 30, HOUR))),
    "checkout": Policy(per_ip=(Rate("checkout-ip", 10, MINUTE), Rate("checkout-ip-h", 60, HOUR))),
    # a coupon code tried before paying (issue 25): guessing codes costs requests
    "coupon_check": Policy(
        per_ip=(Rate("coupon-check-ip", 10, MINUTE), Rate("coupon-check-ip-h", 60, HOUR))
    ),
    # a signed-in member checking their password or sending mail (change password or
    # email, resend verification, erase the account): per account = the user id, so a
    # stolen bearer token cannot guess the password or mail strangers without limit
    "account_change": Policy(
        per_ip=(Rate("account-change-ip", 10, MINUTE), Rate("account-change-ip-h", 60, HOUR)),
        per_account=(Rate("account-change-user", 10, HOUR),),
    ),
    # age assurance (issue 22): ID photos (5 per account = user id, 20 per IP, an hour)
    # and anonymous OIDC starts (each one a pending row and a round trip to the provider)
    "age_document": Policy(
        per_ip=(Rate("age-document-ip", 20, HOUR),),
        per_account=(Rate("age-document-user", 5, HOUR),),
    ),
    "age_oidc_start": Policy(per_ip=(Rate("age-oidc-start-ip", 20, HOUR),)),
    # postbacks: only failed tokens count, per IP (a gateway never fails its token)
    "webhook_token": Policy(
        per_ip=(Rate("webhook-fail-ip", 10, MINUTE), Rate("webhook-fail-ip-d", 100, DAY))
    ),
}


# Mails an address receives, per kind and hour, whoever asks (issue 20): requests
# naming an email are limited per IP only, so a stranger can neither flood an inbox nor
# lock its owner out. Beyond the cap the request is answered alike and mails nothing.
MAIL_CAPS: dict[str, Rate] = {
    "pix": Rate("mail-pix", 5, HOUR),  # a checkout's PIX code
    "password_reset": Rate("mail-reset", 5, HOUR),
}
# A reset asked from a browser holding the account's device cookie (it logged in to
# the account before) is counted on that device instead: the owner still gets a link.
MAIL_DEVICE_CAP = Rate("mail-device", 3, HOUR)


def account_key(text: str) -> str:
    """A fixed-size key for an account identifier (an email, a token): the stored
    counters never hold the identifier itself."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def ip_key(ip: str | None) -> str:
    """The key a client address is counted under: an IPv4 address as it is, an IPv6
    address by its /64 (one subscriber's whole prefix: a host picks any of its 2^64
    addresses at will)."""
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)  # ::ffff:a.b.c.d is the IPv4 client a.b.c.d
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def refuse(wait: int, what: str) -> TooManyRequests:
    return TooManyRequests(f"too many {what}; try again in {wait} s", retry_after=wait)
