"""A Jetstream v1 ``/subscribe`` server on 127.0.0.1 serving recorded events.

Without a cursor it sends the recording in its recorded (live) order; with ``cursor=T`` it
replays every event with ``time_us >= T`` in ``time_us`` order, as Jetstream does from its
database. ``wantedCollections`` (with ``prefix.*``) filters commits; ``compress=true`` sends
zstd frames made with the server's dictionary. ``drop_after=N`` aborts the first connection
after N messages, like a network failure; ``refuse=STATUS`` answers handshakes with that status.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import websockets
import zstandard
from websockets.asyncio.server import Server, ServerConnection
from websockets.http11 import Request, Response


class _Event:
    __slots__ = ("collection", "kind", "raw", "time_us")

    def __init__(self, raw: bytes) -> None:
        obj: dict[str, Any] = json.loads(raw)
        self.raw = raw
        self.time_us = int(obj["time_us"])
        self.kind = str(obj.get("kind", ""))
        self.collection = str((obj.get("commit") or {}).get("collection", ""))


def _wanted(collection: str, patterns: list[str]) -> bool:
    if not patterns:
        return True
    return any(collection == p or (p.endswith(".*") and collection.startswith(p[:-1]))
               for p in patterns)


class JetstreamServer:
    """``async with JetstreamServer(lines) as server:`` then connect to ``server.url``."""

    def __init__(self, lines: Sequence[bytes], *, drop_after: int | None = None,
                 dictionary: bytes | None = None, refuse: int | None = None) -> None:
        self.events = [_Event(line) for line in lines if line.strip()]
        self.drop_after = drop_after
        self.dictionary = dictionary
        self.refuse = refuse  # answer every handshake with this HTTP status instead
        self.requests: list[dict[str, list[str]]] = []
        self.sent = 0
        self._server: Server | None = None
        self._drops_left = 1 if drop_after is not None else 0

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}/subscribe"

    async def __aenter__(self) -> JetstreamServer:
        self._server = await websockets.serve(self._handle, "127.0.0.1", 0, compression=None,
                                              process_request=self._check)
        return self

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None,
                        tb: TracebackType | None) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def _check(self, ws: ServerConnection, request: Request) -> Response | None:
        if self.refuse is not None:
            return ws.respond(self.refuse, "refused by the test server\n")
        return None

    def _select(self, query: dict[str, list[str]]) -> list[_Event]:
        wanted = query.get("wantedCollections", [])
        events = [e for e in self.events if e.kind != "commit" or _wanted(e.collection, wanted)]
        if "cursor" in query:
            cursor = int(query["cursor"][0])
            events = sorted((e for e in events if e.time_us >= cursor), key=lambda e: e.time_us)
        return events

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        query = parse_qs(urlsplit(ws.request.path).query)
        self.requests.append(query)
        compressor = None
        if query.get("compress") == ["true"] and self.dictionary is not None:
            compressor = zstandard.ZstdCompressor(
                dict_data=zstandard.ZstdCompressionDict(self.dictionary))
        drop_at = self.drop_after if self._drops_left else None
        self._drops_left = 0
        for n, event in enumerate(self._select(query)):
            if drop_at is not None and n == drop_at:
                ws.transport.abort()  # no close frame: the client sees a dropped connection
                return
            await ws.send(compressor.compress(event.raw) if compressor else event.raw.decode())
            self.sent += 1
        await ws.wait_closed()
