from __future__ import annotations

import json

import pytest

from domain.common.errors import ValidationError
from domain.common.fields import check_http_url
from entrypoints.http.json_io import dumps


def test_a_lone_surrogate_still_serialises_to_valid_json():
    text = dumps({"echo": "bad \ud800 input", "name": "Programação"})
    text.encode("utf-8")  # would raise if the surrogate were written raw
    assert json.loads(text) == {"echo": "bad \ud800 input", "name": "Programação"}


@pytest.mark.parametrize(
    "url",
    [
        "https://exa\tmple.com/",
        "https://example.com/\nSet-Cookie:x",
        "https://example.com/a b",
        "https://example.com/\x7f",
        "javascript:alert(1)",
        "//example.com",
        "https://",
    ],
)
def test_urls_with_whitespace_controls_or_other_schemes_are_refused(url):
    with pytest.raises(ValidationError) as caught:
        check_http_url(url, "link")
    assert caught.value.field == "link"


def test_plain_http_urls_pass():
    assert check_http_url("https://example.com/a?b=c#d", "link") == "https://example.com/a?b=c#d"


@pytest.mark.parametrize("url", ["https://a.com:99999/", "https://a.com:0/", "http://[::1"])
def test_urls_with_impossible_ports_or_hosts_are_refused(url):
    with pytest.raises(ValidationError):
        check_http_url(url, "link")


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "1800-01-01T00:00:00Z",
        "9999-06-01T00:00:00",
    ],
)
def test_timestamps_out_of_range_are_a_validation_error(value):
    from domain.common.fields import parse_timestamp

    with pytest.raises(ValidationError) as caught:
        parse_timestamp(value, "start_date")
    assert caught.value.field == "start_date"


def test_timestamps_with_zones_are_stored_as_naive_utc():
    from datetime import datetime

    from domain.common.fields import parse_timestamp

    assert parse_timestamp("2026-03-01T12:00:00-03:00", "d") == datetime(2026, 3, 1, 15, 0)
