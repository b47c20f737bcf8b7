"""The embedded runner: one asyncio process that reads every source, routes events through the
stages and writes through the store's single writer.

Delivery: an item is acknowledged to its source only after the store writer has committed the
batch that holds what the item produced, and the source's cursor is committed right after; so a
crash or a restart neither loses nor repeats an event (the store's writes are idempotent anyway).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Protocol

import msgspec

from reale.clock import Clock, SystemClock
from reale.events import Deletion, Interaction, Mention, Post
from reale.run.metrics import Metrics
from reale.run.pipeline import MatcherRef, Routed, route
from reale.run.sourcewatch import SourceWatch
from reale.run.tracked import TrackedPosts

log = logging.getLogger("reale.run")


class Source(Protocol):
    """What the runner needs of a source client (see reale.sources.base)."""

    def __aiter__(self) -> AsyncIterator[Any]: ...

    def ack(self, item: Any) -> None: ...

    def commit(self) -> str | None: ...

    async def aclose(self) -> None: ...


class Writer(Protocol):
    async def put_many(self, items: Any) -> None: ...

    async def flush(self) -> None: ...


MentionStage = Callable[[Routed], Awaitable[None]]


class Inbox:
    """Where sources drop items for the one router: a plain list swapped out whole, so the hot
    path pays a list append per item instead of a queue round-trip. A full inbox makes sources
    wait (back-pressure)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[tuple[Source, Any]] = []
        self.ready = asyncio.Event()
        self.space = asyncio.Event()
        self.space.set()
        self.closed = False

    def offer(self, entry: tuple[Source, Any]) -> bool:
        """Add one entry (no await on the hot path); True when the inbox is now full and the
        source must ``await wait_for_space()``."""
        self.items.append(entry)
        if not self.ready.is_set():
            self.ready.set()
        if len(self.items) >= self.limit:
            self.space.clear()
            return True
        return False

    async def wait_for_space(self) -> None:
        await self.space.wait()

    async def take(self) -> list[tuple[Source, Any]]:
        """Everything waiting; ``[]`` once closed and empty."""
        while not self.items:
            if self.closed:
                return []
            self.ready.clear()
            await self.ready.wait()
        items, self.items = self.items, []
        self.space.set()
        return items

    def close(self) -> None:
        self.closed = True
        self.ready.set()


class RunSummary(msgspec.Struct, kw_only=True):
    events: int = 0
    mentions: int = 0
    posts_stored: int = 0
    interactions_stored: int = 0
    deletions: int = 0  # deletions the sources reported
    deletions_applied: int = 0  # stored posts erased (now, or stored after their deletion)
    deletions_unknown: int = 0  # deletions of posts the store does not hold
    latency: dict[str, float] = {}
    opportunities: int | None = None  # with every stage: raised or updated by this run
    moments: int | None = None  # with every stage: stored by this run
    errors: list[str] = []  # why a source or the router stopped early (empty: a clean run)


class EmbeddedRunner:
    """Routes events from sources to the store and hands each routed batch to later stages."""

    def __init__(self, *, writer: Writer, matcher: MatcherRef, clock: Clock | None = None,
                 metrics: Metrics | None = None, stages: Sequence[MentionStage] = (),
                 commit_interval: float = 0.25, tracked: TrackedPosts | None = None,
                 max_batch: int = 1000, source_watch: SourceWatch | None = None) -> None:
        self.writer = writer
        self.matcher = matcher
        self.clock: Clock = clock or SystemClock()
        self.metrics = metrics or Metrics()
        self.stages = list(stages)
        self.commit_interval = commit_interval
        self.tracked = tracked or TrackedPosts()
        self.max_batch = max_batch
        self.summary = RunSummary()
        self.source_watch = source_watch or SourceWatch()
        if self.source_watch.metrics is None:  # lag and skipped counts on /metrics
            self.source_watch.metrics = self.metrics
        self._pending: list[tuple[Source, Any]] = []

    async def feed(self, events: Sequence[Post | Interaction | Deletion]) -> Routed:
        """Route a batch of events, hand them to the writer and the later stages."""
        routed = route(events, self.matcher(), self.tracked, self.clock.now())
        self._count(routed)
        items: list[Any] = [*routed.posts, *routed.interactions, *routed.mentions,
                            *routed.deletions]
        if items:
            await self.writer.put_many(items)
        for stage in self.stages:
            if routed.mentions or routed.interactions or routed.posts or routed.deletions:
                try:
                    await stage(routed)
                except Exception:  # a later stage's bug must not stop the stream
                    self.metrics.errors.labels("stage", "exception").inc()
                    log.exception("stage %r failed on a batch", stage)
        return routed

    def _count(self, routed: Routed) -> None:
        s = self.summary
        s.events += routed.seen
        s.mentions += len(routed.mentions)
        s.posts_stored += len(routed.posts)
        s.interactions_stored += len(routed.interactions)
        s.deletions += len(routed.deletions)
        m = self.metrics
        if routed.deletions:
            m.deletions.labels("seen").inc(len(routed.deletions))
        m.events_in.labels("match").inc(routed.seen)
        m.events_out.labels("match").inc(len(routed.mentions))

    async def _pump(self, source: Source, inbox: Inbox) -> None:
        try:
            async for item in source:
                if inbox.offer((source, item)):
                    await inbox.wait_for_space()
        except Exception as exc:  # said now, not only when the run ends (the others go on)
            name = getattr(source, "source_id", "") or type(source).__name__
            self.source_watch.failed(name, str(exc), self.clock.now())
            raise

    async def _consume(self, inbox: Inbox) -> None:
        """Take everything waiting at once: one item when idle, a large batch under load."""
        while batch := await inbox.take():
            for i in range(0, len(batch), self.max_batch):
                part = batch[i:i + self.max_batch]
                await self.feed([item.event for _, item in part])
                self._pending.extend(part)
            self._observe_lag(batch)

    def _observe_lag(self, batch: Sequence[tuple[Source, Any]]) -> None:
        """``reale_source_lag_seconds{source}``: now minus the newest event each source gave."""
        newest: dict[Source, float] = {}
        for source, item in batch:
            t = getattr(item.event, "created_at", 0.0)  # a deletion's time says nothing of lag
            if t > newest.get(source, 0.0):
                newest[source] = t
        now = self.clock.now()
        for source, t in newest.items():
            name = getattr(source, "source_id", "") or type(source).__name__
            self.metrics.lag.labels(name).set(max(0.0, now - t))

    async def commit(self, sources: Sequence[Source]) -> None:
        """Wait until everything routed so far is stored, then ack and commit the sources."""
        taken, self._pending = self._pending, []
        await self.writer.flush()
        for source, item in taken:
            source.ack(item)
        for source in sources:
            source.commit()
        self.source_watch.update(self.clock.now(), sources)

    async def _commit_loop(self, sources: Sequence[Source], sleep: Callable[[float], Awaitable[None]]) -> None:
        while True:
            await sleep(self.commit_interval)
            await self.commit(sources)

    async def run(self, sources: Sequence[Source], stop: asyncio.Event | None = None,
                  sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> RunSummary:
        """Run until every source ends or ``stop`` is set; then flush, ack, commit and close."""
        inbox = Inbox(self.max_batch)
        pumps = [asyncio.create_task(self._pump(s, inbox)) for s in sources]
        consumer = asyncio.create_task(self._consume(inbox))
        committer = asyncio.create_task(self._commit_loop(sources, sleep))
        stopper = asyncio.create_task((stop or asyncio.Event()).wait())
        all_pumps: asyncio.Future[list[Any]] = asyncio.gather(*pumps, return_exceptions=True)
        try:
            await asyncio.wait([all_pumps, stopper],  # type: ignore[type-var]
                               return_when=asyncio.FIRST_COMPLETED)
            if not stopper.done():  # every source ended: finish what they produced
                inbox.close()
                await asyncio.wait([consumer, stopper], return_when=asyncio.FIRST_COMPLETED)
        finally:
            await self._shutdown([*pumps, consumer], committer, stopper, sources)
        self.summary.latency = self.metrics.mention_latency.get()
        _, self.summary.deletions_applied, self.summary.deletions_unknown = (
            self.metrics.deletion_counts())
        return self.summary

    async def _shutdown(self, pumps: list[asyncio.Task[None]], committer: asyncio.Task[None],
                        stopper: asyncio.Task[bool], sources: Sequence[Source]) -> None:
        for t in [*pumps, committer, stopper]:
            t.cancel()
        for t in [*pumps, committer, stopper]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        for t in pumps:
            if t.done() and not t.cancelled() and t.exception() is not None:
                log.error("a source or the router stopped: %s", t.exception())
                self.summary.errors.append(str(t.exception()))
        await self.commit(sources)
        for s in sources:
            await s.aclose()


def mention_latencies(items: Sequence[Any], committed_at: float) -> list[float]:
    """Arrival-to-stored latency of each mention in a committed batch."""
    return [committed_at - it.post.received_at for it in items
            if isinstance(it, Mention) and it.post.received_at]
