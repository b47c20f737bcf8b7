"""The conversation stage on Kafka: reads ``interactions`` (key: root post) and ``tracked`` (key:
post uri) co-partitioned, keeps what touches a followed post exactly as the embedded ``route``
does, and grows each root post's cascade on the worker its key lands on; a cascade evicted (cold
for ``cold_after``, or the least recently active past ``max_cascades``) is stored by the batch
that evicts it as ``conversation-cascade:<root>`` (:mod:`reale.run.cascade_archive`).

The two topics are not ordered against each other, so an interaction that arrives before the
marker of the post it touches waits (``grace`` seconds of stream time) for that marker. Waiting
records are not snapshotted: the snapshot's offset stops before the oldest of them, so a new
owner reads them again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import msgspec

from reale.clock import Clock
from reale.errors import DecodeError
from reale.events import Deletion, Interaction, Post
from reale.run.aftermath import BacklashSink
from reale.run.cascade_archive import CONVERSATION_PREFIX, CascadeArchive, encoded
from reale.run.kafka import codec
from reale.run.kafka.aftermath import Watches
from reale.run.kafka.desk import KafkaDesk
from reale.run.kafka.keyed import KeyedStage, KeyedStates
from reale.run.kafka.settings import INTERACTIONS, TRACKED, KafkaSettings
from reale.run.kafka.snapshots import NamedBlob, tp_key
from reale.run.kafka.stage import Message, Outbound, Output
from reale.run.tracked import TrackedPosts
from reale.signals.cascades import CascadeConfig, CascadeTracker
from reale.store import Store


class _Waiting(msgspec.Struct, gc=False):
    offset: int
    received_at: float
    event: Post | Interaction
    done: bool = False


class _Saved(msgspec.Struct):
    tracked: list[str]
    cascades: bytes
    newest: float
    watches: bytes = b""


def parents(event: Post | Interaction) -> tuple[str, ...]:
    """The followed posts an event may touch (as ``reale.run.pipeline.route`` checks them)."""
    if isinstance(event, Interaction):
        return tuple(u for u in (event.subject, event.root) if u)
    return tuple(u for u in (event.reply_parent, event.reply_root, event.quote_of,
                             event.repost_of) if u)


class ConversationState:
    """Followed posts, their cascades, and the records waiting for a marker."""

    def __init__(self, clock: Clock, grace: float, cascades: CascadeConfig | None = None,
                 capacity: int = 200_000, watches: Watches | None = None) -> None:
        self.watches = watches
        self.tracked = TrackedPosts(capacity)
        self.evicted = CascadeArchive()  # cascades evicted since the last batch, stored by it
        self.cascades = CascadeTracker(cascades or CascadeConfig(), clock,
                                       on_evict=lambda stats: self.evicted.add(stats, None))
        self.grace = grace
        self.newest = 0.0
        self.waiting: deque[_Waiting] = deque()
        self._by_parent: dict[str, list[_Waiting]] = {}
        self.interactions_tp = ""

    def follow(self, post: Post, *, root: bool) -> list[Post | Interaction]:
        """A post to follow (a mention — a cascade ``root`` — or a reply or quote in a followed
        conversation): returns the waiting records it releases."""
        self.tracked.update(post.uri)
        if root:
            self.cascades.track(post)
        released = [w for w in self._by_parent.pop(post.uri, ()) if not w.done]
        for w in released:
            w.done = True
        return [w.event for w in released]

    def touches(self, event: Post | Interaction) -> bool:
        return any(u in self.tracked for u in parents(event))

    def wait(self, offset: int, event: Post | Interaction) -> None:
        w = _Waiting(offset, event.received_at or self.newest, event)
        self.waiting.append(w)
        for u in parents(event):
            self._by_parent.setdefault(u, []).append(w)

    def expire(self, received_at: float) -> int:
        """Forget waiting records older than ``grace`` seconds of stream time."""
        self.newest = max(self.newest, received_at)
        dropped = 0
        while self.waiting and (self.waiting[0].done
                                or self.waiting[0].received_at < self.newest - self.grace):
            w = self.waiting.popleft()
            dropped += not w.done
            w.done = True
            for u in parents(w.event):
                lst = self._by_parent.get(u)
                if lst is not None:
                    lst[:] = [x for x in lst if not x.done]
                    if not lst:
                        del self._by_parent[u]
        return dropped

    def snapshot(self) -> bytes:
        watches = self.watches.snapshot() if self.watches is not None else b""
        return msgspec.msgpack.encode(_Saved(self.tracked.get(), self.cascades.snapshot(),
                                             self.newest, watches))

    def restore(self, blob: bytes) -> None:
        saved = msgspec.msgpack.decode(blob, type=_Saved)
        for uri in saved.tracked:
            self.tracked.update(uri)
        self.cascades.restore(saved.cascades)
        self.newest = saved.newest
        if self.watches is not None and saved.watches:
            self.watches.restore(saved.watches)

    def replay_from(self, tp: str, next_offset: int) -> int:
        pending = [w.offset for w in self.waiting if not w.done]
        if tp == self.interactions_tp and pending:
            return min(next_offset, min(pending))
        return next_offset


class ConversationStage(KeyedStage[ConversationState]):
    name = "conversations"

    def __init__(self, settings: KafkaSettings, store: Store, clock: Clock, *, group: str,
                 grace: float = 30.0, snapshot_interval: float = 5.0,
                 cascades: CascadeConfig | None = None, desk: KafkaDesk | None = None,
                 poll_every: float = 2.0, maintain_every: float = 2.0) -> None:
        self.interactions = settings.topic(INTERACTIONS)
        self.tracked_topic = settings.topic(TRACKED)
        self.topics: tuple[str, ...] = (self.interactions, self.tracked_topic)
        self.desk = desk
        self.clock = clock
        self.poll_every = poll_every
        self._polled = float("-inf")
        self.maintain_every = maintain_every
        self._maintained = float("-inf")

        def state() -> ConversationState:
            watches = None if desk is None else Watches(clock, store,
                                                        team_language=desk.team_language)
            return ConversationState(clock, grace, cascades, watches=watches)

        self.keyed: KeyedStates[ConversationState] = KeyedStates(
            store, group, self.name, state, clock, snapshot_interval)
        self.expired = 0
        self._sinks: list[BacklashSink] = []

    def process(self, messages: Sequence[Message], now: float) -> Output:
        out = Output()
        sinks = self.desk.sinks() if self.desk is not None else None
        self._sinks = sinks.backlash if sinks is not None else []
        if sinks is not None:
            self._poll_publications()  # the brand's acts first: reactions after them count so
        touched: set[int] = set()
        # Markers first: within a batch, a post to follow may arrive after its interactions.
        ordered = sorted((m for m in messages if m.topic() in self.topics),
                         key=lambda m: m.topic() != self.tracked_topic)
        for m in ordered:
            part = m.partition() or 0
            state = self.keyed.state(part)
            state.interactions_tp = tp_key(self.interactions, part)
            self.keyed.consumed(m.topic() or "", part, m.offset() or 0)
            touched.add(part)
            out.events_in += 1
            try:
                self._one(state, m, out)
            except DecodeError:
                out.bad += 1
        if sinks is not None:
            out.items.extend(sinks.take())
        out.items.extend(self._evicted(now))
        out.items.extend(self.keyed.due(sorted(touched)))
        return out

    def _evicted(self, now: float) -> list[NamedBlob]:
        """Every ``maintain_every`` seconds the cold cascades evicted (as the embedded upkeep);
        those evicted since the last batch (cold, or past ``max_cascades``) as rows
        ``conversation-cascade:<root>``, written in this batch's transaction."""
        if self.clock.monotonic() - self._maintained >= self.maintain_every:
            self._maintained = self.clock.monotonic()
            for state in self.keyed.states.values():
                state.cascades.evict_cold()
        return [NamedBlob(*encoded(stats, reading, CONVERSATION_PREFIX), now)
                for state in self.keyed.states.values()
                for stats, reading in state.evicted.take()]

    def _poll_publications(self) -> None:
        """The brand's acts (replies published through the desk), every ``poll_every`` s."""
        if self.clock.monotonic() - self._polled < self.poll_every:
            return
        self._polled = self.clock.monotonic()
        for state in self.keyed.states.values():
            if state.watches is not None:
                state.watches.poll()

    def _one(self, state: ConversationState, m: Message, out: Output) -> None:
        raw = m.value() or b""
        if m.topic() == self.tracked_topic:
            marker = codec.decode_tracked(raw)
            if isinstance(marker, codec.Watch):
                if state.watches is not None:
                    state.watches.watch(marker)
                return
            mentioned, post = marker
            self._keep_all(state, state.follow(post, root=mentioned), out)
            return
        event = codec.decode_conversation(raw)
        if isinstance(event, Deletion):  # for the aftermath only (the matcher stores it)
            if state.watches is not None:
                state.watches.react(event, self._sinks)
            return
        if state.watches is not None:
            state.watches.react(event, self._sinks)
        self.expired += state.expire(event.received_at)
        if state.touches(event):
            self._keep_all(state, [event], out)
        else:
            state.wait(m.offset() or 0, event)

    def _keep_all(self, state: ConversationState, events: list[Post | Interaction],
                  out: Output) -> None:
        while events:
            event = events.pop(0)
            out.items.append(event)
            out.events_out += 1
            state.cascades.update(event)
            if isinstance(event, Post):
                # Follow it here, and on the partition its own interactions are keyed to.
                events.extend(state.follow(event, root=False))
                out.records.append(Outbound(self.tracked_topic, codec.tracked_key(event),
                                            codec.encode_marker(event, mentioned=False)))
