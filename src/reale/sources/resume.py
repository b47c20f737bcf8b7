"""Exactly-once delivery across reconnects and restarts for streams whose servers replay from a
position: a window of recently delivered (and recently acknowledged) event ids keyed by an
ordered position (Jetstream's ``time_us``, a snowflake's milliseconds).

On a reconnect the client asks the server to replay from :meth:`ResumeWindow.resume_key` (the
newest delivered position minus the window) and drops events whose id it already delivered. The
persisted cursor is ``"<key>"`` or ``"<key>~<hash><hash>…"``: the acknowledged position minus the
window plus short hashes of the acknowledged ids inside it, so a restarted process drops exactly
what it had already processed even when the server's order is not the position order.
"""

from __future__ import annotations

import hashlib
from collections import deque

from reale.errors import DecodeError

_HASH_HEX = 12  # 48-bit id hashes: a collision inside one window is vanishingly unlikely


def id_hash(event_id: str) -> str:
    return hashlib.blake2b(event_id.encode("utf-8", "surrogatepass"),
                           digest_size=_HASH_HEX // 2).hexdigest()


def parse_cursor(cursor: str) -> tuple[int, frozenset[str]]:
    """Split a persisted cursor into (key, id hashes); a plain integer cursor has no hashes."""
    key_text, _, hashes = cursor.partition("~")
    try:
        key = int(key_text)
    except ValueError as exc:
        raise DecodeError(f"cursor {cursor[:40]!r} does not start with an integer") from exc
    if len(hashes) % _HASH_HEX:
        raise DecodeError(f"cursor {cursor[:40]!r}: id hashes are not {_HASH_HEX} hex digits each")
    return key, frozenset(hashes[i:i + _HASH_HEX] for i in range(0, len(hashes), _HASH_HEX))


class _Window:
    """Ids with their keys, kept while key >= newest - span (and at most ``max_ids`` of them);
    the last ``min_ids`` stay whatever their keys, so a sparse stream still knows what it sent."""

    def __init__(self, span: int, max_ids: int, min_ids: int = 0) -> None:
        self.span = span
        self.max_ids = max_ids
        self.min_ids = min_ids
        self.order: deque[tuple[int, str]] = deque()
        self.ids: dict[str, int] = {}
        self.newest: int | None = None
        self.evicted: int | None = None  # largest key ever evicted (it cannot be replayed)

    def add(self, key: int, h: str) -> None:
        self.order.append((key, h))
        self.ids[h] = key
        self.newest = key if self.newest is None else max(self.newest, key)
        low = self.newest - self.span
        while self.order and ((self.order[0][0] < low and len(self.order) > self.min_ids)
                               or len(self.order) > self.max_ids):
            old_key, old = self.order.popleft()
            if self.ids.get(old) == old_key:
                del self.ids[old]
            if old_key >= low:  # evicted for room, not for age: never replay from below it
                self.evicted = old_key if self.evicted is None else max(self.evicted, old_key)

    def floor(self) -> int | None:
        if self.newest is None:
            return None
        low = self.newest - self.span
        return low if self.evicted is None else max(low, self.evicted + 1)


class ResumeWindow:
    """Delivered/acknowledged windows for one source (see the module docstring)."""

    def __init__(self, span: int, max_ids: int = 50_000, cursor: str | None = None,
                 keep_last: int = 1_000) -> None:
        self.delivered = _Window(span, max_ids, min(keep_last, max_ids))
        self.acked = _Window(span, max_ids)
        self._restart_key: int | None = None
        if cursor:
            key, hashes = parse_cursor(cursor)
            self._restart_key = key
            for h in hashes:
                self.delivered.ids[h] = key
                self.acked.add(key, h)
            self.acked.newest = key + self.acked.span  # so the floor stays at the cursor's key

    def is_duplicate(self, event_id: str) -> bool:
        return id_hash(event_id) in self.delivered.ids

    def deliver(self, key: int, event_id: str) -> str:
        """Record a delivery; returns the id hash to pass back to :meth:`ack`."""
        h = id_hash(event_id)
        self.delivered.add(key, h)
        return h

    def ack(self, key: int, h: str) -> None:
        self.acked.add(key, h)

    def resume_key(self) -> int | None:
        """Where a reconnect asks the server to replay from (``None``: start live)."""
        floor = self.delivered.floor()
        return floor if floor is not None else self._restart_key

    def cursor(self) -> str | None:
        """The cursor to persist for the acknowledged events (``None`` before any)."""
        floor = self.acked.floor()
        if floor is None:
            return None
        hashes = "".join(sorted({h for k, h in self.acked.order if k >= floor}))
        return f"{floor}~{hashes}" if hashes else str(floor)
