"""Snapshots: how a signal's state survives a restart.

Every state object offers ``snapshot() -> bytes`` and ``restore(blob)``. The store keeps the blobs
behind a two-method protocol (``put_snapshot`` / ``get_snapshot``); :class:`MemorySnapshots` is
the in-memory implementation used by tests and by a run without a store.
"""

from __future__ import annotations

from typing import Any, Protocol

import msgspec

from reale.errors import StoreError

FORMAT = 1  # bumped when a snapshot's layout changes; older blobs are refused, not misread


class SnapshotStore(Protocol):
    """Where snapshots live (the store implements this)."""

    def put_snapshot(self, name: str, blob: bytes) -> None: ...

    def get_snapshot(self, name: str) -> bytes | None: ...


class Snapshotable(Protocol):
    def snapshot(self) -> bytes: ...

    def restore(self, blob: bytes) -> None: ...


class MemorySnapshots:
    """A :class:`SnapshotStore` in a dict."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put_snapshot(self, name: str, blob: bytes) -> None:
        self.blobs[name] = bytes(blob)

    def get_snapshot(self, name: str) -> bytes | None:
        return self.blobs.get(name)


def pack(kind: str, state: Any) -> bytes:
    """Encode a state (builtins only) with its kind and format version."""
    return msgspec.msgpack.encode({"kind": kind, "format": FORMAT, "state": state})


def unpack(kind: str, blob: bytes) -> Any:
    """Decode a blob written by :func:`pack`; a wrong kind, format or corrupt blob is a StoreError."""
    try:
        doc = msgspec.msgpack.decode(blob)
    except (msgspec.DecodeError, TypeError) as exc:
        raise StoreError(f"snapshot for {kind} is corrupt: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("kind") != kind or doc.get("format") != FORMAT:
        got = doc.get("kind") if isinstance(doc, dict) else type(doc).__name__
        raise StoreError(f"snapshot is not a {kind} (format {FORMAT}); got {got!r}: rebuild it")
    return doc["state"]


def save(obj: Snapshotable, store: SnapshotStore, name: str) -> None:
    store.put_snapshot(name, obj.snapshot())


def load(obj: Snapshotable, store: SnapshotStore, name: str) -> bool:
    """Restore ``obj`` from ``store`` if a snapshot exists; returns whether one did."""
    blob = store.get_snapshot(name)
    if blob is None:
        return False
    obj.restore(blob)
    return True
