"""`creatorflix seed-demo`: demo data for a fresh install. Idempotent: each item is
matched by its natural key (a name, a platform) and created only when missing, through
the same admin use cases (and so the same validation) as the REST API.

Each area contributes one seeder `(deps) -> lines to print`; add yours to SEEDERS."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from domain.catalog.admin import CREATORS, ORDER_BUMPS, PLANS, POSTS, SUPPORT_CONTACTS
from entrypoints.seed_ads import seed_ads
from entrypoints.seed_support import ensure, ours, own_image, seeded_line

Seeder = Callable[[object], Iterable[str]]

DEMO_PLANS = [
    {
        "name": "Semanal",
        "price": 990,
        "duration": 7,
        "cta_text": "Assinar por 7 dias",
        "benefits_json": [
            "Acesso a todo o conteúdo por 7 dias",
            "Novos posts toda semana",
            "Pagamento via PIX ou cartão",
        ],
    },
    {
        "name": "Mensal",
        "price": 2990,
        "duration": 30,
        "cta_text": "Assinar o Mensal",
        "benefits_json": [
            "Acesso a todo o conteúdo por 30 dias",
            "Vídeos exclusivos em HD",
            "Novos posts toda semana",
            "Suporte prioritário",
        ],
    },
    {
        "name": "Anual",
        "price": 19990,
        "duration": 365,
        "cta_text": "Assinar o Anual",
        "benefits_json": [
            "Acesso a todo o conteúdo por 1 ano",
            "Economize mais de 40%",
            "Vídeos exclusivos em HD",
            "Suporte prioritário",
        ],
    },
]
DEMO_ORDER_BUMPS = [
    {
        "name": "Pack de fotos exclusivas",
        "price": 1490,
        "display_order": 1,
        "description": "Um pack com 50 fotos inéditas, liberado junto com a assinatura.",
        "image_url": own_image("bump-pack"),
    },
    {
        "name": "Chamada de vídeo de 10 minutos",
        "price": 4990,
        "display_order": 2,
        "description": "Uma chamada exclusiva agendada pelo suporte após a compra.",
        "image_url": own_image("bump-call"),
    },
]


def _creator(name: str, slug: str, description: str, featured: bool) -> dict:
    return {
        "name": name,
        "description": description,
        "is_featured": featured,
        "icon_url": own_image(f"{slug}-icon"),
        "banner_url": own_image(f"{slug}-banner"),
    }


def _posts(slug: str, titles: Sequence[str]) -> list[dict]:
    """Image posts (no demo video: a playable one cannot be made with the standard
    library, and none may come from another host)."""
    return [
        {"title": title, "type": "image", "content_url": own_image(f"{slug}-post-{i}")}
        for i, title in enumerate(titles)
    ]


DEMO_CREATORS = [
    (
        _creator("Luna Vega", "luna", "Fotografia de viagem e bastidores das produções.", True),
        _posts(
            "luna",
            [
                "Pôr do sol em Floripa",
                "Bastidores do ensaio",
                "Vlog da semana",
                "Café da manhã na praia",
            ],
        ),
    ),
    (
        _creator("Mia Santos", "mia", "Treinos, receitas e rotina saudável.", False),
        _posts("mia", ["Treino de pernas", "Receita de panqueca fit", "Rotina matinal"]),
    ),
]
DEMO_CONTACTS = [
    {"platform": "whatsapp", "url": "+55 11 99999-0000"},
    {"platform": "telegram", "url": "@creatorflix_suporte"},
]


def seed_catalog(deps) -> Iterable[str]:
    """Plans, order bumps, creators with posts, and WhatsApp/Telegram support contacts."""
    yield seeded_line("plans", ensure(deps, PLANS, DEMO_PLANS, ["name"]), len(DEMO_PLANS))
    yield seeded_line(
        "order bumps",
        ensure(deps, ORDER_BUMPS, ours(deps, DEMO_ORDER_BUMPS), ["name"]),
        len(DEMO_ORDER_BUMPS),
    )
    creators = ours(deps, [creator for creator, _ in DEMO_CREATORS])
    yield seeded_line("models", ensure(deps, CREATORS, creators, ["name"]), len(creators))
    created = total = 0
    for creator, posts in DEMO_CREATORS:
        with deps.uow() as uow:
            model_id = uow.creators.first({"name": creator["name"]}).id
        posts = [{**post, "model_id": model_id} for post in ours(deps, posts)]
        created += ensure(deps, POSTS, posts, ["model_id", "title"])
        total += len(posts)
    yield seeded_line("posts", created, total)
    yield seeded_line(
        "support contacts",
        ensure(deps, SUPPORT_CONTACTS, DEMO_CONTACTS, ["platform"]),
        len(DEMO_CONTACTS),
    )


# Run in order; each area appends its own seeder.
SEEDERS: list[Seeder] = [seed_catalog, seed_ads]


def seed_demo(deps) -> Iterable[str]:
    """Run every seeder; yields the lines the CLI prints."""
    for seeder in SEEDERS:
        yield from seeder(deps)
