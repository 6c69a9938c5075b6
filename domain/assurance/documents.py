"""The document method of age assurance: a member's photo of an official ID, kept
privately until an admin decides, and deleted as the decision is made (only the
outcome is kept)."""

from __future__ import annotations

import attrs

from domain.accounts.users import User
from domain.assurance.entities import DOCUMENT, PENDING, REJECTED, AgeAssurance
from domain.assurance.events import DocumentSubmitted
from domain.assurance.service import AgeAssuranceService, assure
from domain.common.errors import Conflict, NotFound, ValidationError
from domain.common.pagination import Page, PageRequest

# Documents wait here until an admin decides; hidden keys are never synced into the
# white-label catalogue nor served by /media (domain.whitelabel.layout).
DOCUMENT_PREFIX = ".private/age-documents/"
DOCUMENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


def document_key(assurance_id: int) -> str:
    return f"{DOCUMENT_PREFIX}{assurance_id}"


def submit_document(
    svc: AgeAssuranceService, user: User, data: bytes, content_type: str
) -> AgeAssurance:
    """A member's photo of an official ID, kept privately until an admin decides."""
    if not svc.enabled(DOCUMENT):
        raise Conflict("the document age assurance is not enabled", code="method_disabled")
    if content_type not in DOCUMENT_TYPES:
        raise ValidationError(
            f"the photo must be one of {', '.join(DOCUMENT_TYPES)}", field="document"
        )
    if not data:
        raise ValidationError("the photo is empty", field="document")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(f"the photo exceeds {MAX_DOCUMENT_BYTES} bytes", field="document")
    now = svc.clock.now()
    with svc.uow() as uow:
        record = uow.age_assurances.add(
            AgeAssurance(id=None, method=DOCUMENT, outcome=PENDING, user_id=user.id, created_at=now)
        )
        assert record.id is not None
        # Stored before the commit: a failed upload leaves no pending row behind.
        svc.storage.put_object(document_key(record.id), data, content_type)
        assert user.id is not None, "a member is a stored user"
        uow.record(
            DocumentSubmitted(
                occurred_at=now,
                assurance_id=record.id,
                user_id=user.id,
                method=record.method,
                outcome=record.outcome,
            )
        )
        uow.commit()
    return record


def document_photo(svc: AgeAssuranceService, assurance_id: int) -> bytes:
    """Admin: the photo of a document waiting for a decision."""
    with svc.uow() as uow:
        record = uow.age_assurances.get(assurance_id)
    if record is None or record.method != DOCUMENT or record.outcome != PENDING:
        raise NotFound(f"no document {assurance_id} waits for a decision")
    return svc.storage.read_object(document_key(assurance_id))


def decide_document(svc: AgeAssuranceService, assurance_id: int, approve: bool) -> AgeAssurance:
    """Admin: approve (assures the member for a year) or reject. The photo is deleted
    from the storage as the decision is made; only the outcome is kept."""
    now = svc.clock.now()
    with svc.uow() as uow:
        record = uow.age_assurances.get(assurance_id)
        if record is None or record.method != DOCUMENT:
            raise NotFound(f"document {assurance_id} not found")
        if record.outcome != PENDING:
            raise Conflict(f"document {assurance_id} was already decided ({record.outcome})")
        svc.storage.delete_object(document_key(assurance_id))
        if approve:
            decided = assure(
                uow, DOCUMENT, record.user_id, now, provider_ref="admin", pending=record
            )
        else:
            decided = uow.age_assurances.update(
                attrs.evolve(record, outcome=REJECTED, decided_at=now)
            )
        uow.commit()
    return decided


def my_documents(svc: AgeAssuranceService, user: User, page: PageRequest) -> Page[AgeAssurance]:
    """A member's own documents, newest first: pending, assured, rejected or revoked
    (the outcome only; the photo is never shown back)."""
    with svc.uow() as uow:
        return uow.age_assurances.find(
            {"method": DOCUMENT, "user_id": user.id},
            order_by=("-id",),
            page=page.page,
            limit=page.limit,
        )


def document_queue(svc: AgeAssuranceService, page: PageRequest) -> Page[AgeAssurance]:
    """Admin: the documents waiting for a decision, oldest first."""
    with svc.uow() as uow:
        return uow.age_assurances.find(
            {"method": DOCUMENT, "outcome": PENDING},
            order_by=("id",),
            page=page.page,
            limit=page.limit,
        )
