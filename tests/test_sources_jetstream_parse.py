"""Jetstream v1 events → Posts and Interactions, checked on the real golden events and on real
post events extended with the embeds and facets Bluesky clients send."""

from __future__ import annotations

import json

import pytest

from reale.errors import DecodeError
from reale.events import Interaction, Post
from reale.sources.jetstream import HandleCache, JetstreamParser, parse
from tests.conftest import WIRE

GOLDEN = WIRE / "bluesky" / "jetstream_v1_golden10.jsonl"


@pytest.fixture
def golden() -> list[bytes]:
    if not GOLDEN.exists():
        pytest.skip("wire recordings are not present")
    return GOLDEN.read_bytes().splitlines()


def test_golden_events_become_a_like_a_reply_and_a_repost(golden: list[bytes]) -> None:
    like, reply, repost = (parse(line) for line in golden[:3])
    assert like == [Interaction(
        network="bluesky", kind="like",
        uri="at://did:plc:mcc5yghbk7tixqryac2yxku7/app.bsky.feed.like/3mmoojp7etg2g",
        author=like[0].author,
        subject="at://did:plc:vfnmgxg2yscfliemmcxzyfyh/app.bsky.feed.post/3mmoodizfwc2j",
        created_at=like[0].created_at, cursor="1779719009132431")]
    post, as_reply = reply
    assert isinstance(post, Post)
    assert post.text == "Try RSV for a good time !!" and post.langs == ("en",)
    assert post.author.id == "did:plc:q235v55g5unth4zjjdpacfdr"
    assert post.reply_parent == post.reply_root == (
        "at://did:plc:j76trmiofvaxxpvx2vnb2vwf/app.bsky.feed.post/3mmojbrjwbs26")
    assert post.created_at == pytest.approx(1779719008.757)
    assert isinstance(as_reply, Interaction) and as_reply.kind == "reply"
    assert as_reply.uri == post.uri and as_reply.subject == post.reply_parent
    assert [type(e).__name__ + ":" + e.kind for e in repost if isinstance(e, Interaction)] == [
        "Interaction:repost"]


def test_other_events_are_valid_but_yield_nothing(golden: list[bytes]) -> None:
    assert [parse(line) for line in golden[3:]] == [[]] * 7


def test_the_parser_counts_deletes_and_learns_handles_from_identity_events(
        golden: list[bytes]) -> None:
    parser = JetstreamParser()
    identity = json.loads(golden[7])
    identity["identity"]["handle"] = "someone.bsky.social"
    parser.parse(json.dumps(identity))
    for line in golden:
        parser.parse(line)
    assert parser.counts["deletes"] == 1
    assert parser.handles.get(identity["did"]) == "someone.bsky.social"


def _post_event(record: dict[str, object]) -> str:
    return json.dumps({"did": "did:plc:abc", "time_us": 1783175888000000, "kind": "commit",
                       "commit": {"operation": "create", "collection": "app.bsky.feed.post",
                                  "rkey": "3k", "record": {"$type": "app.bsky.feed.post",
                                                           "createdAt": "2026-07-04T14:38:06Z",
                                                           **record}}})


def test_quotes_facets_and_text_give_quote_tags_mentions_and_links() -> None:
    text = "Ciao @fiorista.bsky.social! #Fiori e #caffè https://fiori.example/x."
    record = {
        "text": text,
        "facets": [{"index": {"byteStart": 5, "byteEnd": 26}, "features": [
            {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:flor"}]},
            {"index": {"byteStart": 28, "byteEnd": 34}, "features": [
                {"$type": "app.bsky.richtext.facet#tag", "tag": "Fiori"}]}],
        "embed": {"$type": "app.bsky.embed.recordWithMedia",
                  "record": {"record": {"uri": "at://did:plc:q/app.bsky.feed.post/1", "cid": "c"}},
                  "media": {"$type": "app.bsky.embed.images", "images": []}},
    }
    post, quote = parse(_post_event(record))
    assert isinstance(post, Post) and isinstance(quote, Interaction)
    assert post.quote_of == quote.subject == "at://did:plc:q/app.bsky.feed.post/1"
    assert quote.kind == "quote"
    assert post.hashtags == ("Fiori", "caffè")
    assert post.mentions == ("fiorista.bsky.social", "did:plc:flor")
    assert post.links == ("https://fiori.example/x",)


def test_a_plain_record_embed_is_a_quote() -> None:
    record = {"text": "look", "embed": {"$type": "app.bsky.embed.record",
                                        "record": {"uri": "at://did:plc:z/app.bsky.feed.post/9"}}}
    post, _ = parse(_post_event(record))
    assert isinstance(post, Post) and post.quote_of == "at://did:plc:z/app.bsky.feed.post/9"


def test_a_garbage_created_at_falls_back_to_the_event_time() -> None:
    (post,) = parse(_post_event({"text": "x", "createdAt": "yesterday"}))
    assert post.created_at == 1783175888.0


def test_known_handles_are_attached_to_authors() -> None:
    handles = HandleCache(max_size=2)
    handles.update("did:plc:abc", "abc.bsky.social")
    (post,) = parse(_post_event({"text": "x"}), handles)
    assert post.author.handle == "abc.bsky.social"
    handles.update("did:plc:1", "a")
    handles.update("did:plc:2", "b")
    assert len(handles) == 2 and handles.get("did:plc:abc") == ""


@pytest.mark.parametrize("raw, message", [
    (b"{not json", "not a valid event"),
    (b'\xff\xfe{"did": 1}', "not a valid event"),
    (b'{"did": "d", "kind": "commit", "time_us": "soon"}', "not a valid event"),
    (b'{"kind": "commit"}', "lacks 'did'"),
    (_post_event({"text": 5}).encode(), "post record has the wrong shape"),
    (b'{"did":"d","kind":"commit","time_us":1,"commit":{"operation":"create",'
     b'"collection":"app.bsky.feed.like","rkey":"r","record":{"subject":{}}}}', "subject.uri"),
])
def test_malformed_events_raise_a_clear_decode_error(raw: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        parse(raw)
