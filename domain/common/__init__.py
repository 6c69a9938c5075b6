"""Shared by every capability: domain errors, input fields, pagination, generic admin CRUD."""
