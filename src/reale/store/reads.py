"""The read path: the queries later parts need, each returning typed values.

Every function takes a read :class:`Tx` that the store opened with a time box, so a slow query
fails with a clear error instead of stalling the desk.
"""

from __future__ import annotations

import math
from typing import Any

from reale.errors import StoreError
from reale.events import Author, Mention, Post
from reale.store import rows
from reale.store.records import AuthorCount, Bucket, Conversation
from reale.store.tx import Tx

MAX_BUCKETS = 100_000
MAX_LIMIT = 100_000
TABLES = ("posts", "authors", "mentions", "interactions", "cursors", "snapshots")
# What the desk stores, counted once the migration that creates each table is applied.
DESK_TABLES = (("0003_desk_web", ("labels", "opportunities", "opportunity_decisions", "moments",
                                  "web_users")),
               ("0002_desk", ("desk_replies", "desk_publications")),
               ("0004_alerts_outbox", ("alert_outbox",)),
               ("0006_author_profiles", ("author_profiles",)),
               ("0011_publish_claims", ("publish_claims",)),
               ("0018_deletions", ("deletions",)))


def _limit(limit: int) -> int:
    if not 0 <= limit <= MAX_LIMIT:
        raise StoreError(f"limit must be between 0 and {MAX_LIMIT}, got {limit}")
    return limit


def get_post(tx: Tx, uri: str) -> Post | None:
    row = tx.query_one("SELECT raw FROM posts WHERE uri = ?", (rows.clean(uri),))
    return None if row is None else rows.decode_post(row[0])


def get_author(tx: Tx, network: str, author_id: str) -> Author | None:
    row = tx.query_one("SELECT id, handle, display_name, followers, following, posts, created_at"
                       " FROM authors WHERE network = ? AND id = ?",
                       (rows.clean(network), rows.clean(author_id)))
    return None if row is None else rows.author_from_row(row)


def recent_mentions(tx: Tx, brand: str | None, since: float | None, limit: int,
                    lang: str | None) -> list[Mention]:
    """Newest first (by ``matched_at``), optionally one brand, one language, since a time."""
    where: list[str] = ["1 = 1"]
    params: list[Any] = []
    if brand is not None:
        where.append("m.brand = ?")
        params.append(rows.clean(brand))
    if since is not None:
        where.append("m.matched_at >= ?")
        params.append(float(since))
    if lang is not None:
        where.append(tx.dialect.json_array_has("p.langs"))
        params.append(rows.clean(lang))
    sql = ("SELECT m.brand, m.query, m.spans, m.matched_at, p.raw FROM mentions m"
           " JOIN posts p ON p.uri = m.post_uri WHERE " + " AND ".join(where) +
           " ORDER BY m.matched_at DESC, m.brand, m.post_uri DESC LIMIT ?")
    found = tx.query(sql, (*params, _limit(limit)))
    return [Mention(brand=b, query=q, spans=rows.decode_spans(s), matched_at=t,
                    post=rows.decode_post(raw)) for b, q, s, t, raw in found]


def count_mentions(tx: Tx, brand: str | None, since: float, until: float,
                   bucket_seconds: float) -> list[Bucket]:
    """Mentions per bucket of their post's time (``post_at``) in ``[since, until)``, like the
    reports and the brand pages' rollups; buckets align to multiples of the width and empty ones
    are included (zero), so the series is ready to chart."""
    if not bucket_seconds > 0 or not math.isfinite(bucket_seconds):
        raise StoreError(f"bucket_seconds must be a positive number, got {bucket_seconds}")
    first, last = math.floor(since / bucket_seconds), math.ceil(until / bucket_seconds)
    if last - first > MAX_BUCKETS:
        raise StoreError(f"{last - first} buckets asked (more than {MAX_BUCKETS}): "
                         "widen bucket_seconds or narrow the time range")
    where = "m.post_at >= ? AND m.post_at < ?"
    params: list[Any] = [float(since), float(until)]
    if brand is not None:
        where, params = "m.brand = ? AND " + where, [rows.clean(brand), *params]
    sql = (f"SELECT {tx.dialect.bucket('m.post_at')} AS b, COUNT(*) FROM mentions m"
           f" WHERE {where} GROUP BY b")
    counts = {int(b): int(n) for b, n in tx.query(sql, (float(bucket_seconds), *params))}
    return [Bucket(start=float(b * bucket_seconds), count=counts.get(b, 0))
            for b in range(first, last)]


def mention_count(tx: Tx, brand: str | None) -> int:
    if brand is None:
        row = tx.query_one("SELECT COUNT(*) FROM mentions")
    else:
        row = tx.query_one("SELECT COUNT(*) FROM mentions WHERE brand = ?", (rows.clean(brand),))
    return int(row[0]) if row else 0


def top_authors(tx: Tx, brand: str, since: float | None, limit: int) -> list[AuthorCount]:
    """Who wrote most of a brand's mentions (posted since ``since``); ties go to the bigger
    audience, then the id."""
    sql = """SELECT p.network, p.author_id, a.handle, a.display_name, a.followers, a.following,
     a.posts, a.created_at, COUNT(*) AS n FROM mentions m JOIN posts p ON p.uri = m.post_uri
     LEFT JOIN authors a ON a.network = p.network AND a.id = p.author_id
     WHERE m.brand = ? AND m.post_at >= ?
     GROUP BY p.network, p.author_id, a.handle, a.display_name, a.followers, a.following,
     a.posts, a.created_at ORDER BY n DESC, COALESCE(a.followers, -1) DESC, p.author_id LIMIT ?"""
    found = tx.query(sql, (rows.clean(brand), -math.inf if since is None else float(since), _limit(limit)))
    return [AuthorCount(network=r[0], author=rows.author_from_row(r[1:8]), mentions=int(r[8]))
            for r in found]


def conversation(tx: Tx, root_uri: str, limit: int) -> Conversation:
    """A thread by its root URI: the root (if stored), replies and interactions by time."""
    root_uri = rows.clean(root_uri)
    replies = tx.query("SELECT raw FROM posts WHERE reply_root = ? AND uri <> ?"
                       " ORDER BY created_at, uri LIMIT ?", (root_uri, root_uri, _limit(limit)))
    acts = tx.query("SELECT raw FROM interactions WHERE root = ? OR subject = ?"
                    " ORDER BY created_at, uri LIMIT ?", (root_uri, root_uri, _limit(limit)))
    return Conversation(root_uri=root_uri, root=get_post(tx, root_uri),
                        replies=tuple(rows.decode_post(r[0]) for r in replies),
                        interactions=tuple(rows.decode_interaction(r[0]) for r in acts))


def get_cursor(tx: Tx, source_id: str) -> str | None:
    row = tx.query_one("SELECT cursor FROM cursors WHERE source_id = ?", (rows.clean(source_id),))
    return None if row is None else str(row[0])


def get_snapshot(tx: Tx, name: str) -> bytes | None:
    row = tx.query_one("SELECT blob FROM snapshots WHERE name = ?", (rows.clean(name),))
    return None if row is None else bytes(row[0])


def table_counts(tx: Tx, applied: frozenset[str] = frozenset()) -> dict[str, int]:
    """Rows per core table, then per desk table whose migration is in ``applied`` (for ``reale
    store info``)."""
    out: dict[str, Any] = {}
    desk = [t for migration, tables in DESK_TABLES if migration in applied for t in tables]
    for table in (*TABLES, *desk):
        row = tx.query_one(f"SELECT COUNT(*) FROM {table}")  # names from the fixed list above
        out[table] = int(row[0]) if row else 0
    return out
