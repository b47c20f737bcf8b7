"""The desk on Kafka: what the embedded ``Pipeline`` does after the signals, for the mentions
the brand stage counted fresh — understanding in batches, the desk's scoring into each brand's
opportunity queue, web-desk records (labels, opportunities, moments) and alerts — reusing the
embedded runner's own ``DeskStage``, ``DeskStoreSink`` and ``AlertSink``.

Everything it produces is returned as store items, written in the brand stage's batch
transaction before the offsets are committed; every write is idempotent by its natural key.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from reale.alerts import AlertsConfig
from reale.clock import Clock
from reale.config import Config
from reale.desk.opportunity_rules import desk_weights_from_config
from reale.events import Mention
from reale.run.aftermath import BacklashSink
from reale.run.alerting import AlertSink
from reale.run.desksink import DeskStoreSink
from reale.run.kafka.brands import BrandState
from reale.run.kafka.outbox import AlertCollector
from reale.run.learning import learn, read_decisions, rebuild_relevance, recent_relevance
from reale.run.stages import DeskStage, Labeller, Sink
from reale.run.wiring import Understanding
from reale.signals.hub import Signals
from reale.signals.moment_scope import MomentAlert
from reale.store import Store

log = logging.getLogger("reale.run.kafka")


def _no_labels(texts: list[str], langs: list[str | None], fast: bool) -> list[Any]:
    return [None] * len(texts)


class Outputs:
    """The sinks of one batch and what they collected, as store items."""

    def __init__(self, records: DeskStoreSink, alerts: list[AlertSink],
                 collector: AlertCollector | None) -> None:
        self.records = records
        self.alerts = alerts
        self.collector = collector

    @property
    def backlash(self) -> list[BacklashSink]:
        return [self.records, *self.alerts]

    def take(self) -> list[Any]:
        return [*self.records.take(), *(self.collector.take() if self.collector else ())]


class KafkaDesk:
    """Built once per process; :meth:`handle` runs on one partition's :class:`BrandState`."""

    def __init__(self, config: Config, clock: Clock, *,
                 understanding: Understanding | None = None,
                 labeller: Labeller | None = None, alerts: AlertsConfig | None = None,
                 min_alert_score: float = 0.85, backlog: int = 500) -> None:
        self.brands = config.brands
        self.clock = clock
        self.weights = desk_weights_from_config(dict(config.extra))
        self.team_language = config.team_language
        self.understanding = understanding
        self.label: Labeller = labeller or (understanding.label if understanding else _no_labels)
        self.alerts = alerts if alerts is not None and alerts.channels else None
        self.min_alert_score = min_alert_score
        self.backlog = backlog  # more fresh mentions than this in a batch: fast labels only
        self.degraded_batches = 0

    def handle(self, state: BrandState, mentions: list[Mention],
               moments: list[MomentAlert]) -> list[Any]:
        """Moments and mentions of one partition in, store items out (in the embedded order:
        moments as the signals raise them, then labels, opportunities and their alerts)."""
        out = self.sinks(state.signals)
        sinks: list[Sink] = [out.records, *out.alerts]
        for alert in moments:
            for sink in sinks:
                sink.moment(alert)
        if mentions:
            desk = DeskStage(self.brands, state.signals, state.queue, sinks,
                             weights=self.weights, team_language=self.team_language,
                             learner=state.learner, relevance=self._relevance())
            desk(list(zip(mentions, self._labels(mentions), strict=True)))
        return out.take()

    def sinks(self, signals: Signals | None = None) -> Outputs:
        """Fresh sinks for one batch: web-desk records, and alerts when channels are set."""
        collector = AlertCollector(self.alerts, self.clock) if self.alerts else None
        alerts = [AlertSink(collector, min_score=self.min_alert_score)] if collector else []
        return Outputs(DeskStoreSink(None, None, signals, self.clock.now), alerts, collector)

    def learn_decisions(self, store: Store, states: list[BrandState]) -> int:
        """The team's decisions (from the web desk, in the store) since each state's last, in
        their stored order: each teaches the weights and relevance of the brand whose partition
        the state holds, as ``Pipeline.learn_decisions`` does in the embedded runner, and the
        decided opportunity leaves that partition's queue."""
        decisions = read_decisions(store, after_at=min(s.decided_until for s in states),
                                   by_time=True)
        learned = 0
        for state in states if decisions else ():
            brands = state.brands()
            for d in decisions:
                if d.at <= state.decided_until:
                    continue
                state.decided_until = d.at
                if d.opportunity.brand not in brands:
                    continue  # another partition's brand
                state.queue.resolve(d.opportunity.id, d.action)
                learn(state.learner, self.understanding, d.opportunity, d.action)
                learned += 1
        return learned

    def recover(self, store: Store, states: list[BrandState]) -> int:
        """After a rebalance or a restart: the relevance models of the brands of newly assigned
        partitions, rebuilt from each brand's most recent decisions among those its state learned
        (after ``decided_from``, up to ``decided_until``); the later ones :meth:`learn_decisions`
        teaches next. Returns the number of brands rebuilt."""
        if self.understanding is None:
            return 0
        rebuilt = 0
        for state in states:
            for brand in sorted(state.brands()):
                recent = recent_relevance(store, brand, self.understanding.remember,
                                          since_at=state.decided_from,
                                          until_at=state.decided_until)
                self.understanding.forget(brand)
                rebuild_relevance(self.understanding, recent)
                rebuilt += 1
        return rebuilt

    def forget(self, states: list[BrandState]) -> None:
        """The partitions left this worker: their brands' relevance models go with them."""
        if self.understanding is not None:
            for state in states:
                for brand in state.brands():
                    self.understanding.forget(brand)

    def _relevance(self) -> Any:
        return self.understanding.relevance if self.understanding is not None else None

    def _labels(self, mentions: Sequence[Mention]) -> list[Any]:
        fast = len(mentions) > self.backlog
        self.degraded_batches += fast
        texts = [m.post.text for m in mentions]
        langs: list[str | None] = [m.post.langs[0] if m.post.langs else None for m in mentions]
        try:
            return list(self.label(texts, langs, fast))
        except Exception:  # a model failing on a batch must not stop the desk (as embedded)
            log.exception("understanding failed on a batch of %d", len(mentions))
            return [None] * len(mentions)
