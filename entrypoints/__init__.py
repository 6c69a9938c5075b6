"""Entrypoints: configuration, the one wiring place (bootstrap), the HTTP app and the CLI."""
