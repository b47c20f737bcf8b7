"""The Kafka runner's frozen settings and the client configurations derived from them.

Everything here is plain Kafka protocol (no broker-specific feature), so Apache Kafka, Redpanda
and tansu work unchanged; ``client`` passes extra librdkafka settings (TLS, SASL) through.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec

from reale.errors import ConfigError

# The topics and what keys them (see docs/scaling.md).
POSTS = "posts"  # key: author id — the matcher's input
INTERACTIONS = "interactions"  # key: root post (else subject) — conversations and cascades
MENTIONS = "mentions"  # key: brand — bursts and moments per brand
TRACKED = "tracked"  # key: post uri — posts whose conversations are followed
MOMENT_TERMS = "moment-terms"  # key: term — partial term counts for whole-stream moments
TOPICS = (POSTS, INTERACTIONS, MENTIONS, TRACKED, MOMENT_TERMS)

ROLES = ("source", "matcher", "stages", "moments", "all")
WEEK_MS = 7 * 24 * 3600 * 1000
# librdkafka's own log lines (a broker that stopped answering, say) go through this logger, so a
# worker's stderr stays one JSON object a line; they are served by the clients' poll and consume.
CLIENT_LOG = "reale.run.kafka.librdkafka"


class KafkaSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Where the broker is and how Reale uses it; built once at the edge (CLI or caller)."""

    bootstrap: str = "127.0.0.1:9092"
    prefix: str = ""  # prepended to topic and group names (several deployments on one cluster)
    partitions: int = 12  # per topic; the most workers of one role that can share the work
    replication: int = 1
    retention_ms: int = WEEK_MS
    retention_bytes: int = -1
    # Records taken per poll and written in one store transaction: per-batch costs (the store
    # transaction, the produce acknowledgement, the offset commit) are paid once per this many.
    batch_size: int = 10_000
    batch_wait: float = 0.02  # seconds a poll waits to fill a batch (bounds the added latency)
    session_timeout_ms: int = 10_000  # how soon a dead worker's partitions move
    heartbeat_ms: int = 1_000
    linger_ms: int = 5
    snapshot_interval: float = 5.0  # seconds between keyed-state snapshots (bounds the replay)
    grace: float = 30.0  # seconds of stream time an interaction waits for its post's marker
    client: dict[str, str] = {}  # extra librdkafka settings, e.g. security.protocol, sasl.*

    def topic(self, name: str) -> str:
        return self.prefix + name

    def group(self, role: str) -> str:
        return f"{self.prefix}reale-{role}"

    def validate(self) -> KafkaSettings:
        for server in self.bootstrap.split(","):
            host, _, port = server.strip().rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ConfigError(f"--bootstrap {self.bootstrap!r}: write HOST:PORT[,HOST:PORT…], "
                                  "each PORT a number from 1 to 65535")
        if self.partitions < 1 or self.batch_size < 1:
            raise ConfigError("Kafka partitions and batch size must be at least 1")
        if self.heartbeat_ms * 3 > self.session_timeout_ms:
            raise ConfigError("Kafka heartbeat must be at most a third of the session timeout")
        return self


def producer_config(s: KafkaSettings, client_id: str) -> dict[str, Any]:
    """Durable, ordered, Java-compatible partitioning (so other clients agree on key → partition)."""
    return {
        "bootstrap.servers": s.bootstrap,
        "client.id": client_id,
        "acks": "all",
        "enable.idempotence": True,
        "partitioner": "murmur2_random",
        "linger.ms": s.linger_ms,
        "compression.type": "lz4",
        "log.connection.close": False,
        "logger": logging.getLogger(CLIENT_LOG),
        **s.client,
    }


def consumer_config(s: KafkaSettings, group: str, client_id: str) -> dict[str, Any]:
    """Manual commits after the store write; range assignment so topics that share a key land
    partition by partition on the same worker."""
    return {
        "bootstrap.servers": s.bootstrap,
        "client.id": client_id,
        "group.id": group,
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        "partition.assignment.strategy": "range",
        "session.timeout.ms": s.session_timeout_ms,
        "heartbeat.interval.ms": s.heartbeat_ms,
        "fetch.wait.max.ms": max(1, int(s.batch_wait * 1000)),
        # Once a partition's prefetch queue is full, librdkafka re-checks it only after this long
        # (default 1 s): a worker that drains its queue faster than that sat idle until then.
        "fetch.queue.backoff.ms": max(1, int(s.batch_wait * 1000)),
        "isolation.level": "read_committed",
        "log.connection.close": False,
        "logger": logging.getLogger(CLIENT_LOG),
        **s.client,
    }


def admin_config(s: KafkaSettings) -> dict[str, Any]:
    # The admin calls (init, status) raise their own clear error when the broker cannot be
    # reached; librdkafka's own log would print a line per retry (about 20 a second) before it.
    # --kafka-option log_level=6 brings those lines back.
    return {"bootstrap.servers": s.bootstrap, "log.connection.close": False, "log_level": 2,
            **s.client}
