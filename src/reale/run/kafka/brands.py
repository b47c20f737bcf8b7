"""The brand stage on Kafka: reads ``mentions`` (key: brand), so each brand's signals (mention
counts, audience reach, moment detector, cascades of its mentions) and its opportunity queue live
on exactly one worker and survive a rebalance through their snapshot.

Mentions arrive at least once (a matcher may publish a batch again after a crash), so the state
remembers the most recent mention keys and counts each mention once. The desk's work on the
fresh mentions (understanding, opportunities, alerts) is :class:`reale.run.kafka.desk.KafkaDesk`'s.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from reale.clock import Clock
from reale.desk.feedback import FeedbackLearner
from reale.desk.opportunity import Opportunity
from reale.desk.opportunity_rules import DeskWeights, Learned
from reale.desk.queue import OpportunityQueue
from reale.errors import DecodeError
from reale.events import Mention
from reale.run.cascade_archive import CascadeArchive, encoded
from reale.run.kafka import codec
from reale.run.kafka.keyed import KeyedStage, KeyedStates
from reale.run.kafka.profiles import ProfileExchange, ProfileRouter
from reale.run.kafka.settings import MENTIONS, TRACKED, KafkaSettings
from reale.run.kafka.snapshots import NamedBlob, snapshot_name, stories_name
from reale.run.kafka.stage import Message, Outbound, Output, Partition
from reale.signals.brand_stories import BrandStories, encode_stories, marks_of
from reale.signals.hub import Signals
from reale.signals.moment_scope import MomentAlert
from reale.signals.settings import SignalsConfig
from reale.signals.snapshot import MemorySnapshots
from reale.store import Store
from reale.web.records import OpportunityRecord

if TYPE_CHECKING:
    from reale.run.kafka.rebuilds import Anchors, Job, Recall
    from reale.run.kafka.relevance import Base

log = logging.getLogger("reale.run.kafka")

AlertSink = Callable[[MomentAlert], None]
MentionSink = Callable[[list[Mention]], None]


class _Saved(msgspec.Struct):
    counts: dict[str, int]
    seen: list[str]
    signals: dict[str, bytes]
    queue: list[Opportunity] = []
    learned: dict[str, Learned] = {}
    decided_until: float = 0.0
    decided_from: float = 0.0
    # None: a snapshot from before these were kept (its brands learned after decided_from)
    learned_since: dict[str, float] | None = None
    relevance_marks: dict[str, int] = {}


class BrandState:
    """Mentions counted per brand (once each), the brands' signals, opportunity queue and what
    the team's decisions taught, up to ``decided_until`` (the time of the last one read).

    ``learned_since`` names the brands whose stored decisions were learned: those taken after
    the time given (0.0: all of them; a brand is taught its history when first counted).
    ``relevance_marks`` counts the changes of each brand's relevance model, whose remembered
    state is saved beside the snapshot whenever its mark moved (see ``reale.run.kafka.relevance``).
    """

    def __init__(self, clock: Clock, signals: SignalsConfig | None = None,
                 remember: int = 100_000, weights: DeskWeights | None = None,
                 ask_profiles: bool = False) -> None:
        self.counts: dict[str, int] = {}
        # ask_profiles: missing author profiles are queued for the shared fetcher
        self.evicted = CascadeArchive()  # cascades evicted since the last batch, stored by it
        self.signals = Signals(signals or SignalsConfig(), clock,
                               profiles_fetched_elsewhere=ask_profiles, on_evict=self.evicted.add)
        self.queue = OpportunityQueue(clock)
        self.learner = FeedbackLearner(weights or DeskWeights())
        self.decided_until = self.decided_from = clock.now()
        self.learned_since: dict[str, float] = {}
        self.relevance_marks: dict[str, int] = {}
        # not saved: the marks whose model is in the store, the models to rebuild, and the
        # brands whose model, or prior's anchors, are being learned off the batch path
        self.saved_marks: dict[str, int] = {}
        self.bases: dict[str, Base] = {}  # the whole models saved or recalled (see relevance)
        self.stale: set[str] = set()
        self.learning: dict[str, Job] = {}
        self.anchoring: dict[str, Anchors] = {}
        self.recalling: dict[str, Recall] = {}  # saved models being read back, since assigned
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remember = remember
        # not saved: each brand's stories as last published (a restart publishes them afresh)
        self.published: dict[str, BrandStories] = {}

    def update(self, mention: Mention) -> list[MomentAlert] | None:
        """Count a mention and feed it to the signals (the embedded ``SignalsStage`` call);
        None when it was seen already (a re-delivery)."""
        key = f"{mention.brand}\x00{mention.post.uri}"
        if key in self._seen:
            return None
        self._seen[key] = None
        if len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        self.counts[mention.brand] = self.counts.get(mention.brand, 0) + 1
        return self.signals.on_mention(mention)

    def snapshot(self) -> bytes:
        parts = MemorySnapshots()
        self.signals.save(parts)
        queued = [q.opportunity for q in self.queue.get(limit=max(1, len(self.queue)))]
        return msgspec.msgpack.encode(_Saved(self.counts, list(self._seen), parts.blobs, queued,
                                             self.learner.snapshot(), self.decided_until,
                                             self.decided_from, self.learned_since,
                                             self.relevance_marks))

    def restore(self, blob: bytes) -> None:
        saved = msgspec.msgpack.decode(blob, type=_Saved)
        self.counts = dict(saved.counts)
        self._seen = OrderedDict.fromkeys(saved.seen)
        parts = MemorySnapshots()
        parts.blobs = dict(saved.signals)
        self.signals.load(parts)
        for opp in saved.queue:
            self.queue.update(opp)
        self.learner.restore(dict(saved.learned))
        self.decided_until = saved.decided_until
        self.decided_from = saved.decided_from
        self.relevance_marks = dict(saved.relevance_marks)
        if saved.learned_since is None:  # an older snapshot: its brands' models are rebuilt
            self.learned_since = dict.fromkeys(self.brands(), saved.decided_from)
            self.stale = set(self.learned_since)
        else:
            self.learned_since = dict(saved.learned_since)

    def stories(self, brands: set[str]) -> list[BrandStories]:
        """The stories of ``brands``' scopes that changed since they were last published (one
        opened, was joined or closed; or the scope moved on while one is open); a brand not
        published since the state was made, when its scope has a story (else a stored row that
        says open closes by the reader's cool-down rule)."""
        out = []
        for brand in sorted(brands):
            scope = self.signals.moments_detector.scope(brand)
            if scope is None:
                continue
            before = self.published.get(brand)
            now = marks_of(brand, scope, before)
            if before is None and not now.stories:
                continue
            if before is not None and now.stories == before.stories and (
                    now.until == before.until or all(m.closed is not None for m in now.stories)):
                continue
            self.published[brand] = now
            out.append(now)
        return out

    def brands(self) -> set[str]:
        """The brands this partition holds: those it counted a mention of (or queued)."""
        return set(self.counts) | {q.opportunity.brand
                                   for q in self.queue.get(limit=max(1, len(self.queue)))}

    def replay_from(self, tp: str, next_offset: int) -> int:
        return next_offset


class Desk(Protocol):
    """What the brand stage hands its fresh mentions and moments to (see ``KafkaDesk``)."""

    weights: DeskWeights

    def learn_decisions(self, store: Store, states: list[BrandState]) -> int:
        """Resolve the opportunities the team decided on and learn from them."""

    def restore(self, store: Store, group: str, states: list[BrandState]) -> int:
        """Restore what lives outside the states (the brands' relevance models) from what was
        saved beside their snapshots, when they are assigned; what cannot be is marked stale."""

    def recover(self, store: Store, states: list[BrandState]) -> int:
        """Before a batch: take in the models learned off the batch path, and start rebuilding
        the stale models and teaching the brands counted for the first time their stored
        decisions."""

    def saved(self, group: str, state: BrandState) -> list[Any]:
        """Store items to write beside the state's snapshot (the models changed since)."""

    def forget(self, states: list[BrandState]) -> None:
        """Drop what lives outside the states when their partitions leave this worker."""

    def handle(self, state: BrandState, mentions: list[Mention],
               moments: list[MomentAlert]) -> list[Any]:
        """Store items for what they produced (labels, opportunities, moments, alerts)."""

    def tick(self, states: list[BrandState], now: float) -> list[Any]:
        """Store items for what time alone raises (response-time alerts of the queues)."""


class BrandStage(KeyedStage[BrandState]):
    name = "brands"

    def __init__(self, settings: KafkaSettings, store: Store, clock: Clock, *,
                 group: str, snapshot_interval: float = 5.0, signals: SignalsConfig | None = None,
                 desk: Desk | None = None, on_alert: AlertSink | None = None,
                 on_mentions: MentionSink | None = None, maintain_every: float = 2.0,
                 profiles: ProfileExchange | None = None) -> None:
        self.topics: tuple[str, ...] = (settings.topic(MENTIONS),)
        self.tracked = settings.topic(TRACKED)
        weights = desk.weights if desk is not None else None
        ask = profiles is not None
        self.keyed: KeyedStates[BrandState] = KeyedStates(
            store, group, self.name,
            lambda: BrandState(clock, signals, weights=weights, ask_profiles=ask), clock,
            snapshot_interval)
        # author profiles: answers from the shared fetcher in, the states' asks out
        self.profiles = ProfileRouter(profiles) if profiles is not None else None
        self.store = store
        self.clock = clock
        self.maintain_every = maintain_every
        self._maintained = float("-inf")
        self.desk = desk
        self.on_alert = on_alert or _log_alert
        self.on_mentions = on_mentions

    def assigned(self, partitions: Sequence[Partition]) -> None:
        """Restore the partitions' states; the relevance models of their brands saved beside
        them are read back on a thread (tens of milliseconds each) and put in use before the
        next batch, outside the rebalance, as are any to rebuild."""
        super().assigned(partitions)
        nums = sorted({p.partition for p in partitions if p.topic in self.topics})
        if self.desk is not None and nums:
            self.desk.restore(self.store, self.keyed.group,
                              [self.keyed.states[n] for n in nums])

    def revoked(self, partitions: Sequence[Partition]) -> None:
        nums = {p.partition for p in partitions if p.topic in self.topics}
        if self.desk is not None:
            self.desk.forget([self.keyed.states[n] for n in nums if n in self.keyed.states])
        super().revoked(partitions)

    def process(self, messages: Sequence[Message], now: float) -> Output:
        if self.profiles is not None:
            self.profiles.deliver(self.keyed.states)  # before scoring: this batch's reach
        stale = [s for s in self.keyed.states.values()
                 if s.stale or s.learning or s.anchoring or s.recalling]
        if self.desk is not None and stale:  # models recalled or left stale by a rebalance,
            # or being learned: the recalled ones in use before anything of this batch
            self.desk.recover(self.store, stale)
        self._maintain()
        out = Output()
        fresh: dict[int, tuple[list[Mention], list[MomentAlert]]] = {}
        for part, state, m in self.each(messages, out):
            mentions, moments = fresh.setdefault(part, ([], []))
            try:
                mention = codec.decode_mention(m.value() or b"")
            except DecodeError:
                out.bad += 1
                continue
            alerts = state.update(mention)
            if alerts is None:
                continue
            mentions.append(mention)
            moments.extend(alerts)
        for part, (mentions, moments) in sorted(fresh.items()):
            out.events_out += len(mentions)
            for alert in moments:
                self.on_alert(alert)
            if self.desk is not None and (mentions or moments):
                self.desk.recover(self.store, [self.keyed.states[part]])  # brands new here
                items = self.desk.handle(self.keyed.states[part], mentions, moments)
                out.items.extend(items)
                out.records.extend(self._watches(items))
            if mentions and self.on_mentions is not None:
                self.on_mentions(mentions)
        if self.profiles is not None:
            self.profiles.collect(self.keyed.states, sorted(self.keyed.states))
        out.items.extend(self._evicted(now))
        out.items.extend(self._stories(fresh, now))
        out.items.extend(self._snapshots(sorted(fresh)))
        return out

    def _stories(self, fresh: dict[int, tuple[list[Mention], list[MomentAlert]]],
                 now: float) -> list[NamedBlob]:
        """The stories of the brands mentioned in this batch that changed, for the ``moments``
        role (not to raise a brand's wave its scope has: :mod:`reale.signals.brand_stories`)."""
        return [NamedBlob(stories_name(self.keyed.group, s.brand), encode_stories(s), now)
                for part, (mentions, _) in sorted(fresh.items())
                for s in self.keyed.states[part].stories({m.brand for m in mentions})]

    def _evicted(self, now: float) -> list[NamedBlob]:
        """The cascades the partitions' signals evicted, as rows ``cascade:<root>``."""
        return [NamedBlob(*encoded(stats, reading), now)
                for state in self.keyed.states.values()
                for stats, reading in state.evicted.take()]

    def final_items(self) -> list[Any]:
        return self._snapshots(sorted(self.keyed.states), force=True)

    def _snapshots(self, touched: list[int], force: bool = False) -> list[Any]:
        """The due snapshots of the touched partitions, each with the relevance models of its
        brands that changed since they were last saved (in the same transaction)."""
        snaps: list[Any] = list(self.keyed.due(touched, force))
        if self.desk is not None:
            names = {snapshot_name(self.keyed.group, self.name, n): n for n in touched}
            for snap in list(snaps):
                snaps.extend(self.desk.saved(self.keyed.group,
                                             self.keyed.states[names[snap.name]]))
        return snaps

    def tick(self, now: float) -> list[Any]:
        """Called by the worker every few seconds, between batches and when idle, on its own
        thread: the response-time alerts due on the queues this worker holds."""
        if self.desk is None or not self.keyed.states:
            return []
        return self.desk.tick(list(self.keyed.states.values()), now)

    def _maintain(self) -> None:
        """As the embedded runner's upkeep, every ``maintain_every`` seconds: cold cascades
        evicted, and the team's decisions learned before the next mentions are scored."""
        if self.clock.monotonic() - self._maintained < self.maintain_every:
            return
        self._maintained = self.clock.monotonic()
        for state in self.keyed.states.values():
            state.signals.tick()
        if self.desk is not None and self.keyed.states:
            self.desk.learn_decisions(self.store, list(self.keyed.states.values()))

    def _watches(self, items: list[Any]) -> list[Outbound]:
        """Each opportunity's conversation, to be watched where its reactions land."""
        watches = {codec.Watch(r.brand, r.root_uri or r.post_uri, r.created_at)
                   for r in items if isinstance(r, OpportunityRecord)}
        return [Outbound(self.tracked, codec.watch_key(w), codec.encode_watch(w))
                for w in sorted(watches, key=lambda w: (w.brand, w.original_uri))]


def _log_alert(alert: MomentAlert) -> None:
    log.info("moment", extra={"fields": {"scope": alert.scope, "term": alert.term,
                                         "count": alert.count, "ratio": round(alert.ratio, 2)}})
