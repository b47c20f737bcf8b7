"""The desk's alert-rule edits in the store (migration 0009), on every backend: written, replaced
in place, read back exactly (hostile text included), removed, and every change logged with who
and when; a dispatcher on the store routes by them after its next re-read."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest

from reale.alerts import AlertDispatcher
from reale.alerts.config import RuleConfig
from reale.alerts.rulestore import LiveRules, RuleStore
from reale.clock import ManualClock
from reale.errors import AlertError, DeskError
from reale.store import Store, open_store
from tests.alerts_helpers import T0, alert, config

BACKENDS = ["sqlite-file", "postgresql"]
CFG = config([{"name": n, "kind": "slack", "url": f"https://hooks.example/{n}"} for n in ("ops", "pr")],
             [{"name": "opps", "channels": ["ops"], "min_score": 0.8}])


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = (f"sqlite:///{tmp_path}/reale.sqlite" if request.param == "sqlite-file"
           else str(request.getfixturevalue("fresh_postgres_url")))
    with open_store(url, clock=ManualClock(T0)) as s:
        yield s


def rule(name: str, **kw: object) -> RuleConfig:
    return msgspec.convert({"name": name, "channels": ["ops"], **kw}, RuleConfig)


def test_the_migration_makes_an_empty_rules_table(store: Store) -> None:
    assert "0009_alert_rules" in [m.name for m in store.applied_migrations()]
    assert RuleStore(store).edits() == [] and RuleStore(store).history() == []


def test_edits_round_trip_keep_their_place_and_are_logged(store: Store) -> None:
    rules = RuleStore(store)
    rules.put("b-desk", "desk", rule("b-desk", brands=["Acme"], quiet_hours="22:00-07:00"),
              disabled=False, base=None, by="ada", at=T0, action="added")
    rules.put("opps", "config", None, disabled=True, base=CFG.rules[0], by="ada", at=T0 + 1,
              action="disabled")
    rules.put("b-desk", "desk", rule("b-desk", min_score=0.25), disabled=False, base=None,
              by="<b>eve</b>", at=T0 + 2, action="edited")
    edits = rules.edits()
    assert [(e.name, e.origin, e.disabled) for e in edits] == [("b-desk", "desk", False),
                                                              ("opps", "config", True)]
    assert edits[0].rule == rule("b-desk", min_score=0.25) and edits[0].by == "<b>eve</b>"
    assert edits[1].rule is None and edits[1].base  # the config rule it was disabled from
    assert [(h.action, h.by) for h in rules.history()] == [
        ("edited", "<b>eve</b>"), ("disabled", "ada"), ("added", "ada")]


def test_removing_an_edit_is_logged_and_removing_nothing_is_refused(store: Store) -> None:
    rules = RuleStore(store)
    rules.put("x", "desk", rule("x"), disabled=False, base=None, by="ada", at=T0, action="added")
    rules.remove("x", by="ada", at=T0 + 1, action="deleted")
    assert rules.edits() == [] and rules.history()[0].action == "deleted"
    with pytest.raises(AlertError, match="no edit of rule 'x'"):
        rules.remove("x", by="ada", at=T0 + 2, action="deleted")


def test_a_dispatcher_on_the_store_routes_by_the_edits_after_its_next_reread(store: Store) -> None:
    ticks = [0.0]
    rules = RuleStore(store)
    live = LiveRules(CFG, rules, interval=2.0, monotonic=lambda: ticks[0])
    dispatcher = AlertDispatcher(CFG, store, clock=ManualClock(T0), rules=live)
    assert dispatcher.submit(alert(1, score=0.5)) == []  # below the config's 0.8
    rules.put("opps", "config", rule("opps", min_score=0.4), disabled=False, base=CFG.rules[0],
              by="ada", at=T0, action="edited")
    ticks[0] = 3.0
    asyncio.run(dispatcher.step())  # the loop's step re-reads the rules
    assert [e.outcome for e in dispatcher.submit(alert(2, score=0.5))] == ["queued"]
    asyncio.run(dispatcher.aclose())


def test_the_kafka_brand_stage_routes_each_batch_by_the_rules_in_force(store: Store) -> None:
    from reale.config import Config
    from reale.run.kafka.desk import KafkaDesk

    rules = RuleStore(store)
    desk = KafkaDesk(Config(), ManualClock(T0), alerts=CFG, background=False,
                     rules=LiveRules(CFG, rules, interval=0.0))
    collector = desk.sinks().collector
    assert collector is not None and [r.name for r in collector.config.rules] == ["opps"]
    rules.put("opps", "config", None, disabled=True, base=CFG.rules[0], by="ada", at=T0,
              action="disabled")
    collector = desk.sinks().collector
    assert collector is not None and collector.config.rules == ()
    assert collector.raise_opportunity_alert({"id": "o1", "brand": "Acme", "score": 0.95,
                                              "kind": "complaint", "text": "t"}) == []


# -- two admins adding the same name ---------------------------------------------------------------
def test_adding_a_name_the_desk_has_is_a_conflict_and_keeps_the_first_rule(store: Store) -> None:
    first, second = RuleStore(store), RuleStore(store)
    first.add("night", rule("night", min_score=0.3), by="ada", at=T0)
    with pytest.raises(DeskError, match="a rule named 'night' exists already"):
        second.add("night", rule("night", min_score=0.9), by="bea", at=T0 + 1)
    assert [(e.name, e.origin, e.by) for e in first.edits()] == [("night", "desk", "ada")]
    assert first.edits()[0].rule == rule("night", min_score=0.3)  # not replaced by the second
    assert [(h.action, h.by) for h in first.history()] == [("added", "ada")]


@pytest.mark.postgres
def test_an_add_that_loses_the_race_on_postgresql_is_a_conflict_not_a_store_error(
        fresh_postgres_url: str) -> None:
    """The interleaving that made a 503: the second admin's add has checked the name (free: the
    first admin's insert is not committed yet) and waits on the primary key; the first commits;
    the second's insert breaks the key. It must read as "the name is taken"."""
    psycopg = pytest.importorskip("psycopg")
    with open_store(fresh_postgres_url, clock=ManualClock(T0)) as store, \
            psycopg.connect(fresh_postgres_url, autocommit=True) as watcher:
        errors: list[BaseException] = []

        def second_admin() -> None:
            try:
                RuleStore(store).add("night", rule("night", min_score=0.9), by="bea", at=T0 + 1)
            except BaseException as exc:  # checked below
                errors.append(exc)

        with psycopg.connect(fresh_postgres_url) as first, first.transaction():
            first.execute("INSERT INTO alert_rules (name, origin, rule, updated_by, updated_at, "
                          "position) VALUES (%s, 'desk', %s, 'ada', %s, 1)",
                          ("night", '{"name": "night", "channels": ["ops"]}', T0))
            thread = threading.Thread(target=second_admin)
            thread.start()
            wait_until(lambda: watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                "datname = current_database()").fetchone()[0] == 1, "the second insert to wait")
        thread.join(timeout=10)
        assert len(errors) == 1 and isinstance(errors[0], DeskError), errors
        assert "a rule named 'night' exists already" in str(errors[0])
        assert [e.by for e in RuleStore(store).edits()] == ["ada"]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Wait for another connection's state (I/O), never for logic."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_the_order_round_trips_and_a_deleted_rule_leaves_it(store: Store) -> None:
    rules = RuleStore(store)
    assert rules.order() == []
    rules.add("night", rule("night"), by="ada", at=T0)
    rules.reorder(["night", "opps"], moved="night", action="moved up", by="ada", at=T0 + 1)
    assert rules.order() == ["night", "opps"]
    rules.reorder(["opps", "night"], moved="night", action="moved down", by="bea", at=T0 + 2)
    assert rules.order() == ["opps", "night"]
    rules.remove("night", by="ada", at=T0 + 3, action="deleted")
    assert rules.order() == ["opps"]
    assert [(h.name, h.action, h.by) for h in rules.history()][:3] == [
        ("night", "deleted", "ada"), ("night", "moved down", "bea"), ("night", "moved up", "ada")]
