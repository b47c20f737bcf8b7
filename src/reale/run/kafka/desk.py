"""The desk on Kafka: what the embedded ``Pipeline`` does after the signals, for the mentions
the brand stage counted fresh — understanding in batches, the desk's scoring into each brand's
opportunity queue, web-desk records (labels, opportunities, moments) and alerts — reusing the
embedded runner's own ``DeskStage``, ``DeskStoreSink`` and ``AlertSink``.

Everything it produces is returned as store items, written in the brand stage's batch
transaction before the offsets are committed; every write is idempotent by its natural key.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from typing import Any

from prometheus_client import Gauge

from reale.alerts import AlertsConfig
from reale.alerts.rulestore import LiveRules
from reale.clock import Clock
from reale.config import Config
from reale.desk.opportunity_rules import desk_weights_from_config
from reale.desk.realness_rules import realness_weights_from_config
from reale.events import Mention
from reale.run.aftermath import BacklashSink
from reale.run.alerting import AlertSink
from reale.run.desksink import DeskStoreSink
from reale.run.kafka.brands import BrandState
from reale.run.kafka.outbox import AlertCollector
from reale.run.kafka.rebuilds import Anchors, Background, Job, Recall, Task
from reale.run.kafka.relevance import changed, read_model, saved_models
from reale.run.learning import learn, read_decisions, recent_relevance, relevance_lessons
from reale.run.slawatch import SlaWatch
from reale.run.stages import DeskStage, Labeller, Sink
from reale.run.wiring import Understanding
from reale.signals.hub import Signals
from reale.signals.moment_scope import MomentAlert
from reale.store import Store

log = logging.getLogger("reale.run.kafka")


def _no_labels(texts: list[str], langs: list[Sequence[str] | None], fast: bool) -> list[Any]:
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
                 min_alert_score: float = 0.85, backlog: int = 500,
                 background: bool = True, rules: LiveRules | None = None) -> None:
        self.brands = config.brands
        self.known = frozenset(b.name for b in config.brands)
        self.clock = clock
        self.weights = desk_weights_from_config(dict(config.extra))
        self.realness = realness_weights_from_config(dict(config.extra))
        self.team_language = config.team_language
        self.understanding = understanding
        self.label: Labeller = labeller or (understanding.label if understanding else _no_labels)
        self.alerts = alerts if alerts is not None and alerts.channels else None
        self.rules = rules  # the desk's rule edits laid over ``alerts``, re-read every few s
        self.min_alert_score = min_alert_score
        self.backlog = backlog  # more fresh mentions than this in a batch: fast labels only
        self.degraded_batches = 0
        self.degraded: Gauge | None = None  # reale_understand_degraded, set by the runner
        # brands' relevance models recalled when assigned, rebuilt from the store, and brands
        # taught their stored decisions when first counted (since this desk was built)
        self.recalled = self.rebuilt = self.taught = 0
        self._anchored: set[str] = set()  # brands whose prior took its anchors back from the store
        # background: models rebuilt and histories taught on a thread, off the batch path
        self.background = Background(self._learn) if background else None
        # saved models read back on a thread of their own (a rebuild queued on the other may
        # take seconds; a recall is waited for before the next batch)
        self.recaller = Background(self._recall, name="reale-recall",
                                   blas_threads=None) if background else None
        self.recall_wait = 60.0  # seconds a batch waits for a recall before rebuilding instead
        self._sla: weakref.WeakKeyDictionary[BrandState, SlaWatch] = weakref.WeakKeyDictionary()

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
                             learner=state.learner, relevance=self._relevance(),
                             realness=self.realness)
            desk(list(zip(mentions, self._labels(mentions), strict=True)))
        return out.take()

    def tick(self, states: list[BrandState], now: float) -> list[Any]:
        """Response-time (``sla``) alerts of the partitions' queues, as the embedded runner's
        :class:`SlaWatch` raises them (soon, then missed; every ``interval`` seconds), as
        store items; none without alert channels."""
        rules = self.rules.current() if self.rules is not None and self.alerts else self.alerts
        if not rules:
            return []
        collector = AlertCollector(rules, self.clock)
        for state in states:
            watch = self._sla.get(state)
            if watch is None:
                watch = self._sla[state] = SlaWatch(state.queue, collector.raise_sla_alert,
                                                    min_score=self.min_alert_score)
            watch.raise_alert = collector.raise_sla_alert
            watch.update(now)
        return list(collector.take())

    def sinks(self, signals: Signals | None = None) -> Outputs:
        """Fresh sinks for one batch: web-desk records, and alerts when channels are set."""
        rules = self.rules.current() if self.rules is not None and self.alerts else self.alerts
        collector = AlertCollector(rules, self.clock) if rules else None
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
                job = state.learning.get(brand)
                if brand not in state.learned_since and job is None:
                    continue  # another partition's brand, or one not counted here yet
                state.queue.resolve(d.opportunity.id, d.action)
                if job is not None:  # its model is being learned: taught when taken in
                    job.add(d)
                    if job.kind == "rebuild":  # the weights learned the job's part already
                        state.learner.update(d.opportunity, d.action)
                else:
                    learn(state.learner, self.understanding, d.opportunity, d.action)
                    if self.understanding is not None and d.action != "not_worth":
                        changed(self.understanding, state, brand)
                learned += 1
        return learned

    def restore(self, store: Store, group: str, states: list[BrandState]) -> int:
        """When partitions are assigned (in the rebalance callback, so nothing is read here):
        their brands' relevance models saved beside the snapshots are queued to be read back
        (on the recall thread, or by the next :meth:`recover` without a background), and put in
        use by :meth:`recover` before the next batch; those that cannot be recalled are then
        rebuilt. Returns how many were queued."""
        for state in states:  # a brand no longer configured: its model is neither kept nor saved
            for brand in set(state.relevance_marks) - self.known:
                state.relevance_marks.pop(brand)
                state.saved_marks.pop(brand, None)
                state.bases.pop(brand, None)
                state.stale.discard(brand)
        if self.understanding is None:
            for state in states:
                state.stale.clear()
            return 0
        queued = 0
        for state in states:
            for brand, mark in sorted(state.relevance_marks.items()):
                if brand in state.stale or brand in state.recalling:
                    continue
                task = state.recalling[brand] = Recall(store, brand, group, mark)
                if self.recaller is not None:
                    self.recaller.submit(task)
                queued += 1
        return queued

    def _recall(self, task: Task) -> None:
        """(Recall thread, or the batch thread without a background) a saved model read back
        and restored, not put in use."""
        assert isinstance(task, Recall) and self.understanding is not None
        found = read_model(task.store, self.understanding, task.group, task.brand, task.mark)
        if found is not None:
            task.model, task.base = found

    def _recalled(self, state: BrandState) -> int:
        """(Batch thread) the state's recalls waited for and their models put in use, before
        anything else of the batch reads or teaches a model; a model that could not be
        recalled (or was not in time) is left stale, to be rebuilt. Returns how many."""
        recalled = 0
        for brand, task in sorted(state.recalling.items()):
            if self.recaller is None and not task.done.is_set():
                self._recall_here(task)
            elif not task.done.wait(self.recall_wait):
                task.cancelled.set()
                log.warning("%r: not read back in %.0f s, rebuilt instead", task,
                            self.recall_wait)
            del state.recalling[brand]
            if task.cancelled.is_set() or self.understanding is None:
                state.stale.add(brand)
                continue
            if task.error is not None or task.model is None:
                state.stale.add(brand)
                continue
            self.understanding.install(brand, task.model)
            state.saved_marks[brand] = task.mark
            if task.base is not None:
                state.bases[brand] = task.base
            recalled += 1
        self.recalled += recalled
        return recalled

    def _recall_here(self, task: Recall) -> None:
        """Without a background: the recall read here, on the batch thread."""
        try:
            self._recall(task)
        except Exception as exc:  # as on the thread: kept, the model is rebuilt instead
            task.error = exc
        finally:
            task.done.set()

    def recover(self, store: Store, states: list[BrandState]) -> int:
        """Before a batch: the models learned off the batch path taken in, then the stale
        relevance models rebuilt from the brand's most recent stored decisions among those its
        state learned (up to ``decided_until``), and each brand counted for the first time
        taught all its stored decisions up to ``decided_until`` (the weights step through them
        in order, the relevance model keeps the most recent), as the embedded runner learns
        every stored decision at start; the later ones :meth:`learn_decisions` teaches. The
        brands new to this worker have their prior's anchors read back from their stored
        mentions. With a background, all that runs on its thread and is taken in by a later
        call. Returns the number of brands whose rebuild or teaching started."""
        self.take(states)
        done = 0
        for state in states:
            if self.understanding is not None:  # the cold-start priors of brands new here
                for brand in sorted(state.brands() - self._anchored):
                    self._anchored.add(brand)
                    if brand in self.understanding.priors:
                        self._start(Anchors(store, brand), state)
            for brand in sorted((state.stale & self.known) - state.learning.keys()):
                self._start(Job(store, state, brand, "rebuild",
                                state.learned_since.get(brand, 0.0), state.decided_until), state)
                done += 1
            state.stale.clear()
            for brand in sorted((state.brands() & self.known) - state.learned_since.keys()
                                - state.learning.keys()):
                self._start(Job(store, state, brand, "teach", 0.0, state.decided_until), state)
                done += 1
        return done

    def take(self, states: list[BrandState]) -> int:
        """The models learned off the batch path that are ready, taken into use (with the
        decisions taught since their job began); a job that failed is tried again. Returns how
        many were taken in."""
        taken = 0
        for state in states:
            self._recalled(state)
            for brand, anchors in sorted(state.anchoring.items()):
                if anchors.done.is_set():
                    del state.anchoring[brand]
                    if anchors.error is not None:  # read again before a later batch
                        self._anchored.discard(brand)
                    elif self.understanding is not None and not anchors.cancelled.is_set():
                        self.understanding.install_prior(brand, anchors.prior)
            for brand, job in sorted(state.learning.items()):
                if not job.done.is_set():
                    continue
                del state.learning[brand]
                if job.error is not None or job.cancelled.is_set():
                    if job.kind == "rebuild":  # started again (a brand to teach is found
                        state.stale.add(brand)  # again: it is not in ``learned_since``)
                    continue
                self._take(state, job)
                taken += 1
        return taken

    def saved(self, group: str, state: BrandState) -> list[Any]:
        """The relevance models of the state's brands that changed since last saved, as store
        items to write with its snapshot."""
        if self.understanding is None:
            return []
        return list(saved_models(self.understanding, group, state, self.clock.now()))

    def _start(self, task: Task, state: BrandState) -> None:
        """The task on the background thread, or here and now (no background, no models)."""
        if isinstance(task, Anchors):
            state.anchoring[task.brand] = task
        elif isinstance(task, Job):
            state.learning[task.brand] = task
        if self.background is not None and self.understanding is not None:
            self.background.submit(task)
            return
        if isinstance(task, Anchors) and self.understanding is not None:
            # in the batch: into the prior in use, embedded when it is first read
            self.understanding.recall_anchors(task.store, [task.brand])
            del state.anchoring[task.brand]
            return
        self._learn(task)
        task.done.set()
        self.take([state])

    def _learn(self, task: Task) -> None:
        """On the background thread (it reads the store and the shared encoder, changes nothing
        else): a brand's prior with its anchors taken back, or a job's stored decisions read
        and, when there are models, a new model taught them, then the decisions taught since."""
        if isinstance(task, Anchors):
            if self.understanding is not None:
                task.prior = self.understanding.recalled_prior(task.store, task.brand)
            return
        assert isinstance(task, Job)
        job = task
        remember = self.understanding.remember if self.understanding is not None else 0
        if job.kind == "rebuild":
            job.decisions = recent_relevance(job.store, job.brand, remember,
                                             since_at=job.since, until_at=job.until)
        else:
            job.decisions = read_decisions(job.store, brand=job.brand, until_at=job.until,
                                           by_time=True)
            for d in job.decisions:
                job.learner.update(d.opportunity, d.action)
        if self.understanding is not None and not job.cancelled.is_set():
            texts, relevant = relevance_lessons(job.decisions, remember)
            model = self.understanding.build(job.brand, texts, relevant) if texts else None
            while not job.cancelled.is_set() and (tail := job.untaught()):
                texts, relevant = relevance_lessons(tail, remember)
                if texts:
                    model = model or self.understanding.build(job.brand, [], [])
                    model.update_many(texts, relevant)
                job.embedded += len(tail)
            job.model = model

    def _take(self, state: BrandState, job: Job) -> None:
        """A finished job into use (on the batch thread): a brand taught its history steps its
        weights through it, then through the decisions taught meanwhile; the model learns
        those after its own, so each decision is learned once and in order."""
        if job.kind == "teach":
            for d in job.decisions:
                if d.opportunity.id in state.queue:
                    state.queue.resolve(d.opportunity.id, d.action)
            state.learner.adopt(job.brand, job.learner)
            for d in job.tail:
                state.learner.update(d.opportunity, d.action)
            state.learned_since[job.brand] = 0.0
            self.taught += 1
        else:
            self.rebuilt += 1
        if self.understanding is not None:  # the tail: on the thread, but for any added late
            model = job.model
            texts, relevant = relevance_lessons(job.tail[job.embedded:],
                                                self.understanding.remember)
            if texts:
                model = model or self.understanding.build(job.brand, [], [])
                model.update_many(texts, relevant)
            self.understanding.install(job.brand, model)
            changed(self.understanding, state, job.brand)
        log.info("relevance model %s", "taught" if job.kind == "teach" else "rebuilt",
                 extra={"fields": {"brand": job.brand, "decisions": len(job.decisions),
                                   "since": len(job.tail)}})

    def forget(self, states: list[BrandState]) -> None:
        """The partitions left this worker: their brands' relevance models go with them, and
        those being learned are cancelled (a running one finishes unused)."""
        for state in states:
            for task in [*state.learning.values(), *state.anchoring.values(),
                         *state.recalling.values()]:
                task.cancelled.set()
            state.learning.clear()
            state.anchoring.clear()
            state.recalling.clear()
        if self.understanding is not None:
            for state in states:
                for brand in state.brands():
                    self.understanding.forget(brand)
                    self.understanding.drop_anchors(brand)
                    self._anchored.discard(brand)

    def close(self, timeout: float | None = None) -> bool:
        """Stop the background: jobs not started are cancelled, a running one waited for."""
        closed = [b.close(timeout) for b in (self.background, self.recaller) if b is not None]
        return all(closed)

    def _relevance(self) -> Any:
        return self.understanding.relevance if self.understanding is not None else None

    def _labels(self, mentions: Sequence[Mention]) -> list[Any]:
        fast = len(mentions) > self.backlog
        self.degraded_batches += fast
        if self.degraded is not None:
            self.degraded.set(1 if fast else 0)
        texts = [m.post.text for m in mentions]
        langs: list[Sequence[str] | None] = [m.post.langs or None for m in mentions]  # every declared one
        try:
            return list(self.label(texts, langs, fast))
        except Exception:  # a model failing on a batch must not stop the desk (as embedded)
            log.exception("understanding failed on a batch of %d", len(mentions))
            return [None] * len(mentions)
