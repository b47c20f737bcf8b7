"""Stages workers fetching author profiles, as real processes, for the profile benchmark and the
lease-takeover test: their config (Mastodon profiles from a local recorded-profile server),
mentions of unknown authors published to ``mentions``, and each worker's /metrics read back."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from reale.events import Author, Mention, Post
from reale.run.kafka import codec
from reale.run.kafka.publish import Publisher
from reale.run.kafka.settings import MENTIONS, KafkaSettings
from reale.store import Store

CONFIG = """
[[brands]]
name = "Volta"
keywords = ["volta"]

[[sources]]  # the stages role fetches the profiles of its sources' networks
kind = "mastodon"
url = "{url}"

[signals.profiles]
requests_per_second = {rate}
burst = 1  # a round paces its requests: the rate holds without saved-up tokens
error_backoff = 0.5
lease_ttl = {lease_ttl}
"""


def config_toml(server_url: str, *, rate: float, lease_ttl: float) -> str:
    return CONFIG.format(url=server_url, rate=rate, lease_ttl=lease_ttl)


def worker_command(bootstrap: str, store: str, config: Path, metrics_port: int,
                   *extra: str) -> list[str]:
    """A stages worker serving its metrics on 127.0.0.1:``metrics_port``."""
    return [sys.executable, "-m", "reale", "kafka", "worker", "--role", "stages",
            "--bootstrap", bootstrap, "--store", store, "--config", str(config),
            "--session-timeout-ms", "2000", "--metrics-port", str(metrics_port), *extra]


def lease_holder(ports: Sequence[int]) -> int | None:
    """The index of the one worker whose /metrics says it holds the fetch lease, else None."""
    held = [i for i, p in enumerate(ports) if metric(p, "reale_profile_fetch_lease") == 1]
    return held[0] if len(held) == 1 else None


def recorded_accounts(statuses: Path) -> list[dict[str, Any]]:
    """The distinct account objects of recorded Mastodon statuses (one JSON status a line)."""
    accounts: dict[str, dict[str, Any]] = {}
    for line in statuses.read_text("utf-8").splitlines():
        account = json.loads(line)["account"]
        accounts[account["id"]] = account
    return list(accounts.values())


def accounts(recorded: Sequence[dict[str, Any]], n: int, first: int = 0) -> list[dict[str, Any]]:
    """``n`` accounts shaped like the recorded ones, each with its own id and follower count."""
    return [dict(recorded[i % len(recorded)], id=str(900_000 + i), acct=f"fan{i}@example.social",
                 followers_count=10 + i) for i in range(first, first + n)]


def mention(author_id: str, i: int, at: float) -> Mention:
    """A Mastodon post about the brand whose author's counts are unknown (so it asks)."""
    post = Post(network="mastodon", uri=f"https://example.social/@fan/{author_id}/{i}",
                author=Author(id=author_id), text=f"my Volta, day {i}", created_at=at)
    return Mention(brand="Volta", query="volta", post=post)


def publish_mentions(settings: KafkaSettings, mentions: Sequence[Mention]) -> None:
    """As the matcher publishes them: keyed by brand on ``mentions``."""
    publisher = Publisher(settings, client_id="reale-bench-mentions")
    for m in mentions:
        publisher.send_raw(settings.topic(MENTIONS), codec.mention_key(m), codec.encode(m))
    publisher.flush()
    publisher.close()


def metric(port: int, name: str, **labels: str) -> float | None:
    """One sample from the worker's /metrics; None when it does not answer (yet) or lacks it."""
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2.0).text
    except httpx.HTTPError:
        return None
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return None


def stored(store: Store, ids: Sequence[str] | None = None) -> int:
    """Profiles in ``author_profiles`` (of ``ids`` only, when given)."""
    if ids is None:
        return int(store.query("SELECT COUNT(*) FROM author_profiles")[0][0])
    marks = ", ".join("?" * len(ids))
    return int(store.query(f"SELECT COUNT(*) FROM author_profiles WHERE id IN ({marks})",
                           tuple(ids))[0][0])
