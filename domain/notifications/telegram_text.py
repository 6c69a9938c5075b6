"""The pt-BR line a Telegram chat receives for each event, from the event's data:
"💰 Venda aprovada — Mensal + 1 bump — R$ 39,80 — Maria S."."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from domain.notifications.entities import TEST_EVENT

TITLES = {
    "user.created": "👤 Novo usuário",
    "checkout.created": "🛒 Novo pedido",
    "checkout.paid": "💰 Venda aprovada",
    "checkout.review": "⚠️ Pagamento em revisão",
    "checkout.refunded": "↩️ Venda reembolsada",
    "checkout.abandoned": "⌛ Pedido abandonado",
    "subscription.activated": "✅ Assinatura ativada",
    "subscription.expired": "📅 Assinatura expirada",
    "withdrawal.requested": "🔙 Pedido de arrependimento",
    "age_assurance.document_submitted": "🪪 Documento enviado para verificação de idade",
    "subscription.renewed": "🔁 Assinatura renovada",
    "subscription.past_due": "💳 Renovação recusada",
    "subscription.cancelled": "🛑 Renovação cancelada pelo assinante",
    TEST_EVENT: "🔔 Evento de teste do CreatorFlix",
}


def money(cents: int) -> str:
    """R$ 1.234,56"""
    whole, part = divmod(abs(int(cents)), 100)
    grouped = f"{whole:,}".replace(",", ".")
    return f"{'-' if cents < 0 else ''}R$ {grouped},{part:02d}"


def short_name(name: Any) -> str:
    """ "Maria da Silva" → "Maria S." (the chat needs no one's full name)."""
    parts = str(name or "").split()
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]} {parts[-1][0].upper()}."


def _plan(data: Mapping[str, Any]) -> str:
    plan = str(data.get("plan_name") or "")
    bumps = data.get("bump_names") or []
    if bumps:
        count = len(bumps)
        plan = f"{plan} + {count} bump" + ("s" if count > 1 else "")
    return plan


def text(event: str, data: Mapping[str, Any]) -> str:
    """One line: the event's title, then what it is about, joined by " — "."""
    who: list[Mapping[str, Any]] = [
        v for k in ("customer", "user") if isinstance(v := data.get(k), Mapping)
    ]
    name = next((w.get("name") for w in who if w.get("name")), None) or data.get("name")
    parts = [TITLES.get(event, event)]
    if data.get("checkout_id") is not None and event == "withdrawal.requested":
        parts.append(f"pedido #{data['checkout_id']}")
    plan = _plan(data)
    if plan:
        parts.append(plan)
    if isinstance(data.get("amount"), int):
        parts.append(money(data["amount"]))
    if short_name(name):
        parts.append(short_name(name))
    return " — ".join(parts)


def text_of_body(body: str) -> str:
    """The line for a queued delivery's JSON body."""
    message = json.loads(body)
    data = message.get("data") if isinstance(message.get("data"), dict) else {}
    return text(str(message.get("type", "")), data)
