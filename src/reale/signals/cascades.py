"""Cascades: replies, quotes and reposts linked to the tracked posts they descend from,
incrementally and in bounded memory, with who amplifies (close network or strangers who came
through a hashtag of the conversation). Cold cascades are evicted and handed to a callback.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import msgspec

from reale.clock import Clock
from reale.events import Interaction, Post
from reale.signals import snapshot
from reale.signals.hashtags import TagActivity, tag_key
from reale.signals.network import BoundedIndex
from reale.signals.windows import SlidingCounter, event_time


class CascadeConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    max_cascades: int = 10_000
    max_nodes: int = 5_000  # remembered URIs per cascade (for linking, depth and de-duplication)
    max_amplifiers: int = 5_000  # remembered amplifiers per cascade (counted exactly up to here)
    velocity_window: float = 300.0
    velocity_buckets: int = 30
    cold_after: float = 6 * 3600.0  # a cascade with no event for this long is evicted
    max_interactors: int = 500  # remembered past interactors per author
    max_authors: int = 50_000
    max_tags: int = 20_000
    max_tag_users: int = 1_000
    tag_memory: float = 24 * 3600.0  # a hashtag use this recent brings a stranger "via the hashtag"
    max_cascade_tags: int = 8  # hashtags a cascade learns (the root's, then its replies' and quotes')
    trend_users: float = 5.0  # a cascade hashtag this lively (decayed new users) is "trending" ...
    trend_half_life: float = 1800.0  # ... with new users counted at 0.5 ** (age / this)


class CascadeStats(msgspec.Struct, frozen=True, kw_only=True):
    root: str
    root_author: str
    created_at: float
    size: int  # replies + quotes + reposts (likes are counted apart)
    depth: int
    replies: int
    quotes: int
    reposts: int
    likes: int
    unique_amplifiers: int
    velocity_per_min: float
    close_network: int
    hashtag_strangers: int
    other_strangers: int
    close_share: float  # close network / classified amplifiers (0 when none yet)
    last_event_at: float
    hashtags: tuple[str, ...] = ()  # the cascade's hashtags (the root's, then those added), no "#"


class Joined(msgspec.Struct, frozen=True, kw_only=True):
    """What one event added to a cascade (the momentum signal feeds on the reshares)."""

    root: str
    kind: str
    author: str
    followers: int | None
    at: float
    reshare: bool  # a repost or a quote
    amplifier: str  # "close", "hashtag", "stranger", "self" or "" (already counted)


_ROW = msgspec.msgpack.Encoder()


class _Cascade:
    __slots__ = ("amplifiers", "counts", "created_at", "depth", "last", "nodes", "root_author",
                 "seen", "tags", "velocity")

    def __init__(self, author: str, created_at: float, tags: tuple[str, ...], cfg: CascadeConfig,
                 now: float) -> None:
        self.root_author = author
        self.created_at = created_at
        self.tags: dict[str, float] = {tag_key(t): created_at for t in tags}  # tag -> since
        self.nodes: dict[str, int] = {}  # uri -> depth
        self.seen: set[str] = set()
        self.amplifiers: dict[str, str] = {}  # author -> class
        self.counts = {"reply": 0, "quote": 0, "repost": 0, "like": 0, "close": 0, "hashtag": 0,
                       "stranger": 0, "depth": 0}
        self.velocity = SlidingCounter(cfg.velocity_window, cfg.velocity_buckets)
        self.last = now


def _link(event: Post | Interaction) -> tuple[str, list[str]]:
    """The event's kind and the URIs it may hang from, nearest first."""
    if isinstance(event, Interaction):
        return event.kind, [u for u in (event.subject, event.root) if u]
    if event.repost_of:
        return "repost", [event.repost_of]
    if event.quote_of:
        return "quote", [event.quote_of]
    return "reply", [u for u in (event.reply_parent, event.reply_root) if u]


class CascadeTracker:
    """Tracks cascades of the posts passed to :meth:`track`; feed it every event with :meth:`update`."""

    def __init__(self, config: CascadeConfig, clock: Clock,
                 on_evict: Callable[[CascadeStats], None] | None = None) -> None:
        self.config = config
        self._clock = clock
        self.on_evict = on_evict
        self._cascades: OrderedDict[str, _Cascade] = OrderedDict()
        self._node_root: dict[str, str] = {}
        # each cascade's snapshot row, encoded when it last changed (``capture`` re-encodes only
        # the ``_dirty`` ones: a busy stream touches a few of thousands between two saves)
        self._rows: dict[str, msgspec.Raw] = {}
        self._dirty: set[str] = set()
        self.interactors = BoundedIndex(config.max_authors, config.max_interactors)
        self.tag_users = TagActivity(config.max_tags, config.max_tag_users, config.trend_half_life)

    def __len__(self) -> int:
        return len(self._cascades)

    def __contains__(self, root: object) -> bool:
        return root in self._cascades

    def track(self, post: Post) -> bool:
        """Start tracking ``post`` as a cascade root; False if it is tracked already."""
        if post.uri in self._cascades:
            return False
        now = self._clock.now()
        c = _Cascade(post.author.id, event_time(post.created_at, now),
                     post.hashtags[: self.config.max_cascade_tags], self.config, now)
        c.nodes[post.uri] = 0
        self._cascades[post.uri] = c
        self._dirty.add(post.uri)
        self._node_root[post.uri] = post.uri
        while len(self._cascades) > self.config.max_cascades:
            self._evict(next(iter(self._cascades)))
        return True

    def _remember_interaction(self, event: Post | Interaction, parents: list[str]) -> None:
        """Any reply, quote, repost or like of an untracked post still teaches who is close to
        whom: the post's author is named in its URI on Bluesky (``at://DID/…``)."""
        for uri in parents[:1]:
            author = _uri_author(uri)
            if author and author != event.author.id:
                self.interactors.add(author, event.author.id,
                                     event_time(event.created_at, self._clock.now()))

    def observe(self, post: Post) -> None:
        """Remember who used which hashtag (any post, tracked or not)."""
        t = event_time(post.created_at, self._clock.now())
        for tag in post.hashtags:
            self.tag_users.use(tag_key(tag), post.author.id, t)

    def update(self, event: Post | Interaction) -> Joined | None:
        """Link ``event`` to a tracked cascade; None when it belongs to none (or was seen)."""
        if isinstance(event, Post):
            self.observe(event)
        kind, parents = _link(event)
        root = next((self._node_root[u] for u in parents if u in self._node_root), None)
        if root is None:
            self._remember_interaction(event, parents)
            return None
        c = self._cascades[root]
        if event.uri == root:
            return None
        if event.uri in c.seen:  # e.g. a quote's Post after its Interaction: learn its hashtags
            if isinstance(event, Post) and kind in ("reply", "quote"):
                self._dirty.add(root)
                self._learn_tags(c, event.hashtags, event_time(event.created_at, self._clock.now()))
            return None
        if len(c.seen) < self.config.max_nodes:
            c.seen.add(event.uri)
        return self._join(root, c, event, kind, parents)

    def _join(self, root: str, c: _Cascade, event: Post | Interaction, kind: str,
              parents: list[str]) -> Joined:
        now = self._clock.now()
        at = event_time(event.created_at, now)
        self._dirty.add(root)  # every change of a cascade goes through here (or is marked above)
        c.counts[kind] = c.counts.get(kind, 0) + 1
        c.last = now
        self._cascades.move_to_end(root)
        amplifier = ""
        if kind != "like":
            c.velocity.add(now)
            parent_depth = next((c.nodes[u] for u in parents if u in c.nodes), 1)
            depth = parent_depth + 1
            c.counts["depth"] = max(c.counts["depth"], depth)
            if kind in ("reply", "quote") and len(c.nodes) < self.config.max_nodes:
                c.nodes[event.uri] = depth
                self._node_root[event.uri] = root
            amplifier = self._classify(c, event, at)  # whoever coins a hashtag did not come by it
            if isinstance(event, Post) and kind in ("reply", "quote"):
                self._learn_tags(c, event.hashtags, at)
        self.interactors.add(c.root_author, event.author.id, at)
        return Joined(root=root, kind=kind, author=event.author.id, followers=event.author.followers,
                      at=at, reshare=kind in ("repost", "quote"), amplifier=amplifier)

    def _classify(self, c: _Cascade, event: Post | Interaction, at: float) -> str:
        who = event.author.id
        if who == c.root_author:
            return "self"
        if who in c.amplifiers or len(c.amplifiers) >= self.config.max_amplifiers:
            return ""
        first = self.interactors.first_seen(c.root_author, who)
        if first is not None and first < c.created_at:
            cls = "close"
        elif self._via_hashtag(c, event, at):
            cls = "hashtag"
        else:
            cls = "stranger"
        c.amplifiers[who] = cls
        c.counts[cls] += 1
        return cls

    def _learn_tags(self, c: _Cascade, tags: tuple[str, ...], at: float) -> None:
        """A reply or quote that adds a hashtag to the conversation teaches it to the cascade."""
        for tag in tags:
            if len(c.tags) >= self.config.max_cascade_tags:
                return
            c.tags.setdefault(tag_key(tag), at)

    def _via_hashtag(self, c: _Cascade, event: Post | Interaction, at: float) -> bool:
        """A hashtag of the cascade brought this account: its own post carries one, it used one
        within ``tag_memory`` before arriving, or it arrived while one was trending."""
        if not c.tags:
            return False
        if isinstance(event, Post) and any(tag_key(t) in c.tags for t in event.hashtags):
            return True
        cfg = self.config
        for tag, since in c.tags.items():
            seen = self.tag_users.first_seen(tag, event.author.id)
            if seen is not None and at - seen <= cfg.tag_memory:
                return True
            if at >= since and self.tag_users.heat(tag, at) >= cfg.trend_users:
                return True
        return False

    def get(self, root: str) -> CascadeStats | None:
        c = self._cascades.get(root)
        return None if c is None else self._stats(root, c)

    def _stats(self, root: str, c: _Cascade) -> CascadeStats:
        k = c.counts
        classified = k["close"] + k["hashtag"] + k["stranger"]
        return CascadeStats(
            root=root, root_author=c.root_author, created_at=c.created_at,
            size=k["reply"] + k["quote"] + k["repost"], depth=k["depth"], replies=k["reply"],
            quotes=k["quote"], reposts=k["repost"], likes=k["like"],
            unique_amplifiers=len(c.amplifiers),
            velocity_per_min=c.velocity.rate_per_minute(self._clock.now()),
            close_network=k["close"], hashtag_strangers=k["hashtag"], other_strangers=k["stranger"],
            close_share=k["close"] / classified if classified else 0.0, last_event_at=c.last,
            hashtags=tuple(c.tags))

    def roots(self) -> list[str]:
        return list(self._cascades)

    def evict_cold(self) -> list[CascadeStats]:
        """Evict every cascade idle for ``cold_after`` seconds; returns their final stats."""
        cutoff = self._clock.now() - self.config.cold_after
        cold = [r for r, c in self._cascades.items() if c.last < cutoff]
        return [self._evict(r) for r in cold]

    def _evict(self, root: str) -> CascadeStats:
        c = self._cascades[root]
        stats = self._stats(root, c)
        del self._cascades[root]
        self._rows.pop(root, None)
        self._dirty.discard(root)
        for uri in c.nodes:
            if self._node_root.get(uri) == root:
                del self._node_root[uri]
        if self.on_evict is not None:
            self.on_evict(stats)
        return stats

    def state(self) -> dict[str, Any]:
        """The whole state as builtins, every row built now; it shares the cascades' dicts, so
        encode it at once (what :meth:`capture` gives, without the kept rows)."""
        return {"cascades": [[root, c.root_author, c.created_at, c.tags, c.nodes, list(c.seen),
                              c.amplifiers, c.counts, c.velocity.state(), c.last]
                             for root, c in self._cascades.items()],
                "interactors": self.interactors.state(), "tags": self.tag_users.state()}

    @property
    def rows_to_encode(self) -> int:
        """How many cascades changed since the last capture (the rows it will encode)."""
        return len(self._dirty)

    def capture(self) -> dict[str, Any]:
        """The state as at this instant, sharing nothing the tracker changes later (encoded
        rows, fresh lists): :func:`snapshot.pack` may encode it on another thread. Only the rows
        of cascades changed since the last capture are encoded here."""
        for root in self._dirty:
            c = self._cascades.get(root)
            if c is not None:
                self._rows[root] = msgspec.Raw(_ROW.encode([
                    root, c.root_author, c.created_at, c.tags, c.nodes, list(c.seen),
                    c.amplifiers, c.counts, c.velocity.state(), c.last]))
        self._dirty.clear()
        return {"cascades": [self._rows[root] for root in self._cascades],
                "interactors": self.interactors.capture(), "tags": self.tag_users.capture()}

    def snapshot(self) -> bytes:
        return snapshot.pack("cascades", self.capture())

    def restore(self, blob: bytes) -> None:
        state = snapshot.unpack("cascades", blob)
        self._cascades.clear()
        self._node_root.clear()
        self._rows.clear()
        for root, author, created, tags, nodes, seen, amps, counts, vel, last in state["cascades"]:
            c = _Cascade(author, float(created), (), self.config, float(last))
            # older snapshots kept the root's hashtags as a list
            c.tags = ({str(k): float(v) for k, v in tags.items()} if isinstance(tags, dict)
                      else dict.fromkeys(map(str, tags), float(created)))
            c.nodes, c.seen, c.amplifiers, c.counts = dict(nodes), set(seen), dict(amps), dict(counts)
            c.velocity = SlidingCounter.from_state(vel)
            self._cascades[root] = c
            for uri in c.nodes:
                self._node_root[uri] = root
        self._dirty = set(self._cascades)
        self.interactors.load(state["interactors"])
        self.tag_users.load(state["tags"])

    def state_for_tests(self) -> dict[str, Any]:
        """Sizes of the internal tables (to check that memory stays bounded)."""
        return {"cascades": len(self._cascades), "nodes": len(self._node_root),
                "authors": len(self.interactors), "tags": len(self.tag_users)}


def _uri_author(uri: str) -> str:
    """The author id inside an ``at://DID/collection/rkey`` URI ("" for other networks)."""
    if not uri.startswith("at://"):
        return ""
    return uri[5:].split("/", 1)[0]
