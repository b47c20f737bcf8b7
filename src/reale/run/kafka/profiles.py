"""Author profiles on Kafka, fetched as the embedded runner fetches them but once per deployment:
brand states ask (:class:`ProfileRouter`), each process's :class:`ProfileService` answers from the
shared store, and the one holding the lease fetches what is wanted (docs/scaling.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Protocol

import httpx

from reale.clock import Clock
from reale.errors import RealeError
from reale.run.kafka.profile_store import (
    Key,
    add_wants,
    count_wants,
    oldest_wants,
    profiles_since,
    read_profiles,
    save_profiles,
)
from reale.run.kafka.services import DispatchLease, Service
from reale.signals import profile_stats as st
from reale.signals.hub import Signals
from reale.signals.profile_cache import ProfileCache, ProfileCacheConfig, Sleep
from reale.signals.profile_clients import ProfileClient
from reale.signals.profiles import Profile
from reale.store import Store

log = logging.getLogger("reale.run.kafka")
LEASE = "kafka:profile-fetcher"


class ProfileExchange:
    """Thread-safe hand-over between the brand stage (asks, takes answers) and the service
    (takes asks, answers). Both sides are bounded: the oldest asks and answers go first."""

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._asks: OrderedDict[Key, None] = OrderedDict()
        self._answers: OrderedDict[Key, Profile] = OrderedDict()

    def ask(self, keys: Iterable[Key]) -> None:
        with self._lock:
            for key in keys:
                self._asks[key] = None
            while len(self._asks) > self.limit:
                self._asks.popitem(last=False)

    def take_asks(self) -> list[Key]:
        with self._lock:
            asks, self._asks = list(self._asks), OrderedDict()
        return asks

    def answer(self, profiles: Iterable[Profile]) -> None:
        with self._lock:
            for p in profiles:
                self._answers[(p.network, p.id)] = p
            while len(self._answers) > self.limit:
                self._answers.popitem(last=False)

    def take_answers(self) -> list[Profile]:
        with self._lock:
            answers, self._answers = list(self._answers.values()), OrderedDict()
        return answers


class HasSignals(Protocol):
    @property
    def signals(self) -> Signals: ...


class ProfileRouter:
    """The brand stage's side (its consumer thread): answers go to the partition states that
    asked, and what the states queued since goes out as asks. In-memory work only."""

    def __init__(self, exchange: ProfileExchange, remember: int = 200_000) -> None:
        self.exchange = exchange
        self.remember = remember
        self._askers: OrderedDict[Key, set[int]] = OrderedDict()
        self.delivered = 0

    def deliver(self, states: Mapping[int, HasSignals]) -> int:
        """Put each answer into the states that asked; their waiting mentions join the brand's
        audience at once (as ``Signals.refresh_profiles`` does). Returns the profiles put."""
        touched: set[int] = set()
        for p in self.exchange.take_answers():
            for part in self._askers.pop((p.network, p.id), ()):
                state = states.get(part)
                if state is not None:
                    state.signals.profiles.put(p)
                    touched.add(part)
                    self.delivered += 1
        for part in touched:
            states[part].signals.reach_signal.resolve()
        return len(touched)

    def collect(self, states: Mapping[int, HasSignals], parts: Iterable[int]) -> None:
        """Ask for what the states of ``parts`` queued (misses and stale profiles)."""
        asks: list[Key] = []
        for part in parts:
            state = states.get(part)
            for key in state.signals.profiles.take_pending() if state is not None else ():
                self._askers.setdefault(key, set()).add(part)
                self._askers.move_to_end(key)
                asks.append(key)
        while len(self._askers) > self.remember:
            self._askers.popitem(last=False)  # asked again when its reach still needs it
        if asks:
            self.exchange.ask(asks)


class ProfileFetcher:
    """One round at a time (:meth:`step`): answer this process's asks from the store and record
    the missing ones as wanted; then, while holding the lease, fetch the oldest wanted profiles
    as far as each network's bucket allows over the round and store them. ``cache.stats`` counts
    the asks this process recorded as wanted and the fetches it made; ``wanted`` is the
    deployment's queue (``profile_wants`` per network) as of the last round, ``holding`` whether
    it holds the lease, ``failed_rounds`` the rounds :meth:`round` saw fail as a whole."""

    def __init__(self, store: Store, clock: Clock, config: ProfileCacheConfig,
                 clients: Mapping[str, ProfileClient], exchange: ProfileExchange, *,
                 lease: DispatchLease | None = None, batch: int = 500, overlap: float = 10.0,
                 forget_after: float = 86_400.0, max_awaiting: int = 100_000,
                 sleep: Sleep | None = None) -> None:
        self.store = store
        self.clock = clock
        self.ttl = config.ttl
        self.cache = ProfileCache(config, clock, clients, sleep=sleep)
        self.exchange = exchange
        # a round may wait on slow networks (requests time out after 10 s): the lease outlives it
        self.lease = lease or DispatchLease(store, clock, ttl=config.lease_ttl, name=LEASE)
        self.batch = batch
        self.overlap = overlap  # seconds of fetch times read again (clocks of other machines)
        self.forget_after = forget_after
        self.max_awaiting = max_awaiting
        self._awaiting: OrderedDict[Key, float] = OrderedDict()  # asked, no fresh answer yet
        self._seen_until = clock.now() - overlap
        self.fetched = 0
        self.failed_rounds = 0
        self.holding = False
        self.wanted: dict[str, int] = {}

    def awaited(self) -> int:
        """Profiles asked for by this process's workers and not answered fresh yet."""
        return len(self._awaiting)

    def fresh(self, p: Profile | None, now: float) -> bool:
        return p is not None and now - p.fetched_at <= self.ttl

    async def round(self, within: float = 0.0) -> int | None:
        """:meth:`step`, a failure (a network down, the store away) logged and counted in
        ``failed_rounds`` instead of raised; None when it failed."""
        try:
            return await self.step(within)
        except Exception:
            self.failed_rounds += 1
            log.exception("profile round failed")
            return None

    async def step(self, within: float = 0.0) -> int:
        """Share, then fetch when holding the lease, pacing requests over the next ``within``
        seconds (the round); returns the profiles this round fetched."""
        self.share()
        self.holding = bool(self.cache.clients) and self.lease.acquire()
        fetched = await self.fetch(within) if self.holding else 0
        self.wanted = count_wants(self.store)
        return fetched

    def share(self) -> int:
        """Answer new asks with stored profiles (stale ones too, while their refresh waits) and
        awaited ones with profiles fetched since the last round; returns the answers given."""
        now = self.clock.now()
        new = [k for k in dict.fromkeys(self.exchange.take_asks()) if k not in self._awaiting]
        known = read_profiles(self.store, new)
        answers = list(known.values())
        for key in new:
            if not self.fresh(known.get(key), now):
                self._awaiting[key] = now
                if key[0] in self.cache.clients:
                    self.cache.stats.count(st.REQUESTED, key[0])
                    if key in known:
                        self.cache.stats.count(st.STALE, key[0])
        add_wants(self.store, [k for k in new if k in self._awaiting
                               and k[0] in self.cache.clients], now)
        for p in profiles_since(self.store, self._seen_until - self.overlap):
            self._seen_until = max(self._seen_until, p.fetched_at)
            if self._awaiting.pop((p.network, p.id), None) is not None:
                answers.append(p)
        self._forget(now)
        self.exchange.answer(answers)
        return len(answers)

    def _forget(self, now: float) -> None:
        """Awaited for longer than the ttl, or too many: dropped (a state asks again if its
        reach still needs the profile)."""
        while self._awaiting and (len(self._awaiting) > self.max_awaiting
                                  or next(iter(self._awaiting.values())) < now - self.ttl):
            self._awaiting.popitem(last=False)

    async def fetch(self, within: float = 0.0) -> int:
        now = self.clock.now()
        wants = oldest_wants(self.store, self.batch)
        if not wants:
            return 0
        stored = read_profiles(self.store, wants)
        done = [k for k in wants if self.fresh(stored.get(k), now)]  # fetched by a former holder
        todo = [k for k in wants if k not in set(done) and k[0] in self.cache.clients]
        for network, author in todo:
            if not self.fresh(self.cache.peek(network, author), now):
                self.cache.queue(network, author)  # counted as requested when it was wanted
        errors = self.cache.errors
        await self.cache.fetch_due(within)
        if self.cache.errors > errors:
            log.warning("profile fetch failed; backing off", extra={"fields": {
                "errors": self.cache.errors, "backoff": self.cache.config.error_backoff}})
        got: list[Profile] = []
        for network, author in todo:
            p = self.cache.peek(network, author)
            if p is not None and self.fresh(p, self.clock.now()):
                got.append(p)
        keep = self.cache.config.max_pending * len(self.cache.clients)
        save_profiles(self.store, got, done, forget_before=now - self.forget_after, keep=keep)
        self.fetched += len(got)
        return len(got)


class ProfileService(Service):
    """This process's :class:`ProfileFetcher` in a thread, a round every ``interval`` seconds
    (its requests paced over the round); a failing round (a network down, the store away) is
    logged and counted (``fetcher.failed_rounds``) and the next one tries again."""

    name = "profile-fetcher"

    def __init__(self, fetcher: ProfileFetcher, *, interval: float = 1.0,
                 http: httpx.AsyncClient | None = None) -> None:
        super().__init__()
        self.fetcher = fetcher
        self.interval = interval
        self.http = http  # closed when the service stops (the clients' connection pool)

    def run(self) -> None:
        asyncio.run(self._loop())

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while not self.stopping.is_set():
                started = loop.time()
                await self.fetcher.round(within=self.interval)
                rest = self.interval - (loop.time() - started)
                await asyncio.to_thread(self.stopping.wait, max(0.0, rest))
        finally:
            if self.http is not None:
                await self.http.aclose()
            with contextlib.suppress(RealeError):
                self.fetcher.lease.release()
