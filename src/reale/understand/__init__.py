"""Reale's understand stage."""
