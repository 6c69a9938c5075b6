"""The document method of age assurance: a member's photo of an official ID, kept
privately until an admin decides, and deleted as the decision is made (only the
outcome is kept). The member sees "em análise" while it waits and gets a mail with the
decision; the admin queue is oldest first.

What a photo is, is read from its bytes (the file signature), never from the type the
client declared: JPEG, PNG or WebP only. Sniffing the signature, rather than decoding
the image with Pillow, keeps an image decoder (and its parsing bugs) away from
untrusted uploads on the server; the admin's browser renders the photo, served as
the sniffed type with nosniff."""

from __future__ import annotations

import attrs

from domain.accounts.users import User
from domain.assurance.entities import DOCUMENT, PENDING, REJECTED, AgeAssurance
from domain.assurance.events import DocumentSubmitted
from domain.assurance.service import AgeAssuranceService, assure
from domain.common.errors import Conflict, NotFound, ValidationError
from domain.common.pagination import Page, PageRequest
from domain.mail import compose
from ports.unit_of_work import UnitOfWork

# Documents wait here until an admin decides; hidden keys are never synced into the
# white-label catalogue nor served by /media (domain.whitelabel.layout).
DOCUMENT_PREFIX = ".private/age-documents/"
DOCUMENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # CREATORFLIX_AGE_DOCUMENT_MAX_BYTES's default
# Where the member is sent by the decision mail: the age-check page.
AGE_CHECK_PAGE = "/verificacao-idade"


def document_key(assurance_id: int) -> str:
    return f"{DOCUMENT_PREFIX}{assurance_id}"


def sniffed_type(data: bytes) -> str | None:
    """The image type the bytes are (their file signature), or None when they are none
    of JPEG, PNG and WebP."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def submit_document(
    svc: AgeAssuranceService, user: User, data: bytes, content_type: str | None = None
) -> AgeAssurance:
    """A member's photo of an official ID, kept privately until an admin decides. Its
    type is read from its bytes; `content_type` (what the client declared) is ignored."""
    if not svc.enabled(DOCUMENT):
        raise Conflict("the document age assurance is not enabled", code="method_disabled")
    if not data:
        raise ValidationError("the photo is empty", field="document")
    if len(data) > svc.document_max_bytes:
        raise ValidationError(f"the photo exceeds {svc.document_max_bytes} bytes", field="document")
    kind = sniffed_type(data)
    if kind is None:
        raise ValidationError(
            "the photo must be a JPEG, PNG or WebP image (by its content)", field="document"
        )
    now = svc.clock.now()
    with svc.uow() as uow:
        record = uow.age_assurances.add(
            AgeAssurance(id=None, method=DOCUMENT, outcome=PENDING, user_id=user.id, created_at=now)
        )
        assert record.id is not None
        # Stored before the commit: a failed upload leaves no pending row behind.
        svc.storage.put_object(document_key(record.id), data, kind)
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


def document_photo(svc: AgeAssuranceService, assurance_id: int) -> tuple[bytes, str]:
    """Admin: the photo of a document waiting for a decision, and its type (sniffed
    again: an object stored before the bytes were checked may be anything)."""
    with svc.uow() as uow:
        record = uow.age_assurances.get(assurance_id)
    if record is None or record.method != DOCUMENT or record.outcome != PENDING:
        raise NotFound(f"no document {assurance_id} waits for a decision")
    data = svc.storage.read_object(document_key(assurance_id))
    return data, sniffed_type(data) or "application/octet-stream"


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
        _mail_decision(uow, svc, decided, approve)
        uow.commit()
    return decided


def _mail_decision(
    uow: UnitOfWork, svc: AgeAssuranceService, record: AgeAssurance, approved: bool
) -> None:
    """The member hears of the decision (same transaction: never lost, never twice)."""
    user = uow.users.get(record.user_id) if record.user_id is not None else None
    if user is None or user.id is None or record.id is None or user.anonymised_at is not None:
        return
    link = svc.public_url.rstrip("/") + (AGE_CHECK_PAGE if not approved else "/minha-conta")
    uow.outbox.enqueue(
        compose.age_document_decided(
            user.email, user.name, approved, link, svc.clock.now(), user.id, record.id
        )
    )


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
