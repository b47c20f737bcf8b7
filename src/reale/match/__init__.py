"""Reale's match stage."""
