"""Writers of one brand's hour never wait on each other for the rollups' sake: each only appends a
mark of the buckets it changes, so two matcher processes (or a matcher and the stages writing
labels) scale out. On the embedded PostgreSQL, two connections: the second writer must commit
while the first is still open, under a 2-second lock timeout (SQLite has one writer at a time)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from reale.clock import ManualClock
from reale.events import Mention
from reale.store import Store, open_store
from reale.store.tx import Tx
from reale.store.writes import Batch, write_batch
from reale.web.data import labelled, write_labels
from reale.web.rollup import Rollups
from tests.pg import fresh_postgres_url
from tests.web_helpers import T0, post

HOUR, DAY = 3600.0, 86_400.0
H = T0 - 3 * HOUR  # the hour both writers write into
__all__ = ["fresh_postgres_url"]  # the fixture, imported for pytest
Write = Callable[[Tx], object]


@pytest.fixture
def stores(fresh_postgres_url: str) -> Iterator[tuple[Store, Store]]:
    with open_store(fresh_postgres_url, clock=ManualClock(T0)) as a, \
            open_store(fresh_postgres_url, clock=ManualClock(T0)) as b:
        yield a, b


def a_mention(n: int, at: float) -> Mention:
    """Mention ``n`` of Fiori, by an author of its own (two writers of one author's profile do
    wait on its row: that is the authors table's upsert, not the rollups')."""
    return Mention(brand="Fiori", query="fiori", post=post(n, f"fiori {n}", at=at, author=f"a{n}"),
                   matched_at=at)


def mention_writer(n: int) -> Write:
    return lambda tx: write_batch(tx, Batch([a_mention(n, H + n)]), T0, {})


def label_writer(n: int) -> Write:
    uri = a_mention(n, H + n).post.uri
    return lambda tx: write_labels(tx, list(labelled({uri: {"sentiment": "negative"}}, T0)), T0)


def while_open(first: Store, second: Store, write_a: Write, write_b: Write) -> None:
    """``write_a`` stays uncommitted while ``write_b`` runs and commits on another connection,
    which may wait at most 2 s for a lock."""
    with first.transaction() as a:
        write_a(a)
        with second.transaction() as b:
            b.execute("SET LOCAL lock_timeout = '2s'")
            write_b(b)


@pytest.mark.parametrize(("first", "second"), [
    (mention_writer(2), mention_writer(3)),  # two matcher processes
    (mention_writer(2), label_writer(1)),  # a matcher and the stages writing labels
    (label_writer(1), mention_writer(2)),
    (label_writer(1), label_writer(0)),
], ids=["mention-mention", "mention-label", "label-mention", "label-label"])
def test_a_writer_of_the_same_hour_commits_while_another_is_open(
        stores: tuple[Store, Store], first: Write, second: Write) -> None:
    a, b = stores
    a.write_mentions([a_mention(0, H), a_mention(1, H + 1)])  # the labels' mentions
    while_open(a, b, first, second)
    rollups, week = Rollups(b), (T0 - 7 * DAY, T0)
    written = a.query("SELECT COUNT(*) FROM mentions WHERE brand = 'Fiori'")[0][0]
    assert rollups.totals(["Fiori"], *week, now=T0) == {"Fiori": written}
    negative = rollups.label_series("Fiori", "sentiment", *week, DAY, now=T0)
    labelled_ = a.query("SELECT COUNT(*) FROM labels WHERE sentiment = 'negative'")[0][0]
    assert sum(negative.get("negative", {}).values()) == labelled_


def test_a_desk_rolling_the_hour_does_not_wait_for_an_open_writer(
        stores: tuple[Store, Store]) -> None:
    """The desk rolls the hour a writer has marked but not committed: it neither waits nor
    counts the write, and counts it on a later view once committed."""
    a, b = stores
    a.write_mentions([a_mention(0, H)])
    rollups, week = Rollups(b), (T0 - 7 * DAY, T0)
    with a.transaction() as tx:
        mention_writer(2)(tx)
        with b.transaction() as lock:
            lock.execute("SET lock_timeout = '2s'")  # for the rest of this connection's session
        assert rollups.totals(["Fiori"], *week, now=T0) == {"Fiori": 1}
    assert rollups.totals(["Fiori"], *week, now=T0) == {"Fiori": 2}


def test_a_fold_of_the_live_hours_marks_keeps_a_writer_still_open(
        stores: tuple[Store, Store]) -> None:
    """The desk folds the live hour's pile of marks while a writer of that hour is open: the
    open writer's mark is not in the fold's snapshot and survives it, so its mention is counted
    once it commits."""
    a, b = stores
    live = T0 - 600
    for n in range(10):
        a.write_mentions([a_mention(n, live + n)])
    rollups, week = Rollups(b, fold=5), (T0 - 7 * DAY, T0 + HOUR)
    with a.transaction() as tx:
        write_batch(tx, Batch([a_mention(99, live + 99)]), T0, {})
        assert rollups.totals(["Fiori"], *week, now=T0) == {"Fiori": 10}
        assert b.query("SELECT COUNT(*) FROM rollup_touches WHERE kind = 'h'") == [(1,)]
    assert b.query("SELECT COUNT(*) FROM rollup_touches WHERE kind = 'h'") == [(2,)]
    assert rollups.totals(["Fiori"], *week, now=T0) == {"Fiori": 11}
    assert rollups.totals(["Fiori"], *week, now=T0 + 3 * HOUR) == {"Fiori": 11}
    assert b.query("SELECT COUNT(*) FROM rollup_touches WHERE kind = 'h'") == [(0,)]
