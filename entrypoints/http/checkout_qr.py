"""GET /api/checkouts/{id}/qr.svg: the PIX QR code of a checkout, drawn on the server
from its copy-and-paste code (segno), so the page needs no QR library and shows
exactly the code the gateway issued."""

from __future__ import annotations

import io

import falcon
import segno

from domain.common.errors import NotFound
from domain.payments import buying
from domain.payments.service import PaymentService
from entrypoints.bootstrap import Deps
from entrypoints.http.checkout_views import ACCESS_TOKEN_PARAMS, checkout_token
from entrypoints.http.routes import NO_MEDIA, Operation, Route

SVG = "image/svg+xml"


def pix_qr_svg(code: str) -> bytes:
    """The QR code of `code` as a standalone SVG that scales to its box (viewBox, no
    fixed size). Error correction M: what banking apps read reliably on screens."""
    out = io.BytesIO()
    segno.make(code, error="m", micro=False).save(
        out,
        kind="svg",
        xmldecl=False,
        scale=1,
        border=2,
        omitsize=True,
        dark="#000",
        light="#fff",
        title="QR Code PIX",
    )
    return out.getvalue()


class CheckoutQrResource:
    def __init__(self, svc: PaymentService):
        self.svc = svc

    def on_get(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        # Same access rule as polling the checkout: its buyer, with the access token.
        view = buying.checkout_status(self.svc, id, checkout_token(req))
        code = view.checkout.payment.qr_code
        if not code:
            raise NotFound(f"checkout {id} has no PIX code")
        resp.content_type = SVG
        resp.data = pix_qr_svg(code)
        resp.cache_control = ("private", "no-store")


def routes(deps: Deps) -> list[Route]:
    return [
        Route(
            "/api/checkouts/{id:id}/qr.svg",
            CheckoutQrResource(deps.payments_service),
            (
                Operation(
                    "GET",
                    "The PIX QR code of a checkout as SVG (buyer, with its access "
                    "token); 404 when the checkout has no PIX code",
                    tags=("checkout",),
                    content_type=SVG,
                    params=ACCESS_TOKEN_PARAMS,
                    responses={
                        200: {"type": "string", "description": "an SVG document"},
                        401: None,
                        403: None,
                    },
                    serves=NO_MEDIA,
                ),
            ),
        )
    ]
