"""The one writer: batches by size and time, flushes on close, pushes back when full, retries a
busy store, isolates a refused item, and reports every committed batch — on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import msgspec
import pytest

from reale.clock import ManualClock
from reale.errors import StoreError
from reale.events import Author, Mention, Post
from reale.store import (
    CommittedBatch,
    CursorUpdate,
    ErrorPolicy,
    Store,
    StoreWriter,
    Tx,
    open_store,
)


@pytest.fixture(params=["sqlite-file", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite-file":
        url = f"sqlite:///{tmp_path}/reale.sqlite"
    else:
        url = str(request.getfixturevalue("fresh_postgres_url"))
    with open_store(url, clock=ManualClock(500.0)) as s:
        yield s


def mention(n: int) -> Mention:
    p = Post(network="sim", uri=f"sim://post/{n}", author=Author(id=f"a{n % 3}"),
             text=f"post {n} about Fiat 🚗", created_at=float(n), received_at=100.0 + n)
    return Mention(brand="Fiat", query="fiat", post=p, matched_at=200.0 + n)


async def spin(times: int = 50) -> None:
    """Let every ready task run (no wall-clock waiting)."""
    for _ in range(times):
        await asyncio.sleep(0)


def test_close_flushes_everything_put_before_it(store: Store) -> None:
    async def main() -> StoreWriter:
        writer = StoreWriter(store, batch_size=1000, flush_interval=3600)
        for n in range(10):
            await writer.put(mention(n))
        await writer.close()
        return writer

    writer = asyncio.run(main())
    assert store.mention_count() == 10
    assert (writer.stats.items_written, writer.stats.batches) == (10, 1)


def test_batches_close_at_batch_size(store: Store) -> None:
    sizes: list[int] = []

    async def main() -> None:
        async with StoreWriter(store, batch_size=10, flush_interval=3600,
                               on_commit=lambda b: sizes.append(len(b.items))) as writer:
            await writer.put_many(mention(n) for n in range(35))
            await writer.flush()
            assert store.mention_count() == 35

    asyncio.run(main())
    assert sizes == [10, 10, 10, 5]


def test_a_partial_batch_is_committed_after_flush_interval(store: Store) -> None:
    async def main() -> list[CommittedBatch]:
        got: list[CommittedBatch] = []
        committed = asyncio.Event()

        def on_commit(batch: CommittedBatch) -> None:
            got.append(batch)
            committed.set()

        async with StoreWriter(store, batch_size=1000, flush_interval=0.01,
                               on_commit=on_commit) as writer:
            await writer.put_many([mention(1), mention(2), CursorUpdate("sim", "2")])
            await asyncio.wait_for(committed.wait(), timeout=30)  # no flush() called
        return got

    got = asyncio.run(main())
    assert len(got[0].items) == 3
    assert got[0].committed_at == 500.0  # the writer's clock: compare with items' received_at
    assert got[0].result.mentions == 2
    assert store.get_cursor("sim") == "2"


def test_a_full_queue_makes_put_wait_without_blocking_the_loop(store: Store) -> None:
    hold, holding = threading.Event(), threading.Event()

    def hold_the_store() -> None:
        with store.transaction():
            holding.set()
            hold.wait(30)

    async def main() -> int:
        blocker = threading.Thread(target=hold_the_store)
        blocker.start()
        assert holding.wait(30)
        writer = StoreWriter(store, batch_size=2, flush_interval=0, max_queue=2)
        try:
            for n in range(10):  # some in the stuck transaction, 2 queued, then the queue is full
                put = asyncio.ensure_future(writer.put(mention(n)))
                await spin()
                if not put.done():
                    break
            assert not put.done()  # back-pressure: the producer waits...
            assert writer.stats.queue_depth == 2
            # ...while the event loop keeps running other work (this line runs)
        finally:
            hold.set()
            await asyncio.to_thread(blocker.join)
        await put
        await writer.close()
        return n + 1

    sent = asyncio.run(main())
    assert store.mention_count() == sent


def test_a_locked_database_is_retried_with_back_off(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite"
    store = open_store(f"sqlite:///{path}?busy_timeout=10")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            other.execute("ROLLBACK")  # ... and lets go during the second back-off

    async def main() -> StoreWriter:
        policy = ErrorPolicy(retries=5, backoff=0.5, max_backoff=0.8)
        async with StoreWriter(store, policy=policy, sleep=sleep) as writer:
            await writer.put_many(mention(n) for n in range(3))
        return writer

    writer = asyncio.run(main())
    other.close()
    assert waits == [0.5, 0.8]
    assert (writer.stats.failures, writer.stats.retries, writer.stats.dropped) == (2, 2, 0)
    assert store.mention_count() == 3
    store.close()


def test_after_its_retries_the_writer_gives_up_loudly(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite"
    store = open_store(f"sqlite:///{path}?busy_timeout=10")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    given_up: list[Any] = []

    async def no_wait(seconds: float) -> None:
        return None

    async def main() -> StoreWriter:
        async with StoreWriter(store, policy=ErrorPolicy(retries=2), sleep=no_wait,
                               on_give_up=lambda items, exc: given_up.extend(items)) as writer:
            await writer.put_many(mention(n) for n in range(4))
        return writer

    writer = asyncio.run(main())
    other.execute("ROLLBACK")
    other.close()
    assert len(given_up) == 4
    assert (writer.stats.failures, writer.stats.dropped, writer.stats.items_written) == (3, 4, 0)
    store.close()


class Label(msgspec.Struct, frozen=True):
    """A stand-in for a later part's own item (say, an understanding label)."""

    post_uri: str
    score: float


def write_labels(tx: Tx, labels: Sequence[Label]) -> int:
    for label in labels:
        if not 0.0 <= label.score <= 1.0:
            raise StoreError(f"label score out of range: {label.score}")
    return tx.executemany("INSERT INTO test_labels (post_uri, score) VALUES (?, ?)"
                          " ON CONFLICT (post_uri) DO NOTHING",
                          [(x.post_uri, x.score) for x in labels])


def test_a_refused_item_is_isolated_and_the_rest_committed(store: Store) -> None:
    with store.transaction() as tx:
        tx.execute("CREATE TABLE test_labels (post_uri TEXT PRIMARY KEY, score REAL NOT NULL)")
    store.register_writer(Label, write_labels)
    bad = Label("sim://post/3", 7.0)
    items: list[Any] = [mention(n) for n in range(6)]
    items[3:3] = [Label(f"sim://post/{n}", 0.5) for n in range(3)] + [bad]
    given_up: list[Any] = []

    async def main() -> StoreWriter:
        async with StoreWriter(store, batch_size=100,
                               on_give_up=lambda its, exc: given_up.extend(its)) as writer:
            await writer.put_many(items)
        return writer

    writer = asyncio.run(main())
    assert given_up == [bad]
    assert writer.stats.dropped == 1
    assert writer.stats.items_written == len(items) - 1
    assert store.mention_count() == 6
    assert store.query("SELECT COUNT(*) FROM test_labels") == [(3,)]


def test_a_closed_writer_refuses_items(store: Store) -> None:
    async def main() -> None:
        writer = StoreWriter(store)
        await writer.close()  # never started: nothing to do
        await writer.close()
        with pytest.raises(StoreError, match="closed"):
            await writer.put(mention(1))

    asyncio.run(main())


def test_an_unknown_item_is_given_up_on_not_fatal(store: Store) -> None:
    given_up: list[Any] = []

    async def main() -> None:
        async with StoreWriter(store, on_give_up=lambda its, exc: given_up.extend(its)) as w:
            await w.put_many([mention(1), {"not": "an event"}, mention(2)])

    asyncio.run(main())
    assert given_up == [{"not": "an event"}]
    assert store.mention_count() == 2


def test_the_writer_saves_cursors_never_ahead_of_the_items_before_them(store: Store) -> None:
    batches: list[tuple[Any, ...]] = []

    async def main() -> None:
        async with StoreWriter(store, batch_size=2, flush_interval=3600,
                               on_commit=lambda b: batches.append(b.items)) as writer:
            await writer.put_many(mention(n) for n in range(5))
            writer.set_cursor("jetstream", "5")  # a CursorStore call: returns at once
            assert writer.get_cursor("jetstream") == "5"
            await writer.flush()

    asyncio.run(main())
    assert [len(b) for b in batches] == [2, 2, 2]
    assert batches[-1][-1] == CursorUpdate("jetstream", "5")  # with the fifth item, not before
    assert store.get_cursor("jetstream") == "5"


def test_an_idle_writer_saves_a_cursor_without_being_asked(store: Store) -> None:
    async def main() -> None:
        committed = asyncio.Event()
        async with StoreWriter(store, flush_interval=3600,
                               on_commit=lambda b: committed.set()) as writer:
            writer.set_cursor("mastodon", "110")
            await asyncio.wait_for(committed.wait(), timeout=30)
            assert store.get_cursor("mastodon") == "110"

    asyncio.run(main())


def test_a_flush_cancelled_while_it_waits_leaves_the_writer_working(store: Store) -> None:
    """A runner cancelled during shutdown must not break the writer for the final flush."""

    async def main() -> None:
        async with StoreWriter(store, batch_size=1000, flush_interval=0.05) as writer:
            await writer.put_many(mention(n) for n in range(50))
            waiting = asyncio.create_task(writer.flush())
            await asyncio.sleep(0)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            await writer.put_many(mention(n) for n in range(50, 60))
            await asyncio.wait_for(writer.flush(), timeout=10)

    asyncio.run(main())
    assert store.mention_count() == 60


def test_a_dropped_postgresql_connection_is_reopened(fresh_postgres_url: str) -> None:
    import psycopg

    store = open_store(fresh_postgres_url)
    store.write_mentions([mention(0)])
    assert store.mention_count() == 1  # both a write and a read connection are open now

    def drop_the_stores_sessions() -> None:  # as if the server restarted
        with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE datname = current_database() AND pid <> pg_backend_pid()")

    async def no_wait(seconds: float) -> None:
        return None

    async def main() -> StoreWriter:
        async with StoreWriter(store, sleep=no_wait) as writer:
            await writer.put_many(mention(n) for n in range(1, 4))
        return writer

    drop_the_stores_sessions()
    writer = asyncio.run(main())
    assert (writer.stats.failures, writer.stats.retries, writer.stats.dropped) == (1, 1, 0)
    drop_the_stores_sessions()
    assert store.mention_count() == 4  # the read connection is replaced too
    store.close()
