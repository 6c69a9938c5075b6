"""The three persistence set-ups the contract suite runs against."""

from __future__ import annotations

from adapters.memory.unit_of_work import MemoryStore, MemoryUnitOfWork
from adapters.schema import FOREIGN_KEYS, TABLES


class Backend:
    """A named persistence set-up: `uow()` makes a unit of work on it."""

    def __init__(self, name: str, database: object, url: str | None = None):
        self.name = name
        self.database = database  # MemoryStore or PonyDatabase
        self.url = url
        if isinstance(database, MemoryStore):
            self.uow = lambda: MemoryUnitOfWork(database)
        else:
            from adapters.pony.unit_of_work import PonyUnitOfWorkFactory

            self.uow = PonyUnitOfWorkFactory(database)

    @property
    def is_pony(self) -> bool:
        return not isinstance(self.database, MemoryStore)

    def query_count(self) -> int:
        return self.database.query_count() if self.is_pony else 0

    def reset_query_count(self) -> None:
        if self.is_pony:
            self.database.reset_query_count()


def table_names_children_first() -> list[str]:
    """Every table, children before parents (for deleting all rows)."""
    tables = [t for t, _, _ in TABLES.values()]
    parents = {t: {p for c, _, p, _ in FOREIGN_KEYS if c == t} for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        for t in tables:
            if t in ordered:
                continue
            children = [c for c in tables if t in parents[c] and c not in ordered]
            if not children:
                ordered.append(t)
    return ordered


def clear_pony(pdb) -> None:
    """Empty every table and reset id sequences, between tests."""
    from pony.orm import db_session

    tables = table_names_children_first()
    with db_session:
        if pdb.dialect == "postgresql":
            pdb.db.execute(f"TRUNCATE TABLE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                pdb.db.execute(f"DELETE FROM {table}")
            pdb.db.execute("DELETE FROM sqlite_sequence")


BACKENDS = ["memory", "sqlite", "postgres"]
_PG_RESET_SQL: dict[str, str] = {}


def reset_database(pdb) -> None:
    """Empty every table and restart the id sequences, between tests. On PostgreSQL in one
    round trip of DELETEs (children first) and sequence restarts: a TRUNCATE of every
    table (`clear_pony`) costs ~5 times as much, paid by every test on PostgreSQL."""
    if pdb.dialect != "postgresql":
        clear_pony(pdb)
        return
    from pony.orm import db_session

    with db_session:
        if pdb.url not in _PG_RESET_SQL:
            tables = table_names_children_first()
            sequences = pdb.db.select(
                "SELECT pg_get_serial_sequence(quote_ident(table_name), column_name) "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name IN $(tuple(tables))",
                {"tables": tables},
            )
            _PG_RESET_SQL[pdb.url] = "; ".join(
                [f"DELETE FROM {table}" for table in tables]
                + [f"ALTER SEQUENCE {seq} RESTART" for seq in sequences if seq]
            )
        pdb.db.execute(_PG_RESET_SQL[pdb.url])


def make_backend(name: str, request) -> Backend:
    if name == "memory":
        return Backend("memory", MemoryStore())
    pdb = request.getfixturevalue(f"{name}_database")
    reset_database(pdb)
    return Backend(name, pdb, pdb.url)
