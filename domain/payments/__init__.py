"""Buying: pricing, checkouts, gateways, webhooks, settlement and subscriptions."""
