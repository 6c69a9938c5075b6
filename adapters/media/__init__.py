"""Media processing adapters."""
