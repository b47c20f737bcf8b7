"""A small synthetic post stream for the moment benchmarks: stationary Poisson arrivals, words
drawn from a Zipf vocabulary, and injected bursts of known term, onset, size and duration."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reale.events import Author, Post


@dataclass(frozen=True)
class Burst:
    term: str
    onset: float
    duration: float
    extra_per_min: float  # posts per minute added on top of the term's own rate


@dataclass(frozen=True)
class StreamSpec:
    posts_per_min: float = 2.0
    vocab: int = 3_000
    zipf: float = 1.1
    words_per_post: int = 8


def zipf_probs(spec: StreamSpec) -> np.ndarray:
    w = 1.0 / np.arange(1, spec.vocab + 1) ** spec.zipf
    out: np.ndarray = w / w.sum()
    return out


def term_rate(spec: StreamSpec, rank: int) -> float:
    """Expected posts per minute containing the word of this rank."""
    p = float(zipf_probs(spec)[rank])
    return spec.posts_per_min * (1.0 - (1.0 - p) ** spec.words_per_post)


def rank_for_rate(spec: StreamSpec, per_min: float) -> int:
    """The word whose own rate is closest to ``per_min``."""
    p = zipf_probs(spec)
    rates = spec.posts_per_min * (1.0 - (1.0 - p) ** spec.words_per_post)
    return int(np.argmin(np.abs(rates - per_min)))


def _post(i: int, scope: str, t: float, words: list[str]) -> Post:
    return Post(network="sim", uri=f"sim://{scope}/{i}", author=Author(id=f"u{i % 997}"),
                text=" ".join(words), created_at=t)


def stream(spec: StreamSpec, duration: float, seed: int, scope: str = "brand",
           bursts: tuple[Burst, ...] = (), start: float = 0.0) -> list[Post]:
    """Posts in time order over ``duration`` seconds."""
    rng = np.random.default_rng(seed)
    n = rng.poisson(spec.posts_per_min * duration / 60.0)
    times = np.sort(rng.uniform(0.0, duration, n))
    probs = zipf_probs(spec)
    words = rng.choice(spec.vocab, size=(n, spec.words_per_post), p=probs)
    events = [(float(t), [f"kw{k}" for k in row]) for t, row in zip(times, words, strict=True)]
    for b in bursts:
        m = rng.poisson(b.extra_per_min * b.duration / 60.0)
        bt = np.sort(rng.uniform(b.onset, b.onset + b.duration, m))
        # the burst's posts carry the term and words never seen elsewhere, so that only the
        # injected term changes rate
        events += [(float(t), [b.term, *(f"n{j}x{i}" for j in range(spec.words_per_post - 1))])
                   for i, t in enumerate(bt)]
    events.sort(key=lambda e: e[0])
    return [_post(i, scope, start + t, w) for i, (t, w) in enumerate(events)]
