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
from reale.run.kafka.relevance import changed, recall_models, saved_models
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
        # brands' relevance models recalled when assigned, rebuilt from the store, and brands
        # taught their stored decisions when first counted (since this desk was built)
        self.recalled = self.rebuilt = self.taught = 0
        self._anchored: set[str] = set()  # brands whose prior took its anchors back from the store

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
        decided opportunity leaves that partition's queue. A brand the state has not counted
        yet is skipped: :meth:`recover` teaches it its history when it is first counted."""
        decisions = read_decisions(store, after_at=min(s.decided_until for s in states),
                                   by_time=True)
        learned = 0
        for state in states if decisions else ():
            for d in decisions:
                if d.at <= state.decided_until:
                    continue
                state.decided_until = d.at
                brand = d.opportunity.brand
                if brand not in state.learned_since:
                    continue  # another partition's brand, or one not counted here yet
                state.queue.resolve(d.opportunity.id, d.action)
                learn(state.learner, self.understanding, d.opportunity, d.action)
                if self.understanding is not None and d.action != "not_worth":
                    changed(self.understanding, state, brand)
                learned += 1
        return learned

    def restore(self, store: Store, group: str, states: list[BrandState]) -> int:
        """When partitions are assigned: their brands' relevance models recalled as saved
        beside the snapshots (milliseconds each); those that cannot be are left stale, for
        :meth:`recover`. Returns how many recalled."""
        if self.understanding is None:
            for state in states:
                state.stale.clear()
            return 0
        recalled = sum(recall_models(store, self.understanding, group, s) for s in states)
        self.recalled += recalled
        return recalled

    def recover(self, store: Store, states: list[BrandState]) -> int:
        """Before a batch: the stale relevance models rebuilt from the brand's most recent
        stored decisions among those its state learned (up to ``decided_until``), and each
        brand counted for the first time taught all its stored decisions up to
        ``decided_until`` (the weights step through them in order, the relevance model keeps the
        most recent), as the embedded runner learns every stored decision at start; the later
        ones :meth:`learn_decisions` teaches. Returns the number of brands rebuilt or taught."""
        done = 0
        if self.understanding is not None:  # the cold-start priors of brands new to this worker
            fresh = sorted({b for s in states for b in s.brands()} - self._anchored)
            self.understanding.recall_anchors(store, fresh)
            self._anchored.update(fresh)
        for state in states:
            for brand in sorted(state.stale):
                self._rebuild(store, state, brand)
                done += 1
            state.stale.clear()
            for brand in sorted(state.brands() - state.learned_since.keys()):
                self._teach_history(store, state, brand)
                done += 1
        return done

    def saved(self, group: str, state: BrandState) -> list[Any]:
        """The relevance models of the state's brands that changed since last saved, as store
        items to write with its snapshot."""
        if self.understanding is None:
            return []
        return list(saved_models(self.understanding, group, state, self.clock.now()))

    def _rebuild(self, store: Store, state: BrandState, brand: str) -> None:
        if self.understanding is None:
            return
        recent = recent_relevance(store, brand, self.understanding.remember,
                                  since_at=state.learned_since.get(brand, 0.0),
                                  until_at=state.decided_until)
        self.understanding.forget(brand)
        rebuild_relevance(self.understanding, recent)
        changed(self.understanding, state, brand)
        self.rebuilt += 1
        log.info("relevance model rebuilt", extra={"fields": {"brand": brand,
                                                             "decisions": len(recent)}})

    def _teach_history(self, store: Store, state: BrandState, brand: str) -> None:
        decisions = read_decisions(store, brand=brand, until_at=state.decided_until,
                                   by_time=True)
        for d in decisions:
            state.queue.resolve(d.opportunity.id, d.action)
            state.learner.update(d.opportunity, d.action)
        state.learned_since[brand] = 0.0
        self.taught += 1
        if self.understanding is not None:
            self.understanding.forget(brand)
            rebuild_relevance(self.understanding, decisions)
            changed(self.understanding, state, brand)

    def forget(self, states: list[BrandState]) -> None:
        """The partitions left this worker: their brands' relevance models go with them."""
        if self.understanding is not None:
            for state in states:
                for brand in state.brands():
                    self.understanding.forget(brand)
                    self.understanding.drop_anchors(brand)
                    self._anchored.discard(brand)

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
