"""Keyed state that survives a rebalance: each partition's state is saved to the store together
with the offsets it has consumed, in the same transaction as the writes it produced.

On assignment a worker restores the partition's snapshot and seeks to its offsets, so the records
after it are replayed (writes are idempotent) and the state becomes exactly what it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import msgspec

from reale.store import Store, Tx


class PartitionSnapshot(msgspec.Struct, frozen=True):
    """A store item: one partition's state and the next offset of each topic-partition it covers."""

    name: str
    offsets: dict[str, int]  # "topic:partition" -> next offset to read
    state: bytes
    saved_at: float = 0.0


class NamedBlob(msgspec.Struct, frozen=True):
    """A store item: any other state saved beside a partition's snapshot, by name."""

    name: str
    blob: bytes
    saved_at: float = 0.0


T = TypeVar("T")
_enc = msgspec.msgpack.Encoder()
_dec = msgspec.msgpack.Decoder(PartitionSnapshot)


_UPSERT = ("INSERT INTO snapshots (name, blob, updated_at) VALUES (?, ?, ?)"
           " ON CONFLICT (name) DO UPDATE SET blob = excluded.blob, updated_at = excluded.updated_at")


def snapshot_name(group: str, stage: str, partition: int) -> str:
    return f"kafka:{group}:{stage}:{partition}"


def stories_name(group: str, brand: str) -> str:
    """Where the brand stage of ``group`` keeps ``brand``'s published stories (the merge stage of
    the ``moments`` role reads them: :mod:`reale.signals.brand_stories`)."""
    return f"kafka:{group}:stories:{brand}"


def tp_key(topic: str, partition: int) -> str:
    return f"{topic}:{partition}"


def write_snapshots(tx: Tx, items: Sequence[PartitionSnapshot]) -> int:
    """The registered store writer: last write wins, inside the batch's transaction."""
    latest = {s.name: s for s in items}
    for s in latest.values():
        tx.execute(_UPSERT, (s.name, _enc.encode(s), s.saved_at))
    return len(latest)


def write_blobs(tx: Tx, items: Sequence[NamedBlob]) -> int:
    """The registered store writer of :class:`NamedBlob` items (last write wins)."""
    latest = {s.name: s for s in items}
    for s in latest.values():
        tx.execute(_UPSERT, (s.name, s.blob, s.saved_at))
    return len(latest)


def register(store: Store) -> None:
    """Teach ``store`` to write :class:`PartitionSnapshot` and :class:`NamedBlob` items in a
    batch."""
    store.register_writer(PartitionSnapshot, write_snapshots)
    store.register_writer(NamedBlob, write_blobs)


def load_decoded(store: Store, name: str, decoder: msgspec.msgpack.Decoder[T]) -> T | None:
    """The stored snapshot ``name`` decoded, or None when there is none or it cannot be read."""
    blob = store.get_snapshot(name)
    if blob is None:
        return None
    try:
        return decoder.decode(blob)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def load_snapshot(store: Store, name: str) -> PartitionSnapshot | None:
    return load_decoded(store, name, _dec)  # an unreadable snapshot: start empty from the offsets
