"""Reale's simulate stage."""
