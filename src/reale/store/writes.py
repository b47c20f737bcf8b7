"""The write path: one batch of mixed items becomes one transaction of idempotent statements.

Posts, mentions and interactions are inserted once by natural key (re-writing a batch changes
nothing); authors are upserted so the newest sighting wins without forgetting known fields.
Deletions leave tombstones and erase their posts, in this batch or stored before or after
(:mod:`reale.store.deletes`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import msgspec

from reale.errors import StoreError
from reale.events import Deletion, Interaction, Mention, Post
from reale.store import buckets, deletes, rows
from reale.store.records import AuthorUpdate, CursorUpdate, WriteResult
from reale.store.tx import Tx

ExtraWriter = Callable[[Tx, Sequence[Any]], int]
StoreItem = Post | Interaction | Mention | Deletion | AuthorUpdate | CursorUpdate

POST_COLUMNS = ("uri", "network", "author_id", "text", "created_at", "langs", "reply_parent",
                "reply_root", "quote_of", "repost_of", "hashtags", "mentions", "links",
                "received_at", "raw")
INTERACTION_COLUMNS = ("uri", "network", "kind", "subject", "root", "author_id", "created_at",
                       "text", "received_at", "raw")
MENTION_COLUMNS = ("brand", "post_uri", "query", "spans", "matched_at", "stored_at", "post_at")
AUTHOR_COLUMNS = ("network", "id", "handle", "display_name", "followers", "following", "posts",
                  "created_at", "updated_at")
CURSOR_COLUMNS = ("source_id", "cursor", "updated_at")

# Newer sightings win; a newer one that lacks a field keeps the known value.
AUTHOR_UPSERT = """ON CONFLICT (network, id) DO UPDATE SET
 handle = CASE WHEN excluded.handle <> '' THEN excluded.handle ELSE authors.handle END,
 display_name = CASE WHEN excluded.display_name <> '' THEN excluded.display_name
                ELSE authors.display_name END,
 followers = COALESCE(excluded.followers, authors.followers),
 following = COALESCE(excluded.following, authors.following),
 posts = COALESCE(excluded.posts, authors.posts),
 created_at = COALESCE(excluded.created_at, authors.created_at),
 updated_at = excluded.updated_at
 WHERE excluded.updated_at > authors.updated_at"""

CURSOR_UPSERT = """ON CONFLICT (source_id) DO UPDATE SET cursor = excluded.cursor,
 updated_at = excluded.updated_at"""


class Batch:
    """A batch's items sorted by kind (pure; keeps arrival order within each kind)."""

    def __init__(self, items: Iterable[Any], extra_kinds: Iterable[type] = ()) -> None:
        self.posts: list[Post] = []
        self.interactions: list[Interaction] = []
        self.mentions: list[Mention] = []
        self.authors: list[AuthorUpdate] = []
        self.cursors: list[CursorUpdate] = []
        self.deletions: list[Deletion] = []
        self.other: dict[type, list[Any]] = {k: [] for k in extra_kinds}
        by_kind: dict[type, list[Any]] = {
            Post: self.posts, Interaction: self.interactions, Mention: self.mentions,
            AuthorUpdate: self.authors, CursorUpdate: self.cursors, Deletion: self.deletions,
            **self.other}
        for item in items:
            bucket = by_kind.get(type(item))
            if bucket is None:
                raise StoreError(f"the store cannot write a {type(item).__name__}: register a "
                                 "writer for it with store.register_writer(kind, fn)")
            bucket.append(item)

    def all_posts(self) -> list[Post]:
        return self.posts + [m.post for m in self.mentions]

    def author_updates(self) -> list[AuthorUpdate]:
        """Explicit updates plus the authors seen in this batch's posts and interactions."""
        events: list[Post | Interaction] = [*self.all_posts(), *self.interactions]
        seen = [AuthorUpdate(network=e.network, author=e.author, seen_at=rows.seen_at(e))
                for e in events]
        return self.authors + seen


def write_batch(tx: Tx, batch: Batch, now: float, extra: dict[type, ExtraWriter],
                erasers: Sequence[deletes.Eraser] | None = (), *,
                natives: bool = False) -> WriteResult:
    """Write every item of ``batch`` inside ``tx``; returns the rows added or changed.
    ``erasers=None``: the schema predates deletions (posts are written, deletions refused);
    ``natives``: the schema keeps the networks' own post ids (``native_ids``, 0019)."""
    if erasers is None and batch.deletions:
        raise StoreError("this store cannot keep deletions yet: run reale store migrate")
    if natives and batch.deletions:
        batch.deletions = deletes.resolve_native(tx, batch.deletions)
    tombstones = deletes.write_tombstones(tx, batch.deletions, now) if batch.deletions else 0
    unique = rows.unique_posts(batch.all_posts())
    gone = {} if erasers is None else deletes.tombstones(
        tx, [*(p.uri for p in unique), *(d.uri for d in batch.deletions)])
    posts = tx.insert_rows("posts", POST_COLUMNS, [rows.post_row(p) for p in unique],
                           "ON CONFLICT (uri) DO NOTHING")
    if natives:
        tx.insert_rows("native_ids", deletes.NATIVE_COLUMNS, deletes.native_rows(unique),
                       "ON CONFLICT DO NOTHING")
    authors = tx.insert_rows("authors", AUTHOR_COLUMNS, [
        rows.author_row(u) for u in rows.newest_authors(batch.author_updates())], AUTHOR_UPSERT)
    mention_rows = [
        rows.mention_row(msgspec.structs.replace(m, spans=()) if m.post.uri in gone else m, now)
        for m in rows.unique_mentions(batch.mentions)]
    mentions = tx.insert_rows("mentions", MENTION_COLUMNS, mention_rows,
                              "ON CONFLICT (brand, post_uri) DO NOTHING")
    if mention_rows:  # the rollups recount the buckets these mentions fall in (reale.web.rollup);
        # a mention already stored marks its bucket again, which costs a recount, nothing more
        buckets.touch(tx, buckets.keys_of((str(r[0]), float(r[6])) for r in mention_rows))
    interactions = tx.insert_rows("interactions", INTERACTION_COLUMNS, [
        rows.interaction_row(i) for i in rows.unique_interactions(batch.interactions)],
        "ON CONFLICT (uri) DO NOTHING")
    cursors = tx.insert_rows("cursors", CURSOR_COLUMNS, [
        rows.cursor_row(c, now) for c in rows.last_cursors(batch.cursors)], CURSOR_UPSERT)
    other = sum(extra[kind](tx, items) for kind, items in batch.other.items() if items)
    applied = (_apply(tx, batch, gone, erasers or ()) if gone or batch.deletions
               else deletes.Applied())
    return WriteResult(posts=posts, authors=authors, mentions=mentions,
                       interactions=interactions, cursors=cursors, other=other + applied.other,
                       deletions=tombstones, deleted=applied.erased, unknown_deletions=applied.unknown)


def _apply(tx: Tx, batch: Batch, gone: dict[str, float],
           erasers: Sequence[deletes.Eraser]) -> deletes.Applied:
    """Erase the deleted posts of this batch (stored before, now, or arriving after their
    deletion); count the deletions of posts the store does not hold."""
    erased, said = deletes.erase_stored(tx, gone) if gone else (0, 0)
    asked = sorted({d.uri for d in batch.deletions})
    unknown = len(asked) - len(deletes.stored(tx, asked)) if asked else 0
    other = said + sum(fn(tx, gone) for fn in erasers) if gone else said
    return deletes.Applied(erased=erased, unknown=unknown, other=other)
