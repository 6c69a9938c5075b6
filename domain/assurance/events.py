"""What the age-assurance capability tells the rest of the system
(domain.common.events). Never a document, a birth date or an image: ids and outcomes."""

from __future__ import annotations

from attrs import frozen

from domain.assurance.entities import AssuranceMethod, AssuranceOutcome
from domain.common.events import Event


@frozen(kw_only=True)
class DocumentSubmitted(Event):
    """A member sent an identity document; it waits for an administrator's decision."""

    name = "age_assurance.document_submitted"
    assurance_id: int
    user_id: int
    method: AssuranceMethod
    outcome: AssuranceOutcome
