"""Whole-stream moments on Kafka, in process (no broker): what the count stage costs per post and
sends downstream, how fast the merge stage takes partials, and whether a burst injected into a
Zipf stream split over partitions is raised as the embedded detector raises it.

``python -m reale.bench.kafka_moments [--quick]``
"""

from __future__ import annotations

import random
import time
import zlib
from typing import Any

import msgspec

from reale.clock import ManualClock
from reale.events import Author, Interaction, Post
from reale.run.kafka import codec
from reale.run.kafka.check import simulated_events
from reale.run.kafka.moment_counts import TermCounts, TermPartial, decode_partial
from reale.run.kafka.moment_merge import MomentMerge
from reale.signals.moment_scope import MomentConfig
from reale.signals.moments import MomentDetector

T0 = 1_767_225_600.0
BATCH = 2_000  # posts per batch, as the worker's default


def stream(n: int, rate: float, seed: int = 1) -> tuple[list[Post], int]:
    """``n`` simulated posts (the simulator's background chatter, about half of them replies and
    quotes) re-timed at ``rate`` per second, then a burst of ``#blackout`` (40 posts in a minute)
    two thirds of the way through; and how many interactions (likes, reposts) the simulator
    made beside those posts."""
    rng = random.Random(seed)
    events = simulated_events(n, seed=seed)
    background = [e for e in events if isinstance(e, Post)][:n]
    others = sum(1 for e in events if isinstance(e, Interaction))
    posts = [msgspec.structs.replace(p, created_at=T0 + i / rate) for i, p in enumerate(background)]
    at = T0 + (2 * len(posts) // 3) / rate
    burst = [Post(network="bluesky", uri=f"at://b{k}/p/{k}", author=Author(id=f"b{k}", handle="h"),
                  text=f"#blackout {rng.choice(WORDS)} {k}", created_at=at + 1.5 * k)
             for k in range(40)]
    return sorted(posts + burst, key=lambda p: p.created_at), others


WORDS = ("lights", "stadium", "dark", "wow", "again", "tonight", "fans", "halftime")


class Counted(msgspec.Struct):
    partials: list[TermPartial]
    seconds: float
    size: int  # bytes of partials
    snapshot: int  # bytes of the count states' snapshots at the end


def count(posts: list[Post], cfg: MomentConfig, partitions: int) -> Counted:
    """Partials from ``partitions`` count states, batch by batch, fed as the count stage is:
    every post from ``posts`` (partition by author hash), replies and quotes again from
    ``interactions`` (partition by the conversation's root)."""
    states = [TermCounts(cfg, 30.0) for _ in range(partitions)]
    offsets: dict[tuple[bool, int], int] = {}
    raw: list[bytes] = []
    t = time.perf_counter()
    for start in range(0, len(posts), BATCH):
        for p in posts[start:start + BATCH]:
            part = zlib.crc32(codec.post_key(p)) % partitions
            o = offsets[False, part] = offsets.get((False, part), -1) + 1
            states[part].update(p, part, o, p.created_at)
            if codec.is_conversation_post(p):
                part = zlib.crc32(codec.conversation_key(p)) % partitions
                o = offsets[True, part] = offsets.get((True, part), -1) + 1
                states[part].update_conversation(p, part, o, p.created_at)
        for s in states:
            raw.extend(v for _, v in s.take())
    took = time.perf_counter() - t
    return Counted([decode_partial(v) for v in raw], took, sum(len(v) for v in raw),
                   sum(len(s.snapshot()) for s in states))


def skip_cost(n: int) -> float:
    """Seconds per ``interactions`` record the count stage reads and skips (a like: the pair's
    kind is read, the body is not decoded)."""
    like = codec.encode_conversation(Interaction(
        network="bluesky", uri="at://did:plc:x/app.bsky.feed.like/3k", kind="like",
        author=Author(id="did:plc:x", handle="x.bsky.social"), subject="at://did:plc:y/p/1",
        root="at://did:plc:y/p/0", created_at=T0))
    t = time.perf_counter()
    for _ in range(n):
        codec.decode_conversation_post(like)
    return (time.perf_counter() - t) / n


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 20_000 if quick else 120_000
    rate = 50.0  # posts per second of event time: the stream spans 40 min (full run)
    cfg = MomentConfig(warmup=n / rate / 3)  # a third of the stream, before the burst
    posts, others = stream(n, rate)
    counted = count(posts, cfg, partitions=4)
    partials, took, size = counted.partials, counted.seconds, counted.size
    skip = skip_cost(50_000)
    threaded = sum(1 for p in posts if codec.is_conversation_post(p))
    per_post = took / len(posts) + skip * others / len(posts)
    merge = MomentMerge(cfg, 30.0)
    t = time.perf_counter()
    alerts = []
    for p in partials:
        merge.add(p)
    alerts.extend(merge.close())
    merged_s = time.perf_counter() - t
    merge_kb = len(merge.snapshot()) / 1024
    embedded = MomentDetector(cfg, ManualClock(posts[-1].created_at))
    seen = {a.term for p in posts for a in embedded.update(p)}
    kafka = {a.term for a in alerts}
    return [
        {"name": "count stage, 1 worker", "value": round(len(posts) / took), "unit": "posts/s",
         "note": "terms, bucket counts, examples, once per conversation; partials encoded "
                 f"(no broker); {threaded / len(posts):.0%} of the posts are replies or quotes"},
        {"name": "count stage with the interactions it skips", "value": round(1 / per_post),
         "unit": "posts/s", "note": f"{others / len(posts):.1f} likes and reposts per post read "
                                    f"from interactions, {skip * 1e6:.2f} us each to skip"},
        {"name": "count snapshots (every partition)", "value": round(counted.snapshot / 1024),
         "unit": "kB", "note": "open buckets and the conversations' counted terms"},
        {"name": "partials per post", "value": round(len(partials) / len(posts), 2), "unit": "",
         "note": "records on moment-terms; simulated posts"},
        {"name": "moment-terms bytes per post", "value": round(size / len(posts)), "unit": "B"},
        {"name": "merge stage, 1 worker", "value": round(len(partials) / merged_s),
         "unit": "partials/s", "note": "with the detector and safety reads"},
        {"name": "merge snapshot (1 partition holds every term)", "value": round(merge_kb),
         "unit": "kB", "note": f"open buckets after the stream, {rate:.0f} posts/s"},
        {"name": "injected burst raised (4 partitions)", "value": "#blackout" in kafka, "unit": "",
         "target": True, "ok": "#blackout" in kafka},
        {"name": "same terms as the embedded detector", "value": kafka == seen, "unit": "",
         "target": True, "ok": kafka == seen,
         "note": f"kafka {sorted(kafka)[:5]}, embedded {sorted(seen)[:5]}"},
    ]


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("kafka_moments", run))
