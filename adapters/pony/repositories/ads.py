"""Pony repositories of the ads area.

Counters are changed only by atomic SQL (`SET clicks = clicks + n`): Pony's `+= 1` is a
read-modify-write that loses increments or fails under concurrency (STACK-NOTES).
For the same reason the ads' other writes (update, delete) are plain SQL too: Pony
would add the counters it read to the WHERE clause of its UPDATE/DELETE (optimistic
check) and fail whenever a visitor clicked in between."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any, Sequence

import attrs

from adapters.pony.raw_sql import sql_value
from adapters.pony.repository import PonyRepository
from domain.ads.rules import EVENT_KINDS, Ad, AdEvent

_COUNTERS = ("impressions", "clicks")
_AD_COLUMNS = tuple(f.name for f in attrs.fields(Ad))
_EDITABLE = tuple(c for c in _AD_COLUMNS if c not in ("id",) + _COUNTERS)
_EVENT_COLUMNS = ("ad_id", "placement", "user_agent", "ip", "created_at")
_TIMESTAMPS = ("start_date", "end_date", "created_at", "updated_at")

# domain.ads.rules.is_servable, in SQL (tests check the two agree).
_SERVABLE_WHERE = """status = 'active'
      AND (start_date IS NULL OR start_date <= $now)
      AND (end_date IS NULL OR end_date >= $now)"""

# The best `limit` ads of each placement, ranked by the database in the same order as
# domain.ads.rules.serving_order (NULLS LAST: PostgreSQL puts NULLs first when descending).
_SERVABLE_SQL = """SELECT {columns} FROM (
    SELECT {columns}, ROW_NUMBER() OVER (
        PARTITION BY placement
        ORDER BY priority DESC, created_at DESC NULLS LAST, id DESC) AS serving_rank
    FROM ads
    WHERE placement IN ({placements}) AND %s
) ranked WHERE serving_rank <= $limit""" % _SERVABLE_WHERE

# One event of an ad, only if it is servable: a click or a beacon in one round trip
# (PostgreSQL; SQLite has no UPDATE in a WITH, it runs the two statements in turn).
_BUMP_IF_SERVABLE_SQL = ("UPDATE ads SET {kind} = {kind} + 1 WHERE id = $ad_id AND "
                         + _SERVABLE_WHERE + " RETURNING {columns}")
_RECORD_IF_SERVABLE_SQL = """WITH bumped AS (%s),
inserted AS (
    INSERT INTO {kind} (ad_id, placement, user_agent, ip, created_at)
    SELECT id, COALESCE($placement, placement), $user_agent, $ip, $created_at FROM bumped)
SELECT {columns} FROM bumped""" % _BUMP_IF_SERVABLE_SQL

# PostgreSQL, several events: passed as five arrays (one constant statement whatever
# their number); the ads locked in id order, so two requests serving the same ads can
# never wait on each other in a cycle (deadlock); each counter raised by its number of
# events; the events of ads that still exist inserted. One statement, so the hot rows
# stay locked for one round trip plus the commit.
_RECORD_MANY_SQL = """WITH events AS (
    SELECT * FROM unnest($ad_ids::int[], $placements::text[], $user_agents::text[],
                         $ips::text[], $created_ats::timestamp[])
        AS e(ad_id, placement, user_agent, ip, created_at)),
locked AS (SELECT id FROM ads WHERE id IN (SELECT ad_id FROM events) ORDER BY id FOR UPDATE),
bumped AS (
    UPDATE ads SET {kind} = {kind} + (SELECT count(*) FROM events WHERE events.ad_id = ads.id)
    WHERE ads.id IN (SELECT id FROM locked) RETURNING ads.id)
INSERT INTO {kind} (ad_id, placement, user_agent, ip, created_at)
SELECT events.* FROM events JOIN bumped ON bumped.id = events.ad_id"""

# PostgreSQL, one event (a click, a beacon): the same in its simplest form, which costs
# PostgreSQL about half the work (one row lock cannot deadlock).
_RECORD_ONE_SQL = """WITH bumped AS (
    UPDATE ads SET {kind} = {kind} + 1 WHERE id = $ad_id RETURNING id)
INSERT INTO {kind} (ad_id, placement, user_agent, ip, created_at)
SELECT id, $placement, $user_agent, $ip, $created_at FROM bumped"""

RECORD_MANY_SQL = {kind: _RECORD_MANY_SQL.format(kind=kind) for kind in EVENT_KINDS}
RECORD_ONE_SQL = {kind: _RECORD_ONE_SQL.format(kind=kind) for kind in EVENT_KINDS}
RECORD_IF_SERVABLE_SQL = {kind: _RECORD_IF_SERVABLE_SQL.format(
    kind=kind, columns=", ".join(_AD_COLUMNS)) for kind in EVENT_KINDS}
BUMP_IF_SERVABLE_SQL = {kind: _BUMP_IF_SERVABLE_SQL.format(
    kind=kind, columns=", ".join(_AD_COLUMNS)) for kind in EVENT_KINDS}
_GET_SQL = f"SELECT {', '.join(_AD_COLUMNS)} FROM ads WHERE id = $id"


def _names(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(count)]


class _RawSql:
    """Helpers for the plain SQL of this module: `$name` parameters taken from a dict,
    and timestamps written as Pony stores them on SQLite (text with microseconds, so
    that comparisons in SQL are right)."""

    db: Any
    pdb: Any

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        return {k: sql_value(v, self.pdb.dialect) for k, v in params.items()}

    def _execute(self, sql: str, params: dict[str, Any]):
        """A write, in the unit of work's transaction."""
        return self.db.execute(sql, self._params(params))

    def _select(self, sql: str, params: dict[str, Any]) -> list:
        """A read: Pony runs it without opening a transaction (no BEGIN/ROLLBACK round
        trips) unless the unit of work already wrote."""
        return self.db.select(sql, self._params(params))


class PonyAdRepository(_RawSql, PonyRepository):
    def update(self, entity: Ad) -> Ad:
        assignments = ", ".join(f"{c} = ${c}" for c in _EDITABLE)
        self._execute(f"UPDATE ads SET {assignments} WHERE id = $id",
                      {c: getattr(entity, c) for c in _EDITABLE + ("id",)})
        return entity

    def delete(self, pk: int) -> bool:
        # The schema's ON DELETE CASCADE removes the ad's impressions and clicks.
        return self._execute("DELETE FROM ads WHERE id = $id", {"id": pk}).rowcount > 0

    def get(self, pk: int) -> Ad | None:
        rows = self._select(_GET_SQL, {"id": pk})
        return self._ad(rows[0]) if rows else None

    def servable(self, placements: Sequence[str], now: datetime, limit: int) -> list[Ad]:
        if not placements:
            return []
        keys = _names("p", len(placements))
        sql = _SERVABLE_SQL.format(columns=", ".join(_AD_COLUMNS),
                                   placements=", ".join(f"${k}" for k in keys))
        rows = self._select(sql, {"now": now, "limit": limit, **dict(zip(keys, placements))})
        return [self._ad(row) for row in rows]

    def _ad(self, row: Sequence[Any]) -> Ad:
        """A plain row (not a Pony object: cheaper on the hot paths, and never cached,
        so the counters are always fresh) as an Ad."""
        values = dict(zip(_AD_COLUMNS, row))
        for name in _TIMESTAMPS:
            if isinstance(values[name], str):  # SQLite answers text
                values[name] = datetime.fromisoformat(values[name])
        return Ad(**values)

    def record_events(self, kind: str, events: Sequence[AdEvent]) -> int:
        if kind not in EVENT_KINDS:  # it names a table and a column below
            raise ValueError(f"unknown event kind {kind!r}")
        if not events:
            return 0
        if self.pdb.dialect == "postgresql":
            return self._record_in_one_statement(kind, events)
        per_ad = Counter(e.ad_id for e in events)
        existing: set[int] = set()
        for increment in set(per_ad.values()):
            ids = sorted(a for a, n in per_ad.items() if n == increment)
            keys = _names("a", len(ids))
            existing.update(row[0] for row in self._execute(
                f"UPDATE ads SET {kind} = {kind} + $increment "
                f"WHERE id IN ({', '.join(f'${k}' for k in keys)}) RETURNING id",
                {"increment": increment, **dict(zip(keys, ids))}).fetchall())
        kept = [e for e in events if e.ad_id in existing]
        if kept:
            self._insert(kind, kept)
        return len(kept)

    def record_if_servable(self, kind: str, event: AdEvent, now: datetime) -> Ad | None:
        if kind not in EVENT_KINDS:  # it names a table and a column below
            raise ValueError(f"unknown event kind {kind!r}")
        params = {"now": now, **{c: getattr(event, c) for c in _EVENT_COLUMNS}}
        if self.pdb.dialect == "postgresql":
            rows = self._execute(RECORD_IF_SERVABLE_SQL[kind], params).fetchall()
            return self._ad(rows[0]) if rows else None
        rows = self._execute(BUMP_IF_SERVABLE_SQL[kind],
                             {"now": now, "ad_id": event.ad_id}).fetchall()
        if not rows:
            return None
        ad = self._ad(rows[0])
        self._insert(kind, [attrs.evolve(event, placement=event.placement or ad.placement)])
        return ad

    def _insert(self, kind: str, events: Sequence[AdEvent]) -> None:
        params: dict[str, Any] = {}
        rows = []
        for i, event in enumerate(events):
            names = [f"{c}{i}" for c in _EVENT_COLUMNS]
            params.update({n: getattr(event, c) for n, c in zip(names, _EVENT_COLUMNS)})
            rows.append("(" + ", ".join(f"${n}" for n in names) + ")")
        self._execute(f"INSERT INTO {kind} ({', '.join(_EVENT_COLUMNS)}) VALUES "
                      + ", ".join(rows), params)

    def _record_in_one_statement(self, kind: str, events: Sequence[AdEvent]) -> int:
        if len(events) == 1:
            event = events[0]
            return self._execute(RECORD_ONE_SQL[kind],
                                 {c: getattr(event, c) for c in _EVENT_COLUMNS}).rowcount
        columns = {f"{c}s": [getattr(e, c) for e in events] for c in _EVENT_COLUMNS}
        return self._execute(RECORD_MANY_SQL[kind], columns).rowcount

    def top_by_ctr(self, limit: int) -> list[Ad]:
        rows = self._select(
            f"SELECT {', '.join(_AD_COLUMNS)} FROM ads WHERE impressions > 0 "
            "ORDER BY clicks * 1.0 / impressions DESC, impressions DESC, id DESC "
            "LIMIT $limit", {"limit": limit})
        return [self._ad(row) for row in rows]


class PonyAdEventRepository(_RawSql, PonyRepository):
    def count_by_day(self, ad_id: int, since: datetime, until: datetime) -> dict[date, int]:
        rows = self._select(
            f"SELECT date(created_at), COUNT(*) FROM {self.table} "
            "WHERE ad_id = $ad_id AND created_at >= $since AND created_at < $until "
            "GROUP BY date(created_at)",
            {"ad_id": ad_id, "since": since, "until": until})
        # PostgreSQL answers dates, SQLite 'YYYY-MM-DD' text.
        return {day if isinstance(day, date) else date.fromisoformat(day): count
                for day, count in rows}
