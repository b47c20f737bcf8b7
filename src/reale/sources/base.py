"""What every source client shares: the item it yields, the cursor store it persists to, its
counters, and the reconnect back-off.

Delivery contract (the runner's side): iterate the client, handle each :class:`SourceItem`, call
``client.ack(item)`` once the item is fully processed (acks in delivery order), and
``client.commit()`` whenever the processed items are durable (e.g. after the store writer's
flush). ``commit`` persists the cursor of the last acknowledged *message*, so a restart neither
loses nor repeats events. ``await client.aclose()`` commits and stops.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from reale.events import Deletion, Interaction, Post

Sleep = Callable[[float], Awaitable[None]]


class CursorStore(Protocol):
    """Where clients persist their position (the store implements it on SQLite/PostgreSQL)."""

    def get_cursor(self, source_id: str) -> str | None: ...

    def set_cursor(self, source_id: str, cursor: str) -> None: ...


class MemoryCursorStore:
    """A :class:`CursorStore` in a dict (tests, replays, and runs that need no restart)."""

    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self.cursors: dict[str, str] = dict(initial or {})
        self.writes = 0

    def get_cursor(self, source_id: str) -> str | None:
        return self.cursors.get(source_id)

    def set_cursor(self, source_id: str, cursor: str) -> None:
        self.cursors[source_id] = cursor
        self.writes += 1


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One event from a source, with where it came from.

    ``cursor`` is the network's own position of the message (Jetstream ``time_us``, status or
    tweet id); ``last`` is true for the last event decoded from one wire message (a reply post
    yields a Post and an Interaction: acking the Post alone does not advance the cursor).
    """

    event: Post | Interaction | Deletion
    cursor: str
    source_id: str
    seq: int  # delivery order of the wire message within this client
    last: bool = True
    key: int = 0  # ordered position used for de-duplication
    token: str = ""  # id hash, handed back on ack


@dataclass
class SourceStats:
    """Counters a client keeps (exposed for metrics and ``reale run`` summaries)."""

    messages: int = 0
    events: int = 0
    bad: int = 0
    ignored: int = 0
    duplicates: int = 0
    keepalives: int = 0
    connects: int = 0
    disconnects: int = 0
    commits: int = 0
    last_error: str = ""
    newest_at: float = 0.0  # the server time of the newest event delivered (epoch seconds)
    extra: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {k: getattr(self, k) for k in (
            "messages", "events", "bad", "ignored", "duplicates", "keepalives", "connects",
            "disconnects", "commits", "last_error")}
        out.update(self.extra)
        return out


class Backoff:
    """Exponential back-off with "equal jitter": ``uniform(c/2, c)``, ``c = min(cap, base*factor**n)``.

    ``reset()`` after a healthy connection. The random source is injected for determinism.
    """

    def __init__(self, base: float = 0.5, factor: float = 2.0, cap: float = 60.0,
                 rng: random.Random | None = None) -> None:
        self.base, self.factor, self.cap = base, factor, cap
        self.rng = rng or random.Random()
        self.attempt = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * self.factor ** self.attempt)
        self.attempt += 1
        return self.rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempt = 0


class Source(Protocol):
    """What the runner sees of any source (live client or replay)."""

    source_id: str

    def __aiter__(self) -> AsyncIterator[SourceItem]: ...

    def ack(self, item: SourceItem) -> None: ...

    def commit(self) -> str | None: ...

    async def aclose(self) -> None: ...
