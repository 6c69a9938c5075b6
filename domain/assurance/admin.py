"""Administration of age assurance: revocation, the list of attempts, the
effectiveness figures the ANPD asks platforms to keep, and the warnings about the
methods on offer (start-up log and admin dashboard)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from domain.assurance.entities import (
    ABANDONED_AFTER,
    ASSURED,
    DOCUMENT,
    METHODS,
    OIDC,
    OUTCOMES,
    PENDING,
    REVOKED,
    SANDBOX,
    AgeAssurance,
)
from domain.assurance.service import AgeAssuranceService
from domain.common.errors import Conflict, NotFound
from domain.common.pagination import Page, PageRequest


def revoke(svc: AgeAssuranceService, assurance_id: int) -> AgeAssurance:
    """Admin: withdraw an assurance; its holder is unassured from the next request."""
    with svc.uow() as uow:
        record = uow.age_assurances.get(assurance_id)
        if record is None:
            raise NotFound(f"age assurance {assurance_id} not found")
        if record.outcome != ASSURED:
            raise Conflict(f"age assurance {assurance_id} is {record.outcome}, not assured")
        revoked = uow.age_assurances.update(
            attrs.evolve(record, outcome=REVOKED, decided_at=svc.clock.now())
        )
        uow.commit()
    return revoked


def list_assurances(
    svc: AgeAssuranceService, page: PageRequest, filters: Mapping[str, Any]
) -> Page[AgeAssurance]:
    with svc.uow() as uow:
        return uow.age_assurances.find(
            dict(filters), order_by=("-id",), page=page.page, limit=page.limit
        )


def figures(svc: AgeAssuranceService) -> dict[str, Any]:
    """The effectiveness figures: per method, how many attempts ended in each outcome,
    and how many were abandoned (an OIDC round trip never finished); plus whether the
    sandbox is the only method on offer, how many documents wait, and the warnings the
    dashboard shows. Sandbox attempts are left out once a real gateway is active (they
    never assured anyone real)."""
    now = svc.clock.now()
    per_method: dict[str, dict[str, int]] = {}
    live = svc.live_methods()
    with svc.uow() as uow:
        for method in METHODS:
            if method == SANDBOX and SANDBOX not in live:
                continue
            counts: dict[str, int] = {
                outcome: uow.age_assurances.count({"method": method, "outcome": outcome})
                for outcome in OUTCOMES
            }
            pending = uow.age_assurances.find({"method": method, "outcome": PENDING}).items
            abandoned = sum(
                1
                for p in pending
                if method == OIDC
                and p.created_at is not None
                and now - p.created_at > ABANDONED_AFTER
            )
            counts["abandoned"] = abandoned
            counts["pending"] -= abandoned
            counts["attempts"] = sum(counts[o] for o in OUTCOMES)
            per_method[method] = counts
    return {
        "methods": per_method,
        "enabled": sorted(live, key=list(svc.checks).index),
        "gate": svc.gate_on,
        "sandbox_only": list(svc.checks) == [SANDBOX],
        "documents_waiting": per_method.get(DOCUMENT, {}).get(PENDING, 0),
        "warnings": method_warnings(live),
    }


OIDC_HOWTO = (
    "para oferecer uma verificação automática, configure um provedor OpenID "
    "Connect de verificação de idade: CREATORFLIX_AGE_METHODS com oidc, mais "
    "CREATORFLIX_AGE_OIDC_ISSUER, CREATORFLIX_AGE_OIDC_CLIENT_ID (e _CLIENT_SECRET, "
    '_CLAIM); veja o README, "Verificação de idade"'
)


def method_warnings(live: frozenset[str] | set[str]) -> list[str]:
    """What the operator should hear about the methods on offer (start-up log and admin
    dashboard): PIX buyers (most buyers) pass only by card, OIDC or a reviewed document;
    with no OIDC they wait for a human, with neither they cannot pass at all."""
    real = set(live) - {SANDBOX}
    if OIDC in real:
        return []
    if DOCUMENT in real:
        return [
            "Quem paga por PIX só passa pela verificação de idade por análise manual "
            "de documento (um administrador decide cada envio); " + OIDC_HOWTO + "."
        ]
    return [
        "Quem paga por PIX não tem como passar pela verificação de idade (nem "
        "documento nem provedor OIDC ativos): ative document em "
        "CREATORFLIX_AGE_METHODS; " + OIDC_HOWTO + "."
    ]
