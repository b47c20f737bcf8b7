"""One scope's burst detector (a brand's mentions, or the whole stream).

Counts go into buckets (30 s by default). Every term's baseline (an EWMA of its per-bucket count)
lives in a count-min sketch; a term gets exact counters and an exact baseline when it is seen
while the exact table has room, or ``promote_at`` times in one bucket when it is full. An alert
needs ``min_count`` posts in the window, ``min_ratio`` times the baseline, and a Poisson tail
probability under ``10**max_log10_p``; then the term cools down. Replies and quotes count a term
once per conversation per short window (a thread's chatter is not a moment). One story, one
alert: a term rising while a story of the scope is open joins it (the story's moment is updated,
see :mod:`reale.signals.moment_stories`) when its burst's posts carry one of the story's terms,
or, in a brand's scope, while the story's name still bursts; a new moment is named by the most
specific rising term of the same posts (a hashtag, then a phrase, then a word). A hashtag is
never joined to another story by its posts.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Collection, Mapping, Sequence
from operator import itemgetter
from typing import Any

import msgspec

from reale.signals.moment_stories import Stories
from reale.signals.moment_types import Example as Example  # re-exported
from reale.signals.moment_types import MomentAlert as MomentAlert  # re-exported
from reale.signals.poisson import poisson_log10_sf
from reale.signals.sketch import DecayingCountMin
from reale.signals.thread_gate import THREAD_TERMS as THREAD_TERMS  # re-exported
from reale.signals.thread_gate import ThreadGate


class MomentConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    bucket: float = 30.0  # seconds per count bucket
    window_buckets: int = 4  # the short window: 4 x 30 s = 2 minutes (fast jumps)
    long_window_buckets: int = 40  # the long window: 20 minutes (slower, sustained rises)
    half_life: float = 6 * 3600.0  # of the baseline EWMA
    warmup: float = 3600.0  # a scope raises no alert in its first hour (no baseline yet)
    min_count: int = 5
    min_ratio: float = 4.0
    max_log10_p: float = -6.0
    floor_per_hour: float = 0.5  # the least baseline any term is assumed to have
    cooldown: float = 3600.0  # one alert per term per cool-down ...
    escalation: float = 3.0  # ... unless its rate reaches this multiple of the last alert's
    max_hot: int = 2_000  # terms with exact counters, per scope
    promote_at: int = 2  # when the exact table is full, a bucket count that still earns a place
    cm_width: int = 4_096
    cm_depth: int = 4
    max_terms_per_post: int = 32
    max_bucket_terms: int = 100_000
    max_scopes: int = 1_000
    examples: int = 3
    cooccurring: int = 8
    sample_texts: int = 20  # recent posts kept per hot term for the safety read
    fold_share: float = 0.6  # share of a term's window posts carrying a story's term: it joins it
    story_ratio: float = 2.0  # a story stays open while its name bursts this much (or cool-down)
    brand_stories: bool = True  # in a brand's scope, what rises while a story bursts joins it
    max_stories: int = 64  # open stories per scope
    max_threads: int = 10_000  # conversations remembered per scope (0: every reply counts)


def ring_length(cfg: MomentConfig) -> int:
    return max(cfg.window_buckets, cfg.long_window_buckets, 1)


def _carries(terms: Collection[str], other: str) -> bool:
    """Does a post with ``terms`` carry the term ``other`` (a hashtag also as its bare word)?"""
    return other in terms or (other[0] == "#" and other[1:] in terms)


class _Hot:
    __slots__ = ("base", "cooc", "examples", "last_alert", "last_rate", "recent", "ring", "settle",
                 "texts", "total")

    def __init__(self, cfg: MomentConfig, base: float) -> None:
        self.ring = [0] * ring_length(cfg)
        self.total = 0  # sum of the ring
        self.base = base
        self.examples: deque[Example] = deque(maxlen=cfg.examples)
        self.texts: deque[str] = deque(maxlen=cfg.sample_texts)
        # (time, terms) of recent posts: the co-occurring terms, and one moment seen through
        # several terms; kept in the snapshot as co-occurrence counts only
        self.recent: deque[tuple[float, Sequence[str]]] = deque(maxlen=cfg.sample_texts)
        self.cooc: dict[str, int] = {}  # restored from a snapshot; :meth:`counts` refills it
        self.last_alert = -math.inf
        self.last_rate = 0.0  # the rate an escalation must beat (see ScopeDetector._settle)
        self.settle = -1  # the bucket at which last_rate is re-read after an alert

    def note(self, t: float, example: Example, terms: Sequence[str]) -> None:
        self.examples.append(example)
        self.texts.append(example.text)
        self.recent.append((t, terms))

    def counts(self, keep: int) -> dict[str, int]:
        """The ``keep`` terms most often in the recent posts (the term itself among them)."""
        return _top(self.recent, self.cooc, keep)

    def state(self) -> list[Any]:
        return self.capture()()

    def capture(self) -> Callable[[], list[Any]]:
        """The snapshot row as at this instant, built when the returned function is called
        (on another thread: the co-occurrence counts are most of the work): what it reads is
        copied now (a post's terms and an example are never changed once noted)."""
        ring, examples, texts = list(self.ring), list(self.examples), list(self.texts)
        recent, cooc = list(self.recent), dict(self.cooc)
        head = [self.base, self.last_alert if math.isfinite(self.last_alert) else None,
                self.last_rate, self.settle]
        return lambda: [ring, head[0], [[e.uri, e.text] for e in examples], texts,
                        _top(recent, cooc, 32), *head[1:]]

    @classmethod
    def from_state(cls, cfg: MomentConfig, s: list[Any]) -> _Hot:
        h = cls(cfg, float(s[1]))
        n = ring_length(cfg)
        h.ring = [int(x) for x in s[0]][:n] + [0] * max(0, n - len(s[0]))
        h.total = sum(h.ring)
        h.examples.extend(Example(str(u), str(t)) for u, t in s[2])
        h.texts.extend(str(t) for t in s[3])
        h.cooc = {str(k): int(v) for k, v in s[4].items()}
        h.last_alert = -math.inf if s[5] is None else float(s[5])
        h.last_rate = float(s[6])
        h.settle = int(s[7])
        return h


class ScopeDetector:
    def __init__(self, scope: str, config: MomentConfig) -> None:
        self.scope = scope
        self.config = config
        self.alpha = 1.0 - 0.5 ** (config.bucket / config.half_life)
        self.cm = DecayingCountMin(config.cm_width, config.cm_depth, self.alpha)
        self.hot: dict[str, _Hot] = {}
        self.bucket_counts: dict[str, int] = {}
        self.cur: int | None = None
        self.started: float | None = None
        self.folds = 0  # buckets closed since the scope started (for the EWMA's start-up bias)
        self._floor = config.floor_per_hour * config.bucket / 3600.0
        # A brand's own name is in every post of its scope: when it bursts, that is the brand's
        # mention volume spiking, and the moment behind it ("volta recall") must not fold into it.
        self._own_name = frozenset((scope.lower(), "#" + scope.lower().replace(" ", "")))
        self._ring0 = [0] * ring_length(config)
        # conversation -> term -> bucket it last counted in (not in the snapshot: it refills)
        self._threads = ThreadGate(config.max_threads, config.window_buckets)
        self.stories = Stories(config.cooldown, config.max_stories)

    def update(self, t: float, terms: Sequence[str], example: Example,
               thread: str = "") -> list[MomentAlert]:
        """Count one post's terms at time ``t``; returns the alerts it raised. ``thread``: the
        conversation a reply or quote belongs to ("" for an original post)."""
        cfg = self.config
        b = math.floor(t / cfg.bucket)
        if self.cur is None:
            self.cur, self.started = b, t
        elif b > self.cur:
            self._roll(b)
        slot = self.cur % len(self._ring0)
        alerts: list[MomentAlert] = []
        if thread and cfg.max_threads > 0:
            terms = self._threads.fresh(thread, terms, b)
        for term in terms:
            h = self._add(term, 1, slot)
            if h is None:
                continue
            h.note(t, example, terms)
            alert = self._check(term, h, t)
            if alert is not None:
                alerts.append(alert)
        return alerts

    def update_bucket(self, b: int, counts: Mapping[str, int],
                      notes: Mapping[str, Sequence[tuple[Example, Sequence[str]]]]
                      ) -> list[MomentAlert]:
        """Count a whole closed bucket ``b`` at once (term -> posts, and some of each term's
        posts: an example and the post's terms, for the co-occurring terms and the folding of
        one moment seen through several terms), as merged from partial counts; every term is
        then scored at the bucket's end, as :meth:`update` scores a post. A bucket older than
        the current one is refused (returns nothing): buckets are fed in order."""
        cfg = self.config
        end = (b + 1) * cfg.bucket
        if self.cur is None:
            self.cur, self.started = b, b * cfg.bucket
        elif b > self.cur:
            self._roll(b)
        elif b < self.cur:
            return []
        slot = self.cur % len(self._ring0)
        fresh: list[tuple[str, _Hot]] = []
        for term in sorted(counts):
            h = self._add(term, counts[term], slot)
            if h is None:
                continue
            for example, post_terms in notes.get(term, ()):
                h.note(b * cfg.bucket, example, post_terms)
            fresh.append((term, h))
        alerts = [self._check(term, h, end) for term, h in fresh]
        return [a for a in alerts if a is not None]

    def _add(self, term: str, k: int, slot: int) -> _Hot | None:
        """Add ``k`` posts with ``term`` to the current bucket; its exact counters, if it has
        (or now earns) a place in the exact table."""
        cfg = self.config
        counts = self.bucket_counts
        n = counts.get(term)
        if n is None:
            if len(counts) >= cfg.max_bucket_terms:
                return None
            n = 0
        counts[term] = n = n + k
        h = self.hot.get(term)
        if h is None:
            if n < cfg.promote_at and len(self.hot) >= cfg.max_hot:
                return None
            h = self.hot[term] = _Hot(cfg, self.cm.estimate(term))
            h.ring[slot] = n
            h.total = n
        else:
            h.ring[slot] += k
            h.total += k
        return h

    def _check(self, term: str, h: _Hot, t: float) -> MomentAlert | None:
        cfg = self.config
        if h.total < cfg.min_count or self.started is None or t - self.started < cfg.warmup:
            return None
        assert self.cur is not None
        base = max(h.base * self._debias(), self._floor)
        n = len(h.ring)
        partial = t - self.cur * cfg.bucket
        for width in (cfg.window_buckets, cfg.long_window_buckets):
            count = h.ring[self.cur % n] if width == 1 else sum(
                h.ring[(self.cur - j) % n] for j in range(min(width, n)))
            if count < cfg.min_count:
                continue
            elapsed = max((min(width, n) - 1) * cfg.bucket + partial, 1.0)
            lam = base * elapsed / cfg.bucket
            if count < cfg.min_ratio * lam:
                continue
            log10_p = poisson_log10_sf(count, lam)
            if log10_p <= cfg.max_log10_p:
                return self._alert(term, h, t, min(width, n), count, elapsed, base)
        return None

    def _alert(self, term: str, h: _Hot, t: float, width: int, count: int, elapsed: float,
               base: float) -> MomentAlert | None:
        """The moment ``term`` raises: a new one, or its story's moment updated (returned only
        when ``also`` grew), or None (cooling down)."""
        cfg = self.config
        rate = count * 60.0 / elapsed
        escalating = t - h.last_alert < cfg.cooldown
        if escalating and (h.settle >= 0 or rate < cfg.escalation * h.last_rate):
            return None  # cooling down: only a settled burst that grows again escalates
        lam = base * elapsed / cfg.bucket
        newer = escalating and self._newer_story(term, h, t, elapsed, count, lam)
        self._cool(h, t, rate)
        if newer:
            return None  # its growth is another story's posts (#FinaleCoppa during #blackout)
        head, named = self._story_of(term, h, t, elapsed, count, lam)
        if head is not None and not (escalating and head == term):
            before = self.stories.open[head].alert
            better = self._name(term, h, t, width, elapsed) if named else term
            if better != term:  # listed by its phrase ("stesso problema", not "aspetto")
                self.stories.join(head, term, t, False)
                self._cool(self.hot[better], t, rate)
            after = self.stories.join(head, better, t, named)
            return after if after is not before else None
        name = self._name(term, h, t, width, elapsed)
        if name != term:
            o = self.hot[name]
            n = self._count(o, width)
            self._cool(o, t, n * 60.0 / elapsed)
            base = max(o.base * self._debias(), self._floor)
            alert = self._moment(name, o, t, n, elapsed, base, also=(term,))
        else:
            alert = self._moment(term, h, t, count, elapsed, base)
        self.stories.start(alert, t)
        return alert

    def _cool(self, h: _Hot, t: float, rate: float) -> None:
        """``h`` alerted (or joined a story) at ``t``: it cools down."""
        h.last_alert, h.last_rate = t, rate
        h.settle = (self.cur or 0) + self.config.window_buckets

    def _count(self, h: _Hot, width: int) -> int:
        """``h``'s posts in the last ``width`` buckets."""
        assert self.cur is not None
        n = len(h.ring)
        return sum(h.ring[(self.cur - j) % n] for j in range(min(width, n)))

    def _moment(self, term: str, h: _Hot, t: float, count: int, elapsed: float, base: float,
                also: tuple[str, ...] = ()) -> MomentAlert:
        cfg = self.config
        lam = base * elapsed / cfg.bucket
        top = [kv for kv in h.counts(cfg.cooccurring + 1).items() if kv[0] != term][: cfg.cooccurring]
        return MomentAlert(scope=self.scope, term=term, at=t, count=count, window_seconds=elapsed,
                           baseline_per_min=base * 60.0 / cfg.bucket,
                           current_per_min=count * 60.0 / elapsed, ratio=count / lam,
                           log10_p=poisson_log10_sf(count, lam), examples=tuple(h.examples),
                           cooccurring=tuple(k for k, _ in top), also=also)

    def _window_posts(self, h: _Hot, t: float, elapsed: float) -> list[Sequence[str]]:
        """The terms of ``h``'s recent posts in the window; None-like (empty) when too few are
        kept to judge (a term promoted to exact counters mid-bucket)."""
        posts = [ts for at, ts in h.recent if at >= t - elapsed]
        return posts if len(posts) >= min(3, self.config.min_count) else []

    def _story_of(self, term: str, h: _Hot, t: float, elapsed: float, count: int,
                  lam: float) -> tuple[str | None, bool]:
        """The open story ``term`` is part of, and whether ``term`` is news to it (one of its
        names: a term its moment does not explain yet).

        The story it already belongs to; else one whose name (its term, its ``also`` terms, the
        hashtags and phrases that joined it: not the words, a filler like "raga" is in every
        crowd's posts) is carried by the posts of ``term``'s burst (see :func:`_explains`), if
        that name is as specific (hashtag > phrase
        > word), one of this phrase's own words, or a term whose own posts mostly carry this
        one (the same posts); else, in a brand's scope, the latest story whose name still
        bursts (the brand's wave: a complaint told in several ways shares only the brand's
        name). A hashtag is a name the crowd chose: its posts never join it to another story
        (#blackout rising during the final's #FinaleCoppa is a new moment even though its
        first posts carry both). ``term`` is news unless the story's name is in its posts."""
        cfg = self.config
        head = self.stories.head_of(term)
        if head is not None:
            return head, False
        rank = _specificity(term)
        posts = self._window_posts(h, t, elapsed) if cfg.fold_share > 0 and rank < 2 else []
        best: tuple[int, str] | None = None
        for head in list(self.stories.open):
            for member in self.stories.names(head):
                if member in self._own_name:
                    continue
                n = sum(_carries(ts, member) for ts in posts)
                if (best is not None and n <= best[0]) or not _explains(n, posts, count, lam,
                                                                        cfg):
                    continue
                if (_specificity(member) >= rank or member in term.split(" ")
                        or self._carried_by(member, term, t, elapsed)):
                    best = (n, head)
        if best is not None:
            head = best[1]
            named = sum(_carries(ts, head) for ts in posts)
            return head, rank > 0 and not _explains(named, posts, count, lam, cfg)
        latest = self.stories.latest()
        if (self.scope != "*" and cfg.brand_stories and latest is not None
                and latest not in self._own_name and self._active(latest)):
            return latest, True
        return None, False

    def _newer_story(self, term: str, h: _Hot, t: float, elapsed: float, count: int,
                     lam: float) -> bool:
        """Is ``term``'s escalation carried by a story that began after its last alert?"""
        posts = self._window_posts(h, t, elapsed)
        return any(head != term and story.alert.at > h.last_alert and _explains(
            sum(_carries(ts, head) for ts in posts), posts, count, lam, self.config)
            for head, story in self.stories.open.items())

    def _carried_by(self, other: str, term: str, t: float, elapsed: float) -> bool:
        """Do ``fold_share`` of ``other``'s posts in the window carry ``term``?"""
        o = self.hot.get(other)
        posts = [] if o is None else self._window_posts(o, t, elapsed)
        return bool(posts) and sum(_carries(ts, term) for ts in posts) >= (
            self.config.fold_share * len(posts))

    def _name(self, term: str, h: _Hot, t: float, width: int, elapsed: float) -> str:
        """The new moment's name: the most specific term (then the most frequent) carried by
        ``fold_share`` of ``term``'s posts, itself rising (``min_count`` posts, ``min_ratio``
        times its baseline) and carrying ``term`` in most of its own posts: "stesso problema"
        for "aspetto" when both come from the same posts; ``term`` itself when none is more
        specific. A brand's own name never names its scope's moment."""
        cfg = self.config
        rank = _specificity(term)
        posts = self._window_posts(h, t, elapsed) if cfg.fold_share > 0 and rank < 2 else []
        seen: dict[str, int] = {}
        for ts in posts:
            for w in ts:
                if _specificity(w) > rank and w not in self._own_name:
                    seen[w] = seen.get(w, 0) + 1
        best, key = term, (rank, 0)
        for other, n in seen.items():
            o = self.hot.get(other)
            if (o is None or n < cfg.fold_share * len(posts) or (_specificity(other), n) <= key
                    or self.stories.head_of(other) is not None):
                continue
            count = self._count(o, width)
            lam = max(o.base * self._debias(), self._floor) * elapsed / cfg.bucket
            if (count >= cfg.min_count and count >= cfg.min_ratio * lam
                    and self._carried_by(other, term, t, elapsed)):
                best, key = other, (_specificity(other), n)
        return best

    def _active(self, head: str) -> bool:
        """Does a story's name still burst: its short or long window ``story_ratio`` times its
        baseline, with ``min_count`` posts?"""
        cfg = self.config
        h = self.hot.get(head)
        if h is None:
            return False
        per_bucket = max(h.base * self._debias(), self._floor)
        for width in (cfg.window_buckets, cfg.long_window_buckets):
            count = self._count(h, width)
            if count >= cfg.min_count and count >= cfg.story_ratio * per_bucket * width:
                return True
        return False

    def _debias(self) -> float:
        """An EWMA started at zero underestimates by (1 - keep^n) after n buckets: undo it."""
        return 1.0 / max(1e-9, 1.0 - float((1.0 - self.alpha) ** max(self.folds, 1)))

    def _roll(self, b: int) -> None:
        """Close the current bucket (and any empty ones up to ``b``)."""
        assert self.cur is not None
        k = b - self.cur
        keep = 1.0 - self.alpha
        self.cm.fold(self.bucket_counts, buckets=k)
        self.bucket_counts = {}
        w = len(self._ring0)
        for h in self.hot.values():
            if self.cur < h.settle <= b:
                self._settle(h)
            h.base = (h.base * keep + self.alpha * h.ring[self.cur % w]) * keep ** (k - 1)
            for j in range(1, min(k, w) + 1):
                h.total -= h.ring[(self.cur + j) % w]
                h.ring[(self.cur + j) % w] = 0
        self.cur = b
        self.folds += k
        self.stories.close(b * self.config.bucket, self._active)
        self._prune()

    def _settle(self, h: _Hot) -> None:
        """A full window after an alert, the burst's settled rate becomes the bar an escalation
        must beat (the rate at the alert itself is read from few posts, so it runs low)."""
        cfg = self.config
        assert self.cur is not None
        n = len(h.ring)
        count = sum(h.ring[(self.cur - j) % n] for j in range(min(cfg.window_buckets, n)))
        h.last_rate = max(h.last_rate, count * 60.0 / (min(cfg.window_buckets, n) * cfg.bucket))
        h.settle = -1

    def _prune(self) -> None:
        cfg = self.config
        idle = [t for t, h in self.hot.items() if h.total == 0 and h.base < 2 * self._floor
                and math.isinf(h.last_alert)]
        for t in idle:
            del self.hot[t]
        if len(self.hot) > cfg.max_hot:
            w = cfg.window_buckets
            ranked = sorted(self.hot.items(), key=lambda kv: -(kv[1].total + kv[1].base * w))
            self.hot = dict(ranked[: cfg.max_hot])

    def sizes(self) -> dict[str, int]:
        """Sizes of the internal tables (to check that memory stays bounded)."""
        return {"hot": len(self.hot), "bucket_terms": len(self.bucket_counts),
                "stories": len(self.stories.open), "story_terms": len(self.stories.head),
                **self._threads.sizes()}

    def recent_count(self, term: str, t: float, width: int) -> int:
        """Posts with ``term`` in the last ``width`` buckets up to ``t`` (the scope moves on to
        ``t``'s bucket first, as a post at ``t`` would)."""
        b = math.floor(t / self.config.bucket)
        if self.cur is not None and b > self.cur:
            self._roll(b)
        h = self.hot.get(term)
        return 0 if h is None or self.cur is None else self._count(h, width)

    def window_posts(self, term: str, t: float, seconds: float) -> list[Sequence[str]]:
        """The terms of ``term``'s recent posts timed in the ``seconds`` up to ``t``."""
        h = self.hot.get(term)
        return [] if h is None else [ts for at, ts in h.recent if t - seconds <= at <= t]

    def texts(self, term: str) -> list[str]:
        h = self.hot.get(term)
        return [] if h is None else list(h.texts)

    def recent_posts(self, term: str) -> list[tuple[float, Sequence[str]]]:
        """(time, terms) of ``term``'s recent posts (the evidence of a "same story" link)."""
        h = self.hot.get(term)
        return [] if h is None else list(h.recent)

    def state(self) -> dict[str, Any]:
        return self.capture()()

    def capture(self) -> Callable[[], dict[str, Any]]:
        """The scope's state as at this instant, built when the returned function is called
        (on another thread, while the scope goes on): the terms' rows are built there."""
        head = {"cur": self.cur, "started": self.started, "folds": self.folds,
                "counts": dict(self.bucket_counts), "cm": self.cm.state()}
        hot = [(t, h.capture()) for t, h in self.hot.items()]
        stories = self.stories.state()
        return lambda: {**head, "hot": {t: row() for t, row in hot}, "stories": stories}

    def load(self, s: dict[str, Any]) -> None:
        self.cur = None if s["cur"] is None else int(s["cur"])
        self.started = None if s["started"] is None else float(s["started"])
        self.folds = int(s["folds"])
        self.bucket_counts = {str(k): int(v) for k, v in s["counts"].items()}
        self.cm.load(s["cm"])
        self.hot = {str(t): _Hot.from_state(self.config, h) for t, h in s["hot"].items()}
        self.stories.load(s.get("stories", []))  # absent in a snapshot from before stories


def _top(recent: Collection[tuple[float, Sequence[str]]], cooc: dict[str, int],
         keep: int) -> dict[str, int]:
    """The ``keep`` terms most often in ``recent`` posts; ``cooc`` (a snapshot's) when none."""
    if not recent:
        return dict(cooc)
    n: dict[str, int] = {}
    for _, terms in recent:
        for o in terms:
            n[o] = n.get(o, 0) + 1
    return dict(heapq.nlargest(keep, n.items(), key=itemgetter(1)))


def _specificity(term: str) -> int:
    """2 for a hashtag, 1 for a bigram, 0 for a word."""
    return 2 if term.startswith("#") else 1 if " " in term else 0


def _explains(n: int, posts: Sequence[Sequence[str]], count: int, lam: float,
              cfg: MomentConfig) -> bool:
    """Do ``n`` of a term's window ``posts`` (a sample of its ``count`` posts, ``lam`` of them
    expected) explain its burst? Yes when they are ``fold_share`` of the posts above its
    baseline ("stadio" is in a stadium blackout's posts and in everyday football talk: the
    blackout's posts are most of its rise, if not most of its posts), or when they are a third
    of its posts or more and without them it would not alert ("seen" in "never seen anything
    like it #blackout" beside a few "remains to be seen")."""
    if not posts or cfg.fold_share <= 0 or n <= 0:
        return False
    above = max(0.0, 1.0 - lam / max(count, 1))
    if n >= cfg.fold_share * above * len(posts):
        return True
    if 3 * n < len(posts) or n < 2:
        return False
    rest = count - round(n * count / len(posts))
    return (rest < cfg.min_count or rest < cfg.min_ratio * lam
            or poisson_log10_sf(rest, lam) > cfg.max_log10_p)
