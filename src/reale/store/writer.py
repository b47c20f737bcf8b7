"""The one writer: an asyncio task that drains a bounded queue into batched store transactions.

Batches close at ``batch_size`` items or ``flush_interval`` seconds after their first item; the
database work runs on one dedicated thread so the event loop never blocks; a full queue makes
``put`` wait (back-pressure). Failures follow an :class:`ErrorPolicy`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any

import msgspec

from reale.clock import Clock
from reale.errors import StoreError, StoreUnavailable
from reale.store.base import Store
from reale.store.policy import ErrorPolicy, GiveUp, log_give_up
from reale.store.records import CursorUpdate, WriteResult

log = logging.getLogger("reale.store")


class CommittedBatch(msgspec.Struct, frozen=True, kw_only=True):
    """A batch that is durably in the store: what the runner acks cursors and measures with."""

    items: tuple[Any, ...]
    result: WriteResult
    committed_at: float  # the writer's clock, comparable with the items' received_at
    latency: float  # seconds the transaction took


class WriterStats(msgspec.Struct, frozen=True, kw_only=True):
    """Counters since the writer started (a snapshot; read ``writer.stats`` again for fresh)."""

    items_written: int = 0
    rows_written: int = 0  # rows added or changed (re-written items add none)
    batches: int = 0
    failures: int = 0  # failed attempts, each retried, split or given up
    retries: int = 0
    dropped: int = 0  # items given up on and handed to on_give_up
    last_batch_size: int = 0
    last_batch_latency: float = 0.0
    queue_depth: int = 0


class _Marker:
    """A flush or close request travelling through the queue behind the items before it."""

    def __init__(self, closing: bool) -> None:
        self.closing = closing
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()


_TIMEOUT = object()
_WAKE = object()  # nudges an idle writer to save pending cursors


class StoreWriter:
    """Feed it items with ``await put(item)``; ``flush()`` waits until they are committed and
    ``close()`` flushes and stops. Use it as ``async with StoreWriter(store) as writer:``."""

    def __init__(self, store: Store, *, batch_size: int = 500, flush_interval: float = 0.05,
                 max_queue: int | None = None, policy: ErrorPolicy | None = None,
                 on_commit: Callable[[CommittedBatch], None] | None = None,
                 on_give_up: GiveUp = log_give_up, clock: Clock | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if batch_size < 1 or flush_interval < 0:
            raise StoreError("batch_size must be >= 1 and flush_interval >= 0")
        self._store = store
        self._batch_size = batch_size
        self._interval = flush_interval
        self._queue: asyncio.Queue[Any] = asyncio.Queue(max_queue or 4 * batch_size)
        self._policy = policy or ErrorPolicy()
        self._on_commit = on_commit
        self._on_give_up = on_give_up
        self._clock: Clock = clock or store.clock
        self._sleep = sleep
        self._counts = dict.fromkeys(("items_written", "rows_written", "batches", "failures",
                                      "retries", "dropped", "last_batch_size"), 0)
        self._last_latency = 0.0
        self._task: asyncio.Task[None] | None = None
        self._getter: asyncio.Future[Any] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False
        self._put_seq = 0  # items put so far
        self._taken_seq = 0  # items taken into batches so far
        self._cursors: dict[str, tuple[str, int]] = {}  # source -> (cursor, items put before it)
        self._cursor_cache: dict[str, str] = {}

    @property
    def stats(self) -> WriterStats:
        return WriterStats(**self._counts, last_batch_latency=self._last_latency,
                           queue_depth=self._queue.qsize())

    # -- the producer side ----------------------------------------------------------------------
    async def start(self) -> None:
        self._start()

    def _start(self) -> None:
        if self._closed:
            raise StoreError("the store writer is closed")
        if self._task is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="reale-store-writer")
            self._task = asyncio.get_running_loop().create_task(self._run(), name="store-writer")

    async def put(self, item: Any) -> None:
        """Queue one item (waits while the queue is full)."""
        await self._check()
        await self._queue.put(item)
        self._put_seq += 1

    async def put_many(self, items: Iterable[Any]) -> None:
        for item in items:
            await self.put(item)

    # -- cursors: the writer is a CursorStore that never blocks the event loop -----------------
    def set_cursor(self, source_id: str, cursor: str) -> None:
        """Save a source's position without waiting: it is committed in the same transaction
        as the last item put before this call, or a later one — never before those items."""
        self._start()
        self._cursors[source_id] = (cursor, self._put_seq)
        self._cursor_cache[source_id] = cursor
        if self._queue.empty():
            self._queue.put_nowait(_WAKE)  # else the writer is busy and will see it anyway

    def get_cursor(self, source_id: str) -> str | None:
        """The last position set here, else the stored one (a blocking read: call it at start)."""
        if source_id in self._cursor_cache:
            return self._cursor_cache[source_id]
        return self._store.get_cursor(source_id)

    def _due_cursors(self) -> list[CursorUpdate]:
        due = [k for k, (_, seq) in self._cursors.items() if seq <= self._taken_seq]
        return [CursorUpdate(k, self._cursors.pop(k)[0]) for k in due]

    async def flush(self) -> None:
        """Return once every item put before this call is committed (or given up on)."""
        await self._check()
        await self._request(closing=False)

    async def close(self) -> None:
        """Flush, stop the task and its thread. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._task is None:
            return
        if not self._task.done():
            await self._request(closing=True)
        await self._task
        if self._executor is not None:
            self._executor.shutdown(wait=True)

    async def __aenter__(self) -> StoreWriter:
        await self.start()
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    async def _check(self) -> None:
        if self._closed:
            raise StoreError("the store writer is closed")
        await self.start()
        assert self._task is not None
        if self._task.done():
            raise StoreError("the store writer stopped unexpectedly") from self._task.exception()

    async def _request(self, *, closing: bool) -> None:
        marker = _Marker(closing)
        await self._queue.put(marker)
        # shielded: a caller cancelled while it waits must not cancel the marker under the
        # writer's feet (the writer would then fail setting its result, and stop)
        await asyncio.shield(marker.done)

    # -- the writer task ------------------------------------------------------------------------
    async def _run(self) -> None:
        # One commit in flight while the next batch is collected: items that arrive during a
        # commit are picked up at once, so their wait is not commit time plus flush_interval.
        inflight: asyncio.Task[None] | None = None
        try:
            while True:
                batch, marker = await self._collect()
                batch += self._due_cursors()
                if inflight is not None:
                    await inflight  # commits stay in order: one at a time, oldest first
                    inflight = None
                if batch:
                    inflight = asyncio.get_running_loop().create_task(self._write(batch))
                if marker is not None:
                    if inflight is not None:
                        await inflight
                        inflight = None
                    if not marker.done.done():
                        marker.done.set_result(None)
                    if marker.closing:
                        return
        finally:
            if inflight is not None:
                await asyncio.shield(inflight)
            if self._getter is not None:
                self._getter.cancel()

    async def _collect(self) -> tuple[list[Any], _Marker | None]:
        """One batch: items until full, until ``flush_interval`` passes, or until a marker."""
        loop = asyncio.get_running_loop()
        first = await self._get(None)
        if isinstance(first, _Marker):
            return [], first
        if first is _WAKE:
            return [], None
        self._taken_seq += 1
        batch, deadline = [first], loop.time() + self._interval
        while len(batch) < self._batch_size:
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                remaining = deadline - loop.time()
                item = _TIMEOUT if remaining <= 0 else await self._get(remaining)
            if item is _TIMEOUT:
                break
            if isinstance(item, _Marker):
                return batch, item
            if item is not _WAKE:
                self._taken_seq += 1
                batch.append(item)
        return batch, None

    async def _get(self, timeout: float | None) -> Any:
        # The pending get survives a timeout (never cancelled), so no item can be lost in between.
        if self._getter is None:
            self._getter = asyncio.ensure_future(self._queue.get())
        done, _ = await asyncio.wait({self._getter}, timeout=timeout)
        if not done:
            return _TIMEOUT
        item, self._getter = self._getter.result(), None
        return item

    async def _write(self, items: list[Any]) -> None:
        """Commit ``items``, retrying, splitting or giving up as the policy says."""
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                result = await asyncio.get_running_loop().run_in_executor(
                    self._executor, self._store.write_batch, items)
            except StoreUnavailable as exc:
                self._counts["failures"] += 1
                attempt += 1
                if not self._policy.should_retry(attempt):
                    return self._give_up(items, exc)
                self._counts["retries"] += 1
                log.warning("store unavailable, retry %d in %.2fs: %s", attempt,
                            self._policy.delay(attempt), exc)
                await self._sleep(self._policy.delay(attempt))
                continue
            except Exception as exc:  # refused: bad data, or a bug in a registered writer
                self._counts["failures"] += 1
                if self._policy.split and len(items) > 1:
                    mid = len(items) // 2
                    await self._write(items[:mid])
                    await self._write(items[mid:])
                    return None
                return self._give_up(items, exc)
            return self._committed(items, result, time.perf_counter() - started)

    def _committed(self, items: list[Any], result: WriteResult, latency: float) -> None:
        c = self._counts
        c["items_written"] += len(items)
        c["rows_written"] += result.rows
        c["batches"] += 1
        c["last_batch_size"] = len(items)
        self._last_latency = latency
        if self._on_commit is not None:
            done = CommittedBatch(items=tuple(items), result=result, latency=latency,
                                  committed_at=self._clock.now())
            try:
                self._on_commit(done)
            except Exception:
                log.exception("on_commit callback failed (the batch is committed)")

    def _give_up(self, items: Sequence[Any], exc: BaseException) -> None:
        self._counts["dropped"] += len(items)
        try:
            self._on_give_up(items, exc)
        except Exception:
            log.exception("on_give_up callback failed for %d item(s)", len(items))
