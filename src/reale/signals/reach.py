"""Reach: an author's influencer tier (nano < 10k followers, micro < 100k, macro < 1M, mega) and
percentile among everyone who mentioned the brand in the last 30 days. Each brand's audience is a
bounded, expiring table (the least recently seen authors go first) with a sorted list of follower
counts for percentile look-ups."""

from __future__ import annotations

import bisect
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

import msgspec

from reale.clock import Clock
from reale.events import Mention
from reale.signals import snapshot
from reale.signals.profile_cache import ProfileCache
from reale.signals.windows import event_time

TIERS = ((10_000, "nano"), (100_000, "micro"), (1_000_000, "macro"))


def tier(followers: int | None) -> str:
    """The absolute reach tier of an account with ``followers`` followers.

    >>> [tier(n) for n in (None, 9_999, 10_000, 999_999, 1_000_000)]
    ['unknown', 'nano', 'micro', 'macro', 'mega']
    """
    if followers is None:
        return "unknown"
    for limit, name in TIERS:
        if followers < limit:
            return name
    return "mega"


class ReachConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    window: float = 30 * 86400.0
    max_authors_per_brand: int = 20_000
    max_brands: int = 1_000
    max_unresolved: int = 10_000  # mentions waiting for their author's profile


class ReachReading(msgspec.Struct, frozen=True, kw_only=True):
    followers: int | None
    tier: str
    percentile: float | None  # 0-100 among the brand's authors of the window; None if unknown
    audience: int  # distinct authors who mentioned the brand in the window


class BrandAudience:
    """Distinct authors who mentioned one brand, with their followers and when last seen.

    >>> a = BrandAudience(window=100.0, max_authors=10)
    >>> for i, n in enumerate([10, 20, 30, 40]): a.update(f"u{i}", n, t=float(i))
    >>> a.percentile(30, now=5.0)
    62.5
    >>> a.percentile(30, now=101.5)  # u0 and u1 have expired
    25.0
    """

    def __init__(self, window: float, max_authors: int) -> None:
        self.window = window
        self.max_authors = max_authors
        self._authors: OrderedDict[str, tuple[int, float]] = OrderedDict()
        # the same rows in the same order in a plain dict, which copies in one C call (tens of
        # µs for 10,000 authors; walking the OrderedDict costs ~0.8 ms): what a save captures
        self._rows: dict[str, tuple[int, float]] = {}
        self._sorted: list[int] = []

    def __len__(self) -> int:
        return len(self._authors)

    def update(self, author: str, followers: int, t: float) -> None:
        old = self._authors.pop(author, None)
        if old is not None:
            self._remove(old[0])
            del self._rows[author]
        self._authors[author] = self._rows[author] = (followers, t)
        bisect.insort(self._sorted, followers)
        while len(self._authors) > self.max_authors:
            gone, (n, _) = self._authors.popitem(last=False)
            del self._rows[gone]
            self._remove(n)

    def _remove(self, followers: int) -> None:
        i = bisect.bisect_left(self._sorted, followers)
        if i < len(self._sorted) and self._sorted[i] == followers:
            del self._sorted[i]

    def expire(self, now: float) -> None:
        cutoff = now - self.window
        while self._authors:
            author, (n, t) = next(iter(self._authors.items()))
            if t >= cutoff:
                break
            del self._authors[author]
            del self._rows[author]
            self._remove(n)

    def percentile(self, followers: int, now: float) -> float | None:
        """Share of the audience below ``followers`` (ties count half), in percent."""
        self.expire(now)
        if not self._sorted:
            return None
        lo = bisect.bisect_left(self._sorted, followers)
        hi = bisect.bisect_right(self._sorted, followers)
        return 100.0 * (lo + 0.5 * (hi - lo)) / len(self._sorted)

    def state(self) -> list[list[object]]:
        return rows_of(self._rows)

    def capture(self) -> dict[str, tuple[int, float]]:
        """The authors as at this instant, oldest first (a copy: :func:`rows_of` makes them the
        snapshot's rows later, on any thread; the values are tuples, never changed in place)."""
        return self._rows.copy()

    def load(self, state: list[list[object]]) -> None:
        self._authors.clear()
        self._sorted.clear()
        for a, n, t in state:
            self._authors[str(a)] = (int(n), float(t))  # type: ignore[call-overload, arg-type]
        self._rows = dict(self._authors)
        self._sorted = sorted(n for n, _ in self._authors.values())


def rows_of(authors: dict[str, tuple[int, float]]) -> list[list[object]]:
    """A brand's authors as snapshot rows: ``[author, followers, last seen]``."""
    return [[a, n, t] for a, (n, t) in authors.items()]


class ReachSignal:
    """Per brand audiences fed by mentions; profiles come from the event or the cache."""

    def __init__(self, config: ReachConfig, clock: Clock, profiles: ProfileCache) -> None:
        self.config = config
        self._clock = clock
        self.profiles = profiles
        self._brands: OrderedDict[str, BrandAudience] = OrderedDict()
        self._unresolved: deque[tuple[str, str, str, float]] = deque(maxlen=config.max_unresolved)

    def _audience(self, brand: str) -> BrandAudience:
        a = self._brands.get(brand)
        if a is None:
            a = self._brands[brand] = BrandAudience(self.config.window,
                                                    self.config.max_authors_per_brand)
            while len(self._brands) > self.config.max_brands:
                self._brands.popitem(last=False)
        self._brands.move_to_end(brand)
        return a

    def followers(self, network: str, author_id: str) -> int | None:
        p = self.profiles.get(network, author_id)
        return None if p is None else p.followers

    def update(self, mention: Mention) -> None:
        post = mention.post
        self.profiles.observe(post.network, post.author)
        t = event_time(post.created_at, self._clock.now())
        n = self.followers(post.network, post.author.id)
        if n is None:
            self._unresolved.append((mention.brand, post.network, post.author.id, t))
        else:
            self._audience(mention.brand).update(post.author.id, n, t)

    def resolve(self) -> int:
        """Add the waiting mentions whose authors' profiles have arrived; returns how many."""
        done = 0
        waiting: deque[tuple[str, str, str, float]] = deque(maxlen=self.config.max_unresolved)
        horizon = self._clock.now() - self.config.window
        for brand, network, author, t in self._unresolved:
            p = self.profiles.get(network, author)
            if p is not None and p.followers is not None:
                self._audience(brand).update(author, p.followers, t)
                done += 1
            elif t >= horizon and (p is None or p.found):
                waiting.append((brand, network, author, t))
        self._unresolved = waiting
        return done

    def get(self, brand: str, network: str, author_id: str) -> ReachReading:
        n = self.followers(network, author_id)
        a = self._brands.get(brand)
        now = self._clock.now()
        pct = a.percentile(n, now) if a is not None and n is not None else None
        return ReachReading(followers=n, tier=tier(n), percentile=pct,
                            audience=len(a) if a is not None else 0)

    def capture(self) -> Callable[[], dict[str, Any]]:
        """The audiences as at this instant, copied at once (each brand's authors in one dict
        copy, the waiting mentions as a tuple); the function returned builds the snapshot's
        state from the copies, on any thread while the stream goes on."""
        brands = {b: a.capture() for b, a in self._brands.items()}
        unresolved = tuple(self._unresolved)

        def state() -> dict[str, Any]:
            return {"brands": {b: rows_of(authors) for b, authors in brands.items()},
                    "unresolved": [list(u) for u in unresolved]}

        return state

    def snapshot(self) -> bytes:
        return snapshot.pack("reach", self.capture()())

    def restore(self, blob: bytes) -> None:
        state = snapshot.unpack("reach", blob)
        self._brands.clear()
        for brand, rows in state["brands"].items():
            self._audience(brand).load(rows)
        self._unresolved = deque(((str(b), str(n), str(a), float(t))
                                  for b, n, a, t in state["unresolved"]),
                                 maxlen=self.config.max_unresolved)
