"""The store follower of ``reale serve``: reads the mentions, opportunities and moments other
processes stored (Kafka workers, a runner beside it) and publishes them to the live hub, so a desk
that does not write still has a live feed; a mention row whose labels land later is sent again as
an update. Off where the process publishes its own events.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator, Sequence

import msgspec

from reale.clock import Clock, SystemClock
from reale.errors import StoreError
from reale.store import Store
from reale.web.follow_labels import LabelUpdates
from reale.web.follow_reads import FOLLOWED, Followed
from reale.web.hub import LiveHub
from reale.web.marks import Marks
from reale.web.settings import WebSettings

log = logging.getLogger("reale.web.follow")


class FollowStats(msgspec.Struct, frozen=True, kw_only=True):
    polls: int
    published: dict[str, int]
    updated: int  # mention rows sent again because their labels landed after them
    capped: int  # reads that hit follow_cap (older rows were skipped)
    errors: int
    last_error: str


class StoreFollower:
    """Polls the store and publishes what is new to ``hub``. Call :meth:`poll` (tests drive it
    directly) or :meth:`run` in a thread (:func:`following`).

    It starts from the newest row of each table: history is not replayed. A failed read (the
    store unreachable, a dropped connection) is logged and retried after a back-off on
    ``clock``; the store replaces broken connections, and nothing is lost while it is down."""

    def __init__(self, store: Store, hub: LiveHub, *, clock: Clock | None = None,
                 interval: float = 1.0, lookback: float = 30.0, cap: int = 1_000,
                 max_backoff: float = 30.0, tables: Sequence[Followed] = FOLLOWED,
                 remember: int = 50_000) -> None:
        self.store = store
        self.hub = hub
        self.clock: Clock = clock or SystemClock()
        self.interval = interval
        self.max_backoff = max_backoff
        self._tables = tuple(tables)
        self._marks = {t.kind: Marks(lookback=lookback, cap=cap) for t in self._tables}
        self._started: set[str] = set()  # tables whose start mark is taken
        self._published = {t.kind: 0 for t in self._tables}
        # mention rows sent before their labels: their labels are followed too (None: no
        # mentions followed); ``remember`` sent rows are kept for it, the newest
        self._labels = (LabelUpdates(lookback=lookback, cap=cap, remember=remember)
                        if any(t.kind == "mention" for t in self._tables) else None)
        self._updated = 0
        self._polls = self._errors = self._failing = 0
        self._retry_at = float("-inf")
        self._last_error = ""

    @classmethod
    def from_settings(cls, store: Store, hub: LiveHub, settings: WebSettings,
                      clock: Clock | None = None) -> StoreFollower:
        return cls(store, hub, clock=clock, interval=settings.follow_interval,
                   lookback=settings.follow_lookback, cap=settings.follow_cap)

    def poll(self) -> int:
        """Read each table once and publish its new rows (oldest first); returns how many.
        Never raises for a store failure: it is counted and the next poll backs off."""
        if self.clock.monotonic() < self._retry_at:
            return 0
        self._polls += 1
        sent = 0
        try:
            for table in self._tables:
                sent += self._poll_table(table)
            sent += self._poll_labels()
        except StoreError as exc:
            self._failed(exc)
            return sent
        if self._failing:
            log.info("the store is readable again; following resumes")
        self._failing = 0
        return sent

    def _poll_table(self, table: Followed) -> int:
        marks = self._marks[table.kind]
        rows = table.scan(self.store, marks.lower(), marks.cap)
        if table.kind not in self._started:
            marks.start(rows)
            self._started.add(table.kind)
            return 0
        fresh = marks.fresh(rows)
        found: list[tuple[object, object]] = []
        if fresh:
            order = {key: i for i, (key, _) in enumerate(fresh)}
            found = sorted(table.fetch(self.store, [k for k, _ in fresh]),
                           key=lambda kp: order[kp[0]])
            for key, payload in found:
                self.hub.publish(table.kind, payload)
                if table.kind == "mention" and self._labels is not None:
                    self._labels.sent(key, payload)
            self._published[table.kind] += len(found)
        marks.update(rows)  # only once published: a failed fetch is read again next time
        return len(found)

    def _poll_labels(self) -> int:
        """Send again, as updates, the mention rows whose labels changed since they were sent."""
        if self._labels is None:
            return 0
        updates = self._labels.poll(self.store)
        for _, payload in updates:
            self.hub.publish("mention", payload)
        self._updated += len(updates)
        return len(updates)

    def _failed(self, exc: StoreError) -> None:
        self._errors += 1
        self._failing += 1
        self._last_error = str(exc)
        backoff = min(self.max_backoff, max(self.interval, 0.1) * 2 ** (self._failing - 1))
        self._retry_at = self.clock.monotonic() + backoff
        if self._failing == 1:
            log.warning("the live feed cannot read the store; retrying",
                        extra={"fields": {"error": str(exc), "retry_in": backoff}})

    @property
    def stats(self) -> FollowStats:
        return FollowStats(polls=self._polls, published=dict(self._published),
                           updated=self._updated,
                           capped=sum(m.capped for m in self._marks.values())
                           + (self._labels.capped if self._labels is not None else 0),
                           errors=self._errors, last_error=self._last_error)

    def run(self, stop: threading.Event) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set (the body of the thread)."""
        while not stop.is_set():
            try:
                self.poll()
            except Exception:  # a bug must not end the live feed silently: log, go on
                log.exception("the store follower failed; it goes on")
            stop.wait(self.interval)


@contextlib.contextmanager
def following(follower: StoreFollower | None) -> Iterator[StoreFollower | None]:
    """Run ``follower`` in a daemon thread for the length of the block (None: nothing to run)."""
    if follower is None or follower.interval <= 0:
        yield None
        return
    stop = threading.Event()
    thread = threading.Thread(target=follower.run, args=(stop,), name="reale-follow",
                              daemon=True)
    thread.start()
    try:
        yield follower
    finally:
        stop.set()
        thread.join(timeout=10)


__all__ = ["FollowStats", "StoreFollower", "following"]
