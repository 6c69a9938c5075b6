"""The Falcon REST API."""
