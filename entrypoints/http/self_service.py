"""Account self-service over HTTP: password reset, email verification and change,
logout, the member's purchases, LGPD export and erasure, withdrawal requests (and their
administration)."""

from __future__ import annotations

import falcon

from domain.accounts import commands as cmd
from domain.accounts import devices, privacy, self_service
from domain.common.errors import Unauthenticated
from domain.common.fields import Choice, Text, parse_fields
from domain.common.pagination import PageRequest
from domain.payments import customers, purchases, reminders, subscription_admin
from domain.payments import withdrawal as wd
from domain.payments.checkout import Checkout
from domain.payments.subscriptions import Subscription
from entrypoints.http import age_gate, sessions
from entrypoints.http.accounts import SESSION_SCHEMA, USER_SCHEMA, respond_session, user_json
from entrypoints.http.auth import required_user
from entrypoints.http.crud import PAGE_PARAMS
from entrypoints.http.json_io import page_json, read_command, read_json, to_json
from entrypoints.http.openapi import body_schema, entity_schema, nullable, page_schema
from entrypoints.http.rate_limits import (
    LIMITED,
    RETRY_AFTER,
    account_of,
    limit_account,
    limit_per_ip,
)
from entrypoints.http.routes import ADMIN, USER, Operation, Param, Route

TAGS = ("accounts",)
ADMIN_TAGS = ("admin: accounts",)
ACCEPTED = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["accepted"]}},
}
USER_BODY = {"type": "object", "required": ["user"], "properties": {"user": USER_SCHEMA}}
CHECKOUT_SCHEMA = entity_schema(Checkout)
SUBSCRIPTION_SCHEMA = entity_schema(Subscription)
WITHDRAWAL_SCHEMA = entity_schema(wd.Withdrawal)
WITHDRAWAL_ROW_SCHEMA = entity_schema(
    wd.Withdrawal,
    extra={
        "customer_name": nullable({"type": "string"}),
        "customer_email": nullable({"type": "string"}),
        "amount": nullable({"type": "integer", "description": "the checkout's total, cents"}),
    },
)
WITHDRAWAL_FIELDS = {"reason": Text(max_length=1000)}
WITHDRAWAL_FILTERS = {"status": Choice(choices=wd.STATUSES)}
PREFILL_SCHEMA = {
    "type": "object",
    "required": ["plan_id", "customer"],
    "properties": {
        "plan_id": nullable({"type": "integer"}),
        "customer": {
            "type": "object",
            "properties": {
                k: nullable({"type": "string"}) for k in ("name", "email", "document", "phone")
            },
        },
    },
}
EXPORT_SCHEMA = {
    "type": "object",
    "required": ["account", "checkouts", "subscriptions", "withdrawals", "mails"],
    "properties": {
        "account": {"type": "object"},
        **{
            k: {"type": "array", "items": {"type": "object"}}
            for k in ("checkouts", "subscriptions", "withdrawals", "mails")
        },
    },
}


def _accepted(resp) -> None:
    resp.status = falcon.HTTP_202
    resp.media = {"status": "accepted"}


def _bearer(req) -> str:
    """The caller's token: the bearer one, or the session cookie's."""
    scheme, _, token = (req.get_header("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        if getattr(req.context, "session_token", None):
            return req.context.session_token
        raise Unauthenticated("use Authorization: Bearer <token>")
    return token.strip()


class _Resource:
    def __init__(self, deps):
        self.deps = deps

    def command(self, req, command, fields, **extra):
        return read_command(req, self.deps.config.max_body_bytes, command, fields, **extra)


class PasswordResetResource(_Resource):
    @falcon.before(limit_per_ip("password_reset"))
    def on_post(self, req, resp) -> None:
        command = self.command(req, cmd.RequestPasswordReset, cmd.PASSWORD_RESET_FIELDS)
        # The mails an address gets are capped, not the requests naming it; the owner's
        # browser (its device cookie) is counted apart (domain/common/rate_limits.py).
        account = account_of(command.email)
        device = devices.device_of(
            self.deps.signer, req.cookies.get(devices.DEVICE_COOKIE), account
        )
        self_service.request_password_reset(
            self.deps.auth,
            command,
            mail=self.deps.throttle.mail_allowed("password_reset", account, device),
        )
        _accepted(resp)


class PasswordResetConfirmResource(_Resource):
    @falcon.before(limit_per_ip("set_password"))
    def on_post(self, req, resp) -> None:
        command = self.command(req, cmd.ConfirmPasswordReset, cmd.CONFIRM_RESET_FIELDS)
        limit_account(self.deps, "set_password", command.token)
        respond_session(
            req, resp, self.deps, self_service.confirm_password_reset(self.deps.auth, command)
        )


class VerifyEmailResource(_Resource):
    def on_post(self, req, resp) -> None:
        command = self.command(req, cmd.ConfirmToken, cmd.CONFIRM_TOKEN_FIELDS)
        resp.media = {"user": user_json(self_service.verify_email(self.deps.auth, command))}


class EmailChangeConfirmResource(_Resource):
    def on_post(self, req, resp) -> None:
        command = self.command(req, cmd.ConfirmToken, cmd.CONFIRM_TOKEN_FIELDS)
        user = self_service.confirm_email_change(self.deps.auth, command)
        resp.media = {"user": user_json(user)}


class LogoutResource(_Resource):
    def on_post(self, req, resp) -> None:
        required_user(req)
        self_service.logout(self.deps.auth, _bearer(req))
        sessions.end(req, resp, self.deps)
        age_gate.clear_cookie(resp, self.deps)  # and the account's age cookie
        resp.status = falcon.HTTP_204


class LogoutAllResource(_Resource):
    def on_post(self, req, resp) -> None:
        self_service.logout_everywhere(self.deps.auth, _id(required_user(req)))
        sessions.end(req, resp, self.deps)
        age_gate.clear_cookie(resp, self.deps)  # and the account's age cookie
        resp.status = falcon.HTTP_204


class ResendVerificationResource(_Resource):
    @falcon.before(limit_per_ip("account_change"))
    def on_post(self, req, resp) -> None:
        user_id = _id(required_user(req))
        limit_account(self.deps, "account_change", str(user_id))
        self_service.resend_verification(self.deps.auth, user_id)
        _accepted(resp)


class ChangePasswordResource(_Resource):
    @falcon.before(limit_per_ip("account_change"))
    def on_post(self, req, resp) -> None:
        user_id = _id(required_user(req))
        limit_account(self.deps, "account_change", str(user_id))
        command = self.command(req, cmd.ChangePassword, cmd.CHANGE_PASSWORD_FIELDS, user_id=user_id)
        respond_session(req, resp, self.deps, self_service.change_password(self.deps.auth, command))


class ChangeEmailResource(_Resource):
    @falcon.before(limit_per_ip("account_change"))
    def on_post(self, req, resp) -> None:
        user_id = _id(required_user(req))
        limit_account(self.deps, "account_change", str(user_id))
        command = self.command(req, cmd.ChangeEmail, cmd.CHANGE_EMAIL_FIELDS, user_id=user_id)
        self_service.request_email_change(self.deps.auth, command)
        _accepted(resp)


class MyCheckoutsResource(_Resource):
    def on_get(self, req, resp) -> None:
        page = purchases.member_checkouts(
            self.deps.uow, _id(required_user(req)), PageRequest.parse(req.params)
        )
        resp.media = page_json(page, to_json)


class MySubscriptionsResource(_Resource):
    def on_get(self, req, resp) -> None:
        page = purchases.member_subscriptions(
            self.deps.uow, _id(required_user(req)), PageRequest.parse(req.params)
        )
        resp.media = page_json(page, to_json)


class ExportResource(_Resource):
    def on_get(self, req, resp) -> None:
        resp.media = privacy.export(self.deps.uow, _id(required_user(req)))
        resp.downloadable_as = "meus-dados-creatorflix.json"


class WithdrawalResource(_Resource):
    def on_post(self, req, resp, id: int) -> None:
        user_id = _id(required_user(req))
        values = parse_fields(
            WITHDRAWAL_FIELDS,
            read_json(req, self.deps.config.max_body_bytes, required=False),
            partial=False,
        )
        request = wd.request_withdrawal(
            self.deps.uow, self.deps.clock, user_id, id, values.get("reason")
        )
        resp.media = to_json(request)
        resp.status = falcon.HTTP_201


class AdminWithdrawalsResource(_Resource):
    def on_get(self, req, resp) -> None:
        filters = parse_fields(
            WITHDRAWAL_FILTERS,
            {k: v for k, v in req.params.items() if k in WITHDRAWAL_FILTERS},
            partial=True,
        )
        page = purchases.withdrawal_requests(
            self.deps.uow, filters.get("status"), PageRequest.parse(req.params)
        )
        # Who asked and for how much (the panel names people, never "user #2").
        bought = customers.checkouts_by_id(self.deps.uow, {w.checkout_id for w in page.items})
        resp.media = page_json(page, lambda w: {**to_json(w), **_buyer(bought.get(w.checkout_id))})


def _buyer(checkout) -> dict:
    return {
        "customer_name": checkout.customer_name if checkout else None,
        "customer_email": checkout.customer_email if checkout else None,
        "amount": checkout.total_amount if checkout else None,
    }


class AdminWithdrawalRefundResource(_Resource):
    def on_post(self, req, resp, id: int) -> None:
        resp.media = to_json(
            subscription_admin.refund_withdrawal(self.deps.uow, self.deps.clock, id)
        )


class AdminAnonymiseResource(_Resource):
    def on_post(self, req, resp, id: int) -> None:
        user = privacy.anonymise(self.deps.uow, id, self.deps.clock.now())
        resp.media = {"user": user_json(user)}


class RenewalPrefillResource(_Resource):
    def on_post(self, req, resp) -> None:
        command = self.command(req, cmd.ConfirmToken, cmd.CONFIRM_TOKEN_FIELDS)
        resp.media = reminders.checkout_prefill(self.deps.reminders, command.token)


def _id(user) -> int:
    assert user.id is not None, "an authenticated user is stored"
    return user.id


def routes(deps) -> list[Route]:
    token_body = body_schema(cmd.CONFIRM_TOKEN_FIELDS)
    return [
        Route(
            "/api/auth/password-reset",
            PasswordResetResource(deps),
            (
                Operation(
                    "POST",
                    "Forgot my password: mails a link valid for 1 hour, once. "
                    "202 whatever the email (nothing tells whether it has an account)",
                    tags=TAGS,
                    request=body_schema(cmd.PASSWORD_RESET_FIELDS),
                    responses={202: ACCEPTED, **LIMITED},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/auth/password-reset/confirm",
            PasswordResetConfirmResource(deps),
            (
                Operation(
                    "POST",
                    "Choose a new password with the mailed link and log in; every "
                    "older session of the account ends",
                    tags=TAGS,
                    request=body_schema(cmd.CONFIRM_RESET_FIELDS),
                    responses={200: SESSION_SCHEMA, **LIMITED},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/auth/verify-email",
            VerifyEmailResource(deps),
            (
                Operation(
                    "POST",
                    "Confirm the account's email with the mailed link",
                    tags=TAGS,
                    request=token_body,
                    responses={200: USER_BODY},
                ),
            ),
        ),
        Route(
            "/api/auth/email-change/confirm",
            EmailChangeConfirmResource(deps),
            (
                Operation(
                    "POST",
                    "Make the new address the account's email (the link mailed to it)",
                    tags=TAGS,
                    request=token_body,
                    responses={200: USER_BODY, 409: None},
                ),
            ),
        ),
        Route(
            "/api/auth/logout",
            LogoutResource(deps),
            (
                Operation(
                    "POST",
                    "Log out: this bearer token stops working",
                    USER,
                    tags=TAGS,
                    request=None,
                    responses={204: None},
                ),
            ),
        ),
        Route(
            "/api/renewals/prefill",
            RenewalPrefillResource(deps),
            (
                Operation(
                    "POST",
                    "The plan and buyer details a renewal mail's link fills the checkout with",
                    tags=TAGS,
                    request=token_body,
                    responses={200: PREFILL_SCHEMA},
                ),
            ),
        ),
        Route(
            "/api/me/logout-all",
            LogoutAllResource(deps),
            (
                Operation(
                    "POST",
                    "Log out everywhere: every token of the account stops working",
                    USER,
                    tags=TAGS,
                    request=None,
                    responses={204: None},
                ),
            ),
        ),
        Route(
            "/api/me/verify-email",
            ResendVerificationResource(deps),
            (
                Operation(
                    "POST",
                    "Mail the verification link again",
                    USER,
                    tags=TAGS,
                    request=None,
                    responses={202: ACCEPTED, 409: None, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/me/password",
            ChangePasswordResource(deps),
            (
                Operation(
                    "POST",
                    "Change my password (the current one required); every other "
                    "session ends, the answer carries a new token",
                    USER,
                    tags=TAGS,
                    request=body_schema(cmd.CHANGE_PASSWORD_FIELDS),
                    responses={200: SESSION_SCHEMA, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/me/email",
            ChangeEmailResource(deps),
            (
                Operation(
                    "POST",
                    "Change my email: a confirmation link is mailed to the new "
                    "address (password required)",
                    USER,
                    tags=TAGS,
                    request=body_schema(cmd.CHANGE_EMAIL_FIELDS),
                    responses={202: ACCEPTED, 409: None, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/me/checkouts",
            MyCheckoutsResource(deps),
            (
                Operation(
                    "GET",
                    "My checkouts, newest first",
                    USER,
                    tags=TAGS,
                    params=PAGE_PARAMS,
                    responses={200: page_schema(CHECKOUT_SCHEMA)},
                ),
            ),
        ),
        Route(
            "/api/me/subscriptions",
            MySubscriptionsResource(deps),
            (
                Operation(
                    "GET",
                    "My subscriptions, newest first",
                    USER,
                    tags=TAGS,
                    params=PAGE_PARAMS,
                    responses={200: page_schema(SUBSCRIPTION_SCHEMA)},
                ),
            ),
        ),
        Route(
            "/api/me/export",
            ExportResource(deps),
            (
                Operation(
                    "GET",
                    "Every personal datum held about me (LGPD art. 18), as JSON",
                    USER,
                    tags=TAGS,
                    responses={200: EXPORT_SCHEMA},
                ),
            ),
        ),
        Route(
            "/api/me/checkouts/{id:id}/withdrawal",
            WithdrawalResource(deps),
            (
                Operation(
                    "POST",
                    "Withdraw from a purchase paid at most 7 days ago (CDC art. "
                    "49): the refund is made by an administrator",
                    USER,
                    tags=TAGS,
                    request=body_schema(WITHDRAWAL_FIELDS),
                    request_required=False,
                    responses={201: WITHDRAWAL_SCHEMA, 404: None, 409: None},
                ),
            ),
        ),
        Route(
            "/api/admin/withdrawals",
            AdminWithdrawalsResource(deps),
            (
                Operation(
                    "GET",
                    "Withdrawal requests, newest first",
                    ADMIN,
                    tags=ADMIN_TAGS,
                    params=PAGE_PARAMS
                    + (Param("status", {"type": "string", "enum": list(wd.STATUSES)}),),
                    responses={200: page_schema(WITHDRAWAL_ROW_SCHEMA)},
                ),
            ),
        ),
        Route(
            "/api/admin/withdrawals/{id:id}/refund",
            AdminWithdrawalRefundResource(deps),
            (
                Operation(
                    "POST",
                    "Mark a withdrawal refunded (after refunding it at the "
                    "gateway): the checkout becomes refunded and its access ends",
                    ADMIN,
                    tags=ADMIN_TAGS,
                    request=None,
                    responses={200: WITHDRAWAL_SCHEMA, 404: None, 409: None},
                ),
            ),
        ),
        Route(
            "/api/admin/users/{id:id}/anonymise",
            AdminAnonymiseResource(deps),
            (
                Operation(
                    "POST",
                    "Erase a user's personal data (an LGPD request received "
                    "elsewhere), as DELETE /api/me does",
                    ADMIN,
                    tags=ADMIN_TAGS,
                    request=None,
                    responses={200: USER_BODY, 404: None, 409: None},
                ),
            ),
        ),
    ]
