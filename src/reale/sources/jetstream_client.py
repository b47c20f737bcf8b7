"""Bluesky Jetstream v1 client: ``/subscribe`` over WebSocket with ``wantedCollections``,
``wantedDids``, a microsecond ``cursor`` and optional zstd ``compress``.

On every (re)connect it asks to replay from the newest delivered ``time_us`` minus ``rewind``
seconds and drops what it already delivered, so a dropped connection loses nothing and repeats
nothing; a restart resumes from the committed cursor the same way.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any
from urllib.parse import urlencode

import websockets
from websockets.exceptions import InvalidStatus

from reale.errors import DecodeError
from reale.sources.jetstream import JetstreamParser
from reale.sources.stream import FatalSourceError, StreamClient
from reale.sources.zstd import Decompressor

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
DEFAULT_COLLECTIONS = ("app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.feed.like")


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

    def __init__(self, source_id: str = "jetstream", *, url: str = DEFAULT_URL,
                 collections: Sequence[str] = DEFAULT_COLLECTIONS, dids: Sequence[str] = (),
                 dictionary: bytes | None = None, rewind: float = 2.0,
                 open_timeout: float = 15.0, close_timeout: float = 1.0, **kw: Any) -> None:
        self.key_span = int(rewind * 1_000_000)
        self.parsing = JetstreamParser()
        super().__init__(source_id, parser=self.parsing.parse, **kw)
        self.url = url
        self.collections = tuple(collections)
        self.dids = tuple(dids)
        self.decompress = Decompressor(dictionary) if dictionary else None
        self.open_timeout = open_timeout
        self.close_timeout = close_timeout  # unread messages delay the closing handshake

    def _key(self, cursor: str) -> int:
        return int(cursor)

    def _describe_error(self, exc: BaseException) -> str:
        return f"{type(exc).__name__}: {str(exc)[:200]}"

    async def _session(self, resume_key: int | None) -> AsyncGenerator[bytes | str, None]:
        url = subscribe_url(self.url, self.collections, self.dids, resume_key,
                            compress=self.decompress is not None)
        try:
            ws = await websockets.connect(url, open_timeout=self.open_timeout, max_size=2**22,
                                          close_timeout=self.close_timeout, compression=None)
        except InvalidStatus as exc:
            status = exc.response.status_code
            if 400 <= status < 500 and status != 429:  # bad parameters: retrying cannot help
                raise FatalSourceError(f"{self.source_id}: Jetstream refused {self.url}: "
                                       f"HTTP {status}") from exc
            raise
        async with ws:
            async for message in ws:
                if isinstance(message, bytes) and self.decompress is not None:
                    try:
                        message = self.decompress(message)
                    except DecodeError:
                        self.stats.bad += 1
                        continue
                yield message
