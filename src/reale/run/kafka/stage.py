"""What a Kafka stage is to the worker loop: the topics it reads, what it does with a batch of
records (pure apart from its in-memory state), and how it restores keyed state on assignment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import msgspec


class Outbound(msgspec.Struct, frozen=True, array_like=True):
    """A record to publish after the batch is stored."""

    topic: str
    key: bytes
    value: bytes


class Output(msgspec.Struct):
    """What one batch produced: store items (one transaction), records to publish, and the
    arrival times of the mentions it stored (for the publish-to-stored latency)."""

    items: list[Any] = msgspec.field(default_factory=list)
    records: list[Outbound] = msgspec.field(default_factory=list)
    arrivals: list[float] = msgspec.field(default_factory=list)
    events_in: int = 0
    events_out: int = 0
    bad: int = 0
    deletions: int = 0  # deletions among the records read (the matcher's)


class Message(Protocol):
    """The part of ``confluent_kafka.Message`` a stage reads."""

    def topic(self) -> str | None: ...

    def partition(self) -> int | None: ...

    def offset(self) -> int | None: ...

    def key(self) -> bytes | None: ...

    def value(self) -> bytes | None: ...


class Partition(Protocol):
    """The part of ``confluent_kafka.TopicPartition`` a stage reads and may set (seek on assign)."""

    topic: str
    partition: int
    offset: int


class Stage(Protocol):
    name: str
    topics: tuple[str, ...]

    def assigned(self, partitions: Sequence[Partition]) -> None:
        """Restore keyed state for new partitions; may set ``offset`` to seek to its snapshot."""

    def revoked(self, partitions: Sequence[Partition]) -> None:
        """Forget the state of partitions that moved to another worker."""

    def process(self, messages: Sequence[Message], now: float) -> Output: ...

    def final_items(self) -> list[Any]:
        """Store items to write on a clean stop (the keyed state's last snapshots)."""
