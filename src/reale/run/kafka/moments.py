"""Whole-stream moments ("moments a brand could join") on Kafka, as two stages of the
``moments`` role: the count stage reads ``posts`` and ``interactions`` in its own group (so the
matcher does no extra work per post) and publishes cumulative term counts per bucket on ``moment-terms`` (key: term);
the merge stage reads them, keyed by term, and raises each burst once, with its safety read,
through the brand stage's paths (web-desk moment records, the alerts outbox). A moment that is
part of an avoid moment's story inherits avoid wherever that moment's term landed: the merge
stage reads the avoid moments the other workers stored (see :meth:`MomentMergeStage.sources`)."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any, Protocol

from reale.clock import Clock
from reale.errors import RealeError
from reale.events import Post
from reale.run.kafka import codec
from reale.run.kafka.keyed import KeyedStage, KeyedStates
from reale.run.kafka.moment_counts import TermCounts, decode_partial
from reale.run.kafka.moment_merge import MomentMerge
from reale.run.kafka.settings import INTERACTIONS, MOMENT_TERMS, POSTS, KafkaSettings
from reale.run.kafka.snapshots import stories_name
from reale.run.kafka.stage import Message, Outbound, Output
from reale.run.pipeline import MatcherRef
from reale.signals.brand_stories import BrandStories, decode_stories
from reale.signals.moment_links import source_of
from reale.signals.moment_scope import MomentAlert
from reale.signals.safety import Labeller
from reale.signals.settings import SignalsConfig
from reale.store import Store
from reale.web.queries import moment_row

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
                 signals: SignalsConfig | None = None, snapshot_interval: float = 5.0,
                 matcher: MatcherRef | None = None) -> None:
        config = (signals or SignalsConfig()).moments
        self.posts = settings.topic(POSTS)
        self.topics: tuple[str, ...] = (self.posts, settings.topic(INTERACTIONS))
        self.out_topic = settings.topic(MOMENT_TERMS)
        self.matcher = matcher
        brands_of = self._brands_of if matcher is not None else None
        self.keyed: KeyedStates[TermCounts] = KeyedStates(
            store, settings.group(self.name), self.name,
            lambda: TermCounts(config, settings.grace, brands_of), clock, snapshot_interval)

    def _brands_of(self, post: Post) -> list[str]:
        """The watched brands ``post`` mentions: the matcher role's watch-queries (hot-reloaded
        alike), so each term's count says how many of its posts each brand's scope counts."""
        assert self.matcher is not None
        return [m.brand for m in self.matcher().match(post)]

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
            event = codec.decode_post_or_deletion(m.value() or b"")
            if isinstance(event, Post):  # a deletion takes nothing back from the counts
                state.update(event, part, m.offset() or 0, now)
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
        self.store = store
        self.brands_group = settings.group("brands")  # the brand stage's: its stories
        self.raised: list[MomentAlert] = []  # the latest batch's moments (logs, tests)
        self.read_every = 1.0  # seconds between two reads of the stored avoid moments
        self._sources: tuple[float, float, list[MomentAlert]] = (-math.inf, math.inf, [])

    def process(self, messages: Sequence[Message], now: float) -> Output:
        out = Output()
        touched = self.consume(messages, out,
                               lambda part, state, m: state.add(decode_partial(m.value() or b"")))
        # the touched partitions close their buckets; every partition with a moment still open
        # to a link reads the stored avoid moments (another worker's may have come)
        waiting = [p for p, st in self.keyed.states.items() if p not in touched and st.links.waiting()]
        self.raised = [a for part in (*touched, *waiting)
                       for a in self._close(self.keyed.states[part], now)]
        out.events_out = len(self.raised)
        out.items.extend(self._items(self.raised))
        out.items.extend(self.keyed.due(touched))
        return out

    def _close(self, state: MomentMerge, now: float) -> list[MomentAlert]:
        """The partition's closed buckets' moments, with the "same story" links to the avoid
        moments of every partition: two terms of one story may sit on different
        ``moment-terms`` partitions, so on different workers, and each worker stores its
        moments. A moment linked only now (alerted in an earlier batch) is raised again."""
        alerts = state.close(stories=self.stories)
        if not state.links.waiting():
            return alerts
        sources = self.sources(state.links.since(), now)
        if not sources:
            return alerts
        again = {(a.term, a.at): a for a in state.close(sources, self.stories)}
        out = [again.pop((a.term, a.at), a) for a in alerts]
        return out + list(again.values())

    def sources(self, since: float, now: float) -> list[MomentAlert]:
        """The stored whole-stream moments that read avoid on their own, alerted from ``since``:
        read at most every ``read_every`` seconds (the same read serves every partition that
        asks for no earlier moments); a failed read links nothing this time."""
        read_at, read_since, found = self._sources
        if now - read_at < self.read_every and read_since <= since:
            return found
        try:
            rows = self.store.query(
                "SELECT id, body FROM moments WHERE scope = '*' AND verdict = 'avoid' AND "
                "at >= ? ORDER BY at DESC LIMIT 500", (since,), timeout=2.0)
        except RealeError as exc:
            log.warning("moment links: the stored moments could not be read: %s", exc)
            return []
        found = [a for a in (moment_row(r).alert for r in rows) if source_of(a)]
        self._sources = (now, since, found)
        return found

    def stories(self, brand: str) -> BrandStories | None:
        """``brand``'s stories as the brand stage last published them (read when a moment that
        is the brand's wave rises: seldom); a failed read quiets nothing."""
        try:
            blob = self.store.get_snapshot(stories_name(self.brands_group, brand))
            return None if blob is None else decode_stories(blob)
        except RealeError as exc:
            log.warning("moments: %s's stories could not be read: %s", brand, exc)
            return None

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
