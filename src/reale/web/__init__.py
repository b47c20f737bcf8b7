"""Reale's web stage."""
