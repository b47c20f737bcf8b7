"""The author profile cache: profiles fetched lazily (asking queues a fetch), in the network's
batch size, under a token bucket per network (a round paces its requests over the round, so the
configured rate is reached whatever the burst), refreshed when older than ``ttl``. Bounded: the
least recently used profiles are forgotten first. A cache whose profiles are fetched elsewhere
(the Kafka runner's shared fetcher) queues every miss and hands the queue over with
:meth:`ProfileCache.take_pending`. What it did is counted in ``stats`` (for the metrics)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping

import msgspec

from reale.clock import Clock
from reale.errors import SourceError
from reale.events import Author
from reale.signals import profile_stats as st
from reale.signals import snapshot
from reale.signals.profile_clients import FetchResult, ProfileClient
from reale.signals.profile_stats import ProfileStats
from reale.signals.profiles import Profile
from reale.token_bucket import TokenBucket


class ProfileCacheConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    ttl: float = 24 * 3600.0  # a profile older than this is refreshed on the next ask
    max_entries: int = 100_000
    max_pending: int = 20_000
    requests_per_second: float = 1.0  # per network
    burst: float = 5.0  # requests back to back after a quiet spell (rounds pace the rest)
    error_backoff: float = 60.0  # seconds without requests after a failed one
    lease_ttl: float = 60.0  # Kafka runner: seconds before another process takes over fetching


_ROW = msgspec.msgpack.Encoder()  # a profile's row: the Profile struct, as its builtins encode
Sleep = Callable[[float], Awaitable[None]]


class ProfileCache:
    """``sleep`` waits for the next token within a round (``asyncio.sleep``; a test's advances
    its manual clock)."""

    def __init__(self, config: ProfileCacheConfig, clock: Clock,
                 clients: Mapping[str, ProfileClient] | None = None, *,
                 fetched_elsewhere: bool = False, sleep: Sleep | None = None) -> None:
        self.config = config
        self._sleep: Sleep = sleep or asyncio.sleep
        self.stats = ProfileStats()
        self.fetched_elsewhere = fetched_elsewhere
        self._clock = clock
        self.clients = dict(clients or {})
        self._entries: OrderedDict[tuple[str, str], Profile] = OrderedDict()
        # each profile's snapshot row, encoded when it last changed (see ``capture``)
        self._rows: dict[tuple[str, str], msgspec.Raw] = {}
        self._dirty: set[tuple[str, str]] = set()
        self._pending: dict[str, OrderedDict[str, None]] = {}
        self._buckets = {n: TokenBucket(config.requests_per_second, config.burst, clock)
                         for n in self.clients}
        self.errors = 0
        self.requests = 0

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, profile: Profile) -> None:
        key = (profile.network, profile.id)
        self._entries[key] = profile
        self._entries.move_to_end(key)
        self._dirty.add(key)
        while len(self._entries) > self.config.max_entries:
            old, _ = self._entries.popitem(last=False)
            self._rows.pop(old, None)
            self._dirty.discard(old)
        pending = self._pending.get(profile.network)
        if pending is not None:
            pending.pop(profile.id, None)

    def observe(self, network: str, author: Author) -> None:
        """Take the counts an event already carries (X and Mastodon posts do)."""
        if author.followers is None:
            return
        known = self._entries.get((network, author.id))
        if known is not None and known.fetched_at >= self._clock.now() - 60.0:
            return
        self.put(Profile(network=network, id=author.id, handle=author.handle,
                         followers=author.followers, following=author.following,
                         posts=author.posts, created_at=author.created_at,
                         fetched_at=self._clock.now()))

    def get(self, network: str, author_id: str) -> Profile | None:
        """The cached profile (possibly stale) or None; a miss or a stale entry queues a fetch."""
        key = (network, author_id)
        p = self._entries.get(key)
        if p is not None:
            self._entries.move_to_end(key)
            if self._clock.now() - p.fetched_at <= self.config.ttl:
                return p
        if self.queue(network, author_id):
            self.stats.count(st.REQUESTED, network)
            if p is not None:
                self.stats.count(st.STALE, network)
        return p

    def peek(self, network: str, author_id: str) -> Profile | None:
        """The cached profile (possibly stale) or None, queueing nothing."""
        return self._entries.get((network, author_id))

    def queue(self, network: str, author_id: str) -> bool:
        """Queue a fetch (uncounted: :meth:`get` counts its own); False if it was queued already
        or nobody fetches this network."""
        if network not in self.clients and not self.fetched_elsewhere:
            return False
        q = self._pending.setdefault(network, OrderedDict())
        new = author_id not in q
        q[author_id] = None
        while len(q) > self.config.max_pending:
            q.popitem(last=False)
        return new

    def pending(self, network: str) -> int:
        return len(self._pending.get(network, ()))

    def take_pending(self) -> list[tuple[str, str]]:
        """The queued (network, id) pairs, oldest first, and an empty queue (for a fetcher
        elsewhere; the fetched profiles come back through :meth:`put`)."""
        out = [(network, i) for network, q in self._pending.items() for i in q]
        self._pending.clear()
        return out

    async def fetch_due(self, within: float = 0.0) -> int:
        """Fetch queued profiles as far as each network's bucket allows over the next ``within``
        seconds (the runner's round: a token due before its end is waited for, so a round sends
        up to ``burst`` + ``requests_per_second`` × ``within`` requests, the networks side by
        side); returns profiles stored."""
        deadline = self._clock.monotonic() + within
        counts = await asyncio.gather(*(self._fetch_network(network, client, deadline)
                                        for network, client in self.clients.items()))
        return sum(counts)

    async def _take(self, bucket: TokenBucket, deadline: float) -> bool:
        """A token now, or once it comes before ``deadline`` (False: the round is over)."""
        while not bucket.try_take():
            now = self._clock.monotonic()
            wait = bucket.wait_time()
            if now + wait >= deadline:
                return False
            await self._sleep(max(wait, 0.001))
            if self._clock.monotonic() <= now:
                return False  # the clock did not move (a manual one nobody advances)
        return True

    async def _fetch_network(self, network: str, client: ProfileClient, deadline: float) -> int:
        q = self._pending.get(network)
        bucket = self._buckets[network]
        stored = 0
        while q:
            if not await self._take(bucket, deadline):
                self.stats.count(st.WAITS, network)
                break
            batch = list(q)[: client.batch_size]
            for i in batch:
                del q[i]
            now = self._clock.now()
            try:
                result = await client.fetch(batch, now)
            except SourceError as exc:
                self.errors += 1
                self.stats.count(st.REQUESTS, network)
                self.stats.count(st.FAILURES, network, exc.reason or "error")
                self._requeue(q, batch)
                bucket.block_for(self.config.error_backoff)
                break
            self.requests += result.requests
            self._count(network, result)
            for p in result.profiles:
                self.put(p)
                stored += 1
            for missing in result.missing:
                self.put(Profile(network=network, id=missing, fetched_at=now, found=False))
            if result.retry_after is not None:
                done = {p.id for p in result.profiles} | set(result.missing)
                self._requeue(q, [i for i in batch if i not in done])
                bucket.block_for(result.retry_after)
                break
        return stored

    def _count(self, network: str, result: FetchResult) -> None:
        self.stats.count(st.REQUESTS, network, n=result.requests)
        self.stats.count(st.FETCHED, network, n=len(result.profiles))
        self.stats.count(st.NOT_FOUND, network, n=len(result.missing))
        if result.retry_after is not None:
            self.stats.count(st.FAILURES, network, "rate_limited")

    @staticmethod
    def _requeue(q: OrderedDict[str, None], ids: list[str]) -> None:
        for i in reversed(ids):
            q[i] = None
            q.move_to_end(i, last=False)

    def capture(self) -> list[msgspec.Raw]:
        """The cache as at this instant (least recently used first), sharing nothing that
        changes later: each profile's row encoded, only those put since the last capture
        encoded now (a profile is frozen: a new one replaces it)."""
        for key in self._dirty:
            if (p := self._entries.get(key)) is not None:
                self._rows[key] = msgspec.Raw(_ROW.encode(p))
        self._dirty.clear()
        return [self._rows[key] for key in self._entries]

    def snapshot(self) -> bytes:
        return snapshot.pack("profiles", self.capture())

    def restore(self, blob: bytes) -> None:
        self._entries.clear()
        self._rows.clear()
        self._dirty.clear()
        for raw in snapshot.unpack("profiles", blob):
            p = msgspec.convert(raw, Profile)
            self._entries[(p.network, p.id)] = p
            self._dirty.add((p.network, p.id))
