"""Which ad events count. Every event is stored; these rules decide whether it moves the
ad's counters (and so its CTR), and if not, why:

- "bot": the user agent is a known bot or crawler (the BotDetector port), or missing —
  browsers always send one;
- "no_token": a click that does not carry a valid serve token (domain.ads.click_tokens):
  the click did not come from an ad we served in that placement within the hour;
- "repeat": the same visitor (IP + user agent) already counted on the same ad and
  placement within the window (impressions 30 min, clicks 30 s by default). A repeat is
  measured against counted events only, so a visitor counts at most once per window,
  however often they come back;
- "ip_cap": the address (an IPv6 address by its /64, which one subscriber's devices
  share) already has its cap of counted events of this ad in the last hour, whatever
  the user agents (CREATORFLIX_AD_CLICKS_PER_IP_HOUR, _IMPRESSIONS_PER_IP_HOUR): one IP
  rotating user agents is one visitor, not three hundred.

The rules are applied in that order; an event is looked up in the visitor's history
only when it passed the first two. Pure functions: the use cases (domain.ads.tracking)
give them what the adapters found."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from datetime import datetime, timedelta

from attrs import frozen

from domain.common.rate_limits import ip_key

BOT = "bot"
REPEAT = "repeat"
NO_TOKEN = "no_token"
IP_CAP = "ip_cap"
FILTER_REASONS = (BOT, REPEAT, NO_TOKEN, IP_CAP)
CAP_WINDOW = timedelta(hours=1)

# (ad id, placement, IP, user agent): what makes two events "the same visitor on the
# same ad and placement".
VisitKey = tuple[int, str, str, str]


@frozen
class RepeatWindows:
    """How long after a counted event the same visitor's next one is a repeat, per
    kind of event (a zero window: no repeat filtering)."""

    impressions: timedelta = timedelta(minutes=30)
    clicks: timedelta = timedelta(seconds=30)

    def of(self, kind: str) -> timedelta:
        if kind == "impressions":
            return self.impressions
        if kind == "clicks":
            return self.clicks
        raise ValueError(f"unknown event kind {kind!r}")

    def since(self, kind: str, now: datetime) -> datetime:
        """The start of the window ending at `now`: counted events at or after it make
        a repeat."""
        return now - self.of(kind)


@frozen
class IpCaps:
    """At most this many counted events of one ad from one address (IPv6: its /64) per
    hour, per kind of event (0: no cap)."""

    impressions: int = 30
    clicks: int = 10

    def of(self, kind: str) -> int:
        if kind == "impressions":
            return self.impressions
        if kind == "clicks":
            return self.clicks
        raise ValueError(f"unknown event kind {kind!r}")


def ip_group(ip: str | None) -> str | None:
    """The address as the caps (and the visitor lock) count it, as every rate limit
    does (domain.common.rate_limits.ip_key): an IPv4 address as it is, an IPv6 one by
    its /64 (`2001:db8:1:2::/64`); None without an address."""
    return ip_key(ip) if ip else None


def over_cap(ad_ids: Sequence[int], counted_before: Mapping[int, int], cap: int) -> list[bool]:
    """For events of one address, in arrival order, that would count: whether each is
    over the cap — its ad already has `cap` counted events of that address in the
    window (`counted_before`), with the earlier events of the batch that count."""
    if cap <= 0:
        return [False] * len(ad_ids)
    counts = dict(counted_before)
    verdicts = []
    for ad_id in ad_ids:
        seen = counts.get(ad_id, 0)
        verdicts.append(seen >= cap)
        if seen < cap:
            counts[ad_id] = seen + 1
    return verdicts


def is_bot(user_agent: str | None, known_bot: Callable[[str], bool]) -> bool:
    """A missing or empty user agent is a bot; else `known_bot` (the crawler list)
    decides."""
    return not user_agent or known_bot(user_agent)


def first_verdict(kind: str, *, bot: bool, token_valid: bool) -> str | None:
    """Why an event does not count, from the event alone: BOT, NO_TOKEN (clicks only),
    or None when it may count (unless it is a repeat)."""
    if bot:
        return BOT
    if kind == "clicks" and not token_valid:
        return NO_TOKEN
    return None


def visit_key(
    ad_id: int, placement: str, ip: str | None, user_agent: str | None
) -> VisitKey | None:
    """The key repeats are found by; None when the visitor cannot be told apart (no IP
    or no user agent): such an event is never a repeat."""
    if not ip or not user_agent:
        return None
    return (ad_id, placement, ip, user_agent)


def repeats(keys: Sequence[VisitKey | None], counted_before: Set[VisitKey]) -> list[bool]:
    """For events, in arrival order, that passed `first_verdict`: whether each is a
    repeat — its key was counted within the window (`counted_before`) or by an earlier
    event of the same batch that counts."""
    seen = set(counted_before)
    verdicts = []
    for key in keys:
        if key is None:
            verdicts.append(False)
        elif key in seen:
            verdicts.append(True)
        else:
            seen.add(key)
            verdicts.append(False)
    return verdicts


def unique_keys(keys: Iterable[VisitKey | None]) -> list[VisitKey]:
    """The keys to look up, each once, in first-seen order."""
    return list(dict.fromkeys(k for k in keys if k is not None))
