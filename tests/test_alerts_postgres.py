"""The outbox's SQL is portable: the same outbox on PostgreSQL (embedded server), through a
store-shaped adapter (``?`` placeholders turned into psycopg's ``%s``, as the store's Tx does)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from reale.alerts import AlertDispatcher, LocalReceiver, Outbox, ensure_schema
from reale.alerts.db import Dialect
from reale.alerts.routing import route
from reale.clock import ManualClock
from tests.alerts_helpers import SECRET, T0, alert, config, hook_secrets, webhook_channel

pytestmark = pytest.mark.postgres


class PgTx:
    def __init__(self, cur: Any) -> None:
        self._cur = cur

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        self._cur.execute(sql.replace("?", "%s"), params)
        return int(self._cur.rowcount)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cur.execute(sql.replace("?", "%s"), params)
        return [tuple(r) for r in self._cur.fetchall()]

    def run_script_statement(self, statement: str) -> None:
        self._cur.execute(statement)


class PgDatabase:
    dialect = Dialect("postgresql")

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PgTx]:
        with self.conn.transaction(), self.conn.cursor() as cur:
            yield PgTx(cur)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.transaction() as tx:
            return tx.query(sql, params)


@pytest.fixture
def pg(fresh_postgres_url: str) -> Iterator[PgDatabase]:
    """An empty database of the session's server, with the outbox's schema (made twice: safe)."""
    psycopg = pytest.importorskip("psycopg")
    conn = psycopg.connect(fresh_postgres_url, autocommit=True)
    try:
        db = PgDatabase(conn)
        ensure_schema(db)
        ensure_schema(db)
        yield db
    finally:
        conn.close()


def test_dedup_digests_and_requeue_on_postgresql(pg: PgDatabase) -> None:
    pg.query("SELECT 1")
    with pg.transaction() as tx:
        tx.execute("DELETE FROM alert_outbox")
    cfg = config([webhook_channel()], [{"name": "d", "channels": ["hook"], "digest_minutes": 10}])
    box = Outbox(pg)
    for n in range(3):
        a = alert(n, severity="medium")
        assert [e.outcome for e in box.enqueue(a, route(a, cfg, T0), T0)] == ["held"]
    again = alert(9, severity="medium", key="opportunity:0")
    assert [e.outcome for e in box.enqueue(again, route(again, cfg, T0), T0)] == ["replaced"]
    assert box.release_held(T0 + 600, lambda rule: 2) == 1
    [digest] = box.due_heads(T0 + 600)
    assert digest.event == "alert.digest" and len(digest.message.items) == 2 and digest.message.more == 1
    box.mark_dead(digest.id, "HTTP 410", T0 + 600)
    assert box.requeue(digest.delivery_id, T0 + 601).state == "pending"
    assert box.counts() == {"held": 0, "pending": 1, "sent": 0, "dead": 0, "digested": 3}
    assert box.next_due(after=T0 + 600) == T0 + 601


def test_delivery_exactly_once_in_order_on_postgresql(pg: PgDatabase) -> None:
    with pg.transaction() as tx:
        tx.execute("DELETE FROM alert_outbox")
    clock = ManualClock(T0)
    receiver = LocalReceiver(secret=SECRET, clock=clock).start()
    try:
        cfg = config([webhook_channel(url=receiver.url)], [{"name": "all", "channels": ["hook"]}])
        d = AlertDispatcher(cfg, pg, secrets=hook_secrets(receiver.url), clock=clock)
        receiver.stop()
        for n in range(30):
            d.submit(alert(n, brand=("Acme", "Bolt")[n % 2]))
            asyncio.run(d.step())
            clock.advance(20)
        receiver.start()
        while (wake := asyncio.run(d.step())) is not None:
            clock.set(max(clock.now(), wake))
        ids = [r.json()["alert"]["id"] for r in receiver.accepted]
        assert sorted(ids) == [f"a{n:05d}" for n in range(30)] and receiver.duplicates == 0
        for brand in ("Acme", "Bolt"):
            mine = [r.json()["alert"]["id"] for r in receiver.accepted if r.json()["brand"] == brand]
            assert mine == sorted(mine)
        asyncio.run(d.aclose())
    finally:
        receiver.stop()
