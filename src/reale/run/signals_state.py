"""The embedded runner's signals state across restarts: restored from the store's snapshots when
``reale run`` starts, saved every ``SAVE_EVERY`` seconds and when it stops. The state is captured
on the event loop (where the signals change), and encoded and written on a thread."""

from __future__ import annotations

import asyncio
import logging

from reale.errors import StoreError
from reale.signals.hub import Signals
from reale.signals.snapshot import MemorySnapshots
from reale.store import Store

SAVE_EVERY = 30.0  # seconds between two saves while the runner runs

log = logging.getLogger("reale.run")


async def restore_signals(signals: Signals, store: Store) -> list[str]:
    """Restore every part with a snapshot (before the stream starts); a part whose snapshot
    cannot be read starts afresh, logged."""
    blobs = MemorySnapshots()
    names = ("signals.profiles", "signals.reach", "signals.cascades", "signals.momentum",
             "signals.moments")
    for name in names:
        blob = await asyncio.to_thread(store.get_snapshot, name)
        if blob is not None:
            blobs.put_snapshot(name, blob)
    try:
        restored = signals.load(blobs)
    except StoreError as exc:
        log.warning("signals start afresh: %s", exc)
        return []
    if restored:
        log.info("signals restored: %s", ", ".join(restored))
    return restored


async def save_signals(signals: Signals, store: Store) -> None:
    """Capture every part now, on the event loop (one instant: nothing changes the signals while
    it runs), then encode the blobs and write them on a thread while the stream goes on."""
    encode = signals.capture()

    def write() -> None:
        for name, blob in encode().items():
            store.put_snapshot(name, blob)

    await asyncio.to_thread(write)
