"""Whole-stream moments on Kafka, step one: per partition of ``posts`` (original posts) and of
``interactions`` (replies and quotes, a conversation on one partition), each term's count per time
bucket (with its first example posts and co-occurring terms), sent on ``moment-terms`` keyed by
term as *cumulative* partials versioned by the partition's offset. Pure state, no I/O.

Why cumulative counts: a partial says "in input partition P, up to offset V, term T appeared in
N posts of bucket B". The count at offset V is the same however the stream was cut into batches,
so the merger keeps, per (T, B, P), the partial of the highest V and ignores the others: a
partial sent again after a crash (or a whole partition counted again from a snapshot) can never
add to the count, only repeat it or bring it up to date. The once-per-conversation rule keeps
this: it reads only the conversation's earlier posts, on the same partition, before offset V.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from reale.errors import DecodeError
from reale.events import Post
from reale.signals.moment_scope import Example, MomentConfig
from reale.signals.terms import terms as post_terms
from reale.signals.thread_gate import ThreadGate, thread_of
from reale.signals.windows import event_time
from reale.sources.text import why

MAX_EXAMPLE = 280  # characters of an example post kept and sent
BrandsOf = Callable[[Post], Sequence[str]]  # the watched brands a post mentions


class TermPartial(msgspec.Struct, frozen=True, array_like=True):
    """One term's count in one bucket of one input partition, up to an offset."""

    term: str
    bucket: int  # floor(event time / bucket seconds)
    source: int  # the input partition counted: n of ``posts``, or -1 - n of ``interactions``
    version: int  # offset of the last post of ``source`` counted: a higher version supersedes
    count: int  # posts with the term in (source, bucket) up to ``version``: cumulative
    watermark: float  # the latest post time ``source`` had shown when this was sent
    examples: tuple[Example, ...] = ()  # the first posts with the term; only when they changed
    example_terms: tuple[tuple[str, ...], ...] = ()  # each example's terms (co-occurrence)
    # (brand, posts) of ``count``'s posts that mention each watched brand, as the brand's own
    # scope counts them (a conversation once per brand per short window): cumulative too
    brands: tuple[tuple[str, int], ...] = ()


_enc = msgspec.msgpack.Encoder()
_dec = msgspec.msgpack.Decoder(TermPartial)


def encode_partial(p: TermPartial) -> bytes:
    return _enc.encode(p)


def decode_partial(raw: bytes) -> TermPartial:
    try:
        return _dec.decode(raw)
    except (msgspec.DecodeError, UnicodeError, RecursionError) as exc:
        raise DecodeError(f"a moment-terms record on Kafka could not be decoded: {why(exc)}") from exc


class _Entry:
    __slots__ = ("brands", "count", "examples", "fresh", "terms")

    def __init__(self) -> None:
        self.count = 0
        self.brands: dict[str, int] = {}  # posts mentioning each brand (its scope's count)
        self.examples: list[Example] = []
        self.terms: list[tuple[str, ...]] = []  # the terms of each example post
        self.fresh = False  # examples changed since last sent


_Bucket = dict[str, tuple[int, list[Example], list[tuple[str, ...]]]]
_Brands = dict[int, dict[str, dict[str, int]]]  # bucket -> term -> brand -> posts


class _SavedCounts(msgspec.Struct):
    buckets: dict[int, _Bucket]
    watermark: float
    closed_below: int
    source: int
    version: int
    late: int
    brands: _Brands = msgspec.field(default_factory=dict)


class _Saved(msgspec.Struct):
    buckets: dict[int, _Bucket]  # the posts partition's (the fields of a _SavedCounts)
    watermark: float
    closed_below: int
    source: int
    version: int
    late: int
    inflight: list[bytes]
    conversations: _SavedCounts | None = None  # the interactions partition's
    threads: list[Any] = msgspec.field(default_factory=list)  # its ThreadGate
    brands: _Brands = msgspec.field(default_factory=dict)  # the posts partition's
    brand_threads: list[Any] = msgspec.field(default_factory=list)  # its brands' ThreadGate


def conversation_source(partition: int) -> int:
    """The ``source`` of the partials counted from ``interactions`` partition ``partition``
    (those from ``posts`` carry their partition number, 0 and up)."""
    return -1 - partition


class _Counts:
    """One input partition's open buckets: term -> posts, and the first examples."""

    def __init__(self, config: MomentConfig) -> None:
        self.config = config
        self.buckets: dict[int, dict[str, _Entry]] = {}
        self.watermark = -math.inf
        self.closed_below = -(2**62)
        self.source = 0
        self.version = -1
        self.late = 0
        self.dirty: set[tuple[int, str]] = set()

    def bucket_of(self, t: float) -> int | None:
        """``t``'s bucket, or None (counted ``late``) when that bucket has closed here."""
        b = math.floor(t / self.config.bucket)
        if b < self.closed_below:
            self.late += 1
            return None
        self.watermark = max(self.watermark, t)
        return b

    def add(self, b: int, words: list[str], example: Example) -> None:
        cfg = self.config
        bucket = self.buckets.setdefault(b, {})
        shared = tuple(words)
        for term in words:
            e = bucket.get(term)
            if e is None:
                if len(bucket) >= cfg.max_bucket_terms:
                    continue
                e = bucket[term] = _Entry()
            e.count += 1
            if len(e.examples) < cfg.examples:
                e.examples.append(example)
                e.terms.append(shared)
                e.fresh = True
            self.dirty.add((b, term))

    def add_brand(self, b: int, brand: str, words: list[str]) -> None:
        """One post of bucket ``b`` mentioning ``brand``: its ``words`` counted for the brand."""
        bucket = self.buckets.setdefault(b, {})
        for term in words:
            e = bucket.get(term)
            if e is None:
                if len(bucket) >= self.config.max_bucket_terms:
                    continue
                e = bucket[term] = _Entry()
            e.brands[brand] = e.brands.get(brand, 0) + 1
            self.dirty.add((b, term))

    def partials(self) -> list[tuple[bytes, bytes]]:
        out = []
        for b, term in sorted(self.dirty):
            e = self.buckets[b][term]
            p = TermPartial(term, b, self.source, self.version, e.count, self.watermark,
                            *((tuple(e.examples), tuple(e.terms)) if e.fresh else ((), ())),
                            tuple(sorted(e.brands.items())))
            e.fresh = False
            out.append((term.encode(), encode_partial(p)))
        self.dirty.clear()
        return out

    def close(self, grace: float) -> bool:
        """Close the buckets the watermark has passed by ``grace``; True if any closed."""
        if not math.isfinite(self.watermark):
            return False
        limit = math.floor((self.watermark - grace) / self.config.bucket)
        if limit <= self.closed_below:
            return False
        self.closed_below = limit
        for b in [b for b in self.buckets if b < limit]:
            del self.buckets[b]
        return True

    def saved(self) -> _SavedCounts:
        buckets = {b: {t: (e.count, e.examples, e.terms) for t, e in terms.items()}
                   for b, terms in self.buckets.items()}
        brands = {b: {t: dict(e.brands) for t, e in terms.items() if e.brands}
                  for b, terms in self.buckets.items()}
        return _SavedCounts(buckets, self.watermark, self.closed_below, self.source,
                            self.version, self.late, {b: v for b, v in brands.items() if v})

    def load(self, saved: _SavedCounts | _Saved) -> None:
        self.buckets = {}
        for b, terms in saved.buckets.items():
            bucket = self.buckets[b] = {}
            for t, (count, examples, example_terms) in terms.items():
                e = bucket[t] = _Entry()
                e.count, e.examples, e.terms = count, list(examples), list(example_terms)
        for b, mentioned in saved.brands.items():
            bucket = self.buckets.setdefault(b, {})
            for t, brands in mentioned.items():
                bucket.setdefault(t, _Entry()).brands = dict(brands)
        self.watermark, self.closed_below = saved.watermark, saved.closed_below
        self.source, self.version, self.late = saved.source, saved.version, saved.late


class TermCounts:
    """Partition *i* of ``posts`` and of ``interactions`` (co-partitioned): the open buckets of
    each. Original posts are counted from ``posts``; replies and quotes from ``interactions``,
    where every post of a conversation lands on one partition (keyed by its root), so they count
    a term once per conversation per short window exactly as the embedded detector does
    (:class:`~reale.signals.thread_gate.ThreadGate`). :meth:`update` /
    :meth:`update_conversation` per record, :meth:`take` per batch (the partials of what
    changed); a bucket closes once its partition's latest post time is ``grace`` seconds past
    its end, and posts arriving later for it are counted as ``late``.

    With ``brands_of`` (the watched brands a post mentions: the matcher role's own watch-queries)
    each term's count also says how many of its posts mention each brand, counted as that
    brand's scope counts them on the embedded runner (a conversation once per brand per short
    window): the merge stage finds the brand a whole-stream moment belongs to from them."""

    def __init__(self, config: MomentConfig, grace: float,
                 brands_of: BrandsOf | None = None) -> None:
        self.config = config
        self.grace = grace
        self.brands_of = brands_of
        self.posts = _Counts(config)
        self.conversations = _Counts(config)
        self.gate = ThreadGate(config.max_threads, config.window_buckets)
        # (brand, conversation) -> term -> bucket: the brand scopes' once-per-conversation rule
        self.brand_gate = ThreadGate(config.max_threads, config.window_buckets)
        self.skipped = 0  # posts with no usable terms
        self.inflight: list[bytes] = []  # the last batch's partials, re-sent after a restore
        self._resend: list[bytes] = []

    @property
    def late(self) -> int:
        return self.posts.late + self.conversations.late

    def update(self, post: Post, partition: int, offset: int, now: float) -> None:
        """A ``posts`` record: counted if it is an original post (replies and quotes are
        counted from ``interactions``), its time moves the partition's watermark either way."""
        c = self.posts
        c.source, c.version = partition, offset
        t = event_time(post.created_at or post.received_at, now)
        if thread_of(post):
            if math.floor(t / self.config.bucket) >= c.closed_below:
                c.watermark = max(c.watermark, t)
            return
        self._count(c, post, t, "")

    def update_conversation(self, post: Post, partition: int, offset: int, now: float) -> None:
        """A post on ``interactions``: counted if it is a reply or quote (a repost is counted
        from ``posts``), each term once per conversation per short window."""
        c = self.conversations
        c.source, c.version = conversation_source(partition), offset
        thread = thread_of(post)
        if thread:
            self._count(c, post, event_time(post.created_at or post.received_at, now), thread)

    def _count(self, c: _Counts, post: Post, t: float, thread: str) -> None:
        words = post_terms(post.text, post.hashtags, self.config.max_terms_per_post)
        if not words:
            self.skipped += 1
            return
        b = c.bucket_of(t)
        if b is None:
            return
        gated = thread and self.config.max_threads > 0
        for brand in self.brands_of(post) if self.brands_of is not None else ():
            mine = self.brand_gate.fresh(f"{brand}\x00{thread}", words, b) if gated else words
            c.add_brand(b, brand, mine)
        if gated:
            words = self.gate.fresh(thread, words, b)
        if words:
            c.add(b, words, Example(post.uri, post.text[:MAX_EXAMPLE]))

    def take(self) -> list[tuple[bytes, bytes]]:
        """``(key, value)`` records for every term whose count changed since the last call (and,
        first after a restore, those of the batch the snapshot was taken in); then close the
        buckets the watermarks have passed."""
        out = [(decode_partial(v).term.encode(), v) for v in self._resend]
        self._resend = []
        out.extend(self.posts.partials())
        out.extend(self.conversations.partials())
        self.inflight = [v for _, v in out]
        self.posts.close(self.grace)
        if self.conversations.close(self.grace):
            self.gate.forget_before(self.conversations.closed_below)
            self.brand_gate.forget_before(self.conversations.closed_below)
        return out

    def snapshot(self) -> bytes:
        p = self.posts.saved()
        return _enc.encode(_Saved(p.buckets, p.watermark, p.closed_below, p.source, p.version,
                                  p.late, self.inflight, self.conversations.saved(),
                                  self.gate.state(), p.brands, self.brand_gate.state()))

    def restore(self, blob: bytes) -> None:
        saved = msgspec.msgpack.decode(blob, type=_Saved)
        self.posts.load(saved)
        self.conversations = _Counts(self.config)
        if saved.conversations is not None:
            self.conversations.load(saved.conversations)
        self.gate.load(saved.threads)
        self.brand_gate.load(saved.brand_threads)
        self._resend = list(saved.inflight)

    def replay_from(self, tp: str, next_offset: int) -> int:
        return next_offset

    def state(self) -> dict[str, Any]:
        return {"open_buckets": len(self.posts.buckets) + len(self.conversations.buckets),
                "late": self.late, "skipped": self.skipped, **self.gate.sizes()}
