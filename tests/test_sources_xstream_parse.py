"""X API v2 stream lines and search pages → Posts and Interactions."""

from __future__ import annotations

import pytest

from reale.errors import DecodeError
from reale.events import Interaction, Post
from reale.sources.xstream import parse, snowflake_time
from tests.conftest import WIRE

X = WIRE / "x-api-v2"


def lines(name: str) -> list[bytes]:
    path = X / name
    if not path.exists():
        pytest.skip("wire recordings are not present")
    return path.read_bytes().splitlines()


def test_a_stream_line_with_a_quote() -> None:
    post, quote = parse(lines("streaming_output_with_error.jsonl")[0])
    assert isinstance(post, Post) and isinstance(quote, Interaction)
    assert post.uri == "x://tweet/1377650090978992134"
    assert post.author.handle == "blackheart_265" and post.author.followers == 881
    assert post.quote_of == quote.subject == "x://tweet/1377640162566496258"
    assert "https://twitter.com/Manie_DS/status/1377640162566496258" in post.links
    assert post.langs == ("en",) and post.cursor == "1377650090978992134"


def test_a_reply_names_its_parent_and_conversation_root() -> None:
    post, reply = parse(lines("streaming_output_with_error.jsonl")[1])
    assert post.reply_parent == "x://tweet/1377266697850257410"
    assert post.reply_root == "x://tweet/1377266697850257410"
    assert post.mentions == ("PoliceMutual",)
    assert isinstance(reply, Interaction) and reply.kind == "reply"


def test_a_search_page_with_a_retweet() -> None:
    events = parse(lines("two_tweets.jsonl")[0])
    kinds = [e.kind if isinstance(e, Interaction) else "post" for e in events]
    assert kinds == ["post", "repost"]
    assert events[1].subject == events[0].uri == "x://tweet/1391677057810288641"


def test_text_is_unescaped_and_whole_pages_parse() -> None:
    events = parse(lines("brexit.jsonl")[0])
    assert len(events) > 100
    assert not any("&amp;" in e.text for e in events if isinstance(e, Post))


def test_keepalives_and_errors() -> None:
    assert parse(b"\r\n") == [] and parse(b"") == []
    assert parse(b'{"errors": [{"title": "operational-disconnect"}]}') == []
    with pytest.raises(DecodeError, match="truncated"):
        parse(lines("streaming_output_with_error.jsonl")[-1])
    with pytest.raises(DecodeError, match="lacks"):
        parse(b'{"data": {"id": "1", "text": "no author"}}')


def test_snowflake_time() -> None:
    assert snowflake_time("1377650090978992134") == pytest.approx(1617292351.0, abs=1)
