"""The bounded line reader the HTTP stream clients use: a line of any length costs at most the
bound in memory, and is reported once as skipped."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import AsyncIterator

from reale.sources.lines import bounded_lines


async def chunks(*parts: bytes, repeat_middle: int = 1) -> AsyncIterator[bytes]:
    first, middle, last = parts
    yield first
    for _ in range(repeat_middle):
        yield middle
    yield last


async def collect(source: AsyncIterator[bytes], max_line: int) -> list[str | None]:
    return [line async for line in bounded_lines(source, max_line)]


def test_lines_are_split_across_chunks_and_endings_removed() -> None:
    async def body() -> AsyncIterator[bytes]:
        for part in (b"data: h", b"\xc3\xa9llo\r\n\nevent: up", b"date\ndata: {}\n", b"tail"):
            yield part

    assert asyncio.run(collect(body(), 100)) == ["data: héllo", "", "event: update",
                                                 "data: {}"]


def test_a_100_mb_line_is_skipped_without_being_buffered() -> None:
    block = b"x" * 65_536  # one object sent 1,600 times: about 100 MB on the wire
    source = chunks(b"before\nhuge", block, b"\nafter\n", repeat_middle=1_600)
    tracemalloc.start()
    try:
        got = asyncio.run(collect(source, 1_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == ["before", None, "after"]
    assert peak < 4_000_000  # the bound and a chunk, not the line


def test_a_line_of_exactly_the_bound_is_kept() -> None:
    source = chunks(b"", b"y" * 10, b"\n" + b"z" * 11 + b"\n")
    assert asyncio.run(collect(source, 10)) == ["y" * 10, None]
