"""The :class:`AlertDispatcher` the runner owns: ``submit`` routes an alert and writes its
deliveries to the outbox (fast, synchronous); ``run`` is the asyncio loop that sends what is due,
lane by lane, under each channel's rate limit, retrying with back-off and dead-lettering.

Drive it with ``await dispatcher.step()`` and a ManualClock in tests; ``run()`` in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Mapping
from typing import Any

import httpx
import msgspec

from reale.alerts.backoff import Backoff
from reale.alerts.config import AlertsConfig
from reale.alerts.db import Database
from reale.alerts.emit import AlertFactory
from reale.alerts.model import Alert
from reale.alerts.outbox import Delivery, Enqueued, Outbox
from reale.alerts.routing import route
from reale.alerts.rulestore import LiveRules
from reale.alerts.secrets import ChannelSecrets, guard_logs
from reale.alerts.senders import Outcome, Sender, make_senders
from reale.clock import Clock, SystemClock
from reale.publish.ratelimit import TokenBucket

log = logging.getLogger("reale.alerts")


class DispatchStats(msgspec.Struct, kw_only=True):
    """Counters since start (for metrics and the CLI)."""

    submitted: int = 0
    queued: int = 0
    duplicates: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    rate_limited: int = 0


class AlertDispatcher:
    """Routes, queues and delivers alerts. Call ``submit`` and ``step`` from the loop's thread."""

    def __init__(self, config: AlertsConfig, db: Database, *,
                 secrets: Mapping[str, ChannelSecrets] | None = None,
                 senders: Mapping[str, Sender] | None = None, clock: Clock | None = None,
                 rng: random.Random | None = None, client: httpx.AsyncClient | None = None,
                 concurrency: int = 16, rules: LiveRules | None = None) -> None:
        self.config = config
        self.live_rules = rules  # the desk's rule edits, re-read every few seconds by ``step``
        self.outbox = Outbox(db)
        self.clock: Clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.factory = AlertFactory(config.desk_url, self.rng)
        self.backoff = Backoff(config.backoff_base, config.backoff_max)
        self.stats = DispatchStats()
        guard_logs(v for c in (secrets or {}).values() for v in c.values())
        self._own_client = client is None and senders is None
        self._client = client or httpx.AsyncClient()
        self.senders: dict[str, Sender] = dict(senders) if senders is not None else make_senders(
            config.channels, secrets or {}, self._client, self.clock)
        self._buckets = {ch.name: TokenBucket(capacity=ch.rate()[1], per_hour=ch.rate()[0] * 60,
                                              clock=self.clock) for ch in config.channels}
        self._digest_sizes = {r.name: r.digest_max_items for r in config.rules}
        self._limit = asyncio.Semaphore(max(1, concurrency))
        self._wake: asyncio.Event | None = None

    def refresh_rules(self) -> bool:
        """Take up the rules edited in the desk (re-read at most every few seconds); True when
        the rules in force changed. Channels stay the config's."""
        if self.live_rules is None:
            return False
        config = self.live_rules.current()
        if config is self.config:
            return False
        self.config = config
        self._digest_sizes = {r.name: r.digest_max_items for r in config.rules}
        return True

    # -- submitting ---------------------------------------------------------------------------
    def submit(self, alert: Alert) -> list[Enqueued]:
        """Route the alert and write its deliveries (one transaction); wakes the loop."""
        now = self.clock.now()
        done = self.outbox.enqueue(alert, route(alert, self.config, now), now)
        self.stats.submitted += 1
        self.stats.queued += sum(1 for e in done if e.outcome != "duplicate")
        self.stats.duplicates += sum(1 for e in done if e.outcome == "duplicate")
        if self._wake is not None and any(e.outcome != "duplicate" for e in done):
            self._wake.set()
        return done

    def raise_opportunity_alert(self, opportunity: Any) -> list[Enqueued]:
        return self.submit(self.factory.opportunity(opportunity, self.clock.now()))

    def raise_moment_alert(self, moment: Any) -> list[Enqueued]:
        return self.submit(self.factory.moment(moment, self.clock.now()))

    def raise_backlash_alert(self, backlash: Any) -> list[Enqueued]:
        return self.submit(self.factory.backlash(backlash, self.clock.now()))

    def raise_sla_alert(self, sla: Any) -> list[Enqueued]:
        return self.submit(self.factory.sla(sla, self.clock.now()))

    def raise_source_alert(self, source: Any) -> list[Enqueued]:
        return self.submit(self.factory.source(source, self.clock.now()))

    # -- delivering ---------------------------------------------------------------------------
    async def step(self) -> float | None:
        """Release due digests, then deliver every due lane head (lanes in parallel, each lane
        strictly in order) until none is due. Returns when something next comes due."""
        self.refresh_rules()
        self.outbox.release_held(self.clock.now(), lambda r: self._digest_sizes.get(r, 5))
        waits: list[float] = []
        while True:
            batch = self._ready(self.outbox.due_heads(self.clock.now()), waits)
            if not batch:
                break
            results = await asyncio.gather(*(self._deliver(d) for d in batch))
            if not any(results):
                break
        # Heads still due now are waiting for their channel's rate limit (in ``waits``).
        due = self.outbox.next_due(after=self.clock.now())
        wake = [t for t in [*waits, due] if t is not None]
        return min(wake) if wake else None

    def _ready(self, heads: list[Delivery], waits: list[float]) -> list[Delivery]:
        ready = []
        for d in heads:
            if d.channel not in self.senders:
                self.outbox.mark_dead(d.id, f"channel {d.channel} is not configured any more",
                                      self.clock.now())
                self.stats.dead += 1
                continue
            wait = self._buckets[d.channel].take() if d.channel in self._buckets else 0.0
            if wait > 0:
                self.stats.rate_limited += 1
                # At least 1 ms: a float-rounding sliver would not move a clock at 1.7e9 s.
                waits.append(self.clock.now() + max(wait, 1e-3))
                continue
            ready.append(d)
        return ready

    async def _deliver(self, d: Delivery) -> bool:
        """Send one lane head; True when its lane moved on (sent or dead-lettered)."""
        async with self._limit:
            try:
                outcome = await self.senders[d.channel].send(d.message, d.delivery_id)
            except Exception as exc:  # a sender bug must not stop the other lanes
                log.exception("alert sender for channel %s failed", d.channel)
                outcome = Outcome(ok=False, retry=True, error=f"channel {d.channel}: "
                                  f"internal error {type(exc).__name__}")
        now = self.clock.now()
        if outcome.ok:
            self.outbox.mark_sent(d.id, now)
            self.stats.sent += 1
            return True
        return self._failed(d, outcome, now)

    def _failed(self, d: Delivery, outcome: Outcome, now: float) -> bool:
        channel = next((c for c in self.config.channels if c.name == d.channel), None)
        limit = self.config.attempts_for(channel) if channel else self.config.max_attempts
        if not outcome.retry or d.attempts + 1 >= limit:
            why = outcome.error if not outcome.retry else f"{outcome.error} (gave up after {limit} tries)"
            self.outbox.mark_dead(d.id, why, now)
            self.stats.dead += 1
            log.warning("alert delivery %s dead-lettered: %s", d.delivery_id, why)
            return True
        delay = self.backoff.delay(d.attempts + 1, self.rng)
        if outcome.retry_after:
            delay = max(delay, outcome.retry_after)
            self._buckets[d.channel].block_for(outcome.retry_after)
        self.outbox.mark_retry(d.id, outcome.error, now + delay)
        self.stats.retried += 1
        log.info("alert delivery %s failed (try %d), retrying in %.1f s: %s",
                 d.delivery_id, d.attempts + 1, delay, outcome.error)
        return False

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until ``stop`` is set: wake on each submit, or when the next item is due, or
        every ``poll_interval`` seconds (another process may have requeued something)."""
        self._wake = asyncio.Event()
        stop = stop or asyncio.Event()
        while not stop.is_set():
            self._wake.clear()
            try:
                wake = await self.step()
            except Exception:  # e.g. the store is briefly unavailable: try again shortly
                log.exception("alert dispatch step failed")
                wake = None
            delay = self.config.poll_interval if wake is None else \
                min(max(0.0, wake - self.clock.now()), self.config.poll_interval)
            await _first(self._wake, stop, delay)

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()


async def _first(a: asyncio.Event, b: asyncio.Event, timeout: float) -> None:
    """Wait until either event is set, or ``timeout`` seconds."""
    tasks = [asyncio.ensure_future(a.wait()), asyncio.ensure_future(b.wait())]
    try:
        await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t


__all__ = ["AlertDispatcher", "DispatchStats"]
