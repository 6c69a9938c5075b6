"""GET /api/checkouts/{id}/qr.svg: the PIX QR code drawn on the server, for the buyer."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from entrypoints.http.checkout_qr import pix_qr_svg
from tests.support.api import assert_error
from tests.support.payments import add_catalogue, checkout_body, start

MEMORY = pytest.mark.parametrize("backend", ["memory"], indirect=True)


def qr_of(client, created: dict, token: str | None = "same"):
    params = (
        {}
        if token is None
        else {"access_token": created["access_token"] if token == "same" else token}
    )
    return client.simulate_get(f"/api/checkouts/{created['id']}/qr.svg", params=params)


def test_the_buyer_gets_the_qr_code_of_the_copy_and_paste_code(client, deps):
    plan, _ = add_catalogue(deps)
    created = start(client, checkout_body(plan.id))
    result = qr_of(client, created)
    assert result.status_code == 200
    assert result.headers["content-type"] == "image/svg+xml"
    assert "no-store" in result.headers["cache-control"]
    # Exactly the code the gateway issued, as segno draws it: a standalone SVG.
    assert result.content == pix_qr_svg(created["payment"]["copy_paste"])
    root = ET.fromstring(result.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox")


@MEMORY
def test_only_with_its_own_access_token(client, deps):
    plan, _ = add_catalogue(deps)
    first = start(client, checkout_body(plan.id))
    second = start(client, checkout_body(plan.id))
    assert_error(qr_of(client, first, token=None), 401, "unauthenticated")
    # Exactly as polling the checkout answers.
    for token in (second["access_token"], "garbage"):
        assert_error(qr_of(client, first, token=token), 403, "forbidden")
    assert_error(
        client.simulate_get(
            "/api/checkouts/999/qr.svg", params={"access_token": first["access_token"]}
        ),
        403,
        "forbidden",
    )


@MEMORY
def test_a_checkout_without_a_pix_code_has_no_qr(client, deps):
    plan, _ = add_catalogue(deps, checkout_url="https://pay.example.com/c/1")
    created = start(client, checkout_body(plan.id, method="credit_card"))
    assert created["payment"]["redirect_url"]
    assert_error(qr_of(client, created), 404, "not_found")


def test_qr_codes_grow_with_their_payload_and_stay_valid_svg():
    small, large = pix_qr_svg("x"), pix_qr_svg("0" * 400)
    for svg in (small, large):
        ET.fromstring(svg)
    assert len(large) > len(small)
