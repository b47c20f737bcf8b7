"""The Jetstream client against a local WebSocket server that serves the real recording:
a dropped connection, a restart from the committed cursor, and zstd compression."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import zstandard

from reale.errors import SourceError
from reale.sources.base import MemoryCursorStore, SourceItem
from reale.sources.jetstream import parse
from reale.sources.jetstream_client import JetstreamClient
from reale.sources.local.jetstream_server import JetstreamServer
from reale.sources.stream import FatalSourceError
from tests.conftest import WIRE
from tests.sources_helpers import NoWait, take

RECORDING = WIRE / "bluesky" / "jetstream_v1_events.jsonl"
COLLECTIONS = ("app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.feed.like")


@pytest.fixture
def lines() -> list[bytes]:
    if not RECORDING.exists():
        pytest.skip("wire recordings are not present")
    return RECORDING.read_bytes().splitlines()


def expected_keys(lines: list[bytes]) -> list[tuple[str, str]]:
    """(kind, uri) of every event the recording holds, for the wanted collections."""
    return sorted((type(e).__name__ + getattr(e, "kind", ""), e.uri)
                  for line in lines for e in parse(line))


def keys(items: list[SourceItem]) -> list[tuple[str, str]]:
    return sorted((type(i.event).__name__ + getattr(i.event, "kind", ""), i.event.uri)
                  for i in items)


def test_a_dropped_connection_loses_nothing_and_repeats_nothing(lines: list[bytes]) -> None:
    want = expected_keys(lines)

    async def scenario() -> tuple[list[SourceItem], JetstreamServer, NoWait, JetstreamClient]:
        async with JetstreamServer(lines, drop_after=40) as server:
            sleep = NoWait()
            client = JetstreamClient(url=server.url, collections=COLLECTIONS, sleep=sleep,
                                     rewind=0.05)
            got = await take(client, len(want), settle=0.3)  # and read on: nothing twice
            await client.aclose()
            return got, server, sleep, client

    got, server, sleep, client = asyncio.run(scenario())
    assert keys(got) == want
    assert len(server.requests) == 2 and "cursor" in server.requests[1]
    assert client.stats.disconnects == 1 and client.stats.duplicates > 0
    assert len(sleep.delays) == 1


@pytest.mark.parametrize("rewind", [2.0, 0.05])
def test_a_restart_resumes_after_the_last_committed_event(lines: list[bytes], rewind: float) -> None:
    want = expected_keys(lines)
    store = MemoryCursorStore()

    async def scenario() -> tuple[list[SourceItem], list[SourceItem]]:
        async with JetstreamServer(lines) as server:
            first = JetstreamClient(url=server.url, cursor_store=store, sleep=NoWait(),
                                     close_timeout=0.1, rewind=rewind)
            before = await take(first, 60)
            await first.aclose()  # commits the cursor of the 60 acknowledged items
            second = JetstreamClient(url=server.url, cursor_store=store, sleep=NoWait(),
                                     close_timeout=0.1, rewind=rewind)
            after = await take(second, len(want) - len(before))
            await asyncio.sleep(0.05)
            assert second.stats.events == len(after)
            await second.aclose()
            return before, after

    before, after = asyncio.run(scenario())
    assert store.get_cursor("jetstream") is not None
    assert keys(before + after) == want


def test_compressed_messages_with_a_dictionary(lines: list[bytes], tmp_path: Path) -> None:
    samples = [line for line in lines if line.strip()] * 4
    dictionary = zstandard.train_dictionary(2048, samples).as_bytes()
    want = expected_keys(lines)

    async def scenario() -> list[SourceItem]:
        async with JetstreamServer(lines, dictionary=dictionary) as server:
            client = JetstreamClient(url=server.url, dictionary=dictionary, sleep=NoWait())
            got = await take(client, len(want))
            await client.aclose()
            assert server.requests[0]["compress"] == ["true"]
            return got

    assert keys(asyncio.run(scenario())) == want


@pytest.mark.parametrize("status, fatal", [(400, True), (503, False)])
def test_a_refused_handshake_is_fatal_only_when_retrying_cannot_help(
        lines: list[bytes], status: int, fatal: bool) -> None:
    async def scenario() -> JetstreamClient:
        async with JetstreamServer(lines, refuse=status) as server:
            client = JetstreamClient(url=server.url, sleep=NoWait(), max_reconnects=2)
            with pytest.raises(SourceError) as info:
                await take(client, 1)
            await client.aclose()
            assert isinstance(info.value, FatalSourceError) == fatal
            return client

    client = asyncio.run(scenario())
    assert client.stats.connects == (1 if fatal else 3)


def with_a_huge_post(lines: list[bytes], size: int) -> tuple[list[bytes], int]:
    """The recording in ``time_us`` order with one post of ``size`` bytes inserted in the first
    third of a gap between two events; returns the lines and the gap (µs)."""
    import json

    ordered = sorted((ln for ln in lines if ln.strip()), key=lambda ln: json.loads(ln)["time_us"])
    times = [json.loads(ln)["time_us"] for ln in ordered]
    i = next(i for i in range(len(times) // 2, len(times) - 1) if times[i + 1] - times[i] >= 300)
    huge = {"did": "did:plc:huge", "time_us": times[i] + (times[i + 1] - times[i]) // 3,
            "kind": "commit", "commit": {
                "operation": "create", "collection": "app.bsky.feed.post", "rkey": "huge",
                "record": {"text": "x" * size, "createdAt": "2026-01-01T00:00:00Z"}}}
    return [*ordered[:i + 1], json.dumps(huge).encode(), *ordered[i + 1:]], times[i + 1] - times[i]


def test_a_post_over_the_post_limit_is_dropped_on_arrival_without_a_reconnect(
        lines: list[bytes]) -> None:
    want = expected_keys(lines)
    served, _ = with_a_huge_post(lines, 5 * 2**20)  # over the default 4 MiB

    async def scenario() -> tuple[list[SourceItem], JetstreamClient]:
        async with JetstreamServer(served) as server:
            client = JetstreamClient(url=server.url, collections=COLLECTIONS, sleep=NoWait(),
                                     close_timeout=0.1)
            got = await take(client, len(want), settle=0.3)
            await client.aclose()
            return got, client

    got, client = asyncio.run(scenario())
    assert keys(got) == want
    assert client.stats.extra["oversized"] == 1 and client.stats.connects == 1


def test_a_message_too_big_to_receive_is_stepped_over_by_cursor_not_retried_forever(
        lines: list[bytes]) -> None:
    want = expected_keys(lines)
    served, gap = with_a_huge_post(lines, 100_000)

    async def scenario() -> tuple[list[SourceItem], JetstreamClient, NoWait, JetstreamServer]:
        async with JetstreamServer(served) as server:
            sleep = NoWait()
            client = JetstreamClient(url=server.url, collections=COLLECTIONS, sleep=sleep,
                                     close_timeout=0.1, max_message_bytes=64 * 1024)
            got = await take(client, len(want), settle=0.3)
            await client.aclose()
            return got, client, sleep, server

    got, client, sleep, server = asyncio.run(scenario())
    assert keys(got) == want  # nothing lost but the oversized post itself
    assert client.stats.extra["oversized"] == 1
    assert 0 < client.stats.extra["skipped_us"] < gap
    assert set(sleep.delays) == {0.0}  # stepping over it waits for no back-off
    assert 2 <= len(server.requests) <= 2 + gap.bit_length()
