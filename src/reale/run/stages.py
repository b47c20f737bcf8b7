"""The stages after matching, as the embedded runner drives them: signals on every event,
understanding in batches on a worker thread, and the desk turning understood mentions into
opportunities. Each hands what it produces to sinks (printer, web desk, alerts)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from reale.config import BrandConfig
from reale.desk.feedback import FeedbackLearner
from reale.desk.opportunity import (
    Opportunity,
    OpportunityInput,
    in_conversation,
    score_opportunity,
)
from reale.desk.opportunity_rules import DeskWeights, Learned
from reale.desk.queue import OpportunityQueue
from reale.desk.realness import DEFAULT_WEIGHTS
from reale.desk.realness_rules import RealnessWeights
from reale.events import Interaction, Mention, Post
from reale.run.metrics import Metrics
from reale.run.pipeline import Routed
from reale.signals.hub import Signals
from reale.signals.moment_scope import MomentAlert

log = logging.getLogger("reale.run")


class Sink(Protocol):
    """Where the later stages' products go (each method must be quick; no I/O waits)."""

    def labels(self, mention: Mention, labels: Any) -> None: ...

    def opportunity(self, opp: Opportunity) -> None: ...

    def moment(self, alert: MomentAlert) -> None: ...


class SignalsStage:
    """Feeds every event to the signals; moment alerts go to the sinks."""

    def __init__(self, signals: Signals, sinks: Sequence[Sink]) -> None:
        self.signals = signals
        self.sinks = list(sinks)

    async def __call__(self, routed: Routed) -> None:
        # Each post's mentions right after the post: the whole stream's and the brands' moments
        # come out in stream order, and a reply finds the mention it answers tracked, however
        # the runner happened to cut the stream into batches.
        mentions: dict[str, list[Mention]] = {}
        for m in routed.mentions:
            mentions.setdefault(m.post.uri, []).append(m)
        alerts: list[MomentAlert] = []
        for ev in routed.events:
            if isinstance(ev, Post):
                alerts.extend(self.signals.on_post(ev))
                for m in mentions.pop(ev.uri, ()):
                    alerts.extend(self.signals.on_mention(m))
            elif isinstance(ev, Interaction):
                self.signals.on_interaction(ev)
        for rest in mentions.values():  # mentions of posts not in the batch's events
            for m in rest:
                alerts.extend(self.signals.on_mention(m))
        for a in alerts:
            for sink in self.sinks:
                sink.moment(a)


class DeletionStage:
    """Takes the opportunities of deleted posts out of the desk's queue, so nothing raises or
    alerts on them again (the store closes their rows: reale.web.deleted)."""

    def __init__(self, queue: OpportunityQueue) -> None:
        self.queue = queue

    async def __call__(self, routed: Routed) -> None:
        if routed.deletions:
            self.queue.forget_posts({d.uri for d in routed.deletions})


Labeller = Callable[[list[str], list[Sequence[str] | None], bool], list[Any]]  # texts, declared langs, fast
Consumer = Callable[[list[tuple[Mention, Any]]], None]


class UnderstandStage:
    """Labels mentions in batches on one worker thread. When more than ``backlog`` mentions wait,
    it computes only the fast labels (language, n-gram sentiment) and says so in the metrics."""

    def __init__(self, label: Labeller, consumer: Consumer, *, metrics: Metrics,
                 max_batch: int = 64, backlog: int = 500) -> None:
        self.label = label
        self.consumer = consumer
        self.metrics = metrics
        self.max_batch = max_batch
        self.backlog = backlog
        self.queue: asyncio.Queue[Mention] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.degraded_batches = 0
        self.in_flight = 0  # queued or being labelled

    async def __call__(self, routed: Routed) -> None:
        if self.task is None:
            self.task = asyncio.create_task(self._work())
        for m in routed.mentions:
            self.queue.put_nowait(m)
            self.in_flight += 1
        if routed.mentions:
            self.metrics.events_in.labels("understand").inc(len(routed.mentions))

    async def _work(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < self.max_batch and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            fast = self.queue.qsize() > self.backlog
            self.metrics.degraded.set(1 if fast else 0)
            self.degraded_batches += fast
            await self._label(batch, fast)

    async def _label(self, batch: list[Mention], fast: bool) -> None:
        texts = [m.post.text for m in batch]
        langs: list[Sequence[str] | None] = [m.post.langs or None for m in batch]  # every declared one
        try:
            labels = await asyncio.to_thread(self.label, texts, langs, fast)
        except Exception:
            self.metrics.errors.labels("understand", "exception").inc(len(batch))
            log.exception("understanding failed on a batch of %d", len(batch))
            labels = [None] * len(batch)
        self.metrics.events_out.labels("understand").inc(len(batch))
        try:
            self.consumer(list(zip(batch, labels, strict=True)))
        finally:
            self.in_flight -= len(batch)

    async def drain(self) -> None:
        """Wait until every queued mention is labelled and handed on (shutdown, tests)."""
        while self.in_flight and self.task is not None and not self.task.done():
            await asyncio.sleep(0.01)

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()


def _handles(brand: BrandConfig) -> set[str]:
    return {h.lower().lstrip("@") for h in brand.handles}


def _sentiment_value(labels: Any) -> float:
    scores = getattr(labels, "sentiment_scores", None) or {}
    return float(scores.get("positive", 0.0)) - float(scores.get("negative", 0.0))


class DeskStage:
    """Turns each understood mention into an opportunity (or not) and keeps the queue."""

    def __init__(self, brands: Sequence[BrandConfig], signals: Signals | None,
                 queue: OpportunityQueue, sinks: Sequence[Sink], *,
                 weights: DeskWeights | None = None, team_language: str = "en",
                 learner: FeedbackLearner | None = None,
                 relevance: Callable[[str, str], float | None] | None = None,
                 realness: RealnessWeights = DEFAULT_WEIGHTS) -> None:
        self.brands = {b.name: b for b in brands}
        self.handles = {b.name: _handles(b) for b in brands}
        self.signals = signals
        self.queue = queue
        self.sinks = list(sinks)
        self.weights = weights or DeskWeights()
        self.team_language = team_language
        self.learner = learner
        self.relevance = relevance  # (brand, text) -> P(about the brand), None while untrained
        self.realness = realness  # [desk.realness]: how each opportunity's answer would read

    def __call__(self, labelled: list[tuple[Mention, Any]]) -> None:
        for mention, labels in labelled:
            for sink in self.sinks:
                sink.labels(mention, labels)
            opp = self.score(mention, labels)
            if opp is None:
                continue
            queued = self.queue.update(opp)
            if queued is not None:
                for sink in self.sinks:
                    sink.opportunity(queued)

    def opportunity_input(self, m: Mention, labels: Any) -> OpportunityInput:
        post = m.post
        brand = self.brands.get(m.brand)
        handles = self.handles.get(m.brand, set())
        addressed = any(h.lower().lstrip("@") in handles for h in post.mentions)
        fields: dict[str, Any] = {}
        if self.signals is not None:
            fields.update(self._signal_fields(m))
        intent_scores = getattr(labels, "intent_scores", None) or {}
        intent = getattr(labels, "intent", None) or ""
        return OpportunityInput(
            brand=m.brand, post_uri=post.uri, brand_handle=next(iter(sorted(handles)), ""),
            root_uri=post.reply_root or "", text=post.text, network=post.network,
            created_at=post.created_at, author_handle=post.author.handle or post.author.id,
            language=getattr(labels, "language", "") or (post.langs[0] if post.langs else ""),
            intent=intent, intent_confidence=float(intent_scores.get(intent, 0.0)),
            sentiment=_sentiment_value(labels),
            complaint=float(getattr(labels, "complaint_score", 0.0) or 0.0),
            addressed_directly=addressed, relevance=self._relevance(m),
            partner=bool(brand and post.author.handle in brand.partners),
            brand_products=brand.products if brand else {},
            brand_aliases=(*sorted(handles), *brand.hashtags) if brand else (), **fields)

    def _signal_fields(self, m: Mention) -> dict[str, Any]:
        assert self.signals is not None
        post = m.post
        reach = self.signals.reach(m.brand, post.network, post.author.id)
        out: dict[str, Any] = {"author_followers": reach.followers, "reach_tier": reach.tier
                               if reach.followers is not None else None}
        if reach.percentile is not None:
            out["reach_percentile"] = reach.percentile / 100.0
        root = post.reply_root or post.uri
        cascade = self.signals.cascade(root)
        if cascade is not None:
            out["cascade_velocity"] = cascade.velocity_per_min
        momentum = self.signals.momentum(root)
        if momentum is not None:
            out["cascade_predicted_size"] = momentum.predicted_final
        return out

    def _relevance(self, m: Mention) -> float:
        if self.relevance is None:
            return 1.0
        p = self.relevance(m.brand, m.post.text)
        return 1.0 if p is None else p

    def score(self, m: Mention, labels: Any) -> Opportunity | None:
        """The mention's opportunity, read as part of its conversation when the queue holds one
        (a reply of the same kind grows the thread; the post that opened it stays its subject)."""
        learned = self.learner.get(m.brand) if self.learner is not None else Learned()
        opp = score_opportunity(self.opportunity_input(m, labels), self.weights,
                                team_language=self.team_language, learned=learned,
                                realness_weights=self.realness)
        if opp is None:
            return None
        return in_conversation(self.queue.peek(opp.id), opp, self.weights,
                               team_language=self.team_language, learned=learned,
                               realness_weights=self.realness)
