"""Events on the wire: msgpack via msgspec (typed decoders, the fast path), and the key each
topic is partitioned by. Pure functions, no I/O.

The ``posts`` topic carries posts and deletions (a :class:`Deletion` does not decode as a post:
the decoders try a post first, so posts pay nothing for it), keyed by author: a post's deletion
follows it on its partition. The ``interactions`` topic carries three kinds — interactions, replies/quotes as posts (so the
conversation stage can store a conversation's posts like the embedded runner does), and
deletions keyed by the deleted post (so the aftermath watch of a conversation rooted there sees
it) — as a ``[kind, event]`` pair.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from reale.errors import DecodeError
from reale.events import Deletion, Interaction, Mention, Post
from reale.sources.text import why

_enc = msgspec.msgpack.Encoder()
_post = msgspec.msgpack.Decoder(Post)
_mention = msgspec.msgpack.Decoder(Mention)
_interaction = msgspec.msgpack.Decoder(Interaction)
_deletion = msgspec.msgpack.Decoder(Deletion)
_pair = msgspec.msgpack.Decoder(tuple[str, msgspec.Raw])

KIND_POST = "p"
KIND_INTERACTION = "i"
KIND_DELETION = "d"
MARK_MENTIONED = "m"  # a tracked marker from the matcher: the post is a cascade root
MARK_CONVERSATION = "c"  # from the conversation stage: a reply or quote in a followed thread
MARK_WATCH = "w"  # from the brand stage: an opportunity's conversation to watch (aftermath)


class Watch(msgspec.Struct, frozen=True, array_like=True):
    """An opportunity's conversation, for the aftermath watch of the partition it is keyed to."""

    brand: str
    original_uri: str
    original_at: float = 0.0


_watch = msgspec.msgpack.Decoder(Watch)


def encode(event: Post | Mention | Interaction | Deletion) -> bytes:
    return _enc.encode(event)


def encode_conversation(event: Post | Interaction | Deletion) -> bytes:
    """An item for the ``interactions`` topic."""
    kind = (KIND_POST if isinstance(event, Post) else
            KIND_DELETION if isinstance(event, Deletion) else KIND_INTERACTION)
    return _enc.encode((kind, event))


def encode_marker(post: Post, *, mentioned: bool) -> bytes:
    """An item for the ``tracked`` topic."""
    return _enc.encode((MARK_MENTIONED if mentioned else MARK_CONVERSATION, post))


def _decode(decoder: msgspec.msgpack.Decoder[Any], raw: bytes, what: str) -> Any:
    try:
        return decoder.decode(raw)
    except (msgspec.DecodeError, UnicodeError, RecursionError) as exc:
        raise DecodeError(f"a {what} record on Kafka could not be decoded: {why(exc)}") from exc


def decode_post(raw: bytes) -> Post:
    result: Post = _decode(_post, raw, "posts")
    return result


def decode_post_or_deletion(raw: bytes) -> Post | Deletion:
    """A ``posts`` record: a post, else a deletion (DecodeError: neither)."""
    try:
        return _post.decode(raw)
    except (msgspec.DecodeError, UnicodeError, RecursionError):
        result: Deletion = _decode(_deletion, raw, "posts")
        return result


def decode_posts(raws: Iterable[bytes | None]) -> tuple[list[Post | Deletion], int]:
    """The posts and deletions of a batch of ``posts`` records, and how many could not be
    decoded (skipped)."""
    decode = _post.decode
    posts: list[Post | Deletion] = []
    bad = 0
    for raw in raws:
        try:
            posts.append(decode(raw or b""))
        except (msgspec.DecodeError, UnicodeError, RecursionError):  # a deletion, or corrupt
            try:
                posts.append(_deletion.decode(raw or b""))
            except (msgspec.DecodeError, UnicodeError, RecursionError):
                bad += 1
    return posts, bad


def decode_mention(raw: bytes) -> Mention:
    result: Mention = _decode(_mention, raw, "mentions")
    return result


def decode_conversation(raw: bytes) -> Post | Interaction | Deletion:
    kind, body = _decode(_pair, raw, "interactions")
    if kind == KIND_POST:
        return decode_post(body)
    if kind == KIND_INTERACTION:
        result: Interaction = _decode(_interaction, body, "interactions")
        return result
    if kind == KIND_DELETION:
        deletion: Deletion = _decode(_deletion, body, "interactions")
        return deletion
    raise DecodeError(f"an interactions record of unknown kind {kind!r}")


def decode_conversation_post(raw: bytes) -> Post | None:
    """The post of an ``interactions`` record, or None for an interaction (its body is not
    decoded: the moment count stage reads the topic for its posts and skips the rest)."""
    kind, body = _decode(_pair, raw, "interactions")
    if kind == KIND_POST:
        return decode_post(body)
    if kind in (KIND_INTERACTION, KIND_DELETION):
        return None
    raise DecodeError(f"an interactions record of unknown kind {kind!r}")


def encode_watch(watch: Watch) -> bytes:
    """An item for the ``tracked`` topic (key: :func:`watch_key`)."""
    return _enc.encode((MARK_WATCH, watch))


def decode_tracked(raw: bytes) -> Watch | tuple[bool, Post]:
    """A ``tracked`` record: a :class:`Watch`, or ``(mentioned, post)`` as :func:`decode_marker`."""
    kind, body = _decode(_pair, raw, "tracked")
    if kind == MARK_WATCH:
        result: Watch = _decode(_watch, body, "tracked")
        return result
    if kind not in (MARK_MENTIONED, MARK_CONVERSATION):
        raise DecodeError(f"a tracked record of unknown kind {kind!r}")
    return kind == MARK_MENTIONED, decode_post(body)


def decode_marker(raw: bytes) -> tuple[bool, Post]:
    """``(mentioned, post)`` from a ``tracked`` record."""
    kind, body = _decode(_pair, raw, "tracked")
    if kind not in (MARK_MENTIONED, MARK_CONVERSATION):
        raise DecodeError(f"a tracked record of unknown kind {kind!r}")
    return kind == MARK_MENTIONED, decode_post(body)


# -- keys: state that belongs together lands on one partition ----------------------------------
def post_key(post: Post) -> bytes:
    return post.author.id.encode()


def deletion_key(deletion: Deletion) -> bytes:
    """The author, as its post was keyed (a Mastodon delete names none: then the post's URI)."""
    return (deletion.author_id or deletion.uri).encode()


def conversation_key(event: Post | Interaction) -> bytes:
    """The root of the conversation (else the post acted upon): a cascade lives on one worker."""
    if isinstance(event, Interaction):
        return (event.root or event.subject).encode()
    return (event.reply_root or event.reply_parent or event.quote_of or event.uri).encode()


def deleted_post_key(deletion: Deletion) -> bytes:
    """On ``interactions``: the deleted post, as the conversation it roots is keyed."""
    return deletion.uri.encode()


def mention_key(mention: Mention) -> bytes:
    return mention.brand.encode()


def tracked_key(post: Post) -> bytes:
    return post.uri.encode()


def watch_key(watch: Watch) -> bytes:
    """The conversation's root, as its interactions are keyed: the watch lands beside them."""
    return watch.original_uri.encode()



def is_conversation_post(post: Post) -> bool:
    """A post that may continue a followed conversation (the conversation stage decides)."""
    return bool(post.reply_root or post.reply_parent or post.quote_of or post.repost_of)
