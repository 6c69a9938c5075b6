"""Ads: placement rules, serving and tracking, administration."""
