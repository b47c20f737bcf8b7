"""Reale's sources stage."""
