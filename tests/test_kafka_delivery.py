"""The scale-out runner against a real broker (tansu) and a real PostgreSQL: a source publishes a
simulated stream, two matcher workers share it, one is killed with SIGKILL mid-stream, and the
store ends up with exactly the mentions one process stores for the same stream."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from reale.events import Post
from reale.run.kafka.admin import consumer_lag, init_topics
from reale.run.kafka.check import (
    brands_toml,
    reference_mentions,
    simulated_brands,
    simulated_events,
    stored_mention_rows,
    stored_mentions,
)
from reale.run.kafka.publish import Publisher
from reale.run.kafka.settings import KafkaSettings
from reale.store import open_store
from tests.kafka_helpers import wait_until, worker_command, workers

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def _matcher_done(settings: KafkaSettings, posts: int) -> bool:
    # Counted against what was published: tansu reports a partition's end late (the last batch
    # counts as one record), so "lag 0" alone could come too early.
    return sum(r.committed or 0 for r in consumer_lag(settings, ("matcher",))) >= posts


def _matcher_started(settings: KafkaSettings) -> bool:
    return any(r.committed for r in consumer_lag(settings, ("matcher",)))


def test_a_killed_matcher_loses_and_duplicates_nothing(kafka_bootstrap: str,
                                                       fresh_postgres_url: str,
                                                       tmp_path: Path) -> None:
    events = simulated_events(5_000, seed=3)
    brands = simulated_brands()
    expected = reference_mentions(events, brands)
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=4)
    init_topics(settings)
    config = tmp_path / "reale.toml"
    config.write_text(brands_toml(brands))
    half = len(events) // 2
    publisher = Publisher(settings)

    cmd = worker_command("matcher", kafka_bootstrap, fresh_postgres_url, config,
                         "--batch-size", "50")
    with workers([cmd, cmd], tmp_path) as (doomed, survivor):
        publisher.publish_many(events[:half])
        publisher.flush()
        wait_until(lambda: _matcher_started(settings), 60, "the matchers to commit a batch")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        publisher.publish_many(events[half:])  # the stream goes on after the kill
        publisher.flush()
        publisher.close()
        posts = sum(isinstance(e, Post) for e in events)
        wait_until(lambda: _matcher_done(settings, posts), 90, "the survivor to take over and finish",
                   step=0.2)
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(30) == 0
    assert doomed.returncode == -signal.SIGKILL

    with open_store(fresh_postgres_url) as store:
        assert stored_mentions(store) == expected
        assert stored_mention_rows(store) == len(expected)
    assert len(expected) > 20  # the stream really mentions the brands
