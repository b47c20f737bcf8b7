"""Bluesky post records as ``msgspec`` Structs whose field order is Jetstream's (keys sorted).

Encoding a Struct is fast and escapes text correctly; optional parts are left out when unset,
exactly as a real client leaves them out.
"""

from __future__ import annotations

import msgspec

POST = "app.bsky.feed.post"
TAG = "app.bsky.richtext.facet#tag"
MENTION = "app.bsky.richtext.facet#mention"
LINK = "app.bsky.richtext.facet#link"


class StrongRef(msgspec.Struct, frozen=True):
    cid: str
    uri: str


class ReplyRef(msgspec.Struct, frozen=True):
    parent: StrongRef
    root: StrongRef


class ByteSlice(msgspec.Struct, frozen=True):
    byteEnd: int
    byteStart: int


class TagFeature(msgspec.Struct, frozen=True, kw_only=True):
    type: str = msgspec.field(default=TAG, name="$type")
    tag: str


class MentionFeature(msgspec.Struct, frozen=True, kw_only=True):
    type: str = msgspec.field(default=MENTION, name="$type")
    did: str


class LinkFeature(msgspec.Struct, frozen=True, kw_only=True):
    type: str = msgspec.field(default=LINK, name="$type")
    uri: str


Feature = TagFeature | MentionFeature | LinkFeature


class Facet(msgspec.Struct, frozen=True):
    features: list[Feature]
    index: ByteSlice


class EmbedRecord(msgspec.Struct, frozen=True, kw_only=True):
    type: str = msgspec.field(default="app.bsky.embed.record", name="$type")
    record: StrongRef


class External(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    description: str
    title: str
    uri: str


class EmbedExternal(msgspec.Struct, frozen=True, kw_only=True):
    type: str = msgspec.field(default="app.bsky.embed.external", name="$type")
    external: External


class BlobLink(msgspec.Struct, frozen=True):
    link: str = msgspec.field(name="$link")


class Blob(msgspec.Struct, frozen=True, kw_only=True):
    type: str = msgspec.field(default="blob", name="$type")
    ref: BlobLink
    mimeType: str
    size: int


class AspectRatio(msgspec.Struct, frozen=True):
    height: int
    width: int


class Image(msgspec.Struct, frozen=True, kw_only=True):
    alt: str
    aspectRatio: AspectRatio
    image: Blob


class EmbedImages(msgspec.Struct, frozen=True, kw_only=True):
    type: str = msgspec.field(default="app.bsky.embed.images", name="$type")
    images: list[Image]


Embed = EmbedRecord | EmbedExternal | EmbedImages


class PostRecord(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """``app.bsky.feed.post``; unset optional parts are omitted, as clients omit them."""

    type: str = msgspec.field(name="$type")
    createdAt: str
    embed: Embed | None = None
    facets: list[Facet] | None = None
    langs: list[str] | None = None
    reply: ReplyRef | None = None
    text: str


_encoder = msgspec.json.Encoder()


def encode_record(record: PostRecord) -> str:
    """JSON for a record, escaped the way Jetstream (Go's encoding/json) escapes it."""
    out = _encoder.encode(record).decode("utf-8")
    if "&" in out or "<" in out or ">" in out or "\u2028" in out or "\u2029" in out:
        out = (out.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
               .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return out
