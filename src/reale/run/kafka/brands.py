"""The brand stage on Kafka: reads ``mentions`` (key: brand), so each brand's counts and moment
detector live on exactly one worker and survive a rebalance through their snapshot.

Mentions arrive at least once (a matcher may publish a batch again after a crash), so the state
remembers the most recent mention keys and counts each mention once.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence

import msgspec

from reale.clock import Clock
from reale.errors import DecodeError
from reale.events import Mention
from reale.run.kafka import codec
from reale.run.kafka.keyed import KeyedStage, KeyedStates
from reale.run.kafka.settings import MENTIONS, KafkaSettings
from reale.run.kafka.stage import Message, Output
from reale.signals.moment_scope import MomentAlert, MomentConfig
from reale.signals.moments import MomentDetector
from reale.store import Store

log = logging.getLogger("reale.run.kafka")

AlertSink = Callable[[MomentAlert], None]
MentionSink = Callable[[list[Mention]], None]


class _Saved(msgspec.Struct):
    counts: dict[str, int]
    seen: list[str]
    moments: bytes


class BrandState:
    """Mentions counted per brand (once each) and the brand-scoped moment detector."""

    def __init__(self, clock: Clock, moments: MomentConfig | None = None,
                 remember: int = 100_000) -> None:
        self.counts: dict[str, int] = {}
        self.moments = MomentDetector(moments or MomentConfig(), clock)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remember = remember

    def update(self, mention: Mention) -> list[MomentAlert] | None:
        """Count a mention; None when it was seen already (a re-delivery)."""
        key = f"{mention.brand}\x00{mention.post.uri}"
        if key in self._seen:
            return None
        self._seen[key] = None
        if len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        self.counts[mention.brand] = self.counts.get(mention.brand, 0) + 1
        return self.moments.update(mention.post, (mention.brand,))

    def snapshot(self) -> bytes:
        return msgspec.msgpack.encode(_Saved(self.counts, list(self._seen),
                                             self.moments.snapshot()))

    def restore(self, blob: bytes) -> None:
        saved = msgspec.msgpack.decode(blob, type=_Saved)
        self.counts = dict(saved.counts)
        self._seen = OrderedDict.fromkeys(saved.seen)
        self.moments.restore(saved.moments)

    def replay_from(self, tp: str, next_offset: int) -> int:
        return next_offset


class BrandStage(KeyedStage[BrandState]):
    name = "brands"

    def __init__(self, settings: KafkaSettings, store: Store, clock: Clock, *,
                 group: str, snapshot_interval: float = 5.0, moments: MomentConfig | None = None,
                 on_alert: AlertSink | None = None, on_mentions: MentionSink | None = None) -> None:
        self.topics: tuple[str, ...] = (settings.topic(MENTIONS),)
        self.keyed: KeyedStates[BrandState] = KeyedStates(
            store, group, self.name, lambda: BrandState(clock, moments), clock, snapshot_interval)
        self.on_alert = on_alert or _log_alert
        self.on_mentions = on_mentions

    def process(self, messages: Sequence[Message], now: float) -> Output:
        out = Output()
        touched: set[int] = set()
        fresh: list[Mention] = []
        for m in messages:
            topic, part, offset = m.topic() or "", m.partition() or 0, m.offset() or 0
            if topic not in self.topics:
                continue
            out.events_in += 1
            state = self.keyed.state(part)
            self.keyed.consumed(topic, part, offset)
            touched.add(part)
            try:
                mention = codec.decode_mention(m.value() or b"")
            except DecodeError:
                out.bad += 1
                continue
            alerts = state.update(mention)
            if alerts is None:
                continue
            fresh.append(mention)
            for alert in alerts:
                self.on_alert(alert)
        out.events_out = len(fresh)
        if fresh and self.on_mentions is not None:
            self.on_mentions(fresh)
        out.items.extend(self.keyed.due(sorted(touched)))
        return out


def _log_alert(alert: MomentAlert) -> None:
    log.info("moment", extra={"fields": {"scope": alert.scope, "term": alert.term,
                                         "count": alert.count, "ratio": round(alert.ratio, 2)}})
