"""The Kafka brand stage's recovery of a brand's relevance model when its partition is assigned,
with a full memory: recalled from beside the partition's snapshot, or rebuilt from the stored
decisions (the fallback), measured side by side on the same store and models."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reale.clock import ManualClock
from reale.config import BrandConfig, Config
from reale.events import Author, Mention, Post
from reale.run.kafka import codec
from reale.run.kafka.brands import BrandStage
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.relevance import model_name
from reale.run.kafka.settings import KafkaSettings
from reale.run.kafka.snapshots import register
from reale.store import Store
from reale.web.data import register_writers

if TYPE_CHECKING:
    from reale.run.wiring import Understanding

GROUP = "bench-brands"
TARGET_RECALL_MS = 100.0  # a brand's model back with its partition, well inside a rebalance


@dataclass
class _Partition:
    topic: str
    partition: int
    offset: int = -1001


class _Record:
    """One consumed ``mentions`` record of partition 0 (what a stage reads of a message)."""

    def __init__(self, mention: Mention) -> None:
        self._value = codec.encode(mention)
        self._key = mention.brand.encode()

    def topic(self) -> str:
        return "mentions"

    def partition(self) -> int:
        return 0

    def offset(self) -> int:
        return 0

    def key(self) -> bytes:
        return self._key

    def value(self) -> bytes:
        return self._value


def _stage(store: Store, understanding: Understanding, brand: BrandConfig,
           clock: ManualClock) -> BrandStage:
    desk = KafkaDesk(Config(brands=(brand,)), clock, understanding=understanding)
    return BrandStage(KafkaSettings(), store, clock, group=GROUP, snapshot_interval=0.0,
                      desk=desk)


def _recovered(stage: BrandStage) -> float:
    """Seconds to assign partition 0 and recover its brands' models before its next batch."""
    started = time.perf_counter()
    stage.assigned([_Partition("mentions", 0)])
    assert stage.desk is not None
    stage.desk.recover(stage.store, list(stage.keyed.states.values()))
    return time.perf_counter() - started


def assignment_rows(store: Store, understanding: Understanding, brand: BrandConfig, now: float,
                    repeats: int = 3) -> list[dict[str, Any]]:
    """``store`` holds ``brand``'s decided opportunities (at least a full memory of decisions
    that teach relevance), all taken before ``now``."""
    register(store)
    register_writers(store)
    clock = ManualClock(now)
    first = _stage(store, understanding, brand, clock)
    post = Post(network="bluesky", uri="at://did:plc:m/app.bsky.feed.post/1",
                author=Author(id="did:plc:m", handle="m.bsky.social"), created_at=clock.now(),
                text="@mela-mobile ciao Mela, il mio telefono non si accende", langs=("it",))
    out = first.process([_Record(Mention(brand=brand.name, query="mela", post=post))],
                        clock.now())
    store.write_batch([*out.items, *first.final_items()])
    kept = len(understanding.models[brand.name])
    first.revoked([_Partition("mentions", 0)])
    recall, rebuild = [], []
    for _ in range(repeats):
        heir = _stage(store, understanding, brand, clock)
        recall.append(_recovered(heir))
        store.write_batch(heir.final_items())
        heir.revoked([_Partition("mentions", 0)])
        with store.transaction() as tx:  # the saved model gone: the fallback rebuilds it
            tx.execute("DELETE FROM snapshots WHERE name = ?", (model_name(GROUP, brand.name),))
        heir = _stage(store, understanding, brand, clock)
        rebuild.append(_recovered(heir))
        store.write_batch(heir.final_items())  # saved again for the next recall
        heir.revoked([_Partition("mentions", 0)])
    recall_ms, rebuild_ms = statistics.median(recall) * 1e3, statistics.median(rebuild) * 1e3
    note = (f"one brand, a full memory of {kept} decisions; median of {repeats}; SQLite store; "
            f"the rebuild (no saved model) takes {rebuild_ms:,.0f} ms, {rebuild_ms / recall_ms:.0f}x")
    return [
        {"name": "learning.kafka_recall_relevance_ms", "value": recall_ms, "unit": "ms",
         "target": TARGET_RECALL_MS, "ok": recall_ms <= TARGET_RECALL_MS,
         "note": "partition assigned, its brand's relevance model recalled from beside its "
                 "snapshot: " + note},
        {"name": "learning.kafka_rebuild_relevance_ms", "value": rebuild_ms, "unit": "ms",
         "target": None, "ok": True,
         "note": f"the same partition, the model rebuilt from the {kept} stored decisions "
                 "(embedded again) before its next batch: the fallback"},
    ]
