"""Author profile fetching is visible in Prometheus, in both runners: profiles asked for (and
which of them were stale refreshes), fetched, not found, requests, failures by reason, rounds that
waited on a rate limit, the queue's depth and, on Kafka, which process holds the fetch lease and
the fetch rounds that failed as a whole. Read
through each runner's own registry, as a scrape of its /metrics reads it; the network is the local
recorded-profile server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.events import Author, Mention, Post
from reale.run.app import EmbeddedApp
from reale.run.kafka.metrics import KafkaMetrics, watch_profile_fetcher
from reale.run.kafka.profiles import ProfileExchange, ProfileFetcher
from reale.run.kafka.services import DispatchLease
from reale.run.metrics import Metrics
from reale.run.profile_metrics import watch_profiles
from reale.run.wiring import Pipeline
from reale.signals.profile_cache import ProfileCache, ProfileCacheConfig
from reale.signals.profile_clients import BlueskyProfiles
from reale.signals.profile_server import ProfileServer
from reale.signals.settings import SignalsConfig
from reale.store import Store, open_store
from tests.test_kafka_profiles import FANS, FLORIST, recorded_profiles

T0 = 1_767_225_600.0
VOLTA = BrandConfig(name="Volta", keywords=("volta",))


@pytest.fixture
def server() -> Iterator[ProfileServer]:
    with ProfileServer(recorded_profiles(), [], []) as s:
        yield s


def mention(author: str, i: int, at: float) -> Mention:
    post = Post(network="bluesky", uri=f"at://{author}/app.bsky.feed.post/{i}",
                author=Author(id=author), text=f"my Volta, day {i}", created_at=at)
    return Mention(brand="Volta", query="volta", post=post)


def test_the_embedded_runner_counts_profiles_asked_for_fetched_and_still_queued(
        tmp_path: Path, server: ProfileServer) -> None:
    clock = ManualClock(T0)
    config = Config(brands=(VOLTA,), store=f"sqlite:///{tmp_path}/a.sqlite")
    profiles = ProfileCacheConfig(requests_per_second=1.0, burst=1.0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http, EmbeddedApp(config, clock=clock) as app:
            clients = {"bluesky": BlueskyProfiles(http, server.url)}
            async with Pipeline(app, clock=clock, profile_clients=clients,
                                signals=SignalsConfig(profiles=profiles)) as p:
                m = app.metrics.value
                for i, fan in enumerate(FANS):  # 30 unknown authors mention the brand
                    p.signals.on_mention(mention(fan, i, T0))
                    p.signals.on_mention(mention(fan, 100 + i, T0))  # asked for once each
                assert m("reale_profiles_requested_total", network="bluesky") == 30
                assert m("reale_profiles_queued", network="bluesky") == 30
                await p.signals.refresh_profiles()  # the bucket allows one request of 25
                await p.signals.refresh_profiles()  # and then waits
                assert m("reale_profile_requests_total", network="bluesky") == 1
                assert m("reale_profiles_fetched_total", network="bluesky") == 25
                assert m("reale_profiles_queued", network="bluesky") == 5
                assert m("reale_profile_rate_limited_waits_total", network="bluesky") >= 1
                assert m("reale_profiles_stale_refreshes_total", network="bluesky") == 0

    asyncio.run(scenario())


def test_failures_are_counted_by_reason_and_a_stale_profile_as_a_refresh(
        server: ProfileServer) -> None:
    clock = ManualClock(T0)
    metrics = Metrics()

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            cache = ProfileCache(ProfileCacheConfig(ttl=3600.0, error_backoff=10.0), clock,
                                 {"bluesky": BlueskyProfiles(http, server.url)})
            watch_profiles(metrics, cache)
            failures = lambda reason: metrics.value(  # noqa: E731
                "reale_profile_failures_total", network="bluesky", reason=reason)
            cache.get("bluesky", FLORIST)
            cache.get("bluesky", "did:plc:nobody")
            server.mode = "429"
            await cache.fetch_due()
            assert failures("rate_limited") == 1
            clock.advance(31.0)
            server.mode = "500"
            await cache.fetch_due()
            assert failures("http_5xx") == 1
            clock.advance(11.0)
            server.mode = "ok"
            await cache.fetch_due()
            assert metrics.value("reale_profiles_fetched_total", network="bluesky") == 1
            assert metrics.value("reale_profiles_not_found_total", network="bluesky") == 1
            assert metrics.value("reale_profile_requests_total", network="bluesky") == 3
            clock.advance(3601.0)  # the florist's profile is now stale: asking refreshes it
            assert cache.get("bluesky", FLORIST) is not None
            assert metrics.value("reale_profiles_stale_refreshes_total", network="bluesky") == 1
            assert metrics.value("reale_profiles_requested_total", network="bluesky") == 3

    asyncio.run(scenario())


@pytest.mark.postgres
def test_kafka_fetchers_show_the_shared_queue_what_they_asked_and_who_holds_the_lease(
        fresh_postgres_url: str, server: ProfileServer) -> None:
    clock = ManualClock(T0)
    config = ProfileCacheConfig(requests_per_second=0.01, burst=1.0, lease_ttl=15.0)

    def fetcher(store: Store, http: httpx.AsyncClient, name: str) -> tuple[ProfileFetcher,
                                                                           KafkaMetrics]:
        f = ProfileFetcher(store, clock, config, {"bluesky": BlueskyProfiles(http, server.url)},
                           ProfileExchange(), lease=DispatchLease(store, clock, ttl=15.0,
                                                                  owner=name,
                                                                  name="kafka:profile-fetcher"))
        metrics = KafkaMetrics()
        watch_profile_fetcher(metrics, f)
        return f, metrics

    async def scenario(store: Store) -> None:
        async with httpx.AsyncClient() as http:
            (a, ma), (b, mb) = fetcher(store, http, "a"), fetcher(store, http, "b")
            a.exchange.ask([("bluesky", fan) for fan in FANS])  # a's brand stage asks for 30
            assert await a.step() == 25  # one request, then a's bucket is spent
            await b.step()
            assert ma.value("reale_profiles_requested_total", network="bluesky") == 30
            assert ma.value("reale_profiles_fetched_total", network="bluesky") == 25
            assert ma.value("reale_profiles_awaited") == 30  # answered on a's next round
            for m in (ma, mb):  # both see the deployment's queue
                assert m.value("reale_profiles_queued", network="bluesky") == 5
            assert (ma.value("reale_profile_fetch_lease"), mb.value("reale_profile_fetch_lease")) \
                == (1.0, 0.0)
            clock.advance(16.0)  # a is gone: b takes over the lease and the 5 left
            assert await b.step() == 5
            assert mb.value("reale_profile_fetch_lease") == 1.0
            assert mb.value("reale_profiles_fetched_total", network="bluesky") == 5
            assert mb.value("reale_profiles_queued", network="bluesky") == 0
            assert mb.value("reale_profiles_requested_total", network="bluesky") == 0  # a asked

    with open_store(fresh_postgres_url) as store:
        asyncio.run(scenario(store))


@pytest.mark.postgres
def test_a_kafka_fetch_round_that_fails_as_a_whole_is_counted(
        fresh_postgres_url: str, server: ProfileServer) -> None:
    clock = ManualClock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            with open_store(fresh_postgres_url) as store:
                f = ProfileFetcher(store, clock, ProfileCacheConfig(),
                                   {"bluesky": BlueskyProfiles(http, server.url)},
                                   ProfileExchange())
                metrics = KafkaMetrics()
                watch_profile_fetcher(metrics, f)
                f.exchange.ask([("bluesky", FLORIST)])
                assert await f.round() == 1
                assert metrics.value("reale_profile_rounds_failed_total") == 0
            f.exchange.ask([("bluesky", FANS[0])])
            assert await f.round() is None  # the store is gone: logged, counted, not raised
            assert metrics.value("reale_profile_rounds_failed_total") == 1
            assert await f.round() is None
            assert metrics.value("reale_profile_rounds_failed_total") == 2

    asyncio.run(scenario())
