"""Routes are declared once, with their documentation: the app is built from these
declarations, /openapi.json is generated from the same list, access control reads each
operation's level (auth.py) and the age gate what each read serves (age_gate.py).

A leaf of the HTTP package: it imports no other module of it."""

from __future__ import annotations

from typing import Any

from attrs import field, frozen, validators

from domain.assurance.policy import ADULT_MEDIA

PUBLIC = "public"
USER = "user"
ADMIN = "admin"
ADMIN_PREFIX = "/api/admin"
# The brand's logo, public (branding.py serves it, the page shell links it as og:image).
LOGO_PATH = "/branding/logo"


def required_level(path: str, declared: str) -> str:
    """Every route under /api/admin is admin-only whatever its declaration says."""
    return ADMIN if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/") else declared


# How the records a read serves are laid out in its JSON answer.
ITEM = "item"  # the answer is one record
PAGE = "page"  # {"data": [record, ...], "total", ...}
GROUPS = "groups"  # {key: [record, ...], ...} (the ads of each placement)
NOTHING = "nothing"  # no record with adult media (plans, prices, account, pages...)
FILE = "file"  # the body itself is adult media (/media): refused unless allowed
_LAYOUTS = (ITEM, PAGE, GROUPS)


def _kind_fits(instance: Serves, attribute: Any, kind: str | None) -> None:
    if (instance.shape in _LAYOUTS) != (kind is not None):
        raise ValueError(f"a {instance.shape} read names its kind, and only it: {kind!r}")
    if kind is not None and kind not in ADULT_MEDIA:
        raise ValueError(f"{kind!r} is no kind of domain.assurance.policy.ADULT_MEDIA")


@frozen
class Serves:
    """What a read answers with, for the age gate: records of `kind` (a kind of
    domain.assurance.policy.ADULT_MEDIA) laid out as `shape`; NO_MEDIA for a read whose
    answer holds none, ADULT_FILE for a read whose body is adult media. Every GET that
    is not admin-only declares one (age_gate.AgeGate refuses to start otherwise)."""

    kind: str | None = field(validator=_kind_fits)
    shape: str = field(default=ITEM, validator=validators.in_((*_LAYOUTS, NOTHING, FILE)))


NO_MEDIA = Serves(None, NOTHING)
ADULT_FILE = Serves(None, FILE)


@frozen
class Param:
    name: str
    schema: dict
    description: str = ""
    required: bool = False
    location: str = "query"


@frozen
class Operation:
    """One HTTP method of a route. `auth`: public, user or admin (every /api/admin route
    is admin whatever is declared). `request`: JSON schema of the body, if any.
    `responses`: status -> JSON schema (None for an empty body)."""

    method: str
    summary: str
    auth: str = PUBLIC
    request: dict | None = None
    request_required: bool = True
    responses: dict[int, dict | None] = field(factory=dict)
    params: tuple[Param, ...] = ()
    tags: tuple[str, ...] = ()
    content_type: str = "application/json"
    # Response headers to document: status -> header name -> JSON schema.
    headers: dict[int, dict[str, dict]] = field(factory=dict)
    # For a read: what it serves, for the age gate (not part of the OpenAPI document).
    serves: Serves | None = None
    # The media type of the request body (an upload's is multipart/form-data).
    request_type: str = "application/json"


@frozen
class Route:
    path: str
    resource: Any
    operations: tuple[Operation, ...]
    suffix: str | None = None

    def operation(self, method: str) -> Operation | None:
        for op in self.operations:
            if op.method == method:
                return op
        return None
