"""The :class:`Store`: one logical schema and API over SQLite or PostgreSQL.

Backends supply connections (a write transaction, a time-boxed read); everything a caller sees —
idempotent batched writes, migrations, typed reads — lives here once.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from reale.clock import Clock, SystemClock
from reale.errors import StoreError
from reale.events import Author, Interaction, Mention, Post
from reale.store import migrations as mig
from reale.store import reads
from reale.store.deletes import PRUNE_EVERY, Eraser, prune
from reale.store.dialect import Dialect
from reale.store.records import (
    AuthorCount,
    AuthorUpdate,
    Bucket,
    Conversation,
    CursorUpdate,
    WriteResult,
)
from reale.store.retention import (
    BATCH,
    RETAIN_BATCHES,
    RETAIN_EVERY,
    Expirer,
    Pruned,
    count_due,
    cutoff,
    prune_batch,
)
from reale.store.rows import clean
from reale.store.tx import Params, Tx
from reale.store.writes import Batch, ExtraWriter, write_batch

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Chore:
    """A registered chore (:meth:`Store.register_chore`): what to run, how often, when last."""

    run: Callable[[float], object]
    every: float
    last: float = float("-inf")


class Store:
    """Posts, authors, mentions, interactions, cursors and snapshots in one database.

    Safe to share between threads: writes are serialised on one connection, reads use their own
    connections (on a SQLite file they run while a write is in progress, thanks to WAL).
    """

    dialect: Dialect

    def __init__(self, *, url: str, read_timeout: float, clock: Clock | None,
                 migrations_dir: Path) -> None:
        self.url = url  # redacted: safe to log
        self.read_timeout = read_timeout
        self.clock: Clock = clock or SystemClock()
        self._migrations_dir = migrations_dir
        self._extra: dict[type, ExtraWriter] = {}
        self._erasers: list[Eraser] = []
        self._expirers: list[Expirer] = []
        # [store] keep_text_days: a writing store erases the words of older posts, a batch a
        # minute (0: never); set by the runners from the config
        self.keep_text_days = 0
        self._retained_at = float("-inf")
        self._tombstones: bool | None = None  # whether the schema has deletions (0018)
        self._natives = False  # whether it keeps the networks' own post ids (0019)
        self._pruned_at = float("-inf")  # when this store last dropped stale tombstones
        self._chores: dict[str, _Chore] = {}  # by name (register_chore)

    # -- what a backend provides ------------------------------------------------------------
    def transaction(self) -> contextlib.AbstractContextManager[Tx]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        raise NotImplementedError

    def reading(self, timeout: float | None = None) -> contextlib.AbstractContextManager[Tx]:
        """A read-only block that fails with :class:`StoreError` after ``timeout`` seconds."""
        raise NotImplementedError

    def _lock_migrations(self, tx: Tx) -> None:
        """Keep two processes from migrating at once (inside the migration transaction)."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Store:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- migrations ---------------------------------------------------------------------------
    def migrate(self, *, backfill: bool = True) -> list[str]:
        """Apply pending migrations in one transaction; returns their names (``[]`` if none).
        Then (unless ``backfill`` is false) finish the backfills they left, a batch per
        transaction (:mod:`reale.store.backfill`)."""
        todo = mig.load_migrations(self.dialect, self._migrations_dir)
        with self.transaction() as tx:
            self._lock_migrations(tx)
            tx.run_script_statement(self.dialect.render(mig.CREATE_TABLE))
            pending = mig.pending(todo, self._applied(tx))
            for m in pending:
                for statement in m.statements:
                    tx.run_script_statement(statement)
                tx.execute("INSERT INTO schema_migrations (name, version, checksum, applied_at)"
                           " VALUES (?, ?, ?, ?)", (m.name, m.version, m.checksum, self.clock.now()))
            backfills = self._has_table(tx, "store_backfills")
        self._tombstones = None
        if backfills and backfill:
            from reale.store.backfill import fill_post_times

            fill_post_times(self)
        return [m.name for m in pending]

    def applied_migrations(self) -> list[mig.Applied]:
        """The migrations this database has, oldest first (empty before the first migrate)."""
        with self.reading() as tx:
            if not self._has_table(tx, "schema_migrations"):
                return []
            return self._applied(tx)

    def pending_migrations(self) -> list[str]:
        """Names of the migrations :meth:`migrate` would apply now."""
        todo = mig.load_migrations(self.dialect, self._migrations_dir)
        return [m.name for m in mig.pending(todo, self.applied_migrations())]

    def _applied(self, tx: Tx) -> list[mig.Applied]:
        found = tx.query("SELECT name, version, checksum, applied_at FROM schema_migrations"
                         " ORDER BY version, name")
        return [mig.Applied(name=r[0], version=int(r[1]), checksum=r[2], applied_at=float(r[3]))
                for r in found]

    def _has_table(self, tx: Tx, name: str) -> bool:
        raise NotImplementedError

    # -- writes -------------------------------------------------------------------------------
    def register_writer(self, kind: type, write: ExtraWriter) -> None:
        """Teach the store (and so the :class:`StoreWriter`) to write items of ``kind``.

        ``write(tx, items)`` runs inside the batch's transaction and returns the rows it changed;
        it must be idempotent by the items' natural key, like the core writes.
        """
        self._extra[kind] = write

    def register_eraser(self, erase: Eraser) -> None:
        """Have ``erase(tx, {uri: deleted_at})`` run in each batch that erases deleted posts
        (or stores posts already deleted): later parts erase what they keep of those posts."""
        if erase not in self._erasers:
            self._erasers.append(erase)

    def register_chore(self, name: str, chore: Callable[[float], object], every: float) -> None:
        """Have ``chore(now)`` run after a batch commits, at most once every ``every`` seconds of
        the store's clock, in the writing thread: upkeep that every writing process must do even
        when nobody reads (folding the rollups' marks, :mod:`reale.web.rollup`). A chore that
        fails is logged and tried again at its next turn; the batch it follows stays written.
        A chore registered again under the same ``name`` replaces the first."""
        self._chores[name] = _Chore(chore, float(every))

    def _run_chores(self) -> None:
        now = self.clock.now()
        for name, c in self._chores.items():
            if now - c.last >= c.every:
                c.last = now
                try:
                    c.run(now)
                except Exception:  # upkeep must never fail a write that committed
                    log.exception("store chore %s failed", name)

    def register_expirer(self, expire: Expirer) -> None:
        """Have ``expire(tx, {uri: created_at}, before)`` run with each batch of posts whose words
        :meth:`prune_texts` erases (later parts erase or close what they keep of them)."""
        if expire not in self._expirers:
            self._expirers.append(expire)

    def prune_texts(self, keep_days: int, *, dry_run: bool = False, limit: int = BATCH,
                    batches: int | None = None) -> Pruned:
        """Erase the words of the posts created more than ``keep_days`` days ago (by the store's
        clock), ``limit`` posts per transaction, at most ``batches`` transactions (None: until
        none is left). ``dry_run``: count them, change nothing. Idempotent."""
        if keep_days <= 0:
            return Pruned()
        before = cutoff(self.clock.now(), keep_days)
        if dry_run:
            with self.reading() as tx:
                return Pruned(posts=count_due(tx, before), before=before)
        total, done = 0, 0
        while batches is None or done < batches:
            with self.transaction() as tx:
                erased = prune_batch(tx, before, self.clock.now(), self._expirers, limit)
            total, done = total + erased, done + 1
            if erased < limit:
                break
        return Pruned(posts=total, before=before)

    def write_batch(self, items: Iterable[Any]) -> WriteResult:
        """Write a mix of posts, interactions, mentions (with their posts), author updates,
        cursor updates and registered kinds in one transaction. Idempotent by natural keys."""
        result = self._write_batch(items)
        self.upkeep()
        return result

    def upkeep(self) -> None:
        """Do what is due of the store's upkeep: the registered chores (each at its own pace) and,
        with ``keep_text_days`` set, a round of retention (at most once a minute). A writing
        store does this after each write; a process that writes nothing (``reale serve`` on its
        own) calls it on a timer (:class:`reale.store.upkeep.Upkeep`). Never raises for a
        failing part: it is logged and tried again at its next turn."""
        if self._chores:
            self._run_chores()
        now = self.clock.now()
        if self.keep_text_days <= 0 or now - self._retained_at < RETAIN_EVERY:
            return
        self._retained_at = now  # small batches of expired posts
        try:
            if self._tombstones is None:  # nothing written yet: read the schema
                with self.reading() as tx:
                    self._tombstones = self._has_table(tx, "deletions")
                    self._natives = self._has_table(tx, "native_ids")
            if self._natives:
                self.prune_texts(self.keep_text_days, batches=RETAIN_BATCHES)
        except StoreError:  # retention tries again in a minute
            log.exception("retention: erasing the words of expired posts failed")

    def _write_batch(self, items: Iterable[Any]) -> WriteResult:
        batch = Batch(items, self._extra)
        with self.transaction() as tx:
            if self._tombstones is None:  # a store of an older schema writes without them
                self._tombstones = self._has_table(tx, "deletions")
                self._natives = self._has_table(tx, "native_ids")
            now = self.clock.now()
            result = write_batch(tx, batch, now, self._extra,
                                 self._erasers if self._tombstones else None,
                                 natives=self._natives)
            if self._tombstones and now - self._pruned_at >= PRUNE_EVERY:
                self._pruned_at = now  # an hourly chore, in a batch's transaction
                prune(tx, now)
        return result

    def write_posts(self, posts: Sequence[Post]) -> WriteResult:
        return self.write_batch(posts)

    def write_authors(self, updates: Sequence[AuthorUpdate]) -> WriteResult:
        return self.write_batch(updates)

    def write_mentions(self, mentions: Sequence[Mention]) -> WriteResult:
        return self.write_batch(mentions)

    def write_interactions(self, interactions: Sequence[Interaction]) -> WriteResult:
        return self.write_batch(interactions)

    def set_cursor(self, source_id: str, cursor: str) -> None:
        self.write_batch([CursorUpdate(source_id, cursor)])

    def put_snapshot(self, name: str, blob: bytes) -> None:
        """Save a named state snapshot (last write wins)."""
        with self.transaction() as tx:
            tx.execute("INSERT INTO snapshots (name, blob, updated_at) VALUES (?, ?, ?)"
                       " ON CONFLICT (name) DO UPDATE SET blob = excluded.blob,"
                       " updated_at = excluded.updated_at", (clean(name), bytes(blob), self.clock.now()))

    # -- reads --------------------------------------------------------------------------------
    def query(self, sql: str, params: Params = (), *, timeout: float | None = None
              ) -> list[tuple[Any, ...]]:
        """A time-boxed read in the portable dialect (``?`` placeholders)."""
        with self.reading(timeout) as tx:
            return tx.query(sql, params)

    def get_cursor(self, source_id: str) -> str | None:
        with self.reading() as tx:
            return reads.get_cursor(tx, source_id)

    def get_snapshot(self, name: str) -> bytes | None:
        with self.reading() as tx:
            return reads.get_snapshot(tx, name)

    def get_post(self, uri: str) -> Post | None:
        with self.reading() as tx:
            return reads.get_post(tx, uri)

    def get_author(self, network: str, author_id: str) -> Author | None:
        with self.reading() as tx:
            return reads.get_author(tx, network, author_id)

    def recent_mentions(self, brand: str | None = None, since: float | None = None,
                        limit: int = 100, lang: str | None = None, *,
                        timeout: float | None = None) -> list[Mention]:
        with self.reading(timeout) as tx:
            return reads.recent_mentions(tx, brand, since, limit, lang)

    def count_mentions(self, brand: str | None, since: float, until: float,
                       bucket_seconds: float, *, timeout: float | None = None) -> list[Bucket]:
        with self.reading(timeout) as tx:
            return reads.count_mentions(tx, brand, since, until, bucket_seconds)

    def mention_count(self, brand: str | None = None) -> int:
        with self.reading() as tx:
            return reads.mention_count(tx, brand)

    def top_authors(self, brand: str, since: float | None = None, limit: int = 10, *,
                    timeout: float | None = None) -> list[AuthorCount]:
        with self.reading(timeout) as tx:
            return reads.top_authors(tx, brand, since, limit)

    def conversation(self, root_uri: str, limit: int = 1000, *,
                     timeout: float | None = None) -> Conversation:
        with self.reading(timeout) as tx:
            return reads.conversation(tx, root_uri, limit)

    def table_counts(self) -> dict[str, int]:
        """Rows per core table, and per desk table once its migration is applied."""
        applied = frozenset(m.name for m in self.applied_migrations())
        with self.reading() as tx:
            return reads.table_counts(tx, applied)


def closed_error(url: str) -> StoreError:
    return StoreError(f"the store {url} is closed")
