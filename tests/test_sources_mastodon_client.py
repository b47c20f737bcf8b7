"""The Mastodon streaming client against a local instance (SSE + REST) serving the real Status
entities: discovery of the streaming URL, a dropped stream recovered through the REST backfill,
a restart from the committed cursor, hashtag streams and a refused token."""

from __future__ import annotations

import asyncio
import json

import pytest

from reale.events import Deletion
from reale.sources.base import MemoryCursorStore, SourceItem
from reale.sources.local.mastodon_server import MastodonServer
from reale.sources.mastodon import MastodonParser
from reale.sources.mastodon_client import MastodonClient
from reale.sources.stream import FatalSourceError
from tests.conftest import WIRE
from tests.sources_helpers import NoWait, event_key, item_keys, take

RECORDING = WIRE / "mastodon" / "statuses.jsonl"
TOKEN = "user-token-123"


@pytest.fixture
def lines() -> list[bytes]:
    if not RECORDING.exists():
        pytest.skip("wire recordings are not present")
    return sorted(RECORDING.read_bytes().splitlines(), key=lambda x: int(json.loads(x)["id"]))


def expected(lines: list[bytes]) -> list[tuple[str, str]]:
    parser = MastodonParser()
    return sorted(event_key(e) for line in lines for e in parser.parse(line))


def test_a_dropped_stream_is_recovered_without_loss_or_repeats(lines: list[bytes]) -> None:
    want = expected(lines)

    async def scenario() -> tuple[list[SourceItem], MastodonClient, MastodonServer]:
        async with MastodonServer(lines, token=TOKEN, drop_after=5,
                                  publish_while_down=3) as server:
            client = MastodonClient(base_url=server.base_url, token=TOKEN, sleep=NoWait())
            got = await take(client, len(want), settle=0.3)  # and read on: nothing twice
            await client.aclose()
            return got, client, server

    got, client, server = asyncio.run(scenario())
    assert item_keys(got) == want
    assert client.stats.disconnects == 1
    assert client.stats.extra["backfilled"] >= 3  # the statuses published while it was away
    assert client.stats.keepalives > 0
    paths = [r.path for r in server.requests]
    assert paths[0] == "/api/v2/instance"
    assert "/api/v1/timelines/public" in paths


def test_a_restart_backfills_from_the_committed_cursor(lines: list[bytes]) -> None:
    want = expected(lines)
    store = MemoryCursorStore()

    async def scenario() -> list[SourceItem]:
        async with MastodonServer(lines, token=TOKEN) as server:
            first = MastodonClient(base_url=server.base_url, token=TOKEN, sleep=NoWait(),
                                   cursor_store=store)
            before = await take(first, 8)
            await first.aclose()
            server.published += 2  # published while Reale was stopped
            second = MastodonClient(base_url=server.base_url, token=TOKEN, sleep=NoWait(),
                                    cursor_store=store)
            after = await take(second, len(want) - len(before))
            await asyncio.sleep(0.05)
            assert second.stats.events == len(after)
            await second.aclose()
            return before + after

    assert item_keys(asyncio.run(scenario())) == want


def test_hashtag_stream_and_html_becomes_text(lines: list[bytes]) -> None:
    async def scenario() -> list[SourceItem]:
        async with MastodonServer(lines, token=TOKEN) as server:
            client = MastodonClient(base_url=server.base_url, token=TOKEN, sleep=NoWait(),
                                    stream="hashtag:hoot")
            got = await take(client, 1)
            await client.aclose()
            assert server.requests[1].query == {"tag": ["hoot"]}
            return got

    (item,) = asyncio.run(scenario())
    assert item.event.text == "#hoot (hashtag toot)"
    assert item.source_id == "mastodon:hashtag:hoot"


def test_a_refused_token_stops_the_client_and_is_never_logged(
        lines: list[bytes], caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        async with MastodonServer(lines, token=TOKEN) as server:
            client = MastodonClient(base_url=server.base_url, token="wrong-secret",
                                    sleep=NoWait())
            try:
                await take(client, 1)
            finally:
                await client.aclose()

    with pytest.raises(FatalSourceError, match="401") as info:
        asyncio.run(scenario())
    assert "wrong-secret" not in str(info.value) and "wrong-secret" not in caplog.text


def test_a_stream_cut_inside_an_event_loses_nothing_after_the_reconnect(
        lines: list[bytes]) -> None:
    """The connection drops after an event's data line but before the blank line that ends it:
    the half-received event must not be glued to the first event of the next connection."""
    want = expected(lines)

    async def scenario() -> tuple[list[SourceItem], MastodonClient]:
        async with MastodonServer(lines, token=TOKEN, drop_after=5, publish_while_down=3,
                                  cut_mid_event=True) as server:
            client = MastodonClient(base_url=server.base_url, token=TOKEN, sleep=NoWait())
            got = await take(client, len(want), timeout=5, settle=0.2)
            await client.aclose()
            return got, client

    got, client = asyncio.run(scenario())
    assert item_keys(got) == want
    assert client.stats.disconnects == 1 and client.stats.bad == 0


def test_a_status_too_long_to_read_is_dropped_as_it_arrives_and_counted(
        lines: list[bytes]) -> None:
    want = expected(lines)
    huge = json.loads(lines[len(lines) // 2])
    huge.update(id=str(int(huge["id"]) + 1), uri=huge["uri"] + "-huge", url=huge["url"] + "-huge",
                content="<p>" + "x" * 2_000_000 + "</p>")

    async def scenario() -> tuple[list[SourceItem], MastodonClient]:
        async with MastodonServer([*lines, json.dumps(huge).encode()], token=TOKEN) as server:
            client = MastodonClient(base_url=server.base_url, token=TOKEN, sleep=NoWait(),
                                    max_line_bytes=1_000_000)
            got = await take(client, len(want), settle=0.3)
            await client.aclose()
            return got, client

    got, client = asyncio.run(scenario())
    assert item_keys(got) == want  # everything but the oversized status
    assert client.stats.extra["oversized"] == 1 and client.stats.disconnects == 0


def test_a_delete_on_the_stream_becomes_a_deletion_of_the_status_it_sent(
        lines: list[bytes]) -> None:
    want = expected(lines)
    gone = json.loads(lines[2])

    async def scenario() -> list[SourceItem]:
        async with MastodonServer(lines, token=TOKEN, deleted=[gone["id"], "999"]) as server:
            client = MastodonClient(base_url=server.base_url, token=TOKEN, sleep=NoWait())
            got = await take(client, len(want) + 2)
            await client.aclose()
            host = server.base_url.split("//", 1)[1]
            assert got[-1].event == Deletion(network="mastodon",
                                             uri=f"mastodon://{host}/statuses/999",
                                             deleted_at=0.0, received_at=got[-1].event.received_at)
            return got

    got = asyncio.run(scenario())
    deletion = got[-2].event
    assert isinstance(deletion, Deletion) and deletion.uri == gone["uri"]
    assert deletion.received_at > 0
    assert item_keys(got[:-2]) == want
