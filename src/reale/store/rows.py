"""Pure conversions between events and table rows (no I/O): cleaning, de-duplication, decoding.

Queryable columns are cleaned (NUL and lone surrogates replaced, out-of-range integers dropped);
``raw`` keeps the event's exact JSON so reads give back what was written.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import msgspec

from reale.events import Author, Interaction, Mention, Post, Span
from reale.store.records import AuthorUpdate, CursorUpdate

Row = tuple[Any, ...]
_Event = TypeVar("_Event", Post, Interaction)
_INT64 = 2**63 - 1
_POST = msgspec.json.Decoder(Post)
_INTERACTION = msgspec.json.Decoder(Interaction)
_SPANS = msgspec.json.Decoder(tuple[Span, ...])
_STRS = msgspec.json.Decoder(tuple[str, ...])


def clean(text: str) -> str:
    """Text any backend accepts: NUL and lone surrogates become U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _opt(text: str | None) -> str | None:
    return None if text is None else clean(text)


def _int(value: int | None) -> int | None:
    return value if value is None or -_INT64 <= value <= _INT64 else None


def _time(value: float | None) -> float:
    return value if value is not None and math.isfinite(value) else 0.0


def _json_list(items: Sequence[str]) -> str:
    return msgspec.json.encode([clean(s) for s in items]).decode() if items else "[]"


def _clean_tree(obj: Any) -> Any:
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, list):
        return [_clean_tree(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _clean_tree(v) for k, v in obj.items()}
    return obj


def encode_raw(event: msgspec.Struct) -> str:
    """The event's JSON; text a backend cannot hold (lone surrogates) is replaced, never fatal."""
    try:
        return msgspec.json.encode(event).decode()
    except UnicodeEncodeError:
        return msgspec.json.encode(_clean_tree(msgspec.to_builtins(event))).decode()


def sane_author(a: Author) -> Author:
    """The author with integers that fit in 64 bits and finite times (others become unknown)."""
    ok = (_int(a.followers) == a.followers and _int(a.following) == a.following
          and _int(a.posts) == a.posts and (a.created_at is None or math.isfinite(a.created_at)))
    if ok:
        return a
    created = a.created_at if a.created_at is not None and math.isfinite(a.created_at) else None
    return msgspec.structs.replace(a, followers=_int(a.followers), following=_int(a.following),
                                   posts=_int(a.posts), created_at=created)


def sane_event(e: _Event) -> _Event:
    """The post or interaction with finite times and a sane author, so its raw JSON decodes back
    (the event itself when it already is)."""
    author = sane_author(e.author)
    if author is e.author and math.isfinite(e.created_at) and math.isfinite(e.received_at):
        return e
    return msgspec.structs.replace(e, author=author, created_at=_time(e.created_at),
                                   received_at=_time(e.received_at))


def post_row(p: Post) -> Row:
    p = sane_event(p)
    return (clean(p.uri), clean(p.network), clean(p.author.id), clean(p.text), p.created_at,
            _json_list(p.langs), _opt(p.reply_parent), _opt(p.reply_root), _opt(p.quote_of),
            _opt(p.repost_of), _json_list(p.hashtags), _json_list(p.mentions),
            _json_list(p.links), p.received_at, encode_raw(p))


def interaction_row(i: Interaction) -> Row:
    i = sane_event(i)
    return (clean(i.uri), clean(i.network), clean(i.kind), clean(i.subject), _opt(i.root),
            clean(i.author.id), i.created_at, clean(i.text), i.received_at, encode_raw(i))


def author_row(u: AuthorUpdate) -> Row:
    a = sane_author(u.author)
    return (clean(u.network), clean(a.id), clean(a.handle), clean(a.display_name), a.followers, a.following,
            a.posts, a.created_at, _time(u.seen_at))


def mention_row(m: Mention, stored_at: float) -> Row:
    spans = msgspec.json.encode(m.spans).decode() if m.spans else "[]"
    return (clean(m.brand), clean(m.post.uri), clean(m.query), spans, _time(m.matched_at), stored_at,
            _time(m.post.created_at))


def cursor_row(c: CursorUpdate, updated_at: float) -> Row:
    return (clean(c.source_id), clean(c.cursor), updated_at)


def seen_at(event: Post | Interaction) -> float:
    """When an author was seen in an event: its arrival time, else its creation time."""
    return event.received_at or event.created_at


def unique_posts(posts: Iterable[Post]) -> list[Post]:
    """First of each URI, sorted by URI (a stable lock order across concurrent writers)."""
    seen: dict[str, Post] = {}
    for p in posts:
        seen.setdefault(p.uri, p)
    return [seen[k] for k in sorted(seen)]


def unique_interactions(items: Iterable[Interaction]) -> list[Interaction]:
    seen: dict[str, Interaction] = {}
    for i in items:
        seen.setdefault(i.uri, i)
    return [seen[k] for k in sorted(seen)]


def unique_mentions(items: Iterable[Mention]) -> list[Mention]:
    seen: dict[tuple[str, str], Mention] = {}
    for m in items:
        seen.setdefault((m.brand, m.post.uri), m)
    return [seen[k] for k in sorted(seen)]


def newest_authors(updates: Iterable[AuthorUpdate]) -> list[AuthorUpdate]:
    """The newest sighting of each author in a batch (ties: the later one), sorted by key."""
    best: dict[tuple[str, str], AuthorUpdate] = {}
    for u in updates:
        key = (u.network, u.author.id)
        old = best.get(key)
        if old is None or u.seen_at >= old.seen_at:
            best[key] = u
    return [best[k] for k in sorted(best)]


def last_cursors(updates: Iterable[CursorUpdate]) -> list[CursorUpdate]:
    """The last position of each source in a batch."""
    last = {c.source_id: c for c in updates}
    return [last[k] for k in sorted(last)]


def decode_post(raw: str | bytes) -> Post:
    return _POST.decode(raw)


def decode_interaction(raw: str | bytes) -> Interaction:
    return _INTERACTION.decode(raw)


def decode_spans(raw: str | bytes) -> tuple[Span, ...]:
    return _SPANS.decode(raw)


def decode_strs(raw: str | bytes) -> tuple[str, ...]:
    return _STRS.decode(raw)


def author_from_row(row: Sequence[Any]) -> Author:
    """An :class:`Author` from ``id, handle, display_name, followers, following, posts, created_at``."""
    return Author(id=row[0], handle=row[1] or "", display_name=row[2] or "", followers=row[3],
                  following=row[4], posts=row[5], created_at=row[6])
