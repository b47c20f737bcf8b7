"""Reale's bench stage."""
