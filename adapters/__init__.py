"""Adapters: implementations of the ports (persistence, storage, payments, security)."""
