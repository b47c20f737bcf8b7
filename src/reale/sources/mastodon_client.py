"""Mastodon streaming client: Server-Sent Events from ``/api/v1/streaming/<stream>`` with a user
token (public, hashtag and user streams), the streaming host discovered from the instance.

Mastodon streams cannot replay, so on every reconnect (and on a restart from a committed cursor)
the client first backfills the matching REST timeline with ``min_id`` and then reads the stream,
dropping statuses it already delivered. See docs/sources.md for the limits of that recovery.
A line over ``max_line_bytes`` is dropped as it arrives, with its event, and counted
(``stats.extra["oversized"]``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import msgspec

from reale.errors import ConfigError, SourceError
from reale.sources.httpbase import HttpStreamClient
from reale.sources.lines import MAX_LINE_BYTES, bounded_lines
from reale.sources.mastodon import MastodonParser
from reale.sources.sse import SseDecoder
from reale.sources.text import id_number

_STREAMS = {  # stream name → (SSE path, REST timeline path, extra REST params)
    "public": ("public", "timelines/public", {}),
    "public:local": ("public/local", "timelines/public", {"local": "true"}),
    "public:remote": ("public/remote", "timelines/public", {"remote": "true"}),
    "user": ("user", "timelines/home", {}),
}
_UPDATES = frozenset(("update", "status.update"))
_DELETE = msgspec.json.Encoder()


def stream_paths(stream: str) -> tuple[str, str, dict[str, str]]:
    """SSE path, REST timeline path and params for ``public``, ``public:local``,
    ``public:remote``, ``user``, ``hashtag:TAG`` or ``hashtag:local:TAG``."""
    if stream in _STREAMS:
        return _STREAMS[stream]
    if stream.startswith("hashtag:"):
        rest = stream[len("hashtag:"):]
        local = rest.startswith("local:")
        tag = rest[len("local:"):] if local else rest
        tag = tag.lstrip("#")
        if tag:
            params = {"tag": tag}
            timeline = f"timelines/tag/{quote(tag, safe='')}"
            return ("hashtag/local" if local else "hashtag", timeline,
                    {**params, "local": "true"} if local else params)
    raise ConfigError(f"unknown Mastodon stream {stream!r}: use public, public:local, "
                      "public:remote, user, hashtag:TAG or hashtag:local:TAG")


def http_base(url: str) -> str:
    """A streaming URL as the instance announces it (``wss://…``) → its HTTP base."""
    url = url.rstrip("/")
    if url.startswith("wss://"):
        return "https://" + url[6:]
    if url.startswith("ws://"):
        return "http://" + url[5:]
    return url


class MastodonClient(HttpStreamClient):
    """``async for item in MastodonClient(base_url=..., token=..., stream="public")``."""

    network = "mastodon"
    keys_per_second = 1000  # ids carry milliseconds

    def __init__(self, source_id: str = "", *, base_url: str, token: str = "",
                 stream: str = "public", streaming_url: str = "", rewind: float = 60.0,
                 backfill_pages: int = 10, max_line_bytes: int = MAX_LINE_BYTES,
                 **kw: Any) -> None:
        self.key_span = int(rewind * 1000)
        self.parsing = MastodonParser(host=urlsplit(base_url).netloc)
        self.stream = stream
        self.paths = stream_paths(stream)
        super().__init__(source_id or f"mastodon:{stream}", token=token,
                         parser=self.parsing.parse, **kw)
        self.base_url = base_url.rstrip("/")
        self.streaming_url = http_base(streaming_url) if streaming_url else ""
        self.backfill_pages = backfill_pages
        self.sse = SseDecoder(max_line_bytes)
        self.max_line_bytes = max_line_bytes

    def _key(self, cursor: str) -> int:
        number = id_number(cursor)  # Mastodon ids: ms << 16 | seq
        return number >> 16 if number is not None else 0

    async def discover_streaming(self) -> str:
        """The instance's streaming base (``configuration.urls.streaming`` of /api/v2/instance,
        else ``urls.streaming_api`` of /api/v1/instance, else the instance itself)."""
        for path, keys in (("/api/v2/instance", ("configuration", "urls", "streaming")),
                           ("/api/v1/instance", ("urls", "streaming_api"))):
            try:
                response = await self.http.get(self.base_url + path)
            except httpx.TransportError:
                continue
            if response.status_code != 200:
                continue
            value: Any = response.json()
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, str) and value:
                return http_base(value)
        return self.base_url

    async def _session(self, resume_key: int | None) -> AsyncGenerator[bytes | str, None]:
        if not self.streaming_url:
            self.streaming_url = await self.discover_streaming()
        sse_path, _, params = self.paths
        sse_params = {k: v for k, v in params.items() if k == "tag"}
        url = f"{self.streaming_url}/api/v1/streaming/{sse_path}"
        headers = {**self.auth_headers(), "Accept": "text/event-stream"}
        async with self.http.stream("GET", url, params=sse_params, headers=headers) as response:
            self.check_status(response, f"GET {url}")
            self.sse.reset()  # an event cut by the last connection is not part of this one
            if resume_key is not None:
                async for status in self._backfill(resume_key):
                    yield status
            async for line in bounded_lines(response.aiter_bytes(), self.max_line_bytes):
                if line is None:  # too long to read: its event is dropped and counted
                    self.sse.drop_event()
                    continue
                event = self.sse.feed(line)
                if self.sse.oversized:
                    self.stats.extra["oversized"] = self.sse.oversized
                if event is None:
                    self.stats.keepalives = self.sse.heartbeats
                elif event.event in _UPDATES:
                    yield event.data
                elif event.event == "delete":  # data: the status id; parsed as the envelope
                    yield _DELETE.encode({"event": "delete", "payload": event.data})
                else:  # notification, filters_changed…: counted, not events
                    name = f"sse_{event.event}"
                    self.stats.extra[name] = self.stats.extra.get(name, 0) + 1

    async def _backfill(self, resume_key: int) -> AsyncGenerator[bytes, None]:
        """Statuses newer than ``resume_key`` from the REST timeline, oldest first."""
        _, timeline, params = self.paths
        min_id = str(resume_key << 16)
        for _ in range(self.backfill_pages):
            url = f"{self.base_url}/api/v1/{timeline}"
            response = await self.http.get(url, headers=self.auth_headers(),
                                           params={**params, "min_id": min_id, "limit": "40"})
            self.check_status(response, f"GET {url}")
            try:
                page = msgspec.json.decode(response.content, type=list[msgspec.Raw])
            except (msgspec.DecodeError, RecursionError) as exc:
                raise SourceError(f"GET {url}: not a JSON list of statuses",
                                  reason="bad_payload") from exc
            if not page:
                return
            ordered = sorted(page, key=_status_id)
            self.stats.extra["backfilled"] = self.stats.extra.get("backfilled", 0) + len(page)
            for raw in ordered:
                yield bytes(raw)
            min_id = str(max(_status_id(r) for r in ordered))


class _IdOnly(msgspec.Struct):
    id: str = "0"


_id_decoder = msgspec.json.Decoder(_IdOnly)


def _status_id(raw: msgspec.Raw) -> int:
    try:
        value = _id_decoder.decode(raw).id
    except (msgspec.DecodeError, RecursionError):
        return 0
    return id_number(value) or 0
