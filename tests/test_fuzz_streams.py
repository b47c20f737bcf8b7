"""Fuzzing what a streaming client does with each parsed message: a status or tweet whose id is
no number a key can be made of (``²``, 400 digits) is delivered like any other, never stopping
the stream, and a stream of good, odd and good messages delivers all three."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reale.events import Post
from reale.sources.base import SourceItem
from reale.sources.httpbase import snowflake_ms
from reale.sources.local.mastodon_server import MastodonServer
from reale.sources.mastodon_client import MastodonClient, _status_id
from reale.sources.xstream_client import XStreamClient
from tests.conftest import WIRE
from tests.fuzz_helpers import fuzz_settings
from tests.sources_helpers import NoWait, take

ODD_IDS = ["²", "٣", "9" * 400, "9" * 5000, "-1", " 1", "1e9", "", "0x10"]


def _first(path: str) -> dict[str, Any]:
    file = WIRE / path
    if not file.exists():
        pytest.skip("wire recordings are not present")
    return dict(json.loads(file.read_bytes().splitlines()[0]))


def _mastodon_line(status_id: str, n: int) -> bytes:
    obj = _first("mastodon/statuses.jsonl")
    obj.update(id=status_id, uri=f"https://example.social/statuses/fuzz{n}", in_reply_to_id=None)
    return json.dumps(obj).encode()


def _x_line(tweet_id: str, n: int) -> bytes:
    obj = _first("x-api-v2/two_tweets.jsonl")
    tweet = obj["data"][0] if isinstance(obj["data"], list) else obj["data"]
    tweet.update(id=tweet_id, text=f"fuzz {n}", referenced_tweets=[])
    tweet.setdefault("created_at", "2024-05-01T10:00:00.000Z")
    return json.dumps(obj).encode()


def _delivered(client: Any, lines: list[bytes]) -> list[SourceItem]:
    return [item for line in lines for item in client._decode(line)]


@pytest.mark.parametrize("odd", ["²", "9" * 400])
def test_a_mastodon_status_with_an_odd_id_does_not_stop_the_stream(odd: str) -> None:
    client = MastodonClient(base_url="http://127.0.0.1:9", token="t")
    lines = [_mastodon_line("110000000000000001", 1), _mastodon_line(odd, 2),
             _mastodon_line("110000000000000003", 3)]
    got = _delivered(client, lines)
    assert [i.event.uri.rsplit("/", 1)[-1] for i in got] == ["fuzz1", "fuzz2", "fuzz3"]


@pytest.mark.parametrize("odd", ["²", "9" * 25])
def test_a_tweet_with_an_odd_id_does_not_stop_the_stream(odd: str) -> None:
    client = XStreamClient(token="t", base_url="http://127.0.0.1:9")
    lines = [_x_line("1790000000000000001", 1), _x_line(odd, 2), _x_line("1790000000000000003", 3)]
    got = _delivered(client, lines)
    assert [i.event.text for i in got if isinstance(i.event, Post)] == ["fuzz 1", "fuzz 2", "fuzz 3"]


def test_a_live_stream_of_good_odd_and_good_statuses_delivers_both_good_ones() -> None:
    """Through a local instance's SSE stream: statuses of the wrong shape between two good ones
    are skipped and counted; the good ones after them still arrive."""
    good = [_mastodon_line("110000000000000001", 1), _mastodon_line("110000000000000009", 9)]
    odd = [json.dumps({"id": "110000000000000002", "uri": 5}).encode(),
           json.dumps({"id": "110000000000000003", "uri": "u", "account": None}).encode(),
           json.dumps({"id": "110000000000000004", "uri": "u", "account": {"id": "a"},
                       "created_at": "9999-12-31T23:59:59-14:00", "content": "x"}).encode()]

    async def scenario() -> tuple[list[SourceItem], MastodonClient]:
        async with MastodonServer([*good, *odd], token="t") as server:
            client = MastodonClient(base_url=server.base_url, token="t", sleep=NoWait())
            got = await take(client, 2, timeout=10, settle=0.3)
            await client.aclose()
            return got, client

    got, client = asyncio.run(scenario())
    assert [i.event.uri.rsplit("/", 1)[-1] for i in got] == ["fuzz1", "fuzz9"]
    assert client.stats.bad == len(odd)


def test_a_backfilled_status_with_an_odd_id_sorts_first() -> None:
    assert _status_id(msgspec.Raw(b'{"id": "\xc2\xb2"}')) == 0
    assert _status_id(msgspec.Raw(b'{"id": "' + b"9" * 5000 + b'"}')) == 0
    assert _status_id(msgspec.Raw(b'{"id": "110000000000000001"}')) == 110000000000000001


@fuzz_settings()
@given(st.one_of(st.sampled_from(ODD_IDS), st.text(max_size=30)))
def test_any_id_gives_a_snowflake_key_or_zero(value: str) -> None:
    key = snowflake_ms(value)
    assert key == 0 or 1288834974657 <= key < 2**64


@fuzz_settings(100)
@given(st.one_of(st.sampled_from(ODD_IDS), st.text(max_size=30)))
def test_any_status_id_is_delivered_between_two_good_ones(odd: str) -> None:
    client = MastodonClient(base_url="http://127.0.0.1:9", token="t")
    lines = [_mastodon_line("110000000000000001", 1), _mastodon_line(odd, 2),
             _mastodon_line("110000000000000003", 3)]
    got = {i.event.uri.rsplit("/", 1)[-1] for i in _delivered(client, lines)}
    assert {"fuzz1", "fuzz3"} <= got
