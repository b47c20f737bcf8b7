"""Bluesky Jetstream v1 JSON events → Reale events (pure, no I/O).

Typed ``msgspec`` Structs declare only the fields Reale needs, so decoding stays fast (the hot
path of a firehose). ``parse`` is the stateless entry point; :class:`JetstreamParser` adds the
optional bounded DID → handle map fed by identity events and counts what it skipped.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar

import msgspec

from reale.errors import DecodeError
from reale.events import Author, Interaction, Post
from reale.sources.text import clip, dedupe, hashtags_in, iso_to_epoch, links_in, mentions_in

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
LIKE = "app.bsky.feed.like"
_WANTED = frozenset((POST, REPOST, LIKE))
_EMBED_RECORD = "app.bsky.embed.record"
_EMBED_RECORD_MEDIA = "app.bsky.embed.recordWithMedia"


class _Ref(msgspec.Struct):
    uri: str = ""


class _Reply(msgspec.Struct):
    root: _Ref | None = None
    parent: _Ref | None = None


class _EmbedRecord(msgspec.Struct):
    uri: str = ""  # app.bsky.embed.record: {uri, cid}
    record: _Ref | None = None  # recordWithMedia: {record: {uri, cid}}


class _External(msgspec.Struct):
    uri: str = ""


class _Embed(msgspec.Struct):
    type: str = msgspec.field(default="", name="$type")
    record: _EmbedRecord | None = None
    external: _External | None = None


class _Feature(msgspec.Struct):
    type: str = msgspec.field(default="", name="$type")
    uri: str = ""
    did: str = ""
    tag: str = ""


class _Facet(msgspec.Struct):
    features: list[_Feature] = []


class _PostRecord(msgspec.Struct):
    text: str = ""
    createdAt: str = ""
    langs: list[str] = []
    reply: _Reply | None = None
    embed: _Embed | None = None
    facets: list[_Facet] = []


class _SubjectRecord(msgspec.Struct):
    subject: _Ref | None = None
    createdAt: str = ""


class _Commit(msgspec.Struct):
    operation: str = ""
    collection: str = ""
    rkey: str = ""
    record: msgspec.Raw = msgspec.Raw()  # decoded later, only for wanted collections


class _Identity(msgspec.Struct):
    handle: str = ""


class _Event(msgspec.Struct):
    did: str = ""
    time_us: int = 0
    kind: str = ""
    commit: _Commit | None = None
    identity: _Identity | None = None


_event_decoder = msgspec.json.Decoder(_Event)
_post_decoder = msgspec.json.Decoder(_PostRecord)
_subject_decoder = msgspec.json.Decoder(_SubjectRecord)

Parsed = list[Post | Interaction]
_R = TypeVar("_R")


class HandleCache:
    """A bounded DID → handle map (least recently set entries are evicted first)."""

    def __init__(self, max_size: int = 100_000) -> None:
        self.max_size = max_size
        self._map: OrderedDict[str, str] = OrderedDict()

    def update(self, did: str, handle: str) -> None:
        self._map[did] = handle
        self._map.move_to_end(did)
        if len(self._map) > self.max_size:
            self._map.popitem(last=False)

    def get(self, did: str) -> str:
        return self._map.get(did, "")

    def __len__(self) -> int:
        return len(self._map)


def decode_event(raw: bytes | str) -> _Event:
    """Decode the envelope of one Jetstream event; raise :class:`DecodeError` on bad input."""
    try:
        event = _event_decoder.decode(raw)
    except msgspec.DecodeError as exc:  # ValidationError is a subclass
        raise DecodeError(f"jetstream: not a valid event: {exc}") from exc
    if not event.did or not event.kind:
        raise DecodeError("jetstream: event lacks 'did' or 'kind'")
    return event


def parse(raw: bytes | str, handles: HandleCache | None = None) -> Parsed:
    """One Jetstream v1 event → posts and interactions (``[]`` for other well-formed events).

    A post yields a :class:`Post`; a reply or quote post also yields an :class:`Interaction`
    (kind ``reply``/``quote``, ``uri`` = the post's URI) so cascades see it. Likes and reposts
    yield interactions. Deletes, updates, other collections, identity and account events
    yield nothing (identity events feed ``handles`` when given).
    """
    event = decode_event(raw)
    commit = event.commit
    if event.kind != "commit" or commit is None:
        identity = event.identity
        if event.kind == "identity" and identity and identity.handle and handles is not None:
            handles.update(event.did, identity.handle)
        return []
    if commit.operation != "create" or commit.collection not in _WANTED:
        return []
    if not commit.record or not commit.rkey:
        raise DecodeError(f"jetstream: create of {commit.collection} lacks record or rkey")
    handle = handles.get(event.did) if handles is not None else ""
    author = Author(id=event.did, handle=handle)
    uri = f"at://{event.did}/{commit.collection}/{commit.rkey}"
    cursor = str(event.time_us)
    if commit.collection == POST:
        return _post(commit.record, uri, author, event.time_us, cursor)
    return _subject(commit.record, commit.collection, uri, author, event.time_us, cursor)


def _decode_record(decoder: msgspec.json.Decoder[_R], raw: msgspec.Raw, what: str) -> _R:
    try:
        return decoder.decode(raw)
    except msgspec.DecodeError as exc:
        raise DecodeError(f"jetstream: {what} record has the wrong shape: {exc}") from exc


def _post(raw: msgspec.Raw, uri: str, author: Author, time_us: int, cursor: str) -> Parsed:
    rec = _decode_record(_post_decoder, raw, "post")
    created = iso_to_epoch(rec.createdAt) or time_us / 1e6
    text = clip(rec.text)
    tags, dids, links = _facets(rec.facets)
    quote, external = _embed(rec.embed)
    if external:
        links.append(external)
    parent = rec.reply.parent.uri if rec.reply and rec.reply.parent else None
    root = rec.reply.root.uri if rec.reply and rec.reply.root else None
    post = Post(
        network="bluesky", uri=uri, author=author, text=text, created_at=created,
        langs=tuple(rec.langs), reply_parent=parent or None, reply_root=root or parent or None,
        quote_of=quote, hashtags=dedupe(tags + hashtags_in(text)),
        mentions=dedupe(mentions_in(text) + dids), links=dedupe(links + links_in(text)),
        cursor=cursor,
    )
    out: Parsed = [post]
    if post.reply_parent:
        out.append(Interaction(network="bluesky", uri=uri, kind="reply", author=author,
                               subject=post.reply_parent, root=post.reply_root,
                               created_at=created, text=text, cursor=cursor))
    if quote:
        out.append(Interaction(network="bluesky", uri=uri, kind="quote", author=author,
                               subject=quote, created_at=created, text=text, cursor=cursor))
    return out


def _facets(facets: list[_Facet]) -> tuple[list[str], list[str], list[str]]:
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


def _subject(raw: msgspec.Raw, collection: str, uri: str, author: Author, time_us: int,
             cursor: str) -> Parsed:
    what = "like" if collection == LIKE else "repost"
    rec = _decode_record(_subject_decoder, raw, what)
    if rec.subject is None or not rec.subject.uri:
        raise DecodeError(f"jetstream: {what} record lacks subject.uri")
    created = iso_to_epoch(rec.createdAt) or time_us / 1e6
    return [Interaction(network="bluesky", uri=uri, kind=what, author=author,
                        subject=rec.subject.uri, created_at=created, cursor=cursor)]


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
        return out
