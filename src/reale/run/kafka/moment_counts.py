"""Whole-stream moments on Kafka, step one: per ``posts`` partition, each term's count per time
bucket (with its first example posts and co-occurring terms), sent on ``moment-terms`` keyed by
term as *cumulative* partials versioned by the partition's offset. Pure state, no I/O.

Why cumulative counts: a partial says "in posts partition P, up to offset V, term T appeared in
N posts of bucket B". The count at offset V is the same however the stream was cut into batches,
so the merger keeps, per (T, B, P), the partial of the highest V and ignores the others: a
partial sent again after a crash (or a whole partition counted again from a snapshot) can never
add to the count, only repeat it or bring it up to date.
"""

from __future__ import annotations

import math
from typing import Any

import msgspec

from reale.errors import DecodeError
from reale.events import Post
from reale.signals.moment_scope import Example, MomentConfig
from reale.signals.terms import terms as post_terms
from reale.signals.windows import event_time

MAX_EXAMPLE = 280  # characters of an example post kept and sent


class TermPartial(msgspec.Struct, frozen=True, array_like=True):
    """One term's count in one bucket of one ``posts`` partition, up to an offset."""

    term: str
    bucket: int  # floor(event time / bucket seconds)
    source: int  # the posts partition counted
    version: int  # offset of the last post of ``source`` counted: a higher version supersedes
    count: int  # posts with the term in (source, bucket) up to ``version``: cumulative
    watermark: float  # the latest post time ``source`` had shown when this was sent
    examples: tuple[Example, ...] = ()  # the first posts with the term; only when they changed
    example_terms: tuple[tuple[str, ...], ...] = ()  # each example's terms (co-occurrence)


_enc = msgspec.msgpack.Encoder()
_dec = msgspec.msgpack.Decoder(TermPartial)


def encode_partial(p: TermPartial) -> bytes:
    return _enc.encode(p)


def decode_partial(raw: bytes) -> TermPartial:
    try:
        return _dec.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise DecodeError(f"a moment-terms record on Kafka could not be decoded: {exc}") from exc


class _Entry:
    __slots__ = ("count", "examples", "fresh", "terms")

    def __init__(self) -> None:
        self.count = 0
        self.examples: list[Example] = []
        self.terms: list[tuple[str, ...]] = []  # the terms of each example post
        self.fresh = False  # examples changed since last sent


class _Saved(msgspec.Struct):
    buckets: dict[int, dict[str, tuple[int, list[Example], list[tuple[str, ...]]]]]
    watermark: float
    closed_below: int
    source: int
    version: int
    late: int
    inflight: list[bytes]


class TermCounts:
    """One ``posts`` partition's open buckets. :meth:`update` per post, :meth:`take` per batch
    (the partials of what changed); a bucket closes once the partition's latest post time is
    ``grace`` seconds past its end, and posts arriving later for it are counted as ``late``."""

    def __init__(self, config: MomentConfig, grace: float) -> None:
        self.config = config
        self.grace = grace
        self.buckets: dict[int, dict[str, _Entry]] = {}
        self.watermark = -math.inf
        self.closed_below = -(2**62)
        self.source = 0
        self.version = -1
        self.late = 0
        self.skipped = 0  # posts with no usable terms
        self._dirty: set[tuple[int, str]] = set()
        self.inflight: list[bytes] = []  # the last batch's partials, re-sent after a restore
        self._resend: list[bytes] = []

    def update(self, post: Post, partition: int, offset: int, now: float) -> None:
        cfg = self.config
        self.source, self.version = partition, offset
        words = post_terms(post.text, post.hashtags, cfg.max_terms_per_post)
        if not words:
            self.skipped += 1
            return
        t = event_time(post.created_at or post.received_at, now)
        b = math.floor(t / cfg.bucket)
        if b < self.closed_below:
            self.late += 1
            return
        self.watermark = max(self.watermark, t)
        bucket = self.buckets.setdefault(b, {})
        example = Example(post.uri, post.text[:MAX_EXAMPLE])
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
            self._dirty.add((b, term))

    def take(self) -> list[tuple[bytes, bytes]]:
        """``(key, value)`` records for every term whose count changed since the last call (and,
        first after a restore, those of the batch the snapshot was taken in); then close the
        buckets the watermark has passed."""
        out = [(decode_partial(v).term.encode(), v) for v in self._resend]
        self._resend = []
        for b, term in sorted(self._dirty):
            e = self.buckets[b][term]
            p = TermPartial(term, b, self.source, self.version, e.count, self.watermark,
                            *((tuple(e.examples), tuple(e.terms)) if e.fresh else ((), ())))
            e.fresh = False
            out.append((term.encode(), encode_partial(p)))
        self._dirty.clear()
        self.inflight = [v for _, v in out]
        if math.isfinite(self.watermark):
            self.closed_below = max(self.closed_below,
                                    math.floor((self.watermark - self.grace) / self.config.bucket))
        for b in [b for b in self.buckets if b < self.closed_below]:
            del self.buckets[b]
        return out

    def snapshot(self) -> bytes:
        buckets = {b: {t: (e.count, e.examples, e.terms) for t, e in terms.items()}
                   for b, terms in self.buckets.items()}
        return _enc.encode(_Saved(buckets, self.watermark, self.closed_below, self.source,
                                  self.version, self.late, self.inflight))

    def restore(self, blob: bytes) -> None:
        saved = msgspec.msgpack.decode(blob, type=_Saved)
        self.buckets = {}
        for b, terms in saved.buckets.items():
            bucket = self.buckets[b] = {}
            for t, (count, examples, example_terms) in terms.items():
                e = bucket[t] = _Entry()
                e.count, e.examples, e.terms = count, list(examples), list(example_terms)
        self.watermark, self.closed_below = saved.watermark, saved.closed_below
        self.source, self.version, self.late = saved.source, saved.version, saved.late
        self._resend = list(saved.inflight)

    def replay_from(self, tp: str, next_offset: int) -> int:
        return next_offset

    def state(self) -> dict[str, Any]:
        return {"open_buckets": len(self.buckets), "late": self.late, "skipped": self.skipped}

