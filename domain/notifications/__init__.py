"""Telling the operator: signed outgoing webhooks (Standard Webhooks v1) and Telegram
sale notices, queued in the unit of work of the change that causes them and delivered
by the worker (issue 24)."""
