"""The client's IP address, as recorded with ad impressions and clicks.

The socket peer is the client unless it is one of our trusted proxies
(CREATORFLIX_TRUSTED_PROXIES). Behind trusted proxies, X-Forwarded-For is read from the
right: each proxy appends the address it received the request from, so the right-most
entry that is not a trusted proxy is the first address no proxy of ours can vouch for
— anything to its left was written by the client and may be forged."""
from __future__ import annotations

import ipaddress
from typing import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(text: str | None) -> Address | None:
    """An IP address, or None when `text` is not one (IPv4-mapped IPv6 is unwrapped)."""
    if not text:
        return None
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: Address, proxies: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_ip(peer: str | None, forwarded_for: str | None,
              proxies: Iterable[Network]) -> str | None:
    """The client address given the socket peer, the X-Forwarded-For header (all its
    values joined by commas) and the trusted proxy networks. Malformed entries are
    skipped; when every entry is a trusted proxy, the left-most one is the client."""
    proxies = tuple(proxies)
    address = parse_address(peer)
    if address is None:  # e.g. a unix socket: no address to record
        return None
    if not proxies or not is_trusted(address, proxies) or not forwarded_for:
        return str(address)
    for entry in reversed(forwarded_for.split(",")):
        hop = parse_address(entry)
        if hop is None:
            continue
        address = hop
        if not is_trusted(hop, proxies):
            break
    return str(address)


def request_ip(req, proxies: Iterable[Network]) -> str | None:
    """`client_ip` of a Falcon request."""
    return client_ip(req.remote_addr, req.get_header("X-Forwarded-For"), proxies)
