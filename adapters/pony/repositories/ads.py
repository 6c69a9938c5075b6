"""Pony repositories of the ads area.

Counters are changed only by atomic SQL (`SET clicks = clicks + n`): Pony's `+= 1` is a
read-modify-write that loses increments or fails under concurrency (STACK-NOTES).
For the same reason the ads' other writes (update, delete) are plain SQL too: Pony
would add the counters it read to the WHERE clause of its UPDATE/DELETE (optimistic
check) and fail whenever a visitor clicked in between.

Tracking transactions (README, "Ads"): on PostgreSQL `lock_for_tracking` takes a
transaction advisory lock named after the visitor (so one visitor's requests are
recorded one at a time, and a repeat lookup sees their earlier events) and sets
`synchronous_commit = off` for this transaction only — its commit returns before the WAL
reaches the disk. A crash of the database server may lose the last fraction of a second
of events (at most 3 × wal_writer_delay, 0.6 s by default), each transaction whole: a
counter never disagrees with its rows. The ads' rows are locked by the recording
statement only (in id order), so hot ads are held for one statement and the commit."""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import attrs

from adapters.pony.raw_sql import sql_value
from adapters.pony.repository import PonyRepository
from domain.ads.counting import VisitKey
from domain.ads.rules import EVENT_KINDS, Ad, AdEvent

_COUNTERS = ("impressions", "clicks")
_AD_COLUMNS = tuple(f.name for f in attrs.fields(Ad))
_EDITABLE = tuple(c for c in _AD_COLUMNS if c not in ("id",) + _COUNTERS)
_EVENT_COLUMNS = (
    "ad_id",
    "placement",
    "user_agent",
    "ip",
    "created_at",
    "counted",
    "filter_reason",
    "ip_group",
)
_KEY_COLUMNS = ("ad_id", "placement", "ip", "user_agent")
_TIMESTAMPS = ("start_date", "end_date", "created_at", "updated_at")

# domain.ads.rules.is_servable, in SQL (tests check the two agree).
_SERVABLE_WHERE = """status = 'active'
      AND (start_date IS NULL OR start_date <= $now)
      AND (end_date IS NULL OR end_date >= $now)"""

# The best `limit` ads of each placement, ranked by the database in the same order as
# domain.ads.rules.serving_order (NULLS LAST: PostgreSQL puts NULLs first when descending).
_SERVABLE_SQL = (
    """SELECT {columns} FROM (
    SELECT {columns}, ROW_NUMBER() OVER (
        PARTITION BY placement
        ORDER BY priority DESC, created_at DESC NULLS LAST, id DESC) AS serving_rank
    FROM ads
    WHERE placement IN ({placements}) AND %s
) ranked WHERE serving_rank <= $limit"""
    % _SERVABLE_WHERE
)

# PostgreSQL: a tracking transaction begins — its commit will not wait for the WAL flush
# (set_config(..., true) is SET LOCAL); the visitor's advisory lock (two-key form: a key
# space apart from the one-key locks, e.g. the white-label sync's; a NULL visitor locks
# nothing) is held to its end; the ads are read. MATERIALIZED: evaluated once.
VISITOR_LOCK_SPACE = 0x41645669  # "AdVi": the ad visitors' locks
LOCK_SQL = """WITH tracking AS MATERIALIZED (
    SELECT set_config('synchronous_commit', 'off', true) AS durability,
           pg_advisory_xact_lock({space}, hashtext($visitor::text)) IS NULL AS waited)
SELECT {columns} FROM tracking, ads WHERE ads.id = ANY($ids::int[])""".format(
    space=VISITOR_LOCK_SPACE, columns=", ".join(f"ads.{c}" for c in _AD_COLUMNS)
)

# PostgreSQL, the repeat lookup: which (ad, placement, IP, user agent) have a counted
# event since $since — one index probe per key (partial index `<table>_repeat_idx`).
_COUNTED_SINCE_SQL = """SELECT k.ad_id, k.placement, k.ip, k.user_agent
FROM unnest($ad_ids::int[], $placements::text[], $ips::text[], $user_agents::text[])
    AS k(ad_id, placement, ip, user_agent)
WHERE EXISTS (SELECT 1 FROM {table} e WHERE e.counted AND e.ad_id = k.ad_id
    AND e.ip = k.ip AND e.created_at >= $since AND e.placement = k.placement
    AND e.user_agent = k.user_agent)"""
COUNTED_SINCE_SQL = {kind: _COUNTED_SINCE_SQL.format(table=kind) for kind in EVENT_KINDS}

# PostgreSQL, any number of events of both kinds in ONE statement: passed as arrays
# (one constant statement whatever their number); the ads locked in id order, so two
# requests recording the same ads can never wait on each other in a cycle; each counter
# raised by its number of counted events; every event of an ad that still exists
# inserted, counted or not.
_INSERT_SELECT = """INSERT INTO {kind} ({columns})
    SELECT {columns} FROM events
    WHERE kind = '{kind}' AND ad_id IN (SELECT id FROM locked) RETURNING 1"""
RECORD_ALL_SQL = """WITH events AS (
    SELECT * FROM unnest($kinds::text[], $ad_ids::int[], $placements::text[],
                         $user_agents::text[], $ips::text[], $created_ats::timestamp[],
                         $counteds::boolean[], $filter_reasons::text[], $ip_groups::text[])
        AS e(kind, ad_id, placement, user_agent, ip, created_at, counted, filter_reason,
             ip_group)),
locked AS (SELECT id FROM ads WHERE id IN (SELECT ad_id FROM events) ORDER BY id FOR UPDATE),
bumped AS (
    UPDATE ads SET impressions = impressions + c.shown, clicks = clicks + c.clicked
    FROM (SELECT ad_id, count(*) FILTER (WHERE kind = 'impressions') AS shown,
                 count(*) FILTER (WHERE kind = 'clicks') AS clicked
          FROM events WHERE counted GROUP BY ad_id) AS c
    WHERE ads.id = c.ad_id AND ads.id IN (SELECT id FROM locked)),
shown AS (%s),
clicked AS (%s)
SELECT (SELECT count(*) FROM shown) + (SELECT count(*) FROM clicked)""" % (
    _INSERT_SELECT.format(kind="impressions", columns=", ".join(_EVENT_COLUMNS)),
    _INSERT_SELECT.format(kind="clicks", columns=", ".join(_EVENT_COLUMNS)),
)

# RECORD_ALL_SQL runs as a server-side prepared statement, prepared once per connection
# (planning its CTEs costs about as much as running them for a page's ten events).
_RECORD_ALL_ARGS = (
    "kinds",
    "ad_ids",
    "placements",
    "user_agents",
    "ips",
    "created_ats",
    "counteds",
    "filter_reasons",
    "ip_groups",
)
RECORD_ALL_STATEMENT = "creatorflix_ads_record_all_v2"  # v2: with ip_group


def _prepare(name: str, sql: str, args: Sequence[str]) -> str:
    """`PREPARE name AS sql` with the `$arg::type` parameters numbered (`$$` is a
    literal `$` for Pony)."""
    for number, arg in enumerate(args, 1):
        sql = sql.replace(f"${arg}::", f"$${number}::")
    return f"PREPARE {name} AS {sql}"


PREPARE_RECORD_ALL = _prepare(RECORD_ALL_STATEMENT, RECORD_ALL_SQL, _RECORD_ALL_ARGS)
EXECUTE_RECORD_ALL = "EXECUTE %s(%s)" % (
    RECORD_ALL_STATEMENT,
    ", ".join(f"${arg}" for arg in _RECORD_ALL_ARGS),
)
# The connections this process has prepared it on (a prepared statement lives as long as
# its connection, whatever happens to the transaction that prepared it).
_PREPARED_ON: weakref.WeakSet[Any] = weakref.WeakSet()

# PostgreSQL, one event (a click, a beacon): the same in its simplest forms — a counted
# one raises the counter with its row; a filtered one is a row only.
_VALUES = "$placement, $user_agent, $ip, $created_at, $counted, $filter_reason, $ip_group"
_RECORD_COUNTED_SQL = """WITH bumped AS (
    UPDATE ads SET {kind} = {kind} + 1 WHERE id = $ad_id RETURNING id)
INSERT INTO {kind} (%s) SELECT id, %s FROM bumped""" % (", ".join(_EVENT_COLUMNS), _VALUES)
_RECORD_FILTERED_SQL = "INSERT INTO {kind} (%s) SELECT id, %s FROM ads WHERE id = $ad_id" % (
    ", ".join(_EVENT_COLUMNS),
    _VALUES,
)
RECORD_ONE_SQL = {
    (kind, counted): (_RECORD_COUNTED_SQL if counted else _RECORD_FILTERED_SQL).format(kind=kind)
    for kind in EVENT_KINDS
    for counted in (True, False)
}

_GET_SQL = f"SELECT {', '.join(_AD_COLUMNS)} FROM ads WHERE id = $id"


def _names(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(count)]


def _checked(kind: str) -> str:
    if kind not in EVENT_KINDS:  # it names a table and a column in SQL
        raise ValueError(f"unknown event kind {kind!r}")
    return kind


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

    def _in(self, prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
        """`IN (...)` placeholders and their parameters."""
        keys = _names(prefix, len(values))
        return ", ".join(f"${k}" for k in keys), dict(zip(keys, values))


class PonyAdRepository(_RawSql, PonyRepository):
    def update(self, entity: Ad) -> Ad:
        assignments = ", ".join(f"{c} = ${c}" for c in _EDITABLE)
        self._execute(
            f"UPDATE ads SET {assignments} WHERE id = $id",
            {c: getattr(entity, c) for c in _EDITABLE + ("id",)},
        )
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
        marks, params = self._in("p", placements)
        sql = _SERVABLE_SQL.format(columns=", ".join(_AD_COLUMNS), placements=marks)
        rows = self._select(sql, {"now": now, "limit": limit, **params})
        return [self._ad(row) for row in rows]

    def _ad(self, row: Sequence[Any]) -> Ad:
        """A plain row (not a Pony object: cheaper on the hot paths, and never cached,
        so the counters are always fresh) as an Ad."""
        values = dict(zip(_AD_COLUMNS, row))
        for name in _TIMESTAMPS:
            if isinstance(values[name], str):  # SQLite answers text
                values[name] = datetime.fromisoformat(values[name])
        return Ad(**values)

    def lock_for_tracking(self, ad_ids: Sequence[int], visitor: str | None = None) -> dict[int, Ad]:
        ids = sorted(set(ad_ids))
        if not ids:
            return {}
        if self.pdb.dialect == "postgresql":
            rows = self._execute(LOCK_SQL, {"ids": ids, "visitor": visitor}).fetchall()
        else:
            # db.execute opens the transaction with BEGIN IMMEDIATE: SQLite's one
            # writer lock, held until the unit of work ends.
            marks, params = self._in("a", ids)
            rows = self._execute(
                f"SELECT {', '.join(_AD_COLUMNS)} FROM ads WHERE id IN ({marks})", params
            ).fetchall()
        return {ad.id: ad for ad in map(self._ad, rows) if ad.id is not None}

    def record_events(self, kind: str, events: Sequence[AdEvent]) -> int:
        return self.record_all({_checked(kind): events})

    def record_all(self, events: Mapping[str, Sequence[AdEvent]]) -> int:
        rows = [(_checked(kind), e) for kind, kind_events in events.items() for e in kind_events]
        if not rows:
            return 0
        if self.pdb.dialect == "postgresql":
            if len(rows) == 1:
                kind, event = rows[0]
                return self._execute(
                    RECORD_ONE_SQL[kind, event.counted],
                    {c: getattr(event, c) for c in _EVENT_COLUMNS},
                ).rowcount
            columns: dict[str, list[Any]] = {
                f"{c}s": [getattr(e, c) for _, e in rows] for c in _EVENT_COLUMNS
            }
            connection = self.db.get_connection()
            if connection not in _PREPARED_ON:
                self.db.execute(PREPARE_RECORD_ALL)
                _PREPARED_ON.add(connection)
            ((recorded,),) = self._execute(
                EXECUTE_RECORD_ALL, {"kinds": [kind for kind, _ in rows], **columns}
            ).fetchall()
            return recorded
        return self._record_on_sqlite(rows)

    def _record_on_sqlite(self, rows: list[tuple[str, AdEvent]]) -> int:
        # No data-modifying CTE: the ads that exist, each counter raised per increment,
        # then the rows (SQLite runs one writer at a time: nothing can come between).
        marks, params = self._in("a", sorted({e.ad_id for _, e in rows}))
        existing = {
            row[0]
            for row in self._execute(f"SELECT id FROM ads WHERE id IN ({marks})", params).fetchall()
        }
        kept = [(kind, e) for kind, e in rows if e.ad_id in existing]
        for kind in EVENT_KINDS:
            per_ad = Counter(e.ad_id for k, e in kept if k == kind and e.counted)
            for increment in sorted(set(per_ad.values())):
                marks, params = self._in(
                    "a", sorted(a for a, n in per_ad.items() if n == increment)
                )
                self._execute(
                    f"UPDATE ads SET {kind} = {kind} + $increment WHERE id IN ({marks})",
                    {"increment": increment, **params},
                )
            of_kind = [e for k, e in kept if k == kind]
            if of_kind:
                self._insert(kind, of_kind)
        return len(kept)

    def _insert(self, kind: str, events: Sequence[AdEvent]) -> None:
        params: dict[str, Any] = {}
        rows = []
        for i, event in enumerate(events):
            names = [f"{c}{i}" for c in _EVENT_COLUMNS]
            params.update({n: getattr(event, c) for n, c in zip(names, _EVENT_COLUMNS)})
            rows.append("(" + ", ".join(f"${n}" for n in names) + ")")
        self._execute(
            f"INSERT INTO {kind} ({', '.join(_EVENT_COLUMNS)}) VALUES " + ", ".join(rows), params
        )

    def top_by_ctr(self, limit: int, min_impressions: int = 1) -> list[Ad]:
        rows = self._select(
            f"SELECT {', '.join(_AD_COLUMNS)} FROM ads "
            "WHERE impressions > 0 AND impressions >= $least "
            "ORDER BY clicks * 1.0 / impressions DESC, impressions DESC, id DESC "
            "LIMIT $limit",
            {"limit": limit, "least": min_impressions},
        )
        return [self._ad(row) for row in rows]


class PonyAdEventRepository(_RawSql, PonyRepository):
    def counted_since(self, keys: Sequence[VisitKey], since: datetime) -> set[VisitKey]:
        if not keys:
            return set()
        if self.pdb.dialect == "postgresql":
            columns = {f"{c}s": [key[i] for key in keys] for i, c in enumerate(_KEY_COLUMNS)}
            rows = self._select(
                COUNTED_SINCE_SQL[_checked(self.table)], {"since": since, **columns}
            )
        else:
            params: dict[str, Any] = {"since": since}
            values = []
            for i, key in enumerate(keys):
                names = [f"{c}{i}" for c in _KEY_COLUMNS]
                params.update(zip(names, key))
                values.append("(" + ", ".join(f"${n}" for n in names) + ")")
            # (Pony's select wants SELECT first; SQLite names VALUES' columns columnN.)
            rows = self._select(
                "SELECT k.column1, k.column2, k.column3, k.column4 "
                f"FROM (VALUES {', '.join(values)}) AS k "
                f"WHERE EXISTS (SELECT 1 FROM {_checked(self.table)} e WHERE e.counted "
                "AND e.ad_id = k.column1 AND e.ip = k.column3 AND e.created_at >= $since "
                "AND e.placement = k.column2 AND e.user_agent = k.column4)",
                params,
            )
        return {(ad_id, placement, ip, agent) for ad_id, placement, ip, agent in rows}

    def counted_per_ip_since(
        self, ad_ids: Sequence[int], ip_group: str, since: datetime
    ) -> dict[int, int]:
        if not ad_ids:
            return {}
        # Served by the partial index `<table>_ip_cap_idx` (migration 0012).
        marks, params = self._in("a", list(ad_ids))
        rows = self._select(
            f"SELECT ad_id, COUNT(*) FROM {_checked(self.table)} WHERE counted "
            f"AND ip_group = $ip_group AND ad_id IN ({marks}) AND created_at >= $since "
            "GROUP BY ad_id",
            {"ip_group": ip_group, "since": since, **params},
        )
        return {ad_id: count for ad_id, count in rows}

    def outcomes_by_day(
        self, ad_id: int, since: datetime, until: datetime
    ) -> dict[date, dict[str | None, int]]:
        rows = self._select(
            f"SELECT date(created_at), filter_reason, COUNT(*) FROM {self.table} "
            "WHERE ad_id = $ad_id AND created_at >= $since AND created_at < $until "
            "GROUP BY date(created_at), filter_reason",
            {"ad_id": ad_id, "since": since, "until": until},
        )
        days: dict[date, dict[str | None, int]] = {}
        for day, reason, count in rows:
            # PostgreSQL answers dates, SQLite 'YYYY-MM-DD' text.
            key = day if isinstance(day, date) else date.fromisoformat(day)
            days.setdefault(key, {})[reason] = count
        return days

    def forget_visitors(self, before: datetime, batch: int) -> int:
        table = _checked(self.table)
        return self._execute(
            f"UPDATE {table} SET ip = NULL, user_agent = NULL, ip_group = NULL WHERE id IN ("
            f"SELECT id FROM {table} WHERE created_at < $before "
            "AND (ip IS NOT NULL OR user_agent IS NOT NULL) LIMIT $batch)",
            {"before": before, "batch": batch},
        ).rowcount
