"""Adopting, in place, a PostgreSQL database the original CreatorFlix (Bun + Drizzle)
created: its tables become our baseline (migrations 0001-0006) without dropping or
rewriting any original column or row.

How: inside ONE transaction, our baseline migrations are run into a scratch schema
(the reference); the catalogue of `public` is compared with it and the differences
become a plan — tables, columns, types (json -> jsonb), defaults, NOT NULLs, CHECKs,
unique keys, foreign keys and indexes that we add. Existing rows that would break an
addition are either normalised, when the fix is unambiguous (a NULL where our column
has a constant default: NULL counters -> 0, NULL role -> 'user'), or reported as
blockers naming the table, the constraint and the row ids — then nothing is changed.
What the original has beyond our schema (its extra columns, constraints, the
operator's triggers and functions, Drizzle's journal) is left alone and reported.
The reference schema is dropped before the transaction ends; a dry run rolls back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from attrs import define, field, frozen

from adapters.pg_catalogue import (
    Constraint,
    columns,
    constraints,
    ids,
    in_schema,
    indexes,
    pk_of,
    rows,
    tables,
)

REFERENCE_SCHEMA = "creatorflix_adoption_reference"
# Our migrations that together describe the original's tables (and ours around them).
BASELINE = (
    "0001_accounts_catalog",
    "0002_payments",
    "0003_whitelabel",
    "0004_ads",
    "0005_checkout_payment_data",
    "0006_original_columns",
)
# Tables whose presence (without our migration log) says "the original made this".
ORIGINAL_MARKERS = ("users", "plans", "checkouts", "subscriptions")
_BLOCKER_IDS_SHOWN = 20
# A table of ours saying "adopted": the baseline's tables are the original's, and its
# rollback (DROP TABLE users...) must never run on them.
ADOPTED_MARKER = "creatorflix_adoption"


class RollbackRefused(Exception):
    """A rollback that would undo the baseline of an adopted original database."""


@frozen
class Step:
    """One change of the plan: what it does, in words and in SQL."""

    table: str
    description: str
    sql: tuple[str, ...]


@frozen
class Blocker:
    """Rows that stop the adoption: they break `constraint` and no fix is unambiguous."""

    table: str
    constraint: str
    row_ids: tuple[Any, ...]
    reason: str

    def __str__(self) -> str:
        shown = ", ".join(map(str, self.row_ids[:_BLOCKER_IDS_SHOWN]))
        more = (
            f" (+{len(self.row_ids) - _BLOCKER_IDS_SHOWN} more)"
            if len(self.row_ids) > _BLOCKER_IDS_SHOWN
            else ""
        )
        return f"{self.table}: {self.constraint}: {self.reason}; rows {shown}{more}"


@define
class AdoptionPlan:
    normalisations: list[Step] = field(factory=list)
    changes: list[Step] = field(factory=list)
    blockers: list[Blocker] = field(factory=list)
    kept: list[str] = field(factory=list)  # triggers, functions, journal...
    pending_card_checkouts: list[tuple[int, str | None, int]] = field(factory=list)
    checkouts_to_link: int = 0

    @property
    def steps(self) -> list[Step]:
        return self.normalisations + self.changes

    def lines(self) -> list[str]:
        """The plan as an operator reads it."""
        out = ["adopting a database created by the original CreatorFlix"]
        for title, steps in (
            ("normalise existing rows", self.normalisations),
            ("add to the schema", self.changes),
        ):
            if steps:
                out.append(f"{title}:")
                out.extend(f"  - {s.table}: {s.description}" for s in steps)
        if self.checkouts_to_link:
            out.append(
                f"link {self.checkouts_to_link} checkout(s) without user_id to the "
                "user with the same customer_email"
            )
        if self.kept:
            out.append("left in place (the operator's):")
            out.extend(f"  - {k}" for k in self.kept)
        if self.pending_card_checkouts:
            out.append(
                "pending card checkouts (Dias Marketplace cannot be read back: "
                "settle them by hand in its dashboard, then here):"
            )
            out.extend(
                f"  - checkout {cid} ({email or 'no email'}, {amount} cents)"
                for cid, email, amount in self.pending_card_checkouts
            )
        if self.blockers:
            out.append("BLOCKED — nothing was changed; fix these rows first:")
            out.extend(f"  - {b}" for b in self.blockers)
        return out


class AdoptionBlocked(Exception):
    def __init__(self, plan: AdoptionPlan):
        super().__init__("; ".join(map(str, plan.blockers)))
        self.plan = plan


# -- the reference: our baseline migrations, run into a scratch schema ----------------
def _migration_callables(steps: Iterable[Any]) -> Iterable[Any]:
    """The apply functions of yoyo's (possibly wrapped or grouped) steps."""
    for step in steps:
        inner = getattr(step, "step", None)
        if inner is not None:
            yield from _migration_callables([inner])
        elif hasattr(step, "steps"):
            yield from _migration_callables(step.steps)
        else:
            yield step._apply


def build_reference(conn, migrations_dir: str) -> None:
    from yoyo import read_migrations

    cur = conn.cursor()
    cur.execute(f"DROP SCHEMA IF EXISTS {REFERENCE_SCHEMA} CASCADE")
    cur.execute(f"CREATE SCHEMA {REFERENCE_SCHEMA}")
    in_schema(cur, REFERENCE_SCHEMA)
    migrations = {m.id: m for m in read_migrations(migrations_dir)}
    for mid in BASELINE:
        migration = migrations[mid]
        migration.load()
        for apply in _migration_callables(migration.steps):
            if isinstance(apply, str):
                cur.execute(apply)
            else:
                apply(conn)
    in_schema(cur, "public")


# -- detection -------------------------------------------------------------------------
def is_original(conn) -> bool:
    """True when `public` holds the original's tables and our migration log does not
    record our baseline."""
    cur = conn.cursor()
    present = tables(cur, "public")
    if not all(t in present for t in ORIGINAL_MARKERS):
        return False
    if "_yoyo_migration" not in present:
        return True
    applied = {r[0] for r in rows(cur, "SELECT migration_id FROM _yoyo_migration")}
    return not applied & set(BASELINE)


# -- planning --------------------------------------------------------------------------
def _constant_default(default: str | None) -> bool:
    """A default that is a literal (0, false, 'user'::text), not now() or a sequence."""
    if default is None:
        return False
    return re.fullmatch(r"(-?\d+|true|false|'[^']*'(::[a-z ]+)?)", default) is not None


def _check_expression(definition: str) -> str:
    return re.sub(r"^CHECK \((.*)\)( NOT VALID)?$", r"\1", definition)


def _plan_table_create(cur, plan: AdoptionPlan, table: str) -> None:
    ref = f"{REFERENCE_SCHEMA}.{table}"
    sql = [
        f"CREATE TABLE public.{table} (LIKE {ref} INCLUDING DEFAULTS "
        "INCLUDING CONSTRAINTS INCLUDING INDEXES)"
    ]
    for col in columns(cur, REFERENCE_SCHEMA, table).values():
        if col.default and col.default.startswith("nextval("):
            seq = f"{table}_{col.name}_seq"
            sql += [
                f"CREATE SEQUENCE public.{seq} OWNED BY public.{table}.{col.name}",
                f"ALTER TABLE public.{table} ALTER COLUMN {col.name} "
                f"SET DEFAULT nextval('public.{seq}')",
            ]
    plan.changes.append(Step(table, "create table (ours)", tuple(sql)))


def _plan_columns(cur, plan: AdoptionPlan, table: str) -> None:
    ours = columns(cur, REFERENCE_SCHEMA, table)
    theirs = columns(cur, "public", table)
    pk = pk_of(cur, table)
    for name, col in ours.items():
        have = theirs.get(name)
        if have is None:
            parts = [f"ALTER TABLE {table} ADD COLUMN {name} {col.type}"]
            if col.default is not None:
                parts.append(f"DEFAULT {col.default}")
            if col.not_null:
                parts.append("NOT NULL")
            plan.changes.append(Step(table, f"add column {name} {col.type}", (" ".join(parts),)))
            continue
        if have.type != col.type:
            plan.changes.append(
                Step(
                    table,
                    f"{name}: {have.type} -> {col.type}",
                    (
                        f"ALTER TABLE {table} ALTER COLUMN {name} TYPE {col.type} "
                        f"USING {name}::{col.type}",
                    ),
                )
            )
        if (
            col.default is not None
            and have.default != col.default
            and not col.default.startswith("nextval(")
        ):
            plan.changes.append(
                Step(
                    table,
                    f"{name}: default {col.default}",
                    (f"ALTER TABLE {table} ALTER COLUMN {name} SET DEFAULT {col.default}",),
                )
            )
        if col.not_null and not have.not_null:
            nulls = ids(cur, f"SELECT {pk} FROM public.{table} WHERE {name} IS NULL ORDER BY 1")
            if nulls and _constant_default(col.default):
                plan.normalisations.append(
                    Step(
                        table,
                        f"{name}: {len(nulls)} NULL(s) -> {col.default}",
                        (f"UPDATE {table} SET {name} = {col.default} WHERE {name} IS NULL",),
                    )
                )
            elif nulls:
                plan.blockers.append(
                    Blocker(
                        table,
                        f"{name} NOT NULL",
                        nulls,
                        "NULL and no unambiguous value to put there",
                    )
                )
            plan.changes.append(
                Step(
                    table,
                    f"{name}: NOT NULL",
                    (f"ALTER TABLE {table} ALTER COLUMN {name} SET NOT NULL",),
                )
            )


def _normalised_nulls(plan: AdoptionPlan, table: str) -> dict[str, str]:
    """column -> the constant the plan puts in its NULLs (checks then see that value)."""
    found = {}
    for step in plan.normalisations:
        match = re.fullmatch(rf"UPDATE {table} SET (\w+) = (.+) WHERE \1 IS NULL", step.sql[0])
        if step.table == table and match:
            found[match.group(1)] = match.group(2)
    return found


def _add_constraint(
    cur,
    plan: AdoptionPlan,
    table: str,
    con: Constraint,
    offending: tuple[Any, ...],
    reason: str,
    description: str,
) -> None:
    """Plan `con` on the original's table; the rows breaking it block the adoption."""
    if offending:
        plan.blockers.append(Blocker(table, con.name, offending, reason))
    plan.changes.append(
        Step(
            table,
            description,
            (f"ALTER TABLE {table} ADD CONSTRAINT {_free_name(cur, con.name)} {con.definition}",),
        )
    )


def _plan_constraints(cur, plan: AdoptionPlan, table: str) -> None:
    theirs = constraints(cur, "public", table)
    pk = pk_of(cur, table)
    fills = _normalised_nulls(plan, table)
    for con in constraints(cur, REFERENCE_SCHEMA, table):
        if con.kind == "p":
            continue
        if con.kind == "c":
            if any(t.kind == "c" and t.definition == con.definition for t in theirs):
                continue
            expr = _check_expression(con.definition)
            # Rows checked as they will be once their NULLs are normalised.
            subject = (
                f"public.{table}"
                if not fills
                else "(SELECT "
                + ", ".join(
                    [f"{pk}"]
                    + [f"COALESCE({c}, {v}) AS {c}" for c, v in fills.items()]
                    + [c for c in columns(cur, "public", table) if c not in fills and c != pk]
                )
                + f" FROM public.{table}) AS t"
            )
            bad = ids(cur, f"SELECT {pk} FROM {subject} WHERE NOT ({expr}) ORDER BY 1")
            _add_constraint(
                cur,
                plan,
                table,
                con,
                bad,
                f"breaks {con.definition}",
                f"constraint {con.name} {con.definition}",
            )
        elif con.kind == "u":
            if any(t.kind in "up" and set(t.columns) == set(con.columns) for t in theirs):
                continue
            cols = ", ".join(con.columns)
            dups = ids(
                cur,
                f"SELECT {pk} FROM public.{table} WHERE ({cols}) IN (SELECT "
                f"{cols} FROM public.{table} GROUP BY {cols} "
                "HAVING count(*) > 1) ORDER BY 1",
            )
            _add_constraint(cur, plan, table, con, dups, f"duplicate ({cols})", f"unique ({cols})")
        elif con.kind == "f":
            target = re.search(r"REFERENCES (\w+)\((\w+)\)", con.definition)
            if any(
                t.kind == "f"
                and t.columns == con.columns
                and target
                and f"REFERENCES {target.group(1)}(" in t.definition
                for t in theirs
            ):
                continue
            orphans: tuple[Any, ...] = ()
            reason = ""
            if target:
                (col,) = con.columns
                parent, parent_col = target.groups()
                orphans = ids(
                    cur,
                    f"SELECT {pk} FROM public.{table} WHERE {col} IS NOT NULL "
                    f"AND {col} NOT IN (SELECT {parent_col} FROM "
                    f"public.{parent}) ORDER BY 1",
                )
                reason = f"{col} names a missing {parent} row"
            _add_constraint(cur, plan, table, con, orphans, reason, f"foreign key {con.definition}")


def _plan_indexes(cur, plan: AdoptionPlan, table: str) -> None:
    theirs = {i.shape for i in indexes(cur, "public", table)}
    pk = pk_of(cur, table)
    for index in indexes(cur, REFERENCE_SCHEMA, table):
        if index.constraint_backed or index.shape in theirs:
            continue
        if index.unique:
            cols = re.search(r"\(([^)]*)\)", index.shape)
            where = re.search(r" WHERE (.*)$", index.shape)
            if cols:
                sel = f"SELECT {cols.group(1)} FROM public.{table}" + (
                    f" WHERE {where.group(1)}" if where else ""
                )
                dups = ids(
                    cur,
                    f"SELECT {pk} FROM public.{table} WHERE ({cols.group(1)}) IN "
                    f"({sel} GROUP BY {cols.group(1)} HAVING count(*) > 1)"
                    + (f" AND {where.group(1)}" if where else "")
                    + " ORDER BY 1",
                )
                if dups:
                    plan.blockers.append(
                        Blocker(table, index.name, dups, f"duplicate {index.shape}")
                    )
        name = _free_name(cur, index.name)
        definition = index.definition.replace(f"{REFERENCE_SCHEMA}.", "public.").replace(
            f"INDEX {index.name} ON", f"INDEX {name} ON", 1
        )
        plan.changes.append(Step(table, f"index {index.shape}", (definition,)))


def _free_name(cur, name: str) -> str:
    """`name`, or name_cf when the original already has a relation/constraint by it."""
    taken = rows(
        cur,
        """
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = %s
        UNION ALL
        SELECT 1 FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
        WHERE n.nspname = 'public' AND con.conname = %s""",
        (name, name),
    )
    return f"{name}_cf" if taken else name


def _plan_kept(cur, plan: AdoptionPlan) -> None:
    for name, table in rows(
        cur,
        """
            SELECT t.tgname, c.relname FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND NOT t.tgisinternal ORDER BY 2, 1""",
    ):
        plan.kept.append(f"trigger {name} on {table}")
    for (name,) in rows(
        cur,
        """
            SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' ORDER BY 1""",
    ):
        plan.kept.append(f"function {name}")
    if "__drizzle_migrations" in tables(cur, "drizzle"):
        count = rows(cur, "SELECT count(*) FROM drizzle.__drizzle_migrations")[0][0]
        plan.kept.append(f"Drizzle's journal drizzle.__drizzle_migrations ({count} entries)")


def _plan_emails(cur, plan: AdoptionPlan) -> None:
    """We store emails lower-cased (and look them up so); the original kept them as
    typed. Lower-casing is unambiguous unless two accounts differ only by case."""
    clashes = ids(
        cur,
        """SELECT id FROM public.users WHERE lower(email) IN (
        SELECT lower(email) FROM public.users GROUP BY lower(email) HAVING count(*) > 1)
        ORDER BY 1""",
    )
    if clashes:
        plan.blockers.append(
            Blocker(
                "users",
                "users_email_unique (lower-cased)",
                clashes,
                "accounts whose emails differ only by case",
            )
        )
    mixed = rows(cur, "SELECT count(*) FROM public.users WHERE email <> lower(email)")[0][0]
    if mixed:
        plan.normalisations.append(
            Step(
                "users",
                f"email: {mixed} lower-cased",
                ("UPDATE users SET email = lower(email) WHERE email <> lower(email)",),
            )
        )


def _plan_history(cur, plan: AdoptionPlan) -> None:
    plan.checkouts_to_link = rows(
        cur,
        """
        SELECT count(*) FROM checkouts c WHERE c.user_id IS NULL AND EXISTS (
            SELECT 1 FROM users u WHERE lower(u.email) = lower(c.customer_email))""",
    )[0][0]
    plan.pending_card_checkouts = [
        (r[0], r[1], r[2])
        for r in rows(
            cur,
            """
            SELECT id, customer_email, total_amount FROM checkouts
            WHERE status = 'pending' AND payment_method = 'credit_card' ORDER BY id""",
        )
    ]


LINK_CHECKOUTS_SQL = """UPDATE checkouts c SET user_id = u.id FROM users u
    WHERE c.user_id IS NULL AND lower(u.email) = lower(c.customer_email)"""


def make_plan(conn, migrations_dir: str) -> AdoptionPlan:
    """The plan, computed inside the caller's transaction (which it leaves holding the
    reference schema: roll back, or call `apply_plan` which drops it)."""
    build_reference(conn, migrations_dir)
    cur = conn.cursor()
    in_schema(cur, "public")  # data queries below name public.<table> anyway
    plan = AdoptionPlan()
    ours = sorted(
        tables(cur, REFERENCE_SCHEMA)
        - {"_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock"}
    )
    theirs = tables(cur, "public")
    created = [t for t in ours if t not in theirs]
    for table in created:
        _plan_table_create(cur, plan, table)
    for table in ours:
        if table not in created:
            _plan_columns(cur, plan, table)
    for table in ours:
        if table not in created:
            _plan_indexes(cur, plan, table)
    # Constraints last: foreign keys of the new tables need their parents' keys.
    in_schema(cur, REFERENCE_SCHEMA)
    for table in ours:
        _plan_constraints(cur, plan, table) if table not in created else _plan_foreign_keys_of_new(
            cur, plan, table
        )
    in_schema(cur, "public")
    _plan_kept(cur, plan)
    _plan_emails(cur, plan)
    _plan_history(cur, plan)
    return plan


def _plan_foreign_keys_of_new(cur, plan: AdoptionPlan, table: str) -> None:
    for con in constraints(cur, REFERENCE_SCHEMA, table):
        if con.kind == "f":
            plan.changes.append(
                Step(
                    table,
                    f"foreign key {con.definition}",
                    (f"ALTER TABLE public.{table} ADD CONSTRAINT {con.name} {con.definition}",),
                )
            )


def apply_plan(conn, plan: AdoptionPlan) -> None:
    """Carry the plan out in the caller's transaction; AdoptionBlocked (nothing done)
    when rows stand in the way."""
    if plan.blockers:
        raise AdoptionBlocked(plan)
    cur = conn.cursor()
    in_schema(cur, "public")
    # The operator's triggers (e.g. a sale notification AFTER UPDATE ON checkouts) must
    # not fire for our own normalising updates: off for this transaction only.
    enabled = rows(
        cur,
        """
        SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgenabled <> 'D'""",
    )
    for table, trigger, _ in enabled:
        cur.execute(f'ALTER TABLE public.{table} DISABLE TRIGGER "{trigger}"')
    for step in plan.steps:
        for statement in step.sql:
            cur.execute(statement)
    cur.execute(LINK_CHECKOUTS_SQL)
    # Remembered, so that no rollback ever runs our baseline's DROPs on their tables.
    cur.execute(
        f"CREATE TABLE {ADOPTED_MARKER} (adopted_at timestamp NOT NULL "
        "DEFAULT (now() AT TIME ZONE 'utc'))"
    )
    cur.execute(f"INSERT INTO {ADOPTED_MARKER} DEFAULT VALUES")
    modes = {"O": "", "A": "ALWAYS ", "R": "REPLICA "}  # restored exactly as found
    for table, trigger, mode in enabled:
        cur.execute(f'ALTER TABLE public.{table} ENABLE {modes.get(mode, "")}TRIGGER "{trigger}"')
    cur.execute(f"DROP SCHEMA {REFERENCE_SCHEMA} CASCADE")
