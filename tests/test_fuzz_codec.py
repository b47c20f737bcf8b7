"""Fuzzing the Kafka record codec: a record with flipped bytes, cut short or nested thousands
deep decodes or raises DecodeError (the stage skips and counts it); in a batch of good, bad and
good ``posts`` records both good posts come through and the bad one is counted."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reale.errors import DecodeError
from reale.events import Author, Interaction, Mention, Post, Span
from reale.run.kafka import codec
from reale.run.kafka.moment_counts import decode_partial
from tests.fuzz_helpers import fuzz_settings

POST = Post(network="bluesky", uri="at://did:plc:a/app.bsky.feed.post/1",
            author=Author(id="did:plc:a", handle="a.bsky.social", followers=12),
            text="La mia Panda è ferma 🚗 #fiat", created_at=1.7e9, langs=("it",),
            hashtags=("fiat",), cursor="1")
OTHER = msgspec.structs.replace(POST, uri="at://did:plc:a/app.bsky.feed.post/2", text="ciao")
NESTED = b"\x91" * 5000 + b"\xc0"  # a list in a list … 5000 deep
# a Post map whose unknown last field holds NESTED: the typed decoder must skip through it
DEEP_POST = (b"\x86" + b"".join(msgspec.msgpack.encode(x) for x in (
    "network", "bluesky", "uri", "u", "author", {"id": "a"}, "text", "t", "created_at", 0.0,
    "zz")) + NESTED)
DEEP_PAIR = b"\x92" + msgspec.msgpack.encode("p") + NESTED

DECODERS = {
    "post": codec.decode_post, "mention": codec.decode_mention,
    "conversation": codec.decode_conversation, "conversation_post": codec.decode_conversation_post,
    "tracked": codec.decode_tracked, "marker": codec.decode_marker,
}


@pytest.mark.parametrize("name", sorted(DECODERS))
@pytest.mark.parametrize("raw", [DEEP_POST, DEEP_PAIR], ids=["deep-post", "deep-pair"])
def test_a_record_nested_thousands_deep_is_a_decode_error(name: str, raw: bytes) -> None:
    with pytest.raises(DecodeError):
        DECODERS[name](raw)


def test_a_record_with_a_string_that_is_not_utf8_is_a_decode_error() -> None:
    broken = codec.encode(POST).replace(b"\xa7bluesky", b"\xa7\x80luesky")
    with pytest.raises(DecodeError):
        codec.decode_post(broken)
    assert codec.decode_posts([broken]) == ([], 1)


def test_a_moment_terms_record_too_deep_or_not_utf8_is_a_decode_error() -> None:
    head = [msgspec.msgpack.encode(x) for x in ("fiat", 1, 0, 5, 3, 1.0, [], [])]
    deep = b"\x99" + b"".join(head) + NESTED  # a ninth, unknown element nested 5000 deep
    broken = b"\x98" + b"".join(head).replace(b"\xa4fiat", b"\xa4fi\xffx")
    for raw in (deep, broken):
        with pytest.raises(DecodeError, match="moment-terms"):
            decode_partial(raw)


def test_a_batch_keeps_the_good_posts_around_a_deep_record() -> None:
    posts, bad = codec.decode_posts([codec.encode(POST), DEEP_POST, None, codec.encode(OTHER)])
    assert posts == [POST, OTHER]
    assert bad == 2


RECORDS = [
    codec.encode(POST),
    codec.encode(Mention(brand="Fiat", query="fiat", post=POST, spans=(Span(0, 4, "text"),),
                         matched_at=1.7e9)),
    codec.encode_conversation(POST),
    codec.encode_conversation(Interaction(network="bluesky", uri="at://x/like/1", kind="like",
                                          author=POST.author, subject=POST.uri,
                                          created_at=1.7e9)),
    codec.encode_marker(POST, mentioned=True),
    codec.encode_watch(codec.Watch(brand="Fiat", original_uri=POST.uri, original_at=1.7e9)),
]


@fuzz_settings()
@given(st.sampled_from(RECORDS), st.data())
def test_mutated_records_decode_or_raise_decode_error(record: bytes, data: st.DataObject) -> None:
    raw = bytearray(record)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        if data.draw(st.booleans()):
            raw[at] = data.draw(st.integers(0, 255))
        else:
            raw = raw[:at] + bytearray(data.draw(st.binary(max_size=8))) + raw[at:]
    cut = bytes(raw[: data.draw(st.integers(0, len(raw)))]) if data.draw(st.booleans()) else bytes(raw)
    for decode in DECODERS.values():
        try:
            decode(cut)
        except DecodeError as exc:
            assert str(exc)
    posts, bad = codec.decode_posts([codec.encode(POST), cut, codec.encode(OTHER)])
    assert posts[0] == POST and posts[-1] == OTHER and len(posts) + bad == 3
