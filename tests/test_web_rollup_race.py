"""Two desks (and more) on one database roll the same hours at once while a writer adds late
mentions and late labels: each bucket is recounted by the desk that claimed it, never added twice,
so the rollup tables themselves equal a count from scratch. Real threads, each with its own
connection, on the embedded PostgreSQL and on one SQLite file."""

from __future__ import annotations

import threading
from collections.abc import Callable

from reale.clock import ManualClock
from reale.events import Mention
from reale.store import Store, open_store
from reale.web.data import save_labels
from reale.web.rollup import Rollups
from tests.store_helpers import store_url
from tests.web_helpers import T0, post

HOUR, DAY = 3600.0, 86_400.0
DESKS, ROUNDS = 4, 6
__all__ = ["store_url"]  # the fixture, imported for pytest


def in_threads(jobs: list[Callable[[], None]]) -> None:
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not [t for t in threads if t.is_alive()] and errors == []


def late_mentions(round_: int) -> list[Mention]:
    """Twenty mentions posted over the last two days (so into hours already rolled up)."""
    return [Mention(brand="Fiori", query="fiori", matched_at=T0, post=post(
        round_ * 100 + i, "fiori", at=T0 - (i * 7 + round_) * 1_000.0, author=f"u{i % 5}"))
        for i in range(20)]


def rolled_hours(store: Store) -> dict[int, int]:
    """What brand_hours holds for the buckets it has rolled and no write marked since."""
    return {int(h): int(n) for h, n in store.query(
        "SELECT r.hour, SUM(r.n) FROM brand_hours r JOIN rollup_states s ON s.brand = r.brand"
        " AND s.kind = 'h' AND s.bucket = r.hour WHERE r.brand = 'Fiori' AND NOT EXISTS"
        " (SELECT 1 FROM rollup_touches t WHERE t.brand = s.brand AND t.kind = s.kind"
        " AND t.bucket = s.bucket) GROUP BY r.hour")}


def scratch_hours(store: Store, hours: set[int]) -> dict[int, int]:
    return {h: int(store.query("SELECT COUNT(*) FROM mentions WHERE brand = 'Fiori' AND"
                               " post_at >= ? AND post_at < ?", (h * HOUR, (h + 1) * HOUR))[0][0])
            for h in hours}


def test_desks_racing_to_roll_the_same_hours_count_each_mention_once(store_url: str) -> None:
    stores = [open_store(store_url, clock=ManualClock(T0)) for _ in range(DESKS + 1)]
    try:
        writer, desks = stores[0], stores[1:]
        writer.write_mentions(late_mentions(0))
        start = threading.Barrier(DESKS + 1)

        def desk(store: Store) -> Callable[[], None]:
            def job() -> None:
                rollups = Rollups(store, batch=7)  # small claims: the desks interleave more
                for r in range(ROUNDS):
                    start.wait(timeout=60)
                    for _ in range(3):
                        rollups.advance("Fiori", T0 + r * HOUR)
            return job

        def write() -> None:
            for r in range(1, ROUNDS + 1):
                start.wait(timeout=60)
                if r < ROUNDS:
                    writer.write_mentions(late_mentions(r))
                    save_labels(writer, {m.post.uri: {"sentiment": "negative"}
                                         for m in late_mentions(r - 1)[::3]})

        in_threads([write] + [desk(s) for s in desks])
        rolled = rolled_hours(desks[0])
        assert len(rolled) > 10  # the race did roll hours up
        assert rolled == scratch_hours(desks[0], set(rolled))
        rollups, now = Rollups(desks[0]), T0 + ROUNDS * HOUR
        week = (T0 - 7 * DAY, T0 + HOUR)
        assert rollups.totals(["Fiori"], *week, now=now) == {"Fiori": 20 * ROUNDS}
        negative = rollups.label_series("Fiori", "sentiment", *week, DAY, now=now)
        assert sum(negative["negative"].values()) == 7 * (ROUNDS - 1)
        top = rollups.top_authors("Fiori", *week, now=now)
        assert sorted(n for _, _, n in top) == [4 * ROUNDS] * 5
    finally:
        for s in stores:
            s.close()
