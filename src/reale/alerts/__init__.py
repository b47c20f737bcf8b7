"""Reale's alerts stage."""
