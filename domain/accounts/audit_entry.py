"""An entry of the audit log (table `audit_log`): one administrator write."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import field, frozen


@frozen
class AuditEntry:
    """Table `audit_log`. `route` is the route template (/api/admin/plans/{id}),
    `resource` its first segment under /api/admin (plans), `record_id` the record the
    path or the answer names; `changes` the body's fields, secrets masked; `before` what
    they replaced."""

    id: int | None
    method: str
    route: str
    resource: str
    path: str
    status: int
    actor_id: int | None = None
    actor_email: str | None = None
    record_id: str | None = None
    changes: dict[str, Any] | None = field(factory=dict)
    created_at: datetime | None = None
    # The record's values before an update or a delete (the changed fields, and its
    # name), secrets masked: what the panel's sentences read ("preço 29,90 → 34,90").
    before: dict[str, Any] | None = None
