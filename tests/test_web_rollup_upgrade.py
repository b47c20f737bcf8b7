"""Migration 0015 drops the brand pages' rollups built by match time: a store upgraded from 0014
rebuilds them by post time on the next page view, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from reale.clock import ManualClock
from reale.events import Mention
from reale.store import open_store
from reale.web.rollup import Rollups
from tests.store_helpers import migrations_until
from tests.test_store_mention_post_time import MATCHED, POSTED, a_post

HOUR = 3600.0


def test_an_upgraded_store_counts_its_brand_pages_by_post_time(store_url: str,
                                                               tmp_path: Path) -> None:
    match_hour = int(MATCHED // HOUR)
    with open_store(store_url, clock=ManualClock(MATCHED),
                    migrations_dir=migrations_until(14, tmp_path)) as old:
        old.write_mentions([Mention(brand="Fiori", query="fiori", post=a_post(n),
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
