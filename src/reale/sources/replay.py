"""Replay of JSON Lines files in any supported wire format (Jetstream, Mastodon Status, X API v2),
sniffed per line. Bad lines are skipped and counted in :class:`ReplayStats`.

:class:`ReplaySource` is the async form the runner uses: it paces events by their recorded times
× ``speed`` (``0``: flat out) with an injected clock and sleep, and its cursor is the line number.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from reale.clock import Clock, SystemClock
from reale.errors import DecodeError, SourceError
from reale.events import Deletion, Interaction, Post
from reale.sources import xstream
from reale.sources.base import CursorStore, MemoryCursorStore, Sleep, SourceItem
from reale.sources.jetstream import JetstreamParser
from reale.sources.mastodon import MastodonParser

log = logging.getLogger("reale.sources")

MAX_LINE_BYTES = 1 << 20
Event = Post | Interaction | Deletion


# A compressed file read as lines is noise: named by its magic number, it is refused up front.
COMPRESSED = ((b"\x28\xb5\x2f\xfd", "zstd"), (b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"),
              (b"\xfd7zXZ\x00", "xz"))


def check_json_lines(path: str | Path) -> None:
    """Raise :class:`SourceError` when ``path`` starts like a compressed file, not JSON Lines."""
    with Path(path).open("rb") as f:
        head = f.read(8)
    for magic, kind in COMPRESSED:
        if head.startswith(magic):
            raise SourceError(
                f"{path} is {kind}-compressed, not JSON Lines: Reale replays JSON Lines "
                "(Jetstream, Mastodon, X); decompress it first (binary firehose frames, "
                "DAG-CBOR, are not a replay format)")


def sniff(line: bytes) -> str | None:
    """Which wire format one JSON line is in: ``jetstream``, ``x``, ``mastodon`` or ``None``."""
    head = line[:256]
    if b'"time_us"' in head or (b'"kind"' in head and b'"did"' in head):
        return "jetstream"
    if b'"data"' in head[:16] or b'"matching_rules"' in line or b'"author_id"' in head:
        return "x"
    if (b'"account"' in line and b'"uri"' in line) or (b'"payload"' in head and b'"event"' in head):
        return "mastodon"
    return None


@dataclass
class ReplayStats:
    lines: int = 0
    events: int = 0
    bad: int = 0
    blank: int = 0
    unknown: int = 0
    too_long: int = 0
    formats: dict[str, int] = field(default_factory=dict)
    passed: int = 0  # the number of the last line read through its newline (a position, not a count)


class _Parsers:
    def __init__(self) -> None:
        jet, masto = JetstreamParser(), MastodonParser()
        self.by_format: dict[str, Callable[[bytes | str], Sequence[Event]]] = {
            "jetstream": jet.parse, "mastodon": masto.parse, "x": xstream.parse}


MAX_LOGGED_SKIPS = 10  # per file: a binary or foreign file must not flood the log


class _SkipLog:
    """Logs the first skipped lines of a file, then says the rest are only counted."""

    def __init__(self, path: str | Path, start: int = 0) -> None:
        self.path, self.start, self.logged = path, start, 0

    def warn(self, number: int, what: str) -> None:
        if number <= self.start:
            return  # logged by the run that delivered it
        self.logged += 1
        if self.logged <= MAX_LOGGED_SKIPS:
            log.warning("%s:%d: %s", self.path, number, what)
        if self.logged == MAX_LOGGED_SKIPS:
            log.warning("%s: further skipped lines are counted, not logged", self.path)


def iter_file_lines(path: str | Path, stats: ReplayStats | None = None,
                    max_line_bytes: int = MAX_LINE_BYTES,
                    start: int = 0) -> Iterator[tuple[int, list[Event]]]:
    """(line number, events) for every line after ``start`` that decoded to at least one event.

    Lines up to ``start`` are still decoded (parsers learn handles and URIs from them) but not
    yielded, counted or logged again: the run that read them did."""
    stats = stats if stats is not None else ReplayStats()
    before = ReplayStats()  # the counts of the lines up to ``start``, dropped
    parsers, skips = _Parsers(), _SkipLog(path, start)
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below, generator-safe)
    except OSError as exc:
        raise SourceError(f"cannot read replay file {path}: {exc.strerror}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            counts = stats if number > start else before
            counts.lines += 1
            events = _decode_line(line, number, skips, counts, parsers, max_line_bytes)
            if line.endswith(b"\n"):  # a last line without one may still be being written
                stats.passed = number
            if events:
                counts.events += len(events)
                if number > start:
                    yield number, events


def _decode_line(line: bytes, number: int, skips: _SkipLog, stats: ReplayStats,
                 parsers: _Parsers, max_line_bytes: int) -> list[Event]:
    if len(line) > max_line_bytes:
        stats.too_long += 1
        skips.warn(number, f"skipped a line of {len(line)} bytes")
        return []
    line = line.strip()
    if number == 1 and line.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark
        line = line[3:]
    if not line:
        stats.blank += 1
        return []
    fmt = sniff(line)
    if fmt is None:
        stats.unknown += 1
        skips.warn(number, "skipped a line in no known wire format")
        return []
    stats.formats[fmt] = stats.formats.get(fmt, 0) + 1
    try:
        return list(parsers.by_format[fmt](line))
    except DecodeError as exc:
        stats.bad += 1
        skips.warn(number, f"skipped: {exc}")
        return []


def iter_file_events(path: str | Path, stats: ReplayStats | None = None
                     ) -> Iterator[Post | Interaction]:
    """Every post and interaction in a JSONL file of any supported wire format (deletions are
    left out: :class:`ReplaySource` delivers them)."""
    for _, events in iter_file_lines(path, stats):
        for event in events:
            if not isinstance(event, Deletion):
                yield event


def iter_file_posts(path: str | Path, stats: ReplayStats | None = None) -> Iterator[Post]:
    """Only the posts of :func:`iter_file_events`."""
    for event in iter_file_events(path, stats):
        if isinstance(event, Post):
            yield event


def recorded_time(event: Event) -> float:
    """When the wire says the event happened (Jetstream's ``time_us`` when there is one)."""
    if event.network == "bluesky" and event.cursor and event.cursor.isdigit():
        return int(event.cursor) / 1e6
    return event.deleted_at if isinstance(event, Deletion) else event.created_at


class Pacer:
    """Sleeps so that events leave at their recorded spacing divided by ``speed``.

    Gaps longer than ``max_gap`` recorded seconds are shortened to ``max_gap``.
    """

    def __init__(self, speed: float, clock: Clock, sleep: Sleep,
                 max_gap: float | None = None) -> None:
        self.speed, self.clock, self.sleep, self.max_gap = speed, clock, sleep, max_gap
        self._origin: tuple[float, float] | None = None  # (recorded, monotonic)
        self._last = 0.0
        self._skipped = 0.0

    async def wait_for(self, recorded: float) -> None:
        if self.speed <= 0:
            return
        if self._origin is None:
            self._origin = (recorded, self.clock.monotonic())
            self._last = recorded
            return
        if self.max_gap is not None and recorded - self._last > self.max_gap:
            self._skipped += recorded - self._last - self.max_gap
        self._last = max(self._last, recorded)
        due = self._origin[1] + (recorded - self._origin[0] - self._skipped) / self.speed
        delay = due - self.clock.monotonic()
        if delay > 0:
            await self.sleep(delay)


class ReplaySource:
    """A file as a source: ``async for item in ReplaySource(path, speed=10)``; ends at EOF.

    ``ack``/``commit`` persist the last fully processed line, so a replay interrupted and
    restarted with the same ``cursor_store`` continues where it stopped. Once the file has been
    read to its end and every line with events acknowledged, the position moves past the lines
    skipped after the last of them too, so a rerun neither counts nor logs them again (a last line
    with no newline stays ahead of the position: it may still be being written).
    """

    network = "replay"

    def __init__(self, path: str | Path, *, source_id: str = "", speed: float = 0.0,
                 cursor_store: CursorStore | None = None, sleep: Sleep = asyncio.sleep,
                 clock: Clock | None = None, max_gap: float | None = None) -> None:
        self.path = Path(path)
        self.source_id = source_id or f"replay:{self.path.name}"
        self.cursor_store: CursorStore = cursor_store or MemoryCursorStore()
        self.clock: Clock = clock or SystemClock()
        self.pacer = Pacer(speed, self.clock, sleep, max_gap)
        self.stats = ReplayStats()
        self._acked: int | None = None
        self._committed: str | None = None
        self._start = 0
        self._last_yielded: int | None = None
        self._ended = False
        self._gen: AsyncGenerator[SourceItem, None] | None = None

    def __aiter__(self) -> AsyncIterator[SourceItem]:
        if self._gen is None:
            self._gen = self._run()
        return self._gen

    async def _run(self) -> AsyncGenerator[SourceItem, None]:
        start = self._start = int(self.cursor_store.get_cursor(self.source_id) or 0)
        if start:
            log.warning("%s: resuming after line %d, where an earlier replay into this store "
                        "stopped (replay into another store to start over)", self.path, start)
        for number, events in iter_file_lines(self.path, self.stats, start=start):
            self._last_yielded = number
            await self.pacer.wait_for(recorded_time(events[0]))
            if self.pacer.speed <= 0 and number % 1000 == 0:
                await asyncio.sleep(0)  # flat out, but let the other tasks run
            now = self.clock.now()
            for i, event in enumerate(events):
                yield SourceItem(event=_received(event, now), cursor=str(number),
                                 source_id=self.source_id, seq=number,
                                 last=i == len(events) - 1)
        _log_skipped(self.path, self.stats)
        if start and self._last_yielded is None:
            log.warning("%s: nothing after line %d: the whole file was already replayed into this "
                        "store (replay into another store to start over)", self.path, start)
        self._ended = True

    def ack(self, item: SourceItem) -> None:
        if item.last:
            self._acked = item.seq

    def position(self) -> int | None:
        """The line a restart should continue after (None: nothing processed yet)."""
        if self._ended and (self._last_yielded is None or self._acked == self._last_yielded):
            return max(self.stats.passed, self._acked or 0, self._start)  # trailing skips too
        return self._acked

    def commit(self) -> str | None:
        position = self.position()
        if position is None:
            return None
        cursor = str(position)
        if cursor != self._committed:
            self.cursor_store.set_cursor(self.source_id, cursor)
            self._committed = cursor
        return cursor

    async def aclose(self) -> None:
        self.commit()
        gen, self._gen = self._gen, None
        if gen is not None:
            with contextlib.suppress(RuntimeError):  # still iterated by an unstopped task
                await gen.aclose()  # closes the file


def _log_skipped(path: Path, stats: ReplayStats) -> None:
    """At the end of a file, how many of its lines were skipped and why (or nothing)."""
    parts = [f"{n} {why}" for n, why in ((stats.bad, "corrupt"),
                                         (stats.unknown, "in no known format"),
                                         (stats.too_long, "too long")) if n]
    if parts:
        skipped = stats.bad + stats.unknown + stats.too_long
        log.warning("%s: %d of %d lines skipped (%s)", path, skipped, stats.lines,
                    ", ".join(parts))


def _received(event: Event, now: float) -> Event:
    return msgspec.structs.replace(event, received_at=now)
