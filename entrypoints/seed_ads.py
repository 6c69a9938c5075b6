"""Demo ads for `creatorflix seed-demo`: one active campaign per ad type, each in a
placement valid for its type. Idempotent (matched by name); created through the admin
use case, so with the same validation as the REST API."""

from __future__ import annotations

from collections.abc import Iterable

from domain.ads.admin import ADS
from entrypoints.seed_support import ensure, ours, own_image, seeded_line


def _ad(
    name: str,
    ad_type: str,
    placement: str,
    title: str,
    subtitle: str,
    cta: str,
    slug: str,
    width: int,
    height: int,
    priority: int = 0,
) -> dict:
    return {
        "name": name,
        "type": ad_type,
        "placement": placement,
        "status": "active",
        "title": title,
        "subtitle": subtitle,
        "cta_text": cta,
        "priority": priority,
        "category": "demo",
        "link": "/planos",  # our plans page: no other host
        "image_url": own_image(f"ad-{slug}"),
    }  # a PNG of width x height


DEMO_ADS = [
    _ad(
        "Demo: hero da home",
        "hero",
        "home_top",
        "Conteúdo exclusivo todo dia",
        "Assine e libere todos os posts e vídeos",
        "Assinar agora",
        "hero",
        1600,
        600,
        10,
    ),
    _ad(
        "Demo: banner da home",
        "banner",
        "home_bottom",
        "Plano anual com desconto",
        "Economize mais de 40% no plano anual",
        "Ver planos",
        "banner",
        1200,
        250,
    ),
    _ad(
        "Demo: bloco de diamantes",
        "diamond_block",
        "home_middle",
        "Modelos em destaque",
        "As criadoras mais vistas da semana",
        "Conhecer",
        "diamond-block",
        1200,
        400,
    ),
    _ad(
        "Demo: diamante no feed",
        "diamond",
        "feed_mix",
        "Novidade no feed",
        "Um post patrocinado entre os posts",
        "Ver post",
        "diamond",
        600,
        600,
    ),
    _ad(
        "Demo: spot lateral",
        "spot",
        "sidebar",
        "Suporte pelo WhatsApp",
        "Fale com a gente a qualquer hora",
        "Chamar",
        "spot",
        300,
        250,
    ),
]


def seed_ads(deps) -> Iterable[str]:
    """One active ad per type; yields the line the CLI prints."""
    yield seeded_line("ads", ensure(deps, ADS, ours(deps, DEMO_ADS), ["name"]), len(DEMO_ADS))
