"""The catalogue: plans, order bumps, creators and their posts, settings, support
contacts, the paywall."""
