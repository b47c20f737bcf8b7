"""How long a save of the signals holds the event loop: the capture (on the loop, one instant)
against a whole snapshot made there as before, and the encoding left to the thread, after a
stream of mentioned posts and their reposts, likes and replies (CPU time, best of a few)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from reale.clock import ManualClock
from reale.events import Author, Interaction, Mention, Post
from reale.signals import snapshot
from reale.signals.hub import Signals
from reale.signals.settings import SignalsConfig

T0 = 1_700_000_000.0
KINDS = ("repost", "like", "reply")


class _Stream:
    """Posts mentioned by one brand, each followed by three interactions on a post chosen among
    all (or among the ``recent`` newest), 20 events a second."""

    def __init__(self, signals: Signals, clock: ManualClock, seed: int = 1) -> None:
        self.signals, self.clock, self.rng = signals, clock, random.Random(seed)
        self.posts: list[str] = []
        self.events = 0

    def feed(self, count: int, recent: int = 0) -> None:
        end = self.events + count
        while self.events < end:
            i = len(self.posts)
            self.clock.set(T0 + self.events * 0.05)
            post = Post(network="bluesky", uri=f"at://did:plc:a{i}/app.bsky.feed.post/{i}",
                        author=Author(id=f"did:plc:a{i}", followers=self.rng.randint(10, 50_000)),
                        text=f"volta numero {i} #tag{i % 50}", created_at=self.clock.now(),
                        hashtags=(f"tag{i % 50}",))
            self.posts.append(post.uri)
            self.signals.on_post(post)
            self.signals.on_mention(Mention(brand="Volta", query="volta", post=post))
            for k in range(3):
                subject = self.rng.choice(self.posts[-recent:] if recent else self.posts)
                who = f"did:plc:f{self.rng.randint(0, 3000)}"
                self.signals.on_interaction(Interaction(
                    network="bluesky", uri=f"at://{who}/e/{self.events}-{k}",
                    kind=self.rng.choice(KINDS), author=Author(id=who, followers=100),
                    subject=subject, created_at=self.clock.now()))
            self.events += 5


def _cpu_ms(work: Callable[[], object]) -> float:
    start = time.thread_time()
    work()
    return (time.thread_time() - start) * 1000


def _whole(signals: Signals) -> None:
    """A whole snapshot made on the loop, as a save was before: every part's state built and
    encoded at once."""
    for part in (signals.profiles, signals.reach_signal, signals.moments_detector):
        part.snapshot()
    snapshot.pack("cascades", signals.cascades.state())
    snapshot.pack("momentum", signals.momentum_tracker.state())


def run(quick: bool = False) -> list[dict[str, object]]:
    clock = ManualClock(T0)
    signals = Signals(SignalsConfig(), clock)
    stream = _Stream(signals, clock)
    stream.feed(5_000 if quick else 20_000)
    blobs = signals.capture()()  # the first save encodes every row
    size = sum(len(b) for b in blobs.values())
    loop, thread, whole, reach = [], [], [], []
    for _ in range(2 if quick else 5):
        stream.feed(250 if quick else 1_000, recent=500)  # the stream between two saves
        changed = signals.cascades.rows_to_encode
        start = time.thread_time()
        encode = signals.capture()
        loop.append((time.thread_time() - start) * 1000)
        thread.append(_cpu_ms(encode))
        whole.append(_cpu_ms(lambda: _whole(signals)))
        reach.append(_cpu_ms(signals.reach_signal.capture))
    authors = len(signals.reach_signal.capture()()["brands"].get("Volta", []))
    note = (f"{stream.events:,} events, {len(signals.cascades):,} cascades, {size / 1e6:.1f} MB; "
            f"{changed} cascades changed since the last save")
    return [
        {"name": "signals.save.loop_ms", "value": min(loop), "unit": "ms", "target": None,
         "ok": True, "note": "capture on the event loop (CPU, best); " + note},
        {"name": "signals.save.whole_snapshot_ms", "value": min(whole), "unit": "ms",
         "target": None, "ok": True, "note": "a whole snapshot on the loop, as before"},
        {"name": "signals.save.reach_loop_ms", "value": min(reach), "unit": "ms", "target": None,
         "ok": True, "note": f"the reach's part of the capture ({authors:,} authors copied, one "
                             "dict copy per brand; its rows are built on the thread)"},
        {"name": "signals.save.thread_ms", "value": min(thread), "unit": "ms", "target": None,
         "ok": True, "note": "encoding left to the thread"},
        {"name": "signals.save.bytes", "value": size, "unit": "bytes", "target": None, "ok": True,
         "note": note},
    ]


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("signals_save", run))
