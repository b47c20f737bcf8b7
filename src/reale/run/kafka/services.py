"""What a Kafka role runs beside its consumers, each in a thread stopped with the workers:
the watch-query reloader of the matcher role (the embedded ``QueryReloader``: config file
watched, recompiled off the hot path, swapped atomically) and the alert delivery of the stages
role (the embedded ``AlertDispatcher``, one at a time across workers under a lease)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import Callable, Mapping

from reale.alerts import AlertDispatcher, AlertsConfig, ChannelSecrets
from reale.alerts.rulestore import LiveRules, RuleStore
from reale.clock import Clock
from reale.errors import RealeError
from reale.match import QueryReloader
from reale.store import Store

log = logging.getLogger("reale.run.kafka")
LEASE = "kafka:alerts-dispatcher"


class Service:
    """A loop in a daemon thread: ``start()``, then ``stop()`` waits for it to end."""

    name = "service"

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name=self.name, daemon=True)
        self._thread.start()

    def run(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(30)


class QueryWatcher(Service):
    """Checks the config file every ``reloader.interval`` seconds; the matcher stage reads
    ``reloader.matcher`` for each batch, so a batch runs wholly on the old or the new queries."""

    name = "query-reloader"

    def __init__(self, reloader: QueryReloader) -> None:
        super().__init__()
        self.reloader = reloader

    def run(self) -> None:
        while not self.stopping.wait(self.reloader.interval):
            self.reloader.check()  # a broken file is logged and the old queries stay


class DispatchLease:
    """One holder at a time over a shared store (the alert dispatcher; with another ``name``, the
    profile fetcher): a ``snapshots`` row whose blob names the holder, taken over when its holder
    has not renewed it for ``ttl`` seconds."""

    def __init__(self, store: Store, clock: Clock, ttl: float = 15.0, owner: str = "",
                 name: str = LEASE) -> None:
        self.store = store
        self.clock = clock
        self.ttl = ttl
        self.owner = (owner or uuid.uuid4().hex).encode()
        self.name = name

    def acquire(self) -> bool:
        """Take or renew the lease; True while this process holds it."""
        now = self.clock.now()
        with self.store.transaction() as tx:
            changed = tx.execute(
                "INSERT INTO snapshots (name, blob, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET blob = excluded.blob,"
                " updated_at = excluded.updated_at"
                " WHERE snapshots.blob = excluded.blob OR snapshots.updated_at < ?",
                (self.name, self.owner, now, now - self.ttl))
        return changed > 0

    def release(self) -> None:
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM snapshots WHERE name = ? AND blob = ?", (self.name, self.owner))


class AlertDelivery(Service):
    """Delivers the outbox (what the brand stage enqueued) through the configured channels,
    with the dispatcher's rate limits, retries and dead letters, while holding the lease."""

    name = "alert-delivery"

    def __init__(self, config: AlertsConfig, store: Store, clock: Clock, *,
                 secrets: Mapping[str, ChannelSecrets] | None = None,
                 lease: DispatchLease | None = None,
                 make: Callable[[], AlertDispatcher] | None = None) -> None:
        super().__init__()
        self.config = config
        self.lease = lease or DispatchLease(store, clock)
        self.interval = min(config.poll_interval, 1.0)
        self._make = make or (lambda: AlertDispatcher(
            config, store, secrets=secrets, clock=clock,
            rules=LiveRules(config, RuleStore(store))))  # digest sizes of desk-edited rules
        self.steps = 0

    def run(self) -> None:
        asyncio.run(self._loop())

    async def _loop(self) -> None:
        dispatcher = self._make()
        try:
            while not self.stopping.is_set():
                try:
                    if await asyncio.to_thread(self.lease.acquire):
                        await dispatcher.step()
                        self.steps += 1
                except Exception:  # e.g. the store briefly away: try again next round
                    log.exception("alert delivery step failed")
                await asyncio.to_thread(self.stopping.wait, self.interval)
        finally:
            await dispatcher.aclose()
            with contextlib.suppress(RealeError):
                self.lease.release()
