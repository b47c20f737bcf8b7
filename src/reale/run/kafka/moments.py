"""Whole-stream moments ("moments a brand could join") on Kafka, as two stages of the
``moments`` role: the count stage reads ``posts`` and ``interactions`` in its own group (so the
matcher does no extra work per post) and publishes cumulative term counts per bucket on ``moment-terms`` (key: term);
the merge stage reads them, keyed by term, and raises each burst once, with its safety read,
through the brand stage's paths (web-desk moment records, the alerts outbox)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from reale.clock import Clock
from reale.run.kafka import codec
from reale.run.kafka.keyed import KeyedStage, KeyedStates
from reale.run.kafka.moment_counts import TermCounts, decode_partial
from reale.run.kafka.moment_merge import MomentMerge
from reale.run.kafka.settings import INTERACTIONS, MOMENT_TERMS, POSTS, KafkaSettings
from reale.run.kafka.stage import Message, Outbound, Output
from reale.signals.moment_scope import MomentAlert
from reale.signals.safety import Labeller
from reale.signals.settings import SignalsConfig
from reale.store import Store

log = logging.getLogger("reale.run.kafka")


class MomentSinks(Protocol):
    """What ``KafkaDesk.sinks()`` returns, as far as moments go."""

    @property
    def records(self) -> Any:
        """The web-desk records sink (``moment(alert)``)."""

    @property
    def alerts(self) -> Sequence[Any]:
        """The alert sinks (``moment(alert)``), when channels are set."""

    def take(self) -> list[Any]: ...


class MomentDesk(Protocol):
    """The part of :class:`reale.run.kafka.desk.KafkaDesk` the merge stage uses."""

    def sinks(self, signals: Any = None) -> MomentSinks: ...


class MomentCountStage(KeyedStage[TermCounts]):
    """``posts`` (original posts) and ``interactions`` (replies and quotes; likes and reposts
    skipped) in, partial term counts out (one record per term and bucket that changed)."""

    name = "moment-counts"

    def __init__(self, settings: KafkaSettings, store: Store, clock: Clock, *,
                 signals: SignalsConfig | None = None, snapshot_interval: float = 5.0) -> None:
        config = (signals or SignalsConfig()).moments
        self.posts = settings.topic(POSTS)
        self.topics: tuple[str, ...] = (self.posts, settings.topic(INTERACTIONS))
        self.out_topic = settings.topic(MOMENT_TERMS)
        self.keyed: KeyedStates[TermCounts] = KeyedStates(
            store, settings.group(self.name), self.name,
            lambda: TermCounts(config, settings.grace), clock, snapshot_interval)

    def process(self, messages: Sequence[Message], now: float) -> Output:
        out = Output()
        touched = self.consume(messages, out,
                               lambda part, state, m: self._count(part, state, m, now))
        for part in touched:
            out.records.extend(Outbound(self.out_topic, key, value)
                               for key, value in self.keyed.states[part].take())
        out.events_out = len(out.records)
        out.items.extend(self.keyed.due(touched))
        return out

    def _count(self, part: int, state: TermCounts, m: Message, now: float) -> None:
        if m.topic() == self.posts:
            state.update(codec.decode_post(m.value() or b""), part, m.offset() or 0, now)
            return
        post = codec.decode_conversation_post(m.value() or b"")
        if post is not None:
            state.update_conversation(post, part, m.offset() or 0, now)


class MomentMergeStage(KeyedStage[MomentMerge]):
    """``moment-terms`` in; moment records and alerts (store items) out."""

    name = "moments"

    def __init__(self, settings: KafkaSettings, store: Store, clock: Clock, *,
                 signals: SignalsConfig | None = None, snapshot_interval: float = 5.0,
                 desk: MomentDesk | None = None, labeller: Labeller | None = None) -> None:
        cfg = signals or SignalsConfig()
        self.topics: tuple[str, ...] = (settings.topic(MOMENT_TERMS),)
        self.keyed: KeyedStates[MomentMerge] = KeyedStates(
            store, settings.group(self.name), self.name,
            lambda: MomentMerge(cfg.moments, settings.grace, labeller, cfg.safety), clock,
            snapshot_interval)
        self.desk = desk
        self.raised: list[MomentAlert] = []  # the latest batch's moments (logs, tests)

    def process(self, messages: Sequence[Message], now: float) -> Output:
        out = Output()
        touched = self.consume(messages, out,
                               lambda part, state, m: state.add(decode_partial(m.value() or b"")))
        self.raised = [a for part in touched for a in self.keyed.states[part].close()]
        out.events_out = len(self.raised)
        out.items.extend(self._items(self.raised))
        out.items.extend(self.keyed.due(touched))
        return out

    def _items(self, alerts: list[MomentAlert]) -> list[Any]:
        for a in alerts:
            log.info("moment", extra={"fields": {
                "scope": a.scope, "term": a.term, "count": a.count, "ratio": round(a.ratio, 2),
                "safety": a.safety.verdict if a.safety else ""}})
        if not alerts or self.desk is None:
            return []
        sinks = self.desk.sinks(None)
        for alert in alerts:
            for sink in (sinks.records, *sinks.alerts):
                sink.moment(alert)
        return sinks.take()
