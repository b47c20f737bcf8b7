"""Deletions from the networks, applied inside the store's write transaction (docs/deletions.md).

Each deleted URI leaves a tombstone (``deletions``), so a delete that arrives before its post, twice,
or for a post never stored is fine: the post is erased whenever it is stored. Erasing keeps the
rows that counts and reports read (posts, mentions, interactions) and empties what the author
wrote: text, links, hashtags, mentions, the display name in the kept JSON, the mention's spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import msgspec

from reale.events import Deletion, Interaction, Post
from reale.store import rows
from reale.store.tx import Tx

DELETION_COLUMNS = ("uri", "network", "author_id", "deleted_at", "received_at", "stored_at")
CHUNK = 500  # URIs per IN (...) list: under every backend's limit on parameters
KEEP_UNKNOWN = 2 * 86_400.0  # seconds a tombstone of a post the store does not hold is kept
PRUNE_EVERY = 3_600.0  # seconds between two prunings by one store

NATIVE_COLUMNS = ("network", "native_id", "uri")
_BY_NATIVE_ID = re.compile(r"^mastodon://[^/]*/statuses/([^/?# ]+)$")

Eraser = Callable[[Tx, Mapping[str, float]], int]
"""A later part's eraser: ``fn(tx, {uri: deleted_at})`` for the posts erased in a batch."""


class Applied(msgspec.Struct, frozen=True, kw_only=True):
    """What one batch's deletions did: tombstones added, posts erased (by this batch's deletions
    or stored now after theirs), deletions whose post the store does not hold, other rows."""

    tombstones: int = 0
    erased: int = 0
    unknown: int = 0
    other: int = 0


def erased_post(p: Post, deleted_at: float) -> Post:
    """The post with nothing its author wrote: its place in threads, time and author id stay."""
    author = msgspec.structs.replace(p.author, display_name="")
    return msgspec.structs.replace(p, author=author, text="", hashtags=(), mentions=(), links=(),
                                   deleted_at=deleted_at)


def erased_interaction(i: Interaction) -> Interaction:
    """A reply or quote with its text erased (it is the deleted post itself)."""
    author = msgspec.structs.replace(i.author, display_name="")
    return msgspec.structs.replace(i, author=author, text="")


def deletion_time(d: Deletion, now: float) -> float:
    """When the network said, else when Reale received it, else the store's clock."""
    return d.deleted_at or d.received_at or now


def deletion_row(d: Deletion, now: float) -> rows.Row:
    return (rows.clean(d.uri), rows.clean(d.network), rows.clean(d.author_id),
            deletion_time(d, now), d.received_at, now)


def unique_deletions(items: Iterable[Deletion]) -> list[Deletion]:
    seen: dict[str, Deletion] = {}
    for d in items:
        seen.setdefault(d.uri, d)
    return [seen[k] for k in sorted(seen)]


def chunks(uris: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(uris), CHUNK):
        yield uris[i:i + CHUNK]


def query_in(tx: Tx, sql: str, uris: Sequence[str]) -> list[tuple[Any, ...]]:
    """``sql`` with ``{marks}`` for an IN list, run over ``uris`` in chunks."""
    out: list[tuple[Any, ...]] = []
    for part in chunks(uris):
        out.extend(tx.query(sql.format(marks=", ".join("?" * len(part))), list(part)))
    return out


def tombstones(tx: Tx, uris: Iterable[str]) -> dict[str, float]:
    """``{uri: deleted_at}`` of the given URIs that were deleted."""
    wanted = sorted({rows.clean(u) for u in uris})
    if not wanted:
        return {}
    found = query_in(tx, "SELECT uri, deleted_at FROM deletions WHERE uri IN ({marks})", wanted)
    return {r[0]: float(r[1]) for r in found}


def write_tombstones(tx: Tx, deletions: Sequence[Deletion], now: float) -> int:
    return tx.insert_rows("deletions", DELETION_COLUMNS,
                          [deletion_row(d, now) for d in unique_deletions(deletions)],
                          "ON CONFLICT (uri) DO NOTHING")


def erase_stored(tx: Tx, gone: Mapping[str, float]) -> tuple[int, int]:
    """Erase the stored posts (and their reply/quote interactions) of ``gone`` not erased yet;
    returns (posts erased, interactions erased)."""
    return erase_words(tx, gone, "deleted_at", erased_post)


def erase_words(tx: Tx, stamps: Mapping[str, float], column: str,
                without: Callable[[Post, float], Post]) -> tuple[int, int]:
    """Erase the words of the stored posts of ``stamps`` whose ``column`` (``deleted_at``:
    deleted by their author, ``erased_at``: past the retention period) is still empty, setting it
    to their stamp: text, links, hashtags and mentions, the kept JSON as ``without`` leaves it,
    their reply/quote interactions' text and their mentions' spans. Returns (posts erased,
    interactions erased). Deletions and retention share it."""
    if column not in ("deleted_at", "erased_at"):
        raise ValueError(f"no such erasure column: {column!r}")
    uris = sorted(stamps)
    posts = query_in(tx, f"SELECT uri, raw FROM posts WHERE uri IN ({{marks}}) AND {column} IS NULL",
                     uris)
    tx.executemany(f"UPDATE posts SET text = '', hashtags = '[]', mentions = '[]', links = '[]',"
                   f" raw = ?, {column} = ? WHERE uri = ?",
                   [(rows.encode_raw(without(rows.decode_post(raw), stamps[uri])), stamps[uri], uri)
                    for uri, raw in posts])
    said = query_in(tx, "SELECT uri, raw FROM interactions WHERE uri IN ({marks}) AND text <> ''",
                    uris)
    tx.executemany("UPDATE interactions SET text = '', raw = ? WHERE uri = ?",
                   [(rows.encode_raw(erased_interaction(rows.decode_interaction(raw))), uri)
                    for uri, raw in said])
    for part in chunks([u for u, _ in posts]):
        tx.execute(f"UPDATE mentions SET spans = '[]' WHERE post_uri IN "
                   f"({', '.join('?' * len(part))})", list(part))
    return len(posts), len(said)


def prune(tx: Tx, now: float, keep: float = KEEP_UNKNOWN) -> int:
    """Drop the tombstones of posts the store does not hold, stored more than ``keep`` seconds
    ago (their post will not come now); those of stored posts stay. Returns how many."""
    return tx.execute("DELETE FROM deletions WHERE stored_at < ? AND NOT EXISTS"
                      " (SELECT 1 FROM posts p WHERE p.uri = deletions.uri)", (now - keep,))


def native_rows(posts: Iterable[Post]) -> list[rows.Row]:
    """``native_ids`` rows of the Mastodon posts: their status id on the streaming server
    (``cursor``), the only name a Mastodon ``delete`` gives."""
    return [(p.network, rows.clean(p.cursor), rows.clean(p.uri)) for p in posts
            if p.network == "mastodon" and p.cursor]


def resolve_native(tx: Tx, deletions: Sequence[Deletion]) -> list[Deletion]:
    """The deletions with each ``mastodon://HOST/statuses/ID`` (a status the parser did not
    remember: seen before a restart, or long ago) named by the URI of the stored post with that
    id; one the store does not hold stays as it is (its tombstone counts it unknown)."""
    ids = {d.uri: m.group(1) for d in deletions if (m := _BY_NATIVE_ID.match(d.uri))}
    if not ids:
        return list(deletions)
    found: dict[str, list[str]] = {}
    for native_id, uri in query_in(tx, "SELECT native_id, uri FROM native_ids WHERE network ="
                              " 'mastodon' AND native_id IN ({marks})", sorted(set(ids.values()))):
        found.setdefault(native_id, []).append(uri)
    out: list[Deletion] = []
    for d in deletions:
        uris = found.get(ids.get(d.uri, ""), [])
        out.extend([msgspec.structs.replace(d, uri=u) for u in sorted(uris)] or [d])
    return out


def stored(tx: Tx, uris: Sequence[str]) -> set[str]:
    found = query_in(tx, "SELECT uri FROM posts WHERE uri IN ({marks})", sorted(uris))
    return {r[0] for r in found}


__all__ = [
    "DELETION_COLUMNS",
    "Applied",
    "Eraser",
    "chunks",
    "deletion_time",
    "erase_stored",
    "erase_words",
    "erased_interaction",
    "erased_post",
    "native_rows",
    "prune",
    "query_in",
    "resolve_native",
    "tombstones",
    "write_tombstones",
]
