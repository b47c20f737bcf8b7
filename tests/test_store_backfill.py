"""Migration 0013 no longer fills ``post_at`` in one UPDATE inside the migrations' transaction
(which held ALTER TABLE's lock on mentions for the whole fill of a large PostgreSQL store): the
fill runs afterwards, a batch per transaction, resumes where it stopped, and marks the rollup
buckets it moves mentions to. A store that applied the first text of 0013 still opens. On SQLite
and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reale.clock import ManualClock
from reale.errors import StoreError
from reale.store import Store, open_store
from reale.store.backfill import POST_AT, fill_post_times
from reale.store.migrations import Applied, load_migrations, pending
from reale.web.rollup import Rollups
from tests.store_helpers import migrations_until, store_url
from tests.test_store_mention_post_time import MATCHED, POSTED, a_post, post_times

__all__ = ["store_url"]  # the fixture, imported for pytest
HOUR = 3600.0
# The first text of 0013, as stores that applied it have it recorded (byte for byte).
FIRST_0013 = (
    "-- A mention carries the time of its post (post_at, the post's created_at), so reports count"
    " this\n-- week's mentions by when they were posted, like opportunities, not by when Reale"
    " matched them:\n-- a replayed recording or a late-arriving post falls on its post's day (see"
    " docs/web.md). Rows\n-- written before this migration take their post's time from posts"
    " (matched_at when the post is\n-- gone). Indexed like matched_at: per brand and overall, so"
    " a period's count reads the index alone.\n-- Portable SQL (SQLite and PostgreSQL).\nALTER"
    " TABLE mentions ADD COLUMN post_at {{float}} NOT NULL DEFAULT 0;\nUPDATE mentions SET"
    " post_at = COALESCE(\n    (SELECT p.created_at FROM posts p WHERE p.uri = mentions.post_uri),"
    " matched_at);\nCREATE INDEX mentions_brand_post_time ON mentions (brand, post_at);\nCREATE"
    " INDEX mentions_post_time ON mentions (post_at)\n")


def a_0012_store(url: str, tmp_path: Path, n: int) -> None:
    """Mentions 1..n as a 0012 store holds them: no post_at; posts 1 and 2 stored, the rest gone."""
    with open_store(url, migrations_dir=migrations_until(12, tmp_path)) as old:
        old.write_posts([a_post(1), a_post(2)])
        with old.transaction() as tx:
            for i in range(1, n + 1):
                tx.execute("INSERT INTO mentions (brand, post_uri, query, spans, matched_at,"
                           " stored_at) VALUES (?, ?, ?, '[]', ?, ?)",
                           ("Fiori", a_post(i).uri, "fiori", MATCHED + i, MATCHED + i))


def expected(n: int) -> dict[str, float]:
    return {a_post(i).uri: POSTED + i if i <= 2 else MATCHED + i for i in range(1, n + 1)}


def backfill_state(store: Store) -> list[tuple[str, int]]:
    return [(str(r[0]), int(r[1])) for r in store.query(
        "SELECT post_uri, done FROM store_backfills WHERE name = ?", (POST_AT,))]


def test_the_migration_fills_no_rows_and_the_fill_goes_by_batches(store_url: str,
                                                                  tmp_path: Path) -> None:
    a_0012_store(store_url, tmp_path, 5)
    with open_store(store_url, migrate=False, clock=ManualClock(MATCHED)) as store:
        first = next(m for m in load_migrations(store.dialect) if m.name.startswith("0013_"))
        assert not [s for s in first.statements if s.lstrip().upper().startswith("UPDATE")]
        assert "0013_mention_post_time" in store.migrate(backfill=False)
        assert set(post_times(store).values()) == {0.0}
        assert backfill_state(store) == [("", 0)]
        assert fill_post_times(store, batch=2, batches=1) == 2  # one transaction, two mentions
        keys = sorted(expected(5))
        assert post_times(store) == {u: expected(5)[u] if u in keys[:2] else 0.0 for u in keys}
        assert backfill_state(store) == [(keys[1], 0)]
    with open_store(store_url, clock=ManualClock(MATCHED)) as store:  # the next open finishes it
        assert post_times(store) == expected(5)
        assert backfill_state(store) == [(keys[-1], 1)]
        assert fill_post_times(store) == 0
        # the rollups count the filled mentions in their post's hour, not in 1970's
        rollups, now = Rollups(store), MATCHED + 86_400
        posted = (POSTED // HOUR) * HOUR
        assert rollups.totals(["Fiori"], posted, posted + HOUR, now) == {"Fiori": 2}
        assert rollups.totals(["Fiori"], 0.0, 2 * HOUR, now) == {"Fiori": 0}
        matched = (MATCHED // HOUR) * HOUR
        assert rollups.totals(["Fiori"], matched, matched + HOUR, now) == {"Fiori": 3}


def test_a_store_that_applied_the_first_0013_opens_and_is_not_filled_again(
        store_url: str, tmp_path: Path) -> None:
    a_0012_store(store_url, tmp_path, 3)
    (tmp_path / "first").mkdir()
    folder = migrations_until(12, tmp_path / "first")
    (folder / "0013_mention_post_time.sql").write_text(FIRST_0013, encoding="utf-8")
    with open_store(store_url, migrations_dir=folder) as old:  # filled by its UPDATE
        assert post_times(old) == expected(3)
        recorded = {a.name: a.checksum for a in old.applied_migrations()}
    with open_store(store_url) as store:
        assert {a.name: a.checksum for a in store.applied_migrations()}[
            "0013_mention_post_time"] == recorded["0013_mention_post_time"]
        assert [m.name for m in store.applied_migrations()][-1] == "0020_rollup_touches"
        assert post_times(store) == expected(3)
        assert backfill_state(store) == []  # nothing left at post_at 0: no fill set up


def test_only_the_listed_former_texts_of_a_migration_pass(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(migrations_until(17, tmp_path), folder)
    store = open_store(f"sqlite:///{tmp_path}/x.sqlite", migrate=False)
    try:
        shipped = load_migrations(store.dialect, folder)
        first = next(m for m in shipped if m.name == "0013_mention_post_time")
        assert len(first.former) == 2
        applied = [Applied(name=first.name, version=13, checksum=c, applied_at=0.0)
                   for c in first.former[:1]]
        assert first not in pending(shipped, applied)
        with pytest.raises(StoreError, match="changed after it was applied"):
            pending(shipped, [Applied(name=first.name, version=13, checksum="0" * 64,
                                      applied_at=0.0)])
    finally:
        store.close()
