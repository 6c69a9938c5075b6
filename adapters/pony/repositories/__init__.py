"""Area-specific Pony repositories (the unit of work builds one per table)."""
