"""On Kafka too, a cold cascade the brand stage's signals evict is kept: the batch that evicts it
writes its final stats (``cascade:<root>``) in its transaction (no broker needed)."""

from __future__ import annotations

import json
from pathlib import Path

from reale.clock import ManualClock
from reale.events import Author, Mention, Post
from reale.run.cascade_archive import archived
from reale.run.kafka import codec
from reale.run.kafka.brands import BrandStage
from reale.run.kafka.settings import KafkaSettings
from reale.run.kafka.snapshots import NamedBlob
from reale.run.kafka.snapshots import register as register_snapshots
from reale.store import open_store

T0 = 1_767_225_600.0
POST = Post(network="bluesky", uri="at://did:plc:u1/app.bsky.feed.post/1",
            author=Author(id="did:plc:u1", handle="u1.bsky.social", followers=900),
            text="can Volta lend me a car?", created_at=T0, langs=("en",))


class Record:
    """A consumed Kafka record (the part of ``confluent_kafka.Message`` a stage reads)."""

    def __init__(self, mention: Mention) -> None:
        self._value = codec.encode(mention)

    def topic(self) -> str:
        return "mentions"

    def partition(self) -> int:
        return 0

    def offset(self) -> int:
        return 0

    def key(self) -> bytes:
        return b"Volta"

    def value(self) -> bytes:
        return self._value

    def error(self) -> None:
        return None


def test_the_batch_that_evicts_a_cold_cascade_stores_it(tmp_path: Path) -> None:
    clock = ManualClock(T0)
    store = open_store(f"sqlite:///{tmp_path / 'k.sqlite'}")
    register_snapshots(store)
    stage = BrandStage(KafkaSettings(), store, clock, group="reale-brands", snapshot_interval=0)
    first = stage.process([Record(Mention(brand="Volta", query="volta", post=POST))], clock.now())
    assert not [i for i in first.items if isinstance(i, NamedBlob)]
    clock.advance(7 * 3600)  # idle past cold_after: the next batch's upkeep evicts it
    later = stage.process([], clock.now())
    rows = [i for i in later.items if isinstance(i, NamedBlob)]
    assert [r.name for r in rows] == [f"cascade:{POST.uri}"]
    assert json.loads(rows[0].blob)["stats"]["root_author"] == "did:plc:u1"
    store.write_batch(later.items)
    doc = archived(store, POST.uri)
    assert doc is not None and doc["stats"]["size"] == 0
    store.close()
