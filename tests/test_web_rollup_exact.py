"""The brand pages' rollups equal a count from scratch over the mentions table, however late a
mention or its labels reach the store: a writer whose clock lags the desk's, a transaction open
over an hour, a backlog replayed after an outage, labels made hours after their mention. On
SQLite and on the embedded PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reale.clock import ManualClock
from reale.events import Mention
from reale.store import Store, open_store
from reale.store.writes import Batch, write_batch
from reale.web import queries
from reale.web.data import register_writers, save_labels
from reale.web.rollup import Rollups
from tests.store_helpers import store_url
from tests.web_helpers import T0, post

HOUR, DAY = 3600.0, 86_400.0
__all__ = ["store_url"]  # the fixture, imported for pytest


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url, clock=ManualClock(T0))
    try:
        yield s
    finally:
        s.close()


def a_mention(brand: str, n: int, at: float, author: str = "giulia") -> Mention:
    p = post(n, f"{brand} {n}", at=at, author=author)
    return Mention(brand=brand, query=brand.lower(), post=p, matched_at=at)


def scratch_authors(store: Store, brand: str, since: float, until: float) -> dict[Any, int]:
    found = store.query("SELECT p.network, p.author_id, COUNT(*) FROM mentions m JOIN posts p"
                        " ON p.uri = m.post_uri WHERE m.brand = ? AND m.post_at >= ?"
                        " AND m.post_at < ? GROUP BY p.network, p.author_id", (brand, since, until))
    return {(r[0], r[1]): int(r[2]) for r in found}


def assert_exact(store: Store, rollups: Rollups, brand: str, since: float, until: float,
                 now: float) -> None:
    """Every rolled-up read of the brand pages equals its count from scratch."""
    assert rollups.totals([brand], since, until, now) == \
        queries.mention_totals(store, [brand], since, until)
    for column in ("sentiment", "intent"):
        for bucket in (HOUR, DAY):
            assert rollups.label_series(brand, column, since, until, bucket, now) == \
                queries.label_series(store, brand, column, since, until, bucket)
    top = rollups.top_authors(brand, since, until, now, limit=10_000)
    assert {(n, a): c for n, a, c in top} == scratch_authors(store, brand, since, until)


def test_a_mention_written_by_a_clock_two_hours_behind_is_counted(store: Store) -> None:
    rollups, week = Rollups(store), (T0 - 7 * DAY, T0)
    store.write_mentions([a_mention("Fiori", 1, T0 - 5 * HOUR)])
    assert rollups.totals(["Fiori"], *week, now=T0) == {"Fiori": 1}  # rolled up to T0 - 1 h
    store.clock = ManualClock(T0 - 2 * HOUR)  # a writer whose clock lags the desk's
    store.write_mentions([a_mention("Fiori", 2, T0 - 4 * HOUR)])
    assert rollups.totals(["Fiori"], *week, now=T0) == {"Fiori": 2}
    assert_exact(store, rollups, "Fiori", *week, now=T0 + HOUR)


def test_a_backlog_replayed_after_the_hours_were_rolled_up_is_counted(store: Store) -> None:
    rollups, month = Rollups(store), (T0 - 30 * DAY, T0)
    store.write_mentions([a_mention("Fiori", n, T0 - n * DAY) for n in range(1, 4)])
    assert_exact(store, rollups, "Fiori", *month, now=T0)
    # a source back from an outage writes last week's posts, stamped by a replaying clock
    store.clock = ManualClock(T0 - 6 * DAY)
    store.write_mentions([a_mention("Fiori", 10 + n, T0 - n * DAY - 60, author=f"late{n}")
                          for n in range(1, 6)])
    assert rollups.totals(["Fiori"], *month, now=T0) == {"Fiori": 8}
    assert_exact(store, rollups, "Fiori", *month, now=T0)


def test_labels_made_hours_after_their_mention_are_counted(store: Store) -> None:
    rollups, week = Rollups(store), (T0 - 7 * DAY, T0)
    m = a_mention("Fiori", 1, T0 - 5 * HOUR)
    store.write_mentions([m])
    assert rollups.label_series("Fiori", "sentiment", *week, DAY, now=T0) == {}
    store.clock = ManualClock(T0 + 3 * HOUR)
    save_labels(store, {m.post.uri: {"sentiment": "negative", "intent": "complaint"}})
    day = int((T0 - 5 * HOUR) // DAY)
    assert rollups.label_series("Fiori", "sentiment", *week, DAY, now=T0 + 3 * HOUR) == \
        {"negative": {day: 1}}
    save_labels(store, {m.post.uri: {"sentiment": "positive", "intent": "praise"}})  # relabelled
    assert rollups.label_series("Fiori", "intent", *week, DAY, now=T0 + 9 * HOUR) == \
        {"praise": {day: 1}}
    assert_exact(store, rollups, "Fiori", *week, now=T0 + 9 * HOUR)


def test_a_mention_committed_after_a_desk_rolled_its_hour_is_counted(store_url: str) -> None:
    """A write transaction open while another desk rolls the hour up (PostgreSQL: SQLite lets
    no other writer in meanwhile)."""
    if not store_url.startswith("postgres"):
        pytest.skip("SQLite has one writer at a time")
    with open_store(store_url, clock=ManualClock(T0)) as writer, \
            open_store(store_url, clock=ManualClock(T0)) as desk:
        rollups, week = Rollups(desk), (T0 - 7 * DAY, T0 + 2 * HOUR)
        writer.write_mentions([a_mention("Fiori", 1, T0 - 3 * HOUR)])
        with writer.transaction() as tx:
            write_batch(tx, Batch([a_mention("Fiori", 2, T0 - 3 * HOUR + 5)]), T0, {})
            # the desk rolls the hour an hour later while the write is not committed yet
            assert rollups.totals(["Fiori"], *week, now=T0 + 2 * HOUR) == {"Fiori": 1}
        assert rollups.totals(["Fiori"], *week, now=T0 + 2 * HOUR) == {"Fiori": 2}
        assert_exact(desk, rollups, "Fiori", *week, now=T0 + 3 * HOUR)


def marks(store: Store, brand: str) -> dict[tuple[str, int], int]:
    return {(str(k), int(b)): int(n) for k, b, n in store.query(
        "SELECT kind, bucket, COUNT(*) FROM rollup_touches WHERE brand = ? GROUP BY kind, bucket",
        (brand,))}


def test_the_marks_of_the_live_hour_and_day_fold_into_one_on_a_page_view(store: Store) -> None:
    """Each write transaction appends a mark; a page view folds the live buckets' pile into one
    mark each (they stay marked: read raw), so reads never wade through a day of marks."""
    rollups, week = Rollups(store), (T0 - 7 * DAY, T0 + HOUR)
    for n in range(70):  # 70 write transactions into the live hour
        store.write_mentions([a_mention("Fiori", n, T0 - 600 + n)])
    hour, day = int((T0 - 600) // HOUR), int((T0 - 600) // DAY)
    assert marks(store, "Fiori") == {("h", hour): 70, ("d", day): 70}
    assert rollups.totals(["Fiori"], *week, now=T0) == {"Fiori": 70}
    assert marks(store, "Fiori") == {("h", hour): 1, ("d", day): 70}  # the hours' view
    assert len(rollups.top_authors("Fiori", *week, now=T0)) == 1
    assert marks(store, "Fiori") == {("h", hour): 1, ("d", day): 1}
    store.write_mentions([a_mention("Fiori", 70, T0 - 300)])
    assert_exact(store, rollups, "Fiori", *week, now=T0)
    assert_exact(store, rollups, "Fiori", *week, now=T0 + 2 * DAY)  # rolled: no mark left
    assert marks(store, "Fiori") == {}


def test_a_writing_process_folds_and_rolls_the_marks_though_no_page_is_ever_opened(
        store_url: str) -> None:
    """Marks are cleared by page views; a brand whose page nobody opens would gain a mark per write
    transaction forever. Every writing process (register_writers) has its store fold and roll them
    after a write once a minute, so they stay few, and the counts stay exact."""
    clock = ManualClock(T0)
    with open_store(store_url, clock=clock) as store:
        register_writers(store)
        for n in range(200):  # 200 write transactions into the live hour, a second apart
            clock.advance(1.0)
            store.write_mentions([a_mention("Fiori", n, T0 - 600 + n)])
        # folded once a minute: at most the fold's threshold plus a minute of writes (were 200)
        assert marks(store, "Fiori") and max(marks(store, "Fiori").values()) <= 64 + 60
        clock.advance(2 * HOUR)  # the hour and day end; the next write rolls up the hour
        store.write_mentions([a_mention("Fiori", 200, T0 + 2 * HOUR)])
        hour = int((T0 - 600) // HOUR)
        assert ("h", hour) not in marks(store, "Fiori")
        assert_exact(store, Rollups(store), "Fiori", T0 - 7 * DAY, T0 + 3 * HOUR,
                     now=T0 + 3 * HOUR)


def test_a_failing_chore_never_fails_the_write_it_follows(store: Store,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    def broken(now: float) -> None:
        raise RuntimeError("upkeep broke")

    store.register_chore("broken", broken, 60.0)
    result = store.write_mentions([a_mention("Fiori", 1, T0)])
    assert result.mentions == 1
    assert store.mention_count() == 1
    assert "store chore broken failed" in caplog.text


# -- property: any interleaving of writes, late labels and rollups at any clock ---------------
_COUNTER = iter(range(100_000, 10**9))  # post numbers no other test uses
_step = st.one_of(
    st.tuples(st.just("mention"), st.integers(-60, 6), st.integers(-30, 3), st.integers(0, 3)),
    st.tuples(st.just("label"), st.integers(0, 40), st.sampled_from(["positive", "negative"]),
              st.sampled_from(["complaint", "praise", ""])),
    st.tuples(st.just("roll"), st.integers(-6, 72), st.just(""), st.just("")),
)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(_step, min_size=3, max_size=30))
def test_rolled_up_reads_always_equal_counts_from_scratch(store: Store,
                                                          steps: list[tuple[Any, ...]]) -> None:
    """Mentions posted hours in the past or future and stored by clocks early or late, labels
    landing late, rollups (and folds of the marks of buckets not rolled yet) run at random desk
    times: every read equals the scratch count."""
    brand = f"B{next(_COUNTER)}"  # a brand (and posts) per example
    rollups = Rollups(store, fold=2)  # folds the marks of unrolled buckets on every view too
    written: list[str] = []
    now = T0
    for kind, a, b, c in steps:
        if kind == "mention":  # posted a hours from T0 (+ 10 min), stored at T0 + b hours
            store.clock = ManualClock(T0 + b * HOUR)
            m = a_mention(brand, next(_COUNTER), T0 + a * HOUR + 600 + len(written),
                          author=f"a{c}")
            store.write_mentions([m])
            written.append(m.post.uri)
        elif kind == "label" and written:
            store.clock = ManualClock(now + HOUR)
            save_labels(store, {written[a % len(written)]: {"sentiment": b, "intent": c}})
        elif kind == "roll":
            now = T0 + a * HOUR
            rollups.advance(brand, now)
    for since, until in ((T0 - 3 * DAY, T0 + DAY), (T0 - 61 * HOUR + 1800, T0 + 1)):
        assert_exact(store, rollups, brand, since, until, now)
