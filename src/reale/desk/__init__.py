"""Reale's desk stage."""
