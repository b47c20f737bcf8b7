"""Helpers shared by the source client tests: an injected sleep and a consumer that acks."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from reale.events import Interaction, Post
from reale.sources.base import SourceItem


class NoWait:
    """An injected sleep: records the back-off delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


class Client(Protocol):
    def __aiter__(self) -> object: ...

    def ack(self, item: SourceItem) -> None: ...


async def take(client: object, n: int, ack: bool = True, timeout: float = 20,
               settle: float = 0.0) -> list[SourceItem]:
    """Consume ``n`` items (or a few more, to finish the last wire message) from a source
    client, acknowledging each one as a runner would.

    With ``settle`` it then keeps reading for that many seconds, so anything delivered beyond
    ``n`` (a duplicate) ends up in the result too and bad lines after the last event are read;
    the client's stream is closed by that cancellation.
    """
    got: list[SourceItem] = []

    async def consume(limit: int | None) -> None:
        async for item in client:  # type: ignore[attr-defined]
            got.append(item)
            if ack:
                client.ack(item)  # type: ignore[attr-defined]
            if limit is not None and len(got) >= limit and item.last:
                return  # stop at a wire message's boundary, as a runner's shutdown does

    await asyncio.wait_for(consume(n), timeout=timeout)
    if settle:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(consume(None), timeout=settle)
    return got


def event_key(event: Post | Interaction) -> tuple[str, str]:
    kind = event.kind if isinstance(event, Interaction) else "post"
    return kind, event.uri


def item_keys(items: list[SourceItem]) -> list[tuple[str, str]]:
    return sorted(event_key(i.event) for i in items)
