"""Pony repositories of accounts and catalogue."""

from __future__ import annotations

from pony.orm import desc

from adapters.email_lookalikes import skeleton
from adapters.pony.repository import PonyRepository


class PonyUserRepository(PonyRepository):
    def search(self, text: str, limit: int):
        rows = self.E.select(
            "lambda u: u.anonymised_at is None and (text in u.email.lower() "
            "or text in u.name.lower())",
            {"text": text},
        ).order_by(lambda u: desc(u.id))[:limit]
        return [self.to_domain(r) for r in rows]

    def _values(self, entity):
        # users.email_skeleton (migration 0012): what the address looks like (UTS #39),
        # kept with every write of the address so lookalike_of is one indexed query.
        values = super()._values(entity)
        values["email_skeleton"] = skeleton(entity.email)
        return values

    def lookalike_of(self, email: str, skeleton: str):
        row = (
            self.E.select(lambda u: u.email_skeleton == skeleton and u.email != email)
            .order_by(lambda u: u.id)
            .first()
        )
        return self.to_domain(row) if row is not None else None

    def get_by_email(self, email: str):
        row = self.E.get(email=email)
        return self.to_domain(row) if row is not None else None

    # SELECT ... FOR UPDATE (PostgreSQL; SQLite takes its write lock). Pony raises
    # UnrepeatableReadError when a row it already read in this session changed before
    # the lock: use cases lock a user before reading them.
    def get_for_update(self, pk: int):
        row = self.E.get_for_update(id=pk)
        return self.to_domain(row) if row is not None else None

    def get_for_update_by_email(self, email: str):
        row = self.E.get_for_update(email=email)
        return self.to_domain(row) if row is not None else None

    def get_unless_revoked(self, pk: int, jti: str | None):
        row = self.E.get_by_sql(
            "SELECT * FROM users WHERE id = $pk AND NOT EXISTS "
            "(SELECT 1 FROM revoked_tokens WHERE jti = $jti)",
            globals={},
            locals={"pk": pk, "jti": jti or ""},
        )
        return self.to_domain(row) if row is not None else None


class PonyPostRepository(PonyRepository):
    def delete_by_creator(self, model_id: int) -> int:
        # One DELETE statement, not one per row (Pony's per-object delete).
        return self.E.select(model_id=model_id).delete(bulk=True)


class PonyCreatorRepository(PonyRepository):
    def get_for_update(self, pk: int):
        row = self.E.get_for_update(id=pk)
        return self.to_domain(row) if row is not None else None


_AUDIT_EQUAL = ("actor_id", "actor_email", "resource", "route", "record_id", "method")


class PonyAuditLogRepository(PonyRepository):
    def search(self, filters, page: int, limit: int):
        # Served by the (created_at), (actor_id, created_at) and (resource, created_at)
        # indexes; newest first by id (ids grow with time).
        from pony.orm import desc

        from domain.common.pagination import Page

        q = self.E.select()
        for name in _AUDIT_EQUAL:
            if name in filters:
                q = q.filter(**{name: filters[name]})
        if filters.get("since") is not None:
            q = q.filter("lambda e: e.created_at >= since", {"since": filters["since"]})
        if filters.get("until") is not None:
            q = q.filter("lambda e: e.created_at < until", {"until": filters["until"]})
        q = q.order_by(desc(self.E.id))
        total = q.count()
        rows = q.page(page, limit) if total > (page - 1) * limit else []
        return Page(items=[self.to_domain(r) for r in rows], total=total, page=page, limit=limit)
