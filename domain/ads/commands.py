"""Commands of the ad-serving use cases: who asks, for which placements or which ad."""

from __future__ import annotations

from attrs import frozen

MAX_USER_AGENT = 512
DEFAULT_LIMIT = 5  # ads per placement
MAX_LIMIT = 20
MAX_BATCH = 50  # events per batched beacon


@frozen
class Visitor:
    """Who saw or clicked: stored with every event."""

    user_agent: str | None = None
    ip: str | None = None

    @classmethod
    def of(cls, user_agent: str | None, ip: str | None) -> Visitor:
        """Keep at most MAX_USER_AGENT characters and no NUL (the databases refuse it)."""
        if user_agent is not None:
            user_agent = user_agent.replace("\x00", "")[:MAX_USER_AGENT] or None
        return cls(user_agent=user_agent, ip=ip)


@frozen
class ServeAds:
    """The ads of several placements for one page view; `track` records impressions."""

    placements: tuple[str, ...]
    limit: int = DEFAULT_LIMIT
    track: bool = True
    visitor: Visitor = Visitor()


@frozen
class TrackEvent:
    """One impression or click (`kind`: "impressions" | "clicks") of an ad; `placement`
    None means the ad's own; `token`: the serve token of the ad's click URL (a click
    counts only with a valid one)."""

    kind: str
    ad_id: int
    placement: str | None = None
    visitor: Visitor = Visitor()
    token: str | None = None


@frozen
class Beacon:
    """One event of a batch: what a page showed (`kind` "impressions") or what was
    clicked ("clicks", with the serve `token` of the ad's click URL)."""

    kind: str
    ad_id: int
    placement: str | None = None
    token: str | None = None


@frozen
class TrackEvents:
    """The events of one page view (1 to MAX_BATCH), sent together."""

    events: tuple[Beacon, ...]
    visitor: Visitor = Visitor()


@frozen
class FollowClick:
    """A visitor follows an ad's click-through link (`token`: its serve token)."""

    ad_id: int
    placement: str | None = None
    visitor: Visitor = Visitor()
    token: str | None = None
