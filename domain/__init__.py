"""The pure core of CreatorFlix: entities, rules and use cases. No I/O, no frameworks."""
