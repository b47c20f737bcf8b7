"""The whole embedded pipeline after matching, assembled once: signals on every event,
understanding in batches, the desk's opportunities, the web desk's records and live hub, and
alerts. ``reale run`` and ``reale demo`` both build it; only their sources and clocks differ."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from reale.alerts import AlertDispatcher, AlertsConfig, ChannelSecrets, parse_alerts_config
from reale.alerts.rulestore import LiveRules, RuleStore
from reale.clock import Clock
from reale.config import BrandConfig
from reale.desk.feedback import FeedbackLearner
from reale.desk.opportunity import Opportunity
from reale.desk.opportunity_rules import DeskWeights
from reale.desk.queue import Decision, OpportunityQueue
from reale.desk.realness_rules import realness_weights_from_config
from reale.run.aftermath import AftermathStage
from reale.run.alerting import AlertSink
from reale.run.app import EmbeddedApp
from reale.run.cascade_archive import CascadeArchive, store_evicted
from reale.run.desksink import DeskStoreSink
from reale.run.learning import Teacher, learn
from reale.run.profile_metrics import watch_profiles
from reale.run.signals_state import SAVE_EVERY, restore_signals, save_signals
from reale.run.slawatch import SlaWatch
from reale.run.stages import DeletionStage, DeskStage, SignalsStage, Sink, UnderstandStage
from reale.signals.hub import Signals
from reale.signals.profile_clients import ProfileClient
from reale.signals.safety import understanding_labeller
from reale.signals.settings import SignalsConfig, signals_config
from reale.store import Store
from reale.understand.emoji import brand_marks
from reale.understand.relevance import REMEMBER, RelevanceModel, Remembered
from reale.understand.relevance_prior import BrandPrior
from reale.understand.understander import TASKS
from reale.web.data import register_writers
from reale.web.hub import LiveHub

log = logging.getLogger("reale.run")
MAINTAIN_ROUND = 0.5  # seconds: profiles fetched (paced over it), cascades evicted, decisions read
RECALL = 2_000  # stored mentions per brand read back for the relevance prior's anchors


class Understanding:
    """The shipped models, loaded once: batch labels for the pipeline, and one relevance model
    per brand that learns from the team's decisions (the ``remember`` most recent)."""

    def __init__(self, brands: Sequence[BrandConfig], remember: int = REMEMBER) -> None:
        from reale.understand.understander import Understander

        self.understander = Understander.load()
        self.terms = {b.name: (b.name, *b.keywords, *b.hashtags) for b in brands}
        self.remember = remember
        self.models: dict[str, RelevanceModel] = {}
        # Until the team has kept and dismissed a mention of a brand, the cold-start prior
        # (mentions that address the brand's handles or carry its hashtags teach it) scores it.
        self.priors: dict[str, BrandPrior] = {}
        self._brands = {b.name: b for b in brands}
        # whom angry emoji alone must tag or name to be a complaint: the brands (their handles,
        # names and hashtags, as the desk's kind_of reads them), not anyone
        self.marks = brand_marks([h for b in brands for h in b.handles],
                                 [*(b.name for b in brands),
                                  *("#" + t.lstrip("#") for b in brands for t in b.hashtags)])
        for b in brands:
            self.drop_anchors(b.name)

    def label(self, texts: list[str], langs: list[Sequence[str] | None], fast: bool,
              tasks: Collection[str] | None = None) -> list[Any]:
        """Labels for a batch of posts: all of them, or the ``tasks`` named (see
        ``reale.understand.understander.TASKS``); ``fast``: the overload labels only."""
        return list(self.understander.annotate_batch(texts, langs, tasks=TASKS if tasks is None
                                                     else tasks, fast=fast, brands=self.marks))

    def _new(self, brand: str) -> RelevanceModel:
        return self.understander.relevance_model(brand, self.terms.get(brand, (brand,)),
                                                 self.remember)

    def learn(self, brand: str, text: str, relevant: bool) -> None:
        model = self.models.get(brand)
        if model is None:
            model = self.models[brand] = self._new(brand)
        model.update(text, relevant)

    def rebuild(self, brand: str, texts: Sequence[str], relevant: Sequence[bool]) -> None:
        """Replace the brand's model with one that learned these decisions, in order."""
        self.install(brand, self.build(brand, texts, relevant))

    def build(self, brand: str, texts: Sequence[str], relevant: Sequence[bool]
              ) -> RelevanceModel:
        """A new model of the brand that learned these decisions, in order, not put in use
        (:meth:`install` does): it only reads the shared encoder, so it may run on another
        thread while this one scores."""
        model = self._new(brand)
        model.update_many(texts, relevant)
        return model

    def install(self, brand: str, model: RelevanceModel | None) -> None:
        """Put ``model`` in use for the brand (None: the brand has none, its prior reads)."""
        if model is None:
            self.models.pop(brand, None)
        else:
            self.models[brand] = model

    def remembered(self, brand: str) -> Remembered | None:
        """What the brand's model remembers, vectors included (None: no model)."""
        model = self.models.get(brand)
        return model.remembered() if model is not None else None

    def recall(self, brand: str, memory: Remembered) -> None:
        """Replace the brand's model with one restored from ``memory`` (no encoding)."""
        self.models[brand] = self.recalled(brand, memory)

    def recalled(self, brand: str, memory: Remembered) -> RelevanceModel:
        """A new model of the brand restored from ``memory`` (no encoding), not put in use
        (:meth:`install` does): like :meth:`build`, it may run on another thread."""
        model = self._new(brand)
        model.recall(memory)
        return model

    @property
    def encoder_name(self) -> str:
        """Names the sentence encoder whose vectors the models keep: remembered vectors are
        recalled only by models on the same one."""
        return self.understander.encoder_name

    def forget(self, brand: str) -> None:
        """Drop the brand's model (its partition moved to another worker)."""
        self.models.pop(brand, None)

    def _prior(self, brand: str) -> BrandPrior | None:
        b = self._brands.get(brand)
        return None if b is None else self.understander.relevance_prior(
            b.name, b.handles, b.hashtags, b.keywords)

    def drop_anchors(self, brand: str) -> None:
        """Start the brand's prior afresh (its partition left this worker)."""
        prior = self._prior(brand)
        if prior is not None:
            self.priors[brand] = prior

    def recall_anchors(self, store: Store, brands: Sequence[str] | None = None) -> int:
        """After a start or a rebalance: each brand's prior takes back the anchors among its most
        recent stored mentions (oldest first, as they came). Returns how many it took."""
        taken = 0
        for brand in self.priors if brands is None else brands:
            prior = self.priors.get(brand)
            if prior is not None:
                taken += _recall_into(prior, store, brand)
        return taken

    def recalled_prior(self, store: Store, brand: str) -> BrandPrior | None:
        """A new prior of the brand that took back its anchors as :meth:`recall_anchors` does,
        embedded already; not put in use (:meth:`install_prior` does): it only reads the store
        and the shared encoder, so it may run on another thread. None: the brand has no prior."""
        prior = self._prior(brand)
        if prior is not None:
            _recall_into(prior, store, brand)
            prior.embed()
        return prior

    def install_prior(self, brand: str, prior: BrandPrior | None) -> None:
        """Put a prior from :meth:`recalled_prior` in use for the brand, after it took the
        anchors the one in use learned meanwhile (the newer), their vectors with them."""
        current = self.priors.get(brand)
        if prior is None or current is None:
            return
        prior.extend(current)
        self.priors[brand] = prior

    def relevance(self, brand: str, text: str) -> float | None:
        """P(about the brand): from the team's decisions once the model remembers a kept and a
        dismissed mention, else from the cold-start prior (which this mention teaches if it
        addresses the brand); None while neither knows enough."""
        model = self.models.get(brand)
        if model is not None and len(model.kinds()) >= 2:
            return model.predict(text)
        prior = self.priors.get(brand)
        if prior is None:
            return None
        prior.update(text)
        return prior.get(text)


def _recall_into(prior: BrandPrior, store: Store, brand: str) -> int:
    recent = store.recent_mentions(brand, limit=RECALL)  # newest first
    return sum(prior.update(m.post.text) for m in reversed(recent))


def _no_labels(texts: list[str], langs: list[Sequence[str] | None], fast: bool) -> list[Any]:
    return [None] * len(texts)


class Pipeline:
    """The later stages of one embedded app. Use ``async with Pipeline(...)`` around
    ``app.run``: entering wires the stages into ``app``; leaving drains and delivers."""

    def __init__(self, app: EmbeddedApp, *, clock: Clock, stage_clock: Clock | None = None,
                 profile_clients: Mapping[str, ProfileClient] | None = None,
                 signals: SignalsConfig | None = None, labeller: Any = None,
                 understanding: Understanding | None = None,
                 alerts: AlertsConfig | None = None,
                 alert_secrets: Mapping[str, ChannelSecrets] | None = None,
                 sinks: tuple[Sink, ...] = (), hub: LiveHub | None = None,
                 min_alert_score: float = 0.85) -> None:
        config = app.config
        stage_clock = stage_clock or clock
        self.stage_clock = stage_clock
        self.aftermath: AftermathStage | None = None
        self.app = app
        self.clock = clock
        self.hub = hub or LiveHub()
        # With the models loaded, the moments' safety read labels their posts with them (sentiment,
        # emotion, crisis); without, with the signals' own lexicon scorer.
        safety_labels = understanding_labeller(understanding.label) if understanding else None
        self.cascade_archive = CascadeArchive()  # evicted cascades, stored every round
        self.signals = Signals(signals or signals_config(config.extra), stage_clock,
                               profile_clients=profile_clients, labeller=safety_labels,
                               on_evict=self.cascade_archive.add)
        self.queue = OpportunityQueue(stage_clock)
        weights = _weights(config.extra)
        self.learner = FeedbackLearner(weights)
        self.understanding = understanding
        if understanding is not None:
            labeller = labeller or understanding.label
        self.desk = DeskStage(config.brands, self.signals, self.queue, list(sinks),
                              weights=weights, team_language=config.team_language,
                              learner=self.learner,
                              relevance=understanding.relevance if understanding else None,
                              realness=realness_weights_from_config(dict(config.extra)))
        self.understand = UnderstandStage(labeller or _no_labels, self.desk, metrics=app.metrics)
        self.signals_stage = SignalsStage(self.signals, list(sinks))
        self.alerts_config = alerts
        self.alert_secrets = dict(alert_secrets or {})
        self.min_alert_score = min_alert_score
        self.dispatcher: AlertDispatcher | None = None
        self.sla_watch: SlaWatch | None = None
        self.store_sink: DeskStoreSink | None = None
        self.teacher: Teacher | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._stop = asyncio.Event()

    def _add_sink(self, sink: Sink) -> None:
        self.desk.sinks.append(sink)
        self.signals_stage.sinks.append(sink)

    async def __aenter__(self) -> Pipeline:
        app = self.app
        assert app.store is not None and app.writer is not None, "enter the EmbeddedApp first"
        register_writers(app.store)
        await restore_signals(self.signals, app.store)
        watch_profiles(app.metrics, self.signals.profiles)
        self.store_sink = DeskStoreSink(app.writer, self.hub, self.signals, self.clock.now)
        self._add_sink(self.store_sink)
        self.aftermath = AftermathStage(self.stage_clock, app.store, [self.store_sink],
                                        team_language=app.config.team_language)
        self.desk.sinks.append(self.aftermath)
        app.stages.extend([self.signals_stage, self.understand, self.aftermath, self.store_sink,
                           DeletionStage(self.queue)])
        if self.alerts_config is not None and self.alerts_config.channels:
            rules = LiveRules(self.alerts_config, RuleStore(app.store))  # the desk's edits
            self.dispatcher = AlertDispatcher(self.alerts_config, app.store,
                                              secrets=self.alert_secrets, rules=rules)
            alert_sink = AlertSink(self.dispatcher, min_score=self.min_alert_score)
            self._add_sink(alert_sink)
            self.aftermath.sinks.append(alert_sink)
            app.source_watch.notify.append(self.dispatcher.raise_source_alert)
            app.source_watch.configure(self.alerts_config)
            self.sla_watch = SlaWatch(self.queue, self.dispatcher.raise_sla_alert,
                                      min_score=self.min_alert_score)
            self._tasks.append(asyncio.create_task(self.dispatcher.run(self._stop)))
        # What the team decided so far, also while the runner was down, before the first mention
        self.teacher = Teacher(app.store, self.learner, self.understanding, self.queue)
        replayed = await asyncio.to_thread(self.teacher.replay)
        if replayed:
            log.info("learned again from %d stored decisions", replayed)
        if self.understanding is not None:
            await asyncio.to_thread(self.understanding.recall_anchors, app.store)
        self._tasks.append(asyncio.create_task(self._maintain()))
        return self

    async def learn_decisions(self) -> int:
        """Learn the decisions stored since the last (read off the loop, learned on it)."""
        if self.teacher is None:
            return 0
        return self.teacher.apply(await asyncio.to_thread(self.teacher.read_new))

    def learn(self, opp: Opportunity, decision: Decision) -> None:
        """Teach one decision directly (without the store; a restart will not remember it)."""
        learn(self.learner, self.understanding, opp, decision)

    async def _maintain(self) -> None:
        """Profiles fetched under their rate limits, paced over each round, cold cascades
        evicted, every ``MAINTAIN_ROUND`` seconds."""
        loop = asyncio.get_running_loop()
        saved_at = loop.time()
        while not self._stop.is_set():
            started = loop.time()
            try:
                await self.signals.refresh_profiles(within=MAINTAIN_ROUND)
                self.signals.tick()
                if self.store_sink is not None:  # labelled after the last batch of a quiet stream
                    await self.store_sink.flush()
                await self.store_evicted_cascades()
                if started - saved_at >= SAVE_EVERY and self.app.store is not None:
                    saved_at = started
                    await save_signals(self.signals, self.app.store)
                await self.learn_decisions()
                if self.sla_watch is not None:  # after the decisions: a decided one is gone
                    self.sla_watch.update(self.stage_clock.now())
                if self.aftermath is not None:
                    await asyncio.to_thread(self.aftermath.poll_publications)
            except Exception:  # a profile service being down must not stop the desk
                log.exception("signals maintenance failed")
            await asyncio.sleep(max(0.0, MAINTAIN_ROUND - (loop.time() - started)))

    async def settle(self) -> None:
        """Label what is queued and store what the desk made of it (the sources have ended, or
        the stream is quiet: no next batch would carry it to the store)."""
        await self.understand.drain()
        if self.store_sink is not None:
            await self.store_sink.flush()
        if self.app.writer is not None:
            await self.app.writer.flush()

    async def store_evicted_cascades(self) -> None:
        """Store the cascades the signals evicted since the last round (off the event loop)."""
        batch = self.cascade_archive.take()
        if batch and self.app.store is not None:
            await asyncio.to_thread(store_evicted, self.app.store, batch)

    async def __aexit__(self, *exc: object) -> None:
        await self.understand.drain()
        await self.store_evicted_cascades()
        if self.app.store is not None:
            await save_signals(self.signals, self.app.store)
        if self.store_sink is not None:
            await self.store_sink.flush()
        if self.app.writer is not None:
            await self.app.writer.flush()
        if self.dispatcher is not None:
            await _settle(self.dispatcher)
        self._stop.set()
        for t in self._tasks:
            if not t.done():
                t.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        if self.dispatcher is not None:
            await self.dispatcher.aclose()
        self.understand.close()


def _weights(extra: Mapping[str, Any]) -> DeskWeights:
    from reale.desk.opportunity_rules import desk_weights_from_config

    return desk_weights_from_config(dict(extra))


def alerts_from_config(extra: Mapping[str, Any]) -> AlertsConfig | None:
    raw = extra.get("alerts")
    return parse_alerts_config(raw) if raw else None


async def _settle(dispatcher: AlertDispatcher, timeout: float = 10.0) -> None:
    """Give the dispatcher a moment to deliver what the last batches raised."""
    for _ in range(int(timeout / 0.1)):
        if not dispatcher.outbox.counts().get("pending", 0):
            return
        await asyncio.sleep(0.1)
