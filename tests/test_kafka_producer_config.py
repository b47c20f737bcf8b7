"""How long each producer lingers: sources batch for ``linger_ms``; a worker, which waits for its
batch's acknowledgements before committing anyway, sends at once; a ``--kafka-option`` wins."""

from __future__ import annotations

from reale.run.kafka.settings import KafkaSettings, producer_config
from reale.run.kafka.worker import WORKER_LINGER_MS


def test_a_source_producer_lingers_for_the_settings_linger() -> None:
    config = producer_config(KafkaSettings(linger_ms=5), "reale-source")
    assert config["linger.ms"] == 5


def test_a_worker_producer_sends_its_records_at_once() -> None:
    config = producer_config(KafkaSettings(linger_ms=5), "reale-matcher",
                             linger_ms=WORKER_LINGER_MS)
    assert config["linger.ms"] == WORKER_LINGER_MS == 0
    assert config["acks"] == "all" and config["enable.idempotence"] is True  # durability kept


def test_a_kafka_option_overrides_the_worker_linger() -> None:
    settings = KafkaSettings(client={"linger.ms": "7"})
    assert producer_config(settings, "reale-matcher", linger_ms=0)["linger.ms"] == "7"
