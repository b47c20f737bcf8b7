"""The profile fetcher survives a SIGKILL: two ``reale kafka worker --role stages`` processes
(the real broker, PostgreSQL and the local recorded-profile server), the one holding the fetch
lease is killed mid-fetch, the other takes the lease over once it expires and fetches the rest;
every wanted profile arrives and none is fetched more than twice (the killed holder's unsaved
round). Which process holds the lease, and what each fetched, is read from their /metrics."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from reale.bench import _profile_fleet as fleet
from reale.run.kafka.admin import init_topics
from reale.run.kafka.broker import free_port
from reale.run.kafka.settings import KafkaSettings
from reale.signals.profile_server import ProfileServer
from reale.store import open_store
from tests.conftest import WIRE
from tests.kafka_helpers import wait_until, workers

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]

AUTHORS = 60
RATE = 6.0  # profiles a second (Mastodon: one a request): ten seconds of fetching in all


def test_when_the_fetch_lease_holder_is_killed_another_process_fetches_the_rest(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    statuses = WIRE / "mastodon" / "statuses.jsonl"
    if not statuses.is_file():
        pytest.skip("../shared/data is not present")
    accounts = fleet.accounts(fleet.recorded_accounts(statuses), AUTHORS)
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=2, session_timeout_ms=2000,
                             heartbeat_ms=200)
    init_topics(settings)
    ports = [free_port(), free_port()]
    with ProfileServer([], accounts, []) as server, open_store(fresh_postgres_url) as store:
        config = tmp_path / "reale.toml"
        config.write_text(fleet.config_toml(server.url, rate=RATE, lease_ttl=2.0))
        commands = [fleet.worker_command(kafka_bootstrap, fresh_postgres_url, config, p)
                    for p in ports]
        with workers(commands, tmp_path) as procs:
            wait_until(lambda: fleet.lease_holder(ports) is not None, 60,
                       "a worker holding the fetch lease")
            fleet.publish_mentions(settings, [fleet.mention(a["id"], 1, time.time())
                                              for a in accounts])
            wait_until(lambda: fleet.stored(store) >= 6, 60, "the first profiles")
            killed, deadline = None, time.monotonic() + 10
            while killed is None and time.monotonic() < deadline:  # a scrape may time out
                killed = fleet.lease_holder(ports)
            assert killed is not None
            procs[killed].kill()
            procs[killed].wait(30)
            before = fleet.stored(store)
            assert before < AUTHORS  # killed mid-fetch
            survivor = ports[1 - killed]
            wait_until(lambda: fleet.metric(survivor, "reale_profile_fetch_lease") == 1, 30,
                       "the survivor to take the lease over")
            wait_until(lambda: fleet.stored(store) == AUTHORS, 60, "every profile")
            fetched = fleet.metric(survivor, "reale_profiles_fetched_total", network="mastodon")
            assert fetched is not None and fetched >= AUTHORS - before
            assert store.query("SELECT COUNT(*) FROM profile_wants") == [(0,)]
            followers = store.query("SELECT id, followers FROM author_profiles")
            assert sorted(followers) == sorted((a["id"], a["followers_count"]) for a in accounts)
    asked = Counter(path.rsplit("/", 1)[-1] for path in server.requests)
    assert set(asked) == {a["id"] for a in accounts}
    assert max(asked.values()) <= 2
