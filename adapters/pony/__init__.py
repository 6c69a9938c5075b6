"""Pony ORM persistence over the yoyo-owned schema (SQLite embedded, PostgreSQL)."""
