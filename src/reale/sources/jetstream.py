"""Bluesky Jetstream v1 JSON events → Reale events (pure, no I/O).

Typed ``msgspec`` Structs declare only the fields Reale needs, so decoding stays fast (the hot
path of a firehose). ``parse`` is the stateless entry point; :class:`JetstreamParser` adds the
optional bounded DID → handle map fed by identity events and counts what it skipped.
"""

from __future__ import annotations

from collections import OrderedDict

import msgspec

from reale.errors import DecodeError
from reale.events import Author, Deletion, Interaction, Post
from reale.sources.text import (
    MAX_TEXT_CHARS,
    calendar_time,
    hashtags_in,
    iso_to_epoch,
    links_in,
    mentions_in,
    merge,
)
from reale.sources.text import why as _why

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
LIKE = "app.bsky.feed.like"
_WANTED = frozenset((POST, REPOST, LIKE))
_EMBED_RECORD = "app.bsky.embed.record"
_EMBED_RECORD_MEDIA = "app.bsky.embed.recordWithMedia"


class _Ref(msgspec.Struct, gc=False):
    uri: str = ""


class _Reply(msgspec.Struct, gc=False):
    root: _Ref | None = None
    parent: _Ref | None = None


class _EmbedRecord(msgspec.Struct, gc=False):
    uri: str = ""  # app.bsky.embed.record: {uri, cid}
    record: _Ref | None = None  # recordWithMedia: {record: {uri, cid}}


class _External(msgspec.Struct, gc=False):
    uri: str = ""


class _Embed(msgspec.Struct, gc=False):
    type: str = msgspec.field(default="", name="$type")
    record: _EmbedRecord | None = None
    external: _External | None = None


class _Feature(msgspec.Struct, gc=False):
    uri: str = ""  # #link (the feature's $type is implied by which field is set)
    did: str = ""
    tag: str = ""


class _Facet(msgspec.Struct, gc=False):
    features: tuple[_Feature, ...] = ()


class _Record(msgspec.Struct, gc=False):
    """The fields of posts, likes and reposts (``subject`` is a DID string in follows)."""

    text: str = ""
    createdAt: str = ""
    langs: tuple[str, ...] = ()
    reply: _Reply | None = None
    embed: _Embed | None = None
    facets: tuple[_Facet, ...] = ()  # a tuple: posts without facets share the empty one
    subject: _Ref | str | None = None


class _Commit(msgspec.Struct, gc=False):
    operation: str = ""
    collection: str = ""
    rkey: str = ""
    record: _Record | None = None


class _RawCommit(msgspec.Struct, gc=False):
    operation: str = ""
    collection: str = ""
    rkey: str = ""
    record: msgspec.Raw = msgspec.Raw()  # decoded only for wanted collections


class _Identity(msgspec.Struct, gc=False):
    handle: str = ""


class _Event(msgspec.Struct, gc=False):
    """One pass over the whole event: the fast path for the collections Reale asks for."""

    did: str = ""
    time_us: int = 0
    kind: str = ""
    commit: _Commit | None = None
    identity: _Identity | None = None


class _RawEvent(msgspec.Struct, gc=False):
    """The envelope only: the fallback when some other collection's record has other shapes."""

    did: str = ""
    time_us: int = 0
    kind: str = ""
    commit: _RawCommit | None = None
    identity: _Identity | None = None


_event_decoder = msgspec.json.Decoder(_Event)
_raw_event_decoder = msgspec.json.Decoder(_RawEvent)
_record_decoder = msgspec.json.Decoder(_Record)

Parsed = list[Post | Interaction | Deletion]
_NONE: list[str] = []  # shared and never mutated


MAX_KEPT_CHARS = 2048  # a DID, handle, id or URI longer than this is not remembered


class HandleCache:
    """A bounded DID → handle map (least recently set entries are evicted first)."""

    def __init__(self, max_size: int = 100_000) -> None:
        self.max_size = max_size
        self._map: OrderedDict[str, str] = OrderedDict()

    def update(self, did: str, handle: str) -> None:
        if len(did) > MAX_KEPT_CHARS or len(handle) > MAX_KEPT_CHARS:
            return  # no real DID or handle is that long: a bounded map must stay small too
        self._map[did] = handle
        self._map.move_to_end(did)
        if len(self._map) > self.max_size:
            self._map.popitem(last=False)

    def get(self, did: str) -> str:
        return self._map.get(did, "")

    def __len__(self) -> int:
        return len(self._map)


def decode_event(raw: bytes | str) -> _Event | _RawEvent:
    """Decode one Jetstream event; raise :class:`DecodeError` on bad input.

    The typed one-pass decode succeeds for posts, likes, reposts and most other events; a
    record of another collection whose fields clash with those types falls back to decoding
    the envelope alone.
    """
    try:
        event: _Event | _RawEvent = _event_decoder.decode(raw)
    except msgspec.ValidationError:
        try:
            event = _raw_event_decoder.decode(raw)
        except (msgspec.DecodeError, UnicodeError, RecursionError) as exc:
            raise DecodeError(f"jetstream: not a valid event: {_why(exc)}") from exc
    except (msgspec.DecodeError, RecursionError) as exc:
        raise DecodeError(f"jetstream: not a valid event: {_why(exc)}") from exc
    except UnicodeError as exc:  # a byte string that is not UTF-8, or a text with a lone surrogate
        raise DecodeError(f"jetstream: not valid UTF-8: {exc}") from exc
    if not event.did or not event.kind:
        raise DecodeError("jetstream: event lacks 'did' or 'kind'")
    return event


def parse(raw: bytes | str, handles: HandleCache | None = None) -> Parsed:
    """One Jetstream v1 event → posts and interactions (``[]`` for other well-formed events).

    A post yields a :class:`Post`; a reply or quote post also yields an :class:`Interaction`
    (kind ``reply``/``quote``, ``uri`` = the post's URI) so cascades see it. Likes and reposts
    yield interactions; the delete of a post yields a :class:`Deletion`. Other deletes,
    updates, other collections, identity and account events yield nothing (identity events
    feed ``handles`` when given).
    """
    try:  # the hot path, inlined: one typed decode
        event: _Event | _RawEvent = _event_decoder.decode(raw)
        if not event.did or not event.kind:
            raise DecodeError("jetstream: event lacks 'did' or 'kind'")
    except (msgspec.DecodeError, UnicodeError, RecursionError):
        event = decode_event(raw)
    commit = event.commit
    if commit is None or event.kind != "commit":
        identity = event.identity
        if event.kind == "identity" and identity and identity.handle and handles is not None:
            handles.update(event.did, identity.handle)
        return []
    collection = commit.collection
    if collection not in _WANTED or commit.operation != "create":
        if commit.operation == "delete" and collection == POST:
            return _deletion(event.did, commit.rkey, event.time_us)
        return []
    record = commit.record if isinstance(commit, _Commit) else _record(commit)
    if record is None or not commit.rkey:
        raise DecodeError(f"jetstream: create of {collection} lacks record or rkey")
    did = event.did
    author = Author(id=did, handle=handles.get(did)) if handles is not None else Author(id=did)
    uri = f"at://{did}/{collection}/{commit.rkey}"
    if collection == POST:
        return _post(record, uri, author, event.time_us)
    return _subject(record, collection, uri, author, event.time_us)


def _deletion(did: str, rkey: str, time_us: int) -> Parsed:
    """The delete commit of a post: the post's URI, its author and the relay's time."""
    if not rkey:
        raise DecodeError("jetstream: delete of a post lacks its rkey")
    deleted_at = calendar_time(time_us / 1e6)
    if deleted_at is None:
        raise DecodeError(f"jetstream: delete of a post at no time a calendar can show "
                          f"(time_us {time_us})")
    return [Deletion(network="bluesky", uri=f"at://{did}/{POST}/{rkey}", author_id=did,
                     deleted_at=deleted_at, cursor=str(time_us))]


def _record(commit: _RawCommit) -> _Record | None:
    if not commit.record:
        return None
    what = commit.collection.rsplit(".", 1)[-1]
    try:  # the fast path failed on this event: say what was wrong with its record
        return _record_decoder.decode(commit.record)
    except (msgspec.DecodeError, UnicodeError, RecursionError) as exc:
        raise DecodeError(f"jetstream: {what} record has the wrong shape: {_why(exc)}") from exc


def _relay_time(rec: _Record, time_us: int) -> float:
    """The relay's time, for a record without a calendar time of its own; a DecodeError when it
    is not one either."""
    created = calendar_time(time_us / 1e6)
    if created is None:
        raise DecodeError(f"jetstream: no time a calendar can show (createdAt "
                          f"{rec.createdAt[:40]!r}, time_us {time_us})")
    return created


def _post(rec: _Record, uri: str, author: Author, time_us: int) -> Parsed:
    cursor = str(time_us)
    created = iso_to_epoch(rec.createdAt) or _relay_time(rec, time_us)
    text = rec.text
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
    if rec.facets:
        tags, dids, links = _facets(rec.facets)
    else:
        tags = dids = links = _NONE
    quote = None
    if rec.embed is not None:
        quote, external = _embed(rec.embed)
        if external:
            links = [*links, external]
    reply = rec.reply
    if reply is None:
        parent = root = None
    else:
        parent = (reply.parent.uri if reply.parent else None) or None
        root = (reply.root.uri if reply.root else None) or parent
    post = Post(
        network="bluesky", uri=uri, author=author, text=text, created_at=created,
        langs=rec.langs, reply_parent=parent, reply_root=root, quote_of=quote,
        hashtags=_tags(tags, text) if tags or "#" in text else (),
        mentions=merge(mentions_in(text), dids) if dids or "@" in text else (),
        links=merge(links, links_in(text)) if links or ":" in text else (), cursor=cursor,
    )
    if not parent and not quote:
        return [post]
    out: Parsed = [post]
    if parent:
        out.append(Interaction(network="bluesky", uri=uri, kind="reply", author=author,
                               subject=parent, root=root,
                               created_at=created, text=text, cursor=cursor))
    if quote:
        out.append(Interaction(network="bluesky", uri=uri, kind="quote", author=author,
                               subject=quote, created_at=created, text=text, cursor=cursor))
    return out


def _tags(tags: list[str], text: str) -> tuple[str, ...]:
    """Facet tags plus tags written in the text; the scan is skipped when every ``#`` of the
    text already has its facet."""
    if tags and text.count("#") <= len(tags):
        return merge(tags, _NONE)
    return merge(tags, hashtags_in(text))


def _facets(facets: tuple[_Facet, ...]) -> tuple[list[str], list[str], list[str]]:
    tags: list[str] = []
    dids: list[str] = []
    links: list[str] = []
    for facet in facets:
        for f in facet.features:
            if f.tag:
                tags.append(f.tag)
            elif f.did:
                dids.append(f.did)
            elif f.uri:
                links.append(f.uri)
    return tags, dids, links


def _embed(embed: _Embed | None) -> tuple[str | None, str]:
    """(quoted post URI or None, external link or '')."""
    if embed is None:
        return None, ""
    quote = None
    if embed.record is not None and embed.type in (_EMBED_RECORD, _EMBED_RECORD_MEDIA, ""):
        rec = embed.record
        quote = (rec.record.uri if rec.record is not None else rec.uri) or None
    external = embed.external.uri if embed.external is not None else ""
    return quote, external


def _subject(rec: _Record, collection: str, uri: str, author: Author, time_us: int) -> Parsed:
    what = "like" if collection == LIKE else "repost"
    subject = rec.subject
    if not isinstance(subject, _Ref) or not subject.uri:
        raise DecodeError(f"jetstream: {what} record lacks subject.uri")
    created = iso_to_epoch(rec.createdAt) or _relay_time(rec, time_us)
    return [Interaction(network="bluesky", uri=uri, kind=what, author=author,
                        subject=subject.uri, created_at=created, cursor=str(time_us))]


class JetstreamParser:
    """``parse`` with state: a bounded DID → handle map and counters of what was skipped."""

    def __init__(self, max_handles: int = 100_000) -> None:
        self.handles = HandleCache(max_handles)
        self.counts: dict[str, int] = {"events": 0, "deletes": 0, "ignored": 0}

    def parse(self, raw: bytes | str) -> Parsed:
        self.counts["events"] += 1
        out = parse(raw, self.handles)
        if not out:
            key = b'"operation":"delete"' if isinstance(raw, bytes) else '"operation":"delete"'
            self.counts["deletes" if key in raw else "ignored"] += 1  # type: ignore[operator]
        elif type(out[0]) is Deletion:
            self.counts["deletes"] += 1
        return out
