"""Backfills that run after the migrations' transaction, one batch per transaction, so a large
store is never locked for a whole fill and a fill cut short resumes where it stopped. Today: the
post time (``post_at``) of the mentions stored before migration 0013.
"""

from __future__ import annotations

from reale.store import buckets
from reale.store.base import Store

POST_AT = "mentions.post_at"
BATCH = 5_000


def fill_post_times(store: Store, batch: int = BATCH, batches: int | None = None) -> int:
    """Give the mentions left at ``post_at`` 0 their post's time (``matched_at`` when the post is
    gone), ``batch`` mentions (in key order) per transaction, and mark their rollup buckets; stops
    after ``batches`` transactions if given. Returns the mentions it filled."""
    filled, done = 0, 0
    if not store.query("SELECT 1 FROM store_backfills WHERE name = ? AND done = 0", (POST_AT,)):
        return 0  # the usual open: nothing left, no write transaction
    while batches is None or done < batches:
        with store.transaction() as tx:
            # lock the backfill's row: two processes opening the store take turns
            tx.execute("UPDATE store_backfills SET done = done WHERE name = ?", (POST_AT,))
            at = tx.query_one("SELECT brand, post_uri FROM store_backfills WHERE name = ?"
                              " AND done = 0", (POST_AT,))
            if at is None:
                break
            found = tx.query(
                "SELECT m.brand, m.post_uri, m.post_at, COALESCE(p.created_at, m.matched_at)"
                " FROM mentions m LEFT JOIN posts p ON p.uri = m.post_uri"
                " WHERE m.brand > ? OR (m.brand = ? AND m.post_uri > ?)"
                " ORDER BY m.brand, m.post_uri LIMIT ?", (at[0], at[0], at[1], int(batch)))
            if not found:
                tx.execute("UPDATE store_backfills SET done = 1 WHERE name = ?", (POST_AT,))
                break
            zero = [(float(r[3]), r[0], r[1]) for r in found if float(r[2]) == 0.0]
            tx.executemany("UPDATE mentions SET post_at = ? WHERE brand = ? AND post_uri = ?"
                           " AND post_at = 0", zero)
            # their buckets change: the one of post time 0 they leave and the one they join
            buckets.touch(tx, buckets.keys_of([(str(b), t) for t, b, _ in zero]
                                              + [(str(b), 0.0) for _, b, _ in zero]))
            tx.execute("UPDATE store_backfills SET brand = ?, post_uri = ? WHERE name = ?",
                       (found[-1][0], found[-1][1], POST_AT))
            filled += len(zero)
        done += 1
    return filled


__all__ = ["BATCH", "POST_AT", "fill_post_times"]
