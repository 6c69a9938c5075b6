"""What the account routes share: the JSON (and schemas) of a user, of a session and of a
member's subscription (with its next charge), and the answer of a request accepted for
later (a mail)."""

from __future__ import annotations

import falcon

from domain.accounts import auth
from domain.accounts.users import User
from domain.payments.membership import MemberSubscription
from domain.payments.subscriptions import Subscription
from entrypoints.config import Config
from entrypoints.http import sessions
from entrypoints.http.json_io import to_json
from entrypoints.http.schemas import entity_schema, nullable

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
# A subscription as its member sees it (issue 25): while it renews, the next charge.
MEMBER_SUBSCRIPTION_SCHEMA = entity_schema(
    Subscription,
    extra={
        "next_charge_at": nullable({"type": "string", "format": "date-time"}),
        "next_charge_amount": nullable({"type": "integer"}),
        "next_plan_id": nullable({"type": "integer"}),
    },
)
USER_BODY = {"type": "object", "required": ["user"], "properties": {"user": USER_SCHEMA}}
ACCEPTED = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["accepted"]}},
}


def user_json(user: User) -> dict:
    return to_json(user, USER_PRIVATE)


def member_json(view: MemberSubscription) -> dict:
    """A subscription with `auto_renew`, the card's brand and last digits (never its
    reference) and, while it renews, the next charge's date, amount and plan."""
    return {
        **to_json(view.subscription),
        "next_charge_at": view.next_charge_at,
        "next_charge_amount": view.next_charge_amount,
        "next_plan_id": view.next_plan_id,
    }


def session_json(session: auth.Session) -> dict:
    return {
        "user": user_json(session.user),
        "token": session.token,
        "expires_in": session.expires_in,
    }


def accepted(resp: falcon.Response) -> None:
    resp.status = falcon.HTTP_202
    resp.media = {"status": "accepted"}


def respond_session(
    req: falcon.Request, resp: falcon.Response, config: Config, session: auth.Session
) -> None:
    """The session as JSON (API clients keep the bearer token) and as the browser's
    session cookies (entrypoints.http.sessions)."""
    sessions.start(req, resp, config, session)
    resp.media = session_json(session)
