"""The Kafka brand stage's recovery of a brand's relevance model when its partition is assigned,
with a full memory: recalled from beside the partition's snapshot, or rebuilt from the stored
decisions (the fallback), measured side by side on the same store and models; and the longest
stall of the partition's stream while a model is learned, in its batch or on the background
(its prior's anchors taken back from the stored mentions, decisions taken meanwhile)."""

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
TARGET_CALLBACK_MS = 10.0  # the assignment callback itself: no model read in it
# the longest stall of a partition's stream while its brand's model is learned in the batch,
# over the longest while it is learned on the background thread (which shares the CPU)
TARGET_STALL_CUT = 3.0
ANCHORS = 2_000  # stored mentions addressed to the brand, read back for its prior
MEANWHILE = 3  # decisions the team takes while the model is learned


@dataclass
class _Partition:
    topic: str
    partition: int
    offset: int = -1001


class _Record:
    """One consumed ``mentions`` record of partition 0 (what a stage reads of a message)."""

    def __init__(self, mention: Mention, offset: int = 0) -> None:
        self._value = codec.encode(mention)
        self._key = mention.brand.encode()
        self._offset = offset

    def topic(self) -> str:
        return "mentions"

    def partition(self) -> int:
        return 0

    def offset(self) -> int:
        return self._offset

    def key(self) -> bytes:
        return self._key

    def value(self) -> bytes:
        return self._value


def _stage(store: Store, understanding: Understanding, brand: BrandConfig,
           clock: ManualClock, *, background: bool = False, group: str = GROUP) -> BrandStage:
    desk = KafkaDesk(Config(brands=(brand,)), clock, understanding=understanding,
                     background=background)
    return BrandStage(KafkaSettings(), store, clock, group=group, snapshot_interval=0.0,
                      desk=desk)


def _recovered(stage: BrandStage) -> tuple[float, float]:
    """Seconds to assign partition 0 (the rebalance callback) and, from its start, to recover
    its brands' models before its next batch (the saved ones read back after the callback)."""
    started = time.perf_counter()
    stage.assigned([_Partition("mentions", 0)])
    callback = time.perf_counter() - started
    assert stage.desk is not None
    stage.desk.recover(stage.store, list(stage.keyed.states.values()))
    return callback, time.perf_counter() - started


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
    recall, rebuild, callback = [], [], []
    for i in range(repeats):
        heir = _stage(store, understanding, brand, clock)
        took, total = _recovered(heir)
        recall.append(total)
        if i or repeats == 1:  # the first assignment reads a cold store (tens of ms under load)
            callback.append(took)
        store.write_batch(heir.final_items())
        heir.revoked([_Partition("mentions", 0)])
        with store.transaction() as tx:  # the saved model gone: the fallback rebuilds it
            tx.execute("DELETE FROM snapshots WHERE name = ?", (model_name(GROUP, brand.name),))
        heir = _stage(store, understanding, brand, clock)
        rebuild.append(_recovered(heir)[1])
        store.write_batch(heir.final_items())  # saved again for the next recall
        heir.revoked([_Partition("mentions", 0)])
    recall_ms, rebuild_ms = statistics.median(recall) * 1e3, statistics.median(rebuild) * 1e3
    callback_ms = statistics.median(callback) * 1e3
    note = (f"one brand, a full memory of {kept} decisions; median of {repeats}; SQLite store; "
            f"the rebuild (no saved model) takes {rebuild_ms:,.0f} ms, {rebuild_ms / recall_ms:.0f}x")
    return [
        {"name": "learning.kafka_recall_relevance_ms", "value": recall_ms, "unit": "ms",
         "target": TARGET_RECALL_MS, "ok": recall_ms <= TARGET_RECALL_MS,
         "note": "partition assigned, its brand's relevance model recalled from beside its "
                 "snapshot: " + note},
        {"name": "learning.kafka_assign_callback_ms", "value": callback_ms, "unit": "ms",
         "target": TARGET_CALLBACK_MS, "ok": callback_ms <= TARGET_CALLBACK_MS,
         "note": "the rebalance callback of that assignment (the partition's state restored; "
                 "its brand's saved model only queued, read back after it and put in use "
                 "before the next batch: the recall row)"},
        {"name": "learning.kafka_rebuild_relevance_ms", "value": rebuild_ms, "unit": "ms",
         "target": None, "ok": True,
         "note": f"the same partition, the model rebuilt from the {kept} stored decisions "
                 "(embedded again) before its next batch: the fallback"},
    ]


def _mention(brand: BrandConfig, i: int, at: float, text: str = "ciao Mela, la batteria numero {}"
             " dura poco") -> Mention:
    post = Post(network="bluesky", uri=f"at://did:plc:s{i}/app.bsky.feed.post/{i}",
                author=Author(id=f"did:plc:s{i}", handle=f"s{i}.bsky.social"), created_at=at,
                text=text.format(i), langs=("it",))
    return Mention(brand=brand.name, query="mela", post=post)


def _anchors(store: Store, brand: BrandConfig, at: float) -> None:
    """``ANCHORS`` stored mentions addressed to the brand's handle, before ``at``."""
    store.write_mentions([_mention(brand, 50_000 + i, at - ANCHORS + i,
                                   f"@{brand.handles[0]} ciao, il telefono {{}} si scarica")
                          for i in range(ANCHORS)])


def _decide(store: Store, brand: BrandConfig, at: float, first: int) -> None:
    """``MEANWHILE`` opportunities of the brand decided at ``at`` (kept, dismissed, ...)."""
    from reale.bench.learning import store_decided

    store_decided(store, brand.name, range(first, first + MEANWHILE), at,
                  "ciao Mela, il caricatore numero {} si scalda", ("handled", "irrelevant"), 1e-3)


def _stalls(stage: BrandStage, brand: BrandConfig, clock: ManualClock,
            limit: int = 2_000) -> tuple[list[float], int]:
    """A partition assigned, then batches of one fresh mention each, back to back, until the
    brand's model is in use (and one batch more), the team deciding ``MEANWHILE`` opportunities
    after the second: seconds of the assignment and of each batch, and the number of batches
    until the model was in use."""
    desk = stage.desk
    assert isinstance(desk, KafkaDesk) and desk.understanding is not None
    stage.maintain_every = 0.0  # the team's decisions read before every batch
    started = time.perf_counter()
    stage.assigned([_Partition("mentions", 0)])
    took, ready = [time.perf_counter() - started], 0
    for i in range(limit):
        if i == 2:
            clock.advance(1.0)
            _decide(stage.store, brand, clock.now(), first=int(clock.now()))
        record = _Record(_mention(brand, 10_000 + i, clock.now()), offset=i)
        started = time.perf_counter()
        stage.process([record], clock.now())
        took.append(time.perf_counter() - started)
        if ready:
            break
        if brand.name in desk.understanding.models:
            ready = i + 1
    if desk.background is not None:
        desk.close()
    stage.revoked([_Partition("mentions", 0)])
    return took, ready


def _p95(took: list[float]) -> float:
    """The 95th percentile of the assignment's and the batches' seconds (less swayed than the
    longest by a moment the shared cores were busy elsewhere)."""
    ordered = sorted(took)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def stall_rows(store: Store, understanding: Understanding, brand: BrandConfig,
               now: float) -> list[dict[str, Any]]:
    """The longest stall of a partition's stream when it is assigned with a brand whose model
    must be learned from ``store``'s decisions (a full memory): rebuilt (the partition's saved
    model lost) and taught (the brand new to the group), in the batch that needs it (before)
    and on the desk's background thread (now), each on the same store and models."""
    register(store)
    register_writers(store)
    _anchors(store, brand, now)
    clock = ManualClock(now)
    first = _stage(store, understanding, brand, clock)
    out = first.process([_Record(_mention(brand, 1, now))], now)
    store.write_batch([*out.items, *first.final_items()])
    kept = len(understanding.models.get(brand.name) or ())
    first.revoked([_Partition("mentions", 0)])
    stored = int(store.query("SELECT COUNT(*) FROM opportunity_decisions")[0][0])
    rows: list[dict[str, Any]] = []
    for case, group in (("rebuild", GROUP), ("teach", f"{GROUP}-new")):
        worst: dict[bool, float] = {}
        for background in (False, True):
            with store.transaction() as tx:
                tx.execute("DELETE FROM snapshots WHERE name = ?", (model_name(GROUP, brand.name),))
            understanding.models.clear()
            understanding.drop_anchors(brand.name)
            took, ready = _stalls(_stage(store, understanding, brand, clock,
                                         background=background, group=group), brand, clock)
            worst[background] = max(took) * 1e3
            where = "background" if background else "in_batch"
            rows.append({
                "name": f"learning.kafka_{case}_stall_{where}_ms", "value": worst[background],
                "unit": "ms", "target": None, "ok": True,
                "note": f"{'saved model lost' if case == 'rebuild' else 'brand new to the group'}"
                        f", {stored:,} stored decisions, {kept} to embed, {MEANWHILE} taken "
                        f"meanwhile, {ANCHORS:,} stored mentions for its prior; the longest of "
                        f"the assignment and "
                        f"{len(took) - 1} one-mention batches back to back (median "
                        f"{statistics.median(took[1:]) * 1e3:.0f} ms, p95 {_p95(took) * 1e3:.0f}"
                        f" ms) until the model was in "
                        f"use (batch {ready}); SQLite"})
        cut = worst[False] / worst[True]
        rows.append({"name": f"learning.kafka_{case}_stall_cut_x", "value": cut, "unit": "x",
                     "target": TARGET_STALL_CUT, "ok": cut >= TARGET_STALL_CUT,
                     "note": "the longest stall with the model learned in the batch, over the "
                             "longest with it learned on the background thread"})
    return rows
