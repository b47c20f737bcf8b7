"""Helpers for the tests that upgrade a store: both backends as one fixture, and the shipped
migrations cut at a version (a store as an older release left it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reale.store.migrations import MIGRATIONS_DIR


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store on SQLite, then on the embedded PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/reale.sqlite"
    return str(request.getfixturevalue("fresh_postgres_url"))


def migrations_until(version: int, tmp_path: Path) -> Path:
    """A migrations folder holding the shipped migrations up to ``version``."""
    folder = tmp_path / f"migrations-{version}"
    folder.mkdir()
    for path in MIGRATIONS_DIR.glob("*.sql"):
        if int(path.name[:4]) <= version:
            shutil.copy(path, folder / path.name)
    return folder
