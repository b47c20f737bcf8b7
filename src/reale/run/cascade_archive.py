"""Cold cascades kept after the signals evict them: their final stats and last momentum reading,
one row per root post in the store's ``snapshots`` table (``cascade:<root>``), written off the
event loop (on Kafka, by the brand stage in its batch's transaction, and the conversation stage's
cascades under ``conversation-cascade:<root>``). Memory stays bounded; a finished cascade can
still be looked up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from reale.signals.cascades import CascadeStats
from reale.signals.momentum import MomentumReading
from reale.store import Store

PREFIX = "cascade:"
# On Kafka, the conversation stage's cascade of a root post (every reply, quote, repost and like,
# keyed by root) beside the brand stage's (the mention's, with its momentum): two writers, two
# names, so neither replaces the other's row
CONVERSATION_PREFIX = "conversation-cascade:"

Evicted = tuple[CascadeStats, MomentumReading | None]


class CascadeArchive:
    """Collects evicted cascades (``add``, the signals' ``on_evict``) until ``flush`` stores them;
    holds at most ``limit`` between two flushes (the oldest dropped first)."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self.pending: list[Evicted] = []
        self.dropped = 0

    def add(self, stats: CascadeStats, reading: MomentumReading | None) -> None:
        self.pending.append((stats, reading))
        if len(self.pending) > self.limit:
            del self.pending[0]
            self.dropped += 1

    def take(self) -> list[Evicted]:
        batch, self.pending = self.pending, []
        return batch


def encoded(stats: CascadeStats, reading: MomentumReading | None,
            prefix: str = PREFIX) -> tuple[str, bytes]:
    """The row of one evicted cascade: its name (``cascade:<root>``) and JSON blob."""
    doc = {"stats": msgspec.to_builtins(stats),
           "momentum": None if reading is None else msgspec.to_builtins(reading)}
    return prefix + stats.root, msgspec.json.encode(doc)


def store_evicted(store: Store, batch: Sequence[Evicted]) -> None:
    """Write each evicted cascade under ``cascade:<root>`` (a later eviction of the same root,
    after it came back, replaces the row)."""
    for stats, reading in batch:
        store.put_snapshot(*encoded(stats, reading))


def archived(store: Store, root: str, prefix: str = PREFIX) -> dict[str, Any] | None:
    """The stored final stats (``stats``) and momentum (``momentum``) of an evicted cascade
    (``prefix=CONVERSATION_PREFIX``: the Kafka conversation stage's, ``momentum`` None)."""
    blob = store.get_snapshot(prefix + root)
    return None if blob is None else dict(msgspec.json.decode(blob))
