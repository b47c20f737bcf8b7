"""Reale's signals stage."""
