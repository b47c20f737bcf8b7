"""The source role's cursors on Kafka mark what one set of topics received: a second deployment
(a new ``--prefix``) on the same store publishes the whole replay into its own topics, a restart
of either publishes nothing twice, and the default prefix still reads the cursors that existing
deployments wrote under the source's bare id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reale.run.kafka.cursors import TopicCursors, cursor_key
from reale.run.kafka.settings import POSTS, KafkaSettings
from reale.sources.base import MemoryCursorStore
from tests.conftest import run_cli

pytestmark = [pytest.mark.kafka]


def posts_end(bootstrap: str, prefix: str) -> int:
    """How many records the prefix's one-partition ``posts`` topic holds."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "cursor-test-peek"})
    try:
        topic = KafkaSettings(bootstrap=bootstrap, prefix=prefix).topic(POSTS)
        _low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        return int(high)
    finally:
        consumer.close()


def publish_replay(bootstrap: str, store: str, replay: Path, prefix: str) -> tuple[int, str]:
    """Run the source role over ``replay`` into the prefix's topics: (published, stderr)."""
    out = run_cli("kafka", "worker", "--role", "source", "--bootstrap", bootstrap,
                  "--prefix", prefix, "--store", store, "--replay", str(replay), timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    done = [json.loads(line) for line in out.stderr.splitlines()
            if line.startswith("{") and '"sources done"' in line]
    assert len(done) == 1, out.stderr[-2000:]
    return int(done[0]["published"]), out.stderr


def test_a_new_prefix_on_the_same_store_publishes_the_whole_replay_once(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    from reale.simulate import Simulator

    replay = tmp_path / "fire.jsonl"
    replay.write_text("\n".join(Simulator(seed=4, authors=50).take(count=300)) + "\n")
    store = f"sqlite:///{tmp_path / 'k.sqlite'}"
    for prefix in ("first-", "second-"):
        assert run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--prefix", prefix,
                       "--partitions", "1", timeout=60).returncode == 0

    first, _ = publish_replay(kafka_bootstrap, store, replay, "first-")
    assert first > 0 and posts_end(kafka_bootstrap, "first-") > 0
    second, said = publish_replay(kafka_bootstrap, store, replay, "second-")
    assert "already replayed" not in said
    assert second == first  # every line, into the new topics
    assert posts_end(kafka_bootstrap, "second-") > 0  # (tansu's end offsets count batches)

    for prefix in ("first-", "second-"):  # a restart of either publishes nothing twice
        before = posts_end(kafka_bootstrap, prefix)
        again, said = publish_replay(kafka_bootstrap, store, replay, prefix)
        assert again == 0 and "the whole file was already replayed" in said
        assert posts_end(kafka_bootstrap, prefix) == before


def test_the_default_prefix_honours_a_cursor_an_existing_deployment_wrote(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    from reale.simulate import Simulator
    from reale.store import open_store

    replay = tmp_path / "fire.jsonl"
    replay.write_text("\n".join(Simulator(seed=4, authors=50).take(count=100)) + "\n")
    store = f"sqlite:///{tmp_path / 'k.sqlite'}"
    with open_store(store) as s:  # what the source role wrote before cursors knew the prefix
        s.set_cursor("replay:fire.jsonl", "100")
    assert run_cli("kafka", "init", "--bootstrap", kafka_bootstrap, "--partitions", "1",
                   timeout=60).returncode == 0
    published, said = publish_replay(kafka_bootstrap, store, replay, "")
    assert published == 0 and "nothing after line 100" in said
    assert posts_end(kafka_bootstrap, "") == 0


def test_cursor_keys_carry_the_prefix_and_the_default_keeps_the_bare_id() -> None:
    assert cursor_key("", "replay:fire.jsonl") == "replay:fire.jsonl"
    assert cursor_key("acme-", "replay:fire.jsonl") == "kafka[acme-]:replay:fire.jsonl"
    shared = MemoryCursorStore({"replay:fire.jsonl": "40"})
    acme = TopicCursors(shared, "acme-")
    assert acme.get_cursor("replay:fire.jsonl") is None
    acme.set_cursor("replay:fire.jsonl", "7")
    assert TopicCursors(shared, "").get_cursor("replay:fire.jsonl") == "40"
    assert shared.cursors["kafka[acme-]:replay:fire.jsonl"] == "7"
