"""Lines of a streamed HTTP body with a bound on their length: a line longer than the bound is
dropped as it arrives (never buffered whole) and reported as ``None``, so a 100 MB line without
a newline costs at most the bound in memory. Used by the Mastodon SSE and X stream clients."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

MAX_LINE_BYTES = 4 * 2**20


async def bounded_lines(chunks: AsyncIterable[bytes],
                        max_line: int = MAX_LINE_BYTES) -> AsyncIterator[str | None]:
    """Each ``\\n``-ended line decoded as UTF-8 (bad bytes replaced, a trailing ``\\r``
    removed), or ``None`` once for a line over ``max_line`` bytes. A last line without its
    newline (the connection ended) is not a line."""
    buf = bytearray()
    dropping = False
    async for chunk in chunks:
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            if dropping or len(buf) + end - start > max_line:
                dropping = False
                buf.clear()
                yield None
            else:
                buf += chunk[start:end]
                line = buf.decode("utf-8", "replace")
                buf.clear()
                yield line[:-1] if line.endswith("\r") else line
            start = end + 1
        if not dropping:
            buf += chunk[start:]
            if len(buf) > max_line:
                buf.clear()
                dropping = True
