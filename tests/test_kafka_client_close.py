"""Kafka clients are let go when their work ends, on a real broker: a stopped worker closes its
producer as well as its consumer, and a publisher closes on request. A client left open keeps
librdkafka reconnecting after its broker stops ("Connection refused" until the process ends)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reale.config import BrandConfig, Config
from reale.run.kafka.admin import init_topics
from reale.run.kafka.deps import confluent_kafka
from reale.run.kafka.publish import Publisher
from reale.run.kafka.runner import run_kafka
from reale.run.kafka.settings import KafkaSettings, consumer_config
from reale.run.kafka.worker import Worker

pytestmark = pytest.mark.kafka


def settings_for(bootstrap: str) -> KafkaSettings:
    settings = KafkaSettings(bootstrap=bootstrap, partitions=1, session_timeout_ms=2000,
                             heartbeat_ms=200)
    init_topics(settings)
    return settings


def test_a_stopped_worker_leaves_no_kafka_client_open(kafka_bootstrap: str,
                                                      tmp_path: Path) -> None:
    started: list[Worker] = []
    run_kafka(Config(brands=(BrandConfig(name="Volta", keywords=("volta",)),)),
              bootstrap=kafka_bootstrap, store_url=f"sqlite:///{tmp_path}/r.sqlite",
              role="matcher", settings=settings_for(kafka_bootstrap), idle_exit=0.2,
              install_signals=False, ready=started.extend)
    [worker] = started
    with pytest.raises(RuntimeError, match="closed"):
        worker.consumer.poll(0)
    with pytest.raises(RuntimeError, match="closed"):
        worker.producer.poll(0)


def test_a_closed_publisher_has_delivered_and_let_go(kafka_bootstrap: str) -> None:
    settings = settings_for(kafka_bootstrap)
    publisher = Publisher(settings)
    publisher.send_raw(settings.topic("posts"), b"k", b"{}")
    publisher.close()
    assert not publisher.errors
    ck = confluent_kafka()
    reader = ck.Consumer(consumer_config(settings, "test-reader", "test-reader"))
    try:
        low, high = reader.get_watermark_offsets(ck.TopicPartition(settings.topic("posts"), 0),
                                                 timeout=10)
    finally:
        reader.close()
    assert high - low == 1  # the record went out before the producer closed
    publisher.close()  # twice is harmless
    with pytest.raises(RuntimeError, match="closed"):
        publisher.producer.poll(0)
