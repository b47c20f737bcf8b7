"""Rollups behind the brand pages: mentions per brand, post hour, sentiment and intent, and per
brand, post day and author, so a month of a busy brand costs a few thousand rows instead of tens
of thousands of joins. Mentions count by their post's time (``post_at``), like reports.

Exact by bucket, whenever a mention or its labels arrive: every write appends a mark
(``rollup_touches``) for each bucket it changes, in its own transaction
(:mod:`reale.store.buckets`); appends never wait on each other. Rolling a bucket claims its state
row (``rollup_states``, locked ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), deletes the marks it sees
and recounts the bucket from the mentions; a read takes a bucket from the rollup while it has no
mark and from the raw mentions otherwise, in one statement, so its counts always equal a direct
count by post time. Why no write is ever lost: see :meth:`Rollups.roll` and docs/web.md, "Rollups".
"""

from __future__ import annotations

import threading
from typing import Any

from reale.store import Store
from reale.store.buckets import DAY, HOUR, bucket_of
from reale.store.tx import Tx

LAG = 3600.0  # buckets are rolled once they ended this long ago (the live hour stays raw)
BATCH = 2000  # at most this many buckets recounted per page view (the rest read raw meanwhile)
FOLD = 64  # a bucket not rolled yet with this many marks has them folded into one on a view
MAINTAIN_EVERY = 60.0  # seconds between a writing process's rounds of Rollups.maintain
Part = tuple[str, tuple[Any, ...]]


def _whole(since: float, until: float, width: float) -> tuple[int, int]:
    """The buckets of ``width`` lying wholly inside ``[since, until)``: ``[first, last)``."""
    first = bucket_of(since, width)
    if first * width < since:
        first += 1
    return first, bucket_of(until, width)


def _parts(kind: str, rolled: str, raw: str, since: float, until: float, width: float,
           brand: str, head: tuple[Any, ...] = ()) -> list[Part]:
    """The statements a read adds up: the rolled buckets wholly inside ``[since, until)``
    (``rolled``, over ``brand_hours``/``brand_author_days`` as ``r``, see :func:`_clean`), the raw
    mentions of the unrolled ones and of the partial buckets at either end
    (``raw``, whose FROM is ``{src}``, mentions as ``m``, and whose WHERE ``{cond}`` extends).
    ``head`` are the parameters of ``raw``'s select list."""
    first, last = _whole(since, until, width)
    ranged = raw.format(src="mentions m", cond="m.brand = ? AND m.post_at >= ? AND m.post_at < ?")
    if first >= last:
        return [(ranged, (*head, brand, since, until))]
    unrolled = raw.format(  # the marked buckets, once each, and their mentions
        src=f"(SELECT DISTINCT bucket FROM rollup_touches WHERE brand = ? AND kind = ?"
            f" AND bucket >= ? AND bucket < ?) s JOIN mentions m ON m.post_at >= s.bucket * {width}"
            f" AND m.post_at < (s.bucket + 1) * {width}", cond="m.brand = ?")
    parts = [(rolled, (brand, first, last, brand, kind, first, last)),
             (unrolled, (*head, brand, kind, first, last, brand))]
    for lo, hi in ((since, first * width), (last * width, until)):
        if hi > lo:
            parts.append((ranged, (*head, brand, lo, hi)))
    return parts


def _clean(table: str, col: str) -> str:
    """The FROM and WHERE of a rollup's rows (``r``) inside a range of buckets, less those of the
    marked buckets (found by the marks' index and looked up as one small set)."""
    return (f" FROM {table} r WHERE r.brand = ? AND r.{col} >= ? AND r.{col} < ?"
            f" AND r.{col} NOT IN (SELECT bucket FROM rollup_touches WHERE brand = ? AND kind = ?"
            " AND bucket >= ? AND bucket < ?)")


class Rollups:
    """Builds and reads the rollups of one store (safe to share between threads and between
    processes on one database: rolling a bucket claims its state row before recounting it)."""

    def __init__(self, store: Store, lag: float = LAG, batch: int = BATCH,
                 fold: int = FOLD) -> None:
        self._store = store
        self.lag = lag
        self.batch = batch
        self.fold = max(2, int(fold))
        self._lock = threading.Lock()
        self._marks: bool | None = None  # whether the schema has rollup_touches (maintain)

    # -- building ---------------------------------------------------------------------------
    def roll(self, brand: str, kind: str, now: float) -> int:
        """Recount the marked buckets of ``brand`` (``kind`` ``h``: hours, ``d``: days) that
        ended ``lag`` before ``now``; returns how many it recounted (reads do this themselves).

        Per claimed bucket, in one transaction: (1) lock its state row, (2) delete its marks,
        (3) delete its rollup rows and count them again from the mentions. Under READ COMMITTED
        each statement reads its own snapshot, taken when it starts. A writer appends its mark in
        the transaction that writes its mention. If it committed before (2)'s snapshot, (2)
        deletes its mark and (3), whose snapshot is later, counts its mention; if it committed
        after, (2) does not see its mark (a DELETE leaves rows its snapshot does not hold), the
        mark outlives this roll and the bucket reads raw until a later roll. So a bucket without
        marks has counted every write committed before. Two desks never store a stale count: only
        the holder of the state row's lock writes the bucket's rollup rows, a second desk skips the
        locked row, and one that locks it later does so after the first committed, so its
        snapshots, and the count it stores last, are newer. A desk that finds no mark left to
        delete (a desk recounted the bucket since it looked) recounts nothing."""
        width, fill = (HOUR, _FILL_HOURS) if kind == "h" else (DAY, _FILL_DAYS)
        end = bucket_of(now - self.lag, width)  # bucket b ended by then when b < end
        found = [int(r[0]) for r in self._store.query(
            "SELECT DISTINCT bucket FROM rollup_touches WHERE brand = ? AND kind = ? AND bucket < ?"
            " ORDER BY bucket LIMIT ?", (brand, kind, end, int(self.batch)))]
        self._fold(brand, kind, end)
        if not found:
            return 0  # nothing to do: no write transaction on a page view
        done = 0
        with self._lock:
            self._add_states(brand, kind, found)
            with self._store.transaction() as tx:
                for b in _claim(tx, brand, kind, found):
                    if not tx.execute("DELETE FROM rollup_touches WHERE brand = ? AND kind = ?"
                                      " AND bucket = ?", (brand, kind, b)):
                        continue
                    tx.execute(fill[0], (brand, b))
                    tx.execute(fill[1], (b, brand, b * width, (b + 1) * width))
                    done += 1
        return done

    def _fold(self, brand: str, kind: str, end: int) -> None:
        """Fold the marks piled up on a bucket not rolled yet (the live hour and day: a mark per
        write transaction) into one, so reads and rolls find few. Under the state row's lock,
        like a roll: (2) deletes the marks its snapshot sees and one mark is appended in the same
        transaction, so the bucket stays marked throughout; the roll that deletes that mark
        later locks the row after this commit, so its recount sees every write folded here."""
        piled = [int(r[0]) for r in self._store.query(
            "SELECT bucket FROM rollup_touches WHERE brand = ? AND kind = ? AND bucket >= ?"
            " GROUP BY bucket HAVING COUNT(*) >= ? ORDER BY bucket", (brand, kind, end, self.fold))]
        if not piled:
            return
        with self._lock:
            self._add_states(brand, kind, piled)
            with self._store.transaction() as tx:
                for b in _claim(tx, brand, kind, piled):
                    if tx.execute("DELETE FROM rollup_touches WHERE brand = ? AND kind = ?"
                                  " AND bucket = ?", (brand, kind, b)):
                        tx.execute("INSERT INTO rollup_touches (brand, kind, bucket)"
                                   " VALUES (?, ?, ?)", (brand, kind, b))

    def _add_states(self, brand: str, kind: str, found: list[int]) -> None:
        """Give the buckets never rolled a state row, in a short transaction of its own (a desk
        adding the same row waits for this commit only, not for a whole roll)."""
        have = {int(r[0]) for r in self._store.query(
            "SELECT bucket FROM rollup_states WHERE brand = ? AND kind = ? AND bucket >= ?"
            " AND bucket <= ?", (brand, kind, found[0], found[-1]))}
        new = [(brand, kind, b) for b in found if b not in have]
        if new:
            with self._store.transaction() as tx:
                tx.insert_rows("rollup_states", ("brand", "kind", "bucket"), new,
                               "ON CONFLICT (brand, kind, bucket) DO NOTHING")

    def advance(self, brand: str, now: float) -> None:
        """Roll both rollups of ``brand`` up to ``now - lag``."""
        self.roll(brand, "h", now)
        self.roll(brand, "d", now)

    def maintain(self, now: float) -> int:
        """Roll and fold every brand that has marks: the upkeep a writing process does every
        MAINTAIN_EVERY seconds (:func:`keep_up`), so marks stay few for a brand whose page nobody
        opens (a mark per write transaction otherwise piles up). Returns the brands visited."""
        if self._marks is None:  # a store of an older schema (before 0020) has no marks yet
            self._marks = any(m.name == "0020_rollup_touches"
                              for m in self._store.applied_migrations())
        if not self._marks:
            return 0
        brands = [str(r[0]) for r in self._store.query("SELECT DISTINCT brand FROM rollup_touches")]
        for brand in brands:
            self.advance(brand, now)
        return len(brands)

    # -- reading ----------------------------------------------------------------------------
    def label_series(self, brand: str, column: str, since: float, until: float, bucket: float,
                     now: float) -> dict[str, dict[int, int]]:
        """Mentions per bucket of post time (``bucket`` seconds, a multiple of an hour) and per
        value of ``column`` (``sentiment`` or ``intent``); unlabelled mentions are left out."""
        if column not in ("sentiment", "intent"):
            raise ValueError(column)
        self.roll(brand, "h", now)
        rolled = (f"SELECT 0, r.hour, r.{column}, SUM(r.n)" + _clean("brand_hours", "hour")
                  + f" AND r.{column} <> '' GROUP BY r.hour, r.{column}")
        raw = (f"SELECT 1, {self._store.dialect.bucket('m.post_at')} AS b, l.{column}, COUNT(*)"
               " FROM {src} JOIN labels l ON l.post_uri = m.post_uri WHERE {cond}"
               f" AND l.{column} <> '' GROUP BY b, l.{column}")
        out: dict[str, dict[int, int]] = {}
        for kind, b, value, n in self._union(
                _parts("h", rolled, raw, since, until, HOUR, brand, (float(bucket),))):
            key = int(int(b) * HOUR // bucket) if int(kind) == 0 else int(b)
            d = out.setdefault(str(value), {})
            d[key] = d.get(key, 0) + int(n)
        return out

    def totals(self, brands: list[str], since: float, until: float, now: float) -> dict[str, int]:
        """Mentions of each brand posted in ``[since, until)`` (share of voice)."""
        out = {}
        rolled = "SELECT SUM(r.n)" + _clean("brand_hours", "hour")
        raw = "SELECT COUNT(*) FROM {src} WHERE {cond}"
        for brand in brands:
            self.roll(brand, "h", now)
            parts = _parts("h", rolled, raw, since, until, HOUR, brand)
            out[brand] = sum(int(r[0] or 0) for r in self._union(parts))
        return out

    def top_authors(self, brand: str, since: float, until: float, now: float,
                    limit: int = 10) -> list[tuple[str, str, int]]:
        """``(network, author_id, mentions)`` of the brand's most frequent authors (by the
        mentions posted in ``[since, until)``)."""
        self.roll(brand, "d", now)
        rolled = "SELECT r.network, r.author_id, r.n" + _clean("brand_author_days", "day")
        raw = ("SELECT p.network AS network, p.author_id AS author_id, 1 AS n"
               " FROM {src} JOIN posts p ON p.uri = m.post_uri WHERE {cond}")
        parts = _parts("d", rolled, raw, since, until, DAY, brand)
        sql = ("SELECT network, author_id, SUM(n) AS total FROM ("
               + " UNION ALL ".join(p[0] for p in parts) +
               ") u GROUP BY network, author_id ORDER BY total DESC, author_id LIMIT ?")
        params = tuple(x for p in parts for x in p[1])
        return [(str(r[0]), str(r[1]), int(r[2]))
                for r in self._store.query(sql, (*params, int(limit)), timeout=2.0)]

    def _union(self, parts: list[Part]) -> list[tuple[Any, ...]]:
        sql = " UNION ALL ".join(f"SELECT * FROM ({p[0]}) q{i}" for i, p in enumerate(parts))
        return self._store.query(sql, tuple(x for p in parts for x in p[1]), timeout=2.0)


def _claim(tx: Tx, brand: str, kind: str, buckets: list[int]) -> list[int]:
    """Lock the state rows of ``buckets`` (sorted) that no other desk holds: on PostgreSQL
    ``FOR UPDATE SKIP LOCKED`` (the skipped ones stay marked and read raw until a later view);
    SQLite has one writer at a time. Returns the claimed buckets."""
    lock = " FOR UPDATE SKIP LOCKED" if tx.dialect.name == "postgresql" else ""
    out: list[int] = []
    for i in range(0, len(buckets), 500):
        part = buckets[i:i + 500]
        out += [int(r[0]) for r in tx.query(
            "SELECT bucket FROM rollup_states WHERE brand = ? AND kind = ? AND bucket"
            f" IN ({', '.join('?' * len(part))}) ORDER BY bucket{lock}", (brand, kind, *part))]
    return out


# (clear the bucket, recount it): parameters (brand, bucket), then (bucket, brand, lo, hi)
_FILL_HOURS = (
    "DELETE FROM brand_hours WHERE brand = ? AND hour = ?",
    """INSERT INTO brand_hours (brand, hour, sentiment, intent, n)
 SELECT m.brand, ?, COALESCE(l.sentiment, ''), COALESCE(l.intent, ''), COUNT(*)
 FROM mentions m LEFT JOIN labels l ON l.post_uri = m.post_uri
 WHERE m.brand = ? AND m.post_at >= ? AND m.post_at < ?
 GROUP BY m.brand, COALESCE(l.sentiment, ''), COALESCE(l.intent, '')""")

_FILL_DAYS = (
    "DELETE FROM brand_author_days WHERE brand = ? AND day = ?",
    """INSERT INTO brand_author_days (brand, day, network, author_id, n)
 SELECT m.brand, ?, p.network, p.author_id, COUNT(*)
 FROM mentions m JOIN posts p ON p.uri = m.post_uri
 WHERE m.brand = ? AND m.post_at >= ? AND m.post_at < ?
 GROUP BY m.brand, p.network, p.author_id""")


def keep_up(store: Store, every: float = MAINTAIN_EVERY) -> None:
    """Have ``store`` roll and fold its rollups' marks after a write at most every ``every``
    seconds (:meth:`Store.register_chore`): called by every process that writes mentions or
    labels (through :func:`reale.web.data.register_writers`)."""
    store.register_chore("rollups", Rollups(store).maintain, every)


__all__ = ["Rollups", "keep_up"]
