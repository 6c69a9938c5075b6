"""The brand (domain.catalog.branding): GET /api/branding for every page, PUT
/api/admin/branding for the panel, and GET /branding/logo — the logo as a public
image (a social network's crawler fetches og:image with no age assurance and no
signed link; a logo is no adult media)."""

from __future__ import annotations

from typing import Any

import attrs
import falcon

from domain.catalog import branding
from domain.common.errors import NotFound
from entrypoints.bootstrap import Deps
from entrypoints.http.json_io import read_json
from entrypoints.http.routes import ADMIN, LOGO_PATH, NO_MEDIA, PUBLIC, Operation, Route
from entrypoints.http.schemas import body_schema
from ports.media import MediaStorage
from ports.unit_of_work import UnitOfWorkFactory

LOGO_MAX_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}
TAGS = ("branding",)
BRAND_SCHEMA = {
    "type": "object",
    "properties": {
        "site_name": {"type": "string"},
        "logo_url": {"type": "string"},
        "primary_color": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
        "support_email": {"type": "string"},
        "logo_src": {
            "type": "string",
            "nullable": True,
            "description": "where pages load the logo from (null: none)",
        },
    },
    "required": ["site_name", "logo_url", "primary_color", "support_email", "logo_src"],
}


def brand_json(brand: branding.Brand) -> dict[str, Any]:
    return {**attrs.asdict(brand), "logo_src": LOGO_PATH if brand.logo_url else None}


class BrandResource:
    def __init__(self, uow: UnitOfWorkFactory):
        self.uow = uow

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.cache_control = ("no-cache",)
        resp.media = brand_json(branding.get_brand(self.uow))


class AdminBrandResource:
    def __init__(self, uow: UnitOfWorkFactory, max_body: int):
        self.uow, self.max_body = uow, max_body

    def on_put(self, req: falcon.Request, resp: falcon.Response) -> None:
        brand = branding.parse_brand(read_json(req, self.max_body))
        resp.media = brand_json(branding.put_brand(self.uow, brand))


class LogoResource:
    def __init__(self, uow: UnitOfWorkFactory, storage: MediaStorage):
        self.uow, self.storage = uow, storage

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        url = branding.get_brand(self.uow).logo_url
        if not url:
            raise NotFound("no logo is set")
        storage = self.storage
        key = storage.key_from_url(url)
        if key is None:  # a logo hosted elsewhere
            resp.status = falcon.HTTP_302
            resp.location = url
            return
        content_type = IMAGE_TYPES.get(key.rpartition(".")[2].lower())
        size = storage.object_size(key)
        if content_type is None or size is None or size > LOGO_MAX_BYTES:
            raise NotFound("the logo is not an image the storage holds")
        resp.content_type = content_type
        resp.cache_control = ("public", "max-age=300")
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.data = storage.read_object(key)


def routes(deps: Deps) -> list[Route]:
    uow = deps.uow
    # The brand and its logo are no adult media: public by design (NO_MEDIA), including
    # to the crawlers of social networks (og:image), which have no age assurance.
    return [
        Route(
            "/api/branding",
            BrandResource(uow),
            (
                Operation(
                    "GET",
                    "The brand: site name, logo, primary colour, support email",
                    PUBLIC,
                    tags=TAGS,
                    responses={200: BRAND_SCHEMA},
                    serves=NO_MEDIA,
                ),
            ),
        ),
        Route(
            "/api/admin/branding",
            AdminBrandResource(uow, deps.config.max_body_bytes),
            (
                Operation(
                    "PUT",
                    "Replace the brand (unset fields return to the defaults); "
                    "primary_color #rrggbb, logo_url an upload's url",
                    ADMIN,
                    tags=TAGS,
                    request=body_schema(branding.FIELDS),
                    responses={200: BRAND_SCHEMA},
                ),
            ),
        ),
        Route(
            LOGO_PATH,
            LogoResource(uow, deps.storage),
            (
                Operation(
                    "GET",
                    "The brand's logo (public: social previews' og:image); 302 to "
                    "a logo hosted elsewhere, 404 when none",
                    PUBLIC,
                    tags=TAGS,
                    content_type="image/*",
                    responses={200: {"type": "string", "format": "binary"}, 302: None, 404: None},
                    serves=NO_MEDIA,
                ),
            ),
        ),
    ]
