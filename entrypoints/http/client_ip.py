"""The client's IP address, as recorded with ad impressions and clicks.

The socket peer is the client unless it is one of our trusted proxies
(CREATORFLIX_TRUSTED_PROXIES). Behind trusted proxies, X-Forwarded-For is read from the
right: each proxy appends the address it received the request from, so the right-most
entry that is not a trusted proxy is the first address no proxy of ours can vouch for
— anything to its left was written by the client and may be forged.

Load balancers may append the hop with its port ("203.0.113.7:5678", "[2001:db8::7]:443"):
the port is dropped. An entry that is still no address stops the walk: the client is
then the nearest address already established (the last trusted hop, or the peer) —
never an entry to the left of the garbage, which the client could have written."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

import falcon

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# "[v6]" or "[v6]:port"; "a.b.c.d:port" (one colon: an IPv6 address has several).
_WITH_PORT = (re.compile(r"\[([^\]]*)\](?::([0-9]{1,5}))?"), re.compile(r"([0-9.]+):([0-9]{1,5})"))


def strip_port(text: str) -> str:
    """The address part of a forwarded hop: without brackets, without a valid port (a
    hop with a port out of range is left whole, and so is no address)."""
    for pattern in _WITH_PORT:
        found = pattern.fullmatch(text)
        if found:
            port = found.group(2)
            return found.group(1) if port is None or int(port) <= 65535 else text
    return text


def parse_address(text: str | None) -> Address | None:
    """An IP address, or None when `text` is not one (a port and IPv6 brackets are
    dropped; IPv4-mapped IPv6 is unwrapped)."""
    if not text:
        return None
    try:
        address = ipaddress.ip_address(strip_port(text.strip()))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: Address, proxies: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_ip(
    peer: str | None, forwarded_for: str | None, proxies: Iterable[Network]
) -> str | None:
    """The client address given the socket peer, the X-Forwarded-For header (all its
    values joined by commas) and the trusted proxy networks (see the module docstring).
    When every entry is a trusted proxy, the left-most one is the client."""
    proxies = tuple(proxies)
    address = parse_address(peer)
    if address is None:  # e.g. a unix socket: no address to record
        return None
    if not proxies or not is_trusted(address, proxies) or not forwarded_for:
        return str(address)
    for entry in reversed(forwarded_for.split(",")):
        hop = parse_address(entry)
        if hop is None:
            break  # garbage: trust nothing to its left
        address = hop
        if not is_trusted(hop, proxies):
            break
    return str(address)


def request_ip(req: falcon.Request, proxies: Iterable[Network]) -> str | None:
    """`client_ip` of a Falcon request."""
    return client_ip(req.remote_addr, req.get_header("X-Forwarded-For"), proxies)
