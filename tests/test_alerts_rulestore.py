"""The desk's alert-rule edits in the store (migration 0009), on every backend: written, replaced
in place, read back exactly (hostile text included), removed, and every change logged with who
and when; a dispatcher on the store routes by them after its next re-read."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from reale.alerts import AlertDispatcher
from reale.alerts.config import RuleConfig
from reale.alerts.rulestore import LiveRules, RuleStore
from reale.clock import ManualClock
from reale.errors import AlertError
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
