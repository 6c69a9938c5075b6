"""LGPD over HTTP (art. 18): every personal datum held about me, as JSON, and the
erasure of a user's personal data by an administrator (a request received elsewhere).
A member erases their own account with DELETE /api/me (me.py)."""

from __future__ import annotations

import falcon

from domain.accounts import privacy
from entrypoints.bootstrap import Deps
from entrypoints.http.account_views import USER_BODY, user_json
from entrypoints.http.caller import required_user_id
from entrypoints.http.routes import ADMIN, NO_MEDIA, USER, Operation, Route
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

TAGS = ("accounts",)
ADMIN_TAGS = ("admin: accounts",)
EXPORT_SCHEMA = {
    "type": "object",
    "required": ["account", "checkouts", "subscriptions", "withdrawals", "mails"],
    "properties": {
        "account": {"type": "object"},
        **{
            k: {"type": "array", "items": {"type": "object"}}
            for k in ("checkouts", "subscriptions", "withdrawals", "mails")
        },
    },
}


class ExportResource:
    def __init__(self, uow: UnitOfWorkFactory):
        self.uow = uow

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = privacy.export(self.uow, required_user_id(req))
        resp.downloadable_as = "meus-dados-creatorflix.json"


class AdminAnonymiseResource:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock):
        self.uow, self.clock = uow, clock

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: int) -> None:
        user = privacy.anonymise(self.uow, id, self.clock.now())
        resp.media = {"user": user_json(user)}


def routes(deps: Deps) -> list[Route]:
    return [
        Route(
            "/api/me/export",
            ExportResource(deps.uow),
            (
                Operation(
                    "GET",
                    "Every personal datum held about me (LGPD art. 18), as JSON",
                    USER,
                    tags=TAGS,
                    responses={200: EXPORT_SCHEMA},
                    serves=NO_MEDIA,
                ),
            ),
        ),
        Route(
            "/api/admin/users/{id:id}/anonymise",
            AdminAnonymiseResource(deps.uow, deps.clock),
            (
                Operation(
                    "POST",
                    "Erase a user's personal data (an LGPD request received "
                    "elsewhere), as DELETE /api/me does",
                    ADMIN,
                    tags=ADMIN_TAGS,
                    request=None,
                    responses={200: USER_BODY, 404: None, 409: None},
                ),
            ),
        ),
    ]
