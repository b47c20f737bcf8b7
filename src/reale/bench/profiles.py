"""Benchmarks of author profile fetching against the local recorded-profile server on 127.0.0.1:
(a) fetch throughput of the embedded cache (Bluesky getProfiles, 25 a request; Mastodon, one) and
    of the Kafka fetcher's rounds into PostgreSQL, rate limits lifted: far above any network's
    own limit, so fetching is never the bottleneck; and the rate a limited cache keeps in
    half-second rounds (6 requests a second, burst 1: the configured rate, never more);
(b) two ``reale kafka worker --role stages`` processes (tansu, embedded PostgreSQL): the delay
    from the first mention of an unknown author to its profile in the store, and how long the
    fetch lease takes to move after its holder is SIGKILLed (with ``lease_ttl`` = 2 s).
Run: ``python -m reale.bench.profiles`` (or ``make bench``)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from reale.bench._shared import shared_data
from reale.clock import SystemClock
from reale.signals.profile_cache import ProfileCache, ProfileCacheConfig
from reale.signals.profile_clients import BlueskyProfiles, MastodonProfiles, ProfileClient
from reale.signals.profile_server import ProfileServer

UNLIMITED = ProfileCacheConfig(requests_per_second=1e9, burst=1e9, max_pending=1_000_000,
                               max_entries=1_000_000)
FETCH_TARGET = 1_000.0  # profiles/s: Bluesky's AppView allows about 250 (3,000 requests in 5 min)
MASTODON_TARGET = 100.0  # profiles/s: a Mastodon token is allowed 1 request a second
LEASE_TTL = 2.0
E2E_TARGET = 3.0  # seconds: a batch, the asker's round and the holder's round (1 s each)


def row(name: str, value: float | None, unit: str, target: float | None, ok: bool | None,
        note: str) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "target": target, "ok": ok, "note": note}


def recorded_bluesky() -> list[dict[str, Any]]:
    """The recorded getProfiles payload the client tests use (tests/fixtures), if present."""
    for parent in Path(__file__).resolve().parents:
        path = parent / "tests" / "fixtures" / "signals" / "bluesky_getProfiles.json"
        if path.is_file():
            return list(json.loads(path.read_text("utf-8"))["profiles"])
    return []


def recorded_mastodon() -> list[dict[str, Any]]:
    from reale.bench._profile_fleet import recorded_accounts

    data = shared_data()
    statuses = data / "wire" / "mastodon" / "statuses.jsonl" if data else None
    return recorded_accounts(statuses) if statuses and statuses.is_file() else []


def bluesky_profiles(recorded: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    return [dict(recorded[i % len(recorded)], did=f"did:plc:bench{i:07d}",
                 handle=f"fan{i}.bsky.social", followersCount=10 + i) for i in range(n)]


async def fetch_rate(network: str, ids: list[str],
                     make: Callable[[httpx.AsyncClient], ProfileClient]) -> float:
    """Profiles a second the embedded cache fetches and stores, its rate limit lifted."""
    async with httpx.AsyncClient() as http:
        cache = ProfileCache(UNLIMITED, SystemClock(), {network: make(http)})
        for i in ids:
            cache.get(network, i)
        start = time.perf_counter()
        while cache.pending(network):
            await cache.fetch_due()
            if cache.errors:
                raise RuntimeError(f"{network} profile fetch failed against the local server")
        return len(ids) / (time.perf_counter() - start)


PACED_RATE = 6.0  # requests/s, with a burst of 1: rounds must pace to reach it


async def paced_rate(url: str, seconds: float, round_s: float = 0.5) -> float:
    """Requests a second a cache limited to ``PACED_RATE`` (burst 1) sends in rounds of
    ``round_s`` seconds, as the embedded runner's maintenance loop runs them (wall clock)."""
    config = ProfileCacheConfig(requests_per_second=PACED_RATE, burst=1.0)
    async with httpx.AsyncClient() as http:
        cache = ProfileCache(config, SystemClock(), {"mastodon": MastodonProfiles(http, url)})
        for i in range(int(PACED_RATE * seconds) + 100):
            cache.get("mastodon", f"paced{i}")  # unknown ids: one 404 a request
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            began = time.monotonic()
            await cache.fetch_due(within=round_s)
            await asyncio.sleep(max(0.0, round_s - (time.monotonic() - began)))
        return cache.requests / (time.monotonic() - start)


def paced_row(quick: bool) -> dict[str, Any]:
    seconds = 2.0 if quick else 5.0
    with ProfileServer([], [], []) as server:
        rate = asyncio.run(paced_rate(server.url, seconds))
    ok = 0.95 * PACED_RATE <= rate <= PACED_RATE + 1.0 / seconds
    return row("profiles.paced.requests_per_s", rate, "requests/s", PACED_RATE, ok,
               f"requests_per_second={PACED_RATE:g}, burst=1, rounds of 0.5 s for {seconds:g} s "
               "(the configured rate, never more)")


def embedded_rows(quick: bool) -> list[dict[str, Any]]:
    rows = [paced_row(quick)]
    bluesky, mastodon = recorded_bluesky(), recorded_mastodon()
    if bluesky:
        profiles = bluesky_profiles(bluesky, 2_000 if quick else 10_000)
        with ProfileServer(profiles, [], []) as server:
            rate = asyncio.run(fetch_rate("bluesky", [p["did"] for p in profiles],
                                          lambda h: BlueskyProfiles(h, server.url)))
        rows.append(row("profiles.fetch.bluesky_per_s", rate, "profiles/s", FETCH_TARGET,
                        rate >= FETCH_TARGET, f"{len(profiles):,} profiles, 25 a request, "
                        "embedded ProfileCache, server in the same process"))
    if mastodon:
        from reale.bench._profile_fleet import accounts

        many = accounts(mastodon, 300 if quick else 1_000)
        with ProfileServer([], many, []) as server:
            rate = asyncio.run(fetch_rate("mastodon", [a["id"] for a in many],
                                          lambda h: MastodonProfiles(h, server.url)))
        rows.append(row("profiles.fetch.mastodon_per_s", rate, "profiles/s", MASTODON_TARGET,
                        rate >= MASTODON_TARGET, f"{len(many):,} accounts, one a request"))
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    rows = embedded_rows(quick)
    from reale.bench.kafka import _unavailable

    why = _unavailable()
    if why:
        return [*rows, row("profiles.kafka", None, "", None, None, f"skipped: {why}")]
    from reale.bench._profile_kafka import kafka_rows

    return [*rows, *kafka_rows(quick, recorded_bluesky(), recorded_mastodon(),
                               lease_ttl=LEASE_TTL, fetch_target=FETCH_TARGET,
                               e2e_target=E2E_TARGET)]


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("profiles", run))
