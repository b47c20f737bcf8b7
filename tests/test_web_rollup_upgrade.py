"""Migration 0015 drops the brand pages' rollups built by match time: a store upgraded from 0014
rebuilds them by post time on the next page view; 0016 drops the rollups built by watermark and
marks every bucket holding mentions unrolled; 0020 turns 0016's counters into marks that writers
append. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import msgspec

from reale.clock import ManualClock
from reale.events import Mention
from reale.store import Store, open_store
from reale.store.buckets import bucket_of
from reale.store.rows import mention_row
from reale.store.writes import MENTION_COLUMNS
from reale.web.rollup import Rollups
from tests.store_helpers import migrations_until
from tests.test_store_mention_post_time import MATCHED, POSTED, a_post

HOUR = 3600.0


def old_release_writes(store: Store, mentions: list[Mention]) -> None:
    """Posts and mentions written as a release before 0016 did (no rollup_buckets yet)."""
    store.write_posts([m.post for m in mentions])
    with store.transaction() as tx:
        tx.insert_rows("mentions", MENTION_COLUMNS, [mention_row(m, MATCHED) for m in mentions],
                       "ON CONFLICT (brand, post_uri) DO NOTHING")


def test_an_upgraded_store_counts_its_brand_pages_by_post_time(store_url: str,
                                                               tmp_path: Path) -> None:
    match_hour = int(MATCHED // HOUR)
    with open_store(store_url, clock=ManualClock(MATCHED),
                    migrations_dir=migrations_until(14, tmp_path)) as old:
        old_release_writes(old, [Mention(brand="Fiori", query="fiori", post=a_post(n),
                                         matched_at=MATCHED) for n in (1, 2)])
        with old.transaction() as tx:  # what the rollups by matched_at had built
            tx.execute("INSERT INTO brand_hours (brand, hour, sentiment, intent, n)"
                       " VALUES (?, ?, '', '', 2)", ("Fiori", match_hour))
            tx.execute("INSERT INTO rollup_marks (name, mark) VALUES (?, ?)",
                       ("hours:Fiori", match_hour + 1))
    with open_store(store_url, clock=ManualClock(MATCHED)) as store:
        assert "0015_rollup_post_time" in [m.name for m in store.applied_migrations()]
        assert [int(r[0]) for r in store.query("SELECT COUNT(*) FROM brand_hours")] == [0]
        rollups, now = Rollups(store), MATCHED + 86_400
        posted_hour = (POSTED // HOUR) * HOUR
        assert rollups.totals(["Fiori"], posted_hour, posted_hour + HOUR, now) == {"Fiori": 2}
        assert rollups.totals(["Fiori"], match_hour * HOUR, (match_hour + 1) * HOUR, now) == \
            {"Fiori": 0}


def test_an_upgraded_store_recounts_every_bucket_of_its_old_mentions(store_url: str,
                                                                    tmp_path: Path) -> None:
    """The rollup a 0015 store built by watermark missed a late mention; after 0016 every
    bucket holding a mention starts unrolled, hostile post times included, and reads are exact."""
    hour = (POSTED // HOUR) * HOUR
    times = [hour + 10, hour - 5e-7, hour + HOUR - 1e-6, 1e300, -7200.5, 0.0]
    olds = [Mention(brand="Fiori", query="fiori", post=msgspec.structs.replace(
        a_post(n), created_at=at), matched_at=MATCHED) for n, at in enumerate(times)]
    with open_store(store_url, clock=ManualClock(MATCHED),
                    migrations_dir=migrations_until(15, tmp_path)) as old:
        old_release_writes(old, olds)
        with old.transaction() as tx:  # what the watermark had rolled: one mention, not two
            tx.execute("INSERT INTO brand_hours (brand, hour, sentiment, intent, n)"
                       " VALUES (?, ?, '', '', 1)", ("Fiori", int(hour // HOUR)))
            tx.execute("INSERT INTO rollup_marks (name, mark) VALUES (?, ?)",
                       ("hours:Fiori", int(MATCHED // HOUR)))
    with open_store(store_url, clock=ManualClock(MATCHED)) as store:
        assert "0016_rollup_buckets" in [m.name for m in store.applied_migrations()]
        assert store.query("SELECT COUNT(*) FROM brand_hours") == [(0,)]
        state = {(str(r[0]), int(r[1])) for r in store.query(
            "SELECT kind, bucket FROM rollup_touches")}
        assert state == {(k, bucket_of(at, w)) for at in times for k, w in (("h", HOUR),
                                                                             ("d", 86_400.0))}
        rollups, now = Rollups(store), MATCHED + 86_400
        for since, until in ((hour - HOUR, hour + 2 * HOUR), (hour - 86_400, hour + 86_400),
                             (-86_400.0, 86_400.0)):
            assert rollups.totals(["Fiori"], since, until, now) == {"Fiori": sum(
                since <= at < until for at in times)}
        assert store.query("SELECT COUNT(*) FROM rollup_touches"
                           " WHERE bucket * 3600.0 < ? AND kind = 'h'", (now - 2 * HOUR,)) == [(0,)]


def test_a_store_with_0016_counters_keeps_what_it_rolled_and_recounts_the_rest(
        store_url: str, tmp_path: Path) -> None:
    """0020 gives every bucket 0016 tracked a state row and every one it had not rolled up to
    date (``rolled <> wrote``) a mark, so the stale rollup row of a bucket written after its roll
    is never read, and the page counts what the mentions hold."""
    hour = (POSTED // HOUR) * HOUR
    a, b = int(hour // HOUR), int(hour // HOUR) + 1
    day = int(hour // 86_400)
    times = [hour + 10, hour + 20, hour + HOUR + 30]  # two in hour a, one in hour b
    olds = [Mention(brand="Fiori", query="fiori", post=msgspec.structs.replace(
        a_post(n), created_at=at), matched_at=MATCHED) for n, at in enumerate(times)]
    with open_store(store_url, clock=ManualClock(MATCHED),
                    migrations_dir=migrations_until(17, tmp_path)) as old:
        old_release_writes(old, olds)
        with old.transaction() as tx:  # a rolled, b rolled before its late mention, the day not
            tx.executemany("INSERT INTO rollup_buckets (brand, kind, bucket, wrote, rolled)"
                           " VALUES ('Fiori', ?, ?, ?, ?)",
                           [("h", a, 2, 2), ("h", b, 2, 1), ("d", day, 3, 0)])
            tx.executemany("INSERT INTO brand_hours (brand, hour, sentiment, intent, n)"
                           " VALUES ('Fiori', ?, '', '', ?)", [(a, 2), (b, 7)])
    with open_store(store_url, clock=ManualClock(MATCHED)) as store:
        assert "0020_rollup_touches" in [m.name for m in store.applied_migrations()]
        assert {(str(k), int(n)) for k, n in store.query(
            "SELECT kind, bucket FROM rollup_states")} == {("h", a), ("h", b), ("d", day)}
        assert {(str(k), int(n)) for k, n in store.query(
            "SELECT kind, bucket FROM rollup_touches")} == {("h", b), ("d", day)}
        assert Rollups(store, lag=1e12).totals(["Fiori"], hour, hour + 2 * HOUR, MATCHED) == \
            {"Fiori": 3}  # nothing rolled yet: a from its rollup row, b from the mentions
        rollups, now = Rollups(store), MATCHED + 86_400
        assert rollups.totals(["Fiori"], hour, hour + 2 * HOUR, now) == {"Fiori": 3}
        assert store.query("SELECT hour, n FROM brand_hours WHERE brand = 'Fiori'"
                           " ORDER BY hour") == [(a, 2), (b, 1)]
        assert rollups.top_authors("Fiori", day * 86_400.0, (day + 1) * 86_400.0, now) != []
        assert store.query("SELECT COUNT(*) FROM rollup_touches") == [(0,)]
