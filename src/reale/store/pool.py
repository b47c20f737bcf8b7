"""A small pool of reader connections, so reads run beside the one writer without sharing it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

C = TypeVar("C")


class ConnectionPool(Generic[C]):
    """Hands out idle connections (opening new ones on demand) and keeps up to ``max_idle``."""

    def __init__(self, connect: Callable[[], C], close: Callable[[C], None],
                 healthy: Callable[[C], bool] = lambda c: True, max_idle: int = 4) -> None:
        self._connect = connect
        self._close = close
        self._healthy = healthy
        self._max_idle = max_idle
        self._idle: list[C] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextlib.contextmanager
    def connection(self) -> Iterator[C]:
        conn = self.acquire()
        try:
            yield conn
        finally:
            self.release(conn)

    def acquire(self) -> C:
        """An idle connection, or a new one; give it back with :meth:`release`."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        return self._connect() if conn is None else conn

    def release(self, conn: C) -> None:
        """Keep ``conn`` for the next caller, or close it (pool full, closed, or unhealthy)."""
        with self._lock:
            keep = not self._closed and len(self._idle) < self._max_idle and self._healthy(conn)
            if keep:
                self._idle.append(conn)
        if not keep:
            self._close(conn)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            self._close(conn)
