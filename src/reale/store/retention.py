"""Retention (storage limitation, GDPR art. 5(1)(e)): the words of posts older than the store
keeps them are erased in small batches, as a deletion erases them (docs/deletions.md): counts,
labels and rollups stay; the post keeps its place with ``erased_at`` set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import msgspec

from reale.events import Post
from reale.store.deletes import erase_words
from reale.store.tx import Tx

DAY = 86_400.0
BATCH = 500  # posts per transaction: a prune never holds the writer long
RETAIN_EVERY = 60.0  # seconds between two rounds of retention in a writing store
RETAIN_BATCHES = 20  # batches a round erases at most: 10,000 posts a minute, 14.4 million a day

Expirer = Callable[[Tx, Mapping[str, float], float], int]
"""A later part's eraser for expired posts: ``fn(tx, {uri: created_at}, before)``."""


class Pruned(msgspec.Struct, frozen=True, kw_only=True):
    """What one prune did (or, in a dry run, would do)."""

    posts: int = 0
    other: int = 0  # rows of later parts changed (opportunities closed, copies erased)
    before: float = 0.0  # posts created before this time were due


def cutoff(now: float, keep_days: int) -> float:
    """The time before which posts lose their words (``keep_days`` > 0)."""
    return now - keep_days * DAY


def due(tx: Tx, before: float, limit: int) -> dict[str, float]:
    """``{uri: created_at}`` of up to ``limit`` posts created before ``before`` whose words are
    still kept (oldest first)."""
    found = tx.query("SELECT uri, created_at FROM posts WHERE created_at < ? AND deleted_at IS"
                     " NULL AND erased_at IS NULL ORDER BY created_at, uri LIMIT ?",
                     (before, limit))
    return {str(u): float(t) for u, t in found}


def count_due(tx: Tx, before: float) -> int:
    row = tx.query_one("SELECT COUNT(*) FROM posts WHERE created_at < ? AND deleted_at IS NULL"
                       " AND erased_at IS NULL", (before,))
    return int(row[0]) if row else 0


def erase_expired(tx: Tx, posts: Mapping[str, float], now: float) -> int:
    """Erase the words of ``posts`` (text, links, hashtags, mentions, the author's display name
    in the kept JSON, their reply/quote interactions' text, the mentions' spans)."""
    return erase_words(tx, dict.fromkeys(posts, now), "erased_at", _without_words)[0]


def _without_words(p: Post, now: float) -> Post:
    author = msgspec.structs.replace(p.author, display_name="")
    return msgspec.structs.replace(p, author=author, text="", hashtags=(), mentions=(), links=(),
                                   erased_at=now)


def erased_days(p: Post) -> int | None:
    """How many days old the post was when retention erased its words (None: it was not)."""
    return None if p.erased_at is None else max(0, int((p.erased_at - p.created_at) // DAY))


def prune_batch(tx: Tx, before: float, now: float, expirers: Sequence[Expirer],
                limit: int = BATCH) -> int:
    """One batch: erase up to ``limit`` expired posts and run the later parts' expirers."""
    posts = due(tx, before, limit)
    if not posts:
        return 0
    erased = erase_expired(tx, posts, now)
    for fn in expirers:
        fn(tx, posts, before)
    return erased


__all__ = [
    "BATCH",
    "DAY",
    "RETAIN_BATCHES",
    "RETAIN_EVERY",
    "Expirer",
    "Pruned",
    "count_due",
    "cutoff",
    "due",
    "erase_expired",
    "erased_days",
    "prune_batch",
]
