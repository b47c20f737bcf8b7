"""Migration 0013 gives every mention its post's time (``post_at``), the clock reports count by:
new mentions are written with it, and a store upgraded from 0012 fills it in for the mentions it
already holds (from their posts; ``matched_at`` when the post is gone), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from reale.events import Author, Mention, Post
from reale.store import Store, open_store
from tests.store_helpers import migrations_until

POSTED, MATCHED = 1_779_300_000.0, 1_780_000_000.0


def a_post(n: int) -> Post:
    return Post(network="bluesky", uri=f"at://did:plc:a/app.bsky.feed.post/{n}",
                author=Author(id="did:plc:a"), text="fiori", created_at=POSTED + n)


def post_times(store: Store) -> dict[str, float]:
    return {str(uri): float(at) for uri, at in store.query("SELECT post_uri, post_at FROM mentions")}


def test_a_mention_is_written_with_its_posts_time(store_url: str) -> None:
    with open_store(store_url) as store:
        store.write_mentions([Mention(brand="Fiori", query="fiori", post=a_post(1),
                                      matched_at=MATCHED)])
        assert post_times(store) == {a_post(1).uri: POSTED + 1}


def test_an_upgraded_store_gives_its_old_mentions_their_posts_time(store_url: str,
                                                                   tmp_path: Path) -> None:
    with open_store(store_url, migrations_dir=migrations_until(12, tmp_path)) as old:
        old.write_posts([a_post(1), a_post(2)])
        with old.transaction() as tx:  # as a 0012 store wrote them: no post_at yet
            for n in (1, 2, 3):  # post 3 is gone (never stored)
                tx.execute("INSERT INTO mentions (brand, post_uri, query, spans, matched_at,"
                           " stored_at) VALUES (?, ?, ?, '[]', ?, ?)",
                           ("Fiori", a_post(n).uri, "fiori", MATCHED + n, MATCHED + n))
    with open_store(store_url) as store:
        assert "0013_mention_post_time" in [m.name for m in store.applied_migrations()]
        assert post_times(store) == {a_post(1).uri: POSTED + 1, a_post(2).uri: POSTED + 2,
                                     a_post(3).uri: MATCHED + 3}


def test_a_periods_count_by_post_time_reads_an_index_alone(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path}/reale.sqlite") as store:
        plans = {brand: " ".join(str(r[-1]) for r in store.query(
            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM mentions WHERE post_at >= ? AND post_at < ?"
            + (" AND brand = ?" if brand else ""), (0.0, 1.0, *((brand,) if brand else ()))))
            for brand in ("", "Fiori")}
    assert "COVERING INDEX mentions_post_time" in plans[""]
    assert "COVERING INDEX mentions_brand_post_time" in plans["Fiori"]
