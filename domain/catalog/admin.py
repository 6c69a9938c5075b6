"""Administration of the catalogue: how each table is validated, filtered and ordered
(one `crud.Resource` each), and the key/value settings use cases."""

from __future__ import annotations

import attrs
from attrs import frozen

from domain.accounts.users import ROLES, User
from domain.catalog.entities import (
    CARD_STYLES,
    CREATOR_STATUSES,
    POST_TYPES,
    RENEWALS,
    SUPPORT_PLATFORMS,
    Creator,
    OrderBump,
    Plan,
    Post,
    Setting,
    SupportContact,
    check_setting_key,
    normalize_contact,
)
from domain.catalog.slugs import Slug, free_slug
from domain.common.crud import Resource
from domain.common.errors import Conflict
from domain.common.fields import Boolean, Choice, HttpUrl, Integer, StrList, Text
from ports.repositories import DuplicateError
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

NAME = Text(required=True, nullable=False, max_length=120)
CENTS = Integer(required=True, nullable=False, minimum=0, description="integer cents (BRL)")
FLAG = Boolean(nullable=False)


def refuse_plan_with_sales(uow, plan) -> None:
    """A plan with checkouts or subscriptions is history (receipts, access): it is
    deactivated, never deleted. The operator reads why, in Portuguese, and what to do."""
    sales = uow.checkouts.count({"plan_id": plan.id})
    grants = uow.subscriptions.count({"plan_id": plan.id})
    if sales or grants:
        raise Conflict(
            f"O plano {plan.name} tem {sales} venda(s) e {grants} assinatura(s) "
            "e por isso não pode ser excluído. Desative-o (À venda: não) para "
            "tirá-lo da loja sem perder o histórico.",
            code="plan_has_sales",
        )


PLANS = Resource(
    name="plan",
    repo="plans",
    entity=Plan,
    fields={
        "name": NAME,
        "price": CENTS,
        "duration": Integer(
            required=True, nullable=False, minimum=1, maximum=36500, description="days"
        ),
        "benefits_json": StrList(nullable=False, max_items=20, max_length=200),
        "cta_text": Text(max_length=120),
        "checkout_url": HttpUrl(description="external card checkout (e.g. Dias Marketplace)"),
        "accepts_pix": FLAG,
        "accepts_card": FLAG,
        "is_active": Boolean(
            nullable=False, description="an inactive plan is neither listed publicly nor sold"
        ),
        "card_style": Choice(
            nullable=False,
            choices=CARD_STYLES,
            description="how the storefront draws the plan's card",
        ),
        "max_installments": Integer(
            nullable=False,
            minimum=1,
            maximum=12,
            description="in-page card payments: at most this many installments",
        ),
        "renewal": Choice(
            nullable=False,
            choices=RENEWALS,
            description="manual: a pass bought again by hand (default); "
            "automatic: the saved card is charged every period",
        ),
    },
    filters={"is_active": Boolean()},
    order_by=("price", "id"),
    before_delete=refuse_plan_with_sales,
)

ORDER_BUMPS = Resource(
    name="order bump",
    repo="order_bumps",
    entity=OrderBump,
    fields={
        "name": NAME,
        "price": CENTS,
        "description": Text(max_length=2000),
        "is_active": FLAG,
        "image_url": HttpUrl(),
        "display_order": Integer(nullable=False, minimum=-1_000_000, maximum=1_000_000),
    },
    filters={"is_active": Boolean()},
    order_by=("display_order", "id"),
)


def delete_posts_of_creator(uow: UnitOfWork, creator: Creator) -> None:
    """A creator's posts go with it, in the deleting transaction."""
    assert creator.id is not None, "the creator being deleted was read from storage"
    uow.posts.delete_by_creator(creator.id)


def slug_new_creator(uow: UnitOfWork, current: Creator | None, creator: Creator) -> Creator:
    """A new creator without a slug gets one from its name ("Júlia Ávila" ->
    "julia-avila", "julia-avila-2" when taken)."""
    if current is not None or creator.slug is not None:
        return creator
    slug = free_slug(creator.name, lambda s: uow.creators.first({"slug": s}) is not None)
    return attrs.evolve(creator, slug=slug)


CREATORS = Resource(
    name="model",
    repo="creators",
    entity=Creator,
    fields={
        "name": NAME,
        "slug": Slug(
            nullable=False,
            description="its public page /models/{slug}: "
            "lowercase letters, digits and hyphens; unique; made from the name "
            "when left out",
        ),
        "description": Text(max_length=5000),
        "icon_url": HttpUrl(),
        "banner_url": HttpUrl(),
        "thumbnail_url": HttpUrl(),
        "external_url": HttpUrl(description="the creator's own site or social profile"),
        "category": Text(max_length=120),
        "is_featured": FLAG,
        "is_advertiser": FLAG,
        "status": Choice(
            nullable=False, choices=CREATOR_STATUSES, description="only active creators are public"
        ),
    },
    filters={
        "is_featured": Boolean(),
        "is_advertiser": Boolean(),
        "status": Choice(choices=CREATOR_STATUSES),
        "slug": Text(max_length=255),
    },
    before_write=slug_new_creator,
    before_delete=delete_posts_of_creator,
)


def _count_posts(uow: UnitOfWork, changes: dict[int, int]) -> None:
    """Add `changes` (creator id -> posts gained or lost) to the creators' post_count,
    each creator locked first, in id order (two moves never wait on each other)."""
    for creator_id in sorted(changes):
        delta = changes[creator_id]
        creator = uow.creators.get_for_update(creator_id) if delta else None
        if creator is not None:
            uow.creators.update(
                attrs.evolve(creator, post_count=max(creator.post_count + delta, 0))
            )


def count_written_post(uow: UnitOfWork, current: Post | None, post: Post) -> Post:
    """A post created, or moved to another creator: the counts follow, in the writing
    transaction (run before the post is read against its creator, which it locks)."""
    changes: dict[int, int] = {}
    old = current.model_id if current is not None else None
    if old != post.model_id:
        if old is not None:
            changes[old] = changes.get(old, 0) - 1
        if post.model_id is not None:
            changes[post.model_id] = changes.get(post.model_id, 0) + 1
    _count_posts(uow, changes)
    return post


def count_deleted_post(uow: UnitOfWork, post: Post) -> None:
    if post.model_id is not None:
        _count_posts(uow, {post.model_id: -1})


POSTS = Resource(
    name="post",
    repo="posts",
    entity=Post,
    fields={
        "model_id": Integer(
            required=True,
            nullable=False,
            minimum=1,
            description="id of the model (creator) who publishes it",
        ),
        "title": Text(max_length=255),
        "content_url": HttpUrl(
            required=True,
            nullable=False,
            description="premium: shown to subscribers and admins only",
        ),
        "type": Choice(required=True, nullable=False, choices=POST_TYPES),
    },
    filters={"model_id": Integer(minimum=1), "type": Choice(choices=POST_TYPES)},
    order_by=("-created_at", "-id"),
    references={"model_id": "creators"},
    before_write=count_written_post,
    before_delete=count_deleted_post,
)

SUPPORT_CONTACTS = Resource(
    name="support contact",
    repo="support_contacts",
    entity=SupportContact,
    fields={
        "platform": Choice(required=True, nullable=False, choices=SUPPORT_PLATFORMS),
        "url": Text(
            required=True,
            nullable=False,
            max_length=2048,
            description="whatsapp: phone number with country code or wa.me link; "
            "telegram: @handle or t.me link; other: http(s) URL. "
            "Stored as the normalised link.",
        ),
        "is_active": FLAG,
    },
    filters={"platform": Choice(choices=SUPPORT_PLATFORMS), "is_active": Boolean()},
    normalize=normalize_contact,
)

# Users are read here; accounts change through their own use cases (register, checkout,
# create-admin), never by a generic write that could store a password.
USERS = Resource(
    name="user",
    repo="users",
    entity=User,
    fields={},
    filters={
        "role": Choice(choices=ROLES),
        "email": Text(max_length=254, normalize=lambda text, name: text.lower()),
    },
)

# `value` may be empty (clearing a setting) but must be given (Text's `required` would
# refuse ""; the edge checks presence). Stripped like every text field (Pony strips
# stored strings anyway).
SETTING_FIELDS = {"value": Text(nullable=False, max_length=10_000)}


@frozen
class PutSetting:
    """Create or replace the setting `key`."""

    key: str
    value: str


def list_settings(uow_factory: UnitOfWorkFactory) -> dict[str, str]:
    """Every setting, key -> value."""
    with uow_factory() as uow:
        settings = uow.settings.find(order_by=("key",)).items
    return {s.key: s.value for s in settings}


def put_setting(uow_factory: UnitOfWorkFactory, command: PutSetting) -> Setting:
    """Create or replace a setting (Conflict when a concurrent request created it)."""
    key = check_setting_key(command.key)
    setting = Setting(key=key, value=command.value)
    with uow_factory() as uow:
        try:
            if uow.settings.get(key) is None:
                setting = uow.settings.add(setting)
            else:
                setting = uow.settings.update(setting)
        except DuplicateError:  # created by a concurrent request since our read
            raise Conflict(
                f"setting {key} was just written by another request; retry", field="key"
            ) from None
        uow.commit()
    return setting
