"""Accounts over HTTP, every /api/auth route: register, log in, set the password of an
account made at checkout, recover a forgotten password, confirm an email, log out."""

from __future__ import annotations

import falcon
from attrs import frozen

from domain.accounts import auth, devices, self_service
from domain.accounts import commands as cmd
from domain.accounts.auth import AuthService
from domain.common.errors import Unauthenticated
from domain.payments import claims
from domain.payments.service import PaymentService
from entrypoints.bootstrap import Deps
from entrypoints.config import Config
from entrypoints.http import age_gate, sessions
from entrypoints.http.account_views import (
    ACCEPTED,
    SESSION_SCHEMA,
    USER_BODY,
    accepted,
    respond_session,
    user_json,
)
from entrypoints.http.caller import required_user
from entrypoints.http.json_io import read_command
from entrypoints.http.rate_limits import (
    LIMITED,
    RETRY_AFTER,
    Limits,
    account_of,
    limit_per_ip,
    limits_of,
)
from entrypoints.http.routes import USER, Operation, Route
from entrypoints.http.schemas import body_schema
from ports.security import Signer

TAGS = ("accounts",)


@frozen
class DeviceCookies:
    """The signed HttpOnly cookie by which a browser that logged in to an account is
    judged on its own login failures (domain.accounts.devices). `https`: the public
    address is https (the cookie is then Secure)."""

    signer: Signer
    https: bool

    def of(self, req: falcon.Request, account: str) -> str | None:
        return devices.device_of(self.signer, req.cookies.get(devices.DEVICE_COOKIE), account)

    def set(self, req: falcon.Request, resp: falcon.Response, cookie: str) -> None:
        """HttpOnly, SameSite=Lax, Secure when the site is served over https."""
        resp.set_cookie(
            devices.DEVICE_COOKIE,
            cookie,
            max_age=devices.DEVICE_TTL_SECONDS,
            path=devices.DEVICE_COOKIE_PATH,
            secure=req.scheme == "https" or self.https,
            http_only=True,
            same_site="Lax",
        )


class RegisterResource:
    def __init__(self, auth: AuthService, limits: Limits, config: Config):
        self.auth, self.limits, self.config = auth, limits, config
        self.max_body = config.max_body_bytes

    @falcon.before(limit_per_ip("register"))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        command = read_command(req, self.max_body, cmd.Register, cmd.REGISTER_FIELDS)
        session = auth.register(self.auth, command)
        respond_session(req, resp, self.config, session)
        resp.status = falcon.HTTP_201


class LoginResource:
    def __init__(self, auth: AuthService, limits: Limits, devices: DeviceCookies, config: Config):
        self.auth, self.limits, self.devices, self.config = auth, limits, devices, config
        self.max_body = config.max_body_bytes

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        command = read_command(req, self.max_body, cmd.Login, cmd.LOGIN_FIELDS)
        # Per IP, and failures per account with a growing back-off, whatever the IP;
        # the owner's browser is judged on its own failures through its device cookie
        # (the rule: domain/common/rate_limits.py).
        throttle, ip, account = (
            self.limits.throttle,
            self.limits.client(req),
            account_of(command.email),
        )
        device = self.devices.of(req, account)
        throttle.before_login(ip, account, device)
        try:
            session = auth.login(self.auth, command)
        except Unauthenticated:
            throttle.login_failed(ip, account, device)
            raise
        self.devices.set(req, resp, devices.issue_device(self.devices.signer, account, device))
        respond_session(req, resp, self.config, session)


class SetPasswordResource:
    def __init__(
        self,
        auth: AuthService,
        payments: PaymentService,
        signer: Signer,
        limits: Limits,
        config: Config,
    ):
        self.auth, self.payments, self.signer = auth, payments, signer
        self.limits, self.config, self.max_body = limits, config, config.max_body_bytes

    @falcon.before(limit_per_ip("set_password"))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        command = read_command(req, self.max_body, cmd.SetPassword, cmd.SET_PASSWORD_FIELDS)
        self.limits.per_account("set_password", command.token)
        if claims.is_claim(self.signer, command.token):  # a paid checkout's claim link
            session = claims.claim_checkout(self.auth, self.payments, command)
        else:
            session = auth.set_password(self.auth, command)
        respond_session(req, resp, self.config, session)


class PasswordResetResource:
    def __init__(self, auth: AuthService, limits: Limits, devices: DeviceCookies, max_body: int):
        self.auth, self.limits, self.devices, self.max_body = auth, limits, devices, max_body

    @falcon.before(limit_per_ip("password_reset"))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        command = read_command(
            req, self.max_body, cmd.RequestPasswordReset, cmd.PASSWORD_RESET_FIELDS
        )
        # The mails an address gets are capped, not the requests naming it; the owner's
        # browser (its device cookie) is counted apart (domain/common/rate_limits.py).
        account = account_of(command.email)
        device = self.devices.of(req, account)
        self_service.request_password_reset(
            self.auth,
            command,
            mail=self.limits.throttle.mail_allowed("password_reset", account, device),
        )
        accepted(resp)


class PasswordResetConfirmResource:
    def __init__(self, auth: AuthService, limits: Limits, config: Config):
        self.auth, self.limits, self.config = auth, limits, config
        self.max_body = config.max_body_bytes

    @falcon.before(limit_per_ip("set_password"))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        command = read_command(
            req, self.max_body, cmd.ConfirmPasswordReset, cmd.CONFIRM_RESET_FIELDS
        )
        self.limits.per_account("set_password", command.token)
        respond_session(
            req, resp, self.config, self_service.confirm_password_reset(self.auth, command)
        )


class VerifyEmailResource:
    def __init__(self, auth: AuthService, max_body: int):
        self.auth, self.max_body = auth, max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        command = read_command(req, self.max_body, cmd.ConfirmToken, cmd.CONFIRM_TOKEN_FIELDS)
        resp.media = {"user": user_json(self_service.verify_email(self.auth, command))}


class EmailChangeConfirmResource:
    def __init__(self, auth: AuthService, max_body: int):
        self.auth, self.max_body = auth, max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        command = read_command(req, self.max_body, cmd.ConfirmToken, cmd.CONFIRM_TOKEN_FIELDS)
        user = self_service.confirm_email_change(self.auth, command)
        resp.media = {"user": user_json(user)}


def _bearer(req: falcon.Request) -> str:
    """The caller's token: the bearer one, or the session cookie's."""
    scheme, _, token = (req.get_header("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        if getattr(req.context, "session_token", None):
            return req.context.session_token
        raise Unauthenticated("use Authorization: Bearer <token>")
    return token.strip()


class LogoutResource:
    def __init__(self, auth: AuthService, config: Config):
        self.auth, self.config = auth, config

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        required_user(req)
        self_service.logout(self.auth, _bearer(req))
        sessions.end(req, resp, self.config)
        age_gate.clear_cookie(resp)  # and the account's age cookie
        resp.status = falcon.HTTP_204


def routes(deps: Deps) -> list[Route]:
    service, limits, max_body = deps.auth, limits_of(deps), deps.config.max_body_bytes
    cookies = DeviceCookies(deps.signer, deps.config.public_url.startswith("https:"))
    token_body = body_schema(cmd.CONFIRM_TOKEN_FIELDS)
    return [
        Route(
            "/api/auth/register",
            RegisterResource(service, limits, deps.config),
            (
                Operation(
                    "POST",
                    "Create an account and log in",
                    tags=TAGS,
                    request=body_schema(cmd.REGISTER_FIELDS),
                    responses={201: SESSION_SCHEMA, 409: None, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/auth/login",
            LoginResource(service, limits, cookies, deps.config),
            (
                Operation(
                    "POST",
                    "Log in with email and password",
                    tags=TAGS,
                    request=body_schema(cmd.LOGIN_FIELDS),
                    responses={200: SESSION_SCHEMA, 401: None, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/auth/set-password",
            SetPasswordResource(service, deps.payments_service, deps.signer, limits, deps.config),
            (
                Operation(
                    "POST",
                    "Choose the password of an account created at checkout (with "
                    "the one-time token of the paid checkout) and log in",
                    tags=TAGS,
                    request=body_schema(cmd.SET_PASSWORD_FIELDS),
                    responses={200: SESSION_SCHEMA, 429: None},
                    headers=RETRY_AFTER,
                ),
            ),
        ),
        Route(
            "/api/auth/password-reset",
            PasswordResetResource(service, limits, cookies, max_body),
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
            PasswordResetConfirmResource(service, limits, deps.config),
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
            VerifyEmailResource(service, max_body),
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
            EmailChangeConfirmResource(service, max_body),
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
            LogoutResource(service, deps.config),
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
    ]
