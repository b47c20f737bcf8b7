"""Many sources as one: items from every source in arrival order, with ``ack``/``commit``
routed back to the source each item came from. A bounded queue gives back-pressure."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

from reale.sources.base import Source, SourceItem

log = logging.getLogger("reale.sources")
_DONE = object()


class MergedSource:
    """``async for item in MergedSource([a, b])``; ends when every source has ended.

    A source that fails (e.g. a refused token) is logged and recorded in ``errors``; the others
    go on. If every source failed, the first error is raised at the end.
    """

    source_id = "merged"

    def __init__(self, sources: Sequence[Source], queue_size: int = 1000) -> None:
        self.sources = {s.source_id: s for s in sources}
        if len(self.sources) != len(sources):
            raise ValueError("source ids must be unique")
        self.queue_size = queue_size
        self.errors: dict[str, BaseException] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def __aiter__(self) -> AsyncIterator[SourceItem]:
        return self._run()

    async def _pump(self, source: Source, queue: asyncio.Queue[object]) -> None:
        try:
            async for item in source:
                await queue.put(item)
        except Exception as exc:  # one source's failure must not stop the others
            log.error("%s stopped: %s", source.source_id, exc)
            self.errors[source.source_id] = exc
        finally:
            await queue.put(_DONE)

    async def _run(self) -> AsyncIterator[SourceItem]:
        queue: asyncio.Queue[object] = asyncio.Queue(self.queue_size)
        self._tasks = [asyncio.create_task(self._pump(s, queue)) for s in self.sources.values()]
        running = len(self._tasks)
        while running:
            item = await queue.get()
            if item is _DONE:
                running -= 1
            elif isinstance(item, SourceItem):
                yield item
        if self.errors and len(self.errors) == len(self.sources):
            raise next(iter(self.errors.values()))

    def ack(self, item: SourceItem) -> None:
        self.sources[item.source_id].ack(item)

    def commit(self) -> str | None:
        for source in self.sources.values():
            source.commit()
        return None

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for source in self.sources.values():
            await source.aclose()
