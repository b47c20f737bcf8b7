"""The outbox on SQLite: submitted alerts become durable rows; duplicates are dropped and
updates thread under the first; held alerts are released alone or as one digest; lanes give
their oldest row first; a dead row can be requeued. Survives closing and reopening the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from reale.alerts import Outbox, SQLiteDatabase, ensure_schema, open_alerts_db
from reale.alerts.db import render, schema_sql
from reale.alerts.routing import route
from reale.errors import AlertError
from tests.alerts_helpers import T0, alert, config, webhook_channel


@pytest.fixture
def db() -> SQLiteDatabase:
    db = SQLiteDatabase(":memory:")
    ensure_schema(db)
    ensure_schema(db)  # idempotent: every start may call it
    return db


CFG = config([webhook_channel("hook"), webhook_channel("other")],
             [{"name": "all", "channels": ["hook", "other"], "max_updates": 2}])
DIGEST = config([webhook_channel("hook")], [{"name": "digest", "channels": ["hook"],
                                             "digest_minutes": 10, "digest_max_items": 2}])


def submit(box: Outbox, a: object, cfg: object = CFG, now: float = T0) -> list[str]:
    return [e.outcome for e in box.enqueue(a, route(a, cfg, now), now)]  # type: ignore[arg-type]


def test_each_channel_gets_a_durable_row(tmp_path: Path) -> None:
    path = tmp_path / "alerts.sqlite"
    db = open_alerts_db(f"sqlite:///{path}")
    assert submit(Outbox(db), alert(1)) == ["queued", "queued"]
    db.close()  # type: ignore[attr-defined]
    again = Outbox(open_alerts_db(f"sqlite:///{path}"))
    rows = again.list()
    assert [(r.channel, r.state, r.delivery_id) for r in rows] == [
        ("hook", "pending", "a00001.hook"), ("other", "pending", "a00001.other")]
    assert rows[0].message.alert == alert(1)
    assert again.counts() == {"held": 0, "pending": 2, "sent": 0, "dead": 0, "digested": 0}


def test_the_same_story_twice_is_one_alert_and_growth_is_an_update(db: SQLiteDatabase) -> None:
    box = Outbox(db)
    assert submit(box, alert(1, score=0.8)) == ["queued", "queued"]
    assert submit(box, alert(1, score=0.8)) == ["duplicate", "duplicate"]  # resubmitted
    assert submit(box, alert(2, score=0.82, key="opportunity:1")) == ["duplicate", "duplicate"]
    assert submit(box, alert(3, severity="urgent", key="opportunity:1")) == ["update", "update"]
    update = box.get("a00003.hook")
    assert update is not None and update.event == "alert.updated"
    assert update.message.alert is not None and update.message.alert.update_of == "a00001"


def test_lanes_give_their_oldest_row_first(db: SQLiteDatabase) -> None:
    box = Outbox(db)
    for n, brand in enumerate(["Acme", "Acme", "Bolt", "Acme"]):
        submit(box, alert(n, brand=brand))
    heads = box.due_heads(T0)
    assert [(h.brand, h.channel, h.alert_id) for h in heads] == [
        ("Acme", "hook", "a00000"), ("Acme", "other", "a00000"),
        ("Bolt", "hook", "a00002"), ("Bolt", "other", "a00002")]
    box.mark_retry(heads[0].id, "HTTP 500", T0 + 30)  # a failing head holds its lane back
    assert [h.alert_id for h in box.due_heads(T0 + 1) if h.channel == "hook"] == ["a00002"]
    assert box.next_due() == T0
    box.mark_sent(heads[1].id, T0)
    assert [h.alert_id for h in box.due_heads(T0 + 1) if h.channel == "other"] == ["a00001", "a00002"]


def test_held_alerts_come_out_as_one_digest_with_the_top_items(db: SQLiteDatabase) -> None:
    box = Outbox(db)
    for n, sev in enumerate(["low", "urgent", "medium", "high"]):
        assert submit(box, alert(n, severity=sev), DIGEST, T0 + n) == (
            ["queued"] if sev == "urgent" else ["held"])
    assert box.release_held(T0 + 599, lambda rule: 2) == 0
    assert box.next_due() == T0 + 1  # the urgent one waits in its lane, due now
    assert box.release_held(T0 + 600, lambda rule: 2) == 1
    digest = box.list(["pending"])[-1]
    assert digest.event == "alert.digest" and digest.message.more == 1
    assert [a.severity for a in digest.message.items] == ["high", "medium"]
    assert box.counts()["digested"] == 3


def test_a_lone_held_alert_goes_as_itself_and_an_unseen_one_is_replaced(db: SQLiteDatabase) -> None:
    box = Outbox(db)
    submit(box, alert(1, severity="medium", score=0.7), DIGEST, T0)
    assert submit(box, alert(2, severity="high", score=0.9, key="opportunity:1"), DIGEST, T0) == ["replaced"]
    box.release_held(T0 + 600, lambda rule: 5)
    [row] = box.list(["pending"])
    assert row.event == "alert.created" and row.message.alert is not None
    assert row.message.alert.severity == "high" and row.message.alert.update_of is None


def test_dead_rows_are_listed_and_requeued(db: SQLiteDatabase) -> None:
    box = Outbox(db)
    submit(box, alert(1))
    head = box.due_heads(T0)[0]
    box.mark_dead(head.id, "channel hook: HTTP 404", T0)
    [dead] = box.list(["dead"])
    assert dead.last_error == "channel hook: HTTP 404" and dead.attempts == 1
    again = box.requeue(dead.delivery_id, T0 + 5)
    assert again.state == "pending" and again.attempts == 0
    assert box.due_heads(T0 + 5)[0].id == head.id
    with pytest.raises(AlertError, match="no alert delivery"):
        box.requeue("999", T0)
    box.mark_sent(head.id, T0 + 6)
    with pytest.raises(AlertError, match="is sent"):
        box.requeue(str(head.id), T0)
    with pytest.raises(AlertError, match="unknown delivery state"):
        box.list(["lost"])


def test_the_migration_is_written_in_the_stores_dialect() -> None:
    sql = schema_sql()
    assert "{{autoid}}" in sql and "{{float}}" in sql
    pg = render(sql, "postgresql")
    assert any("GENERATED BY DEFAULT AS IDENTITY" in s for s in pg)
    assert all("IF NOT EXISTS" in s for s in pg)
