"""Transports of notifications: signed webhooks over HTTP(S) behind an SSRF guard, and
the Telegram Bot API."""
