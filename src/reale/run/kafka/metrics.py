"""Prometheus metrics of a Kafka worker: the runner's own (events in and out per stage, errors,
publish-to-stored latency) plus consumer lag per partition, batch latency, rebalances and the
profile fetcher's (as the embedded runner's, with the shared queue and the lease). Each role
exports only the metrics it fills (:data:`FILLED_BY`), so no role shows an always-empty one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram

from reale.run.metrics import LATENCY_BUCKETS, Metrics
from reale.run.profile_metrics import ProfileCollector

if TYPE_CHECKING:
    from reale.run.kafka.profiles import ProfileFetcher


CONSUMING = ("matcher", "stages", "moments", "all")
# The metrics only some roles fill, by name: the others (errors, records published) every role.
FILLED_BY: dict[str, tuple[str, ...]] = {
    "reale_mention_latency_seconds": ("matcher", "all"),  # the matcher stores the mentions
    "reale_source_lag_seconds": ("source", "all"),
    "reale_skipped": ("source", "all"),
    "reale_understand_degraded": ("stages", "all"),  # the brand stage's desk labels mentions
    "reale_events_in": CONSUMING,
    "reale_events_out": CONSUMING,
    "reale_kafka_consumer_lag": CONSUMING,
    "reale_kafka_batch_seconds": CONSUMING,
    "reale_kafka_rebalances": CONSUMING,
    "reale_kafka_relevance_models_pruned": ("stages", "all"),
    "reale_deletions": ("matcher", "all"),  # the matcher writes the deletions
}


class KafkaMetrics(Metrics):
    """One instance per worker process (its own registry, served on 127.0.0.1 by default);
    ``role`` picks the metrics it exports (all of them for ``all``)."""

    def __init__(self, role: str = "all") -> None:
        super().__init__()
        self.role = role
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
        self.models_pruned = Counter("reale_kafka_relevance_models_pruned",
                                     "Saved relevance models of brands no longer configured, "
                                     "deleted at start", ["group"], registry=r)
        for metric in (self.latency, self.lag, self.skipped, self.degraded, self.events_in,
                       self.events_out, self.consumer_lag, self.batch_seconds, self.rebalances,
                       self.models_pruned, self.deletions):
            if role not in FILLED_BY[next(iter(metric.describe())).name]:
                r.unregister(metric)  # still counts if called, never shown


def watch_profile_fetcher(metrics: Metrics, fetcher: ProfileFetcher) -> ProfileCollector:
    """The stages role's fetcher: its cache's counts, ``profile_wants`` per network as the queue
    depth, whether this process holds the fetch lease, the profiles its workers wait for and
    its rounds that failed as a whole."""
    collector = ProfileCollector(fetcher.cache, lambda: fetcher.wanted,
                                 lease=lambda: fetcher.holding, awaited=fetcher.awaited,
                                 failed_rounds=lambda: fetcher.failed_rounds)
    metrics.registry.register(collector)
    return collector
