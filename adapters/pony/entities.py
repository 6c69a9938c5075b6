"""Pony entities for every table. Attribute names equal the domain fields and the
column names; foreign keys are plain integer columns (the schema enforces them), which
keeps each entity a flat row and every relation an explicit query."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from pony.orm import Database, Json, Optional, PrimaryKey, Required


def _text(column: str) -> Optional:
    """A nullable text column (Pony's Optional(str) alone would store '' for None)."""
    return Optional(str, column=column, nullable=True)


def _when(column: str) -> Optional:
    return Optional(datetime, column=column, nullable=True)


def define_entities(db: Database) -> SimpleNamespace:
    """Declare the entities on `db` (one Database per connection URL) and return them
    by unit-of-work attribute name."""

    class UserRow(db.Entity):
        _table_ = "users"
        id = PrimaryKey(int, auto=True, column="id")
        name = _text("name")
        email = Required(str, column="email", unique=True)
        password = Required(str, column="password")
        role = Required(str, column="role", default="user")
        subscription_status = Required(int, column="subscription_status", default=0)
        created_at = _when("created_at")
        email_verified_at = _when("email_verified_at")
        anonymised_at = _when("anonymised_at")
        token_version = Required(int, column="token_version", default=0)
        email_change = _text("email_change")
        email_skeleton = _text("email_skeleton")  # adapters/email_lookalikes.py

    class PlanRow(db.Entity):
        _table_ = "plans"
        id = PrimaryKey(int, auto=True, column="id")
        name = Required(str, column="name")
        price = Required(int, column="price")
        duration = Required(int, column="duration")
        benefits_json = Optional(Json, column="benefits_json", nullable=True)
        cta_text = _text("cta_text")
        checkout_url = _text("checkout_url")
        accepts_pix = Required(bool, column="accepts_pix", default=True)
        accepts_card = Required(bool, column="accepts_card", default=True)
        is_active = Required(bool, column="is_active", default=True)
        card_style = Required(str, column="card_style", default="secondary")
        max_installments = Required(int, column="max_installments", default=12)
        renewal = Required(str, column="renewal", default="manual")

    class PaymentGatewayRow(db.Entity):
        _table_ = "payment_gateways"
        id = PrimaryKey(int, auto=True, column="id")
        name = Required(str, column="name", unique=True)
        public_key = _text("public_key")
        secret_key = _text("secret_key")
        postback_url = _text("postback_url")
        is_active = Required(bool, column="is_active", default=False)
        api_url = _text("api_url")
        token_url = _text("token_url")
        pix_key = _text("pix_key")
        pix_account = _text("pix_account")
        pix_account_type = _text("pix_account_type")
        certificate = _text("certificate")
        ca_certificate = _text("ca_certificate")

    class SubscriptionRow(db.Entity):
        _table_ = "subscriptions"
        id = PrimaryKey(int, auto=True, column="id")
        user_id = Required(int, column="user_id")
        plan_id = Optional(int, column="plan_id", nullable=True)
        external_id = _text("external_id")
        start_date = _when("start_date")
        end_date = _when("end_date")
        status = Required(str, column="status", default="pending")
        created_at = _when("created_at")
        auto_renew = Required(bool, column="auto_renew", default=False)
        renewal_state = _text("renewal_state")
        card_ref = _text("card_ref")
        card_brand = _text("card_brand")
        card_last4 = _text("card_last4")
        next_plan_id = Optional(int, column="next_plan_id", nullable=True)
        coupon_id = Optional(int, column="coupon_id", nullable=True)
        coupon_cycles_left = Optional(int, column="coupon_cycles_left", nullable=True)
        pix_rec_id = _text("pix_rec_id")
        renewal_anchor = Optional(date, column="renewal_anchor", nullable=True)

    class CouponRow(db.Entity):
        _table_ = "coupons"
        id = PrimaryKey(int, auto=True, column="id")
        code = Required(str, column="code", unique=True)
        percent_off = Optional(int, column="percent_off", nullable=True)
        amount_off = Optional(int, column="amount_off", nullable=True)
        duration = Required(str, column="duration", default="once")
        cycles = Optional(int, column="cycles", nullable=True)
        max_redemptions = Optional(int, column="max_redemptions", nullable=True)
        times_redeemed = Required(int, column="times_redeemed", default=0)
        expires_at = _when("expires_at")
        plan_ids = Optional(Json, column="plan_ids", nullable=True)
        created_at = _when("created_at")

    class RenewalRow(db.Entity):
        _table_ = "subscription_renewals"
        id = PrimaryKey(int, auto=True, column="id")
        subscription_id = Required(int, column="subscription_id")
        period_start = Required(datetime, column="period_start")
        period_end = Required(datetime, column="period_end")
        plan_id = Required(int, column="plan_id")
        amount = Required(int, column="amount")
        discount = Required(int, column="discount", default=0)
        reference = Required(str, column="reference", unique=True)
        gateway = Required(str, column="gateway")
        status = Required(str, column="status")
        attempts = Required(int, column="attempts", default=0)
        next_attempt_at = _when("next_attempt_at")
        claim_token = _text("claim_token")
        claimed_until = _when("claimed_until")
        transaction_id = _text("transaction_id")
        last_error = _text("last_error")
        created_at = _when("created_at")
        updated_at = _when("updated_at")

    class CreatorRow(db.Entity):
        _table_ = "models"
        id = PrimaryKey(int, auto=True, column="id")
        name = Required(str, column="name")
        description = _text("description")
        icon_url = _text("icon_url")
        banner_url = _text("banner_url")
        is_featured = Required(bool, column="is_featured", default=False)
        is_advertiser = Required(bool, column="is_advertiser", default=False)
        created_at = _when("created_at")
        slug = _text("slug")
        thumbnail_url = _text("thumbnail_url")
        external_url = _text("external_url")
        category = _text("category")
        post_count = Required(int, column="post_count", default=0)
        status = Required(str, column="status", default="active")

    class PostRow(db.Entity):
        _table_ = "posts"
        id = PrimaryKey(int, auto=True, column="id")
        model_id = Optional(int, column="model_id", nullable=True)
        title = _text("title")
        content_url = Required(str, column="content_url")
        type = Required(str, column="type")
        created_at = _when("created_at")

    class OrderBumpRow(db.Entity):
        _table_ = "order_bumps"
        id = PrimaryKey(int, auto=True, column="id")
        name = Required(str, column="name")
        description = _text("description")
        price = Required(int, column="price")
        is_active = Required(bool, column="is_active", default=True)
        image_url = _text("image_url")
        display_order = Required(int, column="display_order", default=0)
        created_at = _when("created_at")

    class CheckoutRow(db.Entity):
        _table_ = "checkouts"
        id = PrimaryKey(int, auto=True, column="id")
        user_id = Optional(int, column="user_id", nullable=True)
        plan_id = Required(int, column="plan_id")
        external_id = _text("external_id")
        status = Required(str, column="status", default="pending")
        payment_method = _text("payment_method")
        order_bump = Required(bool, column="order_bump", default=False)
        order_bump_ids = Optional(Json, column="order_bump_ids", nullable=True)
        total_amount = Required(int, column="total_amount")
        customer_name = _text("customer_name")
        customer_email = _text("customer_email")
        customer_document = _text("customer_document")
        customer_phone = _text("customer_phone")
        created_at = _when("created_at")
        updated_at = _when("updated_at")
        payment_data = Optional(Json, column="payment_data", nullable=True)
        idempotency_key = Optional(str, column="idempotency_key", nullable=True, unique=True)

    class WhitelabelModelRow(db.Entity):
        _table_ = "whitelabel_models"
        id = PrimaryKey(int, auto=True, column="id")
        folder_name = Required(str, column="folder_name", unique=True)
        thumbnail_url = _text("thumbnail_url")
        icon_url = _text("icon_url")
        banner_url = _text("banner_url")
        post_count = Required(int, column="post_count", default=0)
        status = Required(str, column="status", default="new")
        last_synced_at = _when("last_synced_at")
        created_at = _when("created_at")

    class WhitelabelPostRow(db.Entity):
        _table_ = "whitelabel_posts"
        id = PrimaryKey(int, auto=True, column="id")
        whitelabel_model_id = Required(int, column="whitelabel_model_id")
        folder_name = Required(str, column="folder_name")
        title = _text("title")
        media_cdns = Optional(Json, column="media_cdns", nullable=True)
        created_at = _when("created_at")

    class WhitelabelMediaRow(db.Entity):
        _table_ = "whitelabel_media"
        id = PrimaryKey(int, auto=True, column="id")
        whitelabel_post_id = Required(int, column="whitelabel_post_id")
        s3_key = Required(str, column="s3_key", unique=True)
        url = _text("url")
        type = Required(str, column="type")
        etag = _text("etag")
        size = Optional(int, column="size", nullable=True, size=64)
        created_at = _when("created_at")

    class SettingRow(db.Entity):
        _table_ = "admin_settings"
        key = PrimaryKey(str, column="key")
        # NOT NULL, but may be empty: Optional(str) without nullable stores '' not NULL.
        value = Optional(str, column="value")

    class SupportContactRow(db.Entity):
        _table_ = "support_contacts"
        id = PrimaryKey(int, auto=True, column="id")
        platform = Required(str, column="platform")
        url = Required(str, column="url")
        is_active = Required(bool, column="is_active", default=True)
        updated_at = _when("updated_at")

    class AdRow(db.Entity):
        _table_ = "ads"
        id = PrimaryKey(int, auto=True, column="id")
        name = Required(str, column="name")
        type = Required(str, column="type", default="banner")
        placement = Required(str, column="placement", default="home_top")
        status = Required(str, column="status", default="draft")
        title = Required(str, column="title")
        subtitle = _text("subtitle")
        cta_text = _text("cta_text")
        image_url = _text("image_url")
        link = Required(str, column="link")
        category = _text("category")
        impressions = Required(int, column="impressions", default=0)
        clicks = Required(int, column="clicks", default=0)
        priority = Required(int, column="priority", default=0)
        start_date = _when("start_date")
        end_date = _when("end_date")
        created_at = _when("created_at")
        updated_at = _when("updated_at")

    class ImpressionRow(db.Entity):
        _table_ = "impressions"
        id = PrimaryKey(int, auto=True, column="id")
        ad_id = Required(int, column="ad_id")
        placement = _text("placement")
        user_agent = _text("user_agent")
        ip = _text("ip")
        created_at = _when("created_at")
        counted = Required(bool, column="counted", default=True)
        filter_reason = _text("filter_reason")
        ip_group = _text("ip_group")

    class ClickRow(db.Entity):
        _table_ = "clicks"
        id = PrimaryKey(int, auto=True, column="id")
        ad_id = Required(int, column="ad_id")
        placement = _text("placement")
        user_agent = _text("user_agent")
        ip = _text("ip")
        created_at = _when("created_at")
        counted = Required(bool, column="counted", default=True)
        filter_reason = _text("filter_reason")
        ip_group = _text("ip_group")

    class WebhookEventRow(db.Entity):
        _table_ = "payment_notifications"
        id = PrimaryKey(int, auto=True, column="id")
        gateway = Required(str, column="gateway")
        event_key = Required(str, column="event_key")
        external_id = _text("external_id")
        status = _text("status")
        checkout_id = Optional(int, column="checkout_id", nullable=True)
        outcome = _text("outcome")
        received_at = _when("received_at")

    class SyncRunRow(db.Entity):
        _table_ = "whitelabel_sync_runs"
        id = PrimaryKey(int, auto=True, column="id")
        status = Required(str, column="status")
        started_at = _when("started_at")
        finished_at = _when("finished_at")
        dry_run = Required(bool, column="dry_run", default=False)
        report = Optional(Json, column="report", nullable=True)
        error = _text("error")

    class OutboxRow(db.Entity):
        _table_ = "mail_outbox"
        id = PrimaryKey(int, auto=True, column="id")
        kind = Required(str, column="kind")
        # Optional(str): NOT NULL, and '' allowed (decoys, erased messages).
        recipient = Optional(str, column="recipient")
        subject = Optional(str, column="subject")
        text_body = Optional(str, column="text_body")
        html_body = Optional(str, column="html_body")
        inline_images = Optional(Json, column="inline_images", nullable=True)
        dedupe_key = _text("dedupe_key")
        user_id = Optional(int, column="user_id", nullable=True)
        status = Required(str, column="status", default="pending")
        attempts = Required(int, column="attempts", default=0)
        next_attempt_at = Required(datetime, column="next_attempt_at")
        claim_token = _text("claim_token")
        claimed_until = _when("claimed_until")
        last_error = _text("last_error")
        created_at = _when("created_at")
        sent_at = _when("sent_at")

    class PostbackRow(db.Entity):
        _table_ = "payment_postbacks"
        id = PrimaryKey(int, auto=True, column="id")
        gateway = Required(str, column="gateway")
        external_id = Required(str, column="external_id")
        checkout_ref = _text("checkout_ref")
        status = Required(str, column="status", default="pending")
        attempts = Required(int, column="attempts", default=0)
        next_attempt_at = Required(datetime, column="next_attempt_at")
        claim_token = _text("claim_token")
        claimed_until = _when("claimed_until")
        outcome = _text("outcome")
        last_error = _text("last_error")
        received_at = _when("received_at")
        processed_at = _when("processed_at")

    class RevokedTokenRow(db.Entity):
        _table_ = "revoked_tokens"
        jti = PrimaryKey(str, column="jti")
        user_id = Required(int, column="user_id")
        expires_at = Required(datetime, column="expires_at")

    class WithdrawalRow(db.Entity):
        _table_ = "withdrawal_requests"
        id = PrimaryKey(int, auto=True, column="id")
        checkout_id = Required(int, column="checkout_id")
        user_id = Required(int, column="user_id")
        status = Required(str, column="status", default="requested")
        reason = _text("reason")
        created_at = _when("created_at")
        resolved_at = _when("resolved_at")

    class AgeAssuranceRow(db.Entity):
        _table_ = "age_assurances"
        id = PrimaryKey(int, auto=True, column="id")
        method = Required(str, column="method")
        outcome = Required(str, column="outcome")
        user_id = Optional(int, column="user_id", nullable=True)
        anonymous_id = _text("anonymous_id")
        provider_ref = _text("provider_ref")
        created_at = _when("created_at")
        decided_at = _when("decided_at")
        expires_at = _when("expires_at")

    class AuditEntryRow(db.Entity):
        _table_ = "audit_log"
        id = PrimaryKey(int, auto=True, column="id")
        method = Required(str, column="method")
        route = Required(str, column="route")
        resource = Required(str, column="resource")
        path = Required(str, column="path")
        status = Required(int, column="status")
        actor_id = Optional(int, column="actor_id", nullable=True)
        actor_email = _text("actor_email")
        record_id = _text("record_id")
        changes = Optional(Json, column="changes", nullable=True)
        before = Optional(Json, column="before", nullable=True)
        created_at = _when("created_at")

    entities = SimpleNamespace(
        audit_log=AuditEntryRow,
        users=UserRow,
        plans=PlanRow,
        payment_gateways=PaymentGatewayRow,
        subscriptions=SubscriptionRow,
        creators=CreatorRow,
        posts=PostRow,
        order_bumps=OrderBumpRow,
        checkouts=CheckoutRow,
        whitelabel_models=WhitelabelModelRow,
        whitelabel_posts=WhitelabelPostRow,
        whitelabel_media=WhitelabelMediaRow,
        settings=SettingRow,
        support_contacts=SupportContactRow,
        ads=AdRow,
        impressions=ImpressionRow,
        clicks=ClickRow,
        webhook_events=WebhookEventRow,
        postbacks=PostbackRow,
        renewals=RenewalRow,
        coupons=CouponRow,
        sync_runs=SyncRunRow,
        outbox=OutboxRow,
        revoked_tokens=RevokedTokenRow,
        withdrawals=WithdrawalRow,
        age_assurances=AgeAssuranceRow,
    )
    from adapters.pony.notification_entities import define_notification_entities

    vars(entities).update(define_notification_entities(db))
    # No optimistic checks (Pony's default adds "AND column = <value read>" to every
    # UPDATE): repositories write whole entities, and use cases that need serialisation
    # lock the row (get_for_update). The checks would only turn concurrent admin edits,
    # or rows whose SQLite default timestamp has no microseconds, into spurious errors.
    # (db_session(optimistic=False) is not the way: on SQLite it makes every session
    # take the write lock.)
    for entity in vars(entities).values():
        for attr in entity._attrs_:
            attr.optimistic = False
    return entities
