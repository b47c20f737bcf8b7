"""The embedded backend: SQLite in WAL mode, one write connection, pooled reader connections.

WAL lets readers run while the writer commits; ``synchronous=NORMAL`` keeps every committed
batch safe from an application crash (a power loss may drop the last few, never corrupts).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from reale.clock import Clock
from reale.errors import StoreError, StoreUnavailable
from reale.store.base import Store
from reale.store.dialect import SQLITE
from reale.store.pool import ConnectionPool
from reale.store.tx import Tx
from reale.store.url import StoreURL

_TRANSIENT = ("locked", "busy", "disk is full", "disk i/o error")


def translate(exc: sqlite3.Error, where: str) -> StoreError:
    """A SQLite error as Reale's: transient ones (locked, busy, full) say a retry may work."""
    msg = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and any(t in msg.lower() for t in _TRANSIENT):
        return StoreUnavailable(f"SQLite store {where} is unavailable ({msg}); retry later")
    if "no such table" in msg:
        return StoreError(f"SQLite store {where}: {msg}: run store.migrate() (reale store migrate)")
    return StoreError(f"SQLite store {where}: {msg}")


class SQLiteStore(Store):
    dialect = SQLITE

    def __init__(self, parsed: StoreURL, *, url: str, read_timeout: float, clock: Clock | None,
                 migrations_dir: Path) -> None:
        super().__init__(url=url, read_timeout=read_timeout, clock=clock,
                         migrations_dir=migrations_dir)
        self._parsed = parsed
        self._where = parsed.target
        if not parsed.in_memory:
            try:
                Path(parsed.target).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder of SQLite store {parsed.target}: "
                                 f"{exc.strerror}") from exc
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = self._connect(writer=True)
        self._readers: ConnectionPool[sqlite3.Connection] | None = None
        if not parsed.in_memory:  # a :memory: database exists only on its one connection
            self._readers = ConnectionPool(lambda: self._connect(writer=False), _close)

    def _connect(self, *, writer: bool) -> sqlite3.Connection:
        p = self._parsed
        try:
            conn = sqlite3.connect(p.target, timeout=p.busy_timeout_ms / 1000,
                                   isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(p.busy_timeout_ms)}")
            if writer:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(f"PRAGMA synchronous = {p.synchronous}")
                # Checkpoint every ~40 MB of WAL instead of ~4 MB (1.5x the batch rate here),
                # and truncate the WAL file back to 64 MB after a checkpoint.
                conn.execute("PRAGMA wal_autocheckpoint = 10000")
                conn.execute("PRAGMA journal_size_limit = 67108864")
            else:
                conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise translate(exc, self._where) from exc
        return conn

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the store {self.url} is closed")
        return self._conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self._lock:
            conn = self._live()
            try:
                conn.execute("BEGIN IMMEDIATE")  # take the write lock now, not mid-transaction
                yield Tx(conn.cursor(), SQLITE)
                conn.execute("COMMIT")
            except BaseException as exc:
                _rollback(conn)
                if isinstance(exc, sqlite3.Error):
                    raise translate(exc, self._where) from exc
                raise

    @contextlib.contextmanager
    def reading(self, timeout: float | None = None) -> Iterator[Tx]:
        limit = self.read_timeout if timeout is None else timeout
        if self._readers is None:
            with self._lock, self._timed(self._live(), limit, shared=True) as tx:
                yield tx
        else:
            if self._conn is None:
                raise StoreError(f"the store {self.url} is closed")
            with self._readers.connection() as conn, self._timed(conn, limit) as tx:
                yield tx

    @contextlib.contextmanager
    def _timed(self, conn: sqlite3.Connection, limit: float, shared: bool = False
               ) -> Iterator[Tx]:
        deadline = time.monotonic() + limit
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
        try:
            if shared:  # the writer's own connection: read-only for the length of the block
                conn.execute("PRAGMA query_only = ON")
            conn.execute("BEGIN")  # one consistent snapshot for all queries of the block
            yield Tx(conn.cursor(), SQLITE)
        except sqlite3.Error as exc:
            if "interrupted" in str(exc):
                raise StoreError(f"read from SQLite store {self._where} took longer than "
                                 f"{limit:g} s and was stopped; narrow the query") from exc
            raise translate(exc, self._where) from exc
        finally:
            _rollback(conn)
            conn.set_progress_handler(None, 0)
            if shared:
                conn.execute("PRAGMA query_only = OFF")

    def _has_table(self, tx: Tx, name: str) -> bool:
        return tx.query_one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            (name,)) is not None

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()
            if self._readers is not None:
                self._readers.close()


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _close(conn: sqlite3.Connection) -> None:
    conn.close()
