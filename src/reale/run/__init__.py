"""Reale's run stage."""
