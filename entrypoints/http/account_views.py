"""What the account routes share: the JSON (and schemas) of a user and of a session, and
the answer of a request accepted for later (a mail)."""

from __future__ import annotations

import falcon

from domain.accounts import auth
from domain.accounts.users import User
from entrypoints.config import Config
from entrypoints.http import sessions
from entrypoints.http.json_io import to_json
from entrypoints.http.schemas import entity_schema

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
USER_BODY = {"type": "object", "required": ["user"], "properties": {"user": USER_SCHEMA}}
ACCEPTED = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["accepted"]}},
}


def user_json(user: User) -> dict:
    return to_json(user, USER_PRIVATE)


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
