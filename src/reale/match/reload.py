"""Hot reload of watch-queries: watch the config file, recompile off the hot path, swap atomically.

A broken new config (bad TOML, a query that does not parse) keeps the previous matcher running and
is reported once through ``on_error`` and ``last_error``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from reale.clock import Clock
from reale.config import Config, parse_config
from reale.errors import ConfigError, RealeError
from reale.match.matcher import Matcher
from reale.match.reload_diff import describe_changes

log = logging.getLogger(__name__)


def _build(config: Config) -> Matcher:
    return Matcher.from_brands(config.brands)


class QueryReloader:
    """Holds the current ``(config, matcher)`` and replaces them when the file's content changes.

    The file is read and hashed at each check (config files are small, and a modification time
    alone misses two writes within the same second). ``poll()`` checks when ``interval`` seconds
    of the injected clock have passed; ``watch()`` runs the checks in a worker thread until stopped.
    """

    def __init__(self, path: str | Path, *, clock: Clock, interval: float = 2.0,
                 build: Callable[[Config], Matcher] = _build,
                 on_error: Callable[[RealeError], None] | None = None,
                 on_reload: Callable[[Config, Matcher], None] | None = None) -> None:
        self.path = Path(path)
        self._clock = clock
        self.interval = interval
        self._build = build
        self._on_error = on_error
        self._on_reload = on_reload
        self.last_error: RealeError | None = None
        self.reloads = 0
        self._digest = b""
        data = self._read()  # a broken config at start-up is the caller's error: it raises
        config = self._parse(data)
        self._state = (config, build(config))
        self._digest = _digest(data)
        self._next_check = clock.monotonic() + interval

    @property
    def matcher(self) -> Matcher:
        return self._state[1]

    @property
    def config(self) -> Config:
        return self._state[0]

    def poll(self) -> bool:
        """Check the file if ``interval`` has passed; True when a new matcher was swapped in."""
        now = self._clock.monotonic()
        if now < self._next_check:
            return False
        self._next_check = now + self.interval
        return self.check()

    def check(self) -> bool:
        """Check the file now; True when a new matcher was swapped in."""
        try:
            data = self._read()
        except ConfigError as exc:
            self._report(exc, b"<unreadable>")
            return False
        digest = _digest(data)
        if digest == self._digest:
            return False
        try:
            config = self._parse(data)
            matcher = self._build(config)
        except RealeError as exc:
            self._report(exc, digest)
            return False
        changes = describe_changes(self._state[0], config)
        self._state = (config, matcher)  # one assignment: readers see old or new, never a mix
        self._digest = digest
        self.last_error = None
        self.reloads += 1
        log.info("reloaded watch-queries from %s: %s (%r)", self.path, changes, matcher)
        if self._on_reload is not None:
            self._on_reload(config, matcher)
        return True

    async def watch(self, stop: asyncio.Event, *,
                    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        """Check every ``interval`` seconds until ``stop`` is set, compiling in a worker thread so
        the event loop never waits for a recompile."""
        while not stop.is_set():
            await asyncio.to_thread(self.poll)
            await sleep(self.interval)

    def _read(self) -> bytes:
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read config {self.path}: {exc.strerror}") from exc

    def _parse(self, data: bytes) -> Config:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{self.path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
        return parse_config(text, path=str(self.path))

    def _report(self, error: RealeError, digest: bytes) -> None:
        if digest == self._digest and self.last_error is not None:
            return  # the same broken content: reported already
        self._digest = digest
        self.last_error = error
        log.warning("keeping the previous watch-queries: %s", error)
        if self._on_error is not None:
            self._on_error(error)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()
