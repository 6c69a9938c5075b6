"""Area-specific in-memory repositories (the unit of work builds one per table)."""
