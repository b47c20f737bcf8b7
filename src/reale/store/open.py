"""``open_store(url)``: the one way in, picking the backend from the URL."""

from __future__ import annotations

from pathlib import Path

from reale.clock import Clock
from reale.errors import StoreError
from reale.store.base import Store
from reale.store.migrations import MIGRATIONS_DIR
from reale.store.url import parse_store_url, redact


def open_store(url: str, *, migrate: bool = True, read_timeout: float = 5.0,
               clock: Clock | None = None, migrations_dir: Path = MIGRATIONS_DIR) -> Store:
    """Open the store at ``url`` and (by default) bring its schema up to date.

    ``read_timeout`` (seconds) boxes every read; ``clock`` stamps ``stored_at``/``updated_at``.
    A wrong URL raises :class:`reale.errors.ConfigError`; an unreachable server
    :class:`reale.errors.StoreUnavailable`.
    """
    parsed = parse_store_url(url)
    store: Store
    if parsed.dialect == "sqlite":
        from reale.store.sqlite import SQLiteStore

        store = SQLiteStore(parsed, url=redact(url), read_timeout=read_timeout, clock=clock,
                            migrations_dir=migrations_dir)
    else:
        from reale.store.postgres import PostgresStore

        store = PostgresStore(parsed, url=redact(url), read_timeout=read_timeout, clock=clock,
                              migrations_dir=migrations_dir)
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store


def open_existing_store(url: str, *, migrate: bool = False) -> Store:
    """Open a store that must already exist: for commands that only read or change what is there.

    A SQLite file that is not there raises :class:`reale.errors.StoreError` ("no store at PATH")
    and nothing is created, so a mistyped path is an error rather than a new empty store. A
    PostgreSQL database is opened as usual (the server says if it is missing).
    """
    parsed = parse_store_url(url)
    if parsed.dialect == "sqlite" and not parsed.in_memory and not Path(parsed.target).is_file():
        raise StoreError(f"no store at {parsed.target} (nothing was created): check the path, "
                         "or create one with `reale store migrate --store URL` or `reale run`")
    return open_store(url, migrate=migrate)
