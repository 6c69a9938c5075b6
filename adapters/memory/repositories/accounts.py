"""In-memory repositories of accounts and catalogue."""

from __future__ import annotations

from adapters.memory.repository import MemoryRepository


class MemoryUserRepository(MemoryRepository):
    def search(self, text: str, limit: int):
        found = [
            u
            for u in self._rows.values()
            if u.anonymised_at is None
            and (text in u.email.lower() or text in (u.name or "").lower())
        ]
        return sorted(found, key=lambda u: u.id, reverse=True)[:limit]

    def get_by_email(self, email: str):
        return self.first({"email": email})

    # The memory store runs one transaction at a time: reading is locking.
    def get_for_update(self, pk: int):
        return self.get(pk)

    def get_for_update_by_email(self, email: str):
        return self.get_by_email(email)

    def lookalike_of(self, email: str, skeleton: str):
        from adapters.email_lookalikes import skeleton as skeleton_of

        return next(
            (
                user
                for user in self._rows.values()
                if user.email != email and skeleton_of(user.email) == skeleton
            ),
            None,
        )

    def get_unless_revoked(self, pk: int, jti: str | None):
        if jti is not None and jti in self._store.tables.get("revoked_tokens", {}):
            return None
        return self.get(pk)


class MemoryPostRepository(MemoryRepository):
    def delete_by_creator(self, model_id: int) -> int:
        doomed = [pk for pk, post in self._rows.items() if post.model_id == model_id]
        for pk in doomed:
            self.delete(pk)
        return len(doomed)


class MemoryCreatorRepository(MemoryRepository):
    # The memory store runs one transaction at a time: reading is locking.
    def get_for_update(self, pk: int):
        return self.get(pk)


_AUDIT_EQUAL = ("actor_id", "actor_email", "resource", "route", "record_id", "method")


class MemoryAuditLogRepository(MemoryRepository):
    def search(self, filters, page: int, limit: int):
        from domain.common.pagination import Page

        since, until = filters.get("since"), filters.get("until")
        items = [
            e
            for e in self._rows.values()
            if all(getattr(e, k) == filters[k] for k in _AUDIT_EQUAL if k in filters)
            and (since is None or e.created_at >= since)
            and (until is None or e.created_at < until)
        ]
        items.sort(key=lambda e: e.id, reverse=True)
        start = (page - 1) * limit
        return Page(items=items[start : start + limit], total=len(items), page=page, limit=limit)
