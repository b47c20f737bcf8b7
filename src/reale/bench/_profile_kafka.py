"""The profile benchmark's Kafka half: the fetcher's rounds into embedded PostgreSQL, then two
real stages workers on tansu for the first-mention-to-stored delay and the lease takeover after
a SIGKILL (see :mod:`reale.bench.profiles`)."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from reale.bench import _profile_fleet as fleet
from reale.bench._kafka_harness import wait_until
from reale.clock import SystemClock
from reale.errors import RealeError
from reale.run.kafka.admin import init_topics
from reale.run.kafka.broker import LocalBroker, free_port
from reale.run.kafka.profile_store import count_wants
from reale.run.kafka.profiles import ProfileExchange, ProfileFetcher
from reale.run.kafka.settings import KafkaSettings
from reale.signals.profile_cache import ProfileCacheConfig
from reale.signals.profile_clients import BlueskyProfiles
from reale.signals.profile_server import ProfileServer
from reale.store import Store, open_store
from reale.store.embedded_pg import EmbeddedPostgres

UNLIMITED = ProfileCacheConfig(requests_per_second=1e9, burst=1e9, max_pending=1_000_000)


def _row(name: str, value: float | None, unit: str, target: float | None, ok: bool | None,
         note: str) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "target": target, "ok": ok, "note": note}


async def fetcher_rate(store: Store, server_url: str, dids: list[str]) -> float:
    """Profiles a second one fetcher's rounds ask, fetch and store (wants, upserts, answers)."""
    async with httpx.AsyncClient() as http:
        fetcher = ProfileFetcher(store, SystemClock(), UNLIMITED,
                                 {"bluesky": BlueskyProfiles(http, server_url)}, ProfileExchange())
        fetcher.exchange.ask([("bluesky", d) for d in dids])
        start = time.perf_counter()
        fetched = 0
        while fetched < len(dids):
            n = await fetcher.step()
            if not n and not count_wants(store):
                raise RealeError("the fetcher stopped before fetching every wanted profile")
            fetched += n
        return len(dids) / (time.perf_counter() - start)


def kafka_rows(quick: bool, bluesky: list[dict[str, Any]], mastodon: list[dict[str, Any]], *,
               lease_ttl: float, fetch_target: float, e2e_target: float) -> list[dict[str, Any]]:
    from reale.bench.profiles import bluesky_profiles

    rows = []
    with EmbeddedPostgres() as pg:
        if bluesky:
            profiles = bluesky_profiles(bluesky, 2_000 if quick else 10_000)
            url = pg.fresh_database("profiles")
            with ProfileServer(profiles, [], []) as server, open_store(url) as store:
                rate = asyncio.run(fetcher_rate(store, server.url, [p["did"] for p in profiles]))
            pg.drop_database(url)
            rows.append(_row("profiles.kafka.fetcher_per_s", rate, "profiles/s", fetch_target,
                             rate >= fetch_target, f"{len(profiles):,} profiles: ProfileFetcher "
                             "rounds of 500 wants into PostgreSQL, rate limit lifted"))
        if mastodon:
            rows += fleet_rows(quick, pg, mastodon, lease_ttl, e2e_target)
    return rows


def fleet_rows(quick: bool, pg: EmbeddedPostgres, recorded: list[dict[str, Any]],
               lease_ttl: float, e2e_target: float) -> list[dict[str, Any]]:
    """Two stages workers: first-mention delays of new authors, then the holder SIGKILLed."""
    samples = 3 if quick else 8
    accounts = fleet.accounts(recorded, samples)
    url = pg.fresh_database("fleet")
    work = Path(tempfile.mkdtemp(prefix="reale-profiles-bench-"))
    with LocalBroker() as broker, ProfileServer([], accounts, []) as server, \
            open_store(url) as store:
        settings = KafkaSettings(bootstrap=broker.bootstrap, partitions=2,
                                 session_timeout_ms=2000, heartbeat_ms=200)
        init_topics(settings)
        config = work / "reale.toml"
        config.write_text(fleet.config_toml(server.url, rate=20.0, lease_ttl=lease_ttl))
        ports = [free_port(), free_port()]
        src = Path(__file__).resolve().parents[2]
        env = dict(os.environ, PYTHONPATH=str(src) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        procs = [subprocess.Popen(fleet.worker_command(broker.bootstrap, url, config, port),
                                  stdout=(work / f"w{i}.log").open("wb"),
                                  stderr=subprocess.STDOUT, env=env)
                 for i, port in enumerate(ports)]
        try:
            if not wait_until(lambda: fleet.lease_holder(ports) is not None, 90):
                raise RealeError(f"no stages worker took the fetch lease (logs in {work})")
            delays = [first_mention_delay(settings, store, a["id"]) for a in accounts]
            takeover = lease_takeover(procs, ports)
        finally:
            for p in procs:
                p.kill()
                p.wait(30)
    pg.drop_database(url)
    e2e = statistics.median(delays)
    return [
        _row("profiles.kafka.first_mention_to_stored_s", e2e, "s", e2e_target, e2e <= e2e_target,
             f"median of {len(delays)} new Mastodon authors, max {max(delays):.2f} s: publish "
             "to mentions, brand stage asks, a round records the want, the holder fetches"),
        _row("profiles.kafka.lease_takeover_s", takeover, "s", lease_ttl + 1.5,
             takeover <= lease_ttl + 1.5, f"SIGKILL of the holder to the other worker holding "
             f"the lease, lease_ttl {lease_ttl:g} s here (60 s by default): at most the ttl plus "
             "a 1 s round"),
    ]


def first_mention_delay(settings: KafkaSettings, store: Store, author: str) -> float:
    start = time.perf_counter()
    fleet.publish_mentions(settings, [fleet.mention(author, 1, time.time())])
    if not wait_until(lambda: fleet.stored(store, [author]) == 1, 30, step=0.01):
        raise RealeError(f"the profile of {author} never arrived")
    return time.perf_counter() - start


def lease_takeover(procs: list[subprocess.Popen[bytes]], ports: list[int]) -> float:
    holder = fleet.lease_holder(ports)
    if holder is None:
        raise RealeError("no single holder of the fetch lease")
    survivor = ports[1 - holder]
    start = time.perf_counter()
    procs[holder].kill()
    if not wait_until(lambda: fleet.metric(survivor, "reale_profile_fetch_lease") == 1, 120,
                      step=0.02):
        raise RealeError("the surviving worker never took the fetch lease")
    return time.perf_counter() - start
