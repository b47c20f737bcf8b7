"""Whole-stream moments on Kafka, step two: the partials of the terms one ``moment-terms``
partition holds, merged per bucket across input partitions, and each closed bucket scored by
the embedded detector's own code (``ScopeDetector.update_bucket``: baseline, Poisson score,
cool-down), every alert with the embedded safety read. Pure state, no I/O.

Per (term, bucket, input partition: of ``posts``, or of ``interactions`` for replies and quotes)
only the partial of the highest offset counts (see :mod:`reale.run.kafka.moment_counts`), so
partials sent again add nothing. A bucket closes when every input partition heard from has shown
posts ``grace`` seconds past its end (the slowest one holds it open, as a partition moving to
another worker after a crash), or when the fastest is ``stall`` seconds further still (a
partition that lags more is not waited for). Partials for a closed bucket are late: dropped and
counted in ``late``.

A whole-stream moment that is a watched brand's own wave is labelled as the brand's (it reads
avoid); it is not raised at all while the brand's scope has an open story raised in an earlier
bucket, as the brand stage publishes them (``stories``, :mod:`reale.signals.brand_stories`),
nor are its later updates.

A moment that is part of an avoid moment's story inherits avoid (the "same story" link,
:mod:`reale.signals.moment_links`): the evidence is in the moment's own posts, which this
partition holds; the avoid moments it may link to are this partition's and, passed to
:meth:`MomentMerge.close` as ``sources``, those the other partitions stored.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from reale.run.kafka.moment_counts import TermPartial
from reale.signals import snapshot
from reale.signals.brand_stories import BrandStories, open_at
from reale.signals.moment_fold import fold_avoid
from reale.signals.moment_links import MomentLinks
from reale.signals.moment_scope import Example, MomentAlert, MomentConfig, ScopeDetector
from reale.signals.moments import GLOBAL, owned, owner_of, with_safety
from reale.signals.safety import Labeller, SafetyConfig

# (version, count, examples, each example's terms, (brand, posts) mentioning it) of one input
# partition
_Part = tuple[int, int, tuple[Example, ...], tuple[tuple[str, ...], ...], tuple[tuple[str, int], ...]]
StoriesOf = Callable[[str], BrandStories | None]  # a brand's stories as its stage published them


class MomentMerge:
    """One ``moment-terms`` partition: open buckets of partials, and the whole-stream detector
    of its terms (terms are scored independently, so sharding them by key changes nothing)."""

    def __init__(self, config: MomentConfig, grace: float, labeller: Labeller | None = None,
                 safety: SafetyConfig | None = None, stall: float | None = None) -> None:
        self.config = config
        self.grace = grace
        self.stall = 2 * grace if stall is None else stall
        self.labeller = labeller
        self.safety = safety or SafetyConfig()
        self.detector = ScopeDetector(GLOBAL, config)
        self.links = MomentLinks(self.safety)
        self.open: dict[int, dict[str, dict[int, _Part]]] = {}
        self.marks: dict[int, float] = {}  # input partition -> the latest post time it showed
        self.closed_below = -(2**62)
        self.late = 0
        self.repeated = 0  # partials superseded or seen already (re-sent after a crash)
        # term -> closed bucket -> brand -> posts mentioning it, over the long window: the brand
        # scopes' counts that say which brand a whole-stream moment belongs to
        self.brand_counts: dict[str, dict[int, dict[str, int]]] = {}
        # brands' waves not raised, their scope had the story (term -> time of the moment)
        self._quiet: OrderedDict[str, float] = OrderedDict()
        self.owned_quiet = 0

    def add(self, p: TermPartial) -> bool:
        """Take one partial; False when it changed nothing (late, repeated or superseded)."""
        if math.isfinite(p.watermark) and p.watermark > self.marks.get(p.source, -math.inf):
            self.marks[p.source] = p.watermark
        if p.bucket < self.closed_below:
            self.late += 1
            return False
        bucket = self.open.setdefault(p.bucket, {})
        parts = bucket.get(p.term)
        if parts is None:
            if len(bucket) >= self.config.max_bucket_terms:
                return False
            parts = bucket[p.term] = {}
        had = parts.get(p.source)
        if had is not None and had[0] >= p.version:
            self.repeated += 1
            return False
        if p.examples or had is None:
            parts[p.source] = (p.version, p.count, p.examples, p.example_terms, p.brands)
        else:  # examples are sent only when they changed
            parts[p.source] = (p.version, p.count, had[2], had[3], p.brands)
        return True

    def close(self, sources: Sequence[MomentAlert] = (),
              stories: StoriesOf | None = None) -> list[MomentAlert]:
        """Score every bucket the input partitions have all passed by ``grace`` (or the fastest
        by ``grace + stall``), oldest first; then the "same story" links of the moments alerted
        here in the link window, to the avoid moments alerted here or in ``sources`` (a linked
        moment alerted before is raised again with its stricter read). A brand's wave is not
        raised while ``stories`` (the brand's, as published) has one open."""
        if not self.marks:
            return []
        until = max(min(self.marks.values()) - self.grace,
                    max(self.marks.values()) - self.grace - self.stall)
        limit = math.floor(until / self.config.bucket)
        alerts: list[MomentAlert] = []
        fresh: set[tuple[str, float]] = set()
        for b in sorted(b for b in self.open if b < limit):
            alerts.extend(self._close(b, self.open.pop(b), fresh, stories))
        moved = limit > self.closed_below
        self.closed_below = max(self.closed_below, limit)
        if not (alerts or moved or sources):
            return alerts
        now = self.closed_below * self.config.bucket
        out = self.links.update(alerts, self.detector.recent_posts, now, sources,
                                self.detector.stories.terms_of)
        # one tragedy, one alert: among this partition's moments (the stories of other
        # partitions' terms are theirs)
        out, folded = fold_avoid(out, fresh, self.detector.stories, self.safety, now)
        for term in folded:
            self.links.moments.pop(term, None)
        for a in out:  # a story's later updates carry its reads
            self.detector.stories.keep(a)
        return out

    def _close(self, b: int, terms: dict[str, dict[int, _Part]], fresh: set[tuple[str, float]],
               stories: StoriesOf | None) -> list[MomentAlert]:
        counts: dict[str, int] = {}
        notes: dict[str, list[tuple[Example, Sequence[str]]]] = {}
        for term, parts in terms.items():
            brands: dict[str, int] = {}
            for part in parts.values():
                for brand, n in part[4]:
                    brands[brand] = brands.get(brand, 0) + n
            if brands:
                self.brand_counts.setdefault(term, {})[b] = brands
            if (n := sum(p[1] for p in parts.values())) <= 0:
                continue  # counted only for a brand (its conversation's first post of the term)
            counts[term] = n
            posts: list[tuple[Example, Sequence[str]]] = []
            for source in sorted(parts):
                examples, example_terms = parts[source][2:4]
                posts.extend(zip(examples, example_terms, strict=False))
            notes[term] = posts[: self.config.sample_texts]
        alerts = self.detector.update_bucket(b, counts, notes)
        self._forget_brands(b)
        # a new moment gets its safety read and its owner (and is noted in ``fresh``); a story's
        # update (a later term of it) has its own
        out = []
        for a in alerts:
            if self._quiet.get(a.term) == a.at:
                continue
            if a.safety is None:
                a = with_safety(self.detector, a, self.labeller, self.safety)
                brand, n = self._owner(a, b)
                if brand:
                    a = owned(a, brand, n)
                    if self._brand_has_it(brand, b, stories):
                        self._keep_quiet(a)
                        continue
                fresh.add((a.term, a.at))
            out.append(a)
        return out

    def _brand_has_it(self, brand: str, b: int, stories: StoriesOf | None) -> bool:
        """Had ``brand``'s scope an open story, raised before bucket ``b``, as the brand stage
        published it (:func:`~reale.signals.brand_stories.open_at`)?"""
        published = stories(brand) if stories is not None else None
        return published is not None and open_at(published, b * self.config.bucket,
                                                  self.config.cooldown)

    def _keep_quiet(self, alert: MomentAlert) -> None:
        """A brand's wave its scope has: not raised, nor its later updates; its story is kept."""
        self._quiet[alert.term] = alert.at
        while len(self._quiet) > self.config.max_stories:
            self._quiet.popitem(last=False)
        self.owned_quiet += 1
        self.detector.stories.keep(alert)

    def _owner(self, alert: MomentAlert, b: int) -> tuple[str, int]:
        """The brand whose mentions ``alert`` (raised at the end of bucket ``b``) mostly is, by
        the embedded rule (:func:`~reale.signals.moments.owner_of`) over the brand counts the
        partials carried: in the alert's window (its last buckets up to ``b``) and the long one."""
        cfg = self.config
        width = max(1, math.ceil(alert.window_seconds / cfg.bucket - 1e-6))
        long = cfg.long_window_buckets
        counted: dict[str, tuple[int, int]] = {}
        for bucket, brands in self.brand_counts.get(alert.term, {}).items():
            if bucket <= b - long:
                continue
            for brand, n in brands.items():
                window, total = counted.get(brand, (0, 0))
                counted[brand] = (window + (n if bucket > b - width else 0), total + n)
        return owner_of(alert, counted, self.detector.recent_count(alert.term, b * cfg.bucket, long),
                        self.detector.window_posts(alert.term, alert.at, alert.window_seconds),
                        cfg.fold_share)

    def _forget_brands(self, b: int) -> None:
        """Drop the brand counts of buckets out of the long window before ``b``."""
        oldest = b - self.config.long_window_buckets
        for term in list(self.brand_counts):
            buckets = self.brand_counts[term]
            for old in [x for x in buckets if x <= oldest]:
                del buckets[old]
            if not buckets:
                del self.brand_counts[term]

    def count(self, term: str, bucket: int) -> int:
        """Posts with ``term`` in an open ``bucket`` so far, over every input partition."""
        return sum(p[1] for p in self.open.get(bucket, {}).get(term, {}).values())

    # -- persistence -----------------------------------------------------------------------
    def snapshot(self) -> bytes:
        open_ = {b: {t: {s: [v, n, [[e.uri, e.text] for e in ex], [list(x) for x in ts],
                             [list(x) for x in bs]]
                         for s, (v, n, ex, ts, bs) in parts.items()}
                     for t, parts in terms.items()} for b, terms in self.open.items()}
        return snapshot.pack("moment-merge", {
            "open": open_, "marks": self.marks,
            "closed_below": self.closed_below, "late": self.late,
            "detector": self.detector.state(), "links": self.links.state(),
            "brands": self.brand_counts, "quiet": dict(self._quiet),
            "owned_quiet": self.owned_quiet})

    def restore(self, blob: bytes) -> None:
        s: dict[str, Any] = snapshot.unpack("moment-merge", blob)
        self.open = {int(b): {str(t): {int(src): _part(p) for src, p in parts.items()}
                              for t, parts in terms.items()} for b, terms in s["open"].items()}
        self.brand_counts = {str(t): {int(b): {str(k): int(n) for k, n in brands.items()}
                                      for b, brands in buckets.items()}
                             for t, buckets in s.get("brands", {}).items()}
        self._quiet = OrderedDict((str(k), float(v)) for k, v in s.get("quiet", {}).items())
        self.owned_quiet = int(s.get("owned_quiet", 0))
        self.marks = {int(k): float(v) for k, v in s["marks"].items()}
        self.closed_below = int(s["closed_below"])
        self.late = int(s["late"])
        self.detector = ScopeDetector(GLOBAL, self.config)
        self.detector.load(s["detector"])
        self.links = MomentLinks(self.safety)
        self.links.load(s.get("links", []))

    def replay_from(self, tp: str, next_offset: int) -> int:
        return next_offset



def _part(p: Sequence[Any]) -> _Part:
    """One input partition's partial as a snapshot keeps it (without brand counts before they
    were kept)."""
    v, n, ex, ts = p[:4]
    return (int(v), int(n), tuple(Example(str(u), str(x)) for u, x in ex),
            tuple(tuple(str(w) for w in x) for x in ts),
            tuple((str(k), int(c)) for k, c in (p[4] if len(p) > 4 else ())))
