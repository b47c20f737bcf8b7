"""Operations on the cluster: create Reale's topics (``reale kafka init``) and report consumer
lag per group and partition (``reale kafka status``). Plain Kafka admin protocol only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from reale.errors import ConfigError, RealeError
from reale.run.kafka.deps import confluent_kafka, kafka_admin
from reale.run.kafka.settings import (
    INTERACTIONS,
    MENTIONS,
    MOMENT_TERMS,
    POSTS,
    TOPICS,
    TRACKED,
    KafkaSettings,
    admin_config,
    consumer_config,
)

# How long a command or worker waits for the broker's first answer before it says it cannot reach
# it: `reale kafka init`, `reale status` and every worker alike.
REACH_TIMEOUT = 10.0
# How long `reale kafka init` waits for the broker to create its topics, once it has answered.
CREATE_TIMEOUT = 30.0

# Each consuming stage's group and the topics it reads.
STAGE_TOPICS = {"matcher": (POSTS,), "brands": (MENTIONS,), "conversations": (INTERACTIONS, TRACKED),
                "moment-counts": (POSTS, INTERACTIONS), "moments": (MOMENT_TERMS,)}


class TopicResult(msgspec.Struct, frozen=True):
    topic: str
    partitions: int
    created: bool
    note: str = ""


class LagRow(msgspec.Struct, frozen=True, kw_only=True):
    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group has committed nothing here yet
    end: int
    lag: int


def topic_configs(s: KafkaSettings) -> dict[str, str]:
    # Explicit retention: some brokers (tansu) do not report their defaults, and stream
    # processors that read them fail without.
    return {"retention.ms": str(s.retention_ms), "retention.bytes": str(s.retention_bytes),
            "cleanup.policy": "delete"}


def new_admin(s: KafkaSettings) -> Any:
    """An admin client, or a clear error when librdkafka refuses the settings (a misspelt
    ``--kafka-option``, a SASL mechanism this build lacks): every command and worker makes one
    first, so a bad option is said once, before anything runs."""
    try:
        return kafka_admin().AdminClient(admin_config(s))
    except confluent_kafka().KafkaException as exc:
        reason = exc.args[0].str() if exc.args and hasattr(exc.args[0], "str") else str(exc)
        raise ConfigError(f"the Kafka client refused its settings: {reason} (check the "
                          "--kafka-option values; docs/scaling.md)") from exc


def list_topics(admin: Any, s: KafkaSettings, timeout: float) -> dict[str, Any]:
    """The broker's topics, or a clear error when it cannot be reached."""
    try:
        topics: dict[str, Any] = admin.list_topics(timeout=timeout).topics
    except confluent_kafka().KafkaException as exc:
        reason = exc.args[0].str() if exc.args and hasattr(exc.args[0], "str") else str(exc)
        raise RealeError(f"cannot reach Kafka at {s.bootstrap}: {reason} (is the broker "
                         "running? see docs/scaling.md)") from exc
    return topics


def init_command(s: KafkaSettings) -> str:
    """The ``reale kafka init`` command line for these settings (said in error messages)."""
    prefix = f" --prefix {s.prefix}" if s.prefix else ""
    return f"reale kafka init --bootstrap {s.bootstrap}{prefix} --partitions N"


def check_topics(s: KafkaSettings, timeout: float = REACH_TIMEOUT) -> dict[str, int]:
    """What a worker checks before it starts: the broker answers within ``timeout``, every one of
    Reale's topics exists, and the two topics the conversation stage reads side by side
    (``interactions``, ``tracked``: keyed alike, read partition by partition) have as many
    partitions. Returns each topic's partition count; raises a clear error otherwise."""
    admin = new_admin(s)
    topics = list_topics(admin, s, timeout)
    missing = [s.topic(t) for t in TOPICS if s.topic(t) not in topics]
    if missing:
        raise ConfigError(f"Kafka at {s.bootstrap} has no topic {', '.join(missing)}: create "
                          f"Reale's topics first with `{init_command(s)}` (docs/scaling.md)")
    counts = {t: len(topics[s.topic(t)].partitions) for t in TOPICS}
    check_copartitioned(s, counts)
    return counts


def check_copartitioned(s: KafkaSettings, counts: dict[str, int]) -> None:
    """``interactions`` and ``tracked`` must have the same partition count: a conversation's
    interactions and its markers meet on the same partition number."""
    if counts.get(INTERACTIONS) != counts.get(TRACKED):
        raise ConfigError(
            f"Kafka topics {s.topic(INTERACTIONS)} ({counts.get(INTERACTIONS)} partitions) and "
            f"{s.topic(TRACKED)} ({counts.get(TRACKED)}) must have the same number of partitions: "
            "the conversation stage reads them partition by partition (docs/scaling.md); "
            f"delete and recreate them with `{init_command(s)}`")


def init_topics(s: KafkaSettings, timeout: float = CREATE_TIMEOUT,
                reach_timeout: float = REACH_TIMEOUT) -> list[TopicResult]:
    """Create every topic with ``s.partitions`` partitions; existing topics are left as they are
    (``check_copartitioned`` then says whether the result can run). A broker that does not answer
    within ``reach_timeout`` is said as soon as a worker would say it; creating waits ``timeout``."""
    admin_mod = kafka_admin()
    admin = new_admin(s)
    existing = list_topics(admin, s, reach_timeout)
    wanted = [s.topic(t) for t in TOPICS]
    new = [admin_mod.NewTopic(t, s.partitions, s.replication, config=topic_configs(s))
           for t in wanted if t not in existing]
    futures = admin.create_topics(new, request_timeout=timeout) if new else {}
    results: list[TopicResult] = []
    for t in wanted:
        if t in futures:
            try:
                futures[t].result(timeout)
            except Exception as exc:
                raise RealeError(f"could not create Kafka topic {t}: {exc}") from exc
            results.append(TopicResult(t, s.partitions, True))
        else:
            have = len(existing[t].partitions)
            note = "" if have == s.partitions else \
                f"asked {s.partitions}: an existing topic is left as it is"
            results.append(TopicResult(t, have, False, note))
    return results


def consumer_lag(s: KafkaSettings, stages: Sequence[str] = tuple(STAGE_TOPICS),
                 timeout: float = REACH_TIMEOUT) -> list[LagRow]:
    """Committed offset, end offset and lag of every partition each stage's group reads."""
    ck = confluent_kafka()
    admin = new_admin(s)
    topics = list_topics(admin, s, timeout)
    if not any(s.topic(t) in topics for t in TOPICS):  # else an empty table would say "no lag"
        raise ConfigError(f"Kafka at {s.bootstrap} has none of Reale's topics"
                          + (f" with the prefix {s.prefix!r}" if s.prefix else "")
                          + f": nothing has run here yet; create them with `{init_command(s)}`")
    probe: Any = ck.Consumer(consumer_config(s, s.group("status"), "reale-status"))
    try:
        rows: list[LagRow] = []
        for stage in stages:
            group = s.group(stage)
            tps = [ck.TopicPartition(s.topic(t), p) for t in STAGE_TOPICS[stage]
                   if s.topic(t) in topics for p in sorted(topics[s.topic(t)].partitions)]
            if not tps:
                continue
            req = [ck.ConsumerGroupTopicPartitions(group, tps)]
            found = admin.list_consumer_group_offsets(req, request_timeout=timeout)[group]
            for tp in found.result(timeout).topic_partitions:
                rows.append(_row(group, tp, probe.get_watermark_offsets(tp, timeout=timeout)[1]))
        return sorted(rows, key=lambda r: (r.group, r.topic, r.partition))
    finally:
        probe.close()


def _row(group: str, tp: Any, end: int) -> LagRow:
    done = tp.offset if tp.offset is not None and tp.offset >= 0 else None
    end = max(end, done or 0)  # a broker may report its end late; never show negative lag
    return LagRow(group=group, topic=tp.topic, partition=tp.partition, committed=done, end=end,
                  lag=end - (done or 0))
