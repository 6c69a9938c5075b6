"""Facts about the relational schema that several adapters share (the migrations are
the source of truth; tests check these against them)."""

from __future__ import annotations

from domain.accounts.audit_entry import AuditEntry
from domain.accounts.sessions import RevokedToken
from domain.accounts.users import User
from domain.ads.rules import Ad, AdEvent
from domain.assurance.entities import AgeAssurance
from domain.catalog.entities import Creator, OrderBump, Plan, Post, Setting, SupportContact
from domain.mail.messages import OutboxMessage
from domain.notifications.entities import Delivery, TelegramSettings, WebhookEndpoint
from domain.payments.checkout import Checkout
from domain.payments.coupons import Coupon
from domain.payments.gateways import PaymentGatewayConfig, Postback, WebhookEvent
from domain.payments.renewals import Renewal
from domain.payments.subscriptions import Subscription
from domain.payments.withdrawal import Withdrawal
from domain.whitelabel.entities import SyncRun, WhitelabelMedia, WhitelabelModel, WhitelabelPost

# unit-of-work attribute -> (table, entity class, primary key field)
TABLES: dict[str, tuple[str, type, str]] = {
    "users": ("users", User, "id"),
    "plans": ("plans", Plan, "id"),
    "order_bumps": ("order_bumps", OrderBump, "id"),
    "creators": ("models", Creator, "id"),
    "posts": ("posts", Post, "id"),
    "settings": ("admin_settings", Setting, "key"),
    "support_contacts": ("support_contacts", SupportContact, "id"),
    "subscriptions": ("subscriptions", Subscription, "id"),
    "checkouts": ("checkouts", Checkout, "id"),
    "payment_gateways": ("payment_gateways", PaymentGatewayConfig, "id"),
    "webhook_events": ("payment_notifications", WebhookEvent, "id"),
    "postbacks": ("payment_postbacks", Postback, "id"),
    "renewals": ("subscription_renewals", Renewal, "id"),
    "coupons": ("coupons", Coupon, "id"),
    "whitelabel_models": ("whitelabel_models", WhitelabelModel, "id"),
    "whitelabel_posts": ("whitelabel_posts", WhitelabelPost, "id"),
    "whitelabel_media": ("whitelabel_media", WhitelabelMedia, "id"),
    "sync_runs": ("whitelabel_sync_runs", SyncRun, "id"),
    "ads": ("ads", Ad, "id"),
    "impressions": ("impressions", AdEvent, "id"),
    "clicks": ("clicks", AdEvent, "id"),
    "outbox": ("mail_outbox", OutboxMessage, "id"),
    "revoked_tokens": ("revoked_tokens", RevokedToken, "jti"),
    "withdrawals": ("withdrawal_requests", Withdrawal, "id"),
    "age_assurances": ("age_assurances", AgeAssurance, "id"),
    "audit_log": ("audit_log", AuditEntry, "id"),
    "webhook_endpoints": ("webhook_endpoints", WebhookEndpoint, "id"),
    "webhook_deliveries": ("webhook_deliveries", Delivery, "id"),
    "telegram_settings": ("telegram_settings", TelegramSettings, "id"),
}

# Unique constraints, by table: each a tuple of fields.
UNIQUE: dict[str, list[tuple[str, ...]]] = {
    "users": [("email",)],
    "models": [("slug",)],
    "payment_gateways": [("name",)],
    "checkouts": [("idempotency_key",)],
    "payment_notifications": [("gateway", "event_key")],
    "mail_outbox": [("dedupe_key",)],
    "subscription_renewals": [("subscription_id", "period_start"), ("reference",)],
    "coupons": [("code",)],
    "withdrawal_requests": [("checkout_id",)],
    "whitelabel_models": [("folder_name",)],
    "whitelabel_posts": [("whitelabel_model_id", "folder_name")],
    "whitelabel_media": [("s3_key",)],
}

# Foreign keys: (child table, column, parent table, on delete). PRODUCT.md names the
# cascades; every other reference refuses the delete (NO ACTION), and use cases answer
# 409 or remove the children themselves.
FOREIGN_KEYS: list[tuple[str, str, str, str]] = [
    ("subscriptions", "user_id", "users", "restrict"),
    ("subscriptions", "plan_id", "plans", "restrict"),
    ("posts", "model_id", "models", "restrict"),
    ("checkouts", "user_id", "users", "restrict"),
    ("checkouts", "plan_id", "plans", "restrict"),
    ("payment_notifications", "checkout_id", "checkouts", "restrict"),
    ("whitelabel_posts", "whitelabel_model_id", "whitelabel_models", "cascade"),
    ("whitelabel_media", "whitelabel_post_id", "whitelabel_posts", "cascade"),
    ("impressions", "ad_id", "ads", "cascade"),
    ("clicks", "ad_id", "ads", "cascade"),
    ("age_assurances", "user_id", "users", "cascade"),
    ("withdrawal_requests", "checkout_id", "checkouts", "restrict"),
    ("withdrawal_requests", "user_id", "users", "restrict"),
    ("subscription_renewals", "subscription_id", "subscriptions", "cascade"),
    ("subscription_renewals", "plan_id", "plans", "restrict"),
    ("subscriptions", "next_plan_id", "plans", "restrict"),
    ("subscriptions", "coupon_id", "coupons", "restrict"),
    ("webhook_deliveries", "endpoint_id", "webhook_endpoints", "cascade"),
]
