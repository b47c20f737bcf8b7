"""The live hub: the runner publishes mentions, opportunities and moments; every connected browser
gets them in batches a few times a second. Each client has a bounded queue: when a client cannot
keep up, the oldest events are dropped and counted (the page says so) instead of growing memory.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import msgspec

from reale.web.i18n import LANGS
from reale.web.payloads import in_languages, to_payload

_ENC = msgspec.json.Encoder()
FILTER_KEYS = ("brand", "kind", "lang", "sentiment")


class LiveEvent(msgspec.Struct, frozen=True):
    """One published event, encoded once and shared by every client: once per interface
    language (``data_in``) when its words depend on it (an opportunity's reasons), ``data`` as
    stored (the team's language) for a client that named none."""

    kind: str
    data: bytes
    brand: str
    lang: str
    sentiment: str
    kinds: frozenset[str]
    data_in: dict[str, bytes] = {}


def event_of(kind: str, payload: Any) -> LiveEvent:
    body = to_payload(kind, payload)
    kinds = {kind, str(body.get("kind") or ""), str(body.get("intent") or "")} - {""}
    data_in = {lang: _ENC.encode(to_payload(kind, payload, lang)) for lang in LANGS} \
        if in_languages(payload) else {}
    return LiveEvent(kind=kind, data=_ENC.encode(body), brand=str(body.get("brand") or ""),
                     lang=str(body.get("lang") or ""), sentiment=str(body.get("sentiment") or ""),
                     kinds=frozenset(kinds), data_in=data_in)


class Filters(msgspec.Struct, frozen=True, kw_only=True):
    """What one client wants to see (empty: everything)."""

    brand: str = ""
    kind: str = ""
    lang: str = ""
    sentiment: str = ""

    def accepts(self, ev: LiveEvent) -> bool:
        return ((not self.brand or ev.brand == self.brand)
                and (not self.kind or self.kind in ev.kinds)
                and (not self.lang or ev.lang == self.lang)
                and (not self.sentiment or ev.sentiment == self.sentiment))


class Subscription:
    """One client's bounded queue of events (oldest dropped and counted when full); ``lang`` is
    the reader's interface language ("" for the words as stored)."""

    def __init__(self, filters: Filters, size: int, lang: str = "") -> None:
        self.filters = filters
        self.lang = lang
        self._queue: deque[bytes] = deque()
        self._size = max(1, size)
        self._lock = threading.Lock()
        self.dropped = 0  # since the last take
        self.dropped_total = 0
        self.delivered = 0

    def offer(self, ev: LiveEvent) -> None:
        if not self.filters.accepts(ev):
            return
        with self._lock:
            if len(self._queue) >= self._size:
                self._queue.popleft()
                self.dropped += 1
                self.dropped_total += 1
            self._queue.append(ev.data_in.get(self.lang, ev.data) if ev.data_in else ev.data)

    def take(self, limit: int) -> tuple[list[bytes], int]:
        """Up to ``limit`` queued events (oldest first) and how many were dropped since the last
        take; the rest stays queued for the next batch."""
        with self._lock:
            n = min(limit, len(self._queue))
            out = [self._queue.popleft() for _ in range(n)]
            dropped, self.dropped = self.dropped, 0
        self.delivered += n
        return out, dropped

    def __len__(self) -> int:
        return len(self._queue)


class HubStats(msgspec.Struct, frozen=True, kw_only=True):
    published: int
    clients: int
    delivered: int
    dropped: int


class LiveHub:
    """Fan-out of live events to connected clients. ``publish`` is safe from any thread."""

    def __init__(self, *, queue_size: int = 2_000, max_batch: int = 500,
                 interval: float = 0.25, heartbeat: float = 15.0) -> None:
        self.queue_size = queue_size
        self.max_batch = max_batch
        self.interval = interval
        self.heartbeat = heartbeat
        self._subs: set[Subscription] = set()
        self._lock = threading.Lock()
        self._published = 0
        self._gone_delivered = 0
        self._gone_dropped = 0

    def publish(self, kind: str, payload: Any) -> None:
        """Send one event to every client whose filters accept it.

        ``kind`` is ``"mention"``, ``"opportunity"`` or ``"moment"``; ``payload`` a
        :class:`~reale.events.Mention`, :class:`~reale.desk.opportunity.Opportunity` /
        :class:`~reale.web.records.OpportunityRecord`, :class:`~reale.signals.MomentAlert`, or a
        dict of the same shape as the JSON twins (see docs/web.md)."""
        ev = event_of(kind, payload)
        with self._lock:
            self._published += 1
            subs = list(self._subs)
        for sub in subs:
            sub.offer(ev)

    def subscribe(self, filters: Filters | None = None, lang: str = "") -> Subscription:
        """A new client; ``lang``: its reader's interface language (see :class:`LiveEvent`)."""
        sub = Subscription(filters or Filters(), self.queue_size, lang)
        with self._lock:
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.discard(sub)
                self._gone_delivered += sub.delivered
                self._gone_dropped += sub.dropped_total

    @property
    def stats(self) -> HubStats:
        with self._lock:
            subs = list(self._subs)
            return HubStats(published=self._published, clients=len(subs),
                            delivered=self._gone_delivered + sum(s.delivered for s in subs),
                            dropped=self._gone_dropped + sum(s.dropped_total for s in subs))


def sse_frame(events: list[bytes], dropped: int) -> bytes:
    """One server-sent event carrying a batch: ``{"events": [...], "dropped": n}``."""
    return b"event: batch\ndata: {\"events\":[" + b",".join(events) + \
        b"],\"dropped\":" + str(dropped).encode() + b"}\n\n"


async def sse_stream(hub: LiveHub, sub: Subscription, sleep: Callable[[float], Awaitable[None]],
                     now: Callable[[], float]) -> AsyncIterator[bytes]:
    """Batches of events every ``hub.interval`` seconds, a comment line as heartbeat when quiet.
    The subscription is released when the client goes away."""
    try:
        yield b"retry: 2000\n: connected\n\n"
        quiet_since = now()
        while True:
            await sleep(hub.interval)
            events, dropped = sub.take(hub.max_batch)
            if events or dropped:
                quiet_since = now()
                yield sse_frame(events, dropped)
            elif now() - quiet_since >= hub.heartbeat:
                quiet_since = now()
                yield b": ping\n\n"
    finally:
        hub.unsubscribe(sub)


__all__ = ["FILTER_KEYS", "Filters", "HubStats", "LiveEvent", "LiveHub", "Subscription",
           "event_of", "sse_frame", "sse_stream"]
