"""Keyed state on Kafka, against a real broker and PostgreSQL: the brand and conversation stages
keep per-partition state, a stages worker is killed with SIGKILL, and the worker that takes its
partitions over restores the snapshots and finishes with exactly the state and the stored
conversations one process has for the same stream. Also the topic and lag commands."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reale.clock import ManualClock
from reale.config import Config
from reale.run.kafka.admin import consumer_lag, init_topics
from reale.run.kafka.brands import BrandState
from reale.run.kafka.check import (
    brands_toml,
    reference_interactions,
    reference_mentions,
    simulated_brands,
    simulated_events,
)
from reale.run.kafka.metrics import KafkaMetrics
from reale.run.kafka.publish import Publisher
from reale.run.kafka.runner import run_kafka
from reale.run.kafka.settings import KafkaSettings
from reale.run.kafka.snapshots import load_snapshot, snapshot_name
from reale.store import Store, open_store
from tests.conftest import run_cli
from tests.kafka_helpers import wait_until, worker_command, workers

pytestmark = [pytest.mark.kafka]

PARTITIONS = 3


def _committed(settings: KafkaSettings) -> list[int | None]:
    return [r.committed for r in consumer_lag(settings, ("brands", "conversations"))]


def _quiet(settings: KafkaSettings, seconds: float = 2.0) -> bool:
    """No lag and no commit for ``seconds`` while a worker polls every 20 ms: done. (tansu reports
    a partition's end late, so lag 0 alone could come too early.)"""
    rows = consumer_lag(settings, ("brands", "conversations"))
    if not rows or any(r.lag or (r.end and r.committed is None) for r in rows):
        return False
    before = [r.committed for r in rows]
    time.sleep(seconds)
    return _committed(settings) == before


def _brand_counts(store: Store) -> Counter[str]:
    total: Counter[str] = Counter()
    for part in range(PARTITIONS):
        snap = load_snapshot(store, snapshot_name("reale-brands", "brands", part))
        if snap is not None:
            state = BrandState(ManualClock(0.0))
            state.restore(snap.state)
            total.update(state.counts)
    return total


@pytest.mark.postgres
def test_keyed_state_moves_with_its_partitions_after_a_kill(kafka_bootstrap: str,
                                                            fresh_postgres_url: str,
                                                            tmp_path: Path) -> None:
    events = simulated_events(3_000, seed=5)
    brands = simulated_brands()
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=PARTITIONS,
                             session_timeout_ms=2000, heartbeat_ms=200)
    init_topics(settings)
    publisher = Publisher(settings)
    publisher.publish_many(events)
    publisher.flush()
    publisher.close()
    metrics = KafkaMetrics()
    run_kafka(Config(brands=brands), bootstrap=kafka_bootstrap, store_url=fresh_postgres_url,
              role="matcher", settings=settings, idle_exit=2.0, install_signals=False,
              metrics=metrics)
    mentioned = reference_mentions(events, brands)
    assert metrics.value("reale_events_in_total", stage="matcher") == 3_000
    assert metrics.value("reale_events_out_total", stage="matcher") == len(mentioned)
    assert metrics.value("reale_kafka_published_total", topic="mentions") == len(mentioned)

    config = tmp_path / "reale.toml"
    (tmp_path / "hook.secret").write_text("kill-test-secret")
    config.write_text(brands_toml(brands) + DESK_ALERTS.format(secret=tmp_path / "hook.secret"))
    cmd = worker_command("stages", kafka_bootstrap, fresh_postgres_url, config,
                         "--batch-size", "100", "--snapshot-interval", "0")
    with open_store(fresh_postgres_url) as store, workers([cmd], tmp_path) as (doomed,):
        wait_until(lambda: bool(store.query("SELECT COUNT(*) FROM snapshots")[0][0]), 60,
                   "the first snapshots")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        assert not _quiet(settings, 0)  # it died with work left
        with workers([cmd], tmp_path / "..") as (heir,):
            wait_until(lambda: _quiet(settings), 90, "the heir to finish", step=0.2)
            heir.send_signal(signal.SIGTERM)
            assert heir.wait(30) == 0

        interactions, posts = reference_interactions(events, brands)
        assert {r[0] for r in store.query("SELECT uri FROM interactions")} == interactions
        assert {r[0] for r in store.query("SELECT uri FROM posts")} == posts
        expected = Counter(brand for brand, *_ in mentioned)
        assert _brand_counts(store) == expected
        _assert_the_desk_lost_and_doubled_nothing(store, mentioned)
    assert interactions and len(expected) >= 3


DESK_ALERTS = """
[signals.moments]
warmup = 0.0

[[alerts.channels]]
name = "hook"
kind = "webhook"
url = "http://127.0.0.1:9/hook"
secret_file = "{secret}"

[[alerts.rules]]
name = "all"
channels = ["hook"]
"""


def _assert_the_desk_lost_and_doubled_nothing(store: Store, mentioned: set[Any]) -> None:
    """Every mention understood once, opportunities only for mentioned conversations, and each
    alert in the outbox once per channel, however often its batch was read."""
    uris = {uri for _, uri, *_ in mentioned}
    assert {r[0] for r in store.query("SELECT post_uri FROM labels")} == uris
    opportunities = store.query("SELECT brand, post_uri FROM opportunities")
    assert opportunities and {(b, u) for b, u in opportunities} <= {(b, u) for b, u, *_ in mentioned}
    assert store.query("SELECT COUNT(*) FROM moments")[0][0] > 0
    twice = store.query("SELECT channel, dedup_key FROM alert_outbox WHERE event = 'alert.created'"
                        " GROUP BY channel, dedup_key HAVING COUNT(*) > 1")
    assert twice == [] and store.query("SELECT COUNT(*) FROM alert_outbox")[0][0] > 0


def test_init_creates_the_topics_once_and_status_shows_lag_per_partition(
        kafka_bootstrap: str) -> None:
    first = run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "2")
    assert first.returncode == 0, first.stderr
    assert "posts: created, 2 partitions" in first.stdout
    again = run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "2")
    assert "posts: exists, 2 partitions" in again.stdout

    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=2)
    publisher = Publisher(settings)
    publisher.publish_many(simulated_events(50, seed=2))
    publisher.flush()
    publisher.close()
    out = run_cli("kafka", "status", "--bootstrap", kafka_bootstrap, "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    posts = [r for r in rows if r["group"] == "reale-matcher"]
    assert [r["partition"] for r in posts] == [0, 1]
    assert sum(r["lag"] for r in posts) > 0  # nothing consumed yet (tansu reports ends late)
    assert all(r["committed"] is None for r in posts)
    table = run_cli("kafka", "status", "--bootstrap", kafka_bootstrap)
    assert "reale-conversations" in table.stdout and "lag" in table.stdout


def _read_all(bootstrap: str, topic: str, partitions: int) -> list[bytes]:
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "test-reader",
                         "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    values: list[bytes] = []
    try:
        while batch := consumer.consume(1000, 2.0):
            values.extend(m.value() for m in batch if m.error() is None)
    finally:
        consumer.close()
    return values


def test_the_source_role_publishes_a_replay_by_key_and_saves_its_cursor(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    from reale.events import Interaction, Post
    from reale.run.kafka import codec
    from reale.simulate import Simulator
    from reale.sources.jetstream import parse

    lines = list(Simulator(seed=4, authors=300).take(count=400))
    (tmp_path / "sim.jsonl").write_text("\n".join(lines) + "\n")
    events = [e for line in lines for e in parse(line)]
    run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "2")
    store = f"sqlite:///{tmp_path / 'cursors.sqlite'}"
    out = run_cli("kafka", "worker", "--role", "source", "--bootstrap", kafka_bootstrap,
                  "--store", store, "--replay", str(tmp_path / "sim.jsonl"))
    assert out.returncode == 0, out.stderr
    assert '"published": ' in out.stderr  # structured logs

    posts = [codec.decode_post(v) for v in _read_all(kafka_bootstrap, "posts", 2)]
    assert sorted(p.uri for p in posts) == sorted(e.uri for e in events if isinstance(e, Post))
    assert all(p.received_at > 0 for p in posts)  # stamped when published
    conversation = [codec.decode_conversation(v)
                    for v in _read_all(kafka_bootstrap, "interactions", 2)]
    assert sum(isinstance(e, Interaction) for e in conversation) == sum(
        isinstance(e, Interaction) for e in events)
    with open_store(store) as s:
        # read to its end with every event published: the cursor is past the last line, even one
        # with no event ("reale run" again reads nothing, skips nothing)
        assert max(i for i, line in enumerate(lines, 1) if parse(line)) < len(lines)
        assert s.get_cursor("replay:sim.jsonl") == str(len(lines))


def test_reale_run_with_the_kafka_runner_stores_what_the_embedded_runner_stores(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    from reale.simulate import Simulator

    lines = list(Simulator(seed=9, authors=300, brand_rate=0.2).take(count=2000))
    recording = tmp_path / "sim.jsonl"
    recording.write_text("\n".join(lines) + "\n")
    brands = ('[[brands]]\nname = "Volta"\nkeywords = ["volta"]\n'
              '[[brands]]\nname = "Mela"\nkeywords = ["mela"]\n')
    config = tmp_path / "reale.toml"
    config.write_text(brands + f'[[sources]]\nkind = "replay"\npath = "{recording}"\n')
    embedded = f"sqlite:///{tmp_path / 'embedded.sqlite'}"
    out = run_cli("replay", str(recording), "--config", str(config), "--store", embedded, "--quiet",
                  "--full", timeout=300)
    assert out.returncode == 0, out.stderr
    run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "2")
    scaled = f"sqlite:///{tmp_path / 'kafka.sqlite'}"
    out = run_cli("run", "--runner", "kafka", "--bootstrap", kafka_bootstrap, "--config",
                  str(config), "--store", scaled, "--role", "all", "--idle-exit", "10",
                  timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]

    def mentions(url: str) -> set[tuple[str, str]]:
        with open_store(url) as s:
            return {(m.brand, m.post.uri) for m in s.recent_mentions(limit=100_000)}

    assert mentions(embedded)
    assert mentions(scaled) == mentions(embedded)

    def understood(url: str) -> set[tuple[str, str]]:
        with open_store(url) as s:
            return {(u, i) for u, i in s.query("SELECT post_uri, intent FROM labels")}

    assert understood(scaled) == understood(embedded)  # the same models on the same mentions

    def desk(url: str) -> set[tuple[str, str]]:
        with open_store(url) as s:
            return {(k, kind) for k, kind in s.query("SELECT id, kind FROM opportunities")}

    assert desk(embedded) and desk(scaled) == desk(embedded)  # the same desk
    status = run_cli("status", "--bootstrap", kafka_bootstrap, "--json")
    assert status.returncode == 0, status.stderr
    assert "reale-matcher" in status.stdout
