from __future__ import annotations

import json

import pytest

from domain.errors import ValidationError
from domain.fields import check_http_url
from entrypoints.http.json_io import dumps


def test_a_lone_surrogate_still_serialises_to_valid_json():
    text = dumps({"echo": "bad \ud800 input", "name": "Programação"})
    text.encode("utf-8")  # would raise if the surrogate were written raw
    assert json.loads(text) == {"echo": "bad \ud800 input", "name": "Programação"}


@pytest.mark.parametrize("url", ["https://exa\tmple.com/", "https://example.com/\nSet-Cookie:x",
                                 "https://example.com/a b", "https://example.com/\x7f",
                                 "javascript:alert(1)", "//example.com", "https://"])
def test_urls_with_whitespace_controls_or_other_schemes_are_refused(url):
    with pytest.raises(ValidationError) as caught:
        check_http_url(url, "link")
    assert caught.value.field == "link"


def test_plain_http_urls_pass():
    assert check_http_url("https://example.com/a?b=c#d", "link") == "https://example.com/a?b=c#d"
