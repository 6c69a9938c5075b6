"""The PostgreSQL catalogue as the adoption reads it: tables, columns (type, NOT NULL,
default), constraints, indexes and primary keys of one schema, plus the small query
helpers the planning uses."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from attrs import frozen


def rows(cur, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    cur.execute(sql, params)
    return list(cur.fetchall())


def tables(cur, schema: str) -> set[str]:
    return {
        r[0] for r in rows(cur, "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))
    }


@frozen
class Column:
    name: str
    type: str
    not_null: bool
    default: str | None


def columns(cur, schema: str, table: str) -> dict[str, Column]:
    # pg_get_expr prints names relative to the search_path, which _in_schema sets.
    found = rows(
        cur,
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum""",
        (schema, table),
    )
    return {r[0]: Column(r[0], r[1], r[2], r[3]) for r in found}


@frozen
class Constraint:
    name: str
    kind: str  # c (check), u (unique), f (foreign key), p (primary key)
    definition: str
    columns: tuple[str, ...]


def constraints(cur, schema: str, table: str) -> list[Constraint]:
    found = rows(
        cur,
        """
        SELECT con.conname, con.contype, pg_get_constraintdef(con.oid),
               ARRAY(SELECT a.attname FROM unnest(con.conkey) k
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k
                     ORDER BY a.attname)
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relname = %s""",
        (schema, table),
    )
    return [Constraint(r[0], r[1], r[2], tuple(r[3])) for r in found]


@frozen
class Index:
    name: str
    definition: str  # CREATE [UNIQUE] INDEX name ON table USING ...
    shape: str  # the definition without its name and schema: what it indexes
    unique: bool
    constraint_backed: bool


def indexes(cur, schema: str, table: str) -> list[Index]:
    found = rows(
        cur,
        """
        SELECT i.indexname, i.indexdef, ix.indisunique,
               EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid)
        FROM pg_indexes i
        JOIN pg_class ic ON ic.relname = i.indexname
        JOIN pg_namespace n ON n.oid = ic.relnamespace AND n.nspname = i.schemaname
        JOIN pg_index ix ON ix.indexrelid = ic.oid
        WHERE i.schemaname = %s AND i.tablename = %s""",
        (schema, table),
    )
    return [Index(r[0], r[1], index_shape(r[1], schema), r[2], r[3]) for r in found]


def index_shape(definition: str, schema: str) -> str:
    shape = re.sub(r"^CREATE (UNIQUE )?INDEX \S+ ON ", r"\1", definition)
    return shape.replace(f"{schema}.", "")


def in_schema(cur, schema: str) -> None:
    cur.execute(f"SET LOCAL search_path TO {schema}")


def pk_of(cur, table: str) -> str:
    for con in constraints(cur, "public", table):
        if con.kind == "p" and len(con.columns) == 1:
            return con.columns[0]
    return "ctid"


def ids(cur, sql: str) -> tuple[Any, ...]:
    return tuple(r[0] for r in rows(cur, sql))
