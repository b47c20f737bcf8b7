"""Reale's store stage."""
