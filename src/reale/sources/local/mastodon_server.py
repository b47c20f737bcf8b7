"""A Mastodon instance on 127.0.0.1 for the streaming client: ``/api/v2/instance`` (announces the
streaming URL), SSE streams (``public``, ``public/local``, ``hashtag``, ``user``) that send each
published status as an ``update`` event between ``:thump`` heartbeats, and the REST timelines
with ``min_id`` paging used to backfill after a reconnect.

Statuses are "published" one by one as a stream sends them; ``drop_after=N`` cuts the first
stream after N updates and ``publish_while_down`` more statuses are published while the client is
away (only the REST backfill can recover them, as on a real server). With ``cut_mid_event`` the
cut falls inside the N-th event: its ``data:`` line is sent, the blank line that ends it is not.
Once every status is sent, a stream sends a ``delete`` event for each id in ``deleted``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reale.sources.local.http import LocalServer, Request, Response


class _Status:
    __slots__ = ("id", "obj", "raw", "tags")

    def __init__(self, raw: bytes) -> None:
        self.obj: dict[str, Any] = json.loads(raw)
        self.raw = raw
        self.id = int(self.obj["id"])
        self.tags = {str(t["name"]).lower() for t in self.obj.get("tags", [])}


class MastodonServer(LocalServer):
    """``async with MastodonServer(status_lines, token="t") as server:`` → ``server.base_url``."""

    def __init__(self, lines: Sequence[bytes], *, token: str = "", drop_after: int | None = None,
                 publish_while_down: int = 0, heartbeat_every: int = 2,
                 cut_mid_event: bool = False, deleted: Sequence[str] = ()) -> None:
        self.statuses = sorted((_Status(x) for x in lines if x.strip()), key=lambda s: s.id)
        self.token = token
        self.drop_after = drop_after
        self.publish_while_down = publish_while_down
        self.heartbeat_every = heartbeat_every
        self.cut_mid_event = cut_mid_event
        self.deleted = list(deleted)  # status ids the authors delete after the last status
        self.published = 0  # statuses[:published] exist on the server
        self.requests: list[Request] = []
        super().__init__()
        self._dropped = False

    def _authorised(self, request: Request) -> bool:
        return not self.token or request.headers.get("authorization") == f"Bearer {self.token}"

    async def _handle(self, request: Request, response: Response) -> None:
        self.requests.append(request)
        path = request.path
        if path == "/api/v2/instance":
            streaming = self.base_url.replace("http://", "ws://")
            await response.send_json(200, {"configuration": {"urls": {"streaming": streaming}}})
        elif not self._authorised(request):
            await response.send_json(401, {"error": "The access token is invalid"})
        elif path.startswith("/api/v1/streaming/"):
            await self._stream(request, response, path[len("/api/v1/streaming/"):])
        elif path.startswith("/api/v1/timelines/"):
            await self._timeline(request, response, path[len("/api/v1/timelines/"):])
        else:
            await response.send_json(404, {"error": "Record not found"})

    def _matches(self, status: _Status, tag: str | None) -> bool:
        return tag is None or tag.lower() in status.tags

    async def _stream(self, request: Request, response: Response, stream: str) -> None:
        tag = request.query.get("tag", [None])[0] if stream.startswith("hashtag") else None
        await response.start_stream("text/event-stream")
        sent = 0
        while self.published < len(self.statuses):
            status = self.statuses[self.published]
            self.published += 1
            if not self._matches(status, tag):
                continue
            if sent % self.heartbeat_every == 0:
                await response.chunk(b":thump\n")
            sent += 1
            cut = self.drop_after is not None and sent == self.drop_after and not self._dropped
            end = b"\n" if cut and self.cut_mid_event else b"\n\n"
            await response.chunk(b"event: update\ndata: " + status.raw + end)
            if cut:
                self._dropped = True
                self.published = min(len(self.statuses), self.published + self.publish_while_down)
                if not self.cut_mid_event:
                    response.abort()  # (drops what is still buffered)
                return  # the connection is closed after what was sent, mid-body
        for status_id in self.deleted:
            await response.chunk(b"event: delete\ndata: " + status_id.encode() + b"\n\n")
        await response.chunk(b":thump\n")
        await _forever()

    async def _timeline(self, request: Request, response: Response, which: str) -> None:
        tag = which[len("tag/"):] if which.startswith("tag/") else None
        min_id = int(request.query.get("min_id", ["0"])[0])
        limit = min(int(request.query.get("limit", ["20"])[0]), 40)
        newer = [s for s in self.statuses[:self.published]
                 if s.id > min_id and self._matches(s, tag)][:limit]
        await response.send_json(200, [s.obj for s in reversed(newer)])  # newest first


async def _forever() -> None:
    import asyncio

    await asyncio.Event().wait()  # hold the stream open until the client leaves
