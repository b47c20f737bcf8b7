"""Author profiles: parsed from the networks' real payload shapes, fetched by httpx clients from a
local server, cached lazily in batches under a token bucket, refreshed when stale."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reale.clock import ManualClock
from reale.config import SourceConfig
from reale.errors import DecodeError
from reale.events import Author
from reale.signals.profile_cache import ProfileCache, ProfileCacheConfig
from reale.signals.profile_clients import (
    BlueskyProfiles,
    MastodonProfiles,
    XProfiles,
    clients_for,
)
from reale.signals.profile_server import ProfileServer
from reale.signals.profiles import parse_bluesky_profiles, parse_mastodon_account, parse_x_users
from tests.conftest import WIRE

FIXTURES = Path(__file__).parent / "fixtures" / "signals"
T0 = 1_700_000_000.0


def _bluesky() -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "bluesky_getProfiles.json").read_text("utf-8"))["profiles"]


def _mastodon_accounts() -> list[dict[str, Any]]:
    path = WIRE / "mastodon" / "statuses.jsonl"
    if not path.is_file():
        pytest.skip("../shared/data is not present")
    accounts = {}
    for line in path.read_text("utf-8").splitlines():
        account = json.loads(line)["account"]
        accounts[account["id"]] = account
    return list(accounts.values())


def _x_users() -> list[dict[str, Any]]:
    path = WIRE / "x-api-v2" / "brexit.jsonl"
    if not path.is_file():
        pytest.skip("../shared/data is not present")
    return json.loads(path.read_text("utf-8").splitlines()[0])["includes"]["users"]


def test_bluesky_profiles_parse_with_counts_and_account_age() -> None:
    raw = (FIXTURES / "bluesky_getProfiles.json").read_bytes()
    profiles = parse_bluesky_profiles(raw, fetched_at=T0)
    bsky = next(p for p in profiles if p.handle == "bsky.app")
    assert (bsky.followers, bsky.following, bsky.posts) == (25893211, 6, 661)
    assert bsky.created_at == pytest.approx(1681275237.057)
    assert bsky.fetched_at == T0


def test_real_mastodon_accounts_and_x_users_parse() -> None:
    account = _mastodon_accounts()[0]
    p = parse_mastodon_account(json.dumps(account))
    assert p.id == account["id"] and p.followers == account["followers_count"]
    assert p.posts == account["statuses_count"] and p.created_at is not None
    users = _x_users()
    found, missing = parse_x_users(json.dumps({"data": users}))
    assert len(found) == len(users) and missing == []
    assert found[0].followers == users[0]["public_metrics"]["followers_count"]


def test_malformed_payloads_are_decode_errors() -> None:
    for parse in (parse_bluesky_profiles, parse_mastodon_account):
        with pytest.raises(DecodeError):
            parse(b"{not json")
    with pytest.raises(DecodeError):
        parse_x_users(b'{"data": "nope"}')


@pytest.fixture
def server() -> Iterator[ProfileServer]:
    bluesky = _bluesky()
    many = [dict(bluesky[2], did=f"did:plc:fan{i:03d}", handle=f"fan{i}.bsky.social",
                 followersCount=i * 10) for i in range(60)]
    with ProfileServer(bluesky + many, _mastodon_accounts(), _x_users()) as s:
        yield s


def _cache(server: ProfileServer, clock: ManualClock, http: httpx.AsyncClient,
           **cfg: float) -> ProfileCache:
    clients = {"bluesky": BlueskyProfiles(http, server.url),
               "mastodon": MastodonProfiles(http, server.url),
               "x": XProfiles(http, "token", server.url)}
    return ProfileCache(ProfileCacheConfig(**cfg), clock, clients)  # type: ignore[arg-type]


def test_profiles_are_fetched_lazily_in_batches_of_25_under_the_rate_limit(server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            cache = _cache(server, clock, http, requests_per_second=1.0, burst=2.0)
            ids = [f"did:plc:fan{i:03d}" for i in range(60)]
            assert all(cache.get("bluesky", i) is None for i in ids)  # asking queues a fetch
            assert server.requests == []
            assert await cache.fetch_due() == 50  # the burst allows two requests of 25
            assert cache.pending("bluesky") == 10
            assert await cache.fetch_due() == 0  # no token left
            clock.advance(1.0)
            assert await cache.fetch_due() == 10
            assert len(server.requests) == 3
            p = cache.get("bluesky", "did:plc:fan042")
            assert p is not None and p.followers == 420

    asyncio.run(scenario())


def test_mastodon_and_x_profiles_arrive_and_unknown_ids_are_remembered(server: ProfileServer) -> None:
    clock = ManualClock(T0)
    account = _mastodon_accounts()[0]
    user = _x_users()[0]

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            cache = _cache(server, clock, http, burst=10.0)
            cache.get("mastodon", account["id"])
            cache.get("x", user["id"])
            cache.get("x", "999")
            assert await cache.fetch_due() == 2
            m, x, ghost = (cache.get("mastodon", account["id"]), cache.get("x", user["id"]),
                           cache.get("x", "999"))
            assert m is not None and m.followers == account["followers_count"]
            assert x is not None and x.handle == user["username"]
            assert ghost is not None and not ghost.found and cache.pending("x") == 0

    asyncio.run(scenario())


def test_a_mastodon_id_is_one_path_segment_whatever_it_holds(server: ProfileServer) -> None:
    """An id comes from the stream: one carrying a '/' (or '?', '#') must not ask the instance
    for another account and file that account's followers under the odd id."""
    clock = ManualClock(T0)
    real = _mastodon_accounts()[0]["id"]

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            cache = _cache(server, clock, http, burst=10.0)
            odd = f"x/{real}"
            cache.get("mastodon", odd)
            await cache.fetch_due()
            p = cache.get("mastodon", odd)
            assert p is not None and not p.found
            assert server.requests[-1].endswith(f"/api/v1/accounts/x%2F{real}")

    asyncio.run(scenario())


def test_a_round_paces_its_requests_to_the_configured_rate_whatever_the_burst() -> None:
    """At 6 requests a second with a burst of 1, the embedded runner's half-second rounds fetch
    at 6 requests a second (they used to take one request a round): a round waits for each
    token due before its end, and never sends more than the bucket allows."""
    clock = ManualClock(T0)

    async def sleep(seconds: float) -> None:  # what asyncio.sleep is to the system clock
        clock.advance(seconds)

    fans = [dict(_bluesky()[2], did=f"did:plc:fan{i:04d}", followersCount=i) for i in range(1000)]

    async def scenario(server: ProfileServer) -> None:
        async with httpx.AsyncClient() as http:
            config = ProfileCacheConfig(requests_per_second=6.0, burst=1.0)
            cache = ProfileCache(config, clock, {"bluesky": BlueskyProfiles(http, server.url)},
                                 sleep=sleep)
            for fan in fans:
                cache.get("bluesky", fan["did"])
            start = clock.monotonic()
            for _ in range(4):  # two seconds of rounds, as the runner's maintenance loop runs them
                round_start = clock.monotonic()
                await cache.fetch_due(within=0.5)
                assert clock.monotonic() < round_start + 0.5  # the round ends in time
                clock.set(round_start + 0.5)  # the loop sleeps the rest of the round
            elapsed = clock.monotonic() - start
            requests = len(server.requests)
            assert 6.0 * elapsed <= requests <= 1.0 + 6.0 * elapsed  # the rate, never more
            assert cache.pending("bluesky") == len(fans) - 25 * requests

    with ProfileServer(fans, [], []) as server:
        asyncio.run(scenario(server))


def test_a_round_without_time_takes_only_the_saved_up_burst(server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            cache = _cache(server, clock, http, requests_per_second=6.0, burst=1.0)
            for i in range(60):
                cache.get("bluesky", f"did:plc:fan{i:03d}")
            assert await cache.fetch_due() == 25  # within=0: what the bucket holds now
            assert await cache.fetch_due(within=0.1) == 0  # the next token is 1/6 s away
            assert cache.stats.total("waits") == 2

    asyncio.run(scenario())


def test_x_profiles_go_to_the_sources_configured_api_address(server: ProfileServer) -> None:
    clock = ManualClock(T0)
    user = _x_users()[0]

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            clients = clients_for([SourceConfig(kind="x", token="t", url=server.url)], http)
            cache = ProfileCache(ProfileCacheConfig(), clock, clients)
            cache.get("x", user["id"])
            assert await cache.fetch_due() == 1
            assert [httpx.URL(path).path for path in server.requests] == ["/2/users"]
            p = cache.get("x", user["id"])
            assert p is not None and p.followers == user["public_metrics"]["followers_count"]
            default = clients_for([SourceConfig(kind="x", token="t")], http)["x"]
            assert isinstance(default, XProfiles) and default.url == "https://api.x.com/2/users"

    asyncio.run(scenario())


def test_stale_profiles_are_served_then_refreshed(server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            cache = _cache(server, clock, http, ttl=3600.0)
            did = "did:plc:4hm6gb7dzobynqrpypif3dck"
            cache.get("bluesky", did)
            await cache.fetch_due()
            server.bluesky[did] = dict(server.bluesky[did], followersCount=15_000)
            clock.advance(1800)
            fresh = cache.get("bluesky", did)
            assert fresh is not None and fresh.followers == 812 and cache.pending("bluesky") == 0
            clock.advance(3600)
            stale = cache.get("bluesky", did)
            assert stale is not None and stale.followers == 812  # served while a refresh waits
            assert cache.pending("bluesky") == 1
            await cache.fetch_due()
            again = cache.get("bluesky", did)
            assert again is not None and again.followers == 15_000

    asyncio.run(scenario())


def test_a_429_backs_off_for_retry_after_and_a_500_for_the_error_backoff(server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            cache = _cache(server, clock, http, burst=5.0, error_backoff=60.0)
            cache.get("bluesky", "did:plc:fan001")
            server.mode = "429"
            assert await cache.fetch_due() == 0
            assert cache.pending("bluesky") == 1  # kept for later
            server.mode = "ok"
            clock.advance(29)
            assert await cache.fetch_due() == 0 and len(server.requests) == 1
            clock.advance(2)
            assert await cache.fetch_due() == 1
            cache.get("bluesky", "did:plc:fan002")
            server.mode = "500"
            assert await cache.fetch_due() == 0 and cache.errors == 1
            server.mode = "ok"
            clock.advance(61)
            assert await cache.fetch_due() == 1

    asyncio.run(scenario())


def test_counts_carried_by_events_fill_the_cache_without_a_request() -> None:
    cache = ProfileCache(ProfileCacheConfig(), ManualClock(T0))
    cache.observe("x", Author(id="42", handle="brand", followers=123_456))
    p = cache.get("x", "42")
    assert p is not None and p.followers == 123_456


def test_the_cache_is_bounded_and_survives_a_restart() -> None:
    clock = ManualClock(T0)
    cache = ProfileCache(ProfileCacheConfig(max_entries=3), clock)
    for i in range(5):
        cache.observe("x", Author(id=str(i), followers=i))
    assert len(cache) == 3 and cache.get("x", "0") is None
    again = ProfileCache(ProfileCacheConfig(max_entries=3), clock)
    again.restore(cache.snapshot())
    p = again.get("x", "4")
    assert p is not None and p.followers == 4
