"""The member's own account over HTTP, /api/me: who I am and my active subscription,
change my password or email, mail the verification link again, log out everywhere, and
erase my account (LGPD; its other rights are in privacy.py)."""

from __future__ import annotations

import falcon

from domain.accounts import commands as cmd
from domain.accounts import privacy, self_service
from domain.accounts.auth import AuthService
from domain.payments.subscriptions import Subscription, current_subscription
from entrypoints.bootstrap import Deps
from entrypoints.config import Config
from entrypoints.http import age_gate, sessions
from entrypoints.http.account_views import (
    ACCEPTED,
    SESSION_SCHEMA,
    USER_SCHEMA,
    accepted,
    respond_session,
    user_json,
)
from entrypoints.http.caller import required_user, required_user_id
from entrypoints.http.json_io import read_command, to_json
from entrypoints.http.rate_limits import RETRY_AFTER, Limits, limit_per_ip, limits_of
from entrypoints.http.routes import NO_MEDIA, USER, Operation, Route
from entrypoints.http.schemas import body_schema, entity_schema, nullable
from ports.clock import Clock
from ports.unit_of_work import UnitOfWorkFactory

TAGS = ("accounts",)
ME_SCHEMA = {
    "type": "object",
    "required": ["user", "subscription"],
    "properties": {"user": USER_SCHEMA, "subscription": nullable(entity_schema(Subscription))},
}


class MeResource:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, auth: AuthService, limits: Limits, max_body: int
    ):
        self.uow, self.clock, self.auth = uow, clock, auth
        self.limits, self.max_body = limits, max_body

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        user = required_user(req)  # a USER route
        with self.uow() as uow:
            subs = uow.subscriptions.find({"user_id": user.id, "status": "active"}).items
        current = current_subscription(list(subs), self.clock.now())
        resp.media = {
            "user": user_json(user),
            "subscription": to_json(current) if current else None,
        }

    @falcon.before(limit_per_ip("account_change"))
    def on_delete(self, req: falcon.Request, resp: falcon.Response) -> None:
        """LGPD erasure of the caller's account (domain.accounts.privacy)."""
        user_id = required_user_id(req)
        self.limits.per_account("account_change", str(user_id))
        command = read_command(
            req, self.max_body, cmd.CloseAccount, cmd.CLOSE_ACCOUNT_FIELDS, user_id=user_id
        )
        privacy.close_account(self.auth, command)
        age_gate.clear_cookie(resp)
        resp.status = falcon.HTTP_204


class LogoutAllResource:
    def __init__(self, auth: AuthService, config: Config):
        self.auth, self.config = auth, config

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        self_service.logout_everywhere(self.auth, required_user_id(req))
        sessions.end(req, resp, self.config)
        age_gate.clear_cookie(resp)  # and the account's age cookie
        resp.status = falcon.HTTP_204


class ResendVerificationResource:
    def __init__(self, auth: AuthService, limits: Limits):
        self.auth, self.limits = auth, limits

    @falcon.before(limit_per_ip("account_change"))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        user_id = required_user_id(req)
        self.limits.per_account("account_change", str(user_id))
        self_service.resend_verification(self.auth, user_id)
        accepted(resp)


class ChangePasswordResource:
    def __init__(self, auth: AuthService, limits: Limits, config: Config):
        self.auth, self.limits, self.config = auth, limits, config
        self.max_body = config.max_body_bytes

    @falcon.before(limit_per_ip("account_change"))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        user_id = required_user_id(req)
        self.limits.per_account("account_change", str(user_id))
        command = read_command(
            req, self.max_body, cmd.ChangePassword, cmd.CHANGE_PASSWORD_FIELDS, user_id=user_id
        )
        respond_session(req, resp, self.config, self_service.change_password(self.auth, command))


class ChangeEmailResource:
    def __init__(self, auth: AuthService, limits: Limits, max_body: int):
        self.auth, self.limits, self.max_body = auth, limits, max_body

    @falcon.before(limit_per_ip("account_change"))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        user_id = required_user_id(req)
        self.limits.per_account("account_change", str(user_id))
        command = read_command(
            req, self.max_body, cmd.ChangeEmail, cmd.CHANGE_EMAIL_FIELDS, user_id=user_id
        )
        self_service.request_email_change(self.auth, command)
        accepted(resp)


def routes(deps: Deps) -> list[Route]:
    service, limits, max_body = deps.auth, limits_of(deps), deps.config.max_body_bytes
    return [
        Route(
            "/api/me",
            MeResource(deps.uow, deps.clock, service, limits, max_body),
            (
                Operation(
                    "GET",
                    "The current user and their active subscription",
                    USER,
                    tags=TAGS,
                    responses={200: ME_SCHEMA},
                    serves=NO_MEDIA,
                ),
                Operation(
                    "DELETE",
                    "Erase my account (LGPD): name, email, document and phone "
                    "are anonymised here and in my checkouts, login becomes impossible; "
                    "amounts and dates of payments are kept",
                    USER,
                    tags=TAGS,
                    request=body_schema(cmd.CLOSE_ACCOUNT_FIELDS),
                    responses={204: None, 409: None, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/me/logout-all",
            LogoutAllResource(service, deps.config),
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
            ResendVerificationResource(service, limits),
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
            ChangePasswordResource(service, limits, deps.config),
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
            ChangeEmailResource(service, limits, max_body),
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
    ]
