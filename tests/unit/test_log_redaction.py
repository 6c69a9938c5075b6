"""Issue 13, finding 1: the one filter that blanks secret query parameters in log lines
(entrypoints/log_redaction.py), and the request states the server's buffering reads
(entrypoints/slow_clients.py)."""

from __future__ import annotations

import logging
import re

import pytest

from entrypoints.log_redaction import SECRET_PARAMS, RedactSecrets, redact
from entrypoints.request_framing import (
    BODY,
    HAND_OVER,
    HEAD,
    HEAD_TOO_LARGE,
    TOO_LARGE,
    WHOLE,
    Framing,
    request_state,
)


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            '"POST /api/webhooks/dias?token=abc123 HTTP/1.1" 200',
            '"POST /api/webhooks/dias?token=[redacted] HTTP/1.1" 200',
        ),
        (
            "/api/webhooks/junglepay?token=t0k&checkout=12",
            "/api/webhooks/junglepay?token=[redacted]&checkout=12",
        ),
        ("/api/checkouts/3?access_token=eyJ.x.y", "/api/checkouts/3?access_token=[redacted]"),
        (
            "/media/a/b.jpg?exp=1800000000&sig=AbC-_d",
            "/media/a/b.jpg?exp=1800000000&sig=[redacted]",
        ),
        ("/cb?code=c0de&state=st4te", "/cb?code=[redacted]&state=[redacted]"),
        ("/x?TOKEN=abc", "/x?TOKEN=[redacted]"),  # any case
        ("/x?%74oken=abc", "/x?%74oken=[redacted]"),  # an encoded name
        ("/x?a=1;sig=zz", "/x?a=1;sig=[redacted]"),
        ("/set-password?token=one#frag", "/set-password?token=[redacted]#frag"),
        ("/checkout?pedido=7&acesso=eyJ.a.b", "/checkout?pedido=7&acesso=[redacted]"),  # PIX mail
        ("/checkout?plano=2&renovacao=eyJ.c.d", "/checkout?plano=2&renovacao=[redacted]"),
        ("/api/plans?page=2&limit=10", "/api/plans?page=2&limit=10"),  # nothing secret
        ("/x?token=", "/x?token="),
        (
            'referer "http://h/set-password?token=abc"',
            'referer "http://h/set-password?token=[redacted]"',
        ),
    ],
)
def test_secret_query_values_are_blanked(line, expected):
    assert redact(line) == expected


def test_the_list_names_every_secret_we_hand_out_in_urls():
    assert {"token", "access_token", "sig", "code", "state"} <= SECRET_PARAMS
    assert "exp" not in SECRET_PARAMS and "checkout" not in SECRET_PARAMS


def test_the_filter_rewrites_messages_arguments_and_tracebacks():
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        "%(r)s %(s)s",
        ({"r": "GET /x?sig=s3cr3t HTTP/1.1", "s": "200"},),
        None,
    )
    assert RedactSecrets().filter(record)
    assert record.getMessage() == "GET /x?sig=[redacted] HTTP/1.1 200"
    try:
        raise ValueError("failed on /api/checkouts/1?access_token=s3cr3t")
    except ValueError:
        import sys

        record = logging.LogRecord("app", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    RedactSecrets().filter(record)
    assert "s3cr3t" not in record.exc_text and "[redacted]" in record.exc_text


HEAD_ONLY = b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"


@pytest.mark.parametrize(
    "data, state",
    [
        (HEAD_ONLY, HEAD),
        (HEAD_ONLY + b"\r\n", BODY),
        (HEAD_ONLY + b"\r\n0123", BODY),
        (HEAD_ONLY + b"\r\n0123456789", WHOLE),
        (b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n", WHOLE),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", BODY),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", WHOLE),
        (b"POST / HTTP/1.1\r\nContent-Length: 9\r\nExpect: 100-continue\r\n\r\n", BODY),
        (b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", HAND_OVER),
        # Issue 20: a body under the limit but over the old 64 KiB buffer is buffered too.
        (b"POST / HTTP/1.1\r\nContent-Length: 900000\r\n\r\n" + b"a" * 70_000, BODY),
        (b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", TOO_LARGE),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nab\r\n0\r\n\r\n", BODY),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n", TOO_LARGE),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", HAND_OVER),
        (b"GET /" + b"a" * 70_000, HEAD_TOO_LARGE),  # a 431 from the main loop
    ],
)
def test_the_server_knows_when_a_request_is_whole(data, state):
    assert request_state(data) == state


def test_a_request_is_scanned_as_it_arrives_and_ends_where_its_framing_says():
    request = (
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nTrailer: 1\r\n\r\n"
    )
    framing, data = Framing(body_limit=5), bytearray()
    states = []
    for byte in request + b"GET / HTTP/1.1\r\n":  # pipelined bytes after it
        data.append(byte)
        states.append(framing.state(data))
    assert states[-1] == WHOLE and framing.end == len(request)
    assert set(states) == {HEAD, BODY, WHOLE}
    assert Framing(body_limit=4).state(request) == TOO_LARGE


def test_a_route_that_streams_its_body_is_handed_over_once_its_head_is_in():
    """An admin upload (a later issue) opts in: its thread authenticates, then reads."""
    upload = ((b"POST", re.compile(rb"/api/admin/uploads")),)
    head = b"POST /api/admin/uploads?x=1 HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n"
    assert Framing(streaming=upload).state(head) == HAND_OVER
    assert Framing(streaming=upload).state(head[:-2]) == HEAD
    assert Framing(streaming=upload).state(head.replace(b"POST", b"PUT", 1)) == TOO_LARGE
    assert Framing().state(head) == TOO_LARGE  # not a route that streams
