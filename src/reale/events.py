"""The immutable events that flow between stages (see docs/architecture.md).

Every arrow of the pipeline carries one of these ``msgspec.Struct``s. They are frozen so a stage
can never change what another stage sees, and they encode to JSON/msgpack for the store and Kafka.
Times are float seconds since the Unix epoch, UTC.

They hold only strings, numbers and tuples of strings, so they cannot be part of a reference
cycle: ``gc=False`` keeps the cyclic garbage collector from walking the hundreds of thousands of
them a busy stream keeps alive (measured: it halved the embedded runner's throughput).
"""

from __future__ import annotations

from typing import Literal

import msgspec

Network = Literal["bluesky", "mastodon", "x", "sim"]
InteractionKind = Literal["reply", "repost", "quote", "like"]


class Author(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """Who wrote a post. ``id`` is the network's stable id (a DID, an account id, a user id)."""

    id: str
    handle: str = ""
    display_name: str = ""
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    created_at: float | None = None


class Post(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """A post normalised from any network.

    ``uri`` is the stable global id (``at://…`` for Bluesky, the status URI for Mastodon,
    ``x://tweet/<id>`` for X). ``reply_parent``/``reply_root``/``quote_of``/``repost_of`` hold URIs
    in the same scheme.
    """

    network: str
    uri: str
    author: Author
    text: str
    created_at: float
    langs: tuple[str, ...] = ()
    reply_parent: str | None = None
    reply_root: str | None = None
    quote_of: str | None = None
    repost_of: str | None = None
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    cursor: str | None = None  # where in its source this event came from (for resuming)
    received_at: float = 0.0  # when Reale received it (monotonic-free wall time)
    deleted_at: float | None = None  # set by the store when its author deleted it (text erased)
    erased_at: float | None = None  # set by the store when retention erased its words


class Interaction(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """A reply, repost, quote or like of a post (``subject`` is the URI acted upon)."""

    network: str
    uri: str
    kind: str  # InteractionKind
    author: Author
    subject: str
    root: str | None = None
    created_at: float = 0.0
    text: str = ""
    cursor: str | None = None
    received_at: float = 0.0


class Span(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """A matched span of a post's text: [start, end) in characters, and the term."""

    start: int
    end: int
    term: str


class Mention(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """A post matched to a brand by one of its watch-queries."""

    brand: str
    query: str
    post: Post
    spans: tuple[Span, ...] = ()
    matched_at: float = 0.0


class Deletion(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """The author deleted a post: Reale erases what it kept of it (see docs/deletions.md).

    ``uri`` is the deleted post's URI in the scheme of :class:`Post` (a Mastodon status id the
    parser never saw becomes ``mastodon://HOST/statuses/<id>``); ``author_id`` is its author
    when the network says (Jetstream does, Mastodon's stream does not); ``deleted_at`` is when
    the network reported the deletion.
    """

    network: str
    uri: str
    deleted_at: float
    author_id: str = ""
    cursor: str | None = None
    received_at: float = 0.0


Event = Post | Interaction | Deletion


def post_id(post: Post) -> str:
    """The natural key of a post in the store."""
    return post.uri


__all__ = ["Author", "Deletion", "Event", "Interaction", "InteractionKind", "Mention", "Network", "Post", "Span"]
