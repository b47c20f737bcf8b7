"""The store's upkeep on a timer, for a process that writes nothing (``reale serve`` on its own):
a writing store does it after each write (:meth:`Store.upkeep`), this thread does it every
``every`` seconds, so retention and the rollups' chores keep their pace with no runner beside it.
"""

from __future__ import annotations

import threading
from types import TracebackType

from reale.store.base import Store

EVERY = 60.0  # seconds between two rounds (retention erases at most a round a minute anyway)


class Upkeep:
    """Runs ``store.upkeep()`` every ``every`` seconds in a daemon thread, as a context manager
    (``with Upkeep(store): serve()``); :meth:`step` is one round, for the tests."""

    def __init__(self, store: Store, every: float = EVERY) -> None:
        self.store = store
        self.every = every
        self.rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reale-upkeep", daemon=True)

    def step(self) -> None:
        self.store.upkeep()
        self.rounds += 1

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.step()

    def __enter__(self) -> Upkeep:
        self._thread.start()
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


__all__ = ["EVERY", "Upkeep"]
