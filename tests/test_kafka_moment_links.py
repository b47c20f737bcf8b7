"""One story, one verdict on Kafka: the town named only in an earthquake's posts inherits the
earthquake's avoid even when the two terms sit on different ``moment-terms`` partitions (so on
different workers): each merge stage stores its moments, and reads the avoid moments the others
stored while one of its own moments could still be linked. Without a broker (two merge stages on
one store), then on the real tansu broker and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from reale.alerts import LocalReceiver, parse_alerts_config
from reale.alerts.secrets import ChannelSecrets, Secret
from reale.clock import ManualClock
from reale.config import Config
from reale.events import Post
from reale.run.kafka.admin import init_topics
from reale.run.kafka.deps import confluent_kafka
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.moment_counts import TermPartial, decode_partial, encode_partial
from reale.run.kafka.moments import MomentMergeStage
from reale.run.kafka.outbox import PendingAlert
from reale.run.kafka.settings import MOMENT_TERMS, KafkaSettings, consumer_config
from reale.signals.settings import signals_config
from reale.store import Store, open_store
from reale.web import queries as web
from reale.web.data import write_moments
from reale.web.records import MomentRecord
from tests.kafka_helpers import wait_until
from tests.test_kafka_moments_parts import FILLER, GRACE, T0, Record, count_partitions, post

QUAKE = ["Scossa fortissima adesso, crolli e vittime in paese #terremoto",
         "Che paura, case crollate, ci sono morti #terremoto",
         "Un pensiero alle vittime, che tragedia #terremoto"]
TOWN = ["Non riesco a contattare i miei genitori a Valleverde, qualcuno ha notizie?",
        "Qualcuno sa qualcosa di Valleverde? Nessuno risponde al telefono",
        "Cerco mia zia, abita a Valleverde"]
SECRET = "kafka-moment-links-hook-secret"
NEWS = "Terremoto: crolli a Valleverde, ci sono vittime. Soccorsi al lavoro #terremoto"


def ticks(at: float, first: int) -> list[Post]:
    """Posts of both terms, nothing else (no tragic word, not both terms in one post), from
    authors on every ``posts`` partition: they move each partition's time past the buckets."""
    return [post(first + j, f"{('#terremoto', 'valleverde')[j % 2]} ciao {FILLER[j]}", at + j)
            for j in range(8)]


def story(start: float) -> tuple[list[Post], list[Post]]:
    """The quake and the cries for news from the town (from ``start``); then the news naming
    the town beside the victims, three minutes later."""
    quake = [post(i, f"{QUAKE[i % 3]} {FILLER[i % 16]}{i}", start + 4.0 * i) for i in range(12)]
    town = [post(100 + i, TOWN[i % 3], start + 2 + 5.0 * i) for i in range(9)]
    news = [post(200, NEWS, start + 200)]
    return [*quake, *town, *ticks(start + 100, 400)], [*news, *ticks(start + 500, 500)]


def on_partition(partials: Sequence[TermPartial], town: bool) -> list[Record]:
    """The partials of the town's term (``town``) or of every other term, as the records of
    one ``moment-terms`` partition."""
    mine = [p for p in partials if (p.term == "valleverde") == town]
    return [Record("moment-terms", 1 if town else 0, i, encode_partial(p))
            for i, p in enumerate(mine)]


def stored(store: Store, items: Sequence[Any]) -> None:
    """What a worker's store writer does with the stage's moment records."""
    with store.transaction() as tx:
        write_moments(tx, [i for i in items if isinstance(i, MomentRecord)])


def test_a_town_on_another_partition_inherits_the_earthquakes_avoid_through_the_store(
        tmp_path: Path) -> None:
    clock = ManualClock(T0 + 600)
    config = Config(extra={"signals": {"moments": {"warmup": 0.0}}})
    signals = signals_config(config.extra)
    alerts = parse_alerts_config({"channels": [{"name": "hook", "kind": "webhook",
                                                "url": "http://127.0.0.1:9/hook",
                                                "secret_env": "HOOK_SECRET"}],
                                  "rules": [{"name": "all", "channels": ["hook"]}]})
    settings = KafkaSettings(snapshot_interval=0.0, grace=GRACE)
    first, second = story(T0)
    partials = count_partitions([*first, *second])
    cut = len(count_partitions(first))  # the partials sent before the news
    with open_store(f"sqlite:///{tmp_path / 'reale.db'}") as store:
        workers = [MomentMergeStage(settings, store, clock, signals=signals,
                                    desk=KafkaDesk(config, clock, alerts=alerts),
                                    snapshot_interval=0.0) for _ in range(2)]
        quake_worker, town_worker = workers
        # The town's worker sees its first minute: the town bursts, alone it reads safe.
        items = town_worker.process(on_partition(partials[:cut], town=True), clock.now()).items
        stored(store, items)
        [town] = [a for a in town_worker.raised if a.term == "valleverde"]
        assert town.safety is not None and town.safety.verdict == "safe"
        # The quake's worker raises the earthquake, read avoid on its own, and stores it.
        stored(store, quake_worker.process(on_partition(partials, town=False), clock.now()).items)
        quake = next(a for a in quake_worker.raised if a.term == "#terremoto")
        assert quake.safety is not None and quake.safety.verdict == "avoid"
        # The news naming the town beside the victims reaches the town's worker: the town is
        # raised again, the same moment, read avoid, the earthquake named.
        clock.advance(5.0)
        items = town_worker.process(on_partition(partials[cut:], town=True), clock.now()).items
        stored(store, items)
        [again] = town_worker.raised
        assert (again.term, again.at) == (town.term, town.at)
        assert again.safety is not None and again.safety.verdict == "avoid"
        assert again.safety.linked_to == "#terremoto"
        assert again.safety.reasons[0].startswith("part of the #terremoto moment (avoid)")
        [pending] = [i for i in items if isinstance(i, PendingAlert)]
        assert pending.alert.dedup_key.endswith(":avoid")  # a new alert, not a duplicate
        # the web desk's row is the same moment, its read made stricter
        [row] = [m for m in web.moments(store, scope="*") if m.alert.term == "valleverde"]
        assert row.alert.safety is not None and row.alert.safety.verdict == "avoid"
        # the first read written again (a replay) does not soften it
        stored(store, [MomentRecord.of(town)])
        [row] = [m for m in web.moments(store, scope="*") if m.alert.term == "valleverde"]
        assert row.alert.safety is not None and row.alert.safety.verdict == "avoid"


# -- on the real broker ---------------------------------------------------------------------------

def murmur2_partition(key: bytes, partitions: int) -> int:
    """The partition Kafka's default (murmur2) partitioner gives ``key``."""
    m, h = 0x5BD1E995, (0x9747B28C ^ len(key)) & 0xFFFFFFFF
    for i in range(len(key) // 4):
        k = int.from_bytes(key[4 * i:4 * i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        h = ((h * m) & 0xFFFFFFFF) ^ ((k * m) & 0xFFFFFFFF)
    rest = key[len(key) & ~3:]
    if len(rest) == 3:
        h ^= rest[2] << 16
    if len(rest) >= 2:
        h ^= rest[1] << 8
    if rest:
        h = ((h ^ rest[0]) * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return (h & 0x7FFFFFFF) % partitions


class TermPartitions:
    """Reads ``moment-terms`` from the beginning in a group of its own: term -> partitions."""

    def __init__(self, settings: KafkaSettings) -> None:
        conf = consumer_config(settings, "test-moment-links-reader", "test-reader")
        self.consumer: Any = confluent_kafka().Consumer(conf)
        self.consumer.subscribe([settings.topic(MOMENT_TERMS)])
        self.seen: dict[str, set[int]] = {}

    def read(self) -> dict[str, set[int]]:
        for _ in range(20):
            for m in self.consumer.consume(500, 0.2):
                if m.error() is None:
                    self.seen.setdefault(decode_partial(m.value()).term, set()).add(m.partition())
        return self.seen

    def close(self) -> None:
        self.consumer.close()


def write_config(tmp_path: Path, url: str) -> Path:
    from tests.test_kafka_desk import DESK

    config = tmp_path / "reale.toml"
    config.write_text(DESK.format(url=url))
    return config


@pytest.mark.kafka
@pytest.mark.postgres
def test_on_the_broker_the_town_and_the_earthquake_sit_apart_and_still_share_one_verdict(
        kafka_bootstrap: str, fresh_postgres_url: str, tmp_path: Path) -> None:
    from tests.test_kafka_desk import publish, running

    assert murmur2_partition(b"valleverde", 2) != murmur2_partition(b"#terremoto", 2)
    settings = KafkaSettings(bootstrap=kafka_bootstrap, partitions=2, session_timeout_ms=2000,
                             heartbeat_ms=200, snapshot_interval=0.0)
    init_topics(settings)
    start = float(int(time.time() - 900) // 30 * 30)
    first, second = story(start)
    reader = TermPartitions(settings)
    try:
        with LocalReceiver(secret=SECRET) as receiver, \
                running(write_config(tmp_path, receiver.url), settings, fresh_postgres_url,
                        "moments", alert_secrets={"hook": ChannelSecrets(
                            url=receiver.url, secret=Secret(SECRET))}), \
                open_store(fresh_postgres_url) as store:
            def read(term: str) -> str:
                rows = [m for m in web.moments(store, scope="*") if m.alert.term == term]
                return rows[0].alert.safety.verdict if rows and rows[0].alert.safety else ""

            publish(settings, first)
            wait_until(lambda: read("#terremoto") == "avoid" and read("valleverde") != "", 90,
                       "the earthquake and the town")
            publish(settings, second)
            flowing = {"next": time.monotonic(), "k": 600}

            def linked() -> bool:  # the stream flows on (a post a second), as a live one does
                if read("valleverde") == "avoid":
                    return True
                if time.monotonic() >= flowing["next"]:
                    k = int(flowing["k"])
                    publish(settings, [post(k, f"ciao {FILLER[k % 16]}{k}", start + k)])
                    flowing.update(next=time.monotonic() + 1.0, k=k + 1)
                return False

            wait_until(linked, 90, "the town read again")
            [town] = [m for m in web.moments(store, scope="*") if m.alert.term == "valleverde"]
            assert town.alert.safety is not None and town.alert.safety.linked_to == "#terremoto"
            # the two terms' counts were merged on different partitions of moment-terms
            where = reader.read()
            assert len(where["valleverde"]) == len(where["#terremoto"]) == 1
            assert where["valleverde"] != where["#terremoto"]
    finally:
        reader.close()
