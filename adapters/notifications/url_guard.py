"""No SSRF through webhook endpoints: a URL must be https and its host must resolve
only to public addresses (not loopback, private, link-local — the cloud metadata
address 169.254.169.254 among them —, shared, reserved or multicast, IPv6 included).
Checked when an endpoint is saved and again before each delivery (DNS rebinding);
the delivery then connects to the very address checked.
`CREATORFLIX_WEBHOOK_ALLOW_PRIVATE=true` lifts both rules (tests, intranets)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from attrs import frozen

from domain.common.errors import ValidationError

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@frozen
class Target:
    """A URL's parts and the addresses it may be reached at (in resolution order)."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def is_public(address: IpAddress) -> bool:
    """True for an address on the public internet only."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if mapped is not None and not is_public(mapped):
            return False
    return address.is_global and not address.is_multicast


def _refuse(reason: str) -> ValidationError:
    return ValidationError(f"url {reason}", field="url")


def resolve(url: str, *, allow_private: bool) -> Target:
    """The URL's target, or ValidationError on `url` saying why it may not be called."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse("must be an http(s) URL") from None
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise _refuse("must be an https URL")
    port = port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse(f"host {host!r} does not resolve") from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        for text in addresses:
            if not is_public(ipaddress.ip_address(text.split("%")[0])):
                raise _refuse(
                    f"host {host!r} resolves to a non-public address ({text}); "
                    "webhooks are sent only to the public internet"
                )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=parts.scheme, host=host, port=port, path=path, addresses=addresses)
