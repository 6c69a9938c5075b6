"""The audit log: one entry per administrator write (who, when, which route and record,
the fields sent, secrets masked), and its filtered, paginated reading."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from attrs import frozen

from domain.accounts.audit_entry import AuditEntry
from domain.common.errors import ValidationError
from domain.common.fields import Choice, Integer, Text, Timestamp
from domain.common.pagination import Page, PageRequest
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
MASK = "***"
MAX_TEXT = 200  # longer texts are cut: the log says what changed, it is no backup
MAX_ITEMS = 50  # of a list or an object, deeper ones are summarised
# Field names whose values are secrets: passwords, tokens, keys (secret_key, public_key,
# api_key...), hashes (card_hash), certificates (the PIX one holds its private key), and
# anything called secret.
_SECRET_NAME = re.compile(
    r"(^|[_\-.])(password|passwd|secret|token|key|hash|credentials?"
    r"|certificate)s?$"
    r"|^(authorization|cookie|pin|cvv)$",
    re.IGNORECASE,
)
ADMIN_PREFIX = "/api/admin/"
_SECRET_PARAMS = {"sig", "signature", "exp_sig", "code", "otp"}  # query parameters


def is_secret_name(name: Any) -> bool:
    return isinstance(name, str) and bool(_SECRET_NAME.search(name))


def masked(value: Any, depth: int = 0) -> Any:
    """`value` as the log keeps it: secrets (by field name, at any depth) replaced by
    MASK, long texts and collections cut."""
    if isinstance(value, dict):
        if depth >= 3:
            return f"{{{len(value)} fields}}"
        return {
            str(k)[:MAX_TEXT]: MASK if is_secret_name(k) else masked(v, depth + 1)
            for k, v in list(value.items())[:MAX_ITEMS]
        }
    if isinstance(value, list):
        if depth >= 3:
            return f"[{len(value)} items]"
        return [masked(v, depth + 1) for v in value[:MAX_ITEMS]]
    if isinstance(value, str):
        value = _url_masked(value)
        return value[:MAX_TEXT] + "…" if len(value) > MAX_TEXT else value
    return value


def _url_masked(text: str) -> str:
    """A URL with the values of its secret parameters (a postback URL's token, a
    signed link's sig) masked; any other text as it is."""
    if "?" not in text or "=" not in text or not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        return text
    parts = urlsplit(text)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(is_secret_name(k) or k in _SECRET_PARAMS for k, _ in pairs):
        return text
    query = "&".join(
        f"{k}={MASK}" if is_secret_name(k) or k in _SECRET_PARAMS else urlencode([(k, v)])
        for k, v in pairs
    )
    return urlunsplit(parts._replace(query=query))


def changes_of(body: Any, path_params: Mapping[str, Any]) -> dict[str, Any]:
    """What an administrator's write sent, as the log keeps it. A record named like a
    secret (PUT /api/admin/settings/smtp_password) has every value masked."""
    if not isinstance(body, dict):
        return {}
    if any(is_secret_name(v) for v in path_params.values()):
        return {str(k)[:MAX_TEXT]: MASK for k in list(body)[:MAX_ITEMS]}
    return masked(body)


# Fields that name a record in a sentence ("o plano Mensal"), kept with what changed.
NAMING_FIELDS = ("name", "title", "email", "slug")


def before_of(
    snapshot: Mapping[str, Any] | None, changes: Mapping[str, Any] | None, method: str
) -> dict[str, Any] | None:
    """What the write replaced, as the log keeps it: the record's values of the fields
    sent (all of them named for a delete: only its naming fields), plus the fields that
    name it; secrets masked. None when there was no record before (creations, actions)."""
    if not snapshot:
        return None
    wanted = set(NAMING_FIELDS) | (set(changes or {}) if method != "DELETE" else set())
    return masked({k: v for k, v in snapshot.items() if k in wanted})


def resource_of(route: str) -> str:
    """/api/admin/plans/{id} -> plans; /api/admin/sandbox/checkouts/{id}/pay -> sandbox."""
    rest = route[len(ADMIN_PREFIX) :] if route.startswith(ADMIN_PREFIX) else route
    return rest.strip("/").split("/", 1)[0] or "admin"


def record(uow_factory: UnitOfWorkFactory, clock: Clock, entry: AuditEntry) -> AuditEntry:
    """Append `entry` to the log, stamped now."""
    with uow_factory() as uow:
        added = uow.audit_log.add(
            AuditEntry(
                id=None,
                method=entry.method,
                route=entry.route,
                resource=entry.resource,
                path=entry.path[: MAX_TEXT * 2],
                status=entry.status,
                actor_id=entry.actor_id,
                actor_email=entry.actor_email,
                record_id=entry.record_id,
                changes=entry.changes,
                before=entry.before,
                created_at=clock.now(),
            )
        )
        uow.commit()
    return added


AUDIT_FILTERS = {
    "actor_id": Integer(minimum=1, maximum=2**31 - 1, description="who wrote"),
    "actor_email": Text(max_length=254, description="who wrote, by email"),
    "resource": Text(
        max_length=100,
        description="what was written: plans, payment-gateways, "
        "checkouts... (the first segment under "
        "/api/admin)",
    ),
    "route": Text(max_length=300, description="the route template, e.g. /api/admin/plans/{id}"),
    "record_id": Text(max_length=100),
    "method": Choice(choices=WRITE_METHODS),
    "since": Timestamp(description="from this instant (ISO 8601, inclusive)"),
    "until": Timestamp(description="before this instant (ISO 8601, exclusive)"),
}


@frozen
class AuditQuery:
    """Filters (AUDIT_FILTERS, all optional) and the page asked for; newest first."""

    filters: dict[str, Any]
    page: PageRequest = PageRequest()


def find_entries(uow_factory: UnitOfWorkFactory, query: AuditQuery) -> Page:
    since, until = query.filters.get("since"), query.filters.get("until")
    if since is not None and until is not None and until <= since:
        raise ValidationError("until must come after since", field="until")
    with uow_factory() as uow:
        return uow.audit_log.search(query.filters, query.page.page, query.page.limit)
