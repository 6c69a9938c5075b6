"""The client IP recorded with ad events: the socket peer, or behind trusted proxies the
right-most X-Forwarded-For entry that is not one of them (ports dropped; an entry that
is no address stops the walk)."""

from __future__ import annotations

import ipaddress

import pytest

from entrypoints.http.client_ip import client_ip, parse_address

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8::/32"))


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says():
    assert client_ip("203.0.113.7", "1.2.3.4", ()) == "203.0.113.7"
    assert client_ip("203.0.113.7", None, ()) == "203.0.113.7"


def test_an_untrusted_peer_cannot_spoof_its_address_with_the_header():
    assert client_ip("203.0.113.7", "1.2.3.4", PROXIES) == "203.0.113.7"


@pytest.mark.parametrize(
    "header,expected",
    [
        ("198.51.100.1", "198.51.100.1"),
        # The client forged the first entry; our proxies appended the real hops.
        ("6.6.6.6, 198.51.100.1", "198.51.100.1"),
        ("6.6.6.6, 198.51.100.1, 10.1.2.3", "198.51.100.1"),
        ("198.51.100.1,10.1.2.3,10.9.9.9", "198.51.100.1"),
        # Load balancers may append the hop with its port: the port is dropped, so a forged
        # entry to its left never wins.
        ("6.6.6.6, 1.2.3.4:5678", "1.2.3.4"),
        ("6.6.6.6, 1.2.3.4:5678, 10.1.2.3:443", "1.2.3.4"),
        ("6.6.6.6, [2001:db9::1]:443", "2001:db9::1"),
        ("6.6.6.6, [2001:db8::7]:8080, [2001:db9::1]", "2001:db9::1"),
        ("2001:db8::5, [2001:db9::1]", "2001:db9::1"),
        ("6.6.6.6, 2001:db9::1", "2001:db9::1"),
        ("::ffff:198.51.100.9", "198.51.100.9"),
        # An entry that is still no address stops the walk at the nearest known address:
        # the last trusted hop, else the peer; never an entry to the left of the garbage.
        ("6.6.6.6, not-an-ip, 10.1.2.3", "10.1.2.3"),
        ("198.51.100.1, 1.2.3.4:8080, ,10.1.2.3", "10.1.2.3"),
        ("6.6.6.6, 1.2.3.4:99999", "10.0.0.1"),
        ("6.6.6.6, 1.2.3.4:", "10.0.0.1"),
        ("6.6.6.6, unknown", "10.0.0.1"),
        ("6.6.6.6, 10.1.2.3, [2001:db9::1", "10.0.0.1"),
        # Only trusted hops: the left-most is the client.
        ("10.2.2.2, 10.1.1.1", "10.2.2.2"),
    ],
)
def test_behind_trusted_proxies_the_right_most_untrusted_entry_is_the_client(header, expected):
    assert client_ip("10.0.0.1", header, PROXIES) == expected


def test_a_trusted_peer_without_a_usable_header_is_itself_the_client():
    assert client_ip("10.0.0.1", None, PROXIES) == "10.0.0.1"
    assert client_ip("10.0.0.1", "garbage, ,", PROXIES) == "10.0.0.1"


def test_a_peer_that_is_no_address_is_recorded_as_unknown():
    assert client_ip("", "1.2.3.4", PROXIES) is None
    assert client_ip(None, None, ()) is None


def test_addresses_are_normalised():
    assert str(parse_address(" [2001:DB8::1] ")) == "2001:db8::1"
    assert str(parse_address("[2001:DB8::1]:443")) == "2001:db8::1"
    assert str(parse_address("203.0.113.7:5678")) == "203.0.113.7"
    assert str(parse_address("::ffff:10.0.0.1")) == "10.0.0.1"
    assert parse_address("999.1.1.1") is None and parse_address(None) is None
