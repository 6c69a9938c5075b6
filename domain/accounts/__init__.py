"""Accounts: users, passwords, sign-in tokens."""
