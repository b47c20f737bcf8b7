"""How much one read of the store follower (``reale serve``'s live feed from the store) costs on a
desk's worth of data: at rest, catching up a second of 500 mentions/s stored by another
connection with their labels, and sending those rows again when their labels land a batch later
(as on Kafka), in a SQLite file and (when installed) embedded PostgreSQL.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import msgspec

from reale.clock import ManualClock
from reale.store import Store, open_store
from reale.web.data import labelled, register_writers
from reale.web.follow import StoreFollower
from reale.web.hub import LiveHub

RATE = 500  # mentions per second stored by the other process (the web desk's live target)
POLL_TARGET_MS = 250.0  # a quarter of the default follow_interval (1 s)


def _second(writer: Store, clock: ManualClock, n: int, start: int, *,
            labels_later: bool = False) -> list[Any]:
    """One second of ``RATE`` mentions with labels, as a worker stores them (one batch); with
    ``labels_later``, the mentions only, as a Kafka matcher stores them, and the labels'
    batch (what a stages worker stores next) is returned instead."""
    from reale.bench._web_data import mentions

    items: list[Any] = []
    labels: dict[str, Any] = {}
    for i, (m, lab) in enumerate(mentions(n, seed=start)):
        post = msgspec.structs.replace(m.post, uri=f"{m.post.uri}/live{start + i}")
        items.append(msgspec.structs.replace(m, post=post))
        labels[post.uri] = lab
    clock.advance(1.0)
    later = list(labelled(labels, clock.now()))
    writer.write_batch(items if labels_later else [*items, *later])
    return later if labels_later else []


def _timed(follower: StoreFollower) -> tuple[float, int]:
    t0 = time.perf_counter()
    sent = follower.poll()
    return (time.perf_counter() - t0) * 1000, sent


def measure(url: str, n: int, rounds: int, where: str) -> list[dict[str, Any]]:
    """The follower's figures on the store at ``url`` filled with ``n`` mentions."""
    from reale.bench._web_data import fill

    store = open_store(url)
    fill(store, n)  # stamped now by the store's clock: the history the follower starts after
    clock = ManualClock(time.time())  # the other process's clock, a second per batch
    writer = open_store(url, clock=clock)
    register_writers(writer)
    try:
        hub = LiveHub()
        sub = hub.subscribe()
        follower = StoreFollower(store, hub, cap=1_000)
        start_ms, _ = _timed(follower)
        idle = [_timed(follower)[0] for _ in range(20)]
        catch_up, uris = [], []
        for r in range(rounds):
            _second(writer, clock, RATE, 1_000_000 + r * RATE)
            catch_up.append(_timed(follower)[0])
            frames, _ = sub.take(10_000)
            uris += [msgspec.json.decode(f)["uri"] for f in frames]
        updating, updated = [], []
        for r in range(rounds):  # as on Kafka: the mentions first, their labels a batch later
            later = _second(writer, clock, RATE, 2_000_000 + r * RATE, labels_later=True)
            follower.poll()
            clock.advance(0.5)
            writer.write_batch(later)
            updating.append(_timed(follower)[0])
            frames, _ = sub.take(10_000)
            updated += [(e["uri"], e.get("update", False), e["sentiment"])
                        for e in (msgspec.json.decode(f) for f in frames)]
    finally:
        writer.close()
        store.close()
    med, worst, want = statistics.median(catch_up), max(catch_up), rounds * RATE
    upd = statistics.median(updating)
    updates = [u for u, is_update, _ in updated if is_update]
    sent = {u for u, is_update, _ in updated if not is_update}
    return [
        {"name": f"web.follow.{where}.start", "value": round(start_ms, 1), "unit": "ms",
         "target": None, "ok": True, "note": f"the start mark on {n:,} stored mentions"},
        {"name": f"web.follow.{where}.idle", "value": round(statistics.median(idle), 2),
         "unit": "ms", "target": None, "ok": True,
         "note": "one read with nothing new (median of 20)"},
        {"name": f"web.follow.{where}.catch_up", "value": round(med, 1), "unit": "ms",
         "target": f"≤ {POLL_TARGET_MS:g} ms", "ok": med <= POLL_TARGET_MS,
         "note": f"one read publishing a second of {RATE} mentions/s with labels (median of "
                 f"{rounds}; worst {worst:.0f} ms)"},
        {"name": f"web.follow.{where}.exactly_once", "value": len(set(uris)), "unit": "mentions",
         "target": want, "ok": len(uris) == len(set(uris)) == want,
         "note": f"distinct mentions a client received ({len(uris):,} events): none lost, "
                 "none twice"},
        {"name": f"web.follow.{where}.label_updates", "value": round(upd, 1), "unit": "ms",
         "target": f"≤ {POLL_TARGET_MS:g} ms", "ok": upd <= POLL_TARGET_MS,
         "note": f"one read sending {RATE} rows again with the labels stored a batch after "
                 f"their mentions (as on Kafka; median of {rounds}; worst "
                 f"{max(updating):.0f} ms)"},
        {"name": f"web.follow.{where}.updated_once", "value": len(set(updates)),
         "unit": "mentions", "target": want,
         "ok": len(updates) == len(set(updates)) == want and set(updates) == sent,
         "note": f"rows a client got again with their late labels ({len(updates):,} updates): "
                 "each sent row once, none twice"},
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    from reale.store.embedded_pg import EmbeddedPostgres, available

    rounds = 5 if quick else 20
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(f"sqlite:///{Path(tmp) / 'follow-bench.sqlite'}",
                       20_000 if quick else 100_000, rounds, "sqlite")
    if available():
        pg = EmbeddedPostgres()
        pg.start()
        try:
            rows += measure(pg.fresh_database(), 20_000, rounds, "postgresql")
        finally:
            pg.stop()
    return rows


if __name__ == "__main__":
    from reale.bench.__main__ import run_alone

    raise SystemExit(run_alone("web_follow", run))
