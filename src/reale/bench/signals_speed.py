"""Throughput of the signals stage on one core: interactions (cascade + momentum) and posts
(whole-stream moments)."""

from __future__ import annotations

import time

import numpy as np

from reale.clock import ManualClock
from reale.events import Author, Interaction, Mention, Post
from reale.signals.hub import Signals
from reale.signals.settings import SignalsConfig

KINDS = ("like", "like", "like", "repost", "repost", "reply", "quote")


def interactions_per_second(n: int, roots: int = 1_000, seed: int = 1) -> float:
    rng = np.random.default_rng(seed)
    clock = ManualClock(1_700_000_000.0)
    signals = Signals(SignalsConfig(), clock)
    for r in range(roots):
        post = Post(network="bluesky", uri=f"at://root/{r}", author=Author(id=f"a{r}", followers=5000),
                    text="root", created_at=clock.now(), hashtags=("tag",))
        signals.on_mention(Mention(brand=f"b{r % 10}", query="q", post=post))
    who = rng.integers(0, 50_000, n)
    subject = rng.zipf(1.5, n) % roots
    kind = rng.integers(0, len(KINDS), n)
    events = [Interaction(network="bluesky", uri=f"at://u{w}/e/{i}", kind=KINDS[k],
                          author=Author(id=f"u{w}", followers=int(w % 3000)),
                          subject=f"at://root/{s}", created_at=clock.now() + i * 0.01)
              for i, (w, s, k) in enumerate(zip(who, subject, kind, strict=True))]
    start = time.perf_counter()
    for i, e in enumerate(events):
        clock.set(e.created_at)
        signals.on_interaction(e)
        if i % 1000 == 0:
            signals.momentum(f"at://root/{subject[i]}")
    return n / (time.perf_counter() - start)


def posts_per_second(n: int, seed: int = 2) -> float:
    rng = np.random.default_rng(seed)
    clock = ManualClock(1_700_000_000.0)
    signals = Signals(SignalsConfig(), clock)
    vocab = [f"word{i}" for i in range(20_000)]
    ranks = rng.zipf(1.3, (n, 12)) % len(vocab)
    posts = [Post(network="bluesky", uri=f"at://p/{i}", author=Author(id=str(i)),
                  text=" ".join(vocab[k] for k in row), created_at=clock.now() + i * 0.02)
             for i, row in enumerate(ranks)]
    start = time.perf_counter()
    for p in posts:
        clock.set(p.created_at)
        signals.on_post(p)
    return n / (time.perf_counter() - start)
