"""Bluesky Jetstream v1 client: ``/subscribe`` over WebSocket with ``wantedCollections``,
``wantedDids``, a microsecond ``cursor`` and optional zstd ``compress``.

On every (re)connect it asks to replay from the newest delivered ``time_us`` minus ``rewind``
seconds and drops what it already delivered, so a dropped connection loses nothing and repeats
nothing; a restart resumes from the committed cursor the same way. Oversized messages are
skipped and counted (``stats.extra["oversized"]``), never retried forever: see
:meth:`JetstreamClient._session` and docs/sources.md.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Sequence
from typing import Any
from urllib.parse import urlencode

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import CloseCode

from reale.errors import DecodeError
from reale.sources.jetstream import JetstreamParser
from reale.sources.stream import FatalSourceError, StreamClient
from reale.sources.zstd import Decompressor

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
DEFAULT_COLLECTIONS = ("app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.feed.like")
log = logging.getLogger("reale.sources")
MAX_POST_BYTES = 4 * 2**20  # a message longer than this is dropped when it arrives
MAX_MESSAGE_BYTES = 16 * 2**20  # the WebSocket limit: a longer one is skipped by its cursor


def subscribe_url(base: str, collections: Sequence[str] = DEFAULT_COLLECTIONS,
                  dids: Sequence[str] = (), cursor: int | None = None,
                  compress: bool = False) -> str:
    """The ``/subscribe`` URL with its query (Jetstream allows ≤ 100 collections, ≤ 10,000 DIDs)."""
    params: list[tuple[str, str]] = [("wantedCollections", c) for c in collections[:100]]
    params += [("wantedDids", d) for d in dids[:10_000]]
    if cursor is not None:
        params.append(("cursor", str(max(cursor, 0))))
    if compress:
        params.append(("compress", "true"))
    sep = "&" if "?" in base else "?"
    return base + (sep + urlencode(params) if params else "")


class JetstreamClient(StreamClient):
    """``async for item in JetstreamClient(...)`` yields :class:`SourceItem`s forever."""

    network = "bluesky"
    keys_per_second = 1_000_000  # time_us

    def __init__(self, source_id: str = "jetstream", *, url: str = DEFAULT_URL,
                 collections: Sequence[str] = DEFAULT_COLLECTIONS, dids: Sequence[str] = (),
                 dictionary: bytes | None = None, rewind: float = 2.0,
                 open_timeout: float = 15.0, close_timeout: float = 1.0,
                 max_post_bytes: int = MAX_POST_BYTES,
                 max_message_bytes: int = MAX_MESSAGE_BYTES, **kw: Any) -> None:
        self.key_span = int(rewind * 1_000_000)
        self.parsing = JetstreamParser()
        super().__init__(source_id, parser=self.parsing.parse, **kw)
        self.url = url
        self.collections = tuple(collections)
        self.dids = tuple(dids)
        self.decompress = Decompressor(dictionary) if dictionary else None
        self.open_timeout = open_timeout
        self.close_timeout = close_timeout  # unread messages delay the closing handshake
        self.max_post_bytes = min(max_post_bytes, max_message_bytes)
        self.max_message_bytes = max_message_bytes
        self.skip = OversizeSkip()

    def _key(self, cursor: str) -> int:
        return int(cursor)

    def _describe_error(self, exc: BaseException) -> str:
        return f"{type(exc).__name__}: {str(exc)[:200]}"

    def _retry_now(self, exc: BaseException) -> bool:
        return self.skip.active  # stepping over a message too big to receive: no back-off

    async def _session(self, resume_key: int | None) -> AsyncGenerator[bytes | str, None]:
        """One connection. A message over ``max_post_bytes`` is dropped on arrival; one over
        ``max_message_bytes`` closes the connection (WebSocket 1009) before its ``time_us`` can
        be read, so the next connections resume from just after the last message received,
        plus a step that doubles (1 µs, 2 µs, 4 µs…) until the server's first message is past
        the oversized one (see :class:`OversizeSkip`)."""
        skip_cursor = self.skip.cursor()
        cursor = skip_cursor if skip_cursor is not None else resume_key
        url = subscribe_url(self.url, self.collections, self.dids, cursor,
                            compress=self.decompress is not None)
        try:
            ws = await websockets.connect(url, open_timeout=self.open_timeout,
                                          max_size=self.max_message_bytes,
                                          close_timeout=self.close_timeout, compression=None)
        except InvalidStatus as exc:
            status = exc.response.status_code
            if 400 <= status < 500 and status != 429:  # bad parameters: retrying cannot help
                raise FatalSourceError(f"{self.source_id}: Jetstream refused {self.url}: "
                                       f"HTTP {status}") from exc
            raise
        newest_before = self.window.delivered.newest
        async with ws:
            try:
                async for message in ws:
                    if self.skip.active:  # the first message past the oversized one
                        self.skip.passed()
                        self.stats.extra["skipped_us"] = self.skip.skipped_us
                        self._count_oversized()
                    if len(message) > self.max_post_bytes:
                        self._count_oversized()
                        continue
                    if isinstance(message, bytes) and self.decompress is not None:
                        try:
                            message = self.decompress(message)
                        except DecodeError:
                            self.stats.bad += 1
                            continue
                        if len(message) > self.max_post_bytes:  # small on the wire only
                            self._count_oversized()
                            continue
                    yield message
            except ConnectionClosed as exc:
                if exc.sent is not None and exc.sent.code == CloseCode.MESSAGE_TOO_BIG:
                    progressed = self.window.delivered.newest != newest_before
                    self.skip.too_big(self.window.delivered.newest, cursor, progressed)
                raise

    def _count_oversized(self) -> None:
        self.stats.extra["oversized"] = self.stats.extra.get("oversized", 0) + 1
        log.warning("%s: skipped a message over the size limit after cursor %s",
                    self.source_id, self.window.delivered.newest)


class OversizeSkip:
    """Stepping over a message the WebSocket refused as too big, by Jetstream's cursor.

    Jetstream replays every event with ``time_us >= cursor``, in ``time_us`` order, so the
    oversized message sits after ``last``, the newest ``time_us`` received. Resuming from
    ``last + step`` with ``step`` = 1, 2, 4… µs reaches past it in about log2(gap) quick
    reconnects; events between the oversized one and ``last + step`` (less than the gap
    between ``last`` and the oversized one) are lost with it, and counted in ``skipped_us``.
    """

    def __init__(self) -> None:
        self.last: int | None = None
        self.step = 1
        self.active = False
        self.skipped_us = 0

    def too_big(self, newest: int | None, cursor: int | None, progressed: bool) -> None:
        """The connection was closed with 1009 after delivering up to ``newest``."""
        if self.active and not progressed:
            self.step *= 2  # still not past it
            return
        last = newest if progressed or cursor is None else max(newest or 0, cursor - 1)
        if last is None:  # a live start: reconnecting live leaves the message behind
            return
        self.last, self.step, self.active = last, 1, True

    def cursor(self) -> int | None:
        return self.last + self.step if self.active and self.last is not None else None

    def passed(self) -> None:
        """A message arrived on a stepped connection: the oversized one is behind."""
        self.active = False
        self.skipped_us += self.step
