"""The part of a stateful stage that owns keyed state: one state object per partition number,
restored from its snapshot when the partition is assigned, saved with the consumed offsets every
``snapshot_interval`` seconds in the same store transaction as the batch's writes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar

from reale.clock import Clock
from reale.errors import DecodeError
from reale.run.kafka.snapshots import PartitionSnapshot, load_snapshot, snapshot_name, tp_key
from reale.run.kafka.stage import Message, Output, Partition
from reale.store import Store

log = logging.getLogger("reale.run.kafka")

OFFSET_BEGINNING = -2  # librdkafka's logical offset: the oldest record the topic keeps


class PartitionState(Protocol):
    def snapshot(self) -> bytes: ...

    def restore(self, blob: bytes) -> None: ...

    def replay_from(self, tp: str, next_offset: int) -> int:
        """Where a new owner must start reading ``tp`` for this state to be rebuilt exactly."""


S = TypeVar("S", bound=PartitionState)


class KeyedStates(Generic[S]):
    """Partition number → state, for the topics a stage reads co-partitioned (same key, same
    partition count, range assignment: partition *i* of each lands on the same worker)."""

    def __init__(self, store: Store, group: str, stage: str, factory: Any, clock: Clock,
                 snapshot_interval: float = 5.0) -> None:
        self.store = store
        self.group = group
        self.stage = stage
        self.factory = factory
        self.clock = clock
        self.interval = snapshot_interval
        self.states: dict[int, S] = {}
        self.next_offsets: dict[int, dict[str, int]] = {}
        self._saved_at: dict[int, float] = {}
        self.restored = 0

    def state(self, partition: int) -> S:
        st = self.states.get(partition)
        if st is None:
            st = self.states[partition] = self.factory()
            self.next_offsets[partition] = {}
            self._saved_at[partition] = self.clock.monotonic()
        return st

    def assigned(self, partitions: Sequence[Partition]) -> None:
        """Restore each new partition's state and point its topics at the snapshot's offsets
        (the beginning when there is none, so the state is rebuilt from everything kept)."""
        for num in sorted({p.partition for p in partitions}):
            snap = load_snapshot(self.store, snapshot_name(self.group, self.stage, num))
            st = self.state(num)
            if snap is not None:
                st.restore(snap.state)
                self.next_offsets[num] = dict(snap.offsets)
                self.restored += 1
        for p in partitions:
            key = tp_key(p.topic, p.partition)
            p.offset = self.next_offsets[p.partition].get(key, OFFSET_BEGINNING)

    def revoked(self, partitions: Sequence[Partition]) -> None:
        for num in {p.partition for p in partitions}:
            self.states.pop(num, None)
            self.next_offsets.pop(num, None)
            self._saved_at.pop(num, None)

    def consumed(self, topic: str, partition: int, offset: int) -> None:
        self.next_offsets[partition][tp_key(topic, partition)] = offset + 1

    def due(self, touched: Sequence[int], force: bool = False) -> list[PartitionSnapshot]:
        """Snapshots of the touched partitions whose last one is older than the interval."""
        now = self.clock.monotonic()
        out: list[PartitionSnapshot] = []
        for num in touched:
            if force or now - self._saved_at.get(num, now) >= self.interval:
                st = self.states[num]
                offsets = {k: st.replay_from(k, o) for k, o in self.next_offsets[num].items()}
                out.append(PartitionSnapshot(snapshot_name(self.group, self.stage, num), offsets,
                                             st.snapshot(), self.clock.now()))
                self._saved_at[num] = now
        return out


class KeyedStage(Generic[S]):
    """What every stage with keyed state does on a rebalance and at the end: hand its topics'
    partitions to its :class:`KeyedStates`, and snapshot them all when stopping."""

    topics: tuple[str, ...]
    keyed: KeyedStates[S]

    def assigned(self, partitions: Sequence[Partition]) -> None:
        self.keyed.assigned([p for p in partitions if p.topic in self.topics])

    def revoked(self, partitions: Sequence[Partition]) -> None:
        self.keyed.revoked([p for p in partitions if p.topic in self.topics])

    def each(self, messages: Sequence[Message], out: Output) -> Iterator[tuple[int, S, Message]]:
        """This stage's messages with their partition and its state, each counted in
        ``out.events_in`` and its offset marked consumed (records of other topics skipped)."""
        for m in messages:
            topic, part, offset = m.topic() or "", m.partition() or 0, m.offset() or 0
            if topic not in self.topics:
                continue
            out.events_in += 1
            state = self.keyed.state(part)
            self.keyed.consumed(topic, part, offset)
            yield part, state, m

    def consume(self, messages: Sequence[Message], out: Output,
                read: Callable[[int, S, Message], object]) -> list[int]:
        """``read(partition, state, message)`` for each of this stage's messages (see
        :meth:`each`), a record that does not decode counted in ``out.bad``; returns the
        partitions the batch touched, in order (whose state to flush and snapshot)."""
        touched: set[int] = set()
        for part, state, m in self.each(messages, out):
            touched.add(part)
            try:
                read(part, state, m)
            except DecodeError:
                out.bad += 1
        return sorted(touched)

    def final_items(self) -> list[Any]:
        return list(self.keyed.due(sorted(self.keyed.states), force=True))
