"""The signals stage as the runner sees it: one object fed with every Post, Interaction and
Mention, read by the desk (reach, cascade, momentum, moments), snapshotted to the store."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from reale.clock import Clock
from reale.events import Interaction, Mention, Post
from reale.signals.cascades import CascadeStats, CascadeTracker
from reale.signals.moment_scope import MomentAlert
from reale.signals.moments import GLOBAL, MomentDetector
from reale.signals.momentum import MomentumReading, MomentumTracker
from reale.signals.profile_cache import ProfileCache
from reale.signals.profile_clients import ProfileClient
from reale.signals.reach import ReachReading, ReachSignal
from reale.signals.safety import Labeller
from reale.signals.settings import SignalsConfig
from reale.signals.snapshot import SnapshotStore, load, pack
from reale.signals.windows import event_time

EvictHandler = Callable[[CascadeStats, MomentumReading | None], None]


class Signals:
    """Reach, cascades, momentum and moments behind one feed-and-read surface."""

    def __init__(self, config: SignalsConfig, clock: Clock, *,
                 profile_clients: Mapping[str, ProfileClient] | None = None,
                 labeller: Labeller | None = None, on_evict: EvictHandler | None = None,
                 profiles_fetched_elsewhere: bool = False) -> None:
        self.config = config
        self.clock = clock
        self.on_evict = on_evict
        self.profiles = ProfileCache(config.profiles, clock, profile_clients,
                                     fetched_elsewhere=profiles_fetched_elsewhere)
        self.reach_signal = ReachSignal(config.reach, clock, self.profiles)
        self.cascades = CascadeTracker(config.cascades, clock, on_evict=self._evicted)
        self.momentum_tracker = MomentumTracker(config.momentum, clock)
        self.moments_detector = MomentDetector(config.moments, clock, labeller, config.safety)

    # -- feeding ---------------------------------------------------------------------------
    def on_post(self, post: Post) -> list[MomentAlert]:
        """Every post the runner sees: whole-stream moments, and replies/quotes of tracked posts."""
        joined = self.cascades.update(post)
        if joined is not None and joined.reshare:
            self._reshare(joined.root, joined.at, post.network, post.author.id, joined.followers)
        return self.moments_detector.update(post, (GLOBAL,))

    def on_interaction(self, event: Interaction) -> None:
        """Every reply, quote, repost or like: linked to the tracked post it descends from."""
        joined = self.cascades.update(event)
        if joined is not None and joined.reshare:
            self._reshare(joined.root, joined.at, event.network, event.author.id, joined.followers)

    def on_mention(self, mention: Mention) -> list[MomentAlert]:
        """A post matched to a brand: tracked as a cascade, counted in the brand's audience and
        in the brand's moments."""
        self.track(mention.post)
        self.reach_signal.update(mention)
        return self.moments_detector.update(mention.post, (mention.brand,))

    def track(self, post: Post) -> None:
        """Follow ``post``'s cascade and momentum (mentions are tracked automatically)."""
        if self.cascades.track(post):
            n = self._followers(post.network, post.author.id, post.author.followers)
            self.momentum_tracker.track(post.uri, event_time(post.created_at, self.clock.now()), n)

    def _reshare(self, root: str, at: float, network: str, author: str, known: int | None) -> None:
        self.momentum_tracker.update(root, at, self._followers(network, author, known))

    def _followers(self, network: str, author: str, known: int | None) -> int:
        if known is not None:
            return known
        p = self.profiles.get(network, author)
        if p is not None and p.followers is not None:
            return p.followers
        return self.config.default_followers

    def tick(self) -> list[CascadeStats]:
        """Periodic upkeep: evict cold cascades (returned), place mentions whose authors'
        profiles arrived."""
        self.reach_signal.resolve()
        return self.cascades.evict_cold()

    async def refresh_profiles(self, within: float = 0.0) -> int:
        """Fetch queued author profiles within the rate limits, pacing them over the next
        ``within`` seconds (see :meth:`ProfileCache.fetch_due`); returns how many arrived."""
        n = await self.profiles.fetch_due(within)
        if n:
            self.reach_signal.resolve()
        return n

    def _evicted(self, stats: CascadeStats) -> None:
        reading = self.momentum_tracker.get(stats.root)
        self.momentum_tracker.drop(stats.root)
        if self.on_evict is not None:
            self.on_evict(stats, reading)

    # -- reading ---------------------------------------------------------------------------
    def reach(self, brand: str, network: str, author_id: str) -> ReachReading:
        return self.reach_signal.get(brand, network, author_id)

    def cascade(self, uri: str) -> CascadeStats | None:
        return self.cascades.get(uri)

    def momentum(self, uri: str) -> MomentumReading | None:
        return self.momentum_tracker.get(uri)

    def moments(self, scope: str | None = None, since: float | None = None) -> list[MomentAlert]:
        """Recent alerts, newest first (``scope``: a brand, ``"*"``, or None for all)."""
        return self.moments_detector.alerts(scope, since)

    def joinable_moments(self, since: float | None = None) -> list[MomentAlert]:
        """Whole-stream moments with their safety read: the moments a brand could join."""
        return self.moments_detector.joinable(since)

    # -- persistence -----------------------------------------------------------------------
    def _parts(self) -> dict[str, ProfileCache | ReachSignal | CascadeTracker | MomentumTracker
                              | MomentDetector]:
        return {"signals.profiles": self.profiles, "signals.reach": self.reach_signal,
                "signals.cascades": self.cascades, "signals.momentum": self.momentum_tracker,
                "signals.moments": self.moments_detector}

    def save(self, store: SnapshotStore) -> None:
        for name, blob in self.capture()().items():
            store.put_snapshot(name, blob)

    def capture(self) -> Callable[[], dict[str, bytes]]:
        """Every part's snapshot as at this instant; the returned function encodes them and may
        run on another thread while the stream goes on. The cascades (most of the bytes), their
        interactors, momentum and the profiles keep each row encoded since it last changed
        (only rows changed since the last capture are encoded here); the reach copies each
        brand's authors (one dict copy) and the moments what their rows read, and their rows
        (for the moments, their co-occurring terms counted over the recent posts) are built by
        that function: a moment's row changes at every bucket (its baseline), so one kept
        encoded would seldom be reused."""
        later = {"signals.profiles": ("profiles", self.profiles.capture()),
                 "signals.cascades": ("cascades", self.cascades.capture()),
                 "signals.momentum": ("momentum", self.momentum_tracker.capture())}
        reach = self.reach_signal.capture()
        moments = self.moments_detector.capture()

        def encode() -> dict[str, bytes]:
            return {**{name: pack(kind, state) for name, (kind, state) in later.items()},
                    "signals.reach": pack("reach", reach()),
                    "signals.moments": pack("moments", moments())}

        return encode

    def load(self, store: SnapshotStore) -> list[str]:
        """Restore every part that has a snapshot; returns the names restored."""
        return [name for name, part in self._parts().items() if load(part, store, name)]
