"""The original CreatorFlix's three notification triggers (a sale, a new user, an
active subscription: each calls a plpython3u function that shells out to curl with a
hard-coded hub URL). A database taken over keeps them (`creatorflix migrate` lists them);
`creatorflix original-triggers disable|enable` switches them off and back on once the
operator is told by our webhooks or Telegram instead. Nothing is dropped."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.pg_catalogue import rows

# (table, trigger) as the original's migration 0001_initial_setup_and_triggers made them.
TRIGGERS: tuple[tuple[str, str], ...] = (
    ("checkouts", "sale_completed_trigger"),
    ("users", "user_registered_trigger"),
    ("subscriptions", "subscription_active_trigger"),
)
STATES = {"O": "enabled", "A": "enabled (always)", "R": "enabled (replica)", "D": "disabled"}


class NotOnThisDatabase(Exception):
    """The database is not PostgreSQL: the original's triggers cannot be there."""


def _states(cur) -> dict[tuple[str, str], str]:
    found = rows(
        cur,
        """
        SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT t.tgisinternal""",
    )
    return {(table, trigger): str(mode) for table, trigger, mode in found}


def _lines(states: dict[tuple[str, str], str]) -> list[str]:
    return [
        f"{trigger} on {table}: "
        + (
            STATES.get(states[(table, trigger)], "?")
            if (table, trigger) in states
            else "not present"
        )
        for table, trigger in TRIGGERS
    ]


def _connect(url: str):
    if not url.startswith(("postgresql://", "postgres://")):
        raise NotOnThisDatabase(
            "only a PostgreSQL database taken over from the original "
            "CreatorFlix has its notification triggers"
        )
    import psycopg2

    return psycopg2.connect(url)


def status(url: str) -> list[str]:
    """One line per trigger: enabled, disabled or not present."""
    conn = _connect(url)
    try:
        with conn.cursor() as cur:
            return _lines(_states(cur))
    finally:
        conn.close()


def switch(url: str, enable: bool) -> list[str]:
    """Enable or disable the three triggers that exist (in one transaction); the lines
    say how each is now."""
    conn = _connect(url)
    try:
        with conn.cursor() as cur:
            present = _states(cur)
            for table, trigger in _present(present, TRIGGERS):
                action = "ENABLE" if enable else "DISABLE"
                cur.execute(f'ALTER TABLE public."{table}" {action} TRIGGER "{trigger}"')
            after = _states(cur)
        conn.commit()
        return _lines(after)
    finally:
        conn.close()


def _present(states: dict, wanted: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [pair for pair in wanted if pair in states]
