"""Everything one embedded process owns, assembled once from the frozen config: the store and its
single writer, the matcher (hot-reloaded when the config file changes), the later stages, and
the runner that ties them to the sources."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any

from reale.clock import Clock, SystemClock
from reale.config import Config
from reale.match import Matcher, QueryReloader
from reale.run.embedded import EmbeddedRunner, MentionStage, RunSummary, Source, mention_latencies
from reale.run.metrics import Metrics
from reale.run.pipeline import MatcherLike
from reale.run.sourcewatch import SourceWatch
from reale.store import Store, StoreWriter, open_store
from reale.store.writer import CommittedBatch


class EmbeddedApp:
    """``async with EmbeddedApp(config) as app: await app.run(sources)``."""

    def __init__(self, config: Config, *, clock: Clock | None = None, store_url: str = "",
                 stages: Sequence[MentionStage] = (), metrics: Metrics | None = None) -> None:
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.store_url = store_url or config.store
        self.metrics = metrics or Metrics()
        self.stages = list(stages)
        self.store: Store | None = None
        self.writer: StoreWriter | None = None
        self.reloader: QueryReloader | None = None
        self._static: Matcher | None = None
        self.on_commit: list[Callable[[CommittedBatch], None]] = []
        self.source_watch = SourceWatch()  # add to .notify to hear of a source that is down

    def matcher(self) -> MatcherLike:
        if self.reloader is not None:
            return self.reloader.matcher
        assert self._static is not None
        return self._static

    async def __aenter__(self) -> EmbeddedApp:
        self.store = await asyncio.to_thread(open_store, self.store_url, clock=self.clock)
        self.store.keep_text_days = self.config.keep_text_days  # retention, as the writer writes
        self.writer = StoreWriter(self.store, batch_size=self.config.batch_size,
                                  flush_interval=self.config.flush_interval,
                                  on_commit=self._committed, clock=self.clock)
        await self.writer.start()
        if self.config.path:
            self.reloader = QueryReloader(self.config.path, clock=self.clock,
                                          interval=self.config.reload_interval)
        else:
            self._static = Matcher.from_brands(self.config.brands)
        if self.config.metrics_port:
            self.metrics.serve(self.config.metrics_host, self.config.metrics_port)
        # what start-up built (modules, compiled queries, models) lives as long as the process:
        # keep the cyclic collector from walking it again and again on a busy stream
        gc.freeze()
        return self

    def _committed(self, batch: CommittedBatch) -> None:
        self.metrics.observe_stored(mention_latencies(batch.items, batch.committed_at))
        self.metrics.observe_deletions(batch.result.deleted, batch.result.unknown_deletions)
        for callback in self.on_commit:
            callback(batch)

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self.writer is not None:
            await self.writer.close()
        if self.store is not None:
            await asyncio.to_thread(self.store.close)

    async def run(self, sources: Sequence[Source], stop: asyncio.Event | None = None,
                  sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> RunSummary:
        """Run the sources through every stage until they end or ``stop`` is set."""
        assert self.writer is not None, "use EmbeddedApp as an async context manager"
        runner = EmbeddedRunner(writer=self.writer, matcher=self.matcher, clock=self.clock,
                                metrics=self.metrics, stages=self.stages,
                                source_watch=self.source_watch)
        stop = stop or asyncio.Event()
        watcher: asyncio.Task[Any] | None = None
        if self.reloader is not None:
            watcher = asyncio.create_task(self.reloader.watch(stop))
        try:
            return await runner.run(sources, stop, sleep)
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await watcher
