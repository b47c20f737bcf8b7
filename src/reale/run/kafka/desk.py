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
from reale.desk.queue import DECISIONS
from reale.events import Mention
from reale.run.aftermath import BacklashSink
from reale.run.alerting import AlertSink
from reale.run.desksink import DeskStoreSink
from reale.run.kafka.brands import BrandState
from reale.run.kafka.outbox import AlertCollector
from reale.run.stages import DeskStage, Labeller, Sink
from reale.run.wiring import Understanding, learn
from reale.signals.hub import Signals
from reale.signals.moment_scope import MomentAlert
from reale.store import Store
from reale.web.records import short_key

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
        """The team's decisions (from the web desk, in the store) since each state's last:
        each decided opportunity leaves its partition's queue and teaches the brand's weights
        and relevance, as ``Pipeline.learn`` does in the embedded runner."""
        rows = store.query("SELECT opportunity_key, action, at FROM opportunity_decisions"
                           " WHERE at > ? ORDER BY at, id",
                           (min(s.decided_until for s in states),))
        learned = 0
        for state in states if rows else ():
            queued = {short_key(q.opportunity.id): q.opportunity.id
                      for q in state.queue.get(limit=max(1, len(state.queue)))}
            for key, action, at in rows:
                if float(at) <= state.decided_until:
                    continue
                state.decided_until = float(at)
                if key in queued and action in DECISIONS:
                    opp = state.queue.resolve(queued[key], action)
                    if opp is not None:
                        learn(state.learner, self.understanding, opp, action)
                        learned += 1
        return learned

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
