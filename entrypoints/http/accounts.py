"""Accounts: register, log in, who am I."""

from __future__ import annotations

import falcon

from domain.accounts import auth, devices, privacy
from domain.accounts import commands as cmd
from domain.accounts.users import User
from domain.common.errors import Unauthenticated
from domain.payments import claims
from domain.payments.subscriptions import Subscription, current_subscription
from entrypoints.http import age_gate, sessions
from entrypoints.http.auth import required_user
from entrypoints.http.json_io import read_command, to_json
from entrypoints.http.openapi import body_schema, entity_schema, nullable
from entrypoints.http.rate_limits import (
    RETRY_AFTER,
    account_of,
    client_of,
    limit_account,
    limit_per_ip,
)
from entrypoints.http.routes import USER, Operation, Route

USER_PRIVATE = ("password", "token_version", "email_change")
USER_SCHEMA = entity_schema(User, USER_PRIVATE)
SESSION_SCHEMA = {
    "type": "object",
    "required": ["user", "token", "expires_in"],
    "properties": {
        "user": USER_SCHEMA,
        "token": {"type": "string"},
        "expires_in": {"type": "integer"},
    },
}
ME_SCHEMA = {
    "type": "object",
    "required": ["user", "subscription"],
    "properties": {"user": USER_SCHEMA, "subscription": nullable(entity_schema(Subscription))},
}


def user_json(user: User) -> dict:
    return to_json(user, USER_PRIVATE)


def session_json(session: auth.Session) -> dict:
    return {
        "user": user_json(session.user),
        "token": session.token,
        "expires_in": session.expires_in,
    }


def respond_session(req, resp, deps, session: auth.Session) -> None:
    """The session as JSON (API clients keep the bearer token) and as the browser's
    session cookies (entrypoints.http.sessions)."""
    sessions.start(req, resp, deps, session)
    resp.media = session_json(session)


class RegisterResource:
    def __init__(self, deps):
        self.deps = deps

    @falcon.before(limit_per_ip("register"))
    def on_post(self, req, resp) -> None:
        command = read_command(
            req, self.deps.config.max_body_bytes, cmd.Register, cmd.REGISTER_FIELDS
        )
        session = auth.register(self.deps.auth, command)
        respond_session(req, resp, self.deps, session)
        resp.status = falcon.HTTP_201


class LoginResource:
    def __init__(self, deps):
        self.deps = deps

    def on_post(self, req, resp) -> None:
        command = read_command(req, self.deps.config.max_body_bytes, cmd.Login, cmd.LOGIN_FIELDS)
        # Per IP, and failures per account with a growing back-off, whatever the IP;
        # the owner's browser is judged on its own failures through its device cookie
        # (the rule: domain/common/rate_limits.py).
        throttle, ip, account = (
            self.deps.throttle,
            client_of(req, self.deps),
            account_of(command.email),
        )
        device = devices.device_of(
            self.deps.signer, req.cookies.get(devices.DEVICE_COOKIE), account
        )
        throttle.before_login(ip, account, device)
        try:
            session = auth.login(self.deps.auth, command)
        except Unauthenticated:
            throttle.login_failed(ip, account, device)
            raise
        set_device_cookie(
            req, resp, self.deps, devices.issue_device(self.deps.signer, account, device)
        )
        respond_session(req, resp, self.deps, session)


def set_device_cookie(req, resp, deps, cookie: str) -> None:
    """HttpOnly, SameSite=Lax, Secure when the site is served over https."""
    secure = req.scheme == "https" or deps.config.public_url.startswith("https:")
    resp.set_cookie(
        devices.DEVICE_COOKIE,
        cookie,
        max_age=devices.DEVICE_TTL_SECONDS,
        path=devices.DEVICE_COOKIE_PATH,
        secure=secure,
        http_only=True,
        same_site="Lax",
    )


class SetPasswordResource:
    def __init__(self, deps):
        self.deps = deps

    @falcon.before(limit_per_ip("set_password"))
    def on_post(self, req, resp) -> None:
        command = read_command(
            req, self.deps.config.max_body_bytes, cmd.SetPassword, cmd.SET_PASSWORD_FIELDS
        )
        limit_account(self.deps, "set_password", command.token)
        if claims.is_claim(self.deps.signer, command.token):  # a paid checkout's claim link
            session = claims.claim_checkout(self.deps.auth, self.deps.payments_service, command)
        else:
            session = auth.set_password(self.deps.auth, command)
        respond_session(req, resp, self.deps, session)


class MeResource:
    def __init__(self, deps):
        self.deps = deps

    def on_get(self, req, resp) -> None:
        user = required_user(req)  # a USER route
        with self.deps.uow() as uow:
            subs = uow.subscriptions.find({"user_id": user.id, "status": "active"}).items
        current = current_subscription(list(subs), self.deps.clock.now())
        resp.media = {
            "user": user_json(user),
            "subscription": to_json(current) if current else None,
        }

    @falcon.before(limit_per_ip("account_change"))
    def on_delete(self, req, resp) -> None:
        """LGPD erasure of the caller's account (domain.accounts.privacy)."""
        user = required_user(req)
        assert user.id is not None, "an authenticated user is stored"
        limit_account(self.deps, "account_change", str(user.id))
        command = read_command(
            req,
            self.deps.config.max_body_bytes,
            cmd.CloseAccount,
            cmd.CLOSE_ACCOUNT_FIELDS,
            user_id=user.id,
        )
        privacy.close_account(self.deps.auth, command)
        age_gate.clear_cookie(resp, self.deps)
        resp.status = falcon.HTTP_204


def routes(deps) -> list[Route]:
    tags = ("accounts",)
    return [
        Route(
            "/api/auth/register",
            RegisterResource(deps),
            (
                Operation(
                    "POST",
                    "Create an account and log in",
                    tags=tags,
                    request=body_schema(cmd.REGISTER_FIELDS),
                    responses={201: SESSION_SCHEMA, 409: None, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/auth/login",
            LoginResource(deps),
            (
                Operation(
                    "POST",
                    "Log in with email and password",
                    tags=tags,
                    request=body_schema(cmd.LOGIN_FIELDS),
                    responses={200: SESSION_SCHEMA, 401: None, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/auth/set-password",
            SetPasswordResource(deps),
            (
                Operation(
                    "POST",
                    "Choose the password of an account created at checkout (with "
                    "the one-time token of the paid checkout) and log in",
                    tags=tags,
                    request=body_schema(cmd.SET_PASSWORD_FIELDS),
                    responses={200: SESSION_SCHEMA, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/me",
            MeResource(deps),
            (
                Operation(
                    "GET",
                    "The current user and their active subscription",
                    USER,
                    tags=tags,
                    responses={200: ME_SCHEMA},
                ),
                Operation(
                    "DELETE",
                    "Erase my account (LGPD): name, email, document and phone "
                    "are anonymised here and in my checkouts, login becomes impossible; "
                    "amounts and dates of payments are kept",
                    USER,
                    tags=tags,
                    request=body_schema(cmd.CLOSE_ACCOUNT_FIELDS),
                    responses={204: None, 409: None, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
    ]
