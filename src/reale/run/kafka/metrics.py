"""Prometheus metrics of a Kafka worker: the runner's own (events in and out per stage, errors,
publish-to-stored latency) plus consumer lag per partition, batch latency and rebalances."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from reale.run.metrics import LATENCY_BUCKETS, Metrics


class KafkaMetrics(Metrics):
    """One instance per worker process (its own registry, served on 127.0.0.1 by default)."""

    def __init__(self) -> None:
        super().__init__()
        r = self.registry
        self.consumer_lag = Gauge("reale_kafka_consumer_lag", "Records behind the partition's end",
                                  ["group", "topic", "partition"], registry=r)
        self.batch_seconds = Histogram("reale_kafka_batch_seconds",
                                       "Poll-to-commit time of one batch", ["stage"],
                                       buckets=LATENCY_BUCKETS, registry=r)
        self.rebalances = Counter("reale_kafka_rebalances", "Partitions assigned or revoked",
                                  ["stage", "kind"], registry=r)
        self.published = Counter("reale_kafka_published", "Records published, by topic",
                                 ["topic"], registry=r)
