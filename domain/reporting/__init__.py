"""Figures for administrators: the dashboard."""
