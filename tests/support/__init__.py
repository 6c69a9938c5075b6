"""Test harness shared by every test package."""
