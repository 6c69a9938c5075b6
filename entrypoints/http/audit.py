"""The audit log of administrator writes: the middleware that records them, and
GET /api/admin/audit-log.

Recorded by a middleware after a successful write (POST/PUT/PATCH/DELETE under
/api/admin answered 2xx), not inside each use case's transaction: one place covers
every admin write there is and every one added later, generic CRUD included, without
threading an actor through 50 use cases. The price: the entry is written just after the
change commits, in its own transaction — should that write fail, the change stands and
the failure is logged at ERROR (never a 500 for a change that was made)."""

from __future__ import annotations

import logging
import re

import attrs
import falcon

from domain.accounts import audit
from domain.common.fields import parse_query_filters
from domain.common.pagination import PageRequest
from domain.payments import customers
from entrypoints.bootstrap import Deps
from entrypoints.http.caller import current_user
from entrypoints.http.crud import PAGE_PARAMS, query_params
from entrypoints.http.json_io import page_json, to_json
from entrypoints.http.routes import ADMIN, ADMIN_PREFIX, Operation, Route
from entrypoints.http.schemas import entity_schema, nullable, page_schema
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

log = logging.getLogger("creatorflix.audit")


def _record_id(params: dict, resp: falcon.Response) -> str | None:
    if params:
        if len(params) == 1:
            return str(next(iter(params.values())))[:100]
        return ",".join(f"{k}={v}" for k, v in params.items())[:100]
    media = resp.media if isinstance(resp.media, dict) else {}
    return str(media["id"])[:100] if media.get("id") is not None else None


class AuditMiddleware:
    """Records every successful administrator write in the audit log."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock):
        self.uow, self.clock = uow, clock

    def process_resource(
        self, req: falcon.Request, resp: falcon.Response, resource: object, params: dict
    ) -> None:
        req.context.audit_params = dict(params or {})
        req.context.audit_snapshot = self._snapshot(req, resource, params or {})

    def _snapshot(self, req: falcon.Request, resource: object, params: dict) -> dict | None:
        """The record a generic admin update or delete is about, as it is before (the
        audit log's `before`); None for anything else."""
        res = getattr(resource, "res", None)  # entrypoints.http.crud's item resources
        if (
            req.method not in ("PUT", "PATCH", "DELETE")
            or res is None
            or "id" not in params
            or not (req.uri_template or "").startswith(ADMIN_PREFIX + "/")
        ):
            return None
        try:
            with self.uow() as uow:
                found = getattr(uow, res.repo).get(params["id"])
        except Exception:  # the write itself will say what is wrong
            return None
        return to_json(found) if found is not None else None

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        route = re.sub(r"\{(\w+):[^}]*\}", r"{\1}", req.uri_template or "")  # {id:id}
        if not (
            req_succeeded
            and req.method in audit.WRITE_METHODS
            and route.startswith(ADMIN_PREFIX + "/")
        ):
            return
        status = falcon.http_status_to_code(resp.status)
        if status >= 400:
            return
        user = current_user(req)
        params = getattr(req.context, "audit_params", {})
        entry = audit.AuditEntry(
            id=None,
            method=req.method,
            route=route,
            resource=audit.resource_of(route),
            path=req.path,
            status=status,
            actor_id=user.id if user else None,
            actor_email=user.email if user else None,
            record_id=_record_id(params, resp),
            changes=audit.changes_of(getattr(req.context, "json_body", None), params),
        )
        entry = attrs.evolve(
            entry,
            before=audit.before_of(
                getattr(req.context, "audit_snapshot", None), entry.changes, req.method
            ),
        )
        try:
            audit.record(self.uow, self.clock, entry)
        except Exception:  # the change is made: say so loudly, do not turn it into a 500
            log.exception(
                "audit log: could not record %s %s by %s", req.method, route, entry.actor_email
            )


class AuditLogResource:
    def __init__(self, uow: UnitOfWorkFactory):
        self.uow = uow

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        query = audit.AuditQuery(
            filters=parse_query_filters(audit.AUDIT_FILTERS, req.params),
            page=PageRequest.parse(req.params),
        )
        found = audit.find_entries(self.uow, query)
        # The sentences of the panel name the administrator ("Ana alterou…").
        actors = customers.people(self.uow, {e.actor_id for e in found.items if e.actor_id})
        resp.media = page_json(
            found,
            lambda e: {
                **to_json(e),
                "actor_name": actors[e.actor_id].name if e.actor_id in actors else None,
            },
        )


def routes(deps: Deps) -> list[Route]:
    return [
        Route(
            "/api/admin/audit-log",
            AuditLogResource(deps.uow),
            (
                Operation(
                    "GET",
                    "Administrator writes, newest first: who, when, route, record "
                    "and the fields sent (secrets masked); filters by actor, resource, "
                    "route, method and date range",
                    ADMIN,
                    tags=("admin",),
                    params=(*query_params(audit.AUDIT_FILTERS), *PAGE_PARAMS),
                    responses={
                        200: page_schema(
                            entity_schema(
                                audit.AuditEntry, extra={"actor_name": nullable({"type": "string"})}
                            )
                        )
                    },
                ),
            ),
        ),
    ]
