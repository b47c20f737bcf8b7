"""The reconnecting client loop shared by the live sources.

A subclass opens one connection in :meth:`StreamClient._session` and yields raw wire messages;
this class decodes them, drops duplicates (see :mod:`reale.sources.resume`), counts and logs bad
input with its source and cursor, reconnects with back-off and persists the cursor on commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing

import msgspec

from reale.clock import Clock, SystemClock
from reale.errors import DecodeError, SourceError
from reale.events import Deletion, Interaction, Post
from reale.sources.base import (
    Backoff,
    CursorStore,
    MemoryCursorStore,
    Sleep,
    SourceItem,
    SourceStats,
)
from reale.sources.resume import ResumeWindow

log = logging.getLogger("reale.sources")

Parser = Callable[[bytes | str], list[Post | Interaction | Deletion]]


class FatalSourceError(SourceError):
    """A failure that reconnecting cannot fix (bad credentials, forbidden, bad request)."""


class StreamClient:
    """Base of the live clients: ``async for item in client`` never ends on its own (it
    reconnects) unless ``max_reconnects`` is reached or a fatal error occurs."""

    network = "stream"
    key_span = 2_000_000  # width of the de-duplication window, in key units
    keys_per_second = 0  # keys are times in these units (0: they are not; use created_at)

    def __init__(self, source_id: str, *, cursor_store: CursorStore | None = None,
                 parser: Parser, sleep: Sleep = asyncio.sleep, clock: Clock | None = None,
                 backoff: Backoff | None = None, max_reconnects: int | None = None) -> None:
        self.source_id = source_id
        self.cursor_store: CursorStore = cursor_store or MemoryCursorStore()
        self.parser = parser
        self.sleep = sleep
        self.clock: Clock = clock or SystemClock()
        self.backoff = backoff or Backoff()
        self.max_reconnects = max_reconnects
        self.stats = SourceStats()
        stored = self.cursor_store.get_cursor(source_id)
        self.window = ResumeWindow(self.key_span, cursor=stored)
        self._seq = 0
        self._committed: str | None = stored  # what the logs name until the next commit
        self._closed = False
        self._gen: AsyncIterator[SourceItem] | None = None

    # --- to implement -------------------------------------------------------------------
    def _session(self, resume_key: int | None) -> AsyncGenerator[bytes | str, None]:
        """Open one connection (replaying from ``resume_key`` if the network can) and yield
        its raw messages; raise an exception when the connection fails or ends."""
        raise NotImplementedError

    def _key(self, cursor: str) -> int:
        """The ordered position of a message from its cursor."""
        raise NotImplementedError

    def _describe_error(self, exc: BaseException) -> str:
        return f"{type(exc).__name__}: {exc}"

    def _extra_delay(self, exc: BaseException) -> float:
        """Seconds to wait on top of the back-off (e.g. a rate limit's reset time)."""
        return 0.0

    def _retry_now(self, exc: BaseException) -> bool:
        """Reconnect at once, without back-off (the client itself chose to reconnect)."""
        return False

    # --- the loop -----------------------------------------------------------------------
    def __aiter__(self) -> AsyncIterator[SourceItem]:
        if self._gen is None:
            self._gen = self._run()
        return self._gen

    async def _run(self) -> AsyncIterator[SourceItem]:
        failures = 0
        while not self._closed:
            self.stats.connects += 1
            try:
                async with aclosing(self._session(self.window.resume_key())) as session:
                    async for raw in session:
                        self.backoff.reset()
                        for item in self._decode(raw):
                            yield item
                raise SourceError("the server ended the stream")
            except FatalSourceError:
                raise
            except (TimeoutError, OSError, EOFError, SourceError) as exc:
                await self._on_disconnect(exc, failures)
            except Exception as exc:  # network libraries' own errors (websockets, httpx)
                if not self._is_network_error(exc):
                    raise
                await self._on_disconnect(exc, failures)
            failures += 1

    def _is_network_error(self, exc: Exception) -> bool:
        mod = type(exc).__module__
        return mod.startswith(("websockets", "httpx", "httpcore", "h11"))

    async def _on_disconnect(self, exc: BaseException, failures: int) -> None:
        self.stats.disconnects += 1
        self.stats.last_error = self._describe_error(exc)
        if self.max_reconnects is not None and failures >= self.max_reconnects:
            raise SourceError(f"{self.source_id}: gave up after {failures + 1} connections: "
                              f"{self.stats.last_error}") from exc
        delay = 0.0 if self._retry_now(exc) else self.backoff.next_delay() + self._extra_delay(exc)
        log.warning("%s: disconnected (%s); reconnecting in %.1fs", self.source_id,
                    self.stats.last_error, delay)
        await self.sleep(delay)

    def _decode(self, raw: bytes | str) -> list[SourceItem]:
        self.stats.messages += 1
        try:
            events = self.parser(raw)
        except DecodeError as exc:
            self.stats.bad += 1
            log.warning("%s: skipped a bad message after cursor %s: %s", self.source_id,
                        self._committed, exc)
            return []
        if not events:
            self.stats.ignored += 1
            return []
        last = events[-1]
        cursor = last.cursor or ""
        message_id = (f"{last.kind}:{last.uri}" if isinstance(last, Interaction) else
                      f"delete:{last.uri}" if isinstance(last, Deletion) else last.uri)
        if self.window.is_duplicate(message_id):
            self.stats.duplicates += 1
            return []
        # A message without a position of its own (a Mastodon delete) sits at the newest one.
        key = self._key(cursor) if cursor else (self.window.delivered.newest or 0)
        token = self.window.deliver(key, message_id)
        at = (key / self.keys_per_second if key > 0 and self.keys_per_second else
              last.deleted_at if isinstance(last, Deletion) else last.created_at)
        self.stats.newest_at = max(self.stats.newest_at, at)
        self._seq += 1
        now = self.clock.now()
        self.stats.events += len(events)
        return [SourceItem(event=msgspec.structs.replace(e, received_at=now), cursor=cursor,
                           source_id=self.source_id, seq=self._seq, last=i == len(events) - 1,
                           key=key, token=token) for i, e in enumerate(events)]

    # --- acknowledgements ------------------------------------------------------------------
    def ack(self, item: SourceItem) -> None:
        """Mark ``item`` fully processed (call in delivery order)."""
        if item.last:
            self.window.ack(item.key, item.token)

    def commit(self) -> str | None:
        """Persist the cursor of the acknowledged messages; returns it (``None``: nothing yet)."""
        cursor = self.window.cursor()
        if cursor is not None and cursor != self._committed:
            self.cursor_store.set_cursor(self.source_id, cursor)
            self._committed = cursor
            self.stats.commits += 1
        return cursor

    async def aclose(self) -> None:
        """Commit and stop (the iterator ends at its next step)."""
        self._closed = True
        self.commit()
        gen, self._gen = self._gen, None
        aclose = getattr(gen, "aclose", None)
        if aclose is not None:
            try:
                await aclose()  # closes the open connection
            except RuntimeError:  # still being iterated by a task that was not stopped first
                log.warning("%s: closed while a task was still reading it", self.source_id)
