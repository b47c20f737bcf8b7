"""Author profiles on Kafka, without a broker: a brand stage's partition state asks for the
profiles its reach needs, the one fetcher holding the store lease fetches them from the networks
(here the local recorded-profile server) under each network's rate limit into the shared
PostgreSQL store, and every worker hands them back to the states that asked. Two workers asking
for the same authors fetch each of them once; a network answering 429 or 500 costs nothing but
time."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reale.clock import ManualClock
from reale.events import Author, Mention, Post
from reale.run.kafka.brands import BrandState
from reale.run.kafka.profile_store import oldest_wants, read_profiles
from reale.run.kafka.profiles import ProfileExchange, ProfileFetcher, ProfileRouter
from reale.run.kafka.services import DispatchLease
from reale.signals.profile_cache import ProfileCacheConfig
from reale.signals.profile_clients import BlueskyProfiles
from reale.signals.profile_server import ProfileServer
from reale.signals.settings import SignalsConfig
from reale.store import Store, open_store

pytestmark = [pytest.mark.postgres]

T0 = 1_767_225_600.0
BSKY_APP = "did:plc:z72i7hdynmk6r22z27h6tvur"  # 25,893,211 followers in the recording
FLORIST = "did:plc:4hm6gb7dzobynqrpypif3dck"  # 812 followers
FANS = [f"did:plc:fan{i:03d}" for i in range(30)]
FIXTURE = Path(__file__).parent / "fixtures" / "signals" / "bluesky_getProfiles.json"


def recorded_profiles() -> list[dict[str, Any]]:
    """The recorded getProfiles payload, plus fans shaped like its third profile."""
    recorded: list[dict[str, Any]] = json.loads(FIXTURE.read_text("utf-8"))["profiles"]
    fans = [dict(recorded[2], did=did, handle=f"fan{i}.bsky.social", followersCount=10 + i)
            for i, did in enumerate(FANS)]
    return recorded + fans


@pytest.fixture
def server() -> Iterator[ProfileServer]:
    with ProfileServer(recorded_profiles(), [], []) as s:
        yield s


@pytest.fixture
def store(fresh_postgres_url: str) -> Iterator[Store]:
    with open_store(fresh_postgres_url) as s:
        yield s


def mention(author: str, i: int, at: float) -> Mention:
    post = Post(network="bluesky", uri=f"at://{author}/app.bsky.feed.post/{i}",
                author=Author(id=author), text=f"my Volta, day {i}", created_at=at)
    return Mention(brand="Volta", query="volta", post=post)


class Worker:
    """The profile side of one stages worker: its brand state (partition 0), the router its
    brand stage runs, and its fetcher, sharing the store and the lease with the other workers."""

    def __init__(self, store: Store, clock: ManualClock, http: httpx.AsyncClient,
                 server: ProfileServer, name: str, **limits: float) -> None:
        config = ProfileCacheConfig(**limits)  # type: ignore[arg-type]
        self.state = BrandState(clock, SignalsConfig(profiles=config), ask_profiles=True)
        exchange = ProfileExchange()
        self.router = ProfileRouter(exchange)
        self.fetcher = ProfileFetcher(store, clock, config,
                                      {"bluesky": BlueskyProfiles(http, server.url)}, exchange,
                                      lease=DispatchLease(store, clock, owner=name,
                                                          name="kafka:profile-fetcher"))

    def consume(self, *mentions: Mention) -> None:
        """What the brand stage does with a batch: answers in, mentions counted, asks out."""
        self.router.deliver({0: self.state})
        for m in mentions:
            self.state.update(m)
        self.router.collect({0: self.state}, [0])

    def followers(self, author: str) -> int | None:
        return self.state.signals.reach("Volta", "bluesky", author).followers


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_a_bluesky_authors_profile_is_fetched_stored_and_reaches_the_brand_state(
        store: Store, server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            worker = Worker(store, clock, http, server, "w1", burst=5.0)
            worker.consume(mention(BSKY_APP, 1, T0), mention(FLORIST, 2, T0))
            assert worker.followers(BSKY_APP) is None  # Jetstream posts carry no counts
            assert await worker.fetcher.step() == 2  # one getProfiles request for both
            assert len(server.requests) == 1
            stored = read_profiles(store, [("bluesky", BSKY_APP)])[("bluesky", BSKY_APP)]
            assert stored.followers == 25_893_211 and stored.fetched_at == T0
            await worker.fetcher.step()  # the next round answers from the store
            worker.consume()
            assert worker.followers(BSKY_APP) == 25_893_211
            reach = worker.state.signals.reach("Volta", "bluesky", BSKY_APP)
            assert reach.tier == "mega" and reach.percentile == 75.0 and reach.audience == 2

    run(scenario())


def test_two_workers_asking_for_the_same_authors_fetch_each_once(
        store: Store, server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            a, b = (Worker(store, clock, http, server, name, requests_per_second=1.0, burst=1.0)
                    for name in ("a", "b"))
            for w in (a, b):  # both brands' partitions see the same 30 fans
                w.consume(*(mention(fan, i, T0) for i, fan in enumerate(FANS)))
            for _ in range(4):
                await a.fetcher.step()
                await b.fetcher.step()  # b waits: a holds the lease
                clock.advance(1.0)
            asked = [actor for path in server.requests
                     for actor in httpx.URL(path).params.get_list("actors")]
            assert sorted(asked) == sorted(FANS)  # 25 then 5: one request a second, each once
            assert len(server.requests) == 2 and b.fetcher.fetched == 0
            for w in (a, b):
                w.consume()
                assert [w.followers(fan) for fan in FANS] == [10 + i for i in range(30)]
            assert oldest_wants(store, 100) == []

    run(scenario())


def test_the_fetcher_paces_a_round_to_the_configured_rate_whatever_the_burst(
        store: Store) -> None:
    """At 6 requests a second with a burst of 1, the lease holder's one-second round sends 6
    getProfiles requests of 25 (it used to send one), waiting for each token as it comes."""
    clock = ManualClock(T0)

    async def sleep(seconds: float) -> None:  # what asyncio.sleep is to the system clock
        clock.advance(seconds)

    fans = [dict(recorded_profiles()[2], did=f"did:plc:crowd{i:04d}", followersCount=i)
            for i in range(400)]

    async def scenario(server: ProfileServer) -> None:
        async with httpx.AsyncClient() as http:
            config = ProfileCacheConfig(requests_per_second=6.0, burst=1.0)
            fetcher = ProfileFetcher(store, clock, config,
                                     {"bluesky": BlueskyProfiles(http, server.url)},
                                     ProfileExchange(), sleep=sleep)
            fetcher.exchange.ask([("bluesky", fan["did"]) for fan in fans])
            assert await fetcher.step(within=1.0) == 6 * 25
            assert len(server.requests) == 6 and clock.monotonic() < T0 + 1.0
            assert fetcher.wanted == {"bluesky": 400 - 6 * 25}
            clock.set(T0 + 1.0)  # the service waits out the round; the next sends 6 more
            assert await fetcher.step(within=1.0) == 6 * 25

    with ProfileServer(fans, [], []) as server:
        run(scenario(server))


def test_when_the_fetcher_stops_another_worker_takes_over_the_wanted_profiles(
        store: Store, server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            a = Worker(store, clock, http, server, "a", burst=1.0, requests_per_second=0.01)
            b = Worker(store, clock, http, server, "b", burst=1.0, requests_per_second=0.01)
            a.consume(*(mention(fan, i, T0) for i, fan in enumerate(FANS)))
            assert await a.fetcher.step() == 25  # its bucket allows one request
            assert len(oldest_wants(store, 100)) == 5  # wanted in the store, not in a's memory
            clock.advance(16.0)  # a is gone: its lease expires
            assert await b.fetcher.step() == 5
            assert oldest_wants(store, 100) == []

    run(scenario())


def test_a_429_or_a_500_keeps_the_wants_and_the_state_working_until_the_network_answers(
        store: Store, server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            worker = Worker(store, clock, http, server, "w", burst=5.0, error_backoff=60.0)
            server.mode = "429"  # Retry-After: 30
            worker.consume(mention(FLORIST, 1, T0))
            assert await worker.fetcher.step() == 0
            clock.advance(29.0)
            assert await worker.fetcher.step() == 0 and len(server.requests) == 1  # backing off
            server.mode = "500"
            clock.advance(2.0)
            assert await worker.fetcher.step() == 0 and worker.fetcher.cache.errors == 1
            worker.consume(mention(FLORIST, 2, T0 + 31))  # the state goes on without the profile
            assert worker.state.counts == {"Volta": 2} and worker.followers(FLORIST) is None
            assert oldest_wants(store, 10) == [("bluesky", FLORIST)]
            server.mode = "ok"
            clock.advance(61.0)
            assert await worker.fetcher.step() == 1
            await worker.fetcher.step()
            worker.consume()
            assert worker.followers(FLORIST) == 812

    run(scenario())


def test_a_stored_profile_is_answered_without_asking_the_network_and_refreshed_when_stale(
        store: Store, server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            first = Worker(store, clock, http, server, "a", ttl=3600.0)
            first.consume(mention(FLORIST, 1, T0))
            await first.fetcher.step()
            later = Worker(store, clock, http, server, "b", ttl=3600.0)  # e.g. after a restart
            later.consume(mention(FLORIST, 2, T0))
            later.fetcher.share()
            later.consume()
            assert later.followers(FLORIST) == 812 and len(server.requests) == 1
            server.bluesky[FLORIST] = dict(server.bluesky[FLORIST], followersCount=15_000)
            clock.advance(3601.0)
            stale = Worker(store, clock, http, server, "c", ttl=3600.0)
            stale.consume(mention(FLORIST, 3, T0 + 3601))
            stale.fetcher.share()
            stale.consume()  # the stale count is used while its refresh waits
            assert stale.followers(FLORIST) == 812
            assert await stale.fetcher.step() == 1  # the old leases expired long ago
            await stale.fetcher.step()
            stale.consume()
            assert stale.followers(FLORIST) == 15_000

    run(scenario())


def test_wanted_authors_are_bounded_the_oldest_forgotten_first(
        store: Store, server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            worker = Worker(store, clock, http, server, "w", max_pending=10, error_backoff=600.0)
            server.mode = "500"  # nothing gets fetched: the wants pile up
            worker.consume(*(mention(fan, i, T0) for i, fan in enumerate(FANS[:20])))
            await worker.fetcher.step()
            clock.advance(1.0)
            worker.consume(*(mention(fan, i, T0 + 1) for i, fan in enumerate(FANS[20:])))
            await worker.fetcher.step()
            assert sorted(oldest_wants(store, 100)) == [("bluesky", fan) for fan in FANS[20:]]

    run(scenario())
